"""Donning, wear and care content: complete, in both languages, with the warnings."""

import pytest

from fitting.donning import DONNING_STEPS, ILLUSTRATION_KEYS, donning_steps

UI_KEYS = {"morning", "inside_out_to_heel", "foot_in_heel_centred", "pull_up_small_steps",
           "smooth_no_wrinkles", "behind_knee", "never_roll_top", "gloves", "remove_slowly",
           "night_off", "drink_water", "warning_signs", "off_at_once", "off_and_call",
           "replace_remeasure", "wash_care"}


def test_every_illustration_the_ui_draws_is_used():
    assert set(ILLUSTRATION_KEYS) == UI_KEYS
    assert len(ILLUSTRATION_KEYS) == len(UI_KEYS)
    assert len({s.key for s in DONNING_STEPS}) == len(DONNING_STEPS)
    # Each illustration belongs to exactly one entry: no two entries share a picture.
    illustrations = [s.illustration for s in DONNING_STEPS]
    assert sorted(illustrations) == sorted(UI_KEYS)


def test_the_warnings_to_take_them_off_have_their_own_pictures():
    pictures = {s.key: s.illustration for s in DONNING_STEPS if s.kind == "warning"}
    assert pictures["off_at_once"] == "off_at_once"
    assert pictures["off_and_call"] == "off_and_call"
    assert pictures["warning_signs"] == "warning_signs"


@pytest.mark.parametrize(("illustration", "kind", "must_say_en", "must_say_de"), [
    ("morning", "step", "morning", "morgens"),                      # before swelling
    ("inside_out_to_heel", "step", "inside out", "auf links"),      # turn to the heel
    ("foot_in_heel_centred", "step", "centred", "mittig"),          # heel in its pocket
    ("pull_up_small_steps", "step", "small pulls", "kleinen Zügen"),  # not like a sock
    ("gloves", "step", "gloves", "handschuhe"),                     # grip
    ("smooth_no_wrinkles", "warning", "ankle", "Knöchel"),          # no folds at the ankle
    ("behind_knee", "warning", "behind the knee", "Kniekehle"),     # nor behind the knee
    ("never_roll_top", "warning", "tourniquet", "Aderpresse"),      # never roll the top
    ("remove_slowly", "step", "slowly", "langsam"),                 # removal
    ("night_off", "care", "bedtime", "Schlafen"),                   # off at night
    ("drink_water", "care", "Drink", "Trinken"),                    # hydration
    ("warning_signs", "warning", "numbness", "Taubheit"),           # stop and ask
    ("off_at_once", "warning", "blue or white", "blau oder weiß"),  # off at once
    ("off_and_call", "warning", "112", "112"),                      # off, and call
    ("replace_remeasure", "care", "3 to 6 months", "3 bis 6 Monate"),  # and re-measure
    ("wash_care", "care", "tumble dryer", "Trockner"),              # care
])
def test_the_content_covers_the_domain(illustration, kind, must_say_en, must_say_de):
    step = next(s for s in DONNING_STEPS if s.illustration == illustration)
    assert step.kind == kind
    assert must_say_en.lower() in step.text("en").lower()
    assert must_say_de.lower() in step.text("de").lower()


def test_remeasuring_is_part_of_replacing():
    (step,) = [s for s in DONNING_STEPS if s.illustration == "replace_remeasure"]
    assert "measured again" in step.text_en and "neu messen" in step.text_de


def test_steps_come_before_care_and_kinds_filter():
    kinds = [s.kind for s in DONNING_STEPS]
    assert kinds[0] == "step" and kinds[-1] == "care"
    assert all(s.kind == "warning" for s in donning_steps("warning"))
    assert len(donning_steps()) == len(DONNING_STEPS)


def test_to_dict_carries_the_illustration_and_the_language():
    d = DONNING_STEPS[0].to_dict("de")
    assert set(d) == {"key", "kind", "illustration", "text"} and "morgens" in d["text"]


@pytest.mark.parametrize(("key", "must_say_en", "must_say_de"), [
    # toes turning blue or white: off at once
    ("off_at_once", ("blue or white", "at once"), ("blau oder weiß", "sofort")),
    # breathless or chest pain: off, and call the emergency number
    ("off_and_call", ("breathlessness", "chest pain", "112"), ("Atemnot", "112")),
])
def test_the_wearing_warnings_say_when_to_take_them_off(key, must_say_en, must_say_de):
    (step,) = [s for s in DONNING_STEPS if s.key == key]
    assert step.kind == "warning"
    assert all(words in step.text("en") for words in must_say_en)
    assert all(words in step.text("de") for words in must_say_de)
