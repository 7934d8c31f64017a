"""The SQLite session log: WAL, one row per session, and no lost session on a bad disk."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest

from fitting.outcome import Outcome
from session.log import SCHEMA_VERSION, SessionLogUnavailable, SessionRecord, SqliteSessionLog
from tests.kiosk.flow_helpers import camera_measurement, demo_choice, scripted_decision

T0 = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


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


def test_an_unopenable_log_path_is_one_clear_sentence_and_nothing_is_lost(tmp_path):
    path = tmp_path / "not-a-db"
    path.write_bytes(b"this is not an SQLite file" * 100)
    log = SqliteSessionLog(path)
    with pytest.raises(SessionLogUnavailable) as exc:
        log.record(record("a1"))
    assert str(exc.value).startswith(f"session log {path} cannot be written")
    assert [r.session_id for r in log.pending] == ["a1"]
    assert [r.session_id for r in log.recent()] == ["a1"]
    log.close()  # never raises


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
