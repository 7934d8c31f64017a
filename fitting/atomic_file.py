"""Writing a small file so that a power cut leaves the old version or the new one, never half.

Used for the kiosk's settings and its camera calibration. Pure standard library.

A rename is only as durable as the directory entry it changes: after ``os.replace`` the
directory is synced too, so once ``write_text_atomic`` returned the new file is the one a
power cut leaves (before, the old one could come back, or nothing, for a new file).
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

# fsync on a directory is refused with these by file systems that cannot sync one (some
# network and FUSE file systems); there is nothing more to do for the rename there.
_CANNOT_SYNC_DIRECTORY = frozenset({errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP})


def fsync_directory(path: str | os.PathLike[str]) -> None:
    """Make the names in directory ``path`` (files created, renamed or deleted in it)
    survive a power cut."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in _CANNOT_SYNC_DIRECTORY:
            raise
    finally:
        os.close(fd)


def _make_directory(directory: Path) -> None:
    """Create ``directory`` and any missing parents, each one's name synced."""
    missing: list[Path] = []
    d = directory
    while not d.exists():
        missing.append(d)
        d = d.parent
    directory.mkdir(parents=True, exist_ok=True)
    for created in reversed(missing):
        fsync_directory(created.parent)


def write_text_atomic(path: str | os.PathLike[str], text: str, mode: int | None = None) -> None:
    """Write ``text`` to a temporary file beside ``path``, sync it, rename it over ``path``
    and sync the directory.

    ``mode``: permission bits set before the rename (e.g. 0o600 for a file holding a PIN
    hash), so the file is never visible with looser ones.
    """
    path = Path(path)
    _make_directory(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_directory(path.parent)
