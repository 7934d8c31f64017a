"""Refusals through `legfit measure`: exit status 2 and one clear line on stderr.

Each case starts from a real synthetic scene (a person on the mat) and breaks one thing:
the person, the framing, an ankle, the calves, the light, the file, the calibration.
"""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from calibration.mat import load_mat_spec
from kiosk.cli import main
from vision.fakes import two_people

pytestmark = pytest.mark.slow

SCENE = "synthetic-dev/scene_1000"


@pytest.fixture(scope="module")
def scene(shared_data):
    d = shared_data / SCENE
    return {"dir": d, "front": cv2.imread(str(d / "front.png")),
            "mask": cv2.imread(str(d / "front_mask.png"), cv2.IMREAD_GRAYSCALE),
            "truth": json.loads((d / "truth.json").read_text())}


def _no_person(s):
    return np.full_like(s["front"], 128)


def _dark(s):
    return (s["front"] // 12).astype(np.uint8)


def _legs_out_of_frame(s):
    # The camera tilted up: the person slides down and the feet leave the picture.
    img = np.full_like(s["front"], 120)
    img[700:] = s["front"][:-700]
    return img


def _covered_calves(s):
    # Dark trousers from above the knee to a hand's width above the ankle.
    img = s["front"].copy()
    lm = s["truth"]["landmarks_px"]["front"]
    top = int(min(lm["left"]["knee_px"][1], lm["right"]["knee_px"][1])) - 120
    bottom = int(max(lm["left"]["ankle_joint_px"][1], lm["right"]["ankle_joint_px"][1])) - 110
    leg = cv2.dilate(s["mask"], np.ones((15, 15), np.uint8)) > 127
    band = np.zeros_like(leg)
    band[top:bottom] = True
    img[leg & band] = (90, 45, 30)
    return img


def _skin_coloured_trousers(s):
    # Loose trousers of the skin's own colour (the colour check cannot see them) from above
    # the knee to just below the calf's widest part: measured, they would be a calf far
    # fuller than any bare leg's for its ankle.
    img = s["front"].copy()
    lm = s["truth"]["landmarks_px"]["front"]
    knee_y = min(lm["left"]["knee_px"][1], lm["right"]["knee_px"][1])
    ankle_y = max(lm["left"]["ankle_joint_px"][1], lm["right"]["ankle_joint_px"][1])
    x, y = (int(v) for v in lm["left"]["ankle_joint_px"])
    skin = np.median(img[y - 60:y - 40, x - 8:x + 8].reshape(-1, 3), axis=0)
    leg = cv2.dilate(s["mask"], np.ones((41, 41), np.uint8)) > 127
    band = np.zeros_like(leg)
    band[int(knee_y) - 120:int(knee_y + 0.55 * (ankle_y - knee_y))] = True
    img[leg & band] = skin.astype(np.uint8)
    return img


def _hidden_left_ankle(s):
    # A shopping bag in front of the left ankle and foot.
    img = s["front"].copy()
    x, y = s["truth"]["landmarks_px"]["front"]["left"]["ankle_joint_px"]
    cv2.rectangle(img, (int(x) - 70, int(y) - 90), (int(x) + 80, int(y) + 200), (40, 40, 160),
                  -1)
    return img


def _no_mat(s):
    # The mat's markers painted over with the mat's own grey.
    img = s["front"].copy()
    t = s["truth"]["camera"]
    rvec, _ = cv2.Rodrigues(np.array(t["R_world_to_camera"]))
    cal = json.loads((s["dir"] / "calibration.json").read_text())
    mat = load_mat_spec()
    for marker_id in mat.marker_ids:
        corners = mat.marker_corners_mm(marker_id) * np.array([1.15, 1.15, 1.0]) + \
            np.array([*(-0.15 * np.array(mat.marker_centres_xy_mm[marker_id])), 0.0])
        px, _ = cv2.projectPoints(corners, rvec, np.array(t["t_world_to_camera_mm"]),
                                  np.array(cal["camera_matrix"]), np.array(cal["dist_coeffs"]))
        cv2.fillConvexPoly(img, np.round(px.reshape(-1, 2)).astype(np.int32), (190, 195, 195))
    return img


def _two_people(s):
    # Another scene's person pasted beside the shopper, a third of the picture to the right.
    other = s["dir"].parent / "scene_1001"
    b_img = cv2.imread(str(other / "front.png"))
    b_mask = cv2.imread(str(other / "front_mask.png"), cv2.IMREAD_GRAYSCALE)
    return two_people(s["front"], b_img, b_mask, s["front"].shape[1] * 35 // 100)


@pytest.mark.parametrize(("make_image", "expected"), [
    (_no_person, "no person in view"),               # an empty grey frame
    (_dark, "too dark"),                              # the lights are off
    (_legs_out_of_frame, "legs out of frame"),        # feet below the picture
    (_covered_calves, "calves covered"),              # trousers over the calves
    (_skin_coloured_trousers, "calves covered"),      # the same, in the skin's colour
    (_hidden_left_ankle, "left ankle hidden"),        # a bag in front of the left ankle
    (_no_mat, "mat not found: 0 of 6 markers visible"),  # markers covered
    (_two_people, "two people in view"),              # a second person beside the first
])
def test_a_broken_scene_is_refused_with_its_reason(scene, tmp_path, capsys, make_image,
                                                   expected):
    path = tmp_path / "front.png"
    cv2.imwrite(str(path), make_image(scene))
    code = main(["measure", "--front", str(path), "--calibration",
                 str(scene["dir"] / "calibration.json"), "--json"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and expected in err[0], err


def _shaded_trousers_to_mid_calf(image, mask, landmarks):
    """Loose trousers of the leg's own skin colour, shaded like cloth round a leg, from above
    the knee to just below the calf's widest part, in one view of the scene."""
    img = image.copy()
    for leg in ("left", "right"):
        knee = np.array(landmarks[leg]["knee_px"], float)
        ankle = np.array(landmarks[leg]["ankle_joint_px"], float)
        along = ankle - knee
        shank = float(np.linalg.norm(along))
        cx, cy = (knee + 0.8 * along).astype(int)
        r = int(0.03 * shank)
        skin = np.median(image[cy - r:cy + r, cx - r:cx + r].reshape(-1, 3), axis=0)
        pad = int(0.06 * shank)
        for y in range(int(knee[1] - 0.25 * along[1]), int(knee[1] + 0.55 * along[1])):
            centre = knee[0] + (y - knee[1]) / along[1] * along[0]
            x_lo = int(centre - 0.35 * shank)
            on_leg = np.flatnonzero(mask[y, x_lo:int(centre + 0.35 * shank)] > 127)
            if len(on_leg) == 0:
                continue
            x0, x1 = x_lo + on_leg.min() - pad, x_lo + on_leg.max() + pad
            xs = np.arange(x0, x1 + 1)
            shade = 0.85 + 0.15 * np.cos((xs - (x0 + x1) / 2) / ((x1 - x0) / 2) * np.pi / 2)
            img[y, xs] = np.clip(skin[None, :] * shade[:, None], 0, 255).astype(np.uint8)
    return img


def test_skin_coloured_trousers_to_mid_calf_in_both_views_are_refused(scene, tmp_path,
                                                                       capsys):
    # With a side view too, the calf above the hem cannot be read: its largest girth would
    # come from below the hem, tens of mm too small (a stocking too tight), so it is refused.
    args = []
    for view in ("front", "side"):
        image = cv2.imread(str(scene["dir"] / f"{view}.png"))
        mask = cv2.imread(str(scene["dir"] / f"{view}_mask.png"), cv2.IMREAD_GRAYSCALE)
        path = tmp_path / f"{view}.png"
        cv2.imwrite(str(path), _shaded_trousers_to_mid_calf(
            image, mask, scene["truth"]["landmarks_px"][view]))
        args += [f"--{view}", str(path)]
    code = main(["measure", *args, "--calibration", str(scene["dir"] / "calibration.json"),
                 "--json"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and "calf" in err[0] and "covered" in err[0], err


def _corrupt_video(tmp_path, scene):
    path = tmp_path / "front.mp4"
    path.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 40)
    return ["--front", str(path), "--calibration", str(scene["dir"] / "calibration.json")]


def _missing_calibration(tmp_path, scene):
    return ["--front", str(scene["dir"] / "front.png"), "--calibration",
            str(tmp_path / "nowhere.json")]


def _mismatched_calibration(tmp_path, scene):
    cal = json.loads((scene["dir"] / "calibration.json").read_text())
    cal["image_size_wh"] = [1920, 1080]
    k = cal["camera_matrix"]
    k[0][2], k[1][2] = k[1][2], k[0][2]
    path = tmp_path / "landscape.json"
    path.write_text(json.dumps(cal))
    return ["--front", str(scene["dir"] / "front.png"), "--calibration", str(path)]


def _missing_image(tmp_path, scene):
    return ["--front", str(tmp_path / "missing.png"), "--calibration",
            str(scene["dir"] / "calibration.json")]


@pytest.mark.parametrize(("make_args", "expected"), [
    (_corrupt_video, "corrupt"),                          # bytes that are not a video
    (_missing_calibration, "does not exist"),             # no calibration file
    (_mismatched_calibration, "the calibration is for 1920x1080 images"),  # wrong camera
    (_missing_image, "not found"),                        # a typo in the image path
])
def test_bad_files_are_refused_with_one_line(scene, tmp_path, capsys, make_args, expected):
    code = main(["measure", *make_args(tmp_path, scene)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and expected in err[0], err
