"""The session log under a locked file, a full disk, a read-only one, corruption and kill -9.

The promise: a fitting that finished is never lost. When the log cannot be written just
now (locked, full, read-only) the record waits in memory, the problem is one clear
sentence, and the next write (or ``retry``) puts it on disk. A corrupt file is set aside
whole as ``sessions.sqlite3.corrupt-<UTC time>`` (with its -wal and -shm), a fresh log
takes what waited in memory and what the old file still gives up, and staff are told
once. A hard kill never leaves a log SQLite cannot open, and every record acknowledged
before the kill is there after the restart. The backups follow the log's retention.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from session.log import (
    SessionLogSetAside,
    SessionLogUnavailable,
    SessionRecord,
    SqliteSessionLog,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
BACKUP_SCRIPT = REPO_ROOT / "packaging" / "scripts" / "backup-sessions.sh"
# The log's clock in these tests (the set-aside file is named after it).
NOW = datetime(2026, 11, 23, 12, 0, 0, tzinfo=UTC)
ASIDE = "sessions.sqlite3.corrupt-20261123T120000Z"


class WallClock:
    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def _record(n: int) -> SessionRecord:
    t0 = datetime(2026, 11, 23, 9, 0, 0) + timedelta(minutes=n)
    return SessionRecord(session_id=f"s{n:05d}", started_at=t0.isoformat(),
                         finished_at=(t0 + timedelta(minutes=3)).isoformat(),
                         outcome="recommend", purpose="travel", language="en",
                         left_ankle_mm=221.0 + n % 7, left_calf_mm=361.0,
                         right_ankle_mm=222.0, right_calf_mm=362.0,
                         recommendation=({"product_id": "demo-travel-sock", "size": "M"},))


def _ids_on_disk(path: Path) -> set[str]:
    con = sqlite3.connect(path)
    try:
        return {row[0] for row in con.execute("SELECT session_id FROM sessions")}
    finally:
        con.close()


def _ids(numbers) -> set[str]:
    return {f"s{n:05d}" for n in numbers}


def _no_set_aside(directory: Path) -> bool:
    return not list(directory.glob("*.corrupt-*"))


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
    assert _no_set_aside(tmp_path)  # a lock is waited out, never taken for corruption
    log.close()


def test_a_log_path_under_a_file_is_reported_and_nothing_is_set_aside(tmp_path):
    # the data directory is a file (a mistyped path in the settings)
    (tmp_path / "blocked").write_text("x")
    path = tmp_path / "blocked" / "sessions.sqlite3"
    log = SqliteSessionLog(path)

    with pytest.raises(SessionLogUnavailable) as err:
        log.record(_record(7))

    assert "cannot be written" in str(err.value)
    assert [r.session_id for r in log.pending] == ["s00007"]
    assert (tmp_path / "blocked").read_text() == "x" and _no_set_aside(tmp_path)
    log.close()  # never raises, even now


def test_a_read_only_log_keeps_the_sessions_in_memory_and_is_never_set_aside(
        tmp_path, monkeypatch):
    path = tmp_path / "sessions.sqlite3"
    log = SqliteSessionLog(path, clock=WallClock())
    log.record(_record(0))
    log.close()
    real_connect = sqlite3.connect

    def read_only(database, *args, **kwargs):
        # The log's file as a read-only mount or a file the kiosk may not write gives it.
        if str(database) == str(path):
            return real_connect(f"file:{path}?mode=ro", *args, uri=True, **kwargs)
        return real_connect(database, *args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", read_only)
    with pytest.raises(SessionLogUnavailable) as err:
        log.record(_record(1))
    assert "readonly" in str(err.value) and "1 session kept in memory" in str(err.value)
    assert [r.session_id for r in log.pending] == ["s00001"]
    assert not log.retry()
    monkeypatch.setattr(sqlite3, "connect", real_connect)  # writable again

    assert log.retry() and log.problem is None
    assert _ids_on_disk(path) == _ids([0, 1]) and _no_set_aside(tmp_path)
    log.close()


# -- corruption: set aside, a fresh log, nothing lost ---------------------------------------

PAGE = 4096


def _overwrite(path: Path, offset: int, data: bytes) -> None:
    with open(path, "r+b") as fh:
        fh.seek(offset)
        fh.write(data)


def _garbage(path: Path) -> None:
    # a bad restore or a stray write: random bytes where the database was
    path.write_bytes(random.Random(7).randbytes(path.stat().st_size))


def _zeros(path: Path) -> None:
    # blocks a power cut left unwritten on a journalling file system read back as zeros
    path.write_bytes(bytes(path.stat().st_size))


def _lost_pages(path: Path) -> None:
    # a disk that lost sectors: two pages in the middle overwritten
    _overwrite(path, 2 * PAGE, b"\xde\xad\xbe\xef" * (2 * PAGE // 4))


def _truncated(path: Path) -> None:
    # a copy cut short (a full disk during a restore)
    with open(path, "r+b") as fh:
        fh.truncate(path.stat().st_size // 2)


def _truncated_header(path: Path) -> None:
    with open(path, "r+b") as fh:
        fh.truncate(60)


def _not_sqlite(path: Path) -> None:
    # another file copied over it: the settings, say
    path.write_text(json.dumps({"schema_version": 1, "default_language": "de"}) * 40)


def _damaged_index(path: Path) -> None:
    # the table's rows whole, its key's index page zeroed
    con = sqlite3.connect(path)
    (root,) = con.execute("SELECT rootpage FROM sqlite_master "
                          "WHERE name = 'sqlite_autoindex_sessions_1'").fetchone()
    con.close()
    _overwrite(path, (root - 1) * PAGE, bytes(PAGE))


def _rebuilt(path: Path, create: str, table: str | None, extra: str = "") -> None:
    """Replace the log with a database made by ``create``, the log's rows copied into
    ``table`` (when given)."""
    con = sqlite3.connect(path)
    con.row_factory = sqlite3.Row
    rows = [dict(r) for r in con.execute("SELECT * FROM sessions")]
    con.close()
    path.unlink()
    con = sqlite3.connect(path)
    con.executescript(create)
    for row in rows if table else ():
        names = ", ".join(row)
        marks = ", ".join(f":{k}" for k in row)
        con.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})", row)
    if extra:
        con.execute(extra)
    con.commit()
    con.close()


_OUR_COLUMNS = ", ".join(f"{c} TEXT" for c in SessionRecord.__dataclass_fields__)


def _wrong_columns(path: Path) -> None:
    # another program's database at the log's path
    _rebuilt(path, "CREATE TABLE sessions (id TEXT PRIMARY KEY, outcome TEXT);", None,
             "INSERT INTO sessions VALUES ('x1', 'sold')")


def _not_keyed(path: Path) -> None:
    # every column there, but no key: a re-written row would be a second row
    _rebuilt(path, f"CREATE TABLE sessions ({_OUR_COLUMNS});", "sessions")


def _a_view(path: Path) -> None:
    # a hand-made view where the table should be: nothing can be written to it
    _rebuilt(path, f"CREATE TABLE old_sessions ({_OUR_COLUMNS}); "
                   "CREATE VIEW sessions AS SELECT * FROM old_sessions;", "old_sessions")


BEFORE, DURING, AFTER = range(0, 60), (60, 61), range(63, 70)
FINDING = 62  # the write that finds the damage


@pytest.mark.parametrize(
    ("corrupt", "reason", "salvaged"),
    [
        (_garbage, "file is not a database", "none"),
        (_zeros, "file is not a database", "none"),
        (_lost_pages, "", "some"),
        (_truncated, "", "some"),
        (_truncated_header, "", "none"),
        (_not_sqlite, "file is not a database", "none"),
        (_damaged_index, "damaged", "all"),
        (_wrong_columns, "its sessions table has no column session_id", "none"),
        (_not_keyed, "its sessions table is not keyed by session_id", "all"),
        (_a_view, "its sessions is a view, not a table", "all"),
    ],
    ids=lambda v: v.__name__.strip("_") if callable(v) else None,
)
def test_a_corrupt_log_is_set_aside_whole_and_no_session_is_lost(
        tmp_path, corrupt: Callable[[Path], None], reason: str, salvaged: str):
    path = tmp_path / "sessions.sqlite3"
    log = SqliteSessionLog(path, lock_timeout_s=0.05, clock=WallClock())
    for n in BEFORE:
        log.record(_record(n))
    # Two sessions finish while another program holds the file: they wait in memory.
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    for n in DURING:
        with pytest.raises(SessionLogUnavailable):
            log.record(_record(n))
    blocker.execute("ROLLBACK")
    blocker.close()
    assert [r.session_id for r in log.pending] == sorted(_ids(DURING))

    corrupt(path)  # the damage happens with those two still waiting
    damaged = path.read_bytes()

    with pytest.raises(SessionLogSetAside) as said:
        log.record(_record(FINDING))  # written to the fresh log, and said once
    for n in AFTER:
        log.record(_record(n))  # nothing more to say
    assert log.problem is None and log.pending == ()
    log.close()

    message = str(said.value)
    assert "\n" not in message
    assert message.startswith(f"session log {path} was corrupt (")
    assert reason in message and f"set aside as {ASIDE} and a new log started" in message
    # The damaged file is kept exactly as it was found, beside the fresh one.
    aside = tmp_path / ASIDE
    assert aside.read_bytes() == damaged
    assert {p.name for p in tmp_path.iterdir()} <= {
        "sessions.sqlite3", "sessions.sqlite3-wal", "sessions.sqlite3-shm",
        ASIDE, f"{ASIDE}-wal", f"{ASIDE}-shm"}
    # Nothing lost: what waited, what found it and what came after are in the fresh log;
    # the sessions from before are too as far as the damaged file still gives them up.
    fresh = _ids_on_disk(path)
    assert _ids([*DURING, FINDING, *AFTER]) <= fresh
    copied = fresh & _ids(BEFORE)
    assert fresh - copied == _ids([*DURING, FINDING, *AFTER])
    if salvaged == "all":
        assert copied == _ids(BEFORE)
    elif salvaged == "none":
        assert not copied
    if copied:
        assert f"; {len(copied)} earlier sessions copied from it" in message
    else:
        assert message.endswith("a new log started")
    with sqlite3.connect(path) as con:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    con.close()
    # Rows copied over are the same rows.
    again = SqliteSessionLog(path)
    by_id = {r.session_id: r for r in again.recent(limit=1000)}
    again.close()
    assert all(by_id[f"s{n:05d}"] == _record(n) for n in range(70)
               if f"s{n:05d}" in by_id)


def test_the_staff_history_finds_the_damage_and_writes_what_waited(tmp_path):
    path = tmp_path / "sessions.sqlite3"
    log = SqliteSessionLog(path, lock_timeout_s=0.05, clock=WallClock())
    log.record(_record(0))
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    with pytest.raises(SessionLogUnavailable):
        log.record(_record(1))
    blocker.execute("ROLLBACK")
    blocker.close()
    _garbage(path)

    assert [r.session_id for r in log.recent()] == ["s00001"]  # staff open the history
    assert log.pending == () and _ids_on_disk(path) == _ids([1])
    assert log.problem is not None and ASIDE in log.problem

    with pytest.raises(SessionLogSetAside):
        log.record(_record(2))  # the kiosk's next session tells the flow, once
    log.record(_record(3))
    assert log.problem is None
    log.close()
    assert _ids_on_disk(path) == _ids([1, 2, 3])


def test_a_damaged_log_is_set_aside_with_its_write_ahead_log(tmp_path):
    # A power cut while the kiosk wrote: the database and its WAL as they were left.
    live = tmp_path / "live"
    writer = SqliteSessionLog(live / "sessions.sqlite3")
    for n in range(60):
        writer.record(_record(n))
    writer._connect().execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for n in range(60, 63):
        writer.record(_record(n))  # these three only in the WAL
    kiosk = tmp_path / "kiosk"
    kiosk.mkdir()
    for suffix in ("", "-wal", "-shm"):
        shutil.copyfile(live / f"sessions.sqlite3{suffix}", kiosk / f"sessions.sqlite3{suffix}")
    writer.close()
    path = kiosk / "sessions.sqlite3"
    wal = (kiosk / "sessions.sqlite3-wal").read_bytes()
    assert wal, "no write-ahead log: the test proves nothing"
    _garbage(path)  # every page of the database lost; the WAL whole

    log = SqliteSessionLog(path, clock=WallClock())
    with pytest.raises(SessionLogSetAside):
        log.record(_record(99))
    log.close()

    # Set aside together, the WAL exactly as it was.
    assert (kiosk / f"{ASIDE}-wal").read_bytes() == wal
    assert (kiosk / ASIDE).exists() and (kiosk / f"{ASIDE}-shm").exists()
    # The old WAL never met the fresh database: only the new session (and whatever the
    # old pair still gave up) is in it.
    assert _ids([99]) <= _ids_on_disk(path) <= _ids([*range(63), 99])


def test_a_corrupt_log_that_cannot_be_moved_keeps_the_sessions_in_memory(
        tmp_path, monkeypatch):
    import session.log as session_log

    path = tmp_path / "sessions.sqlite3"
    path.write_bytes(b"not a database" * 300)
    log = SqliteSessionLog(path, clock=WallClock())
    real_replace = os.replace

    def refused(src, dst):
        raise PermissionError(13, "Permission denied", str(src))

    monkeypatch.setattr(session_log.os, "replace", refused)
    with pytest.raises(SessionLogUnavailable) as err:
        log.record(_record(1))
    assert "Permission denied" in str(err.value) and "kept in memory" in str(err.value)
    assert path.read_bytes() == b"not a database" * 300 and _no_set_aside(tmp_path)

    monkeypatch.setattr(session_log.os, "replace", real_replace)
    assert log.retry()  # set aside now, the session written
    with pytest.raises(SessionLogSetAside):
        log.record(_record(2))
    log.close()
    assert _ids_on_disk(path) == _ids([1, 2])
    assert (tmp_path / ASIDE).read_bytes() == b"not a database" * 300


def test_a_disk_that_damages_the_new_log_too_gets_one_set_aside_a_day(tmp_path):
    path = tmp_path / "sessions.sqlite3"
    path.write_bytes(b"not a database" * 300)
    clock = WallClock()
    log = SqliteSessionLog(path, clock=clock)
    with pytest.raises(SessionLogSetAside):
        log.record(_record(1))
    log.close()
    _garbage(path)  # the fresh file is damaged as well

    clock.now += timedelta(hours=23)
    with pytest.raises(SessionLogUnavailable) as err:
        log.record(_record(2))  # not set aside again today: kept in memory
    assert "file is not a database" in str(err.value) and "kept in memory" in str(err.value)
    assert len(list(tmp_path.glob("*.corrupt-*"))) == 1

    clock.now += timedelta(hours=1)
    with pytest.raises(SessionLogSetAside) as said:
        log.record(_record(3))
    assert "corrupt-20261124T120000Z" in str(said.value)
    log.close()
    assert _ids_on_disk(path) == _ids([2, 3])


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
    assert _no_set_aside(tmp_path)  # a full disk is waited out, never taken for corruption
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


# -- retention of the backups ----------------------------------------------------------------

DAY_S = 86400


def _aged(path: Path, days: float, content: bytes = b"") -> Path:
    """A file last written ``days`` ago."""
    path.write_bytes(content)
    then = time.time() - days * DAY_S
    os.utime(path, (then, then))
    return path


def _backup(db: Path, backups: Path, *args: str, env: dict[str, str] | None = None):
    if shutil.which("sqlite3") is None:
        pytest.fail("the sqlite3 command is missing (packaging/scripts/system-deps.sh "
                    "installs it)")
    environ = {k: v for k, v in os.environ.items() if k != "LEGFIT_RETENTION_DAYS"}
    return subprocess.run([str(BACKUP_SCRIPT), str(db), str(backups), *args],
                          capture_output=True, text=True, env={**environ, **(env or {})},
                          timeout=60)


@pytest.fixture
def store(tmp_path):
    """A data folder: the session log, copies of several ages, set-aside corrupt logs."""
    db = tmp_path / "sessions.sqlite3"
    log = SqliteSessionLog(db)
    log.record(_record(1))
    log.close()
    backups = tmp_path / "backups"
    backups.mkdir()
    for days in (402, 398, 45, 20):
        _aged(backups / f"sessions-copy{days}.sqlite3", days)
    _aged(backups / "notes.txt", 900)  # not a copy: never touched
    _aged(tmp_path / "sessions.sqlite3.corrupt-20250101T000000Z", 402)
    _aged(tmp_path / "sessions.sqlite3.corrupt-20250101T000000Z-wal", 402)
    _aged(tmp_path / "sessions.sqlite3.corrupt-20261101T000000Z", 20)
    _aged(tmp_path / "other.sqlite3.corrupt-20250101T000000Z", 402)  # not this log's
    return db, backups


def _left(db: Path, backups: Path) -> set[str]:
    today = f"sessions-{time.strftime('%Y-%m-%d')}.sqlite3"
    return ({p.name.replace(today, "today") for p in backups.iterdir()}
            | {p.name for p in db.parent.glob("*.corrupt-*")})


def test_the_backup_deletes_copies_and_set_aside_logs_past_400_days(store):
    db, backups = store
    result = _backup(db, backups)  # as the unit runs it, with the default
    assert result.returncode == 0, result.stderr
    assert _left(db, backups) == {
        "today", "sessions-copy398.sqlite3", "sessions-copy45.sqlite3",
        "sessions-copy20.sqlite3", "notes.txt",
        "sessions.sqlite3.corrupt-20261101T000000Z", "other.sqlite3.corrupt-20250101T000000Z"}
    with sqlite3.connect(backups / f"sessions-{time.strftime('%Y-%m-%d')}.sqlite3") as con:
        assert con.execute("SELECT session_id FROM sessions").fetchall() == [("s00001",)]
    con.close()


@pytest.mark.parametrize(
    ("args", "env"),
    [
        # the unit's environment, as the store sets it
        ((), {"LEGFIT_RETENTION_DAYS": "30"}),
        # the days given on the command line win over the environment
        (("30",), {"LEGFIT_RETENTION_DAYS": "400"}),
    ],
)
def test_the_backup_follows_the_stores_retention(store, args, env):
    db, backups = store
    result = _backup(db, backups, *args, env=env)
    assert result.returncode == 0, result.stderr
    assert _left(db, backups) == {
        "today", "sessions-copy20.sqlite3", "notes.txt",
        "sessions.sqlite3.corrupt-20261101T000000Z", "other.sqlite3.corrupt-20250101T000000Z"}


@pytest.mark.parametrize("days", ["0", "abc", "-5", "30d", " 30"])
def test_a_bad_retention_is_refused_before_anything_is_deleted(store, days):
    db, backups = store
    before = _left(db, backups)
    result = _backup(db, backups, env={"LEGFIT_RETENTION_DAYS": days})
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "retention" in result.stderr
    assert _left(db, backups) == before  # nothing deleted, no copy made


def test_the_log_the_settings_and_the_backup_unit_keep_the_same_400_days():
    from kiosk.config import KioskConfig
    from session.log import DEFAULT_RETENTION_DAYS

    unit = (REPO_ROOT / "packaging" / "systemd" / "legfit-backup.service").read_text()
    service = [line.strip() for line in unit.splitlines() if "=" in line]
    assert f"Environment=LEGFIT_RETENTION_DAYS={DEFAULT_RETENTION_DAYS}" in service
    (exec_start,) = [line for line in service if line.startswith("ExecStart=")]
    assert exec_start.split()[-1] == "/var/lib/legfit/backups"  # the days from the env
    assert KioskConfig().session_retention_days == DEFAULT_RETENTION_DAYS == 400
