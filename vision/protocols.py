"""The swappable parts of the vision pipeline. Each has a real implementation and a fake."""

from __future__ import annotations

from typing import Protocol

import numpy as np

from vision.types import Frame, PoseResult


class FrameSource(Protocol):
    """Frames from a camera, a video file, image files or a test generator.

    ``read`` returns the next frame, or None when a finite source (a file) has ended.
    It never blocks longer than ``timeout_s``: a camera that delivers nothing in time
    raises ``CameraUnavailable``.
    """

    def read(self, timeout_s: float = 2.0) -> Frame | None: ...

    def close(self) -> None: ...


class PoseEstimator(Protocol):
    """Finds the one person in a frame: landmarks in full-resolution pixels and a mask."""

    def estimate(self, frame: Frame) -> PoseResult: ...

    def close(self) -> None: ...


class Segmenter(Protocol):
    """A person mask, float32 H x W in 0..1 at full frame size."""

    def segment(self, frame: Frame) -> np.ndarray: ...

    def close(self) -> None: ...
