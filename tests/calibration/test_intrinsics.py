"""Intrinsics against known answers: OpenCV's reference calibration and a mocap system's."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from calibration.boards import BoardDetector, parse_board_spec
from calibration.errors import BoardSpecInvalid, CalibrationFailed, ImageUnreadable
from calibration.intrinsics import calibrate_images, calibrate_views

OPENCV_LEFT = Path(__file__).resolve().parent.parent / "data" / "opencv-left"


@pytest.mark.parametrize("text, kind, corner_grid, square_mm", [
    # OpenCV's sample chessboard: 9x6 inner corners, 25 mm squares
    ("checkerboard:9x6:25", "checkerboard", (9, 6), 25.0),
    # decimals and upper case are fine
    ("CHECKERBOARD:4x7:60.5", "checkerboard", (4, 7), 60.5),
    # ChArUco counts squares: 7x5 squares have 6x4 inner corners
    ("charuco:7x5:40:30:DICT_5X5_100", "charuco", (6, 4), 40.0),
])
def test_board_spec_parses(text, kind, corner_grid, square_mm):
    spec = parse_board_spec(text)
    assert (spec.kind, spec.corner_grid, spec.square_mm) == (kind, corner_grid, square_mm)
    assert parse_board_spec(str(spec)) == spec  # the spec round-trips through its string


@pytest.mark.parametrize("text, words", [
    ("chessboard:9x6:25", "not understood"),          # unknown kind
    ("checkerboard:9x6", "not understood"),           # square size missing
    ("checkerboard:9x6:0", "positive square"),        # zero square
    ("checkerboard:6x6:25", "different column"),      # square grid: orientation ambiguous
    ("charuco:7x5:40:45:DICT_5X5_100", "marker size"),  # marker larger than its square
    ("charuco:7x5:40:30:DICT_9X9_1", "unknown ArUco"),  # no such dictionary
    ("charuco:12x12:40:30:DICT_4X4_50", "do not fit"),  # 72 markers, dictionary holds 50
    ("", "not understood"),                           # nothing at all
])
def test_board_spec_refusals_name_the_problem(text, words):
    with pytest.raises(BoardSpecInvalid, match=words):
        parse_board_spec(text)


def test_opencv_left_set_reproduces_opencvs_reference_calibration():
    # Given OpenCV's own 13 chessboard photos and its reference fx 535.92, cx 342.28
    paths = sorted(OPENCV_LEFT.glob("left*.jpg"))
    # When calibrated from the images
    result = calibrate_images(paths, parse_board_spec("checkerboard:9x6:25"))
    # Then the camera matches the reference
    i = result.intrinsics
    assert abs(i.fx - 535.92) <= 3.0
    assert abs(i.cx - 342.28) <= 3.0
    assert abs(i.cy - 235.57) <= 3.0
    assert result.rms_px <= 0.6
    assert len(result.views_used) == 13 and not result.views_without_board
    assert len(result.view_errors_px) == 13 and max(result.view_errors_px) < 0.6


def test_pose2sim_portrait_camera_matches_the_mocap_focal_length(shared_data):
    # Given a portrait 1088x1920 camera whose mocap calibration says f = 107599.67 / 64 px
    folder = shared_data / "calibration" / "pose2sim-cam01"
    reference_f = 107599.67 / 64
    result = calibrate_images(sorted(folder.glob("*.jpg")),
                              parse_board_spec("checkerboard:4x7:60"))
    assert result.intrinsics.image_size_wh == (1088, 1920)
    assert abs(result.intrinsics.fx - reference_f) <= 0.01 * reference_f
    assert abs(result.intrinsics.fy - reference_f) <= 0.01 * reference_f
    # one photo shows the board too steeply to detect; it is reported, not hidden
    assert len(result.views_used) >= 5
    assert len(result.views_used) + len(result.views_without_board) == 7


def test_an_outlier_view_is_dropped():
    # Given the left set with one view's corners shuffled (a misdetection)
    board = parse_board_spec("checkerboard:9x6:25")
    detector = BoardDetector(board)
    views = []
    for p in sorted(OPENCV_LEFT.glob("left*.jpg")):
        views.append(detector.detect(cv2.imread(str(p)), source=p.name))
    bad = views[3]
    pts = bad.image_points_px.copy()
    pts[:9] = pts[:9][::-1]  # first row reversed
    views[3] = type(bad)(pts, bad.object_points_mm, bad.corner_ids, "corrupted.jpg")
    # When calibrated
    result = calibrate_views(views, (640, 480), board)
    # Then the corrupted view is dropped and the rest still match the reference
    assert result.views_dropped == ("corrupted.jpg",)
    assert abs(result.intrinsics.fx - 535.92) <= 3.0


def test_refusals(tmp_path):
    board = parse_board_spec("checkerboard:9x6:25")
    # a text file named like an image
    fake = tmp_path / "fake.jpg"
    fake.write_text("not an image")
    with pytest.raises(ImageUnreadable, match="not an image"):
        calibrate_images([fake], board)
    # images without the board
    blank = tmp_path / "blank.png"
    cv2.imwrite(str(blank), np.full((480, 640, 3), 128, np.uint8))
    with pytest.raises(CalibrationFailed, match=r"no checkerboard .* found in any"):
        calibrate_images([blank], board)
    # too few views
    with pytest.raises(CalibrationFailed, match="too few views"):
        calibrate_images(sorted(OPENCV_LEFT.glob("left0[12].jpg")), board)
    # one camera, one resolution
    small = tmp_path / "small.jpg"
    cv2.imwrite(str(small), cv2.resize(cv2.imread(str(OPENCV_LEFT / "left01.jpg")), (320, 240)))
    with pytest.raises(CalibrationFailed, match="differ in size"):
        calibrate_images([OPENCV_LEFT / "left01.jpg", small], board)


def test_summary_is_json_ready():
    result = calibrate_images(sorted(OPENCV_LEFT.glob("left*.jpg")),
                              parse_board_spec("checkerboard:9x6:25"))
    summary = json.loads(json.dumps(result.summary()))
    assert summary["board"] == "checkerboard:9x6:25"
    assert len(summary["dist_coeffs"]) == 5
