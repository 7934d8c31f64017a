"""The inner edge of a leg facing the other leg (front stance): the outermost clear peak.

Between two legs standing close together the inner surfaces face each other and are
shaded: the skin darkens gradually toward the silhouette's edge, so the colour gradient
has a broad ramp inside the leg and only a small step at the edge itself, often no
stronger than the ramp. The pose model's mask cuts off that dark rim (its gap between the
legs is several pixels too wide on each side), and a search that prefers the strongest
peak nearest the mask's edge lands on the ramp, inside the leg: the calf comes out up to
2 cm of girth too small.

What is outside the inner edge is the gap between the legs: background in shadow, flat,
with no gradient of its own. So on the inner side the edge is the OUTERMOST local
gradient peak that stands out of that flat gap (at least ``min_contrast`` and a fair
share of the strongest peak nearby), searched from a little beyond the mask's edge
toward the leg. Outer edges keep the usual search: outside them is a room with its own
lines.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from fitting.measurement import Leg
from vision.arrays import ImageBGR, PersonMask
from vision.edges import RowEdges, gradient_magnitude
from vision.row_search import subpixel_offset

# A peak counts when it reaches this share of the strongest peak in its window (the
# edge's step on a shaded rim is ~0.5-1x the shading ramp's peak).
MIN_PEAK_SHARE = 0.3
# How far beyond the mask's edge (toward the gap), in search windows, the edge may lie.
OUTWARD_WINDOWS = 1.5
# The rule holds where the legs are close: the other leg's mask within this many search
# windows (~6 % of the image width... ~40 px at 1080 px). Farther apart, the floor or
# wall shows between the legs with lines of its own (floorboards), and the usual search
# stays.
CLOSE_GAP_WINDOWS = 6.0


def inner_side(leg: Leg) -> str:
    """Which image side of a leg's silhouette faces the other leg in the front stance.

    Facing the camera, the person's right leg is on the image's left, so its inner edge
    is its image-right edge; the left leg's inner edge is its image-left edge.
    """
    return "right" if leg == Leg.RIGHT else "left"


def outermost_inner_edges(image_bgr: ImageBGR, mask: PersonMask, edges: RowEdges, side: str,
                          window_px: int) -> RowEdges:
    """``edges`` with the ``side`` edge re-found as the outermost clear gradient peak.

    Only rows where the other leg's mask (``mask``, the person mask) starts again within
    ``CLOSE_GAP_WINDOWS`` windows are searched, from ``OUTWARD_WINDOWS`` windows beyond
    the mask's edge (toward the gap) to one window inside, never past the middle of the
    gap (the other leg's own inner edge must not be taken). Other rows, and rows without
    a clear peak, keep their edge. All rows at once (one
    gradient image over the strip's bounding box, windows gathered by index).
    """
    mask_x = edges.mask_left_x_px if side == "left" else edges.mask_right_x_px
    rows = np.flatnonzero(np.isfinite(mask_x))
    if len(rows) == 0:
        return edges
    outward = -1.0 if side == "left" else 1.0
    reach = int(np.ceil(OUTWARD_WINDOWS * window_px))
    h, w = image_bgr.shape[:2]
    y = edges.y_px[rows].astype(int)
    m = mask_x[rows]
    lo = np.minimum(m + outward * reach, m - outward * window_px)
    hi = np.maximum(m + outward * reach, m - outward * window_px)
    xa = int(max(1, np.floor(lo.min()) - 2))
    xb = int(min(w - 1, np.ceil(hi.max()) + 3))
    ya, yb = int(max(0, y.min() - 3)), int(min(h, y.max() + 4))
    if xb - xa < 5 or yb <= ya:
        return edges
    mag = gradient_magnitude(image_bgr[ya:yb, xa:xb])
    span = reach + window_px + 1
    # Columns of each row's window, ordered from the gap inward (outermost first).
    start = np.round(m + outward * reach).astype(int) - xa
    cols = start[:, None] - outward * np.arange(span)[None, :]
    cols = np.clip(cols.astype(int), 1, mag.shape[1] - 2)
    r = (y - ya)[:, None]
    centre, before, after = mag[r, cols], mag[r, cols - 1], mag[r, cols + 1]
    peak = (centre >= before) & (centre >= after) & (centre > 0)
    # The other leg: mask again beyond this leg's mask edge; the search stops mid-gap.
    beyond = np.arange(1, int(np.ceil(CLOSE_GAP_WINDOWS * window_px)) + 1)
    gap_cols = np.clip(np.round(m[:, None] + outward * beyond[None, :]).astype(int), 0, w - 1)
    other = mask[y[:, None], gap_cols] >= 0.5
    close = other.any(axis=1)
    gap_px = np.where(close, np.argmax(other, axis=1) + 1, 0)
    dist_out = outward * (cols + xa - m[:, None])  # px beyond the mask edge
    peak &= dist_out <= 0.5 * gap_px[:, None]
    strongest = np.max(np.where(peak, centre, 0.0), axis=1, keepdims=True)
    clear = peak & (centre >= np.maximum(edges.min_contrast, MIN_PEAK_SHARE * strongest))
    has = clear.any(axis=1) & close
    first = np.argmax(clear, axis=1)  # the outermost clear peak
    k = cols[np.arange(len(rows)), first]
    found = xa + k + subpixel_offset(mag, y - ya, k)
    x = (edges.left_x_px if side == "left" else edges.right_x_px).copy()
    x[rows[has]] = found[has]
    left = x if side == "left" else edges.left_x_px
    right = x if side == "right" else edges.right_x_px
    valid = edges.valid & (right - left > 3)
    return dataclasses.replace(edges, left_x_px=left, right_x_px=right, valid=valid)
