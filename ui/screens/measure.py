"""Measuring: the live camera with footprints and overlay, guidance in words and a
picture, a progress ring; and the turn from the front to the side footprints.

Read from two metres away on the mat: the instruction and the live guidance are title
size, and the picture shows the lower legs only (a public screen never shows the body).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from fitting.stance import Stance
from session.intents import Next
from ui.camera_view import CameraView
from ui.i18n import STRINGS
from ui.illustrations import GUIDANCE_ILLUSTRATIONS, IllustrationView
from ui.screen_base import FlowScreen, card
from ui.theme import set_role, tag
from ui.widgets import ProgressRing
from vision.overlay import FrameOverlay
from vision.stance import Guidance


class MeasureScreen(FlowScreen):
    """One stance's measuring screen ("measure_front" or "measure_side").

    Intents: ``Back``, ``StartOver``. The kiosk feeds it with
    ``set_live(frame_bgr, overlay, guidance, progress)`` many times a second and with
    ``set_footprints(outlines_px)`` once per calibration (in the live frames' pixels):
    the picture shows the legs the footprints fix, and none before they are known.
    ``show_model(status)``: ``status.camera_ok`` (False shows the camera message instead
    of the picture) and a refused measurement's notice.
    """

    def __init__(self, stance: Stance, parent: QWidget | None = None) -> None:
        self.stance = stance
        self.screen_name = f"measure_{stance.value}"
        self._guidance: Guidance | None = None
        self._progress = 0.0
        self._shown_guidance: tuple[str, bool] | None = None
        super().__init__(parent)

    def build(self) -> None:
        self.title = self.label("title")
        self.instructions = self.label("title")
        self.root.addWidget(self.title)
        self.root.addWidget(self.instructions)
        self.notice_card, notice = card("notice")
        self.notice_text = self.label("body")
        self.notice_detail = self.label("small")
        notice.addWidget(self.notice_text)
        notice.addWidget(self.notice_detail)
        self.root.addWidget(self.notice_card)
        self.camera = CameraView(legs_only=True)
        self.root.addWidget(self.camera, 1)
        panel, inner = card()
        row = QHBoxLayout()
        row.setSpacing(self.theme.px(24))
        # The words are title size: the picture and the ring leave them the room of the
        # longest word ("Unterschenkel" at 768 px wide).
        side = self.theme.px(160)
        self.guidance_picture = IllustrationView("guidance.step_on_footprints", side)
        self.guidance_picture.setFixedSize(side, side)
        row.addWidget(self.guidance_picture)
        texts = QVBoxLayout()
        self.guidance_text = self.label("guidance")
        texts.addStretch(1)
        texts.addWidget(self.guidance_text)
        texts.addStretch(1)
        row.addLayout(texts, 1)
        self.ring = ProgressRing()
        self.ring.setMinimumSize(self.theme.px(170), self.theme.px(170))
        row.addWidget(self.ring, 0, Qt.AlignmentFlag.AlignVCenter)
        inner.addLayout(row)
        self.root.addWidget(panel)
        self.root.addLayout(self.footer())

    # --- live updates -------------------------------------------------------------------
    def set_live(self, frame_bgr: np.ndarray | None, overlay: FrameOverlay | None = None,
                 guidance: Guidance | None = None, progress: float | None = None) -> None:
        """Show the newest frame and what the vision pipeline says about it.

        ``guidance`` is the stance checker's (message_key, accepted, detail);
        ``progress`` (0..1) fills the ring for this stance."""
        if self.camera.message:
            self.camera.set_message("")
        self.camera.set_frame(frame_bgr, overlay)
        if guidance is not None:
            self._guidance = guidance
        if progress is not None:
            self._progress = progress
        self._refresh_guidance()

    def set_footprints(self, outlines_px: Sequence[np.ndarray]) -> None:
        self.camera.set_footprints(outlines_px)

    @property
    def message_key(self) -> str:
        if self._guidance is None:
            return "step_on_footprints"
        return self._guidance.message_key

    def guidance_text_for(self, key: str) -> str:
        """The words for a guidance key; the pipeline's own detail if we have no words."""
        table = STRINGS[self.lang]
        if f"guidance.{key}" in table:
            return table[f"guidance.{key}"]
        return "" if self._guidance is None else self._guidance.detail

    def _refresh_guidance(self) -> None:
        key = self.message_key
        accepted = self._guidance is not None and self._guidance.accepted
        text = self.guidance_text_for(key)
        # Live frames arrive many times a second while the words rarely change: touch the
        # widgets (a restyle for the colour) only when they do.
        shown = (text, accepted)
        if shown != self._shown_guidance:
            self._shown_guidance = shown
            self.guidance_text.setText(text)
            set_role(self.guidance_text, "guidance", accepted="true" if accepted else "false")
            picture = key if key in GUIDANCE_ILLUSTRATIONS else "step_on_footprints"
            self.guidance_picture.set_key(f"guidance.{picture}")
        if self.ring.progress != self._progress:
            self.ring.set_progress(self._progress)

    def refresh(self) -> None:
        self.title.setText(self.t(f"measure_{self.stance.value}.title"))
        self.instructions.setText(self.t("measure.instructions"))
        self.camera.set_waiting_text(self.t("measure.waiting"))
        if not self.model.camera_ok:
            self.camera.set_message(self.t("error.camera"))
        elif not self.camera.has_frame:
            self.camera.set_message(self.t("measure.waiting"))
        else:
            self.camera.set_message("")
        refused = self.model.notice == "measurement_refused"
        self.notice_card.setVisible(refused)
        self.notice_text.setText(self.t("measure.refused"))
        # The pipeline's one-sentence reason, for the staff member who comes to help.
        detail = self.model.notice_detail if refused else ""
        self.notice_detail.setText(detail)
        self.notice_detail.setVisible(bool(detail))
        self._refresh_guidance()
        self.refresh_footer()

    def reset(self) -> None:
        """Forget the last frame, guidance and progress (a new session or a re-measure)."""
        self._guidance = None
        self._progress = 0.0
        self.camera.set_frame(None)
        self.refresh()


class TurnScreen(FlowScreen):
    """How to turn from the front footprints to the side ones. Intents: ``Next`` when
    the shopper says they stand sideways, ``Back``, ``StartOver``."""

    screen_name = "turn"

    def build(self) -> None:
        self.title = self.label("headline")
        self.root.addWidget(self.title)
        self.picture = IllustrationView("turn", self.theme.px(500))
        self.root.addWidget(self.picture, 1)
        self.body = self.label("body")
        self.root.addWidget(self.body)
        self.ready_button = self.button(Next())
        tag(self.ready_button, height_class="large")
        self.root.addWidget(self.ready_button)
        self.root.addLayout(self.footer())

    def refresh(self) -> None:
        self.title.setText(self.t("turn.title"))
        self.body.setText(self.t("turn.body"))
        self.ready_button.setText(self.t("turn.ready"))
        self.refresh_footer()
