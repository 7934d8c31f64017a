"""The MediaPipe adapter: the ONLY module of LegFit that imports mediapipe.

MediaPipe 0.10.21's legacy solutions API (the last release that bundles its models; only
``model_complexity=1`` is bundled, 0 and 2 would try to download). The model runs on a
downscaled copy of the frame: the colour conversion happens once, on the small image.
Results become LegFit's own types at once (``BodyLandmarks`` in full-resolution pixels, a
float32 full-size mask); nothing past this module sees a MediaPipe object.

Threading: a MediaPipe graph is not thread-safe and keeps tracking state between frames.
One estimator belongs to one thread (the kiosk's pose worker); give each thread its own.
"""

from __future__ import annotations

import os

import cv2
import mediapipe as mp
import numpy as np

from fitting.measurement import Leg
from vision.arrays import FloatArray, ImageBGR, PersonMask
from vision.types import BodyLandmarks, Frame, Keypoint, LegLandmarks, PoseResult

# The non-headless cv2 wheel points Qt at its own plugins on import; PySide6 must not see it.
os.environ.pop("QT_QPA_PLATFORM_PLUGIN_PATH", None)

# BlazePose landmark indices (the 33-point topology).
_NOSE = 0
_SHOULDER = {"left": 11, "right": 12}
_LEG = {
    Leg.LEFT: {"hip": 23, "knee": 25, "ankle": 27, "heel": 29, "toe": 31},
    Leg.RIGHT: {"hip": 24, "knee": 26, "ankle": 28, "heel": 30, "toe": 32},
}


def downscale_for_model(image_bgr: ImageBGR, long_side_px: int | None) -> ImageBGR:
    """RGB copy of the frame with its long side at most ``long_side_px`` (one conversion).

    Halvings by area averaging (OpenCV's fast 2x path), then one bilinear step of less
    than 2x: anti-aliased like a single area resize (bilinear alone at 6x moved the far
    ankle of a 4K side view by 40 % of the shank) at a third of its cost (1080x1920 to
    360x640: 2.0 ms instead of 6.3 ms of CPU).
    """
    # (np.asarray only names the dtype cv2's stubs leave open: uint8 in, uint8 out.)
    h, w = image_bgr.shape[:2]
    if long_side_px and max(h, w) > long_side_px:
        while max(h, w) >= 2 * long_side_px:
            w, h = w // 2, h // 2
            image_bgr = np.asarray(cv2.resize(image_bgr, (w, h), interpolation=cv2.INTER_AREA),
                                   np.uint8)
        if max(h, w) > long_side_px:
            s = long_side_px / max(h, w)
            size_wh = (max(1, round(w * s)), max(1, round(h * s)))
            image_bgr = np.asarray(cv2.resize(image_bgr, size_wh, interpolation=cv2.INTER_LINEAR),
                                   np.uint8)
    return np.asarray(cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB), np.uint8)


def landmarks_from_normalised(xyv: FloatArray, size_wh: tuple[int, int]) -> BodyLandmarks:
    """Our landmarks from a 33 x 3 array of (x, y normalised to the image; visibility).

    Normalised coordinates scale straight to the full frame because the model saw the
    whole frame, only smaller. ``in_image`` is judged in the full frame.
    """
    w, h = size_wh

    def kp(i: int) -> Keypoint:
        x_px = float(xyv[i, 0]) * w - 0.5  # normalised 0..1 spans pixel edges, not centres
        y_px = float(xyv[i, 1]) * h - 0.5
        inside = bool(-0.5 <= x_px < w - 0.5 and -0.5 <= y_px < h - 0.5)
        return Keypoint(x_px, y_px, float(np.clip(xyv[i, 2], 0.0, 1.0)), inside)

    legs = {leg: LegLandmarks(**{name: kp(i) for name, i in idx.items()})
            for leg, idx in _LEG.items()}
    return BodyLandmarks(left=legs[Leg.LEFT], right=legs[Leg.RIGHT], nose=kp(_NOSE),
                         left_shoulder=kp(_SHOULDER["left"]),
                         right_shoulder=kp(_SHOULDER["right"]))


class MediaPipePoseEstimator:
    """``PoseEstimator`` over MediaPipe Pose (complexity 1) with its segmentation mask.

    ``downscale_long_side_px``: the model's input long side (the model itself works at
    256 px; 640 keeps the detector happy on a portrait frame while costing little).
    ``static_image_mode``: True for unrelated single photos (detect every time, no
    tracking); False for video (tracks between frames, faster).
    ``full_size_mask``: upsample the mask to the frame (the ``PoseResult`` contract). The
    low-resolution mask is kept in ``last_small_mask`` for callers that only need a region.
    """

    def __init__(self, downscale_long_side_px: int | None = 640, static_image_mode: bool = False,
                 enable_segmentation: bool = True, smooth_landmarks: bool = True,
                 min_detection_confidence: float = 0.5, min_tracking_confidence: float = 0.5,
                 full_size_mask: bool = True):
        self.downscale_long_side_px = downscale_long_side_px
        self.full_size_mask = full_size_mask
        self._segmentation = enable_segmentation
        self._pose = mp.solutions.pose.Pose(
            static_image_mode=static_image_mode, model_complexity=1,
            smooth_landmarks=smooth_landmarks, enable_segmentation=enable_segmentation,
            smooth_segmentation=enable_segmentation and not static_image_mode,
            min_detection_confidence=min_detection_confidence,
            min_tracking_confidence=min_tracking_confidence)
        self.last_small_mask: PersonMask | None = None

    def estimate(self, frame: Frame) -> PoseResult:
        image = frame.image_bgr
        h, w = image.shape[:2]
        small_rgb = downscale_for_model(image, self.downscale_long_side_px)
        small_rgb.flags.writeable = False  # lets MediaPipe use the buffer without a copy
        results = self._pose.process(small_rgb)
        self.last_small_mask = None
        if results.pose_landmarks is None:
            return PoseResult(landmarks=None, mask=None)
        xyv = np.array([(lm.x, lm.y, lm.visibility)
                        for lm in results.pose_landmarks.landmark], dtype=np.float64)
        landmarks = landmarks_from_normalised(xyv, (w, h))
        mask = None
        if self._segmentation and results.segmentation_mask is not None:
            small = np.asarray(results.segmentation_mask, dtype=np.float32)
            self.last_small_mask = small
            if self.full_size_mask:
                mask = small if small.shape == (h, w) else np.asarray(cv2.resize(
                    small, (w, h), interpolation=cv2.INTER_LINEAR), np.float32)
        return PoseResult(landmarks=landmarks, mask=mask)

    def run_model_only(self, image_rgb: ImageBGR) -> bool:
        """The bare model call on an RGB image, nothing converted (for benchmarks: what
        the adapter adds is measured against this). True when a person was found."""
        return self._pose.process(image_rgb).pose_landmarks is not None

    def close(self) -> None:
        self._pose.close()

    def __enter__(self) -> MediaPipePoseEstimator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class MediaPipeSelfieSegmenter:
    """``Segmenter`` over MediaPipe Selfie Segmentation: every person in view, not just one.

    The pose mask covers only the person the pose model tracks; this one shows bystanders
    too, which is how a second person on or near the mat is found. ``model_selection`` 0
    is the general model (256x256 input), 1 the landscape one (144x256, a little faster);
    on people pasted beside the measured one in the synthetic scenes the general model
    found 23 of 24 (smallest second-silhouette share 0.33 but one), the landscape one
    missed 3 (pale figures against a pale wall).
    One segmenter belongs to one thread, like the pose estimator.
    """

    def __init__(self, downscale_long_side_px: int | None = 256, model_selection: int = 0):
        self.downscale_long_side_px = downscale_long_side_px
        self._seg = mp.solutions.selfie_segmentation.SelfieSegmentation(
            model_selection=model_selection)

    def segment(self, frame: Frame) -> PersonMask:
        image = frame.image_bgr
        h, w = image.shape[:2]
        small_rgb = downscale_for_model(image, self.downscale_long_side_px)
        small_rgb.flags.writeable = False
        results = self._seg.process(small_rgb)
        small = np.asarray(results.segmentation_mask, dtype=np.float32)
        if small.shape == (h, w):
            return small
        return np.asarray(cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR), np.float32)

    def segment_small(self, frame: Frame) -> PersonMask:
        """The mask at the model's input size (cheap; for counting people, not edges)."""
        small_rgb = downscale_for_model(frame.image_bgr, self.downscale_long_side_px)
        small_rgb.flags.writeable = False
        return np.asarray(self._seg.process(small_rgb).segmentation_mask, dtype=np.float32)

    def close(self) -> None:
        self._seg.close()
