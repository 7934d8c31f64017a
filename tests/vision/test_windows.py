import numpy as np
import pytest

from vision.windows import centred_windows


@pytest.mark.parametrize("n", [1, 2, 5, 31, 170])
@pytest.mark.parametrize("window", [1, 3, 9, 31])
def test_windows_are_numpys_padded_sliding_windows(n, window):
    values = np.random.default_rng(n).normal(size=n)
    half = window // 2
    edge = np.lib.stride_tricks.sliding_window_view(np.pad(values, half, mode="edge"), window)
    nan = np.lib.stride_tricks.sliding_window_view(
        np.pad(values, half, constant_values=np.nan), window)
    assert np.array_equal(centred_windows(values, window), edge)
    assert np.array_equal(centred_windows(values, window, fill=np.nan), nan, equal_nan=True)


def test_no_values_no_windows():
    assert centred_windows(np.zeros(0), 9).shape == (0, 9)
