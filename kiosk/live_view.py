"""The live view's frames at the screen's scale, with what is drawn over them.

The camera thread hands the screen frames no larger than it shows
(``kiosk.workers.display_view``); everything drawn over a frame (the measurer's overlay,
the footprints) is in the camera's pixels and is scaled here to match.
"""

from __future__ import annotations

import numpy as np

from vision.overlay import FrameOverlay, LegOverlay


def scale_px(points_px: np.ndarray, scale: float) -> np.ndarray:
    """Pixel coordinates (pixel centres at integers) in an image scaled by ``scale``."""
    if scale == 1.0:
        return points_px
    return (np.asarray(points_px, float) + 0.5) * scale - 0.5


def scale_overlay(overlay: FrameOverlay, scale: float) -> FrameOverlay:
    """The measurer's overlay for a frame shown at ``scale``."""
    if scale == 1.0:
        return overlay
    legs = []
    for o in overlay.legs:
        legs.append(LegOverlay(
            leg=o.leg,
            landmarks_px={k: tuple(scale_px(np.asarray(v, float), scale))
                          for k, v in o.landmarks_px.items()},
            left_edge_px=scale_px(o.left_edge_px, scale),
            right_edge_px=scale_px(o.right_edge_px, scale),
            axis_px=scale_px(o.axis_px, scale),
            height_lines_px={k: scale_px(v, scale) for k, v in o.height_lines_px.items()}))
    return FrameOverlay(tuple(legs))
