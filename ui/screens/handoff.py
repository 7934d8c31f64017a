"""The handoff: the anonymous fitting code as text and QR code, and the printed slip."""

from __future__ import annotations

from PySide6.QtCore import Qt

from session.intents import Next, PrintSlip
from ui.screen_base import FlowScreen
from ui.screens.code_card import print_notice_key
from ui.theme import tag
from ui.widgets import QrView


class HandoffScreen(FlowScreen):
    """Intents: ``PrintSlip``, ``Next`` to finish, ``Back``.

    ``show_model(status)``: ``status.fitting_code``; ``status.notice == "slip_printed"``
    confirms the print."""

    screen_name = "handoff"

    def build(self) -> None:
        self.title = self.label("title", align=Qt.AlignmentFlag.AlignHCenter)
        self.root.addWidget(self.title)
        self.root.addStretch(1)
        self.qr = QrView()
        self.root.addWidget(self.qr, 0, Qt.AlignmentFlag.AlignHCenter)
        self.code = self.label("code", wrap=False, align=Qt.AlignmentFlag.AlignHCenter)
        self.root.addWidget(self.code)
        self.body = self.label("body", align=Qt.AlignmentFlag.AlignHCenter)
        self.root.addWidget(self.body)
        self.printed = self.label("small", align=Qt.AlignmentFlag.AlignHCenter)
        self.root.addWidget(self.printed)
        self.root.addStretch(1)
        self.print_button = self.button(PrintSlip(), role="secondary")
        self.finish_button = self.button(Next())
        for b in (self.print_button, self.finish_button):
            tag(b, height_class="large")
            self.root.addWidget(b)
        self.root.addLayout(self.footer(back=True, start_over=False))

    @property
    def fitting_code(self) -> str:
        return self.model.fitting_code or ""

    def refresh(self) -> None:
        code = self.fitting_code
        self.title.setText(self.t("handoff.title"))
        if code != self.qr.text:
            self.qr.set_text(code)
        self.code.setText(code)
        self.body.setText(self.t("handoff.body"))
        printed = print_notice_key(self.model.notice)
        message = self.t(printed) if printed else ""
        self.printed.setText(message)
        self.printed.setVisible(bool(message))
        self.print_button.setText(self.t("handoff.print"))
        self.finish_button.setText(self.t("handoff.finish"))
        self.refresh_footer()
