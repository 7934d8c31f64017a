"""Connecting to the fleet's central PostgreSQL store, and what can go wrong doing it.

Every connection has a short connect timeout and a statement timeout, so that a centre
that is down or a network that stalls ends a sync pass with one clear line instead of
hanging it. A DSN (a libpq connection string or URI) may carry a password: nothing here
ever prints one (``redacted``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import psycopg
from psycopg import conninfo

from fitting.errors import LegFitError

CONNECT_TIMEOUT_S = 10
STATEMENT_TIMEOUT_MS = 30_000
# TCP keepalives: a network cut mid-batch is noticed within about half a minute.
KEEPALIVES = {"keepalives": "1", "keepalives_idle": "10", "keepalives_interval": "5",
              "keepalives_count": "3"}
MIN_SERVER_VERSION = 150000
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class FleetError(LegFitError):
    """Something about the fleet's central store, in one sentence."""


class FleetUnreachable(FleetError):
    """The centre cannot be reached now (down, network cut, refused): try again later."""


class FleetRefused(FleetError):
    """The centre refused what was asked (a role without the right, a wrong store)."""


class FleetLinkInvalid(FleetError):
    """The connection string itself is wrong, or the kiosk has not joined a fleet."""


def one_line(exc: BaseException) -> str:
    """An exception's text on one line (libpq's own run over several)."""
    return " ".join((str(exc).strip() or type(exc).__name__).split())


def redacted(dsn: str) -> str:
    """The DSN with any password replaced, fit for a message."""
    try:
        parts = conninfo.conninfo_to_dict(dsn)
    except psycopg.ProgrammingError:
        return "(an unreadable connection string)"
    if "password" in parts:
        parts["password"] = "***"
    return conninfo.make_conninfo("", **{k: str(v) for k, v in parts.items()})


def dsn_parts(dsn: str) -> dict[str, str]:
    try:
        return {k: str(v) for k, v in conninfo.conninfo_to_dict(dsn).items()}
    except psycopg.ProgrammingError as exc:
        raise FleetLinkInvalid(f"the connection string is not valid: {one_line(exc)}") from None


def with_role(dsn: str, user: str, password: str) -> str:
    """The same server and options, as another role."""
    dsn_parts(dsn)
    return conninfo.make_conninfo(dsn, user=user, password=password)


def check_name(kind: str, name: str) -> str:
    if not NAME_PATTERN.match(name):
        raise FleetLinkInvalid(
            f"{kind} {name!r} must be 1-64 letters, digits, '.', '_' or '-', starting with "
            "a letter or digit")
    return name


def connect(dsn: str, *, application: str = "legfit",
            connect_timeout_s: int = CONNECT_TIMEOUT_S,
            statement_timeout_ms: int = STATEMENT_TIMEOUT_MS) -> psycopg.Connection:
    """A connection, or ``FleetUnreachable``/``FleetLinkInvalid``. It is in autocommit:
    what must be atomic is written in ``conn.transaction()`` blocks.

    TLS is whatever the DSN asks for (``sslmode=verify-full`` with ``sslrootcert``)."""
    dsn_parts(dsn)
    options = {"connect_timeout": str(connect_timeout_s), "application_name": application,
               **KEEPALIVES}
    try:
        conn = psycopg.connect(conninfo.make_conninfo(dsn, **options), autocommit=True)
    except psycopg.OperationalError as exc:
        raise FleetUnreachable(f"the fleet's centre cannot be reached: {one_line(exc)}") \
            from None
    except psycopg.Error as exc:
        raise FleetLinkInvalid(f"cannot connect to the fleet's centre: {one_line(exc)}") \
            from None
    try:
        with conn.cursor() as cur:
            cur.execute(f"SET statement_timeout = {int(statement_timeout_ms)}")
            cur.execute("SET TimeZone = 'UTC'")
    except psycopg.Error as exc:
        conn.close()
        raise FleetUnreachable(f"the fleet's centre failed: {one_line(exc)}") from None
    return conn


@contextmanager
def connected(dsn: str, *, application: str = "legfit") -> Iterator[psycopg.Connection]:
    """``connect`` as a context: closed at the end; psycopg's errors become ours."""
    conn = connect(dsn, application=application)
    try:
        yield conn
    except psycopg.Error as exc:
        raise translate(exc) from None
    finally:
        with suppress(psycopg.Error):
            conn.close()


def translate(exc: psycopg.Error) -> FleetError:
    """A psycopg error as one of ours, with its one-line text."""
    text = one_line(exc)
    if isinstance(exc, psycopg.errors.InsufficientPrivilege):
        return FleetRefused(f"the fleet's centre refused: {text}")
    if isinstance(exc, psycopg.OperationalError | psycopg.errors.AdminShutdown
                  | psycopg.errors.QueryCanceled):
        return FleetUnreachable(f"the fleet's centre failed: {text}")
    return FleetRefused(f"the fleet's centre refused: {text}")


def check_server(conn: psycopg.Connection) -> int:
    """The server's version number; an older one than 15 is refused."""
    version = conn.info.server_version
    if version < MIN_SERVER_VERSION:
        raise FleetRefused(f"the fleet needs PostgreSQL 15 or newer; this server is "
                           f"{version // 10000}.{version % 10000}")
    return version
