"""Test doubles for the vision protocols: no camera, no model, exact and repeatable.

- ``FakePoseEstimator``: scripted ``PoseResult``s (a list, cycled, or a function of the
  frame). ``landmarks_from_truth`` builds landmarks from a synthetic scene's truth.json,
  so a pipeline can be tested against the exact geometry without MediaPipe's error.
- ``FakeSegmenter``: a scripted mask.
- ``ScriptedFrameSource``: frames from a list, then end, fail (``CameraUnavailable``
  after N frames, as an unplugged camera) or freeze (nothing new: ``read`` waits its
  timeout and raises, exactly as ``CameraSource`` does).
- ``FakeCapture``: stands in for ``cv2.VideoCapture`` inside ``CameraSource``.
- ``SyntheticScene`` and scene edits (``hide_ankle``, ``cover_lower_legs``,
  ``two_people``): the refusal cases, made from scenes whose truth is exact.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from calibration.calibration_file import load_calibration
from calibration.camera import CameraCalibration
from calibration.floor import estimate_floor_pose
from calibration.mat import MatSpec
from fitting.errors import InputInvalid
from fitting.json_input import read_json_file
from fitting.measurement import Leg
from vision.arrays import ImageBGR, ImageU8, PersonMask, PointsPx
from vision.errors import CameraUnavailable
from vision.types import BodyLandmarks, Frame, Keypoint, LegLandmarks, PoseResult

# A synthetic scene's truth.json as parsed: its values are whatever the file holds.
Truth = Mapping[str, Any]


def _kp(xy: PointsPx | Sequence[float], size_wh: tuple[int, int], visibility: float = 0.99
        ) -> Keypoint:
    x, y = float(xy[0]), float(xy[1])
    w, h = size_wh
    return Keypoint(x, y, visibility, bool(-0.5 <= x < w - 0.5 and -0.5 <= y < h - 0.5))


def truth_knee_px(leg_truth: Truth) -> PointsPx:
    """The knee point of one leg in truth.json (scenes name it ``knee_px`` or
    ``knee_joint_px``)."""
    return np.asarray(leg_truth.get("knee_px", leg_truth.get("knee_joint_px")), float)


def landmarks_from_truth(truth: Truth, stance: str, size_wh: tuple[int, int]) -> BodyLandmarks:
    """Landmarks of a synthetic scene (truth.json's ``landmarks_px[stance]``).

    Knee, ankle, heel and toe are the truth. The truth has no hip or upper body: the hip
    is put one shank length above the knee, along the shank, and shoulders and nose above
    the hips; good enough for stance and framing checks, not for measuring.
    """
    px = truth["landmarks_px"][stance]
    legs = {}
    for leg in Leg:
        t = px[leg.value]
        knee = truth_knee_px(t)
        ankle = np.asarray(t["ankle_joint_px"], float)
        hip = knee + (knee - ankle) * 1.05
        legs[leg] = LegLandmarks(hip=_kp(hip, size_wh), knee=_kp(knee, size_wh),
                                  ankle=_kp(ankle, size_wh),
                                  heel=_kp(t["heel_centre_px"], size_wh),
                                  toe=_kp(t["toe_tip_px"], size_wh))
    hip_l, hip_r = legs[Leg.LEFT].hip.xy_px, legs[Leg.RIGHT].hip.xy_px
    shank = float(np.linalg.norm(truth_knee_px(px[Leg.LEFT.value])
                                 - np.asarray(px[Leg.LEFT.value]["ankle_joint_px"], float)))
    up = np.array([0.0, -1.35 * shank])
    mid = (hip_l + hip_r) / 2
    spread = (hip_l - hip_r) * 1.4  # shoulders are wider than hips
    return BodyLandmarks(
        left=legs[Leg.LEFT], right=legs[Leg.RIGHT],
        nose=_kp(mid + up * 1.45, size_wh),
        left_shoulder=_kp(mid + up + spread / 2, size_wh),
        right_shoulder=_kp(mid + up - spread / 2, size_wh))


class FakePoseEstimator:
    """A ``PoseEstimator`` that returns what it is told.

    ``script`` is a sequence of results (cycled when ``cycle``, else the last repeats) or a
    function of the frame. ``calls`` counts estimates; ``closed`` tells whether closed.
    """

    def __init__(self, script: Sequence[PoseResult] | Callable[[Frame], PoseResult],
                 cycle: bool = True, delay_s: float = 0.0):
        self._script = script
        self._cycle = cycle
        self._delay_s = delay_s
        self.calls = 0
        self.closed = False

    def estimate(self, frame: Frame) -> PoseResult:
        if self._delay_s:
            time.sleep(self._delay_s)
        i = self.calls
        self.calls += 1
        if callable(self._script):
            return self._script(frame)
        if not self._script:
            return PoseResult(landmarks=None, mask=None)
        idx = i % len(self._script) if self._cycle else min(i, len(self._script) - 1)
        return self._script[idx]

    def close(self) -> None:
        self.closed = True


class FakeSegmenter:
    """A ``Segmenter`` returning a fixed mask (or a function of the frame)."""

    def __init__(self, mask: PersonMask | Callable[[Frame], PersonMask]):
        self._mask = mask
        self.closed = False

    def segment(self, frame: Frame) -> PersonMask:
        return self._mask(frame) if callable(self._mask) else self._mask

    def segment_small(self, frame: Frame) -> PersonMask:
        """No smaller mask here: the full-size one."""
        return self.segment(frame)

    def close(self) -> None:
        self.closed = True


class ScriptedFrameSource:
    """A ``FrameSource`` over a list of BGR images with a scripted ending.

    ``then``: "end" (read returns None), "loop", "fail" (``CameraUnavailable``, like an
    unplugged camera) or "freeze" (no new frame: read waits ``timeout_s``, then raises
    ``CameraUnavailable`` as the real camera source does). ``fail_after`` ends early.
    Timestamps are media time at ``fps``.
    """

    def __init__(self, images_bgr: Sequence[ImageBGR], then: str = "end",
                 fail_after: int | None = None, fps: float = 15.0):
        if then not in ("end", "loop", "fail", "freeze"):
            raise ValueError(f"unknown ending {then!r}")
        self._images = list(images_bgr)
        self._then = then
        self._limit = len(self._images) if fail_after is None else fail_after
        self._fps = fps
        self._index = 0
        self.closed = False

    def read(self, timeout_s: float = 2.0) -> Frame | None:
        if self.closed:
            raise CameraUnavailable("camera fake is closed")
        if self._index >= self._limit:
            if self._then == "end":
                return None
            if self._then == "fail":
                raise CameraUnavailable("camera fake stopped delivering frames")
            if self._then == "freeze":
                time.sleep(timeout_s)
                raise CameraUnavailable(f"camera fake delivered no frame for {timeout_s:g} s")
        image = self._images[self._index % len(self._images)]
        frame = Frame(image, self._index / self._fps, self._index)
        self._index += 1
        return frame

    def close(self) -> None:
        self.closed = True


class FakeCapture:
    """Stands in for ``cv2.VideoCapture`` in ``CameraSource(capture_factory=...)``.

    Delivers ``images`` at ``fps`` (cycled), then behaves as ``after`` says: "fail" (read
    returns False: an unplugged camera) or "hang" (read blocks until released: a frozen
    driver, for at most ``hang_s``). ``opened=False`` is a camera that cannot be opened.
    ``pixel_formats``: the four-character codes it offers; the first is its default, and
    asking for another leaves the format as it was (as V4L2 drivers do).
    """

    def __init__(self, images_bgr: Sequence[ImageBGR], fps: float = 30.0,
                 frames: int | None = None, after: str = "fail", opened: bool = True,
                 hang_s: float = 3.0, pixel_formats: Sequence[str] = ("YUYV", "MJPG")):
        self._images = list(images_bgr)
        self._period_s = 1.0 / fps
        self._frames = frames
        self._after = after
        self._opened = opened
        self._hang_s = hang_s
        self._released = threading.Event()
        self.delivered = 0
        self.props: dict[int, float] = {}
        self._formats = [float(cv2.VideoWriter.fourcc(*f)) for f in pixel_formats]
        self.fourcc = self._formats[0] if self._formats else 0.0

    def isOpened(self) -> bool:
        return self._opened and not self._released.is_set()

    def read(self) -> tuple[bool, ImageBGR | None]:
        if self._released.is_set():
            return False, None
        if self._frames is not None and self.delivered >= self._frames:
            if self._after == "hang":
                self._released.wait(self._hang_s)
            return False, None
        time.sleep(self._period_s)
        image = self._images[self.delivered % len(self._images)]
        self.delivered += 1
        return True, image

    def set(self, prop_id: int, value: float) -> bool:
        if prop_id == cv2.CAP_PROP_FOURCC:
            if value not in self._formats:
                return False
            self.fourcc = value
            return True
        self.props[prop_id] = value
        return True

    def get(self, prop_id: int) -> float:
        if prop_id == cv2.CAP_PROP_FOURCC:
            return self.fourcc
        return self.props.get(prop_id, 0.0)

    def release(self) -> None:
        self._released.set()


# ---- edits of synthetic scenes: the refusal cases, made from scenes with known truth -------

def hide_ankle(image_bgr: ImageBGR, truth_leg: Truth,
               colour_bgr: tuple[int, int, int] = (90, 90, 90)) -> ImageBGR:
    """A copy with a flat box (a bag, a box on the floor) over one leg's ankle."""
    out = image_bgr.copy()
    ankle = np.asarray(truth_leg["ankle_joint_px"], float)
    half = int(np.linalg.norm(truth_knee_px(truth_leg) - ankle) * 0.22)
    x, y = int(ankle[0]), int(ankle[1])
    out[max(0, y - half):y + half + 1, max(0, x - half):x + half + 1] = colour_bgr
    return out


def cover_lower_legs(image_bgr: ImageBGR, mask_u8: ImageU8, truth_stance: Truth,
                     cloth_bgr: tuple[int, int, int] = (70, 45, 30)) -> ImageBGR:
    """A copy whose lower legs wear trousers: the person's pixels from above the knees down
    to the ankles take the cloth's colour, keeping the rendered shading (folds and form
    stay, so a pose model still sees legs). ``mask_u8`` is the scene's person mask."""
    out = image_bgr.copy()
    top = min(truth_knee_px(truth_stance[g.value])[1] for g in Leg)
    bottom = max(float(truth_stance[g.value]["ankle_joint_px"][1]) for g in Leg)
    shank = bottom - top
    y0, y1 = int(top - 0.3 * shank), int(bottom + 0.05 * shank)
    band = out[y0:y1]
    person = mask_u8[y0:y1] > 127
    grey = cv2.cvtColor(band, cv2.COLOR_BGR2GRAY).astype(np.float32)
    shade = grey / max(float(np.median(grey[person])), 1.0)
    cloth = np.clip(shade[..., None] * np.asarray(cloth_bgr, np.float32), 0, 255)
    band[person] = cloth[person].astype(np.uint8)
    return out


def two_people(image_a_bgr: ImageBGR, image_b_bgr: ImageBGR, mask_b_u8: ImageU8,
               shift_x_px: int) -> ImageBGR:
    """Scene A with the person of scene B pasted beside them, ``shift_x_px`` to the right."""
    out = image_a_bgr.copy()
    w = out.shape[1]
    src = slice(0, w - shift_x_px) if shift_x_px >= 0 else slice(-shift_x_px, w)
    dst = slice(shift_x_px, w) if shift_x_px >= 0 else slice(0, w + shift_x_px)
    person = mask_b_u8[:, src] > 127
    region = out[:, dst]
    region[person] = image_b_bgr[:, src][person]
    return out


@dataclass(frozen=True, eq=False)
class SyntheticScene:
    """One scene of the synthetic development set: images, masks, truth, calibration.

    ``calibration`` holds the intrinsics only; ``with_floor_pose`` adds the pose the mat
    gives in the front image (what the kiosk does at set-up).
    """

    name: str
    images_bgr: dict[str, ImageBGR]
    masks_u8: dict[str, ImageU8]
    truth: dict[str, Any]
    calibration: CameraCalibration

    @classmethod
    def load(cls, scene_dir: Path) -> SyntheticScene:
        scene_dir = Path(scene_dir)
        # (np.asarray names the dtype cv2's stubs leave open: 8-bit PNGs, no copy.)
        images = {v: np.asarray(cv2.imread(str(scene_dir / f"{v}.png"), cv2.IMREAD_COLOR),
                                np.uint8) for v in ("front", "side")}
        masks = {v: np.asarray(cv2.imread(str(scene_dir / f"{v}_mask.png"),
                                          cv2.IMREAD_GRAYSCALE), np.uint8)
                 for v in ("front", "side")}
        truth = read_json_file(scene_dir / "truth.json", "scene truth")
        if not isinstance(truth, dict):
            raise InputInvalid(f"scene truth {scene_dir / 'truth.json'} is not a JSON object")
        return cls(scene_dir.name, images, masks, truth,
                   load_calibration(scene_dir / "calibration.json"))

    def with_floor_pose(self, mat: MatSpec) -> CameraCalibration:
        pose = estimate_floor_pose(self.images_bgr["front"], self.calibration.intrinsics, mat)
        return self.calibration.with_floor_pose(pose)

    def size_wh(self) -> tuple[int, int]:
        h, w = self.images_bgr["front"].shape[:2]
        return w, h

    def truth_landmarks(self, view: str) -> BodyLandmarks:
        return landmarks_from_truth(self.truth, view, self.size_wh())
