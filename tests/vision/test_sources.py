"""Frame sources: every source delivers indexed, time-stamped frames and fails plainly."""

from __future__ import annotations

import itertools
import time

import cv2
import numpy as np
import pytest

from fitting.errors import InputInvalid, LegFitError
from vision.errors import CameraUnavailable, VideoUnreadable
from vision.fakes import FakeCapture, ScriptedFrameSource
from vision.sources import (
    CameraSource,
    GeneratorSource,
    ImageFilesSource,
    VideoFileSource,
    fourcc_text,
    iter_frames,
    source_for_paths,
)

DEMO = "demo/fitting-demo.mp4"


def _image(w: int = 8, h: int = 6, value: int = 0) -> np.ndarray:
    img = np.full((h, w, 3), value, np.uint8)
    img[0, 0] = (1, 2, 3)  # a marked corner shows rotations
    return img


def _assert_monotonic(frames) -> None:
    assert [f.index for f in frames] == list(range(len(frames)))
    ts = [f.timestamp_s for f in frames]
    assert all(b > a for a, b in itertools.pairwise(ts))


# ---- recorded video ---------------------------------------------------------------------

def test_demo_video_delivers_all_frames_in_order(shared_data):
    # Given the demo recording (120 frames, 1080x1920, 15 fps, says its README)
    with VideoFileSource(shared_data / DEMO) as src:
        frames = list(iter_frames(src))
    # Then every frame arrives once, full size, indexed and time-stamped at media time
    assert len(frames) == 120
    assert frames[0].size_wh == (1080, 1920)
    _assert_monotonic(frames)
    assert frames[15].timestamp_s == pytest.approx(1.0)


def test_looping_video_keeps_counting_forward(shared_data):
    # Given the demo in loop mode, when reading past its end
    with VideoFileSource(shared_data / DEMO, loop=True) as src:
        frames = [src.read() for _ in range(130)]
    # Then it restarts at the first picture while index and time keep increasing
    _assert_monotonic(frames)
    assert np.array_equal(frames[120].image_bgr, frames[0].image_bgr)


def test_realtime_pacing_follows_the_frame_rate(shared_data):
    # Given realtime playback at the file's 15 fps, six frames span ~5 periods
    with VideoFileSource(shared_data / DEMO, realtime=True) as src:
        frames = [src.read() for _ in range(6)]
    span = frames[-1].timestamp_s - frames[0].timestamp_s
    assert span >= 5 / 15 * 0.9


@pytest.mark.parametrize("make, message", [
    # a path that does not exist
    (lambda d, tmp: tmp / "nope.mp4", "video not found"),
    # junk bytes with a video's name
    (lambda d, tmp: _write(tmp / "junk.mp4", bytes(range(256)) * 200), "corrupt"),
    # an empty file
    (lambda d, tmp: _write(tmp / "empty.mp4", b""), "corrupt"),
    # the demo cut off at 60 % (a broken download or a full disk)
    (lambda d, tmp: _write(tmp / "cut.mp4", _head(d / DEMO, 0.6)), "corrupt"),
    # the demo cut off after its first 4 kB
    (lambda d, tmp: _write(tmp / "cut4k.mp4", (d / DEMO).read_bytes()[:4096]), "corrupt"),
])
def test_unreadable_videos_are_refused_plainly(shared_data, tmp_path, make, message):
    path = make(shared_data, tmp_path)
    with pytest.raises(VideoUnreadable) as err:
        VideoFileSource(path)
    assert message in str(err.value) and str(path) in str(err.value)
    assert isinstance(err.value, LegFitError)


def test_a_video_ending_before_its_declared_length_is_refused(tmp_path):
    # Given an AVI whose index declares more frames than the file still holds
    cv2 = pytest.importorskip("cv2")
    path = tmp_path / "short.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (64, 48))
    for i in range(30):
        writer.write(np.full((48, 64, 3), i * 8, np.uint8))
    writer.release()
    data = bytearray(path.read_bytes())
    # Overwrite the second half of the frame data (the index at the end stays) with zeros.
    movi = data.find(b"movi")
    idx1 = data.find(b"idx1")
    mid = movi + (idx1 - movi) // 2
    data[mid:idx1] = bytes(idx1 - mid)
    path.write_bytes(bytes(data))
    # When reading it to the end, then the source says it is truncated or corrupt
    with pytest.raises(VideoUnreadable, match="truncated or corrupt"), \
            VideoFileSource(path) as src:
        list(iter_frames(src))


def _write(path, data: bytes):
    path.write_bytes(data)
    return path


def _head(path, fraction: float) -> bytes:
    data = path.read_bytes()
    return data[: int(len(data) * fraction)]


# ---- image files and generators -------------------------------------------------------

def test_image_files_in_order_then_end(shared_data):
    paths = [shared_data / "people/bus.jpg", shared_data / "people/zidane.jpg"]
    src = ImageFilesSource(paths)
    frames = list(iter_frames(src))
    assert [f.size_wh for f in frames] == [(810, 1080), (1280, 720)]
    _assert_monotonic(frames)


@pytest.mark.parametrize("name, content, error", [
    # a missing file is named at once, before any frame is read
    ("missing.png", None, VideoUnreadable),
    # a text file with an image's name
    ("fake.png", b"not an image", VideoUnreadable),
])
def test_bad_image_files_are_refused(tmp_path, name, content, error):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(error, match=name):
        src = ImageFilesSource([path])
        src.read()


def test_source_for_paths_picks_images_or_one_video(shared_data):
    assert isinstance(source_for_paths([shared_data / "people/bus.jpg"]), ImageFilesSource)
    assert isinstance(source_for_paths([shared_data / DEMO]), VideoFileSource)
    with pytest.raises(InputInvalid):
        source_for_paths([shared_data / DEMO, shared_data / "people/bus.jpg"])


def test_generator_source_stamps_frames_and_ends():
    src = GeneratorSource(_image(value=v) for v in range(5))
    frames = list(iter_frames(src))
    assert [int(f.image_bgr[3, 3, 0]) for f in frames] == [0, 1, 2, 3, 4]
    _assert_monotonic(frames)
    assert src.read() is None


@pytest.mark.parametrize("item", [
    # a grey image (2-D) is not a BGR frame
    np.zeros((4, 4), np.uint8),
    # float images are not frames
    np.zeros((4, 4, 3), np.float32),
    # RGBA
    np.zeros((4, 4, 4), np.uint8),
    # not an array at all
    "frame",
])
def test_generator_source_refuses_non_frames(item):
    with pytest.raises(InputInvalid, match="BGR"):
        GeneratorSource([item]).read()


# ---- the camera ---------------------------------------------------------------------

def test_a_camera_that_does_not_exist_fails_at_once():
    # This machine has no camera: index 9 cannot be opened
    t0 = time.monotonic()
    with pytest.raises(CameraUnavailable, match="camera 9 cannot be opened"):
        CameraSource(9)
    assert time.monotonic() - t0 < 5.0


def test_camera_delivers_rotated_frames_with_timestamps():
    fake = FakeCapture([_image(8, 6)], fps=100)
    with CameraSource(0, size_wh=(8, 6), rotate_deg=90, capture_factory=lambda d: fake) as cam:
        frames = [cam.read(timeout_s=1.0) for _ in range(3)]
    # Then the requested size went to the driver and each frame is turned clockwise
    assert fake.props == {3: 8.0, 4: 6.0}  # CAP_PROP_FRAME_WIDTH, CAP_PROP_FRAME_HEIGHT
    assert frames[0].size_wh == (6, 8)
    assert tuple(frames[0].image_bgr[0, -1]) == (1, 2, 3)  # top-left went top-right
    _assert_monotonic(frames)


@pytest.mark.parametrize("after", [
    # the driver reports failure (cable pulled)
    "fail",
    # the driver blocks inside read (a frozen camera): read must still return in time
    "hang",
])
def test_a_camera_that_stops_raises_within_the_timeout(after):
    fake = FakeCapture([_image()], fps=100, frames=2, after=after, hang_s=1.0)
    cam = CameraSource(0, capture_factory=lambda d: fake)
    try:
        cam.read(timeout_s=1.0)
        t0 = time.monotonic()
        with pytest.raises(CameraUnavailable):
            for _ in range(3):
                cam.read(timeout_s=0.3)
        assert time.monotonic() - t0 < 1.0
    finally:
        cam.close()


def test_camera_is_asked_for_a_pixel_format_and_says_what_it_gives():
    # A camera offering YUYV (its default) and MJPEG, asked for MJPEG at 8 x 6
    fake = FakeCapture([_image(8, 6)], fps=100, pixel_formats=("YUYV", "MJPG"))
    with CameraSource(0, size_wh=(8, 6), pixel_format="MJPG",
                      capture_factory=lambda d: fake) as cam:
        cam.read(timeout_s=1.0)
        assert fourcc_text(fake.fourcc) == "MJPG"
        assert cam.describe() == "camera 0 8x6 MJPG"
    # Without a request the driver's default stands and is reported
    fake = FakeCapture([_image(8, 6)], fps=100, pixel_formats=("YUYV", "MJPG"))
    with CameraSource(0, capture_factory=lambda d: fake) as cam:
        assert cam.describe() == "camera 0 YUYV"


def test_a_camera_without_the_asked_format_runs_and_says_so():
    fake = FakeCapture([_image(8, 6)], fps=100, pixel_formats=("MJPG",))
    with CameraSource(0, pixel_format="YUYV", capture_factory=lambda d: fake) as cam:
        assert cam.read(timeout_s=1.0).size_wh == (8, 6)
        assert cam.describe() == "camera 0 MJPG (YUYV was asked for; the camera gives MJPG)"
    with pytest.raises(InputInvalid, match="pixel format must be one of YUYV, MJPG"):
        CameraSource(0, pixel_format="H264", capture_factory=lambda d: FakeCapture([_image()]))


@pytest.mark.parametrize("code, text", [
    (cv2.VideoWriter_fourcc(*"YUYV"), "YUYV"),
    (0.0, ""),   # the driver does not say
    (-1.0, ""),  # a backend without the property
])
def test_fourcc_text(code, text):
    assert fourcc_text(code) == text


def test_camera_that_refuses_to_open_and_bad_rotation():
    with pytest.raises(CameraUnavailable):
        CameraSource(0, capture_factory=lambda d: FakeCapture([_image()], opened=False))
    with pytest.raises(InputInvalid, match="rotation"):
        CameraSource(0, rotate_deg=45, capture_factory=lambda d: FakeCapture([_image()]))


# ---- the fakes others test with ---------------------------------------------------------

@pytest.mark.parametrize("then, expected", [
    # end: a finished file
    ("end", None),
    # fail: an unplugged camera
    ("fail", CameraUnavailable),
    # freeze: a stuck camera, reported after the timeout
    ("freeze", CameraUnavailable),
])
def test_scripted_source_endings(then, expected):
    src = ScriptedFrameSource([_image()], then=then, fail_after=2)
    assert src.read().index == 0 and src.read().index == 1
    if expected is None:
        assert src.read() is None
    else:
        with pytest.raises(expected):
            src.read(timeout_s=0.05)
