"""How to put compression stockings on, wear them, take them off and look after them.

Structured content, not prose: each entry has a kind (a step in order, a warning, or a
care rule), an illustration key the UI draws, and its text in English and German. The
facts follow manufacturers' instructions for use; a rolled or folded top acts as a
tourniquet, and wrinkles at the ankle or behind the knee press where they should not,
so those two are warnings, not tips.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from fitting.outcome import check_language

DonningKind = Literal["step", "warning", "care"]

ILLUSTRATION_KEYS: tuple[str, ...] = (
    "morning", "inside_out_to_heel", "foot_in_heel_centred", "pull_up_small_steps",
    "smooth_no_wrinkles", "behind_knee", "never_roll_top", "gloves", "remove_slowly",
    "night_off", "drink_water", "warning_signs", "off_at_once", "off_and_call",
    "replace_remeasure", "wash_care",
)
"""Every illustration the UI must be able to draw, one per key."""


@dataclass(frozen=True)
class DonningStep:
    key: str
    kind: DonningKind
    illustration: str
    text_en: str
    text_de: str

    def text(self, lang: str) -> str:
        return self.text_de if check_language(lang) == "de" else self.text_en

    def to_dict(self, lang: str = "en") -> dict[str, str]:
        return {"key": self.key, "kind": self.kind, "illustration": self.illustration,
                "text": self.text(lang)}


DONNING_STEPS: tuple[DonningStep, ...] = (
    DonningStep(
        "morning", "step", "morning",
        "Put them on in the morning, soon after you get up, before your legs start to swell.",
        "Ziehen Sie sie morgens gleich nach dem Aufstehen an, bevor die Beine anschwellen."),
    DonningStep(
        "gloves", "step", "gloves",
        "Wear rubber or donning gloves for grip; they spread the pull and protect the fabric. "
        "A donning aid or frame helps if bending is hard.",
        "Tragen Sie Gummi- oder Anziehhandschuhe für besseren Halt; sie verteilen den Zug und "
        "schonen das Gewebe. Eine Anziehhilfe hilft, wenn Bücken schwerfällt."),
    DonningStep(
        "inside_out", "step", "inside_out_to_heel",
        "Reach inside, hold the heel and turn the stocking inside out down to the heel "
        "pocket.",
        "Greifen Sie hinein, halten Sie die Ferse fest und stülpen Sie den Strumpf bis zur "
        "Ferse auf links."),
    DonningStep(
        "foot_in", "step", "foot_in_heel_centred",
        "Slip your foot in as far as the heel and make sure the heel sits centred in the "
        "heel pocket.",
        "Schlüpfen Sie bis zur Ferse hinein und achten Sie darauf, dass die Ferse mittig in "
        "der Fersentasche sitzt."),
    DonningStep(
        "pull_up", "step", "pull_up_small_steps",
        "Work the fabric up the leg in small pulls, a little at a time. Do not bunch it up "
        "and pull it on like a sock.",
        "Arbeiten Sie das Gewebe in kleinen Zügen nach und nach am Bein hoch. Raffen Sie es "
        "nicht zusammen und ziehen Sie es nicht wie eine Socke an."),
    DonningStep(
        "smooth", "warning", "smooth_no_wrinkles",
        "Smooth out every wrinkle, especially over the instep and at the ankle: a fold "
        "presses into the skin.",
        "Streichen Sie jede Falte glatt, besonders am Spann und am Knöchel: Eine Falte "
        "drückt in die Haut."),
    DonningStep(
        "behind_knee", "warning", "behind_knee",
        "Nothing may bunch behind the knee. The top of a knee-high ends about two finger "
        "widths below the knee crease.",
        "In der Kniekehle darf nichts Falten werfen. Ein Kniestrumpf endet etwa zwei "
        "Fingerbreit unter der Kniekehle."),
    DonningStep(
        "never_roll_top", "warning", "never_roll_top",
        "Never roll or fold the top down: it squeezes like a tourniquet. If the stocking is "
        "too long you need another length or size, not a fold.",
        "Schlagen Sie den Rand nie um und rollen Sie ihn nie herunter: Er schnürt ab wie "
        "eine Aderpresse. Ist der Strumpf zu lang, brauchen Sie eine andere Länge oder "
        "Größe, keinen Umschlag."),
    DonningStep(
        "remove_slowly", "step", "remove_slowly",
        "To take them off, peel slowly and gently from the top, turning the stocking inside "
        "out as it comes down.",
        "Zum Ausziehen langsam und vorsichtig vom oberen Rand her abstreifen und den Strumpf "
        "dabei auf links drehen."),
    DonningStep(
        "night_off", "care", "night_off",
        "Wear them during the day and take them off at bedtime, unless your doctor or nurse "
        "tells you otherwise.",
        "Tragen Sie sie tagsüber und ziehen Sie sie zum Schlafen aus, außer Ihre Ärztin, Ihr "
        "Arzt oder Ihre Pflegekraft sagt etwas anderes."),
    DonningStep(
        "drink_water", "care", "drink_water",
        "Drink enough water, especially on long journeys.",
        "Trinken Sie ausreichend, besonders auf langen Reisen."),
    DonningStep(
        "warning_signs", "warning", "warning_signs",
        "Tingling toes, pain, numbness or skin changes: take them off and ask a pharmacist "
        "or doctor. Cramps usually mean the wrong size, too strong a class or a rolled top.",
        "Kribbeln in den Zehen, Schmerzen, Taubheit oder Hautveränderungen: ausziehen und "
        "in der Apotheke oder ärztlich nachfragen. Krämpfe bedeuten meist eine falsche "
        "Größe, eine zu starke Klasse oder einen umgeschlagenen Rand."),
    DonningStep(
        "off_at_once", "warning", "off_at_once",
        "Toes turning blue or white, new numbness or pain that gets worse: take them off at "
        "once and ask a doctor or pharmacist today.",
        "Zehen, die blau oder weiß werden, neue Taubheit oder zunehmende Schmerzen: sofort "
        "ausziehen und heute ärztlich oder in der Apotheke nachfragen."),
    DonningStep(
        "off_and_call", "warning", "off_and_call",
        "Sudden breathlessness, chest pain or sweating: take them off and call the "
        "emergency number, 112.",
        "Plötzliche Atemnot, Brustschmerzen oder Schweißausbruch: ausziehen und den Notruf "
        "112 wählen."),
    DonningStep(
        "replace_remeasure", "care", "replace_remeasure",
        "Replace them every 3 to 6 months, when they lose their squeeze, and have your legs "
        "measured again.",
        "Ersetzen Sie sie alle 3 bis 6 Monate, wenn sie nachlassen, und lassen Sie Ihre "
        "Beine neu messen."),
    DonningStep(
        "wash_care", "care", "wash_care",
        "Have two pairs, one to wear and one to wash. Wash gently, no tumble dryer, and keep "
        "them away from heat and direct sunlight.",
        "Haben Sie zwei Paar: eines zum Tragen, eines zum Waschen. Schonend waschen, nicht "
        "in den Trockner, und von Hitze und direkter Sonne fernhalten."),
)


def donning_steps(kind: DonningKind | None = None) -> tuple[DonningStep, ...]:
    """All donning content in display order, or only one kind of it."""
    return tuple(s for s in DONNING_STEPS if kind is None or s.kind == kind)
