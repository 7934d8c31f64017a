"""Stores, kiosks and each kiosk's own database role.

``add_kiosk`` (an administrator's connection: a role that may create roles) registers a
store and a kiosk and gives the kiosk a login role of its own, a member of
``legfit_kiosk``, with a new random password and at most ``KIOSK_CONNECTION_LIMIT``
connections; it returns the DSN the kiosk connects with (the administrator's server and
options, the kiosk's role and password). Adding a kiosk again gives it a new password.
``join`` is what ``legfit fleet join`` does on a kiosk: with an administrator's DSN it
adds the kiosk first; with a kiosk's own DSN it checks that the DSN is that kiosk's.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

import psycopg
from psycopg import sql

from kiosk.fleet import db
from kiosk.fleet.db import FleetLinkInvalid, FleetRefused, check_name
from kiosk.fleet.schema import KIOSK_GROUP, REPORT_GROUP, applied_version

KIOSK_CONNECTION_LIMIT = 3
ROLE_PREFIX = "legfit_kiosk_"


@dataclass(frozen=True)
class KioskCredentials:
    store: str
    kiosk: str
    role: str
    dsn: str


def role_for(kiosk: str) -> str:
    """The kiosk's login role: ``legfit_kiosk_`` and its id in lower case (other
    characters as ``_``), at most 63 characters."""
    return (ROLE_PREFIX + re.sub(r"[^a-z0-9_]", "_", kiosk.lower()))[:63]


def _require_schema(conn: psycopg.Connection) -> None:
    if applied_version(conn) == 0:
        raise FleetRefused("the centre has no fleet schema yet: run 'legfit fleet init "
                           "--dsn ...' with an administrator's DSN first")


def _can_create_roles(conn: psycopg.Connection) -> bool:
    with conn.cursor() as cur:
        cur.execute("SELECT rolsuper OR rolcreaterole FROM pg_roles "
                    "WHERE rolname = current_user")
        row = cur.fetchone()
    return bool(row and row[0])


def add_kiosk(conn: psycopg.Connection, dsn: str, store: str, kiosk: str) -> KioskCredentials:
    """Register ``store`` and ``kiosk`` and (re)create the kiosk's role; its DSN."""
    check_name("store", store)
    check_name("kiosk", kiosk)
    _require_schema(conn)
    if not _can_create_roles(conn):
        raise FleetRefused("this role may not create kiosk roles: use an administrator's DSN "
                           "(a role with CREATEROLE that owns the fleet schema)")
    role = role_for(kiosk)
    password = secrets.token_urlsafe(24)
    with conn.transaction(), conn.cursor() as cur:
        cur.execute("INSERT INTO fleet.stores (store_id) VALUES (%s) ON CONFLICT DO NOTHING",
                    (store,))
        cur.execute("SELECT store_id, role_name FROM fleet.kiosks WHERE kiosk_id = %s",
                    (kiosk,))
        row = cur.fetchone()
        if row is not None and row[0] != store:
            raise FleetRefused(f"kiosk {kiosk} belongs to store {row[0]}, not {store}; "
                               "give a moved kiosk a new kiosk id")
        cur.execute("SELECT kiosk_id FROM fleet.kiosks WHERE role_name = %s AND kiosk_id <> %s",
                    (role, kiosk))
        clash = cur.fetchone()
        if clash is not None:
            raise FleetRefused(f"kiosk {kiosk}'s role {role} is already kiosk {clash[0]}'s")
        cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,))
        verb = "ALTER" if cur.fetchone() else "CREATE"
        cur.execute(sql.SQL("{} ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT "
                            "NOBYPASSRLS CONNECTION LIMIT {} PASSWORD {}").format(
            sql.SQL(verb), sql.Identifier(role), sql.Literal(KIOSK_CONNECTION_LIMIT),
            sql.Literal(password)))
        cur.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(KIOSK_GROUP),
                                                     sql.Identifier(role)))
        cur.execute("INSERT INTO fleet.kiosks (kiosk_id, store_id, role_name) "
                    "VALUES (%s, %s, %s) ON CONFLICT (kiosk_id) DO NOTHING",
                    (kiosk, store, role))
    return KioskCredentials(store, kiosk, role, db.with_role(dsn, role, password))


def add_reporter(conn: psycopg.Connection, dsn: str, role: str) -> str:
    """A login role that reads the fleet and writes nothing; its DSN."""
    if not re.fullmatch(r"[a-z][a-z0-9_]{0,62}", role):
        raise FleetLinkInvalid(f"role {role!r} must be lower-case letters, digits and '_'")
    _require_schema(conn)
    password = secrets.token_urlsafe(24)
    with conn.transaction(), conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,))
        verb = "ALTER" if cur.fetchone() else "CREATE"
        cur.execute(sql.SQL("{} ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE "
                            "PASSWORD {}").format(sql.SQL(verb), sql.Identifier(role),
                                                  sql.Literal(password)))
        cur.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(REPORT_GROUP),
                                                     sql.Identifier(role)))
    return db.with_role(dsn, role, password)


def whoami(conn: psycopg.Connection) -> tuple[str | None, str | None]:
    """(kiosk, store) of the connected kiosk role; (None, None) for any other role."""
    with conn.cursor() as cur:
        cur.execute("SELECT pg_has_role(current_user, %s, 'MEMBER')", (KIOSK_GROUP,))
        row = cur.fetchone()
        if not row or not row[0]:
            return None, None
        cur.execute("SELECT fleet.my_kiosk(), fleet.my_store()")
        found = cur.fetchone()
    if found is None:
        return None, None
    return found[0], found[1]


def join(dsn: str, store: str, kiosk: str) -> KioskCredentials:
    """The kiosk's own link: made here from an administrator's DSN, or checked when the
    DSN is already the kiosk's (as ``legfit fleet add-kiosk`` printed it)."""
    check_name("store", store)
    check_name("kiosk", kiosk)
    with db.connected(dsn, application="legfit fleet join") as conn:
        _require_schema(conn)
        if _can_create_roles(conn):
            credentials = add_kiosk(conn, dsn, store, kiosk)
        else:
            mine, my_store = whoami(conn)
            if mine is None:
                raise FleetRefused("this DSN's role is neither a kiosk's nor may it create "
                                   "kiosks: use the DSN 'legfit fleet add-kiosk' printed")
            if (mine, my_store) != (kiosk, store):
                raise FleetRefused(f"this DSN is kiosk {mine}'s of store {my_store}, not "
                                   f"kiosk {kiosk} of store {store}")
            credentials = KioskCredentials(store, kiosk, str(db.dsn_parts(dsn).get("user")),
                                           dsn)
    # The kiosk's own DSN must work before it is written down.
    with db.connected(credentials.dsn, application="legfit fleet join") as conn:
        mine, my_store = whoami(conn)
        if (mine, my_store) != (kiosk, store):
            raise FleetRefused(f"the kiosk role {credentials.role} connects but is not "
                               f"kiosk {kiosk} of store {store}")
    return credentials
