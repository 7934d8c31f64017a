"""The guard against PySide6 6.12.0's lost references to None/True/False on Python 3.11."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from kiosk.qt_refcount import leaked_per_call

_LOOP = textwrap.dedent("""
    import sys
    sys.path.insert(0, {repo!r})
    from kiosk.qt_refcount import guard_singletons
    if {guard}:
        guard_singletons()
    from PySide6.QtWidgets import QApplication, QLabel
    app = QApplication([])
    label = QLabel()
    for i in range(200_000):  # a few minutes of a kiosk's live view
        label.setText("x")
        app.processEvents()
    print("survived")
""")


def run_loop(guard: bool) -> subprocess.CompletedProcess:
    from tests.conftest import REPO_ROOT

    env = {"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-c", _LOOP.format(repo=str(REPO_ROOT), guard=guard)],
                          capture_output=True, text=True, timeout=300, env=env)


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12")
def test_the_bug_is_still_there_so_the_guard_is_still_needed(qapp):
    from PySide6.QtWidgets import QLabel

    label = QLabel()
    leak = leaked_per_call(lambda: label.setText("x"))
    if leak == 0:
        pytest.fail("PySide6 no longer loses references to None: kiosk.qt_refcount can go")
    assert leak == pytest.approx(1.0)


@pytest.mark.slow
def test_the_guard_keeps_a_busy_qt_process_alive():
    unguarded = run_loop(guard=False)
    assert unguarded.returncode != 0 and "none_dealloc" in unguarded.stderr
    guarded = run_loop(guard=True)
    assert guarded.returncode == 0 and "survived" in guarded.stdout
