"""The per-row searches of the edge finder, done for all rows at once with array indexing.

Two searches, each the same decision a single row would make, gathered into arrays so a
leg's ~700 rows at 1080x1920 cost a few array operations instead of ~700 Python loops
(the loops cost ~250 ms of CPU per frame; these cost a few ms):

- ``mask_runs``: in each row, the run of mask >= 0.5 nearest the row's expected centre
  and its two sub-pixel 0.5 crossings (the search window for the gradient edge);
- ``gradient_peaks``: in each row, the local peak of the gradient magnitude nearest a
  guess (a mild Gaussian weight) and most like a step toward the background, refined by
  a parabola through it and its neighbours.

Both give NaN on a row where there is nothing clean to find; ``vision.edges`` documents
why the edges are found this way.
"""

from __future__ import annotations

import numpy as np

from vision.arrays import Float32Array, FloatArray, IntArray, PersonMask

MASK_LEVEL = 0.5
# A silhouette edge is a blurred step: its gradient peak falls to the background's own
# (near nothing) a few pixels outward, where the leg has ended. A shading ramp inside the
# rim is broad: its gradient is still high there, on its way to the real edge. So each
# candidate peak is weighted by the share of it that is gone ``STEP_SIDE_PX`` outward
# (about 3 sd of the image blur plus the gradient's own smoothing), never below
# ``MIN_STEP_SHARE`` (a ramp stays a candidate where nothing else is). Only the outer
# side: the inner side of a true edge may carry the rim's shading. On the development
# scenes: cB MAE 2.20 -> 2.06 mm; colour at half resolution 2.55 -> 2.32 (the dark ankle
# over a dark floor, +16.3 mm, now +8.2); JPEG q85 cC 3.95 -> 3.72 and 6 -> 4 girths over
# 8 mm. With strong sensor noise the share is noisy too: cB 2.52 -> 2.68 mm there.
STEP_SIDE_PX = 4
MIN_STEP_SHARE = 0.05


def mask_runs(mask: PersonMask, y_px: IntArray, centre_x_px: FloatArray,
              half_band_px: float) -> tuple[FloatArray, FloatArray]:
    """Sub-pixel 0.5 crossings (left, right) of the mask run nearest each row's centre.

    Row ``y_px[i]`` is searched in ``centre_x_px[i] +/- half_band_px``. Of the runs of
    mask >= 0.5 there, the one containing the centre (or, failing that, the one whose end
    is nearest it; the leftmost on a tie) is taken. NaN on rows with no run, a band
    narrower than 4 px, or a run that touches the band or the image border (no clean
    edge). Crossings are linear interpolations between the pixels either side of 0.5.
    """
    ys = np.asarray(y_px).astype(np.intp)
    cx = np.asarray(centre_x_px, float)
    n = len(ys)
    left = np.full(n, np.nan)
    right = np.full(n, np.nan)
    w = mask.shape[1]
    if n == 0:
        return left, right
    # Band limits per row, truncated toward zero as int() does.
    lo = np.maximum(0, np.trunc(cx - half_band_px).astype(np.intp))
    hi = np.minimum(w - 1, np.trunc(cx + half_band_px).astype(np.intp))
    usable = hi - lo >= 3
    if not usable.any():
        return left, right
    # One rectangle holds every row's band; each row keeps only its own band of it.
    x0 = int(lo[usable].min())
    x1 = int(hi[usable].max())
    cols = np.arange(x0, x1 + 1)
    in_band = (cols >= lo[:, None]) & (cols <= hi[:, None]) & usable[:, None]
    inside = (mask[ys, x0:x1 + 1] >= MASK_LEVEL) & in_band
    # Runs: a start is inside with outside before it, an end inside with outside after.
    # np.nonzero walks row by row, left to right, so the k-th start and k-th end of the
    # flattened lists belong to the same run.
    before = np.zeros_like(inside)
    before[:, 1:] = inside[:, :-1]
    after = np.zeros_like(inside)
    after[:, :-1] = inside[:, 1:]
    run_row, start_col = np.nonzero(inside & ~before)
    _, end_col = np.nonzero(inside & ~after)
    if len(run_row) == 0:
        return left, right
    s = x0 + start_col
    e = x0 + end_col
    c = cx[run_row]
    dist = np.where((s <= c) & (e >= c), 0.0, np.minimum(np.abs(s - c), np.abs(e - c)))
    # The nearest run per row; lexsort is stable, so on a tie the leftmost run wins.
    order = np.lexsort((dist, run_row))
    first = order[np.r_[True, run_row[order][1:] != run_row[order][:-1]]]
    row, s, e = run_row[first], s[first], e[first]
    clean = (s > 0) & (e < w - 1) & (s != lo[row]) & (e != hi[row])
    row, s, e = row[clean], s[clean], e[clean]
    y = ys[row]
    a = mask[y, s - 1].astype(float)
    b = mask[y, s].astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        left[row] = np.where(b != a, (s - 1) + (MASK_LEVEL - a) / (b - a), s.astype(float))
        a = mask[y, e].astype(float)
        b = mask[y, e + 1].astype(float)
        right[row] = np.where(b != a, e + (a - MASK_LEVEL) / (a - b), e.astype(float))
    return left, right


def step_share(peak: Float32Array, beyond: Float32Array) -> Float32Array:
    """How much of a gradient peak is gone at ``beyond`` (its value outward), in
    [``MIN_STEP_SHARE``, 1]: 1 for a clean step, near 0 for a ramp."""
    with np.errstate(divide="ignore", invalid="ignore"):
        share = (peak - beyond) / peak
    return np.clip(np.nan_to_num(share, nan=MIN_STEP_SHARE), MIN_STEP_SHARE, 1.0)


def gradient_peaks(mag: Float32Array, rows: IntArray, guess_x_px: FloatArray, x0: int,
                   window_px: int, outward: int = 0) -> tuple[FloatArray, FloatArray]:
    """Sub-pixel gradient peak (x, peak value) nearest each guess, NaN where none.

    ``mag``: gradient magnitude of a region whose column 0 is image column ``x0``;
    ``rows``: the region's row of each guess; ``guess_x_px``: image columns. On each row
    the local maxima within ``window_px`` of the rounded guess are weighted by a Gaussian
    of sd ``window_px`` around the guess; the strongest is refined by a parabola through it
    and its two neighbours (offset clipped to half a pixel). ``outward``: on which side
    the background lies (-1: smaller x, a left edge; +1: larger x; 0: unknown); with a
    side, each peak's weight is also its step share on that side (``step_share``).
    """
    rows = np.asarray(rows).astype(np.intp)
    g = np.asarray(guess_x_px, float) - x0
    n = len(rows)
    x_out = np.full(n, np.nan)
    peak_out = np.full(n, np.nan)
    ncols = mag.shape[1]
    ok = np.isfinite(g)
    if n == 0 or not ok.any():
        return x_out, peak_out
    centre = np.zeros(n, np.intp)
    centre[ok] = np.rint(g[ok]).astype(np.intp)  # half to even, as round() does
    lo = np.maximum(1, centre - window_px)
    hi = np.minimum(ncols - 2, centre + window_px)
    ok &= hi - lo >= 2
    idx = np.flatnonzero(ok)
    if len(idx) == 0:
        return x_out, peak_out
    r = rows[idx, None]
    cols = centre[idx, None] + np.arange(-window_px, window_px + 1)
    in_window = (cols >= lo[idx, None]) & (cols <= hi[idx, None])
    safe = np.clip(cols, 1, max(1, ncols - 2))
    seg = mag[r, safe]
    peaks = in_window & (seg >= mag[r, safe - 1]) & (seg >= mag[r, safe + 1])
    weight = np.exp(-0.5 * ((cols - g[idx, None]) / window_px) ** 2)
    if outward:
        beyond = mag[r, np.clip(cols + outward * STEP_SIDE_PX, 0, ncols - 1)]
        weight = weight * step_share(seg, beyond)
    score = np.where(peaks, seg * weight, -1.0)
    score[~in_window] = -np.inf
    best = np.argmax(score, axis=1)
    found = peaks.any(axis=1)
    idx = idx[found]
    k = cols[found][np.arange(len(idx)), best[found]]
    r = rows[idx]
    x_out[idx] = (x0 + k) + subpixel_offset(mag, r, k)
    peak_out[idx] = mag[r, k]
    return x_out, peak_out


def subpixel_offset(mag: Float32Array, rows: IntArray, cols: IntArray) -> FloatArray:
    """How far (px) each peak at ``cols`` of ``mag`` (1 to width - 2) lies from its pixel:
    the vertex of a parabola through it and its two neighbours, clipped to half a pixel."""
    m0 = mag[rows, cols].astype(float)
    m1 = mag[rows, cols - 1].astype(float)
    p1 = mag[rows, cols + 1].astype(float)
    denom = m1 - 2 * m0 + p1
    with np.errstate(divide="ignore", invalid="ignore"):
        offset = np.where(denom < 0, 0.5 * (m1 - p1) / denom, 0.0)
    return np.asarray(np.clip(offset, -0.5, 0.5), float)
