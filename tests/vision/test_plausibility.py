"""Plausibility between reading the legs and reporting them: human ranges, left/right."""

import dataclasses
import math

import numpy as np
import pytest

from fitting.measurement import Leg, LegMeasurement, Measurement, MeasurementSource, Site
from fitting.swelling import swelling_reason
from vision.aggregate import LegGirths, SitePoint
from vision.plausibility import (
    ANKLE_PAIR_SD_MM,
    CALF_TO_ANKLE_RANGE,
    HUMAN_RANGE_MM,
    LENGTH_PAIR_MAX_MM,
    calf_difference_sd_mm,
    calf_to_ankle_refusal,
    flagged_differences,
    outside_human_range,
    pool_ankles,
    pool_lengths,
    unsupported_difference,
)


def _leg(ankle=(220.0, 3.0, 55.0, 80.0), calf=(370.0, 4.0, 105.0, 110.0)) -> LegGirths:
    def point(g, sd, w, d, h):
        return SitePoint(girth_mm=g, sd_mm=sd, height_mm=h, width_mm=w, depth_mm=d)

    return LegGirths(ankle=point(*ankle, 140.0), calf=point(*calf, 380.0),
                     knee_height_mm=520.0, knee_high_length_mm=485.0,
                     knee_high_length_sd_mm=21.0, girth_curve_mm=np.zeros(3),
                     front_only=False)


@pytest.mark.parametrize(("ankle", "calf", "refused"), [
    (220.0, 370.0, None),
    (166.0, 330.0, None),       # a slim adult ankle: below most, inside the surveys
    (316.0, 490.0, None),       # a heavy shopper: past both lean surveys, still a leg
    (120.0, 330.0, "ankle"),    # no adult's: a misread
    (350.0, 480.0, "ankle"),
    (230.0, 620.0, "calf"),
])
def test_a_girth_no_adult_has_is_refused_with_the_figure_named(ankle, calf, refused):
    why = outside_human_range(Leg.LEFT, _leg((ankle, 3.0, 55.0, 80.0), (calf, 4.0, 105, 110)))
    if refused is None:
        assert why is None
    else:
        lo, hi = HUMAN_RANGE_MM[refused]
        assert why is not None and f"{lo:.0f}-{hi:.0f}" in why
        assert f"{ankle if refused == 'ankle' else calf:.0f} mm" in why


def test_a_difference_only_the_front_view_shows_widens_both_legs_sd():
    # The right ankle reads 25 mm smaller, but only its front width is smaller: the side
    # view sees two equal depths. One leg or the other is misread.
    left = _leg(ankle=(220.0, 3.0, 55.0, 80.0))
    right = _leg(ankle=(195.0, 3.0, 44.0, 80.5))
    out, reasons = unsupported_difference({Leg.LEFT: left, Leg.RIGHT: right})
    assert list(reasons) == ["ankle"] and "ankles differ by 25 mm" in reasons["ankle"]
    for leg in Leg:
        assert out[leg].ankle.sd_mm == pytest.approx(math.hypot(3.0, 12.5))
        assert out[leg].ankle.girth_mm == pytest.approx((220.0, 195.0)[leg == Leg.RIGHT])
        assert out[leg].calf.sd_mm == 4.0


def test_a_difference_both_views_show_is_a_real_one():
    # A fuller right calf (a possible clot): wider from the front and deeper from the side.
    left = _leg(calf=(370.0, 4.0, 105.0, 110.0))
    right = _leg(calf=(405.0, 4.0, 115.0, 121.0))
    out, reasons = unsupported_difference({Leg.LEFT: left, Leg.RIGHT: right})
    assert reasons == {} and out[Leg.RIGHT].calf.sd_mm == 4.0


def test_a_difference_without_a_side_depth_to_check_it_is_left_alone():
    left = _leg(ankle=(220.0, 3.0, 55.0, 80.0))
    right = _leg(ankle=(195.0, 3.0, 44.0, 80.5))
    right = dataclasses.replace(right, depth_from_prior=("ankle",))
    out, reasons = unsupported_difference({Leg.LEFT: left, Leg.RIGHT: right})
    assert reasons == {} and out[Leg.RIGHT].ankle.sd_mm == 3.0


def test_a_difference_plainly_read_in_both_views_is_not_flagged():
    left = _leg(calf=(370.0, 4.0, 105.0, 110.0))
    right = _leg(calf=(405.0, 4.0, 115.0, 121.0))
    girths = {Leg.LEFT: left, Leg.RIGHT: right}
    assert flagged_differences(girths, unsupported_difference(girths)[1]) == frozenset()


@pytest.mark.parametrize(("change", "flagged"), [
    ({"front_break_mm": 150.0}, {Site.ANKLE}),        # the ankle read again above a break
    ({"depth_break_mm": 420.0}, {Site.CALF}),         # the side's calf outline breaks
    ({"depth_from_prior": ("calf",)}, {Site.CALF}),   # no calf section seen side-on
    ({"depth_from_prior": ("ankle",)}, {Site.ANKLE}),
    ({"front_only": True}, {Site.ANKLE, Site.CALF}),  # not seen in the side view
])
def test_a_difference_resting_on_one_legs_flagged_reading_is_flagged_at_its_site(
        change, flagged):
    girths = {Leg.LEFT: _leg(), Leg.RIGHT: dataclasses.replace(_leg(), **change)}
    assert flagged_differences(girths, {}) == flagged


def test_a_difference_one_view_only_shows_is_flagged_at_its_site():
    left = _leg(ankle=(220.0, 3.0, 55.0, 80.0))
    right = _leg(ankle=(195.0, 3.0, 44.0, 80.5))
    girths, one_view = unsupported_difference({Leg.LEFT: left, Leg.RIGHT: right})
    assert flagged_differences(girths, one_view) == {Site.ANKLE}


def _camera(girths: dict[Leg, LegGirths]) -> Measurement:
    legs = {leg: LegMeasurement(ankle_mm=g.ankle.girth_mm, calf_mm=g.calf.girth_mm,
                                knee_high_length_mm=g.knee_high_length_mm,
                                ankle_sd_mm=g.ankle.sd_mm, calf_sd_mm=g.calf.sd_mm,
                                knee_high_length_sd_mm=g.knee_high_length_sd_mm)
            for leg, g in girths.items()}
    return Measurement(legs[Leg.LEFT], legs[Leg.RIGHT], MeasurementSource.CAMERA,
                       calf_difference_sd_mm=calf_difference_sd_mm(girths))


def test_two_calves_read_plainly_share_their_section_models_error():
    # Calves 20 mm apart, each read to 4.4 mm (3.9-4.1 of it the section model's): as
    # independent readings the difference could reach the clot rule's 30 mm within 2 sd
    # (20 + 2 x 6.2); sharing the section's shape (sd 4.0), it cannot, and nobody is
    # sent to staff over two legs the camera read plainly.
    girths = {Leg.LEFT: _leg(calf=(390.0, 4.4, 112.0, 118.0)),
              Leg.RIGHT: _leg(calf=(410.0, 4.4, 117.0, 124.0))}
    sd = calf_difference_sd_mm(girths)
    assert 3.5 < sd < 4.5 and 20.0 + 2 * math.hypot(4.4, 4.4) > 30.0
    assert swelling_reason(_camera(girths)) is None
    # 26 mm apart stays a tape check: 30 mm lies within 2 sd of it.
    girths[Leg.RIGHT] = _leg(calf=(416.0, 4.4, 119.0, 126.0))
    reason = swelling_reason(_camera(girths))
    assert reason is not None and reason.code == "calf_difference_uncertain"


def test_a_calf_read_with_a_widened_sd_keeps_it_in_the_difference():
    # A calf whose depth came from the prior (sd 11): that part is its own leg's.
    girths = {Leg.LEFT: _leg(calf=(390.0, 4.4, 112.0, 118.0)),
              Leg.RIGHT: _leg(calf=(405.0, 11.0, 116.0, 121.0))}
    sd = calf_difference_sd_mm(girths)
    assert math.hypot(11.0, 4.4) - 1.5 < sd < math.hypot(11.0, 4.4)
    reason = swelling_reason(_camera(girths))
    assert reason is not None and reason.code == "calf_difference_uncertain"


def test_ankles_read_alike_are_read_together():
    left, right = _leg(ankle=(226.0, 3.0, 55, 80)), _leg(ankle=(233.0, 3.0, 57, 81))
    out, pooled = pool_ankles({Leg.LEFT: left, Leg.RIGHT: right})
    assert pooled
    w_other = 1 / (3.0 ** 2 + ANKLE_PAIR_SD_MM ** 2)
    sd = math.sqrt(1 / (1 / 9 + w_other))
    assert out[Leg.LEFT].ankle.sd_mm == pytest.approx(sd) and sd < 3.0
    assert 226.0 < out[Leg.LEFT].ankle.girth_mm < out[Leg.RIGHT].ankle.girth_mm < 233.0
    assert out[Leg.LEFT].calf is left.calf


def test_ankles_far_apart_or_one_misread_are_not_pulled_together():
    # 25 mm apart with 3 mm readings: a real difference (or a misread the other checks
    # flag), never averaged away.
    left, right = _leg(ankle=(245.0, 3.0, 60, 90)), _leg(ankle=(220.0, 3.0, 55, 80))
    out, pooled = pool_ankles({Leg.LEFT: left, Leg.RIGHT: right})
    assert not pooled and out[Leg.LEFT].ankle.girth_mm == 245.0
    # A leg whose sd was widened (12.8) hardly moves the other's.
    good, unsure = _leg(ankle=(220.0, 3.0, 55, 80)), _leg(ankle=(205.0, 12.8, 50, 80))
    out, pooled = pool_ankles({Leg.LEFT: good, Leg.RIGHT: unsure})
    assert pooled and abs(out[Leg.LEFT].ankle.girth_mm - 220.0) < 1.0
    assert abs(out[Leg.RIGHT].ankle.girth_mm - 220.0) < 3.0


def test_a_calf_no_bare_leg_has_for_its_ankle_is_refused():
    hi = CALF_TO_ANKLE_RANGE[1]
    calf = 190.0 * (hi + 0.1)  # both calves far too full for 190 mm ankles: a garment
    legs = {leg: _leg(ankle=(190.0, 3.0, 50, 75), calf=(calf, 4.0, 150, 160))
            for leg in Leg}
    refusal, _ = calf_to_ankle_refusal(legs)
    assert refusal is not None and "covered" in refusal[0] and refusal[1] is Leg.LEFT


def test_one_calf_fuller_in_both_views_is_a_swelling_not_a_garment():
    hi = CALF_TO_ANKLE_RANGE[1]
    swollen = _leg(ankle=(190.0, 3.0, 50, 75), calf=(190.0 * (hi + 0.1), 5.0, 150, 165))
    other = _leg(ankle=(188.0, 3.0, 50, 75), calf=(420.0, 4.0, 132, 136))
    refusal, reasons = calf_to_ankle_refusal({Leg.LEFT: swollen, Leg.RIGHT: other})
    assert refusal is None and "swelling" in reasons[0]
    # Without a side view nothing confirms it: refused.
    alone = dataclasses.replace(swollen, front_only=True)
    refusal, _ = calf_to_ankle_refusal({Leg.LEFT: alone, Leg.RIGHT: other})
    assert refusal is not None
    # Fuller from the front only (the side sees equal depths): refused.
    flat = _leg(ankle=(190.0, 3.0, 50, 75), calf=(190.0 * (hi + 0.1), 5.0, 150, 136))
    refusal, _ = calf_to_ankle_refusal({Leg.LEFT: flat, Leg.RIGHT: other})
    assert refusal is not None


def _length(leg: LegGirths, length_mm: float, sd_mm: float) -> LegGirths:
    return dataclasses.replace(leg, knee_high_length_mm=length_mm,
                               knee_high_length_sd_mm=sd_mm)


def test_one_knee_high_length_for_two_legs_read_alike():
    # 12 mm apart astride a chart's short/long line: one length for the pair, the larger sd.
    left, right = _length(_leg(), 394.0, 12.4), _length(_leg(), 406.0, 13.0)
    out, pooled = pool_lengths({Leg.LEFT: left, Leg.RIGHT: right})
    assert pooled
    for leg in Leg:
        assert out[leg].knee_high_length_mm == pytest.approx(400.0)
        assert out[leg].knee_high_length_sd_mm == 13.0
        assert out[leg].ankle is (left if leg is Leg.LEFT else right).ankle


def test_lengths_further_apart_than_two_knees_stand_stay_apart():
    apart = LENGTH_PAIR_MAX_MM + 5.0
    left, right = _length(_leg(), 400.0, 12.4), _length(_leg(), 400.0 + apart, 12.4)
    out, pooled = pool_lengths({Leg.LEFT: left, Leg.RIGHT: right})
    assert not pooled
    assert out[Leg.RIGHT].knee_high_length_mm == 400.0 + apart
