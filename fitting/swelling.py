"""One-sided swelling: a sign of a clot that the measurement itself can show.

Two rules, both from the fitting facts ("One-sided swelling"):

- a calf 30 mm or more larger than the other is one of the Wells criteria for a deep
  vein thrombosis: refer to a doctor today, sell nothing;
- an ankle 20 mm or more larger than the other, unexplained, is our conservative product
  rule (swelling in one leg is a warning sign; no published threshold): the same.

A measured difference is uncertain. With ``sd`` the difference's own spread (see
``Measurement.difference_sd_mm``), a difference that could reach its threshold within
2 sd is treated as reaching it: not a referral on a maybe, and never a size question,
but a staff tape check that says why (a possible clot). A tape measurement has no sd:
its difference decides on its own.

A referral to a doctor today rests on a difference the camera saw plainly. Where the
measurer flagged a reading at the site as a possible misread (``flagged_differences``:
an outline lost and read again, a difference one view shows and the other does not, a
depth from a prior) the difference refers only when it reaches the threshold even at
the low end of its 2 sd, and is otherwise the staff check above. Over seven unseen sets
of generated shoppers (620) such readings referred five healthy pairs (calves 33-34 mm
apart in one view only, a calf read 72 mm large with an sd of 56 mm, ankles read from
the front alone 30-39 mm apart), and no true swelling: those were staff checks already.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from fitting.i18n import Cm, msg
from fitting.measurement import Measurement, Site
from fitting.outcome import Outcome, Reason


@dataclass(frozen=True)
class SwellingRule:
    site: Site
    refer_mm: float


CALF_RULE = SwellingRule(Site.CALF, 30.0)
ANKLE_RULE = SwellingRule(Site.ANKLE, 20.0)
RULES = (CALF_RULE, ANKLE_RULE)
# A difference that could reach its threshold within this many of its sds counts.
UNCERTAINTY_SDS = 2.0

POSSIBLE_CLOT_REASONS = frozenset(
    {f"{rule.site.value}_difference" for rule in RULES}
    | {f"{rule.site.value}_difference_uncertain" for rule in RULES})
"""Reason keys that mean a possible clot (the screens and the slip say so)."""


def reaches(rule: SwellingRule, difference_mm: float) -> bool:
    # A tiny tolerance so 29.999999 from float arithmetic on 30 mm counts as 30 mm.
    return math.isfinite(difference_mm) and difference_mm >= rule.refer_mm - 1e-9


def _limit(rule: SwellingRule) -> Cm:
    """The threshold in centimetres, without a decimal when it is a whole one ("3 cm")."""
    return Cm(rule.refer_mm, decimals=0 if rule.refer_mm % 10 == 0 else 1)


def refer_reason(rule: SwellingRule, difference_mm: float) -> Reason:
    """The difference reaches the rule's threshold: see a doctor today."""
    return Reason(
        f"{rule.site.value}_difference",
        msg(f"swelling.refer.{rule.site.value}", difference=Cm(difference_mm),
            limit=_limit(rule)),
        Outcome.URGENT_DOCTOR)


def uncertain_reason(rule: SwellingRule, difference_mm: float) -> Reason:
    """The difference could reach the threshold within its uncertainty (or, read from a
    flagged reading, reaches it as read but not surely): staff tape it."""
    wording = "unsure_reading" if reaches(rule, difference_mm) else "uncertain"
    return Reason(
        f"{rule.site.value}_difference_uncertain",
        msg(f"swelling.{wording}.{rule.site.value}", difference=Cm(difference_mm),
            limit=_limit(rule)),
        Outcome.STAFF_CHECK)


def swelling_reason(measurement: Measurement) -> Reason | None:
    """The most severe one-sided swelling finding, or None: a difference that reaches a
    threshold refers at once (a flagged one: at the low end of its 2 sd); one that could
    reach it within 2 sd asks staff to tape."""
    uncertain: Reason | None = None
    for rule in RULES:
        difference = measurement.difference_mm(rule.site)
        sd = measurement.difference_sd_mm(rule.site)
        flagged = rule.site in measurement.flagged_differences
        if reaches(rule, difference - UNCERTAINTY_SDS * sd if flagged else difference):
            return refer_reason(rule, difference)
        if uncertain is None and sd > 0 and reaches(rule, difference + UNCERTAINTY_SDS * sd):
            uncertain = uncertain_reason(rule, difference)
    return uncertain
