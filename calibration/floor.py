"""Floor pose from mat v1: where the camera stands relative to the mat.

Markers are detected with OpenCV's ArucoDetector (sub-pixel corners), the pose is solved
from all trusted marker corners at once, and a corner (or marker) disagreeing with the
others (a back-row marker half hidden by a foot can decode with a wrong corner) is
dropped before the final refinement.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from calibration.camera import FloorPose, Intrinsics
from calibration.errors import MatNotFound
from calibration.mat import MatSpec

MIN_MARKERS = 2
# A corner whose reprojection error exceeds this (px) and OUTLIER_FACTOR times the median
# is not trusted: a partly hidden marker often decodes with one corner on the leg's edge.
OUTLIER_FLOOR_PX = 1.2
OUTLIER_FACTOR = 4.0
# A marker that loses more than this many of its 4 corners is dropped whole: its id is
# suspect too.
MAX_BAD_CORNERS = 1
# One image of a multi-image estimate whose corners miss the joint pose by more than this
# RMS (px) was taken after the camera or the mat moved.
MOVED_RMS_PX = 2.0


@dataclass(frozen=True, eq=False)
class MarkerDetection:
    marker_id: int
    corners_px: np.ndarray  # 4 x 2, OpenCV order TL, TR, BR, BL


def make_detector(mat: MatSpec) -> cv2.aruco.ArucoDetector:
    dictionary = cv2.aruco.getPredefinedDictionary(getattr(cv2.aruco, mat.aruco_dictionary))
    params = cv2.aruco.DetectorParameters()
    params.cornerRefinementMethod = cv2.aruco.CORNER_REFINE_SUBPIX
    params.cornerRefinementWinSize = 5
    params.cornerRefinementMaxIterations = 50
    params.cornerRefinementMinAccuracy = 0.01
    return cv2.aruco.ArucoDetector(dictionary, params)


def detect_mat_markers(image_bgr: np.ndarray, mat: MatSpec,
                       detector: cv2.aruco.ArucoDetector | None = None) -> list[MarkerDetection]:
    """The mat's markers found in an image (unknown ids and duplicates ignored)."""
    detector = detector or make_detector(mat)
    grey = image_bgr if image_bgr.ndim == 2 else cv2.cvtColor(image_bgr, cv2.COLOR_BGR2GRAY)
    corners, ids, _ = detector.detectMarkers(grey)
    if ids is None:
        return []
    found: dict[int, MarkerDetection] = {}
    duplicates: set[int] = set()
    for c, i in zip(corners, ids.reshape(-1), strict=True):
        marker_id = int(i)
        if marker_id not in mat.marker_centres_xy_mm:
            continue
        if marker_id in found:
            duplicates.add(marker_id)
        found[marker_id] = MarkerDetection(marker_id, c.reshape(4, 2).astype(np.float64))
    return [d for mid, d in sorted(found.items()) if mid not in duplicates]


@dataclass(frozen=True, eq=False)
class _Correspondence:
    """Marker corners matched to the mat: one row per corner."""

    object_mm: np.ndarray  # N x 3
    image_px: np.ndarray  # N x 2
    marker_ids: np.ndarray  # N
    image_index: np.ndarray  # N, which image of a multi-image estimate


def _correspondence(detections_per_image: list[list[MarkerDetection]], mat: MatSpec
                    ) -> _Correspondence:
    obj, img, ids, which = [], [], [], []
    for index, detections in enumerate(detections_per_image):
        for d in detections:
            obj.append(mat.marker_corners_mm(d.marker_id))
            img.append(d.corners_px)
            ids += [d.marker_id] * 4
            which += [index] * 4
    return _Correspondence(np.concatenate(obj), np.concatenate(img), np.array(ids),
                           np.array(which))


def _solve(c: _Correspondence, keep: np.ndarray, intrinsics: Intrinsics
           ) -> tuple[np.ndarray, np.ndarray]:
    obj, img = c.object_mm[keep], c.image_px[keep]
    ok, rvec, tvec = cv2.solvePnP(obj, img, intrinsics.k_3x3, intrinsics.dist_coeffs,
                                  flags=cv2.SOLVEPNP_IPPE)
    if not ok:
        ok, rvec, tvec = cv2.solvePnP(obj, img, intrinsics.k_3x3, intrinsics.dist_coeffs,
                                      flags=cv2.SOLVEPNP_ITERATIVE)
    if not ok:
        raise MatNotFound("mat found but the camera pose could not be solved")
    rvec, tvec = cv2.solvePnPRefineLM(obj, img, intrinsics.k_3x3, intrinsics.dist_coeffs,
                                      rvec, tvec,
                                      criteria=(cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_COUNT,
                                                100, 1e-10))
    return rvec, tvec


def _residuals_px(c: _Correspondence, intrinsics: Intrinsics, rvec, tvec) -> np.ndarray:
    proj, _ = cv2.projectPoints(c.object_mm, rvec, tvec, intrinsics.k_3x3,
                                intrinsics.dist_coeffs)
    return np.linalg.norm(proj.reshape(-1, 2) - c.image_px, axis=1)


def _robust_pose(c: _Correspondence, intrinsics: Intrinsics, total_markers: int):
    """Solve, then drop the worst corner while it stands out; a marker losing more than
    MAX_BAD_CORNERS corners goes whole. Returns (rvec, tvec, keep mask)."""
    keep = np.ones(len(c.object_mm), bool)
    while True:
        rvec, tvec = _solve(c, keep, intrinsics)
        res = _residuals_px(c, intrinsics, rvec, tvec)
        kept = res[keep]
        worst = int(np.flatnonzero(keep)[np.argmax(kept)])
        if res[worst] <= max(OUTLIER_FLOOR_PX, OUTLIER_FACTOR * float(np.median(kept))):
            return rvec, tvec, keep
        keep[worst] = False
        same = (c.marker_ids == c.marker_ids[worst]) & (c.image_index == c.image_index[worst])
        if np.sum(same & ~keep) > MAX_BAD_CORNERS:
            keep[same] = False
        if len(_markers(c, keep)) < MIN_MARKERS:
            raise MatNotFound(
                f"mat not found: only {len(_markers(c, keep))} of {total_markers} markers "
                "could be trusted (the others are hidden or misread)")


def _markers(c: _Correspondence, keep: np.ndarray) -> set[int]:
    return {int(i) for i in c.marker_ids[keep]}


def _position_sd_mm(c: _Correspondence, keep: np.ndarray, intrinsics: Intrinsics,
                    rvec: np.ndarray, tvec: np.ndarray) -> tuple[float, float, float]:
    """Standard deviation of the camera position from the corners' scatter (Gauss-Newton
    covariance of the pose, propagated to the camera centre)."""
    obj, img = c.object_mm[keep], c.image_px[keep]
    proj, jac = cv2.projectPoints(obj, rvec, tvec, intrinsics.k_3x3, intrinsics.dist_coeffs)
    j = jac[:, :6]
    dof = max(1, 2 * len(obj) - 6)
    sigma2 = float(np.sum((proj.reshape(-1, 2) - img) ** 2)) / dof
    try:
        cov = sigma2 * np.linalg.inv(j.T @ j)
    except np.linalg.LinAlgError:
        return (float("inf"),) * 3

    def centre(params: np.ndarray) -> np.ndarray:
        r, _ = cv2.Rodrigues(params[:3])
        return -r.T @ params[3:]

    p0 = np.concatenate([rvec.reshape(3), tvec.reshape(3)])
    g = np.zeros((3, 6))
    for k in range(6):
        step = 1e-6 if k < 3 else 1e-3
        dp = np.zeros(6)
        dp[k] = step
        g[:, k] = (centre(p0 + dp) - centre(p0 - dp)) / (2 * step)
    sd = np.sqrt(np.clip(np.diag(g @ cov @ g.T), 0, None))
    return float(sd[0]), float(sd[1]), float(sd[2])


def _pose_from(c: _Correspondence, intrinsics: Intrinsics, mat: MatSpec
               ) -> tuple[FloorPose, np.ndarray, np.ndarray, np.ndarray]:
    total = len(mat.marker_centres_xy_mm)
    rvec, tvec, keep = _robust_pose(c, intrinsics, total)
    res = _residuals_px(c, intrinsics, rvec, tvec)
    r, _ = cv2.Rodrigues(rvec)
    return FloorPose(
        r_world_to_camera_3x3=r,
        t_world_to_camera_mm=tvec.reshape(3),
        reprojection_error_px=float(np.sqrt(np.mean(res[keep] ** 2))),
        markers_used=tuple(sorted(_markers(c, keep))),
        camera_position_sd_mm=_position_sd_mm(c, keep, intrinsics, rvec, tvec),
        corners_used=int(np.sum(keep)),
    ), rvec, tvec, res


def _detections_checked(image_bgr: np.ndarray, intrinsics: Intrinsics, mat: MatSpec,
                        detector) -> list[MarkerDetection]:
    h, w = image_bgr.shape[:2]
    intrinsics.check_frame_size(w, h)
    return detect_mat_markers(image_bgr, mat, detector)


def estimate_floor_pose(image_bgr: np.ndarray, intrinsics: Intrinsics, mat: MatSpec,
                        detector: cv2.aruco.ArucoDetector | None = None) -> FloorPose:
    """Solve the camera's pose relative to the mat; refuse below two trusted markers."""
    detections = _detections_checked(image_bgr, intrinsics, mat, detector)
    total = len(mat.marker_centres_xy_mm)
    if len(detections) < MIN_MARKERS:
        raise MatNotFound(f"mat not found: {len(detections)} of {total} markers visible")
    pose, *_ = _pose_from(_correspondence([detections], mat), intrinsics, mat)
    return pose


def estimate_floor_pose_multi(images_bgr: Sequence[np.ndarray], intrinsics: Intrinsics,
                              mat: MatSpec, detector: cv2.aruco.ArucoDetector | None = None
                              ) -> FloorPose:
    """One pose from several images taken by a camera that did not move.

    Every trusted marker corner of every image enters one solve, so a marker hidden by a
    leg in one image (the side stance hides the back row) is seen in another; with the
    whole mat constrained the height comes out to about a millimetre. Refuses when one
    image's corners miss the joint pose: the camera or the mat moved between the images.
    """
    if not images_bgr:
        raise MatNotFound("mat not found: no images were given")
    detector = detector or make_detector(mat)
    per_image = [_detections_checked(img, intrinsics, mat, detector) for img in images_bgr]
    total = len(mat.marker_centres_xy_mm)
    seen = {d.marker_id for dets in per_image for d in dets}
    if len(seen) < MIN_MARKERS:
        raise MatNotFound(f"mat not found: {len(seen)} of {total} markers visible")
    c = _correspondence(per_image, mat)
    pose, _, _, res = _pose_from(c, intrinsics, mat)
    for i in range(len(images_bgr)):
        mine = c.image_index == i
        if not np.any(mine):
            continue
        rms = float(np.sqrt(np.median(res[mine] ** 2)))
        if rms > MOVED_RMS_PX:
            raise MatNotFound(
                f"image {i + 1} does not agree with the others (markers off by {rms:.1f} px): "
                "the camera or the mat moved between the pictures")
    return pose


@dataclass(frozen=True)
class PoseDrift:
    """How far the camera's pose relative to the mat moved since it was stored."""

    moved: bool
    position_change_mm: float  # camera centre, in the mat frame
    height_change_mm: float  # + = the camera is now higher above the mat
    rotation_change_deg: float  # total angle between the two orientations
    pitch_change_deg: float
    roll_change_deg: float
    yaw_change_deg: float
    message: str


def compare_poses(stored: FloorPose, new: FloorPose, *, tolerance_mm: float = 10.0,
                  tolerance_deg: float = 1.0) -> PoseDrift:
    """Say whether the mat or the camera moved beyond the tolerances, in words for staff.

    Both show up as a change of the camera's pose in the mat frame. A change of height,
    pitch or roll means the camera itself was moved or knocked; a shift or turn on the
    floor alone usually means the mat slid (or the camera stand was pushed along).
    """
    delta = new.camera_position_mm - stored.camera_position_mm
    r_rel = new.r_world_to_camera_3x3 @ stored.r_world_to_camera_3x3.T
    angle = float(np.degrees(np.arccos(np.clip((np.trace(r_rel) - 1) / 2, -1.0, 1.0))))
    d_height = float(delta[2])
    d_pitch = new.pitch_deg - stored.pitch_deg
    d_roll = new.roll_deg - stored.roll_deg
    d_yaw = (new.yaw_deg - stored.yaw_deg + 180.0) % 360.0 - 180.0
    shift = float(np.linalg.norm(delta))
    moved = shift > tolerance_mm or angle > tolerance_deg
    if not moved:
        message = (f"the calibration still holds: the camera is within {shift:.0f} mm and "
                   f"{angle:.1f} degrees of where it was calibrated")
    else:
        camera_moved = (abs(d_height) > tolerance_mm or abs(d_pitch) > tolerance_deg
                        or abs(d_roll) > tolerance_deg)
        what = []
        if abs(d_height) > tolerance_mm:
            what.append(f"{abs(d_height):.0f} mm {'higher' if d_height > 0 else 'lower'}")
        if abs(d_pitch) > tolerance_deg:
            what.append(f"tilted {abs(d_pitch):.1f} degrees "
                        f"{'further down' if d_pitch > 0 else 'further up'}")
        if abs(d_roll) > tolerance_deg:
            what.append(f"rolled {abs(d_roll):.1f} degrees")
        if camera_moved:
            message = (f"the camera has moved ({', '.join(what)}): check its mount and "
                       "calibrate the floor again")
        else:
            message = (f"the mat has moved {math.hypot(delta[0], delta[1]):.0f} mm "
                       f"and turned {abs(d_yaw):.1f} degrees on the floor (or the camera "
                       "stand was pushed): put it back or calibrate the floor again")
    return PoseDrift(moved, shift, d_height, angle, d_pitch, d_roll, d_yaw, message)
