"""What every kiosk screen shares: the intent signal, show_model/retranslate, and helpers.

A screen is a view: ``show_model(model)`` shows the typed model it is made for; user actions
leave as ``intent(Intent)`` (``session.intents``); ``retranslate(lang)`` switches its
language. It never decides where the session goes next (the kiosk's flow does).
"""

from __future__ import annotations

from typing import Generic, TypeVar

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

from session.flow import FlowState, FlowStatus
from session.intents import Back, Intent, StartOver
from ui.i18n import tr
from ui.theme import Theme, set_role, theme_or_default

ModelT = TypeVar("ModelT")


class ScreenBase(QWidget):
    """What the window needs of every screen: its name, its intents and its language.
    Subclasses build widgets in ``build`` and fill texts in ``refresh`` (called after
    every ``show_model`` and ``retranslate``)."""

    # Carries one ``session.intents.Intent``.
    intent = Signal(object)
    # The flow state (or staff page) the screen shows; one class may serve two (measuring).
    screen_name: str = ""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(self.screen_name)
        self.theme: Theme = theme_or_default()
        self.lang = "en"
        self.back_button: QPushButton | None = None
        self.start_over_button: QPushButton | None = None
        self._init_model()
        self.root = QVBoxLayout(self)
        margin = self.theme.px(56)
        self.root.setContentsMargins(margin, margin, margin, margin)
        self.root.setSpacing(self.theme.spacing_px)
        self.build()
        self.refresh()

    # --- the screen API -----------------------------------------------------------------
    def show_blank(self) -> None:
        """Show the screen with its empty model (no session yet)."""
        raise NotImplementedError

    def retranslate(self, lang: str) -> None:
        self.lang = lang
        self.refresh()

    # --- for subclasses -----------------------------------------------------------------
    def _init_model(self) -> None:
        """Set the model before the first ``build``/``refresh`` (``Screen`` does)."""

    def build(self) -> None:
        raise NotImplementedError

    def refresh(self) -> None:
        raise NotImplementedError

    def t(self, key: str, **values: object) -> str:
        return tr(key, self.lang, **values)

    def emit_intent(self, intent: Intent) -> None:
        self.intent.emit(intent)

    def label(self, role: str = "body", wrap: bool = True,
              align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft) -> QLabel:
        widget = QLabel()
        widget.setWordWrap(wrap)
        widget.setAlignment(align | Qt.AlignmentFlag.AlignVCenter)
        widget.setTextFormat(Qt.TextFormat.PlainText)
        set_role(widget, role)
        return widget

    def button(self, intent: Intent | None = None, role: str | None = None) -> QPushButton:
        widget = QPushButton()
        widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        widget.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        if role:
            set_role(widget, role)
        if intent is not None:
            widget.clicked.connect(lambda: self.emit_intent(intent))
        return widget

    def footer(self, back: bool = True, start_over: bool = True) -> QHBoxLayout:
        """The bottom row: Back on the left, Start over on the right (when they apply)."""
        row = QHBoxLayout()
        row.setSpacing(self.theme.spacing_px)
        self.back_button = self.button(Back(), role="secondary") if back else None
        self.start_over_button = (self.button(StartOver(), role="secondary")
                                  if start_over else None)
        if self.back_button is not None:
            row.addWidget(self.back_button)
        if self.start_over_button is not None:
            row.addWidget(self.start_over_button)
        return row

    def refresh_footer(self) -> None:
        if self.back_button is not None:
            self.back_button.setText(self.t("common.back"))
        if self.start_over_button is not None:
            self.start_over_button.setText(self.t("common.start_over"))


class Screen(ScreenBase, Generic[ModelT]):
    """A screen typed against the model it renders: ``show_model(model)`` shows it."""

    model: ModelT

    def _init_model(self) -> None:
        self.model = self.blank_model()

    def blank_model(self) -> ModelT:
        """The model shown before anything is rendered."""
        raise NotImplementedError

    def show_model(self, model: ModelT) -> None:
        self.model = model
        self.refresh()

    def show_blank(self) -> None:
        self.show_model(self.blank_model())


class FlowScreen(Screen[FlowStatus]):
    """A shopper's screen: it renders the session's ``FlowStatus`` in its own state."""

    def blank_model(self) -> FlowStatus:
        return FlowStatus(state=FlowState(self.screen_name))


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
