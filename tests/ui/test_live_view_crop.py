"""The shopper's live view shows the lower legs only, and its words are read from the mat.

Given: the 24 synthetic development scenes (people 1.50-1.92 m tall, each camera set up
its own way), both views, with the footprints projected from the pose the mat's markers
give, as the kiosk projects them.
Expect: the crop the footprints fix holds both knees, heels and toes (the scene's truth)
and never the top of the head (the person mask's topmost row), at any view shape; it
does not move from frame to frame; before the footprints are known no picture is shown;
the overlay is drawn where the crop puts the leg. The measuring screens' instruction and
guidance are title size and fit 1080x1920 and 768x1366 in every language.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import cv2
import numpy as np
import pytest
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QLabel

from calibration.calibration_file import load_calibration
from calibration.floor import estimate_floor_pose
from calibration.mat import load_mat_spec
from fitting.measurement import Leg
from fitting.stance import Stance
from ui.camera_view import (
    FOOTPRINT_LENGTH_PER_WIDTH,
    CameraView,
    footprint_length_px,
    footprint_outline_mm,
    footprint_outlines_px,
    leg_crop_px,
)
from ui.i18n import LANGUAGES, tr
from ui.theme import Colours, Theme
from vision.overlay import FrameOverlay, LegOverlay
from vision.stance import Guidance

SCENES = [f"scene_{n}" for n in range(1000, 1024)]
# View shapes: none (the crop alone), the design size's camera area, very wide, very tall.
VIEW_SHAPES = [None, (968, 990), (2000, 1000), (500, 1000)]


@cache
def _scene_view(scene_dir: Path, stance: Stance) -> tuple[list[np.ndarray], tuple[int, int],
                                                          dict[str, tuple[float, float]], int]:
    """The footprints as the kiosk projects them, the frame size, the truth's knee, heel
    and toe pixels per leg and the person mask's topmost row."""
    image = cv2.imread(str(scene_dir / f"{stance.value}.png"), cv2.IMREAD_COLOR)
    mask = cv2.imread(str(scene_dir / f"{stance.value}_mask.png"), cv2.IMREAD_GRAYSCALE)
    truth = json.loads((scene_dir / "truth.json").read_text("utf-8"))
    mat = load_mat_spec()
    calibration = load_calibration(scene_dir / "calibration.json")
    calibration = calibration.with_floor_pose(
        estimate_floor_pose(image, calibration.intrinsics, mat))
    points = {}
    for leg in Leg:
        marks = truth["landmarks_px"][stance.value][leg.value]
        # Some scenes name the knee point "knee_joint_px": the same point.
        points[f"{leg.value} knee"] = tuple(marks.get("knee_px", marks.get("knee_joint_px")))
        points[f"{leg.value} heel"] = tuple(marks["heel_centre_px"])
        points[f"{leg.value} toe"] = tuple(marks["toe_tip_px"])
    head_top = int(np.nonzero((mask > 127).any(axis=1))[0].min())
    return (footprint_outlines_px(calibration, mat, stance),
            (image.shape[1], image.shape[0]), points, head_top)


@pytest.mark.slow
@pytest.mark.parametrize("stance", [Stance.FRONT, Stance.SIDE])
@pytest.mark.parametrize("scene", SCENES)
def test_the_crop_holds_knees_and_feet_and_never_the_head(shared_data, scene, stance):
    outlines, size_wh, points, head_top = _scene_view(
        shared_data / "synthetic-dev" / scene, stance)
    length = footprint_length_px(outlines)
    for view_wh in VIEW_SHAPES:
        crop = leg_crop_px(outlines, size_wh, view_wh)
        assert crop is not None
        x, y, w, h = crop
        assert x >= 0 and y >= 0 and x + w <= size_wh[0] + 1e-6 and y + h <= size_wh[1] + 1e-6
        for name, (px, py) in points.items():
            assert x <= px <= x + w and y <= py <= y + h, (name, view_wh)
        # Not only inside: the knee's top and some thigh above it are shown too.
        knee_y = min(py for name, (_, py) in points.items() if "knee" in name)
        assert knee_y - y > 0.25 * length
        assert head_top < y, view_wh
        if view_wh is not None and x > 0 and x + w < size_wh[0] and y + h < size_wh[1]:
            assert w / h == pytest.approx(view_wh[0] / view_wh[1])


def test_the_footprint_aspect_is_the_mats():
    length_mm, width_mm = load_mat_spec().footprint_size_mm
    assert pytest.approx(length_mm / width_mm) == FOOTPRINT_LENGTH_PER_WIDTH


@pytest.mark.parametrize("angle_deg", [0.0, 30.0, 90.0])
def test_footprint_length_is_the_unforeshortened_one(angle_deg):
    # A 260 x 100 mm print drawn at 2 px/mm, turned in the image: 520 px long.
    outline = footprint_outline_mm((0, 0), (260, 0), 100.0)[:, :2] * 2.0
    a = np.radians(angle_deg)
    turned = outline @ np.array([[np.cos(a), np.sin(a)], [-np.sin(a), np.cos(a)]])
    assert footprint_length_px([turned]) == pytest.approx(520.0, rel=0.02)
    # Seen end-on (foreshortened to a third along its length), its width still tells.
    squashed = outline * np.array([1 / 3, 1.0])
    assert footprint_length_px([squashed]) == pytest.approx(520.0, rel=0.02)


def test_no_footprints_no_crop():
    assert leg_crop_px([], (1080, 1920)) is None
    far_off = [footprint_outline_mm((0, 0), (260, 0), 100.0)[:, :2] + (5000.0, 5000.0)]
    assert leg_crop_px(far_off, (1080, 1920)) is None


def _front_outlines() -> list[np.ndarray]:
    """Two prints side by side near the bottom of a 1080 x 1920 frame, 1 px/mm, seen
    end-on (260 mm long, 120 px in the picture)."""
    return [footprint_outline_mm((x, 1600.0), (x, 1720.0), 100.0)[:, :2]
            for x in (440.0, 640.0)]


def _painted(view: CameraView) -> QImage:
    image = QImage(view.size(), QImage.Format.Format_RGB32)
    view.render(image)
    return image


def test_before_the_footprints_no_body_is_shown(qtbot):
    view = CameraView(legs_only=True)
    qtbot.addWidget(view)
    view.resize(400, 500)
    view.set_waiting_text("starting")
    frame = np.zeros((1920, 1080, 3), np.uint8)
    frame[:] = (0, 0, 255)  # a red frame: any red pixel on the screen is the picture
    view.set_frame(frame)
    assert view.has_frame and view.shown_region() is None
    image = _painted(view)
    reds = [(x, y) for x in range(0, 400, 7) for y in range(0, 500, 7)
            if QColor(image.pixel(x, y)).red() > 200 and QColor(image.pixel(x, y)).green() < 60]
    assert reds == []
    view.set_footprints(_front_outlines())
    assert view.shown_region() is not None
    assert QColor(_painted(view).pixel(200, 250)).red() > 200


def test_the_crop_is_the_same_on_every_frame_and_only_the_staffs_view_is_whole(qtbot):
    view = CameraView(legs_only=True)
    qtbot.addWidget(view)
    view.resize(600, 700)
    view.set_footprints(_front_outlines())
    rng = np.random.default_rng(1)
    shown = set()
    for _ in range(5):
        view.set_frame(rng.integers(0, 255, (1920, 1080, 3), np.uint8))
        region = view.shown_region()
        assert region is not None
        shown.add((region.x(), region.y(), region.width(), region.height()))
    assert len(shown) == 1
    _, y, w, h = shown.pop()
    assert y > 0 and y + h <= 1920 and w / h == pytest.approx(600 / 700)
    staff = CameraView()
    qtbot.addWidget(staff)
    staff.set_frame(np.zeros((1920, 1080, 3), np.uint8))
    region = staff.shown_region()
    assert region is not None and (region.width(), region.height()) == (1080, 1920)


def test_the_overlay_is_drawn_where_the_crop_puts_the_leg(qtbot):
    view = CameraView(legs_only=True)
    qtbot.addWidget(view)
    view.resize(300, 1000)  # taller than the crop can be: bars above and below it
    view.set_footprints(_front_outlines())
    view.set_frame(np.zeros((1920, 1080, 3), np.uint8))
    region = view.shown_region()
    target = view.image_rect()
    assert region is not None and target.y() > 5
    knee = (region.x() + 0.5 * region.width(), region.y() + 0.3 * region.height())
    hip = (knee[0], region.y() - 2.0)  # just above the crop: not drawn over the bar
    leg = LegOverlay(leg=Leg.LEFT, landmarks_px={"knee": knee, "hip": hip},
                     left_edge_px=np.zeros((0, 2)), right_edge_px=np.zeros((0, 2)),
                     axis_px=np.full((2, 2), np.nan), height_lines_px={})
    view.set_frame(np.zeros((1920, 1080, 3), np.uint8), FrameOverlay((leg,)))
    image = _painted(view)
    scale = target.width() / region.width()
    x = round(target.x() + (knee[0] - region.x()) * scale)
    y = round(target.y() + (knee[1] - region.y()) * scale)
    yellow = QColor(Colours().overlay_landmark).name()
    assert QColor(image.pixel(x, y)).name() == yellow
    assert QColor(image.pixel(x, round(target.y()) - 2)).name() != yellow
    assert QColor(image.pixel(x, round(target.y()) + 1)).name() == yellow


def _cut_labels(screen) -> list[tuple[str, str]]:
    """Labels whose words do not fit: too short for their lines, or a word wider than
    the label (a word-wrapped label cuts a word it cannot break)."""
    cut = []
    for label in screen.findChildren(QLabel):
        if not label.isVisibleTo(screen) or not label.text():
            continue
        width = label.contentsRect().width()
        metrics = label.fontMetrics()
        if label.wordWrap():
            too_short = label.height() < label.heightForWidth(label.width())
            widest = max(metrics.horizontalAdvance(word) for word in label.text().split())
            if too_short or widest > width:
                cut.append((label.text(), f"{label.size()} for a {widest} px word"))
        elif width < metrics.horizontalAdvance(label.text()):
            cut.append((label.text(), f"{label.size()}"))
    return cut


@pytest.mark.parametrize("size_wh", [(1080, 1920), (768, 1366)])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_measuring_words_are_title_size_and_nothing_is_cut(qtbot, size_wh, lang):
    from session.flow import FlowState, FlowStatus
    from ui.i18n import STRINGS
    from ui.main_window import KioskWindow

    theme = Theme.for_screen(size_wh[0], None)
    window = KioskWindow(theme=theme, lang=lang)
    qtbot.addWidget(window)
    window.setFixedSize(*size_wh)
    window.show()
    keys = sorted(k.removeprefix("guidance.") for k in STRINGS[lang] if k.startswith("guidance."))
    frame = np.zeros((1920, 1080, 3), np.uint8)
    cut = []
    for state, stance in ((FlowState.MEASURE_FRONT, Stance.FRONT),
                          (FlowState.MEASURE_SIDE, Stance.SIDE)):
        window.set_footprints(stance, _front_outlines())
        screen = window.measure_screens[stance]
        for refused in (False, True):  # a refused measurement adds its notice
            window.show_status(FlowStatus(
                state=state, language=lang,
                notice="measurement_refused" if refused else None,
                notice_detail="calves covered in 30 of 30 frames" if refused else ""))
            for key in keys:
                window.set_live_frame(frame, None, Guidance(stance, key, key == "ok"), 0.5)
                qtbot.wait(1)
                assert screen.guidance_text.text() == tr(f"guidance.{key}", lang)
                assert screen.guidance_text.font().pixelSize() >= theme.title_px
                cut += [(state.value, key, *c) for c in _cut_labels(screen)]
                # Everything lies on the screen; the picture never drops below its least.
                assert screen.camera.height() >= screen.camera.minimumHeight()
                footer = screen.mapFromGlobal(
                    screen.back_button.mapToGlobal(screen.back_button.rect().bottomLeft()))
                assert footer.y() <= screen.height()
        assert screen.instructions.font().pixelSize() == theme.title_px
        assert screen.instructions.font().pixelSize() == screen.title.font().pixelSize()
        # With the usual words and no notice, the legs get a good part of the screen.
        window.show_status(FlowStatus(state=state, language=lang))
        window.set_live_frame(frame, None, Guidance(stance, "hold_still", False), 0.5)
        qtbot.wait(1)
        assert screen.camera.height() >= 0.35 * size_wh[1]
    window.allow_close()
    assert cut == []
