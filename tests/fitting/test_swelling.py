"""One-sided swelling: the calf (Wells, 30 mm) and ankle (20 mm) rules, with uncertainty."""

from __future__ import annotations

import math

import pytest

from fitting.errors import InputInvalid
from fitting.measurement import (
    CAMERA_DEFAULT_SD_MM,
    LegMeasurement,
    Measurement,
    MeasurementSource,
    Site,
)
from fitting.outcome import Outcome
from fitting.recommend import decide
from tests.fitting.helpers import answers, leg, make_catalogue, pair

TEST_CATALOGUE = make_catalogue()  # S [200,220) M [220,240) L [240,260)

CAMERA = MeasurementSource.CAMERA


@pytest.mark.parametrize(("left", "right", "source", "outcome", "code"), [
    # the right ankle 70 mm larger, calves equal: a doctor today, not made-to-measure
    (leg(220, 360), leg(290, 360), MeasurementSource.TAPE, Outcome.URGENT_DOCTOR,
     "ankle_difference"),
    # exactly 20 mm at the ankle: refer
    (leg(220, 360), leg(240, 360), MeasurementSource.TAPE, Outcome.URGENT_DOCTOR,
     "ankle_difference"),
    # 19 mm by tape: below the rule (the legs then need different sizes: staff)
    (leg(221, 360), leg(240, 360), MeasurementSource.TAPE, Outcome.STAFF_CHECK,
     "legs_differ"),
    # a camera ankle difference of 12 mm, 4 mm sd a leg: could be 20 within 2 sd
    (leg(224, 360, sd=4), leg(236, 360, sd=4), CAMERA, Outcome.STAFF_CHECK,
     "ankle_difference_uncertain"),
    # a camera calf difference of 25 mm, 3 mm sd a leg: could be 30 within 2 sd
    (leg(230, 350, sd=3), leg(230, 375, sd=3), CAMERA, Outcome.STAFF_CHECK,
     "calf_difference_uncertain"),
    # both: the calf refers, whatever the ankle
    (leg(220, 350), leg(245, 385), MeasurementSource.TAPE, Outcome.URGENT_DOCTOR,
     "calf_difference"),
])
def test_one_sided_swelling(left, right, source, outcome, code):
    decision = decide(Measurement(left, right, source), answers(), TEST_CATALOGUE)
    assert decision.outcome is outcome
    assert decision.reasons[0].code == code
    clot = code.endswith(("_difference", "_difference_uncertain"))
    assert decision.possible_clot is clot
    if clot:
        assert "blood clot" in decision.reasons[0].text_en
        assert "Blutgerinnsel" in decision.reasons[0].text_de
        assert not decision.recommendations


def test_a_possible_clot_at_the_doctor_says_not_to_massage_the_leg():
    decision = decide(pair(leg(220, 360), leg(290, 360)), answers(), TEST_CATALOGUE)
    assert "do not massage" in decision.reasons[0].text_en
    assert "massieren Sie es nicht" in decision.reasons[0].text_de


def test_the_difference_sd_stated_by_the_measurer_replaces_the_independent_one():
    left, right = leg(230, 350, sd=5), leg(230, 372, sd=5)
    independent = Measurement(left, right, CAMERA)
    assert independent.difference_sd_mm(Site.CALF) == pytest.approx(math.hypot(5, 5))
    assert decide(independent, answers(), TEST_CATALOGUE).outcome is Outcome.STAFF_CHECK
    stated = Measurement(left, right, CAMERA, calf_difference_sd_mm=2.0)
    assert stated.difference_sd_mm(Site.CALF) == 2.0
    decision = decide(stated, answers(), TEST_CATALOGUE)
    assert "calf_difference_uncertain" not in [r.code for r in decision.reasons]
    # it travels in the JSON contract
    assert Measurement.from_dict(stated.to_dict()) == stated


@pytest.mark.parametrize(("calf_sd_mm", "outcome", "code"), [
    # 40 mm apart with 12 mm a leg (sd of the difference 17): 40 - 34 is below 30, so
    # the reading that was flagged as a possible misread does not refer; staff tape it
    (12.0, Outcome.STAFF_CHECK, "calf_difference_uncertain"),
    # 40 mm apart with 3 mm a leg: 40 - 8.5 still reaches 30, flagged or not
    (3.0, Outcome.URGENT_DOCTOR, "calf_difference"),
])
def test_a_flagged_difference_refers_only_at_the_low_end_of_its_sd(calf_sd_mm, outcome,
                                                                   code):
    left = LegMeasurement(ankle_mm=230, calf_mm=360, ankle_sd_mm=3, calf_sd_mm=calf_sd_mm)
    right = LegMeasurement(ankle_mm=230, calf_mm=400, ankle_sd_mm=3, calf_sd_mm=calf_sd_mm)
    plain = Measurement(left, right, CAMERA)
    assert decide(plain, answers(), TEST_CATALOGUE).outcome is Outcome.URGENT_DOCTOR
    flagged = Measurement(left, right, CAMERA, flagged_differences=frozenset({Site.CALF}))
    decision = decide(flagged, answers(), TEST_CATALOGUE)
    assert decision.outcome is outcome and decision.reasons[0].code == code
    assert decision.possible_clot and not decision.recommendations
    if outcome is Outcome.STAFF_CHECK:  # read 4 cm apart, but maybe misread: says so
        assert "4.0\u00a0cm apart" in decision.reasons[0].text_en
        assert "misread" in decision.reasons[0].text_en
        assert "falsch gemessen" in decision.reasons[0].text_de
    # a flag at the other site changes nothing here
    ankle = Measurement(left, right, CAMERA, flagged_differences=frozenset({Site.ANKLE}))
    assert decide(ankle, answers(), TEST_CATALOGUE).outcome is Outcome.URGENT_DOCTOR
    # the flags travel in the JSON contract
    assert Measurement.from_dict(flagged.to_dict()) == flagged


def test_a_camera_figure_without_an_sd_gets_the_cameras_default_never_zero():
    bare = LegMeasurement(ankle_mm=230, calf_mm=360, knee_high_length_mm=410)
    camera = Measurement(bare, bare, CAMERA)
    for figure in (camera.left, camera.right):
        assert figure.ankle_sd_mm == CAMERA_DEFAULT_SD_MM["ankle_sd_mm"]
        assert figure.calf_sd_mm == CAMERA_DEFAULT_SD_MM["calf_sd_mm"]
        assert figure.knee_high_length_sd_mm == CAMERA_DEFAULT_SD_MM["knee_high_length_sd_mm"]
    own = LegMeasurement(ankle_mm=230, calf_mm=360, ankle_sd_mm=2.5)
    assert Measurement(own, own, CAMERA).left.ankle_sd_mm == 2.5  # its own sd is kept
    assert Measurement(own, own, CAMERA).left.knee_high_length_sd_mm is None  # no length
    tape = Measurement(bare, bare, MeasurementSource.TAPE)
    assert tape.left.ankle_sd_mm is None and tape.difference_sd_mm(Site.CALF) == 0.0


@pytest.mark.parametrize(("data", "message"), [
    ({"left": {"ankle_mm": 230, "calf_mm": 360, "calf_sd": 3},
      "right": {"ankle_mm": 230, "calf_mm": 360}, "source": "camera"},
     "left: unknown key 'calf_sd'"),
    ({"left": {"ankle_mm": 230, "calf_mm": 360}, "right": {"ankle_mm": 230, "calf_mm": 360}},
     "source is missing"),
    ({"left": {"ankle_mm": 230, "calf_mm": 360}, "right": {"ankle_mm": 230, "calf_mm": 360},
      "source": "camera", "calf_difference_sd_mm": -1}, "calf_difference_sd_mm"),
    ({"left": {"ankle_mm": 230, "calf_mm": 360}, "right": {"ankle_mm": 230, "calf_mm": 360},
      "source": "camera", "flagged_differences": ["thigh"]}, "flagged_differences"),
    ({"left": {"ankle_mm": 230, "calf_mm": 360}, "right": {"ankle_mm": 230, "calf_mm": 360},
      "source": "camera", "flagged_differences": "calf"}, "must be a list"),
])
def test_the_measurement_contract_refuses_what_would_weaken_a_check(data, message):
    with pytest.raises(InputInvalid, match=message):
        Measurement.from_dict(data)


def test_the_cameras_diagnostics_at_the_top_level_stay_readable():
    data = {"left": {"ankle_mm": 230, "calf_mm": 360}, "right": {"ankle_mm": 231, "calf_mm": 362},
            "source": "camera", "confidence": "high", "legs": {"left": {"notes": []}},
            "lower_confidence_reasons": []}
    assert Measurement.from_dict(data).right.calf_mm == 362
