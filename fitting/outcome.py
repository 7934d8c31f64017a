"""What a fitting ends in, why, and what the shopper wants the stocking for.

Outcomes are declared most severe first; when several rules fire, the most severe one
wins (a red flag is never outvoted by a good size). Every outcome carries reasons: a
message of the domain's catalogue (``fitting/locale``) with its values, read in the
shopper's language when shown, so the kiosk can tell the shopper, and the staff, the why.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import overload

from fitting import i18n
from fitting.i18n import Message

LANGUAGES = i18n.LANGUAGES


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
    """``lang`` if the catalogues speak it, else ``InputInvalid`` (see ``fitting.i18n``)."""
    return i18n.check_language(lang)


@dataclass(frozen=True)
class Verbatim:
    """Words given as they are, in English and German, outside the catalogues: for a
    scripted decision in a test harness only. The pseudo-locale shows them unwrapped, so
    a screen test finds any that reach a shopper."""

    en: str
    de: str

    def text(self, lang: str) -> str:
        return self.de if check_language(lang) == "de" else self.en


@dataclass(frozen=True, init=False)
class Reason:
    """One human-readable why, with a stable code for logs and tests.

    ``message`` is the why as a catalogue message and its values (``fitting.i18n``);
    ``text(lang)`` reads it in a language. ``action`` is the outcome this reason asks for
    (``None`` for a note that changes nothing, such as advice on long-term wear).
    ``Reason(code, "English", "Deutsch", action)`` is the older form with the words
    inline: kept for scripted decisions, it bypasses the catalogues.
    """

    code: str
    message: Message | Verbatim
    action: Outcome | None

    @overload
    def __init__(self, code: str, message: Message | Verbatim,
                 action: Outcome | None = None) -> None: ...

    @overload
    def __init__(self, code: str, message: str, text_de: str,
                 action: Outcome | None = None, /) -> None: ...

    def __init__(self, code: str, message: Message | Verbatim | str,
                 *rest: str | Outcome | None, action: Outcome | None = None) -> None:
        if isinstance(message, str):
            text_de = rest[0] if rest else None
            if not isinstance(text_de, str):
                raise TypeError("a reason given in words needs both English and German")
            message = Verbatim(message, text_de)
            rest = rest[1:]
        if len(rest) > 1 or (rest and action is not None):
            raise TypeError("a reason takes a code, a message and an action")
        if rest:
            given = rest[0]
            if given is not None and not isinstance(given, Outcome):
                raise TypeError("a reason's message already holds every language")
            action = given
        object.__setattr__(self, "code", code)
        object.__setattr__(self, "message", message)
        object.__setattr__(self, "action", action)

    def text(self, lang: str) -> str:
        """The why in ``lang`` ("en", "de", or the tests' pseudo-locale)."""
        return self.message.text(check_language(lang))

    @property
    def text_en(self) -> str:
        return self.text("en")

    @property
    def text_de(self) -> str:
        return self.text("de")

    def to_dict(self, lang: str = "en") -> dict[str, str]:
        return {"code": self.code, "text": self.text(lang)}
