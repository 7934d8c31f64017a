"""The all-rows-at-once edge searches give exactly what a row-by-row search gives.

The reference below is the one-row-at-a-time search the edge finder used before it was
vectorised (kept here as the oracle): every row's answer must be identical, to the last
bit, on hand-made rows with a known answer and on many random rows.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vision.row_search import (
    MASK_LEVEL,
    MIN_STEP_SHARE,
    STEP_SIDE_PX,
    gradient_peaks,
    mask_runs,
)


def reference_mask_run(row: np.ndarray, centre_x: float, half_band_px: float
                       ) -> tuple[float, float] | None:
    w = row.shape[0]
    lo = max(0, int(centre_x - half_band_px))
    hi = min(w - 1, int(centre_x + half_band_px))
    if hi - lo < 3:
        return None
    inside = row[lo:hi + 1] >= MASK_LEVEL
    if not inside.any():
        return None
    idx = np.flatnonzero(inside)
    breaks = np.flatnonzero(np.diff(idx) > 1)
    starts = np.concatenate([[idx[0]], idx[breaks + 1]]) + lo
    ends = np.concatenate([idx[breaks], [idx[-1]]]) + lo
    dist = np.where((starts <= centre_x) & (ends >= centre_x), 0.0,
                    np.minimum(abs(starts - centre_x), abs(ends - centre_x)))
    k = int(np.argmin(dist))
    s, e = int(starts[k]), int(ends[k])
    if s <= 0 or e >= w - 1 or s == lo or e == hi:
        return None
    a, b = float(row[s - 1]), float(row[s])
    left = (s - 1) + (MASK_LEVEL - a) / (b - a) if b != a else float(s)
    a, b = float(row[e]), float(row[e + 1])
    right = e + (a - MASK_LEVEL) / (a - b) if b != a else float(e)
    return left, right


def reference_peak(mag_row: np.ndarray, guess_x: float, x0: int, window_px: int,
                   outward: int = 0) -> tuple[float, float] | None:
    g = guess_x - x0
    lo = max(1, round(g) - window_px)
    hi = min(mag_row.shape[0] - 2, round(g) + window_px)
    if hi - lo < 2:
        return None
    xs = np.arange(lo, hi + 1)
    seg = mag_row[lo:hi + 1]
    peaks = (seg >= mag_row[lo - 1:hi]) & (seg >= mag_row[lo + 1:hi + 2])
    if not peaks.any():
        return None
    weight = np.exp(-0.5 * ((xs - g) / window_px) ** 2)
    if outward:
        beyond = mag_row[np.clip(xs + outward * STEP_SIDE_PX, 0, mag_row.shape[0] - 1)]
        for i, (p, b) in enumerate(zip(seg, beyond, strict=True)):
            share = (p - b) / p if p > 0 else MIN_STEP_SHARE
            weight[i] *= min(1.0, max(MIN_STEP_SHARE, share))
    score = np.where(peaks, seg * weight, -1.0)
    k = int(xs[np.argmax(score)])
    m0, m1, p1 = float(mag_row[k]), float(mag_row[k - 1]), float(mag_row[k + 1])
    denom = m1 - 2 * m0 + p1
    offset = 0.5 * (m1 - p1) / denom if denom < 0 else 0.0
    return x0 + k + float(np.clip(offset, -0.5, 0.5)), m0


def _as_pair(left: float, right: float) -> tuple[float, float] | None:
    return None if np.isnan(left) else (float(left), float(right))


def _row(*spans: tuple[int, int, float], width: int = 40) -> np.ndarray:
    """A float32 mask row, 0 except the given (start, stop, value) spans."""
    row = np.zeros(width, np.float32)
    for a, b, v in spans:
        row[a:b] = v
    return row


RUN_CASES = [
    # one run with soft shoulders: 0.25 -> 1 crosses a third of the way from 9; the 0.75
    # pixel is inside the run and 0.75 -> 0 crosses a third of the way past 20
    (_row((9, 10, 0.25), (10, 20, 1.0), (20, 21, 0.75)), 15.0, 12.0, (9 + 1 / 3, 20 + 1 / 3)),
    # a hard 0/1 step: the crossing halfway between the two pixels
    (_row((10, 20, 1.0)), 15.0, 12.0, (9.5, 19.5)),
    # two runs, centre in neither: the nearer one (right run's start is 2 px away)
    (_row((5, 9, 1.0), (19, 25, 1.0)), 17.0, 16.0, (18.5, 24.5)),
    # two runs whose ends are both 4 px from the centre: the left one
    (_row((8, 12, 1.0), (19, 23, 1.0)), 15.0, 14.0, (7.5, 11.5)),
    # the run reaches the band's edge: no clean edge
    (_row((10, 30, 1.0)), 15.0, 8.0, None),
    # the run touches the image border: no clean edge
    (_row((0, 12, 1.0)), 6.0, 10.0, None),
    # nothing at or above 0.5 in the band
    (_row((10, 20, 0.49)), 15.0, 12.0, None),
    # a band narrower than 4 px
    (_row((10, 20, 1.0)), 15.0, 1.4, None),
    # the centre outside the image on the left: the band is cut at column 0
    (_row((3, 8, 1.0)), -4.0, 14.0, (2.5, 7.5)),
    # a pixel at exactly 0.5 belongs to the run, and the crossing is on it
    (_row((9, 10, 0.5), (10, 20, 1.0)), 15.0, 12.0, (9.0, 19.5)),
]


@pytest.mark.parametrize(("row", "centre", "half_band", "expected"), RUN_CASES)
def test_mask_runs_known_rows(row, centre, half_band, expected):
    got = mask_runs(row[None, :], np.array([0]), np.array([centre]), half_band)
    assert _as_pair(got[0][0], got[1][0]) == (pytest.approx(expected) if expected else None)
    assert reference_mask_run(row, centre, half_band) == _as_pair(got[0][0], got[1][0])


def _mag(*values: float) -> np.ndarray:
    return np.array([values], np.float32)


PEAK_CASES = [
    # a symmetric peak at column 5: exactly there
    (_mag(0, 0, 0, 1, 3, 5, 3, 1, 0, 0, 0), 5.0, 0, 4, (5.0, 5.0)),
    # a lopsided peak: the parabola moves it toward the stronger neighbour
    (_mag(0, 0, 0, 1, 4, 5, 2, 1, 0, 0, 0), 5.0, 0, 4, (5 + 0.5 * (4 - 2) / (4 - 10 + 2), 5.0)),
    # two equal peaks: the one nearer the guess (Gaussian weight)
    (_mag(0, 5, 0, 0, 0, 0, 0, 5, 0, 0, 0), 6.0, 0, 5, (7.0, 5.0)),
    # a much stronger peak farther away wins over a weak near one
    (_mag(0, 9, 0, 0, 0, 1, 0, 0, 0, 0, 0), 5.0, 0, 5, (1.0, 9.0)),
    # the region starts at image column 100: x is in image columns
    (_mag(0, 0, 0, 1, 3, 5, 3, 1, 0, 0, 0), 105.0, 100, 4, (105.0, 5.0)),
    # a monotonic ramp has no local peak inside the window
    (_mag(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 5.0, 0, 2, None),
    # a guess at the region's edge leaves fewer than 3 columns
    (_mag(0, 0, 1, 0, 0), 4.6, 0, 1, None),
    # a half-pixel guess rounds half to even (2.5 -> 2), so the window is columns 1-3
    (_mag(0, 0, 3, 0, 0, 0, 9, 0), 2.5, 0, 1, (2.0, 3.0)),
]


@pytest.mark.parametrize(("mag", "guess", "x0", "window", "expected"), PEAK_CASES)
def test_gradient_peaks_known_rows(mag, guess, x0, window, expected):
    x, peak = gradient_peaks(mag, np.array([0]), np.array([guess]), x0, window)
    got = None if np.isnan(x[0]) else (float(x[0]), float(peak[0]))
    assert got == pytest.approx(expected) if expected else got is None
    assert reference_peak(mag[0], guess, x0, window) == got


def _random_mask(rng: np.random.Generator, n_rows: int, width: int) -> np.ndarray:
    """Rows of one or more blurred runs with noise, as an upsampled person mask looks."""
    mask = np.zeros((n_rows, width), np.float32)
    cols = np.arange(width)
    for _ in range(int(rng.integers(1, 4))):
        a = rng.uniform(-10, width, n_rows)[:, None]
        b = a + rng.uniform(2, width / 2, n_rows)[:, None]
        soft = rng.uniform(0.3, 3.0)
        mask += (1 / (1 + np.exp(-(cols - a) / soft)) * (1 / (1 + np.exp((cols - b) / soft)))
                 ).astype(np.float32)
    mask += rng.normal(0, 0.05, mask.shape).astype(np.float32)
    mask[rng.random(mask.shape) < 0.02] = 0.5  # exact 0.5 plateaus and ties
    return np.clip(mask, 0, 1).astype(np.float32)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), width=st.integers(6, 120),
       half_band=st.floats(1.0, 80.0))
def test_mask_runs_match_row_by_row(seed, width, half_band):
    rng = np.random.default_rng(seed)
    mask = _random_mask(rng, 40, width)
    ys = rng.integers(0, 40, 60)
    centres = rng.uniform(-20, width + 20, 60)
    left, right = mask_runs(mask, ys, centres, half_band)
    for i, (y, c) in enumerate(zip(ys, centres, strict=True)):
        assert _as_pair(left[i], right[i]) == reference_mask_run(mask[y], c, half_band)


@pytest.mark.parametrize(("outward", "expected_x"), [
    (0, 12.0),   # no side known: the ramp's peak, stronger and nearer the guess, wins
    (-1, 3.0),   # background to the left: the clean step (the ramp's gradient is still
                 # 5 of its 6 four pixels outward; the step's is gone there)
])
def test_a_step_beats_a_shading_ramp_on_its_outer_side(outward, expected_x):
    # A faint silhouette step at column 3, then the rim's shading ramp inside the leg: a
    # broad gradient rising to 6 at column 12, where the mask's guess is
    mag = _mag(0, 0, 1, 5, 1, 0.5, 2, 4, 5, 5.2, 5.5, 5.8, 6, 5.5, 5, 0, 0, 0)
    x, _ = gradient_peaks(mag, np.array([0]), np.array([12.0]), 0, 9, outward)
    assert x[0] == pytest.approx(expected_x, abs=0.5)
    assert reference_peak(mag[0], 12.0, 0, 9, outward)[0] == pytest.approx(x[0])


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), width=st.integers(3, 80), window=st.integers(1, 12),
       x0=st.integers(0, 500), quantised=st.booleans(), outward=st.sampled_from([-1, 0, 1]))
def test_gradient_peaks_match_row_by_row(seed, width, window, x0, quantised, outward):
    rng = np.random.default_rng(seed)
    mag = rng.gamma(2.0, 3.0, (30, width)).astype(np.float32)
    if quantised:
        mag = np.round(mag / 4).astype(np.float32)  # plateaus and equal peaks
    rows = rng.integers(0, 30, 50)
    guesses = x0 + rng.uniform(-5, width + 5, 50)
    guesses[rng.random(50) < 0.2] = x0 + rng.integers(0, width, 1) + 0.5  # half-pixel
    guesses[rng.random(50) < 0.05] = np.nan
    x, peak = gradient_peaks(mag, rows, guesses, x0, window, outward)
    for i, (r, g) in enumerate(zip(rows, guesses, strict=True)):
        want = None if np.isnan(g) else reference_peak(mag[r], g, x0, window, outward)
        got = None if np.isnan(x[i]) else (float(x[i]), float(peak[i]))
        assert got == want


def test_empty_inputs_give_empty_answers():
    mask = np.zeros((5, 10), np.float32)
    left, right = mask_runs(mask, np.zeros(0, int), np.zeros(0), 5.0)
    x, peak = gradient_peaks(mask, np.zeros(0, int), np.zeros(0), 0, 3)
    assert len(left) == len(right) == len(x) == len(peak) == 0
