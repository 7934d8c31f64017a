"""The kiosk's sync: its sessions to the centre, the centre's catalogue to the kiosk.

One pass (``FleetSync.run_once``): connect as the kiosk's own role; send the outbox in
batches, each batch one transaction at the centre and only then acknowledged in the
session log (so a pass killed at any point sends a batch again, never loses one, and a
resend replaces the rows it sent before: they are keyed by kiosk, session id and start
time); look for a newer published catalogue and install it; then say how the kiosk is
(the heartbeat). The kiosk's shopper never waits for any of it: ``SyncWorker`` runs the
passes on a thread of its own, every ``sync_interval_s`` with a little jitter, and while
the centre is unreachable backs off exponentially (with full jitter, so that a fleet
coming back after an outage does not knock all at once).
"""

from __future__ import annotations

import contextlib
import json
import math
import random
import sqlite3
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from psycopg.types.json import Jsonb

from kiosk.config import FleetLink
from kiosk.fleet import db
from kiosk.fleet.catalogues import (
    CatalogueDownloadInvalid,
    Download,
    Installed,
    KioskCatalogues,
)
from kiosk.fleet.db import FleetError, FleetUnreachable, one_line, translate
from kiosk.fleet.schema import GIRTH_COLUMNS
from session.log import OutboxItem, SessionOutbox

BATCH_SIZE = 200
# Backoff while the centre is unreachable: full jitter up to min(cap, base * 2^(n-1)).
BACKOFF_BASE_S = 5.0
BACKOFF_CAP_S = 300.0
# The interval between good passes varies by this share either way.
INTERVAL_JITTER = 0.2

SESSION_COLUMNS: tuple[str, ...] = (
    "kiosk_id", "session_id", "started_at", "store_id", "finished_at", "outcome", "purpose",
    "language", "state_reached", "source", "demo", "software_version", "catalogue_version",
    *GIRTH_COLUMNS, "reason_codes", "refusal_reasons", "recommendation",
)
_KEY = ("kiosk_id", "session_id", "started_at")
UPSERT_SESSIONS = (
    f"INSERT INTO fleet.sessions ({', '.join(SESSION_COLUMNS)}) "
    f"VALUES ({', '.join(['%s'] * len(SESSION_COLUMNS))}) "
    f"ON CONFLICT ({', '.join(_KEY)}) DO UPDATE SET "
    + ", ".join(f"{c} = EXCLUDED.{c}" for c in SESSION_COLUMNS if c not in _KEY)
    + ", received_at = now()")
UPSERT_HEARTBEAT = (
    "INSERT INTO fleet.heartbeats (kiosk_id, store_id, seen_at, kiosk_time, "
    "software_version, catalogue_version, catalogue_source, calibrated_at, "
    "pending_sessions, problem) VALUES (%s, %s, now(), %s, %s, %s, %s, %s, %s, %s) "
    "ON CONFLICT (kiosk_id) DO UPDATE SET store_id = EXCLUDED.store_id, seen_at = now(), "
    "kiosk_time = EXCLUDED.kiosk_time, software_version = EXCLUDED.software_version, "
    "catalogue_version = EXCLUDED.catalogue_version, "
    "catalogue_source = EXCLUDED.catalogue_source, calibrated_at = EXCLUDED.calibrated_at, "
    "pending_sessions = EXCLUDED.pending_sessions, problem = EXCLUDED.problem")


def parse_time(text: object) -> datetime | None:
    """An ISO time from the log (one without an offset is UTC), or None."""
    if not isinstance(text, str) or not text:
        return None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) and abs(number) < 1e6 else None


def _text(value: object, limit: int = 200) -> str | None:
    return value[:limit] if isinstance(value, str) else None


def session_row(item: OutboxItem, link: FleetLink) -> tuple[object, ...] | None:
    """The centre's row for one waiting session, or None when its times cannot be read
    (the session stays in the outbox; the sync reports it)."""
    r = item.record
    started = parse_time(item.started_at) or parse_time(r.started_at) \
        or parse_time(r.finished_at)
    if started is None:
        return None
    version = r.catalogue_version
    values: dict[str, object] = {
        "kiosk_id": link.kiosk, "session_id": r.session_id[:64], "started_at": started,
        "store_id": link.store, "finished_at": parse_time(r.finished_at),
        "outcome": _text(r.outcome, 40) or "unknown", "purpose": _text(r.purpose, 40),
        "language": _text(r.language, 8), "state_reached": _text(r.state_reached, 40),
        "source": _text(r.source, 20), "demo": bool(r.demo),
        "software_version": _text(r.software_version, 40),
        "catalogue_version": version if isinstance(version, int) and 0 < version < 2**31
        else None,
        "reason_codes": [c[:80] for c in r.reason_codes][:20],
        "refusal_reasons": [c[:160] for c in r.refusal_reasons][:20],
        "recommendation": Jsonb(json.loads(json.dumps(list(r.recommendation)))),
    }
    for column in GIRTH_COLUMNS:
        values[column] = _number(getattr(r, column))
    return tuple(values[c] for c in SESSION_COLUMNS)


@dataclass(frozen=True)
class KioskState:
    """What the heartbeat says about the kiosk."""

    software_version: str
    catalogue_version: int | None
    catalogue_source: str
    calibrated_at: datetime | None = None
    problem: str | None = None


@dataclass(frozen=True)
class SyncResult:
    sent: int
    pending: int
    catalogue_version: int | None
    problems: tuple[str, ...] = ()
    installed: int | None = None  # a catalogue version switched to in this pass

    def to_json(self) -> str:
        return json.dumps({"sent": self.sent, "pending": self.pending,
                           "catalogue_version": self.catalogue_version})


def calibration_time(path: Path) -> datetime | None:
    """When the calibration file was last saved (the lens calibrated or the mat found)."""
    try:
        return datetime.fromtimestamp(path.stat().st_mtime, UTC)
    except OSError:
        return None


Connect = Callable[..., psycopg.Connection]


class FleetSync:
    """One kiosk's sync passes (see the module's docstring)."""

    def __init__(self, link: FleetLink, outbox: SessionOutbox, *,
                 state: Callable[[], KioskState],
                 catalogues: KioskCatalogues | None = None,
                 on_catalogue: Callable[[Installed], None] | None = None,
                 batch_size: int = BATCH_SIZE,
                 connect: Connect = db.connect) -> None:
        self.link = link
        self.outbox = outbox
        self.catalogues = catalogues
        self.on_catalogue = on_catalogue
        self.batch_size = batch_size
        self._state = state
        self._connect = connect
        self._refused: tuple[int, str] | None = None
        self._refused_problem: str | None = None

    def run_once(self) -> SyncResult:
        """One pass; ``FleetUnreachable`` (nothing lost: the rows stay in the outbox) or
        another ``FleetError`` when it could not be made."""
        conn = self._connect(self.link.dsn, application=f"legfit-kiosk {self.link.kiosk}")
        try:
            sent, unsendable = self._send_all(conn)
            problems: list[str] = []
            if unsendable:
                problems.append(f"{unsendable} session{'s' if unsendable != 1 else ''} "
                                "cannot be sent (their times cannot be read)")
            installed: int | None = None
            try:
                done = self._pull_catalogue(conn)
            except CatalogueDownloadInvalid as exc:
                problems.append(str(exc))
            else:
                installed = None if done is None else done.version
            pending = self.outbox.count()
            state = self._state()
            if state.problem:
                problems.append(state.problem)
            self._heartbeat(conn, state, pending, "; ".join(problems) or None)
        except psycopg.Error as exc:
            raise translate(exc) from None
        except sqlite3.Error as exc:
            raise FleetError(f"the session log {self.outbox.path} cannot be read: "
                             f"{one_line(exc)}") from None
        finally:
            with contextlib.suppress(psycopg.Error):
                conn.close()
        return SyncResult(sent, pending, state.catalogue_version, tuple(problems), installed)

    # -- sessions ------------------------------------------------------------------------

    def _send_all(self, conn: psycopg.Connection) -> tuple[int, int]:
        sent = 0
        skipped: set[str] = set()
        unsendable = 0
        while True:
            waiting = self.outbox.pending(self.batch_size + len(skipped))
            items = [i for i in waiting if i.record.session_id not in skipped]
            items = items[:self.batch_size]
            if not items:
                return sent, unsendable
            batch: list[tuple[OutboxItem, tuple[object, ...]]] = []
            for item in items:
                row = session_row(item, self.link)
                if row is None:
                    skipped.add(item.record.session_id)
                    unsendable += 1
                else:
                    batch.append((item, row))
            if batch:
                done, failed = self._send_batch(conn, batch)
                sent += len(done)
                skipped.update(i.record.session_id for i in failed)
                unsendable += len(failed)

    def _send_batch(self, conn: psycopg.Connection,
                    batch: Sequence[tuple[OutboxItem, tuple[object, ...]]]
                    ) -> tuple[list[OutboxItem], list[OutboxItem]]:
        """Send one batch in one transaction, then acknowledge it. A batch the centre
        refuses for its data (not for the kiosk's rights) goes again row by row, so that
        one bad row holds up no other."""
        items = [item for item, _ in batch]
        try:
            self._commit_batch(conn, [row for _, row in batch])
        except (psycopg.DataError, psycopg.IntegrityError):
            # (A row the kiosk may not write is a ProgrammingError: the whole pass stops.)
            if len(batch) == 1:
                raise
            done: list[OutboxItem] = []
            failed: list[OutboxItem] = []
            for one in batch:
                try:
                    ok, _ = self._send_batch(conn, [one])
                    done.extend(ok)
                except (psycopg.DataError, psycopg.IntegrityError):
                    failed.append(one[0])
            return done, failed
        self._acknowledge(items)
        return items, []

    def _commit_batch(self, conn: psycopg.Connection,
                      rows: Sequence[tuple[object, ...]]) -> None:
        """Write ``rows`` in one transaction and return only once the centre said COMMIT.

        Explicit: a connection that went away inside the block must never look like a
        commit (psycopg's transaction block leaves a broken connection without a word)."""
        with conn.cursor() as cur:
            cur.execute("BEGIN")
            try:
                self._insert(cur, rows)
                cur.execute("COMMIT")
                committed = cur.statusmessage == "COMMIT"
            except BaseException:
                if not conn.closed and not conn.broken:
                    with contextlib.suppress(psycopg.Error):
                        cur.execute("ROLLBACK")
                raise
        if not committed:
            raise FleetUnreachable("the fleet's centre did not commit a batch; it is sent "
                                   "again at the next sync")

    def _insert(self, cur: psycopg.Cursor, rows: Sequence[tuple[object, ...]]) -> None:
        cur.executemany(UPSERT_SESSIONS, rows)

    def _acknowledge(self, items: Sequence[OutboxItem]) -> None:
        """The centre committed ``items``: the outbox lets them go."""
        self.outbox.acknowledge(items)

    # -- the catalogue and the heartbeat -------------------------------------------------

    def _pull_catalogue(self, conn: psycopg.Connection) -> Installed | None:
        if self.catalogues is None:
            return None
        with conn.cursor() as cur:
            cur.execute("SELECT version, sha256 FROM fleet.catalogue_versions "
                        "ORDER BY version DESC LIMIT 1")
            row = cur.fetchone()
        if row is None or int(row[0]) <= self.catalogues.current_version:
            return None
        newest = (int(row[0]), str(row[1]))
        if newest == self._refused and self._refused_problem:
            raise CatalogueDownloadInvalid(self._refused_problem)
        with conn.cursor() as cur:
            cur.execute("SELECT files FROM fleet.catalogue_versions WHERE version = %s",
                        (newest[0],))
            files = cur.fetchone()
        download = Download(newest[0], files[0] if files and isinstance(files[0], dict)
                            else {}, newest[1])
        try:
            installed = self.catalogues.install(download)
        except CatalogueDownloadInvalid as exc:
            self._refused, self._refused_problem = newest, str(exc)
            raise
        except OSError as exc:
            raise CatalogueDownloadInvalid(
                f"catalogue version {newest[0]} could not be written: "
                f"{exc.strerror or exc}") from None
        self._refused = self._refused_problem = None
        if self.on_catalogue is not None:
            self.on_catalogue(installed)
        return installed

    def _heartbeat(self, conn: psycopg.Connection, state: KioskState, pending: int,
                   problem: str | None) -> None:
        with conn.transaction(), conn.cursor() as cur:
            cur.execute(UPSERT_HEARTBEAT, (
                self.link.kiosk, self.link.store, datetime.now(UTC), state.software_version,
                state.catalogue_version, state.catalogue_source, state.calibrated_at,
                pending, None if problem is None else problem[:500]))


def backoff_s(failures: int, rng: random.Random, *, base_s: float = BACKOFF_BASE_S,
              cap_s: float = BACKOFF_CAP_S) -> float:
    """How long to wait after the ``failures``-th failure in a row: full jitter, at
    least a second."""
    ceiling = min(cap_s, base_s * 2.0 ** max(0, failures - 1))
    return max(1.0, rng.uniform(0.0, ceiling))


@dataclass
class WorkerStatus:
    last_result: SyncResult | None = None
    last_success: datetime | None = None
    problem: str | None = None
    failures: int = 0
    passes: int = 0


class SyncWorker:
    """Sync passes on a thread of their own, until ``stop``."""

    def __init__(self, sync: FleetSync, interval_s: float, *,
                 rng: random.Random | None = None,
                 on_problem: Callable[[str | None], None] | None = None,
                 backoff_base_s: float = BACKOFF_BASE_S,
                 backoff_cap_s: float = BACKOFF_CAP_S) -> None:
        self.sync = sync
        self.interval_s = interval_s
        self.backoff_base_s = backoff_base_s
        self.backoff_cap_s = backoff_cap_s
        self.status = WorkerStatus()
        self._rng = rng or random.Random()
        self._on_problem = on_problem
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="fleet-sync", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Sync now (e.g. a session just ended), not at the next interval."""
        self._wake.set()

    def stop(self, timeout_s: float = 2.0) -> bool:
        """Ask the thread to stop and wait for it; False if it is still in a pass (it is a
        daemon thread: a pass stuck on the network does not hold the kiosk up)."""
        self._stop.set()
        self._wake.set()
        thread = self._thread
        if thread is None:
            return True
        thread.join(timeout_s)
        return not thread.is_alive()

    def _run(self) -> None:
        # A first pass soon after start, spread so that a fleet started together spreads.
        delay = self._rng.uniform(1.0, min(10.0, self.interval_s))
        while not self._wait(delay):
            delay = self._pass()
        self.sync.outbox.close()

    def _wait(self, delay_s: float) -> bool:
        """Wait ``delay_s`` or until woken; True when asked to stop."""
        self._wake.wait(delay_s)
        self._wake.clear()
        return self._stop.is_set()

    def _pass(self) -> float:
        status = self.status
        status.passes += 1
        try:
            result = self.sync.run_once()
        except FleetError as exc:
            status.failures += 1
            self._report(str(exc))
            return self._backoff()
        except Exception as exc:  # a bug must not end the thread: it is reported, retried
            status.failures += 1
            self._report(f"the fleet sync failed: {one_line(exc)}")
            return self._backoff()
        status.failures = 0
        status.last_result = result
        status.last_success = datetime.now(UTC)
        self._report("; ".join(result.problems) or None)
        spread = 1.0 + self._rng.uniform(-INTERVAL_JITTER, INTERVAL_JITTER)
        if result.pending and result.sent:
            return 1.0  # more waiting than one pass sent: go on soon
        return self.interval_s * spread

    def _backoff(self) -> float:
        return backoff_s(self.status.failures, self._rng, base_s=self.backoff_base_s,
                         cap_s=self.backoff_cap_s)

    def _report(self, problem: str | None) -> None:
        if problem != self.status.problem:
            self.status.problem = problem
            if self._on_problem is not None:
                self._on_problem(problem)
