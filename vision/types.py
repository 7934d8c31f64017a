"""LegFit's own vision types. Nothing past the adapters sees a vendor object.

Pixel coordinates follow OpenCV: x right, y down, pixel centres at integers, always in the
full-resolution frame (not the downscaled frame a model may run on).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fitting.measurement import Leg
from vision.arrays import ImageBGR, PersonMask, PointsPx


@dataclass(frozen=True, eq=False)
class Frame:
    """One camera frame. ``image_bgr`` is H x W x 3 uint8; ``timestamp_s`` is monotonic."""

    image_bgr: ImageBGR
    timestamp_s: float
    index: int

    @property
    def size_wh(self) -> tuple[int, int]:
        return int(self.image_bgr.shape[1]), int(self.image_bgr.shape[0])


@dataclass(frozen=True)
class Keypoint:
    """A landmark in full-resolution pixels, with the model's visibility (0..1)."""

    x_px: float
    y_px: float
    visibility: float
    in_image: bool

    @property
    def xy_px(self) -> PointsPx:
        return np.array([self.x_px, self.y_px])

    def usable(self, min_visibility: float = 0.5) -> bool:
        return self.in_image and self.visibility >= min_visibility


@dataclass(frozen=True)
class LegLandmarks:
    """One leg's landmarks. ``left``/``right`` are the person's own sides."""

    hip: Keypoint
    knee: Keypoint
    ankle: Keypoint
    heel: Keypoint
    toe: Keypoint

    def all(self) -> tuple[Keypoint, ...]:
        return (self.hip, self.knee, self.ankle, self.heel, self.toe)


@dataclass(frozen=True)
class BodyLandmarks:
    """Landmarks of the one person the pose model found."""

    left: LegLandmarks
    right: LegLandmarks
    nose: Keypoint
    left_shoulder: Keypoint
    right_shoulder: Keypoint

    def leg(self, leg: Leg) -> LegLandmarks:
        return self.left if leg == Leg.LEFT else self.right


@dataclass(frozen=True, eq=False)
class PoseResult:
    """What a pose estimator returns for a frame: landmarks (or None) and a person mask.

    ``mask`` is float32 H x W in 0..1 at full frame size, or None when not computed.
    """

    landmarks: BodyLandmarks | None
    mask: PersonMask | None
