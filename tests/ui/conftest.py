"""Fixtures for the screens: one themed kiosk window at the portrait design size."""

from __future__ import annotations

import pytest

from session.intents import Intent
from ui.theme import Theme


@pytest.fixture
def window(qtbot):
    """A KioskWindow at 1080 x 1920 with the design-size theme, shown offscreen."""
    from ui.main_window import KioskWindow

    w = KioskWindow(theme=Theme.for_screen(1080, None))
    qtbot.addWidget(w)
    w.resize(1080, 1920)
    w.show()
    yield w
    w.allow_close()


@pytest.fixture
def intents(window):
    """Every intent object the window emits, in order."""
    seen: list[Intent] = []
    window.intent.connect(lambda intent: seen.append(intent))
    return seen
