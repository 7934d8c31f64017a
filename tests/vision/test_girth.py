"""The cross-section model and the search for cB and cC on a girth curve."""

from __future__ import annotations

import math

import numpy as np
import pytest

from vision.aggregate import (
    DEPTH_RATIO_PRIOR,
    HEM_STEP,
    CalfCovered,
    GirthNotFound,
    LegGirths,
    RobustProfile,
    calf_hump_index,
    front_break_mm,
    garment_hem,
    leg_girths,
)
from vision.girth import (
    ANKLE_DIAMETER_RANGE_MM,
    SHAPE_MODEL_SD_REL,
    ellipse_perimeter_mm,
    girth_mm,
    girth_sd_mm,
    shape_exponent,
    superellipse_perimeter_mm,
)
from vision.profile import HEIGHTS_MM


def _exact_ellipse_perimeter(width: float, depth: float) -> float:
    """Arc length by brute force (200 000 segments): the reference for Ramanujan."""
    t = np.linspace(0, 2 * math.pi, 200_001)
    x, y = width / 2 * np.cos(t), depth / 2 * np.sin(t)
    return float(np.sum(np.hypot(np.diff(x), np.diff(y))))


@pytest.mark.parametrize(("width", "depth"), [
    (70.0, 70.0),     # a circle: pi * d
    (60.0, 90.0),     # an ankle-like section, deeper than wide
    (130.0, 120.0),   # a calf-like section
    (40.0, 120.0),    # an extreme ratio: Ramanujan still exact to well under 0.1 mm
])
def test_ramanujan_matches_the_exact_ellipse_perimeter(width, depth):
    assert abs(float(ellipse_perimeter_mm(width, depth))
               - _exact_ellipse_perimeter(width, depth)) < 0.05


@pytest.mark.parametrize(("exponent", "expected"), [
    (2.0, math.pi * 100),        # n = 2: the circle of diameter 100
    (2.0001, math.pi * 100),     # the numerical path agrees with the closed form at n ~ 2
    (4.0, 50 * 7.01769),         # the squircle: perimeter 7.01769 per unit half-axis
])
def test_superellipse_perimeter_limits(exponent, expected):
    got = float(superellipse_perimeter_mm(100.0, 100.0, exponent))
    assert abs(got - expected) / expected < 0.001


def test_girth_sd_grows_with_the_diameters_spread():
    small = girth_sd_mm(60, 90, 0.2, 0.2, "ankle")
    large = girth_sd_mm(60, 90, 2.0, 2.0, "ankle")
    assert large > small > 0
    # A circle's girth moves by pi/2 per mm of either diameter: sd ~ pi/2 * sqrt(2) * 2.
    assert large == pytest.approx(math.hypot(math.pi / 2 * 2.0 * math.sqrt(2),
                                             SHAPE_MODEL_SD_REL["ankle"] * math.pi * 75),
                                  rel=0.1)


def _profile(values: np.ndarray, ankle_t: float = 80.0, knee_t: float = 500.0
             ) -> RobustProfile:
    return RobustProfile(value_mm=values, sd_mm=np.full_like(values, 0.3),
                         frames=np.full(len(values), 10), ankle_t_mm=ankle_t,
                         knee_t_mm=knee_t, depth_sd_rel=0.003, frame_count=10)


def _leg_shape(h: np.ndarray, narrow_at: float, wide_at: float) -> np.ndarray:
    """A lower-leg-like diameter profile: narrowest at ``narrow_at``, widest at ``wide_at``."""
    d = 60 + 70 * np.exp(-0.5 * ((h - wide_at) / 110) ** 2)
    d += 25 * np.exp(-0.5 * ((h - 60) / 30) ** 2)  # the malleoli below cB
    d -= 4 * np.exp(-0.5 * ((h - narrow_at) / 25) ** 2)
    return d


# The knee point of the profiles below (mm): nothing is measured above it.
KNEE_MM = 560.0


def _knee_high_shape(narrow_at: float, wide_at: float) -> np.ndarray:
    """``_leg_shape`` up to the knee (``KNEE_MM``), unmeasured above it."""
    d = _leg_shape(HEIGHTS_MM, narrow_at, wide_at)
    d[HEIGHTS_MM > KNEE_MM] = np.nan
    return d


def _read(width: np.ndarray, depth: np.ndarray | None) -> LegGirths:
    """``leg_girths`` of a front width and a side depth profile (None: front only) with
    the knee landmark at ``KNEE_MM``."""
    return leg_girths(_profile(width, knee_t=KNEE_MM),
                      None if depth is None else _profile(depth, knee_t=KNEE_MM))


@pytest.mark.parametrize(("narrow_at", "wide_at"), [
    (140.0, 390.0),   # a typical adult
    (180.0, 430.0),   # a tall person: everything higher
])
def test_cb_and_cc_are_found_at_the_girth_extremes(narrow_at, wide_at):
    h = HEIGHTS_MM
    d = _knee_high_shape(narrow_at, wide_at)
    girths = _read(d, d * 1.05)
    curve = np.asarray(girth_mm(d, d * 1.05, "calf"))
    lo = (h >= 80) & (h <= 520)
    assert abs(girths.calf.height_mm - h[lo][np.nanargmax(curve[lo])]) <= 5
    assert girths.calf.girth_mm == pytest.approx(np.nanmax(curve[lo]), abs=0.5)
    assert abs(girths.ankle.height_mm - narrow_at) <= 25
    assert girths.knee_high_length_mm == pytest.approx(KNEE_MM - 35.0)
    assert not girths.front_only


def test_front_only_uses_the_prior_and_says_so():
    d = _knee_high_shape(140, 390)
    both = _read(d, d)
    alone = _read(d, None)
    assert alone.front_only and alone.notes
    assert alone.calf.sd_mm > 2 * both.calf.sd_mm


@pytest.mark.parametrize(("depth_ratio", "from_prior"), [
    (1.05, False),  # a calf about as deep as wide: the side view is used
    (0.70, True),   # the side silhouette lost the calf's back: the prior instead, flagged
    (1.45, True),   # the side silhouette took in something else: the prior too
])
def test_an_implausible_side_calf_depth_falls_back_on_the_prior(depth_ratio, from_prior):
    h = HEIGHTS_MM
    d = _knee_high_shape(140, 390)
    depth = d.copy()
    calf_band = (h > 250) & (h < 520)
    depth[calf_band] *= depth_ratio
    girths = _read(d, depth)
    assert (girths.depth_from_prior == ("calf",)) is from_prior
    assert bool(girths.notes) is from_prior
    # The heights that took the prior's depth are marked (the debug plot greys them).
    assert bool(girths.prior_depth_bins[calf_band].all()) is from_prior
    if from_prior:
        # The prior (depth = the calf's usual share of the width) gives that section's
        # girth, with a wider sd.
        widest = np.nanmax(d[calf_band])
        ratio = DEPTH_RATIO_PRIOR["calf"][0]
        assert girths.calf.girth_mm == pytest.approx(
            float(girth_mm(widest, ratio * widest, "calf")), abs=0.5)
        assert girths.calf.sd_mm > 10.0


def test_the_girth_curve_is_the_one_each_site_was_read_from():
    h = HEIGHTS_MM
    d = _knee_high_shape(140, 390)
    girths = _read(d, d * 1.2)
    curve = np.asarray(girths.girth_curve_mm)
    # cB's section model up to the calf window (60 mm above the ankle), the calf's above.
    below, above = (h > 80) & (h < 140), (h > 150) & (h < 520)
    assert curve[below] == pytest.approx(np.asarray(girth_mm(d[below], 1.2 * d[below], "ankle")))
    assert curve[above] == pytest.approx(np.asarray(girth_mm(d[above], 1.2 * d[above], "calf")))
    assert curve[h == girths.ankle.height_mm][0] == pytest.approx(girths.ankle.girth_mm)
    assert curve[h == girths.calf.height_mm][0] == pytest.approx(girths.calf.girth_mm)
    assert not girths.prior_depth_bins.any()


def test_a_side_outline_that_loses_the_calf_s_back_widens_the_calf_sd():
    # Over the hump's upper part the side view lost ~15 % of the depth (a calf's back over
    # a wall band of its colour): the calf maximum moves below the loss and reads small.
    # Which side of the step is true cannot be told, so the sd must cover both.
    h = HEIGHTS_MM
    d = _knee_high_shape(140, 390)
    whole = _read(d, d * 1.05)
    assert whole.depth_break_mm is None
    lost = d * 1.05
    lost[(h > 350) & (h < 500)] *= 0.85
    girths = _read(d, lost)
    assert girths.depth_break_mm == pytest.approx(350.0, abs=15)
    shortfall = whole.calf.girth_mm - girths.calf.girth_mm
    assert shortfall > 5.0
    assert shortfall < 2 * girths.calf.sd_mm  # within the sd the sizing engine weighs
    assert girths.calf.sd_mm > 3 * whole.calf.sd_mm
    assert any("breaks" in note for note in girths.notes)


def test_a_side_outline_lost_only_above_the_calf_s_hump_leaves_the_calf_as_read():
    # The side view lost ~15 % of the depth from just above the hump up (the far calf's
    # back against the near shin, where the legs close toward the knees): the section
    # read below the step is whole and no girth above it, read with the ratio below,
    # is larger, so the calf keeps its value and its own sd. A break the other way (the
    # depth gaining above) still widens the sd.
    h = HEIGHTS_MM
    d = _knee_high_shape(140, 390)
    whole = _read(d, d * 1.05)
    lost = d * 1.05
    lost[(h > 410) & (h < 520)] *= 0.85
    girths = _read(d, lost)
    assert girths.depth_break_mm is not None and girths.depth_break_mm > girths.calf.height_mm
    assert girths.calf.girth_mm == pytest.approx(whole.calf.girth_mm, abs=1.0)
    assert girths.calf.sd_mm == pytest.approx(whole.calf.sd_mm, abs=0.2)
    assert any("breaks" in note and "sd kept" in note for note in girths.notes)
    gained = d * 1.05
    gained[(h > 410) & (h < 520)] *= 1.15
    assert _read(d, gained).calf.sd_mm > 2 * whole.calf.sd_mm


@pytest.mark.parametrize(("site", "shorter_than_ellipse"), [
    ("ankle", True),   # a rounded triangle (tibial crest, Achilles tendon): shorter
    ("calf", False),   # fuller behind (calf bellies), flat tibia in front: longer
])
def test_the_section_models_depart_from_the_ellipse_as_the_anatomy_says(site,
                                                                       shorter_than_ellipse):
    width, depth = (60.0, 85.0) if site == "ankle" else (110.0, 112.0)
    ratio = float(girth_mm(width, depth, site)) / float(ellipse_perimeter_mm(width, depth))
    assert (ratio < 1.0) is shorter_than_ellipse
    assert abs(ratio - 1.0) < 0.02  # a correction of a few mm, not a different leg


def test_a_larger_ankle_is_the_more_pinched_at_its_diameters():
    """The ankle's section departs further below the ellipse as it grows (soft tissue
    beside the bones, the crest and the tendon still its ends), by under 2 %; its
    exponent is held beyond the sizes it was fitted over; arrays of sections (a girth
    curve) get each its own exponent."""
    def ratio(width: float, depth: float) -> float:
        return float(girth_mm(width, depth, "ankle")) / float(ellipse_perimeter_mm(width,
                                                                                   depth))
    slim, stout = (50.0, 70.0), (75.0, 105.0)  # one shape at two sizes
    assert ratio(*stout) < ratio(*slim) - 0.005
    assert abs(ratio(*slim) - ratio(*stout)) < 0.02
    top = ANKLE_DIAMETER_RANGE_MM[1]
    assert shape_exponent(top + 40.0, top + 40.0, "ankle") == shape_exponent(top, top, "ankle")
    assert shape_exponent(*stout, "calf") == shape_exponent(*slim, "calf")
    widths, depths = np.array([slim[0], stout[0]]), np.array([slim[1], stout[1]])
    together = girth_mm(widths, depths, "ankle")
    assert together == pytest.approx([float(girth_mm(*slim, "ankle")),
                                      float(girth_mm(*stout, "ankle"))], abs=1e-9)


def _knee_flare(h: np.ndarray, starts_at: float) -> np.ndarray:
    """The femoral and tibial condyles widening the leg above ``starts_at`` (mm)."""
    return 60.0 * np.clip((h - starts_at) / 90.0, 0.0, None) ** 2


def test_the_calf_is_the_hump_not_the_knee_flare_rising_into_the_window():
    h = HEIGHTS_MM
    # Calf hump at 370 mm, waist at ~440 mm, then the knee flare: at the window's top
    # (520 mm) the girth exceeds the calf's, the case a low knee landmark produces.
    d = _leg_shape(h, 140, 370) + _knee_flare(h, 440.0)
    d[h > 560] = np.nan
    window = (h >= 140) & (h <= 520)
    curve = np.asarray(girth_mm(d, d, "calf"))
    assert h[window][np.argmax(curve[window])] > 500  # the window's maximum is the flare
    girths = _read(d, d)
    assert abs(girths.calf.height_mm - 370) <= 10
    hump = (h > 300) & (h < 420)
    assert girths.calf.girth_mm == pytest.approx(float(np.max(curve[hump])), abs=0.5)


def test_a_calf_widest_at_the_window_top_is_not_split_on_noise():
    h = HEIGHTS_MM
    # A calf still widening at the window's top, with a ripple of ~1 mm of girth below:
    # no waist, so the top bin stays the calf maximum.
    d = 70 + 0.12 * np.clip(h - 100, 0, None) + 0.15 * np.sin(h / 12.0)
    d[h > 560] = np.nan
    girths = _read(d, d)
    top = h[(h <= 520)].max()
    assert girths.calf.height_mm == pytest.approx(top)


@pytest.mark.parametrize(("curve", "expected"), [
    ([300, 310, 320, 315, 312, 318, 330], 2),   # waist 8 mm below the hump: the hump
    ([300, 310, 320, 319.5, 319, 319.2, 330], 6),  # a 1 mm dip is noise: the top stays
    ([300, 310, 320, 325, 330, 335, 340], 6),   # rising all the way: no waist, the top
    ([300, 320, 340, 335, 330, 325, 320], 2),   # an interior maximum: unchanged
    ([300, 320, 340, 330, 320, 380, 420], 6),   # 24 % above the hump: no knee, the top
])
def test_calf_hump_index(curve, expected):
    assert calf_hump_index(np.asarray(curve, float)) == expected


@pytest.mark.parametrize(("wide_at", "edge_sd"), [
    (390.0, False),   # the belly well inside the window (top at 460): the hump, no edge sd
    (560.0, True),    # still widening at the window's top: the value is the window's end
])
def test_a_calf_read_at_the_window_top_carries_the_knee_landmark_uncertainty(wide_at,
                                                                          edge_sd):
    h = HEIGHTS_MM
    d = _leg_shape(h, 140, wide_at)
    d[h > 600] = np.nan
    girths = leg_girths(_profile(d), _profile(d))  # knee point 500: window top 460
    calf = girths.calf
    assert any("top of its search window" in n for n in girths.notes) == edge_sd
    if not edge_sd:
        assert calf.window_edge_sd_mm == 0.0 and abs(calf.height_mm - wide_at) <= 10
        return
    assert calf.height_mm == pytest.approx(457.5)  # the top bin
    # Girth slope there times the knee landmark's sd (21 mm), within the 20 mm chord
    g = girth_mm(d, d, "calf")
    slope = (np.interp(457.5, h, g) - np.interp(437.5, h, g)) / 20.0
    assert calf.window_edge_sd_mm == pytest.approx(slope * 21.0, rel=0.05)
    assert calf.sd_mm >= calf.window_edge_sd_mm > 3.0


@pytest.mark.parametrize(("gap_from", "gap_to", "refused"), [
    (400.0, 600.0, True),    # unread from just below the belly to the window's top
    (400.0, 470.0, True),    # a 70 mm gap over the belly: read on both sides, still hiding it
    (405.0, 440.0, False),   # a 35 mm gap read on both sides: bridged
    (395.0, 410.0, False),   # a 15 mm gap (an edge lost on a few rows): bridged
    (250.0, 300.0, False),   # a gap well away from the calf's largest girth
])
def test_a_calf_maximum_beside_unread_heights_is_refused(gap_from, gap_to, refused):
    # A calf whose upper part could not be read in either view (a skin-coloured trouser
    # leg down to mid-calf): the largest girth read sits at the gap's edge, below the real
    # belly.
    h = HEIGHTS_MM
    d = _knee_high_shape(140, 430)
    gap = d.copy()
    gap[(h > gap_from) & (h < gap_to)] = np.nan
    front, back = _profile(gap, knee_t=560.0), _profile(gap, knee_t=560.0)
    if refused:
        with pytest.raises(GirthNotFound):
            leg_girths(front, back)
    else:
        assert abs(leg_girths(front, back).calf.height_mm - 430) <= 15


@pytest.mark.parametrize(("gap_from", "gap_to"), [(400.0, 600.0), (400.0, 470.0)])
def test_a_calf_the_side_view_could_not_read_falls_back_on_the_front(gap_from, gap_to):
    # The front view reads the whole calf; the side view loses it over the belly (the far
    # leg's calf behind the near one): the front-only estimate there, flagged, with the
    # prior's wider sd, instead of a refusal.
    h = HEIGHTS_MM
    d = _knee_high_shape(140, 430)
    side = d.copy()
    side[(h > gap_from) & (h < gap_to)] = np.nan
    both = _read(d, d)
    fallback = _read(d, side)
    assert fallback.depth_from_prior == ("calf",)
    assert abs(fallback.calf.height_mm - 430) <= 15
    assert fallback.calf.sd_mm > 2 * both.calf.sd_mm
    assert abs(fallback.calf.girth_mm - both.calf.girth_mm) <= 2 * fallback.calf.sd_mm


def test_front_only_ankle_is_taken_deeper_than_wide():
    # Just above the malleoli the Achilles tendon stands well behind the tibia: a section
    # ~1.5x deeper than wide. Without a side view the prior must say so, or the ankle
    # comes out tens of mm too small (a round 60 mm section: ~185 mm; a real one: ~230).
    d = _knee_high_shape(140, 390)
    alone = _read(d, None)
    w = alone.ankle.width_mm
    assert alone.ankle.depth_mm > 1.3 * w
    typical = float(girth_mm(w, 1.5 * w, "ankle"))
    assert abs(alone.ankle.girth_mm - typical) < alone.ankle.sd_mm


def test_an_ankle_read_below_a_break_of_the_front_outline_is_read_above_it_too():
    # The front outline loses the ankle's inner edge below 150 mm (a dark ankle before a
    # floor of its colour), under the true cB at 180: the width drops by a quarter there,
    # and the smallest girth read lies in the drop. cB is read again above the break:
    # the two readings' mean, its sd covering both.
    h = HEIGHTS_MM
    d = _knee_high_shape(180, 430)
    whole = _read(d, d * 1.4)
    cut = d.copy()
    cut[(h >= 80) & (h < 150)] *= 0.75
    broken = _read(cut, d * 1.4)
    assert broken.front_break_mm is not None and abs(broken.ankle.height_mm - 180) <= 25
    assert any("front outline breaks" in n for n in broken.notes)
    below = float(np.nanmin(broken.girth_curve_mm[(h >= 80) & (h < 150)]))
    assert below < whole.ankle.girth_mm - 15  # the drop alone reads far too small
    # the mean of the readings below and above the break
    assert below + 5 < broken.ankle.girth_mm < whole.ankle.girth_mm - 5
    assert broken.ankle.sd_mm > 2 * whole.ankle.sd_mm
    assert abs(broken.ankle.girth_mm - whole.ankle.girth_mm) <= broken.ankle.sd_mm
    assert whole.front_break_mm is None  # a whole leg narrows smoothly: no break


@pytest.mark.parametrize("lost_below", [False, True])
def test_a_break_of_the_front_outline_high_on_the_shin_reads_the_ankle_by_its_depth(
        lost_below):
    # The front outline breaks at 250 mm, 0.4 of the shank above the ankle landmark (80
    # mm; knee point ~560 mm, ``KNEE_MM``), where no ankle's narrowest point lies: the shin above it
    # is never taken for cB. Either the outline bled into the floor above the break (the
    # ankle below it read right) or it was lost all the way down (the ankle below it read
    # a fifth too narrow): the side view's depth with the width prior reads the ankle a
    # second way, and the sd takes in both.
    h = HEIGHTS_MM
    d = _knee_high_shape(140, 430)
    side = d * 1.47  # the width prior's depth/width: 1.47
    whole = _read(d, side)
    front = d.copy()
    if lost_below:
        front[(h >= 60) & (h < 250)] *= 0.8
    else:
        front[(h >= 250) & (h < 300)] *= 1.25
    read = _read(front, side)
    assert front_break_mm(front, 80.0, 400.0) == pytest.approx(252.5, abs=5)  # it is there
    assert read.front_break_mm is not None and read.ankle.height_mm < 200
    assert any("from the side view's depth" in n for n in read.notes)
    assert abs(read.ankle.girth_mm - whole.ankle.girth_mm) <= read.ankle.sd_mm
    if lost_below:  # the front width alone reads far too small; the sd says so
        assert read.ankle.girth_mm > whole.ankle.girth_mm - 10
        assert read.ankle.sd_mm > 2 * whole.ankle.sd_mm
    else:  # the reading below was right and the second agrees: hardly any wider
        assert read.ankle.girth_mm == pytest.approx(whole.ankle.girth_mm, abs=1.0)
        assert read.ankle.sd_mm < whole.ankle.sd_mm + 1.0


@pytest.mark.parametrize(("front_step", "side_step", "covered"), [
    (1.0, 1.0, False),   # a bare leg widens smoothly in both views
    (1.3, 1.3, True),    # a hem at 330 mm: both views step out by 30 %
    (1.3, 1.0, False),   # an outline bleeding out in the front view only
    (1.0, 1.3, False),
])
def test_a_calf_both_views_see_step_out_is_covered_by_a_hem(front_step, side_step, covered):
    h = HEIGHTS_MM
    d = _knee_high_shape(140, 430)
    width, depth = d.copy(), d * 1.05
    width[h >= 330] *= front_step
    depth[h >= 330] *= side_step
    hem = garment_hem(width, depth, 200.0, 520.0)
    assert (hem is not None) is covered
    if covered:
        assert hem is not None and abs(hem[0] - 340) <= 20 and hem[1] > HEM_STEP
        with pytest.raises(CalfCovered):
            _read(width, depth)


def test_a_front_width_narrowing_smoothly_is_no_break():
    h = HEIGHTS_MM
    d = _leg_shape(h, 140, 390)
    assert front_break_mm(d, 80.0, 400.0) is None
    d[(h >= 80) & (h < 150)] *= 0.8
    assert front_break_mm(d, 80.0, 400.0) == pytest.approx(152.5, abs=5)


def test_a_front_outline_bleeding_at_the_calf_top_widens_the_calf_sd_to_the_truth():
    # The front outline bleeds into the gap between the legs over the calf window's top
    # (the width 35 % too large there) while the side view reads the depth whole: the
    # depth/width there is no calf section, and the front is the wrong view. The calf
    # read there with the prior's depth is far too large; its sd must reach the truth.
    h = HEIGHTS_MM
    d = _knee_high_shape(140, 390)
    whole = _read(d, d * 1.05)
    bled = d.copy()
    bled[(h > 430) & (h < 530)] *= 1.35
    girths = _read(bled, d * 1.05)
    assert girths.depth_from_prior == ("calf",)
    excess = girths.calf.girth_mm - whole.calf.girth_mm
    assert excess > 20.0
    assert excess < 2 * girths.calf.sd_mm
    assert any("either view may be wrong" in note for note in girths.notes)
