"""The purposes (travel, everyday, sport, medical) and the attract screen as pictures."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QPolygonF

from ui.drawings.kit import Painter, figure, leg, outline, tick
from ui.theme import Colours


def _p_travel(p: QPainter, c: Colours) -> None:
    plane = QPainterPath()
    plane.moveTo(50, 6)
    plane.quadTo(56, 10, 56, 24)
    for x, y in ((56, 40), (92, 58), (92, 66), (56, 56), (55, 78), (68, 88), (68, 94),
                 (50, 89), (32, 94), (32, 88), (45, 78), (44, 56), (8, 66), (8, 58),
                 (44, 40), (44, 24)):
        plane.lineTo(x, y)
    plane.quadTo(44, 10, 50, 6)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(c.primary))
    p.save()
    p.translate(50, 50)
    p.rotate(45)
    p.translate(-50, -50)
    p.drawPath(plane)
    p.restore()


def _p_everyday(p: QPainter, c: Colours) -> None:
    figure(p, c, 38, 6, 0.95)
    p.setPen(outline(c, 2))
    p.setBrush(QColor("#F6C343"))
    p.drawEllipse(QPointF(78, 22), 12, 12)


def _p_sport(p: QPainter, c: Colours) -> None:
    pen = QPen(QColor(c.primary), 7)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawLine(QPointF(52, 26), QPointF(44, 56))                      # trunk
    p.drawPolyline(QPolygonF([QPointF(44, 56), QPointF(60, 70), QPointF(54, 92)]))
    p.drawPolyline(QPolygonF([QPointF(44, 56), QPointF(34, 74), QPointF(18, 78)]))
    p.drawPolyline(QPolygonF([QPointF(50, 32), QPointF(66, 42), QPointF(76, 32)]))
    p.drawPolyline(QPolygonF([QPointF(50, 32), QPointF(36, 38), QPointF(28, 50)]))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(c.primary))
    p.drawEllipse(QPointF(56, 14), 8, 8)


def _p_medical(p: QPainter, c: Colours) -> None:
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(c.accent))
    p.drawRoundedRect(QRectF(36, 10, 28, 80), 5, 5)
    p.drawRoundedRect(QRectF(10, 36, 80, 28), 5, 5)


def _attract(p: QPainter, c: Colours) -> None:
    # A stockinged leg with the tape rings at the calf (cC) and above the ankle (cB).
    leg(p, c, 8, 2, 0.94, stocking_from=8)
    pen = QPen(QColor("#F6C343"), 3.2)
    p.setBrush(Qt.BrushStyle.NoBrush)
    for y, x0, x1 in ((30.2, 44.5, 72.0), (75.5, 47.0, 62.5)):
        p.setPen(pen)
        p.drawEllipse(QRectF(x0, y - 3, x1 - x0, 6))
    tick(p, c, 86, 16, 1.1)



PURPOSE_PICTURES: dict[str, Painter] = {
    "purpose.travel": _p_travel,
    "purpose.everyday": _p_everyday,
    "purpose.sport": _p_sport,
    "purpose.medical": _p_medical,
    "attract": _attract,
}
"""The purpose buttons' pictures and the attract screen's, by key."""
