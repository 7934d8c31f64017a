"""The swappable parts of the vision pipeline. Each has a real implementation and a fake."""

from __future__ import annotations

from typing import Protocol

from vision.arrays import PersonMask
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
    """A mask of every person in view, float32 in 0..1.

    ``segment``: at full frame size (H x W). ``segment_small``: at whatever size the
    model works at (cheaper; enough for counting people, not for edges); a segmenter
    without a smaller mask returns ``segment``'s.
    """

    def segment(self, frame: Frame) -> PersonMask: ...

    def segment_small(self, frame: Frame) -> PersonMask: ...

    def close(self) -> None: ...
