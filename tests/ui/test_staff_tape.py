"""The staff tape tab on a touch screen: a big number pad typing into six big boxes, the
language's decimal mark, plausibility as typed, the one-sided swelling flag, prefill from
the session's measurement, and a layout that fits both portrait kiosk sizes."""

from __future__ import annotations

import dataclasses
import itertools

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

from fitting.measurement import Leg, LegMeasurement, Measurement, MeasurementSource
from fitting.swelling import ANKLE_RULE, CALF_RULE
from session.intents import EnterTape
from ui.i18n import tr
from ui.numpad import BACKSPACE, CLEAR, NEXT, NumberBox, PadKey, could_reach, press
from ui.samples import sample_measurement, sample_staff_page
from ui.screens.staff import TAPE_RANGES_MM, StaffPage
from ui.theme import Theme, touch_target_px

NBSP = "\u00a0"
LEFT_ANKLE = (Leg.LEFT, "ankle_mm")
ORDER = [(Leg.LEFT, "ankle_mm"), (Leg.LEFT, "calf_mm"), (Leg.LEFT, "knee_high_length_mm"),
         (Leg.RIGHT, "ankle_mm"), (Leg.RIGHT, "calf_mm"), (Leg.RIGHT, "knee_high_length_mm")]
SWELLING = "possible one-sided swelling: re-measure both legs"


def click(qtbot, widget: QWidget) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def key(screen, name: str) -> PadKey:
    return screen.tape_pad.keys[name]


def type_keys(qtbot, screen, typed: str) -> None:
    """Tap the pad's keys whose labels spell ``typed`` (so "," only exists in German)."""
    keys = {k.text(): k for k in screen.tape_pad.keys.values()}
    for char in typed:
        assert char in keys, f"no key says {char!r}"
        click(qtbot, keys[char])


def apply_button(screen) -> QPushButton:
    return screen.tape_apply


def shown(screen, field: tuple[Leg, str]) -> str:
    return screen.tape_inputs[field].shown_text()


def selected(screen) -> list[tuple[Leg, str]]:
    return [k for k, box in screen.tape_inputs.items() if box.selected]


def warning(screen, field: tuple[Leg, str]) -> str:
    label = screen.tape_warnings[field]
    return label.text() if label.isVisibleTo(screen) else ""


def swelling(screen) -> str:
    label = screen.tape_swelling
    return label.text() if label.isVisibleTo(screen) else ""


@pytest.fixture
def blank(window):
    """The staff screen with no measurement: every box empty, the left ankle selected."""
    window.show_staff(StaffPage())
    return window.staff_screen


# --- the pad ------------------------------------------------------------------------------
def test_typing_with_the_german_decimal_comma_gives_millimetres(window, intents, qtbot):
    window.set_language("de")
    window.show_staff(StaffPage())
    screen = window.staff_screen
    assert selected(screen) == [LEFT_ANKLE]
    assert key(screen, "decimal").text() == ","
    assert "." not in {k.text() for k in screen.tape_pad.keys.values()}
    type_keys(qtbot, screen, "22,4")
    click(qtbot, key(screen, NEXT))
    assert shown(screen, LEFT_ANKLE) == f"22,4{NBSP}cm"
    type_keys(qtbot, screen, "36")
    click(qtbot, apply_button(screen))
    assert intents == [EnterTape({"left": {"ankle_mm": 224.0, "calf_mm": 360.0},
                                  "right": {}})]


def test_typing_with_the_english_decimal_point(window, intents, qtbot, blank):
    assert key(blank, "decimal").text() == "."
    assert "," not in {k.text() for k in blank.tape_pad.keys.values()}
    type_keys(qtbot, blank, "22.4")
    assert shown(blank, LEFT_ANKLE) == f"22.4{NBSP}cm"
    click(qtbot, apply_button(blank))
    assert intents == [EnterTape({"left": {"ankle_mm": 224.0}, "right": {}})]


def test_backspace_and_clear(window, intents, qtbot, blank):
    type_keys(qtbot, blank, "36.27")  # one decimal only: the 7 is not taken
    assert shown(blank, LEFT_ANKLE) == f"36.2{NBSP}cm"
    click(qtbot, key(blank, BACKSPACE))
    click(qtbot, key(blank, BACKSPACE))
    type_keys(qtbot, blank, ".8")
    click(qtbot, key(blank, NEXT))
    assert shown(blank, LEFT_ANKLE) == f"36.8{NBSP}cm"  # one decimal once written
    type_keys(qtbot, blank, "41")
    click(qtbot, key(blank, CLEAR))
    assert shown(blank, (Leg.LEFT, "calf_mm")) == "–"
    click(qtbot, apply_button(blank))
    assert intents == [EnterTape({"left": {"ankle_mm": 368.0}, "right": {}})]


def test_next_field_goes_left_leg_then_right_leg_and_round(qtbot, blank):
    seen = []
    for _ in range(len(ORDER) + 1):
        seen += selected(blank)
        click(qtbot, key(blank, NEXT))
    assert seen == [*ORDER, ORDER[0]]
    # The screen reads the same way: "Left leg" heads the column on the left.
    heads = blank.tape_leg_labels
    assert heads[Leg.LEFT].text() == tr("common.left", "en")
    assert heads[Leg.RIGHT].text() == tr("common.right", "en")
    assert heads[Leg.LEFT].x() < heads[Leg.RIGHT].x()
    assert (blank.tape_inputs[(Leg.LEFT, "calf_mm")].x()
            < blank.tape_inputs[(Leg.RIGHT, "calf_mm")].x())


def test_tapping_a_box_selects_it_and_the_first_key_replaces_its_value(window, intents,
                                                                      qtbot):
    window.show_staff(sample_staff_page())
    screen = window.staff_screen
    right_calf = (Leg.RIGHT, "calf_mm")
    click(qtbot, screen.tape_inputs[right_calf])
    assert selected(screen) == [right_calf]
    assert shown(screen, right_calf) == f"36.6{NBSP}cm"  # shown until staff type
    type_keys(qtbot, screen, "38")  # a correction: no need to clear the camera's value
    assert shown(screen, right_calf) == f"38{NBSP}cm"
    click(qtbot, apply_button(screen))
    assert intents[-1].girths["right"]["calf_mm"] == 380.0
    assert intents[-1].girths["left"]["ankle_mm"] == 224.0  # the camera's, untouched


def test_the_entry_rules():
    assert press("", "decimal") == "0."
    assert press("22.4", "5") == "22.4"          # one decimal
    assert press("22.", "decimal") == "22."      # one decimal mark
    assert press("0", "7") == "7"                # no leading zero
    assert press("224", "1") == "224"            # three whole digits at most
    assert press("36.6", "4", replace=True) == "4"
    assert press("36.6", BACKSPACE, replace=True) == "36."  # backspace edits the value
    assert press("36.6", CLEAR) == ""
    # Could more keys still make a plausible ankle (15-40 cm)?
    assert could_reach("2", 15, 40) and could_reach("1", 15, 40) and could_reach("4", 15, 40)
    assert not could_reach("9", 15, 40) and not could_reach("12", 15, 40)
    assert not could_reach("45", 15, 40) and not could_reach("12.", 15, 40)
    assert could_reach("0", 280, 600)  # the next digit replaces a lone 0: "0", "4", "412"


# --- plausibility -------------------------------------------------------------------------
@pytest.mark.parametrize(("lang", "expected"), [("en", "Outside 15–40\u00a0cm"),
                                                ("de", "Außerhalb 15–40\u00a0cm")])
def test_an_implausible_value_is_flagged_as_it_is_typed(window, qtbot, lang, expected):
    window.set_language(lang)
    window.show_staff(StaffPage())
    screen = window.staff_screen
    assert tr("staff.tape.range", lang, low="15", high="40") == expected
    type_keys(qtbot, screen, "9")  # no ankle is 9 cm, nor 90 to 99 cm
    assert warning(screen, LEFT_ANKLE) == expected
    click(qtbot, key(screen, BACKSPACE))
    type_keys(qtbot, screen, "2")  # on its way to 22: no warning yet
    assert warning(screen, LEFT_ANKLE) == ""
    type_keys(qtbot, screen, "2")
    assert warning(screen, LEFT_ANKLE) == ""
    type_keys(qtbot, screen, "4")  # 224 cm: millimetres typed as centimetres
    assert warning(screen, LEFT_ANKLE) == expected
    click(qtbot, key(screen, BACKSPACE))
    click(qtbot, key(screen, BACKSPACE))
    click(qtbot, key(screen, NEXT))  # a lone "2" left behind is wrong after all
    assert warning(screen, LEFT_ANKLE) == expected


@pytest.mark.parametrize(("name", "inside", "outside"), [
    ("ankle_mm", ("15", "40"), ("14.9", "40.1")),
    ("calf_mm", ("22", "65"), ("21.9", "65.1")),
    ("knee_high_length_mm", ("28", "60"), ("27.9", "60.1")),
])
def test_the_human_ranges_end_where_they_say(qtbot, blank, name, inside, outside):
    low, high = TAPE_RANGES_MM[name]
    field = (Leg.RIGHT, name)
    assert warning(blank, field) == ""
    text = tr("staff.tape.range", "en", low=f"{low / 10:g}", high=f"{high / 10:g}")
    for value, flagged in ((inside[0], False), (inside[1], False), (outside[0], True),
                           (outside[1], True)):
        blank.tape_inputs[field].set_text(value)  # set, not typed: a finished value
        assert warning(blank, field) == (text if flagged else ""), value


def test_an_implausible_value_is_applied_only_once_confirmed(window, intents, qtbot, blank):
    type_keys(qtbot, blank, "45")
    assert apply_button(blank).text() == tr("staff.tape.apply", "en")
    click(qtbot, apply_button(blank))
    assert intents == []  # the first press asks
    assert apply_button(blank).text() == tr("staff.tape.apply_anyway", "en")
    type_keys(qtbot, blank, "6")  # another slip: a new value to confirm ("456")
    assert apply_button(blank).text() == tr("staff.tape.apply", "en")
    click(qtbot, key(blank, BACKSPACE))
    click(qtbot, key(blank, BACKSPACE))
    type_keys(qtbot, blank, "6")
    click(qtbot, apply_button(blank))
    assert intents == []
    click(qtbot, apply_button(blank))  # confirmed once: applied
    assert intents == [EnterTape({"left": {"ankle_mm": 460.0}, "right": {}})]


def test_plausible_values_apply_at_once_in_german(window, intents, qtbot):
    window.set_language("de")
    window.show_staff(sample_staff_page())
    screen = window.staff_screen
    assert apply_button(screen).text() == tr("staff.tape.apply", "de")
    click(qtbot, apply_button(screen))
    m = sample_measurement()
    assert intents == [EnterTape({
        leg.value: {"ankle_mm": m.leg(leg).ankle_mm, "calf_mm": m.leg(leg).calf_mm,
                    "knee_high_length_mm": m.leg(leg).knee_high_length_mm}
        for leg in (Leg.LEFT, Leg.RIGHT)})]


# --- one-sided swelling -------------------------------------------------------------------
@pytest.mark.parametrize(("name", "rule"), [("ankle_mm", ANKLE_RULE), ("calf_mm", CALF_RULE)])
def test_a_left_right_difference_at_the_clinical_threshold_is_flagged(window, intents, qtbot,
                                                                      blank, name, rule):
    left = 224.0 if name == "ankle_mm" else 362.0
    blank.tape_inputs[(Leg.LEFT, name)].set_text(f"{left / 10:.1f}")
    right = blank.tape_inputs[(Leg.RIGHT, name)]
    right.set_text(f"{(left + rule.refer_mm - 1) / 10:.1f}")  # 1 mm short of the rule
    assert swelling(blank) == ""
    right.set_text(f"{(left + rule.refer_mm) / 10:.1f}")
    text = swelling(blank)
    assert SWELLING in text and f"{rule.refer_mm / 10:.1f}{NBSP}cm" in text
    # Either leg may be the fuller one.
    blank.tape_inputs[(Leg.LEFT, name)].set_text(f"{(left + 2 * rule.refer_mm) / 10:.1f}")
    assert SWELLING in swelling(blank)
    window.set_language("de")
    assert "mögliche einseitige Schwellung: beide Beine neu messen" in swelling(blank)
    # A warning, not a lock: staff may apply what they measured (the flow refers).
    click(qtbot, apply_button(blank))
    assert len(intents) == 1


def test_the_swelling_flag_follows_the_typing(qtbot, blank):
    blank.tape_inputs[LEFT_ANKLE].set_text("22.4")
    click(qtbot, blank.tape_inputs[(Leg.RIGHT, "ankle_mm")])
    type_keys(qtbot, blank, "2")  # half typed, not compared
    assert swelling(blank) == ""
    type_keys(qtbot, blank, "4.4")
    assert SWELLING in swelling(blank)
    click(qtbot, key(blank, BACKSPACE))
    type_keys(qtbot, blank, "3")  # 24.3: 19 mm
    assert swelling(blank) == ""


# --- filled from the session --------------------------------------------------------------
def test_boxes_are_filled_from_the_measurement_and_survive_a_rerender(window, qtbot):
    window.set_language("de")
    page = sample_staff_page()
    window.show_staff(page)
    screen = window.staff_screen
    assert shown(screen, LEFT_ANKLE) == f"22,4{NBSP}cm"
    assert shown(screen, (Leg.RIGHT, "knee_high_length_mm")) == f"41,4{NBSP}cm"
    click(qtbot, screen.tape_inputs[(Leg.LEFT, "calf_mm")])
    type_keys(qtbot, screen, "3")
    window.show_staff(dataclasses.replace(page, notice_detail="a re-render"))
    type_keys(qtbot, screen, "8")  # still typing into the same box
    assert shown(screen, (Leg.LEFT, "calf_mm")) == f"38{NBSP}cm"
    window.set_language("en")  # a language switch keeps the values too
    assert shown(screen, (Leg.LEFT, "calf_mm")) == f"38{NBSP}cm"
    click(qtbot, key(screen, NEXT))
    assert shown(screen, (Leg.LEFT, "calf_mm")) == f"38.0{NBSP}cm"
    # Another measurement refills the boxes; the next session (none) empties them.
    other = Measurement(left=LegMeasurement(ankle_mm=231.0, calf_mm=370.0),
                        right=LegMeasurement(ankle_mm=233.0, calf_mm=371.0),
                        source=MeasurementSource.TAPE)
    window.show_staff(StaffPage(measurement=other))
    assert shown(screen, (Leg.LEFT, "calf_mm")) == f"37.0{NBSP}cm"
    assert shown(screen, (Leg.LEFT, "knee_high_length_mm")) == "–"
    assert selected(screen) == [LEFT_ANKLE]
    window.show_staff(StaffPage(measurement=None))
    assert {shown(screen, k) for k in ORDER} == {"–"}


# --- the layout ---------------------------------------------------------------------------
def _leaves(page: QWidget) -> list[QWidget]:
    """The tab's visible widgets that show something (not the pad's frame)."""
    found = [w for w in page.findChildren(QWidget) if w.isVisibleTo(page)
             and isinstance(w, QLabel | PadKey | NumberBox | QPushButton)]
    return found


def _rect_in(page: QWidget, w: QWidget) -> QRect:
    return QRect(w.mapTo(page, QPoint(0, 0)), w.size())


def _problems(window, page: QWidget, minimum_px: int) -> list[str]:
    problems = []
    leaves = _leaves(page)
    inside = window.rect()
    for w in leaves:
        name = w.text() if hasattr(w, "text") else type(w).__name__
        where = QRect(w.mapTo(window, QPoint(0, 0)), w.size())
        if not inside.contains(where):
            problems.append(f"outside the window: {name!r}")
        if isinstance(w, QLabel):
            need = (w.heightForWidth(w.width()) if w.wordWrap()
                    else w.sizeHint().height())
            if w.height() < need or (not w.wordWrap() and w.width() < w.sizeHint().width()):
                problems.append(f"label cut: {name!r} {w.size()} needs {need}")
        elif isinstance(w, PadKey):
            if not w.label_fits():
                problems.append(f"key cut: {name!r} {w.size()}")
        elif isinstance(w, NumberBox):
            if not w.labels_fit():
                problems.append(f"box cut: {w.caption!r} {w.shown_text()!r} {w.size()}")
        elif w.width() < w.sizeHint().width() or w.height() < w.minimumSizeHint().height():
            problems.append(f"button cut: {name!r}")
        if not isinstance(w, QLabel) and min(w.width(), w.height()) < minimum_px:
            problems.append(f"under 15 mm: {name!r} {w.size()}")
    for a, b in itertools.combinations(leaves, 2):
        if _rect_in(page, a).intersects(_rect_in(page, b)):
            problems.append(f"overlap: {getattr(a, 'text', str)()!r} / "
                            f"{getattr(b, 'text', str)()!r}")
    return problems


def _crowded(screen) -> None:
    """Every warning the tab can show at once: both swellings and two ranges."""
    values = {(Leg.LEFT, "ankle_mm"): "22.4", (Leg.RIGHT, "ankle_mm"): "24.9",
              (Leg.LEFT, "calf_mm"): "36.2", (Leg.RIGHT, "calf_mm"): "41.9",
              (Leg.LEFT, "knee_high_length_mm"): "4", (Leg.RIGHT, "knee_high_length_mm"):
              "412"}
    for field, text in values.items():
        screen.tape_inputs[field].set_text(text)
    screen.submit_tape()  # every range warning final, the button says "apply anyway"


@pytest.mark.parametrize("size_wh", [(1080, 1920), (768, 1366)])
@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_tape_tab_fits_with_nothing_cut_off(qtbot, size_wh, lang):
    from ui.main_window import KioskWindow

    window = KioskWindow(theme=Theme.for_screen(size_wh[0], None), lang=lang)
    qtbot.addWidget(window)
    window.setFixedSize(*size_wh)
    window.show()
    minimum_px = touch_target_px(window.screen().physicalDotsPerInch())
    mark = tr("staff.tape.decimal", lang)
    screen = window.staff_screen
    page = screen.tabs.widget(0)
    cases = {
        "measurement": sample_staff_page(),
        "blank": StaffPage(),
        # The flow's notice above the tabs takes room from them.
        "crowded": dataclasses.replace(sample_staff_page(), notice="tape_invalid",
                                       notice_detail="left: ankle_mm is outside the "
                                                     "physical range 100-600 mm"),
    }
    problems = {}
    for case, staff_page in cases.items():
        window.show_staff(staff_page)
        screen.tabs.setCurrentIndex(0)
        if case == "crowded":
            _crowded(screen)
            assert screen.tape_apply.text() == tr("staff.tape.apply_anyway", lang)
            assert screen.tape_swelling.text() == tr(
                "staff.tape.swelling.both", lang, ankle=f"2{mark}5{NBSP}cm",
                calf=f"5{mark}7{NBSP}cm")
            assert screen.tape_warnings[(Leg.LEFT, "knee_high_length_mm")].isVisibleTo(page)
        qtbot.wait(1)
        found = _problems(window, page, minimum_px)
        if found:
            problems[case] = found
    window.allow_close()
    assert problems == {}
