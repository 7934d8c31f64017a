"""Refusals of the live path: every frame that must not be measured is refused, with the
message that tells the shopper what to do.

Cases are made from the synthetic scenes (whose bare-leg originals are all accepted, see
test_stance.py) by one edit each, and from real photos.
"""

from __future__ import annotations

import numpy as np
import pytest

from fitting.stance import Stance
from vision.fakes import (
    FakePoseEstimator,
    SyntheticScene,
    cover_lower_legs,
    hide_ankle,
    truth_knee_px,
    two_people,
)
from vision.measurer import LegMeasurer
from vision.pose_mediapipe import MediaPipeSelfieSegmenter
from vision.sources import read_image
from vision.stance import Guidance, StanceChecker
from vision.types import Frame

pytestmark = pytest.mark.slow  # runs MediaPipe

SCENES = [f"scene_{i}" for i in range(1000, 1024)]


@pytest.fixture(scope="module")
def segmenter():
    seg = MediaPipeSelfieSegmenter()
    yield seg
    seg.close()


@pytest.fixture(scope="module")
def scenes(shared_data, mat):
    loaded = {}

    def get(name: str):
        if name not in loaded:
            s = SyntheticScene.load(shared_data / "synthetic-dev" / name)
            loaded[name] = (s, s.with_floor_pose(mat))
        return loaded[name]

    return get


def _check(estimator, checker: StanceChecker, image: np.ndarray) -> Guidance:
    frame = Frame(image, 0.0, 0)
    return checker.check(frame, estimator.estimate(frame))


# ---- frames with nobody, or nothing, in them ---------------------------------------------

def _blank(img):
    return np.full_like(img, 128)


def _black(img):
    return np.zeros_like(img)


def _dimmed(img):
    return (img * 0.12).astype(np.uint8)  # a lamp failed: the scene at 12 % light


def _legs_in_shadow(img):
    out = img.copy()
    out[int(img.shape[0] * 0.6):] = (out[int(img.shape[0] * 0.6):] * 0.12).astype(np.uint8)
    return out


def _wall_only(img):
    h, w = img.shape[:2]
    return np.ascontiguousarray(np.resize(img[: h // 8, : w // 8], img.shape))


def _noise(img):
    return np.random.default_rng(0).integers(0, 256, img.shape, dtype=np.uint8)


@pytest.mark.parametrize("edit, key", [
    # a blank grey frame (camera covered by a card)
    (_blank, "no_person"),
    # a black frame (lens cap, dead light)
    (_black, "too_dark"),
    # the whole scene at 12 % of its light
    (_dimmed, "too_dark"),
    # the room lit, the legs in deep shadow
    (_legs_in_shadow, "too_dark"),
    # the wall only, no one there
    (_wall_only, "no_person"),
    # sensor noise
    (_noise, "no_person"),
])
def test_frames_without_a_measurable_person(scenes, mat, estimator, edit, key):
    scene, cal = scenes("scene_1000")
    g = _check(estimator, StanceChecker(cal, mat, still_frames=1),
               edit(scene.images_bgr["front"]))
    assert (g.message_key, g.accepted) == (key, False), g


# ---- framing --------------------------------------------------------------------------

@pytest.mark.parametrize("scene_name, keep", [
    # cut at mid-shank: the ankles and feet are below the picture
    ("scene_1000", "mid_shank"),
    # a 4K scene cut just above the ankles
    ("scene_1003", "above_ankle"),
    # cut at mid-shank, padded back to full height with a grey floor (feet hidden, not cut)
    ("scene_1010", "mid_shank_padded"),
])
def test_legs_out_of_frame(scenes, mat, estimator, scene_name, keep):
    scene, cal = scenes(scene_name)
    img = scene.images_bgr["front"]
    t = scene.truth["landmarks_px"]["front"]["left"]
    knee_y, ankle_y = truth_knee_px(t)[1], t["ankle_joint_px"][1]
    cut = int(ankle_y - 0.15 * (ankle_y - knee_y)) if keep == "above_ankle" \
        else int((knee_y + ankle_y) / 2)
    image = img[:cut]
    if keep.endswith("padded"):
        image = np.concatenate([image, np.full((img.shape[0] - cut, img.shape[1], 3), 120,
                                               np.uint8)])
    g = _check(estimator, StanceChecker(cal, mat, still_frames=1), np.ascontiguousarray(image))
    assert (g.message_key, g.accepted) == ("legs_out_of_frame", False), g


def test_zidane_has_no_lower_legs_in_view(shared_data, scenes, mat, estimator, segmenter):
    # Two men, upper bodies only. The pose path alone says the legs are out of the picture;
    # with the segmenter that sees everyone, the second man is reported first.
    _, cal = scenes("scene_1000")
    image = read_image(shared_data / "people/zidane.jpg")
    g = _check(estimator, StanceChecker(cal, mat, still_frames=1), image)
    assert (g.message_key, g.accepted) == ("legs_out_of_frame", False), g
    assert g.text_en.startswith("No lower legs in view")
    g = _check(estimator, StanceChecker(cal, mat, segmenter=segmenter, still_frames=1), image)
    assert (g.message_key, g.accepted) == ("two_people", False), g


# ---- two people ------------------------------------------------------------------------

def test_two_people_side_by_side(scenes, mat, estimator, segmenter):
    """A second person pasted beside the first, to the right and to the left, in every
    scene. None may be accepted; nearly all must say why. (Where the second person
    overlaps the first, the pose model may track the pair as one or move the landmarks;
    the frame is still refused, by another check.)"""
    said_two, cases = 0, 0
    for i, name in enumerate(SCENES):
        scene, cal = scenes(name)
        other, _ = scenes(SCENES[(i + 1) % len(SCENES)])
        img = scene.images_bgr["front"]
        b_img, b_mask = other.images_bgr["front"], other.masks_u8["front"]
        if b_img.shape != img.shape:  # the 4K scenes: pair with a copy at the same size
            continue
        checker = StanceChecker(cal, mat, segmenter=segmenter, still_frames=1)
        for shift in (img.shape[1] * 35 // 100, -img.shape[1] * 35 // 100):
            g = _check(estimator, checker, two_people(img, b_img, b_mask, shift))
            assert not g.accepted, f"{name} shift {shift}: {g}"
            cases += 1
            said_two += g.message_key == "two_people"
    assert cases >= 24 and said_two / cases >= 0.85, f"{said_two} of {cases} said two people"


def test_one_person_is_not_two(scenes, mat, estimator, segmenter):
    # The segmenter must not see a second person in a single person's silhouette
    for name in SCENES[::3]:
        scene, cal = scenes(name)
        checker = StanceChecker(cal, mat, segmenter=segmenter, still_frames=1)
        for view in ("front", "side"):
            g = _check(estimator, checker, scene.images_bgr[view])
            assert g.message_key != "two_people", f"{name} {view}: {g}"


def test_bus_photo_with_several_people(shared_data, scenes, mat, estimator, segmenter):
    _, cal = scenes("scene_1000")
    image = read_image(shared_data / "people/bus.jpg")
    g = _check(estimator, StanceChecker(cal, mat, segmenter=segmenter, still_frames=1), image)
    assert (g.message_key, g.accepted) == ("two_people", False), g


# ---- garments and occluders ----------------------------------------------------------

def test_trousers_on_the_bus_photo_are_caught(shared_data, scenes, mat, estimator):
    # Real trousers (the checker without a segmenter, so the other people do not answer
    # first): the calves are covered.
    _, cal = scenes("scene_1000")
    image = read_image(shared_data / "people/bus.jpg")
    g = _check(estimator, StanceChecker(cal, mat, still_frames=1), image)
    assert (g.message_key, g.accepted) == ("uncover_calves", False), g
    assert "roll your trousers" in g.text_en


@pytest.mark.parametrize("cloth_bgr", [
    # navy
    (70, 45, 30),
    # charcoal
    (45, 45, 45),
    # faded denim
    (150, 110, 80),
])
@pytest.mark.parametrize("view", ["front", "side"])
def test_trousers_over_the_calves_are_caught_in_every_scene(scenes, mat, estimator,
                                                            cloth_bgr, view):
    missed = []
    for name in SCENES:
        scene, cal = scenes(name)
        img = cover_lower_legs(scene.images_bgr[view], scene.masks_u8[view],
                               scene.truth["landmarks_px"][view], cloth_bgr)
        g = _check(estimator, StanceChecker(cal, mat, still_frames=1), img)
        assert not g.accepted, f"{name}: {g}"
        if g.message_key != "uncover_calves":
            missed.append((name, g.message_key))
    assert len(missed) <= 1, missed


@pytest.mark.parametrize("leg, colour_bgr", [
    # a blue box in front of the left ankle
    ("left", (200, 80, 30)),
    # a dark bag in front of the right ankle
    ("right", (30, 30, 35)),
])
def test_a_hidden_ankle_is_caught(scenes, mat, estimator, leg, colour_bgr):
    """An object in front of one ankle. Never accepted in any scene; the message names
    the ankle in nearly all (the object drags the landmarks, and in a few scenes the feet
    then seem off the prints: refused all the same)."""
    named = 0
    for name in SCENES:
        scene, cal = scenes(name)
        img = hide_ankle(scene.images_bgr["front"], scene.truth["landmarks_px"]["front"][leg],
                         colour_bgr)
        g = _check(estimator, StanceChecker(cal, mat, still_frames=1), img)
        assert not g.accepted, f"{name}: {g}"
        named += g.message_key == f"{leg}_ankle_hidden"
    assert named >= 21, f"{named} of 24 named the {leg} ankle"


def test_calves_seen_bare_in_front_are_not_judged_by_colour_side_on(scenes, mat, estimator):
    """One checker judges one shopper: calves accepted bare in the front stance are not
    refused by colour in the side stance (where the far calf is lit unlike the face); a
    checker that never saw the front refuses the same side frame."""
    scene, cal = scenes("scene_1000")
    side = cover_lower_legs(scene.images_bgr["side"], scene.masks_u8["side"],
                            scene.truth["landmarks_px"]["side"], (70, 45, 30))
    fresh = StanceChecker(cal, mat, still_frames=1)
    side_pose = estimator.estimate(Frame(side, 0.0, 0))
    assert fresh.check(Frame(side, 0.0, 0), side_pose, Stance.SIDE).message_key == \
        "uncover_calves"
    shopper = StanceChecker(cal, mat, still_frames=1)
    front = Frame(scene.images_bgr["front"], 0.0, 0)
    assert shopper.check(front, estimator.estimate(front), Stance.FRONT).accepted
    assert shopper.check(Frame(side, 1.0, 1), side_pose, Stance.SIDE).message_key != \
        "uncover_calves"


def test_every_measured_frame_has_its_garments_judged(scenes, mat, estimator):
    """A live camera's frames between two measured ones keep the garment verdict of the
    last judged frame (their colours are not sampled); a frame due to be measured is
    judged afresh, so a calf covered since is refused, not measured."""
    scene, cal = scenes("scene_1000")
    bare = scene.images_bgr["front"]
    covered = cover_lower_legs(bare, scene.masks_u8["front"],
                               scene.truth["landmarks_px"]["front"], (70, 45, 30))
    poses = [estimator.estimate(Frame(im, 0.0, 0)) for im in (bare, covered, covered)]
    measurer = LegMeasurer(cal, mat, FakePoseEstimator(poses),
                           checker_factory=lambda c: StanceChecker(c, mat, still_frames=1),
                           profile_interval_s=0.09)
    first = measurer.add(Frame(bare, 0.0, 0), Stance.FRONT)
    between = measurer.add(Frame(covered, 0.04, 1), Stance.FRONT)
    due = measurer.add(Frame(covered, 0.12, 2), Stance.FRONT)
    assert first.measured
    assert between.accepted and not between.measured
    assert not due.accepted and not due.measured
    assert due.guidance.message_key == "uncover_calves"
    # A checker's first frame is judged even when the caller would skip its colours.
    fresh = StanceChecker(cal, mat, still_frames=1)
    assert fresh.check(Frame(covered, 0.0, 0), poses[1], Stance.FRONT,
                       judge_garments=False).message_key == "uncover_calves"
