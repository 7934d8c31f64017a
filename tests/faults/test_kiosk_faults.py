"""Events during a shopper's session, through the running kiosk (window, flow, workers,
session log): the camera lost and found, frozen or missing, the shopper walking off,
a storm of touches, a locked session log. Each ends with a clear notice and nothing lost.
"""

from __future__ import annotations

import sqlite3
import time

import pytest

from fitting.outcome import Purpose
from session.flow import FlowState
from session.intents import AnswerQuestion, Back, ChooseLanguage, ChoosePurpose, Next, Start
from tests.faults.kiosk_harness import start_kiosk, wait_for_state


@pytest.fixture
def scene_dir(shared_data):
    return shared_data / "synthetic-dev" / "scene_1000"


@pytest.fixture
def kiosk(qtbot, tmp_path, scene_dir):
    k = start_kiosk(qtbot, tmp_path, scene_dir)
    yield k
    assert k.close() == [], "worker threads did not stop"


def _records(kiosk) -> list[sqlite3.Row]:
    with sqlite3.connect(kiosk.paths.session_log_file) as con:
        con.row_factory = sqlite3.Row
        return con.execute("SELECT * FROM sessions ORDER BY finished_at").fetchall()


def _finish(qtbot, kiosk) -> None:
    """From the review screen to the end of the session."""
    wait_for_state(qtbot, kiosk, FlowState.REVIEW)
    kiosk.tap(Next())
    wait_for_state(qtbot, kiosk, FlowState.RECOMMENDATION)
    kiosk.tap(Next())
    kiosk.tap(Next())
    wait_for_state(qtbot, kiosk, FlowState.HANDOFF)
    kiosk.tap(Next())
    wait_for_state(qtbot, kiosk, FlowState.ATTRACT)


def test_a_whole_session_runs_and_is_logged(qtbot, kiosk):
    """The control for everything below: no fault, one session, one record."""
    kiosk.walk_to_measuring()
    _finish(qtbot, kiosk)
    (row,) = _records(kiosk)
    assert row["outcome"] == "recommend"
    assert row["left_ankle_mm"] == pytest.approx(207.0)


def test_camera_unplugged_mid_measurement_and_plugged_back(qtbot, kiosk):
    kiosk.walk_to_measuring("travel")
    wait_for_state(qtbot, kiosk, FlowState.MEASURE_FRONT)
    answers_before = dict(kiosk.flow.status.answers)

    kiosk.camera.plugged.clear()  # the USB cable is pulled
    qtbot.waitUntil(lambda: not kiosk.flow.status.camera_ok, timeout=10_000)
    status = kiosk.flow.status
    assert status.notice == "camera_unavailable"
    assert "camera 0" in status.notice_detail and "\n" not in status.notice_detail
    # The shopper's session is kept while the camera is away.
    assert status.state in (FlowState.MEASURE_FRONT, FlowState.TURN, FlowState.MEASURE_SIDE)
    assert dict(status.answers) == answers_before and status.purpose == "travel"
    qtbot.waitUntil(lambda: kiosk.camera.open_failures >= 2, timeout=10_000)  # retrying

    kiosk.camera.plugged.set()  # plugged back in
    qtbot.waitUntil(lambda: kiosk.flow.status.camera_ok, timeout=10_000)
    assert kiosk.flow.status.notice != "camera_unavailable"
    _finish(qtbot, kiosk)
    (row,) = _records(kiosk)
    assert (row["outcome"], row["purpose"]) == ("recommend", "travel")


def test_a_frozen_camera_is_noticed_and_recovers(qtbot, kiosk):
    kiosk.walk_to_measuring()
    wait_for_state(qtbot, kiosk, FlowState.MEASURE_FRONT)
    kiosk.camera.frozen.set()  # the driver hangs: no error, just no frames
    qtbot.waitUntil(lambda: not kiosk.flow.status.camera_ok, timeout=15_000)
    assert "no frame" in kiosk.flow.status.notice_detail
    kiosk.camera.frozen.clear()
    qtbot.waitUntil(lambda: kiosk.flow.status.camera_ok, timeout=15_000)
    _finish(qtbot, kiosk)
    assert len(_records(kiosk)) == 1


def test_no_camera_at_all_shows_a_notice_and_the_kiosk_keeps_running(qtbot, tmp_path,
                                                                      scene_dir):
    # The real camera source on a device that does not exist (nothing plugged in).
    k = start_kiosk(qtbot, tmp_path, scene_dir,
                    use_real_camera_device="/dev/legfit-no-such-camera")
    try:
        qtbot.waitUntil(lambda: not k.flow.status.camera_ok, timeout=15_000)
        detail = k.flow.status.notice_detail
        assert "/dev/legfit-no-such-camera" in detail and "cannot be opened" in detail
        assert k.window.current_screen == "attract"
        # The shopper can still start and answer the screener: the screen shows the notice.
        k.tap(Start())
        assert k.state == "language"
    finally:
        assert k.close() == []


def test_a_shopper_walking_off_mid_session_is_wiped_and_logged_as_abandoned(qtbot, kiosk):
    kiosk.walk_to_measuring("sport")
    wait_for_state(qtbot, kiosk, FlowState.MEASURE_FRONT)
    kiosk.pose.present.clear()  # nobody on the mat any more
    qtbot.waitUntil(lambda: kiosk.controller.session.latest_update is not None
                    and not kiosk.controller.session.latest_update.person_on_mat,
                    timeout=10_000)
    kiosk.clock.advance(kiosk.parts.config.idle_timeout_s + 1)  # nobody touches anything

    wait_for_state(qtbot, kiosk, FlowState.ATTRACT)
    status = kiosk.flow.status
    assert status.session_id is None and not status.answers and status.measurement is None
    assert status.purpose is None
    (row,) = _records(kiosk)
    assert (row["outcome"], row["purpose"]) == ("abandoned", "sport")
    assert row["left_ankle_mm"] is None  # an abandoned session keeps no girths


def test_someone_still_on_the_mat_is_not_timed_out(qtbot, kiosk):
    kiosk.walk_to_measuring()
    wait_for_state(qtbot, kiosk, FlowState.MEASURE_FRONT)
    # The pipeline runs beside the UI: wait until it has reported the person on the mat
    # (stopping it before its first report would leave no one on the mat to keep alive).
    qtbot.waitUntil(lambda: kiosk.flow.person_on_mat, timeout=10_000)
    kiosk.controller._timer.stop()  # hold the pipeline still at the front view
    kiosk.controller.session.pump()
    assert kiosk.flow.person_on_mat
    kiosk.clock.advance(kiosk.parts.config.idle_timeout_s * 3)
    kiosk.controller.session.pump()
    assert kiosk.state in ("measure_front", "turn", "measure_side", "review")


@pytest.mark.parametrize(
    ("where", "intent", "taps"),
    [
        # a double (or thirty-fold) tap on the welcome screen opens one session
        ("attract", "start", 30),
        # hammering "no" answers one question per question, never skips one
        ("screener", "answer", 30),
        # three quick "back"s on the first question: one screen each, then home
        ("screener", "back", 3),
    ],
)
def test_rapid_repeated_touches_do_one_thing_each(qtbot, kiosk, where, intent, taps):
    if where == "screener":
        kiosk.tap(Start())
        kiosk.tap(ChooseLanguage("en"))
        kiosk.tap(ChoosePurpose(Purpose("everyday")))
    wait_for_state(qtbot, kiosk, where)
    first_session = kiosk.flow.status.session_id
    first_question = kiosk.flow.status.question_id
    tapped = {"start": Start(), "answer": AnswerQuestion(first_question, False),
              "back": Back()}[intent]

    for _ in range(taps):  # all within one turn of the event loop, as a jittery finger
        kiosk.tap(tapped)
    qtbot.wait(50)

    status = kiosk.flow.status
    if intent == "start":
        assert status.state is FlowState.LANGUAGE
        assert status.session_id is not None and first_session is None
    elif intent == "answer":
        assert status.question_index == 1  # the stale taps named the answered question
        assert dict(status.answers) == {first_question: False}
    else:
        # screener -> purpose -> language -> home, the session wiped on the way out
        assert status.state is FlowState.ATTRACT and status.session_id is None
    assert kiosk.window.current_screen == status.state.value


def test_a_touch_storm_through_a_whole_session_logs_exactly_one_record(qtbot, kiosk):
    kiosk.walk_to_measuring()
    wait_for_state(qtbot, kiosk, FlowState.REVIEW)
    session_id = kiosk.flow.status.session_id
    for _ in range(3):  # review -> recommendation -> donning -> handoff, tapped thrice
        kiosk.tap(Next())
    wait_for_state(qtbot, kiosk, FlowState.HANDOFF)
    for _ in range(20):
        kiosk.tap(Next())  # the last "next" ends it; the next taps may start a new one
    qtbot.wait(50)
    rows = [r for r in _records(kiosk) if r["session_id"] == session_id]
    assert len(rows) == 1 and rows[0]["outcome"] == "recommend"


def test_a_locked_session_log_never_stops_the_shopper_and_catches_up(qtbot, kiosk):
    # A staff member's tool holds the log open with a write lock through a whole session.
    path = kiosk.paths.session_log_file
    path.parent.mkdir(parents=True, exist_ok=True)
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("PRAGMA journal_mode=WAL")
    blocker.execute("CREATE TABLE IF NOT EXISTS held (x)")
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        kiosk.walk_to_measuring()
        _finish(qtbot, kiosk)  # the shopper sees no error, gets their recommendation
        first_problem = kiosk.flow.status.log_problem
        assert first_problem and "kept in memory" in first_problem
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()

    kiosk.walk_to_measuring()
    _finish(qtbot, kiosk)
    assert kiosk.flow.status.log_problem is None
    assert [r["outcome"] for r in _records(kiosk)] == ["recommend", "recommend"]


def test_a_refused_measurement_says_why_and_measures_again(qtbot, tmp_path, scene_dir):
    k = start_kiosk(qtbot, tmp_path, scene_dir, refuse="calves covered")
    try:
        k.walk_to_measuring()
        qtbot.waitUntil(lambda: k.flow.status.notice == "measurement_refused", timeout=10_000)
        assert k.flow.status.notice_detail == "calves covered"
        assert k.state == "measure_front"
    finally:
        assert k.close() == []


def test_the_kiosk_stops_its_threads_promptly_mid_measurement(qtbot, tmp_path, scene_dir):
    k = start_kiosk(qtbot, tmp_path, scene_dir)
    k.walk_to_measuring()
    wait_for_state(qtbot, k, FlowState.MEASURE_FRONT)
    t0 = time.monotonic()
    assert k.close() == []
    assert time.monotonic() - t0 < 5.0
    assert not k.parts.session.camera.alive and not k.parts.session.vision.alive
