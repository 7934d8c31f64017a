"""The uncalibrated fallback: millimetres from the shopper's stated standing height.

When the mat is not found (covered, moved out of view) or the camera has no intrinsics,
there is no floor pose and no ray geometry. What is left is the person: standing upright
at roughly one distance from the camera, their silhouette's height in pixels is their
standing height in millimetres, and that one ratio scales the legs' widths and heights.

The silhouette's bottom is no good as the floor: the toes stand 250-300 mm nearer the
camera than the heels and, seen from above, reach ~8 % of the body's pixel height lower.
The ankles stand in the body's plane, so the scale is read from the top of the head to
the ankle landmarks, and the ankle's height is the population's: the lateral malleolus
stands at 0.0405 +/- 0.0032 of stature (ANSUR II, 6,068 adults, ``lateralmalleolusheight``
/ ``stature``). Side-on, the staggered footprints of the mat put the near leg 90 mm
nearer the camera than the body and the far leg 90 mm farther (MAT.md); at the reference
set-up's 2200 mm that is +/-4 % of scale, corrected with that nominal distance.

What that ignores, and why the result is flagged lower confidence with a wide sd:
- perspective: the lower legs stand ~0-150 mm nearer the camera than the body's mean
  plane (1-7 % larger at 2.2 m) and a tilted camera scales the head and the feet
  differently (~1-2 %);
- the silhouette's top is hair, not the vertex, and its bottom the sole (~0.5-1 %);
- the stated height itself (people state theirs to ~1-2 %).
Together ~4 % (1 sd) of every length: ~9 mm of a 230 mm ankle, ~15 mm of a calf.
"""

from __future__ import annotations

from typing import overload

import numpy as np

from fitting.measurement import Leg
from fitting.stance import Stance
from vision.arrays import FloatArray, ImageBGR, PersonMask
from vision.edges import find_leg_edges
from vision.geometry import LegAxis
from vision.profile import MAX_HALF_WIDTH_SHARE, LegViewProfile, _binned_median
from vision.types import LegLandmarks

# 1-sigma relative error of the height-derived scale (see the module's docstring).
HEIGHT_SCALE_SD_REL = 0.04
# Lateral malleolus height as a share of stature (ANSUR II mean; sd 0.0032).
MALLEOLUS_SHARE_OF_STATURE = 0.0405
# The reference set-up's camera distance (MAT.md), for the side stance's depth stagger.
NOMINAL_CAMERA_DISTANCE_MM = 2200.0
# Standing heights the fallback accepts (mm); outside them the statement is a typo.
MIN_STATED_HEIGHT_MM = 1000.0
MAX_STATED_HEIGHT_MM = 2300.0


def silhouette_extent_px(mask: PersonMask) -> tuple[float, float] | None:
    """Top and bottom image rows of the person's silhouette (mask >= 0.5), or None.

    None too when the silhouette touches the top or bottom of the image: then the
    person's height is not all in view and cannot give a scale.
    """
    rows = np.flatnonzero((np.asarray(mask) >= 0.5).any(axis=1))
    if len(rows) == 0:
        return None
    top, bottom = int(rows[0]), int(rows[-1])
    if top <= 0 or bottom >= mask.shape[0] - 1:
        return None
    return float(top), float(bottom)


def height_scale_mm_per_px(mask: PersonMask, stated_height_mm: float, ankle_y_px: float
                           ) -> tuple[float, float] | None:
    """(mm per pixel, the ankles' height in mm) from the head's top to the ankles.

    ``ankle_y_px``: the ankle landmarks' mean image row. None when the whole person is
    not in view or the span is implausibly short.
    """
    extent = silhouette_extent_px(mask)
    if extent is None:
        return None
    top, _ = extent
    span_px = ankle_y_px - top
    if span_px < 50:
        return None
    ankle_mm = MALLEOLUS_SHARE_OF_STATURE * stated_height_mm
    mm_per_px = (stated_height_mm - ankle_mm) / span_px
    return mm_per_px, ankle_mm


def side_depth_factor(leg: Leg, stance: Stance, mat_y_mm: dict[Leg, float] | None = None
                      ) -> float:
    """Scale factor for a leg standing off the body's plane (side stance's stagger)."""
    if stance is not Stance.SIDE:
        return 1.0
    offset = (mat_y_mm or {Leg.RIGHT: -90.0, Leg.LEFT: 90.0})[leg]
    return (NOMINAL_CAMERA_DISTANCE_MM + offset) / NOMINAL_CAMERA_DISTANCE_MM


def height_scaled_profile(image_bgr: ImageBGR, mask: PersonMask, landmarks: LegLandmarks,
                          leg: Leg, stance: Stance, mm_per_px: float, ankle_height_mm: float,
                          row_step: int = 1) -> LegViewProfile:
    """One leg in one frame, scaled by the stated height (no calibration needed).

    Widths are taken across the image rows and turned perpendicular to the shank by the
    shank's tilt in the image (the side stance's stride tilts it 5-15 degrees); heights
    are along the shank from the leg's own ankle landmark, put at ``ankle_height_mm``.
    The profile's ``scale_sd_rel`` carries the scale's uncertainty into the aggregate.
    """
    knee = landmarks.knee.xy_px
    ankle = landmarks.ankle.xy_px
    shank_px = float(np.linalg.norm(knee - ankle))
    along = (ankle - knee) / max(shank_px, 1e-6)
    cos_tilt = abs(float(along[1]))
    mm_per_px = mm_per_px * side_depth_factor(leg, stance)
    top = knee - along * 0.1 * shank_px
    bottom = ankle + along * 0.04 * shank_px
    edges = find_leg_edges(image_bgr, mask, top, bottom, MAX_HALF_WIDTH_SHARE * shank_px,
                           row_step=row_step)
    ok = edges.valid

    @overload
    def height(y_px: float) -> float: ...
    @overload
    def height(y_px: FloatArray) -> FloatArray: ...
    def height(y_px: float | FloatArray) -> float | FloatArray:
        heights: float | FloatArray = (ankle_height_mm
                                       + (ankle[1] - y_px) * mm_per_px / max(cos_tilt, 0.5))
        return heights

    t_mm = height(edges.y_px[ok])
    width_mm = edges.width_px[ok] * mm_per_px * cos_tilt
    width, samples = _binned_median(t_mm, width_mm)
    width[~(width > 0)] = np.nan
    ankle_t = height(ankle[1])
    knee_t = height(knee[1])
    # A stand-in axis: vertical through the origin; only its depth sd is read downstream.
    axis = LegAxis(np.zeros(3), np.array([0.0, 0.0, 1.0]))
    return LegViewProfile(stance, leg, width, samples, axis, edges, 1.0 / mm_per_px,
                          float(ankle_t), float(knee_t), scale_sd_rel=HEIGHT_SCALE_SD_REL)

