"""The camera model: intrinsics, the camera's pose relative to the floor, and rays.

Conventions (OpenCV): camera axes x right, y down, z forward; pixel centres at integer
coordinates; ``x_cam = R @ x_world + t`` with the world being the mat frame in mm.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import cv2
import numpy as np

from calibration.errors import CalibrationInvalid


@dataclass(frozen=True, eq=False)
class Intrinsics:
    """Pinhole camera with OpenCV's distortion model (k1, k2, p1, p2, k3[, ...])."""

    image_size_wh: tuple[int, int]
    k_3x3: np.ndarray
    dist_coeffs: np.ndarray

    def __post_init__(self) -> None:
        k = np.asarray(self.k_3x3, dtype=float)
        d = np.asarray(self.dist_coeffs, dtype=float).reshape(-1)
        if k.shape != (3, 3) or not np.all(np.isfinite(k)):
            raise CalibrationInvalid("camera_matrix must be a finite 3x3 matrix")
        if k[0, 0] <= 0 or k[1, 1] <= 0:
            raise CalibrationInvalid(
                f"camera_matrix has a non-positive focal length (fx={k[0, 0]}, fy={k[1, 1]})")
        if d.size not in (4, 5, 8, 12, 14) or not np.all(np.isfinite(d)):
            raise CalibrationInvalid(
                f"dist_coeffs must hold 4, 5, 8, 12 or 14 finite numbers, not {d.size}")
        w, h = self.image_size_wh
        if w <= 0 or h <= 0:
            raise CalibrationInvalid(f"image_size_wh must be positive, not {self.image_size_wh}")
        if not (0 < k[0, 2] < w and 0 < k[1, 2] < h):
            raise CalibrationInvalid(
                f"principal point ({k[0, 2]:.1f}, {k[1, 2]:.1f}) lies outside the "
                f"{w}x{h} image")
        object.__setattr__(self, "k_3x3", k)
        object.__setattr__(self, "dist_coeffs", d)
        object.__setattr__(self, "image_size_wh", (int(w), int(h)))

    @property
    def fx(self) -> float:
        return float(self.k_3x3[0, 0])

    @property
    def fy(self) -> float:
        return float(self.k_3x3[1, 1])

    @property
    def cx(self) -> float:
        return float(self.k_3x3[0, 2])

    @property
    def cy(self) -> float:
        return float(self.k_3x3[1, 2])

    def check_frame_size(self, width_px: int, height_px: int) -> None:
        """Refuse frames whose size is not the calibrated one."""
        if (width_px, height_px) != self.image_size_wh:
            w, h = self.image_size_wh
            raise CalibrationInvalid(
                f"the calibration is for {w}x{h} images but the camera gives "
                f"{width_px}x{height_px}")

    def normalised_rays(self, points_px: np.ndarray) -> np.ndarray:
        """Undistorted normalised image coordinates (N x 2) for pixel points (N x 2)."""
        pts = np.asarray(points_px, dtype=np.float64).reshape(-1, 1, 2)
        return cv2.undistortPoints(pts, self.k_3x3, self.dist_coeffs).reshape(-1, 2)


@dataclass(frozen=True, eq=False)
class FloorPose:
    """Where the camera stands relative to the mat (world = mat frame, mm)."""

    r_world_to_camera_3x3: np.ndarray
    t_world_to_camera_mm: np.ndarray
    reprojection_error_px: float = 0.0
    markers_used: tuple[int, ...] = ()
    # One standard deviation of the camera centre (x, y, z mm) from the marker corners'
    # scatter; None when unknown (e.g. a pose typed in or from an older file).
    camera_position_sd_mm: tuple[float, float, float] | None = None
    corners_used: int = 0

    def __post_init__(self) -> None:
        r = np.asarray(self.r_world_to_camera_3x3, dtype=float).reshape(3, 3)
        t = np.asarray(self.t_world_to_camera_mm, dtype=float).reshape(3)
        if not np.allclose(r @ r.T, np.eye(3), atol=1e-6) or np.linalg.det(r) < 0:
            raise CalibrationInvalid("floor pose rotation is not a rotation matrix")
        object.__setattr__(self, "r_world_to_camera_3x3", r)
        object.__setattr__(self, "t_world_to_camera_mm", t)

    @property
    def camera_position_mm(self) -> np.ndarray:
        """Camera centre in the mat frame."""
        return -self.r_world_to_camera_3x3.T @ self.t_world_to_camera_mm

    @property
    def camera_height_mm(self) -> float:
        return float(self.camera_position_mm[2])

    @property
    def distance_to_mat_centre_mm(self) -> float:
        """Straight-line distance from the camera centre to the mat origin."""
        return float(np.linalg.norm(self.camera_position_mm))

    @property
    def optical_axis_world(self) -> np.ndarray:
        return self.r_world_to_camera_3x3.T @ np.array([0.0, 0.0, 1.0])

    @property
    def pitch_deg(self) -> float:
        """Downward tilt of the optical axis below the horizon (positive = looking down)."""
        a = self.optical_axis_world
        return float(math.degrees(math.asin(-a[2])))

    @property
    def yaw_deg(self) -> float:
        """Heading of the optical axis about z; 0 = looking along +y."""
        a = self.optical_axis_world
        return float(math.degrees(math.atan2(a[0], a[1])))

    @property
    def roll_deg(self) -> float:
        """Rotation of the image about the optical axis (0 = horizon level)."""
        x_cam_world = self.r_world_to_camera_3x3.T @ np.array([1.0, 0.0, 0.0])
        return float(math.degrees(math.asin(np.clip(-x_cam_world[2], -1.0, 1.0))))

    def rays_world(self, normalised_xy: np.ndarray) -> np.ndarray:
        """Unit ray directions in the world frame for normalised image points (N x 2)."""
        n = np.asarray(normalised_xy, dtype=float).reshape(-1, 2)
        r = self.r_world_to_camera_3x3
        d_world = n @ r[:2] + r[2]  # == [x, y, 1] @ R == (R.T @ d_cam.T).T
        return d_world / np.sqrt(np.einsum("ij,ij->i", d_world, d_world))[:, None]


@dataclass(frozen=True, eq=False)
class CameraCalibration:
    """A stored calibration: intrinsics, how they were made, and the floor pose if known."""

    intrinsics: Intrinsics
    floor_pose: FloorPose | None = None
    rms_px: float | None = None
    board: str | None = None
    views: int | None = None
    created_at: str | None = None
    camera_id: str | None = None
    extra: dict = field(default_factory=dict)

    def project_mm(self, points_world_mm: np.ndarray) -> np.ndarray:
        """Project world points (N x 3, mm) into the image (N x 2 px), distortion included."""
        pose = self.require_floor_pose()
        rvec, _ = cv2.Rodrigues(pose.r_world_to_camera_3x3)
        px, _ = cv2.projectPoints(np.asarray(points_world_mm, dtype=np.float64).reshape(-1, 3),
                                  rvec, pose.t_world_to_camera_mm, self.intrinsics.k_3x3,
                                  self.intrinsics.dist_coeffs)
        return px.reshape(-1, 2)

    def back_project_to_plane(self, points_px: np.ndarray, plane_point_mm: np.ndarray,
                              plane_normal: np.ndarray) -> np.ndarray:
        """Intersect the rays through pixels (N x 2) with a world plane; returns N x 3 mm."""
        pose = self.require_floor_pose()
        rays = pose.rays_world(self.intrinsics.normalised_rays(points_px))
        origin = pose.camera_position_mm
        normal = np.asarray(plane_normal, dtype=float)
        denom = rays @ normal
        s = ((np.asarray(plane_point_mm, dtype=float) - origin) @ normal) / denom
        return origin + rays * s[:, None]

    def require_floor_pose(self) -> FloorPose:
        if self.floor_pose is None:
            raise CalibrationInvalid(
                "the calibration has no floor pose: the mat must be found first")
        return self.floor_pose

    def with_floor_pose(self, pose: FloorPose) -> CameraCalibration:
        return CameraCalibration(self.intrinsics, pose, self.rms_px, self.board, self.views,
                                 self.created_at, self.camera_id, dict(self.extra))
