"""Floor pose from mat v1: where the camera stands relative to the mat.

Markers are detected with OpenCV's ArucoDetector (sub-pixel corners), the pose is solved
from all trusted marker corners at once, and a marker whose corners disagree with the
others (a back-row marker half hidden by a foot can decode with a wrong corner) is
dropped before the final refinement.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from calibration.camera import FloorPose, Intrinsics
from calibration.errors import MatNotFound
from calibration.mat import MatSpec

MIN_MARKERS = 2
# A marker whose own reprojection error exceeds this (px), and is well above the others',
# is not trusted: it was probably decoded from a partly hidden marker.
OUTLIER_FLOOR_PX = 1.5


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


def _solve(detections: list[MarkerDetection], mat: MatSpec, intrinsics: Intrinsics,
           guess: tuple[np.ndarray, np.ndarray] | None = None
           ) -> tuple[np.ndarray, np.ndarray]:
    obj = np.concatenate([mat.marker_corners_mm(d.marker_id) for d in detections])
    img = np.concatenate([d.corners_px for d in detections])
    if guess is None:
        ok, rvec, tvec = cv2.solvePnP(obj, img, intrinsics.k_3x3, intrinsics.dist_coeffs,
                                      flags=cv2.SOLVEPNP_IPPE)
        if not ok:
            ok, rvec, tvec = cv2.solvePnP(obj, img, intrinsics.k_3x3, intrinsics.dist_coeffs,
                                          flags=cv2.SOLVEPNP_ITERATIVE)
        if not ok:
            raise MatNotFound("mat found but the camera pose could not be solved")
    else:
        rvec, tvec = guess[0].copy(), guess[1].copy()
    rvec, tvec = cv2.solvePnPRefineLM(obj, img, intrinsics.k_3x3, intrinsics.dist_coeffs,
                                      rvec, tvec,
                                      criteria=(cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_COUNT,
                                                100, 1e-10))
    return rvec, tvec


def _marker_errors_px(detections: list[MarkerDetection], mat: MatSpec, intrinsics: Intrinsics,
                      rvec: np.ndarray, tvec: np.ndarray) -> np.ndarray:
    errors = []
    for d in detections:
        proj, _ = cv2.projectPoints(mat.marker_corners_mm(d.marker_id), rvec, tvec,
                                    intrinsics.k_3x3, intrinsics.dist_coeffs)
        errors.append(float(np.sqrt(np.mean(np.sum((proj.reshape(4, 2) - d.corners_px) ** 2,
                                                   axis=1)))))
    return np.array(errors)


def estimate_floor_pose(image_bgr: np.ndarray, intrinsics: Intrinsics, mat: MatSpec,
                        detector: cv2.aruco.ArucoDetector | None = None) -> FloorPose:
    """Solve the camera's pose relative to the mat; refuse below two trusted markers."""
    h, w = image_bgr.shape[:2]
    intrinsics.check_frame_size(w, h)
    detections = detect_mat_markers(image_bgr, mat, detector)
    total = len(mat.marker_centres_xy_mm)
    if len(detections) < MIN_MARKERS:
        raise MatNotFound(f"mat not found: {len(detections)} of {total} markers visible")

    rvec, tvec = _solve(detections, mat, intrinsics)
    # Drop the worst marker while it stands out from the rest, keeping at least two.
    while len(detections) > MIN_MARKERS:
        errors = _marker_errors_px(detections, mat, intrinsics, rvec, tvec)
        worst = int(np.argmax(errors))
        others = np.delete(errors, worst)
        if errors[worst] <= max(OUTLIER_FLOOR_PX, 3.0 * float(np.median(others))):
            break
        detections = detections[:worst] + detections[worst + 1:]
        rvec, tvec = _solve(detections, mat, intrinsics)

    errors = _marker_errors_px(detections, mat, intrinsics, rvec, tvec)
    r, _ = cv2.Rodrigues(rvec)
    return FloorPose(
        r_world_to_camera_3x3=r,
        t_world_to_camera_mm=tvec.reshape(3),
        reprojection_error_px=float(np.sqrt(np.mean(errors ** 2))),
        markers_used=tuple(d.marker_id for d in detections),
    )
