"""Geometry on analytic scenes: cylinders of known size rendered through an exact camera.

Given: circular and elliptic cylinders standing on the mat (front and side footprints),
rendered with lens distortion, blur and noise, and a coarse model-like mask.
When: the edges are refined and each edge ray is matched to the leg axis.
Then: the width across the line of sight is the true diameter within a fraction of a
millimetre, and the girth from two views is within 1 mm of the true perimeter.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from calibration.mat import load_mat_spec
from fitting.measurement import Leg
from fitting.stance import Stance
from tests.vision.render_cylinders import Cylinder, coarse_mask, reference_camera, render
from vision.edges import find_leg_edges
from vision.geometry import (
    ANKLE_SECTION_MEDIAL_OF_FOOT_AXIS_MM,
    KNEE_SECTION_LATERAL_OF_FOOT_AXIS_MM,
    SIDE_SILHOUETTE_BEHIND_BONES_MM,
    LegAxis,
    axis_through,
    rays_to_axis,
)
from vision.girth import ellipse_perimeter_mm
from vision.profile import (
    HEIGHTS_MM,
    MAX_HALF_WIDTH_SHARE,
    SIDE_BACK_HALF_WIDTH_SHARE,
    leg_view_profile,
    side_search_band,
)
from vision.types import Keypoint, LegLandmarks

MAT = load_mat_spec()
HEIGHTS = (HEIGHTS_MM > 110) & (HEIGHTS_MM < 520)


def _measure_width(calibration, cyl: Cylinder, seed: int = 1) -> np.ndarray:
    """Per-height width (mm) of one rendered cylinder, measured against its true axis."""
    image, coverage = render(calibration, [cyl], seed=seed)
    mask = coarse_mask(coverage)
    top = calibration.project_mm(cyl.base_mm + cyl.up * 580)[0]
    bottom = calibration.project_mm(cyl.base_mm + cyl.up * 80)[0]
    shank_px = float(np.linalg.norm(top - bottom))
    edges = find_leg_edges(image, mask, top, bottom, 0.3 * shank_px)
    assert edges.valid.mean() > 0.95
    axis = LegAxis(cyl.base_mm, cyl.up / np.linalg.norm(cyl.up))
    left = rays_to_axis(calibration, edges.points_px("left"), axis)
    right = rays_to_axis(calibration, edges.points_px("right"), axis)
    # Each ray's own half-width, so no binning enters this check.
    r_left = np.interp(HEIGHTS_MM, *_sorted(left.t_mm, left.r_mm))
    r_right = np.interp(HEIGHTS_MM, *_sorted(right.t_mm, right.r_mm))
    return (r_right - r_left)[HEIGHTS]


def _sorted(t: np.ndarray, r: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(t)
    return t[order], r[order]


@pytest.mark.parametrize(("half_width", "half_depth", "yaw_deg", "x_mm", "scale"), [
    (35.0, 35.0, 0.0, 110.0, 1),    # slim ankle-sized circle on the left front footprint
    (62.0, 62.0, 0.0, -110.0, 1),   # big calf-sized circle on the right footprint
    (30.0, 45.0, 0.0, 110.0, 1),    # ellipse, narrow across the view (an ankle seen front on)
    (45.0, 30.0, 0.0, -110.0, 1),   # the same ellipse turned 90 degrees
    (58.0, 52.0, 25.0, 110.0, 1),   # ellipse yawed 25 degrees: width is its caliper width
    (35.0, 35.0, 0.0, 110.0, 2),    # 2160 x 3840 camera: the same leg, twice the pixels
])
def test_front_width_matches_the_true_caliper_width(half_width, half_depth, yaw_deg, x_mm,
                                                     scale):
    calibration = reference_camera(size_wh=(1080 * scale, 1920 * scale))
    cyl = Cylinder(np.array([x_mm, 40.0, 0.0]), np.array([0.0, 0.0, 1.0]), half_width,
                   half_depth, yaw_deg=yaw_deg)
    # The caliper width of the ellipse across the line of sight from the camera to the leg.
    sight = cyl.base_mm - calibration.floor_pose.camera_position_mm
    alpha = math.radians(yaw_deg) + math.atan2(sight[0], sight[1])
    true_width = 2 * math.hypot(half_width * math.cos(alpha), half_depth * math.sin(alpha))
    widths = _measure_width(calibration, cyl)
    assert abs(np.median(widths) - true_width) < 0.3
    assert np.max(np.abs(widths - true_width)) < 0.8


@pytest.mark.parametrize(("half_width", "half_depth"), [
    (30.0, 44.0),   # an ankle-like section: deeper than wide
    (60.0, 66.0),   # a calf-like section
])
def test_girth_from_two_views_within_1mm(half_width, half_depth):
    calibration = reference_camera()
    base = np.array([110.0, 40.0, 0.0])
    up = np.array([0.0, 0.0, 1.0])
    width = np.median(_measure_width(calibration, Cylinder(base, up, half_width, half_depth)))
    # The side view sees the section turned by 90 degrees: its depth across the view.
    depth = np.median(_measure_width(calibration, Cylinder(base, up, half_depth, half_width),
                                     seed=2))
    true_girth = float(ellipse_perimeter_mm(2 * half_width, 2 * half_depth))
    assert abs(float(ellipse_perimeter_mm(width, depth)) - true_girth) < 1.0


def _keypoint(px: np.ndarray) -> Keypoint:
    return Keypoint(float(px[0]), float(px[1]), 0.99, True)


def _near_leg_side_on(calibration, image, coverage, base_mm, knee_px, ankle_px):
    """The near (right) leg's side-on profile of a rendered shank standing at ``base_mm``,
    its foot along +x (heel 60 mm behind, toe 200 mm ahead)."""
    heel = calibration.project_mm(base_mm + np.array([-60.0, 0, 0]))[0]
    toe = calibration.project_mm(base_mm + np.array([200.0, 0, 0]))[0]
    hip = knee_px - np.array([0.0, 300.0])
    landmarks = LegLandmarks(_keypoint(hip), _keypoint(knee_px), _keypoint(ankle_px),
                             _keypoint(heel), _keypoint(toe))
    return leg_view_profile(image, coarse_mask(coverage), landmarks, Leg.RIGHT, Stance.SIDE,
                            calibration, MAT)


@pytest.mark.parametrize(("tilt_deg", "radius", "landmark_error_px"), [
    (0.0, 40.0, (0.0, 0.0)),      # upright shank on the near side footprint
    (10.0, 40.0, (0.0, 0.0)),     # a stride tilts the shank by 10 degrees
    (13.0, 60.0, (9.0, -7.0)),    # strong tilt, calf-sized, landmarks off by ~10 px
])
def test_side_stance_width_is_perpendicular_to_a_tilted_shank(tilt_deg, radius,
                                                              landmark_error_px):
    calibration = reference_camera()
    # A shank as the side stance's near (right) footprint places it: its sections' centres
    # ANKLE_SECTION_MEDIAL_OF_FOOT_AXIS_MM inside the footprint's line (y = -90) at the
    # ankle and KNEE_SECTION_LATERAL_OF_FOOT_AXIS_MM outside it at the knee, the stride's
    # tilt along the foot (+x), and the silhouette's centre line
    # SIDE_SILHOUETTE_BEHIND_BONES_MM behind the joints.
    ankle_mm = np.array([-200.0, -90.0 + ANKLE_SECTION_MEDIAL_OF_FOOT_AXIS_MM, 85.0])
    knee_mm = np.array([ankle_mm[0] + math.tan(math.radians(tilt_deg)) * 435.0,
                        -90.0 - KNEE_SECTION_LATERAL_OF_FOOT_AXIS_MM, 520.0])
    up = (knee_mm - ankle_mm) / np.linalg.norm(knee_mm - ankle_mm)
    base = ankle_mm - up * (ankle_mm[2] / up[2])
    true_tilt_deg = math.degrees(math.acos(up[2]))
    cyl = Cylinder(base - np.array([SIDE_SILHOUETTE_BEHIND_BONES_MM, 0.0, 0.0]), up, radius,
                   radius)
    image, coverage = render(calibration, [cyl], seed=3)
    err = np.asarray(landmark_error_px)
    knee = calibration.project_mm(knee_mm)[0] + err
    ankle = calibration.project_mm(ankle_mm)[0] - err
    profile = _near_leg_side_on(calibration, image, coverage, base, knee, ankle)
    widths = profile.width_mm[HEIGHTS & np.isfinite(profile.width_mm)]
    assert len(widths) > 60
    # Girth pi * w within 1 mm means the width within 0.3 mm.
    assert abs(np.median(widths) - 2 * radius) < 0.3
    assert abs(profile.axis.tilt_deg - true_tilt_deg) < 0.5
    if not err.any():
        # The axis stands at the shank's depth and on its bones, so the ankle sits at its
        # own height along it (a 24 mm depth error would put it ~10 mm off through the
        # camera's downward look; the silhouette's centre line, 2.5 mm at 13 degrees).
        assert abs(profile.ankle_t_mm - ankle_mm[2] / up[2]) < 1.0


def test_rays_through_the_axis_have_zero_half_width_and_their_own_height():
    calibration = reference_camera()
    axis = axis_through(np.array([50.0, 30.0, 0.0]), np.array([60.0, 20.0, 500.0]))
    heights = np.array([100.0, 250.0, 400.0])
    px = calibration.project_mm(axis.point_at(heights))
    geo = rays_to_axis(calibration, px, axis)
    np.testing.assert_allclose(geo.r_mm, 0.0, atol=1e-6)
    np.testing.assert_allclose(geo.t_mm, heights, atol=1e-6)


def test_a_point_beside_the_axis_is_its_distance_away_on_the_image_right():
    calibration = reference_camera()
    axis = LegAxis(np.array([0.0, 0.0, 0.0]), np.array([0.0, 0.0, 1.0]))
    # 40 mm to the image's right of the axis, at the axis' depth: the ray grazes a
    # cylinder of radius ~40 mm (slightly less: the ray is not quite perpendicular).
    px = calibration.project_mm(np.array([[40.0, 0.0, 300.0], [-40.0, 0.0, 300.0]]))
    geo = rays_to_axis(calibration, px, axis)
    assert 39.0 < geo.r_mm[0] <= 40.0
    assert -40.0 <= geo.r_mm[1] < -39.0


def test_side_on_the_near_calf_is_read_where_it_bulges_far_behind_the_landmarks():
    # A near (right) calf 150 mm deep whose back stands 0.33 of the shank behind the
    # landmarks' line (they run 70 mm in front of its centre): side-on the calf bulges
    # behind the line through knee and ankle. The edges must be found on every height.
    calibration = reference_camera()
    half_depth_mm, off_mm = 75.0, 70.0
    centre = np.array([-130.0, -90.0, 0.0])  # on the near footprint's line
    ankle_mm = centre + np.array([off_mm, 0.0, 85.0])
    knee_mm = centre + np.array([off_mm, 0.0, 520.0])
    cyl = Cylinder(centre, np.array([0.0, 0.0, 1.0]), half_depth_mm, 55.0)
    image, coverage = render(calibration, [cyl], seed=5)
    knee, ankle = calibration.project_mm(np.stack([knee_mm, ankle_mm]))
    shank_px = float(np.linalg.norm(knee - ankle))
    back_px = abs(calibration.project_mm(centre + np.array([-half_depth_mm, 0.0, 300.0]))[0][0]
                  - calibration.project_mm(knee_mm - np.array([0.0, 0.0, 220.0]))[0][0])
    assert back_px > 0.32 * shank_px  # beyond the 0.3 a front view searches
    profile = _near_leg_side_on(calibration, image, coverage, centre, knee, ankle)
    widths = profile.width_mm[HEIGHTS & np.isfinite(profile.width_mm)]
    assert HEIGHTS.sum() - len(widths) <= 2
    assert abs(np.median(widths) - 2 * half_depth_mm) < 0.5


@pytest.mark.parametrize(("leg", "knees_apart_share", "widened"), [
    (Leg.RIGHT, 0.5, True),
    (Leg.RIGHT, 0.0, True),   # the near leg's own landmarks are never the far leg's
    (Leg.LEFT, 0.5, True),
    (Leg.LEFT, 0.05, False),  # the far knee landmark on the near knee
    (Leg.LEFT, 0.2, False),   # near it
])
def test_side_on_the_band_reaches_behind_the_leg_unless_the_far_knee_is_on_the_near(
        leg, knees_apart_share, widened):
    calibration = reference_camera()
    shank_px, knee = 300.0, np.array([500.0, 1100.0])
    other_knee = knee + np.array([knees_apart_share * shank_px, 0.0])
    shift, half = side_search_band(calibration, MAT, leg, knee, shank_px, other_knee)
    if not widened:
        assert (shift, half) == (0.0, MAX_HALF_WIDTH_SHARE * shank_px)
        return
    # Toes point to the image's right side-on (the shopper faces +x): behind is the left.
    assert shift - half == pytest.approx(-SIDE_BACK_HALF_WIDTH_SHARE * shank_px)
    assert shift + half == pytest.approx(MAX_HALF_WIDTH_SHARE * shank_px)
