"""The decision: every outcome, the clot rule, the compression cap, purpose and route."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fitting.catalogue import load_catalogue
from fitting.donning import DONNING_STEPS
from fitting.errors import InputInvalid
from fitting.measurement import Leg, Measurement, MeasurementSource
from fitting.outcome import Outcome, Purpose
from fitting.recommend import decide
from fitting.screener import QUESTION_IDS, QUESTIONS, Answers

from .helpers import answers, leg, make_catalogue, pair

CATALOGUE = load_catalogue()
TEST_CATALOGUE = make_catalogue()  # S [200,220) M [220,240) L [240,260), lengths 350/400/450
GOOD = pair(leg(230, 350, 420))  # size M long on the test chart, both legs
RED_FLAGS = [q.id for q in QUESTIONS if q.action.is_referral]


@pytest.mark.parametrize(("measurement", "given", "expected", "code", "offers"), [
    # an emergency beats everything, even a perfect fit
    (GOOD, answers(emergency_symptoms=True), Outcome.EMERGENCY, "emergency_symptoms", False),
    # a new one-sided swelling: doctor today
    (GOOD, answers(one_leg_swelling=True), Outcome.URGENT_DOCTOR, "one_leg_swelling", False),
    # calves 30 mm apart with every answer "no": Wells refers
    (pair(leg(230, 350), leg(230, 380)), answers(), Outcome.URGENT_DOCTOR, "calf_difference",
     False),
    # arteries, nerves, heart, skin, stroke: see a doctor first
    (GOOD, answers(poor_circulation=True), Outcome.SEE_DOCTOR, "poor_circulation", False),
    # diabetes: the pharmacist checks the candidate
    (GOOD, answers(diabetes=True), Outcome.PHARMACIST, "diabetes", True),
    # a prescription for 20-30 not yet seen by staff: pharmacist, and nothing above 20
    (GOOD, answers(Purpose.MEDICAL, (20, 30)), Outcome.PHARMACIST, "prescription_unconfirmed",
     False),
    # a confirmed class the store does not stock: the pharmacist orders it
    (GOOD, answers(Purpose.MEDICAL, (30, 40), True), Outcome.PHARMACIST,
     "no_matching_product", False),
    # calf too large for the size the ankle chose: made-to-measure, nothing off the shelf
    (pair(leg(230, 395)), answers(), Outcome.MADE_TO_MEASURE, "calf_above_size", False),
    # ankle past the chart
    (pair(leg(265, 420)), answers(), Outcome.MADE_TO_MEASURE, "ankle_above_sizes", False),
    # a camera ankle on a boundary: staff settle it with a tape
    (pair(leg(219, 340, sd=4)), answers(), Outcome.STAFF_CHECK, "size_boundary_uncertain",
     True),
    # legs in different sizes: flagged for staff
    (pair(leg(215, 340), leg(225, 345)), answers(), Outcome.STAFF_CHECK, "legs_differ", True),
    # a 27 mm calf difference measured +/- 3 mm per leg could be 30: tape both calves
    # first (a possible clot, never a size question: no candidates offered)
    (pair(leg(230, 350, sd=3), leg(230, 377, sd=3)), answers(), Outcome.STAFF_CHECK,
     "calf_difference_uncertain", False),
    # 22 mm +/- 5 mm per calf reaches 30 within 2 sd of the difference (7.1 mm): tape
    (pair(leg(230, 350, sd=5), leg(230, 372, sd=5)), answers(), Outcome.STAFF_CHECK,
     "calf_difference_uncertain", False),
    # a possible calf difference beside a calf too large for its size: still the staff
    # tape check, not made-to-measure (never a size question)
    (pair(leg(230, 395, sd=3), leg(230, 372, sd=3)), answers(), Outcome.STAFF_CHECK,
     "calf_difference_uncertain", False),
    # no length: staff measure it
    (pair(leg(230, 350, None)), answers(), Outcome.STAFF_CHECK, "length_not_measured", True),
    # everything fine: the recommendation
    (GOOD, answers(), Outcome.RECOMMEND, "standard_size", True),
    # a managed old clot proceeds, with the why of long-term wear
    (GOOD, answers(previous_dvt=True), Outcome.RECOMMEND, "previous_dvt", True),
])
def test_every_outcome(measurement, given, expected, code, offers):
    decision = decide(measurement, given, TEST_CATALOGUE)
    assert decision.outcome is expected
    assert code in [r.code for r in decision.reasons]
    assert bool(decision.recommendations) is offers
    assert bool(decision.donning) is offers
    assert decision.reasons[0].action is expected or expected is Outcome.RECOMMEND


@pytest.mark.parametrize(("left_calf", "right_calf", "expected"), [
    (350, 379.9, Outcome.RECOMMEND),       # 29.9 mm: below the Wells threshold
    (350, 380.0, Outcome.URGENT_DOCTOR),   # exactly 30 mm: refer
    (380.0, 350, Outcome.URGENT_DOCTOR),   # either side
    (330, 380, Outcome.URGENT_DOCTOR),     # 50 mm, though each leg alone fits
])
def test_the_calf_difference_rule(left_calf, right_calf, expected):
    decision = decide(pair(leg(230, left_calf), leg(230, right_calf)), answers(),
                      TEST_CATALOGUE)
    assert decision.outcome is expected
    if expected is Outcome.URGENT_DOCTOR:
        assert decision.reasons[0].code == "calf_difference"
        # The difference and the threshold in centimetres, a non-breaking space before cm.
        assert "3\u00a0cm or more" in decision.reasons[0].text_en
        assert not decision.recommendations


@pytest.mark.parametrize(("purpose", "rx", "confirmed", "style", "product_id", "outcome"), [
    # travel: the travel sock
    (Purpose.TRAVEL, None, False, None, "demo-travel-sock", Outcome.RECOMMEND),
    # sport: a sock too
    (Purpose.SPORT, None, False, None, "demo-travel-sock", Outcome.RECOMMEND),
    # everyday: the 15-20 knee-high
    (Purpose.EVERYDAY, None, False, None, "demo-everyday-knee-high", Outcome.RECOMMEND),
    # medical, no prescription: the 15-20 knee-high, for the pharmacist to confirm
    (Purpose.MEDICAL, None, False, None, "demo-everyday-knee-high", Outcome.PHARMACIST),
    # medical with a confirmed 20-30 prescription: the class II knee-high
    (Purpose.MEDICAL, (20, 30), True, None, "demo-class2-knee-high", Outcome.RECOMMEND),
    # a confirmed class I prescription: the everyday knee-high
    (Purpose.MEDICAL, (15, 20), True, None, "demo-everyday-knee-high", Outcome.RECOMMEND),
    # thigh-high on request: thigh girth by tape, so staff
    (Purpose.EVERYDAY, None, False, "thigh-high", "demo-thigh-high", Outcome.STAFF_CHECK),
    # a knee-high on request for travel
    (Purpose.TRAVEL, None, False, "knee-high", "demo-everyday-knee-high", Outcome.RECOMMEND),
])
def test_purpose_and_prescription_choose_the_line(purpose, rx, confirmed, style, product_id,
                                                  outcome):
    measurement = pair(leg(221, 365, 410))
    decision = decide(measurement, answers(purpose, rx, confirmed), CATALOGUE, style=style)
    assert decision.outcome is outcome
    assert {c.product_id for c in decision.recommendations} == {product_id}


def test_a_recommendation_for_the_demo_pair_in_the_cli_contract():
    measurement = Measurement.from_dict({
        "left": {"ankle_mm": 221, "ankle_sd_mm": 2.0, "calf_mm": 365, "calf_sd_mm": 3.0,
                 "knee_high_length_mm": 410},
        "right": {"ankle_mm": 222, "calf_mm": 366, "knee_high_length_mm": 412},
        "source": "tape"})
    decision = decide(measurement, answers(), CATALOGUE)
    out = decision.to_dict()
    assert set(out) == {"outcome", "reasons", "recommendations", "donning"}
    assert out["outcome"] == "recommend"
    (rec,) = out["recommendations"]
    assert {k: rec[k] for k in ("product_id", "size", "length", "class_mmhg", "legs")} == {
        "product_id": "demo-everyday-knee-high", "size": "M", "length": "short",
        "class_mmhg": [15, 20], "legs": ["left", "right"]}
    assert all(set(r) == {"code", "text"} for r in out["reasons"])
    assert [d["key"] for d in out["donning"]] == [s.key for s in DONNING_STEPS]
    assert {"off_at_once", "off_and_call"} <= {d["key"] for d in out["donning"]}
    assert json.loads(json.dumps(out)) == out
    de = decision.to_dict("de")
    # The right leg first (the shopper's one order of legs), in plain words and cm.
    assert de["reasons"][0]["text"] == (
        "Rechtes Bein: Knöchel 22,2\u00a0cm, Wade 36,6\u00a0cm und Länge 41,2\u00a0cm "
        "passen zu Größe M, Länge kurz.")
    assert out["reasons"][0]["text"] == (
        "Right leg: ankle 22.2\u00a0cm, calf 36.6\u00a0cm and length 41.2\u00a0cm fit "
        "size M, short.")


def test_different_sizes_become_one_choice_per_leg():
    # The right leg's choice first, the shopper's one order of legs.
    decision = decide(pair(leg(215, 340), leg(225, 345)), answers(), TEST_CATALOGUE)
    assert [(c.size, c.legs) for c in decision.recommendations] == [
        ("M", (Leg.RIGHT,)), ("S", (Leg.LEFT,))]


def test_incomplete_answers_are_refused():
    partial = Answers({"emergency_symptoms": False}, Purpose.EVERYDAY)
    with pytest.raises(InputInvalid, match="'one_leg_swelling' is not answered"):
        decide(GOOD, partial, TEST_CATALOGUE)


def test_a_donning_aid_for_stiff_hands():
    decision = decide(GOOD, answers(hand_arthritis=True), TEST_CATALOGUE)
    assert decision.outcome is Outcome.RECOMMEND
    assert {"hand_arthritis", "donning_aid"} <= {r.code for r in decision.reasons}


# --- properties over random shoppers ---------------------------------------------------

girth_sd = st.one_of(st.none(), st.floats(min_value=0.5, max_value=5))


@st.composite
def legs(draw):
    ankle = draw(st.floats(min_value=170, max_value=300))
    calf = draw(st.floats(min_value=1.4, max_value=2.0)) * ankle
    length = draw(st.one_of(st.none(), st.floats(min_value=320, max_value=500)))
    return leg(ankle, calf, length, sd=draw(girth_sd))


@st.composite
def shoppers(draw):
    yes = draw(st.dictionaries(st.sampled_from(QUESTION_IDS), st.booleans()))
    rx = draw(st.one_of(st.none(), st.sampled_from([(15, 20), (20, 30), (30, 40), (23, 32)])))
    confirmed = rx is not None and draw(st.booleans())
    given = answers(draw(st.sampled_from(list(Purpose))), rx, confirmed, **yes)
    left = draw(legs())
    right = draw(st.one_of(st.just(left), legs()))
    measurement = Measurement(left, right, draw(st.sampled_from(list(MeasurementSource))))
    return measurement, given, draw(st.sampled_from([None, "sock", "knee-high",
                                                     "thigh-high"]))


@settings(max_examples=200, deadline=None)
@given(shoppers())
def test_no_offer_past_a_red_flag(shopper):
    measurement, given, style = shopper
    decision = decide(measurement, given, CATALOGUE, style=style)
    if any(given.yes(q) for q in RED_FLAGS) and not (
            given.confirmed_prescription_mmhg and _only_dvt_flag(given)):
        assert decision.outcome.is_referral
    if decision.outcome.is_referral:
        assert decision.recommendations == () and decision.donning == ()
    if decision.outcome is Outcome.MADE_TO_MEASURE:
        assert decision.recommendations == ()


def _only_dvt_flag(given):
    return [q for q in RED_FLAGS if given.yes(q)] == ["dvt_under_treatment"]


@settings(max_examples=200, deadline=None)
@given(shoppers())
def test_never_above_20_mmhg_without_a_confirmed_prescription(shopper):
    measurement, given, style = shopper
    decision = decide(measurement, given, CATALOGUE, style=style)
    for choice in decision.recommendations:
        if given.confirmed_prescription_mmhg is None:
            assert choice.class_mmhg[1] <= 20 and not choice.requires_prescription
        else:
            assert choice.class_mmhg == given.confirmed_prescription_mmhg


@settings(max_examples=200, deadline=None)
@given(shoppers(), st.floats(min_value=30, max_value=150), st.booleans())
def test_a_30_mm_calf_difference_always_refers(shopper, difference_mm, right_bigger):
    measurement, given, style = shopper
    left = measurement.left
    other = leg(left.ankle_mm, left.calf_mm + difference_mm, left.knee_high_length_mm,
                sd=left.calf_sd_mm)
    legs_ = (left, other) if right_bigger else (other, left)
    decision = decide(Measurement(*legs_, measurement.source), given, CATALOGUE, style=style)
    assert decision.outcome.severity <= Outcome.URGENT_DOCTOR.severity
    assert decision.recommendations == ()
