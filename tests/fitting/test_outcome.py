"""Outcomes: the order of severity decides which rule wins."""

import pytest

from fitting.outcome import Outcome, Reason, most_severe


def test_outcomes_are_declared_most_severe_first():
    assert [o.value for o in Outcome] == [
        "emergency", "urgent_doctor", "see_doctor", "pharmacist", "made_to_measure",
        "staff_check", "recommend"]
    assert [o.severity for o in Outcome] == list(range(7))


@pytest.mark.parametrize(("outcomes", "expected"), [
    ([], Outcome.RECOMMEND),                                              # nothing fired
    ([Outcome.RECOMMEND, Outcome.STAFF_CHECK], Outcome.STAFF_CHECK),      # check beats fit
    ([Outcome.MADE_TO_MEASURE, Outcome.STAFF_CHECK], Outcome.MADE_TO_MEASURE),
    ([Outcome.PHARMACIST, Outcome.MADE_TO_MEASURE], Outcome.PHARMACIST),
    ([Outcome.RECOMMEND, Outcome.SEE_DOCTOR, Outcome.PHARMACIST], Outcome.SEE_DOCTOR),
    ([Outcome.SEE_DOCTOR, Outcome.URGENT_DOCTOR], Outcome.URGENT_DOCTOR),
    ([Outcome.URGENT_DOCTOR, Outcome.EMERGENCY, Outcome.RECOMMEND], Outcome.EMERGENCY),
])
def test_most_severe_wins(outcomes, expected):
    assert most_severe(outcomes) is expected


@pytest.mark.parametrize(("outcome", "referral", "offers"), [
    (Outcome.EMERGENCY, True, False),         # call for help, sell nothing
    (Outcome.URGENT_DOCTOR, True, False),     # possible clot
    (Outcome.SEE_DOCTOR, True, False),        # contraindication to check first
    (Outcome.PHARMACIST, False, True),        # pharmacist confirms the candidate
    (Outcome.MADE_TO_MEASURE, False, False),  # no standard size exists for this leg
    (Outcome.STAFF_CHECK, False, True),       # candidates for staff to settle by tape
    (Outcome.RECOMMEND, False, True),         # sell it
])
def test_what_each_outcome_allows(outcome, referral, offers):
    assert outcome.is_referral is referral
    assert outcome.offers_product is offers


def test_reason_speaks_both_languages_and_refuses_others():
    reason = Reason("x", "hello", "hallo", Outcome.RECOMMEND)
    assert reason.text("en") == "hello" and reason.text("de") == "hallo"
    assert reason.to_dict("de") == {"code": "x", "text": "hallo"}
    with pytest.raises(Exception, match="language"):
        reason.text("fr")
