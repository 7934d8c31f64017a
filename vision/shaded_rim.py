"""A leg's edge carried outward across its own rim in shade.

A leg turned away from the light has a dark rim: a band of skin, several pixels wide,
between the lit skin and the silhouette. The colour gradient then has two peaks of about
the same height, the shading ramp where the lit skin darkens and the silhouette where the
rim meets the background, and the search near the mask's edge may take the ramp: the
width comes out 10-20 px too small on those rows. The outline check
(``vision.profile.inner_outline``) cannot mend that: it knows a bleed steps outward, so
when the rows alternate between ramp and silhouette it keeps the inner line, the ramp.

Shade darkens the skin but keeps its hue: the three channels scale alike, so the
chromaticity (each channel's share of their sum) of a rim in shade is the lit skin's.
Past the silhouette lies a floor or wall of another hue. So on each row the next clear
gradient peak outward of the edge is taken instead when the band between the two has the
chromaticity of the leg's skin (the row's middle, lit) and not that of what lies beyond
the outer peak. Where the skin and the background share a hue (where masks bleed) the
test cannot tell them apart and the edge stays: the outline check keeps its say there.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from vision.arrays import BoolArray, Float32Array, FloatArray, ImageBGR, IntArray
from vision.edges import RowEdges, gradient_magnitude
from vision.row_search import subpixel_offset
from vision.windows import centred_windows

# How far outward (in search windows) the silhouette may lie past the found edge.
REACH_WINDOWS = 3.5
# The outer peak must reach this share of the found edge's own peak (the silhouette of a
# shaded rim steps about as much as the ramp inside it).
MIN_PEAK_SHARE = 0.4
# The band is the leg's skin when its chromaticity lies this much nearer the lit skin's
# than the background's (distance ratio), and the background differs from the band by at
# least ``MIN_HUE_STEP`` (chromaticity units: shares of the channel sum).
SKIN_RATIO = 0.75
MIN_HUE_STEP = 0.02
# One row's colours are a few pixels each, and a rim in shade lies on many rows: the
# ratio is judged as the median over this many neighbouring rows that have an outer peak
# (rows whose edge found none, already on the silhouette, do not vote). The row's own band
# must still lie nearer the skin than the background (ratio at most ``OWN_RATIO``).
VOTE_ROWS = 9
OWN_RATIO = 1.0
# Pixels next to each peak belong to its blur and are left out of the band and the beyond;
# the outer peak must lie at least 2 x BLUR_PX + 2 px out (a band of one pixel or more).
# One pixel rather than two reaches ramps 4-5 px inside the silhouette (fitting scenes
# 900000-900049: cB MAE 2.50 -> 2.37 mm, cC 4.22 -> 4.09).
BLUR_PX = 1
BEYOND_PX = 5
# Below this channel sum a pixel's chromaticity is mostly noise: left out.
MIN_SUM = 60.0


def _chromaticity(pixels: FloatArray) -> FloatArray:
    """... x 3 BGR -> ... x 3 shares of the channel sum (NaN where too dark to say)."""
    total = pixels.sum(axis=-1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(total >= MIN_SUM, pixels / total, np.nan)


def _mean_between(values: FloatArray, lo: IntArray, hi: IntArray) -> FloatArray:
    """Per row, the NaN-ignoring mean of ``values[row, lo:hi]`` (rows x K x 3)."""
    k = np.arange(values.shape[1])[None, :]
    inside = (k >= lo[:, None]) & (k < hi[:, None]) & np.isfinite(values[..., 0])
    # A pixel's three shares are NaN together (``_chromaticity``): inside, all are finite.
    total = np.where(inside[..., None], values, 0.0).sum(axis=1)
    count = inside.sum(axis=1)[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(count > 0, total / count, np.nan)


def _lit_skin(image_bgr: ImageBGR, edges: RowEdges, rows: IntArray) -> FloatArray:
    """Per row, the median chromaticity of the leg's middle (30-70 % of its width)."""
    y = edges.y_px[rows].astype(int)
    left, right = edges.left_x_px[rows], edges.right_x_px[rows]
    share = np.linspace(0.3, 0.7, 9)
    xs = np.rint(left[:, None] + share[None, :] * (right - left)[:, None]).astype(int)
    xs = np.clip(xs, 0, image_bgr.shape[1] - 1)
    chroma = _chromaticity(image_bgr[y[:, None], xs].astype(float))
    return _nan_median(chroma, axis=1)


def _outer_peaks(mag: Float32Array, rows: IntArray, cols: IntArray, inside: BoolArray,
                 min_contrast: float, reach_px: int) -> tuple[BoolArray, IntArray]:
    """Per row, whether a clear gradient peak lies outward of the edge within reach, and
    its step along ``cols`` (each row's columns of ``mag`` from the edge outward, clipped
    to it; ``inside`` where they were not)."""
    centre = mag[rows[:, None], cols]
    peak = (centre >= mag[rows[:, None], cols - 1]) & (centre >= mag[rows[:, None], cols + 1])
    peak &= inside
    own = centre[:, 0:2].max(axis=1)
    floor = np.maximum(min_contrast, MIN_PEAK_SHARE * own)[:, None]
    steps = np.arange(cols.shape[1])[None, :]
    clear = peak & (centre >= floor) & (steps >= 2 * BLUR_PX + 2) & (steps <= reach_px)
    return clear.any(axis=1), np.argmax(clear, axis=1)


def _skin_ratio(image_bgr: ImageBGR, y_px: IntArray, x_px: IntArray, step: IntArray,
                skin: FloatArray) -> FloatArray:
    """Per row, how near the pixels between the edge and the outer peak at ``step`` (of
    ``x_px``, each row's columns from the edge outward) lie to the lit skin's chromaticity
    against what lies beyond the peak: distance to the skin / distance to the beyond. NaN
    where the beyond's hue differs by less than ``MIN_HUE_STEP`` or is too dark to say."""
    w = image_bgr.shape[1]
    chroma = _chromaticity(image_bgr[y_px[:, None], np.clip(x_px, 0, w - 1)].astype(float))
    band = _mean_between(chroma, np.full(len(step), BLUR_PX + 1), step - BLUR_PX)
    beyond = _mean_between(chroma, step + BLUR_PX + 1, step + BLUR_PX + 1 + BEYOND_PX)
    d_skin = np.linalg.norm(band - skin, axis=1)
    d_beyond = np.linalg.norm(band - beyond, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(d_beyond >= MIN_HUE_STEP, d_skin / d_beyond, np.nan)


def _running_median(values: FloatArray, rows: int, at: IntArray) -> FloatArray:
    """At the indices ``at``, the NaN-ignoring median of the value and its neighbours
    (``rows`` in all)."""
    return _nan_median(centred_windows(values, rows, fill=np.nan)[at], axis=1)


def _nan_median(values: FloatArray, axis: int) -> FloatArray:
    """The median along ``axis`` of the finite values, NaN where there is none (numpy's
    nanmedian, without its masked-array cost: sorting puts NaN last)."""
    ordered = np.moveaxis(np.sort(values, axis=axis), axis, -1)
    count = np.isfinite(ordered).sum(axis=-1, keepdims=True)
    lo = np.take_along_axis(ordered, np.maximum(count - 1, 0) // 2, axis=-1)
    hi = np.take_along_axis(ordered, count // 2 - (count == 0), axis=-1)
    return np.where(count > 0, 0.5 * (lo + hi), np.nan)[..., 0]


def extend_through_shade(image_bgr: ImageBGR, edges: RowEdges, window_px: int) -> RowEdges:
    """``edges`` with each side moved outward where a shaded rim lay beyond it."""
    rows = np.flatnonzero(edges.valid)
    if len(rows) == 0:
        return edges
    h, w = image_bgr.shape[:2]
    reach_px = int(np.ceil(REACH_WINDOWS * window_px))
    span = reach_px + BLUR_PX + BEYOND_PX + 1
    y = edges.y_px[rows].astype(int)
    ya, yb = int(max(0, y.min() - 3)), int(min(h, y.max() + 4))
    xa = int(max(0, np.floor(np.nanmin(edges.left_x_px[rows])) - span - 2))
    xb = int(min(w, np.ceil(np.nanmax(edges.right_x_px[rows])) + span + 3))
    mag = gradient_magnitude(image_bgr[ya:yb, xa:xb])
    sides = {}
    for side, outward in (("left", -1), ("right", 1)):
        x = edges.left_x_px if side == "left" else edges.right_x_px
        x_px = np.rint(x[rows]).astype(int)[:, None] + outward * np.arange(span)[None, :]
        cols = np.clip(x_px - xa, 1, mag.shape[1] - 2)
        has, step = _outer_peaks(mag, y - ya, cols, cols == x_px - xa, edges.min_contrast,
                                 reach_px)
        sides[side] = (x_px, cols, has, step)
    # The colours are read on the rows with an outer peak on either side only.
    either = np.flatnonzero(sides["left"][2] | sides["right"][2])
    skin = np.full((len(rows), 3), np.nan)
    if len(either):
        skin[either] = _lit_skin(image_bgr, edges, rows[either])
    moved = {}
    for side, (x_px, cols, has, step) in sides.items():
        x = (edges.left_x_px if side == "left" else edges.right_x_px).copy()
        cand = np.flatnonzero(has)
        ratio = np.full(len(rows), np.nan)
        ratio[cand] = _skin_ratio(image_bgr, y[cand], x_px[cand], step[cand], skin[cand])
        with np.errstate(invalid="ignore"):  # NaN compares False: the edge stays
            own = np.flatnonzero(ratio <= OWN_RATIO)
            move = own[_running_median(ratio, VOTE_ROWS, own) <= SKIN_RATIO]
        peak_col = cols[move, step[move]]
        x[rows[move]] = xa + peak_col + subpixel_offset(mag, y[move] - ya, peak_col)
        moved[side] = x
    return dataclasses.replace(edges, left_x_px=moved["left"], right_x_px=moved["right"])
