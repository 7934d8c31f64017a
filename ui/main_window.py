"""The kiosk's one window: a stack of screens, one per session-flow state.

The window is a view. The kiosk's composition root observes the Qt-free session flow
and calls ``show_status(status)`` (a shopper's screen, the one of ``status.state``),
``show_pin``, ``show_staff`` and ``show_setup`` with their pages, ``set_language(lang)``
and ``set_live_frame(...)``; the window reports what the user does as ``intent(Intent)``
and any touch as ``user_activity()`` (for the idle timer). It never decides where the
session goes.

Lock-down: in kiosk mode the window is frameless and fullscreen, and outside the staff
screens no key closes it and a close request from the window system is refused; the
kiosk closes it on purpose with ``allow_close()`` first.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QKeySequence, QResizeEvent
from PySide6.QtWidgets import QApplication, QMainWindow, QStackedWidget, QWidget

from fitting.stance import Stance
from session.flow import FlowStatus
from session.intents import Intent, Quit, Touch
from ui.i18n import LANGUAGES
from ui.idle_banner import IdleBanner
from ui.screen_base import FlowScreen, ScreenBase
from ui.screens.donning import DonningScreen
from ui.screens.handoff import HandoffScreen
from ui.screens.measure import MeasureScreen, TurnScreen
from ui.screens.referral import ReferralScreen
from ui.screens.results import RecommendationScreen, ReviewScreen
from ui.screens.screener import ScreenerScreen
from ui.screens.staff import (
    PinPage,
    SetupPage,
    SetupScreen,
    StaffPage,
    StaffPinScreen,
    StaffScreen,
)
from ui.screens.welcome import AttractScreen, LanguageScreen, PurposeScreen
from ui.theme import Theme, apply_theme
from vision.overlay import FrameOverlay
from vision.stance import Guidance

SCREEN_NAMES: tuple[str, ...] = (
    "attract", "language", "purpose", "screener", "referral", "measure_front", "turn",
    "measure_side", "review", "recommendation", "donning", "handoff", "staff_pin", "staff",
    "setup",
)
STAFF_SCREENS = frozenset({"staff", "setup"})
_ACTIVITY_EVENTS = frozenset({QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin,
                              QEvent.Type.KeyPress})


def build_flow_screens(measuring: Mapping[Stance, MeasureScreen]) -> dict[str, FlowScreen]:
    """One fresh instance of every shopper's screen (the measuring screens given), keyed
    by its flow state name."""
    screens: list[FlowScreen] = [
        AttractScreen(), LanguageScreen(), PurposeScreen(), ScreenerScreen(),
        ReferralScreen(), measuring[Stance.FRONT], TurnScreen(), measuring[Stance.SIDE],
        ReviewScreen(), RecommendationScreen(), DonningScreen(), HandoffScreen(),
    ]
    return {s.screen_name: s for s in screens}


class UnknownScreen(KeyError):
    """``show_screen`` was asked for a screen that does not exist (a wiring bug)."""


class KioskWindow(QMainWindow):
    """The kiosk window. See the module docstring."""

    # Carries one ``session.intents.Intent``.
    intent = Signal(object)
    user_activity = Signal()

    def __init__(self, *, lang: str = "en", kiosk_mode: bool = False,
                 theme: Theme | None = None, parent: QWidget | None = None) -> None:
        app = QApplication.instance()
        if not isinstance(app, QApplication):
            raise RuntimeError("create the QApplication before the KioskWindow")
        self.theme = apply_theme(app, theme)
        super().__init__(parent)
        self.setWindowTitle("LegFit")
        self._stack = QStackedWidget()
        self.setCentralWidget(self._stack)
        self.measure_screens = {stance: MeasureScreen(stance)
                                for stance in (Stance.FRONT, Stance.SIDE)}
        self.flow_screens = build_flow_screens(self.measure_screens)
        self.pin_screen = StaffPinScreen()
        self.staff_screen = StaffScreen()
        self.setup_screen = SetupScreen()
        self.screens: dict[str, ScreenBase] = {
            **self.flow_screens, "staff_pin": self.pin_screen, "staff": self.staff_screen,
            "setup": self.setup_screen}
        for name in SCREEN_NAMES:
            screen = self.screens[name]
            screen.intent.connect(self._forward_intent)
            self._stack.addWidget(screen)
        self.idle_banner = IdleBanner(self, lambda: self.intent.emit(Touch()))
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

    def screen_named(self, name: str) -> ScreenBase:
        """The screen widget called ``name``."""
        try:
            return self.screens[name]
        except KeyError:
            raise UnknownScreen(f"no screen named {name!r}") from None

    def show_status(self, status: FlowStatus) -> None:
        """The shopper's screen of ``status.state``, showing ``status``."""
        name = status.state.value
        screen = self.flow_screens.get(name)
        if screen is None:
            raise UnknownScreen(f"{name!r} is not a shopper's screen")
        screen.show_model(status)
        self._raise(screen)

    def show_pin(self, page: PinPage) -> None:
        self.pin_screen.show_model(page)
        self._raise(self.pin_screen)

    def show_staff(self, page: StaffPage) -> None:
        self.staff_screen.show_model(page)
        self._raise(self.staff_screen)

    def show_setup(self, page: SetupPage) -> None:
        self.setup_screen.show_model(page)
        self._raise(self.setup_screen)

    def show_screen(self, name: str) -> None:
        """Show screen ``name`` with its empty model (before any session: tests, the
        screenshots)."""
        screen = self.screen_named(name)
        screen.show_blank()
        self._raise(screen)

    def _raise(self, screen: ScreenBase) -> None:
        self._stack.setCurrentWidget(screen)
        self._current = screen.screen_name

    def set_language(self, lang: str) -> None:
        if lang not in LANGUAGES:
            raise ValueError(f"language must be one of {LANGUAGES}, not {lang!r}")
        self._lang = lang
        for screen in self.screens.values():
            screen.retranslate(lang)
        self.idle_banner.retranslate(lang)

    def set_live_frame(self, frame_bgr: np.ndarray | None, overlay: FrameOverlay | None = None,
                       guidance: Guidance | None = None, progress: float | None = None
                       ) -> None:
        """The newest camera frame, its overlay and guidance; dropped unless a measuring
        screen is showing (nothing is queued)."""
        for screen in self.measure_screens.values():
            if screen.screen_name == self._current:
                screen.set_live(frame_bgr, overlay, guidance, progress)

    def set_footprints(self, stance: Stance, outlines_px: Sequence[np.ndarray]) -> None:
        """The printed footprints of ``stance`` in image pixels."""
        self.measure_screens[stance].set_footprints(outlines_px)

    def reset_measuring(self, stance: Stance) -> None:
        """Forget the measuring screen's last frame, guidance and progress."""
        self.measure_screens[stance].reset()

    def forget_session(self) -> None:
        """Every screen back to its empty model: no screen keeps a shopper's answers,
        girths or decision once the session is over."""
        for screen in self.screens.values():
            if screen.screen_name != self._current:
                screen.show_blank()

    def show_idle_warning(self, on: bool) -> None:
        """The warning that the session will be wiped soon, over the screen showing."""
        if on:
            self.idle_banner.place()
        self.idle_banner.setVisible(on)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.idle_banner.isVisible():
            self.idle_banner.place()

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
    def _forward_intent(self, intent: Intent) -> None:
        self.intent.emit(intent)

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
                self.intent.emit(Quit())
            # Outside staff mode a shopper's keyboard (if any) closes nothing.
            event.accept()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._kiosk_mode and not self._close_allowed and not self.staff_mode:
            event.ignore()
            return
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        super().closeEvent(event)
