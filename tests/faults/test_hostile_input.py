"""Hostile documents for every JSON LegFit reads: one clear line or a valid result, never a
traceback, never a number nobody could mean."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calibration.calibration_file import load_calibration
from fitting.catalogue import BUNDLED_CATALOGUE_DIR, parse_product_file
from fitting.errors import LegFitError
from fitting.json_input import MAX_DEPTH, parse_json
from fitting.screener import QUESTION_IDS
from kiosk.cli import main
from kiosk.config import load_config
from kiosk.demo import DEMO_CALIBRATION

GOOD_MEASUREMENT = {"left": {"ankle_mm": 221, "calf_mm": 365, "knee_high_length_mm": 410},
                    "right": {"ankle_mm": 222, "calf_mm": 366, "knee_high_length_mm": 412},
                    "source": "tape"}
GOOD_ANSWERS = {"answers": dict.fromkeys(QUESTION_IDS, False), "purpose": "everyday"}
DEEP = "[" * 100_000 + "]" * 100_000


def _recommend(tmp_path: Path, capsys, measurement: str, answers: str) -> tuple[int, str]:
    m, a = tmp_path / "M.json", tmp_path / "A.json"
    m.write_text(measurement)
    a.write_text(answers)
    code = main(["recommend", "--measurement", str(m), "--answers", str(a), "--json"])
    out, err = capsys.readouterr()
    return code, err if code else out


def _one_line(code: int, text: str) -> None:
    assert code == 2
    lines = text.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("legfit: "), text[:500]


@pytest.mark.parametrize(("measurement", "words"), [
    # an integer girth of 10^400: JSON allows it, nobody means it
    (json.dumps(GOOD_MEASUREMENT).replace("221", "1" + "0" * 400), "integer of 401 digits"),
    # a 5,000-digit number
    (json.dumps(GOOD_MEASUREMENT).replace("221", "9" * 5000), "integer of 5000 digits"),
    # nested 100,000 deep
    (DEEP, "nested more than"),
    # Infinity and NaN are not JSON numbers
    (json.dumps(GOOD_MEASUREMENT).replace("221", "Infinity"), "Infinity"),
    (json.dumps(GOOD_MEASUREMENT).replace("221", "NaN"), "NaN"),
    # a float that overflows
    (json.dumps(GOOD_MEASUREMENT).replace("221", "1e400"), "too large"),
    # 1e300 mm and 0.0001 mm: numbers, but no leg
    (json.dumps(GOOD_MEASUREMENT).replace("221", "1e300"), "must lie between 100 and 900"),
    (json.dumps(GOOD_MEASUREMENT).replace("221", "0.0001"), "must lie between 100 and 900"),
    (json.dumps(GOOD_MEASUREMENT).replace("410", "5"), "knee_high_length_mm must lie"),
])
def test_a_hostile_measurement_is_one_line_exit_2(tmp_path, capsys, measurement, words):
    code, err = _recommend(tmp_path, capsys, measurement, json.dumps(GOOD_ANSWERS))
    _one_line(code, err)
    assert words in err


@pytest.mark.parametrize("answers", [
    DEEP,
    json.dumps({**GOOD_ANSWERS, "prescription_mmhg": [15, int("9" * 30)]}),
    json.dumps(GOOD_ANSWERS).replace("false", "NaN", 1),
    "x" * 3_000_000,  # over the size cap
])
def test_hostile_answers_are_one_line_exit_2(tmp_path, capsys, answers):
    code, err = _recommend(tmp_path, capsys, json.dumps(GOOD_MEASUREMENT), answers)
    _one_line(code, err)


def test_a_catalogue_range_to_1e400_is_refused_and_show_never_prints_infinity(tmp_path,
                                                                              capsys):
    source = next(BUNDLED_CATALOGUE_DIR.glob("*.json"))
    text = source.read_text()
    data = json.loads(text)
    first = data["sizes"][0]["calf_mm"]
    hostile = text.replace(f"[{first[0]}, {first[1]}]", f"[{first[0]}, 1e400]", 1)
    assert hostile != text
    folder = tmp_path / "catalogue"
    folder.mkdir()
    (folder / source.name).write_text(hostile)
    product, status = parse_product_file(folder / source.name)
    assert product is None and "too large" in status.errors[0]
    code = main(["catalogue", "check", str(folder), "--json"])
    out, _ = capsys.readouterr()
    problems = json.loads(out)
    assert code == 2 and problems[0]["file"] == source.name
    assert "Infinity" not in out
    # A range a typo made far too long is refused too (37000 for 370).
    (folder / source.name).write_text(
        text.replace(f"[{first[0]}, {first[1]}]", f"[{first[0]}, 37000]", 1))
    product, status = parse_product_file(folder / source.name)
    assert product is None and "1200" in " ".join(status.errors)


@pytest.mark.parametrize("body", [DEEP, '{"image_size_wh": [1e400, 2]}',
                                  '{"schema_version": ' + "9" * 5000 + "}"])
def test_a_damaged_calibration_file_is_one_clear_error(tmp_path, body):
    path = tmp_path / "calibration.json"
    path.write_text(body)
    with pytest.raises(LegFitError) as caught:
        load_calibration(path)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(("change", "words"), [
    (lambda d: d["camera_matrix"][0].__setitem__(0, 5.0), "focal lengths must lie"),
    (lambda d: d.__setitem__("image_size_wh", [20, 10]), "image_size_wh sides"),
    (lambda d: d.__setitem__("image_size_wh", [100_000, 100_000]), "image_size_wh sides"),
])
def test_a_calibration_outside_any_camera_is_refused(tmp_path, change, words):
    data = json.loads(DEMO_CALIBRATION.read_text())
    change(data)
    path = tmp_path / "calibration.json"
    path.write_text(json.dumps(data))
    with pytest.raises(LegFitError, match=words):
        load_calibration(path)


@pytest.mark.parametrize("body", [DEEP, '{"idle_timeout_s": 1e400}', "[1, 2]", "NaN"])
def test_a_damaged_config_is_one_clear_error(tmp_path, body):
    path = tmp_path / "config.json"
    path.write_text(body)
    with pytest.raises(LegFitError) as caught:
        load_config(path)
    assert "\n" not in str(caught.value)


# Documents of any shape: deep, wide, with huge integers, odd floats and strings.
_SCALARS = (st.none() | st.booleans() | st.text(max_size=20)
            | st.integers(min_value=-(10 ** 40), max_value=10 ** 40)
            | st.floats(allow_nan=False, allow_infinity=False))
_DOCUMENTS = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=4)
                          | st.dictionaries(st.text(max_size=12), inner, max_size=4),
                          max_leaves=40)
_KEYS = st.sampled_from(["left", "right", "source", "ankle_mm", "calf_mm", "answers",
                         "purpose", "knee_high_length_mm", "calf_sd_mm", "prescription_mmhg"])


def _mutated(base: dict, key: str, value: object) -> dict:
    """``base`` with ``value`` put under ``key``, at the top or inside a leg."""
    out = json.loads(json.dumps(base))
    target = out["left"] if "left" in out and key.endswith("_mm") else out
    target[key] = value
    return out


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=_KEYS, value=_DOCUMENTS)
def test_any_measurement_document_is_a_result_or_one_line(tmp_path, capsys, key, value):
    doc = json.dumps(_mutated(GOOD_MEASUREMENT, key, value))
    code, text = _recommend(tmp_path, capsys, doc, json.dumps(GOOD_ANSWERS))
    if code == 0:
        assert json.loads(text)["outcome"]
    else:
        _one_line(code, text)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=_KEYS, value=_DOCUMENTS)
def test_any_answers_document_is_a_result_or_one_line(tmp_path, capsys, key, value):
    doc = json.dumps(_mutated(GOOD_ANSWERS, key, value))
    code, text = _recommend(tmp_path, capsys, json.dumps(GOOD_MEASUREMENT), doc)
    if code == 0:
        assert json.loads(text)["outcome"]
    else:
        _one_line(code, text)


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=200))
def test_any_text_parses_or_is_one_invalid_input(text):
    try:
        parse_json(text, "document")
    except LegFitError as exc:
        assert "\n" not in str(exc)


def test_nesting_up_to_the_cap_is_fine_and_brackets_in_strings_do_not_count():
    assert parse_json("[" * MAX_DEPTH + "]" * MAX_DEPTH, "doc") is not None
    assert parse_json(json.dumps({"a": "[" * 1000}), "doc") == {"a": "[" * 1000}


def test_a_damaged_calibration_at_kiosk_start_opens_the_set_up_screen_with_the_reason(
        tmp_path):
    from kiosk.assembly import KioskOptions, assemble
    from kiosk.config import KioskConfig
    from kiosk.paths import KioskPaths
    from kiosk.voice import NullVoice
    from session.flow import FlowState
    from vision.fakes import FakePoseEstimator, ScriptedFrameSource

    paths = KioskPaths(tmp_path / "etc", tmp_path / "var")
    paths.calibration_file.parent.mkdir(parents=True)
    paths.calibration_file.write_text(DEEP)
    parts = assemble(KioskOptions(mode="run", fullscreen=False), paths=paths,
                     config=KioskConfig(allow_demo_catalogue=True),
                     estimator=FakePoseEstimator([]), measurer_factory=lambda cal: None,
                     open_source=lambda: ScriptedFrameSource([]), voice=NullVoice())
    try:
        assert parts.flow.state is FlowState.SETUP
        assert "nested more than" in parts.calibration_problem
    finally:
        parts.close()


# -- images and videos: sized from the header before anything is decoded ----------------

def _png_header(w: int, h: int) -> bytes:
    import struct
    import zlib

    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    chunk = struct.pack(">I", len(ihdr)) + b"IHDR" + ihdr + struct.pack(
        ">I", zlib.crc32(b"IHDR" + ihdr) & 0xFFFFFFFF)
    return b"\x89PNG\r\n\x1a\n" + chunk + b"\x00" * 64  # no pixel data at all


def _jpeg_header(w: int, h: int) -> bytes:
    import struct

    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00" + b"\x00" * 9
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, h, w, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof + b"\x00" * 64


@pytest.mark.parametrize(("head", "size"), [
    (_png_header(20000, 20000), (20000, 20000)),
    (_jpeg_header(1920, 1080), (1920, 1080)),
    (b"BM" + b"\x00" * 16 + (4000).to_bytes(4, "little") + (-3000).to_bytes(4, "little",
                                                                            signed=True),
     (4000, 3000)),
    (b"GIF89a" + (640).to_bytes(2, "little") + (480).to_bytes(2, "little"), (640, 480)),
    (b"not an image at all", None),
])
def test_image_sizes_come_from_the_header(head, size):
    from calibration.image_header import header_size_wh

    assert header_size_wh(head) == size


@pytest.mark.parametrize("reader", ["vision", "calibration"])
def test_an_image_bomb_is_refused_before_it_is_decoded(tmp_path, reader):
    from calibration.image_header import ImageTooLarge
    from calibration.intrinsics import read_image as read_board_image
    from vision.sources import read_image

    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(_png_header(20000, 20000))
    with pytest.raises(ImageTooLarge, match="400 megapixels"):
        (read_image if reader == "vision" else read_board_image)(bomb)


def test_an_image_bomb_given_to_measure_is_one_line(tmp_path, capsys):
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(_png_header(20000, 20000))
    code = main(["measure", "--front", str(bomb), "--height-mm", "1700"])
    _, err = capsys.readouterr()
    _one_line(code, err)
    assert "megapixels" in err


@pytest.mark.parametrize(("limit", "value", "words"), [
    ("MAX_VIDEO_FRAMES", 10, "frames; LegFit reads videos of at most 10"),
    ("MAX_VIDEO_S", 0.5, "minutes"),
])
def test_a_video_longer_than_any_fitting_is_refused(monkeypatch, limit, value, words):
    import vision.sources as sources
    from kiosk.demo import DEMO_VIDEO

    monkeypatch.setattr(sources, limit, value)
    with pytest.raises(sources.VideoTooLong, match=words):
        sources.VideoFileSource(DEMO_VIDEO)
