"""The worker threads: latest-only slots, camera failure and recovery, joined on stop."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from fitting.stance import Stance
from kiosk.workers import CameraWorker, LatestSlot, VisionWorker, stop_all
from tests.kiosk.vision_helpers import NOBODY, FakeMeasurer, blank_frames, person_pose
from vision.errors import CameraUnavailable
from vision.fakes import FakeCapture, FakePoseEstimator, ScriptedFrameSource
from vision.sources import CameraSource


def wait_until(predicate, timeout_s: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.005)
    return predicate()


def test_a_slot_keeps_only_the_latest_value():
    slot: LatestSlot[int] = LatestSlot()
    assert slot.get() == (0, None)
    for i in range(10):
        slot.put(i)
    assert slot.get() == (10, 9)
    assert slot.wait_newer(10, timeout_s=0.01) == (10, 9)  # nothing newer: times out


def test_camera_worker_delivers_frames_and_joins_on_stop():
    cam = CameraWorker(lambda: ScriptedFrameSource(blank_frames(), then="loop")).start()
    assert wait_until(lambda: cam.frames.get()[0] >= 20)
    assert cam.status.ok and cam.status.frames >= 20
    cam.stop()
    assert cam.join(2.0) and not cam.alive


def test_camera_worker_reports_what_the_camera_delivers():
    fake = FakeCapture([np.zeros((6, 8, 3), np.uint8)], fps=200, pixel_formats=("MJPG",))
    cam = CameraWorker(lambda: CameraSource(0, pixel_format="YUYV",
                                            capture_factory=lambda d: fake)).start()
    try:
        assert wait_until(lambda: cam.frames.get()[0] >= 2)
        assert cam.status.source == "camera 0 MJPG (YUYV was asked for; the camera gives MJPG)"
    finally:
        cam.stop()
        assert cam.join(2.0)


def test_camera_unplugged_mid_session_is_reported_then_recovers():
    opened = []
    plugged = threading.Event()
    plugged.set()

    def open_source():
        opened.append(time.monotonic())
        if not plugged.is_set():
            raise CameraUnavailable("camera 0 cannot be opened (not connected or busy)")
        # each camera "session" delivers 10 frames, then the cable is pulled
        plugged.clear()
        return ScriptedFrameSource(blank_frames(), then="fail", fail_after=10)

    cam = CameraWorker(open_source, retry_s=0.02).start()
    try:
        assert wait_until(lambda: not cam.status.ok)
        assert "stopped delivering frames" in cam.status.message or \
            "cannot be opened" in cam.status.message
        assert wait_until(lambda: len(opened) >= 3)  # it keeps retrying while unplugged
        assert not cam.status.ok
        seq_before = cam.frames.get()[0]
        plugged.set()  # the camera is back
        assert wait_until(lambda: cam.frames.get()[0] > seq_before)
        assert wait_until(lambda: cam.status.ok or cam.status.failures >= 2)
        assert cam.status.failures >= 2
    finally:
        cam.stop()
        assert cam.join(2.0)


def test_a_finite_source_that_ends_is_reported_and_the_thread_ends():
    cam = CameraWorker(lambda: ScriptedFrameSource(blank_frames(3), then="end")).start()
    assert cam.join(2.0)
    assert not cam.status.ok and "ended" in cam.status.message
    assert cam.frames.get()[0] == 3


def test_pacing_holds_a_recorded_video_to_its_frame_rate():
    cam = CameraWorker(lambda: ScriptedFrameSource(blank_frames(), then="loop"),
                       pace_fps=50).start()
    time.sleep(0.5)
    n = cam.frames.get()[0]
    stop_all(cam, None)
    assert 3 <= n <= 30  # at most ~25 frames in 0.5 s at 50 fps, never thousands unpaced


def test_a_slow_pose_model_drops_frames_instead_of_queueing_them():
    cam = CameraWorker(lambda: ScriptedFrameSource(blank_frames(50), then="loop")).start()
    vision = VisionWorker(cam.frames, FakePoseEstimator([NOBODY], delay_s=0.05)).start()
    try:
        assert wait_until(lambda: vision.processed >= 5)
        cam.stop()
        assert cam.join(2.0)
        delivered = cam.status.frames
        at_stop = vision.processed
        time.sleep(0.6)
        # A queue would still be working through its backlog; a slot holds one frame, so
        # at most the frame in hand and the one in the slot are left.
        assert vision.processed - at_stop <= 2
        assert delivered > 3 * vision.processed
        _, update = vision.updates.get()
        assert update.frame.index >= delivered - 1 - 50  # among the newest, not the oldest
    finally:
        assert stop_all(cam, vision) == []


def test_vision_worker_measures_front_then_side_and_publishes_one_result():
    cam = CameraWorker(lambda: ScriptedFrameSource(blank_frames(), then="loop"),
                       pace_fps=200).start()
    estimator = FakePoseEstimator([person_pose()])
    measurer = FakeMeasurer(estimator, needed=5)
    vision = VisionWorker(cam.frames, estimator, measurer).start()
    try:
        assert wait_until(lambda: (vision.updates.get()[1] or NOBODY_UPDATE).person_on_mat)
        vision.reset()
        vision.measure(Stance.FRONT)
        assert wait_until(lambda: getattr(vision.updates.get()[1], "front_complete", False))
        vision.measure(Stance.SIDE)
        assert wait_until(lambda: vision.updates.get()[1].measurement is not None)
        assert vision.updates.get()[1].measurement is measurer.measurement
        time.sleep(0.05)
        assert measurer.results == 1  # computed once per round, not on every frame
        assert len(measurer.threads) == 1  # only ever driven from its own thread
        assert threading.get_ident() not in measurer.threads
        round_ = vision.reset()
        assert wait_until(lambda: vision.updates.get()[1].round == round_)
        assert wait_until(lambda: measurer.resets >= 2)
    finally:
        assert stop_all(cam, vision) == []


NOBODY_UPDATE = type("U", (), {"person_on_mat": False})()


def test_a_refused_measurement_is_published_with_its_reason():
    cam = CameraWorker(lambda: ScriptedFrameSource(blank_frames(), then="loop"),
                       pace_fps=200).start()
    estimator = FakePoseEstimator([person_pose()])
    measurer = FakeMeasurer(estimator, needed=2, refuse="the calves are covered")
    vision = VisionWorker(cam.frames, estimator, measurer).start()
    try:
        vision.measure(Stance.FRONT)
        assert wait_until(lambda: getattr(vision.updates.get()[1], "front_complete", False))
        vision.measure(Stance.SIDE)
        assert wait_until(lambda: getattr(vision.updates.get()[1], "refused", None))
        assert vision.updates.get()[1].refused == "the calves are covered"
    finally:
        assert stop_all(cam, vision) == []


@pytest.mark.parametrize("error", [
    CameraUnavailable("pose model lost its device"),  # a typed error: its message
    RuntimeError("tflite interpreter crashed"),        # a bug in a vendor library
])
def test_a_failing_pose_model_is_reported_and_the_thread_survives(error):
    cam = CameraWorker(lambda: ScriptedFrameSource(blank_frames(), then="loop"),
                       pace_fps=100).start()

    def explode(frame):
        raise error

    vision = VisionWorker(cam.frames, FakePoseEstimator(explode)).start()
    try:
        assert wait_until(lambda: vision.processed >= 3)
        assert str(error) in vision.updates.get()[1].error
        assert vision.alive
    finally:
        assert stop_all(cam, vision) == []
