"""A guard against a reference-count bug in PySide6 6.12.0 on Python 3.11.

In the pinned PySide6 (6.12.0) every Qt method that returns nothing hands back ``None``
without taking a reference to it, and methods returning a bool do the same with
``True``/``False``: each call (``label.setText``, ``app.processEvents``, every slot a
timer calls, ...) costs ``None`` one reference it never had. On Python 3.12 and later
``None``, ``True`` and ``False`` are immortal and nothing happens; on 3.11 their count
reaches zero after some tens of thousands of calls and the interpreter aborts with
"Fatal Python error: none_dealloc". A kiosk updating its live view many times a second
would die within minutes.

``guard_singletons()`` gives these three objects a reference count so large that no
kiosk lifetime can use it up, which is what Python 3.12 does for every such object. It
must run before the first Qt call. ``leaked_per_call()`` measures the bug, so a test
tells when a PySide6 without it has arrived and this guard can go.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable

# 2**40 calls: over 500 years at 60 calls a second.
_RESERVE = 1 << 40
_GUARDED = (None, True, False)


def _refcount_cell(obj: object) -> ctypes.c_ssize_t:
    # CPython: ob_refcnt is the first field of every object, at the object's address.
    return ctypes.c_ssize_t.from_address(id(obj))


def guard_singletons() -> bool:
    """Reserve references for None, True and False; True when it changed anything."""
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return False  # immortal there
    changed = False
    for obj in _GUARDED:
        cell = _refcount_cell(obj)
        if cell.value < _RESERVE:
            cell.value += _RESERVE
            changed = True
    return changed


def leaked_per_call(call: Callable[[], object], n: int = 1000) -> float:
    """References to None lost per call of ``call`` (0.0 when the bug is gone)."""
    before = sys.getrefcount(None)
    for _ in range(n):
        call()
    return (before - sys.getrefcount(None)) / n
