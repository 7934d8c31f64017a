"""Per-height bins: the median of each bin, for all bins at once, is np.median's answer."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vision.profile import BIN_MM, HEIGHTS_MM, _binned_median


def reference(t_mm: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One bin at a time with np.median (the definition)."""
    out = np.full(len(HEIGHTS_MM), np.nan)
    count = np.zeros(len(HEIGHTS_MM), int)
    idx = np.floor(t_mm / BIN_MM).astype(int)
    for b in range(len(HEIGHTS_MM)):
        chunk = values[(idx == b) & np.isfinite(values)]
        if len(chunk):
            out[b], count[b] = np.median(chunk), len(chunk)
    return out, count


CASES = [
    # one value in bin 0
    ([1.0], [7.0], {0: (7.0, 1)}),
    # three values in bin 1 (5-10 mm): the middle one
    ([5.0, 6.0, 9.9], [3.0, 1.0, 2.0], {1: (2.0, 3)}),
    # two values: their mean
    ([12.0, 14.0], [1.0, 4.0], {2: (2.5, 2)}),
    # a NaN value is not counted; below the floor and above the grid are dropped
    ([0.5, 0.7, -3.0, 900.0], [np.nan, 4.0, 1.0, 1.0], {0: (4.0, 1)}),
    # two bins apart, values not in order
    ([22.0, 2.0, 23.0, 21.0], [9.0, 5.0, 1.0, 5.0], {0: (5.0, 1), 4: (5.0, 3)}),
]


@pytest.mark.parametrize(("t", "v", "expected"), CASES)
def test_known_bins(t, v, expected):
    out, count = _binned_median(np.array(t), np.array(v))
    assert {int(b): (float(out[b]), int(count[b])) for b in np.flatnonzero(count)} == expected
    assert np.isnan(out[count == 0]).all()


@settings(max_examples=50, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(0, 800))
def test_matches_np_median_per_bin(seed, n):
    rng = np.random.default_rng(seed)
    t = rng.uniform(-20, 820, n)
    v = rng.normal(40, 5, n)
    v[rng.random(n) < 0.05] = np.nan
    v[rng.random(n) < 0.3] = 40.0  # ties
    out, count = _binned_median(t, v)
    want_out, want_count = reference(t, v)
    np.testing.assert_array_equal(count, want_count)
    np.testing.assert_array_equal(out, want_out)  # bit for bit, NaN where empty
