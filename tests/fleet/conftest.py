"""A real PostgreSQL for the fleet's tests: one server per test run, one database per test.

The server runs from a temporary folder on a Unix socket in it (``LocalPostgres``); each
test gets a fresh database cloned from a template that already holds the fleet schema.
The tests are skipped, saying why, only when no PostgreSQL server programs are installed
at all (``make test`` installs them through packaging/scripts/system-deps.sh).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from kiosk.fleet.db import connect
from kiosk.fleet.localpg import LocalPostgres, find_bindir
from kiosk.fleet.schema import init_schema

TEMPLATE = "fleet_template"
_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[LocalPostgres]:
    if find_bindir() is None:
        pytest.skip("no PostgreSQL 15+ server programs (initdb, pg_ctl) on this machine; "
                    "packaging/scripts/system-deps.sh installs them")
    server = LocalPostgres().start()
    try:
        with psycopg.connect(server.dsn(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {TEMPLATE}")
        conn = connect(server.dsn(TEMPLATE))
        try:
            init_schema(conn)
        finally:
            conn.close()
        yield server
    finally:
        server.cleanup()


@dataclass
class FleetDb:
    server: LocalPostgres
    name: str

    @property
    def dsn(self) -> str:
        """The administrator's DSN (the server's superuser)."""
        return self.server.dsn(self.name)

    def dsn_as(self, role: str) -> str:
        return self.server.dsn(self.name, user=role)

    def query(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        """Run ``sql`` as the administrator; its rows (none for a statement without)."""
        with psycopg.connect(self.dsn, autocommit=True) as conn:
            cur = conn.execute(sql, params)
            return list(cur.fetchall()) if cur.description is not None else []


@pytest.fixture
def fleet_db(pg_server: LocalPostgres) -> Iterator[FleetDb]:
    name = f"fleet_t{next(_numbers)}"
    with psycopg.connect(pg_server.dsn(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
    yield FleetDb(pg_server, name)
    if pg_server.root is not None:
        try:
            with psycopg.connect(pg_server.dsn(), autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        except psycopg.OperationalError:
            pass  # a test stopped the server; the folder goes at the end of the run


@pytest.fixture
def kiosk_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Make kiosks: each a config and a data folder; ``use(k)`` points the command line
    at one (LEGFIT_CONFIG_DIR / LEGFIT_DATA_DIR)."""
    from tests.fleet.helpers import Kiosk

    def make(name: str) -> Kiosk:
        kiosk = Kiosk(name, tmp_path / name / "config", tmp_path / name / "data",
                      monkeypatch)
        kiosk.use()
        return kiosk

    return make
