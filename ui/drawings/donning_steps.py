"""The donning steps and care rules as pictures: one clear idea each."""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QPolygonF

from ui.drawings.kit import (
    STOCKING,
    STOCKING_INSIDE,
    Painter,
    arrow,
    caption,
    cross,
    hand,
    leg,
    outline,
    smooth_path,
    tick,
)
from ui.theme import Colours


def _morning(p: QPainter, c: Colours) -> None:
    # The sun coming up over the horizon and an alarm clock at seven: first thing.
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("#F6C343"))
    p.drawEllipse(QPointF(30, 62), 17, 17)
    pen = QPen(QColor("#E0A800"), 3)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    p.setPen(pen)
    for i in range(9):
        a = math.radians(180 + i * 22.5)
        p.drawLine(QPointF(30 + 22 * math.cos(a), 62 + 22 * math.sin(a)),
                   QPointF(30 + 29 * math.cos(a), 62 + 29 * math.sin(a)))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(c.background))
    p.drawRect(QRectF(0, 62, 62, 40))
    p.setPen(outline(c, 2))
    p.drawLine(QPointF(2, 62), QPointF(60, 62))
    # The clock: bells, face, hands at 7:00.
    p.setBrush(QColor(c.emergency))
    p.drawEllipse(QPointF(64, 30), 7, 7)
    p.drawEllipse(QPointF(88, 30), 7, 7)
    p.setBrush(QColor(c.surface))
    p.drawEllipse(QPointF(76, 48), 19, 19)
    p.drawLine(QPointF(64, 64), QPointF(60, 72))
    p.drawLine(QPointF(88, 64), QPointF(92, 72))
    hands = QPen(QColor(c.text), 2.6)
    hands.setCapStyle(Qt.PenCapStyle.RoundCap)
    p.setPen(hands)
    p.drawLine(QPointF(76, 48), QPointF(76, 34))                    # minute hand at 12
    hour = math.radians(90 + 7 * 30)                                # hour hand at 7
    p.drawLine(QPointF(76, 48), QPointF(76 + 10 * math.cos(hour), 48 + 10 * math.sin(hour)))


def _inside_out_to_heel(p: QPainter, c: Colours) -> None:
    # The stocking turned inside out down to the heel pocket: foot part blue, the rest
    # folded back over it in the lighter inside colour, a hand inside holding the heel.
    foot = smooth_path([(20, 70), (60, 66), (78, 70), (80, 84), (70, 90), (22, 90), (14, 82)])
    p.setPen(outline(c))
    p.setBrush(QColor(STOCKING))
    p.drawPath(foot)
    leg_part = smooth_path([(56, 68), (60, 30), (66, 12), (84, 12), (86, 32), (80, 70)])
    p.setBrush(QColor(STOCKING_INSIDE))
    p.drawPath(leg_part)
    arrow(p, c.accent, (92, 16), (92, 62), 3.2)
    hand(p, c, 70, 40, 1.0, rotate_deg=180)
    tick(p, c, 20, 20)


def _foot_in_heel_centred(p: QPainter, c: Colours) -> None:
    leg(p, c, 10, 0, 0.95, stocking_from=62, stocking_colour=STOCKING)
    # The turned-back part of the stocking waits above the ankle.
    band = smooth_path([(44, 56), (66, 52), (68, 66), (45, 70)])
    p.setPen(outline(c))
    p.setBrush(QColor(STOCKING_INSIDE))
    p.drawPath(band)
    pen = QPen(QColor(c.ok), 3)
    pen.setStyle(Qt.PenStyle.DashLine)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawEllipse(QPointF(66, 91), 10, 10)
    tick(p, c, 86, 76)


def _pull_up_small_steps(p: QPainter, c: Colours) -> None:
    leg(p, c, 5, 0, 0.95, stocking_from=45)
    for i, y in enumerate((70, 52, 34)):
        arrow(p, c.accent, (86, y + 12), (86, y), 3.0, 5)
        caption(p, c, str(i + 1), QRectF(70, y, 10, 12), 8, c.accent)
    hand(p, c, 40, 44, 0.9, rotate_deg=-90)


def _gloves(p: QPainter, c: Colours) -> None:
    hand(p, c, 34, 58, 2.0, colour="#4CB5AE", rotate_deg=-10)
    hand(p, c, 70, 62, 2.0, colour="#4CB5AE", rotate_deg=12)
    # Grip dots on the palms.
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("#2D7F79"))
    for x, y in ((28, 62), (34, 64), (40, 62), (66, 66), (72, 68), (78, 66)):
        p.drawEllipse(QPointF(x, y), 1.5, 1.5)
    tick(p, c, 88, 14)


def _remove_slowly(p: QPainter, c: Colours) -> None:
    leg(p, c, 5, 0, 0.95, stocking_from=55)
    # The top peeled down inside out.
    fold = smooth_path([(38, 52), (66, 50), (72, 62), (40, 66)])
    p.setPen(outline(c))
    p.setBrush(QColor(STOCKING_INSIDE))
    p.drawPath(fold)
    pen = QPen(QColor(c.accent), 2.6)
    pen.setStyle(Qt.PenStyle.DashLine)
    p.setPen(pen)
    p.drawLine(QPointF(86, 30), QPointF(86, 70))
    arrow(p, c.accent, (86, 66), (86, 78), 2.6, 6)


def _night_off(p: QPainter, c: Colours) -> None:
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("#24344D"))
    p.drawRoundedRect(QRectF(4, 4, 92, 92), 10, 10)
    moon = QPainterPath()
    moon.addEllipse(QPointF(30, 32), 16, 16)
    cut = QPainterPath()
    cut.addEllipse(QPointF(38, 26), 14, 14)
    p.setBrush(QColor("#F6E7A8"))
    p.drawPath(moon.subtracted(cut))
    for x, y in ((62, 18), (80, 30), (70, 44), (52, 40)):
        p.drawEllipse(QPointF(x, y), 1.6, 1.6)
    # A stocking laid aside, off the leg.
    p.save()
    p.translate(44, 60)
    p.rotate(-90)
    leg(p, c, -18, 0, 0.35, stocking_from=0)
    p.restore()
    tick(p, c, 84, 82)


def _drink_water(p: QPainter, c: Colours) -> None:
    glass = QPolygonF([QPointF(30, 14), QPointF(70, 14), QPointF(64, 90), QPointF(36, 90)])
    water = QPolygonF([QPointF(32.5, 40), QPointF(67.5, 40), QPointF(64, 90), QPointF(36, 90)])
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("#8CC8F0"))
    p.drawPolygon(water)
    p.setPen(outline(c, 2))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPolygon(glass)
    p.setPen(QPen(QColor("#FFFFFF"), 2))
    p.drawLine(QPointF(40, 48), QPointF(38, 80))


def _replace_remeasure(p: QPainter, c: Colours) -> None:
    p.setPen(outline(c, 2))
    p.setBrush(QColor(c.surface))
    p.drawRoundedRect(QRectF(8, 14, 56, 60), 6, 6)
    p.setBrush(QColor(c.emergency))
    p.drawRect(QRectF(8, 14, 56, 14))
    caption(p, c, "3–6", QRectF(8, 30, 56, 26), 18)
    # A tape measure: a round case and a ribbon with ticks.
    p.setPen(outline(c, 1.6))
    p.setBrush(QColor("#F6C343"))
    p.drawEllipse(QPointF(74, 72), 16, 16)
    p.drawRect(QRectF(74, 82, 24, 8))
    pen = QPen(QColor(c.text), 1)
    p.setPen(pen)
    for i in range(6):
        p.drawLine(QPointF(77 + i * 4, 82), QPointF(77 + i * 4, 85))
    p.setBrush(QColor(c.surface))
    p.drawEllipse(QPointF(74, 72), 5, 5)


def _wash_care(p: QPainter, c: Colours) -> None:
    # A wash basin with the stocking in it, and a crossed-out tumble dryer.
    p.setPen(outline(c, 2))
    p.setBrush(QColor("#BFE3F7"))
    basin = QPainterPath()
    basin.moveTo(4, 30)
    basin.lineTo(58, 30)
    basin.lineTo(50, 62)
    basin.lineTo(12, 62)
    basin.closeSubpath()
    p.drawPath(basin)
    pen = QPen(QColor("#2F7FBF"), 1.6)
    p.setPen(pen)
    for x in (10, 22, 34, 46):
        p.drawArc(QRectF(x, 34, 8, 6), 0, 180 * 16)
    p.save()
    p.translate(18, 46)
    p.rotate(-80)
    leg(p, c, -6, 0, 0.22, stocking_from=0)
    p.restore()
    p.setPen(outline(c, 2))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRect(QRectF(64, 40, 30, 30))
    p.drawEllipse(QPointF(79, 55), 10, 10)
    cross(p, c, 92, 38, 0.8)



STEP_PICTURES: dict[str, Painter] = {
    "morning": _morning,
    "inside_out_to_heel": _inside_out_to_heel,
    "foot_in_heel_centred": _foot_in_heel_centred,
    "pull_up_small_steps": _pull_up_small_steps,
    "gloves": _gloves,
    "remove_slowly": _remove_slowly,
    "night_off": _night_off,
    "drink_water": _drink_water,
    "replace_remeasure": _replace_remeasure,
    "wash_care": _wash_care,
}
"""The donning steps and care rules drawn as one picture each, by illustration key."""
