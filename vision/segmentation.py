"""Person masks: how much of a spot is the person, and is someone else in the picture?

The pose model's mask covers only the one person it tracks; a segmenter that sees every
person (``MediaPipeSelfieSegmenter``) shows bystanders too. Comparing the two finds a
second person; comparing the pose mask with a landmark finds a landmark that is not on
the person (an ankle behind a bag, a leg guessed below the picture's edge).
Pure numpy/OpenCV; the models themselves live in ``vision.pose_mediapipe``.
"""

from __future__ import annotations

import cv2
import numpy as np

from vision.arrays import PersonMask, PointsPx
from vision.protocols import Segmenter
from vision.types import Frame

# Mask values above this count as the person (the masks are soft, 0..1).
PERSON = 0.5


def mask_cover(mask: PersonMask | None, xy_px: PointsPx, half_side_px: int) -> float:
    """Share of the square patch around ``xy_px`` that the mask calls the person.

    1.0 without a mask (nothing to contradict the landmark); 0.0 off the image.
    """
    if mask is None:
        return 1.0
    h, w = mask.shape[:2]
    x, y = round(float(xy_px[0])), round(float(xy_px[1]))
    r = max(1, int(half_side_px))
    patch = mask[max(0, y - r):min(h, y + r + 1), max(0, x - r):min(w, x + r + 1)]
    return float((patch > PERSON).mean()) if patch.size else 0.0


def everyone_mask(segmenter: Segmenter, frame: Frame) -> PersonMask:
    """Every person in the frame, at the segmenter's own (small) size when it offers it:
    counting people needs no full-resolution mask."""
    return segmenter.segment_small(frame)


def second_silhouette_share(everyone: PersonMask, person_mask: PersonMask | None,
                            person_box_px: tuple[float, float, float, float] | None,
                            frame_size_wh: tuple[int, int]) -> float:
    """Area of the biggest silhouette outside the tracked person, as a share of the
    tracked person's area (0 when there is none).

    ``everyone``: a mask of every person (any size); ``person_mask``: the tracked person's
    mask at frame size, or None, then ``person_box_px`` (x0, y0, x1, y1) stands in for it.
    The tracked person is grown by 2 % of the picture first: the two masks disagree by a
    few pixels along every edge, and that seam must not count as a person.
    """
    sh, sw = everyone.shape[:2]
    w, h = frame_size_wh
    if person_mask is not None:
        k = max(1, person_mask.shape[0] // sh)  # subsample first: resizing 2 Mpx costs ms
        person = cv2.resize(person_mask[::k, ::k], (sw, sh),
                            interpolation=cv2.INTER_NEAREST) > 0.3
    else:
        person = np.zeros((sh, sw), bool)
        if person_box_px is not None:
            x0, y0, x1, y1 = person_box_px
            sx, sy = sw / w, sh / h
            person[max(0, int(y0 * sy)):int(y1 * sy) + 1,
                   max(0, int(x0 * sx)):int(x1 * sx) + 1] = True
    grow = max(3, round(0.02 * max(sh, sw)))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * grow + 1, 2 * grow + 1))
    grown = cv2.dilate(person.astype(np.uint8), kernel) > 0
    other = ((everyone > PERSON) & ~grown).astype(np.uint8)
    n, _, stats, _ = cv2.connectedComponentsWithStats(other, connectivity=8)
    biggest = int(stats[1:, cv2.CC_STAT_AREA].max()) if n > 1 else 0
    return biggest / max(int(person.sum()), 1)
