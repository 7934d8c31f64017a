"""How to put compression stockings on, wear them, take them off and look after them.

Structured content, not prose: each entry has a kind (a step in order, a warning, or a
care rule), an illustration key the UI draws, and its text: the message
"donning.step.<key>" of the domain's catalogue (``fitting/locale``). The
facts follow manufacturers' instructions for use; a rolled or folded top acts as a
tourniquet, and wrinkles at the ankle or behind the knee press where they should not,
so those two are warnings, not tips.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from fitting.i18n import msg
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

    @property
    def msgid(self) -> str:
        return f"donning.step.{self.key}"

    def text(self, lang: str) -> str:
        return msg(self.msgid).text(check_language(lang))

    @property
    def text_en(self) -> str:
        return self.text("en")

    @property
    def text_de(self) -> str:
        return self.text("de")

    def to_dict(self, lang: str = "en") -> dict[str, str]:
        return {"key": self.key, "kind": self.kind, "illustration": self.illustration,
                "text": self.text(lang)}


DONNING_STEPS: tuple[DonningStep, ...] = (
    DonningStep("morning", "step", "morning"),
    DonningStep("gloves", "step", "gloves"),
    DonningStep("inside_out", "step", "inside_out_to_heel"),
    DonningStep("foot_in", "step", "foot_in_heel_centred"),
    DonningStep("pull_up", "step", "pull_up_small_steps"),
    DonningStep("smooth", "warning", "smooth_no_wrinkles"),
    DonningStep("behind_knee", "warning", "behind_knee"),
    DonningStep("never_roll_top", "warning", "never_roll_top"),
    DonningStep("remove_slowly", "step", "remove_slowly"),
    DonningStep("night_off", "care", "night_off"),
    DonningStep("drink_water", "care", "drink_water"),
    DonningStep("warning_signs", "warning", "warning_signs"),
    DonningStep("off_at_once", "warning", "off_at_once"),
    DonningStep("off_and_call", "warning", "off_and_call"),
    DonningStep("replace_remeasure", "care", "replace_remeasure"),
    DonningStep("wash_care", "care", "wash_care"),
)


def donning_steps(kind: DonningKind | None = None) -> tuple[DonningStep, ...]:
    """All donning content in display order, or only one kind of it."""
    return tuple(s for s in DONNING_STEPS if kind is None or s.kind == kind)
