"""The SQLite session log: WAL, one row per session, and no lost session on a bad disk."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from fitting.outcome import Outcome
from session.flow import FlowState
from session.log import (
    DEFAULT_RETENTION_DAYS,
    SCHEMA_VERSION,
    SessionLogSetAside,
    SessionLogUnavailable,
    SessionRecord,
    SqliteSessionLog,
)
from tests.kiosk.flow_helpers import camera_measurement, demo_choice, scripted_decision

T0 = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


class WallClock:
    """The log's clock, moved by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def ids_on_disk(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        ids = {row[0] for row in conn.execute("SELECT session_id FROM sessions")}
    conn.close()
    return ids


def record(session_id: str = "a1", outcome: str = "recommend", minute: int = 0,
           with_girths: bool = True) -> SessionRecord:
    return SessionRecord.from_session(
        session_id=session_id, started_at=T0, finished_at=T0.replace(minute=minute),
        outcome=outcome, purpose="travel", language="de",
        measurement=camera_measurement() if with_girths else None,
        decision=(scripted_decision(Outcome.RECOMMEND, (), (demo_choice(),)) if with_girths
                  else None),
        state_reached="recommendation")


def test_records_round_trip_newest_first_in_wal_mode(tmp_path):
    log = SqliteSessionLog(tmp_path / "log" / "sessions.sqlite3")
    log.record(record("a1", minute=1))
    log.record(record("b2", outcome="see_doctor", minute=2, with_girths=False))
    got = log.recent()
    assert [r.session_id for r in got] == ["b2", "a1"]
    assert got[1] == record("a1", minute=1)
    assert got[1].recommendation[0]["class_mmhg"] == [15, 20]
    assert got[0].left_calf_mm is None
    log.close()
    conn = sqlite3.connect(tmp_path / "log" / "sessions.sqlite3")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    conn.close()


def test_recording_a_session_again_replaces_its_row(tmp_path):
    log = SqliteSessionLog(tmp_path / "s.sqlite3")
    log.record(record("a1", outcome="abandoned", with_girths=False))
    log.record(record("a1", outcome="recommend", minute=5))
    (only,) = log.recent()
    assert only.outcome == "recommend" and only.left_ankle_mm == 220.0
    log.close()


def test_a_locked_database_keeps_the_session_in_memory_and_writes_it_later(tmp_path):
    path = tmp_path / "s.sqlite3"
    log = SqliteSessionLog(path, lock_timeout_s=0.05)
    log.record(record("a1"))
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")  # another process holds the write lock
    with pytest.raises(SessionLogUnavailable) as exc:
        log.record(record("b2", minute=3))
    message = str(exc.value)
    assert "locked" in message and "1 session kept in memory" in message
    assert "\n" not in message
    assert [r.session_id for r in log.pending] == ["b2"]
    blocker.execute("ROLLBACK")
    blocker.close()
    assert log.retry() and log.pending == () and log.problem is None
    assert {r.session_id for r in log.recent()} == {"a1", "b2"}
    log.close()


def test_a_full_disk_keeps_every_session_for_the_next_try(tmp_path):
    path = tmp_path / "s.sqlite3"
    log = SqliteSessionLog(path)
    log.record(record("a0"))
    conn = log._connect()  # cap the file at its present size: a "full disk"
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count={pages}")
    big = [record(f"s{i:03d}", minute=i % 60) for i in range(200)]
    with pytest.raises(SessionLogUnavailable, match="full"):
        for r in big:
            log.record(r)
    assert len(log.pending) >= 1
    waiting = {r.session_id for r in log.pending}
    # what is waiting still shows in the staff history
    assert waiting <= {r.session_id for r in log.recent(limit=500)}
    log.close()  # the connection (and its cap) goes; the next open has room again
    log2 = SqliteSessionLog(path)
    for r in log.pending:
        log2.record(r)
    assert waiting <= {r.session_id for r in log2.recent(limit=500)}
    log2.close()


def test_a_file_that_is_not_a_database_is_set_aside_and_the_session_kept(tmp_path):
    path = tmp_path / "sessions.sqlite3"
    path.write_bytes(b"this is not an SQLite file" * 100)
    log = SqliteSessionLog(path, clock=WallClock(T0))
    with pytest.raises(SessionLogSetAside) as exc:
        log.record(record("a1"))  # written, and said once
    aside = tmp_path / "sessions.sqlite3.corrupt-20261123T093000Z"
    assert str(exc.value) == (
        f"session log {path} was corrupt (file is not a database): set aside as "
        f"{aside.name} and a new log started")
    assert aside.read_bytes() == b"this is not an SQLite file" * 100
    assert log.pending == () and log.problem == str(exc.value)
    log.record(record("b2", minute=1))  # the next one: nothing more to say
    assert log.problem is None
    log.close()
    assert ids_on_disk(path) == {"a1", "b2"}


def test_a_log_from_a_newer_version_is_left_untouched(tmp_path):
    path = tmp_path / "s.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version=7")
    conn.close()
    log = SqliteSessionLog(path)
    with pytest.raises(SessionLogUnavailable, match="newer LegFit"):
        log.record(record())
    log.close()


@pytest.mark.parametrize("typed", ["LF-7K3Q-M9TX", "lf-7k3q-m9tx", " LF 7K3Q M9TX ", "7k3qm9tx"])
def test_a_fitting_code_is_found_however_staff_type_or_scan_it(tmp_path, typed):
    from session.codes import code_key

    assert code_key(typed) == "7K3QM9TX"
    log = SqliteSessionLog(tmp_path / "sessions.sqlite3")
    log.record(record("7k3qm9tx00000001", minute=1))
    log.record(record("0000aaaa00000002", minute=2))
    found = log.find(typed)
    assert found is not None and found.session_id == "7k3qm9tx00000001"
    assert found.fitting_code == "LF-7K3Q-M9TX"


@pytest.mark.parametrize("typed", ["LF-7K3Q", "hello", "", "LF-0000-0000"])
def test_no_session_for_a_code_that_is_none_or_unknown(tmp_path, typed):
    log = SqliteSessionLog(tmp_path / "sessions.sqlite3")
    log.record(record("7k3qm9tx00000001"))
    assert log.find(typed) is None


def test_a_log_of_the_first_schema_gains_the_camera_columns_and_keeps_its_rows(tmp_path):
    path = tmp_path / "sessions.sqlite3"
    old_columns = [c for c in SessionRecord.__dataclass_fields__ if not c.startswith("camera_")]
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE sessions ({})".format(", ".join(
            f"{c} TEXT" + (" PRIMARY KEY" if c == "session_id" else "")
            for c in old_columns)))
        conn.execute("INSERT INTO sessions (session_id, started_at, finished_at, outcome, "
                     "recommendation) VALUES ('old1', 'x', '2026-11-01T09:00:00', "
                     "'see_doctor', '[]')")
        conn.execute("PRAGMA user_version=1")
    conn.close()
    log = SqliteSessionLog(path)
    log.record(record("new1", minute=5))
    assert [r.session_id for r in log.recent()] == ["new1", "old1"]
    assert log.find("LF-OLD1-") is None  # too short to be a code
    old = next(r for r in log.recent() if r.session_id == "old1")
    assert old.outcome == "see_doctor" and old.camera_left_ankle_mm is None
    log.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_every_write_is_synced_before_record_returns(tmp_path):
    log = SqliteSessionLog(tmp_path / "sessions.sqlite3")
    log.record(record("a1"))
    conn = log._connect()
    # FULL (2): each commit syncs the write-ahead log, so a power cut keeps it.
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    # A deleted or replaced row is overwritten in the file, not left in free pages.
    assert conn.execute("PRAGMA secure_delete").fetchone()[0] == 1
    log.close()


# -- retention -------------------------------------------------------------------------------

def finished(session_id: str, at: datetime | str) -> SessionRecord:
    when = at if isinstance(at, str) else at.isoformat(timespec="seconds")
    return replace(record(session_id), started_at=when, finished_at=when)


def test_sessions_past_the_retention_are_deleted_when_the_log_opens(tmp_path):
    path = tmp_path / "sessions.sqlite3"
    limit = T0 - timedelta(days=DEFAULT_RETENTION_DAYS)
    writer = SqliteSessionLog(path, clock=WallClock(T0 - timedelta(days=900)))
    for r in [
        finished("gone_by_a_day", limit - timedelta(days=1)),
        finished("gone_by_a_second", limit - timedelta(seconds=1)),
        finished("kept_by_a_second", limit + timedelta(seconds=1)),
        finished("kept_recent", T0 - timedelta(days=3)),
        # a minute before the limit, written in local summer time (09:29 UTC as
        # 11:29+02:00, which a comparison of the text would keep)
        finished("gone_other_offset",
                 (limit - timedelta(minutes=1)).astimezone(timezone(timedelta(hours=2)))),
        # no offset (taken as UTC), a day inside the limit
        finished("kept_naive", (limit + timedelta(days=1)).replace(tzinfo=None)),
        # a time that cannot be read is never deleted
        finished("kept_unreadable", "yesterday"),
    ]:
        writer.record(r)
    writer.close()
    assert len(ids_on_disk(path)) == 7

    log = SqliteSessionLog(path, clock=WallClock(T0))
    assert {r.session_id for r in log.recent(100)} == {
        "kept_by_a_second", "kept_recent", "kept_naive", "kept_unreadable"}
    log.close()
    assert ids_on_disk(path) == {
        "kept_by_a_second", "kept_recent", "kept_naive", "kept_unreadable"}


def test_the_purge_runs_again_once_a_day_after_a_write(tmp_path):
    path = tmp_path / "sessions.sqlite3"
    clock = WallClock(T0)
    log = SqliteSessionLog(path, clock=clock)
    limit = T0 - timedelta(days=DEFAULT_RETENTION_DAYS)
    log.record(finished("ages_in_an_hour", limit + timedelta(hours=1)))
    log.record(finished("ages_in_two_days", limit + timedelta(days=2)))
    assert ids_on_disk(path) == {"ages_in_an_hour", "ages_in_two_days"}

    clock.advance(hours=2)  # past its limit now, but the last purge was 2 h ago
    log.record(finished("n1", clock.now))
    assert "ages_in_an_hour" in ids_on_disk(path)

    clock.advance(hours=22)  # 24 h after the purge at opening
    log.record(finished("n2", clock.now))
    assert ids_on_disk(path) == {"ages_in_two_days", "n1", "n2"}

    clock.advance(days=2)  # the other one is past its limit now
    assert log.retry()  # nothing waiting: no write, and no purge
    assert "ages_in_two_days" in ids_on_disk(path)
    log.record(finished("n3", clock.now))
    assert ids_on_disk(path) == {"n1", "n2", "n3"}
    log.close()


def test_a_clock_set_back_purges_again_at_the_next_write(tmp_path):
    path = tmp_path / "sessions.sqlite3"
    clock = WallClock(T0)
    log = SqliteSessionLog(path, clock=clock, retention_days=30)
    log.record(finished("a", T0))
    clock.advance(days=-2)  # the time corrected backwards: purge with the corrected time
    log.record(finished("old", clock.now - timedelta(days=31)))
    assert ids_on_disk(path) == {"a"}
    log.close()


def test_the_retention_is_the_stores_choice(tmp_path):
    path = tmp_path / "sessions.sqlite3"
    writer = SqliteSessionLog(path, clock=WallClock(T0 - timedelta(days=400)))
    writer.record(finished("forty_days", T0 - timedelta(days=40)))
    writer.record(finished("twenty_days", T0 - timedelta(days=20)))
    writer.close()
    log = SqliteSessionLog(path, clock=WallClock(T0), retention_days=30)
    assert [r.session_id for r in log.recent()] == ["twenty_days"]
    log.close()
    with pytest.raises(ValueError, match="at least 1"):
        SqliteSessionLog(path, retention_days=0)


# -- staff see a set-aside log once ----------------------------------------------------------

def test_staff_see_a_set_aside_log_on_their_screen_until_the_next_session(tmp_path):
    from tests.session.test_flow import drive_to, make_flow

    path = tmp_path / "sessions.sqlite3"
    path.write_bytes(b"\x00\x13garbage" * 512)
    log = SqliteSessionLog(path)
    flow, _, _, _ = make_flow(log=log)
    drive_to(flow, FlowState.RECOMMENDATION)
    first = flow.status.session_id
    problem = flow.status.log_problem
    assert problem is not None and "was corrupt" in problem and "set aside as" in problem
    assert "\n" not in problem and problem == log.problem
    assert ids_on_disk(path) == {first}  # the session is on disk all the same

    flow.start_over()
    drive_to(flow, FlowState.RECOMMENDATION)
    assert flow.status.log_problem is None and log.problem is None
    assert ids_on_disk(path) == {first, flow.status.session_id}
    assert len(list(tmp_path.glob("sessions.sqlite3.corrupt-*"))) == 1
    log.close()
