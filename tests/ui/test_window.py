"""The kiosk window: screens by name, language, touch activity and the lock-down."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QCloseEvent

from session.intents import Quit
from ui.i18n import tr
from ui.main_window import SCREEN_NAMES, UnknownScreen


def test_there_is_one_screen_per_flow_state(window):
    from session.flow import FlowState  # the test may look at kiosk; the ui package may not

    assert set(SCREEN_NAMES) == {s.value for s in FlowState}
    for name in SCREEN_NAMES:
        window.show_screen(name)
        assert window.current_screen == name
        assert window.centralWidget().currentWidget() is window.screen_named(name)


def test_an_unknown_screen_is_a_clear_error(window):
    with pytest.raises(UnknownScreen, match="no screen named 'checkout'"):
        window.show_screen("checkout")
    with pytest.raises(UnknownScreen, match="no screen named 'checkout'"):
        window.screen_named("checkout")


def test_screen_without_a_name_is_still_qts_display(window):
    assert window.screen() is not None and hasattr(window.screen(), "physicalDotsPerInch")


@pytest.mark.parametrize("lang", ["en", "de"])
def test_set_language_retranslates_every_screen(window, lang):
    window.set_language(lang)
    assert window.screen_named("attract").title.text() == tr("attract.title", lang)
    assert window.screen_named("staff_pin").title.text() == tr("staff_pin.title", lang)


def test_an_unknown_language_is_refused(window):
    with pytest.raises(ValueError, match="language"):
        window.set_language("fr")


def test_any_touch_is_user_activity(window, qtbot):
    window.show_screen("attract")
    with qtbot.waitSignal(window.user_activity, timeout=1000):
        qtbot.mouseClick(window.screen_named("attract").title, Qt.MouseButton.LeftButton)


def _close(window) -> bool:
    event = QCloseEvent()
    window.closeEvent(event)
    return event.isAccepted()


@pytest.mark.parametrize(("kiosk_mode", "screen", "allowed", "closes"), [
    (True, "attract", False, False),      # a shopper cannot close the kiosk
    (True, "measure_front", False, False),
    (True, "staff", False, True),         # staff may
    (True, "attract", True, True),        # the kiosk shutting down on purpose
    (False, "attract", False, True),      # a development window closes normally
])
def test_lock_down_refuses_close_outside_staff_mode(window, kiosk_mode, screen, allowed,
                                                    closes):
    window._kiosk_mode = kiosk_mode  # not set_kiosk_mode: no real fullscreen in tests
    window.show_screen(screen)
    if allowed:
        window.allow_close()
    assert _close(window) is closes


@pytest.mark.parametrize(("screen", "key", "modifiers", "expected"), [
    ("attract", Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier, []),
    ("attract", Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier, []),
    ("staff", Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier, [Quit()]),
    ("staff", Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier, [Quit()]),
])
def test_close_keys_only_work_in_staff_mode(window, intents, qtbot, screen, key, modifiers,
                                            expected):
    window.show_screen(screen)
    qtbot.keyClick(window, key, modifiers)
    assert intents == expected


def test_activity_filter_ignores_other_windows(window, qtbot):
    from PySide6.QtWidgets import QLabel

    other = QLabel("elsewhere")
    qtbot.addWidget(other)
    seen = []
    window.user_activity.connect(lambda: seen.append(1))
    window.eventFilter(other, QEvent(QEvent.Type.MouseButtonPress))
    assert seen == []
