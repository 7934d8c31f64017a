"""The session log: one row per fitting, for the store's own review. No people in it.

What a row holds: when, the outcome category, purpose and language, the girths and the
recommended products; where staff taped a leg the camera had measured, the camera's
girths too (the pair is the one real accuracy signal a store produces). What it never
holds: pictures, names, or the screener's answers (a referral is kept only as its
outcome category: "see_doctor", not which question). Staff find a row by the fitting
code the shopper brings (``find``).

``SqliteSessionLog`` writes to SQLite in WAL mode (a reader, such as the staff history
screen, never blocks the kiosk) with ``synchronous=FULL``: once ``record`` returned, the
session is on the disk and survives a power cut. A locked database, a full disk or a
read-only one must not lose a session nor stop the shopper: records that cannot be
written are kept in memory, the next write retries them, and ``SessionLogUnavailable``
says what is wrong in one line. A corrupt file (not SQLite's, damaged pages, truncated, or
a ``sessions`` table that is not ours) is different, since waiting would never help: it
is renamed aside as ``<name>.corrupt-<UTC time>`` with its -wal and -shm, the rows it
still gives up and those waiting in memory go into a fresh file, and the next ``record``
says so once with ``SessionLogSetAside`` (the record itself is written).

Retention: sessions that finished more than ``retention_days`` ago are deleted when the
log opens and again once a day (checked after each write).

The outbox: every write of a session also queues it, in the same transaction and the same
file, in the ``outbox`` table, for a fleet's central store (``kiosk.fleet``). A row there
names the session and how often it was written (``revision``); the sync worker reads the
session as it is now (``SessionOutbox``), sends it, and removes the outbox row only if no
newer write came in the meantime. A session written again after it was sent (staff taped
the legs) is queued again, and the centre replaces its copy. The outbox holds no data of
its own beyond the first ``started_at`` the session was queued with (the centre files a
session by it, so a resend lands on the same row).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sqlite3
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol, TypeVar

from fitting.atomic_file import fsync_directory
from fitting.errors import LegFitError
from fitting.measurement import Measurement, MeasurementSource
from fitting.recommend import Decision
from fitting.screener import QUESTION_IDS
from session.codes import code_key, fitting_code_for

# 2: the camera's girths beside a tape's; 3: the girths' sds, the decision's measurement
# reasons, refusals, demo sessions, the versions in use, and the outbox.
SCHEMA_VERSION = 3
# How long a write waits for another process's lock before the record is kept for later.
LOCK_TIMEOUT_S = 0.5
# Sessions that finished longer ago than this are deleted (the store's config can change it).
DEFAULT_RETENTION_DAYS = 400
# How often the log looks for sessions past their retention (and at most how often a
# corrupt file is set aside: a disk that corrupts every new file gets one, not hundreds).
PURGE_EVERY = timedelta(hours=24)
SET_ASIDE_EVERY = timedelta(hours=24)
# The files SQLite keeps beside a database, renamed together with it.
_COMPANIONS = ("-wal", "-shm", "-journal")

_T = TypeVar("_T")


class SessionLogUnavailable(LegFitError):
    """The session log cannot be written just now; the records wait in memory."""


class SessionLogSetAside(LegFitError):
    """The log file was corrupt and has been set aside; the record was written to a fresh one.

    Raised once, by the first ``record`` after it happened, so that staff see it."""


class _NotOurLog(sqlite3.DatabaseError):
    """A file SQLite opens that is not a usable session log (damaged, or a foreign table)."""


@dataclass(frozen=True)
class SessionRecord:
    """One fitting as the log keeps it. Girths in mm; ``recommendation`` is plain data."""

    session_id: str
    started_at: str
    finished_at: str
    outcome: str
    purpose: str | None = None
    language: str | None = None
    state_reached: str | None = None
    source: str | None = None
    left_ankle_mm: float | None = None
    left_calf_mm: float | None = None
    left_length_mm: float | None = None
    right_ankle_mm: float | None = None
    right_calf_mm: float | None = None
    right_length_mm: float | None = None
    recommendation: tuple[dict[str, object], ...] = ()
    # The camera's girths where staff then taped the legs (``source`` is "tape").
    camera_left_ankle_mm: float | None = None
    camera_left_calf_mm: float | None = None
    camera_left_length_mm: float | None = None
    camera_right_ankle_mm: float | None = None
    camera_right_calf_mm: float | None = None
    camera_right_length_mm: float | None = None
    # Schema 3. The sds of the girths above (the camera's; a tape's are usually none), and
    # of the camera's where staff taped over them.
    left_ankle_sd_mm: float | None = None
    left_calf_sd_mm: float | None = None
    left_length_sd_mm: float | None = None
    right_ankle_sd_mm: float | None = None
    right_calf_sd_mm: float | None = None
    right_length_sd_mm: float | None = None
    camera_left_ankle_sd_mm: float | None = None
    camera_left_calf_sd_mm: float | None = None
    camera_right_ankle_sd_mm: float | None = None
    camera_right_calf_sd_mm: float | None = None
    # The decision's reasons that come from the measurement and the sizing (codes such as
    # "size_boundary_uncertain"); never a screener's (``measurement_reason_codes``).
    reason_codes: tuple[str, ...] = ()
    # Why the camera refused to measure in this session, if it did (numbers left out).
    refusal_reasons: tuple[str, ...] = ()
    # A demo session (``legfit demo --headless``), counted apart from shoppers'.
    demo: bool = False
    # What the kiosk ran when the session was written.
    software_version: str | None = None
    catalogue_version: int | None = None

    @property
    def fitting_code(self) -> str:
        return fitting_code_for(self.session_id)

    @classmethod
    def from_session(cls, *, session_id: str, started_at: datetime, finished_at: datetime,
                     outcome: str, purpose: str | None, language: str | None,
                     measurement: Measurement | None, decision: Decision | None,
                     state_reached: str | None = None,
                     camera_measurement: Measurement | None = None) -> SessionRecord:
        record = cls(session_id=session_id,
                     started_at=started_at.isoformat(timespec="seconds"),
                     finished_at=finished_at.isoformat(timespec="seconds"),
                     outcome=outcome, purpose=purpose, language=language,
                     state_reached=state_reached,
                     recommendation=recommendation_summary(decision),
                     reason_codes=measurement_reason_codes(decision))
        if measurement is None:
            return record
        left, right = measurement.left, measurement.right
        record = replace(record, source=measurement.source.value,
                         left_ankle_mm=_mm(left.ankle_mm), left_calf_mm=_mm(left.calf_mm),
                         left_length_mm=_mm(left.knee_high_length_mm),
                         right_ankle_mm=_mm(right.ankle_mm),
                         right_calf_mm=_mm(right.calf_mm),
                         right_length_mm=_mm(right.knee_high_length_mm),
                         left_ankle_sd_mm=_mm(left.ankle_sd_mm),
                         left_calf_sd_mm=_mm(left.calf_sd_mm),
                         left_length_sd_mm=_mm(left.knee_high_length_sd_mm),
                         right_ankle_sd_mm=_mm(right.ankle_sd_mm),
                         right_calf_sd_mm=_mm(right.calf_sd_mm),
                         right_length_sd_mm=_mm(right.knee_high_length_sd_mm))
        if camera_measurement is None or measurement.source is not MeasurementSource.TAPE:
            return record
        cl, cr = camera_measurement.left, camera_measurement.right
        return replace(record,
                       camera_left_ankle_mm=_mm(cl.ankle_mm),
                       camera_left_calf_mm=_mm(cl.calf_mm),
                       camera_left_length_mm=_mm(cl.knee_high_length_mm),
                       camera_right_ankle_mm=_mm(cr.ankle_mm),
                       camera_right_calf_mm=_mm(cr.calf_mm),
                       camera_right_length_mm=_mm(cr.knee_high_length_mm),
                       camera_left_ankle_sd_mm=_mm(cl.ankle_sd_mm),
                       camera_left_calf_sd_mm=_mm(cl.calf_sd_mm),
                       camera_right_ankle_sd_mm=_mm(cr.ankle_sd_mm),
                       camera_right_calf_sd_mm=_mm(cr.calf_sd_mm))

    def to_row(self) -> dict[str, object]:
        row = asdict(self)
        row["recommendation"] = json.dumps(list(self.recommendation), sort_keys=True)
        for name in _LIST_COLUMNS:
            row[name] = json.dumps(list(getattr(self, name)))
        row["demo"] = int(self.demo)
        return row

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> SessionRecord:
        data = dict(row)
        data["recommendation"] = tuple(json.loads(data.get("recommendation") or "[]"))
        for name in _LIST_COLUMNS:
            if name in data:
                data[name] = _text_tuple(data[name])
        if "demo" in data:
            data["demo"] = data["demo"] in (1, "1")
        version = data.get("catalogue_version")
        if version is not None:
            data["catalogue_version"] = int(version)
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


def _text_tuple(stored: object) -> tuple[str, ...]:
    """A JSON list of strings as the log keeps it (none: an older row)."""
    if stored is None or stored == "":
        return ()
    if not isinstance(stored, str):
        raise ValueError(f"a list column holds {type(stored).__name__}, not JSON text")
    items = json.loads(stored)
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise ValueError("a list column holds something other than a list of strings")
    return tuple(items)


# The reasons of a decision the log keeps: those the measurement and the sizing give. A
# screener's reason (a question answered yes, a prescription, a donning aid asked for by
# an answer) is never kept, whatever its code: only these forms, and never a question's id.
_MEASUREMENT_REASON = re.compile(
    r"^(?:(?:ankle|calf|length|thigh|size|legs)_[a-z_]+|standard_size|one_size_for_both"
    r"|no_matching_product)$")
_SCREENER_CODES = frozenset(QUESTION_IDS)


def measurement_reason_codes(decision: Decision | None) -> tuple[str, ...]:
    """The codes of ``decision``'s reasons that come from the legs, not from the answers."""
    if decision is None:
        return ()
    codes: list[str] = []
    for reason in decision.reasons:
        code = reason.code
        if (_MEASUREMENT_REASON.match(code) and code not in _SCREENER_CODES
                and code not in codes):
            codes.append(code)
    return tuple(codes)


# A refusal's words with the figures left out ("a girth of 343 mm" -> "a girth of # mm"),
# so that the same reason counts as one however the legs measured.
_FIGURE = re.compile(r"[-+]?\d+(?:[.,]\d+)?")
REFUSAL_REASON_MAX_CHARS = 120


def refusal_reason_key(message: str) -> str:
    """A measurement refusal as the log keeps it: one line, figures as ``#``, at most
    ``REFUSAL_REASON_MAX_CHARS`` characters."""
    text = " ".join(_FIGURE.sub("#", message).split())
    return text[:REFUSAL_REASON_MAX_CHARS]


def _mm(value: float | None) -> float | None:
    return None if value is None else round(float(value), 1)


def recommendation_summary(decision: Decision | None) -> tuple[dict[str, object], ...]:
    """The recommended products as plain data (no reasons text, nothing personal)."""
    if decision is None:
        return ()
    out: list[dict[str, object]] = []
    for choice in decision.recommendations:
        out.append({
            "product_id": choice.product_id,
            "product_name": choice.product_name,
            "size": choice.size,
            "length": choice.length,
            "class_mmhg": list(choice.class_mmhg),
            "legs": [leg.value for leg in choice.legs],
        })
    return tuple(out)


class SessionLog(Protocol):
    """Where finished sessions go. ``record`` replaces an earlier row of the same session."""

    def record(self, record: SessionRecord) -> None: ...

    def recent(self, limit: int = 50) -> list[SessionRecord]: ...

    def find(self, code: str) -> SessionRecord | None:
        """The session whose fitting code ``code`` is (as typed or scanned), else None."""
        ...

    def retry(self) -> bool:
        """Try records waiting in memory again; True when nothing is left waiting."""
        ...

    @property
    def problem(self) -> str | None: ...

    def close(self) -> None: ...


class MemorySessionLog:
    """A log kept in memory: the demo (which never touches a store's log) and tests.

    ``fail_with`` makes every write fail with that message (a locked or full disk)."""

    def __init__(self, fail_with: str | None = None) -> None:
        self.records: dict[str, SessionRecord] = {}
        self.fail_with = fail_with
        self.pending: list[SessionRecord] = []
        self.closed = False

    def record(self, record: SessionRecord) -> None:
        self.pending.append(record)
        self.record_pending()

    def recent(self, limit: int = 50) -> list[SessionRecord]:
        return sorted(self.records.values(), key=lambda r: r.finished_at, reverse=True)[:limit]

    def retry(self) -> bool:
        try:
            self.record_pending()
        except SessionLogUnavailable:
            return False
        return True

    def record_pending(self) -> None:
        if self.fail_with:
            raise SessionLogUnavailable(self.fail_with)
        for rec in self.pending:
            self.records[rec.session_id] = rec
        self.pending.clear()

    def find(self, code: str) -> SessionRecord | None:
        key = code_key(code)
        return next((r for r in self.recent(len(self.records))
                     if key is not None and r.session_id.upper()[:8] == key), None)

    @property
    def problem(self) -> str | None:
        return self.fail_with

    def close(self) -> None:
        self.closed = True


FakeSessionLog = MemorySessionLog


_COLUMNS = tuple(SessionRecord.__dataclass_fields__)
_TEXT_COLUMNS = frozenset({"session_id", "started_at", "finished_at", "outcome", "purpose",
                           "language", "state_reached", "source", "recommendation",
                           "reason_codes", "refusal_reasons", "software_version"})
_INTEGER_COLUMNS = frozenset({"demo", "catalogue_version"})
_LIST_COLUMNS = ("reason_codes", "refusal_reasons")


def _column_type(column: str) -> str:
    if column in _TEXT_COLUMNS:
        return "TEXT"
    return "INTEGER" if column in _INTEGER_COLUMNS else "REAL"


_CREATE = "CREATE TABLE IF NOT EXISTS sessions ({})".format(", ".join(
    f"{c} {_column_type(c)}" + (" PRIMARY KEY" if c == "session_id" else "")
    for c in _COLUMNS))

# The outbox (schema 3): one row per session waiting to be sent to a fleet's centre.
_OUTBOX_COLUMNS = ("session_id", "revision", "queued_at", "started_at")
_CREATE_OUTBOX = ("CREATE TABLE IF NOT EXISTS outbox (session_id TEXT PRIMARY KEY, "
                  "revision INTEGER NOT NULL, queued_at TEXT NOT NULL, started_at TEXT)")
# A session written again: queued again (a newer revision), its first start time kept.
_QUEUE = ("INSERT INTO outbox (session_id, revision, queued_at, started_at) "
          "VALUES (?, 1, ?, ?) ON CONFLICT(session_id) DO UPDATE SET "
          "revision = outbox.revision + 1, queued_at = excluded.queued_at")


# The columns of the first schema: a ``sessions`` table without all of them is not ours.
_FIRST_COLUMNS = ("session_id", "started_at", "finished_at", "outcome", "purpose",
                  "language", "state_reached", "source", "left_ankle_mm", "left_calf_mm",
                  "left_length_mm", "right_ankle_mm", "right_calf_mm", "right_length_mm",
                  "recommendation")
_CORRUPT_CODES = frozenset({sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB})


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _is_corrupt(exc: BaseException) -> bool:
    """SQLite says the file is damaged or not a database (as opposed to locked, full,
    read-only or unreachable, which the next try may overcome)."""
    if isinstance(exc, _NotOurLog):
        return True
    code = getattr(exc, "sqlite_errorcode", None) if isinstance(exc, sqlite3.Error) else None
    return isinstance(code, int) and code & 0xFF in _CORRUPT_CODES


def _check_intact(conn: sqlite3.Connection) -> None:
    """Raise ``_NotOurLog`` (or SQLite's own corruption error) unless the file reads whole
    and any ``sessions`` table in it has the columns and key the log writes."""
    problems = [row[0] for row in conn.execute("PRAGMA quick_check")]
    if problems != ["ok"]:
        found = " ".join(" ".join(str(p).split()) for p in problems[:2])
        raise _NotOurLog(f"damaged: {found}")
    kind = conn.execute("SELECT type FROM sqlite_master WHERE name = 'sessions'").fetchone()
    if kind is None:
        return
    if kind[0] != "table":
        raise _NotOurLog(f"its sessions is a {kind[0]}, not a table")
    info = conn.execute("PRAGMA table_info(sessions)").fetchall()
    have = {row[1] for row in info}
    missing = [c for c in _FIRST_COLUMNS if c not in have]
    if missing:
        raise _NotOurLog(f"its sessions table has no column {missing[0]}")
    keys = [row[1] for row in info if row[5]]
    if keys != ["session_id"]:
        raise _NotOurLog("its sessions table is not keyed by session_id")
    kind = conn.execute("SELECT type FROM sqlite_master WHERE name = 'outbox'").fetchone()
    if kind is None:
        return
    if kind[0] != "table":
        raise _NotOurLog(f"its outbox is a {kind[0]}, not a table")
    have = {row[1] for row in conn.execute("PRAGMA table_info(outbox)")}
    missing = [c for c in _OUTBOX_COLUMNS if c not in have]
    if missing:
        raise _NotOurLog(f"its outbox table has no column {missing[0]}")


def _add_missing_columns(conn: sqlite3.Connection) -> None:
    """An older log gains the columns added since (empty in its old rows)."""
    have = {row[1] for row in conn.execute("PRAGMA table_info(sessions)")}
    for column in _COLUMNS:
        if column not in have:
            conn.execute(f"ALTER TABLE sessions ADD COLUMN {column} {_column_type(column)}")


def _add_outbox(conn: sqlite3.Connection, version: int, now: str) -> None:
    """The outbox, and (from a log of an older schema) every session it already holds
    queued in it: a kiosk that joins a fleet later sends the history its log keeps."""
    conn.execute(_CREATE_OUTBOX)
    if 0 < version < 3:
        conn.execute("INSERT OR IGNORE INTO outbox (session_id, revision, queued_at, "
                     "started_at) SELECT session_id, 1, ?, started_at FROM sessions",
                     (now,))


class SqliteSessionLog:
    """The session log in one SQLite file (WAL). Opened lazily, so a bad disk at start-up
    does not stop the kiosk; every failure keeps the records in memory for a retry, and a
    corrupt file is set aside for a fresh one.

    ``clock`` gives the time (aware, UTC) for the retention and the set-aside file's name.
    ``stamp``, when given, completes every record before it is kept (the kiosk adds the
    versions it runs, a demo mark and the session's refusals).
    """

    def __init__(self, path: Path, lock_timeout_s: float = LOCK_TIMEOUT_S, *,
                 retention_days: int = DEFAULT_RETENTION_DAYS,
                 clock: Callable[[], datetime] = _utc_now,
                 stamp: Callable[[SessionRecord], SessionRecord] | None = None) -> None:
        if retention_days < 1:
            raise ValueError(f"retention_days must be at least 1, not {retention_days}")
        self._stamp = stamp
        self._path = Path(path)
        self._lock_timeout_s = lock_timeout_s
        self._retention = timedelta(days=retention_days)
        self._clock = clock
        self._conn: sqlite3.Connection | None = None
        self._pending: list[SessionRecord] = []
        self._problem: str | None = None
        self._last_purge: datetime | None = None
        self._last_set_aside: datetime | None = None
        self._set_aside_notice: str | None = None  # not yet raised by ``record``
        self._set_aside_shown: str | None = None  # raised; shown until the next record

    @property
    def path(self) -> Path:
        return self._path

    @property
    def problem(self) -> str | None:
        """What is wrong, in one line: the log cannot be written (records wait in memory),
        or the file was corrupt and has been set aside (until the record after the one
        that said so)."""
        return self._problem or self._set_aside_notice or self._set_aside_shown

    @property
    def pending(self) -> Sequence[SessionRecord]:
        """Records not yet on disk (kept in memory until a write succeeds)."""
        return tuple(self._pending)

    def _now(self) -> datetime:
        now = self._clock()
        return now if now.tzinfo is not None else now.replace(tzinfo=UTC)

    def _inspect(self) -> None:
        """Look at an existing file read-only before anything writes to it: one from a
        newer LegFit is refused, a damaged one raises (to be set aside). Read-only, so
        that nothing (SQLite's checkpoint when a connection closes) changes a file that
        is to be kept as it was found."""
        if not self._path.exists():
            return
        conn = sqlite3.connect(f"{self._path.resolve().as_uri()}?mode=ro", uri=True,
                               timeout=self._lock_timeout_s)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise SessionLogUnavailable(
                    f"session log {self._path} is from a newer LegFit "
                    f"(schema {version}); it is left untouched")
            _check_intact(conn)
        finally:
            conn.close()

    def _connect(self) -> sqlite3.Connection:
        if self._conn is None:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            self._inspect()
            conn = sqlite3.connect(self._path, timeout=self._lock_timeout_s)
            try:
                conn.row_factory = sqlite3.Row
                conn.execute("PRAGMA journal_mode=WAL")
                # Every commit reaches the disk before ``record`` returns (NORMAL would
                # let a power cut take the last sessions back).
                conn.execute("PRAGMA synchronous=FULL")
                # A deleted (or replaced) row is overwritten, not left in the file.
                conn.execute("PRAGMA secure_delete=ON")
                with conn:
                    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
                    conn.execute(_CREATE)
                    _add_missing_columns(conn)
                    _add_outbox(conn, version, self._now().isoformat(timespec="seconds"))
                    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
                self._purge(conn)
            except BaseException:
                conn.close()
                raise
            # A new file's name (and a set-aside's renames) must outlive a power cut too.
            fsync_directory(self._path.parent)
            self._conn = conn
        return self._conn

    def _cutoff(self, now: datetime) -> str:
        return (now - self._retention).isoformat(timespec="seconds")

    def _purge(self, conn: sqlite3.Connection) -> None:
        """Delete the sessions that finished before the retention period (a row whose time
        cannot be read is kept)."""
        now = self._now()
        with conn:
            conn.execute("DELETE FROM sessions WHERE julianday(finished_at) < julianday(?)",
                         (self._cutoff(now),))
            # Nothing is sent of a session the log no longer holds.
            conn.execute("DELETE FROM outbox WHERE session_id NOT IN "
                         "(SELECT session_id FROM sessions)")
        self._last_purge = now

    def _purge_if_due(self) -> None:
        now = self._now()
        last = self._last_purge
        if last is not None and last <= now < last + PURGE_EVERY:
            return
        try:
            self._purge(self._connect())
        except (sqlite3.Error, OSError, SessionLogUnavailable):
            # The sessions are written; the purge tries again after the next write.
            self._drop_connection()

    def _describe(self, exc: BaseException) -> str:
        text = " ".join((str(exc).strip() or type(exc).__name__).split())
        n = len(self._pending)
        kept = f"{n} session{'s' if n != 1 else ''} kept in memory and retried later"
        return f"session log {self._path} cannot be written ({text}); {kept}"

    def _using(self, use: Callable[[sqlite3.Connection], _T]) -> _T:
        """``use`` on the open log. A corrupt file is set aside, what waits in memory is
        written to the fresh one, and ``use`` runs again there; any other failure (and a
        second corruption) is the caller's to report."""
        try:
            return use(self._connect())
        except (sqlite3.Error, OSError) as exc:
            self._drop_connection()
            now = self._now()
            last = self._last_set_aside
            if not _is_corrupt(exc) or (last is not None and last <= now < last + SET_ASIDE_EVERY):
                raise
            self._set_aside(exc, now)
        conn = self._connect()
        self._write_pending(conn)
        return use(conn)

    def _set_aside(self, exc: BaseException, now: datetime) -> None:
        """Rename the corrupt file and its companions to ``<name>.corrupt-<UTC time>`` and
        queue the sessions it still gives up (newer ones waiting in memory win)."""
        stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        target = self._path.with_name(f"{self._path.name}.corrupt-{stamp}")
        n = 1
        while any(Path(f"{target}{s}").exists() for s in ("", *_COMPANIONS)):
            n += 1
            target = self._path.with_name(f"{self._path.name}.corrupt-{stamp}-{n}")
        # The companions first: a power cut half-way must never leave the old WAL beside
        # a fresh database, which SQLite would replay into it.
        for suffix in (*_COMPANIONS, ""):
            with contextlib.suppress(FileNotFoundError):
                os.replace(f"{self._path}{suffix}", f"{target}{suffix}")
        fsync_directory(self._path.parent)
        self._last_set_aside = now
        salvaged = _salvage(target, self._cutoff(now))
        waiting = {r.session_id for r in self._pending}
        self._pending = [r for r in salvaged if r.session_id not in waiting] + self._pending
        reason = " ".join((str(exc).strip() or type(exc).__name__).split())
        copied = (f"; {len(salvaged)} earlier session{'s' if len(salvaged) != 1 else ''} "
                  "copied from it" if salvaged else "")
        self._set_aside_notice = (
            f"session log {self._path} was corrupt ({reason}): set aside as {target.name} "
            f"and a new log started{copied}")
        self._set_aside_shown = None

    def _write_pending(self, conn: sqlite3.Connection) -> None:
        if not self._pending:
            return
        names = ", ".join(_COLUMNS)
        marks = ", ".join(f":{c}" for c in _COLUMNS)
        queued_at = self._now().isoformat(timespec="seconds")
        with conn:  # the sessions and their outbox rows in one transaction
            conn.executemany(f"INSERT OR REPLACE INTO sessions ({names}) VALUES ({marks})",
                             [r.to_row() for r in self._pending])
            conn.executemany(_QUEUE, [(r.session_id, queued_at, r.started_at)
                                      for r in self._pending])
        self._pending.clear()
        self._problem = None  # nothing waits any more

    def _flush(self) -> None:
        if not self._pending:
            return
        try:
            self._using(self._write_pending)
        except SessionLogUnavailable as exc:
            self._problem = str(exc)
            raise
        except (sqlite3.Error, OSError) as exc:
            # Locked by another process, disk full or read-only: keep the records.
            self._drop_connection()
            self._problem = self._describe(exc)
            raise SessionLogUnavailable(self._problem) from None
        self._problem = None
        self._purge_if_due()

    def _drop_connection(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()
            self._conn = None

    def record(self, record: SessionRecord) -> None:
        """Write (or replace) one session; on failure it waits in memory for the next try.

        Raises ``SessionLogUnavailable`` when it could not be written, and, once, after it
        was written, ``SessionLogSetAside`` when a corrupt file has been set aside."""
        if self._stamp is not None:
            record = self._stamp(record)
        self._pending = [r for r in self._pending if r.session_id != record.session_id]
        self._pending.append(record)
        self._flush()
        notice, self._set_aside_notice = self._set_aside_notice, None
        self._set_aside_shown = notice
        if notice is not None:
            raise SessionLogSetAside(notice)

    def retry(self) -> bool:
        """Try the waiting records again; True when nothing is left waiting."""
        try:
            self._flush()
        except SessionLogUnavailable:
            return False
        return True

    def recent(self, limit: int = 50) -> list[SessionRecord]:
        """The newest sessions first, those still waiting in memory included."""
        rows: list[SessionRecord] = []

        def newest(conn: sqlite3.Connection) -> list[SessionRecord]:
            cur = conn.execute(
                "SELECT * FROM sessions ORDER BY finished_at DESC, rowid DESC LIMIT ?",
                (int(limit),))
            return [SessionRecord.from_row(r) for r in cur.fetchall()]

        try:
            rows = self._using(newest)
        except (sqlite3.Error, OSError, SessionLogUnavailable) as exc:
            self._drop_connection()
            self._problem = self._describe(exc)
        waiting = {r.session_id for r in self._pending}
        merged = list(self._pending) + [r for r in rows if r.session_id not in waiting]
        merged.sort(key=lambda r: r.finished_at, reverse=True)
        return merged[:limit]

    def find(self, code: str) -> SessionRecord | None:
        """The session of a fitting code, those still waiting in memory included."""
        key = code_key(code)
        if key is None:
            return None
        waiting = [r for r in self._pending if r.session_id.upper()[:8] == key]
        if waiting:
            return waiting[-1]

        def by_code(conn: sqlite3.Connection) -> sqlite3.Row | None:
            row: sqlite3.Row | None = conn.execute(
                "SELECT * FROM sessions WHERE upper(substr(session_id, 1, 8)) = ? "
                "ORDER BY finished_at DESC LIMIT 1", (key,)).fetchone()
            return row

        try:
            row = self._using(by_code)
        except (sqlite3.Error, OSError, SessionLogUnavailable) as exc:
            self._drop_connection()
            self._problem = self._describe(exc)
            return None
        return None if row is None else SessionRecord.from_row(row)

    def close(self) -> None:
        """Last try to write what is waiting, then close; never raises."""
        self.retry()
        self._drop_connection()


def _salvage(path: Path, cutoff: str) -> list[SessionRecord]:
    """The sessions a set-aside file still gives up, read-only, until the first damage;
    none from a file that is not SQLite's or whose table is not ours."""
    rows: list[SessionRecord] = []
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=0)
    except sqlite3.Error:
        return rows
    try:
        conn.row_factory = sqlite3.Row
        have = {row[1] for row in conn.execute("PRAGMA table_info(sessions)")}
        if not set(_FIRST_COLUMNS) <= have:
            return rows
        names = ", ".join(c for c in _COLUMNS if c in have)
        cur = conn.execute(
            f"SELECT {names} FROM sessions WHERE julianday(finished_at) IS NULL "
            "OR julianday(finished_at) >= julianday(?)", (cutoff,))
        for row in cur:
            record = _salvaged_record(row)
            if record is not None:
                rows.append(record)
    except sqlite3.Error:
        pass  # damage reached: keep what came before it
    finally:
        conn.close()
    return rows


def _salvaged_record(row: sqlite3.Row) -> SessionRecord | None:
    """A row of a damaged file as a record, or None when it does not look like one."""
    text_fields = ("session_id", "started_at", "finished_at", "outcome")
    if not all(isinstance(row[c], str) and row[c] for c in text_fields):
        return None
    try:
        record = SessionRecord.from_row(row)
    except (ValueError, TypeError):
        return None
    if not all(isinstance(item, dict) for item in record.recommendation):
        return None
    return record


@dataclass(frozen=True)
class OutboxItem:
    """A session waiting to be sent: as the log holds it now, the write it is
    (``revision``) and the start time it was first queued with (the centre's key)."""

    record: SessionRecord
    revision: int
    started_at: str


class SessionOutbox:
    """The sync worker's side of the outbox, on a connection of its own to the log's file.

    It never creates the file nor changes its schema (that is ``SqliteSessionLog``'s
    business): a log not yet written, or of an older schema, has nothing to send. Its
    writes are short (acknowledging sent rows) and wait up to ``lock_timeout_s`` for the
    kiosk's own. Errors are SQLite's (``sqlite3.Error``) for the caller to report. One
    object may be used from several threads, one at a time (it holds a lock).
    """

    def __init__(self, path: Path, lock_timeout_s: float = 5.0) -> None:
        self._path = Path(path)
        self._lock_timeout_s = lock_timeout_s
        self._conn: sqlite3.Connection | None = None
        self._conn_file: tuple[int, int] | None = None
        self._lock = threading.RLock()

    @property
    def path(self) -> Path:
        return self._path

    def _file_id(self) -> tuple[int, int] | None:
        try:
            st = self._path.stat()
        except OSError:
            return None
        return st.st_dev, st.st_ino

    def _connect(self) -> sqlite3.Connection | None:
        """The connection to the log's file as it is now: a file set aside and replaced
        by a fresh one (a corrupt log) is followed to the new one."""
        now = self._file_id()
        if self._conn is not None and now != self._conn_file:
            self.close()
        if self._conn is None:
            if now is None:
                return None
            conn = sqlite3.connect(f"{self._path.resolve().as_uri()}?mode=rw", uri=True,
                                   timeout=self._lock_timeout_s, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA secure_delete=ON")
            self._conn, self._conn_file = conn, now
        return self._conn

    def _has_outbox(self, conn: sqlite3.Connection) -> bool:
        return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                            "AND name = 'outbox'").fetchone() is not None

    def count(self) -> int:
        """How many sessions wait to be sent."""
        with self._lock:
            return self._count()

    def _count(self) -> int:
        conn = self._connect()
        if conn is None or not self._has_outbox(conn):
            return 0
        return int(conn.execute("SELECT count(*) FROM outbox").fetchone()[0])

    def pending(self, limit: int) -> list[OutboxItem]:
        """Up to ``limit`` waiting sessions, the longest waiting first. An outbox row whose
        session the log no longer holds is dropped (nothing to send)."""
        with self._lock:
            return self._pending(limit)

    def _pending(self, limit: int) -> list[OutboxItem]:
        conn = self._connect()
        if conn is None or not self._has_outbox(conn):
            return []
        rows = conn.execute(
            "SELECT s.*, o.revision AS outbox_revision, o.started_at AS outbox_started_at, "
            "o.session_id AS outbox_session_id FROM outbox o LEFT JOIN sessions s "
            "ON s.session_id = o.session_id ORDER BY o.queued_at, o.rowid LIMIT ?",
            (int(limit),)).fetchall()
        items: list[OutboxItem] = []
        orphans: list[str] = []
        for row in rows:
            if row["session_id"] is None:
                orphans.append(str(row["outbox_session_id"]))
                continue
            record = SessionRecord.from_row(row)
            started = row["outbox_started_at"]
            items.append(OutboxItem(record, int(row["outbox_revision"]),
                                    started if isinstance(started, str) and started
                                    else record.started_at))
        if orphans:
            with conn:
                conn.executemany("DELETE FROM outbox WHERE session_id = ?",
                                 [(o,) for o in orphans])
        return items

    def acknowledge(self, items: Iterable[OutboxItem]) -> int:
        """The centre holds these: remove their outbox rows, unless the session was
        written again since (then it stays, to be sent again). How many were removed."""
        batch = [(i.record.session_id, i.revision) for i in items]
        with self._lock:
            conn = self._connect()
            if conn is None or not batch:
                return 0
            with conn:
                before = conn.total_changes
                conn.executemany("DELETE FROM outbox WHERE session_id = ? AND revision = ?",
                                 batch)
                return conn.total_changes - before

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                with contextlib.suppress(sqlite3.Error):
                    self._conn.close()
                self._conn = None


def records_as_json(records: Iterable[SessionRecord]) -> str:
    return json.dumps([asdict(r) for r in records], indent=2, default=list)
