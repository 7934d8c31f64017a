"""The mat, the stances and the measuring guidance as pictures."""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from ui.drawings.kit import (
    MAT,
    Painter,
    arrow,
    cross,
    curved_arrow,
    figure,
    leg,
    outline,
    smooth_path,
    tick,
)
from ui.theme import Colours


def _foot(p: QPainter, heel: tuple[float, float], toe: tuple[float, float], width: float,
          fill: str, edge: str) -> None:
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
    p.setPen(QPen(QColor(edge), 1.2))
    p.setBrush(QColor(fill))
    p.drawPath(smooth_path(points))
    p.restore()


def mat_picture(p: QPainter, c: Colours, highlight: str, show_arrow: bool = False) -> None:
    """The mat seen from above, the camera at the bottom; ``highlight`` one stance green.

    Mat coordinates (x right, y away from the camera, mm) map to the picture with the
    far edge at the top, so the shopper sees it as they would standing at the screen."""
    scale = 0.11  # units per mm: 800 mm -> 88 units

    def to_pic(x_mm: float, y_mm: float) -> tuple[float, float]:
        return 50 + x_mm * scale, 50 - y_mm * scale

    p.setPen(outline(c, 1.2))
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
        edge = c.ok if active else "#8E99A4"
        for heel, toe in feet:
            _foot(p, to_pic(*heel), to_pic(*toe), 100 * scale, fill, edge)
    if show_arrow:
        curved_arrow(p, c.accent, (50, 50), 30, 250, 110, 3.0)
    # The screen and camera, at the bottom edge.
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(c.text))
    p.drawRoundedRect(QRectF(36, 94, 28, 5), 2, 2)


def _g_step_on_footprints(p: QPainter, c: Colours) -> None:
    mat_picture(p, c, "front")


def _g_turn(p: QPainter, c: Colours) -> None:
    mat_picture(p, c, "side", show_arrow=True)


def _g_no_person(p: QPainter, c: Colours) -> None:
    mat_picture(p, c, "front")
    arrow(p, c.accent, (50, 4), (50, 26), 3.2, 7)


def _g_two_people(p: QPainter, c: Colours) -> None:
    figure(p, c, 36, 6, 0.95)
    figure(p, c, 68, 6, 0.95, colour="#8E99A4")
    cross(p, c, 80, 14, 1.1)


def _g_legs_out_of_frame(p: QPainter, c: Colours) -> None:
    figure(p, c, 50, 6, 0.95)
    pen = QPen(QColor(c.accent), 2.4)
    pen.setStyle(Qt.PenStyle.DashLine)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRect(QRectF(22, 2, 56, 96))


def _g_ankle_hidden(p: QPainter, c: Colours) -> None:
    leg(p, c, 10, 0, 0.95, front=True)
    pen = QPen(QColor(c.emergency), 3)
    pen.setStyle(Qt.PenStyle.DashLine)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawEllipse(QPointF(57.5, 84), 20, 14)


def _g_uncover_calves(p: QPainter, c: Colours) -> None:
    leg(p, c, 10, 8, 0.9, front=True)
    p.setPen(outline(c))
    p.setBrush(QColor("#7A8797"))
    p.drawRoundedRect(QRectF(30, 0, 56, 14), 4, 4)
    arrow(p, c.accent, (90, 60), (90, 18), 3.2, 7)


def _g_too_dark(p: QPainter, c: Colours) -> None:
    p.setPen(outline(c, 2))
    p.setBrush(QColor("#FFE27A"))
    p.drawEllipse(QPointF(50, 38), 24, 24)
    p.setBrush(QColor("#9AA5B1"))
    p.drawRoundedRect(QRectF(40, 60, 20, 18), 3, 3)
    p.drawLine(QPointF(40, 66), QPointF(60, 66))
    p.drawLine(QPointF(40, 72), QPointF(60, 72))


def _g_hold_still(p: QPainter, c: Colours) -> None:
    figure(p, c, 42, 6, 0.95)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(c.accent))
    p.drawRoundedRect(QRectF(70, 30, 7, 28), 3, 3)
    p.drawRoundedRect(QRectF(82, 30, 7, 28), 3, 3)


def _g_face_camera(p: QPainter, c: Colours) -> None:
    figure(p, c, 50, 6, 0.95)


def _g_ok(p: QPainter, c: Colours) -> None:
    tick(p, c, 50, 50, 4.0)



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
"""One picture per measuring guidance key (some keys share one on purpose)."""
