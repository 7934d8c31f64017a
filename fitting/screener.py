"""The safety screener: questions asked before anyone measures a leg.

Compression squeezes a leg. On a leg with a fresh clot, poor arterial supply, numb feet
or broken skin it can do harm, so the kiosk asks first and stops on a red flag. Each
question says what a "yes" leads to and where that rule comes from; the wording is ours,
the thresholds are the cited sources'.

``screen`` works on partial answers too, so the kiosk can stop at the first red flag
instead of asking the remaining questions; ``decide`` (fitting.recommend) insists on a
complete set.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fitting.errors import InputInvalid
from fitting.outcome import Outcome, Purpose, Reason, check_language, most_severe

SELF_SERVICE_MAX_MMHG = 20
"""Self-service never goes above this ankle pressure (Derbyshire JAPC; Sigvaris; Mayo)."""

MAX_PRESCRIPTION_MMHG = 60
"""Sanity bound for a typed-in prescription; RAL class IV starts at 49 mmHg."""


@dataclass(frozen=True)
class Question:
    """One yes/no question. ``action`` is the outcome a "yes" leads to."""

    id: str
    text_en: str
    text_de: str
    action: Outcome
    source: str
    why_en: str
    why_de: str

    def text(self, lang: str) -> str:
        return self.text_de if check_language(lang) == "de" else self.text_en

    def why(self, lang: str) -> str:
        return self.why_de if check_language(lang) == "de" else self.why_en

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        return {"id": self.id, "text": self.text(lang), "text_en": self.text_en,
                "text_de": self.text_de, "action": self.action.value, "source": self.source,
                "why": self.why(lang)}


QUESTIONS: tuple[Question, ...] = (
    Question(
        "emergency_symptoms",
        "Do you have sudden breathlessness, chest pain or are you coughing up blood right now?",
        "Haben Sie gerade plötzliche Atemnot, Brustschmerzen oder husten Sie Blut?",
        Outcome.EMERGENCY, "NHS: Deep vein thrombosis (DVT), symptoms",
        "These can be signs of a blood clot in the lungs. Call the emergency number (112 "
        "or 999) now. Do not buy or wear a stocking.",
        "Das können Zeichen eines Blutgerinnsels in der Lunge sein. Rufen Sie jetzt den "
        "Notruf 112. Kaufen oder tragen Sie keinen Strumpf."),
    Question(
        "one_leg_swelling",
        "Do you have new swelling, pain, warmth, redness or darkened skin in one leg?",
        "Haben Sie neu eine Schwellung, Schmerzen, Überwärmung, Rötung oder dunkle Haut an "
        "einem Bein?",
        Outcome.URGENT_DOCTOR,
        "NHS: DVT symptoms; manufacturers' instructions for use; Rabe et al., Phlebology 2020",
        "These can be signs of a blood clot in the leg. See a doctor today. Do not wear a "
        "compression stocking until a doctor has examined the leg.",
        "Das können Zeichen eines Blutgerinnsels im Bein sein. Gehen Sie heute noch zu "
        "einer Ärztin oder einem Arzt. Tragen Sie keinen Kompressionsstrumpf, bevor das "
        "Bein untersucht ist."),
    Question(
        "poor_circulation",
        "Have you been told you have poor circulation in your legs, had a bypass or stent "
        "in a leg artery, get calf pain when walking that eases at rest, or have cold, pale "
        "or blue feet?",
        "Wurde bei Ihnen eine Durchblutungsstörung der Beine (pAVK) festgestellt, hatten Sie "
        "einen Bypass oder Stent in einer Beinarterie, bekommen Sie beim Gehen Wadenschmerzen, "
        "die in Ruhe vergehen, oder haben Sie kalte, blasse oder bläuliche Füße?",
        Outcome.SEE_DOCTOR, "NICE CKS: compression stockings; NHS Devon formulary; "
        "manufacturers' instructions for use",
        "Compression can cut off blood supply to a leg with narrowed arteries. A doctor or "
        "nurse first measures the ankle-brachial pressure index (ABPI).",
        "Kompression kann ein Bein mit verengten Arterien von der Durchblutung abschneiden. "
        "Zuerst misst eine Ärztin, ein Arzt oder eine Pflegekraft den Knöchel-Arm-Index "
        "(ABI)."),
    Question(
        "abpi_out_of_range",
        "Have you been told your ankle-brachial pressure index (ABPI) is below 0.8 or above "
        "1.3?",
        "Wurde Ihnen ein Knöchel-Arm-Index (ABI) unter 0,8 oder über 1,3 mitgeteilt?",
        Outcome.SEE_DOCTOR, "NICE CKS: compression stockings; NHS Devon formulary",
        "An ABPI outside 0.8 to 1.3 means compression needs a specialist's decision.",
        "Ein Knöchel-Arm-Index außerhalb von 0,8 bis 1,3 bedeutet: Über Kompression "
        "entscheidet eine Fachärztin oder ein Facharzt."),
    Question(
        "numbness",
        "Do you have numbness or loss of feeling in your feet or legs?",
        "Haben Sie Taubheitsgefühle oder ein vermindertes Gefühl in Füßen oder Beinen?",
        Outcome.SEE_DOCTOR, "NHS Devon formulary; manufacturers' instructions for use",
        "Without feeling you would not notice a stocking that is too tight. See a doctor "
        "or podiatrist first.",
        "Ohne Gefühl würden Sie einen zu engen Strumpf nicht bemerken. Gehen Sie zuerst zu "
        "einer Ärztin, einem Arzt oder zur Podologie."),
    Question(
        "diabetes",
        "Do you have diabetes?",
        "Haben Sie Diabetes?",
        Outcome.PHARMACIST, "Manufacturers' instructions for use; Derbyshire JAPC guidance",
        "With diabetes a pharmacist checks your feet and circulation before you wear more "
        "than 15 mmHg.",
        "Bei Diabetes prüft die Apotheke Füße und Durchblutung, bevor Sie mehr als 15 mmHg "
        "tragen."),
    Question(
        "heart_failure",
        "Do you have heart failure with breathlessness at rest or when lying flat, or "
        "swelling in both ankles that is getting worse?",
        "Haben Sie eine Herzschwäche mit Atemnot in Ruhe oder im Liegen, oder eine "
        "zunehmende Schwellung an beiden Knöcheln?",
        Outcome.SEE_DOCTOR,
        "Manufacturers' instructions for use (severe heart failure, NYHA III-IV, is a "
        "contraindication)",
        "Compression pushes fluid back towards the heart, which a weak heart may not "
        "cope with. See a doctor first.",
        "Kompression drückt Flüssigkeit zum Herzen zurück; ein schwaches Herz kann damit "
        "überfordert sein. Gehen Sie zuerst zur Ärztin oder zum Arzt."),
    Question(
        "skin_problem",
        "Do you have an open wound, ulcer, weeping eczema, infection, very fragile skin, "
        "gangrene or a skin graft on your leg?",
        "Haben Sie am Bein eine offene Wunde, ein Geschwür, nässendes Ekzem, eine "
        "Infektion, sehr empfindliche Haut, abgestorbenes Gewebe oder ein Hauttransplantat?",
        Outcome.SEE_DOCTOR, "NHS Devon formulary; manufacturers' instructions for use",
        "A stocking can damage broken or fragile skin. A nurse or doctor decides first.",
        "Ein Strumpf kann verletzte oder empfindliche Haut schädigen. Zuerst entscheidet "
        "eine Pflegefachkraft, eine Ärztin oder ein Arzt."),
    Question(
        "fibre_allergy",
        "Are you allergic to stocking fibres such as elastane, latex or silicone bands?",
        "Sind Sie allergisch gegen Strumpffasern wie Elastan, Latex oder Silikon-Haftbänder?",
        Outcome.PHARMACIST, "NHS Devon formulary; manufacturers' instructions for use",
        "A pharmacist helps you find a stocking made of another material.",
        "Die Apotheke hilft Ihnen, einen Strumpf aus einem anderen Material zu finden."),
    Question(
        "recent_stroke",
        "Have you had a stroke in the last few weeks?",
        "Hatten Sie in den letzten Wochen einen Schlaganfall?",
        Outcome.SEE_DOCTOR, "NHS Devon formulary",
        "After a recent stroke a doctor decides whether compression is safe for you.",
        "Nach einem kürzlichen Schlaganfall entscheidet eine Ärztin oder ein Arzt, ob "
        "Kompression für Sie sicher ist."),
    Question(
        "hand_arthritis",
        "Do you have arthritis in your hands, or trouble reaching your feet?",
        "Haben Sie Arthrose oder Arthritis in den Händen, oder kommen Sie schwer an Ihre "
        "Füße?",
        Outcome.RECOMMEND, "Manufacturers' instructions for use; NHS Devon formulary",
        "You can still wear them: a donning aid helps, and staff will show you how to use it.",
        "Sie können sie trotzdem tragen: Eine Anziehhilfe hilft, und das Personal zeigt "
        "Ihnen, wie sie funktioniert."),
    Question(
        "pregnant",
        "Are you pregnant?",
        "Sind Sie schwanger?",
        Outcome.RECOMMEND, "RAL-GZ 387 class I indications",
        "A light class (15-20 mmHg) is suitable in pregnancy; tell your midwife or doctor "
        "you wear them.",
        "In der Schwangerschaft ist eine leichte Klasse (15-20 mmHg) geeignet; sagen Sie "
        "Ihrer Hebamme oder Ärztin, dass Sie sie tragen."),
    Question(
        "dvt_under_treatment",
        "Are you being treated for a blood clot in the leg (DVT) right now?",
        "Werden Sie zurzeit wegen eines Blutgerinnsels im Bein (Thrombose) behandelt?",
        Outcome.SEE_DOCTOR, "Manufacturer's compression guide (diagnosed DVT under medical "
        "care: as the clinician advises)",
        "Follow your clinician's plan: a stocking for a clot under treatment is fitted only "
        "against a prescription that staff have checked.",
        "Folgen Sie dem Plan Ihrer Ärztin oder Ihres Arztes: Bei einer behandelten "
        "Thrombose wird ein Strumpf nur nach einem vom Personal geprüften Rezept angepasst."),
    Question(
        "previous_dvt",
        "Have you had a blood clot in the leg (DVT) before that is now managed?",
        "Hatten Sie früher ein Blutgerinnsel im Bein (Thrombose), das jetzt behandelt oder "
        "abgeheilt ist?",
        Outcome.RECOMMEND, "Manufacturer's compression guide (previous DVT: often yes, "
        "longer term)",
        "Wearing compression over the long term after a clot helps prevent lasting leg "
        "problems (post-thrombotic syndrome).",
        "Langfristig getragene Kompression nach einer Thrombose beugt bleibenden "
        "Beinbeschwerden vor (postthrombotisches Syndrom)."),
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
    return Reason(q.id, q.why_en, q.why_de, action)


def screen(answers: Answers) -> Screening:
    """Apply the screener's rules; the most severe outcome found wins."""
    reasons: list[Reason] = []
    notes: list[Reason] = []
    for q in QUESTIONS:
        if not answers.yes(q.id):
            continue
        if q.id == "dvt_under_treatment" and answers.confirmed_prescription_mmhg:
            notes.append(Reason(
                "dvt_prescription_confirmed",
                "Your clot is under treatment: the stocking follows the prescription staff "
                "have checked. Keep to your clinician's plan.",
                "Ihre Thrombose wird behandelt: Der Strumpf folgt dem vom Personal geprüften "
                "Rezept. Halten Sie sich an den Plan Ihrer Ärztin oder Ihres Arztes."))
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
            f"A stocking of {rx[0]}-{rx[1]} mmHg is stronger than the {SELF_SERVICE_MAX_MMHG} "
            "mmHg this kiosk may offer on its own. Please show your prescription to the "
            "pharmacist.",
            f"Ein Strumpf mit {rx[0]}-{rx[1]} mmHg ist stärker als die "
            f"{SELF_SERVICE_MAX_MMHG} mmHg, die dieses Terminal selbst anbieten darf. Bitte "
            "zeigen Sie Ihr Rezept in der Apotheke.",
            Outcome.PHARMACIST))
    if answers.purpose is Purpose.MEDICAL and rx is None:
        out.append(Reason(
            "medical_without_prescription",
            "For a medical condition a pharmacist checks that 15-20 mmHg is right for you, "
            "or you bring a prescription for a stronger class.",
            "Bei einer Erkrankung prüft die Apotheke, ob 15-20 mmHg für Sie passt, oder Sie "
            "bringen ein Rezept für eine stärkere Klasse mit.",
            Outcome.PHARMACIST))
    return out
