"""The session log: one row per fitting, for the store's own review. No people in it.

What a row holds: when, the outcome category, purpose and language, the girths and the
recommended products; where staff taped a leg the camera had measured, the camera's
girths too (the pair is the one real accuracy signal a store produces). What it never
holds: pictures, names, or the screener's answers (a referral is kept only as its
outcome category: "see_doctor", not which question). Staff find a row by the fitting
code the shopper brings (``find``).

``SqliteSessionLog`` writes to SQLite in WAL mode (a reader, such as the staff history
screen, never blocks the kiosk). A locked database or a full disk must not lose a
session nor stop the shopper: records that cannot be written are kept in memory, the
next write retries them, and ``SessionLogUnavailable`` says what is wrong in one line.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Protocol

from fitting.errors import LegFitError
from fitting.measurement import Measurement, MeasurementSource
from fitting.recommend import Decision
from session.codes import code_key, fitting_code_for

SCHEMA_VERSION = 2  # 2: the camera's girths beside a tape's
# How long a write waits for another process's lock before the record is kept for later.
LOCK_TIMEOUT_S = 0.5


class SessionLogUnavailable(LegFitError):
    """The session log cannot be written just now; the records wait in memory."""


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
                     recommendation=recommendation_summary(decision))
        if measurement is None:
            return record
        left, right = measurement.left, measurement.right
        record = replace(record, source=measurement.source.value,
                         left_ankle_mm=_mm(left.ankle_mm), left_calf_mm=_mm(left.calf_mm),
                         left_length_mm=_mm(left.knee_high_length_mm),
                         right_ankle_mm=_mm(right.ankle_mm),
                         right_calf_mm=_mm(right.calf_mm),
                         right_length_mm=_mm(right.knee_high_length_mm))
        if camera_measurement is None or measurement.source is not MeasurementSource.TAPE:
            return record
        cl, cr = camera_measurement.left, camera_measurement.right
        return replace(record,
                       camera_left_ankle_mm=_mm(cl.ankle_mm),
                       camera_left_calf_mm=_mm(cl.calf_mm),
                       camera_left_length_mm=_mm(cl.knee_high_length_mm),
                       camera_right_ankle_mm=_mm(cr.ankle_mm),
                       camera_right_calf_mm=_mm(cr.calf_mm),
                       camera_right_length_mm=_mm(cr.knee_high_length_mm))

    def to_row(self) -> dict[str, object]:
        row = asdict(self)
        row["recommendation"] = json.dumps(list(self.recommendation), sort_keys=True)
        return row

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> SessionRecord:
        data = dict(row)
        data["recommendation"] = tuple(json.loads(data.get("recommendation") or "[]"))
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


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
                           "language", "state_reached", "source", "recommendation"})
_CREATE = "CREATE TABLE IF NOT EXISTS sessions ({})".format(", ".join(
    f"{c} {'TEXT' if c in _TEXT_COLUMNS else 'REAL'}"
    + (" PRIMARY KEY" if c == "session_id" else "")
    for c in _COLUMNS))


def _add_missing_columns(conn: sqlite3.Connection) -> None:
    """An older log gains the columns added since (empty in its old rows)."""
    have = {row[1] for row in conn.execute("PRAGMA table_info(sessions)")}
    for column in _COLUMNS:
        if column not in have:
            kind = "TEXT" if column in _TEXT_COLUMNS else "REAL"
            conn.execute(f"ALTER TABLE sessions ADD COLUMN {column} {kind}")


class SqliteSessionLog:
    """The session log in one SQLite file (WAL). Opened lazily, so a bad disk at start-up
    does not stop the kiosk; every failure keeps the records in memory for a retry."""

    def __init__(self, path: Path, lock_timeout_s: float = LOCK_TIMEOUT_S) -> None:
        self._path = Path(path)
        self._lock_timeout_s = lock_timeout_s
        self._conn: sqlite3.Connection | None = None
        self._pending: list[SessionRecord] = []
        self._problem: str | None = None

    @property
    def path(self) -> Path:
        return self._path

    @property
    def problem(self) -> str | None:
        return self._problem

    @property
    def pending(self) -> Sequence[SessionRecord]:
        """Records not yet on disk (kept in memory until a write succeeds)."""
        return tuple(self._pending)

    def _connect(self) -> sqlite3.Connection:
        if self._conn is None:
            self._path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self._path, timeout=self._lock_timeout_s)
            try:
                conn.row_factory = sqlite3.Row
                # The version first: switching to WAL rewrites the file's header, and a
                # log from a newer LegFit must be left exactly as it is.
                version = conn.execute("PRAGMA user_version").fetchone()[0]
                if version > SCHEMA_VERSION:
                    raise SessionLogUnavailable(
                        f"session log {self._path} is from a newer LegFit "
                        f"(schema {version}); it is left untouched")
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                with conn:
                    conn.execute(_CREATE)
                    _add_missing_columns(conn)
                    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            except BaseException:
                conn.close()
                raise
            self._conn = conn
        return self._conn

    def _describe(self, exc: BaseException) -> str:
        text = str(exc).strip() or type(exc).__name__
        n = len(self._pending)
        kept = f"{n} session{'s' if n != 1 else ''} kept in memory and retried later"
        return f"session log {self._path} cannot be written ({text}); {kept}"

    def _flush(self) -> None:
        if not self._pending:
            return
        try:
            conn = self._connect()
            names = ", ".join(_COLUMNS)
            marks = ", ".join(f":{c}" for c in _COLUMNS)
            with conn:
                conn.executemany(f"INSERT OR REPLACE INTO sessions ({names}) VALUES ({marks})",
                                 [r.to_row() for r in self._pending])
        except SessionLogUnavailable as exc:
            self._problem = str(exc)
            raise
        except (sqlite3.Error, OSError) as exc:
            # Locked by another process, disk full, read-only or corrupt: keep the records.
            self._drop_connection()
            self._problem = self._describe(exc)
            raise SessionLogUnavailable(self._problem) from None
        self._pending.clear()
        self._problem = None

    def _drop_connection(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()
            self._conn = None

    def record(self, record: SessionRecord) -> None:
        """Write (or replace) one session; on failure it waits in memory for the next try."""
        self._pending = [r for r in self._pending if r.session_id != record.session_id]
        self._pending.append(record)
        self._flush()

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
        try:
            conn = self._connect()
            cur = conn.execute(
                "SELECT * FROM sessions ORDER BY finished_at DESC, rowid DESC LIMIT ?",
                (int(limit),))
            rows = [SessionRecord.from_row(r) for r in cur.fetchall()]
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
        try:
            row = self._connect().execute(
                "SELECT * FROM sessions WHERE upper(substr(session_id, 1, 8)) = ? "
                "ORDER BY finished_at DESC LIMIT 1", (key,)).fetchone()
        except (sqlite3.Error, OSError, SessionLogUnavailable) as exc:
            self._drop_connection()
            self._problem = self._describe(exc)
            return None
        return None if row is None else SessionRecord.from_row(row)

    def close(self) -> None:
        """Last try to write what is waiting, then close; never raises."""
        self.retry()
        self._drop_connection()


def records_as_json(records: Iterable[SessionRecord]) -> str:
    return json.dumps([asdict(r) for r in records], indent=2, default=list)
