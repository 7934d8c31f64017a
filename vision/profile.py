"""One leg in one frame: its metric width (or depth) at each height along the shank.

Front stance -> medio-lateral width; side stance -> antero-posterior depth. Heights are
axial (see ``vision.geometry``) on a fixed grid of ``BIN_MM`` bins, so profiles of
different frames and of the two views line up bin for bin.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from calibration.camera import CameraCalibration
from calibration.mat import MatSpec
from vision.edges import RowEdges, find_leg_edges
from vision.geometry import (
    LegAxis,
    floor_point,
    front_axis,
    pixels_per_mm,
    rays_to_axis,
    refit_axis,
    side_axis,
)
from vision.types import LegLandmarks, Stance

BIN_MM = 5.0
GRID_TOP_MM = 800.0
# Height bins (axial mm above the floor): centres 2.5, 7.5, ...
HEIGHTS_MM = np.arange(BIN_MM / 2, GRID_TOP_MM, BIN_MM)
# Widest lower leg we search for, as a share of the shank's length in the image.
MAX_HALF_WIDTH_SHARE = 0.3
# One sd of a refined edge's position (px): parabola-fit noise plus residual blur bias.
EDGE_SD_PX = 0.25


@dataclass(frozen=True, eq=False)
class LegViewProfile:
    """Width (front) or depth (side) of one leg per height bin, from one frame.

    ``width_mm`` is NaN where the bin had no edges on both sides; ``samples`` counts the
    rows that fed each bin; ``px_per_mm`` is the image scale at the leg (for turning pixel
    uncertainties into millimetres); ``ankle_t_mm``/``knee_t_mm`` are the landmarks'
    heights on the axis.
    """

    stance: Stance
    leg: str
    width_mm: np.ndarray
    samples: np.ndarray
    axis: LegAxis
    edges: RowEdges
    px_per_mm: float
    ankle_t_mm: float
    knee_t_mm: float

    @property
    def heights_mm(self) -> np.ndarray:
        return HEIGHTS_MM


def _binned_median(t_mm: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    n_bins = len(HEIGHTS_MM)
    idx = np.floor(t_mm / BIN_MM).astype(int)
    ok = (idx >= 0) & (idx < n_bins) & np.isfinite(values)
    out = np.full(n_bins, np.nan)
    count = np.zeros(n_bins, int)
    if not ok.any():
        return out, count
    idx, vals = idx[ok], values[ok]
    order = np.argsort(idx, kind="stable")
    idx, vals = idx[order], vals[order]
    uniq, starts = np.unique(idx, return_index=True)
    for b, chunk in zip(uniq, np.split(vals, starts[1:]), strict=True):
        out[b] = float(np.median(chunk))
        count[b] = len(chunk)
    return out, count


def drop_edge_outliers(t_mm: np.ndarray, r_mm: np.ndarray, window: int = 31,
                       floor_mm: float = 1.5) -> np.ndarray:
    """Mask of edge points that follow the leg's outline (False: an edge that jumped).

    A leg's outline is smooth along its height; where the true edge is faint (skin against
    a floor of the same colour) the gradient search can latch onto a background line for
    a few rows. Each point is compared with the running median of its neighbours along the
    axis and dropped when it is farther than 3 robust sds (at least ``floor_mm``).
    """
    n = len(t_mm)
    if n < window:
        return np.ones(n, bool)
    order = np.argsort(t_mm)
    r = r_mm[order]
    half = window // 2
    padded = np.pad(r, half, mode="edge")
    windows = np.lib.stride_tricks.sliding_window_view(padded, window)
    median = np.median(windows, axis=1)
    dev = np.abs(r - median)
    limit = max(floor_mm, 3 * 1.4826 * float(np.median(dev)))
    keep = np.empty(n, bool)
    keep[order] = dev <= limit
    return keep


def toe_tip_px(mask: np.ndarray, ankle_px: np.ndarray, toe_px: np.ndarray,
               half_box_px: float) -> np.ndarray | None:
    """The lowest silhouette point of the foot near its toe landmark (where it meets the floor).

    The toe is the nearest point of the foot on the floor, so it is the lowest one in the
    image; the landmark itself can be tens of pixels off.
    """
    h, w = mask.shape
    x0 = int(max(0, min(ankle_px[0], toe_px[0]) - half_box_px))
    x1 = int(min(w, max(ankle_px[0], toe_px[0]) + half_box_px))
    y0 = int(max(0, ankle_px[1]))
    y1 = int(min(h, toe_px[1] + 2 * half_box_px))
    if x1 - x0 < 3 or y1 - y0 < 3:
        return None
    box = mask[y0:y1, x0:x1] >= 0.5
    rows = np.flatnonzero(box.any(axis=1))
    if len(rows) == 0 or rows[-1] + y0 >= h - 1:
        return None
    y = rows[-1]
    xs = np.flatnonzero(box[y])
    return np.array([x0 + float(xs.mean()), y0 + float(y)])


def leg_view_profile(image_bgr: np.ndarray, mask: np.ndarray, landmarks: LegLandmarks, leg: str,
                     stance: Stance, calibration: CameraCalibration, mat: MatSpec,
                     row_step: int = 1) -> LegViewProfile:
    """Measure one leg in one frame (the per-frame work of the measurer)."""
    knee = landmarks.knee.xy_px
    ankle = landmarks.ankle.xy_px
    shank_px = float(np.linalg.norm(knee - ankle))
    if stance is Stance.FRONT:
        toe = toe_tip_px(mask, ankle, landmarks.toe.xy_px, 0.15 * shank_px)
        toe_floor = floor_point(calibration, toe) if toe is not None else None
        axis = front_axis(calibration, mat, leg, ankle, knee, toe_floor)
    else:
        axis = side_axis(calibration, mat, leg, ankle, knee)
    # Scan from a little above the knee to a little below the ankle landmark.
    along = (ankle - knee) / max(shank_px, 1e-6)
    top = knee - along * 0.1 * shank_px
    bottom = ankle + along * 0.04 * shank_px
    edges = find_leg_edges(image_bgr, mask, top, bottom, MAX_HALF_WIDTH_SHARE * shank_px,
                           row_step=row_step)
    axis = refit_axis(calibration, axis, edges.midpoints_px)
    left = rays_to_axis(calibration, edges.points_px("left"), axis)
    right = rays_to_axis(calibration, edges.points_px("right"), axis)
    keep_l = drop_edge_outliers(left.t_mm, left.r_mm)
    keep_r = drop_edge_outliers(right.t_mm, right.r_mm)
    r_left, n_left = _binned_median(left.t_mm[keep_l], left.r_mm[keep_l])
    r_right, n_right = _binned_median(right.t_mm[keep_r], right.r_mm[keep_r])
    width = r_right - r_left
    width[~(width > 0)] = np.nan
    ankle_t = float(rays_to_axis(calibration, ankle.reshape(1, 2), axis).t_mm[0])
    knee_t = float(rays_to_axis(calibration, knee.reshape(1, 2), axis).t_mm[0])
    scale = pixels_per_mm(calibration, axis.point_at(0.5 * (ankle_t + knee_t)))
    return LegViewProfile(stance, leg, width, np.minimum(n_left, n_right), axis, edges, scale,
                          ankle_t, knee_t)
