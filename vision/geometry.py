"""Metric geometry of one leg in one view: its axis in the mat frame and the edge rays.

Why rays and an axis, not pixels times a scale: a silhouette edge pixel is a ray from the
camera centre that grazes the leg's surface. For a cylinder of radius r every grazing ray
passes at exactly r from the cylinder's axis, whatever the camera's tilt, the leg's tilt
or the ray's height. So the metric half-width at an edge is the distance between its ray
and the leg's axis, and the height it belongs to is where that closest approach meets
the axis. Left and right half-widths at the same axial height add up to the caliper
width of the cross-section across the line of sight (exact for any convex section).

The lateral placement of the axis cancels out of that sum to first order; its depth (its
distance from the camera) does not: 10 mm of depth is ~0.5 % of width at 2.2 m. The
depth comes from where the feet stand (the footprints, refined by the foot seen in the
image); see ``place_axis``.

Axis parameter ``t``: the distance along the axis from where it meets the floor. For the
front stance (a near-vertical shank) it is the height above the floor; for the side
stance's tilted shank it is the height measured along the shank, which is what a slice
perpendicular to the shank has in common with the same slice of the upright leg.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from calibration.camera import CameraCalibration
from calibration.mat import MatSpec
from fitting.measurement import Leg
from fitting.stance import Stance
from vision.arrays import FloatArray, PointsMm, PointsPx
from vision.foot_placement import ON_PRINT_SD_MM, TOE_SEEN_SD_MM, heel_from_print_and_toe

# Relaxed standing leans the shank forward: the knee stands in front of the ankle by
# ~3.9 degrees of shank tilt (mean over the development scenes' front stances, 23-42 mm
# over ~470 mm; a population prior, not measured per person, so it carries an sd).
FRONT_SHANK_LEAN_DEG = 3.9
FRONT_SHANK_LEAN_SD_DEG = 1.0
# Where the ankle's axis stands along the foot from the heel's back edge, as a share of
# foot length (development scenes: 0.20-0.24; MAT.md: 40-60 mm for a 260 mm outline).
ANKLE_SHARE_OF_FOOT = 0.22
# Across the foot, the side view's axis stands where the leg's cross-sections have their
# centres, and that is not on the foot's long axis (heel centre to toe tip). The ankle
# joint stands medial of it (the talus rides on the inner part of the heel bone; 24.1 mm,
# sd 1.7, in the development scenes), the knee 3.4 mm lateral of it (sd 10), and the
# sections' centres (the middle of the silhouette seen from the front) stand lateral of
# the line through those joints: 4.6 mm at cB, 3.6 mm at cC (sd 2.5). A line fitted
# through the section centres at cB and cC over the 48 legs stands 18.9 mm medial of the
# foot's axis at the ankle joint and 5.9 mm lateral at the knee (residual sd 6.1). Seen
# from the front this is a sideways offset, which cancels out of every width; seen from
# the side it is depth, which moves every height (~0.4 mm per mm at the ankle, through
# the camera's downward look) and scales every width (~1 % per 24 mm; placing the
# sections on the joints read the near leg's calf 0.9 % deeper than the far leg's). A
# body-model figure: re-check it on real legs.
ANKLE_SECTION_MEDIAL_OF_FOOT_AXIS_MM = 19.0
KNEE_SECTION_LATERAL_OF_FOOT_AXIS_MM = 6.0
# Seen from the side, the silhouette's centre line runs behind the shank's bones: the
# heel and Achilles tendon at the ankle, the calf's bellies above, reach farther back than
# the shin does forward. Heights are distances along the axis, so on a shank tilted by
# the stride an axis displaced along the foot shifts every height by that displacement
# times the tilt's sine (~3 mm on the stride's back leg): the side view then reads its
# depths at other sections than the front view's widths. In the development scenes the
# centre line passes 11.4 mm behind the ankle joint (left legs 9.8, right 13.1, sd 5.5),
# and the tilt is right to 0.3 degrees. A body-model figure: re-check it on real legs.
SIDE_SILHOUETTE_BEHIND_BONES_MM = 11.0


@dataclass(frozen=True)
class LegAxis:
    """A leg's axis in the mat frame: ``floor_point_mm`` on z = 0 and unit ``up``.

    ``depth_sd_mm`` is the 1-sigma uncertainty of the axis' distance from the camera,
    which scales every width measured against it.
    """

    floor_point_mm: PointsMm
    up: PointsMm
    depth_sd_mm: float = 0.0

    def point_at(self, t_mm: float | FloatArray) -> PointsMm:
        t = np.asarray(t_mm, dtype=float)
        return self.floor_point_mm + t[..., None] * self.up

    @property
    def tilt_deg(self) -> float:
        return float(math.degrees(math.acos(np.clip(self.up[2], -1.0, 1.0))))


def axis_through(p_low_mm: PointsMm, p_high_mm: PointsMm, depth_sd_mm: float = 0.0
                 ) -> LegAxis:
    """The axis through two points (any heights), expressed from its floor point."""
    p0 = np.asarray(p_low_mm, dtype=float)
    p1 = np.asarray(p_high_mm, dtype=float)
    up = p1 - p0
    if up[2] < 0:
        up = -up
    up = up / np.linalg.norm(up)
    if up[2] < 0.5:
        raise ValueError("a leg axis must be closer to vertical than 60 degrees")
    floor_point = p0 - up * (p0[2] / up[2])
    return LegAxis(floor_point, up, depth_sd_mm)


@dataclass(frozen=True)
class RayGeometry:
    """Edge rays against an axis: half-width and axial height of each ray's closest approach.

    ``t_mm``: axial height (distance along the axis from the floor) of the closest
    approach; ``r_mm``: signed distance, positive toward the image's right; ``range_mm``:
    distance from the camera to the closest approach (for the per-pixel scale).
    """

    t_mm: FloatArray
    r_mm: FloatArray
    range_mm: FloatArray


def _cross(a: PointsMm, b: PointsMm) -> PointsMm:
    """Cross product of two 3-vectors (``np.cross`` costs ten times as much per call)."""
    return np.array([a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2],
                     a[0] * b[1] - a[1] * b[0]])


def rays_to_axis(calibration: CameraCalibration, points_px: PointsPx, axis: LegAxis
                 ) -> RayGeometry:
    """Closest approach of each pixel's ray to the axis (lens distortion undone on points)."""
    pose = calibration.require_floor_pose()
    pts = np.asarray(points_px, dtype=float).reshape(-1, 2)
    if len(pts) == 0:
        empty = np.zeros(0)
        return RayGeometry(empty, empty, empty)
    d = pose.rays_world(calibration.intrinsics.normalised_rays(pts))
    u = axis.up
    w0 = pose.camera_position_mm - axis.floor_point_mm  # floor point -> camera
    b = d @ u
    dd = d @ w0
    e = float(u @ w0)
    denom = np.maximum(1.0 - b * b, 1e-12)
    s_ray = (b * e - dd) / denom
    t_axis = (e - b * dd) / denom
    # "Right" in the image, seen from the camera: across the line of sight to the axis and
    # the axis itself. The line of sight to any point of the axis is t u - w0, and
    # (t u - w0) x u = u x w0 whatever t, so one direction serves every ray.
    lateral = _cross(u, w0)
    lateral /= math.sqrt(float(lateral @ lateral))
    # Make "lateral" agree with the image's +x (a camera rolled 180 degrees flips it): the
    # image's +x in the world is the first row of the world-to-camera rotation.
    if lateral @ pose.r_world_to_camera_3x3[0] < 0:
        lateral = -lateral
    # Offset of the ray's closest point q = o + s d from the axis' point p = f + t u.
    r = float(w0 @ lateral) + s_ray * (d @ lateral) - t_axis * float(u @ lateral)
    return RayGeometry(t_axis, r, s_ray)


def point_on_vertical_plane(calibration: CameraCalibration, point_px: PointsPx,
                            plane_point_mm: PointsMm, plane_normal: PointsMm) -> PointsMm:
    """Back-project one pixel onto a world plane (mm)."""
    point: PointsMm = calibration.back_project_to_plane(
        np.asarray(point_px, float).reshape(1, 2), np.asarray(plane_point_mm, float),
        np.asarray(plane_normal, float))[0]
    return point


def floor_point(calibration: CameraCalibration, point_px: PointsPx, height_mm: float = 0.0
                ) -> PointsMm:
    """Where a pixel's ray meets the level plane ``height_mm`` above the floor."""
    return point_on_vertical_plane(calibration, point_px, np.array([0.0, 0.0, height_mm]),
                                   np.array([0, 0, 1.0]))


def pixels_per_mm(calibration: CameraCalibration, at_mm: PointsMm) -> float:
    """Approximate image scale at a world point (px per mm across the line of sight)."""
    pose = calibration.require_floor_pose()
    distance = float(np.linalg.norm(np.asarray(at_mm, float) - pose.camera_position_mm))
    return calibration.intrinsics.fx / distance


def front_axis(calibration: CameraCalibration, mat: MatSpec, leg: Leg, ankle_px: PointsPx,
               knee_px: PointsPx, toe_floor_mm: PointsMm | None,
               ankle_height_mm: float = 80.0) -> LegAxis:
    """The leg's axis in the front stance.

    Depth: the ankle's axis stands ``ANKLE_SHARE_OF_FOOT`` of the foot's length in front of
    the heel. The heel is taken from the printed footprint, checked by the toe tip seen on
    the floor (``toe_floor_mm``, see ``vision.foot_placement``), which also gives the
    foot's length. The knee leans forward by the population prior. Laterally the axis goes
    through the ankle and knee landmarks (the sum of half-widths does not depend on it).
    """
    fp = mat.stance(Stance.FRONT).foot(leg)
    normal = np.array([0.0, 1.0, 0.0])  # the foot's axis is (nearly) along the line of sight
    print_heel = np.array([*fp.heel_xy_mm, 0.0])
    toward_toe = np.array([*fp.direction_xy, 0.0])
    printed_length = float(np.linalg.norm(np.subtract(fp.toe_xy_mm, fp.heel_xy_mm)))
    # The toe's distance from the printed heel, not its run along the print: a foot turned
    # out about its heel (most people stand so) keeps that distance, while its run along
    # the print shortens by 1 - cos of the turn (26 mm at 25 degrees).
    toe_reach = toe_along = None
    if toe_floor_mm is not None:
        toe_rel = np.asarray(toe_floor_mm, float)[:2] - print_heel[:2]
        toe_reach = float(np.linalg.norm(toe_rel))
        toe_along = float(toe_rel @ toward_toe[:2])
    knee_height = float(point_on_vertical_plane(calibration, knee_px, print_heel, normal)[2])
    heel_at = heel_from_print_and_toe(toe_reach, knee_height)
    heel = print_heel + toward_toe * heel_at.shift_mm
    seen_length = None if toe_along is None else toe_along - heel_at.shift_mm
    if seen_length is not None and 0.6 * printed_length < seen_length < 1.5 * printed_length:
        foot_length, length_sd = seen_length, TOE_SEEN_SD_MM
    else:
        foot_length, length_sd = printed_length, 0.1 * printed_length
    ankle_floor = heel + toward_toe * ANKLE_SHARE_OF_FOOT * foot_length
    depth_sd = math.hypot(heel_at.sd_mm * (1 - ANKLE_SHARE_OF_FOOT),
                          ANKLE_SHARE_OF_FOOT * length_sd)
    a3 = point_on_vertical_plane(calibration, ankle_px, ankle_floor, normal)
    a3 = a3 if abs(a3[2] - ankle_height_mm) < 150 else \
        np.array([a3[0], ankle_floor[1], ankle_height_mm])
    k_guess = point_on_vertical_plane(calibration, knee_px, ankle_floor, normal)
    lean = math.tan(math.radians(FRONT_SHANK_LEAN_DEG))
    knee_plane = ankle_floor + toward_toe * lean * max(k_guess[2] - a3[2], 0.0)
    k3 = point_on_vertical_plane(calibration, knee_px, knee_plane, normal)
    return axis_through(a3, k3, depth_sd)


def side_axis(calibration: CameraCalibration, mat: MatSpec, leg: Leg, ankle_px: PointsPx,
              knee_px: PointsPx) -> LegAxis:
    """The leg's axis in the side stance, through the centres of its cross-sections.

    The depths come from the printed footprint: at the ankle the sections' centres stand
    ``ANKLE_SECTION_MEDIAL_OF_FOOT_AXIS_MM`` to the medial side of its long axis (toward
    the other footprint), at the knee ``KNEE_SECTION_LATERAL_OF_FOOT_AXIS_MM`` to its
    lateral side. The stride tilts the shank along the foot; the ankle and knee
    landmarks give that tilt (and the edge midpoints refine it later).
    """
    stance = mat.stance(Stance.SIDE)
    fp = stance.foot(leg)
    along = np.array([*fp.direction_xy, 0.0])
    normal = np.cross(along, np.array([0.0, 0.0, 1.0]))
    heel = np.array([*fp.heel_xy_mm, 0.0])
    other = leg.other
    other_heel = np.array([*stance.foot(other).heel_xy_mm, 0.0])
    medial = normal if (other_heel - heel) @ normal > 0 else -normal
    a3 = point_on_vertical_plane(calibration, ankle_px,
                                 heel + medial * ANKLE_SECTION_MEDIAL_OF_FOOT_AXIS_MM, normal)
    k3 = point_on_vertical_plane(calibration, knee_px,
                                 heel - medial * KNEE_SECTION_LATERAL_OF_FOOT_AXIS_MM, normal)
    return axis_through(a3, k3, ON_PRINT_SD_MM)


def side_axis_on_bones(axis: LegAxis, mat: MatSpec, leg: Leg) -> LegAxis:
    """The side view's axis fitted to the silhouette, moved forward along the foot onto
    the shank's bones (``SIDE_SILHOUETTE_BEHIND_BONES_MM``); the width between the edges
    does not depend on it, the heights do."""
    forward = np.array([*mat.stance(Stance.SIDE).foot(leg).direction_xy, 0.0])
    return LegAxis(axis.floor_point_mm + SIDE_SILHOUETTE_BEHIND_BONES_MM * forward, axis.up,
                   axis.depth_sd_mm)


def facing_plane_normal(calibration: CameraCalibration, axis: LegAxis) -> PointsMm:
    """Normal of the plane that holds the axis and faces the camera."""
    view = axis.point_at(300.0) - calibration.require_floor_pose().camera_position_mm
    lateral = _cross(view, axis.up)
    normal = _cross(lateral, axis.up)
    return normal / np.linalg.norm(normal)


def _quantile(values: FloatArray, q: float) -> float:
    """``np.quantile(values, q)`` (linear interpolation) at a fraction of its overhead."""
    v = np.sort(values)
    pos = q * (len(v) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(v) - 1)
    return float(v[lo] + (pos - lo) * (v[hi] - v[lo]))


def refit_axis(calibration: CameraCalibration, axis: LegAxis, midpoints_px: PointsPx
               ) -> LegAxis:
    """Re-place the axis through the silhouette's centre line, keeping its depth.

    ``midpoints_px``: the middle of the two edges on each scanned row. Each is put on the
    plane that holds the axis and faces the camera, and a line is fitted robustly
    (principal direction, then the 10 % farthest rows dropped and refitted).
    """
    mids = np.asarray(midpoints_px, float).reshape(-1, 2)
    if len(mids) < 10:
        return axis
    plane_normal = facing_plane_normal(calibration, axis)
    pts = calibration.back_project_to_plane(mids, axis.floor_point_mm, plane_normal)
    keep = np.ones(len(pts), bool)
    for _ in range(2):
        centre = pts[keep].mean(axis=0)
        _, _, vt = np.linalg.svd(pts[keep] - centre, full_matrices=False)  # only vt is used
        direction = vt[0] if vt[0][2] > 0 else -vt[0]
        rel = pts - centre
        off = np.linalg.norm(rel - np.outer(rel @ direction, direction), axis=1)
        keep = off <= _quantile(off, 0.9)
    if direction[2] < 0.7:  # more than ~45 degrees: not a standing shank; keep the old axis
        return axis
    return axis_through(centre, centre + direction * 100.0, axis.depth_sd_mm)
