"""The warning before an idle session is wiped: over whatever screen shows, with a large
"I'm still here" button. (Any touch anywhere keeps the session too.)"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

from session.flow import IDLE_WARNING_S
from ui.i18n import tr
from ui.theme import set_role, tag, theme_or_default


class IdleBanner(QFrame):
    """A panel along the bottom of ``parent``; ``on_still_here`` runs on its button."""

    def __init__(self, parent: QWidget, on_still_here: Callable[[], None]) -> None:
        super().__init__(parent)
        theme = theme_or_default()
        set_role(self, "notice")
        layout = QVBoxLayout(self)
        pad = theme.px(32)
        layout.setContentsMargins(pad, pad, pad, pad)
        layout.setSpacing(theme.px(20))
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        set_role(self.text, "lead")
        self.button = QPushButton()
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        tag(self.button, height_class="large")
        self.button.clicked.connect(on_still_here)
        layout.addWidget(self.text)
        layout.addWidget(self.button)
        self.hide()

    def retranslate(self, lang: str) -> None:
        self.text.setText(tr("idle.warning", lang, seconds=f"{IDLE_WARNING_S:.0f}"))
        self.button.setText(tr("idle.still_here", lang))

    def place(self) -> None:
        """Along the bottom of the parent, full width."""
        parent = self.parentWidget()
        if parent is None:
            return
        layout = self.layout()
        height = (layout.totalHeightForWidth(parent.width()) if layout is not None
                  else self.sizeHint().height())
        self.setGeometry(0, parent.height() - height, parent.width(), height)
        self.raise_()
