"""`legfit calibrate`, `legfit mat`, `legfit board`: results, and one clear line per bad input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import cv2
import numpy as np

from calibration.calibration_file import load_calibration
from calibration.floor import detect_mat_markers
from calibration.mat import load_mat_spec
from kiosk.cli import main

OPENCV_LEFT = Path(__file__).resolve().parent.parent / "data" / "opencv-left"


def run(argv, capsys):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def scene(shared_data, number=1008):
    return shared_data / "synthetic-dev" / f"scene_{number}"


def test_intrinsics_from_images_prints_and_writes(tmp_path, capsys):
    out_file = tmp_path / "camera.json"
    code, out, err = run(["calibrate", "intrinsics", "--images", f"{OPENCV_LEFT}/left*.jpg",
                          "--board", "checkerboard:9x6:25", "--out", out_file, "--json"],
                         capsys)
    assert code == 0, err
    summary = json.loads(out)
    assert abs(summary["fx"] - 535.92) <= 3 and summary["rms_px"] <= 0.6
    assert len(summary["views_used"]) == 13
    cal = load_calibration(out_file)
    assert cal.board == "checkerboard:9x6:25" and cal.views == 13 and cal.created_at


def test_floor_then_check(shared_data, tmp_path, capsys):
    s = scene(shared_data)
    stored = tmp_path / "with_floor.json"
    code, out, err = run(["calibrate", "floor", "--image", s / "front.png", s / "side.png",
                          "--calibration", s / "calibration.json", "--out", stored, "--json"],
                         capsys)
    assert code == 0, err
    result = json.loads(out)
    truth = json.loads((s / "truth.json").read_text())["camera"]["position_mm"]
    assert abs(result["camera_height_mm"] - truth[2]) <= 2.0
    assert result["markers_used"] == [0, 1, 2, 3, 4, 5]
    # the same camera still holds
    code, out, _ = run(["calibrate", "check", "--image", s / "side.png", "--calibration",
                        stored], capsys)
    assert code == 0 and "still holds" in out
    # another scene's camera stands elsewhere: it has moved
    other = scene(shared_data, 1009)
    code, out, _ = run(["calibrate", "check", "--image", other / "front.png", "--calibration",
                        stored], capsys)
    assert code == 1 and "moved" in out


def one_marker_image(shared_data, tmp_path) -> Path:
    """A dev scene with every mat marker but one painted over."""
    s = scene(shared_data, 1000)
    image = cv2.imread(str(s / "front.png"))
    for d in detect_mat_markers(image, load_mat_spec()):
        if d.marker_id != 1:
            cv2.fillConvexPoly(image, np.round(d.corners_px).astype(np.int32), (150, 150, 150))
    path = tmp_path / "one_marker.png"
    cv2.imwrite(str(path), image)
    return path


def bad_inputs(tmp_path, shared_data):
    """(argv, words) pairs: each bad input and what its one line must say."""
    not_image = tmp_path / "notes.jpg"
    not_image.write_text("shopping list")
    blank = tmp_path / "blank"
    blank.mkdir()
    for i in range(3):
        cv2.imwrite(str(blank / f"b{i}.png"), np.full((480, 640, 3), 200, np.uint8))
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    shutil.copy(OPENCV_LEFT / "left01.jpg", mixed / "a.jpg")
    cv2.imwrite(str(mixed / "b.jpg"), cv2.resize(cv2.imread(str(OPENCV_LEFT / "left02.jpg")),
                                                 (320, 240)))
    corrupt = tmp_path / "corrupt.json"
    corrupt.write_text('{"image_size_wh": [1080, 19')
    empty = tmp_path / "empty.json"
    empty.write_text("")
    s = scene(shared_data, 1000)
    out = tmp_path / "out.json"
    board = ["--board", "checkerboard:9x6:25", "--out", out]
    return [
        # no board in any image
        (["calibrate", "intrinsics", "--images", f"{blank}/*.png", *board], "was found in any"),
        # too few views
        (["calibrate", "intrinsics", "--images", OPENCV_LEFT / "left01.jpg",
          OPENCV_LEFT / "left02.jpg", *board], "too few views"),
        # images of different sizes
        (["calibrate", "intrinsics", "--images", f"{mixed}/*.jpg", *board], "differ in size"),
        # a non-image file
        (["calibrate", "intrinsics", "--images", not_image, *board], "not an image"),
        # a glob that matches nothing
        (["calibrate", "intrinsics", "--images", f"{tmp_path}/none*.jpg", *board],
         "no image matches"),
        # a board spec that makes no sense
        (["calibrate", "intrinsics", "--images", f"{OPENCV_LEFT}/*.jpg", "--board",
          "checkerboard:9x6", "--out", out], "not understood"),
        # a corrupt (truncated) calibration file
        (["calibrate", "floor", "--image", s / "front.png", "--calibration", corrupt],
         "corrupt or truncated"),
        # an empty calibration file
        (["calibrate", "check", "--image", s / "front.png", "--calibration", empty], "empty"),
        # a calibration without a floor pose cannot be checked
        (["calibrate", "check", "--image", s / "front.png", "--calibration",
          s / "calibration.json"], "no floor pose yet"),
        # a floor image that is not an image
        (["calibrate", "floor", "--image", not_image, "--calibration", s / "calibration.json"],
         "not an image"),
        # a mat with one marker visible
        (["calibrate", "floor", "--image", one_marker_image(shared_data, tmp_path),
          "--calibration", s / "calibration.json"], "1 of 6 markers visible"),
        # frames of another size than the calibration's
        (["calibrate", "floor", "--image", OPENCV_LEFT / "left01.jpg", "--calibration",
          s / "calibration.json"], "1080x1920 images but the camera gives 640x480"),
        # a camera that is not there
        (["calibrate", "intrinsics", "--camera", str(tmp_path / "no_video.avi"), *board],
         "cannot be opened"),
        # printables: an output that is neither PDF nor PNG
        (["mat", "--out", tmp_path / "mat.svg"], "must end in .pdf or .png"),
        # a board too big for the paper
        (["board", "--out", tmp_path / "b.pdf", "--paper", "a4", "--board",
          "charuco:12x9:40:30:DICT_5X5_100"], "does not fit on A4"),
    ]


def test_every_bad_input_is_one_clear_line_and_exit_2(tmp_path, shared_data, capsys):
    for argv, words in bad_inputs(tmp_path, shared_data):
        code, _out, err = run(argv, capsys)
        lines = err.strip().splitlines()
        assert code == 2, (argv, err)
        assert len(lines) == 1 and lines[0].startswith("legfit: "), (argv, err)
        assert words in lines[0], (argv, lines[0])
        assert "Traceback" not in err


def test_mat_and_board_commands_write_their_files(tmp_path, capsys):
    code, out, _ = run(["mat", "--out", tmp_path / "mat.pdf", "--tiles", "a4", "a3", "--png"],
                       capsys)
    assert code == 0
    assert {p.name for p in tmp_path.iterdir()} == {
        "mat.pdf", "mat-tiled-a4.pdf", "mat-tiled-a3.pdf", "mat.png"}
    code, out, _ = run(["board", "--out", tmp_path / "board.png"], capsys)
    assert code == 0 and "charuco:9x6:40:30:DICT_5X5_100" in out
    assert cv2.imread(str(tmp_path / "board.png")) is not None


def test_live_wizard_on_a_recorded_board_video(tmp_path, capsys):
    # Given a video of a ChArUco board shown around the picture, each pose held still
    from tests.calibration.test_wizard import (
        CAMERA,
        SPEC,
        TEXTURE_PX_PER_MM,
        board_image,
        staff_session,
    )

    w_mm, h_mm = SPEC.size_mm
    texture = SPEC.charuco_board().generateImage(
        (int(w_mm * TEXTURE_PX_PER_MM), int(h_mm * TEXTURE_PX_PER_MM)), marginSize=0)
    video = tmp_path / "board.avi"
    writer = cv2.VideoWriter(str(video), cv2.VideoWriter_fourcc(*"MJPG"), 10, CAMERA.size_wh)
    writer.set(cv2.VIDEOWRITER_PROP_QUALITY, 100)
    for i, pose in enumerate(staff_session(1, 30)):
        frame = cv2.cvtColor(board_image(texture, *pose, seed=i), cv2.COLOR_GRAY2BGR)
        writer.write(frame)
        writer.write(frame)
    writer.release()
    # When the wizard runs on it from the command line
    out_file = tmp_path / "camera.json"
    code, out, err = run(["calibrate", "intrinsics", "--camera", video, "--board", str(SPEC),
                          "--out", out_file], capsys)
    # Then it prints progress lines, finishes, and the focal length is the true one
    assert code == 0, err
    assert "move the board" in out and "%]" in out
    cal = load_calibration(out_file)
    assert abs(cal.intrinsics.fx - CAMERA.k_3x3[0, 0]) <= 0.005 * CAMERA.k_3x3[0, 0]
    assert cal.camera_id == "board.avi"
