"""The camera source on its own, and `legfit run` starting on a broken set-up.

The camera cases drive the real ``CameraSource`` (its grabber thread, its open deadline,
its read timeout) with a stand-in for ``cv2.VideoCapture`` that fails on cue, and once
with OpenCV itself on a device that does not exist. The start-up cases run the real
``legfit run`` command in a subprocess: it must stop at once with one line, never sit on
a half-built kiosk.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from vision.errors import CameraUnavailable
from vision.fakes import FakeCapture
from vision.sources import CameraSource

REPO_ROOT = Path(__file__).resolve().parents[2]
FRAME = np.full((48, 64, 3), 90, np.uint8)


def _hanging_open(device):
    time.sleep(3.0)  # a driver stuck in open()
    return FakeCapture([FRAME])


def _raising_open(device):
    raise RuntimeError("VIDIOC_STREAMON: No space left on device")


@pytest.mark.parametrize(
    ("factory", "phrase"),
    [
        # nothing plugged in (or another program has the camera)
        (lambda d: FakeCapture([FRAME], opened=False), "not connected or busy"),
        # the driver never returns from open()
        (_hanging_open, "did not open within"),
        # the backend raises (USB bandwidth exhausted)
        (_raising_open, "No space left on device"),
    ],
)
def test_a_camera_that_cannot_open_says_so_in_one_line(factory, phrase):
    t0 = time.monotonic()
    with pytest.raises(CameraUnavailable) as err:
        CameraSource(0, open_timeout_s=0.5, capture_factory=factory)
    assert phrase in str(err.value)
    assert "\n" not in str(err.value)
    assert time.monotonic() - t0 < 2.0  # the kiosk is never stuck behind a driver


def test_opencv_on_a_device_that_does_not_exist():
    with pytest.raises(CameraUnavailable, match="cannot be opened"):
        CameraSource("/dev/legfit-no-such-camera", open_timeout_s=5.0)


@pytest.mark.parametrize(
    ("after", "phrase"),
    [
        # unplugged while streaming: read() starts failing
        ("fail", "stopped delivering frames"),
        # frozen: read() blocks inside the driver
        ("hang", "delivered no frame"),
    ],
)
def test_a_camera_lost_mid_stream_is_reported_within_the_timeout(after, phrase):
    source = CameraSource(0, capture_factory=lambda d: FakeCapture([FRAME], fps=200,
                                                                   frames=5, after=after))
    try:
        got = 0
        t0 = time.monotonic()
        with pytest.raises(CameraUnavailable) as err:
            while True:
                source.read(timeout_s=0.5)
                got += 1
        assert phrase in str(err.value)
        assert 1 <= got <= 5
        assert time.monotonic() - t0 < 3.0
    finally:
        t0 = time.monotonic()
        source.close()
        assert time.monotonic() - t0 < 3.0  # closing never waits on a hung driver for long


def test_a_slow_consumer_gets_the_newest_frame_not_a_backlog():
    frames = [np.full((8, 8, 3), i, np.uint8) for i in range(200)]
    source = CameraSource(0, capture_factory=lambda d: FakeCapture(frames, fps=500))
    try:
        first = source.read(1.0)
        time.sleep(0.2)  # the vision thread was busy for 200 ms
        second = source.read(1.0)
        # ~100 frames came in meanwhile; we get a recent one, not the next in a queue
        assert int(second.image_bgr[0, 0, 0]) - int(first.image_bgr[0, 0, 0]) > 20
    finally:
        source.close()


# --- legfit run on a broken set-up ---------------------------------------------------

def _run_kiosk(tmp_path: Path, *args: str,
               config: str | None = None) -> subprocess.CompletedProcess:
    config_dir, data_dir = tmp_path / "etc-legfit", tmp_path / "var-lib-legfit"
    config_dir.mkdir(exist_ok=True)
    if config is not None:
        (config_dir / "config.json").write_text(config)
    env = {**os.environ, "LEGFIT_CONFIG_DIR": str(config_dir), "LEGFIT_DATA_DIR": str(data_dir),
           "QT_QPA_PLATFORM": "xcb"}
    env.pop("NOTIFY_SOCKET", None)
    # `legfit run` wants a real display (offscreen counts as none): a virtual X server.
    xvfb_run = shutil.which("xvfb-run")
    if xvfb_run is None:
        pytest.fail("xvfb-run is missing (packaging/scripts/system-deps.sh installs it)")
    return subprocess.run([xvfb_run, "-a", sys.executable, "-m", "kiosk", "run", "--windowed",
                           *args], capture_output=True, text=True, timeout=120, env=env,
                          cwd=REPO_ROOT)


@pytest.mark.parametrize(
    ("kind", "phrases"),
    [
        # settings half-written by a power cut
        ("corrupt_config", ("config file", "not valid JSON")),
        # settings from a newer LegFit, after a rollback
        ("newer_config", ("newer",)),
        # a store catalogue with a broken file: refused, not silently replaced by the demo
        ("bad_catalogue", ("catalogue", "travel_sock.json")),
        # a catalogue folder with no products
        ("empty_catalogue", ("no product files",)),
    ],
)
def test_legfit_run_refuses_a_broken_set_up_in_one_line(tmp_path, kind, phrases):
    args: list[str] = []
    config = None
    if kind == "corrupt_config":
        config = '{"default_language": "de", "idle_'
    elif kind == "newer_config":
        config = json.dumps({"schema_version": 42})
    else:
        catalogue = tmp_path / "catalogue"
        catalogue.mkdir()
        if kind == "bad_catalogue":
            (catalogue / "travel_sock.json").write_text('{"id": 5}')
        args = ["--catalogue", str(catalogue)]

    result = _run_kiosk(tmp_path, *args, config=config)

    assert result.returncode == 2, result.stderr[-2000:]
    lines = [line for line in result.stderr.splitlines() if line.startswith("legfit:")]
    assert len(lines) == 1, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    for phrase in phrases:
        assert phrase in lines[0], lines[0]
    if config is not None:  # refused, never overwritten with defaults
        assert (tmp_path / "etc-legfit" / "config.json").read_text() == config
