"""What the pictures share: colours, a leg, a hand, arrows, the tick, the cross, a caption.

Every picture is drawn in a 100 x 100 unit box (``ui.illustrations`` scales it to its
target). Wrong-way-beside-right-way pictures use ``wrong_right``: two half-width panels,
the wrong way on the left under a red cross, the right way on the right under a green tick.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPen, QPolygonF

from ui.theme import Colours

SKIN = "#E9BE9C"
SKIN_SHADE = "#D49E7A"
STOCKING = "#5B84B1"
STOCKING_DARK = "#3E6590"
STOCKING_INSIDE = "#A9C1DB"
MAT = "#E4E8EC"

Painter = Callable[[QPainter, Colours], None]
Point = tuple[float, float]

# A lower leg and foot in side view, toes to the left, knee at the top (y 0), sole at 100.
LEG_SIDE = ((38, 0), (39, 20), (41, 45), (43, 72), (40, 80), (30, 86), (14, 92), (7, 96),
            (8, 100), (40, 100), (58, 100), (64, 96), (63, 88), (57, 78), (58, 64),
            (63, 48), (67, 30), (66, 14), (62, 0))
# A lower leg in front view, knee at the top; the calf bulges out on both sides.
LEG_FRONT = ((36, 0), (33, 12), (30, 28), (31, 42), (36, 60), (41, 76), (40, 84), (37, 90),
             (30, 96), (30, 100), (70, 100), (70, 96), (63, 90), (60, 84), (59, 76),
             (64, 60), (69, 42), (70, 28), (67, 12), (64, 0))


def smooth_path(points: Sequence[Point], closed: bool = True) -> QPainterPath:
    """A smooth curve through the midpoints of ``points`` (quadratic B-spline style)."""
    pts = [QPointF(x, y) for x, y in points]
    path = QPainterPath()
    if closed:
        mids = [(pts[i] + pts[(i + 1) % len(pts)]) / 2 for i in range(len(pts))]
        path.moveTo(mids[-1])
        for i, p in enumerate(pts):
            path.quadTo(p, mids[i])
        path.closeSubpath()
    else:
        path.moveTo(pts[0])
        for i in range(1, len(pts) - 1):
            path.quadTo(pts[i], (pts[i] + pts[i + 1]) / 2)
        path.lineTo(pts[-1])
    return path


def transformed(points: Sequence[Point], x: float, y: float, sx: float,
                sy: float | None = None) -> list[Point]:
    sy = sx if sy is None else sy
    return [(x + px * sx, y + py * sy) for px, py in points]


def outline(colours: Colours, width: float = 1.6) -> QPen:
    pen = QPen(QColor(colours.text), width)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    return pen


def round_pen(colour: str, width: float, dashed: bool = False) -> QPen:
    pen = QPen(QColor(colour), width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    if dashed:
        pen.setStyle(Qt.PenStyle.DashLine)
    return pen


def mix(colour: str, other: str, amount: float) -> QColor:
    """``colour`` blended into ``other``: 0 gives ``other``, 1 gives ``colour``."""
    a, b = QColor(colour), QColor(other)
    return QColor.fromRgbF(amount * a.redF() + (1 - amount) * b.redF(),
                           amount * a.greenF() + (1 - amount) * b.greenF(),
                           amount * a.blueF() + (1 - amount) * b.blueF())


def shape_path(shape: Sequence[Point], x: float, y: float, s: float,
               flip: bool = False) -> QPainterPath:
    if flip:
        shape = tuple((100 - px, py) for px, py in shape)
    return smooth_path(transformed(shape, x, y, s))


def leg(p: QPainter, c: Colours, x: float, y: float, s: float, *, front: bool = False,
        stocking_from: float | None = None, stocking_colour: str = STOCKING,
        flip: bool = False) -> QPainterPath:
    """Draw a leg (side or front view) at (x, y), ``s`` units per leg unit; a stocking
    covers it from ``stocking_from`` (0 = knee, 100 = sole) down. Returns its outline."""
    path = shape_path(LEG_FRONT if front else LEG_SIDE, x, y, s, flip)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(SKIN))
    p.drawPath(path)
    if stocking_from is not None:
        clip = QPainterPath()
        clip.addRect(QRectF(x - 10, y + stocking_from * s, 120 * s, 200 * s))
        p.setBrush(QColor(stocking_colour))
        p.drawPath(path.intersected(clip))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.setPen(outline(c))
    p.drawPath(path)
    return path


def arrow(p: QPainter, colour: str, start: Point, end: Point, width: float = 3.0,
          head: float = 6.0) -> None:
    pen = QPen(QColor(colour), width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    p.setPen(pen)
    p.drawLine(QPointF(*start), QPointF(*end))
    angle = math.atan2(end[1] - start[1], end[0] - start[0])
    left = (end[0] - head * math.cos(angle - 0.5), end[1] - head * math.sin(angle - 0.5))
    right = (end[0] - head * math.cos(angle + 0.5), end[1] - head * math.sin(angle + 0.5))
    p.setBrush(QColor(colour))
    p.setPen(Qt.PenStyle.NoPen)
    p.drawPolygon(QPolygonF([QPointF(*end), QPointF(*left), QPointF(*right)]))


def curved_arrow(p: QPainter, colour: str, centre: Point, radius: float,
                 start_deg: float, span_deg: float, width: float = 3.0) -> None:
    rect = QRectF(centre[0] - radius, centre[1] - radius, 2 * radius, 2 * radius)
    pen = QPen(QColor(colour), width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawArc(rect, int(start_deg * 16), int(span_deg * 16))
    end_rad = math.radians(start_deg + span_deg)
    end = (centre[0] + radius * math.cos(end_rad), centre[1] - radius * math.sin(end_rad))
    direction = 1 if span_deg > 0 else -1
    tangent = (-math.sin(end_rad) * direction, -math.cos(end_rad) * direction)
    before = (end[0] - tangent[0] * 2, end[1] - tangent[1] * 2)
    arrow(p, colour, before, end, width, head=7)


def tick(p: QPainter, c: Colours, x: float, y: float, s: float = 1.0) -> None:
    """A green disc with a white tick: the right way."""
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(c.ok))
    p.drawEllipse(QPointF(x, y), 9 * s, 9 * s)
    p.setPen(round_pen("#FFFFFF", 2.6 * s))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPolyline(QPolygonF([QPointF(x - 4.5 * s, y), QPointF(x - 1 * s, y + 3.8 * s),
                              QPointF(x + 5 * s, y - 4 * s)]))


def cross(p: QPainter, c: Colours, x: float, y: float, s: float = 1.0) -> None:
    """A red disc with a white cross: the wrong way."""
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(c.emergency))
    p.drawEllipse(QPointF(x, y), 9 * s, 9 * s)
    p.setPen(round_pen("#FFFFFF", 2.6 * s))
    d = 4 * s
    p.drawLine(QPointF(x - d, y - d), QPointF(x + d, y + d))
    p.drawLine(QPointF(x - d, y + d), QPointF(x + d, y - d))


# The two panels of a wrong-way-beside-right-way picture; the right one's half box starts
# at x = RIGHT_OFFSET.
WRONG_PANEL = QRectF(1.5, 1.5, 46.5, 97)
RIGHT_OFFSET = 50.5
RIGHT_PANEL = WRONG_PANEL.translated(RIGHT_OFFSET, 0)


def wrong_right(p: QPainter, c: Colours, wrong: Painter, right: Painter,
                badge_at: Point = (11.5, 11.5)) -> None:
    """The wrong way beside the right way: ``wrong`` in the left panel, tinted, framed and
    marked with a red cross; ``right`` in the right panel, in green with a green tick.

    Both painters draw in the same 50 x 100 unit half box (x 0..50), clipped to their
    panel, so one drawing can serve both halves with one detail changed; the badge sits at
    ``badge_at`` in that half box, drawn over the picture."""
    for offset, draw, colour, badge in ((0.0, wrong, c.emergency, cross),
                                        (RIGHT_OFFSET, right, c.ok, tick)):
        frame = QPainterPath()
        frame.addRoundedRect(WRONG_PANEL.translated(offset, 0), 6, 6)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(mix(colour, c.background, 0.09))
        p.drawPath(frame)
        p.save()
        p.setClipPath(frame)
        p.translate(offset, 0)
        draw(p, c)
        p.restore()
        p.setPen(QPen(QColor(colour), 2.0))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawPath(frame)
        badge(p, c, badge_at[0] + offset, badge_at[1], 1.05)


def hand(p: QPainter, c: Colours, x: float, y: float, s: float, colour: str = SKIN,
         rotate_deg: float = 0.0) -> None:
    """A simple open hand (palm and four fingers pointing up, thumb to the left)."""
    p.save()
    p.translate(x, y)
    p.rotate(rotate_deg)
    p.scale(s, s)
    p.setPen(outline(c, 1.4 / max(s, 0.1)))
    p.setBrush(QColor(colour))
    path = QPainterPath()
    path.addRoundedRect(QRectF(-9, -4, 18, 16), 5, 5)
    for i, length in enumerate((10, 12, 11, 9)):
        path.addRoundedRect(QRectF(-9 + i * 4.6, -4 - length, 4.2, length + 4), 2.1, 2.1)
    thumb = QPainterPath()
    thumb.addRoundedRect(QRectF(-15, -1, 9, 4.4), 2.2, 2.2)
    path = path.united(thumb)
    p.drawPath(path.simplified())
    p.restore()


def caption(p: QPainter, c: Colours, text: str, rect: QRectF, size: float = 9,
            colour: str | None = None, bold: bool = True) -> None:
    font = QFont("DejaVu Sans")
    font.setPixelSize(max(1, int(size)))
    font.setBold(bold)
    p.setFont(font)
    p.setPen(QColor(colour or c.text))
    p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)


def figure(p: QPainter, c: Colours, x: float, y: float, s: float, colour: str | None = None,
           side: bool = False) -> None:
    """A simple standing person, feet at (x, y + 90 s)."""
    colour = colour or c.primary
    pen = QPen(QColor(colour), 7 * s)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawLine(QPointF(x, y + 18 * s), QPointF(x, y + 50 * s))
    if side:
        p.drawLine(QPointF(x, y + 50 * s), QPointF(x - 4 * s, y + 88 * s))
        p.drawLine(QPointF(x, y + 50 * s), QPointF(x + 5 * s, y + 88 * s))
        p.drawLine(QPointF(x, y + 22 * s), QPointF(x + 2 * s, y + 46 * s))
    else:
        p.drawLine(QPointF(x, y + 50 * s), QPointF(x - 7 * s, y + 88 * s))
        p.drawLine(QPointF(x, y + 50 * s), QPointF(x + 7 * s, y + 88 * s))
        p.drawLine(QPointF(x, y + 22 * s), QPointF(x - 12 * s, y + 44 * s))
        p.drawLine(QPointF(x, y + 22 * s), QPointF(x + 12 * s, y + 44 * s))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(colour))
    p.drawEllipse(QPointF(x, y + 8 * s), 8 * s, 8 * s)
