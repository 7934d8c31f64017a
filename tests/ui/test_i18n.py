"""One mechanism for every text: gettext catalogues read with Babel, in English and German.

Every message exists in both languages with the same placeholders; every id the code asks
for exists (found with Babel's extraction), and every message in a catalogue is asked for
by the code or belongs to a family of ids built at run time; numbers come out in the
language's format.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from fitting.catalogue import load_catalogue
from fitting.donning import DONNING_STEPS
from fitting.i18n import FITTING, NBSP, PSEUDO, extracted_ids, placeholders
from fitting.measurement import Leg, Site
from fitting.outcome import Outcome, Purpose
from fitting.screener import QUESTIONS
from fitting.sizing import length_name
from fitting.stance import Stance
from ui.i18n import (
    LANGUAGES,
    STRINGS,
    UI,
    MissingString,
    format_cm,
    tr,
    unbreakable_figures,
)
from ui.screens.referral import REFERRAL_OUTCOMES
from vision.stance import GUIDANCE_TEXT_EN

REPO = Path(__file__).resolve().parents[2]
# Where the product asks for texts (kiosk/ too: the narrator speaks the screens' words).
CODE_DIRS = ("fitting", "session", "ui", "kiosk")


@pytest.mark.parametrize("catalogue", [FITTING, UI], ids=lambda c: c.domain)
def test_both_languages_hold_the_same_ids(catalogue):
    assert set(catalogue.table("en")) == set(catalogue.table("de"))


def test_the_domain_and_the_screens_share_no_id():
    assert not set(FITTING.table("en")) & set(UI.table("en"))


@pytest.mark.parametrize("key", sorted(STRINGS["en"]))
def test_every_string_is_filled_and_has_the_same_placeholders(key):
    texts = [STRINGS[lang][key] for lang in LANGUAGES]
    assert all(t.strip() for t in texts), key
    assert len({frozenset(placeholders(t)) for t in texts}) == 1, key


@pytest.fixture(scope="module")
def asked_for() -> dict[str, str]:
    """Every id the code asks for literally (Babel's extraction), with where."""
    found: dict[str, str] = {}
    for folder in CODE_DIRS:
        for msgid, where in extracted_ids(REPO / folder):
            found.setdefault(msgid, where)
    return found


def test_the_extraction_sees_the_calls_it_must(asked_for):
    # A self.t(...) on a screen, a tr(...) in a helper, msg(...) in the domain, and both
    # ids of a conditional: an extraction that missed any of them would check little.
    for msgid in ("review.title", "referral.code_hint", "sizing.standard_size",
                  "common.back", "donning.previous"):
        assert msgid in asked_for, msgid


def test_every_id_the_code_asks_for_exists(asked_for):
    missing = sorted(f"{where}: {msgid}" for msgid, where in asked_for.items()
                     if msgid not in STRINGS["en"])
    assert missing == []


# Ids built at run time from domain values: each family must cover every value.
DYNAMIC_FAMILIES = [
    # every referral outcome (and a possible clot) says what happened and what to do
    *[f"referral.{o}.{part}" for o in (*REFERRAL_OUTCOMES, "possible_clot")
      if o != "emergency" for part in ("title", "body", "action")],
    # every outcome has a name for the staff history
    *[f"outcome.{o.value}" for o in Outcome],
    # every purpose has a name, a line of detail and its reason
    *[f"purpose.{p.value}" for p in Purpose], *[f"purpose.{p.value}.detail" for p in Purpose],
    *[f"recommend.purpose.{p.value}" for p in Purpose],
    # every guidance key the vision pipeline can send has words
    *[f"guidance.{k}" for k in GUIDANCE_TEXT_EN],
    # every kind of donning entry has a heading, every entry its words
    *sorted({f"donning.kind.{s.kind}" for s in DONNING_STEPS}),
    *[s.msgid for s in DONNING_STEPS],
    # every screener question and its why
    *[f"question.{q.id}" for q in QUESTIONS], *[f"question.{q.id}.why" for q in QUESTIONS],
    # both measuring screens have a title
    *[f"measure_{s.value}.title" for s in (Stance.FRONT, Stance.SIDE)],
    # legs by name: the screens' and the domain's
    *[f"common.{leg.value}" for leg in Leg], *[f"leg.{leg.value}" for leg in Leg], "leg.any",
    # the figures near a size boundary, the one-sided swelling rules, the styles
    *[f"figure.{name}" for name in ("ankle", "calf", "length")],
    *[f"swelling.{rule}.{site.value}" for rule in ("refer", "uncertain", "unsure_reading")
      for site in Site],
    *[f"style.{style}" for style in ("knee_high", "thigh_high", "sock")],
    # every sizing reason whose code picks its message
    *[f"sizing.{code}" for code in ("ankle_below_sizes", "ankle_above_sizes",
                                    "ankle_between_sizes", "calf_above_size",
                                    "calf_below_size", "length_below_sizes",
                                    "length_above_sizes")],
    # the staff screen's per-field and per-confidence words
    *[f"staff.tape.field.{f}" for f in ("ankle_mm", "calf_mm", "knee_high_length_mm")],
    *[f"staff.review.confidence.{c}" for c in ("high", "lower")],
    *[f"staff.tape.swelling.{f}" for f in ("ankle_mm", "calf_mm")],
]


@pytest.mark.parametrize("key", DYNAMIC_FAMILIES)
def test_dynamic_key_exists_in_every_language(key):
    for lang in LANGUAGES:
        assert tr(key, lang)


def _string_constants() -> set[str]:
    """Every string literal in the product's code and the tests (ids kept in a tuple and
    looked up in a loop are asked for too)."""
    out: set[str] = set()
    for folder in (*CODE_DIRS, "tests"):
        for path in (REPO / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text("utf-8"))):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    out.add(node.value)
    return out


def test_every_message_is_asked_for(asked_for):
    """A message nobody asks for is a text nobody checks: it is removed, not kept."""
    known = set(asked_for) | set(DYNAMIC_FAMILIES) | _string_constants()
    lengths = {length.name for p in load_catalogue().products for s in p.sizes
               for length in s.lengths}
    known |= {"length." + n.lower().replace("-", "_").replace(" ", "_") for n in lengths}
    unused = sorted(k for k in STRINGS["en"] if k not in known)
    assert unused == []


def test_every_catalogue_length_has_words():
    lengths = {length.name for p in load_catalogue().products for s in p.sizes
               for length in s.lengths}
    for name in lengths:
        words = length_name(name)
        assert not isinstance(words, str), name
        assert {words.text(lang) for lang in LANGUAGES}


def test_a_missing_key_or_language_is_an_error_not_a_blank():
    with pytest.raises(MissingString):
        tr("no.such.key", "en")
    with pytest.raises(MissingString):
        tr("attract.title", "fr")


@pytest.mark.parametrize(("value_mm", "sd_mm", "lang", "expected"), [
    (224.0, None, "en", "22.4 cm"),          # a tape value has no spread
    (224.0, 6.2, "en", "22.4 ± 0.6 cm"),     # camera value with its interval
    (224.0, 6.2, "de", "22,4 ± 0,6 cm"),     # German decimal comma
    (412.5, 15.0, "de", "41,2 ± 1,5 cm"),    # rounds half to even like Python's format
    (400.0, None, "de", "40,0 cm"),          # always one decimal
    (None, None, "en", ""),                  # nothing measured, nothing shown
])
def test_format_cm(value_mm, sd_mm, lang, expected):
    shown = format_cm(value_mm, sd_mm, lang)
    # Every space is a non-breaking one: a figure never breaks across lines.
    assert " " not in shown
    assert shown.replace(NBSP, " ") == expected


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_number_never_breaks_from_its_unit(lang):
    loose = re.compile(r"[\d}] (cm|mm|mmHg|px|s|seconds|Sekunden)\b|\d-\d")
    assert [(k, v) for k, v in STRINGS[lang].items() if loose.search(v)] == []


def test_a_product_name_keeps_its_figures_on_one_line():
    shown = unbreakable_figures("Everyday knee-high 15-20 mmHg")
    assert shown.startswith("Everyday knee-high 15")
    assert shown.endswith(f"20{NBSP}mmHg") and "\u2060\u2013\u2060" in shown


def test_the_pseudo_locale_wraps_every_text():
    for key, text in STRINGS[PSEUDO].items():
        assert text == f"⟦{STRINGS['en'][key]}⟧"
    assert tr("common.cm", PSEUDO, value="22.4") == f"⟦22.4{NBSP}cm⟧"


def test_german_speaks_to_sie_and_of_aerztin_oder_arzt():
    texts = " ".join(STRINGS["de"].values())
    words = set(texts.replace(",", " ").replace(".", " ").replace(":", " ").split())
    assert not words & {"du", "Du", "dein", "Dein", "deine", "dich", "dir"}
    # One form for doctors: never "der Arzt" alone, never the male form on its own.
    for text in STRINGS["de"].values():
        for alone in ("zum Arzt", "Ihrem Arzt", "ein Arzt ", "Apotheker "):
            if alone in text:
                assert "Ärztin" in text or "Apothekenteam" in text, text


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
