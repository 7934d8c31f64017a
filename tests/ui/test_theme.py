"""One theme, applied once, app-wide: contrast, text sizes and 15 mm touch targets."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QPushButton, QWidget

from ui.main_window import SCREEN_NAMES
from ui.theme import (
    Colours,
    Theme,
    apply_theme,
    contrast_ratio,
    current_theme,
    plausible_dpi,
    touch_target_px,
)


@pytest.mark.parametrize(("dpi", "expected_px"), [
    (96.0, 57),     # Qt's logical default: 15 mm = 56.7 px, rounded up
    (102.0, 61),    # a 21.5" 1080x1920 portrait panel
    (160.0, 95),    # a small dense panel
    (0.0, 57),      # a display that reports 0 mm: fall back to 96 dpi
    (None, 57),     # no screen at all: the same fallback
    (5000.0, 57),   # nonsense from a virtual framebuffer: fallback, not a 3 m button
])
def test_touch_target_is_15_mm_at_the_screens_dpi(dpi, expected_px):
    assert touch_target_px(dpi) == expected_px


@pytest.mark.parametrize(("dpi", "used"), [
    (49.0, 96.0),    # below the plausible range
    (50.0, 50.0),    # the lowest plausible value is used as is
    (600.0, 600.0),  # the highest plausible value is used as is
    (601.0, 96.0),   # above the range
])
def test_plausible_dpi(dpi, used):
    assert plausible_dpi(dpi) == used


C = Colours()


@pytest.mark.parametrize(("fg", "bg", "minimum"), [
    (C.text, C.background, 7.0),           # body text: WCAG AAA
    (C.text, C.surface, 7.0),              # text on cards
    (C.muted_text, C.background, 7.0),     # small print is still AAA
    (C.on_primary, C.primary, 7.0),        # primary buttons
    (C.on_secondary, C.secondary, 7.0),    # secondary buttons
    (C.on_emergency, C.emergency, 7.0),    # the emergency panel
    (C.text, C.warning_surface, 7.0),      # notices
    (C.ok, C.surface, 4.5),                # "accepted" guidance, large bold text: AA large
    (C.emergency, C.background, 4.5),      # error lines
])
def test_colour_pairs_have_high_contrast(fg, bg, minimum):
    assert contrast_ratio(fg, bg) >= minimum


def test_contrast_ratio_matches_the_wcag_extremes():
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#777777") == pytest.approx(1.0)


@pytest.mark.parametrize(("width_px", "body_min", "body_max"), [
    (1080, 34, 34),   # the design size
    (768, 24, 25),    # a 768 x 1366 portrait kiosk scales down, never below 24
    (2160, 68, 68),   # a 4K portrait panel scales up (capped at 2x)
])
def test_text_scales_with_the_screen(width_px, body_min, body_max):
    theme = Theme.for_screen(width_px, None)
    assert body_min <= theme.body_px <= body_max
    assert theme.title_px > theme.body_px > theme.small_px >= 20


def test_theme_is_applied_once_app_wide(window):
    app = QApplication.instance()
    theme = current_theme(app)
    sheet = app.styleSheet()
    assert theme is window.theme and sheet
    # Asking again (another window, a screen) changes nothing.
    assert apply_theme(app) is theme
    assert app.styleSheet() == sheet


def test_no_widget_carries_its_own_stylesheet(window):
    for name in SCREEN_NAMES:
        window.show_screen(name)
    offenders = [w.objectName() or type(w).__name__ for w in window.findChildren(QWidget)
                 if w.styleSheet()]
    assert offenders == []


def test_every_button_and_input_is_at_least_15_mm(window, qtbot):
    dpi = window.screen().physicalDotsPerInch()
    minimum_px = touch_target_px(dpi)
    small = []
    for name in SCREEN_NAMES:
        window.show_screen(name)
        qtbot.wait(1)
        screen = window.screen_named(name)
        for w in screen.findChildren(QPushButton) + screen.findChildren(QAbstractSpinBox):
            if w.isVisibleTo(screen) and min(w.height(), w.width()) < minimum_px:
                small.append((name, w.text() if hasattr(w, "text") else "", w.size()))
    assert small == []


@pytest.mark.parametrize("size_wh", [(1080, 1920), (768, 1366)])
@pytest.mark.parametrize("lang", ["en", "de"])
def test_no_button_label_is_cut_off(qtbot, size_wh, lang):
    from session.flow import FlowState, FlowStatus
    from ui.main_window import KioskWindow
    from ui.samples import sample_decision, sample_staff_page

    window = KioskWindow(theme=Theme.for_screen(size_wh[0], None), lang=lang)
    qtbot.addWidget(window)
    window.setFixedSize(*size_wh)
    window.show()
    filled = {
        "recommendation": lambda: window.show_status(FlowStatus(
            state=FlowState.RECOMMENDATION, language=lang, decision=sample_decision())),
        "staff": lambda: window.show_staff(sample_staff_page()),
        "handoff": lambda: window.show_status(FlowStatus(
            state=FlowState.HANDOFF, language=lang, fitting_code="LF-7K3Q-M9TX")),
    }
    cut = []
    for name in SCREEN_NAMES:
        filled.get(name, lambda name=name: window.show_screen(name))()
        qtbot.wait(1)
        assert window.current_screen == name
        screen = window.screen_named(name)
        for b in screen.findChildren(QPushButton):
            if b.isVisibleTo(screen) and b.text() and b.width() < b.sizeHint().width():
                cut.append((name, b.text(), b.width(), b.sizeHint().width()))
    window.allow_close()
    assert cut == []
