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


# The rules drawn as the wrong way (left half) beside the right way (right half), and the
# pictures drawn for the warnings to take the stockings off.
WRONG_RIGHT = ("smooth_no_wrinkles", "never_roll_top", "behind_knee")
WARNINGS = ("warning_signs", "off_at_once", "off_and_call")


def _red_and_green(pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Masks of clearly red pixels (the cross, the red frame and rings: the theme's
    emergency colour) and clearly green ones (the tick, the green frame and rings: its ok
    colour); skin, stocking blue and the teal accent are neither."""
    b, g, r = (pixels[..., i].astype(int) for i in range(3))
    red = (r > 120) & (r - g > 70) & (r - b > 60)
    green = (g > 80) & (g - r > 40) & (g - b > 30)
    return red, green


def test_the_colour_masks_tell_the_theme_colours_apart():
    colours = Colours()
    named = {"emergency": colours.emergency, "ok": colours.ok, "accent": colours.accent,
             "skin": "#E9BE9C", "skin shade": "#D49E7A", "stocking": "#5B84B1"}
    pixels = np.array([[QColor(v).getRgb()[:3][::-1] for v in named.values()]], np.uint8)
    red, green = _red_and_green(pixels)
    assert dict(zip(named, red[0], strict=True)) == {k: k == "emergency" for k in named}
    assert dict(zip(named, green[0], strict=True)) == {k: k == "ok" for k in named}


@pytest.mark.parametrize("key", WRONG_RIGHT)
def test_a_rule_shows_the_wrong_way_in_red_beside_the_right_way_in_green(qapp, key):
    side = 120
    red, green = _red_and_green(render(key, side))
    half = side // 2
    red_left, red_right = int(red[:, :half].sum()), int(red[:, half:].sum())
    green_left, green_right = int(green[:, :half].sum()), int(green[:, half:].sum())
    # A cross, a frame and a ring's worth of red on the wrong half, none on the right one;
    # and the other way round for green.
    assert red_left > 0.04 * half * side and red_right == 0, (red_left, red_right)
    assert green_right > 0.04 * half * side and green_left == 0, (green_left, green_right)


@pytest.mark.parametrize("key", WRONG_RIGHT + WARNINGS)
def test_each_rule_and_warning_picture_differs_visibly_from_every_other(qapp, key):
    mine = render(key, 96).astype(int)
    for other in ALL_ILLUSTRATIONS:
        if other == key:
            continue
        difference = np.mean(np.abs(mine - render(other, 96).astype(int))) / 255
        assert difference > 0.02, f"{key} looks like {other} ({difference:.1%} apart)"


def test_the_warnings_to_take_them_off_each_have_a_picture_of_their_own():
    pictures = {s.key: s.illustration for s in DONNING_STEPS if s.kind == "warning"}
    for key in WARNINGS:
        assert pictures[key] == key and key in ALL_ILLUSTRATIONS
    assert len({ALL_ILLUSTRATIONS[k] for k in WARNINGS}) == len(WARNINGS)


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


def _painted(overlay, labels: bool = True) -> QImage:
    image = QImage(100, 240, QImage.Format.Format_RGB32)
    image.fill(QColor("#000000"))
    painter = QPainter(image)
    try:
        paint_overlay(painter, overlay, 1.5, Colours(), labels=labels)
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


def test_the_shoppers_view_draws_the_heights_without_their_codes(qapp):
    """The code (cB) is drawn right of its line for staff; a shopper sees the line only."""
    def label_pixels(image: QImage) -> int:
        return sum(QColor(image.pixel(x, y)).name() == QColor(Colours().overlay_height).name()
                   for x in range(72, 100) for y in range(170, 190))

    assert label_pixels(_painted(_overlay(), labels=True)) > 5
    assert label_pixels(_painted(_overlay(), labels=False)) == 0
