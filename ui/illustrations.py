"""Pictures drawn in the app with QPainter: donning steps, guidance, the turn, purposes.

Why drawn and not photos: they scale to any screen, need no licence, show no real
person, and carry one clear idea each (a red cross on the wrong way, a green tick on the
right one). Every picture is drawn in a 100 x 100 unit box centred in the target rect.

``DONNING_ILLUSTRATIONS`` holds one picture per donning illustration key of the fitting
domain; ``GUIDANCE_ILLUSTRATIONS`` one per measuring guidance key.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui.theme import Colours

SKIN = "#E9BE9C"
SKIN_SHADE = "#D49E7A"
STOCKING = "#5B84B1"
STOCKING_DARK = "#3E6590"
STOCKING_INSIDE = "#A9C1DB"
MAT = "#E4E8EC"

Painter = Callable[[QPainter, Colours], None]

# A lower leg and foot in side view, toes to the left, knee at the top (y 0), sole at 100.
_LEG_SIDE = ((38, 0), (39, 20), (41, 45), (43, 72), (40, 80), (30, 86), (14, 92), (7, 96),
             (8, 100), (40, 100), (58, 100), (64, 96), (63, 88), (57, 78), (58, 64),
             (63, 48), (67, 30), (66, 14), (62, 0))
# A lower leg in front view, knee at the top; the calf bulges out on both sides.
_LEG_FRONT = ((36, 0), (33, 12), (30, 28), (31, 42), (36, 60), (41, 76), (40, 84), (37, 90),
              (30, 96), (30, 100), (70, 100), (70, 96), (63, 90), (60, 84), (59, 76),
              (64, 60), (69, 42), (70, 28), (67, 12), (64, 0))


def _smooth_path(points: Sequence[tuple[float, float]], closed: bool = True) -> QPainterPath:
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


def _transformed(points, x: float, y: float, sx: float, sy: float | None = None):
    sy = sx if sy is None else sy
    return [(x + px * sx, y + py * sy) for px, py in points]


def _outline(colours: Colours, width: float = 1.6) -> QPen:
    pen = QPen(QColor(colours.text), width)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    return pen


def _leg(p: QPainter, c: Colours, x: float, y: float, s: float, *, front: bool = False,
         stocking_from: float | None = None, stocking_colour: str = STOCKING,
         flip: bool = False) -> QPainterPath:
    """Draw a leg (side or front view) at (x, y), ``s`` units per leg unit; a stocking
    covers it from ``stocking_from`` (0 = knee, 100 = sole) down. Returns its outline."""
    shape: tuple[tuple[int, int], ...] = _LEG_FRONT if front else _LEG_SIDE
    if flip:
        shape = tuple((100 - px, py) for px, py in shape)
    path = _smooth_path(_transformed(shape, x, y, s))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(SKIN))
    p.drawPath(path)
    if stocking_from is not None:
        clip = QPainterPath()
        clip.addRect(QRectF(x - 10, y + stocking_from * s, 120 * s, 200 * s))
        p.setBrush(QColor(stocking_colour))
        p.drawPath(path.intersected(clip))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.setPen(_outline(c))
    p.drawPath(path)
    return path


def _arrow(p: QPainter, colour: str, start: tuple[float, float], end: tuple[float, float],
           width: float = 3.0, head: float = 6.0) -> None:
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


def _curved_arrow(p: QPainter, colour: str, centre: tuple[float, float], radius: float,
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
    _arrow(p, colour, before, end, width, head=7)


def _tick(p: QPainter, c: Colours, x: float, y: float, s: float = 1.0) -> None:
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(c.ok))
    p.drawEllipse(QPointF(x, y), 9 * s, 9 * s)
    pen = QPen(QColor("#FFFFFF"), 2.6 * s)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPolyline(QPolygonF([QPointF(x - 4.5 * s, y), QPointF(x - 1 * s, y + 3.8 * s),
                              QPointF(x + 5 * s, y - 4 * s)]))


def _cross(p: QPainter, c: Colours, x: float, y: float, s: float = 1.0) -> None:
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(c.emergency))
    p.drawEllipse(QPointF(x, y), 9 * s, 9 * s)
    pen = QPen(QColor("#FFFFFF"), 2.6 * s)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    p.setPen(pen)
    d = 4 * s
    p.drawLine(QPointF(x - d, y - d), QPointF(x + d, y + d))
    p.drawLine(QPointF(x - d, y + d), QPointF(x + d, y - d))


def _forbid(p: QPainter, c: Colours, rect: QRectF) -> None:
    """A red 'not this way' ring with a bar across ``rect``."""
    pen = QPen(QColor(c.emergency), 4)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawEllipse(rect)
    centre = rect.center()
    r = rect.width() / 2 * 0.707
    p.drawLine(QPointF(centre.x() - r, centre.y() - r), QPointF(centre.x() + r, centre.y() + r))


def _hand(p: QPainter, c: Colours, x: float, y: float, s: float, colour: str = SKIN,
          rotate_deg: float = 0.0) -> None:
    """A simple open hand (palm and four fingers pointing up, thumb to the left)."""
    p.save()
    p.translate(x, y)
    p.rotate(rotate_deg)
    p.scale(s, s)
    p.setPen(_outline(c, 1.4 / max(s, 0.1)))
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


def _caption(p: QPainter, c: Colours, text: str, rect: QRectF, size: float = 9,
             colour: str | None = None, bold: bool = True) -> None:
    font = QFont("DejaVu Sans")
    font.setPixelSize(max(1, int(size)))
    font.setBold(bold)
    p.setFont(font)
    p.setPen(QColor(colour or c.text))
    p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)


# --- donning pictures --------------------------------------------------------------------
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
    p.setPen(_outline(c, 2))
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
    foot = _smooth_path([(20, 70), (60, 66), (78, 70), (80, 84), (70, 90), (22, 90), (14, 82)])
    p.setPen(_outline(c))
    p.setBrush(QColor(STOCKING))
    p.drawPath(foot)
    leg_part = _smooth_path([(56, 68), (60, 30), (66, 12), (84, 12), (86, 32), (80, 70)])
    p.setBrush(QColor(STOCKING_INSIDE))
    p.drawPath(leg_part)
    _arrow(p, c.accent, (92, 16), (92, 62), 3.2)
    _hand(p, c, 70, 40, 1.0, rotate_deg=180)
    _tick(p, c, 20, 20)


def _foot_in_heel_centred(p: QPainter, c: Colours) -> None:
    _leg(p, c, 10, 0, 0.95, stocking_from=62, stocking_colour=STOCKING)
    # The turned-back part of the stocking waits above the ankle.
    band = _smooth_path([(44, 56), (66, 52), (68, 66), (45, 70)])
    p.setPen(_outline(c))
    p.setBrush(QColor(STOCKING_INSIDE))
    p.drawPath(band)
    pen = QPen(QColor(c.ok), 3)
    pen.setStyle(Qt.PenStyle.DashLine)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawEllipse(QPointF(66, 91), 10, 10)
    _tick(p, c, 86, 76)


def _pull_up_small_steps(p: QPainter, c: Colours) -> None:
    _leg(p, c, 5, 0, 0.95, stocking_from=45)
    for i, y in enumerate((70, 52, 34)):
        _arrow(p, c.accent, (86, y + 12), (86, y), 3.0, 5)
        _caption(p, c, str(i + 1), QRectF(70, y, 10, 12), 8, c.accent)
    _hand(p, c, 40, 44, 0.9, rotate_deg=-90)


def _smooth_no_wrinkles(p: QPainter, c: Colours) -> None:
    _leg(p, c, 15, 0, 0.95, stocking_from=8)
    _hand(p, c, 44, 72, 0.9, rotate_deg=-80)
    pen = QPen(QColor(c.accent), 2)
    p.setPen(pen)
    for dx, dy in ((74, 60), (80, 70), (72, 80)):
        p.drawLine(QPointF(dx, dy), QPointF(dx + 8, dy - 3))
    _tick(p, c, 86, 20)


def _behind_knee(p: QPainter, c: Colours) -> None:
    # Left: fabric bunched behind the knee (wrong). Right: smooth (right).
    scale = 0.8
    for offset, good in ((-6.0, False), (44.0, True)):
        _leg(p, c, offset, 18, scale, stocking_from=6)
        knee_x, knee_y = offset + 64 * scale, 18 + 8 * scale
        if not good:
            pen = QPen(QColor(STOCKING_DARK), 2.2)
            pen.setCapStyle(Qt.PenCapStyle.RoundCap)
            p.setPen(pen)
            for i in range(4):
                y = knee_y + i * 3.2
                p.drawLine(QPointF(knee_x - 7, y), QPointF(knee_x - 1, y + 1.8))
            ring = QPen(QColor(c.emergency), 2)
            ring.setStyle(Qt.PenStyle.DashLine)
            p.setPen(ring)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawEllipse(QPointF(knee_x - 4, knee_y + 5), 9, 10)
            _cross(p, c, offset + 20, 8, 0.9)
        else:
            _tick(p, c, offset + 20, 8, 0.9)


def _never_roll_top(p: QPainter, c: Colours) -> None:
    _leg(p, c, 15, 0, 0.95, stocking_from=30)
    # The rolled top: a thick band that squeezes the calf like a tourniquet.
    p.setPen(_outline(c))
    p.setBrush(QColor(STOCKING_DARK))
    p.drawRoundedRect(QRectF(49, 25, 52, 10), 5, 5)
    p.drawRoundedRect(QRectF(50, 32, 50, 7), 3.5, 3.5)
    _forbid(p, c, QRectF(4, 4, 92, 92))


def _gloves(p: QPainter, c: Colours) -> None:
    _hand(p, c, 34, 58, 2.0, colour="#4CB5AE", rotate_deg=-10)
    _hand(p, c, 70, 62, 2.0, colour="#4CB5AE", rotate_deg=12)
    # Grip dots on the palms.
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("#2D7F79"))
    for x, y in ((28, 62), (34, 64), (40, 62), (66, 66), (72, 68), (78, 66)):
        p.drawEllipse(QPointF(x, y), 1.5, 1.5)
    _tick(p, c, 88, 14)


def _remove_slowly(p: QPainter, c: Colours) -> None:
    _leg(p, c, 5, 0, 0.95, stocking_from=55)
    # The top peeled down inside out.
    fold = _smooth_path([(38, 52), (66, 50), (72, 62), (40, 66)])
    p.setPen(_outline(c))
    p.setBrush(QColor(STOCKING_INSIDE))
    p.drawPath(fold)
    pen = QPen(QColor(c.accent), 2.6)
    pen.setStyle(Qt.PenStyle.DashLine)
    p.setPen(pen)
    p.drawLine(QPointF(86, 30), QPointF(86, 70))
    _arrow(p, c.accent, (86, 66), (86, 78), 2.6, 6)


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
    _leg(p, c, -18, 0, 0.35, stocking_from=0)
    p.restore()
    _tick(p, c, 84, 82)


def _drink_water(p: QPainter, c: Colours) -> None:
    glass = QPolygonF([QPointF(30, 14), QPointF(70, 14), QPointF(64, 90), QPointF(36, 90)])
    water = QPolygonF([QPointF(32.5, 40), QPointF(67.5, 40), QPointF(64, 90), QPointF(36, 90)])
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor("#8CC8F0"))
    p.drawPolygon(water)
    p.setPen(_outline(c, 2))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawPolygon(glass)
    p.setPen(QPen(QColor("#FFFFFF"), 2))
    p.drawLine(QPointF(40, 48), QPointF(38, 80))


def _warning_signs(p: QPainter, c: Colours) -> None:
    tri = QPolygonF([QPointF(50, 6), QPointF(94, 84), QPointF(6, 84)])
    p.setPen(_outline(c, 2))
    p.setBrush(QColor("#FFD23F"))
    p.drawPolygon(tri)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(c.text))
    p.drawRoundedRect(QRectF(46, 30, 8, 32), 4, 4)
    p.drawEllipse(QPointF(50, 72), 4.5, 4.5)


def _replace_remeasure(p: QPainter, c: Colours) -> None:
    p.setPen(_outline(c, 2))
    p.setBrush(QColor(c.surface))
    p.drawRoundedRect(QRectF(8, 14, 56, 60), 6, 6)
    p.setBrush(QColor(c.emergency))
    p.drawRect(QRectF(8, 14, 56, 14))
    _caption(p, c, "3–6", QRectF(8, 30, 56, 26), 18)
    # A tape measure: a round case and a ribbon with ticks.
    p.setPen(_outline(c, 1.6))
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
    p.setPen(_outline(c, 2))
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
    _leg(p, c, -6, 0, 0.22, stocking_from=0)
    p.restore()
    p.setPen(_outline(c, 2))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRect(QRectF(64, 40, 30, 30))
    p.drawEllipse(QPointF(79, 55), 10, 10)
    _cross(p, c, 92, 38, 0.8)


DONNING_ILLUSTRATIONS: dict[str, Painter] = {
    "morning": _morning,
    "inside_out_to_heel": _inside_out_to_heel,
    "foot_in_heel_centred": _foot_in_heel_centred,
    "pull_up_small_steps": _pull_up_small_steps,
    "smooth_no_wrinkles": _smooth_no_wrinkles,
    "behind_knee": _behind_knee,
    "never_roll_top": _never_roll_top,
    "gloves": _gloves,
    "remove_slowly": _remove_slowly,
    "night_off": _night_off,
    "drink_water": _drink_water,
    "warning_signs": _warning_signs,
    "replace_remeasure": _replace_remeasure,
    "wash_care": _wash_care,
}


# --- the mat, the stances and the guidance pictures ---------------------------------------
def _foot(p: QPainter, heel: tuple[float, float], toe: tuple[float, float], width: float,
          fill: str, outline: str) -> None:
    """A footprint from heel to toe (mat coordinates already scaled to the picture):
    narrow, rounded heel, widest at the ball of the foot, rounded toes."""
    dx, dy = toe[0] - heel[0], toe[1] - heel[1]
    length = math.hypot(dx, dy)
    half = width / 2
    # Outline in foot coordinates: u along the foot (0 heel .. length toe), v across.
    right = [(0.0, 0.0), (0.04, 0.55), (0.2, 0.72), (0.5, 0.8), (0.72, 1.0), (0.88, 0.9),
             (0.97, 0.55), (1.0, 0.0)]
    left = [(0.97, -0.45), (0.88, -0.8), (0.72, -0.92), (0.5, -0.7), (0.2, -0.68),
            (0.04, -0.55)]
    points = [(u * length, v * half) for u, v in right + left]
    p.save()
    p.translate(*heel)
    p.rotate(math.degrees(math.atan2(dy, dx)))
    p.setPen(QPen(QColor(outline), 1.2))
    p.setBrush(QColor(fill))
    p.drawPath(_smooth_path(points))
    p.restore()


def mat_picture(p: QPainter, c: Colours, highlight: str, show_arrow: bool = False) -> None:
    """The mat seen from above, the camera at the bottom; ``highlight`` one stance green.

    Mat coordinates (x right, y away from the camera, mm) map to the picture with the
    far edge at the top, so the shopper sees it as they would standing at the screen."""
    scale = 0.11  # units per mm: 800 mm -> 88 units

    def to_pic(x_mm: float, y_mm: float) -> tuple[float, float]:
        return 50 + x_mm * scale, 50 - y_mm * scale

    p.setPen(_outline(c, 1.2))
    p.setBrush(QColor(MAT))
    p.drawRect(QRectF(*to_pic(-400, 350), 800 * scale, 700 * scale))
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(c.text))
    for mx, my in ((-310, -260), (0, -260), (310, -260), (-310, 260), (0, 260), (310, 260)):
        x, y = to_pic(mx - 60, my + 60)
        p.drawRect(QRectF(x, y, 120 * scale, 120 * scale))
    stances = {
        "front": (((110, 100), (110, -160)), ((-110, 100), (-110, -160))),
        "side": (((-270, -90), (-10, -90)), ((30, 90), (290, 90))),
    }
    # The highlighted stance last, so it is drawn on top of the other.
    for name, feet in sorted(stances.items(), key=lambda item: item[0] == highlight):
        active = name == highlight
        fill = c.footprint if active else "#C9D1D9"
        outline = c.ok if active else "#8E99A4"
        for heel, toe in feet:
            _foot(p, to_pic(*heel), to_pic(*toe), 100 * scale, fill, outline)
    if show_arrow:
        _curved_arrow(p, c.accent, (50, 50), 30, 250, 110, 3.0)
    # The screen and camera, at the bottom edge.
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(c.text))
    p.drawRoundedRect(QRectF(36, 94, 28, 5), 2, 2)


def _figure(p: QPainter, c: Colours, x: float, y: float, s: float, colour: str | None = None,
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


def _g_step_on_footprints(p: QPainter, c: Colours) -> None:
    mat_picture(p, c, "front")


def _g_turn(p: QPainter, c: Colours) -> None:
    mat_picture(p, c, "side", show_arrow=True)


def _g_no_person(p: QPainter, c: Colours) -> None:
    mat_picture(p, c, "front")
    _arrow(p, c.accent, (50, 4), (50, 26), 3.2, 7)


def _g_two_people(p: QPainter, c: Colours) -> None:
    _figure(p, c, 36, 6, 0.95)
    _figure(p, c, 68, 6, 0.95, colour="#8E99A4")
    _cross(p, c, 80, 14, 1.1)


def _g_legs_out_of_frame(p: QPainter, c: Colours) -> None:
    _figure(p, c, 50, 6, 0.95)
    pen = QPen(QColor(c.accent), 2.4)
    pen.setStyle(Qt.PenStyle.DashLine)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRect(QRectF(22, 2, 56, 96))


def _g_ankle_hidden(p: QPainter, c: Colours) -> None:
    _leg(p, c, 10, 0, 0.95, front=True)
    pen = QPen(QColor(c.emergency), 3)
    pen.setStyle(Qt.PenStyle.DashLine)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawEllipse(QPointF(57.5, 84), 20, 14)


def _g_uncover_calves(p: QPainter, c: Colours) -> None:
    _leg(p, c, 10, 8, 0.9, front=True)
    p.setPen(_outline(c))
    p.setBrush(QColor("#7A8797"))
    p.drawRoundedRect(QRectF(30, 0, 56, 14), 4, 4)
    _arrow(p, c.accent, (90, 60), (90, 18), 3.2, 7)


def _g_too_dark(p: QPainter, c: Colours) -> None:
    p.setPen(_outline(c, 2))
    p.setBrush(QColor("#FFE27A"))
    p.drawEllipse(QPointF(50, 38), 24, 24)
    p.setBrush(QColor("#9AA5B1"))
    p.drawRoundedRect(QRectF(40, 60, 20, 18), 3, 3)
    p.drawLine(QPointF(40, 66), QPointF(60, 66))
    p.drawLine(QPointF(40, 72), QPointF(60, 72))


def _g_hold_still(p: QPainter, c: Colours) -> None:
    _figure(p, c, 42, 6, 0.95)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(c.accent))
    p.drawRoundedRect(QRectF(70, 30, 7, 28), 3, 3)
    p.drawRoundedRect(QRectF(82, 30, 7, 28), 3, 3)


def _g_face_camera(p: QPainter, c: Colours) -> None:
    _figure(p, c, 50, 6, 0.95)


def _g_ok(p: QPainter, c: Colours) -> None:
    _tick(p, c, 50, 50, 4.0)


GUIDANCE_ILLUSTRATIONS: dict[str, Painter] = {
    "no_person": _g_no_person,
    "two_people": _g_two_people,
    "step_on_footprints": _g_step_on_footprints,
    "legs_out_of_frame": _g_legs_out_of_frame,
    "left_ankle_hidden": _g_ankle_hidden,
    "right_ankle_hidden": _g_ankle_hidden,
    "uncover_calves": _g_uncover_calves,
    "too_dark": _g_too_dark,
    "hold_still": _g_hold_still,
    "turn_to_side": _g_turn,
    "face_camera": _g_face_camera,
    "ok": _g_ok,
    "done": _g_ok,
}


# --- purposes and the attract screen ------------------------------------------------------
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
    _figure(p, c, 38, 6, 0.95)
    p.setPen(_outline(c, 2))
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
    _leg(p, c, 8, 2, 0.94, stocking_from=8)
    pen = QPen(QColor("#F6C343"), 3.2)
    p.setBrush(Qt.BrushStyle.NoBrush)
    for y, x0, x1 in ((30.2, 44.5, 72.0), (75.5, 47.0, 62.5)):
        p.setPen(pen)
        p.drawEllipse(QRectF(x0, y - 3, x1 - x0, 6))
    _tick(p, c, 86, 16, 1.1)


OTHER_ILLUSTRATIONS: dict[str, Painter] = {
    "purpose.travel": _p_travel,
    "purpose.everyday": _p_everyday,
    "purpose.sport": _p_sport,
    "purpose.medical": _p_medical,
    "attract": _attract,
    "turn": _g_turn,
}

ALL_ILLUSTRATIONS: dict[str, Painter] = {
    **DONNING_ILLUSTRATIONS,
    **{f"guidance.{k}": v for k, v in GUIDANCE_ILLUSTRATIONS.items()},
    **OTHER_ILLUSTRATIONS,
}


def draw_illustration(painter: QPainter, rect: QRectF, key: str, colours: Colours) -> None:
    """Draw picture ``key`` into ``rect``, keeping its square shape, centred.

    Raises KeyError for an unknown key: a missing picture is a bug, not a blank.
    """
    draw = ALL_ILLUSTRATIONS[key]
    side = min(rect.width(), rect.height())
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.translate(rect.center().x() - side / 2, rect.center().y() - side / 2)
    painter.scale(side / 100.0, side / 100.0)
    draw(painter, colours)
    painter.restore()


class IllustrationView(QWidget):
    """A widget that shows one picture, square, as large as its space allows."""

    def __init__(self, key: str | None = None, min_side_px: int = 120,
                 parent: QWidget | None = None, backdrop: str | None = None) -> None:
        super().__init__(parent)
        self._key = key
        # A disc behind the picture keeps it visible on a coloured (selected) button.
        self._backdrop = backdrop
        self.setMinimumSize(min_side_px, min_side_px)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    @property
    def key(self) -> str | None:
        return self._key

    def set_key(self, key: str | None) -> None:
        if key is not None and key not in ALL_ILLUSTRATIONS:
            raise KeyError(f"no illustration {key!r}")
        self._key = key
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        if self._key is None:
            return
        from ui.theme import theme_or_default

        painter = QPainter(self)
        rect = QRectF(self.rect())
        if self._backdrop is not None:
            side = min(rect.width(), rect.height())
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(self._backdrop))
            painter.drawEllipse(rect.center(), side / 2, side / 2)
            rect = rect.adjusted(side * 0.14, side * 0.14, -side * 0.14, -side * 0.14)
        draw_illustration(painter, rect, self._key, theme_or_default().colours)
        painter.end()
