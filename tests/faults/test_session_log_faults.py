"""The session log under a locked file, a full disk, corruption and kill -9.

The promise: a fitting that finished is never lost. When the log cannot be written the
record waits in memory, the problem is one clear sentence, and the next write (or
``retry``) puts it on disk. A hard kill never leaves a log SQLite cannot open, and every
record acknowledged before the kill is there after the restart.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from session.log import SessionLogUnavailable, SessionRecord, SqliteSessionLog

REPO_ROOT = Path(__file__).resolve().parents[2]


def _record(n: int) -> SessionRecord:
    t0 = datetime(2026, 11, 23, 9, 0, 0) + timedelta(minutes=n)
    return SessionRecord(session_id=f"s{n:05d}", started_at=t0.isoformat(),
                         finished_at=(t0 + timedelta(minutes=3)).isoformat(),
                         outcome="recommend", purpose="travel", language="en",
                         left_ankle_mm=221.0 + n % 7, left_calf_mm=361.0,
                         right_ankle_mm=222.0, right_calf_mm=362.0,
                         recommendation=({"product_id": "demo-travel-sock", "size": "M"},))


def _ids_on_disk(path: Path) -> set[str]:
    with sqlite3.connect(path) as con:
        return {row[0] for row in con.execute("SELECT session_id FROM sessions")}


def test_a_locked_log_keeps_the_sessions_in_memory_until_the_lock_goes(tmp_path):
    path = tmp_path / "sessions.sqlite3"
    log = SqliteSessionLog(path, lock_timeout_s=0.1)
    log.record(_record(0))
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")  # another program (a backup tool) holds the file

    with pytest.raises(SessionLogUnavailable) as err:
        log.record(_record(1))
    with pytest.raises(SessionLogUnavailable):
        log.record(_record(2))

    message = str(err.value)
    assert "locked" in message and "kept in memory" in message and "\n" not in message
    assert [r.session_id for r in log.pending] == ["s00001", "s00002"]
    assert log.problem is not None
    # The staff history still shows them, from memory.
    assert {r.session_id for r in log.recent()} >= {"s00001", "s00002"}

    blocker.execute("ROLLBACK")
    blocker.close()
    assert log.retry()
    assert log.problem is None and not log.pending
    assert _ids_on_disk(path) == {"s00000", "s00001", "s00002"}
    log.close()


@pytest.mark.parametrize(
    ("setup", "phrase"),
    [
        # garbage where the database should be (a bad restore)
        (lambda p: p.write_bytes(b"this is not a database" * 200), "not a database"),
        # the data directory is a file (a mistyped path in the settings)
        (lambda p: p.parent.parent.joinpath("blocked").write_text("x"), "cannot be written"),
    ],
)
def test_an_unusable_log_file_is_reported_and_left_as_it_was(tmp_path, setup, phrase):
    path = tmp_path / "data" / "sessions.sqlite3"
    path.parent.mkdir()
    setup(path)
    if (tmp_path / "blocked").exists():
        path = tmp_path / "blocked" / "sessions.sqlite3"
    before = path.read_bytes() if path.exists() else None
    log = SqliteSessionLog(path)

    with pytest.raises(SessionLogUnavailable) as err:
        log.record(_record(7))

    assert phrase in str(err.value)
    assert [r.session_id for r in log.pending] == ["s00007"]
    if before is not None:
        assert path.read_bytes() == before
    log.close()  # never raises, even now


def test_a_log_from_a_newer_version_is_left_untouched(tmp_path):
    path = tmp_path / "sessions.sqlite3"
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE sessions (session_id TEXT PRIMARY KEY, future TEXT)")
        con.execute("PRAGMA user_version=99")
    before = path.read_bytes()

    log = SqliteSessionLog(path)
    with pytest.raises(SessionLogUnavailable, match="newer"):
        log.record(_record(1))

    assert path.read_bytes() == before
    assert [r.session_id for r in log.pending] == ["s00001"]


FULL_DISK_CHILD = textwrap.dedent("""
    import json, resource, signal, sys
    sys.path.insert(0, sys.argv[2])
    from tests.faults.test_session_log_faults import _record
    from session.log import SqliteSessionLog, SessionLogUnavailable

    # A write past the limit fails with EFBIG instead of killing the process (SIGXFSZ),
    # exactly like ENOSPC on a full disk: the write call returns an error.
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    log = SqliteSessionLog(sys.argv[1])
    log.record(_record(0))
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (8 * 1024, hard))
    errors = []
    for n in range(1, 200):
        try:
            log.record(_record(n))
        except SessionLogUnavailable as exc:
            errors.append(str(exc))
    pending_when_full = len(log.pending)
    resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))   # space freed again
    flushed = log.retry()
    log.close()
    print(json.dumps({"errors": errors, "pending_when_full": pending_when_full,
                      "flushed": flushed}))
""")


def test_a_full_disk_loses_no_session_and_recovers_when_space_returns(tmp_path):
    path = tmp_path / "sessions.sqlite3"
    result = subprocess.run([sys.executable, "-c", FULL_DISK_CHILD, str(path), str(REPO_ROOT)],
                            capture_output=True, text=True, timeout=120, cwd=REPO_ROOT)
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])

    assert report["errors"], "the size limit never bit: the test proves nothing"
    assert all("cannot be written" in e and "kept in memory" in e for e in report["errors"])
    assert report["pending_when_full"] > 0
    assert report["flushed"] is True
    assert _ids_on_disk(path) == {f"s{n:05d}" for n in range(200)}
    with sqlite3.connect(path) as con:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)


KILL_CHILD = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, sys.argv[2])
    from tests.faults.test_session_log_faults import _record
    from session.log import SqliteSessionLog

    log = SqliteSessionLog(sys.argv[1])
    start = int(sys.argv[3])
    n = start
    while True:
        log.record(_record(n))
        print(f"ack {n}", flush=True)   # only after record() returned
        n += 1
""")


@pytest.mark.parametrize(
    "acks_before_kill",
    [
        # killed almost at once (during the first writes: table creation, WAL set-up)
        1,
        # killed in the middle of a busy stream of writes
        40,
        # a second kill on a log that already lived through one (a restart loop)
        15,
    ],
)
def test_kill_9_during_sessions_leaves_an_intact_log_with_every_acknowledged_record(
        tmp_path, acks_before_kill):
    path = tmp_path / "sessions.sqlite3"
    acked: set[str] = set()
    for run in range(2):  # kill, restart, kill again
        start = run * 1000
        child = subprocess.Popen(
            [sys.executable, "-c", KILL_CHILD, str(path), str(REPO_ROOT), str(start)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=REPO_ROOT)
        try:
            seen = 0
            deadline = time.monotonic() + 60
            while seen < acks_before_kill and time.monotonic() < deadline:
                line = child.stdout.readline()
                if not line:
                    break
                acked.add(f"s{int(line.split()[1]):05d}")
                seen += 1
            assert seen == acks_before_kill, child.stderr.read()[-2000:]
            os.kill(child.pid, signal.SIGKILL)
            child.wait(10)
            # Acknowledgements already in the pipe were written before the kill too.
            for line in child.stdout.read().splitlines():
                acked.add(f"s{int(line.split()[1]):05d}")
        finally:
            if child.poll() is None:
                child.kill()
            child.stdout.close()
            child.stderr.close()
        assert child.returncode == -signal.SIGKILL

        # The restart: the kiosk opens the log as it finds it.
        log = SqliteSessionLog(path)
        on_disk = {r.session_id for r in log.recent(limit=100_000)}
        log.close()
        assert acked <= on_disk, f"lost: {sorted(acked - on_disk)[:5]}"
        with sqlite3.connect(path) as con:
            assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
