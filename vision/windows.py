"""Centred running windows over a row of values, for the per-frame running medians.

``np.pad`` and ``sliding_window_view`` each cost more than the work they frame on the
hundred-odd scanned rows of a leg; this makes the same view with one concatenation.
"""

from __future__ import annotations

import numpy as np

from vision.arrays import FloatArray


def centred_windows(values: FloatArray, window: int, fill: float | None = None
                    ) -> FloatArray:
    """N x ``window`` (odd) read-only view: row i holds values[i - window // 2 ...
    i + window // 2], the ends padded with the end values (``fill`` None, as np.pad's
    "edge") or with ``fill``."""
    v = np.asarray(values, float)
    half = window // 2
    if len(v) == 0:
        return np.empty((0, window))
    lo = v[0] if fill is None else fill
    hi = v[-1] if fill is None else fill
    padded = np.concatenate([np.full(half, lo), v, np.full(half, hi)])
    step = padded.strides[0]
    windows: FloatArray = np.lib.stride_tricks.as_strided(
        padded, shape=(len(v), window), strides=(step, step), writeable=False)
    return windows
