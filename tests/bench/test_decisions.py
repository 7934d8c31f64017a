"""The decisions benchmark's yardstick: what counts as right, wrong, staff or missed."""

from bench.decisions import all_no, judge, truth_measurement
from fitting.catalogue import load_catalogue
from fitting.measurement import LegMeasurement, Measurement, MeasurementSource
from fitting.recommend import decide

CATALOGUE = load_catalogue()


def _truth(ankle, calf, length=480.0, right_calf=None):
    return {"left": {"ankle_mm": ankle, "calf_mm": calf, "knee_high_length_mm": length},
            "right": {"ankle_mm": ankle, "calf_mm": right_calf or calf,
                      "knee_high_length_mm": length}}


def _camera(ankle, calf, length=480.0, sd=1.0, right_calf=None):
    def leg(c):
        return LegMeasurement(ankle, c, length, sd, sd, 5.0)

    return Measurement(leg(calf), leg(right_calf or calf), MeasurementSource.CAMERA)


def _judge(camera: Measurement | None, truth: dict):
    exact = decide(truth_measurement(truth), all_no(), CATALOGUE)
    answer = None if camera is None else decide(camera, all_no(), CATALOGUE)
    return judge(answer, exact, CATALOGUE, truth)


def test_a_size_that_holds_the_true_legs_within_the_tolerance_is_right():
    # Camera 214 (S, 200-215), truth 216.5: 1.5 mm past S, inside the 3 mm a fitter accepts.
    assert _judge(_camera(214.0, 350.0), _truth(216.5, 350.0)) == ("right", "")


def test_a_size_too_small_for_the_true_ankle_is_a_wrong_fit_that_says_so():
    verdict, detail = _judge(_camera(210.0, 350.0), _truth(222.0, 350.0))
    assert verdict == "wrong fit"
    assert "left ankle too small by 4.0 mm" in detail and "right ankle" in detail


def test_a_staff_check_is_not_decided():
    verdict, _ = _judge(_camera(214.9, 350.0, sd=4.0), _truth(214.0, 350.0))
    assert verdict == "staff check"


def test_a_clot_the_exact_girths_show_and_the_camera_answer_hides_is_missed():
    truth = _truth(214.0, 350.0, right_calf=390.0)
    assert _judge(_camera(207.0, 350.0), truth)[0] == "missed referral"
    assert _judge(_camera(207.0, 350.0, right_calf=390.0), truth) == ("right",
                                                                     "urgent_doctor")
    assert _judge(None, truth)[0] == "missed referral"


def test_a_made_to_measure_the_exact_girths_do_not_give_is_needless():
    # The camera reads the ankle under the chart; the truth fits S.
    verdict, detail = _judge(_camera(170.0, 300.0), _truth(205.0, 350.0))
    assert verdict == "needless" and "made_to_measure" in detail
