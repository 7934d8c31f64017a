"""Test doubles for the kiosk's vision side: a measurer that completes on cue, frames."""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from fitting.measurement import Measurement
from fitting.stance import Stance
from tests.kiosk.flow_helpers import camera_measurement
from vision.errors import MeasurementRefused
from vision.measurer import FrameReport, MeasurementResult
from vision.overlay import FrameOverlay
from vision.stance import Guidance
from vision.types import Frame, PoseResult


def blank_frames(n: int = 4, size_wh: tuple[int, int] = (64, 96)) -> list[np.ndarray]:
    """Small distinct BGR frames (the value of pixel (0, 0) is the frame's number)."""
    out = []
    for i in range(n):
        img = np.zeros((size_wh[1], size_wh[0], 3), np.uint8)
        img[0, 0] = i
        out.append(img)
    return out


def frame_report(expected: Stance, pose: PoseResult, accepted: bool,
                 progress: float) -> FrameReport:
    """What the measurer reports on one frame: "ok" on an accepted one."""
    guidance = Guidance(expected if accepted else Stance.NONE,
                        "ok" if accepted else "no_person", accepted)
    return FrameReport(guidance=guidance, pose=pose, accepted=accepted, progress=progress,
                       overlay=FrameOverlay())


def measurement_result(measurement: Measurement) -> MeasurementResult:
    """A measurement with nothing behind it (no profiles, no diagnostics)."""
    return MeasurementResult(measurement=measurement, diagnostics={}, profiles={},
                             girths={}, confidence="high")


class FakeMeasurer:
    """Accepts every frame of the expected stance; a stance is complete after ``needed``.

    ``refuse`` makes ``result()`` raise ``MeasurementRefused`` with that message. Calls
    are checked to come from one thread only (the measurer is not thread-safe).
    """

    def __init__(self, estimator: Any, needed: int = 5, refuse: str | None = None,
                 measurement: Any = None) -> None:
        self._estimator = estimator
        self.needed = needed
        self.refuse = refuse
        self.measurement = measurement or camera_measurement()
        self.counts = {Stance.FRONT: 0, Stance.SIDE: 0}
        self.resets = 0
        self.results = 0
        self.threads: set[int] = set()

    def _note_thread(self) -> None:
        self.threads.add(threading.get_ident())

    def add(self, frame: Frame, expected: Stance) -> FrameReport:
        self._note_thread()
        pose = self._estimator.estimate(frame)
        accepted = pose.landmarks is not None
        if accepted:
            self.counts[expected] = min(self.needed, self.counts[expected] + 1)
        return frame_report(expected, pose, accepted, self.counts[expected] / self.needed)

    def stance_complete(self, stance: Stance) -> bool:
        self._note_thread()
        return self.counts.get(stance, 0) >= self.needed

    def result(self) -> MeasurementResult:
        self._note_thread()
        self.results += 1
        if self.refuse:
            raise MeasurementRefused(self.refuse)
        return measurement_result(self.measurement)

    def reset(self) -> None:
        self._note_thread()
        self.resets += 1
        self.counts = {Stance.FRONT: 0, Stance.SIDE: 0}


def person_pose() -> PoseResult:
    """A pose with every landmark present (where exactly does not matter here)."""
    from vision.types import BodyLandmarks, Keypoint, LegLandmarks

    def kp(x: float, y: float) -> Keypoint:
        return Keypoint(x, y, 0.99, True)

    def leg(x: float) -> LegLandmarks:
        return LegLandmarks(hip=kp(x, 40), knee=kp(x, 60), ankle=kp(x, 80), heel=kp(x, 85),
                            toe=kp(x + 3, 88))

    return PoseResult(BodyLandmarks(left=leg(40), right=leg(24), nose=kp(32, 5),
                                    left_shoulder=kp(40, 20), right_shoulder=kp(24, 20)),
                      mask=None)


NOBODY = PoseResult(landmarks=None, mask=None)
