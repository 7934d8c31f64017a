"""The live camera view: the latest frame, the footprints to step on, the vision overlay.

The kiosk pushes the latest frame (it pulls it from the camera worker on a timer); this
widget only keeps the newest one and paints it when Qt repaints, so a slow repaint drops
frames instead of queueing them. Everything is drawn in the frame's own pixel
coordinates, scaled with the image, so overlays stay on the leg at any window size.

The footprints come from the calibration: the printed outlines of mat v1 projected into
the image, so the shopper sees where to stand on the picture of themselves.

On the shopper's screen the view shows the lower legs only (``legs_only``): a public
screen never shows the whole body. The part shown is fixed by the footprints (the mat
does not move, so neither does the picture) and reaches from a little above the knees to
a little below the feet (``leg_crop_px``); until the footprints are known the view shows
no picture at all.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from calibration.camera import CameraCalibration
from calibration.mat import MatSpec
from fitting.stance import Stance
from ui.theme import Colours, theme_or_default
from vision.overlay import FrameOverlay, LegOverlay
from vision.types import BodyLandmarks, LegLandmarks

if TYPE_CHECKING:  # the wizard module pulls in OpenCV; the view only reads its status
    from calibration.wizard import WizardStatus

FOOT_OUTLINE_POINTS = 28
# The printed footprint's length over its width (mat v1: 260 x 100 mm; a test holds it to
# the mat's spec). A footprint seen end-on is foreshortened, one seen side-on is not: the
# larger of its image length and its image width times this is its unforeshortened length.
FOOTPRINT_LENGTH_PER_WIDTH = 2.6
# The legs-only crop, in unforeshortened footprint lengths (``footprint_length_px``) from
# the footprints' bounding box. On the 24 synthetic development scenes (people 1.50-1.92 m,
# the kiosk's camera set-ups) the knee stood at most 2.05 lengths above the prints' top
# edge and the top of the head at least 5.6: 2.4 shows a 1.92 m person's knee with ~90 mm
# of thigh above it (by the same proportions a 2 m person's knee, with ~70 mm). Toes and
# heels stood at most 0.08 lengths beyond the prints.
LEG_CROP_ABOVE = 2.4
LEG_CROP_BELOW = 0.35
LEG_CROP_SIDES = 0.4

# What the camera view can draw over a frame: both legs' outlines, one leg's, or the
# pose model's landmarks before any outline exists.
Overlay = FrameOverlay | LegOverlay | BodyLandmarks | LegLandmarks


def bgr_to_qimage(frame_bgr: np.ndarray, copy: bool = True) -> QImage:
    """A QImage of an H x W x 3 uint8 BGR frame, read as BGR by Qt (no channel swap).

    With ``copy=False`` the image shares the array's memory: the caller must keep the
    array alive and unchanged while the image is used (the live view does, and saves a
    6 MB copy per 1080 x 1920 frame). With ``copy=True`` the array may be freed after.
    """
    if frame_bgr.ndim != 3 or frame_bgr.shape[2] != 3 or frame_bgr.dtype != np.uint8:
        raise ValueError(f"expected an H x W x 3 uint8 frame, got {frame_bgr.shape} "
                         f"{frame_bgr.dtype}")
    if not frame_bgr.flags.c_contiguous:
        frame_bgr = np.ascontiguousarray(frame_bgr)
        copy = True  # the contiguous array is ours alone and temporary
    h, w = frame_bgr.shape[:2]
    image = QImage(frame_bgr.data, w, h, frame_bgr.strides[0], QImage.Format.Format_BGR888)
    return image.copy() if copy else image


def footprint_outline_mm(heel_xy_mm: Sequence[float], toe_xy_mm: Sequence[float],
                         width_mm: float, n: int = FOOT_OUTLINE_POINTS) -> np.ndarray:
    """A foot-shaped outline (n x 3, on the floor) from heel centre to toe tip.

    Narrow at the heel, widest at the ball of the foot; close enough to the printed
    outline for the shopper to match the two.
    """
    heel = np.asarray(heel_xy_mm, float)
    toe = np.asarray(toe_xy_mm, float)
    axis = toe - heel
    length = float(np.linalg.norm(axis))
    along = axis / length
    across = np.array([-along[1], along[0]])
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    u = (1 - np.cos(t)) / 2  # 0 at the heel, 1 at the toe
    # Width profile: 70 % at the heel, full at the ball (70 % along), rounded at the toe.
    half = width_mm / 2 * (0.7 + 0.3 * np.sin(np.clip(u / 0.7, 0, 1) * np.pi / 2))
    half = half * np.sqrt(np.clip(1 - ((u - 0.5) / 0.5) ** 8, 0, 1))
    side = np.sign(np.sin(t))
    xy = heel + np.outer(u * length, along) + np.outer(side * half, across)
    return np.column_stack([xy, np.zeros(n)])


def footprint_outlines_px(calibration: CameraCalibration, mat: MatSpec,
                          stance: Stance) -> list[np.ndarray]:
    """The stance's two printed footprints projected into the image (each n x 2 px)."""
    width_mm = float(mat.footprint_size_mm[1])
    outlines = []
    pair = mat.stance(stance)
    for foot in (pair.left, pair.right):
        outline = footprint_outline_mm(foot.heel_xy_mm, foot.toe_xy_mm, width_mm)
        outlines.append(np.asarray(calibration.project_mm(outline), float).reshape(-1, 2))
    return outlines


def footprint_length_px(outlines_px: Sequence[np.ndarray],
                        length_per_width: float = FOOTPRINT_LENGTH_PER_WIDTH) -> float:
    """One printed footprint's length in image pixels, as if seen side-on (mean of the
    outlines), from outlines made as ``footprint_outlines_px`` makes them: the heel first,
    the toe half-way round, each point's mirror across the foot at ``n - i``."""
    lengths = []
    for outline in outlines_px:
        points = np.asarray(outline, float).reshape(-1, 2)
        n = len(points)
        if n < 4 or not np.isfinite(points).all():
            continue
        heel_to_toe = float(np.linalg.norm(points[n // 2] - points[0]))
        across = np.linalg.norm(points[1:(n + 1) // 2] - points[n - 1:n // 2:-1], axis=1)
        lengths.append(max(heel_to_toe, float(across.max()) * length_per_width))
    return float(np.mean(lengths)) if lengths else 0.0


def leg_crop_px(outlines_px: Sequence[np.ndarray], image_wh: tuple[int, int],
                view_wh: tuple[float, float] | None = None
                ) -> tuple[float, float, float, float] | None:
    """The part of the frame the shopper's live view shows: ``(x, y, width, height)`` in
    image pixels, or None when the footprints give none (not known, or out of the frame).

    From ``LEG_CROP_ABOVE`` footprint lengths above the footprints' top edge (a little
    above a tall person's knees, far below any head) to ``LEG_CROP_BELOW`` below their
    bottom edge, ``LEG_CROP_SIDES`` beyond either side. With ``view_wh`` the crop takes the
    view's aspect where the frame allows, by growing sideways or downwards, never upwards;
    it always lies within the frame. It depends on the footprints, the frame size and the
    view size only, so it stays put from frame to frame.
    """
    points = [np.asarray(o, float).reshape(-1, 2) for o in outlines_px]
    points = [p[np.isfinite(p).all(axis=1)] for p in points]
    points = [p for p in points if len(p)]
    length = footprint_length_px(outlines_px)
    if not points or length <= 0:
        return None
    xy = np.vstack(points)
    width, height = float(image_wh[0]), float(image_wh[1])
    x0 = max(0.0, float(xy[:, 0].min()) - LEG_CROP_SIDES * length)
    x1 = min(width, float(xy[:, 0].max()) + LEG_CROP_SIDES * length)
    y0 = max(0.0, float(xy[:, 1].min()) - LEG_CROP_ABOVE * length)
    y1 = min(height, float(xy[:, 1].max()) + LEG_CROP_BELOW * length)
    if x1 - x0 < 1 or y1 - y0 < 1:
        return None
    if view_wh is not None and view_wh[0] > 0 and view_wh[1] > 0:
        aspect = view_wh[0] / view_wh[1]
        if (x1 - x0) / (y1 - y0) < aspect:  # too narrow: wider, about its centre
            w = min(width, (y1 - y0) * aspect)
            x0 = min(max(0.0, (x0 + x1 - w) / 2), width - w)
            x1 = x0 + w
        else:  # too wide: taller, downwards only (the top keeps the body out)
            y1 = min(height, y0 + (x1 - x0) / aspect)
    return x0, y0, x1 - x0, y1 - y0


class CameraView(QWidget):
    """Shows the newest frame with footprints and the measurement overlay on top.

    ``legs_only``: show only the part of the frame the footprints fix (``leg_crop_px``),
    and no picture before they are known (``waiting_text`` instead).
    """

    def __init__(self, parent: QWidget | None = None, *, legs_only: bool = False) -> None:
        super().__init__(parent)
        self.legs_only = legs_only
        self._waiting_text = ""
        self._crop_key: tuple[int, int, int, int] | None = None
        self._crop: tuple[float, float, float, float] | None = None
        self._image: QImage | None = None
        self._frame_bgr: np.ndarray | None = None
        self._size_wh: tuple[int, int] | None = None
        self._overlay: Overlay | None = None
        self._wizard: WizardStatus | None = None
        self._footprints_px: list[np.ndarray] = []
        self._message = ""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(200, 300)

    def sizeHint(self) -> QSize:
        return QSize(540, 960)

    # --- what the kiosk sets ------------------------------------------------------------
    def set_frame(self, frame_bgr: np.ndarray | None, overlay: Overlay | None = None) -> None:
        """Show ``frame_bgr`` (None clears it) with ``overlay`` drawn over it (see
        ``paint_overlay`` for what it may be)."""
        if frame_bgr is None:
            self._image = None
            self._frame_bgr = None
            self._size_wh = None
        else:
            # The image shares the frame's memory; holding the frame keeps it valid.
            # Frames are never written to after capture, so nothing changes under it.
            self._frame_bgr = frame_bgr
            self._image = bgr_to_qimage(frame_bgr, copy=False)
            self._size_wh = (frame_bgr.shape[1], frame_bgr.shape[0])
        self._overlay = overlay
        self.update()

    def set_footprints(self, outlines_px: Sequence[np.ndarray]) -> None:
        self._footprints_px = [np.asarray(o, float).reshape(-1, 2) for o in outlines_px]
        self._crop_key = None
        self.update()

    def set_waiting_text(self, text: str) -> None:
        """What a ``legs_only`` view says while it may show no picture (no footprints)."""
        if text != self._waiting_text:
            self._waiting_text = text
            self.update()

    def set_wizard(self, status: WizardStatus | None) -> None:
        """The calibration wizard's state: covered image regions are shaded and the board
        corners it found are marked, so staff see where the board must still go."""
        self._wizard = status
        self.update()

    def set_message(self, text: str) -> None:
        """A message shown instead of the picture (camera starting, camera lost)."""
        self._message = text
        self.update()

    @property
    def message(self) -> str:
        return self._message

    @property
    def has_frame(self) -> bool:
        return self._image is not None

    def shown_region(self) -> QRectF | None:
        """The part of the frame on the screen, in image pixels: all of it, the legs'
        crop (``legs_only``), or None when no picture is shown."""
        if self._size_wh is None:
            return None
        if not self.legs_only:
            return QRectF(0, 0, *self._size_wh)
        key = (*self._size_wh, self.width(), self.height())
        if key != self._crop_key:  # footprints, frame size and view size fix it
            self._crop_key = key
            self._crop = leg_crop_px(self._footprints_px, self._size_wh,
                                     (self.width(), self.height()))
        return None if self._crop is None else QRectF(*self._crop)

    # --- painting -----------------------------------------------------------------------
    def image_rect(self) -> QRectF:
        """Where the shown region is drawn: as large as fits, aspect kept, centred."""
        region = self.shown_region()
        if region is None:
            return QRectF(self.rect())
        w, h = region.width(), region.height()
        scale = min(self.width() / w, self.height() / h)
        return QRectF((self.width() - w * scale) / 2, (self.height() - h * scale) / 2,
                      w * scale, h * scale)

    def paintEvent(self, event: QPaintEvent) -> None:
        theme = theme_or_default()
        c = theme.colours
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#10181F"))
        region = None if self._message else self.shown_region()
        if self._image is None or region is None:
            font = QFont("DejaVu Sans")
            font.setPixelSize(theme.body_px)
            painter.setFont(font)
            painter.setPen(QColor("#FFFFFF"))
            painter.drawText(QRectF(self.rect()).adjusted(20, 20, -20, -20),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             self._message or self._waiting_text)
            painter.end()
            return
        try:
            self._paint_frame(painter, self._image, region, c)
        finally:
            painter.end()

    def _paint_frame(self, painter: QPainter, image: QImage, region: QRectF,
                     c: Colours) -> None:
        """The shown region of the frame, the footprints, the wizard's coverage and the
        overlay, scaled; nothing is drawn outside the region."""
        target = self.image_rect()
        scale = target.width() / region.width()
        # The legs' crop is shown enlarged: filtered, a camera pixel is no visible square
        # (~1.5 ms a frame at the design size; a frame shown smaller needs none).
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, scale > 1.0)
        painter.drawImage(target, image, region)
        painter.setClipRect(target)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        size_wh = (image.width(), image.height())
        painter.translate(target.topLeft())
        painter.scale(scale, scale)
        painter.translate(-region.topLeft())
        line_px = 2.5 / scale  # lines stay ~2.5 screen px thick at any zoom
        fill = QColor(c.footprint)
        fill.setAlpha(90)
        for outline in self._footprints_px:
            painter.setPen(QPen(QColor(c.footprint), line_px * 1.5))
            painter.setBrush(fill)
            painter.drawPolygon(QPolygonF([QPointF(x, y) for x, y in outline]))
        if self._wizard is not None:
            paint_wizard(painter, self._wizard, size_wh, line_px, c)
        # The shopper's view draws the measured heights without their codes (cB, cC).
        paint_overlay(painter, self._overlay, line_px, c, labels=not self.legs_only)


def paint_wizard(painter: QPainter, status: WizardStatus, size_wh: tuple[int, int],
                 line_px: float, colours) -> None:
    """Shade the image regions the intrinsics wizard has covered; mark the board corners."""
    rows, cols = status.grid_rows_cols
    width, height = size_wh
    fill = QColor(colours.footprint)
    fill.setAlpha(70)
    painter.setPen(QPen(QColor(colours.footprint), line_px))
    for row, col in status.covered_cells:
        painter.setBrush(fill)
        painter.drawRect(QRectF(col * width / cols, row * height / rows, width / cols,
                                height / rows))
    for x, y in status.board_corners_px:
        _dot(painter, x, y, line_px * 2.0, colours.overlay_landmark)


def paint_overlay(painter: QPainter, overlay: Overlay | None, line_px: float,
                  colours: Colours, *, labels: bool = True) -> None:
    """Draw what the vision pipeline found, in frame pixel coordinates.

    ``overlay``: a ``FrameOverlay`` (both legs), one ``LegOverlay``, pose landmarks
    (``BodyLandmarks``) before any profile exists, or None. Refined edges in cyan, the
    leg axis dashed, the measured heights (cB, cC, cD) as magenta segments, labelled with
    their codes when ``labels`` (staff), landmarks as yellow dots.
    """
    if overlay is None:
        return
    if isinstance(overlay, BodyLandmarks):
        for landmarks in (overlay.left, overlay.right):
            _paint_landmarks(painter, landmarks, line_px, colours)
        return
    if isinstance(overlay, LegLandmarks):
        _paint_landmarks(painter, overlay, line_px, colours)
        return
    if isinstance(overlay, FrameOverlay):
        legs = overlay.legs
    elif isinstance(overlay, LegOverlay):
        legs = (overlay,)
    else:  # a caller outside the type checker's sight: a wiring bug, said plainly
        raise TypeError(f"cannot draw an overlay of type {type(overlay).__name__}")
    for leg in legs:
        _paint_leg_overlay(painter, leg, line_px, colours, labels)


def _paint_leg_overlay(painter: QPainter, leg: LegOverlay, line_px: float, colours: Colours,
                       labels: bool) -> None:
    for edge in (leg.left_edge_px, leg.right_edge_px):
        points = np.asarray(edge, float).reshape(-1, 2)
        points = points[np.isfinite(points).all(axis=1)]
        if len(points) >= 2:
            painter.setPen(QPen(QColor(colours.overlay_edge), line_px))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPolyline(QPolygonF([QPointF(x, y) for x, y in points]))
    axis = np.asarray(leg.axis_px, float).reshape(-1, 2)
    if len(axis) == 2 and np.isfinite(axis).all():
        pen = QPen(QColor(colours.overlay_edge), line_px * 0.8)
        pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.drawLine(QPointF(*axis[0]), QPointF(*axis[1]))
    font = QFont("DejaVu Sans")
    font.setPixelSize(max(1, round(line_px * 7)))
    font.setBold(True)
    painter.setFont(font)
    for name, segment in leg.height_lines_px.items():
        seg = np.asarray(segment, float).reshape(2, 2)
        if not np.isfinite(seg).all():
            continue
        _segment(painter, seg, line_px, colours.overlay_height)
        if not labels:
            continue
        right = seg[np.argmax(seg[:, 0])]
        painter.setPen(QColor(colours.overlay_height))
        painter.drawText(QPointF(right[0] + line_px * 3, right[1] + line_px * 2.5), name)
    for x, y in leg.landmarks_px.values():
        _dot(painter, x, y, line_px * 2.2, colours.overlay_landmark)


def _dot(painter: QPainter, x: float, y: float, radius: float, colour: str) -> None:
    if not (np.isfinite(x) and np.isfinite(y)):
        return
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(colour))
    painter.drawEllipse(QPointF(float(x), float(y)), radius, radius)


def _segment(painter: QPainter, seg: np.ndarray, line_px: float, colour: str) -> None:
    if not np.isfinite(seg).all():
        return
    pen = QPen(QColor(colour), line_px * 1.4)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    painter.setPen(pen)
    painter.drawLine(QPointF(*seg[0]), QPointF(*seg[1]))


def _paint_landmarks(painter: QPainter, leg: LegLandmarks, line_px: float, colours) -> None:
    chain = [leg.hip, leg.knee, leg.ankle, leg.heel, leg.toe]
    pen = QPen(QColor(colours.overlay_landmark), line_px)
    painter.setPen(pen)
    for a, b in itertools.pairwise(chain):
        if a.in_image and b.in_image:
            painter.drawLine(QPointF(a.x_px, a.y_px), QPointF(b.x_px, b.y_px))
    for kp in chain:
        if kp.in_image:
            _dot(painter, kp.x_px, kp.y_px, line_px * 2.5, colours.overlay_landmark)
