"""Store-and-forward: the outbox, the sync, outages, kills and resends."""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import socket
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from kiosk.config import load_config, save_config
from kiosk.fleet.sync import SyncWorker, backoff_s
from tests.conftest import REPO_ROOT
from tests.fleet.helpers import T0, cli, record


def centre_rows(fleet_db, kiosk: str | None = None) -> list[tuple[object, ...]]:
    where = "" if kiosk is None else f" WHERE kiosk_id = '{kiosk}'"
    return fleet_db.query(f"SELECT session_id, outcome, left_ankle_mm FROM fleet.sessions"
                          f"{where} ORDER BY session_id")


def outbox_count(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        n = conn.execute("SELECT count(*) FROM outbox").fetchone()[0]
    conn.close()
    return int(n)


def test_join_writes_the_kiosks_own_link_mode_0600_and_sync_sends_every_session(
        fleet_db, kiosk_dirs, capsys):
    k = kiosk_dirs("k1")
    out = k.join(capsys, fleet_db.dsn, "berlin-1")
    assert "joined store berlin-1" in out and "password" not in out
    config_file = k.paths.config_file
    assert stat.S_IMODE(config_file.stat().st_mode) == 0o600
    link = load_config(config_file).fleet
    assert link is not None and (link.store, link.kiosk) == ("berlin-1", "k1")
    assert "user=legfit_kiosk_k1" in link.dsn and "password=" in link.dsn

    k.write(*(record(i) for i in range(5)))
    assert outbox_count(k.paths.session_log_file) == 5
    assert k.sync_json(capsys) == {"sent": 5, "pending": 0, "catalogue_version": None}
    assert len(centre_rows(fleet_db)) == 5
    assert outbox_count(k.paths.session_log_file) == 0
    # nothing new: nothing sent; the heartbeat says who the kiosk is
    assert k.sync_json(capsys) == {"sent": 0, "pending": 0, "catalogue_version": None}
    (beat,) = fleet_db.query("SELECT kiosk_id, store_id, pending_sessions, software_version "
                             "FROM fleet.heartbeats")
    assert beat[:3] == ("k1", "berlin-1", 0) and beat[3]


def test_a_session_written_again_replaces_its_row_at_the_centre(fleet_db, kiosk_dirs, capsys):
    k = kiosk_dirs("k1")
    k.join(capsys, fleet_db.dsn, "s1")
    first = record(1)
    k.write(first)
    k.sync_json(capsys)
    # staff tape the legs afterwards: the log writes the session again
    taped = replace(record(1, tape=(230.0, 370.0, 231.0, 369.0),
                           camera=(220.0, 360.0, 222.0, 358.0)),
                    finished_at=(T0 + timedelta_s(400)).isoformat())
    k.write(taped)
    assert k.sync_json(capsys)["sent"] == 1
    rows = fleet_db.query("SELECT source, left_ankle_mm, camera_left_ankle_mm "
                          "FROM fleet.sessions")
    assert rows == [("tape", 230.0, 220.0)]


def timedelta_s(seconds: float):
    from datetime import timedelta

    return timedelta(seconds=seconds + 7 * 60)


def test_a_resend_of_everything_never_duplicates(fleet_db, kiosk_dirs, capsys):
    k = kiosk_dirs("k1")
    k.join(capsys, fleet_db.dsn, "s1")
    # sessions a year apart land in different month partitions (and the default one)
    k.write(*(record(i, started=T0.replace(year=2024 + i % 3, month=1 + i % 12))
              for i in range(24)))
    assert k.sync_json(capsys)["sent"] == 24
    # as if every acknowledgement had been lost: the whole outbox again
    with sqlite3.connect(k.paths.session_log_file) as conn:
        conn.execute("INSERT INTO outbox (session_id, revision, queued_at, started_at) "
                     "SELECT session_id, 1, '2026-01-01', started_at FROM sessions")
    conn.close()
    assert k.sync_json(capsys) == {"sent": 24, "pending": 0, "catalogue_version": None}
    assert len(centre_rows(fleet_db)) == 24
    assert fleet_db.query("SELECT count(DISTINCT tableoid) > 2 FROM fleet.sessions") == [(True,)]


def test_outage_then_recovery_loses_nothing_and_doubles_nothing(
        pg_server, fleet_db, kiosk_dirs, capsys):
    k = kiosk_dirs("k1")
    k.join(capsys, fleet_db.dsn, "s1")
    k.write(*(record(i) for i in range(3)))
    assert k.sync_json(capsys)["sent"] == 3
    pg_server.stop()
    try:
        k.write(*(record(i) for i in range(3, 10)))
        started = time.monotonic()
        code, out, err = k.sync(capsys, "--once", "--json")
        assert code != 0 and out == ""
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("legfit: ")
        assert "cannot be reached" in lines[0] and "7 sessions kept" in lines[0]
        assert time.monotonic() - started < 30
        assert outbox_count(k.paths.session_log_file) == 7
    finally:
        pg_server.restart()
    assert k.sync_json(capsys) == {"sent": 7, "pending": 0, "catalogue_version": None}
    assert [r[0] for r in centre_rows(fleet_db)] == [f"{i:016x}" for i in range(10)]


def test_the_database_restarting_between_passes(pg_server, fleet_db, kiosk_dirs, capsys):
    k = kiosk_dirs("k1")
    k.join(capsys, fleet_db.dsn, "s1")
    k.write(record(1))
    k.sync_json(capsys)
    pg_server.restart()
    k.write(record(2))
    assert k.sync_json(capsys)["sent"] == 1
    assert len(centre_rows(fleet_db)) == 2


# -- kill -9 and a network cut mid-batch ----------------------------------------------------

KILLED_SYNC = r"""
import sys, time
sys.path.insert(0, sys.argv[1])
from kiosk.fleet import sync as sync_module
from kiosk.fleet.commands import kiosk_sync
from kiosk.config import load_config
from kiosk.paths import KioskPaths

where = sys.argv[2]

class Paused(sync_module.FleetSync):
    def _insert(self, cur, rows):
        super()._insert(cur, rows)
        if where == "inside":  # the batch is written, not committed
            print("paused", len(rows), flush=True)
            time.sleep(600)

    def _acknowledge(self, items):
        if where == "committed":  # the centre committed; the kiosk has not let go
            print("paused", len(items), flush=True)
            time.sleep(600)
        super()._acknowledge(items)

paths = KioskPaths.from_environment()
base = kiosk_sync(paths, load_config(paths.config_file))
sync = Paused(base.link, base.outbox, state=base._state, catalogues=base.catalogues,
              batch_size=int(sys.argv[3]))
sync.run_once()
"""


@pytest.mark.parametrize("where", ["inside", "committed"])
def test_kill_9_of_a_sync_mid_batch_loses_nothing_and_doubles_nothing(
        fleet_db, kiosk_dirs, capsys, where):
    k = kiosk_dirs("k1")
    k.join(capsys, fleet_db.dsn, "s1")
    k.write(*(record(i) for i in range(25)))
    child = subprocess.Popen([sys.executable, "-c", KILLED_SYNC, str(REPO_ROOT), where, "10"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=os.environ.copy())
    try:
        line = child.stdout.readline()
        assert line.startswith("paused"), child.stderr.read()
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
        child.stdout.close()
        child.stderr.close()
    at_centre = len(centre_rows(fleet_db))
    assert at_centre == (0 if where == "inside" else 10)
    assert outbox_count(k.paths.session_log_file) == 25  # nothing let go
    assert k.sync_json(capsys) == {"sent": 25, "pending": 0, "catalogue_version": None}
    assert [r[0] for r in centre_rows(fleet_db)] == [f"{i:016x}" for i in range(25)]


def test_a_connection_lost_inside_a_batch_is_never_taken_for_a_commit(
        fleet_db, kiosk_dirs, capsys):
    from kiosk.fleet.db import FleetUnreachable
    from kiosk.fleet.sync import FleetSync

    class Dropping(FleetSync):
        def _insert(self, cur, rows):
            super()._insert(cur, rows)
            cur.connection.close()  # gone between the rows and the commit

    k = kiosk_dirs("k1")
    k.join(capsys, fleet_db.dsn, "s1")
    k.write(*(record(i) for i in range(5)))
    base = k.syncer()
    sync = Dropping(base.link, base.outbox, state=base._state)
    with pytest.raises(FleetUnreachable):
        sync.run_once()
    base.outbox.close()
    assert centre_rows(fleet_db) == [] and outbox_count(k.paths.session_log_file) == 5
    assert k.sync_json(capsys)["sent"] == 5


class CuttableProxy:
    """A TCP relay (on 127.0.0.1) in front of the server's socket: the kiosk reaches the
    centre over a network connection that the test can cut."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.listener.listen(16)
        self.open: list[socket.socket] = []
        self.bytes_to_server = 0
        self.cut_after_bytes: int | None = None
        self.refuse = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.refuse:
                client.close()
                continue
            server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            server.connect(str(self.target))
            self.open += [client, server]
            threading.Thread(target=self._pipe, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pipe, args=(server, client, False), daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket, upstream: bool) -> None:
        try:
            while data := src.recv(65536):
                if upstream:
                    self.bytes_to_server += len(data)
                    if self.cut_after_bytes is not None and \
                            self.bytes_to_server > self.cut_after_bytes:
                        self.cut()
                        return
                dst.sendall(data)
        except OSError:
            pass

    def cut(self) -> None:
        """The network goes: every connection drops, new ones are refused."""
        self.refuse = True
        for s in self.open:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()
        self.open.clear()

    def close(self) -> None:
        self.cut()
        self.listener.close()


def link_through(k, proxy: CuttableProxy, **options: str) -> None:
    """The kiosk's link goes over TCP, through ``proxy`` (with more libpq ``options``)."""
    from psycopg.conninfo import make_conninfo

    config = load_config(k.paths.config_file)
    link = config.fleet
    assert link is not None
    dsn = make_conninfo(link.dsn, host="127.0.0.1", port=str(proxy.port), **options)
    save_config(config.model_copy(update={"fleet": link.model_copy(update={"dsn": dsn})}),
                k.paths.config_file)


@pytest.fixture
def proxy(fleet_db):
    relay = CuttableProxy(fleet_db.server.socket_dir / ".s.PGSQL.5432")
    yield relay
    relay.close()


def test_tls_is_what_the_dsn_asks_for(fleet_db, kiosk_dirs, capsys, proxy):
    k = kiosk_dirs("k1")
    k.join(capsys, fleet_db.dsn, "s1")
    k.write(record(1))
    link_through(k, proxy, sslmode="require")
    # This test server has no certificate: a link that asks for TLS refuses to go on.
    code, _, err = k.sync(capsys, "--once")
    assert code != 0 and "SSL" in err and len(err.strip().splitlines()) == 1, err
    assert outbox_count(k.paths.session_log_file) == 1
    link_through(k, proxy, sslmode="disable")
    assert k.sync_json(capsys)["sent"] == 1


def test_a_network_cut_mid_batch_then_recovery(fleet_db, kiosk_dirs, capsys, proxy):
    k = kiosk_dirs("k1")
    k.join(capsys, fleet_db.dsn, "s1")
    link_through(k, proxy)
    k.write(*(record(i) for i in range(600)))
    # let the connection and the first batch through, then cut inside the second
    proxy.cut_after_bytes = 150_000
    code, _, err = k.sync(capsys, "--once")
    assert code != 0 and len(err.strip().splitlines()) == 1, err
    sent_before = len(centre_rows(fleet_db))
    assert 0 < sent_before < 600
    assert outbox_count(k.paths.session_log_file) == 600 - sent_before
    proxy.refuse = False
    proxy.cut_after_bytes = None
    assert k.sync_json(capsys)["sent"] == 600 - sent_before
    assert [r[0] for r in centre_rows(fleet_db)] == [f"{i:016x}" for i in range(600)]


# -- the worker thread -----------------------------------------------------------------------

def test_backoff_grows_with_full_jitter_to_a_cap():
    rng = random.Random(7)
    for failures, ceiling in [(1, 5), (2, 10), (3, 20), (6, 160), (7, 300), (30, 300)]:
        waits = [backoff_s(failures, rng) for _ in range(400)]
        assert min(waits) >= 1.0 and max(waits) <= ceiling
        assert max(waits) > 0.8 * ceiling  # spread over the whole range (jitter)


class ScriptedSync:
    """A sync whose passes fail while ``down`` is set."""

    def __init__(self) -> None:
        self.down = True
        self.calls = 0
        from session.log import SessionOutbox

        self.outbox = SessionOutbox(Path("/nonexistent/sessions.sqlite3"))

    def run_once(self):
        from kiosk.fleet.db import FleetUnreachable
        from kiosk.fleet.sync import SyncResult

        self.calls += 1
        if self.down:
            raise FleetUnreachable("the fleet's centre cannot be reached: refused")
        return SyncResult(sent=3, pending=0, catalogue_version=None)


def test_the_worker_backs_off_while_down_and_stops_at_once(monkeypatch):
    import kiosk.fleet.sync as sync_module

    waits: list[float] = []
    real = sync_module.backoff_s
    monkeypatch.setattr(sync_module, "backoff_s",
                        lambda n, rng, **kw: waits.append(real(n, rng, **kw)) or 0.01)
    problems: list[str | None] = []
    fake = ScriptedSync()
    worker = SyncWorker(fake, 60.0, rng=random.Random(1), on_problem=problems.append)
    worker.start()
    worker.wake()
    deadline = time.monotonic() + 10
    while fake.calls < 4 and time.monotonic() < deadline:
        worker.wake()
        time.sleep(0.01)
    assert worker.status.failures >= 3 and problems[0] and "cannot be reached" in problems[0]
    fake.down = False
    while worker.status.last_result is None and time.monotonic() < deadline:
        worker.wake()
        time.sleep(0.01)
    assert worker.status.failures == 0 and worker.status.last_result.sent == 3
    assert problems[-1] is None  # the problem cleared
    started = time.monotonic()
    assert worker.stop(2.0) and time.monotonic() - started < 1.0
    assert len(waits) >= 3


def test_the_sync_json_line_counts_session_rows_only(fleet_db, kiosk_dirs, capsys):
    k = kiosk_dirs("k1")
    k.join(capsys, fleet_db.dsn, "s1")
    k.write(record(1), record(2))
    code, out, _ = k.sync(capsys, "--once", "--json")
    assert code == 0 and json.loads(out) == {"sent": 2, "pending": 0, "catalogue_version": None}
    code, out, _ = cli(capsys, "fleet", "sync", "--once")
    assert code == 0 and out.startswith("sent 0 sessions; 0 waiting")
