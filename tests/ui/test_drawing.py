"""Pictures, the camera view, footprints and overlays, checked pixel by pixel."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter

from calibration.calibration_file import load_calibration
from calibration.camera import CameraCalibration, FloorPose
from calibration.mat import load_mat_spec
from fitting.donning import DONNING_STEPS, ILLUSTRATION_KEYS
from fitting.stance import Stance
from ui.camera_view import (
    CameraView,
    bgr_to_qimage,
    footprint_outline_mm,
    footprint_outlines_px,
    paint_overlay,
)
from ui.illustrations import ALL_ILLUSTRATIONS, GUIDANCE_ILLUSTRATIONS, draw_illustration
from ui.theme import Colours
from vision.overlay import FrameOverlay, LegOverlay
from vision.stance import GUIDANCE_TEXT_EN

BACKGROUND = "#F4F7FA"


def render(key: str, side: int = 120) -> np.ndarray:
    image = QImage(side, side, QImage.Format.Format_RGB32)
    image.fill(QColor(BACKGROUND))
    painter = QPainter(image)
    try:
        draw_illustration(painter, QRectF(0, 0, side, side), key, Colours())
    finally:
        # Always end the painter: one left active on a freed image crashes Qt later.
        painter.end()
    return np.frombuffer(image.constBits(), np.uint8).reshape(side, side, 4)[:, :, :3].copy()


def test_every_donning_illustration_key_has_a_picture():
    assert set(ILLUSTRATION_KEYS) <= set(ALL_ILLUSTRATIONS)
    assert {s.illustration for s in DONNING_STEPS} <= set(ALL_ILLUSTRATIONS)


def test_every_guidance_key_has_a_picture():
    assert set(GUIDANCE_TEXT_EN) <= set(GUIDANCE_ILLUSTRATIONS)


@pytest.mark.parametrize("key", sorted(ALL_ILLUSTRATIONS))
def test_every_picture_draws_something(qapp, key):
    pixels = render(key)
    background = np.array(QColor(BACKGROUND).getRgb()[:3][::-1], np.uint8)  # BGRA order
    covered = np.mean(np.any(pixels != background, axis=2))
    assert 0.03 < covered < 0.98, f"{key} covers {covered:.0%} of its box"


# Pictures that are meant to be the same (one picture for two messages).
SHARED = {frozenset({"guidance.left_ankle_hidden", "guidance.right_ankle_hidden"}),
          frozenset({"guidance.ok", "guidance.done"}),
          frozenset({"guidance.turn_to_side", "turn"})}


def test_no_two_donning_pictures_are_the_same(qapp):
    drawn = {k: render(k, 64).tobytes() for k in ILLUSTRATION_KEYS}
    assert len(set(drawn.values())) == len(drawn)


def test_pictures_shared_on_purpose_are_the_only_duplicates(qapp):
    drawn: dict[bytes, set[str]] = {}
    for key in ALL_ILLUSTRATIONS:
        drawn.setdefault(render(key, 64).tobytes(), set()).add(key)
    duplicates = {frozenset(keys) for keys in drawn.values() if len(keys) > 1}
    assert duplicates == SHARED


def test_an_unknown_picture_is_an_error(qapp):
    with pytest.raises(KeyError):
        render("stock_photo")


@pytest.mark.parametrize(("bgr", "rgb"), [
    ((255, 0, 0), (0, 0, 255)),       # blue stays blue
    ((0, 0, 255), (255, 0, 0)),       # red stays red
    ((10, 200, 30), (30, 200, 10)),   # channels swapped, not mixed
])
def test_bgr_frames_become_true_colour_images(bgr, rgb):
    frame = np.zeros((3, 5, 3), np.uint8)
    frame[1, 2] = bgr
    image = bgr_to_qimage(frame)
    assert (image.width(), image.height()) == (5, 3)
    assert QColor(image.pixel(2, 1)).getRgb()[:3] == rgb


@pytest.mark.parametrize(("copy", "follows_the_array"), [
    (True, False),   # a copy: the array may change or go away afterwards
    (False, True),   # shared memory: the live view holds the frame instead of copying
])
def test_frame_images_copy_or_share_as_asked(copy, follows_the_array):
    frame = np.zeros((2, 2, 3), np.uint8)
    image = bgr_to_qimage(frame, copy=copy)
    frame[0, 0] = (0, 0, 255)
    assert (QColor(image.pixel(0, 0)).getRgb()[:3] == (255, 0, 0)) is follows_the_array


def test_a_strided_frame_is_copied_before_qt_sees_it():
    frame = np.zeros((4, 6, 3), np.uint8)
    frame[:, ::2] = (0, 255, 0)
    view = frame[:, ::2]  # not contiguous
    image = bgr_to_qimage(view, copy=False)
    assert (image.width(), QColor(image.pixel(1, 1)).getRgb()[:3]) == (3, (0, 255, 0))


def test_a_frame_of_the_wrong_shape_is_refused():
    with pytest.raises(ValueError, match="H x W x 3 uint8"):
        bgr_to_qimage(np.zeros((4, 4), np.uint8))


def test_footprint_outline_runs_heel_to_toe_at_the_printed_width():
    outline = footprint_outline_mm((110, 100), (110, -160), 100.0)
    assert outline.shape[1] == 3 and np.all(outline[:, 2] == 0)
    ys = outline[:, 1]
    assert ys.max() == pytest.approx(100.0) and ys.min() == pytest.approx(-160.0, abs=0.5)
    assert np.ptp(outline[:, 0]) == pytest.approx(100.0, abs=1.0)  # widest at the ball
    heel_width = np.ptp(outline[ys > 80, 0])
    assert heel_width < 80.0  # the heel is narrower than the ball


@pytest.fixture(scope="module")
def scene_calibration(shared_data) -> tuple[CameraCalibration, dict]:
    """A synthetic scene's camera with its true pose (from the scene's truth)."""
    scene = shared_data / "synthetic-dev" / "scene_1000"
    truth = json.loads((scene / "truth.json").read_text("utf-8"))
    cal = load_calibration(scene / "calibration.json")
    pose = FloorPose(np.array(truth["camera"]["R_world_to_camera"], float),
                     np.array(truth["camera"]["t_world_to_camera_mm"], float))
    return cal.with_floor_pose(pose), truth


@pytest.mark.parametrize("stance", [Stance.FRONT, Stance.SIDE])
def test_footprints_land_where_the_shopper_stands(scene_calibration, stance):
    calibration, truth = scene_calibration
    outlines = footprint_outlines_px(calibration, load_mat_spec(), stance)
    w, h = calibration.intrinsics.image_size_wh
    for leg, outline in zip(("left", "right"), outlines, strict=True):
        assert np.all((outline >= 0) & (outline < [w, h]))
        # The person's heel, from the scene truth, lies on (or very near) its footprint.
        heel = np.array(truth["landmarks_px"][stance][leg]["heel_centre_px"])
        centre = outline.mean(axis=0)
        size = np.ptp(outline, axis=0).max()
        assert np.linalg.norm(heel - centre) < size, (leg, heel, centre)
    if stance == "front":
        # Facing the camera, the person's left foot is on the image's right.
        assert outlines[0][:, 0].mean() > outlines[1][:, 0].mean()


def _overlay() -> FrameOverlay:
    ys = np.arange(100.0, 200.0, 2.0)
    leg = LegOverlay(
        leg="left", landmarks_px={"knee": (50.0, 100.0), "ankle": (50.0, 200.0)},
        left_edge_px=np.column_stack([np.full_like(ys, 30.0), ys]),
        right_edge_px=np.column_stack([np.full_like(ys, 70.0), ys]),
        axis_px=np.array([[50.0, 200.0], [50.0, 100.0]]),
        height_lines_px={"cB": np.array([[30.0, 180.0], [70.0, 180.0]])})
    return FrameOverlay(legs=(leg,))


def _painted(overlay) -> QImage:
    image = QImage(100, 240, QImage.Format.Format_RGB32)
    image.fill(QColor("#000000"))
    painter = QPainter(image)
    try:
        paint_overlay(painter, overlay, 1.5, Colours())
    finally:
        painter.end()  # a painter left active on a collected image crashes the process
    return image


@pytest.mark.parametrize(("x", "y", "colour"), [
    (30, 150, Colours().overlay_edge),       # a left edge point
    (70, 150, Colours().overlay_edge),       # a right edge point
    (40, 180, Colours().overlay_height),     # the cB line across the leg
    (50, 100, Colours().overlay_landmark),   # the knee landmark
])
def test_overlay_draws_edges_heights_and_landmarks_where_they_are(qapp, x, y, colour):
    assert QColor(_painted(_overlay()).pixel(x, y)).name() == QColor(colour).name()


def test_overlay_of_an_unknown_type_is_an_error(qapp):
    with pytest.raises(TypeError, match="cannot draw"):
        _painted(object())


def test_camera_view_keeps_the_frames_aspect(qtbot):
    view = CameraView()
    qtbot.addWidget(view)
    view.resize(600, 600)
    view.set_frame(np.zeros((1920, 1080, 3), np.uint8))
    rect = view.image_rect()
    assert rect.height() == pytest.approx(600) and rect.width() == pytest.approx(337.5)
    assert rect.left() == pytest.approx((600 - 337.5) / 2)


def test_screenshots_cover_every_screen(window):
    from ui.main_window import SCREEN_NAMES
    from ui.screenshots import shots

    for lang in ("en", "de"):
        window.set_language(lang)
        names = set()
        for shot in shots(lang):
            shot.show(window)
            names.add(window.current_screen)
        assert names == set(SCREEN_NAMES)
