"""A large on-screen number pad and the number boxes it types into.

A finger on a kiosk's glass cannot hit a spin box's arrows, and a system keyboard is
never shown here. ``NumberPad`` is a grid of big keys (digits, the language's decimal
mark, backspace, clear, next field); it only says which key was pressed. ``NumberBox`` is
a large tappable box with a caption and its value in centimetres; the screen that owns
both routes each key to the box that is selected.

Both are drawn in the theme's colours rather than styled as push buttons: the stylesheet's
button minimum (a primary button's height) would make six boxes and a four-row pad taller
than a portrait screen's staff tab. They are as tall as there is room for, never less
than ``floor_px`` (15 mm on the glass, and more on a large screen).

What a box holds is the text typed, kept with "." whatever the language (so switching
language never changes a value) and shown with the language's decimal mark. The first key
after a box is selected replaces its value, as on a calculator: a figure the camera
filled in is corrected by typing the new one, without clearing it first.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QAbstractButton, QGridLayout, QSizePolicy, QWidget

from ui.i18n import tr
from ui.theme import Theme, theme_or_default, touch_target_px

DIGITS = tuple("0123456789")
DECIMAL = "decimal"
BACKSPACE = "backspace"
CLEAR = "clear"
NEXT = "next"
# Centimetres with one decimal (a millimetre); three whole digits so that a figure typed
# in millimetres by mistake shows as one (and is flagged) rather than being cut short.
WHOLE_DIGITS = 3
DECIMALS = 1
BLANK = "–"


def press(text: str, key: str, replace: bool = False) -> str:
    """``text`` (digits and at most one ".") after pressing ``key``.

    ``replace``: the box was just selected, so a digit or the decimal mark starts a new
    value; backspace still edits the one shown."""
    if key == CLEAR:
        return ""
    if key == BACKSPACE:
        return text[:-1]
    if replace and key in (*DIGITS, DECIMAL):
        text = ""
    if key == DECIMAL:
        if "." in text:
            return text
        return (text or "0") + "."
    if key not in DIGITS:
        return text
    if "." in text:
        return text + key if len(text.split(".")[1]) < DECIMALS else text
    if text == "0":
        return key
    return text + key if len(text) < WHOLE_DIGITS else text


def number(text: str) -> float | None:
    """The value of typed ``text`` (None for nothing typed)."""
    return float(text) if text.strip(".") else None


def reachable(text: str) -> list[tuple[float, float]]:
    """The value ranges that more key presses (digits and the decimal mark appended) can
    still make of ``text``; empty for nothing typed."""
    if not text:
        return []
    step = 10.0 ** -DECIMALS
    top = 1.0 - step  # the largest decimal part: .9
    if "." in text:
        whole, fraction = text.split(".")
        base = float(whole or "0")
        if len(fraction) >= DECIMALS:
            value = float(text)
            return [(value, value)]
        return [(base, base + top)]
    ranges = []
    whole_value = int(text)
    # A lone "0" is replaced by the next digit: it uses none of the whole digits.
    for extra in range(WHOLE_DIGITS - len(text.lstrip("0")) + 1):
        low = whole_value * 10 ** extra
        ranges.append((float(low), low + 10 ** extra - 1 + top))
    return ranges


def could_reach(text: str, low: float, high: float) -> bool:
    """Whether typing on can still bring ``text`` into ``low``..``high`` (values are on a
    grid of one decimal, so overlapping ranges always share one)."""
    return any(lo <= high and hi >= low for lo, hi in reachable(text))


def decimal_text(value: float, lang: str, decimals: int = DECIMALS) -> str:
    """``value`` with ``decimals`` decimals and the language's decimal mark."""
    return f"{value:.{decimals}f}".replace(".", tr("staff.tape.decimal", lang))


def cm_text(value_cm: float, lang: str) -> str:
    """A length in centimetres, one decimal, a non-breaking space before the unit."""
    return tr("staff.tape.value", lang, value=decimal_text(value_cm, lang))


def floor_px(theme: Theme) -> int:
    """The least height of a key or box: 15 mm on the glass, or more on a large screen."""
    screen = QGuiApplication.primaryScreen()
    dpi = screen.physicalDotsPerInch() if screen is not None else None
    return max(touch_target_px(dpi), theme.px(76))


def _font(base: QFont, pixel_size: int, bold: bool = True) -> QFont:
    font = QFont(base)
    font.setPixelSize(pixel_size)
    font.setBold(bold)
    return font


class PadKey(QAbstractButton):
    """One key of the pad: a rounded key with its label centred (words may wrap)."""

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.theme = theme_or_default()
        # Digits and the decimal mark in the large type; the editing words a size down.
        self.word_key = key in (CLEAR, NEXT)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setMinimumHeight(floor_px(self.theme))

    def label_font(self) -> QFont:
        t = self.theme
        return _font(self.font(), t.button_px if self.word_key else t.title_px)

    def padding_px(self) -> int:
        return self.theme.px(16)

    def text_rect(self) -> QRect:
        pad = self.padding_px()
        return self.rect().adjusted(pad, pad // 2, -pad, -pad // 2)

    def label_fits(self) -> bool:
        """Whether the label is drawn whole on the key at its current size: as wide as
        the padded key at most, its lines no taller than the key."""
        area = self.text_rect()
        metrics = QFontMetrics(self.label_font())
        flags = int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap)
        needed = metrics.boundingRect(QRect(0, 0, area.width(), 100_000), flags, self.text())
        longest = max((metrics.horizontalAdvance(w) for w in self.text().split()), default=0)
        return longest <= area.width() and needed.height() <= self.height()

    def sizeHint(self) -> QSize:
        metrics = QFontMetrics(self.label_font())
        longest = max((metrics.horizontalAdvance(w) for w in self.text().split()), default=0)
        return QSize(longest + 2 * self.padding_px(), self.theme.px(112))

    def minimumSizeHint(self) -> QSize:
        hint = self.sizeHint()
        return QSize(max(hint.width(), floor_px(self.theme)), floor_px(self.theme))

    def paintEvent(self, event: QPaintEvent) -> None:
        c = self.theme.colours
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        border = max(1, self.theme.px(3))
        rect = QRectF(self.rect()).adjusted(border / 2, border / 2, -border / 2, -border / 2)
        if self.isDown():
            fill = c.border if self.word_key else c.secondary
        else:
            fill = c.secondary if self.word_key else c.surface
        painter.setPen(QPen(QColor(c.border), border))
        painter.setBrush(QColor(fill))
        radius = self.theme.px(18)
        painter.drawRoundedRect(rect, radius, radius)
        painter.setPen(QColor(c.on_secondary if self.word_key else c.text))
        painter.setFont(self.label_font())
        painter.drawText(self.text_rect(),
                         int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap),
                         self.text())
        painter.end()


class NumberBox(QAbstractButton):
    """A big tappable box: a caption over its value in centimetres; selected, it is filled
    in the primary colour.

    ``clicked`` when tapped (the screen selects it); ``changed`` after every change of its
    value. ``setValue(cm)``/``value()`` read and write it in centimetres (0 = blank), like
    the spin box it replaces."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.theme = theme_or_default()
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.lang = "en"
        self.caption = ""
        self.text_typed = ""
        self.selected = False
        # Selected and nothing typed since: the next digit starts a new value.
        self.fresh = False
        self.setMinimumHeight(self.minimumSizeHint().height())
        self._show()

    # --- the value ----------------------------------------------------------------------
    @property
    def typing(self) -> bool:
        """Selected and typed into since: the value may be half written."""
        return self.selected and not self.fresh

    def value(self) -> float:
        """The value in centimetres; 0.0 when blank."""
        return number(self.text_typed) or 0.0

    def mm(self) -> float | None:
        """The value in millimetres (exact for one decimal); None when blank or zero."""
        if number(self.text_typed) is None:
            return None
        whole, _, fraction = self.text_typed.partition(".")
        mm = int(whole or "0") * 10 + int((fraction + "0")[:1])
        return float(mm) if mm > 0 else None

    def setValue(self, value_cm: float) -> None:  # the name of the spin box it replaces
        self.set_text(f"{value_cm:.{DECIMALS}f}" if value_cm > 0 else "")

    def set_text(self, text: str) -> None:
        """Set the typed text ("." for the decimal mark) as if typed, then ``changed``."""
        self.text_typed = text
        self._show()
        self.changed.emit()

    def press(self, key: str) -> None:
        """One key of the pad, typed into this box."""
        text = press(self.text_typed, key, replace=self.fresh)
        self.fresh = False
        self.set_text(text)

    # --- the look -----------------------------------------------------------------------
    def set_selected(self, selected: bool) -> None:
        self.selected = selected
        self.fresh = selected
        self._show()

    def retranslate(self, lang: str, caption: str) -> None:
        self.lang = lang
        self.caption = caption
        self._show()

    def shown_text(self) -> str:
        """What the box shows: one decimal once written, the keys as typed while typing."""
        return self._number_and_text()[1]

    def _number_and_text(self) -> tuple[str, str]:
        """The number as shown, and the whole text with its unit."""
        value = number(self.text_typed)
        if value is None:
            return "", BLANK
        if self.typing:
            typed = self.text_typed.replace(".", tr("staff.tape.decimal", self.lang))
            return typed, tr("staff.tape.value", self.lang, value=typed)
        return decimal_text(value, self.lang), cm_text(value, self.lang)

    def _show(self) -> None:
        self.setAccessibleName(f"{self.caption}: {self.shown_text()}")
        self.update()

    def caption_font(self) -> QFont:
        return _font(self.font(), self.theme.small_px)

    def value_font(self) -> QFont:
        return _font(self.font(), self.theme.px(50))

    def _lines(self) -> tuple[QRect, QRect]:
        """Where the caption and the value are drawn."""
        t = self.theme
        inner = self.rect().adjusted(t.px(24), t.px(8), -t.px(16), -t.px(8))
        caption_h = QFontMetrics(self.caption_font()).height()
        value_h = QFontMetrics(self.value_font()).height()
        spare = max(0, inner.height() - caption_h - value_h)
        top = inner.top() + spare // 3
        caption = QRect(inner.left(), top, inner.width(), caption_h)
        value = QRect(inner.left(), top + caption_h + spare // 3, inner.width(), value_h)
        return caption, value

    def labels_fit(self) -> bool:
        """Whether the caption and the value are drawn whole at the box's current size."""
        caption, value = self._lines()
        return (QFontMetrics(self.caption_font()).horizontalAdvance(self.caption)
                <= caption.width()
                and QFontMetrics(self.value_font()).horizontalAdvance(self.shown_text())
                <= value.width()
                and value.bottom() <= self.rect().bottom())

    def sizeHint(self) -> QSize:
        return QSize(self.theme.px(300), max(self.theme.px(124),
                                             self.minimumSizeHint().height()))

    def minimumSizeHint(self) -> QSize:
        t = self.theme
        text_h = (QFontMetrics(self.caption_font()).height()
                  + QFontMetrics(self.value_font()).height() + 2 * t.px(8))
        return QSize(t.px(200), max(floor_px(t), text_h))

    def paintEvent(self, event: QPaintEvent) -> None:
        c = self.theme.colours
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        border = max(2, self.theme.px(4 if self.selected else 2))
        rect = QRectF(self.rect()).adjusted(border / 2, border / 2, -border / 2, -border / 2)
        fill = c.primary if self.selected else (c.secondary if self.isDown() else c.surface)
        painter.setPen(QPen(QColor(c.primary_pressed if self.selected else c.primary), border))
        painter.setBrush(QColor(fill))
        radius = self.theme.px(18)
        painter.drawRoundedRect(rect, radius, radius)
        caption, value = self._lines()
        align = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        painter.setPen(QColor(c.on_primary if self.selected else c.muted_text))
        painter.setFont(self.caption_font())
        painter.drawText(caption, align, self.caption)
        painter.setPen(QColor(c.on_primary if self.selected else c.text))
        painter.setFont(self.value_font())
        shown = self.shown_text()
        painter.drawText(value, align, shown)
        if self.typing:
            # A caret after the last key typed: this box is being typed into.
            number_text, _ = self._number_and_text()
            end = shown.find(number_text) + len(number_text) if number_text else 0
            x = value.left() + QFontMetrics(self.value_font()).horizontalAdvance(shown[:end])
            caret = max(2, self.theme.px(4))
            painter.fillRect(QRectF(x + caret / 2, value.top() + value.height() * 0.12,
                                    caret, value.height() * 0.76), QColor(c.on_primary))
        painter.end()


class NumberPad(QWidget):
    """Big keys: 1-9, 0, the decimal mark, backspace, clear and next field.

    ``key_pressed(key)``: a digit "0".."9", ``DECIMAL``, ``BACKSPACE``, ``CLEAR`` or
    ``NEXT``. ``retranslate(lang)`` shows the language's decimal mark and words."""

    key_pressed = Signal(str)

    # (key, row, column, rows, columns): a phone's digit block, the editing keys beside it.
    LAYOUT = (
        ("1", 0, 0, 1, 1), ("2", 0, 1, 1, 1), ("3", 0, 2, 1, 1), (BACKSPACE, 0, 3, 1, 1),
        ("4", 1, 0, 1, 1), ("5", 1, 1, 1, 1), ("6", 1, 2, 1, 1), (CLEAR, 1, 3, 1, 1),
        ("7", 2, 0, 1, 1), ("8", 2, 1, 1, 1), ("9", 2, 2, 1, 1), (NEXT, 2, 3, 2, 1),
        (DECIMAL, 3, 0, 1, 1), ("0", 3, 1, 1, 2),
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        theme = theme_or_default()
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(theme.px(14))
        self.keys: dict[str, PadKey] = {}
        for key, row, column, rows, columns in self.LAYOUT:
            b = PadKey(key)
            b.clicked.connect(lambda _=False, k=key: self.key_pressed.emit(k))
            self.keys[key] = b
            grid.addWidget(b, row, column, rows, columns)
        for column, stretch in enumerate((1, 1, 1, 2)):
            grid.setColumnStretch(column, stretch)
        for row in range(4):
            grid.setRowStretch(row, 1)
        for digit in DIGITS:
            self.keys[digit].setText(digit)
        self.keys[BACKSPACE].setText("⌫")
        self.retranslate("en")

    def retranslate(self, lang: str) -> None:
        self.keys[DECIMAL].setText(tr("staff.tape.decimal", lang))
        self.keys[BACKSPACE].setAccessibleName(tr("staff.tape.backspace", lang))
        self.keys[CLEAR].setText(tr("staff.tape.clear", lang))
        self.keys[NEXT].setText(tr("staff.tape.next", lang))
        self.updateGeometry()
