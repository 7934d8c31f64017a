"""Kiosk lock-down: a shopper cannot leave the app; staff mode is behind a PIN with a lock.

The running kiosk in kiosk mode (frameless, fullscreen) on every screen a shopper sees:
no key closes it, the window system's close request is refused, a "quit" intent from a
shopper screen does nothing. Only staff, after the PIN, can quit.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from fitting.outcome import Purpose
from kiosk.staff import LOCK_S, MAX_TRIES
from session.flow import FlowState
from session.intents import (
    AnswerQuestion,
    ChooseLanguage,
    ChoosePurpose,
    EnterPin,
    Intent,
    Next,
    OpenStaff,
    Quit,
    Start,
)
from tests.faults.kiosk_harness import STAFF_PIN, start_kiosk, wait_for_state

CLOSE_KEYS = [
    (Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier),
    (Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier),
    (Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier),
    (Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier),
    (Qt.Key.Key_F4, Qt.KeyboardModifier.ControlModifier),
]


@pytest.fixture
def locked_kiosk(qtbot, tmp_path, shared_data):
    k = start_kiosk(qtbot, tmp_path, shared_data / "synthetic-dev" / "scene_1000",
                    kiosk_mode=True)
    yield k
    k.window.allow_close()
    assert k.close() == []


def _try_to_escape(qtbot, kiosk) -> None:
    """Every way out a keyboard or the window system offers: none works, and no key
    asks to quit (the one quit seen is the forged one, which is ignored)."""
    sent: list[Intent] = []
    kiosk.window.intent.connect(sent.append)
    for key, mods in CLOSE_KEYS:
        QTest.keyClick(kiosk.window, key, mods)
    closed = kiosk.window.close()  # what Alt+F4 or a compositor's close asks
    assert closed is False, f"the window closed on the {kiosk.state} screen"
    kiosk.tap(Quit())  # a forged quit from a shopper screen
    qtbot.wait(20)
    assert kiosk.window.isVisible(), f"the window is gone on the {kiosk.state} screen"
    assert sent == [Quit()]


def test_the_kiosk_window_is_frameless_fullscreen_and_on_top(locked_kiosk):
    w = locked_kiosk.window
    flags = w.windowFlags()
    assert flags & Qt.WindowType.FramelessWindowHint  # no title bar, no close button
    assert flags & Qt.WindowType.WindowStaysOnTopHint
    assert w.windowState() & Qt.WindowState.WindowFullScreen
    assert w.kiosk_mode


@pytest.mark.parametrize(
    "screen",
    [
        # before anyone touches it
        "attract",
        # choosing a language and a purpose
        "language",
        "purpose",
        # answering the safety questions
        "screener",
        # standing on the mat
        "measure_front",
        # the results and how to put the stockings on
        "review",
        "recommendation",
        "donning",
        "handoff",
    ],
)
def test_no_key_and_no_close_request_leaves_a_shopper_screen(qtbot, locked_kiosk, screen):
    k = locked_kiosk
    order = ["attract", "language", "purpose", "screener", "measure_front", "review",
             "recommendation", "donning", "handoff"]
    for step in order[: order.index(screen)]:
        if step == "attract":
            k.tap(Start())
        elif step == "language":
            k.tap(ChooseLanguage("en"))
        elif step == "purpose":
            k.tap(ChoosePurpose(Purpose("everyday")))
        elif step == "screener":
            k.answer_all_no()
        elif step == "measure_front":
            wait_for_state(qtbot, k, FlowState.REVIEW)
        else:
            k.tap(Next())
    wait_for_state(qtbot, k, screen)
    k.controller._timer.stop()  # hold the flow on this screen while we try to escape

    _try_to_escape(qtbot, k)

    assert k.state == screen
    assert not k.window.staff_mode


def test_a_referral_screen_cannot_be_left_either(qtbot, locked_kiosk):
    k = locked_kiosk
    k.tap(Start())
    k.tap(ChooseLanguage("en"))
    k.tap(ChoosePurpose(Purpose("everyday")))
    k.tap(AnswerQuestion(k.flow.status.question_id, True))  # the first red flag
    wait_for_state(qtbot, k, FlowState.REFERRAL)
    _try_to_escape(qtbot, k)
    assert k.state == "referral"


def test_staff_can_quit_after_the_pin(qtbot, tmp_path, shared_data):
    k = start_kiosk(qtbot, tmp_path, shared_data / "synthetic-dev" / "scene_1000",
                    kiosk_mode=True)
    try:
        k.tap(OpenStaff())
        wait_for_state(qtbot, k, FlowState.STAFF_PIN)
        QTest.keyClick(k.window, Qt.Key.Key_Escape)  # no quitting from the PIN pad
        assert k.window.isVisible()
        k.tap(EnterPin(STAFF_PIN))
        wait_for_state(qtbot, k, FlowState.STAFF)
        QTest.keyClick(k.window, Qt.Key.Key_Escape)  # the staff screen's way out
        qtbot.waitUntil(lambda: not k.window.isVisible(), timeout=5000)
        assert not k.parts.session.camera.alive and not k.parts.session.vision.alive
    finally:
        k.window.allow_close()
        k.close()


def test_the_staff_pin_locks_after_wrong_tries_and_unlocks_after_the_wait(qtbot,
                                                                           locked_kiosk):
    k = locked_kiosk
    k.tap(OpenStaff())
    wait_for_state(qtbot, k, FlowState.STAFF_PIN)
    for n in range(MAX_TRIES):
        k.tap(EnterPin("0000"))
        assert k.state == "staff_pin"
        if n < MAX_TRIES - 1:
            assert k.flow.status.notice == "pin_wrong"
    # Locked: even the right PIN is refused, and the message says for how long.
    k.tap(EnterPin(STAFF_PIN))
    assert k.state == "staff_pin"
    assert k.flow.status.notice == "pin_locked"
    assert "\n" not in k.flow.status.notice_detail and k.flow.status.notice_detail
    k.clock.advance(LOCK_S - 5)
    k.tap(EnterPin(STAFF_PIN))
    assert k.state == "staff_pin"
    k.clock.advance(10)
    k.tap(EnterPin(STAFF_PIN))
    assert k.state == "staff"
