"""Edge finding where shading, not the silhouette, makes the steepest brightness change,
and where sensor noise makes gradient peaks of its own.

Given: a leg-like band of pale skin that darkens over its outer 8 px toward its rims (a
leg under soft light), against a neutral grey background as bright as the shaded rim,
blurred and noisy as a camera gives it.
When: its edges are searched from a model-like (too wide, blocky) mask.
Then: each edge is the silhouette, within half a pixel, not the steepest part of the
shading ramp inside it.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from tests.vision.render_cylinders import coarse_mask
from vision.edges import find_leg_edges

SKIN_BGR = np.array([178.0, 194.0, 204.0])  # pale, little saturated skin
RAMP_PX = 8.0
LEFT_PX, RIGHT_PX = 100.3, 171.8  # the silhouette: true sub-pixel edges


def _shaded_band(rim_brightness: float, background_grey: float, seed: int = 0
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Image and coverage of a vertical band whose rims are shaded down to ``rim_brightness``."""
    h, w, ss = 60, 280, 8
    xs = (np.arange(w * ss) + 0.5) / ss - 0.5  # supersampled pixel positions
    inside = (xs >= LEFT_PX) & (xs <= RIGHT_PX)
    from_rim = np.minimum(xs - LEFT_PX, RIGHT_PX - xs)
    shade = rim_brightness + (1.0 - rim_brightness) * np.clip(from_rim / RAMP_PX, 0.0, 1.0)
    row = np.where(inside[:, None], SKIN_BGR * shade[:, None], background_grey)
    row = row.reshape(w, ss, 3).mean(axis=1)
    coverage = inside.reshape(w, ss).mean(axis=1)
    image = np.repeat(row[None], h, axis=0)
    image = cv2.GaussianBlur(image, (0, 0), 0.8)
    image += np.random.default_rng(seed).normal(0.0, 2.0, image.shape)
    return (np.clip(np.round(image), 0, 255).astype(np.uint8),
            np.repeat(coverage[None], h, axis=0))


@pytest.mark.parametrize(("rim_brightness", "background_grey"), [
    (0.8, 155.0),   # the shaded rim as bright as the background: only its hue differs
    (0.8, 60.0),    # a dark floor: the brightness step alone is plenty
    (1.0, 155.0),   # no shading: an ordinary step
])
def test_the_edge_is_the_silhouette_not_the_shading_ramp(rim_brightness, background_grey):
    image, coverage = _shaded_band(rim_brightness, background_grey)
    mask = coarse_mask(coverage, factor=4)
    centre_x = 0.5 * (LEFT_PX + RIGHT_PX)
    edges = find_leg_edges(image, mask, np.array([centre_x, 5.0]), np.array([centre_x, 55.0]),
                           max_half_width_px=60.0)
    assert edges.valid.mean() > 0.95
    left = edges.left_x_px[edges.valid]
    right = edges.right_x_px[edges.valid]
    assert abs(np.median(left) - LEFT_PX) < 0.5
    assert abs(np.median(right) - RIGHT_PX) < 0.5


def test_sensor_noise_is_no_edge():
    # Given: the band (no shading) against a mid-grey background on its upper half and
    # against a floor of its own colour on its lower half, where no edge exists, with the
    # noise of a camera at high gain (sd 5 grey levels per channel)
    h = 120
    image, coverage = _shaded_band(1.0, 155.0)
    image = np.repeat(image[:1], h, axis=0).astype(float)
    coverage = np.repeat(coverage[:1], h, axis=0)
    image[h // 2:] = SKIN_BGR
    image = cv2.GaussianBlur(image, (0, 0), 0.8)
    image += np.random.default_rng(3).normal(0.0, 5.0, image.shape)
    image = np.clip(np.round(image), 0, 255).astype(np.uint8)
    mask = coarse_mask(coverage, factor=4)
    centre_x = 0.5 * (LEFT_PX + RIGHT_PX)
    # When: its edges are searched
    edges = find_leg_edges(image, mask, np.array([centre_x, 2.0]), np.array([centre_x, h - 3.0]),
                           max_half_width_px=60.0)
    upper = edges.y_px < h // 2 - 3
    lower = edges.y_px > h // 2 + 3
    # Then: the upper half gives the silhouette, and the lower half no edge at all (the
    # noise's own gradient peaks, 2-5 grey levels per px, are not taken for one)
    assert edges.valid[upper].mean() > 0.9
    assert abs(np.median(edges.left_x_px[edges.valid & upper]) - LEFT_PX) < 0.5
    assert abs(np.median(edges.right_x_px[edges.valid & upper]) - RIGHT_PX) < 0.5
    assert edges.valid[lower].mean() < 0.05
    assert edges.min_contrast > 2.0  # the threshold rose with the noise
