"""The kiosk's one window: a stack of screens, one per session-flow state.

The window is a view. The kiosk's composition root observes the Qt-free session flow
and calls ``show_screen(name, data)``, ``set_language(lang)`` and ``set_live_frame(...)``;
the window reports what the user does as ``intent(name, payload)`` and any touch as
``user_activity()`` (for the idle timer). It never decides where the session goes.

Lock-down: in kiosk mode the window is frameless and fullscreen, and outside the staff
screens no key closes it and a close request from the window system is refused; the
kiosk closes it on purpose with ``allow_close()`` first.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QMainWindow, QStackedWidget, QWidget

from ui.i18n import LANGUAGES
from ui.screen_base import Screen
from ui.screens.donning import DonningScreen
from ui.screens.handoff import HandoffScreen
from ui.screens.measure import MeasureScreen, TurnScreen
from ui.screens.referral import ReferralScreen
from ui.screens.results import RecommendationScreen, ReviewScreen
from ui.screens.screener import ScreenerScreen
from ui.screens.staff import SetupScreen, StaffPinScreen, StaffScreen
from ui.screens.welcome import AttractScreen, LanguageScreen, PurposeScreen
from ui.theme import Theme, apply_theme

SCREEN_NAMES: tuple[str, ...] = (
    "attract", "language", "purpose", "screener", "referral", "measure_front", "turn",
    "measure_side", "review", "recommendation", "donning", "handoff", "staff_pin", "staff",
    "setup",
)
STAFF_SCREENS = frozenset({"staff", "setup"})
_ACTIVITY_EVENTS = frozenset({QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin,
                              QEvent.Type.KeyPress})


def build_screens() -> dict[str, Screen]:
    """One fresh instance of every screen, keyed by its flow state name."""
    screens: list[Screen] = [
        AttractScreen(), LanguageScreen(), PurposeScreen(), ScreenerScreen(),
        ReferralScreen(), MeasureScreen("front"), TurnScreen(), MeasureScreen("side"),
        ReviewScreen(), RecommendationScreen(), DonningScreen(), HandoffScreen(),
        StaffPinScreen(), StaffScreen(), SetupScreen(),
    ]
    return {s.screen_name: s for s in screens}


class UnknownScreen(KeyError):
    """``show_screen`` was asked for a screen that does not exist (a wiring bug)."""


class KioskWindow(QMainWindow):
    """The kiosk window. See the module docstring."""

    intent = Signal(str, object)
    user_activity = Signal()

    def __init__(self, *, lang: str = "en", kiosk_mode: bool = False,
                 theme: Theme | None = None, parent: QWidget | None = None) -> None:
        app = QApplication.instance()
        if app is None:
            raise RuntimeError("create the QApplication before the KioskWindow")
        self.theme = apply_theme(app, theme)
        super().__init__(parent)
        self.setWindowTitle("LegFit")
        self._stack = QStackedWidget()
        self.setCentralWidget(self._stack)
        self.screens = build_screens()
        for name in SCREEN_NAMES:
            screen = self.screens[name]
            screen.intent.connect(self._forward_intent)
            self._stack.addWidget(screen)
        self._current = "attract"
        self._lang = "en"
        self._kiosk_mode = False
        self._close_allowed = False
        app.installEventFilter(self)
        self.set_language(lang)
        self.set_kiosk_mode(kiosk_mode)

    # --- the API the kiosk calls --------------------------------------------------------
    @property
    def current_screen(self) -> str:
        return self._current

    @property
    def language(self) -> str:
        return self._lang

    def screen(self, name: str | None = None):  # type: ignore[override]
        """The screen widget called ``name``; without a name, Qt's ``QWidget.screen()``
        (the display the window is on), which this name would otherwise hide."""
        if name is None:
            return super().screen()
        try:
            return self.screens[name]
        except KeyError:
            raise UnknownScreen(f"no screen named {name!r}") from None

    def show_screen(self, name: str, data: object = None) -> None:
        """Show screen ``name`` with ``data`` (each screen documents what it reads)."""
        screen = self.screen(name)
        screen.render(data)
        self._stack.setCurrentWidget(screen)
        self._current = name

    def set_language(self, lang: str) -> None:
        if lang not in LANGUAGES:
            raise ValueError(f"language must be one of {LANGUAGES}, not {lang!r}")
        self._lang = lang
        for screen in self.screens.values():
            screen.retranslate(lang)

    def set_live_frame(self, frame_bgr: np.ndarray | None, overlay: object = None,
                       guidance: object = None, progress: float | None = None) -> None:
        """The newest camera frame, its overlay and guidance; dropped unless a measuring
        screen is showing (nothing is queued)."""
        if self._current in ("measure_front", "measure_side"):
            self.screens[self._current].set_live(frame_bgr, overlay, guidance, progress)

    def set_footprints(self, stance: str, outlines_px: Sequence[np.ndarray]) -> None:
        """The printed footprints of ``stance`` ("front"/"side") in image pixels."""
        self.screen(f"measure_{stance}").set_footprints(outlines_px)

    def set_calibration(self, calibration, mat) -> None:
        """Project both stances' footprints with the calibration in force."""
        from ui.camera_view import footprint_outlines_px

        for stance in ("front", "side"):
            self.set_footprints(stance, footprint_outlines_px(calibration, mat, stance))

    def set_kiosk_mode(self, on: bool) -> None:
        """Frameless fullscreen (on) or an ordinary window (off, for development)."""
        self._kiosk_mode = on
        self.setWindowFlag(Qt.WindowType.FramelessWindowHint, on)
        self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, on)
        if on:
            self.showFullScreen()

    @property
    def kiosk_mode(self) -> bool:
        return self._kiosk_mode

    @property
    def staff_mode(self) -> bool:
        return self._current in STAFF_SCREENS

    def allow_close(self) -> None:
        """Let the next close request through (the kiosk shutting down on purpose)."""
        self._close_allowed = True

    # --- events -------------------------------------------------------------------------
    def _forward_intent(self, name: str, payload: object) -> None:
        self.intent.emit(name, payload)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (event.type() in _ACTIVITY_EVENTS and isinstance(watched, QWidget)
                and watched.window() is self):
            self.user_activity.emit()
        return False

    def keyPressEvent(self, event: QKeyEvent) -> None:
        control = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        alt = bool(event.modifiers() & Qt.KeyboardModifier.AltModifier)
        # The platform's own Quit/Close sequences are empty on some platforms, so the
        # usual keys are named too.
        closing = (event.matches(QKeySequence.StandardKey.Quit)
                   or event.matches(QKeySequence.StandardKey.Close)
                   or event.key() == Qt.Key.Key_Escape
                   or (control and event.key() in (Qt.Key.Key_Q, Qt.Key.Key_W))
                   or (alt and event.key() == Qt.Key.Key_F4))
        if closing:
            if self.staff_mode:
                self.intent.emit("quit", None)
            # Outside staff mode a shopper's keyboard (if any) closes nothing.
            event.accept()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._kiosk_mode and not self._close_allowed and not self.staff_mode:
            event.ignore()
            return
        QApplication.instance().removeEventFilter(self)
        super().closeEvent(event)
