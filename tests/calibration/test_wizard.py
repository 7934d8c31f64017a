"""The live wizard, fed ChArUco boards rendered in memory through a known camera."""

from __future__ import annotations

import numpy as np
import pytest

from calibration.boards import parse_board_spec
from calibration.errors import CalibrationFailed
from calibration.wizard import TILTS, IntrinsicsWizard
from tests.calibration.synthetic import degrade, make_camera, render_plane, rotation_xyz_deg

SPEC = parse_board_spec("charuco:7x5:40:30:DICT_5X5_100")
TEXTURE_PX_PER_MM = 5.0
CAMERA = make_camera((720, 1280), 1100.0)  # portrait, ~60 degree vertical field of view


@pytest.fixture(scope="module")
def texture() -> np.ndarray:
    w_mm, h_mm = SPEC.size_mm
    return SPEC.charuco_board().generateImage(
        (int(w_mm * TEXTURE_PX_PER_MM), int(h_mm * TEXTURE_PX_PER_MM)), marginSize=0)


def board_image(texture, target_px, depth_mm, rx, ry, rz, seed, blur_px=0.8):
    """The board, its centre at ``target_px``, tilted by rx/ry/rz degrees."""
    r = rotation_xyz_deg(rx, ry, rz)
    centre_mm = np.array([SPEC.size_mm[0] / 2, SPEC.size_mm[1] / 2, 0.0])
    ray = np.linalg.inv(CAMERA.k_3x3) @ np.array([target_px[0], target_px[1], 1.0])
    t = depth_mm * ray - r @ centre_mm
    # texture pixel centres sit half a pixel inside each millimetre cell
    mm_to_tex = np.array([[TEXTURE_PX_PER_MM, 0, -0.5], [0, TEXTURE_PX_PER_MM, -0.5]])
    image = render_plane(CAMERA, texture, mm_to_tex, r, t, background=110)
    return degrade(image, blur_px, 2.0, seed)


def staff_session(seed: int, count: int):
    """Poses a person might show: every ninth of the picture, then anywhere, tilted."""
    rng = np.random.default_rng(seed)
    w, h = CAMERA.size_wh
    targets = [(w * (c + 0.5) / 3, h * (r + 0.5) / 3) for r in range(3) for c in range(3)]
    for i in range(count):
        target = targets[i % 9] if i < 27 else (rng.uniform(0.1, 0.9) * w,
                                               rng.uniform(0.1, 0.9) * h)
        sx, sy = rng.choice([-1, 1], size=2)
        yield target, rng.uniform(550, 800), sx * rng.uniform(15, 35), sy * rng.uniform(15, 35), \
            rng.uniform(-20, 20)


@pytest.mark.parametrize("seed", [
    1,  # one staff session
    7,  # another order of poses
])
def test_wizard_reaches_the_true_focal_length(texture, seed):
    wizard = IntrinsicsWizard(SPEC)
    for i, pose in enumerate(staff_session(seed, 60)):
        frame = board_image(texture, *pose, seed=i)
        wizard.add(frame)  # first sight of this pose
        status = wizard.add(frame)  # held still
        if status.done:
            break
    assert status.done, status.message
    result = wizard.result()
    f_true = CAMERA.k_3x3[0, 0]
    assert abs(result.intrinsics.fx - f_true) <= 0.005 * f_true
    assert abs(result.intrinsics.fy - f_true) <= 0.005 * f_true
    assert result.rms_px <= 0.8
    assert status.cells_covered == 9 and set(status.tilts_covered) == set(TILTS)
    assert len(status.covered_cells) == 9 and status.progress == 1.0


def test_views_bunched_in_the_middle_never_finish_and_the_wizard_says_where_to_go(texture):
    wizard = IntrinsicsWizard(SPEC)
    w, h = CAMERA.size_wh
    for i, (rx, ry) in enumerate([(20, 20), (-20, 20), (20, -20), (-20, -20), (0, 0)] * 2):
        frame = board_image(texture, (w / 2, h / 2), 1200, rx, ry, 0, seed=i)
        wizard.add(frame)
        status = wizard.add(frame)
    assert not status.done
    assert status.message.startswith("move the board to the top left")
    with pytest.raises(CalibrationFailed, match="not finished"):
        wizard.result()


@pytest.mark.parametrize("rx, ry, words", [
    (25, -25, "bottom-right"),  # top edge away from the camera, left edge away: faces down-right
    (-25, 25, "top-left"),      # the opposite way
    (-25, -25, "top-right"),    # top edge toward the camera, left edge away
])
def test_tilt_words_match_the_board_direction(texture, rx, ry, words):
    # Given every region covered but one tilt, the instruction names the missing tilt
    wizard = IntrinsicsWizard(SPEC)
    w, h = CAMERA.size_wh
    frame = board_image(texture, (w / 2, h / 2), 700, rx, ry, 0, seed=0)
    wizard.add(frame)
    status = wizard.add(frame)
    assert status.accepted and status.tilts_covered == (words,)
    assert len(status.board_corners_px) == SPEC.corner_count  # what a screen draws


def test_a_moving_board_is_not_kept(texture):
    wizard = IntrinsicsWizard(SPEC)
    w, h = CAMERA.size_wh
    first = wizard.add(board_image(texture, (w / 2, h / 2), 700, 20, 20, 0, seed=0))
    moved = wizard.add(board_image(texture, (w / 2 + 15, h / 2), 700, 20, 20, 0, seed=1))
    assert not first.accepted and not moved.accepted
    assert moved.message == "hold the board still"


def test_a_blurred_board_is_not_kept(texture):
    wizard = IntrinsicsWizard(SPEC)
    w, h = CAMERA.size_wh
    # blur of 3.2 px: the board is still found, but its corners are soft
    frame = board_image(texture, (w / 2, h / 2), 500, 20, 20, 0, seed=0, blur_px=3.2)
    wizard.add(frame)
    status = wizard.add(frame)
    assert not status.accepted
    assert "blurred" in status.message


def test_no_board_says_so():
    wizard = IntrinsicsWizard(SPEC)
    status = wizard.add(np.full((1280, 720, 3), 120, np.uint8))
    assert not status.accepted and "show the whole board" in status.message
    assert status.progress == 0.0
