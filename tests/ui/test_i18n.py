"""Every string exists in English and German, and every key a screen uses is there."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from fitting.catalogue import load_catalogue
from fitting.donning import DONNING_STEPS
from fitting.outcome import Outcome, Purpose
from ui.i18n import LANGUAGES, STRINGS, MissingString, format_cm, tr
from vision.stance import GUIDANCE_TEXT_EN

UI_DIR = Path(__file__).resolve().parents[2] / "ui"


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_hold_the_same_keys():
    assert set(STRINGS["en"]) == set(STRINGS["de"])


@pytest.mark.parametrize("key", sorted(STRINGS["en"]))
def test_every_string_is_filled_and_has_the_same_placeholders(key):
    texts = [STRINGS[lang][key] for lang in LANGUAGES]
    assert all(t.strip() for t in texts), key
    assert len({frozenset(_placeholders(t)) for t in texts}) == 1, key


def test_every_literal_key_in_the_screens_exists():
    # tr("key" ...) and a screen's self.t("key" ...) with a literal key, anywhere in ui/.
    pattern = re.compile(r"""\b(?:tr|t)\(\s*["']([a-z_.]+)["']""")
    # The screens ask for most of their strings with self.t(...): a pattern that missed
    # it would pass while checking almost nothing.
    assert [m.group(1) for m in pattern.finditer('tr("a.b", lang) self.t("c.d")')] == \
        ["a.b", "c.d"], "the pattern misses a call: the test itself is broken"
    used = {m.group(1) for path in UI_DIR.rglob("*.py") for m in pattern.finditer(
        path.read_text("utf-8"))}
    assert used, "the pattern found no keys: the test itself is broken"
    missing = sorted(k for k in used if k not in STRINGS["en"])
    assert not missing


# Keys built at run time from domain values: each family must cover every value.
DYNAMIC_FAMILIES = [
    # every referral outcome says what happened and what to do
    *[f"referral.{o.value}.{part}" for o in Outcome if o is not Outcome.RECOMMEND
      and o is not Outcome.EMERGENCY for part in ("title", "body", "action")],
    # the emergency screen's own lines
    "referral.emergency.title", "referral.emergency.number", "referral.emergency.body",
    # every outcome has a name for the staff history
    *[f"outcome.{o.value}" for o in Outcome],
    # every purpose has a name and a line of detail
    *[f"purpose.{p.value}" for p in Purpose], *[f"purpose.{p.value}.detail" for p in Purpose],
    # every guidance key the vision pipeline can send has words
    *[f"guidance.{k}" for k in GUIDANCE_TEXT_EN],
    # every kind of donning entry has a heading
    *sorted({f"donning.kind.{s.kind}" for s in DONNING_STEPS}),
    # both measuring screens have a title
    "measure_front.title", "measure_side.title",
]


@pytest.mark.parametrize("key", DYNAMIC_FAMILIES)
def test_dynamic_key_exists_in_every_language(key):
    for lang in LANGUAGES:
        assert tr(key, lang)


def test_every_catalogue_length_has_words():
    lengths = {length.name for p in load_catalogue().products for s in p.sizes
               for length in s.lengths}
    for name in lengths:
        key = "length." + name.lower().replace("-", "_").replace(" ", "_")
        assert key in STRINGS["en"], name


def test_a_missing_key_or_language_is_an_error_not_a_blank():
    with pytest.raises(MissingString):
        tr("no.such.key", "en")
    with pytest.raises(MissingString):
        tr("attract.title", "fr")


@pytest.mark.parametrize(("value_mm", "sd_mm", "lang", "expected"), [
    (224.0, None, "en", "22.4 cm"),          # a tape value has no spread
    (224.0, 6.2, "en", "22.4 cm ± 0.6"),     # camera value with its interval
    (224.0, 6.2, "de", "22,4 cm ± 0,6"),     # German decimal comma
    (412.5, 15.0, "de", "41,2 cm ± 1,5"),    # rounds half to even like Python's format
    (None, None, "en", ""),                  # nothing measured, nothing shown
])
def test_format_cm(value_mm, sd_mm, lang, expected):
    assert format_cm(value_mm, sd_mm, lang) == expected


def test_the_turn_instruction_puts_forward_the_foot_the_mat_puts_forward():
    # Facing +x on the side footprints, the foot whose print reaches farther along +x is
    # the forward one; the other is nearer the camera (-y). Words the other way round
    # would have shoppers swap their feet.
    from calibration.mat import load_mat_spec

    side = load_mat_spec().stance("side")
    ahead = max(("left", "right"), key=lambda leg: side.foot(leg).toe_xy_mm[0])
    behind = "right" if ahead == "left" else "left"
    assert side.foot(behind).heel_xy_mm[1] < side.foot(ahead).heel_xy_mm[1]  # nearer
    assert f"{ahead} foot forward, {behind} foot back and nearer the screen" in \
        tr("turn.body", "en")
    german = {"left": "linker", "right": "rechter"}
    assert f"{german[ahead]} Fuß vorn, {german[behind]} Fuß hinten" in \
        " ".join(tr("turn.body", "de").split())
