"""The fitting code a session ends with, as a compact card: its QR code, the code in
large letters, what to do with it and a button to print the slip.

Every session that ends on a screen other than the welcome screen shows it, so the
counter always receives a shopper with their data: the hand-off after a recommendation
shows the code large on its own; a referral shows this card under what to do.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from ui.i18n import tr
from ui.theme import set_role, theme_or_default
from ui.widgets import QrView


def print_notice_key(notice: str | None) -> str | None:
    """The words for the last print attempt's notice, if any."""
    if notice == "slip_printed":
        return "handoff.printed"
    if notice == "error":
        return "handoff.print_failed"
    return None


class CodeCard(QFrame):
    """QR code, fitting code, a hint and "Print slip" (``on_print`` is called)."""

    def __init__(self, on_print: Callable[[], None]) -> None:
        super().__init__()
        theme = theme_or_default()
        set_role(self, "card")
        row = QHBoxLayout(self)
        pad = theme.px(24)
        row.setContentsMargins(pad, pad, pad, pad)
        row.setSpacing(theme.px(28))
        self.qr = QrView(side_design_px=200)
        row.addWidget(self.qr, 0, Qt.AlignmentFlag.AlignVCenter)
        texts = QVBoxLayout()
        texts.setSpacing(theme.px(10))
        self.code = _label("title")
        self.code.setWordWrap(False)
        self.hint = _label("small")
        self.printed = _label("small")
        self.print_button = QPushButton()
        self.print_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        set_role(self.print_button, "secondary")
        self.print_button.clicked.connect(on_print)
        for widget in (self.code, self.hint, self.printed):
            texts.addWidget(widget)
        texts.addStretch(1)
        texts.addWidget(self.print_button)
        row.addLayout(texts, 1)

    def refresh(self, code: str, notice: str | None, lang: str) -> None:
        if code != self.qr.text:
            self.qr.set_text(code)
        self.code.setText(code)
        self.hint.setText(tr("referral.code_hint", lang))
        printed = print_notice_key(notice)
        self.printed.setText(tr(printed, lang) if printed else "")
        self.printed.setVisible(printed is not None)
        self.print_button.setText(tr("handoff.print", lang))


def _label(role: str) -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    set_role(label, role)
    return label
