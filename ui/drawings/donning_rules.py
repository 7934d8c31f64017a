"""The donning rules drawn as the wrong way beside the right way (see ``kit.wrong_right``).

Each rule is one drawing with one detail changed: folds at the ankle and the instep
against a smooth stocking; a rolled-down top squeezing the calf against a flat top just
below the knee; fabric bunched in the hollow of the knee against a top two finger widths
below the crease.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen

from ui.drawings.kit import (
    LEG_SIDE,
    SKIN,
    STOCKING,
    STOCKING_DARK,
    STOCKING_INSIDE,
    Painter,
    Point,
    outline,
    round_pen,
    shape_path,
    smooth_path,
    wrong_right,
)
from ui.theme import Colours

# The half-panel leg: a lower leg in side view, toes left, knee at y 20, sole at y 96.
_LEG_AT = (-3.3, 20.0, 0.76)


# The same leg with the stocking rucked up at the ankle: the front edge ripples.
_LEG_SIDE_RUCKED: tuple[Point, ...] = (
    *LEG_SIDE[:2], (41, 45), (42, 62), (39.5, 66.5), (43, 69.5), (39.5, 73.5), (42, 77),
    (37, 80.5), (34.5, 85), (29, 85.5), (26.5, 89.5), (14, 92), *LEG_SIDE[7:])


def _half_leg(p: QPainter, c: Colours, stocking_from: float, welt: bool = True,
              rucked: bool = False) -> QPainterPath:
    """The half-panel leg, stockinged from ``stocking_from`` (leg units, 0 = knee) down,
    with a darker knitted top (the welt) unless ``welt`` is False; ``rucked``: folds at
    the ankle and over the instep ripple its front edge."""
    x, y, s = _LEG_AT
    path = shape_path(_LEG_SIDE_RUCKED if rucked else LEG_SIDE, x, y, s)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(SKIN))
    p.drawPath(path)
    top = y + stocking_from * s
    p.setBrush(QColor(STOCKING))
    p.drawPath(path.intersected(_strip(top, 200)))
    if welt:
        p.setBrush(QColor(STOCKING_DARK))
        p.drawPath(path.intersected(_strip(top, 4)))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.setPen(outline(c))
    p.drawPath(path)
    return path


def _strip(top: float, height: float) -> QPainterPath:
    strip = QPainterPath()
    strip.addRect(QRectF(-10, top, 80, height))
    return strip


def _leg_y(leg_units: float) -> float:
    return _LEG_AT[1] + leg_units * _LEG_AT[2]


def _leg_point(x: float, y: float) -> Point:
    lx, ly, s = _LEG_AT
    return lx + x * s, ly + y * s


def _ring(p: QPainter, colour: str, centre: Point, rx: float, ry: float) -> None:
    """A dashed ring round the spot the rule is about: red where it is wrong, green where
    the same spot is right."""
    p.setPen(round_pen(colour, 2.2, dashed=True))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawEllipse(QPointF(*centre), rx, ry)


def _folds(p: QPainter, ridges: Sequence[tuple[Point, Point, Point]], width: float) -> None:
    """Folds in the fabric: each a dark ridge with a light crest beside it."""
    for start, bend, end in ridges:
        path = QPainterPath(QPointF(*start))
        path.quadTo(QPointF(*bend), QPointF(*end))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(round_pen(STOCKING_DARK, width))
        p.drawPath(path)
        p.setPen(round_pen(STOCKING_INSIDE, width * 0.45))
        p.drawPath(path.translated(-width * 0.55, -width * 0.55))


# --- smooth, no wrinkles -------------------------------------------------------------------
def _wrinkled_ankle(p: QPainter, c: Colours) -> None:
    _half_leg(p, c, 8, rucked=True)
    # Folds across the front of the ankle and over the instep, where the shoe presses.
    ridges = [(_leg_point(*a), _leg_point(*b), _leg_point(*e)) for a, b, e in (
        ((41.5, 68), (47, 70), (51, 74)),
        ((41.5, 75), (47, 77), (50, 82)),
        ((36.5, 82.5), (41, 85), (42, 90)),
        ((28.5, 87.5), (32, 90), (32, 95)),
    )]
    _folds(p, ridges, 2.4)
    _ring(p, c.emergency, _leg_point(39, 80), 15, 14)


def _smooth_ankle(p: QPainter, c: Colours) -> None:
    _half_leg(p, c, 8)
    _ring(p, c.ok, _leg_point(39, 80), 15, 14)


def smooth_no_wrinkles(p: QPainter, c: Colours) -> None:
    wrong_right(p, c, _wrinkled_ankle, _smooth_ankle)


# --- never roll the top --------------------------------------------------------------------
def _rolled_top(p: QPainter, c: Colours) -> None:
    band_at = 52.0
    path = _half_leg(p, c, band_at, welt=False)
    top = _leg_y(band_at)
    edges = path.intersected(_strip(top - 2, 6)).boundingRect()
    # The top rolled down into a thick sausage that is wider than the leg: it cuts in.
    p.setPen(outline(c))
    p.setBrush(QColor(STOCKING_DARK))
    p.drawRoundedRect(QRectF(edges.left() - 2.5, top - 4, edges.width() + 5, 6.5), 3.2, 3.2)
    p.drawRoundedRect(QRectF(edges.left() - 2, top + 1.5, edges.width() + 4, 5.5), 2.7, 2.7)
    # The roll's spiral at its front end.
    p.setPen(round_pen(STOCKING_INSIDE, 1.2))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawArc(QRectF(edges.left() - 1.2, top - 2.6, 3.8, 3.8), 90 * 16, 270 * 16)
    p.drawArc(QRectF(edges.left() - 0.8, top + 2.6, 3.2, 3.2), 90 * 16, 270 * 16)
    _ring(p, c.emergency, (edges.center().x(), top + 1.5), edges.width() / 2 + 3.5, 10)


def _flat_top(p: QPainter, c: Colours) -> None:
    _half_leg(p, c, 9)
    top = _leg_y(9)
    _ring(p, c.ok, (_leg_point(52, 0)[0], top + 1.5), 12, 8)


def never_roll_top(p: QPainter, c: Colours) -> None:
    wrong_right(p, c, _rolled_top, _flat_top)


# --- behind the knee -----------------------------------------------------------------------
# The knee in side view, large: thigh at the top, the front (kneecap) on the left, the
# hollow of the knee on the right with its crease at y 44, the calf below.
_KNEE_SIDE: tuple[Point, ...] = (
    (19, -4), (17, 18), (15.5, 30), (12.5, 38), (14.5, 46), (19, 54), (20, 70), (22, 104),
    (40, 104), (44, 84), (46, 66), (43, 54), (38.5, 45), (40.5, 36), (44, 18), (45, -4))
_CREASE_Y = 44.0


def _knee(p: QPainter, c: Colours, stocking_from: float) -> QPainterPath:
    path = smooth_path(_KNEE_SIDE)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(SKIN))
    p.drawPath(path)
    p.setBrush(QColor(STOCKING))
    p.drawPath(path.intersected(_strip(stocking_from, 200)))
    p.setBrush(QColor(STOCKING_DARK))
    p.drawPath(path.intersected(_strip(stocking_from, 4)))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.setPen(outline(c))
    p.drawPath(path)
    # The crease of the knee.
    crease = QPainterPath(QPointF(39.5, _CREASE_Y))
    crease.quadTo(QPointF(36, _CREASE_Y + 1.5), QPointF(32, _CREASE_Y + 1))
    p.drawPath(crease)
    return path


def _bunched_knee(p: QPainter, c: Colours) -> None:
    _knee(p, c, 30)
    # Fabric pushed up into the hollow of the knee, piled in folds.
    ridges = [((30, y), (37, y - 2.5), (43, y + 1.5)) for y in (40, 45.5, 51, 56.5)]
    _folds(p, ridges, 2.4)
    _ring(p, c.emergency, (36, 48), 10, 14)


def _two_fingers_below(p: QPainter, c: Colours) -> None:
    top = _CREASE_Y + 13
    _knee(p, c, top)
    # Two fingers laid flat from the crease down to the top of the stocking.
    p.setPen(outline(c, 1.3))
    p.setBrush(QColor(SKIN))
    for i in range(2):
        p.drawRoundedRect(QRectF(31, _CREASE_Y + 1 + i * 6, 22, 5.8), 2.9, 2.9)
    p.setPen(QPen(QColor(c.accent), 1.6))
    p.drawLine(QPointF(24, _CREASE_Y + 1), QPointF(24, top))
    for y in (_CREASE_Y + 1, top):
        p.drawLine(QPointF(21.5, y), QPointF(26.5, y))


def behind_knee(p: QPainter, c: Colours) -> None:
    wrong_right(p, c, _bunched_knee, _two_fingers_below)


RULE_PICTURES: dict[str, Painter] = {
    "smooth_no_wrinkles": smooth_no_wrinkles,
    "never_roll_top": never_roll_top,
    "behind_knee": behind_knee,
}
"""The three rules drawn as the wrong way (left, red cross) beside the right way (right,
green tick), by illustration key."""
