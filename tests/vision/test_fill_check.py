"""A filled stretch that dents or bulges the leg against both neighbours is dropped.

The fill (``vision.profile.fill_lost_edges``) carries the mask-to-edge offset of nearby
refined rows across a gap; when those rows are themselves off the outline the filled
widths step away from the measured bins on both sides. The width profiles here are exact
(a cone whose width grows 0.2 mm per mm of height), with a filled run put in by hand.
"""

from __future__ import annotations

import numpy as np
import pytest

from vision.profile import FILL_STEP_MM, HEIGHTS_MM, fills_off_outline

CONE_MM = 40.0 + 0.2 * HEIGHTS_MM
RUN = (HEIGHTS_MM >= 125) & (HEIGHTS_MM <= 160)


@pytest.mark.parametrize(("shift_mm", "dropped"), [
    (0.0, False),                   # a fill on the outline stays
    (-10.0, True),                  # a dent against both neighbours goes
    (+10.0, True),                  # a bulge against both neighbours goes
    (-0.8 * FILL_STEP_MM, False),   # a step within what an outline allows stays
    (-1.2 * FILL_STEP_MM, True),    # just beyond it goes
])
def test_filled_run_judged_against_both_neighbours(shift_mm: float, dropped: bool) -> None:
    width = np.where(RUN, CONE_MM + shift_mm, CONE_MM)
    off = fills_off_outline(width, RUN)
    assert off[RUN].all() == dropped
    assert not off[~RUN].any()


def test_run_that_steps_opposite_ways_is_kept() -> None:
    # A ramp: the fill joins the lower neighbour high and the upper one low (a steep but
    # continuous outline between the two), so it cannot be called a dent or a bulge.
    width = CONE_MM.copy()
    idx = np.flatnonzero(RUN)
    width[idx] = np.linspace(CONE_MM[idx[0]] + 10, CONE_MM[idx[-1]] - 10, len(idx))
    assert not fills_off_outline(width, RUN).any()


def test_run_with_one_measured_neighbour_is_kept() -> None:
    # Nothing measured below the run: one side cannot tell a dent from a real narrowing.
    width = np.where(RUN, CONE_MM - 10, CONE_MM)
    width[HEIGHTS_MM < 125] = np.nan
    assert not fills_off_outline(width, RUN).any()
