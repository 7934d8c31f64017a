"""The staff screen's history table, from the session log, and the measurement's confidence."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from fitting.measurement import Measurement, MeasurementSource
from fitting.outcome import Outcome
from kiosk.staff_view import confidence_of, history_rows
from session.log import MemorySessionLog, SessionRecord
from tests.kiosk.flow_helpers import TAPE_ENTRY, camera_measurement, demo_choice, scripted_decision
from tests.kiosk.vision_helpers import measurement_result
from ui.screens.staff import HistoryRow

T = datetime(2026, 11, 23, 9, 41, 7, tzinfo=UTC)


def test_history_rows_newest_first_with_girths_product_and_tape_marked():
    log = MemorySessionLog()
    tape = Measurement.from_dict({**TAPE_ENTRY, "source": MeasurementSource.TAPE.value})
    sold = scripted_decision(Outcome.RECOMMEND, (), (demo_choice(),))
    for sid, minute, measurement, decision, outcome, camera in [
        ("aaaa0001", 1, camera_measurement(), sold, "recommend", None),  # camera, sold
        ("bbbb0002", 2, None, None, "see_doctor", None),      # stopped by the screener
        # staff taped over the camera's figures: both kept
        ("cccc0003", 3, tape, None, "staff_check", camera_measurement(ankle_mm=226)),
    ]:
        log.record(SessionRecord.from_session(
            session_id=sid, started_at=T, finished_at=T.replace(minute=minute),
            outcome=outcome, purpose="travel", language="en", measurement=measurement,
            decision=decision, camera_measurement=camera))
    rows = history_rows(log)
    assert [r.outcome for r in rows] == ["staff_check", "see_doctor", "recommend"]
    assert rows[0].girths == "L 231/372 R 229/370 (tape)"
    assert rows[0].camera_girths == "L 226/360 R 227/362"
    assert rows[1].girths == "" and rows[1].product == "" and rows[1].code == "LF-BBBB-0002"
    assert rows[2] == HistoryRow(time="2026-11-23 09:01", outcome="recommend",
                                 girths="L 220/360 R 221/362", product="Demo knee-high II",
                                 code="LF-AAAA-0001")


def test_confidence_and_its_reasons_come_from_the_measurement_result():
    reasons = ["left leg: side view unusable at the calf: depth from a prior"]
    lower = replace(measurement_result(camera_measurement()), confidence="lower",
                    diagnostics={"lower_confidence_reasons": reasons, "legs": {}})
    assert confidence_of(lower) == ("lower", reasons)
    high = measurement_result(camera_measurement())
    assert confidence_of(high) == ("high", [])
    assert confidence_of(None) == (None, [])
