"""Least privilege: each kiosk writes its own rows only; the reporting role reads only."""

from __future__ import annotations

from datetime import UTC, datetime

import psycopg
import pytest

from kiosk.fleet import db
from kiosk.fleet.admin import add_kiosk, add_reporter
from kiosk.fleet.schema import SCHEMA_VERSION, init_schema
from tests.fleet.helpers import cli

ROW = ("INSERT INTO fleet.sessions (kiosk_id, session_id, started_at, store_id, outcome) "
       "VALUES (%s, %s, %s, %s, 'recommend')")
WHEN = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def kiosk_dsn(fleet_db, store: str, kiosk: str) -> str:
    with db.connected(fleet_db.dsn) as conn:
        return add_kiosk(conn, fleet_db.dsn, store, kiosk).dsn


def refused(dsn: str, sql: str, params: tuple[object, ...] = ()) -> str:
    with psycopg.connect(dsn, autocommit=True) as conn, pytest.raises(psycopg.Error) as exc:
        conn.execute(sql, params)
    return str(exc.value)


def test_init_is_idempotent_and_versioned(fleet_db, capsys):
    code, out, _ = cli(capsys, "fleet", "init", "--dsn", fleet_db.dsn)
    assert code == 0 and out.startswith(f"fleet schema at version {SCHEMA_VERSION} "
                                        "(already current)")
    assert fleet_db.query("SELECT version FROM fleet.schema_migrations") == [(SCHEMA_VERSION,)]
    # the report's indexes and this month's partition
    names = {r[0] for r in fleet_db.query("SELECT indexname FROM pg_indexes "
                                          "WHERE schemaname = 'fleet'")}
    assert {"sessions_store_time", "sessions_pairs"} <= names
    month = datetime.now(UTC).strftime("sessions_%Y_%m")
    assert fleet_db.query("SELECT to_regclass(%s) IS NOT NULL", (f"fleet.{month}",)) == [(True,)]


def test_a_session_beyond_the_partitions_waits_in_the_default_one_then_moves(fleet_db):
    dsn = kiosk_dsn(fleet_db, "s1", "k1")
    far = datetime(2031, 5, 3, tzinfo=UTC)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(ROW, ("k1", "far", far, "s1"))
    assert fleet_db.query("SELECT tableoid::regclass::text FROM fleet.sessions") == [
        ("fleet.sessions_default",)]
    with db.connected(fleet_db.dsn) as conn:
        made = init_schema(conn, today=far.date(), months_back=0, months_ahead=0)
    assert made.partitions_created == 1 and made.applied == ()
    assert fleet_db.query("SELECT tableoid::regclass::text FROM fleet.sessions") == [
        ("fleet.sessions_2031_05",)]


def test_a_kiosk_writes_its_own_rows_and_no_one_elses(fleet_db):
    mine = kiosk_dsn(fleet_db, "berlin", "k1")
    kiosk_dsn(fleet_db, "berlin", "k2")
    kiosk_dsn(fleet_db, "hamburg", "k3")
    with psycopg.connect(mine, autocommit=True) as conn:
        conn.execute(ROW, ("k1", "a1", WHEN, "berlin"))
    # another store's rows, another kiosk's, and a lie about its own store
    for kiosk, store in [("k3", "hamburg"), ("k1", "hamburg"), ("k2", "berlin")]:
        assert "row-level security" in refused(mine, ROW, (kiosk, "x", WHEN, store))
    # it cannot read what other kiosks sent, nor change their rows
    with psycopg.connect(fleet_db.dsn_as("legfit_kiosk_k3"), autocommit=True) as conn:
        conn.execute(ROW, ("k3", "b1", WHEN, "hamburg"))
    with psycopg.connect(mine, autocommit=True) as conn:
        seen = conn.execute("SELECT kiosk_id, session_id FROM fleet.sessions").fetchall()
        assert seen == [("k1", "a1")]
        changed = conn.execute("UPDATE fleet.sessions SET outcome = 'x' "
                               "WHERE kiosk_id = 'k3'").rowcount
        assert changed == 0
    assert "permission denied" in refused(mine, "DELETE FROM fleet.sessions")
    assert "permission denied" in refused(mine, "SELECT * FROM fleet.stores")
    assert "permission denied" in refused(mine, "SELECT * FROM fleet.kiosks")
    assert "permission denied" in refused(
        mine, "INSERT INTO fleet.catalogue_versions VALUES (1, now(), '{}', %s, 1, false)",
        ("0" * 64,))
    assert "permission denied" in refused(mine, "SELECT * FROM fleet.sessions_default")
    # published catalogues it reads
    with psycopg.connect(mine, autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM fleet.catalogue_versions").fetchone() == (0,)


def test_the_reporting_role_reads_everything_and_writes_nothing(fleet_db, capsys):
    kiosk_dsn(fleet_db, "berlin", "k1")
    with db.connected(fleet_db.dsn) as conn:
        reporter = add_reporter(conn, fleet_db.dsn, "manager_north")
    with psycopg.connect(fleet_db.dsn_as("legfit_kiosk_k1"), autocommit=True) as conn:
        conn.execute(ROW, ("k1", "a1", WHEN, "berlin"))
    with psycopg.connect(reporter, autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM fleet.sessions").fetchone() == (1,)
        assert conn.execute("SELECT count(*) FROM fleet.kiosks").fetchone() == (1,)
    for sql in ("DELETE FROM fleet.sessions", "UPDATE fleet.kiosks SET store_id = 'x'",
                "INSERT INTO fleet.stores (store_id) VALUES ('evil')"):
        assert "permission denied" in refused(reporter, sql)
    code, _, err = cli(capsys, "fleet", "report", "--dsn", reporter, "--json")
    assert code == 0, err
    code, _, err = cli(capsys, "fleet", "init", "--dsn", reporter)
    assert code == 2 and err.startswith("legfit: ") and len(err.splitlines()) == 1


def test_join_with_a_kiosks_own_dsn_and_refusals(fleet_db, kiosk_dirs, capsys):
    code, out, _ = cli(capsys, "fleet", "add-kiosk", "--dsn", fleet_db.dsn,
                       "--store", "s1", "--kiosk", "k1")
    assert code == 0
    own = out.strip().splitlines()[-1]
    assert "user=legfit_kiosk_k1" in own
    k = kiosk_dirs("k1")
    k.join(capsys, own, "s1")  # the admin's DSN never reaches the kiosk
    other = kiosk_dirs("k2")
    other.use()
    code, _, err = cli(capsys, "fleet", "join", "--dsn", own, "--store", "s1", "--kiosk", "k2")
    assert code == 2 and "kiosk k1's of store s1" in err
    assert not other.paths.config_file.exists()
    code, _, err = cli(capsys, "fleet", "add-kiosk", "--dsn", fleet_db.dsn, "--store", "s2",
                       "--kiosk", "k1")
    assert code == 2 and "belongs to store s1" in err
    code, _, err = cli(capsys, "fleet", "add-kiosk", "--dsn", fleet_db.dsn, "--store",
                       "bad store", "--kiosk", "k9")
    assert code == 2 and err.count("\n") == 1 and "store 'bad store'" in err


@pytest.mark.parametrize("args", [
    ["fleet", "sync", "--once"],
    ["fleet", "report", "--dsn", "host=/nonexistent-legfit dbname=x connect_timeout=2"],
    ["fleet", "init", "--dsn", "this is not a dsn"],
    ["fleet", "report"],
])
def test_every_bad_input_is_one_line(args, kiosk_dirs, capsys, monkeypatch):
    monkeypatch.delenv("LEGFIT_FLEET_DSN", raising=False)
    kiosk_dirs("lonely")
    code, _, err = cli(capsys, *args)
    assert code == 2 and err.startswith("legfit: ") and err.count("\n") == 1, err
    assert "password" not in err
