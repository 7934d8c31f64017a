"""Kiosks on one machine for the fleet's tests: a config and a data folder each."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.config import load_config
from kiosk.fleet.commands import kiosk_sync
from kiosk.fleet.sync import FleetSync, SyncResult
from kiosk.paths import KioskPaths
from session.log import SessionRecord, SqliteSessionLog

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def record(n: int, *, started: datetime | None = None, outcome: str = "recommend",
           seconds: float = 95.0, tape: tuple[float, float, float, float] | None = None,
           camera: tuple[float, float, float, float] | None = None,
           refusals: tuple[str, ...] = (), demo: bool = False,
           session_id: str | None = None) -> SessionRecord:
    """Session ``n``: camera girths (left/right ankle, calf); with ``tape`` the taped
    girths, the camera's kept beside them as ``camera``."""
    start = started or (T0 + timedelta(minutes=7 * n))
    girths = tape or camera or (220.0, 360.0, 222.0, 358.0)
    rec = SessionRecord(
        session_id=session_id or f"{n:016x}", started_at=start.isoformat(timespec="seconds"),
        finished_at=(start + timedelta(seconds=seconds)).isoformat(timespec="seconds"),
        outcome=outcome, purpose="everyday", language="en", state_reached="handoff",
        source="tape" if tape else "camera",
        left_ankle_mm=girths[0], left_calf_mm=girths[1], left_length_mm=430.0,
        right_ankle_mm=girths[2], right_calf_mm=girths[3], right_length_mm=431.0,
        left_ankle_sd_mm=2.5, left_calf_sd_mm=4.0, right_ankle_sd_mm=2.5,
        right_calf_sd_mm=4.0, refusal_reasons=refusals, demo=demo,
        reason_codes=("standard_size",), software_version="0.1.0")
    if tape and camera:
        rec = replace(rec, camera_left_ankle_mm=camera[0], camera_left_calf_mm=camera[1],
                      camera_right_ankle_mm=camera[2], camera_right_calf_mm=camera[3])
    return rec


@dataclass
class Kiosk:
    name: str
    config_dir: Path
    data_dir: Path
    monkeypatch: pytest.MonkeyPatch

    @property
    def paths(self) -> KioskPaths:
        return KioskPaths(self.config_dir, self.data_dir)

    def use(self) -> None:
        """The command line works on this kiosk from now on."""
        self.monkeypatch.setenv("LEGFIT_CONFIG_DIR", str(self.config_dir))
        self.monkeypatch.setenv("LEGFIT_DATA_DIR", str(self.data_dir))

    def log(self) -> SqliteSessionLog:
        return SqliteSessionLog(self.paths.session_log_file)

    def write(self, *records: SessionRecord) -> None:
        log = self.log()
        for r in records:
            log.record(r)
        log.close()

    def join(self, capsys: pytest.CaptureFixture[str], dsn: str, store: str) -> str:
        self.use()
        code, out, err = cli(capsys, "fleet", "join", "--dsn", dsn, "--store", store,
                             "--kiosk", self.name)
        assert code == 0, err
        return out

    def sync(self, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str, str]:
        self.use()
        return cli(capsys, "fleet", "sync", *extra)

    def sync_json(self, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
        code, out, err = self.sync(capsys, "--once", "--json")
        assert code == 0, err
        lines = out.strip().splitlines()
        assert len(lines) == 1
        body = json.loads(lines[0])
        assert isinstance(body, dict)
        return body

    def syncer(self) -> FleetSync:
        return kiosk_sync(self.paths, load_config(self.paths.config_file))

    def sync_once(self) -> SyncResult:
        sync = self.syncer()
        try:
            return sync.run_once()
        finally:
            sync.outbox.close()
