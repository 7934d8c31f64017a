"""Stance and guidance: front vs side, feet on the footprints, stillness, bare legs accepted.

Exact geometry first (landmarks projected from known floor positions through the scene's
camera), then the real pose model on all 24 synthetic scenes.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from fitting.measurement import Leg
from fitting.stance import Stance
from vision.fakes import (
    FakePoseEstimator,
    FakeSegmenter,
    SyntheticScene,
    landmarks_from_truth,
)
from vision.segmentation import mask_cover, second_silhouette_share
from vision.stance import (
    GUIDANCE_TEXT_EN,
    Guidance,
    StanceChecker,
    StanceThresholds,
    _across_the_leg,
    frame_basics,
)
from vision.types import BodyLandmarks, Frame, Keypoint, LegLandmarks, PoseResult

SCENES = [f"scene_{i}" for i in range(1000, 1024)]
MESSAGE_KEYS = {"no_person", "two_people", "step_on_footprints", "legs_out_of_frame",
                "left_ankle_hidden", "right_ankle_hidden", "uncover_calves", "too_dark",
                "hold_still", "turn_to_side", "face_camera", "ok", "done"}


@pytest.fixture(scope="module")
def scene_1000(shared_data, mat):
    s = SyntheticScene.load(shared_data / "synthetic-dev" / "scene_1000")
    return s, s.with_floor_pose(mat)


def test_every_agreed_message_key_has_one_sentence():
    assert set(GUIDANCE_TEXT_EN) == MESSAGE_KEYS
    assert all(t.strip() and "\n" not in t for t in GUIDANCE_TEXT_EN.values())
    assert Guidance(Stance.NONE, "too_dark", False).text_en.startswith("Too dark")


# ---- masks: exact areas --------------------------------------------------------------

def _rect_mask(h, w, *boxes):
    m = np.zeros((h, w), np.float32)
    for x0, y0, x1, y1 in boxes:
        m[y0:y1, x0:x1] = 1.0
    return m


@pytest.mark.parametrize("xy, half, expected", [
    # deep inside the person
    ((50, 50), 5, 1.0),
    # on the person's left edge (x=30): of columns 25-35, 30-35 are the person
    ((30, 50), 5, 6 / 11),
    # off the person
    ((5, 5), 3, 0.0),
    # off the image altogether
    ((500, 500), 3, 0.0),
])
def test_mask_cover(xy, half, expected):
    mask = _rect_mask(100, 100, (30, 20, 80, 90))
    assert mask_cover(mask, np.array(xy, float), half) == pytest.approx(expected)
    assert mask_cover(None, np.array(xy, float), half) == 1.0  # no mask, no objection


@pytest.mark.parametrize("everyone_boxes, expected", [
    # the same person only
    ([(40, 20, 60, 180)], 0.0),
    # a second person of the same size beside them
    ([(40, 20, 60, 180), (100, 20, 120, 180)], 1.0),
    # a second, smaller one (a child): 10 x 80 = 1/4 of the 20 x 160 person
    ([(40, 20, 60, 180), (100, 100, 110, 180)], 0.25),
    # a sliver along the tracked person's edge (the masks disagree there): not a person
    ([(38, 20, 62, 180)], 0.0),
])
def test_second_silhouette_share(everyone_boxes, expected):
    person = _rect_mask(200, 160, (40, 20, 60, 180))
    everyone = _rect_mask(200, 160, *everyone_boxes)
    share = second_silhouette_share(everyone, person, None, (160, 200))
    assert share == pytest.approx(expected)
    # With no pose mask, the landmarks' bounding box stands in for the person
    assert second_silhouette_share(everyone, None, (40, 20, 59, 179), (160, 200)) == \
        pytest.approx(expected)


@pytest.mark.slow
@pytest.mark.parametrize("segment_every, calls", [
    # every frame segmented (photos)
    (1, 6),
    # a live camera: every third frame, the verdict kept in between
    (3, 2),
])
def test_segmenter_runs_every_nth_frame(scene_1000, mat, estimator, segment_every, calls):
    scene, cal = scene_1000
    image = scene.images_bgr["front"]
    pose = estimator.estimate(Frame(image, 0.0, 0))
    seg = FakeSegmenter(lambda f: (np.roll(pose.mask, 400, axis=1) + pose.mask).clip(0, 1))
    counted = {"n": 0}

    def segment(frame):
        counted["n"] += 1
        return seg.segment(frame)

    seg_counting = FakeSegmenter(segment)
    checker = StanceChecker(cal, mat, segmenter=seg_counting, still_frames=1,
                            segment_every=segment_every)
    keys = [checker.check(Frame(image, i / 15, i), pose).message_key for i in range(6)]
    # Someone stands 400 px beside the shopper: every frame says so, segmented or not
    assert keys == ["two_people"] * 6
    assert counted["n"] == calls


# ---- exact geometry: feet placed on the floor in millimetres, projected by the camera ---

def _feet_landmarks(cal, feet_mm: dict[Leg, tuple[tuple[float, float], tuple[float, float]]],
                    size_wh) -> BodyLandmarks:
    """Landmarks of a person whose heels and toes stand at the given floor points (mm).

    Heel landmark 30 mm and toe 10 mm above the floor (as the checker assumes), ankle 80 mm
    above the heel, knee 480 mm; a frontal upper body above.
    """
    w, h = size_wh

    def kp(p_mm) -> Keypoint:
        x, y = cal.project_mm(np.array([p_mm], float))[0]
        return Keypoint(float(x), float(y), 0.95, bool(0 <= x < w and 0 <= y < h))

    legs = {}
    for leg, (heel, toe) in feet_mm.items():
        hx, hy = heel
        legs[leg] = LegLandmarks(hip=kp((hx, hy + 40, 900)), knee=kp((hx, hy + 40, 500)),
                                 ankle=kp((hx, hy + 40, 80)), heel=kp((hx, hy, 30)),
                                 toe=kp((*toe, 10)))
    return BodyLandmarks(left=legs[Leg.LEFT], right=legs[Leg.RIGHT], nose=kp((0, 100, 1650)),
                         left_shoulder=kp((180, 100, 1450)),
                         right_shoulder=kp((-180, 100, 1450)))


def _on_prints(mat, stance: str, shift_mm=(0.0, 0.0), turn_deg: float = 0.0):
    """Heel and toe floor points of the stance's footprints, shifted and turned."""
    feet = {}
    c, s = np.cos(np.radians(turn_deg)), np.sin(np.radians(turn_deg))
    for leg in Leg:
        fp = mat.stance(stance).foot(leg)
        heel = np.add(fp.heel_xy_mm, shift_mm)
        d = np.subtract(fp.toe_xy_mm, fp.heel_xy_mm)
        toe = heel + np.array([c * d[0] - s * d[1], s * d[0] + c * d[1]])
        feet[leg] = (tuple(heel), tuple(toe))
    return feet


@pytest.mark.parametrize("stance, shift_mm, turn_deg, expected_stance, on_prints", [
    # exactly on the front footprints
    ("front", (0, 0), 0, Stance.FRONT, True),
    # exactly on the side footprints
    ("side", (0, 0), 0, Stance.SIDE, True),
    # 60 mm to the side of the front prints: people never stand exactly; still fine
    ("front", (60, 0), 0, Stance.FRONT, True),
    # 80 mm behind the side prints: fine
    ("side", (0, 80), 0, Stance.SIDE, True),
    # 250 mm to the right of the front prints: off the footprints
    ("front", (250, 0), 0, Stance.FRONT, False),
    # 200 mm in front of (toward the camera) the side prints: off
    ("side", (0, -200), 0, Stance.SIDE, False),
    # front prints, feet turned 30 degrees out: still the front stance, and on the prints
    ("front", (0, 0), 30, Stance.FRONT, True),
    # side stance turned the wrong way (toes toward -x, left side to the camera): no stance
    ("side", (0, 0), 180, Stance.NONE, False),
])
def test_stance_and_footprints_from_exact_geometry(scene_1000, mat, stance, shift_mm,
                                                   turn_deg, expected_stance, on_prints):
    scene, cal = scene_1000
    lm = _feet_landmarks(cal, _on_prints(mat, stance, shift_mm, turn_deg), scene.size_wh())
    checker = StanceChecker(cal, mat, still_frames=1)
    got, detail = checker.classify(lm)
    assert got is expected_stance, detail
    if expected_stance is not Stance.NONE:
        assert (checker.footprint_check(lm, expected_stance) is None) == on_prints


def test_a_foot_with_one_end_astray_is_still_on_its_print(scene_1000, mat):
    # Side-on the far heel stands behind the near foot's toes and its landmark is a guess:
    # 150 mm off while the toe is on its print. One end on the print keeps the foot on it;
    # both ends off (the whole foot 200 mm forward) do not.
    scene, cal = scene_1000
    checker = StanceChecker(cal, mat, still_frames=1)
    feet = _on_prints(mat, "side")
    heel, toe = feet[Leg.LEFT]
    feet[Leg.LEFT] = ((heel[0], heel[1] - 150.0), toe)
    lm = _feet_landmarks(cal, feet, scene.size_wh())
    assert checker.footprint_check(lm, Stance.SIDE) is None
    forward = _feet_landmarks(cal, _on_prints(mat, "side", (0, -200)), scene.size_wh())
    assert "mm from its footprint" in checker.footprint_check(forward, Stance.SIDE)


def test_a_foot_seen_too_short_to_have_a_direction_is_not_judged_turned(scene_1000, mat):
    # Heel and toe landmarks 100 mm apart (the pose model losing the foot) pointing 60 deg
    # off the print: no foot is that short, so its direction is not judged; a foot seen
    # whole and turned 60 deg is.
    scene, cal = scene_1000
    checker = StanceChecker(cal, mat, still_frames=1)
    feet = _on_prints(mat, "front")
    heel, _ = feet[Leg.RIGHT]
    c, s = np.cos(np.radians(60)), np.sin(np.radians(60))
    short = {**feet, Leg.RIGHT: (heel, (heel[0] + 100 * s, heel[1] - 100 * c))}
    whole = {**feet, Leg.RIGHT: (heel, (heel[0] + 260 * s, heel[1] - 260 * c))}
    assert checker.footprint_check(_feet_landmarks(cal, short, scene.size_wh()),
                                   Stance.FRONT) is None
    assert "turned" in checker.footprint_check(_feet_landmarks(cal, whole, scene.size_wh()),
                                               Stance.FRONT)


@pytest.mark.parametrize(("visibility", "stance", "key"), [
    (0.4, Stance.SIDE, None),                  # the far ankle half behind the near foot
    (0.2, Stance.SIDE, "left_ankle_hidden"),   # lost altogether
    (0.4, Stance.FRONT, "left_ankle_hidden"),  # facing the camera both ankles are clear
])
def test_an_ankle_the_pose_model_rates_low_side_on_is_not_taken_for_hidden(
        scene_1000, mat, visibility, stance, key):
    scene, cal = scene_1000
    lm = _feet_landmarks(cal, _on_prints(mat, stance.value), scene.size_wh())
    left = dataclasses.replace(lm.left, ankle=dataclasses.replace(lm.left.ankle,
                                                                  visibility=visibility))
    pose = PoseResult(dataclasses.replace(lm, left=left), np.ones((4, 4), np.float32))
    frame = Frame(scene.images_bgr["front"], 0.0, 0)
    assert frame_basics(frame, pose, stance) == key


def test_legs_the_pose_model_swapped_are_swapped_back(scene_1000, mat):
    scene, cal = scene_1000
    checker = StanceChecker(cal, mat, still_frames=1)
    lm = _feet_landmarks(cal, _on_prints(mat, "side"), scene.size_wh())
    swapped = dataclasses.replace(lm, left=lm.right, right=lm.left)
    assert checker.footprint_check(swapped, Stance.SIDE) is not None
    fixed = checker.legs_on_their_prints(PoseResult(swapped, None), Stance.SIDE).landmarks
    assert fixed.left == lm.left and fixed.right == lm.right
    assert checker.footprint_check(fixed, Stance.SIDE) is None
    # Legs named right stay as they are.
    kept = checker.legs_on_their_prints(PoseResult(lm, None), Stance.SIDE).landmarks
    assert kept is lm


@pytest.mark.parametrize("scene", SCENES)
def test_truth_landmarks_classify_and_stand_on_the_prints(shared_data, mat, scene):
    # The scenes' own knee/ankle/heel/toe truth: right stance, on the prints, every scene
    s = SyntheticScene.load(shared_data / "synthetic-dev" / scene)
    checker = StanceChecker(s.with_floor_pose(mat), mat, still_frames=1)
    for view, stance in (("front", Stance.FRONT), ("side", Stance.SIDE)):
        lm = landmarks_from_truth(s.truth, view, s.size_wh())
        got, detail = checker.classify(lm)
        assert got is stance, f"{scene} {view}: {detail}"
        assert checker.footprint_check(lm, stance) is None
        other = Stance.SIDE if stance is Stance.FRONT else Stance.FRONT
        assert checker.footprint_check(lm, other) is not None


# ---- the real pose model on every scene -------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("scene", SCENES)
def test_bare_legs_on_the_prints_are_accepted_in_both_views(shared_data, mat, estimator, scene):
    """Every synthetic view (bare lower legs, on the prints) is accepted, in the right
    stance; asked for the other stance, the shopper is told to turn."""
    s = SyntheticScene.load(shared_data / "synthetic-dev" / scene)
    cal = s.with_floor_pose(mat)
    for view, stance, wrong_key in (("front", Stance.FRONT, "turn_to_side"),
                                    ("side", Stance.SIDE, "face_camera")):
        frame = Frame(s.images_bgr[view], 0.0, 0)
        pose = estimator.estimate(frame)
        checker = StanceChecker(cal, mat, still_frames=1)
        g = checker.check(frame, pose, expected=stance)
        assert (g.message_key, g.stance, g.accepted) == ("ok", stance, True), \
            f"{scene} {view}: {g}"
        other = Stance.SIDE if stance is Stance.FRONT else Stance.FRONT
        g = checker.check(frame, pose, expected=other)
        assert (g.message_key, g.accepted) == (wrong_key, False), f"{scene} {view}: {g}"


@pytest.mark.slow
@pytest.mark.parametrize("scene", ["scene_1001", "scene_1010", "scene_1017"])  # palest calves
@pytest.mark.parametrize("exposure", [0.5, 1.35])
def test_bare_legs_are_accepted_however_the_camera_exposes_them(shared_data, mat, estimator,
                                                                scene, exposure):
    """Half the light, or a third more (pale skin near white), is no garment: shading
    scales calf and face alike, and the colour check compares their ratio."""
    s = SyntheticScene.load(shared_data / "synthetic-dev" / scene)
    cal = s.with_floor_pose(mat)
    for view, stance in (("front", Stance.FRONT), ("side", Stance.SIDE)):
        image = np.clip(s.images_bgr[view] * exposure, 0, 255).astype(np.uint8)
        frame = Frame(image, 0.0, 0)
        g = StanceChecker(cal, mat, still_frames=1).check(frame, estimator.estimate(frame),
                                                          expected=stance)
        assert (g.message_key, g.accepted) == ("ok", True), f"{scene} {view} x{exposure}: {g}"


# ---- stillness ------------------------------------------------------------------------

def _shifted(image, result: PoseResult, dx_px: int) -> tuple[np.ndarray, PoseResult]:
    """The person (image, mask and landmarks together) moved ``dx_px`` to the right."""
    def mv(k: Keypoint) -> Keypoint:
        return dataclasses.replace(k, x_px=k.x_px + dx_px)

    lm = result.landmarks
    legs = {g: LegLandmarks(*(mv(k) for k in lm.leg(g).all())) for g in Leg}
    moved = PoseResult(BodyLandmarks(legs[Leg.LEFT], legs[Leg.RIGHT], mv(lm.nose),
                                     mv(lm.left_shoulder), mv(lm.right_shoulder)),
                       np.roll(result.mask, dx_px, axis=1))
    return np.roll(image, dx_px, axis=1), moved


@pytest.mark.slow
@pytest.mark.parametrize("shifts_px, expected", [
    # three identical frames: still, accepted on the third
    ([0, 0, 0], ["hold_still", "hold_still", "ok"]),
    # a pixel of jitter (far below 4 % of the ~350 px shank): still
    ([0, 1, -1], ["hold_still", "hold_still", "ok"]),
    # 30 px sway (9 % of the shank): hold still, however long it goes on
    ([0, 30, 0, 30], ["hold_still"] * 4),
    # moving, then settling: accepted once the last three frames agree
    ([0, 30, 30, 30, 30], ["hold_still"] * 3 + ["ok"] * 2),
])
def test_hold_still_until_frames_agree(scene_1000, mat, estimator, shifts_px, expected):
    scene, cal = scene_1000
    image = scene.images_bgr["front"]
    base = estimator.estimate(Frame(image, 0.0, 0))
    moved = [_shifted(image, base, dx) for dx in shifts_px]
    fake = FakePoseEstimator([m[1] for m in moved], cycle=False)
    # This test is about stillness: the footprints may be missed by the sway.
    wide = StanceThresholds(footprint_tolerance_mm=1000.0)
    checker = StanceChecker(cal, mat, still_frames=3, thresholds=wide)
    keys = []
    for i, (img, _) in enumerate(moved):
        frame = Frame(img, i / 15, i)
        keys.append(checker.check(frame, fake.estimate(frame), Stance.FRONT).message_key)
    assert keys == expected


@pytest.mark.slow
def test_a_gap_in_time_restarts_the_stillness_count(scene_1000, mat, estimator):
    scene, cal = scene_1000
    image = scene.images_bgr["front"]
    pose = estimator.estimate(Frame(image, 0.0, 0))
    checker = StanceChecker(cal, mat, still_frames=2)
    assert checker.check(Frame(image, 0.0, 0), pose).message_key == "hold_still"
    assert checker.check(Frame(image, 0.1, 1), pose).message_key == "ok"
    # Two seconds without a frame (the shopper left?): count again
    assert checker.check(Frame(image, 2.1, 2), pose).message_key == "hold_still"
    checker.reset()
    assert checker.check(Frame(image, 2.2, 3), pose).message_key == "hold_still"


# ---- bare calves sampled across the leg --------------------------------------------------

def _run_through(mask: np.ndarray, x: int, y: int) -> tuple[int, int]:
    """The first and last column of the silhouette's run on row ``y`` through ``x``."""
    row = mask[y] > 0.5
    left = right = x
    while left > 0 and row[left - 1]:
        left -= 1
    while right < len(row) - 1 and row[right + 1]:
        right += 1
    return left, right


@pytest.mark.slow
def test_a_bare_calf_seen_along_its_shaded_side_is_not_taken_for_cloth(shared_data, mat,
                                                                       estimator):
    """The knee-to-ankle line can run along a calf's shaded side (half the light, as a
    leg turned from the key light shows it): the colour samples are taken across the
    silhouette's middle, so a bare calf still matches the face's skin and its ankle."""
    s = SyntheticScene.load(shared_data / "synthetic-dev" / "scene_1001")
    image = s.images_bgr["front"].copy()
    pose = estimator.estimate(Frame(image, 0.0, 0))
    lm = pose.landmarks
    legs = {}
    for leg in Leg:
        ll = lm.leg(leg)
        knee, ankle = ll.knee.xy_px, ll.ankle.xy_px
        mid_y = int(knee[1] + 0.45 * (ankle[1] - knee[1]))
        left, right = _run_through(pose.mask, round((knee[0] + ankle[0]) / 2), mid_y)
        # The knee moved to one side, the ankle kept: mid-calf, the line runs 0.35 of the
        # calf's width off its middle, in the shade of its outer 0.3.
        dx_knee = ((left + right) / 2 + 0.35 * (right - left) - (knee[0] + ankle[0]) / 2) / 0.55
        for y in range(int(knee[1] + 0.15 * (ankle[1] - knee[1])),
                       int(knee[1] + 0.8 * (ankle[1] - knee[1]))):
            a, b = _run_through(pose.mask, round(ankle[0]), y)
            shade_from = int((a + b) / 2 + 0.2 * (b - a))
            image[y, shade_from:b + 1] = (image[y, shade_from:b + 1] * 0.5).astype(np.uint8)
        legs[leg] = LegLandmarks(*(dataclasses.replace(k, x_px=k.x_px + dx_knee)
                                   if k is ll.knee else k for k in ll.all()))
    shaded_side = BodyLandmarks(legs[Leg.LEFT], legs[Leg.RIGHT], lm.nose, lm.left_shoulder,
                                lm.right_shoulder)
    scores = StanceChecker(s.with_floor_pose(mat), mat, still_frames=1).garment_scores(
        image, PoseResult(shaded_side, pose.mask), shaded_side)
    # Covered takes a calf unlike the face's skin (and unlike its own ankle): 15.7 and 4.9
    # here, as without the shade (54-56 sampled on the line).
    limit = StanceThresholds().covered_distance
    assert all(scores[leg]["calf"] < limit for leg in Leg), scores


@pytest.mark.parametrize(("runs", "x", "expected_x"), [
    ([(100, 200)], 180, 150.0),              # one calf 100 px wide: its middle
    ([(100, 160), (170, 230)], 150, 130.0),  # two legs apart: the middle of its own
    ([(100, 340)], 180, 180.0),              # legs touching (240 px > 0.45 shanks): kept
    ([(100, 200)], 250, 250.0),              # off the person: kept
])
def test_colour_samples_move_to_the_middle_of_their_leg(runs, x, expected_x):
    mask = np.zeros((50, 500), np.float32)
    for a, b in runs:
        mask[:, a:b + 1] = 1.0
    moved = _across_the_leg(mask, np.array([float(x), 20.0]), shank_px=400.0)
    assert moved[0] == pytest.approx(expected_x) and moved[1] == 20.0


# ---- side-on legs the pose model merged -----------------------------------------------

def _merged(lm: BodyLandmarks, mask: np.ndarray) -> BodyLandmarks:
    """The side view as the pose model gives it when it merges the legs: each foot from
    the back heel to the front toe, both ankles in the gap between the legs, off the
    person."""
    heels = sorted((lm.leg(g).heel for g in Leg), key=lambda k: k.x_px)
    toes = sorted((lm.leg(g).toe for g in Leg), key=lambda k: k.x_px)
    ankle = lm.left.ankle
    shank = float(np.linalg.norm(lm.left.knee.xy_px - ankle.xy_px))
    y = round(ankle.y_px - 0.1 * shank)
    off = np.flatnonzero(mask[y] <= 0.5)
    x = off[np.argmin(np.abs(off - 0.5 * (lm.left.ankle.x_px + lm.right.ankle.x_px)))]
    legs = {g: dataclasses.replace(lm.leg(g), heel=heels[0], toe=toes[-1],
                                   ankle=dataclasses.replace(ankle, x_px=float(x),
                                                             y_px=float(y)))
            for g in Leg}
    return dataclasses.replace(lm, left=legs[Leg.LEFT], right=legs[Leg.RIGHT])


@pytest.fixture(scope="module")
def side_view(scene_1000, estimator):
    """The side frame of scene 1000 and the pose model's reading of it."""
    frame = Frame(scene_1000[0].images_bgr["side"], 0.0, 0)
    return frame, estimator.estimate(frame)


@pytest.mark.slow
def test_side_on_legs_the_pose_model_merged_are_found_on_their_prints(scene_1000, mat,
                                                                        side_view):
    frame, pose = side_view
    merged = PoseResult(_merged(pose.landmarks, pose.mask), pose.mask)
    checker = StanceChecker(scene_1000[1], mat, still_frames=1)
    assert checker.check(frame, merged, Stance.SIDE).message_key == "legs_out_of_frame"
    found = checker.ankles_on_their_feet(merged, Stance.SIDE)
    assert checker.check(frame, found, Stance.SIDE).message_key == "ok"
    for leg in Leg:
        own, seeded = pose.landmarks.leg(leg), found.landmarks.leg(leg)
        shank = float(np.linalg.norm(own.knee.xy_px - own.ankle.xy_px))
        assert np.linalg.norm(seeded.ankle.xy_px - own.ankle.xy_px) < 0.1 * shank, leg
    # Facing the camera nothing is moved; ankles on the silhouette are kept.
    assert checker.ankles_on_their_feet(merged, Stance.FRONT) is merged
    assert checker.ankles_on_their_feet(pose, Stance.SIDE) is pose


@pytest.mark.slow
def test_a_merged_side_view_with_an_object_before_the_feet_stays_refused(scene_1000, mat,
                                                                         side_view):
    frame, pose = side_view
    hidden = pose.mask.copy()
    lowest_ankle_y = max(pose.landmarks.leg(g).ankle.y_px for g in Leg)
    shank = float(np.linalg.norm(pose.landmarks.left.knee.xy_px
                                 - pose.landmarks.left.ankle.xy_px))
    hidden[round(lowest_ankle_y - 0.25 * shank):] = 0.0  # a box before both feet
    merged = PoseResult(_merged(pose.landmarks, pose.mask), hidden)
    checker = StanceChecker(scene_1000[1], mat, still_frames=1)
    found = checker.ankles_on_their_feet(merged, Stance.SIDE)
    assert found is merged
    assert checker.check(frame, found, Stance.SIDE).message_key == "legs_out_of_frame"
