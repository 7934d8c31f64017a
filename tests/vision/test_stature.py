"""The stature from the side view's silhouette, and the knee point it predicts.

- The prior's constants are ANSUR II's own regression of mid-patella height on stature
  (recomputed from the survey here, so a changed constant fails).
- A person's silhouette drawn with the reference camera: its head top stands at a known
  height in the body's plane, and the reading returns it to within a pixel's worth; a hat
  on it, a hand raised over it, a head cut off by the frame and no nose give no reading.
- The two knee estimates combine by inverse variance: the sd falls below both, the height
  lies between them nearer the surer one.
- Measured from the real pose model on the development scenes, the stature lands within
  15 mm of each body's height.
"""

from __future__ import annotations

import csv
import json
import math

import cv2
import numpy as np
import pytest

from calibration.calibration_file import load_calibration
from tests.vision.render_cylinders import reference_camera
from vision.geometry import LegAxis
from vision.stature import (
    KNEE_AT_ZERO_STATURE_MM,
    KNEE_FROM_STATURE_SD_MM,
    KNEE_PER_STATURE,
    KneeEstimate,
    StatureReading,
    combined_knee,
    knee_from_stature,
    side_view_stature,
    stature_of,
)
from vision.types import Keypoint

BODY_PLANE_Y_MM = 40.0
AXES = [LegAxis(np.array([x, BODY_PLANE_Y_MM, 0.0]), np.array([0.0, 0.0, 1.0]))
        for x in (-60.0, 60.0)]


def test_the_knee_prior_is_ansur_ii_regression(shared_data):
    stature, knee = [], []
    for sex in ("MALE", "FEMALE"):
        path = shared_data / "anthropometry" / "ansur2" / f"ANSUR_II_{sex}_Public.csv"
        with path.open(encoding="latin-1") as f:
            for row in csv.DictReader(f):
                stature.append(float(row["stature"]))
                knee.append(float(row["kneeheightmidpatella"]))
    slope, intercept = np.polyfit(stature, knee, 1)
    residual = np.asarray(knee) - (slope * np.asarray(stature) + intercept)
    assert len(stature) == 6068
    assert abs(KNEE_PER_STATURE - slope) < 5e-4
    assert abs(KNEE_AT_ZERO_STATURE_MM - intercept) < 0.5
    assert abs(KNEE_FROM_STATURE_SD_MM - residual.std()) < 0.1


def _silhouette(camera, head_top_mm: float, nose_mm: float, hat_mm: float = 0.0,
                hand_mm: float = 0.0, shift_px: int = 0):
    """A side-on person's mask: a body column in the body plane up to ``head_top_mm``
    (a hat adds to it), and the nose keypoint at ``nose_mm``."""
    w, h = camera.intrinsics.image_size_wh
    x_mm = 0.0

    def px(x: float, z: float) -> np.ndarray:
        return camera.project_mm(np.array([[x, BODY_PLANE_Y_MM, z]]))[0]

    mask = np.zeros((h, w), np.float32)
    body = np.array([px(-120, 0), px(120, 0), px(120, head_top_mm - 60), px(80, head_top_mm),
                     px(-80, head_top_mm), px(-120, head_top_mm - 60)])
    cv2.fillPoly(mask, [np.round(body).astype(np.int32)], 1.0)
    if hat_mm:
        hat = np.array([px(-90, head_top_mm - 5), px(90, head_top_mm - 5),
                        px(90, head_top_mm + hat_mm), px(-90, head_top_mm + hat_mm)])
        cv2.fillPoly(mask, [np.round(hat).astype(np.int32)], 1.0)
    if hand_mm:
        arm = np.array([px(100, head_top_mm - 300), px(150, head_top_mm - 300),
                        px(150, head_top_mm + hand_mm), px(100, head_top_mm + hand_mm)])
        cv2.fillPoly(mask, [np.round(arm).astype(np.int32)], 1.0)
    if shift_px:
        mask = np.roll(mask, -shift_px, axis=0)
        mask[-shift_px:] = 0.0
    nose = px(x_mm + 90.0, nose_mm)
    return mask, Keypoint(float(nose[0]), float(nose[1]) - shift_px, 0.99, True)


def test_the_head_top_in_the_body_plane_is_the_stature():
    camera = reference_camera()
    for height in (1520.0, 1685.0, 1850.0):
        mask, nose = _silhouette(camera, height, height - 135.0)
        reading = side_view_stature(camera, mask, nose, AXES)
        assert reading.stature_mm is not None, reading.reason
        mm_per_px = 2240.0 / camera.intrinsics.fy
        assert abs(reading.stature_mm - height) < 1.5 * mm_per_px


@pytest.mark.parametrize(("what", "kwargs", "reason"), [
    ("a hat", {"hat_mm": 110.0}, "a hat, hair or a hand"),
    ("a hand over the head", {"hand_mm": 150.0}, "a hat, hair or a hand"),
])
def test_what_is_not_the_head_gives_no_stature(what, kwargs, reason):
    camera = reference_camera()
    mask, nose = _silhouette(camera, 1700.0, 1565.0, **kwargs)
    reading = side_view_stature(camera, mask, nose, AXES)
    assert reading.stature_mm is None, what
    assert reason in reading.reason


def test_a_head_cut_off_or_no_nose_gives_no_stature():
    camera = reference_camera()
    mask, nose = _silhouette(camera, 1700.0, 1565.0)
    top = int(np.flatnonzero(mask.any(axis=1))[0])
    cut, cut_nose = _silhouette(camera, 1700.0, 1565.0, shift_px=top + 5)
    assert "cut off" in side_view_stature(camera, cut, cut_nose, AXES).reason
    unseen = Keypoint(nose.x_px, nose.y_px, 0.1, True)
    assert side_view_stature(camera, mask, unseen, AXES).stature_mm is None
    assert side_view_stature(camera, mask, nose, []).stature_mm is None


def test_the_median_of_the_frames_that_read_one():
    readings = [StatureReading(1700.0), StatureReading(None, "nose not seen"),
                StatureReading(1710.0), StatureReading(1690.0)]
    assert stature_of(readings) == 1700.0
    assert stature_of([StatureReading(None, "no leg axis")]) is None


def test_the_two_knees_combine_by_inverse_variance():
    landmark = KneeEstimate(500.0, 21.0)
    prior = knee_from_stature(1700.0)
    assert prior.height_mm == pytest.approx(0.3268 * 1700 - 84.7 + 16.8)
    both = combined_knee(landmark, prior)
    assert both.sd_mm < min(landmark.sd_mm, prior.sd_mm)
    assert both.sd_mm == pytest.approx(1 / math.sqrt(1 / 21.0 ** 2 + 1 / prior.sd_mm ** 2))
    # Between the two, nearer the surer (the stature's, sd ~15 mm).
    assert abs(both.height_mm - prior.height_mm) < abs(both.height_mm - landmark.height_mm)
    assert min(landmark.height_mm, prior.height_mm) < both.height_mm < max(
        landmark.height_mm, prior.height_mm)
    assert combined_knee(landmark, None) == landmark


@pytest.mark.slow
def test_the_development_scenes_statures(shared_data, estimator, mat):
    """The real pose model's mask and nose on the side views of the development scenes."""
    from fitting.stance import Stance
    from vision.measurer import LegMeasurer
    from vision.sources import read_image
    from vision.types import Frame

    errors = []
    for scene in sorted((shared_data / "synthetic-dev").glob("scene_*")):
        truth = json.loads((scene / "truth.json").read_text())
        measurer = LegMeasurer(load_calibration(scene / "calibration.json"), mat, estimator)
        for view, stance in (("front", Stance.FRONT), ("side", Stance.SIDE)):
            measurer.add(Frame(read_image(scene / f"{view}.png"), 0.0, 0), stance)
        stature = measurer.result().diagnostics["stature"]["stature_mm"]
        assert stature is not None, scene.name
        errors.append(stature - truth["height_mm"])
    assert len(errors) >= 20
    assert max(abs(e) for e in errors) < 15.0
    assert abs(float(np.median(errors))) < 5.0
