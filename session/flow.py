"""The kiosk's session flow: a plain state machine, Qt-free, tested on its own.

``SessionFlow`` holds one shopper's session: language, purpose, screener answers, the
measurement and the decision. Every user intent and every event from the vision pipeline
is a method; each change publishes a frozen ``FlowStatus`` snapshot to the observers
(the Qt composition root shows the matching screen). Time comes from an injected clock,
so the idle timeout is tested without sleeping.

Safety first: the screener runs before anything is measured. After every answer the
answers so far are screened, and a medical referral (emergency, urgent doctor, see
doctor) ends the session at once on the referral screen, which never shows a product.
A milder stop (a pharmacist check, say for "medical" without a prescription) waits until
every question is answered, so that a red flag asked later is never skipped: the most
severe outcome of the complete screening is the one shown. After measuring, ``decide``
may refer too (made-to-measure, staff check, or an urgent doctor for a 30 mm calf
difference); only "recommend" ever shows a product.

```mermaid
stateDiagram-v2
    [*] --> attract: calibrated
    [*] --> setup: not calibrated (cannot measure: staff must set it up)
    attract --> language: start / next
    attract --> purpose: a language chosen on the attract screen
    language --> purpose: language chosen / next
    purpose --> screener: purpose chosen
    screener --> screener: answer (no red flag yet)
    screener --> referral: answer gives a referral outcome
    screener --> measure_front: last answer, outcome recommend
    screener --> review: last answer, staff already entered tape girths
    measure_front --> turn: front stance complete
    turn --> measure_side: next, or the side stance is seen
    measure_side --> review: both stances measured
    measure_side --> measure_front: measurement refused (the reason shown)
    turn --> measure_front: measurement refused (the reason shown)
    review --> recommendation: next, decide says recommend
    review --> referral: next, decide refers (made-to-measure, staff check, doctor)
    recommendation --> donning: next
    donning --> handoff: next
    handoff --> attract: next (session ends)
    referral --> attract: next (session ends)
    language --> attract: back
    purpose --> language: back
    screener --> purpose: back (first question)
    measure_front --> screener: back
    turn --> measure_front: back
    measure_side --> turn: back
    review --> measure_front: back (measure again)
    recommendation --> review: back
    donning --> recommendation: back
    handoff --> donning: back
    state "any state" as any
    any --> staff_pin: staff
    staff_pin --> staff: right PIN
    staff_pin --> any: back (returns where it came from)
    staff --> any: next / back (returns where it came from)
    staff --> review: tape entry (screener already passed)
    staff --> setup: setup
    setup --> staff: back (calibrated)
    setup --> staff_pin: staff
    staff --> setup: next / back (not calibrated)
    staff --> attract: calibration saved, then next / back
    any --> attract: start over / idle timeout (session wiped)
```
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Protocol, TypedDict, Unpack

from fitting.errors import LegFitError
from fitting.i18n import Message, msg
from fitting.measurement import Measurement, MeasurementSource
from fitting.outcome import Outcome, Purpose
from fitting.recommend import Decision
from fitting.screener import Answers, Screening
from fitting.stance import Stance
from session.codes import fitting_code_for, new_session_id
from session.domain import Domain, Verdict
from session.intents import (
    AnswerQuestion,
    Back,
    ChooseLanguage,
    ChoosePurpose,
    EnterPin,
    EnterTape,
    Intent,
    IntentRoutes,
    Next,
    OpenSetup,
    OpenStaff,
    SetPrescription,
    Start,
    StartOver,
    ToldStaff,
    Touch,
)
from session.log import SessionLog, SessionRecord

LANGUAGES = ("en", "de")
DEFAULT_IDLE_TIMEOUT_S = 60.0
# Staff screens and referral screens give people more time: staff type girths, and a
# shopper told to see a doctor may be reading the screen or phoning.
DEFAULT_STAFF_IDLE_TIMEOUT_S = 120.0
DEFAULT_REFERRAL_IDLE_TIMEOUT_S = 180.0
# The hand-off (the code to copy or photograph) and the donning steps are read, not tapped.
DEFAULT_READING_IDLE_TIMEOUT_S = 150.0
# How long before a wipe the shopper is warned (seen and heard), with "I'm still here".
IDLE_WARNING_S = 20.0


class FlowState(StrEnum):
    ATTRACT = "attract"
    LANGUAGE = "language"
    PURPOSE = "purpose"
    SCREENER = "screener"
    REFERRAL = "referral"
    MEASURE_FRONT = "measure_front"
    TURN = "turn"
    MEASURE_SIDE = "measure_side"
    REVIEW = "review"
    RECOMMENDATION = "recommendation"
    DONNING = "donning"
    HANDOFF = "handoff"
    STAFF_PIN = "staff_pin"
    STAFF = "staff"
    SETUP = "setup"


STAFF_STATES = frozenset({FlowState.STAFF_PIN, FlowState.STAFF})
MEASURING_STATES = frozenset({FlowState.MEASURE_FRONT, FlowState.TURN, FlowState.MEASURE_SIDE})
READING_STATES = frozenset({FlowState.HANDOFF, FlowState.DONNING})


class PinChecker(Protocol):
    """The staff PIN check (``kiosk.staff.StaffAuth``). Raises ``StaffLocked`` when locked."""

    def verify(self, pin: str) -> bool: ...

    @property
    def tries_left(self) -> int: ...


@dataclass(frozen=True)
class FlowStatus:
    """A snapshot of the session, published after every change.

    ``notice`` is a message key for the current screen ("pin_wrong", "pin_locked",
    "camera_unavailable", "measurement_refused", "tape_invalid", "tape_saved"), with
    ``notice_detail`` the one-sentence text behind it. ``log_problem`` is for staff only:
    why the session log cannot be written just now.
    """

    state: FlowState
    session_id: str | None = None
    fitting_code: str | None = None
    language: str = "en"
    purpose: Purpose | None = None
    question_ids: tuple[str, ...] = ()
    question_index: int = 0
    answers: Mapping[str, bool] = field(default_factory=dict)
    screening: Screening | None = None
    measurement: Measurement | None = None
    # The camera's measurement when staff then entered tape girths (kept as a pair).
    camera_measurement: Measurement | None = None
    decision: Decision | None = None
    prescription_mmhg: tuple[int, int] | None = None
    staff_confirmed: bool = False
    staff_return: FlowState | None = None
    calibrated: bool = True
    camera_ok: bool = True
    # An emergency referral waits for staff: nothing wipes it until a staff PIN is given.
    alert: bool = False
    # The session will be wiped for inactivity in IDLE_WARNING_S or less.
    idle_warning: bool = False
    notice: str | None = None
    notice_detail: str = ""
    # The notice in words for any language, where the kiosk composed it itself (a
    # catalogue message); ``notice_detail`` is its English, for logs and other notices.
    notice_message: Message | None = None
    log_problem: str | None = None

    @property
    def question_id(self) -> str | None:
        """The question on screen (state screener), else None."""
        if self.state is FlowState.SCREENER and self.question_index < len(self.question_ids):
            return self.question_ids[self.question_index]
        return None

    @property
    def outcome(self) -> Outcome | None:
        """The outcome that ended or will end the session: the decision's, else screening's."""
        verdict = self.decision if self.decision is not None else self.screening
        return None if verdict is None else verdict.outcome

    @property
    def referral(self) -> Verdict | None:
        """What the referral screen explains (state referral), else None."""
        if self.state is not FlowState.REFERRAL:
            return None
        return self.decision if self.decision is not None else self.screening


class SessionChanges(TypedDict, total=False):
    """Changes to a ``FlowStatus`` within its state, field by field (``_go`` also moves)."""

    session_id: str | None
    fitting_code: str | None
    language: str
    purpose: Purpose | None
    question_ids: tuple[str, ...]
    question_index: int
    answers: Mapping[str, bool]
    screening: Screening | None
    measurement: Measurement | None
    camera_measurement: Measurement | None
    decision: Decision | None
    prescription_mmhg: tuple[int, int] | None
    staff_confirmed: bool
    staff_return: FlowState | None
    calibrated: bool
    camera_ok: bool
    alert: bool
    idle_warning: bool
    notice: str | None
    notice_detail: str
    notice_message: Message | None
    log_problem: str | None


class StatusChanges(SessionChanges, total=False):
    """Changes to a ``FlowStatus``, its state included (``_set``)."""

    state: FlowState


class SessionFlow:
    """One kiosk's session state machine; see the module docstring for the diagram.

    Every intent method returns True when it changed something and False when it does
    not apply in the current state (a stray tap is ignored, never an error).
    """

    def __init__(
        self,
        domain: Domain,
        staff_auth: PinChecker,
        clock: Callable[[], float],
        *,
        session_log: SessionLog | None = None,
        calibrated: bool = True,
        idle_timeout_s: float = DEFAULT_IDLE_TIMEOUT_S,
        staff_idle_timeout_s: float = DEFAULT_STAFF_IDLE_TIMEOUT_S,
        referral_idle_timeout_s: float = DEFAULT_REFERRAL_IDLE_TIMEOUT_S,
        reading_idle_timeout_s: float = DEFAULT_READING_IDLE_TIMEOUT_S,
        wall_clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        new_id: Callable[[], str] = new_session_id,
        default_language: str = "en",
    ) -> None:
        self._domain = domain
        self._staff = staff_auth
        self._clock = clock
        self._log = session_log
        self._idle_timeout_s = idle_timeout_s
        self._staff_idle_timeout_s = staff_idle_timeout_s
        self._referral_idle_timeout_s = referral_idle_timeout_s
        self._reading_idle_timeout_s = max(reading_idle_timeout_s, idle_timeout_s)
        self._wall_clock = wall_clock
        self._new_id = new_id
        self._default_language = default_language
        self._observers: list[Callable[[FlowStatus], None]] = []
        self._question_ids = tuple(domain.question_ids())
        self._last_activity_s = clock()
        self._person_on_mat = False
        self._started_at: datetime | None = None
        home = FlowState.ATTRACT if calibrated else FlowState.SETUP
        self._status = FlowStatus(state=home, language=default_language,
                                  question_ids=self._question_ids, calibrated=calibrated)

    # -- observing -------------------------------------------------------------------

    @property
    def status(self) -> FlowStatus:
        return self._status

    @property
    def state(self) -> FlowState:
        return self._status.state

    def subscribe(self, observer: Callable[[FlowStatus], None]) -> None:
        """Call ``observer(status)`` after every change."""
        self._observers.append(observer)

    def _set(self, **changes: Unpack[StatusChanges]) -> bool:
        if "notice" in changes:  # a new notice never keeps the words of the one before
            changes.setdefault("notice_message", None)
        new = replace(self._status, **changes)
        if new == self._status:
            return False
        self._publish(new)
        return True

    def _publish(self, new: FlowStatus) -> None:
        self._status = new
        for observer in list(self._observers):
            observer(new)

    def _go(self, state: FlowState, **changes: Unpack[SessionChanges]) -> bool:
        changes.setdefault("notice", None)
        changes.setdefault("notice_detail", "")
        changes.setdefault("notice_message", None)
        return self._set(state=state, **changes)

    # -- activity and the idle timeout ----------------------------------------------

    def touch(self) -> None:
        """Any touch on the screen: keeps the session alive (and ends an idle warning)."""
        self._last_activity_s = self._clock()
        if self._status.idle_warning:
            self._set(idle_warning=False)

    @property
    def person_on_mat(self) -> bool:
        """What the vision pipeline said last: someone is on the mat."""
        return self._person_on_mat

    def presence(self, person_on_mat: bool) -> None:
        """Whether the vision pipeline sees someone on the mat (keeps the session alive)."""
        self._person_on_mat = person_on_mat
        if person_on_mat:
            self.touch()

    def idle_timeout_for(self, state: FlowState) -> float | None:
        if state is FlowState.ATTRACT:
            return None
        if state is FlowState.SETUP and not self._status.calibrated:
            return None  # the uncalibrated kiosk's home screen
        if state in STAFF_STATES:
            return self._staff_idle_timeout_s
        if state is FlowState.REFERRAL:
            return self._referral_idle_timeout_s
        if state in READING_STATES:
            return self._reading_idle_timeout_s
        return self._idle_timeout_s

    def tick(self) -> bool:
        """Called on a timer: warns ``IDLE_WARNING_S`` before the idle timeout, then wipes
        the session. True if it wiped. An emergency waiting for staff is never wiped."""
        timeout = self.idle_timeout_for(self.state)
        if timeout is None or self._person_on_mat or self._status.alert:
            if self._status.idle_warning:
                self._set(idle_warning=False)
            return False
        idle_s = self._clock() - self._last_activity_s
        if idle_s < timeout:
            self._set(idle_warning=idle_s >= timeout - IDLE_WARNING_S)
            return False
        self._finish_abandoned()
        return self._wipe()

    # -- the shopper's intents -------------------------------------------------------

    def start(self) -> bool:
        if self.state is not FlowState.ATTRACT:
            return False
        self.touch()
        return self._go(FlowState.LANGUAGE, **self._begin_session())

    def set_language(self, lang: str) -> bool:
        """Switch language anywhere; on the language screen it also moves on."""
        if lang not in LANGUAGES:
            return False
        self.touch()
        if self.state is FlowState.LANGUAGE:
            return self._go(FlowState.PURPOSE, language=lang)
        if self.state is FlowState.ATTRACT:
            opening = self._begin_session()
            opening["language"] = lang
            return self._go(FlowState.PURPOSE, **opening)
        return self._set(language=lang)

    def choose_purpose(self, purpose: Purpose) -> bool:
        if self.state is not FlowState.PURPOSE:
            return False
        self.touch()
        return self._go(FlowState.SCREENER, purpose=purpose, question_index=0,
                        answers={}, screening=None, decision=None)

    def answer(self, question_id: str, yes: bool) -> bool:
        """Record one answer; a red flag ends the session on the referral screen at once."""
        s = self._status
        if s.state is not FlowState.SCREENER or question_id != s.question_id:
            return False
        self.touch()
        answers = {**s.answers, question_id: bool(yes)}
        screening = self._domain.screen(self._answers(answers))
        if screening.outcome.is_referral:
            self._go(FlowState.REFERRAL, answers=answers, screening=screening,
                     alert=screening.outcome is Outcome.EMERGENCY)
            self._record()
            return True
        index = s.question_index + 1
        if index < len(self._question_ids):
            return self._go(FlowState.SCREENER, answers=answers, question_index=index,
                            screening=None)
        # Every question answered: the complete screening is the one that counts.
        screening = self._domain.screen(self._answers(answers))
        if screening.outcome is not Outcome.RECOMMEND:
            self._go(FlowState.REFERRAL, answers=answers, screening=screening,
                     question_index=index - 1)
            self._record()
            return True
        after = FlowState.REVIEW if s.measurement is not None else FlowState.MEASURE_FRONT
        return self._go(after, answers=answers, screening=screening,
                        question_index=index - 1)

    def next(self) -> bool:
        self.touch()
        state = self.state
        if state is FlowState.ATTRACT:
            return self.start()
        if state is FlowState.LANGUAGE:
            return self._go(FlowState.PURPOSE)
        if state is FlowState.PURPOSE and self._status.purpose is not None:
            return self._go(FlowState.SCREENER, question_index=0)
        if state is FlowState.TURN:
            return self._go(FlowState.MEASURE_SIDE)
        if state is FlowState.REVIEW:
            return self._decide()
        if state is FlowState.RECOMMENDATION:
            return self._go(FlowState.DONNING)
        if state is FlowState.DONNING:
            return self._go(FlowState.HANDOFF)
        if state in (FlowState.HANDOFF, FlowState.REFERRAL):
            return False if self._status.alert else self._wipe()
        if state is FlowState.STAFF:
            return self._leave_staff()
        return False

    def back(self) -> bool:
        self.touch()
        s = self._status
        state = s.state
        if state is FlowState.LANGUAGE:
            return self._wipe()
        if state is FlowState.PURPOSE:
            return self._go(FlowState.LANGUAGE)
        if state is FlowState.SCREENER:
            if s.question_index == 0:
                return self._go(FlowState.PURPOSE)
            return self._go(FlowState.SCREENER, question_index=s.question_index - 1)
        if state is FlowState.MEASURE_FRONT:
            return self._go(FlowState.SCREENER, question_index=len(self._question_ids) - 1)
        if state is FlowState.TURN:
            return self._go(FlowState.MEASURE_FRONT)
        if state is FlowState.MEASURE_SIDE:
            return self._go(FlowState.TURN)
        if state is FlowState.REVIEW:
            # Measure again: a camera measurement is dropped, a staff tape entry is kept
            # only by entering it again (staff decide).
            return self._go(FlowState.MEASURE_FRONT, measurement=None,
                            camera_measurement=None, decision=None)
        if state is FlowState.RECOMMENDATION:
            return self._go(FlowState.REVIEW, decision=None)
        if state is FlowState.DONNING:
            return self._go(FlowState.RECOMMENDATION)
        if state is FlowState.HANDOFF:
            return self._go(FlowState.DONNING)
        if state in (FlowState.STAFF_PIN, FlowState.STAFF):
            return self._leave_staff()
        if state is FlowState.SETUP and s.calibrated:
            return self._go(FlowState.STAFF)
        # The referral screen has no way back to the questions: a red flag is not undone
        # by changing an answer; staff can take over.
        return False

    def start_over(self) -> bool:
        self.touch()
        if self._status.alert:
            return False  # an emergency waits for staff
        if self.state is FlowState.ATTRACT and self._status.session_id is None:
            return False
        self._finish_abandoned()
        return self._wipe()

    # -- events from the vision pipeline ---------------------------------------------

    def stance_complete(self, stance: Stance) -> bool:
        """The measurer has enough frames of one stance."""
        if stance is Stance.FRONT and self.state is FlowState.MEASURE_FRONT:
            return self._go(FlowState.TURN)
        return False

    def stance_seen(self, stance: Stance) -> bool:
        """The shopper stands in a stance the pipeline accepts: on the turn screen, the
        side stance moves on by itself (no need to walk back to the screen)."""
        if stance is Stance.SIDE and self.state is FlowState.TURN:
            self._last_activity_s = self._clock()
            return self._go(FlowState.MEASURE_SIDE)
        return False

    def measured(self, measurement: Measurement) -> bool:
        """Both stances measured: the measurement goes to review."""
        if self.state is not FlowState.MEASURE_SIDE:
            return False
        self._last_activity_s = self._clock()
        return self._go(FlowState.REVIEW, measurement=measurement, camera_measurement=None,
                        decision=None)

    def measurement_refused(self, message: str) -> bool:
        """The pipeline cannot measure (e.g. calves covered): say why, measure again."""
        if self.state not in MEASURING_STATES:
            return False
        return self._go(FlowState.MEASURE_FRONT, notice="measurement_refused",
                        notice_detail=message)

    def camera_failed(self, message: str) -> bool:
        return self._set(camera_ok=False, notice="camera_unavailable", notice_detail=message)

    def camera_recovered(self) -> bool:
        changes: SessionChanges = {"camera_ok": True}
        if self._status.notice == "camera_unavailable":
            changes["notice"] = None
            changes["notice_detail"] = ""
        return self._set(**changes)

    # -- staff -----------------------------------------------------------------------

    def staff(self) -> bool:
        """Staff want in: ask for the PIN, remembering where to come back to."""
        self.touch()
        if self.state in STAFF_STATES:
            return False
        return self._go(FlowState.STAFF_PIN, staff_return=self.state)

    def pin(self, pin: str) -> bool:
        if self.state is not FlowState.STAFF_PIN:
            return False
        self.touch()
        try:
            ok = self._staff.verify(pin)
        except LegFitError as exc:  # StaffLocked: the message says for how long
            return self._set(notice="pin_locked", notice_detail=str(exc))
        if not ok:
            left = self._staff.tries_left
            return self._set(notice="pin_wrong",
                             notice_detail=f"Wrong PIN: {left} tries left before a lock.")
        # A staff member signed in: an emergency alert is acknowledged.
        return self._go(FlowState.STAFF, alert=False)

    def told_staff(self) -> bool:
        """The shopper on the emergency screen says they have told staff (the alert stays
        until a staff member signs in)."""
        if not self._status.alert or self.state is not FlowState.REFERRAL:
            return False
        self.touch()
        return self._set(notice="staff_told", notice_detail="")

    def tape_entry(self, data: Mapping[str, object]) -> bool:
        """Staff enter (or override) girths measured with a tape.

        ``data`` is the measurement JSON contract (left/right with ankle_mm, calf_mm, ...);
        the source is always "tape". Once the screener has passed, the session goes
        straight to review; before that, the girths wait for the screener to finish. A
        camera measurement they replace is kept beside them (the log keeps the pair).
        """
        if self.state is not FlowState.STAFF:
            return False
        self.touch()
        try:
            measurement = Measurement.from_dict({**dict(data),
                                                 "source": MeasurementSource.TAPE.value})
        except LegFitError as exc:
            return self._set(notice="tape_invalid", notice_detail=str(exc))
        self._set(**self._begin_session())
        s = self._status
        camera = (s.measurement if s.measurement is not None
                  and s.measurement.source is MeasurementSource.CAMERA
                  else s.camera_measurement)
        if s.screening is not None and s.screening.outcome is Outcome.RECOMMEND:
            screened = len(s.answers) == len(self._question_ids)
            if screened:
                return self._go(FlowState.REVIEW, measurement=measurement,
                                camera_measurement=camera, decision=None, staff_return=None)
        return self._set(measurement=measurement, camera_measurement=camera, decision=None,
                         notice="tape_saved",
                         notice_detail="Tape girths saved; they are used after the questions.",
                         notice_message=msg("notice.tape_saved"))

    def set_prescription(self, low_mmhg: int, high_mmhg: int) -> bool:
        """Staff confirm a prescription class (the only route above 20 mmHg)."""
        if self.state is not FlowState.STAFF:
            return False
        self.touch()
        rx = (int(low_mmhg), int(high_mmhg))
        try:
            Answers(answers={}, purpose=Purpose.MEDICAL, prescription_mmhg=rx,
                    staff_confirmed=True)
        except LegFitError as exc:
            return self._set(notice="prescription_invalid", notice_detail=str(exc))
        return self._set(prescription_mmhg=rx, staff_confirmed=True, notice=None,
                         notice_detail="")

    def open_setup(self) -> bool:
        if self.state is not FlowState.STAFF:
            return False
        self.touch()
        return self._go(FlowState.SETUP)

    def calibration_done(self) -> bool:
        """A calibration with a floor pose was saved: the kiosk can measure."""
        was_setup = self.state is FlowState.SETUP
        changed = self._set(calibrated=True)
        if was_setup:
            return self._wipe() or changed
        return changed

    def notify(self, notice: str, detail: str = "", message: Message | None = None) -> bool:
        """A notice from the app for the screen showing now ("slip_printed", ...), with its
        words for every language when the app composed them (``message``)."""
        return self._set(notice=notice, notice_detail=detail, notice_message=message)

    def _leave_staff(self) -> bool:
        s = self._status
        if not s.calibrated:
            return self._go(FlowState.SETUP, staff_return=None)
        target = s.staff_return or FlowState.ATTRACT
        if target in STAFF_STATES or target is FlowState.SETUP:
            target = FlowState.ATTRACT
        return self._go(target, staff_return=None)

    # -- dispatch of the ui's intents ------------------------------------------------

    def handle(self, intent: Intent) -> bool:
        """Carry out one ui intent; intents the flow does not route are ignored."""
        return bool(_ROUTES.dispatch(self, intent))

    # -- internals -------------------------------------------------------------------

    def _answers(self, answers: Mapping[str, bool]) -> Answers:
        s = self._status
        return Answers(answers=dict(answers), purpose=s.purpose or Purpose.EVERYDAY,
                       prescription_mmhg=s.prescription_mmhg,
                       staff_confirmed=s.staff_confirmed)

    def _decide(self) -> bool:
        s = self._status
        if s.measurement is None:
            return False
        decision = self._domain.decide(s.measurement, self._answers(s.answers))
        after = (FlowState.RECOMMENDATION if decision.outcome is Outcome.RECOMMEND
                 else FlowState.REFERRAL)
        self._go(after, decision=decision)
        self._record()
        return True

    def _begin_session(self) -> SessionChanges:
        """The changes that open a session (none when one is open already)."""
        if self._status.session_id is not None:
            return {}
        session_id = self._new_id()
        self._started_at = self._wall_clock()
        return {"session_id": session_id, "fitting_code": fitting_code_for(session_id)}

    def _wipe(self) -> bool:
        """Forget everything about the session and go home."""
        s = self._status
        self._started_at = None
        home = FlowState.ATTRACT if s.calibrated else FlowState.SETUP
        self._last_activity_s = self._clock()
        self._publish(FlowStatus(state=home, language=self._default_language,
                                 question_ids=self._question_ids, calibrated=s.calibrated,
                                 camera_ok=s.camera_ok, log_problem=s.log_problem))
        return True

    def _finish_abandoned(self) -> None:
        """A session left before its end is logged as abandoned (no answers, no girths)."""
        s = self._status
        if s.session_id is None or s.purpose is None:
            return  # never got past the first screens: nothing worth counting
        if s.decision is not None or (s.screening is not None
                                      and s.screening.outcome is not Outcome.RECOMMEND):
            return  # already logged with its outcome
        self._record(abandoned=True)

    def _record(self, abandoned: bool = False) -> None:
        if self._log is None:
            return
        s = self._status
        record = SessionRecord.from_session(
            session_id=s.session_id or self._new_id(),
            started_at=self._started_at or self._wall_clock(),
            finished_at=self._wall_clock(),
            outcome="abandoned" if abandoned or s.outcome is None else s.outcome.value,
            purpose=None if s.purpose is None else s.purpose.value, language=s.language,
            measurement=None if abandoned else s.measurement,
            decision=None if abandoned else s.decision,
            state_reached=s.state.value,
            camera_measurement=None if abandoned else s.camera_measurement,
        )
        try:
            self._log.record(record)
        except LegFitError as exc:
            # The shopper's session goes on; staff see the problem on their screen.
            self._set(log_problem=str(exc))
        else:
            self._set(log_problem=None)


def _touch(flow: SessionFlow, _: Touch) -> bool:
    flow.touch()
    return False


_ROUTES: IntentRoutes[SessionFlow] = (
    IntentRoutes[SessionFlow]()
    .route(Start, lambda flow, _: flow.start())
    .route(ChooseLanguage, lambda flow, i: flow.set_language(i.language))
    .route(ChoosePurpose, lambda flow, i: flow.choose_purpose(i.purpose))
    .route(AnswerQuestion, lambda flow, i: flow.answer(i.question_id, i.yes))
    .route(Next, lambda flow, _: flow.next())
    .route(Back, lambda flow, _: flow.back())
    .route(StartOver, lambda flow, _: flow.start_over())
    .route(OpenStaff, lambda flow, _: flow.staff())
    .route(EnterPin, lambda flow, i: flow.pin(i.pin))
    .route(EnterTape, lambda flow, i: flow.tape_entry(i.girths))
    .route(OpenSetup, lambda flow, _: flow.open_setup())
    .route(SetPrescription, lambda flow, i: flow.set_prescription(i.low_mmhg, i.high_mmhg))
    .route(Touch, _touch)
    .route(ToldStaff, lambda flow, _: flow.told_staff())
)
