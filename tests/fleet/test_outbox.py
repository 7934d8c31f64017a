"""The outbox beside the session log (schema 3), without a centre."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from fitting.outcome import Outcome, Reason
from session.log import (
    SCHEMA_VERSION,
    SessionOutbox,
    SessionRecord,
    SqliteSessionLog,
    measurement_reason_codes,
    refusal_reason_key,
)
from tests.fleet.helpers import T0, record
from tests.kiosk.flow_helpers import camera_measurement, demo_choice, scripted_decision


def test_a_session_and_its_outbox_row_are_one_write(tmp_path):
    path = tmp_path / "sessions.sqlite3"
    log = SqliteSessionLog(path)
    log.record(record(1))
    log.record(record(2))
    log.record(replace(record(1), outcome="staff_check"))  # written again
    log.close()
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT session_id, revision FROM outbox ORDER BY 1").fetchall()
    conn.close()
    assert rows == [(f"{1:016x}", 2), (f"{2:016x}", 1)]
    outbox = SessionOutbox(path)
    items = outbox.pending(10)
    assert sorted(i.record.outcome for i in items) == ["recommend", "staff_check"]
    assert outbox.acknowledge(items) == 2 and outbox.count() == 0
    outbox.close()


def test_a_write_during_the_send_keeps_the_session_queued(tmp_path):
    path = tmp_path / "sessions.sqlite3"
    log = SqliteSessionLog(path)
    log.record(record(1))
    outbox = SessionOutbox(path)
    (item,) = outbox.pending(10)
    log.record(replace(record(1), outcome="staff_check"))  # while it was on its way
    assert outbox.acknowledge([item]) == 0
    (again,) = outbox.pending(10)
    assert again.revision == 2 and again.record.outcome == "staff_check"
    outbox.close()
    log.close()


def test_the_first_start_time_is_kept_for_the_centre(tmp_path):
    path = tmp_path / "sessions.sqlite3"
    log = SqliteSessionLog(path)
    first = record(1)
    log.record(first)
    log.record(replace(first, started_at="2030-01-01T00:00:00+00:00"))
    outbox = SessionOutbox(path)
    (item,) = outbox.pending(10)
    assert item.started_at == first.started_at
    outbox.close()
    log.close()


def test_the_outbox_follows_a_log_set_aside_to_the_fresh_one(tmp_path):
    path = tmp_path / "sessions.sqlite3"
    log = SqliteSessionLog(path)
    log.record(record(1))
    outbox = SessionOutbox(path)
    assert outbox.count() == 1
    log.close()
    # what setting a corrupt log aside does: renamed, a fresh file in its place
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{path}{suffix}").exists():
            os.replace(f"{path}{suffix}", f"{path}.corrupt-x{suffix}")
    log = SqliteSessionLog(path)
    log.record(record(2))
    assert [i.record.session_id for i in outbox.pending(10)] == [f"{2:016x}"]
    outbox.close()
    log.close()


def test_an_outbox_never_creates_the_log_and_a_missing_one_is_empty(tmp_path):
    outbox = SessionOutbox(tmp_path / "none.sqlite3")
    assert outbox.count() == 0 and outbox.pending(5) == [] and outbox.acknowledge([]) == 0
    assert not (tmp_path / "none.sqlite3").exists()


def test_a_schema_2_log_is_migrated_and_its_sessions_queued(tmp_path):
    path = tmp_path / "sessions.sqlite3"
    old = [c for c in SessionRecord.__dataclass_fields__
           if c in {"session_id", "started_at", "finished_at", "outcome", "recommendation"}
           or (c.startswith("camera_") and not c.endswith("sd_mm"))]
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE sessions ({})".format(", ".join(
            f"{c} TEXT" + (" PRIMARY KEY" if c == "session_id" else "") for c in old)
            + ", purpose TEXT, language TEXT, state_reached TEXT, source TEXT, "
              "left_ankle_mm REAL, left_calf_mm REAL, left_length_mm REAL, "
              "right_ankle_mm REAL, right_calf_mm REAL, right_length_mm REAL"))
        conn.execute("INSERT INTO sessions (session_id, started_at, finished_at, outcome, "
                     "recommendation) VALUES ('old1', '2026-11-01T09:00:00+00:00', "
                     "'2026-11-01T09:02:00+00:00', 'see_doctor', '[]')")
        conn.execute("PRAGMA user_version=2")
    conn.close()
    log = SqliteSessionLog(path)
    log.record(record(5))
    (old_row,) = [r for r in log.recent() if r.session_id == "old1"]
    assert old_row.demo is False and old_row.reason_codes == ()
    assert old_row.catalogue_version is None
    log.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 3
        queued = {r[0] for r in conn.execute("SELECT session_id FROM outbox")}
    conn.close()
    assert queued == {"old1", f"{5:016x}"}


def test_new_fields_round_trip(tmp_path):
    log = SqliteSessionLog(tmp_path / "s.sqlite3")
    rec = replace(record(1, refusals=("legs out of frame",), demo=True), catalogue_version=7)
    log.record(rec)
    (back,) = log.recent()
    assert back == rec and back.demo is True and back.catalogue_version == 7
    log.close()


def test_a_stamp_completes_every_record(tmp_path):
    log = SqliteSessionLog(tmp_path / "s.sqlite3",
                           stamp=lambda r: replace(r, demo=True, software_version="9.9"))
    log.record(record(1, demo=False))
    (back,) = log.recent()
    assert back.demo and back.software_version == "9.9"
    log.close()


def test_only_the_legs_reasons_are_kept_never_a_screener_answer():
    reasons = (
        Reason("hand_arthritis", "a", "a"),            # a question answered yes
        Reason("donning_aid", "b", "b"),               # asked for by an answer
        Reason("prescription_confirmed", "c", "c"),
        Reason("medical_without_prescription", "d", "d", Outcome.PHARMACIST),
        Reason("purpose_everyday", "e", "e"),
        Reason("size_boundary_uncertain", "f", "f", Outcome.STAFF_CHECK),
        Reason("calf_difference_uncertain", "g", "g", Outcome.STAFF_CHECK),
        Reason("standard_size", "h", "h"),
        Reason("legs_differ", "i", "i", Outcome.STAFF_CHECK),
        Reason("size_at_edge", "j", "j"),
        Reason("one_size_for_both", "k", "k"),
    )
    decision = scripted_decision(Outcome.STAFF_CHECK, reasons, (demo_choice(),))
    assert measurement_reason_codes(decision) == (
        "size_boundary_uncertain", "calf_difference_uncertain", "standard_size", "legs_differ",
        "size_at_edge", "one_size_for_both")
    rec = SessionRecord.from_session(
        session_id="x", started_at=T0, finished_at=T0, outcome="staff_check",
        purpose="everyday", language="en", measurement=camera_measurement(),
        decision=decision)
    assert "hand_arthritis" not in rec.reason_codes and rec.left_ankle_sd_mm is not None


@pytest.mark.parametrize(("message", "key"), [
    ("left ankle girth 343 mm is not an adult's", "left ankle girth # mm is not an adult's"),
    ("legs out of frame", "legs out of frame"),
    ("  two\nlines  ", "two lines"),
])
def test_refusals_are_kept_without_their_figures(message, key):
    assert refusal_reason_key(message) == key
