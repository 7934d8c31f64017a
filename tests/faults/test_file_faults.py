"""Bad files a kiosk meets: videos, images, calibrations, catalogues, settings.

Each ends as one clear line through the public command or API, and nothing is lost: a
refused file is left exactly as it was (staff may need it to find out what happened).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from fitting.catalogue import CatalogueInvalid, load_catalogue
from kiosk.config import ConfigInvalid, load_config
from tests.faults.conftest import assert_one_clear_line, run_cli
from vision.errors import VideoUnreadable
from vision.sources import ImageFilesSource, VideoFileSource

DEMO_VIDEO = Path(__file__).resolve().parents[2] / "kiosk" / "assets" / "demo" / "fitting-demo.mp4"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- recorded video and images -----------------------------------------------------------

def _bad_video(tmp_path: Path, kind: str, demo_video: Path) -> Path:
    path = tmp_path / f"{kind}.mp4"
    data = demo_video.read_bytes()
    if kind == "missing":
        return path
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "noise":
        path.write_bytes(bytes(range(256)) * 400)
    elif kind == "truncated":
        path.write_bytes(data[: len(data) * 2 // 5])
    elif kind == "headless":  # the first bytes (the container header) overwritten
        path.write_bytes(b"\0" * 4096 + data[4096:])
    return path


@pytest.fixture(scope="session")
def demo_video(shared_data) -> Path:
    path = DEMO_VIDEO if DEMO_VIDEO.is_file() else shared_data / "demo" / "fitting-demo.mp4"
    assert path.is_file()
    return path


def _read_all(source) -> int:
    n = 0
    while source.read(0.1) is not None:
        n += 1
    return n


@pytest.mark.parametrize(
    ("kind", "phrase"),
    [
        # the demo recording was never copied
        ("missing", "not found"),
        # a zero-byte file (a failed copy)
        ("empty", "video"),
        # not a video at all
        ("noise", "video"),
        # a copy cut off at 40 %: the index at the end of the file is gone
        ("truncated", "video"),
        # a damaged header
        ("headless", "video"),
    ],
)
def test_a_bad_video_is_refused_with_its_name(tmp_path, demo_video, kind, phrase):
    path = _bad_video(tmp_path, kind, demo_video)
    with pytest.raises(VideoUnreadable) as err:
        source = VideoFileSource(path)
        try:
            _read_all(source)
        finally:
            source.close()
    assert phrase in str(err.value)
    assert path.name in str(err.value)


@pytest.mark.parametrize(
    "kind",
    [
        # cut off: the command refuses it instead of measuring half a fitting
        "truncated",
        # garbage where the video should be
        "noise",
    ],
)
def test_legfit_measure_refuses_a_bad_video_in_one_line(tmp_path, demo_video, scene,
                                                        capsys, kind):
    path = _bad_video(tmp_path, kind, demo_video)
    before = _digest(path)
    status, out, err = run_cli(["measure", "--front", str(path), "--calibration",
                                str(scene / "calibration.json")], capsys)
    assert_one_clear_line(status, err, "video", path.name)
    assert out == ""
    assert _digest(path) == before


@pytest.mark.parametrize(
    ("content", "phrase"),
    [
        # a photo that never arrived
        (None, "not found"),
        # random bytes with a .png name
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 300, "cannot be read"),
        # an empty file
        (b"", "cannot be read"),
    ],
)
def test_a_bad_image_is_refused_with_its_name(tmp_path, scene, capsys, content, phrase):
    path = tmp_path / "front.png"
    if content is not None:
        path.write_bytes(content)
    status, _, err = run_cli(["measure", "--front", str(path), "--calibration",
                              str(scene / "calibration.json")], capsys)
    assert_one_clear_line(status, err, phrase, "front.png")


def test_an_image_that_vanishes_between_listing_and_reading_is_named(tmp_path, scene):
    first = tmp_path / "a.png"
    first.write_bytes((scene / "front.png").read_bytes())
    second = tmp_path / "b.png"
    second.write_bytes((scene / "front.png").read_bytes())
    source = ImageFilesSource([first, second])
    assert source.read() is not None
    second.unlink()  # a USB stick pulled mid-read
    with pytest.raises(VideoUnreadable, match=r"b\.png"):
        source.read()


# --- calibration ------------------------------------------------------------------------

def _calibration_variant(scene: Path, tmp_path: Path, kind: str) -> Path:
    good = json.loads((scene / "calibration.json").read_text())
    path = tmp_path / f"calibration-{kind}.json"
    if kind == "missing":
        return path
    if kind == "empty":
        path.write_text("")
    elif kind == "truncated":
        text = (scene / "calibration.json").read_text()
        path.write_text(text[: len(text) // 2])
    elif kind == "not_a_matrix":
        path.write_text(json.dumps({**good, "camera_matrix": [[1, 2], [3, 4]]}))
    elif kind == "no_matrix":
        path.write_text(json.dumps({k: v for k, v in good.items() if k != "camera_matrix"}))
    elif kind == "other_camera":
        # a calibration for the 4K camera, with frames from the 1080p one
        k = good["camera_matrix"]
        path.write_text(json.dumps({**good, "image_size_wh": [2160, 3840], "camera_matrix": [
            [k[0][0] * 2, 0, k[0][2] * 2], [0, k[1][1] * 2, k[1][2] * 2], [0, 0, 1]]}))
    return path


@pytest.mark.parametrize(
    ("kind", "phrases"),
    [
        # the kiosk was never calibrated, or the file was deleted
        ("missing", ("does not exist",)),
        # a failed write left an empty file
        ("empty", ("empty",)),
        # a power cut during a copy
        ("truncated", ("corrupt",)),
        # a hand-edited matrix of the wrong shape
        ("not_a_matrix", ("camera_matrix",)),
        # a key missing altogether
        ("no_matrix", ("camera_matrix",)),
        # the calibration of another camera (the camera was swapped)
        ("other_camera", ("2160x3840", "1080x1920")),
    ],
)
@pytest.mark.slow
def test_legfit_measure_refuses_a_bad_calibration_in_one_line(scene, tmp_path, capsys,
                                                              kind, phrases):
    path = _calibration_variant(scene, tmp_path, kind)
    before = _digest(path) if path.exists() else None
    status, out, err = run_cli(["measure", "--front", str(scene / "front.png"),
                                "--calibration", str(path), "--json"], capsys)
    assert_one_clear_line(status, err, *phrases)
    assert out == ""
    if before is not None:
        assert _digest(path) == before  # refused, never "repaired"


# --- catalogue --------------------------------------------------------------------------

def _catalogue_dir(tmp_path: Path, kind: str) -> Path:
    d = tmp_path / f"catalogue-{kind}"
    bundled = Path(__file__).resolve().parents[2] / "fitting" / "catalogues"
    if kind == "missing":
        return d
    d.mkdir()
    good = json.loads((bundled / "travel_sock.json").read_text())
    if kind == "bad_json":
        (d / "travel_sock.json").write_text('{"id": "x",\n  "brand": ,\n}')
    elif kind == "missing_field":
        (d / "travel_sock.json").write_text(json.dumps({k: v for k, v in good.items()
                                                        if k != "sizes"}, indent=2))
    elif kind == "wrong_type":
        (d / "travel_sock.json").write_text(json.dumps({**good, "sizes": "S, M, L"}, indent=2))
    elif kind == "other_files_only":
        (d / "README.txt").write_text("the catalogue goes here")
    return d


@pytest.mark.parametrize(
    ("kind", "phrases"),
    [
        # the store's folder was never created
        ("missing", ("does not exist",)),
        # an empty folder: nothing to sell from
        ("empty", ("no product files",)),
        # only other files in it
        ("other_files_only", ("no product files",)),
        # a syntax error: the file and the line are named
        ("bad_json", ("travel_sock.json", "line 2")),
        # a required field left out: the field is named
        ("missing_field", ("travel_sock.json", "sizes")),
        # a field of the wrong type
        ("wrong_type", ("travel_sock.json", "sizes")),
    ],
)
def test_an_invalid_or_empty_catalogue_is_refused_naming_file_and_field(tmp_path, capsys,
                                                                        kind, phrases):
    d = _catalogue_dir(tmp_path, kind)
    status, _, err = run_cli(["catalogue", "check", str(d)], capsys)
    assert_one_clear_line(status, err, *phrases)
    with pytest.raises(CatalogueInvalid):
        load_catalogue(d)


# --- the kiosk's settings ---------------------------------------------------------------

@pytest.mark.parametrize(
    ("content", "phrase"),
    [
        # a power cut during a hand edit
        ('{"default_language": "de", ', "not valid JSON"),
        # written by a newer LegFit (a rollback after an update)
        ('{"schema_version": 99}', "newer"),
        # a value out of range: named by its field
        ('{"idle_timeout_s": 2}', "idle_timeout_s"),
        # an unknown setting (a typo) is not silently ignored
        ('{"idle_timeout": 30}', "idle_timeout"),
        # not an object at all
        ("[1, 2, 3]", "object"),
    ],
)
def test_a_bad_config_file_is_refused_and_left_untouched(tmp_path, content, phrase):
    path = tmp_path / "config.json"
    path.write_text(content)
    with pytest.raises(ConfigInvalid) as err:
        load_config(path)
    assert phrase in str(err.value)
    assert str(path) in str(err.value)
    assert "\n" not in str(err.value)
    assert path.read_text() == content
