"""Where the front stance puts a leg's depth: the print, checked by the toe seen on the floor.

Given: a foot of known length standing on its front footprint or off it, its toe tip's
rounded front and its ankle and knee projected through an exact camera.
When: the front axis is placed from those pixels.
Then: on the print the axis stands where the print says; off the print it follows the
foot, where the print alone would be off by the whole distance.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from calibration.mat import load_mat_spec
from fitting.measurement import Leg
from tests.vision.render_cylinders import reference_camera
from vision.foot_placement import (
    ON_PRINT_SD_MM,
    TOE_FRONT_HEIGHT_MM,
    foot_length_from_knee_mm,
    heel_from_print_and_toe,
)
from vision.geometry import ANKLE_SHARE_OF_FOOT, FRONT_SHANK_LEAN_DEG, floor_point, front_axis

MAT = load_mat_spec()
KNEE_MM = 520.0


def test_no_toe_or_an_implausible_one_leaves_the_heel_on_its_print():
    for reading in (None, foot_length_from_knee_mm(KNEE_MM) + 400.0):
        heel = heel_from_print_and_toe(reading, KNEE_MM)
        assert heel.shift_mm == 0.0 and heel.sd_mm == ON_PRINT_SD_MM


def test_a_toe_that_agrees_with_the_print_keeps_the_heel_near_it():
    # The toe says 10 mm off: within what foot lengths vary by, so the print dominates.
    heel = heel_from_print_and_toe(foot_length_from_knee_mm(KNEE_MM) + 10.0, KNEE_MM)
    assert 0.0 < heel.shift_mm < 4.0
    assert heel.off_print_probability < 0.1
    assert heel.sd_mm < ON_PRINT_SD_MM


@pytest.mark.parametrize("off_mm", [-60.0, 60.0])
def test_a_toe_far_off_the_print_moves_the_heel_with_it(off_mm):
    heel = heel_from_print_and_toe(foot_length_from_knee_mm(KNEE_MM) + off_mm, KNEE_MM)
    assert heel.off_print_probability > 0.9
    assert abs(heel.shift_mm - off_mm) < 6.0
    assert heel.sd_mm > 10.0  # the foot's length is a population figure, not measured


def _front_axis_for(leg: Leg, heel_off_mm: float, foot_extra_mm: float = 0.0,
                    turned_out_deg: float = 0.0):
    """The front axis of a shank whose heel stands ``heel_off_mm`` toward the toe from its
    print, with a foot ``foot_extra_mm`` longer than the population's for its knee, its
    toes turned ``turned_out_deg`` away from the body's midline about the heel.
    Returns the axis and the true ankle-axis floor point."""
    calibration = reference_camera()
    fp = MAT.stance("front").foot(leg)
    print_dir = np.array([*fp.direction_xy, 0.0])
    heel = np.array([*fp.heel_xy_mm, 0.0]) + print_dir * heel_off_mm
    # Facing the camera (-y), the left foot is on the camera's right: out is +x.
    out = math.radians(turned_out_deg) * (1.0 if leg is Leg.LEFT else -1.0)
    c, s = math.cos(out), math.sin(out)
    toward_toe = np.array([c * print_dir[0] - s * print_dir[1],
                           s * print_dir[0] + c * print_dir[1], 0.0])
    if turned_out_deg:
        assert (toward_toe[0] - print_dir[0]) * out > 0  # the toes did turn outward
    foot_mm = foot_length_from_knee_mm(KNEE_MM) + foot_extra_mm
    ankle_floor = heel + toward_toe * ANKLE_SHARE_OF_FOOT * foot_mm
    ankle = ankle_floor + np.array([0.0, 0.0, 85.0])
    lean = math.tan(math.radians(FRONT_SHANK_LEAN_DEG))
    knee = ankle_floor + toward_toe * lean * (KNEE_MM - 85.0) + np.array([0.0, 0.0, KNEE_MM])
    toe_front = heel + toward_toe * foot_mm + np.array([0.0, 0.0, TOE_FRONT_HEIGHT_MM])
    ankle_px, knee_px, toe_px = calibration.project_mm(np.stack([ankle, knee, toe_front]))
    axis = front_axis(calibration, MAT, leg, ankle_px, knee_px,
                      floor_point(calibration, toe_px, TOE_FRONT_HEIGHT_MM))
    return axis, ankle_floor


@pytest.mark.parametrize("leg", list(Leg))
def test_front_axis_on_the_print_stands_at_the_ankle(leg):
    axis, ankle_floor = _front_axis_for(leg, 0.0)
    depth_error = axis.point_at(85.0)[1] - ankle_floor[1]
    assert abs(depth_error) < 2.0
    assert axis.depth_sd_mm < ON_PRINT_SD_MM


@pytest.mark.parametrize("off_mm", [-50.0, 50.0])
def test_front_axis_follows_a_foot_off_its_print(off_mm):
    axis, ankle_floor = _front_axis_for(Leg.LEFT, off_mm)
    depth_error = axis.point_at(85.0)[1] - ankle_floor[1]
    # The print alone would put the ankle (1 - ANKLE_SHARE_OF_FOOT) x 50 = 39 mm off (~2 %
    # of every width); the toe takes back at least three quarters of that. The rest is the
    # prior's pull toward the print and the knee read at the print's depth.
    print_alone_mm = (1 - ANKLE_SHARE_OF_FOOT) * abs(off_mm)
    assert abs(depth_error) < 0.3 * print_alone_mm


@pytest.mark.parametrize("leg", list(Leg))
def test_feet_turned_out_on_their_prints_stay_on_the_prints(leg):
    # Most people stand with their toes turned out. A foot turned 25 degrees about its heel
    # brings its toe ~26 mm nearer the heel along the print (1 - cos 25 of its length),
    # which read along the print alone says "heel 26 mm off"; the toe's distance from the
    # printed heel does not change with the turn.
    axis, ankle_floor = _front_axis_for(leg, 0.0, turned_out_deg=25.0)
    assert abs(axis.point_at(85.0)[1] - ankle_floor[1]) < 2.0


def test_a_long_foot_on_its_print_stays_on_the_print():
    # A foot 15 mm longer than its knee predicts reads as a heel 15 mm forward of where it
    # is; the toe alone would put the ankle ~12 mm off. The print, which the shopper does
    # stand on, holds the axis to well under half of that.
    axis, ankle_floor = _front_axis_for(Leg.RIGHT, 0.0, foot_extra_mm=15.0)
    toe_alone_mm = (1 - ANKLE_SHARE_OF_FOOT) * 15.0
    assert abs(axis.point_at(85.0)[1] - ankle_floor[1]) < 0.5 * toe_alone_mm
