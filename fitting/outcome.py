"""What a fitting ends in, why, and what the shopper wants the stocking for.

Outcomes are declared most severe first; when several rules fire, the most severe one
wins (a red flag is never outvoted by a good size). Every outcome carries reasons in
English and German so the kiosk can show the shopper, and the staff, the why.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from fitting.errors import InputInvalid

LANGUAGES = ("en", "de")


class Outcome(StrEnum):
    """The end of a fitting, most severe first."""

    EMERGENCY = "emergency"
    URGENT_DOCTOR = "urgent_doctor"
    SEE_DOCTOR = "see_doctor"
    PHARMACIST = "pharmacist"
    MADE_TO_MEASURE = "made_to_measure"
    STAFF_CHECK = "staff_check"
    RECOMMEND = "recommend"

    @property
    def severity(self) -> int:
        """0 for the most severe (emergency), rising to the mildest (recommend)."""
        return _ORDER.index(self)

    @property
    def is_referral(self) -> bool:
        """A medical referral: the kiosk stops the fitting and offers no product."""
        return self.severity <= Outcome.SEE_DOCTOR.severity

    @property
    def offers_product(self) -> bool:
        """Whether a ready-made product may be shown (to the shopper or to staff).

        Referrals offer nothing; made-to-measure means no standard size fits. A
        pharmacist or staff check may show the candidate for that person to confirm.
        """
        return self in (Outcome.PHARMACIST, Outcome.STAFF_CHECK, Outcome.RECOMMEND)


_ORDER: tuple[Outcome, ...] = tuple(Outcome)


def most_severe(outcomes: Iterable[Outcome]) -> Outcome:
    """The most severe of ``outcomes``; ``RECOMMEND`` when there are none."""
    return min(outcomes, key=lambda o: o.severity, default=Outcome.RECOMMEND)


class Purpose(StrEnum):
    """What the shopper wants the stocking for; it steers the product and class."""

    TRAVEL = "travel"
    EVERYDAY = "everyday"
    SPORT = "sport"
    MEDICAL = "medical"


def check_language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise InputInvalid(f"language must be one of {', '.join(LANGUAGES)}, not {lang!r}")
    return lang


@dataclass(frozen=True)
class Reason:
    """One human-readable why, with a stable code for logs and tests.

    ``action`` is the outcome this reason asks for (``None`` for a note that changes
    nothing, such as advice on long-term wear).
    """

    code: str
    text_en: str
    text_de: str
    action: Outcome | None = None

    def text(self, lang: str) -> str:
        return self.text_de if check_language(lang) == "de" else self.text_en

    def to_dict(self, lang: str = "en") -> dict[str, str]:
        return {"code": self.code, "text": self.text(lang)}
