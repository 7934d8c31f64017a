"""The warnings to take the stockings off, as pictures.

``warning_signs``: a warning sign (tingling, pain, numbness: take them off and ask).
``off_at_once``: toes gone blue and white, pain at the toes, the stocking coming off.
``off_and_call``: a person short of breath with chest pain and sweat, a phone on 112.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPolygonF

from ui.drawings.kit import (
    LEG_SIDE,
    SKIN,
    STOCKING,
    STOCKING_INSIDE,
    Painter,
    Point,
    arrow,
    caption,
    hand,
    outline,
    round_pen,
    shape_path,
    smooth_path,
)
from ui.theme import Colours

TOE_BLUE = "#7FA6D6"
TOE_WHITE = "#F7FAFD"
SWEAT = "#5DB2E6"
TOE_WHITE_NAIL = "#D5DEE8"
TOE_BLUE_NAIL = "#A8C3E6"
BUBBLE = "#E4EBF2"


def _warning_signs(p: QPainter, c: Colours) -> None:
    tri = QPolygonF([QPointF(50, 6), QPointF(94, 84), QPointF(6, 84)])
    p.setPen(outline(c, 2))
    p.setBrush(QColor("#FFD23F"))
    p.drawPolygon(tri)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(c.text))
    p.drawRoundedRect(QRectF(46, 30, 8, 32), 4, 4)
    p.drawEllipse(QPointF(50, 72), 4.5, 4.5)



def _zigzag(p: QPainter, colour: str, points: list[Point], width: float = 2.2) -> None:
    p.setPen(round_pen(colour, width))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPolyline(QPolygonF([QPointF(x, y) for x, y in points]))


def _toes_front(p: QPainter, c: Colours, centre: Point, s: float) -> None:
    """Five toes seen from the front, the big toe white, the others blue."""
    cx, cy = centre
    toes = ((-13.5, 1.0, 6.2, 8.0), (-4.0, -1.5, 4.4, 6.6), (3.6, -1.0, 3.9, 6.0),
            (10.4, 0.5, 3.5, 5.4), (16.4, 2.5, 3.0, 4.6))
    p.setPen(outline(c, 1.3))
    # The front of the foot behind the toes.
    p.setBrush(QColor(SKIN))
    p.drawRoundedRect(QRectF(cx - 21 * s, cy + 1 * s, 42 * s, 14 * s), 6 * s, 6 * s)
    for i, (dx, dy, rx, ry) in enumerate(toes):
        p.setPen(outline(c, 1.3))
        p.setBrush(QColor(TOE_WHITE if i in (0, 3) else TOE_BLUE))
        p.drawEllipse(QPointF(cx + dx * s, cy + dy * s), rx * s, ry * s)
        # The nail, a shade darker than the toe.
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(TOE_WHITE_NAIL if i in (0, 3) else TOE_BLUE_NAIL))
        p.drawRoundedRect(QRectF(cx + (dx - rx * 0.5) * s, cy + (dy - ry * 0.7) * s,
                                 rx * s, ry * 0.6 * s), rx * 0.4 * s, rx * 0.4 * s)


def off_at_once(p: QPainter, c: Colours) -> None:
    # The leg: the stocking already peeled down to the foot, inside out, coming off.
    x, y, s = 26.0, 2.0, 0.94
    path = shape_path(LEG_SIDE, x, y, s)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(SKIN))
    p.drawPath(path)
    band = QPainterPath()
    band.addRect(QRectF(0, y + 74 * s, 100, 30))
    toes = QPainterPath()
    toes.addRect(QRectF(0, 0, x + 22 * s, 100))
    p.setBrush(QColor(STOCKING))
    p.drawPath(path.intersected(band).subtracted(toes))
    # The toes, out of the open toe of the stocking: blue, the tip white.
    bare = path.intersected(toes)
    p.setBrush(QColor(TOE_BLUE))
    p.drawPath(bare)
    tip = QPainterPath()
    tip.addEllipse(QPointF(x + 9 * s, y + 97 * s), 7 * s, 5 * s)
    p.setBrush(QColor(TOE_WHITE))
    p.drawPath(bare.intersected(tip))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.setPen(outline(c))
    p.drawPath(path)
    p.drawLine(QPointF(x + 22 * s, y + 89.5 * s), QPointF(x + 22 * s, y + 100 * s))
    # The turned-down top, inside out.
    roll = smooth_path([(x + 38 * s, y + 68 * s), (x + 60 * s, y + 66 * s),
                        (x + 63 * s, y + 80 * s), (x + 40 * s, y + 82 * s)])
    p.setBrush(QColor(STOCKING_INSIDE))
    p.drawPath(roll)
    # Off, now: a big arrow down past the heel.
    arrow(p, c.accent, (x + 72 * s, y + 40 * s), (x + 72 * s, y + 92 * s), 4.0, 9)
    # A close-up of the toes, joined to them: white and blue, and it hurts.
    p.setPen(round_pen(c.muted_text, 1.4, dashed=True))
    p.drawLine(QPointF(22, 46), QPointF(x + 12 * s, y + 88 * s))
    p.setPen(outline(c, 2))
    p.setBrush(QColor(BUBBLE))
    p.drawEllipse(QPointF(25, 27), 23, 23)
    _toes_front(p, c, (25, 28), 0.95)
    _zigzag(p, c.emergency, [(8, 8), (12, 12), (8, 15), (12, 18)])
    _zigzag(p, c.emergency, [(42, 8), (38, 12), (42, 15), (38, 18)])


def _phone(p: QPainter, c: Colours, rect: QRectF) -> None:
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(c.text))
    p.drawRoundedRect(rect, 5, 5)
    screen = rect.adjusted(3, 6, -3, -6)
    p.setBrush(QColor(c.surface))
    p.drawRoundedRect(screen, 2, 2)
    caption(p, c, "112", QRectF(screen.left(), screen.top() + 2, screen.width(), 16),
            12.5, c.emergency)
    # The green call button with a handset on it.
    centre = QPointF(screen.center().x(), screen.bottom() - 10)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(c.ok))
    p.drawEllipse(centre, 8, 8)
    _handset(p, centre, 0.9)


def _handset(p: QPainter, centre: QPointF, s: float) -> None:
    """A white telephone handset: ear and mouth pieces joined by a curved grip."""
    p.save()
    p.translate(centre)
    p.rotate(-45)
    p.scale(s, s)
    p.setPen(round_pen("#FFFFFF", 2.4))
    p.setBrush(Qt.BrushStyle.NoBrush)
    grip = QPainterPath(QPointF(-4.5, 0.5))
    grip.quadTo(QPointF(0, 3.2), QPointF(4.5, 0.5))
    p.drawPath(grip)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("#FFFFFF"))
    for x in (-5.2, 5.2):
        p.drawRoundedRect(QRectF(x - 2.2, -3.4, 4.4, 5.2), 1.6, 1.6)
    p.restore()


def off_and_call(p: QPainter, c: Colours) -> None:
    # A person, a hand pressed to the chest, gasping for air, sweating.
    p.setPen(outline(c))
    p.setBrush(QColor(c.primary))
    body = QPainterPath()
    body.moveTo(4, 100)
    body.lineTo(6, 66)
    body.quadTo(8, 50, 24, 47)
    body.lineTo(40, 47)
    body.quadTo(56, 50, 58, 66)
    body.lineTo(60, 100)
    p.drawPath(body)
    p.setBrush(QColor(SKIN))
    p.drawRoundedRect(QRectF(27, 38, 10, 11), 3, 3)      # the neck
    p.drawEllipse(QPointF(32, 26), 15, 16)               # the head
    # Eyes squeezed shut under worried brows, the mouth open.
    p.setPen(round_pen(c.text, 1.6))
    for sign in (-1, 1):
        ex = 32 + sign * 6
        p.drawPolyline(QPolygonF([QPointF(ex + sign * 2.5, 21), QPointF(ex - sign * 2, 23.5),
                                  QPointF(ex + sign * 2.5, 26)]))
        p.drawLine(QPointF(ex - sign * 3, 15.5), QPointF(ex + sign * 3, 17.5))
    p.setBrush(QColor("#7A2E2E"))
    p.drawEllipse(QPointF(32, 33.5), 3.2, 4)
    # Out of breath: short puffs of air from the mouth.
    p.setPen(round_pen(c.muted_text, 1.7))
    p.setBrush(Qt.BrushStyle.NoBrush)
    for dy in (-3.5, 0.5, 4.5):
        puff = QPainterPath(QPointF(39, 34 + dy))
        puff.cubicTo(QPointF(42, 32 + dy), QPointF(44, 36 + dy), QPointF(47, 34 + dy + 0.5))
        p.drawPath(puff)
    # Sweat drops on the forehead.
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(SWEAT))
    for dx, dy in ((15, 15), (12, 24), (49, 17)):
        drop = QPainterPath()
        drop.moveTo(dx, dy - 4.5)
        drop.quadTo(dx + 3.2, dy, dx, dy + 2.4)
        drop.quadTo(dx - 3.2, dy, dx, dy - 4.5)
        p.drawPath(drop)
    # Pain in the chest, under the hand.
    for a in range(0, 360, 45):
        rad = math.radians(a)
        p.setPen(round_pen(c.emergency, 2.4))
        p.drawLine(QPointF(26 + 10 * math.cos(rad), 70 + 10 * math.sin(rad)),
                   QPointF(26 + 15 * math.cos(rad), 70 + 15 * math.sin(rad)))
    hand(p, c, 26, 72, 0.85, rotate_deg=20)
    # The phone on the emergency number.
    _phone(p, c, QRectF(66, 24, 30, 56))


WARNING_PICTURES: dict[str, Painter] = {
    "warning_signs": _warning_signs,
    "off_at_once": off_at_once,
    "off_and_call": off_and_call,
}
"""The warnings to take the stockings off, one picture each, by illustration key."""
