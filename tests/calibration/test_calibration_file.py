"""The calibration file: what it keeps, the interchange form, and every refusal."""

from __future__ import annotations

import json

import numpy as np
import pytest

from calibration.calibration_file import calibration_to_dict, load_calibration, save_calibration
from calibration.camera import CameraCalibration, FloorPose, Intrinsics
from calibration.errors import CalibrationInvalid
from tests.calibration.synthetic import camera_looking_at

K = [[1663.0, 0.0, 540.0], [0.0, 1663.0, 960.0], [0.0, 0.0, 1.0]]
MINIMAL = {"image_size_wh": [1080, 1920], "camera_matrix": K,
           "dist_coeffs": [-0.08, 0.03, 0.0003, -0.0002, 0.0]}


def full_calibration() -> CameraCalibration:
    r, t = camera_looking_at(np.array([10.0, -2100.0, 1000.0]), np.array([0.0, 0.0, 450.0]))
    pose = FloorPose(r, t, reprojection_error_px=0.31, markers_used=(0, 1, 2, 4),
                     camera_position_sd_mm=(0.5, 0.3, 0.5), corners_used=15)
    return CameraCalibration(
        Intrinsics((1080, 1920), np.array(K), np.array(MINIMAL["dist_coeffs"])), pose,
        rms_px=0.42, board="charuco:9x6:40:30:DICT_5X5_100", views=14,
        created_at="2026-11-23T18:00:00+00:00", camera_id="usb-046d:0892-video0")


def test_round_trip_keeps_everything(tmp_path):
    cal = full_calibration()
    path = tmp_path / "camera.json"
    save_calibration(cal, path)
    raw = json.loads(path.read_text())
    for key in ("schema_version", "image_size_wh", "camera_matrix", "dist_coeffs", "rms_px",
                "board", "views", "created_at", "camera_id", "floor_pose"):
        assert key in raw
    back = load_calibration(path)
    assert back.board == cal.board and back.views == 14 and back.camera_id == cal.camera_id
    assert back.created_at == cal.created_at and back.rms_px == pytest.approx(0.42)
    assert np.allclose(back.intrinsics.k_3x3, cal.intrinsics.k_3x3)
    assert np.allclose(back.floor_pose.camera_position_mm, [10.0, -2100.0, 1000.0])
    assert back.floor_pose.markers_used == (0, 1, 2, 4)
    assert back.floor_pose.camera_position_sd_mm == pytest.approx((0.5, 0.3, 0.5))
    # the derived figures are written for people reading the file
    assert raw["floor_pose"]["camera_height_mm"] == pytest.approx(1000.0)


def test_the_minimal_interchange_form_loads(tmp_path):
    path = tmp_path / "calibration.json"
    path.write_text(json.dumps(MINIMAL))
    cal = load_calibration(path)
    assert cal.intrinsics.image_size_wh == (1080, 1920)
    assert cal.floor_pose is None and cal.board is None


def test_the_shared_scene_calibrations_load(shared_data):
    for path in sorted((shared_data / "synthetic-dev").glob("scene_*/calibration.json")):
        assert load_calibration(path).intrinsics.fx > 0


def _with(**changes):
    raw = json.loads(json.dumps(MINIMAL))
    for key, value in changes.items():
        if value is ...:
            del raw[key]
        else:
            raw[key] = value
    return json.dumps(raw)


@pytest.mark.parametrize("text, words", [
    ("", "is empty"),                                         # empty file
    ("   \n", "is empty"),                                    # only whitespace
    ('{"image_size_wh": [1080, 1920], "camera_mat', "corrupt or truncated"),  # cut short
    ("\x00\x01\x02garbage", "corrupt or truncated"),         # not JSON at all
    ("[1, 2, 3]", "expected a JSON object"),                 # JSON but not an object
    (_with(camera_matrix=...), "camera_matrix is missing"),   # a key missing
    (_with(image_size_wh=["1080", 1920]), "two whole numbers"),  # wrong type
    (_with(image_size_wh=[1080]), "two whole numbers"),       # wrong length
    (_with(camera_matrix=[[1, 0], [0, 1]]), "shape 3x3"),     # wrong shape
    (_with(camera_matrix=[["a", 0, 1], [0, 1, 1], [0, 0, 1]]), "must hold numbers"),
    (_with(camera_matrix=[[0.0, 0, 540], [0, 1663, 960], [0, 0, 1]]), "non-positive focal"),
    (_with(camera_matrix=[[-5.0, 0, 540], [0, 1663, 960], [0, 0, 1]]), "non-positive focal"),
    (_with(camera_matrix=[[1663, 0, 4000], [0, 1663, 960], [0, 0, 1]]), "outside the"),
    (_with(dist_coeffs=[0.1, 0.2, 0.3]), "4, 5, 8, 12 or 14"),  # odd distortion length
    (_with(schema_version=7), "schema_version 7 is not supported"),
    (_with(rms_px=-1), "rms_px must be a non-negative"),
    (_with(views="many"), "views must be a whole number"),
    (_with(board=12), "board must be text"),
    (_with(floor_pose={"r_world_to_camera": [[2, 0, 0], [0, 1, 0], [0, 0, 1]],
                       "t_world_to_camera_mm": [0, 0, 0]}), "not a rotation"),
    (_with(floor_pose={"r_world_to_camera": np.eye(3).tolist(),
                       "t_world_to_camera_mm": [0, 0]}), "shape 3"),
])
def test_bad_files_are_refused_with_the_problem_named(tmp_path, text, words):
    path = tmp_path / "camera.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CalibrationInvalid, match=words) as exc:
        load_calibration(path)
    message = str(exc.value)
    assert "\n" not in message and str(path) in message


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(CalibrationInvalid, match="does not exist"):
        load_calibration(tmp_path / "nope.json")


def test_a_truncated_saved_file_is_refused(tmp_path):
    path = tmp_path / "camera.json"
    save_calibration(full_calibration(), path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(CalibrationInvalid, match="corrupt or truncated"):
        load_calibration(path)


def test_frames_of_another_size_are_refused():
    cal = full_calibration()
    with pytest.raises(CalibrationInvalid, match="for 1080x1920 images but the camera gives "
                                                 "1920x1080"):
        cal.intrinsics.check_frame_size(1920, 1080)


def test_saving_is_atomic_and_keeps_unknown_keys(tmp_path):
    path = tmp_path / "camera.json"
    path.write_text(_with(site="store 12"))
    cal = load_calibration(path)
    save_calibration(cal, path)
    assert json.loads(path.read_text())["site"] == "store 12"
    assert [p.name for p in tmp_path.iterdir()] == ["camera.json"]  # no temporary left
    assert calibration_to_dict(cal)["schema_version"] == 1
