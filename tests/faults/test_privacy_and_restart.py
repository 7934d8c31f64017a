"""No shopper image on disk after sessions; a kill -9 mid-session loses no finished record.

The privacy scan runs real sessions (camera frames are real photos of a person) and then
looks through every directory the kiosk may write to: its config and data directories,
the XDG directories and HOME of the process. No image file, no image data inside any file
(slips included), no large binary value in the session log.
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from fitting.outcome import Purpose
from session.flow import FlowState
from session.intents import AnswerQuestion, ChooseLanguage, ChoosePurpose, Next, PrintSlip, Start
from tests.faults.kiosk_harness import start_kiosk, wait_for_state

REPO_ROOT = Path(__file__).resolve().parents[2]
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".ppm",
                  ".pgm", ".npy", ".npz", ".mp4", ".avi", ".mkv", ".mov", ".y4m", ".raw"}
# Start of the image formats an encoder would write (PNG, JPEG, WebP's RIFF, TIFF).
IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"RIFF", b"II*\x00", b"MM\x00*")
# A picture inside a PDF (the printed slip), whatever its compression.
PDF_IMAGE = re.compile(rb"/Subtype\s*/Image")


def scan_for_images(roots: list[Path]) -> list[str]:
    """Every file under ``roots`` that is, or holds, an image; empty when clean."""
    found = []
    for root in roots:
        if not root.exists():
            continue
        for path in root.rglob("*"):
            if not path.is_file():
                continue
            if path.suffix.lower() in IMAGE_SUFFIXES:
                found.append(f"{path}: image file")
                continue
            data = path.read_bytes()
            for magic in IMAGE_MAGIC:
                if magic in data:
                    found.append(f"{path}: holds {magic!r} image data")
                    break
            else:
                if PDF_IMAGE.search(data):
                    found.append(f"{path}: a PDF with a picture in it")
            if path.suffix in (".sqlite3", ".db") or data.startswith(b"SQLite format 3"):
                found += _sqlite_blobs(path)
    return found


def _sqlite_blobs(path: Path) -> list[str]:
    out = []
    with sqlite3.connect(path) as con:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            for row in con.execute(f'SELECT * FROM "{table}"'):
                for value in row:
                    if isinstance(value, bytes) or (isinstance(value, str) and len(value) > 20000):
                        out.append(f"{path}: table {table} holds a large or binary value")
    return out


def test_the_scan_itself_finds_an_image_anywhere(tmp_path):
    """The scan can fail: an image by name, one hidden under another name, a picture in
    a PDF, a blob in the log."""
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "frame.png").write_bytes(b"x")
    (tmp_path / "a" / "notes.bin").write_bytes(b"head" + b"\xff\xd8\xff\xe0" + b"tail")
    (tmp_path / "a" / "slip.pdf").write_bytes(b"<< /Type /XObject /Subtype /Image /Width 9 >>")
    with sqlite3.connect(tmp_path / "log.sqlite3") as con:
        con.execute("CREATE TABLE t (v)")
        con.execute("INSERT INTO t VALUES (?)", (b"\x00\x01",))
    found = scan_for_images([tmp_path])
    assert len(found) == 4, found


def test_sessions_leave_no_shopper_image_on_disk(qtbot, tmp_path, shared_data, monkeypatch):
    scene = shared_data / "synthetic-dev" / "scene_1000"
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # anything written to ~ lands here
    k = start_kiosk(qtbot, tmp_path / "kiosk", scene)
    try:
        for purpose in ("travel", "everyday"):
            k.walk_to_measuring(purpose)
            wait_for_state(qtbot, k, FlowState.REVIEW)
            k.tap(Next())
            wait_for_state(qtbot, k, FlowState.RECOMMENDATION)
            k.tap(Next())
            k.tap(Next())
            wait_for_state(qtbot, k, FlowState.HANDOFF)
            k.tap(PrintSlip())  # the shopper takes a slip
            k.tap(Next())
            wait_for_state(qtbot, k, FlowState.ATTRACT)
        # a referral, and a shopper who walks off while being measured
        k.tap(Start())
        k.tap(ChooseLanguage("de"))
        k.tap(ChoosePurpose(Purpose("medical")))
        k.tap(AnswerQuestion(k.flow.status.question_id, False))
        k.tap(AnswerQuestion(k.flow.status.question_id, True))  # a swollen leg: a doctor
        wait_for_state(qtbot, k, FlowState.REFERRAL)
        k.tap(Next())
        k.walk_to_measuring()
        wait_for_state(qtbot, k, FlowState.MEASURE_FRONT)
        k.pose.present.clear()
        qtbot.wait(100)
        k.clock.advance(k.parts.config.idle_timeout_s + 1)
        wait_for_state(qtbot, k, FlowState.ATTRACT)
    finally:
        assert k.close() == []

    slips = list((k.paths.data_dir / "slips").glob("*"))
    assert slips, "no slip was written: the scan would not look at one"
    roots = [k.paths.config_dir, k.paths.data_dir, Path(os.environ["HOME"])]
    roots += [Path(os.environ[v]) for v in ("XDG_CONFIG_HOME", "XDG_DATA_HOME",
                                             "XDG_STATE_HOME", "XDG_CACHE_HOME")
              if os.environ.get(v)]
    assert scan_for_images(roots) == []
    with sqlite3.connect(k.paths.session_log_file) as con:
        assert con.execute("SELECT count(*) FROM sessions").fetchone()[0] == 4


KIOSK_CHILD = textwrap.dedent("""
    import sys
    from pathlib import Path
    sys.path.insert(0, sys.argv[1])
    from calibration.calibration_file import save_calibration
    from kiosk.assembly import KioskOptions, assemble
    from kiosk.config import KioskConfig
    from session.flow import FlowState
    from kiosk.paths import KioskPaths
    from kiosk.staff import hash_pin
    from tests.kiosk.flow_helpers import FAST_SCRYPT
    from tests.faults.kiosk_harness import GOOD_MEASUREMENT, _scene_calibration
    from vision.fakes import FakePoseEstimator, ScriptedFrameSource
    from fitting.outcome import Purpose
    from fitting.stance import Stance
    from session.intents import AnswerQuestion, ChooseLanguage, ChoosePurpose, Next, Start

    root, scene = Path(sys.argv[2]), sys.argv[3]
    paths = KioskPaths(root / "etc-legfit", root / "var-lib-legfit")
    if not paths.calibration_file.exists():
        save_calibration(_scene_calibration(scene)[0], paths.calibration_file)
    parts = assemble(KioskOptions(mode="run", fullscreen=False), paths=paths,
                     config=KioskConfig(staff_pin=hash_pin("2468", params=FAST_SCRYPT),
                                        allow_demo_catalogue=True),
                     estimator=FakePoseEstimator([]), measurer_factory=lambda cal: None,
                     open_source=lambda: ScriptedFrameSource([]))
    flow = parts.flow
    print("started", flush=True)
    while True:   # shoppers, one after another, as fast as the flow goes
        flow.handle(Start())
        flow.handle(ChooseLanguage("en"))
        flow.handle(ChoosePurpose(Purpose.TRAVEL))
        while flow.state is FlowState.SCREENER:
            flow.handle(AnswerQuestion(flow.status.question_id, False))
        session_id = flow.status.session_id
        flow.stance_complete(Stance.FRONT)
        flow.handle(Next())
        flow.measured(GOOD_MEASUREMENT)
        for _ in range(4):
            flow.handle(Next())
        assert flow.state is FlowState.ATTRACT, flow.state
        assert flow.status.log_problem is None, flow.status.log_problem
        print("done", session_id, flush=True)
""")


def _run_until_killed(root: Path, scene: Path, sessions: int) -> tuple[set[str], str]:
    child = subprocess.Popen([sys.executable, "-c", KIOSK_CHILD, str(REPO_ROOT), str(root),
                              str(scene)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, cwd=REPO_ROOT)
    done: set[str] = set()
    try:
        assert child.stdout.readline().strip() == "started", child.stderr.read()[-3000:]
        deadline = time.monotonic() + 90
        while len(done) < sessions and time.monotonic() < deadline:
            line = child.stdout.readline()
            if not line:
                break
            done.add(line.split()[1])
        os.kill(child.pid, signal.SIGKILL)  # the power cut / OOM killer / kill -9
        child.wait(10)
        done |= {line.split()[1] for line in child.stdout.read().splitlines()
                 if line.startswith("done")}
        err = child.stderr.read()
    finally:
        if child.poll() is None:
            child.kill()
        child.stdout.close()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL
    return done, err


@pytest.mark.slow
def test_kill_9_during_sessions_and_restart_lose_no_finished_session(tmp_path, shared_data):
    scene = shared_data / "synthetic-dev" / "scene_1000"
    log_path = tmp_path / "var-lib-legfit" / "sessions.sqlite3"
    finished: set[str] = set()
    for sessions in (5, 12):  # killed, restarted on the log as it was left, killed again
        done, err = _run_until_killed(tmp_path, scene, sessions)
        assert len(done) >= sessions, err[-3000:]
        finished |= done
        with sqlite3.connect(log_path) as con:
            assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            on_disk = {r[0] for r in con.execute("SELECT session_id FROM sessions")}
        assert finished <= on_disk, f"lost after kill -9: {sorted(finished - on_disk)}"
