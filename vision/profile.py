"""One leg in one frame: its metric width (or depth) at each height along the shank.

Front stance -> medio-lateral width; side stance -> antero-posterior depth. Heights are
axial (see ``vision.geometry``) on a fixed grid of ``BIN_MM`` bins, so profiles of
different frames and of the two views line up bin for bin.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from calibration.camera import CameraCalibration
from calibration.mat import Footprint, MatSpec
from fitting.measurement import Leg
from fitting.stance import Stance
from vision.arrays import BoolArray, FloatArray, ImageBGR, IntArray, PersonMask, PointsPx
from vision.between_legs import inner_side, outermost_inner_edges
from vision.edges import RowEdges, default_window_px, find_leg_edges, refine_near
from vision.foot_placement import TOE_FRONT_HEIGHT_MM
from vision.geometry import (
    LegAxis,
    RayGeometry,
    floor_point,
    front_axis,
    pixels_per_mm,
    rays_to_axis,
    refit_axis,
    side_axis,
    side_axis_on_bones,
)
from vision.shaded_rim import extend_through_shade
from vision.types import LegLandmarks
from vision.windows import centred_windows

BIN_MM = 5.0
GRID_TOP_MM = 800.0
# Height bins (axial mm above the floor): centres 2.5, 7.5, ...
HEIGHTS_MM = np.arange(BIN_MM / 2, GRID_TOP_MM, BIN_MM)
# Widest lower leg we search for, as a share of the shank's length in the image.
MAX_HALF_WIDTH_SHARE = 0.3
# Side-on, the landmarks' line runs near the shin and the calf bulges behind it, up to
# 0.35 of the shank behind the line (fitting set, seeds 900000-900049, near legs: 0.32-0.33
# at the 95th percentile of the calf's heights): with 0.3 the mask's run touched the
# search band and whole calves went unread (12 % of the near legs there, their depth then
# taken from the prior). So a leg's back is searched this far side-on. Its front keeps
# ``MAX_HALF_WIDTH_SHARE``: the near shin faces the far leg, and a far leg searched wider
# in front found a false outline where its knee landmark stood on the near knee (a calf
# read 28 mm small with an sd of 6).
SIDE_BACK_HALF_WIDTH_SHARE = 0.4
# ... but the far leg's only where its knee landmark stands at least this share of the
# shank from the near knee. Its back faces the near leg's shin, and a wider band there
# finds the near shin's outline as its own where the two stand close: with the knee
# landmark on the near knee (its line then runs from the near knee down to its own
# ankle) calves read 11-14 mm large with an sd of 4-7 (fitting set: knees 0.03-0.07 of
# the shank apart); with the knees 0.11-0.20 apart far calves read 1.5-5 mm larger than
# with the narrow band (unseen sets). Where it gained, the knees stood 0.49-0.62 apart.
FAR_BACK_KNEES_APART_SHARE = 0.3
# One sd of a refined edge's position (px): parabola-fit noise plus residual blur bias.
EDGE_SD_PX = 0.25
# Outline stretches: neighbouring edge points more than this apart (mm, plus half their
# height step) start a new stretch. Row-to-row noise is ~0.5 mm (up to ~2 mm on a shin's
# highlight), a leg's outline slopes less than 1:2, a bleed starts with a step of ~1 cm.
OUTLINE_JUMP_MM = 3.0
# A height gap (mm) without edges also starts a new stretch.
OUTLINE_GAP_MM = 8.0
# The longest stretch (mm of height) taken for a bleed: on the development scenes the
# mask bleeds for 30-100 mm where skin meets a floor or wall of its colour.
MAX_BLEED_MM = 150.0
# A bleed is a minority of a leg's outline (at most ~100 mm of ~450 scanned). A verdict
# that more than this share of the edge points bled comes from stretches too short to
# judge (edges lost on many rows of a noisy frame cut the outline into fragments whose
# end lines point anywhere): the outline is then kept as found. On a noisy development
# frame the verdict once dropped 151 of 162 correct points of a shin and the edge was
# searched again along a marker of the mat, 88 px off: cB read 66 mm too large.
OUTLINE_MAX_DROP_SHARE = 0.5
# Rows whose gradient edge was lost (skin over a floor of its colour) are filled from the
# mask's edge, shifted by the refined-minus-mask offset of the nearest refined rows. The
# mask's own error changes slowly along the leg, so the offset holds over a few cm; beyond
# ``MAX_FILL_MM`` of height from a refined row the fill would be a guess and is not made.
MAX_FILL_MM = 120.0
# Refined rows on each side of a gap whose offsets carry the fill (robust median).
FILL_ANCHOR_ROWS = 15
# Only gaps at least this long (mm of height) are filled: a shorter one leaves its bins
# fed by the refined rows around it, and the mask is never preferred to a refined edge.
MIN_FILL_GAP_MM = 0.0
# A filled edge's offset may deviate by up to this many px beyond a refined one's spread.
FILLED_EDGE_SD_PX = 1.5
# A filled stretch of bins whose width steps against the refined bins on BOTH sides of it,
# the same way, by more than this (mm), is dropped: each edge of a continuous outline
# steps by at most ``OUTLINE_JUMP_MM`` between neighbouring heights, so the width by at
# most twice that. A fill that dents (or bulges) the leg against both neighbours took its
# offset from refined rows that were themselves off the outline.
FILL_STEP_MM = 2 * OUTLINE_JUMP_MM


@dataclass(frozen=True, eq=False)
class LegViewProfile:
    """Width (front) or depth (side) of one leg per height bin, from one frame.

    ``width_mm`` is NaN where the bin had no edges on both sides; ``samples`` counts the
    rows that fed each bin; ``px_per_mm`` is the image scale at the leg (for turning pixel
    uncertainties into millimetres); ``ankle_t_mm``/``knee_t_mm`` are the landmarks'
    heights on the axis.
    """

    stance: Stance
    leg: Leg
    width_mm: FloatArray
    samples: IntArray
    axis: LegAxis
    edges: RowEdges
    px_per_mm: float
    ankle_t_mm: float
    knee_t_mm: float
    # 1-sigma relative error of the whole scale when it does not come from the axis' depth
    # (the uncalibrated fallback, ``vision.fallback``); None: ``axis.depth_sd_mm`` says it.
    scale_sd_rel: float | None = None
    # Per bin, 1 where the width came from edges filled from the mask's outline
    # (``fill_lost_edges``: no refined edge reached that bin), else 0; None: no fill.
    filled_share: FloatArray | None = None

    @property
    def heights_mm(self) -> FloatArray:
        return HEIGHTS_MM


def _binned_median(t_mm: FloatArray, values: FloatArray) -> tuple[FloatArray, IntArray]:
    n_bins = len(HEIGHTS_MM)
    idx = np.floor(t_mm / BIN_MM).astype(int)
    ok = (idx >= 0) & (idx < n_bins) & np.isfinite(values)
    out = np.full(n_bins, np.nan)
    count = np.zeros(n_bins, int)
    if not ok.any():
        return out, count
    idx, vals = idx[ok], values[ok]
    # Sorted by bin, then by value: each bin's median is its middle element (or the mean
    # of the middle two), as np.median gives, for all bins at once.
    order = np.lexsort((vals, idx))
    idx, vals = idx[order], vals[order]
    count = np.bincount(idx, minlength=n_bins)
    bins = np.flatnonzero(count)
    n = count[bins]
    first = np.cumsum(count)[bins] - n
    low, high = vals[first + (n - 1) // 2], vals[first + n // 2]
    out[bins] = np.where(n % 2 == 1, high, (low + high) / 2)
    return out, count


def _median(values: FloatArray) -> float:
    """np.median of a 1-D array by one partition (a tenth of np.median's overhead)."""
    n = len(values)
    if n == 0 or not np.isfinite(values).all():
        return float(np.median(values))
    k = n // 2
    if n % 2:
        return float(np.partition(values, k)[k])
    part = np.partition(values, (k - 1, k))
    return float(0.5 * (part[k - 1] + part[k]))


def drop_edge_outliers(t_mm: FloatArray, r_mm: FloatArray, window: int = 31,
                       floor_mm: float = 1.5) -> BoolArray:
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
    windows = centred_windows(r, window)
    if window % 2 == 1 and np.isfinite(r).all():
        # An odd window's median is its middle element: one partition, none of
        # np.median's overhead (a third of this function's cost).
        median = np.partition(windows, half, axis=1)[:, half]
    else:
        median = np.median(windows, axis=1)
    dev = np.abs(r - median)
    limit = max(floor_mm, 3 * 1.4826 * _median(dev))
    keep = np.empty(n, bool)
    keep[order] = dev <= limit
    return keep


def inner_outline(t_mm: FloatArray, r_mm: FloatArray, jump_mm: float = OUTLINE_JUMP_MM,
                  gap_mm: float = OUTLINE_GAP_MM, max_bleed_mm: float = MAX_BLEED_MM
                  ) -> BoolArray:
    """Mask of one edge's points that lie on the leg's outline (False: a stretch bled out).

    Where skin meets a floor or wall of nearly its colour, the person mask bleeds outward
    for up to ~100 mm of height and the gradient search near the mask's edge latches onto
    a background line. A running median cannot see a stretch that long, but such a
    stretch has two marks: it begins and ends with a step (the leg's outline is
    continuous; the background line is another curve), and the step is outward (a mask
    that bleeds is too big, never too small). So the points, in order of height, are cut
    into stretches at every step (neighbours more than ``jump_mm`` apart, or a gap of
    ``gap_mm`` without edges). At each boundary the step is measured as how far one
    stretch's first 10 mm stand outward of its neighbour's outline (that neighbour's last
    20 mm extended by a straight line); the outer stretch of the largest step is dropped,
    and the comparison repeats with the new neighbours until no step exceeds ``jump_mm``.
    A stretch longer than ``max_bleed_mm`` is kept whatever its steps: no bleed lasts that
    long, and a step between two long stretches is the edge search's own error.
    """
    n = len(t_mm)
    keep = np.ones(n, bool)
    if n < 10:
        return keep
    order = np.argsort(t_mm)
    t = np.asarray(t_mm, float)[order]
    side = 1.0 if _median(np.asarray(r_mm, float)) >= 0 else -1.0
    out = side * np.asarray(r_mm, float)[order]  # distance from the axis, outward positive
    dt = np.diff(t)
    cuts = np.flatnonzero((np.abs(np.diff(out)) > jump_mm + 0.5 * dt) | (dt > gap_mm)) + 1
    if len(cuts) == 0:
        return keep
    starts = np.concatenate([[0], cuts])
    ends = np.concatenate([cuts, [n]])
    seg = np.repeat(np.arange(len(starts)), ends - starts)
    lo_t, hi_t = t[starts], t[ends - 1]
    length = hi_t - lo_t
    # Each stretch's two ends, all at once: the mean of its first / last 10 mm and a
    # straight line through its first / last 20 mm (sums per stretch by bincount).
    ends_fit = {}
    for name, dist in (("lo", t - lo_t[seg]), ("hi", hi_t[seg] - t)):
        near10, near20 = dist <= 10.0, dist <= 20.0
        m = len(starts)
        c10 = np.bincount(seg, near10, m)
        mean10 = np.bincount(seg, near10 * out, m) / np.maximum(c10, 1)
        w = near20.astype(float)
        c = np.bincount(seg, w, m)
        st, sr = np.bincount(seg, w * t, m), np.bincount(seg, w * out, m)
        stt, str_ = np.bincount(seg, w * t * t, m), np.bincount(seg, w * t * out, m)
        var = stt / np.maximum(c, 1) - (st / np.maximum(c, 1)) ** 2
        cov = str_ / np.maximum(c, 1) - st * sr / np.maximum(c, 1) ** 2
        slope = np.where((c >= 3) & (var > 4.0), cov / np.where(var > 0, var, 1.0), 0.0)
        slope = np.clip(slope, -1.0, 1.0)
        end_t = lo_t if name == "lo" else hi_t
        line_at_end = sr / np.maximum(c, 1) + slope * (end_t - st / np.maximum(c, 1))
        ends_fit[name] = (mean10, slope, line_at_end)
    lo_mean, lo_slope, lo_line = ends_fit["lo"]
    hi_mean, hi_slope, hi_line = ends_fit["hi"]
    alive = np.arange(len(starts))
    while len(alive) > 1:
        a, b = alive[:-1], alive[1:]  # each boundary: a below, b above
        # b's first 10 mm against a's outline carried up, and a's last 10 mm against b's
        # outline carried down: how far each stands outward of the other.
        up = lo_mean[b] - (hi_line[a] + hi_slope[a] * (lo_t[b] - hi_t[a]))
        down = hi_mean[a] - (lo_line[b] + lo_slope[b] * (hi_t[a] - lo_t[b]))
        outer = np.where(up >= down, b, a)
        size = np.maximum(up, down)
        size[length[outer] > max_bleed_mm] = -np.inf
        k = int(np.argmax(size))
        if size[k] <= jump_mm:
            break
        alive = alive[alive != outer[k]]
    alive_mask = np.zeros(len(starts), bool)
    alive_mask[alive] = True
    ok = alive_mask[seg]
    if ok.mean() < 1.0 - OUTLINE_MAX_DROP_SHARE:
        return keep  # fragments too short to judge: the outline stays as found
    keep[order] = ok
    return keep



def toe_tip_px(mask: PersonMask, ankle_px: PointsPx, toe_px: PointsPx,
               half_box_px: float) -> PointsPx | None:
    """The lowest silhouette point of the foot near its toe landmark: the front of the toe.

    The toe is the nearest point of the foot to the camera, so it is the lowest one in the
    image; the landmark itself can be tens of pixels off. The point lies on the toe's
    rounded front, not on the floor (``vision.foot_placement.TOE_FRONT_HEIGHT_MM``).
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


def _follow_outline(image_bgr: ImageBGR, edges: RowEdges, calibration: CameraCalibration,
                    axis: LegAxis) -> tuple[RowEdges, dict[str, RayGeometry] | None]:
    """Edges with every stretch that bled off the leg searched again along the outline.

    ``inner_outline`` finds the stretches; on their rows the edge is searched afresh near
    where the outline above and below them runs (linear in the image between the good
    rows), and the row is dropped when no gradient peak is there. Costs nothing on a
    clean frame (no stretch found, no search). Also returns each side's rays against
    ``axis`` when the edges came back unchanged (None when they changed).
    """
    xs = {"left": edges.left_x_px.copy(), "right": edges.right_x_px.copy()}
    valid = edges.valid.copy()
    rows = np.flatnonzero(edges.valid)
    window = default_window_px(image_bgr.shape[1])
    changed = False
    rays: dict[str, RayGeometry] = {}
    for side in ("left", "right"):
        pts = edges.points_px(side)
        g = rays[side] = rays_to_axis(calibration, pts, axis)
        keep = inner_outline(g.t_mm, g.r_mm)
        if keep.all() or keep.sum() < 2:
            continue
        changed = True
        bad = ~keep
        guess = np.interp(pts[bad, 1], pts[keep, 1], pts[keep, 0])
        found = refine_near(image_bgr, pts[bad, 1], guess, window, edges.min_contrast)
        # A peak at the window's far side is the next background line, not the leg.
        found[np.abs(found - guess) > 0.6 * window] = np.nan
        xs[side][rows[bad]] = found
        valid[rows[bad][~np.isfinite(found)]] = False
    if not changed:
        return edges, rays
    return replace(edges, left_x_px=xs["left"], right_x_px=xs["right"],
                   valid=valid), None


def _long_runs(flags: BoolArray, min_len: float) -> BoolArray:
    """Mask of the True entries that belong to a run of at least ``min_len`` Trues."""
    f = np.concatenate([[False], flags, [False]]).astype(np.int8)
    d = np.diff(f)
    starts, ends = np.flatnonzero(d == 1), np.flatnonzero(d == -1)
    out = np.zeros(len(flags), bool)
    for a, b in zip(starts, ends, strict=True):
        if b - a >= min_len:
            out[a:b] = True
    return out


def _offset_fill(y_px: FloatArray, x_px: FloatArray, mask_x_px: FloatArray, ok: BoolArray,
                 max_gap_rows: float, min_gap_rows: float = 0.0) -> FloatArray:
    """Edge x on every row: refined where ``ok``, else mask edge + the local refined offset.

    The offset (refined minus mask) is the median over the ``FILL_ANCHOR_ROWS`` nearest
    refined rows above and below, interpolated linearly in y across the gap; rows farther
    than ``max_gap_rows`` from any refined row, or without a mask edge, stay NaN.
    """
    out = np.where(ok, x_px, np.nan)
    good = np.flatnonzero(ok & np.isfinite(mask_x_px))
    todo = np.flatnonzero(_long_runs(~ok, min_gap_rows) & np.isfinite(mask_x_px))
    if len(good) < FILL_ANCHOR_ROWS or len(todo) == 0:
        return out
    off = x_px[good] - mask_x_px[good]
    smooth = np.median(centred_windows(off, 2 * (FILL_ANCHOR_ROWS // 2) + 1), axis=1)
    gy = y_px[good]
    dist = np.min(np.abs(y_px[todo][:, None] - gy[None, :]), axis=1)
    near = dist <= max_gap_rows
    todo = todo[near]
    out[todo] = mask_x_px[todo] + np.interp(y_px[todo], gy, smooth)
    return out


def fill_lost_edges(edges: RowEdges, px_per_mm: float) -> tuple[RowEdges, BoolArray]:
    """Edges with the rows whose gradient edge was lost filled from the mask's outline.

    Returns the new edges and a mask of the rows that carry a filled edge (either side).
    """
    step = float(np.median(np.diff(edges.y_px))) if len(edges.y_px) > 1 else 1.0
    max_gap_rows = MAX_FILL_MM * px_per_mm
    min_gap_rows = MIN_FILL_GAP_MM * px_per_mm / step
    ok_l, ok_r = np.isfinite(edges.left_x_px), np.isfinite(edges.right_x_px)
    left = _offset_fill(edges.y_px, edges.left_x_px, edges.mask_left_x_px, ok_l, max_gap_rows,
                        min_gap_rows)
    right = _offset_fill(edges.y_px, edges.right_x_px, edges.mask_right_x_px, ok_r,
                         max_gap_rows, min_gap_rows)
    valid = np.isfinite(left) & np.isfinite(right) & (right - left > 3)
    filled = valid & ~edges.valid
    if not filled.any():
        return edges, filled
    return replace(edges, left_x_px=left, right_x_px=right, valid=valid), filled


def fills_off_outline(width_mm: FloatArray, filled: BoolArray,
                      step_mm: float = FILL_STEP_MM) -> BoolArray:
    """Mask of the filled bins that belong to a run stepping away from both neighbours.

    ``width_mm``: the width per bin with the fill in place; ``filled``: the bins the fill
    supplied. A run of filled bins is judged against the nearest measured (unfilled) bin
    just below and just above it: when the run's end widths step by more than ``step_mm``
    against both, in the same direction, the run is a dent or bulge no leg has. A run
    with a measured neighbour on one side only (or none) cannot be judged and is kept.
    """
    out = np.zeros(len(width_mm), bool)
    ok = np.isfinite(width_mm)
    runs = _long_runs(filled & ok, 1)
    f = np.concatenate([[False], runs, [False]]).astype(np.int8)
    d = np.diff(f)
    for a, b in zip(np.flatnonzero(d == 1), np.flatnonzero(d == -1), strict=True):
        below, above = a - 1, b  # the bins right next to the run
        if below < 0 or above >= len(width_mm) or not (ok[below] and ok[above]):
            continue
        if filled[below] or filled[above]:
            continue
        step_lo = width_mm[a] - width_mm[below]
        step_hi = width_mm[b - 1] - width_mm[above]
        if (abs(step_lo) > step_mm and abs(step_hi) > step_mm
                and np.sign(step_lo) == np.sign(step_hi)):
            out[a:b] = True
    return out


def _width_profile(calibration: CameraCalibration, edges: RowEdges, axis: LegAxis,
                   rays: dict[str, RayGeometry] | None = None) -> tuple[FloatArray, IntArray]:
    """Binned width (mm) and rows per bin from both edges' rays, outliers dropped.

    ``rays``: each side's rays against ``axis`` when already worked out for these edges.
    """
    if rays is None:
        rays = {side: rays_to_axis(calibration, edges.points_px(side), axis)
                for side in ("left", "right")}
    left, right = rays["left"], rays["right"]
    keep_l = drop_edge_outliers(left.t_mm, left.r_mm)
    keep_r = drop_edge_outliers(right.t_mm, right.r_mm)
    r_left, n_left = _binned_median(left.t_mm[keep_l], left.r_mm[keep_l])
    r_right, n_right = _binned_median(right.t_mm[keep_r], right.r_mm[keep_r])
    width = r_right - r_left
    width[~(width > 0)] = np.nan
    return width, np.minimum(n_left, n_right)


def side_search_band(calibration: CameraCalibration, mat: MatSpec, leg: Leg,
                     knee_px: PointsPx, shank_px: float, other_knee_px: PointsPx | None
                     ) -> tuple[float, float]:
    """Side-on search band of one leg: (shift of its centre along image x, half width),
    px: ``SIDE_BACK_HALF_WIDTH_SHARE`` of the shank behind its landmarks' line and
    ``MAX_HALF_WIDTH_SHARE`` in front of it (which way is behind in the image comes from
    the printed footprint). ``other_knee_px``: the other leg's knee landmark; the far
    leg's band stays ``MAX_HALF_WIDTH_SHARE`` both ways when its knee landmark stands near
    that one (``FAR_BACK_KNEES_APART_SHARE``) or it is not known."""
    stance = mat.stance(Stance.SIDE)
    own, other = stance.foot(leg), stance.foot(leg.other)
    narrow = MAX_HALF_WIDTH_SHARE * shank_px
    camera = calibration.require_floor_pose().camera_position_mm[:2]
    knees_apart_px = (0.0 if other_knee_px is None
                      else float(np.linalg.norm(np.subtract(knee_px, other_knee_px))))
    if (_distance_mm(own, camera) > _distance_mm(other, camera)
            and knees_apart_px < FAR_BACK_KNEES_APART_SHARE * shank_px):
        return 0.0, narrow
    heel_px, toe_px = calibration.project_mm(np.array([[*own.heel_xy_mm, 0.0],
                                                       [*own.toe_xy_mm, 0.0]]))
    back_x = -1.0 if toe_px[0] >= heel_px[0] else 1.0
    wide = SIDE_BACK_HALF_WIDTH_SHARE * shank_px
    return back_x * (wide - narrow) / 2, (wide + narrow) / 2


def _distance_mm(foot: Footprint, point_xy_mm: FloatArray) -> float:
    """Distance on the floor from a footprint's middle to a point."""
    middle = (np.asarray(foot.heel_xy_mm) + np.asarray(foot.toe_xy_mm)) / 2
    return float(np.linalg.norm(middle - point_xy_mm))


def leg_view_profile(image_bgr: ImageBGR, mask: PersonMask, landmarks: LegLandmarks, leg: Leg,
                     stance: Stance, calibration: CameraCalibration, mat: MatSpec,
                     row_step: int = 1, other_knee_px: PointsPx | None = None
                     ) -> LegViewProfile:
    """Measure one leg in one frame (the per-frame work of the measurer).

    ``other_knee_px``: side-on, the other leg's knee landmark (``side_search_band``).
    """
    knee = landmarks.knee.xy_px
    ankle = landmarks.ankle.xy_px
    shank_px = float(np.linalg.norm(knee - ankle))
    if stance is Stance.FRONT:
        toe = toe_tip_px(mask, ankle, landmarks.toe.xy_px, 0.15 * shank_px)
        toe_floor = None if toe is None else floor_point(calibration, toe, TOE_FRONT_HEIGHT_MM)
        axis = front_axis(calibration, mat, leg, ankle, knee, toe_floor)
        shift_px, half_px = 0.0, MAX_HALF_WIDTH_SHARE * shank_px
    else:
        axis = side_axis(calibration, mat, leg, ankle, knee)
        shift_px, half_px = side_search_band(calibration, mat, leg, knee, shank_px,
                                             other_knee_px)
    # Scan from a little above the knee to a little below the ankle landmark.
    along = (ankle - knee) / max(shank_px, 1e-6)
    top = knee - along * 0.1 * shank_px + [shift_px, 0.0]
    bottom = ankle + along * 0.04 * shank_px + [shift_px, 0.0]
    edges = find_leg_edges(image_bgr, mask, top, bottom, half_px, row_step=row_step)
    if stance is Stance.FRONT:
        edges = outermost_inner_edges(image_bgr, mask, edges, inner_side(leg),
                                      default_window_px(image_bgr.shape[1]))
    edges = extend_through_shade(image_bgr, edges, default_window_px(image_bgr.shape[1]))
    axis = refit_axis(calibration, axis, edges.midpoints_px)
    if stance is Stance.SIDE:
        axis = side_axis_on_bones(axis, mat, leg)
    edges, rays = _follow_outline(image_bgr, edges, calibration, axis)
    width, samples = _width_profile(calibration, edges, axis, rays)
    filled_share = np.zeros(len(HEIGHTS_MM))
    if np.isnan(width).any():
        # Holes (a gradient edge lost over a floor of the skin's colour): filled from the
        # mask's outline, but only bins no refined edge reached; a refined bin never
        # gives way to the mask.
        filled_edges, filled = fill_lost_edges(
            edges, pixels_per_mm(calibration, axis.point_at(400.0)))
        if filled.any():
            width_f, samples_f = _width_profile(calibration, filled_edges, axis)
            hole = np.isnan(width) & np.isfinite(width_f)
            width_f = np.where(hole, width_f, width)
            hole &= ~fills_off_outline(width_f, hole)
            width = np.where(hole, width_f, width)
            samples = np.where(hole, samples_f, samples)
            filled_share = hole.astype(float)
            edges = filled_edges
    ankle_t, knee_t = (float(t) for t in rays_to_axis(calibration, np.stack([ankle, knee]),
                                                        axis).t_mm)
    scale = pixels_per_mm(calibration, axis.point_at(0.5 * (ankle_t + knee_t)))
    return LegViewProfile(stance, leg, width, samples, axis, edges, scale, ankle_t, knee_t,
                          filled_share=filled_share)
