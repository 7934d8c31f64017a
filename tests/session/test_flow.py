"""The session flow on its own: every transition, the screener's stops, idle, staff, log."""

from __future__ import annotations

from typing import get_args

import pytest

from fitting.measurement import MeasurementSource
from fitting.outcome import Outcome, Purpose
from fitting.screener import QUESTION_IDS
from fitting.stance import Stance
from kiosk.staff import StaffAuth
from session.codes import fitting_code_for
from session.flow import FlowState, FlowStatus, SessionFlow
from session.intents import (
    AnswerQuestion,
    Back,
    CaptureCalibration,
    ChooseLanguage,
    ChoosePurpose,
    EnterPin,
    FindFitting,
    FindMat,
    Intent,
    Next,
    OpenSetup,
    OpenStaff,
    PrintSlip,
    Quit,
    Start,
    StartOver,
    ToldStaff,
    Touch,
)
from session.log import FakeSessionLog, SessionRecord
from tests.kiosk.flow_helpers import (
    STAFF_PIN,
    TAPE_ENTRY,
    FakeClock,
    ScriptedDomain,
    camera_measurement,
    staff_pin_hash,
)

S = FlowState


def make_flow(*, calibrated: bool = True, decide: Outcome = Outcome.RECOMMEND,
              log: FakeSessionLog | None = None):
    clock = FakeClock()
    log = log if log is not None else FakeSessionLog()
    ids = iter(f"{n:016x}" for n in range(1, 1000))
    flow = SessionFlow(ScriptedDomain(decide_outcome=decide),
                       StaffAuth(staff_pin_hash(), clock), clock, session_log=log,
                       calibrated=calibrated, new_id=lambda: next(ids))
    seen: list[FlowStatus] = []
    flow.subscribe(seen.append)
    return flow, clock, log, seen


def to_screener(flow: SessionFlow, purpose: Purpose = Purpose.EVERYDAY) -> None:
    assert flow.start()
    assert flow.set_language("en")
    assert flow.choose_purpose(purpose)
    assert flow.state is S.SCREENER


def answer_all(flow: SessionFlow, yes: frozenset[str] = frozenset()) -> None:
    """Answer the remaining questions (no, except ``yes``) while the screener asks."""
    while flow.state is S.SCREENER:
        qid = flow.status.question_id
        assert flow.answer(qid, qid in yes)


def drive_to(flow: SessionFlow, target: FlowState) -> None:
    """Walk a fresh calibrated flow along the happy path until ``target``."""
    path = [S.ATTRACT, S.LANGUAGE, S.PURPOSE, S.SCREENER, S.MEASURE_FRONT, S.TURN,
            S.MEASURE_SIDE, S.REVIEW, S.RECOMMENDATION, S.DONNING, S.HANDOFF]
    steps = {
        S.ATTRACT: flow.start,
        S.LANGUAGE: lambda: flow.set_language("de"),
        S.PURPOSE: lambda: flow.choose_purpose(Purpose.EVERYDAY),
        S.SCREENER: lambda: answer_all(flow),
        S.MEASURE_FRONT: lambda: flow.stance_complete(Stance.FRONT),
        S.TURN: flow.next,
        S.MEASURE_SIDE: lambda: flow.measured(camera_measurement()),
        S.REVIEW: flow.next,
        S.RECOMMENDATION: flow.next,
        S.DONNING: flow.next,
    }
    for state in path:
        if flow.state is target:
            return
        assert flow.state is state
        steps[state]()
    assert flow.state is target


# -- the happy path ---------------------------------------------------------------------

def test_happy_path_walks_every_shopper_screen_and_logs_one_anonymous_record():
    flow, _, log, seen = make_flow()
    drive_to(flow, S.HANDOFF)
    assert flow.status.language == "de"
    assert flow.status.fitting_code == fitting_code_for(flow.status.session_id)
    states = [s.state for s in seen]
    # every state of the shopper's path is published once, in order
    expected = [S.LANGUAGE, S.PURPOSE, S.SCREENER, S.MEASURE_FRONT, S.TURN, S.MEASURE_SIDE,
                S.REVIEW, S.RECOMMENDATION, S.DONNING, S.HANDOFF]
    assert [s for i, s in enumerate(states) if i == 0 or states[i - 1] != s] == expected
    (record,) = log.records.values()
    assert record.outcome == "recommend"
    assert record.left_ankle_mm == 220.0 and record.right_calf_mm == 362.0
    assert record.recommendation[0]["size"] == "II"
    assert record.source == "camera"
    assert flow.next()  # handoff -> attract ends the session
    assert flow.status == FlowStatus(state=S.ATTRACT, question_ids=QUESTION_IDS)


def test_session_record_holds_no_screener_answers_and_no_names():
    fields = set(SessionRecord.__dataclass_fields__)
    assert not fields & set(QUESTION_IDS)
    assert not {"name", "image", "answers", "photo"} & fields


# -- the screener: red flags stop at once, milder stops after the last question ----------

@pytest.mark.parametrize("yes, purpose, stop_after, outcome", [
    # emergency at the first question: stop at once
    ({"emergency_symptoms"}, "everyday", "emergency_symptoms", Outcome.EMERGENCY),
    # one swollen leg: urgent doctor, stop at once
    ({"one_leg_swelling"}, "everyday", "one_leg_swelling", Outcome.URGENT_DOCTOR),
    # poor circulation: see doctor, stop at once
    ({"poor_circulation"}, "travel", "poor_circulation", Outcome.SEE_DOCTOR),
    # a clot under treatment without a confirmed prescription: see doctor
    ({"dvt_under_treatment"}, "everyday", "dvt_under_treatment", Outcome.SEE_DOCTOR),
    # diabetes: a pharmacist check, but only after every question was asked
    ({"diabetes"}, "everyday", QUESTION_IDS[-1], Outcome.PHARMACIST),
    # fibre allergy: pharmacist after the last question
    ({"fibre_allergy"}, "sport", QUESTION_IDS[-1], Outcome.PHARMACIST),
    # medical purpose without a prescription: pharmacist after the last question
    (set(), "medical", QUESTION_IDS[-1], Outcome.PHARMACIST),
    # diabetes then heart failure: the later, more severe flag is not skipped
    ({"diabetes", "heart_failure"}, "everyday", "heart_failure", Outcome.SEE_DOCTOR),
    # medical purpose and an emergency: the emergency wins, at once
    ({"emergency_symptoms"}, "medical", "emergency_symptoms", Outcome.EMERGENCY),
])
def test_screener_referrals_end_on_the_referral_screen(yes, purpose, stop_after, outcome):
    flow, _, log, _ = make_flow()
    to_screener(flow, Purpose(purpose))
    answer_all(flow, frozenset(yes))
    s = flow.status
    assert s.state is S.REFERRAL
    assert s.outcome is outcome and s.referral.outcome is outcome
    assert list(s.answers)[-1] == stop_after
    assert s.decision is None and s.measurement is None
    (record,) = log.records.values()
    assert record.outcome == outcome.value and record.left_ankle_mm is None
    assert not flow.back()  # no way back to change an answer
    assert flow.stance_complete(Stance.FRONT) is False and flow.state is S.REFERRAL


@pytest.mark.parametrize("yes", [
    set(),                       # all no
    {"hand_arthritis"},          # proceed, with a donning aid
    {"pregnant"},                # proceed, light class
    {"previous_dvt"},            # proceed, long-term wear note
    {"hand_arthritis", "pregnant", "previous_dvt"},  # all the proceed notes at once
])
def test_screener_proceeds_to_measuring(yes):
    flow, _, _, _ = make_flow()
    to_screener(flow)
    answer_all(flow, frozenset(yes))
    assert flow.state is S.MEASURE_FRONT
    assert flow.status.screening.outcome is Outcome.RECOMMEND
    assert len(flow.status.answers) == len(QUESTION_IDS)


def test_answer_to_a_question_not_on_screen_is_ignored():
    flow, _, _, _ = make_flow()
    to_screener(flow)
    assert not flow.answer(QUESTION_IDS[3], True)
    assert flow.status.question_index == 0 and flow.status.answers == {}


# -- after measuring: decide may refer -------------------------------------------------

@pytest.mark.parametrize("decided, state", [
    (Outcome.RECOMMEND, S.RECOMMENDATION),       # a standard size fits
    (Outcome.MADE_TO_MEASURE, S.REFERRAL),       # outside every standard size
    (Outcome.STAFF_CHECK, S.REFERRAL),           # straddles a size boundary
    (Outcome.URGENT_DOCTOR, S.REFERRAL),         # a 30 mm calf difference
    (Outcome.PHARMACIST, S.REFERRAL),            # a pharmacist must confirm
])
def test_decide_outcome_chooses_recommendation_or_referral(decided, state):
    flow, _, log, _ = make_flow(decide=decided)
    drive_to(flow, S.REVIEW)
    assert flow.next()
    assert flow.state is state
    assert flow.status.outcome is decided
    assert log.records[flow.status.session_id].outcome == decided.value
    if state is S.REFERRAL:
        assert flow.status.referral is flow.status.decision


def test_review_without_a_measurement_cannot_move_on():
    flow, _, _, _ = make_flow()
    drive_to(flow, S.MEASURE_FRONT)
    assert not flow.measured(camera_measurement())  # only from the side view
    assert flow.state is S.MEASURE_FRONT


# -- back --------------------------------------------------------------------------------

@pytest.mark.parametrize("start, after_back", [
    (S.LANGUAGE, S.ATTRACT),             # leaving the language screen wipes the session
    (S.PURPOSE, S.LANGUAGE),
    (S.SCREENER, S.PURPOSE),             # first question -> purpose
    (S.MEASURE_FRONT, S.SCREENER),       # to the last question
    (S.TURN, S.MEASURE_FRONT),
    (S.MEASURE_SIDE, S.TURN),
    (S.REVIEW, S.MEASURE_FRONT),         # measure again
    (S.RECOMMENDATION, S.REVIEW),
    (S.DONNING, S.RECOMMENDATION),
    (S.HANDOFF, S.DONNING),
    (S.ATTRACT, S.ATTRACT),              # nothing to go back to
])
def test_back(start, after_back):
    flow, _, _, _ = make_flow()
    drive_to(flow, start)
    flow.back()
    assert flow.state is after_back


def test_back_within_the_screener_goes_to_the_previous_question():
    flow, _, _, _ = make_flow()
    to_screener(flow)
    flow.answer(QUESTION_IDS[0], False)
    flow.answer(QUESTION_IDS[1], False)
    assert flow.status.question_id == QUESTION_IDS[2]
    assert flow.back()
    assert flow.status.question_id == QUESTION_IDS[1]


def test_review_back_drops_the_camera_measurement():
    flow, _, _, _ = make_flow()
    drive_to(flow, S.REVIEW)
    flow.back()
    assert flow.status.measurement is None


# -- start over and the idle timeout ---------------------------------------------------

@pytest.mark.parametrize("state", [
    S.LANGUAGE, S.PURPOSE, S.SCREENER, S.MEASURE_FRONT, S.TURN, S.MEASURE_SIDE,
    S.REVIEW, S.RECOMMENDATION, S.DONNING, S.HANDOFF,
])
def test_start_over_wipes_the_session_from_anywhere(state):
    flow, _, _, _ = make_flow()
    drive_to(flow, state)
    assert flow.start_over()
    assert flow.status == FlowStatus(state=S.ATTRACT, question_ids=QUESTION_IDS)


def test_start_over_on_an_empty_attract_screen_changes_nothing():
    flow, _, _, seen = make_flow()
    assert not flow.start_over()
    assert seen == []


@pytest.mark.parametrize("state, idle_s, on_mat, wiped", [
    (S.ATTRACT, 10_000, False, False),        # home never times out
    (S.LANGUAGE, 59, False, False),           # just under a minute: still there
    (S.LANGUAGE, 60, False, True),            # a minute without a touch: wiped
    (S.SCREENER, 61, False, True),            # mid-questions
    (S.MEASURE_FRONT, 61, False, True),       # nobody on the mat any more
    (S.MEASURE_FRONT, 600, True, False),      # someone standing on the mat keeps it alive
    (S.REVIEW, 61, False, True),
    (S.DONNING, 61, False, False),            # the steps and the code are read, not tapped
    (S.HANDOFF, 149, False, False),
    (S.HANDOFF, 150, False, True),
    (S.REFERRAL, 61, False, False),           # referral screens give time to read/phone
    (S.REFERRAL, 180, False, True),
    (S.STAFF, 119, False, False),             # staff get two minutes
    (S.STAFF, 120, False, True),              # then staff mode closes itself
    (S.STAFF_PIN, 120, False, True),
])
def test_idle_timeout(state, idle_s, on_mat, wiped):
    flow, clock, _, _ = make_flow()
    if state is S.REFERRAL:
        to_screener(flow)
        answer_all(flow, frozenset({"poor_circulation"}))
    elif state in (S.STAFF, S.STAFF_PIN):
        drive_to(flow, S.SCREENER)
        flow.staff()
        if state is S.STAFF:
            flow.pin(STAFF_PIN)
    else:
        drive_to(flow, state)
    assert flow.state is state
    flow.presence(on_mat)
    clock.advance(idle_s)
    assert flow.tick() is wiped
    assert flow.state is (S.ATTRACT if wiped else state)
    if wiped:
        assert flow.status.session_id is None and flow.status.answers == {}


def test_a_touch_restarts_the_idle_timer():
    flow, clock, _, _ = make_flow()
    drive_to(flow, S.PURPOSE)
    clock.advance(50)
    flow.touch()
    clock.advance(50)
    assert not flow.tick()
    clock.advance(10)
    assert flow.tick() and flow.state is S.ATTRACT


def test_leaving_the_mat_starts_the_idle_timer_from_when_they_were_last_seen():
    flow, clock, _, _ = make_flow()
    drive_to(flow, S.MEASURE_FRONT)
    flow.presence(True)
    clock.advance(300)
    flow.presence(True)
    flow.presence(False)
    clock.advance(59)
    assert not flow.tick()
    clock.advance(1)
    assert flow.tick()


@pytest.mark.parametrize("state, logged", [
    (S.PURPOSE, False),          # never chose a purpose: not worth a row
    (S.SCREENER, True),          # abandoned during the questions
    (S.MEASURE_SIDE, True),      # abandoned while measuring
    (S.HANDOFF, False),          # already logged as "recommend", not overwritten
])
def test_idle_wipe_logs_an_abandoned_session_without_answers_or_girths(state, logged):
    flow, clock, log, _ = make_flow()
    drive_to(flow, state)
    before = dict(log.records)
    clock.advance(flow.idle_timeout_for(state))
    assert flow.tick()
    new = {k: v for k, v in log.records.items() if before.get(k) != v}
    if logged:
        (record,) = new.values()
        assert record.outcome == "abandoned"
        assert record.left_ankle_mm is None and record.recommendation == ()
    else:
        assert new == {}


# -- measuring events ------------------------------------------------------------------

@pytest.mark.parametrize("state", [S.MEASURE_FRONT, S.TURN, S.MEASURE_SIDE])
def test_measurement_refused_returns_to_the_front_view_with_the_reason(state):
    flow, _, _, _ = make_flow()
    drive_to(flow, state)
    assert flow.measurement_refused("the calves are covered")
    assert flow.state is S.MEASURE_FRONT
    assert flow.status.notice == "measurement_refused"
    assert flow.status.notice_detail == "the calves are covered"


def test_side_stance_complete_does_not_skip_the_turn_screen():
    flow, _, _, _ = make_flow()
    drive_to(flow, S.MEASURE_FRONT)
    assert not flow.stance_complete(Stance.SIDE)
    assert flow.stance_complete(Stance.FRONT) and flow.state is S.TURN


def test_camera_failure_is_reported_and_clears_when_it_recovers():
    flow, _, _, _ = make_flow()
    drive_to(flow, S.MEASURE_FRONT)
    assert flow.camera_failed("the camera stopped delivering frames")
    s = flow.status
    assert (s.state, s.camera_ok, s.notice) == (S.MEASURE_FRONT, False, "camera_unavailable")
    assert flow.camera_recovered()
    assert flow.status.camera_ok and flow.status.notice is None
    assert not flow.camera_recovered()  # nothing left to clear


# -- staff -------------------------------------------------------------------------------

@pytest.mark.parametrize("state", [
    S.ATTRACT, S.LANGUAGE, S.PURPOSE, S.SCREENER, S.MEASURE_FRONT, S.TURN,
    S.MEASURE_SIDE, S.REVIEW, S.RECOMMENDATION, S.DONNING, S.HANDOFF,
])
def test_staff_can_enter_from_anywhere_and_return_to_the_same_screen(state):
    flow, _, _, _ = make_flow()
    drive_to(flow, state)
    before = flow.status
    assert flow.staff()
    assert flow.state is S.STAFF_PIN and flow.status.staff_return is state
    assert flow.pin(STAFF_PIN)
    assert flow.state is S.STAFF
    assert flow.next()
    after = flow.status
    assert after.state is state and after.staff_return is None
    assert (after.answers, after.measurement) == (before.answers, before.measurement)


def test_staff_from_the_referral_screen_returns_to_it():
    flow, _, _, _ = make_flow()
    to_screener(flow)
    flow.answer("emergency_symptoms", True)
    flow.staff()
    flow.back()  # cancel the PIN pad
    assert flow.state is S.REFERRAL


def test_wrong_pins_lock_staff_mode_for_five_minutes():
    flow, clock, _, _ = make_flow()
    flow.staff()
    for tries_left in (4, 3, 2, 1):
        assert flow.pin("0000")
        assert flow.status.notice == "pin_wrong"
        assert f"{tries_left} tries left" in flow.status.notice_detail
    flow.pin("0000")  # the fifth wrong PIN locks
    assert flow.status.notice == "pin_locked"
    assert "5 minutes" in flow.status.notice_detail
    flow.pin(STAFF_PIN)  # even the right PIN is refused while locked
    assert flow.state is S.STAFF_PIN and flow.status.notice == "pin_locked"
    clock.advance(299)
    flow.pin(STAFF_PIN)
    assert flow.state is S.STAFF_PIN
    clock.advance(1)
    assert flow.pin(STAFF_PIN) and flow.state is S.STAFF


def test_tape_entry_after_the_screener_goes_straight_to_review():
    flow, _, domain_log, _ = make_flow()
    drive_to(flow, S.MEASURE_FRONT)
    flow.staff()
    flow.pin(STAFF_PIN)
    assert flow.tape_entry(TAPE_ENTRY)
    s = flow.status
    assert s.state is S.REVIEW and s.staff_return is None
    assert s.measurement.source is MeasurementSource.TAPE
    assert s.measurement.left.calf_mm == 372
    flow.next()
    assert domain_log.records[s.session_id].source == "tape"


def test_tape_entry_before_the_questions_waits_for_the_screener():
    flow, _, _, _ = make_flow()
    flow.staff()
    flow.pin(STAFF_PIN)
    assert flow.tape_entry(TAPE_ENTRY)
    assert flow.status.notice == "tape_saved" and flow.state is S.STAFF
    flow.next()  # back to attract; the shopper starts and answers
    to_screener(flow)
    answer_all(flow)
    assert flow.state is S.REVIEW
    assert flow.status.measurement.source is MeasurementSource.TAPE


def test_tape_entry_never_bypasses_a_red_flag():
    flow, _, _, _ = make_flow()
    flow.staff()
    flow.pin(STAFF_PIN)
    flow.tape_entry(TAPE_ENTRY)
    flow.next()
    to_screener(flow)
    answer_all(flow, frozenset({"one_leg_swelling"}))
    assert flow.state is S.REFERRAL and flow.status.outcome is Outcome.URGENT_DOCTOR


@pytest.mark.parametrize("entry, detail", [
    ({"left": {"ankle_mm": 230}, "right": TAPE_ENTRY["right"]}, "left.calf_mm is missing"),
    ({"left": {"ankle_mm": -5, "calf_mm": 370}, "right": TAPE_ENTRY["right"]}, "ankle_mm"),
    ({"right": TAPE_ENTRY["right"]}, "left is missing"),
])
def test_invalid_tape_entry_is_refused_with_the_field_named(entry, detail):
    flow, _, _, _ = make_flow()
    drive_to(flow, S.MEASURE_FRONT)
    flow.staff()
    flow.pin(STAFF_PIN)
    assert flow.tape_entry(entry)
    assert flow.state is S.STAFF and flow.status.notice == "tape_invalid"
    assert detail in flow.status.notice_detail
    assert flow.status.measurement is None


def test_staff_confirmed_prescription_lets_a_medical_purpose_proceed():
    flow, _, _, _ = make_flow()
    to_screener(flow, Purpose.MEDICAL)
    flow.staff()
    flow.pin(STAFF_PIN)
    assert flow.set_prescription(20, 30)
    flow.next()
    answer_all(flow)
    assert flow.state is S.MEASURE_FRONT


def test_an_impossible_prescription_is_refused():
    flow, _, _, _ = make_flow()
    flow.staff()
    flow.pin(STAFF_PIN)
    flow.set_prescription(30, 20)
    assert flow.status.notice == "prescription_invalid"
    assert flow.status.prescription_mmhg is None


# -- an uncalibrated kiosk ---------------------------------------------------------------

def test_uncalibrated_kiosk_opens_the_setup_screen_and_never_measures():
    flow, clock, _, _ = make_flow(calibrated=False)
    assert flow.state is S.SETUP
    assert not flow.start() and not flow.next() and flow.state is S.SETUP
    clock.advance(10_000)
    assert not flow.tick()  # set-up is this kiosk's home: nothing to time out
    assert flow.staff() and flow.state is S.STAFF_PIN
    assert flow.pin(STAFF_PIN) and flow.state is S.STAFF
    assert flow.next() and flow.state is S.SETUP  # leaving staff: still not calibrated
    flow.staff()
    flow.pin(STAFF_PIN)
    clock.advance(121)
    assert flow.tick() and flow.state is S.SETUP  # staff mode closes itself
    flow.staff()
    flow.pin(STAFF_PIN)
    assert flow.calibration_done() and flow.state is S.STAFF
    assert flow.next()
    assert flow.state is S.ATTRACT and flow.status.calibrated


def test_turn_screen_moves_on_by_itself_when_the_side_stance_is_seen():
    flow, _, _, _ = make_flow()
    drive_to(flow, S.MEASURE_FRONT)
    assert not flow.stance_seen(Stance.SIDE)  # not before the front view is done
    flow.stance_complete(Stance.FRONT)
    assert not flow.stance_seen(Stance.FRONT)
    assert flow.stance_seen(Stance.SIDE) and flow.state is S.MEASURE_SIDE


def test_staff_can_open_setup_from_the_staff_screen():
    flow, _, _, _ = make_flow()
    flow.staff()
    flow.pin(STAFF_PIN)
    assert flow.open_setup() and flow.state is S.SETUP
    assert flow.back() and flow.state is S.STAFF


# -- the session log failing ---------------------------------------------------------------

def test_a_failing_session_log_never_stops_the_shopper():
    log = FakeSessionLog(fail_with="database is locked")
    flow, _, _, _ = make_flow(log=log)
    drive_to(flow, S.REVIEW)
    flow.next()
    assert flow.state is S.RECOMMENDATION
    assert flow.status.log_problem == "database is locked"
    assert flow.status.notice is None  # the shopper sees nothing of it
    assert len(log.pending) == 1 and log.records == {}  # the record waits in memory
    first = flow.status.session_id
    flow.start_over()
    log.fail_with = None  # the disk is back: the next session's write takes both
    to_screener(flow)
    flow.answer("emergency_symptoms", True)
    assert set(log.records) == {first, flow.status.session_id}
    assert log.records[first].outcome == "recommend"
    assert flow.status.log_problem is None


# -- the ui's intents ----------------------------------------------------------------------

@pytest.mark.parametrize("intents, state", [
    ([Start()], S.LANGUAGE),
    ([Start(), ChooseLanguage("de")], S.PURPOSE),
    ([ChooseLanguage("de")], S.PURPOSE),                     # language on the attract screen
    ([Start(), ChooseLanguage("fr")], S.LANGUAGE),           # unsupported language: ignored
    ([Start(), Next(), ChoosePurpose(Purpose.TRAVEL)], S.SCREENER),
    ([Start(), Next(), ChoosePurpose(Purpose.SPORT),
      AnswerQuestion("emergency_symptoms", yes=True)], S.REFERRAL),
    ([Start(), OpenStaff()], S.STAFF_PIN),
    ([Start(), OpenStaff(), EnterPin(STAFF_PIN)], S.STAFF),
    ([Start(), OpenStaff(), EnterPin(STAFF_PIN), OpenSetup()], S.SETUP),
    ([Start(), StartOver()], S.ATTRACT),
    ([Start(), Touch()], S.LANGUAGE),
    ([PrintSlip()], S.ATTRACT),                               # the app's business, not the flow's
])
def test_handle_routes_ui_intents(intents, state):
    flow, _, _, _ = make_flow()
    for intent in intents:
        flow.handle(intent)
    assert flow.state is state


def test_every_intent_the_flow_carries_out_has_a_route():
    """The intents that are the kiosk's business (printing, quitting, the camera set-up)
    are the only ones the flow leaves alone."""
    from session.flow import _ROUTES

    kiosk_only = {PrintSlip, Quit, CaptureCalibration, FindMat, FindFitting}
    for kind in get_args(Intent):
        assert _ROUTES.routes(kind) is (kind not in kiosk_only), kind


def test_language_can_be_switched_on_any_screen_without_moving():
    flow, _, _, _ = make_flow()
    drive_to(flow, S.SCREENER)
    assert flow.handle(ChooseLanguage("en"))
    assert flow.state is S.SCREENER and flow.status.language == "en"


def test_the_shopper_is_warned_20_s_before_the_wipe_and_a_touch_keeps_the_session():
    flow, clock, _, _ = make_flow()
    drive_to(flow, S.SCREENER)
    clock.advance(39)
    flow.tick()
    assert not flow.status.idle_warning
    clock.advance(1)  # 40 s idle: 20 s left of the minute
    flow.tick()
    assert flow.status.idle_warning and flow.state is S.SCREENER
    flow.handle(Touch())  # "I'm still here"
    assert not flow.status.idle_warning
    clock.advance(59)
    assert not flow.tick() and flow.state is S.SCREENER
    clock.advance(1)
    assert flow.tick() and flow.state is S.ATTRACT and not flow.status.idle_warning


def _emergency(flow) -> None:
    to_screener(flow)
    assert flow.answer("emergency_symptoms", True)
    assert flow.state is S.REFERRAL and flow.status.alert


def test_an_emergency_waits_for_staff_whatever_the_shopper_taps_or_the_clock_says():
    flow, clock, log, _ = make_flow()
    _emergency(flow)
    assert [r.outcome for r in log.records.values()] == ["emergency"]
    for intent in (Next(), StartOver(), Back()):
        flow.handle(intent)
        assert flow.state is S.REFERRAL and flow.status.alert
    clock.advance(3600)
    assert not flow.tick() and flow.state is S.REFERRAL
    assert not flow.status.idle_warning
    # The shopper's only action says they told someone; the alert stays.
    assert flow.handle(ToldStaff())
    assert flow.status.notice == "staff_told" and flow.status.alert
    # A wrong PIN does not acknowledge it; the right one does.
    flow.handle(OpenStaff())
    flow.handle(EnterPin("0000"))
    assert flow.status.alert
    flow.handle(EnterPin(STAFF_PIN))
    assert flow.state is S.STAFF and not flow.status.alert
    flow.handle(Back())  # back to the emergency screen, now closable
    assert flow.state is S.REFERRAL
    assert flow.handle(Next()) and flow.state is S.ATTRACT


def test_only_an_emergency_raises_the_alert():
    flow, _, _, _ = make_flow()
    to_screener(flow)
    answer_all(flow, frozenset({"poor_circulation"}))
    assert flow.state is S.REFERRAL and not flow.status.alert
    assert not flow.handle(ToldStaff())
    assert flow.handle(Next()) and flow.state is S.ATTRACT


def test_tape_over_a_camera_measurement_keeps_the_pair_in_the_log():
    flow, _, log, _ = make_flow()
    drive_to(flow, S.REVIEW)
    camera = flow.status.measurement
    assert camera is not None and camera.source is MeasurementSource.CAMERA
    flow.staff()
    flow.pin(STAFF_PIN)
    assert flow.tape_entry(TAPE_ENTRY)
    assert flow.state is S.REVIEW
    assert flow.status.measurement.source is MeasurementSource.TAPE
    assert flow.status.camera_measurement == camera
    flow.next()  # decide, logged
    (record,) = log.records.values()
    assert record.source == "tape" and record.left_ankle_mm == 231
    assert record.camera_left_ankle_mm == camera.left.ankle_mm
    assert record.camera_right_calf_mm == camera.right.calf_mm
    assert log.find(record.fitting_code) == record


def test_measuring_again_drops_both_the_camera_and_the_tape():
    flow, _, _, _ = make_flow()
    drive_to(flow, S.REVIEW)
    flow.staff()
    flow.pin(STAFF_PIN)
    flow.tape_entry(TAPE_ENTRY)
    assert flow.back()  # measure again
    assert flow.status.measurement is None and flow.status.camera_measurement is None
