"""What every kiosk screen shares: the intent signal, render/retranslate, and helpers.

A screen is a view: ``render(data)`` shows plain, fitting or vision data; user actions
leave as ``intent(name, payload)``; ``retranslate(lang)`` switches its language. It never
decides where the session goes next (the kiosk's flow does).
"""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ui.i18n import tr
from ui.theme import Theme, set_role, theme_or_default


class Screen(QWidget):
    """Base of every screen. Subclasses build widgets in ``build`` and fill texts in
    ``refresh`` (called after every ``render`` and ``retranslate``)."""

    intent = Signal(str, object)
    screen_name: ClassVar[str] = ""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(self.screen_name)
        self.theme: Theme = theme_or_default()
        self.lang = "en"
        self.data: object = None
        self.root = QVBoxLayout(self)
        margin = self.theme.px(56)
        self.root.setContentsMargins(margin, margin, margin, margin)
        self.root.setSpacing(self.theme.spacing_px)
        self.build()
        self.refresh()

    # --- the screen API -----------------------------------------------------------------
    def render(self, data: object) -> None:
        """Show ``data`` (each screen documents what it accepts)."""
        self.data = data
        self.refresh()

    def retranslate(self, lang: str) -> None:
        self.lang = lang
        self.refresh()

    # --- for subclasses -----------------------------------------------------------------
    def build(self) -> None:
        raise NotImplementedError

    def refresh(self) -> None:
        raise NotImplementedError

    def tr(self, key: str, **values: object) -> str:
        return tr(key, self.lang, **values)

    def emit_intent(self, name: str, payload: object = None) -> None:
        self.intent.emit(name, payload)

    def label(self, role: str = "body", wrap: bool = True,
              align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft) -> QLabel:
        widget = QLabel()
        widget.setWordWrap(wrap)
        widget.setAlignment(align | Qt.AlignmentFlag.AlignVCenter)
        widget.setTextFormat(Qt.TextFormat.PlainText)
        set_role(widget, role)
        return widget

    def button(self, intent_name: str | None = None, payload: object = None,
               role: str | None = None) -> QPushButton:
        widget = QPushButton()
        widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        widget.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        if role:
            set_role(widget, role)
        if intent_name is not None:
            widget.clicked.connect(lambda: self.emit_intent(intent_name, payload))
        return widget

    def footer(self, back: bool = True, start_over: bool = True) -> QHBoxLayout:
        """The bottom row: Back on the left, Start over on the right (when they apply)."""
        row = QHBoxLayout()
        row.setSpacing(self.theme.spacing_px)
        self.back_button = self.button("back", role="secondary") if back else None
        self.start_over_button = (self.button("start_over", role="secondary")
                                  if start_over else None)
        if self.back_button is not None:
            row.addWidget(self.back_button)
        if self.start_over_button is not None:
            row.addWidget(self.start_over_button)
        return row

    def refresh_footer(self) -> None:
        if getattr(self, "back_button", None) is not None:
            self.back_button.setText(self.tr("common.back"))
        if getattr(self, "start_over_button", None) is not None:
            self.start_over_button.setText(self.tr("common.start_over"))


def card(role: str = "card") -> tuple[QFrame, QVBoxLayout]:
    """A framed panel and its layout."""
    frame = QFrame()
    set_role(frame, role)
    layout = QVBoxLayout(frame)
    theme = theme_or_default()
    pad = theme.px(32)
    layout.setContentsMargins(pad, pad, pad, pad)
    layout.setSpacing(theme.px(16))
    return frame, layout


def clear_layout(layout) -> None:
    """Remove and delete every widget and sub-layout of ``layout``."""
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget()
        if widget is not None:
            widget.setParent(None)
            widget.deleteLater()
        elif item.layout() is not None:
            clear_layout(item.layout())


def enum_value(value: object) -> str:
    """The plain string of a str-Enum member or a string."""
    return str(getattr(value, "value", value))


def pick(data: object, name: str, default: object = None) -> object:
    """``data.name`` or ``data[name]``: screens accept the kiosk's status snapshot, a plain
    dict or a small dataclass alike, as long as the named field is there."""
    if data is None:
        return default
    if isinstance(data, dict):
        return data.get(name, default)
    return getattr(data, name, default)
