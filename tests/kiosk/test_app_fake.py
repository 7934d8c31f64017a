"""Whole kiosk sessions, window and threads included, with a fake camera and measurer.

The window is the ui's real ``KioskWindow`` (offscreen); intents are sent through its
screens as a tap would send them. The screener and the sizing are the real ones with
the bundled catalogue; only the camera, the pose model and the measurer are fakes.
"""

from __future__ import annotations

import shutil
import threading

import pytest
from PySide6.QtWidgets import QLabel

from fitting.measurement import MeasurementSource
from fitting.outcome import Outcome, Purpose
from kiosk.app import EMERGENCY_STATUS
from kiosk.assembly import KioskOptions
from kiosk.demo import DEMO_CALIBRATION, DEMO_STAFF_PIN, DEMO_VIDEO
from kiosk.watchdog import SystemdNotifier
from session.intents import (
    Back,
    CaptureCalibration,
    ChooseLanguage,
    ChoosePurpose,
    EnterPin,
    EnterTape,
    FindFitting,
    FindMat,
    Next,
    OpenStaff,
    PrintSlip,
    Start,
    StartOver,
)
from tests.kiosk.app_helpers import measurement, start_kiosk
from tests.kiosk.flow_helpers import FAST_SCRYPT, TAPE_ENTRY
from tests.kiosk.vision_helpers import NOBODY, blank_frames
from ui.i18n import tr
from vision.errors import CameraUnavailable
from vision.fakes import FakePoseEstimator, ScriptedFrameSource

# Generous: the machine may be busy; a passing wait returns as soon as it holds.
WAIT_MS = 20000


@pytest.fixture
def kiosk(qtbot, tmp_path):
    made = []

    def make(**kwargs):
        k = start_kiosk(qtbot, tmp_path, **kwargs)
        made.append(k)
        return k

    yield make
    for k in made:
        assert k.controller.stop() == []


def on_screen(qtbot, k, name: str) -> None:
    qtbot.waitUntil(lambda: k.window.current_screen == name, timeout=WAIT_MS)


def to_measuring(qtbot, k, lang: str = "en", purpose: str = "everyday") -> None:
    on_screen(qtbot, k, "attract")
    k.send(Start())
    k.send(ChooseLanguage(lang))
    k.send(ChoosePurpose(Purpose(purpose)))
    k.answer_all()
    on_screen(qtbot, k, "measure_front")


def test_happy_path_to_handoff_and_back_to_attract(qtbot, kiosk):
    k = kiosk(measured=measurement())
    to_measuring(qtbot, k, lang="de")
    assert k.window.language == "de"
    on_screen(qtbot, k, "review")  # front, turn and side measured by themselves
    assert k.window.screen_named("review").model.measurement == measurement()
    assert k.controller.frames_shown > 0  # the live view got camera frames
    # A shopper standing sideways hears what the screen says.
    said = [text for text, lang in k.parts.voice.said if lang == "de"]
    assert tr("measure.instructions", "de") in said
    assert f"{tr('turn.title', 'de')}. {tr('turn.body', 'de')}" in said
    k.send(Next())
    on_screen(qtbot, k, "recommendation")
    (choice,) = k.flow.status.decision.recommendations
    assert (choice.size, choice.length) == ("S", "short")
    k.send(Next())
    on_screen(qtbot, k, "donning")
    k.send(Next())
    on_screen(qtbot, k, "handoff")
    k.send(PrintSlip())
    code = k.flow.status.fitting_code
    assert (k.slip_dir / f"{code}.pdf").read_bytes().startswith(b"%PDF")
    assert k.window.screen_named("handoff").model.notice == "slip_printed"
    k.send(Next())
    on_screen(qtbot, k, "attract")
    assert k.window.language == "en"  # the next shopper starts afresh
    (record,) = k.log.records.values()
    assert record.outcome == "recommend" and record.left_ankle_mm == 207
    assert record.recommendation[0]["size"] == "S"


@pytest.mark.parametrize("yes, outcome", [
    ("emergency_symptoms", Outcome.EMERGENCY),    # stops at once: call the emergency number
    ("one_leg_swelling", Outcome.URGENT_DOCTOR),  # a possible clot: doctor today
    ("numbness", Outcome.SEE_DOCTOR),             # neuropathy: doctor first
    ("fibre_allergy", Outcome.PHARMACIST),        # after the last question: pharmacist
])
def test_each_screener_referral_ends_on_the_referral_screen(qtbot, kiosk, yes, outcome):
    k = kiosk()
    on_screen(qtbot, k, "attract")
    k.send(Start())
    k.send(ChooseLanguage("en"))
    k.send(ChoosePurpose(Purpose("everyday")))
    k.answer_all(frozenset({yes}))
    on_screen(qtbot, k, "referral")
    shown = k.window.screen_named("referral").model.referral
    assert shown.outcome is outcome
    assert not getattr(shown, "recommendations", ())  # never a product
    # nothing measured (the vision thread may not even have built its measurer yet)
    assert k.measurer is None or not any(k.measurer.counts.values())
    if outcome is Outcome.EMERGENCY:
        k.send(Next())  # an emergency waits for staff: the shopper cannot dismiss it
        assert k.window.current_screen == "referral" and k.flow.status.alert
        k.send(OpenStaff())
        k.send(EnterPin(DEMO_STAFF_PIN))  # acknowledged
        on_screen(qtbot, k, "staff")
        k.send(Back())
        on_screen(qtbot, k, "referral")
    k.send(Next())
    on_screen(qtbot, k, "attract")


def test_staff_find_a_referral_by_the_code_the_shopper_brings(qtbot, kiosk):
    k = kiosk()
    on_screen(qtbot, k, "attract")
    k.send(Start())
    k.send(ChooseLanguage("en"))
    k.send(ChoosePurpose(Purpose("everyday")))
    k.answer_all(frozenset({"numbness"}))
    on_screen(qtbot, k, "referral")
    code = k.flow.status.fitting_code
    screen = k.window.screen_named("referral")
    assert code and code in [w.text() for w in screen.findChildren(QLabel)
                             if w.isVisibleTo(screen)]
    k.send(Next())
    on_screen(qtbot, k, "attract")
    k.send(OpenStaff())
    k.send(EnterPin(DEMO_STAFF_PIN))
    on_screen(qtbot, k, "staff")
    k.send(FindFitting(code.lower().replace("-", " ")))
    found = k.window.staff_screen.model.lookup.found
    assert found.code == code and found.outcome == "see_doctor"
    k.send(Back())
    on_screen(qtbot, k, "attract")
    assert k.controller._lookup is None  # a look-up is not kept past the staff screen


@pytest.mark.parametrize("measured, outcome", [
    (measurement(ankle_mm=150, calf_mm=250), Outcome.MADE_TO_MEASURE),   # below every size
    (measurement(length_mm=600), Outcome.MADE_TO_MEASURE),               # longer than any
    (measurement(ankle_mm=199.5), Outcome.STAFF_CHECK),  # at a boundary: 12 % too tight
    (measurement(right_calf_mm=385), Outcome.URGENT_DOCTOR),             # calves differ 35 mm
])
def test_each_decision_referral_after_measuring(qtbot, kiosk, measured, outcome):
    k = kiosk(measured=measured)
    to_measuring(qtbot, k)
    on_screen(qtbot, k, "review")
    k.send(Next())
    on_screen(qtbot, k, "referral")
    assert k.flow.status.outcome is outcome
    assert k.window.screen_named("referral").model.referral.outcome is outcome
    assert k.log.records[k.flow.status.session_id].outcome == outcome.value


def test_idle_timeout_wipes_the_session_to_attract(qtbot, kiosk):
    k = kiosk(estimator=FakePoseEstimator([NOBODY]))  # nobody on the mat
    on_screen(qtbot, k, "attract")
    k.send(Start())
    k.send(ChooseLanguage("de"))
    on_screen(qtbot, k, "purpose")
    k.clock.advance(61)
    on_screen(qtbot, k, "attract")  # the pump's tick does it
    assert k.flow.status.session_id is None and k.window.language == "en"


def test_idle_timeout_waits_while_someone_stands_on_the_mat(qtbot, kiosk):
    k = kiosk(needed=10_000)  # never completes: the shopper just stands there
    to_measuring(qtbot, k)
    qtbot.waitUntil(lambda: k.parts.flow.person_on_mat, timeout=WAIT_MS)  # they are seen
    k.clock.advance(300)
    qtbot.wait(100)
    assert k.window.current_screen == "measure_front"


def test_start_over_from_measuring_resets_the_measurer(qtbot, kiosk):
    k = kiosk(needed=10_000)
    to_measuring(qtbot, k)
    qtbot.waitUntil(lambda: k.measurer is not None and k.measurer.counts["front"] > 0,
                    timeout=WAIT_MS)
    k.send(StartOver())
    on_screen(qtbot, k, "attract")
    to_measuring(qtbot, k)
    qtbot.waitUntil(lambda: k.measurer.resets >= 2, timeout=WAIT_MS)


def test_staff_pin_lockout_then_staff_screen(qtbot, kiosk):
    k = kiosk()
    on_screen(qtbot, k, "attract")
    k.send(OpenStaff())
    on_screen(qtbot, k, "staff_pin")
    for _ in range(4):
        k.send(EnterPin("0000"))
    assert k.window.screen_named("staff_pin").model.tries_left == 1
    k.send(EnterPin("0000"))
    assert k.window.screen_named("staff_pin").model.notice == "pin_locked"
    k.send(EnterPin(DEMO_STAFF_PIN))
    assert k.window.current_screen == "staff_pin"  # locked: even the right PIN waits
    k.clock.advance(301)
    k.send(EnterPin(DEMO_STAFF_PIN))
    on_screen(qtbot, k, "staff")
    page = k.window.staff_screen.model
    assert page.catalogue is k.parts.catalogue and page.calibration_status
    k.send(Back())
    on_screen(qtbot, k, "attract")


def test_tape_entry_by_staff_replaces_the_camera(qtbot, kiosk):
    k = kiosk(needed=10_000)
    to_measuring(qtbot, k)
    k.send(OpenStaff())
    k.send(EnterPin(DEMO_STAFF_PIN))
    on_screen(qtbot, k, "staff")
    k.send(EnterTape(TAPE_ENTRY))
    on_screen(qtbot, k, "review")
    assert k.flow.status.measurement.source is MeasurementSource.TAPE
    k.send(Next())
    qtbot.waitUntil(lambda: k.window.current_screen in ("recommendation", "referral"),
                    timeout=WAIT_MS)
    assert k.log.records[k.flow.status.session_id].source == "tape"


def test_a_camera_that_fails_mid_session_is_shown_and_recovers(qtbot, kiosk):
    plugged = threading.Event()
    plugged.set()
    opened = []

    def open_source():
        opened.append(1)
        if not plugged.is_set():
            raise CameraUnavailable("camera 0 cannot be opened (not connected or busy)")
        return ScriptedFrameSource(blank_frames(8), then="fail", fail_after=30)

    k = kiosk(open_source=open_source, needed=10_000)
    to_measuring(qtbot, k)
    plugged.clear()  # the cable is pulled once the current source runs out
    qtbot.waitUntil(lambda: not k.flow.status.camera_ok, timeout=WAIT_MS)
    assert k.window.current_screen == "measure_front"
    assert k.window.screen_named("measure_front").model.camera_ok is False
    assert k.flow.status.notice == "camera_unavailable"
    shown = k.controller.frames_shown
    plugged.set()
    qtbot.waitUntil(lambda: k.flow.status.camera_ok, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: k.controller.frames_shown > shown, timeout=WAIT_MS)
    assert len(opened) >= 2 and k.window.current_screen == "measure_front"


def test_a_refused_measurement_says_why_and_measures_again(qtbot, kiosk):
    k = kiosk(needed=3, refuse="the calves are covered")
    shown = []
    k.window.screen_named("measure_front").show_model = shown.append
    to_measuring(qtbot, k)
    qtbot.waitUntil(lambda: any(d.notice == "measurement_refused" for d in shown),
                    timeout=WAIT_MS)
    refused = next(d for d in shown if d.notice == "measurement_refused")
    assert refused.state.value == "measure_front"
    assert refused.notice_detail == "the calves are covered"
    qtbot.waitUntil(lambda: k.measurer.resets >= 2, timeout=WAIT_MS)  # measured afresh


def test_a_kiosk_without_calibration_opens_setup_and_staff_find_the_mat(qtbot, kiosk,
                                                                       tmp_path):
    from calibration.calibration_file import load_calibration
    from kiosk.config import KioskConfig, save_config
    from kiosk.paths import KioskPaths
    from kiosk.staff import hash_pin, reset_pin_state
    from vision.sources import VideoFileSource

    # A fresh kiosk: a staff PIN set (as 'legfit run --set-staff-pin' does), intrinsics
    # from 'legfit calibrate', but the mat not yet found.
    save_config(KioskConfig(staff_pin=hash_pin("5791", params=FAST_SCRYPT),
                            allow_demo_catalogue=True),
                KioskPaths.from_environment().config_file)
    reset_pin_state(KioskPaths.from_environment().staff_pin_state_file)  # as the PIN set
    intrinsics = tmp_path / "calibration.json"
    shutil.copy(DEMO_CALIBRATION, intrinsics)
    k = kiosk(options=KioskOptions(mode="run", calibration_file=intrinsics, fullscreen=False),
              open_source=lambda: VideoFileSource(DEMO_VIDEO, loop=True))
    on_screen(qtbot, k, "setup")
    assert "no floor pose" in k.window.screen_named("setup").model.problem
    k.send(Start())  # a shopper's tap does nothing here
    assert k.window.current_screen == "setup"
    k.send(OpenStaff())
    k.send(EnterPin("5791"))
    on_screen(qtbot, k, "staff")
    qtbot.waitUntil(lambda: k.parts.session.camera.frames.get()[1] is not None, timeout=WAIT_MS)
    k.send(FindMat())
    assert k.flow.status.notice == "calibration_saved", k.flow.status.notice_detail
    saved = load_calibration(intrinsics)
    assert saved.floor_pose is not None
    assert abs(saved.floor_pose.camera_height_mm - 1075.2) < 10  # the recording's truth
    k.send(Back())
    on_screen(qtbot, k, "attract")  # calibrated now: shoppers can start
    k.send(Start())
    on_screen(qtbot, k, "language")


def test_the_gui_demo_plays_itself_until_someone_touches_the_screen(qtbot, kiosk):
    from kiosk.autoplay import Autoplay
    from kiosk.headless import ScriptedShopper

    k = kiosk(measured=measurement())
    autoplay = Autoplay(k.controller, ScriptedShopper(), step_ms=5, answer_ms=2, wait_ms=5,
                        end_ms=5)
    visited = []
    k.flow.subscribe(lambda s: visited.append(s.state.value))
    autoplay.start()
    qtbot.waitUntil(lambda: len(k.log.records) >= 2, timeout=WAIT_MS)  # it starts over
    assert {"screener", "measure_front", "turn", "measure_side", "review", "recommendation",
            "donning", "handoff", "attract"} <= set(visited)
    assert all(r.outcome == "recommend" for r in k.log.records.values())
    k.window.user_activity.emit()  # a person touches the screen
    assert not autoplay.active
    # Measuring may still finish by itself; then the screen waits for the person's tap.
    waiting = ("attract", "language", "purpose", "screener", "review", "recommendation",
               "donning", "handoff", "referral")
    qtbot.waitUntil(lambda: k.window.current_screen in waiting, timeout=WAIT_MS)
    where = k.window.current_screen
    qtbot.wait(200)
    assert k.window.current_screen == where  # nobody taps for them any more


class FakeWizard:
    """Stands in for the intrinsics wizard: done after ``needed`` frames, its result the
    recording's real intrinsics (the board detection is tested in tests/calibration)."""

    def __init__(self, needed: int = 3):
        self.needed = needed
        self.frames = 0

    def add(self, frame_bgr):
        from calibration.wizard import WizardStatus

        self.frames += 1
        done = self.frames >= self.needed
        return WizardStatus(accepted=True, done=done,
                            message="calibration finished" if done else "move the board left",
                            views=self.frames, cells_covered=self.frames, cells_total=9,
                            tilts_covered=())

    def result(self):
        from calibration.calibration_file import load_calibration

        class Result:
            rms_px = 0.31
            views_used = ("frame 1", "frame 2", "frame 3")

            @staticmethod
            def to_calibration():
                return load_calibration(DEMO_CALIBRATION)

        return Result()


def test_a_fresh_kiosk_is_calibrated_on_screen_by_staff(qtbot, kiosk, tmp_path):
    from calibration.calibration_file import load_calibration
    from kiosk.config import KioskConfig, save_config
    from kiosk.paths import KioskPaths
    from kiosk.staff import hash_pin, reset_pin_state
    from vision.sources import VideoFileSource

    paths = KioskPaths.from_environment()
    save_config(KioskConfig(staff_pin=hash_pin("5791", params=FAST_SCRYPT),
                            allow_demo_catalogue=True),
                paths.config_file)
    reset_pin_state(paths.staff_pin_state_file)  # as setting the PIN leaves it
    # The recording shows no calibration board: a fake wizard stands in for it.
    k = kiosk(options=KioskOptions(mode="run", fullscreen=False),
              open_source=lambda: VideoFileSource(DEMO_VIDEO, loop=True),
              wizard_factory=FakeWizard)
    on_screen(qtbot, k, "setup")
    assert "no camera calibration" in k.window.screen_named("setup").model.problem
    k.send(OpenStaff())
    k.send(EnterPin("5791"))
    on_screen(qtbot, k, "staff")
    k.send(CaptureCalibration())
    qtbot.waitUntil(lambda: k.flow.status.notice == "intrinsics_saved", timeout=WAIT_MS)
    saved = load_calibration(paths.calibration_file)
    assert saved.floor_pose is None and saved.intrinsics.image_size_wh == (1080, 1920)
    k.send(FindMat())
    assert k.flow.status.notice == "calibration_saved", k.flow.status.notice_detail
    assert load_calibration(paths.calibration_file).floor_pose is not None
    k.send(Back())
    on_screen(qtbot, k, "attract")


def test_a_pipeline_that_cannot_use_the_pictures_shows_as_a_camera_problem(qtbot, kiosk):
    failing = {"on": False}
    from tests.kiosk.vision_helpers import person_pose

    def estimate(frame):
        if failing["on"]:
            from calibration.errors import CalibrationInvalid

            raise CalibrationInvalid("the calibration is for 1080x1920 images but the camera "
                                     "gives 640x480")
        return person_pose()

    k = kiosk(estimator=FakePoseEstimator(estimate), needed=10_000)
    to_measuring(qtbot, k)
    failing["on"] = True
    qtbot.waitUntil(lambda: not k.flow.status.camera_ok, timeout=WAIT_MS)
    assert "640x480" in k.flow.status.notice_detail
    assert k.window.screen_named("measure_front").model.camera_ok is False
    failing["on"] = False
    qtbot.waitUntil(lambda: k.flow.status.camera_ok, timeout=WAIT_MS)


class RecordingNotifier(SystemdNotifier):
    """The service manager's notifications, recorded instead of sent."""

    def __init__(self) -> None:
        super().__init__(None)
        self.sent: list[dict[str, str]] = []

    def notify(self, fields):
        self.sent.append(dict(fields))
        return True


def test_an_emergency_is_a_staff_facing_status_until_staff_sign_in(qtbot, kiosk):
    notifier = RecordingNotifier()
    k = kiosk(notifier=notifier)
    on_screen(qtbot, k, "attract")
    k.send(Start())
    k.send(ChooseLanguage("en"))
    k.send(ChoosePurpose(Purpose("everyday")))
    k.answer_all(frozenset({"emergency_symptoms"}))
    on_screen(qtbot, k, "referral")
    statuses = [f["STATUS"] for f in notifier.sent if "STATUS" in f]
    assert statuses[-1] == EMERGENCY_STATUS
    k.clock.advance(3600)  # never wiped while it waits
    qtbot.wait(50)
    assert k.window.current_screen == "referral"
    k.send(OpenStaff())
    k.send(EnterPin(DEMO_STAFF_PIN))
    on_screen(qtbot, k, "staff")
    statuses = [f["STATUS"] for f in notifier.sent if "STATUS" in f]
    assert statuses[-1] != EMERGENCY_STATUS


def test_the_end_of_a_session_leaves_no_trace_of_the_shopper_in_memory(qtbot, kiosk):
    k = kiosk(measured=measurement())
    to_measuring(qtbot, k)
    on_screen(qtbot, k, "review")
    qtbot.waitUntil(lambda: k.controller.session.last_result is not None, timeout=WAIT_MS)
    resets = k.measurer.resets
    k.send(StartOver())
    on_screen(qtbot, k, "attract")
    qtbot.waitUntil(lambda: k.measurer.resets > resets, timeout=WAIT_MS)  # profiles dropped
    assert k.controller.session.last_result is None
    for name in ("review", "screener", "purpose"):
        model = k.window.screen_named(name).model
        assert model.measurement is None and model.answers == {} and model.purpose is None
