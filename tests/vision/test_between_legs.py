"""The inner edge between two close legs: a shaded rim against a shadowed gap.

Rows of two legs rendered exactly (8x supersampled, blurred, noisy) whose inner surfaces
darken toward the edge over a ramp, with a mask cut short of the inner edges as the pose
model's is. Close together, the outermost clear peak is the edge. Far apart, with a
floorboard line in the gap, the usual search is kept and the line is not taken.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from fitting.measurement import Leg
from vision.between_legs import inner_side, outermost_inner_edges
from vision.edges import find_leg_edges

WINDOW_PX = 7
GAP_GREY = 88.0


def _two_legs(gap_px: float, floor_line: bool, rim_grey: float = 100.0, ramp_px: float = 10.0):
    """Image, mask and the true inner edge (px) of the left-hand leg."""
    h, w, ss = 80, 420, 8
    xs = (np.arange(w * ss) + 0.5) / ss
    a0, a1 = 100.0, 190.5          # left-hand leg; its inner edge is a1
    b0, b1 = a1 + gap_px, a1 + gap_px + 90.0

    def skin(inner: float) -> np.ndarray:
        d = np.abs(inner - xs)
        return np.where(d < ramp_px, rim_grey + (150.0 - rim_grey) * d / ramp_px, 150.0)

    row = np.full_like(xs, GAP_GREY)
    if floor_line:
        row[(xs > a1 + 9) & (xs < a1 + 12)] = 40.0
    row[(xs < a0) | (xs > b1)] = 200.0
    row = np.where((xs >= a0) & (xs < a1), skin(a1), row)
    row = np.where((xs >= b0) & (xs < b1), skin(b0), row)
    img = np.repeat(row.reshape(w, ss).mean(axis=1)[None, :], h, axis=0)
    img = cv2.GaussianBlur(img, (0, 0), 0.8)
    img += np.random.default_rng(1).normal(0.0, 1.0, img.shape)
    img = np.repeat(np.clip(np.round(img), 0, 255)[..., None], 3, axis=2).astype(np.uint8)
    mask = np.zeros((h, w), np.float32)
    mask[:, int(a0):int(a1) - 6] = 1.0   # the model's mask: 6 px short of the inner edges
    mask[:, int(b0) + 7:int(b1)] = 1.0
    return img, mask, a1 - 0.5           # pixel centres at integers


@pytest.mark.parametrize(("gap_px", "floor_line", "taken"), [
    (20.0, False, True),    # close legs, a flat shadowed gap: the outermost peak is the edge
    (120.0, True, False),   # far apart, a floorboard 9-12 px out: the usual search stays
])
def test_the_inner_edge_between_close_legs_is_the_outermost_clear_peak(gap_px, floor_line,
                                                                     taken):
    img, mask, true_x = _two_legs(gap_px, floor_line)
    usual = find_leg_edges(img, mask, np.array([145.0, 5.0]), np.array([145.0, 75.0]), 60.0,
                           window_px=WINDOW_PX)
    inner = outermost_inner_edges(img, mask, usual, "right", WINDOW_PX)
    old = float(np.nanmedian(usual.right_x_px))
    new = float(np.nanmedian(inner.right_x_px))
    # The usual search weighs each peak by how step-like it is outward, so even it stays
    # within about a pixel of the edge here (the ramp once took it 4-5 px inside).
    assert abs(old - true_x) < 1.5
    if taken:
        assert abs(new - true_x) < 1.2
    else:
        np.testing.assert_array_equal(inner.right_x_px, usual.right_x_px)
    # The outer edges are never touched.
    np.testing.assert_array_equal(inner.left_x_px, usual.left_x_px)


@pytest.mark.parametrize(("leg", "side"), [
    (Leg.RIGHT, "right"),  # the person's right leg is on the image's left: inner edge right
    (Leg.LEFT, "left"),    # and the left leg's inner edge is its image-left edge
])
def test_inner_side(leg, side):
    assert inner_side(leg) == side
