"""The demo: the kiosk with a recorded fitting as its camera.

The recording and its intrinsics ship in ``kiosk/assets/demo`` (see SOURCE.md there).
The floor pose is found from the mat in the recording's first frame, exactly as a kiosk
being set up finds it, so the demo exercises the real calibration path too.
"""

from __future__ import annotations

from pathlib import Path

from calibration.calibration_file import load_calibration
from calibration.camera import CameraCalibration
from calibration.floor import estimate_floor_pose
from calibration.mat import MatSpec
from vision.sources import VideoFileSource

ASSETS_DIR = Path(__file__).resolve().parent / "assets" / "demo"
DEMO_VIDEO = ASSETS_DIR / "fitting-demo.mp4"
DEMO_CALIBRATION = ASSETS_DIR / "calibration.json"
# The demo's staff PIN: held in memory only, shown in the demo's banner. A real kiosk has
# no default PIN.
DEMO_STAFF_PIN = "1234"


def demo_calibration(video: Path, calibration_file: Path, mat: MatSpec) -> CameraCalibration:
    """The recording's intrinsics with the floor pose found in its first frame."""
    calibration = load_calibration(calibration_file)
    if calibration.floor_pose is not None:
        return calibration
    source = VideoFileSource(video)
    try:
        frame = source.read()
    finally:
        source.close()
    assert frame is not None  # VideoFileSource refuses a video without a readable frame
    h, w = frame.image_bgr.shape[:2]
    calibration.intrinsics.check_frame_size(w, h)
    return calibration.with_floor_pose(
        estimate_floor_pose(frame.image_bgr, calibration.intrinsics, mat))
