"""The live view's frames and overlays: scaled to the screen, still in register."""

from __future__ import annotations

import numpy as np
import pytest

from kiosk.live_view import scale_overlay, scale_px
from kiosk.workers import display_view
from vision.overlay import FrameOverlay, LegOverlay


@pytest.mark.parametrize("full_px, scale, shown_px", [
    ((0.5, 0.5), 0.5, (0.0, 0.0)),        # between full pixels 0 and 1: small pixel 0's centre
    ((1079.5, 1919.5), 0.5, (539.5, 959.5)),  # the far corner stays the far corner
    ((10.0, 20.0), 1.0, (10.0, 20.0)),    # no scaling: unchanged
    ((3.0, 3.0), 0.25, (0.375, 0.375)),   # a quarter: (3 + 0.5) / 4 - 0.5
])
def test_scale_px_keeps_pixel_centres_in_register(full_px, scale, shown_px):
    assert np.allclose(scale_px(np.array([full_px]), scale), [shown_px])


def test_display_view_is_the_same_picture_smaller():
    rng = np.random.default_rng(1)
    frame = rng.integers(0, 255, (96, 64, 3), dtype=np.uint8)
    assert display_view(frame) is frame  # full size: the camera's own array, no copy
    half = display_view(frame, 0.5)
    assert half.shape == (48, 32, 3) and half.flags.c_contiguous
    # a 2x2 block's mean (area interpolation), per BGR channel
    assert np.allclose(half[0, 0], frame[:2, :2].reshape(-1, 3).mean(axis=0), atol=1)


def test_overlays_scale_with_the_frame():
    edge = np.array([[100.5, 200.5], [101.5, 300.5]])
    leg = LegOverlay(leg="left", landmarks_px={"knee": (100.5, 200.5)}, left_edge_px=edge,
                     right_edge_px=edge + 40, axis_px=edge + 20,
                     height_lines_px={"cB": edge + 1})
    shown = scale_overlay(FrameOverlay((leg,)), 0.5).leg("left")
    assert np.allclose(shown.left_edge_px, [[50, 100], [50.5, 150]])
    assert np.allclose(shown.landmarks_px["knee"], (50, 100))
    assert np.allclose(shown.height_lines_px["cB"], scale_px(edge + 1, 0.5))
    whole = FrameOverlay((leg,))
    assert scale_overlay(whole, 1.0) is whole  # the camera's own pixels: nothing to do
