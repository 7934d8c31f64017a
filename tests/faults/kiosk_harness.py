"""The whole kiosk, as ``legfit run`` builds it, around a camera and pose model the test
controls.

Real: the composition (``kiosk.assembly.assemble`` in "run" mode), the settings, the
calibration file, the SQLite session log in the kiosk's data directory, the staff PIN
check, the session flow, both worker threads, the Qt controller and the kiosk window.
Replaced: the camera (``PluggableCamera``: frames of a synthetic scene, unplugged or
frozen on cue), the pose model (``FakePoseEstimator`` with the scene's exact landmarks,
or nobody) and the leg measurer (``StubMeasurer``: done after a few accepted frames).
Time for the idle timeout and the PIN lock is a ``FakeClock``.
"""

from __future__ import annotations

import functools
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from calibration.calibration_file import load_calibration, save_calibration
from calibration.camera import CameraCalibration
from calibration.floor import estimate_floor_pose
from calibration.mat import load_mat_spec
from fitting.measurement import LegMeasurement, Measurement, MeasurementSource
from fitting.outcome import Purpose
from fitting.stance import Stance
from kiosk.app import KioskController
from kiosk.assembly import KioskOptions, KioskParts, assemble
from kiosk.config import KioskConfig
from kiosk.paths import KioskPaths
from kiosk.staff import hash_pin, reset_pin_state
from kiosk.voice import RecordingVoice
from session.flow import FlowState
from session.intents import AnswerQuestion, ChooseLanguage, ChoosePurpose, Intent, Start
from tests.kiosk.flow_helpers import FAST_SCRYPT, FakeClock
from tests.kiosk.vision_helpers import frame_report, measurement_result
from vision.errors import CameraUnavailable, MeasurementRefused
from vision.fakes import FakePoseEstimator, landmarks_from_truth
from vision.measurer import FrameReport, MeasurementResult
from vision.sources import read_image
from vision.types import Frame, PoseResult

STAFF_PIN = "2468"
# Girths that the bundled demo catalogue sizes without a referral (size S, long).
GOOD_MEASUREMENT = Measurement(
    LegMeasurement(207.0, 350.0, 430.0, 3.0, 3.0, 6.0),
    LegMeasurement(207.0, 350.0, 430.0, 3.0, 3.0, 6.0),
    MeasurementSource.CAMERA)




class PluggableCamera:
    """A camera the test can unplug, plug back and freeze; a ``FrameSource`` factory.

    Calling the instance opens the camera (``CameraWorker`` does, and again after each
    failure): it raises ``CameraUnavailable`` while unplugged, exactly as the real
    ``CameraSource`` does. A frozen camera delivers nothing and its ``read`` raises after
    the timeout, as the real one does.
    """

    def __init__(self, image_bgr: np.ndarray, fps: float = 100.0) -> None:
        self.image_bgr = image_bgr
        self.period_s = 1.0 / fps
        self.plugged = threading.Event()
        self.plugged.set()
        self.frozen = threading.Event()
        self.opens = 0
        self.open_failures = 0

    def __call__(self) -> _Source:
        self.opens += 1
        if not self.plugged.is_set():
            self.open_failures += 1
            raise CameraUnavailable("camera 0 cannot be opened (not connected or busy)")
        return _Source(self)


class _Source:
    def __init__(self, camera: PluggableCamera) -> None:
        self.camera = camera
        self.index = 0
        self.closed = False

    def read(self, timeout_s: float = 2.0) -> Frame:
        cam = self.camera
        if not cam.plugged.is_set():
            raise CameraUnavailable("camera 0 stopped delivering frames")
        if cam.frozen.is_set():
            time.sleep(timeout_s)
            raise CameraUnavailable(f"camera 0 delivered no frame for {timeout_s:g} s")
        time.sleep(cam.period_s)
        frame = Frame(cam.image_bgr, time.monotonic(), self.index)
        self.index += 1
        return frame

    def close(self) -> None:
        self.closed = True


class StubMeasurer:
    """Accepts each frame in which the pose model sees someone; a stance is complete
    after ``needed`` of them. ``refuse`` makes the result a refusal."""

    def __init__(self, estimator: Any, needed: int, measurement: Measurement,
                 refuse: str | None = None) -> None:
        self.estimator = estimator
        self.needed = needed
        self.measurement = measurement
        self.refuse = refuse
        self.counts = {Stance.FRONT: 0, Stance.SIDE: 0}

    def add(self, frame: Frame, expected: Stance) -> FrameReport:
        pose = self.estimator.estimate(frame)
        accepted = pose.landmarks is not None
        if accepted:
            self.counts[expected] = min(self.needed, self.counts[expected] + 1)
        return frame_report(expected, pose, accepted, self.counts[expected] / self.needed)

    def stance_complete(self, stance: Stance) -> bool:
        return self.counts[stance] >= self.needed

    def result(self) -> MeasurementResult:
        if self.refuse:
            raise MeasurementRefused(self.refuse)
        return measurement_result(self.measurement)

    def reset(self) -> None:
        self.counts = {Stance.FRONT: 0, Stance.SIDE: 0}


class SwitchablePose:
    """A pose model that sees the scene's person, or nobody once ``present`` is cleared."""

    def __init__(self, person: PoseResult) -> None:
        self.person = person
        self.present = threading.Event()
        self.present.set()
        self._fake = FakePoseEstimator(self._estimate)

    def _estimate(self, frame: Frame) -> PoseResult:
        return self.person if self.present.is_set() else PoseResult(landmarks=None, mask=None)

    def estimate(self, frame: Frame) -> PoseResult:
        return self._fake.estimate(frame)

    def close(self) -> None:
        self._fake.close()


@functools.lru_cache(maxsize=1)
def _scene_calibration(scene_dir: str) -> tuple[CameraCalibration, np.ndarray, dict]:
    import json

    scene = Path(scene_dir)
    image = read_image(scene / "front.png")
    intrinsics_only = load_calibration(scene / "calibration.json")
    pose = estimate_floor_pose(image, intrinsics_only.intrinsics, load_mat_spec())
    truth = json.loads((scene / "truth.json").read_text())
    return intrinsics_only.with_floor_pose(pose), image, truth


@dataclass
class Kiosk:
    parts: KioskParts
    window: Any
    controller: KioskController
    clock: FakeClock
    camera: PluggableCamera
    pose: SwitchablePose
    paths: KioskPaths
    root: Path

    @property
    def flow(self):
        return self.parts.flow

    @property
    def state(self) -> str:
        return self.parts.flow.state.value

    def tap(self, intent: Intent) -> None:
        """What a touch on the screen now showing sends (through the window's signals)."""
        self.window.screen_named(self.window.current_screen).intent.emit(intent)

    def answer_all_no(self) -> None:
        while self.window.current_screen == "screener":
            self.tap(AnswerQuestion(self.flow.status.question_id, False))

    def walk_to_measuring(self, purpose: str = "everyday") -> None:
        self.tap(Start())
        self.tap(ChooseLanguage("en"))
        self.tap(ChoosePurpose(Purpose(purpose)))
        self.answer_all_no()

    def close(self) -> list[str]:
        return self.controller.stop()


def start_kiosk(qtbot, root: Path, scene_dir: Path, *, kiosk_mode: bool = False,
                needed: int = 3, measurement: Measurement = GOOD_MEASUREMENT,
                camera: PluggableCamera | None = None, use_real_camera_device: str | None = None,
                config: KioskConfig | None = None, refuse: str | None = None) -> Kiosk:
    """Build and start the kiosk in ``root`` (its config and data directories)."""
    from ui.main_window import KioskWindow

    calibration, image, truth = _scene_calibration(str(scene_dir))
    paths = KioskPaths(config_dir=root / "etc-legfit", data_dir=root / "var-lib-legfit")
    if not paths.calibration_file.exists():
        save_calibration(calibration, paths.calibration_file)
    if not paths.staff_pin_state_file.exists():
        reset_pin_state(paths.staff_pin_state_file)  # as setting the PIN leaves it
    h, w = image.shape[:2]
    pose = SwitchablePose(PoseResult(landmarks_from_truth(truth, "front", (w, h)), None))
    camera = camera or PluggableCamera(image)
    clock = FakeClock()

    def measurer_factory(cal: CameraCalibration) -> StubMeasurer:
        return StubMeasurer(pose, needed, measurement, refuse)

    options = KioskOptions(mode="run", fullscreen=kiosk_mode, pace_fps=100.0,
                           camera_device=use_real_camera_device)
    parts = assemble(options, paths=paths,
                     config=config or KioskConfig(staff_pin=hash_pin(STAFF_PIN, params=FAST_SCRYPT),
                                                  fullscreen=kiosk_mode,
                                                  allow_demo_catalogue=True),
                     estimator=pose, measurer_factory=measurer_factory,
                     open_source=None if use_real_camera_device else camera,
                     voice=RecordingVoice(), clock=clock)
    window = KioskWindow(kiosk_mode=kiosk_mode)
    qtbot.addWidget(window)
    controller = KioskController(parts, window, pump_interval_ms=5,
                                 slip_dir=paths.data_dir / "slips")
    controller.start()
    return Kiosk(parts, window, controller, clock, camera, pose, paths, root)


def wait_for_state(qtbot, kiosk: Kiosk, state: FlowState | str, timeout_ms: int = 10_000):
    name = state.value if isinstance(state, FlowState) else state
    qtbot.waitUntil(lambda: kiosk.state == name, timeout=timeout_ms)
