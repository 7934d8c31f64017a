"""Painted widgets the screens share: progress ring, QR code, leg diagram, width profiles.

All drawn with QPainter in the theme's colours, so they scale to any screen and print
the same way (the slip reuses the QR and leg drawing code).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import segno
from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from fitting.measurement import Leg, LegMeasurement, Measurement
from ui.i18n import format_cm, tr
from ui.theme import Colours, theme_or_default


class ProgressRing(QWidget):
    """A ring that fills clockwise from the top as the shopper holds still (0..1)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._progress = 0.0
        side = theme_or_default().px(220)
        self.setMinimumSize(side, side)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    @property
    def progress(self) -> float:
        return self._progress

    def set_progress(self, progress: float) -> None:
        """Set the fill; values outside 0..1 (or NaN) are clamped, never drawn wrongly."""
        value = 0.0 if progress is None or math.isnan(progress) else float(progress)
        self._progress = min(1.0, max(0.0, value))
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        colours = theme_or_default().colours
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        side = min(self.width(), self.height())
        thickness = side * 0.12
        rect = QRectF((self.width() - side) / 2 + thickness / 2,
                      (self.height() - side) / 2 + thickness / 2,
                      side - thickness, side - thickness)
        pen = QPen(QColor(colours.secondary), thickness)
        painter.setPen(pen)
        painter.drawEllipse(rect)
        if self._progress > 0:
            pen = QPen(QColor(colours.ok if self._progress >= 1 else colours.accent), thickness)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            painter.setPen(pen)
            painter.drawArc(rect, 90 * 16, -round(self._progress * 360 * 16))
        font = QFont("DejaVu Sans")
        font.setPixelSize(max(8, int(side * 0.24)))
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor(colours.text))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, f"{round(self._progress * 100)}%")
        painter.end()


def qr_matrix(text: str) -> list[list[bool]]:
    """The QR code of ``text`` as rows of dark (True) modules, with the quiet zone."""
    qr = segno.make(text, error="m", micro=False)
    return [[bool(v) for v in row] for row in qr.matrix_iter(scale=1, border=4)]


def paint_qr(painter: QPainter, rect: QRectF, matrix: Sequence[Sequence[bool]],
             dark: str = "#000000", light: str = "#FFFFFF", snap: bool = False) -> None:
    """Draw a QR matrix as vector squares into the largest square inside ``rect``.

    ``snap`` rounds the module size to whole pixels (on screen), so no light seams show
    between modules; on paper the vector squares are exact anyway."""
    n = len(matrix)
    side = min(rect.width(), rect.height())
    module = side / n
    if snap and module >= 1:
        module = float(int(module))
        side = module * n
    x0 = rect.x() + (rect.width() - side) / 2
    y0 = rect.y() + (rect.height() - side) / 2
    painter.save()
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(light))
    painter.drawRect(QRectF(x0, y0, side, side))
    path = QPainterPath()
    for r, row in enumerate(matrix):
        for c, on in enumerate(row):
            if on:
                # A hair of overlap so no light seams show between modules when scaled.
                path.addRect(QRectF(x0 + c * module, y0 + r * module,
                                    module + 0.02 * module, module + 0.02 * module))
    painter.setBrush(QColor(dark))
    painter.drawPath(path)
    painter.restore()


class QrView(QWidget):
    """Shows a QR code of a text (the anonymous fitting code)."""

    def __init__(self, parent: QWidget | None = None, *, side_design_px: int = 420) -> None:
        super().__init__(parent)
        self._matrix: list[list[bool]] = []
        self._text = ""
        side = theme_or_default().px(side_design_px)
        self.setMinimumSize(side, side)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    @property
    def text(self) -> str:
        return self._text

    def set_text(self, text: str) -> None:
        self._text = text
        self._matrix = qr_matrix(text) if text else []
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self._matrix:
            return
        painter = QPainter(self)
        paint_qr(painter, QRectF(self.rect()), self._matrix, snap=True)
        painter.end()


# --- the leg diagram ---------------------------------------------------------------------
# One leg in front view from knee (y 0) to sole (y 100), in unit coordinates; the cB and
# cC levels are drawn at typical heights on the picture (their measured heights vary).
_DIAGRAM_LEG = ((30, 0), (26, 14), (24, 30), (28, 52), (36, 72), (37, 82), (32, 92),
                (33, 100), (68, 100), (68, 92), (63, 82), (64, 72), (72, 52), (76, 30),
                (74, 14), (70, 0))
_CB_Y = 79.0
_CC_Y = 30.0


def _leg_path(x: float, y: float, w: float, h: float) -> QPainterPath:
    pts = [QPointF(x + px / 100 * w, y + py / 100 * h) for px, py in _DIAGRAM_LEG]
    mids = [(pts[i] + pts[(i + 1) % len(pts)]) / 2 for i in range(len(pts))]
    path = QPainterPath()
    path.moveTo(mids[-1])
    for i, p in enumerate(pts):
        path.quadTo(p, mids[i])
    path.closeSubpath()
    return path


def _leg_half_width(y_unit: float) -> float:
    """Half the diagram leg's width (units) at a height, from its outline points."""
    right = [(py, px) for px, py in _DIAGRAM_LEG if px > 50]
    right.sort()
    for (y0, x0), (y1, x1) in itertools.pairwise(right):
        if y0 <= y_unit <= y1:
            t = 0 if y1 == y0 else (y_unit - y0) / (y1 - y0)
            return x0 + t * (x1 - x0) - 50
    return 20


# The ± shown to the shopper is a 95 % interval (two standard deviations): "the true value
# is very likely within this range" must hold for about 19 people in 20, not 2 in 3.
INTERVAL_SIGMAS = 2.0
# The legs, left to right on the screen: the shopper's right leg on the left and their
# left leg on the right, as the camera (and the live picture) sees them; each is named.
DIAGRAM_LEG_ORDER = (Leg.RIGHT, Leg.LEFT)


def _interval(sd_mm: float | None) -> float | None:
    return None if sd_mm is None else INTERVAL_SIGMAS * sd_mm


@dataclass(frozen=True)
class DiagramText:
    """One text of the leg diagram and the box it is drawn in."""

    rect: QRectF
    text: str
    bold: bool
    colour: str
    align: Qt.AlignmentFlag


@dataclass(frozen=True)
class _Column:
    """Where one leg's drawing and its labels go."""

    rect: QRectF
    top: float
    leg_x: float
    leg_w: float
    leg_h: float
    label_x: float
    line_h: float


def _diagram_fonts(font_px: int) -> tuple[QFont, QFont]:
    font = QFont("DejaVu Sans")
    font.setPixelSize(font_px)
    bold = QFont(font)
    bold.setBold(True)
    return font, bold


def _leg_rows(leg: LegMeasurement | None, lang: str, colours: Colours
              ) -> tuple[tuple[str, float, str, str], ...]:
    """(name, height on the picture in units or -1 for the length, value, colour)."""
    unknown = tr("review.unknown", lang)

    def value(mm: float | None, sd_mm: float | None) -> str:
        return unknown if mm is None else format_cm(mm, _interval(sd_mm), lang)

    if leg is None:
        calf = length = ankle = unknown
    else:
        calf = value(leg.calf_mm, leg.calf_sd_mm)
        length = value(leg.knee_high_length_mm, leg.knee_high_length_sd_mm)
        ankle = value(leg.ankle_mm, leg.ankle_sd_mm)
    return ((tr("review.cc", lang), _CC_Y, calf, colours.primary),
            (tr("review.ld", lang), -1.0, length, colours.text),
            (tr("review.cb", lang), _CB_Y, ankle, colours.accent))


def _columns(rect: QRectF, label_w: float, line_h: float) -> list[_Column]:
    """Two columns; the leg is as wide as the labels beside it leave room for."""
    half = rect.width() / 2
    out = []
    for i in range(2):
        col = QRectF(rect.x() + i * half, rect.y(), half, rect.height())
        top = col.y() + line_h * 1.6
        leg_h = col.height() - line_h * 1.6 - line_h * 0.5
        leg_x = col.x() + col.width() * 0.06
        room = col.right() - leg_x - label_w - 12 - col.width() * 0.02
        leg_w = max(col.width() * 0.12, min(col.width() * 0.4, leg_h * 0.3, room / 1.02))
        out.append(_Column(col, top, leg_x, leg_w, leg_h, leg_x + leg_w * 1.02, line_h))
    return out


def leg_diagram_texts(rect: QRectF, measurement: Measurement | None, lang: str,
                      colours: Colours, font_px: int) -> list[DiagramText]:
    """Every text of the diagram with its box: each leg's name over it, and beside it its
    ankle, calf and length with their values (painted as laid out here; the tests check
    that each fits its box)."""
    return _diagram_layout(rect, measurement, lang, colours, font_px)[1]


def _diagram_layout(rect: QRectF, measurement: Measurement | None, lang: str,
                    colours: Colours, font_px: int) -> tuple[list[_Column], list[DiagramText]]:
    font, bold = _diagram_fonts(font_px)
    plain, strong = QFontMetricsF(font), QFontMetricsF(bold)
    line_h = font.pixelSize() * 1.35
    legs = [(leg, None if measurement is None else measurement.leg(leg))
            for leg in DIAGRAM_LEG_ORDER]
    widest = max((max(plain.horizontalAdvance(name), strong.horizontalAdvance(value))
                  for _, values in legs for name, _, value, _ in _leg_rows(values, lang,
                                                                          colours)),
                 default=0.0)
    out: list[DiagramText] = []
    columns = _columns(rect, widest, line_h)
    for column, (leg, values) in zip(columns, legs, strict=True):
        col = column.rect
        out.append(DiagramText(QRectF(col.x(), col.y(), col.width(), line_h * 1.2),
                               tr(f"common.{leg.value}", lang), True, colours.text,
                               Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop))
        label_w = col.right() - column.label_x - 8 - col.width() * 0.02
        for name, y_unit, value, colour in _leg_rows(values, lang, colours):
            fraction = 0.53 if y_unit < 0 else y_unit / 100
            y = column.top + fraction * column.leg_h
            x = column.label_x + 8
            left = Qt.AlignmentFlag.AlignLeft
            out.append(DiagramText(QRectF(x, y - line_h * 1.1, label_w, line_h * 1.1), name,
                                   False, colour, left | Qt.AlignmentFlag.AlignBottom))
            out.append(DiagramText(QRectF(x, y, label_w, line_h * 1.1), value, True, colour,
                                   left | Qt.AlignmentFlag.AlignTop))
    return columns, out


def paint_leg_diagram(painter: QPainter, rect: QRectF, measurement: Measurement | None,
                      lang: str, colours: Colours, font_px: int) -> None:
    """Both lower legs side by side, the shopper's right leg on the left as the camera
    sees them (``DIAGRAM_LEG_ORDER``), with the ankle, calf and length marked and their
    values in centimetres."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    font, bold = _diagram_fonts(font_px)
    columns, texts = _diagram_layout(rect, measurement, lang, colours, font_px)
    for column in columns:
        _paint_one_leg(painter, column, colours, font)
    for item in texts:
        painter.setFont(bold if item.bold else font)
        painter.setPen(QColor(item.colour))
        painter.drawText(item.rect, item.align, item.text)
    painter.restore()


def _paint_one_leg(painter: QPainter, column: _Column, colours: Colours, font: QFont) -> None:
    """One leg's outline, the tapes at the ankle and calf with their leader lines, and the
    length's arrow from the floor to the top of a knee-high."""
    col, top, leg_x, leg_w, leg_h = column.rect, column.top, column.leg_x, column.leg_w, \
        column.leg_h
    painter.setPen(QPen(QColor(colours.text), max(1.0, font.pixelSize() / 12)))
    painter.setBrush(QColor("#E9BE9C"))
    painter.drawPath(_leg_path(leg_x, top, leg_w, leg_h))
    for y_unit, colour in ((_CC_Y, colours.primary), (_CB_Y, colours.accent)):
        y = top + y_unit / 100 * leg_h
        half_w = _leg_half_width(y_unit) / 100 * leg_w
        cx = leg_x + leg_w / 2
        pen = QPen(QColor(colour), max(2.0, font.pixelSize() / 6))
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        # The tape around the leg: a flat ellipse across it.
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(QRectF(cx - half_w - 2, y - leg_h * 0.02, 2 * half_w + 4,
                                   leg_h * 0.04))
        painter.drawLine(QPointF(cx + half_w + 4, y), QPointF(column.label_x + 4, y))
    x_arrow = leg_x - col.width() * 0.025
    pen = QPen(QColor(colours.text), max(1.5, font.pixelSize() / 10))
    painter.setPen(pen)
    painter.drawLine(QPointF(x_arrow, top + leg_h * 0.06), QPointF(x_arrow, top + leg_h))
    for y, sign in ((top + leg_h * 0.06, 1), (top + leg_h, -1)):
        painter.drawLine(QPointF(x_arrow, y), QPointF(x_arrow - 6, y + sign * 10))
        painter.drawLine(QPointF(x_arrow, y), QPointF(x_arrow + 6, y + sign * 10))


class LegDiagram(QWidget):
    """Both legs with the ankle, calf and length and their ± (the review screen's centre
    piece), the right leg on the left as the camera sees the shopper."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._measurement: Measurement | None = None
        self._lang = "en"
        theme = theme_or_default()
        self.setMinimumSize(theme.px(700), theme.px(700))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_measurement(self, measurement: Measurement | None, lang: str) -> None:
        self._measurement = measurement
        self._lang = lang
        self.update()

    def texts(self) -> list[DiagramText]:
        """What the diagram shows in words, where (for the tests)."""
        theme = theme_or_default()
        return leg_diagram_texts(QRectF(self.rect()), self._measurement, self._lang,
                                 theme.colours, theme.small_px)

    def text_font(self, bold: bool) -> QFont:
        return _diagram_fonts(theme_or_default().small_px)[1 if bold else 0]

    def paintEvent(self, event: QPaintEvent) -> None:
        theme = theme_or_default()
        painter = QPainter(self)
        paint_leg_diagram(painter, QRectF(self.rect()), self._measurement, self._lang,
                          theme.colours, theme.small_px)
        painter.end()


class ProfilePlot(QWidget):
    """Width (x) against height above the floor (y) per leg and view, for staff review.

    ``profiles`` maps a label ("left front") to a sequence of (height_mm, width_mm)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._profiles: Mapping[str, Sequence[tuple[float, float]]] = {}
        self._marks: Mapping[str, float] = {}
        theme = theme_or_default()
        self.setMinimumSize(theme.px(600), theme.px(500))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_profiles(self, profiles: Mapping[str, Sequence[tuple[float, float]]],
                     marks_mm: Mapping[str, float] | None = None) -> None:
        """``marks_mm`` draws labelled horizontal lines (e.g. {"cB": 110, "cC": 300})."""
        self._profiles = {k: [(float(h), float(w)) for h, w in v] for k, v in profiles.items()}
        self._marks = dict(marks_mm or {})
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        theme = theme_or_default()
        c = theme.colours
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        font = QFont("DejaVu Sans")
        font.setPixelSize(max(10, theme.small_px * 3 // 4))
        painter.setFont(font)
        painter.fillRect(self.rect(), QColor(c.surface))
        points = [pt for series in self._profiles.values() for pt in series]
        if not points:
            painter.end()
            return
        margin = font.pixelSize() * 4
        plot = QRectF(margin, font.pixelSize(), self.width() - margin - font.pixelSize(),
                      self.height() - margin)
        h_max = max(h for h, _ in points) * 1.05
        w_max = max(w for _, w in points) * 1.1

        def to_px(h: float, w: float) -> QPointF:
            return QPointF(plot.left() + w / w_max * plot.width(),
                           plot.bottom() - h / h_max * plot.height())

        painter.setPen(QPen(QColor(c.border), 1))
        painter.drawRect(plot)
        for step in range(0, int(h_max) + 1, 100):
            p = to_px(step, 0)
            painter.drawText(QRectF(0, p.y() - 10, margin - 6, 20),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             str(step))
        for step in range(0, int(w_max) + 1, 50):
            p = to_px(0, step)
            painter.drawText(QRectF(p.x() - 30, plot.bottom() + 4, 60, 20),
                             Qt.AlignmentFlag.AlignHCenter, str(step))
        palette = (c.primary, c.accent, c.overlay_height, c.warning, c.text, c.emergency)
        for i, (label, series) in enumerate(self._profiles.items()):
            pen = QPen(QColor(palette[i % len(palette)]), 2.5)
            painter.setPen(pen)
            ordered = sorted(series)
            for a, b in itertools.pairwise(ordered):
                painter.drawLine(to_px(*a), to_px(*b))
            painter.drawText(QRectF(plot.right() - 260, plot.top() + 6 + i * 22, 250, 20),
                             Qt.AlignmentFlag.AlignRight, label)
        pen = QPen(QColor(c.muted_text), 1.5)
        pen.setStyle(Qt.PenStyle.DashLine)
        for label, height in self._marks.items():
            painter.setPen(pen)
            y = to_px(height, 0).y()
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.drawText(QRectF(plot.left() + 6, y - 22, 120, 20),
                             Qt.AlignmentFlag.AlignLeft, label)
        painter.end()
