"""The shopper's standing height from the side view, and the knee height it predicts.

Why: the pose model's knee keypoint places the knee point to an sd of ~21 mm along the
shank, and that error is the whole of the knee-high length's (with the true knee point
the lengths come out within 1.3 mm on average). Knee height follows stature closely:
ANSUR II's mid-patella height is 0.327 x stature - 84.7 mm with a residual sd of 15.1 mm
over 6,068 adults (the tests recompute these from the survey). The camera reads the
stature well: seen side-on, the top of the head stands in the body's own plane, the one
the legs' axes give, so the mask's top row back-projected onto that plane reads the
height to an sd of ~5 mm (bias under 1 mm on the generated scenes). Front-on the crown
stands behind the legs' plane and reads ~30 mm high: the side view only.

The keypoint and the stature's prediction err nearly independently (their errors
correlate 0.15-0.29), so their inverse-variance mean places the knee to ~12.4 mm: with
it (and one length for two legs read alike) the knee-high lengths' MAE fell from 12.7 to
9.4 mm on seeds 930000-930149, the worst from 73 to 44 mm (the offset below was fitted on
seeds 900000-900049 only).

A head top that is not the head (a hat, a bun, a raised hand) would make a shopper taller
than they are. The nose keypoint checks it: the head's top stands 107-165 mm above the
nose in the generated scenes (mean 137); a reading outside ``HEAD_TOP_ABOVE_NOSE_MM`` is
no head's top and no stature is read, nor one from a head cut off by the image's top edge.
Then the keypoint alone places the knee, as before.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from calibration.camera import CameraCalibration
from vision.arrays import PersonMask, PointsMm
from vision.geometry import LegAxis, pixels_per_mm, point_on_vertical_plane
from vision.types import Keypoint

# ANSUR II (Gordon et al. 2014; 4,082 men and 1,986 women pooled): mid-patella knee height
# on stature, least squares, and the residual's sd (mm).
KNEE_PER_STATURE = 0.3268
KNEE_AT_ZERO_STATURE_MM = -84.7
KNEE_FROM_STATURE_SD_MM = 15.1
# The knee point the camera reports (the pose model's knee keypoint raised by
# ``KNEE_POINT_ABOVE_LANDMARK_MM``) stands this far above ANSUR II's mid-patella line for
# the stature. Fitted on the 100 legs of seeds 900000-900049 only (16.8 mm: the generated
# bodies' knee point, an annotator's knee, sits above the survey's tape-marked patella
# centre for their stature); confirm it on real shoppers with tape lengths.
KNEE_POINT_ABOVE_ANSUR_MM = 16.8
# The stature read from the side view's mask top: 1-sigma (the generated scenes: 4.7-5.0).
STATURE_SD_MM = 5.0
# Where the top of the head may stand above the nose keypoint (mm). The generated heads:
# 107-165 (mean 137, sd 11); wider for real heads and hair, narrower than a hat or a hand.
HEAD_TOP_ABOVE_NOSE_MM = (80.0, 200.0)
# Half-width of the band around the nose in which the mask's top is looked for (mm at the
# body's plane): a head, not a raised hand beside it.
HEAD_BAND_HALF_WIDTH_MM = 160.0
MASK_THRESHOLD = 0.5


@dataclass(frozen=True)
class StatureReading:
    """One side-view frame's reading of the standing height, or why there is none."""

    stature_mm: float | None
    reason: str = ""


@dataclass(frozen=True)
class KneeEstimate:
    """Where the knee point stands on the leg's axis (mm above the floor) and its 1-sigma."""

    height_mm: float
    sd_mm: float


def body_plane(calibration: CameraCalibration, axes: list[LegAxis]) -> tuple[PointsMm, PointsMm]:
    """The vertical plane through the legs' floor points, facing the camera (point, normal)."""
    floor = np.mean([a.floor_point_mm for a in axes], axis=0)
    normal = calibration.require_floor_pose().camera_position_mm - floor
    normal[2] = 0.0
    return floor, normal / np.linalg.norm(normal)


def side_view_stature(calibration: CameraCalibration, mask: PersonMask, nose: Keypoint,
                      axes: list[LegAxis]) -> StatureReading:
    """The standing height from one side-view frame: its mask's top above the nose,
    back-projected onto the body's plane (``body_plane``), checked against the nose."""
    if not axes:
        return StatureReading(None, "no leg axis")
    if not nose.usable():
        return StatureReading(None, "nose not seen")
    point, normal = body_plane(calibration, axes)
    nose_mm = point_on_vertical_plane(calibration, nose.xy_px, point, normal)
    band_px = HEAD_BAND_HALF_WIDTH_MM * pixels_per_mm(calibration, nose_mm)
    h, w = mask.shape
    lo = max(0, math.floor(nose.x_px - band_px))
    hi = min(w, math.ceil(nose.x_px + band_px) + 1)
    top_rows = int(min(max(nose.y_px, 0.0), h))
    band = mask[:top_rows, lo:hi] > MASK_THRESHOLD
    rows = np.flatnonzero(band.any(axis=1))
    if len(rows) == 0 or lo >= hi:
        return StatureReading(None, "no head above the nose")
    top = int(rows[0])
    if top == 0:
        return StatureReading(None, "head cut off by the image's top edge")
    x_px = lo + float(np.flatnonzero(band[top]).mean())
    top_mm = point_on_vertical_plane(calibration, np.array([x_px, float(top)]), point, normal)
    above_nose = float(top_mm[2] - nose_mm[2])
    low, high = HEAD_TOP_ABOVE_NOSE_MM
    if not low <= above_nose <= high:
        return StatureReading(None, f"head top {above_nose:.0f} mm above the nose (a head "
                                    f"stands {low:.0f}-{high:.0f}): a hat, hair or a hand")
    return StatureReading(float(top_mm[2]))


def stature_of(readings: list[StatureReading]) -> float | None:
    """The median stature over frames that read one (None: none did)."""
    values = [r.stature_mm for r in readings if r.stature_mm is not None]
    return float(np.median(values)) if values else None


def knee_from_stature(stature_mm: float) -> KneeEstimate:
    """The knee point's height the stature predicts (ANSUR II), with its sd."""
    height = (KNEE_PER_STATURE * stature_mm + KNEE_AT_ZERO_STATURE_MM
              + KNEE_POINT_ABOVE_ANSUR_MM)
    sd = math.hypot(KNEE_FROM_STATURE_SD_MM, KNEE_PER_STATURE * STATURE_SD_MM)
    return KneeEstimate(height, sd)


def combined_knee(keypoint: KneeEstimate, prior: KneeEstimate | None) -> KneeEstimate:
    """The keypoint's knee and the stature's, weighted by their inverse variances."""
    if prior is None:
        return keypoint
    wk, wp = 1.0 / keypoint.sd_mm ** 2, 1.0 / prior.sd_mm ** 2
    height = (wk * keypoint.height_mm + wp * prior.height_mm) / (wk + wp)
    return KneeEstimate(height, 1.0 / math.sqrt(wk + wp))
