"""The safety screener: questions asked before anyone measures a leg.

Compression squeezes a leg. On a leg with a fresh clot, poor arterial supply, numb feet
or broken skin it can do harm, so the kiosk asks first and stops on a red flag. Each
question says what a "yes" leads to and where that rule comes from; the wording is ours
(the messages "question.<id>" and "question.<id>.why" of ``fitting/locale``), the
thresholds are the cited sources'.

``screen`` works on partial answers too, so the kiosk can stop at the first red flag
instead of asking the remaining questions; ``decide`` (fitting.recommend) insists on a
complete set.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fitting.errors import InputInvalid
from fitting.i18n import Message, Mmhg, Value, msg
from fitting.outcome import Outcome, Purpose, Reason, check_language, most_severe

SELF_SERVICE_MAX_MMHG = 20
"""Self-service never goes above this ankle pressure (Derbyshire JAPC; Sigvaris; Mayo)."""

MAX_PRESCRIPTION_MMHG = 60
"""Sanity bound for a typed-in prescription; RAL class IV starts at 49 mmHg."""


@dataclass(frozen=True)
class Question:
    """One yes/no question. ``action`` is the outcome a "yes" leads to; ``values`` fill
    the placeholders of its texts (a pressure in mmHg)."""

    id: str
    action: Outcome
    source: str
    values: tuple[tuple[str, Value], ...] = ()

    @property
    def message(self) -> Message:
        return msg(f"question.{self.id}", **dict(self.values))

    @property
    def why_message(self) -> Message:
        return msg(f"question.{self.id}.why", **dict(self.values))

    def text(self, lang: str) -> str:
        return self.message.text(check_language(lang))

    def why(self, lang: str) -> str:
        return self.why_message.text(check_language(lang))

    @property
    def text_en(self) -> str:
        return self.text("en")

    @property
    def text_de(self) -> str:
        return self.text("de")

    @property
    def why_en(self) -> str:
        return self.why("en")

    @property
    def why_de(self) -> str:
        return self.why("de")

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        return {"id": self.id, "text": self.text(lang), "text_en": self.text_en,
                "text_de": self.text_de, "action": self.action.value, "source": self.source,
                "why": self.why(lang)}


QUESTIONS: tuple[Question, ...] = (
    Question("emergency_symptoms", Outcome.EMERGENCY,
             "NHS: Deep vein thrombosis (DVT), symptoms"),
    Question("one_leg_swelling", Outcome.URGENT_DOCTOR,
             "NHS: DVT symptoms; manufacturers' instructions for use; Rabe et al., "
             "Phlebology 2020"),
    Question("poor_circulation", Outcome.SEE_DOCTOR,
             "NICE CKS: compression stockings; NHS Devon formulary; manufacturers' "
             "instructions for use"),
    Question("abpi_out_of_range", Outcome.SEE_DOCTOR,
             "NICE CKS: compression stockings; NHS Devon formulary"),
    Question("numbness", Outcome.SEE_DOCTOR,
             "NHS Devon formulary; manufacturers' instructions for use"),
    Question("diabetes", Outcome.PHARMACIST,
             "Manufacturers' instructions for use; Derbyshire JAPC guidance",
             (("pressure", Mmhg(15)),)),
    Question("heart_failure", Outcome.SEE_DOCTOR,
             "Manufacturers' instructions for use (severe heart failure, NYHA III-IV, is a "
             "contraindication)"),
    Question("skin_problem", Outcome.SEE_DOCTOR,
             "NHS Devon formulary; manufacturers' instructions for use"),
    Question("fibre_allergy", Outcome.PHARMACIST,
             "NHS Devon formulary; manufacturers' instructions for use"),
    Question("recent_stroke", Outcome.SEE_DOCTOR, "NHS Devon formulary"),
    Question("hand_arthritis", Outcome.RECOMMEND,
             "Manufacturers' instructions for use; NHS Devon formulary"),
    Question("pregnant", Outcome.RECOMMEND, "RAL-GZ 387 class I indications",
             (("pressure", Mmhg(15, 20)),)),
    Question("dvt_under_treatment", Outcome.SEE_DOCTOR,
             "Manufacturer's compression guide (diagnosed DVT under medical care: as the "
             "clinician advises)"),
    Question("previous_dvt", Outcome.RECOMMEND,
             "Manufacturer's compression guide (previous DVT: often yes, longer term)"),
)

QUESTION_IDS: tuple[str, ...] = tuple(q.id for q in QUESTIONS)
_BY_ID: dict[str, Question] = {q.id: q for q in QUESTIONS}


def question(question_id: str) -> Question:
    try:
        return _BY_ID[question_id]
    except KeyError:
        raise InputInvalid(f"unknown screener question id {question_id!r}") from None


def _parse_prescription(value: Any) -> tuple[int, int] | None:
    if value is None:
        return None
    if (not isinstance(value, list | tuple) or len(value) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)):
        raise InputInvalid(
            f"prescription_mmhg must be null or two whole numbers like [20, 30], not {value!r}")
    low, high = value
    if not 0 < low < high <= MAX_PRESCRIPTION_MMHG:
        raise InputInvalid(
            f"prescription_mmhg must rise from low to high within 1-{MAX_PRESCRIPTION_MMHG} "
            f"mmHg, not {list(value)}")
    return (low, high)


@dataclass(frozen=True)
class Answers:
    """The shopper's answers, purpose and (optional) prescription.

    ``answers`` may be partial while the kiosk is still asking; ``complete`` says whether
    every question has been answered. ``staff_confirmed`` means a member of staff has
    seen the prescription; it means nothing without ``prescription_mmhg``.
    """

    answers: Mapping[str, bool]
    purpose: Purpose
    prescription_mmhg: tuple[int, int] | None = None
    staff_confirmed: bool = False

    def __post_init__(self) -> None:
        for key, value in self.answers.items():
            question(key)
            if not isinstance(value, bool):
                raise InputInvalid(f"answer {key!r} must be true or false, not {value!r}")
        if not isinstance(self.purpose, Purpose):
            raise InputInvalid(f"purpose must be a Purpose, not {self.purpose!r}")
        object.__setattr__(self, "prescription_mmhg",
                           _parse_prescription(self.prescription_mmhg))
        if not isinstance(self.staff_confirmed, bool):
            raise InputInvalid(
                f"staff_confirmed must be true or false, not {self.staff_confirmed!r}")
        if self.staff_confirmed and self.prescription_mmhg is None:
            raise InputInvalid("staff_confirmed is true but no prescription_mmhg is given")

    @property
    def complete(self) -> bool:
        return all(q in self.answers for q in QUESTION_IDS)

    @property
    def missing(self) -> tuple[str, ...]:
        return tuple(q for q in QUESTION_IDS if q not in self.answers)

    def yes(self, question_id: str) -> bool:
        return bool(self.answers.get(question_id, False))

    @property
    def confirmed_prescription_mmhg(self) -> tuple[int, int] | None:
        """The prescribed class, only once staff have confirmed it."""
        return self.prescription_mmhg if self.staff_confirmed else None

    @classmethod
    def from_dict(cls, data: object) -> Answers:
        """Read the answers file (A.json); every question must be answered."""
        if not isinstance(data, Mapping):
            raise InputInvalid("answers must be a JSON object with answers and purpose")
        unknown = sorted(set(data) - {"answers", "purpose", "prescription_mmhg",
                                      "staff_confirmed"})
        if unknown:
            raise InputInvalid(f"answers: unknown key {unknown[0]!r}")
        raw = data.get("answers")
        if not isinstance(raw, Mapping):
            raise InputInvalid("answers.answers must be an object of question id -> true/false")
        missing = [q for q in QUESTION_IDS if q not in raw]
        if missing:
            raise InputInvalid(f"answers: question {missing[0]!r} is not answered")
        if "purpose" not in data:
            raise InputInvalid("answers: purpose is missing (travel, everyday, sport, medical)")
        try:
            purpose = Purpose(data["purpose"])
        except ValueError:
            raise InputInvalid(
                "answers: purpose must be travel, everyday, sport or medical, "
                f"not {data['purpose']!r}") from None
        return cls(answers=dict(raw), purpose=purpose,
                   prescription_mmhg=data.get("prescription_mmhg"),
                   staff_confirmed=data.get("staff_confirmed", False))

    def to_dict(self) -> dict[str, Any]:
        return {"answers": dict(self.answers), "purpose": self.purpose.value,
                "prescription_mmhg": (list(self.prescription_mmhg)
                                      if self.prescription_mmhg else None),
                "staff_confirmed": self.staff_confirmed}


@dataclass(frozen=True)
class Screening:
    """What the answers alone decide, before any measurement.

    ``reasons`` drive the outcome; ``notes`` are advice that changes nothing (a donning
    aid, long-term wear after a managed clot). ``outcome.is_referral`` means stop now.
    """

    outcome: Outcome
    reasons: tuple[Reason, ...]
    notes: tuple[Reason, ...]
    complete: bool

    @property
    def stops_fitting(self) -> bool:
        return self.outcome.is_referral


def _question_reason(q: Question, action: Outcome | None) -> Reason:
    return Reason(q.id, q.why_message, action)


def screen(answers: Answers) -> Screening:
    """Apply the screener's rules; the most severe outcome found wins."""
    reasons: list[Reason] = []
    notes: list[Reason] = []
    for q in QUESTIONS:
        if not answers.yes(q.id):
            continue
        if q.id == "dvt_under_treatment" and answers.confirmed_prescription_mmhg:
            notes.append(Reason("dvt_prescription_confirmed",
                                msg("screener.dvt_prescription_confirmed")))
            continue
        if q.action is Outcome.RECOMMEND:
            notes.append(_question_reason(q, None))
        else:
            reasons.append(_question_reason(q, q.action))
    reasons.extend(_compression_route(answers))
    outcome = most_severe(r.action for r in reasons if r.action is not None)
    reasons.sort(key=lambda r: r.action.severity if r.action else len(Outcome))
    return Screening(outcome, tuple(reasons), tuple(notes), answers.complete)


def _compression_route(answers: Answers) -> list[Reason]:
    """The prescription rules: more than 20 mmHg only through a confirmed prescription."""
    rx = answers.prescription_mmhg
    out: list[Reason] = []
    if rx is not None and rx[1] > SELF_SERVICE_MAX_MMHG and not answers.staff_confirmed:
        out.append(Reason(
            "prescription_unconfirmed",
            msg("screener.prescription_unconfirmed", prescribed=Mmhg(rx[0], rx[1]),
                limit=Mmhg(SELF_SERVICE_MAX_MMHG)),
            Outcome.PHARMACIST))
    if answers.purpose is Purpose.MEDICAL and rx is None:
        out.append(Reason(
            "medical_without_prescription",
            msg("screener.medical_without_prescription", pressure=Mmhg(15, 20)),
            Outcome.PHARMACIST))
    return out
