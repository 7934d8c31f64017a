"""What the UI and the debug images draw over a frame: plain pixel data, no image.

``LegOverlay`` carries, for one leg in one frame, the landmarks, the refined edge points,
the leg's axis as drawn in the image and, once a result exists, the measured heights (cB,
cC, cD) as short pixel segments across the leg.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fitting.measurement import Leg
from vision.arrays import PointsPx


@dataclass(frozen=True, eq=False)
class LegOverlay:
    """One leg's overlay in full-resolution pixels (N x 2 arrays, x then y)."""

    leg: Leg
    landmarks_px: dict[str, tuple[float, float]]
    left_edge_px: PointsPx
    right_edge_px: PointsPx
    axis_px: PointsPx  # 2 x 2: two points on the axis (low, high)
    height_lines_px: dict[str, PointsPx] = field(default_factory=dict)  # name -> 2 x 2


@dataclass(frozen=True, eq=False)
class FrameOverlay:
    """Both legs' overlays for one frame (either may be missing when a leg was not measured)."""

    legs: tuple[LegOverlay, ...] = ()

    def leg(self, leg: Leg) -> LegOverlay | None:
        return next((o for o in self.legs if o.leg == leg), None)
