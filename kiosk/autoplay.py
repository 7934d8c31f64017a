"""The GUI demo playing itself, for a sales rep's laptop or a shop window."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from session.flow import FlowState

if TYPE_CHECKING:  # the controller builds the autoplay: no import cycle at run time
    from kiosk.app import KioskController
    from kiosk.headless import ScriptedShopper


class Autoplay(QObject):
    """The GUI demo plays itself: a scripted shopper taps through the screens at a pace a
    viewer can follow, and starts over after each ending. The first real touch hands the
    kiosk to the person in front of it (autoplay stops for good)."""

    def __init__(self, controller: KioskController, shopper: ScriptedShopper, *,
                 step_ms: int = 2500, answer_ms: int = 700, wait_ms: int = 500,
                 end_ms: int = 12_000) -> None:
        super().__init__()
        self._controller = controller
        self._shopper = shopper
        self._delays = {"step": step_ms, "answer": answer_ms, "wait": wait_ms, "end": end_ms}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._step)
        self.active = False
        controller.window.user_activity.connect(self.stop)

    def start(self) -> None:
        self.active = True
        self._timer.start(self._delays["step"])

    def stop(self) -> None:
        self.active = False
        self._timer.stop()

    def _step(self) -> None:
        if not self.active:
            return
        window = self._controller.window
        status = self._controller.flow.status
        intent = self._shopper.next_intent(status)
        if intent is not None:
            window.screen_named(window.current_screen).intent.emit(intent)
        state = self._controller.flow.state
        if state is FlowState.SCREENER:
            delay = self._delays["answer"]
        elif state in (FlowState.HANDOFF, FlowState.REFERRAL):
            delay = self._delays["end"]
        elif intent is None:
            delay = self._delays["wait"]
        else:
            delay = self._delays["step"]
        self._timer.start(delay)
