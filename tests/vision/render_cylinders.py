"""A tiny exact renderer for geometry tests: elliptic cylinders standing on the mat.

Each pixel is supersampled (3 x 3 rays through the lens model, distortion included),
every ray is intersected analytically with the cylinder, and the covered share of the
pixel mixes a skin colour over a background; then a light blur and sensor noise. The
known radii and axis are the truth the measurement must recover.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from calibration.camera import CameraCalibration, FloorPose, Intrinsics

SKIN_BGR = np.array([150.0, 175.0, 210.0])
BACKGROUND_BGR = np.array([95.0, 100.0, 105.0])


def reference_camera(k1: float = -0.05, k2: float = -0.01, pitch_deg: float = 4.0,
                     size_wh: tuple[int, int] = (1080, 1920), fy: float = 1600.0
                     ) -> CameraCalibration:
    """A portrait camera ~1 m above the floor, 2.2 m in front of the mat, looking down a bit."""
    w, h = size_wh
    s = w / 1080
    k = np.array([[fy * s, 0, w / 2 + 0.3], [0, fy * s, h / 2 - 0.4], [0, 0, 1.0]])
    intrinsics = Intrinsics((w, h), k, np.array([k1, k2, 0.0, 0.0, 0.0]))
    position = np.array([15.0, -2200.0, 1000.0])
    p = math.radians(pitch_deg)
    forward = np.array([0.0, math.cos(p), -math.sin(p)])
    right = np.array([1.0, 0.0, 0.0])
    down = np.cross(forward, right)
    r = np.stack([right, down, forward])  # rows: camera axes in world coordinates
    pose = FloorPose(r, -r @ position)
    return CameraCalibration(intrinsics, pose)


@dataclass(frozen=True)
class Cylinder:
    """An elliptic cylinder: ``half_width_mm`` across x of its own frame, ``half_depth_mm``
    along its y; standing at ``base_mm`` (on the floor) along unit ``up``."""

    base_mm: np.ndarray
    up: np.ndarray
    half_width_mm: float
    half_depth_mm: float
    height_mm: float = 600.0
    yaw_deg: float = 0.0

    def frame(self) -> np.ndarray:
        """Rows: the cylinder's local x, y, z axes in world coordinates."""
        z = self.up / np.linalg.norm(self.up)
        yaw = math.radians(self.yaw_deg)
        x0 = np.array([math.cos(yaw), math.sin(yaw), 0.0])
        x = x0 - z * (x0 @ z)
        x /= np.linalg.norm(x)
        return np.stack([x, np.cross(z, x), z])


def _normalised_rays(calibration: CameraCalibration, pts_px: np.ndarray) -> np.ndarray:
    """Undistorted normalised coordinates by fixed-point iteration of the radial model.

    Written out here, not taken from OpenCV or the calibration module, so a mistake in the
    code under test cannot cancel out against the same mistake in the renderer.
    """
    i = calibration.intrinsics
    k1, k2, p1, p2, k3 = (list(i.dist_coeffs) + [0.0] * 5)[:5]
    assert p1 == p2 == 0.0, "the test renderer models radial distortion only"
    xd = (pts_px[:, 0] - i.cx) / i.fx
    yd = (pts_px[:, 1] - i.cy) / i.fy
    x, y = xd.copy(), yd.copy()
    for _ in range(30):
        r2 = x * x + y * y
        radial = 1 + k1 * r2 + k2 * r2 * r2 + k3 * r2 ** 3
        x, y = xd / radial, yd / radial
    return np.column_stack([x, y])


def _coverage(calibration: CameraCalibration, cyl: Cylinder, xs: np.ndarray, ys: np.ndarray,
              supersample: int) -> np.ndarray:
    n = supersample
    offsets = (np.arange(n) + 0.5) / n - 0.5
    gx, gy = np.meshgrid(xs, ys)
    sub = np.stack(np.meshgrid(offsets, offsets), axis=-1).reshape(-1, 2)
    pts = (np.stack([gx, gy], axis=-1)[:, :, None, :] + sub[None, None]).reshape(-1, 2)
    pose = calibration.require_floor_pose()
    n_xy = _normalised_rays(calibration, pts)
    d_cam = np.column_stack([n_xy, np.ones(len(n_xy))])
    d = d_cam @ pose.r_world_to_camera_3x3
    d /= np.linalg.norm(d, axis=1, keepdims=True)
    o = pose.camera_position_mm
    f = cyl.frame()
    ol = f @ (o - cyl.base_mm)
    dl = d @ f.T
    a, b = cyl.half_width_mm, cyl.half_depth_mm
    qa = (dl[:, 0] / a) ** 2 + (dl[:, 1] / b) ** 2
    qb = 2 * (ol[0] * dl[:, 0] / a ** 2 + ol[1] * dl[:, 1] / b ** 2)
    qc = (ol[0] / a) ** 2 + (ol[1] / b) ** 2 - 1
    disc = qb * qb - 4 * qa * qc
    hit = disc >= 0
    t = np.where(hit, (-qb - np.sqrt(np.maximum(disc, 0))) / (2 * qa), np.inf)
    z = ol[2] + t * dl[:, 2]
    hit &= (t > 0) & (z >= 0) & (z <= cyl.height_mm)
    return hit.reshape(len(ys), len(xs), n * n).mean(axis=2)


def render(calibration: CameraCalibration, cylinders: list[Cylinder], seed: int = 0,
           blur_sigma_px: float = 0.8, noise_sd: float = 2.0, supersample: int = 3
           ) -> tuple[np.ndarray, np.ndarray]:
    """BGR image and the exact coverage (0..1) of the cylinders."""
    w, h = calibration.intrinsics.image_size_wh
    coverage = np.zeros((h, w))
    for cyl in cylinders:
        ends = np.array([cyl.base_mm, cyl.base_mm + cyl.up * cyl.height_mm])
        r = max(cyl.half_width_mm, cyl.half_depth_mm) + 10
        corners = np.concatenate([ends + np.array([dx, dy, 0.0])
                                  for dx in (-r, r) for dy in (-r, r)])
        px = calibration.project_mm(corners)
        x0, y0 = np.maximum(np.floor(px.min(axis=0)).astype(int) - 3, 0)
        x1, y1 = np.minimum(np.ceil(px.max(axis=0)).astype(int) + 3, [w - 1, h - 1])
        xs, ys = np.arange(x0, x1 + 1, dtype=float), np.arange(y0, y1 + 1, dtype=float)
        cov = _coverage(calibration, cyl, xs, ys, supersample)
        region = coverage[y0:y1 + 1, x0:x1 + 1]
        coverage[y0:y1 + 1, x0:x1 + 1] = np.maximum(region, cov)
    image = BACKGROUND_BGR + coverage[..., None] * (SKIN_BGR - BACKGROUND_BGR)
    image = cv2.GaussianBlur(image, (0, 0), blur_sigma_px)
    image += np.random.default_rng(seed).normal(0.0, noise_sd, image.shape)
    return np.clip(np.round(image), 0, 255).astype(np.uint8), coverage


def coarse_mask(coverage: np.ndarray, factor: int = 6, shift_px: float = 1.5) -> np.ndarray:
    """A model-like mask: computed small, upsampled, a little too wide (as real ones are)."""
    h, w = coverage.shape
    small = cv2.resize(coverage.astype(np.float32), (w // factor, h // factor),
                       interpolation=cv2.INTER_AREA)
    mask = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)
    if shift_px:
        mask = cv2.dilate(mask, np.ones((3, 3), np.uint8), iterations=max(1, round(shift_px)))
    return mask
