"""Atomic replace: the file synced, renamed over the old one, then its directory synced.

A power cut leaves the old file or the new one, whole; once the call returned, the new.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from fitting import atomic_file
from fitting.atomic_file import fsync_directory, write_text_atomic


class SyncLog:
    """Records fsync and replace calls, in order, with what each fsync was given."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, fail_directory_sync: int | None = None):
        self.events: list[tuple[str, str]] = []
        self._fail = fail_directory_sync
        real_fsync, real_replace = os.fsync, os.replace

        def fsync(fd: int) -> None:
            info = os.fstat(fd)
            if stat.S_ISDIR(info.st_mode):
                self.events.append(("fsync dir", self._directory_of(info)))
                if self._fail is not None:
                    raise OSError(self._fail, os.strerror(self._fail))
            else:
                self.events.append(("fsync file", ""))
            real_fsync(fd)

        def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
            self.events.append(("replace", Path(dst).name))
            real_replace(src, dst)

        self.directories: dict[tuple[int, int], str] = {}
        monkeypatch.setattr(atomic_file.os, "fsync", fsync)
        monkeypatch.setattr(atomic_file.os, "replace", replace)

    def know(self, *directories: Path) -> None:
        for d in directories:
            if not d.is_dir():
                continue
            info = d.stat()
            self.directories[(info.st_dev, info.st_ino)] = d.name

    def _directory_of(self, info: os.stat_result) -> str:
        return self.directories.get((info.st_dev, info.st_ino), "?")


def test_the_text_is_written_whole_with_its_mode_and_no_temporary_left(tmp_path):
    path = tmp_path / "config.json"
    path.write_text("old")
    write_text_atomic(path, '{"new": "ü"}', mode=0o640)
    assert path.read_text("utf-8") == '{"new": "ü"}'
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["config.json"]


def test_the_file_is_synced_before_the_rename_and_the_directory_after(tmp_path, monkeypatch):
    log = SyncLog(monkeypatch)
    log.know(tmp_path)
    write_text_atomic(tmp_path / "calibration.json", "{}")
    assert log.events == [("fsync file", ""), ("replace", "calibration.json"),
                          ("fsync dir", tmp_path.name)]


def test_directories_it_creates_are_synced_into_their_parents(tmp_path, monkeypatch):
    log = SyncLog(monkeypatch)
    target = tmp_path / "etc" / "legfit" / "config.json"
    real_mkdir = Path.mkdir

    def mkdir(self: Path, *args: object, **kwargs: object) -> None:
        real_mkdir(self, *args, **kwargs)  # type: ignore[arg-type]
        log.know(tmp_path, tmp_path / "etc", target.parent)

    monkeypatch.setattr(Path, "mkdir", mkdir)
    write_text_atomic(target, "{}")
    assert target.read_text() == "{}"
    synced = [name for kind, name in log.events if kind == "fsync dir"]
    # each new directory's name in its parent, then the file's name in its directory
    assert synced == [tmp_path.name, "etc", "legfit"]
    assert log.events[-2:] == [("replace", "config.json"), ("fsync dir", "legfit")]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "config.json"
    path.write_text("old and whole")

    def full_disk(src: object, dst: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic_file.os, "replace", full_disk)
    with pytest.raises(OSError, match="No space"):
        write_text_atomic(path, "new")
    assert path.read_text() == "old and whole"
    assert [p.name for p in tmp_path.iterdir()] == ["config.json"]


@pytest.mark.parametrize("code", [errno.EINVAL, errno.EOPNOTSUPP])
def test_a_file_system_that_cannot_sync_a_directory_still_gets_the_file(
        tmp_path, monkeypatch, code):
    SyncLog(monkeypatch, fail_directory_sync=code)
    write_text_atomic(tmp_path / "config.json", "new")
    assert (tmp_path / "config.json").read_text() == "new"


def test_an_input_output_error_syncing_the_directory_is_raised(tmp_path, monkeypatch):
    SyncLog(monkeypatch, fail_directory_sync=errno.EIO)
    with pytest.raises(OSError) as err:
        fsync_directory(tmp_path)
    assert err.value.errno == errno.EIO


def test_the_kiosk_settings_and_the_calibration_are_written_through_it(tmp_path, monkeypatch):
    from calibration.calibration_file import (
        calibration_to_dict,
        load_calibration,
        save_calibration,
    )
    from kiosk.config import KioskConfig, load_config, save_config
    from tests.calibration.test_calibration_file import full_calibration

    log = SyncLog(monkeypatch)
    log.know(tmp_path)
    config = KioskConfig(default_language="de", session_retention_days=90)
    save_config(config, tmp_path / "config.json")
    assert load_config(tmp_path / "config.json") == config
    assert stat.S_IMODE((tmp_path / "config.json").stat().st_mode) == 0o600
    cal = full_calibration()
    save_calibration(cal, tmp_path / "calibration.json")
    loaded = load_calibration(tmp_path / "calibration.json")
    assert calibration_to_dict(loaded) == calibration_to_dict(cal)
    assert log.events == [("fsync file", ""), ("replace", "config.json"),
                          ("fsync dir", tmp_path.name),
                          ("fsync file", ""), ("replace", "calibration.json"),
                          ("fsync dir", tmp_path.name)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["calibration.json", "config.json"]
