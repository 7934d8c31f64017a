"""Render flat printed things (a ChArUco board, the floor mat) through an exact camera.

Every image pixel's ray is found with the camera's true distortion (undistortPoints on the
pixel grid), intersected with the plane, and the plane's texture is sampled there; so the
true position of every printed corner in the image is known exactly, as in OpenCV's own
ArUco/ChArUco tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np


@dataclass(frozen=True, eq=False)
class TrueCamera:
    size_wh: tuple[int, int]
    k_3x3: np.ndarray
    dist_coeffs: np.ndarray

    @property
    def key(self) -> tuple:
        return (self.size_wh, tuple(self.k_3x3.ravel()), tuple(self.dist_coeffs.ravel()))


def make_camera(size_wh: tuple[int, int], f_px: float,
                dist=(-0.12, 0.05, 0.0005, -0.0003, 0.0), centre_offset_px=(6.0, -9.0)
                ) -> TrueCamera:
    w, h = size_wh
    k = np.array([[f_px, 0, (w - 1) / 2 + centre_offset_px[0]],
                  [0, f_px, (h - 1) / 2 + centre_offset_px[1]], [0, 0, 1.0]])
    return TrueCamera(size_wh, k, np.asarray(dist, dtype=float))


@lru_cache(maxsize=4)
def _normalised_grid(key: tuple) -> np.ndarray:
    (w, h), k, d = key
    k = np.array(k).reshape(3, 3)
    xs, ys = np.meshgrid(np.arange(w, dtype=np.float64), np.arange(h, dtype=np.float64))
    pts = np.column_stack([xs.ravel(), ys.ravel()]).reshape(-1, 1, 2)
    # The iterative variant with a tight criterion: the default stops after 5 iterations,
    # which leaves ~0.05 px of error at the corners of a distorted image.
    n = cv2.undistortPointsIter(pts, k, np.array(d), None, None,
                                (cv2.TERM_CRITERIA_COUNT | cv2.TERM_CRITERIA_EPS, 40, 1e-10))
    return n.reshape(h, w, 2)


def render_plane(camera: TrueCamera, texture: np.ndarray, plane_mm_to_texture_px: np.ndarray,
                 r_plane_to_camera: np.ndarray, t_plane_to_camera_mm: np.ndarray,
                 background: int = 90) -> np.ndarray:
    """The image of a textured plane (plane points (u, v, 0) mm) seen by ``camera``.

    ``plane_mm_to_texture_px`` is a 2x3 affine map from plane mm to texture pixel centres.
    """
    n = _normalised_grid(camera.key)
    h, w = n.shape[:2]
    hom = np.column_stack([r_plane_to_camera[:, 0], r_plane_to_camera[:, 1],
                           np.asarray(t_plane_to_camera_mm, float).reshape(3)])
    inv = np.linalg.inv(hom)
    rays = np.concatenate([n, np.ones((h, w, 1))], axis=2)
    uvw = rays @ inv.T
    behind = uvw[..., 2] <= 0  # rays that meet the plane behind the camera
    uv = uvw[..., :2] / uvw[..., 2:3]
    a = np.asarray(plane_mm_to_texture_px, float)
    tx = uv[..., 0] * a[0, 0] + uv[..., 1] * a[0, 1] + a[0, 2]
    ty = uv[..., 0] * a[1, 0] + uv[..., 1] * a[1, 1] + a[1, 2]
    # Minifying a sharp texture aliases: pre-blur it to the image's sampling density.
    step = np.hypot(np.diff(tx, axis=1)[:, :], np.diff(ty, axis=1)[:, :])
    finite = step[np.isfinite(step) & ~behind[:, 1:]]
    scale = float(np.median(finite)) if finite.size else 1.0
    tex = texture
    if scale > 1.0:
        tex = cv2.GaussianBlur(texture, (0, 0), 0.5 * scale)
    tx[behind] = -1e6
    ty[behind] = -1e6
    return cv2.remap(tex, tx.astype(np.float32), ty.astype(np.float32), cv2.INTER_LINEAR,
                     borderMode=cv2.BORDER_CONSTANT, borderValue=background)


def degrade(image: np.ndarray, blur_sigma_px: float, noise_sd: float, seed: int) -> np.ndarray:
    """Optical blur and sensor noise, as a real camera adds them."""
    rng = np.random.default_rng(seed)
    out = image.astype(np.float32)
    if blur_sigma_px > 0:
        out = cv2.GaussianBlur(out, (0, 0), blur_sigma_px)
    out += rng.normal(0.0, noise_sd, out.shape).astype(np.float32)
    return np.clip(np.round(out), 0, 255).astype(np.uint8)


def rotation_xyz_deg(rx: float, ry: float, rz: float) -> np.ndarray:
    """Rotation about x, then y, then z (degrees)."""
    ax, ay, az = np.radians([rx, ry, rz])
    cx, sx, cy, sy, cz, sz = np.cos(ax), np.sin(ax), np.cos(ay), np.sin(ay), np.cos(az), np.sin(az)
    r_x = np.array([[1, 0, 0], [0, cx, -sx], [0, sx, cx]])
    r_y = np.array([[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]])
    r_z = np.array([[cz, -sz, 0], [sz, cz, 0], [0, 0, 1]])
    return r_z @ r_y @ r_x


def camera_looking_at(position_mm: np.ndarray, target_mm: np.ndarray, roll_deg: float = 0.0
                      ) -> tuple[np.ndarray, np.ndarray]:
    """World-to-camera (R, t) for a camera at ``position`` looking at ``target``, z up."""
    position = np.asarray(position_mm, float)
    forward = np.asarray(target_mm, float) - position
    forward /= np.linalg.norm(forward)
    right = np.cross(forward, [0.0, 0.0, 1.0])
    right /= np.linalg.norm(right)
    down = np.cross(forward, right)
    r = np.vstack([right, down, forward])  # rows: camera x, y, z in world
    if roll_deg:
        c, s = np.cos(np.radians(roll_deg)), np.sin(np.radians(roll_deg))
        r = np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]]) @ r
    return r, -r @ position
