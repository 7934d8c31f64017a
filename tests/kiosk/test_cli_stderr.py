"""The installed program's stderr holds LegFit's own line only, not the model's chatter."""

import subprocess
import sys

import cv2
import numpy as np


def test_a_refused_measurement_prints_exactly_one_line_on_stderr(tmp_path, shared_data):
    # Given a grey frame of the calibrated size: MediaPipe starts (and would print its
    # XNNPACK and glog lines) but finds nobody.
    frame = tmp_path / "empty.png"
    cv2.imwrite(str(frame), np.full((1920, 1080, 3), 128, np.uint8))
    calibration = shared_data / "synthetic-dev" / "scene_1000" / "calibration.json"

    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "measure", "--front", str(frame),
         "--calibration", str(calibration)],
        capture_output=True, text=True, timeout=300)

    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("legfit: ")
