"""What the kiosk says aloud, and when. Qt-free: the controller feeds it the session's
status and the measuring screens' guidance; a ``Speaker`` (``kiosk.voice``) speaks.

- Entering the measuring screens and the turn: their instruction (a shopper on the mat
  may stand sideways to the screen). Other screens stop the voice, and the staff,
  PIN and set-up screens never speak.
- Live guidance: the words the measuring screen shows, once they have held for
  ``GUIDANCE_SETTLE_S`` (one frame's flicker never cuts a phrase short).
- A refused measurement: why to stand again.
- The idle warning: "Are you still there?", as shown.
- An emergency waiting for staff: a call for staff every ``STAFF_CALL_EVERY_S``.
"""

from __future__ import annotations

from collections.abc import Callable

from fitting.stance import Stance
from kiosk.voice import Speaker
from session.flow import IDLE_WARNING_S, FlowState, FlowStatus
from ui.i18n import STRINGS, tr
from vision.stance import Guidance

GUIDANCE_SETTLE_S = 0.8
STAFF_CALL_EVERY_S = 20.0


def guidance_words(guidance: Guidance, lang: str) -> str:
    """The words the measuring screen shows for ``guidance``."""
    return STRINGS[lang].get(f"guidance.{guidance.message_key}") or guidance.detail


class Narrator:
    """Speaks the kiosk's instructions; see the module docstring."""

    def __init__(self, voice: Speaker, clock: Callable[[], float]) -> None:
        self._voice = voice
        self._clock = clock
        self._state: FlowState | None = None
        self._notice: str | None = None
        self._idle_warning = False
        self._pending: tuple[str, str] | None = None  # (words, lang) waiting to settle
        self._pending_since_s = 0.0
        self._spoken: tuple[str, str] | None = None
        self._next_staff_call_s: float | None = None

    def on_status(self, status: FlowStatus) -> None:
        lang = status.language
        entering = status.state is not self._state
        self._state = status.state
        if status.alert:
            if self._next_staff_call_s is None:
                self._next_staff_call_s = self._clock()  # at once
        else:
            self._next_staff_call_s = None
        if status.idle_warning and not self._idle_warning:
            self._voice.say(tr("idle.warning", lang, seconds=f"{IDLE_WARNING_S:.0f}"), lang)
        self._idle_warning = status.idle_warning
        refused = status.notice == "measurement_refused"
        if refused and self._notice != "measurement_refused":
            self._voice.say(tr("measure.refused", lang), lang)
        self._notice = status.notice
        if entering and not refused:
            self._enter(status.state, lang)

    def _enter(self, state: FlowState, lang: str) -> None:
        self._pending = self._spoken = None
        if state is FlowState.MEASURE_FRONT:
            self._voice.say(tr("measure.instructions", lang), lang)
        elif state is FlowState.MEASURE_SIDE:
            self._voice.say(f"{tr('measure_side.title', lang)}. "
                            f"{tr('measure.instructions', lang)}", lang)
        elif state is FlowState.TURN:
            self._voice.say(f"{tr('turn.title', lang)}. {tr('turn.body', lang)}", lang)
        else:
            self._voice.stop()

    def on_guidance(self, stance: Stance, guidance: Guidance, lang: str) -> None:
        """The measuring screen shows ``guidance``: said once it has held still."""
        if self._state not in (FlowState.MEASURE_FRONT, FlowState.MEASURE_SIDE) \
                or stance is Stance.NONE:
            return
        words = (guidance_words(guidance, lang), lang)
        now = self._clock()
        if words != self._pending:
            self._pending, self._pending_since_s = words, now
            return
        if words != self._spoken and now - self._pending_since_s >= GUIDANCE_SETTLE_S:
            self._spoken = words
            self._voice.say(*words)

    def tick(self, lang: str) -> None:
        """Called on the controller's timer: the staff call while an emergency waits."""
        due = self._next_staff_call_s
        if due is not None and self._clock() >= due:
            self._voice.say(tr("voice.staff_call", lang), lang)
            self._next_staff_call_s = self._clock() + STAFF_CALL_EVERY_S
