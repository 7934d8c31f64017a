"""Named numpy array types for the vision pipeline, by what an array holds.

numpy's annotations say only the element type, not the shape: the names below say the
rest (the shape in each comment). Pixel coordinates are full-resolution (x right, y down,
see ``vision.types``); millimetres are in the mat frame (see ``calibration.mat``).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

# A camera frame or a drawing on one: H x W x 3 uint8, BGR (the pose model's input is the
# RGB of one; N x 3 for pixels gathered from one).
ImageBGR = npt.NDArray[np.uint8]
# A model's person mask: H x W, float32 in 0..1 (0.5 and above is the person).
PersonMask = npt.NDArray[np.float32]
# OpenCV's working numbers, float32: a single-channel image H x W (a gradient magnitude)
# or values gathered from one.
Float32Array = npt.NDArray[np.float32]
# A single-channel 8-bit image, H x W: grey levels, or a mask of 0 and 255.
ImageU8 = npt.NDArray[np.uint8]

# Numbers of any shape: millimetres, pixels, weights; a row per height bin or scanned row.
FloatArray = npt.NDArray[np.float64]
# Per-element flags: a row per scanned row, height bin or point.
BoolArray = npt.NDArray[np.bool_]
# Indices and counts.
IntArray = npt.NDArray[np.intp]

# Points in the image, N x 2 (x, y) px; a single point is a 2-vector.
PointsPx = npt.NDArray[np.float64]
# Points or directions in the mat frame, N x 3 mm; a single one is a 3-vector.
PointsMm = npt.NDArray[np.float64]
