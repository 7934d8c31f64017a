"""A leg's edge carried outward across its own rim in shade, and only there.

Rows of one leg rendered exactly (8x supersampled, blurred, noisy): lit skin in the middle
and, on each side, a rim where the same skin darkens to 45 % (the same hue) over a ramp
before the silhouette. The edges handed in lie on the shading ramp, as the search near a
mask cut short of the rim finds them. Against a grey floor they move to the silhouette;
against a floor of the skin's own hue (where a mask may bleed) they stay; an edge already
on the silhouette stays although a floorboard line lies just beyond it.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from vision.edges import RowEdges, default_window_px
from vision.shaded_rim import extend_through_shade

WIDTH_PX = 1280                      # a window of 8 px, a reach of 28
SKIN_BGR = np.array([120.0, 150.0, 200.0])
GREY_BGR = np.array([120.0, 120.0, 120.0])
WOOD_BGR = 0.8 * SKIN_BGR            # a floor of the skin's own hue
LEFT_PX, RIGHT_PX = 500.0, 640.0     # the silhouette
RIM_PX = 12.0                        # the shaded rim's width (the ramp ends there)


def _leg(floor_bgr: np.ndarray, rim_px: float = RIM_PX, floor_line_px: float | None = None):
    """A 60-row image of one leg with shaded rims of ``rim_px`` on both sides."""
    h, ss = 60, 8
    xs = (np.arange(WIDTH_PX * ss) + 0.5) / ss
    depth = np.minimum(xs - LEFT_PX, RIGHT_PX - xs)          # px inside the silhouette
    # 45 % at the silhouette, rising to lit over the last 4 px of the rim
    shade = np.clip(0.45 + 0.55 * (depth - (rim_px - 4.0)) / 4.0, 0.45, 1.0)
    row = np.where((depth >= 0)[:, None], shade[:, None] * SKIN_BGR[None, :],
                   floor_bgr[None, :])
    if floor_line_px is not None:
        line = (xs > RIGHT_PX + floor_line_px) & (xs < RIGHT_PX + floor_line_px + 3)
        row[line] = 0.5 * floor_bgr
    row = row.reshape(WIDTH_PX, ss, 3).mean(axis=1)
    img = np.repeat(row[None, :, :], h, axis=0).astype(np.float32)
    img = cv2.GaussianBlur(img, (0, 0), 0.8)
    img += np.random.default_rng(3).normal(0.0, 1.0, img.shape).astype(np.float32)
    return np.clip(np.round(img), 0, 255).astype(np.uint8)


def _edges_at(left_px: float, right_px: float, n: int = 40) -> RowEdges:
    y = np.arange(10, 10 + n, dtype=float)
    left, right = np.full(n, left_px), np.full(n, right_px)
    return RowEdges(y, left, right, left.copy(), right.copy(), np.full(n, 20.0),
                    np.ones(n, bool), 2.0)


def _moved(img: np.ndarray, edges: RowEdges) -> tuple[float, float]:
    out = extend_through_shade(img, edges, default_window_px(WIDTH_PX))
    return float(np.median(out.left_x_px)), float(np.median(out.right_x_px))


@pytest.mark.parametrize("rim_px", [RIM_PX, 7.0])  # a narrow rim: the ramp 5 px in
def test_edges_on_the_shading_ramp_move_out_to_the_silhouette(rim_px):
    ramp = rim_px - 2.0                                       # the ramp's steepest point
    img = _leg(GREY_BGR, rim_px=rim_px)
    left, right = _moved(img, _edges_at(LEFT_PX + ramp, RIGHT_PX - ramp))
    # pixel centres at integers: the silhouette at x lies between pixels x - 1 and x
    assert left == pytest.approx(LEFT_PX - 0.5, abs=1.0)
    assert right == pytest.approx(RIGHT_PX - 0.5, abs=1.0)


def test_against_a_floor_of_the_skins_hue_the_edges_stay():
    ramp = RIM_PX - 2.0
    start = (LEFT_PX + ramp, RIGHT_PX - ramp)
    assert _moved(_leg(WOOD_BGR), _edges_at(*start)) == start


def test_a_rim_beyond_the_reach_is_not_searched_for():
    rim_px = 40.0                                             # the ramp 38 px in, reach 28
    start = (LEFT_PX + rim_px - 2.0, RIGHT_PX - rim_px + 2.0)
    assert _moved(_leg(GREY_BGR, rim_px=rim_px), _edges_at(*start)) == start


def test_an_edge_on_the_silhouette_does_not_jump_to_a_floorboard_beyond_it():
    start = (LEFT_PX - 0.5, RIGHT_PX - 0.5)
    img = _leg(GREY_BGR, floor_line_px=10.0)
    assert _moved(img, _edges_at(*start)) == start


def test_rows_without_edges_are_left_alone():
    edges = _edges_at(LEFT_PX + 10.0, RIGHT_PX - 10.0)
    none = RowEdges(edges.y_px, edges.left_x_px, edges.right_x_px, edges.mask_left_x_px,
                    edges.mask_right_x_px, edges.contrast, np.zeros(len(edges.y_px), bool))
    out = extend_through_shade(_leg(GREY_BGR), none, default_window_px(WIDTH_PX))
    assert out is none
