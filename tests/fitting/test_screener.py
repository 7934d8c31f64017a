"""The safety screener: every question, the rules beyond the table, the answers file."""

import pytest

from fitting.errors import InputInvalid, LegFitError
from fitting.outcome import Outcome, Purpose
from fitting.screener import QUESTION_IDS, QUESTIONS, Answers, screen

from .helpers import all_no, answers

EXPECTED_IDS = (
    "emergency_symptoms", "one_leg_swelling", "poor_circulation", "abpi_out_of_range",
    "numbness", "diabetes", "heart_failure", "skin_problem", "fibre_allergy", "recent_stroke",
    "hand_arthritis", "pregnant", "dvt_under_treatment", "previous_dvt")


def test_the_fourteen_questions_in_display_order():
    assert QUESTION_IDS == EXPECTED_IDS


@pytest.mark.parametrize("q", QUESTIONS, ids=lambda q: q.id)
def test_every_question_has_both_languages_a_why_and_a_source(q):
    assert q.text_en.endswith("?") and q.text_de.endswith("?")
    assert q.text_en != q.text_de and q.why_en != q.why_de
    assert len(q.source) > 5 and q.why_en


@pytest.mark.parametrize(("question_id", "expected"), [
    ("emergency_symptoms", Outcome.EMERGENCY),    # possible pulmonary embolism: call 112
    ("one_leg_swelling", Outcome.URGENT_DOCTOR),  # possible DVT: doctor today
    ("poor_circulation", Outcome.SEE_DOCTOR),     # arterial disease: ABPI first
    ("abpi_out_of_range", Outcome.SEE_DOCTOR),    # ABPI < 0.8 or > 1.3: specialist
    ("numbness", Outcome.SEE_DOCTOR),             # neuropathy: would not feel a tight stocking
    ("diabetes", Outcome.PHARMACIST),             # pharmacist check before > 15 mmHg
    ("heart_failure", Outcome.SEE_DOCTOR),        # NYHA III-IV contraindication
    ("skin_problem", Outcome.SEE_DOCTOR),         # wounds, ulcers, fragile skin
    ("fibre_allergy", Outcome.PHARMACIST),        # another material
    ("recent_stroke", Outcome.SEE_DOCTOR),        # stroke in the last weeks
    ("hand_arthritis", Outcome.RECOMMEND),        # proceed, with a donning aid (a note)
    ("pregnant", Outcome.RECOMMEND),              # proceed, light class (a note)
    ("dvt_under_treatment", Outcome.SEE_DOCTOR),  # only against a confirmed prescription
    ("previous_dvt", Outcome.RECOMMEND),          # managed clot: long-term wear helps
])
def test_a_single_yes_leads_to_its_action(question_id, expected):
    result = screen(answers(**{question_id: True}))
    assert result.outcome is expected
    codes = {r.code for r in result.reasons} | {r.code for r in result.notes}
    assert question_id in codes
    assert result.stops_fitting is (expected.severity <= Outcome.SEE_DOCTOR.severity)


def test_all_no_proceeds_without_reasons():
    result = screen(answers())
    assert result.outcome is Outcome.RECOMMEND and not result.reasons and result.complete


def test_the_most_severe_answer_wins_and_is_listed_first():
    result = screen(answers(diabetes=True, numbness=True, emergency_symptoms=True))
    assert result.outcome is Outcome.EMERGENCY
    assert [r.code for r in result.reasons] == ["emergency_symptoms", "numbness", "diabetes"]


@pytest.mark.parametrize(("rx", "confirmed", "purpose", "expected", "code"), [
    # DVT under treatment, no prescription: follow the clinician's plan
    (None, False, Purpose.MEDICAL, Outcome.SEE_DOCTOR, "dvt_under_treatment"),
    # DVT under treatment with an unconfirmed prescription: still the doctor's plan first
    ((20, 30), False, Purpose.MEDICAL, Outcome.SEE_DOCTOR, "dvt_under_treatment"),
    # DVT under treatment, prescription confirmed by staff: fitted against it
    ((20, 30), True, Purpose.MEDICAL, Outcome.RECOMMEND, "dvt_prescription_confirmed"),
])
def test_dvt_under_treatment_needs_a_confirmed_prescription(rx, confirmed, purpose, expected,
                                                            code):
    result = screen(answers(purpose, rx, confirmed, dvt_under_treatment=True))
    assert result.outcome is expected
    assert code in {r.code for r in (*result.reasons, *result.notes)}


@pytest.mark.parametrize(("rx", "confirmed", "purpose", "expected"), [
    (None, False, Purpose.EVERYDAY, Outcome.RECOMMEND),    # self-service, class I
    ((20, 30), False, Purpose.MEDICAL, Outcome.PHARMACIST),  # > 20 unconfirmed: pharmacist
    ((30, 40), False, Purpose.EVERYDAY, Outcome.PHARMACIST),  # whatever the purpose
    ((20, 30), True, Purpose.MEDICAL, Outcome.RECOMMEND),  # confirmed: the route is open
    ((15, 20), False, Purpose.MEDICAL, Outcome.RECOMMEND),  # a class I prescription
    (None, False, Purpose.MEDICAL, Outcome.PHARMACIST),    # medical need, no prescription
])
def test_compression_route(rx, confirmed, purpose, expected):
    assert screen(answers(purpose, rx, confirmed)).outcome is expected


def test_previous_dvt_says_why_long_term_wear_helps():
    (note,) = screen(answers(previous_dvt=True)).notes
    assert "post-thrombotic" in note.text_en and "postthrombotisch" in note.text_de


def test_partial_answers_can_stop_at_the_first_red_flag():
    partial = Answers({"emergency_symptoms": False, "one_leg_swelling": True},
                      Purpose.EVERYDAY)
    result = screen(partial)
    assert not result.complete and result.stops_fitting
    assert result.outcome is Outcome.URGENT_DOCTOR


def _a_json(**changes):
    data = {"answers": all_no(), "purpose": "everyday", "prescription_mmhg": None,
            "staff_confirmed": False}
    data.update(changes)
    return data


def test_answers_file_round_trip():
    data = _a_json(prescription_mmhg=[20, 30], staff_confirmed=True, purpose="medical")
    parsed = Answers.from_dict(data)
    assert parsed.prescription_mmhg == (20, 30) and parsed.confirmed_prescription_mmhg
    assert parsed.to_dict() == data


def _without(key):
    data = _a_json()
    del data[key]
    return data


def _answer_missing(question_id):
    data = _a_json()
    del data["answers"][question_id]
    return data


@pytest.mark.parametrize(("data", "message"), [
    (_answer_missing("previous_dvt"), "'previous_dvt' is not answered"),  # missing answer
    (_answer_missing("emergency_symptoms"), "'emergency_symptoms'"),      # the first one too
    (_without("purpose"), "purpose is missing"),                         # no purpose
    (_a_json(purpose="hiking"), "purpose must be"),                       # unknown purpose
    (_a_json(answers={**all_no(), "x": True}), "unknown screener question"),  # unknown id
    (_a_json(answers={**all_no(), "diabetes": "yes"}), "true or false"),  # not a boolean
    (_a_json(answers=[1, 2]), "object of question id"),                   # not an object
    (_a_json(prescription_mmhg=[30, 20]), "rise from low to high"),       # inverted class
    (_a_json(prescription_mmhg=[20]), "two whole numbers"),               # one number
    (_a_json(prescription_mmhg="20-30"), "two whole numbers"),            # a string
    (_a_json(staff_confirmed=True), "no prescription_mmhg"),              # confirm nothing
    (_a_json(staff_confirmed="yes"), "true or false"),                    # not a boolean
    (_a_json(extra=1), "unknown key 'extra'"),                            # a typo'd key
    ([1, 2, 3], "JSON object"),                                           # not an object
])
def test_invalid_answers_are_refused_with_one_clear_line(data, message):
    with pytest.raises(InputInvalid) as exc:
        Answers.from_dict(data)
    assert isinstance(exc.value, LegFitError)
    assert message in str(exc.value) and "\n" not in str(exc.value)
