"""The central store's schema, versioned: ``legfit fleet init`` applies what is missing.

Everything lives in the schema ``fleet``. ``fleet.schema_migrations`` records the
migrations applied; ``init_schema`` takes an advisory lock, applies the missing ones in
one transaction, and creates the month partitions of ``fleet.sessions`` from
``MONTHS_BACK`` months ago to ``MONTHS_AHEAD`` ahead (run it again each month: sessions
beyond the last month land in the default partition and are moved out when their month
is created). Running it again changes nothing else.

Tables (see docs/fleet.md for every column):

- ``stores``, ``kiosks`` (each kiosk's database role), ``catalogue_versions``;
- ``sessions``: one row per logged session, partitioned by the month it started, keyed
  by (kiosk, session id, start time) so that a resend replaces, never duplicates;
- ``heartbeats``: each kiosk's last sync (versions, calibration, what it still holds).

Roles: ``legfit_kiosk`` (each kiosk's login role is a member) inserts and updates its own
kiosk's rows only, and reads the published catalogues; ``legfit_report`` reads everything
and writes nothing. Row-level security enforces the first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import psycopg

from kiosk.fleet.db import FleetRefused, check_server

SCHEMA = "fleet"
KIOSK_GROUP = "legfit_kiosk"
REPORT_GROUP = "legfit_report"
MONTHS_BACK = 14
MONTHS_AHEAD = 12
_LOCK_KEY = 0x1E6F17  # the advisory lock every init takes

# The girths a session row carries (mm), as the kiosk's session log names them.
GIRTH_COLUMNS = (
    "left_ankle_mm", "left_calf_mm", "left_length_mm",
    "right_ankle_mm", "right_calf_mm", "right_length_mm",
    "left_ankle_sd_mm", "left_calf_sd_mm", "left_length_sd_mm",
    "right_ankle_sd_mm", "right_calf_sd_mm", "right_length_sd_mm",
    "camera_left_ankle_mm", "camera_left_calf_mm", "camera_left_length_mm",
    "camera_right_ankle_mm", "camera_right_calf_mm", "camera_right_length_mm",
    "camera_left_ankle_sd_mm", "camera_left_calf_sd_mm",
    "camera_right_ankle_sd_mm", "camera_right_calf_sd_mm",
)

_SESSION_COLUMNS_SQL = ",\n    ".join(f"{c} real" for c in GIRTH_COLUMNS)

MIGRATION_1 = f"""
CREATE TABLE fleet.stores (
    store_id text PRIMARY KEY CHECK (store_id ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{{0,63}}$'),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE fleet.kiosks (
    kiosk_id text PRIMARY KEY CHECK (kiosk_id ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{{0,63}}$'),
    store_id text NOT NULL REFERENCES fleet.stores ON UPDATE CASCADE,
    role_name name NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE fleet.catalogue_versions (
    version integer PRIMARY KEY CHECK (version > 0),
    published_at timestamptz NOT NULL DEFAULT now(),
    files jsonb NOT NULL,
    sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{{64}}$'),
    products integer NOT NULL,
    illustrative boolean NOT NULL
);

CREATE TABLE fleet.heartbeats (
    kiosk_id text PRIMARY KEY REFERENCES fleet.kiosks ON DELETE CASCADE,
    store_id text NOT NULL,
    seen_at timestamptz NOT NULL DEFAULT now(),
    kiosk_time timestamptz,
    software_version text,
    catalogue_version integer,
    catalogue_source text,
    calibrated_at timestamptz,
    pending_sessions integer,
    problem text
);

CREATE TABLE fleet.sessions (
    kiosk_id text NOT NULL,
    session_id text NOT NULL,
    started_at timestamptz NOT NULL,
    store_id text NOT NULL,
    finished_at timestamptz,
    outcome text NOT NULL,
    purpose text,
    language text,
    state_reached text,
    source text,
    demo boolean NOT NULL DEFAULT false,
    software_version text,
    catalogue_version integer,
    {_SESSION_COLUMNS_SQL},
    reason_codes text[] NOT NULL DEFAULT '{{}}',
    refusal_reasons text[] NOT NULL DEFAULT '{{}}',
    recommendation jsonb NOT NULL DEFAULT '[]',
    received_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (kiosk_id, session_id, started_at)
) PARTITION BY RANGE (started_at);

CREATE TABLE fleet.sessions_default PARTITION OF fleet.sessions DEFAULT;

-- The report: per store over time, and the camera-vs-tape pairs.
CREATE INDEX sessions_store_time ON fleet.sessions (store_id, started_at);
CREATE INDEX sessions_pairs ON fleet.sessions (store_id)
    WHERE source = 'tape' AND camera_left_ankle_mm IS NOT NULL;

-- Which kiosk (and store) the connected role is: the row-level policies ask this.
CREATE FUNCTION fleet.my_kiosk() RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
    AS $$ SELECT kiosk_id FROM fleet.kiosks WHERE role_name = session_user $$;
CREATE FUNCTION fleet.my_store() RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
    AS $$ SELECT store_id FROM fleet.kiosks WHERE role_name = session_user $$;
REVOKE ALL ON FUNCTION fleet.my_kiosk(), fleet.my_store() FROM PUBLIC;

-- Month partitions of fleet.sessions (UTC months), rows moved out of the default one.
CREATE FUNCTION fleet.ensure_month_partitions(first_month date, last_month date)
    RETURNS integer LANGUAGE plpgsql SET TimeZone = 'UTC' AS $$
DECLARE
    m date := date_trunc('month', first_month)::date;
    next_m date;
    part text;
    made integer := 0;
BEGIN
    WHILE m <= last_month LOOP
        next_m := (m + interval '1 month')::date;
        part := format('sessions_%s', to_char(m, 'YYYY_MM'));
        IF to_regclass(format('fleet.%I', part)) IS NULL THEN
            EXECUTE format('CREATE TABLE fleet.%I (LIKE fleet.sessions INCLUDING DEFAULTS '
                           'INCLUDING CONSTRAINTS)', part);
            EXECUTE format('WITH moved AS (DELETE FROM fleet.sessions_default '
                           'WHERE started_at >= %L AND started_at < %L RETURNING *) '
                           'INSERT INTO fleet.%I SELECT * FROM moved', m, next_m, part);
            EXECUTE format('ALTER TABLE fleet.sessions ATTACH PARTITION fleet.%I '
                           'FOR VALUES FROM (%L) TO (%L)', part, m, next_m);
            made := made + 1;
        END IF;
        m := next_m;
    END LOOP;
    RETURN made;
END $$;
REVOKE ALL ON FUNCTION fleet.ensure_month_partitions(date, date) FROM PUBLIC;

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{KIOSK_GROUP}') THEN
        CREATE ROLE {KIOSK_GROUP} NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{REPORT_GROUP}') THEN
        CREATE ROLE {REPORT_GROUP} NOLOGIN;
    END IF;
END $$;

GRANT USAGE ON SCHEMA fleet TO {KIOSK_GROUP}, {REPORT_GROUP};
GRANT EXECUTE ON FUNCTION fleet.my_kiosk(), fleet.my_store() TO {KIOSK_GROUP};
GRANT SELECT, INSERT, UPDATE ON fleet.sessions, fleet.heartbeats TO {KIOSK_GROUP};
GRANT SELECT ON fleet.catalogue_versions, fleet.schema_migrations TO {KIOSK_GROUP};
GRANT SELECT ON fleet.stores, fleet.kiosks, fleet.catalogue_versions, fleet.heartbeats,
    fleet.sessions, fleet.schema_migrations TO {REPORT_GROUP};

ALTER TABLE fleet.sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE fleet.heartbeats ENABLE ROW LEVEL SECURITY;
ALTER TABLE fleet.catalogue_versions ENABLE ROW LEVEL SECURITY;

-- A kiosk writes its own rows, of its own store, and sees nothing else. (An upsert must
-- read the row it replaces: a kiosk reads its own rows back, no one else's.)
CREATE POLICY kiosk_insert ON fleet.sessions FOR INSERT TO {KIOSK_GROUP}
    WITH CHECK (kiosk_id = (SELECT fleet.my_kiosk()) AND store_id = (SELECT fleet.my_store()));
CREATE POLICY kiosk_update ON fleet.sessions FOR UPDATE TO {KIOSK_GROUP}
    USING (kiosk_id = (SELECT fleet.my_kiosk()))
    WITH CHECK (kiosk_id = (SELECT fleet.my_kiosk()) AND store_id = (SELECT fleet.my_store()));
CREATE POLICY kiosk_select ON fleet.sessions FOR SELECT TO {KIOSK_GROUP}
    USING (kiosk_id = (SELECT fleet.my_kiosk()));
CREATE POLICY report_select ON fleet.sessions FOR SELECT TO {REPORT_GROUP} USING (true);

CREATE POLICY kiosk_insert ON fleet.heartbeats FOR INSERT TO {KIOSK_GROUP}
    WITH CHECK (kiosk_id = (SELECT fleet.my_kiosk()) AND store_id = (SELECT fleet.my_store()));
CREATE POLICY kiosk_update ON fleet.heartbeats FOR UPDATE TO {KIOSK_GROUP}
    USING (kiosk_id = (SELECT fleet.my_kiosk()))
    WITH CHECK (kiosk_id = (SELECT fleet.my_kiosk()) AND store_id = (SELECT fleet.my_store()));
CREATE POLICY kiosk_select ON fleet.heartbeats FOR SELECT TO {KIOSK_GROUP}
    USING (kiosk_id = (SELECT fleet.my_kiosk()));
CREATE POLICY report_select ON fleet.heartbeats FOR SELECT TO {REPORT_GROUP} USING (true);

CREATE POLICY published ON fleet.catalogue_versions FOR SELECT
    TO {KIOSK_GROUP}, {REPORT_GROUP} USING (true);
"""

# (version, what it does, its SQL). Append only: an applied migration is never changed.
MIGRATIONS: tuple[tuple[int, str, str], ...] = (
    (1, "stores, kiosks, catalogues, heartbeats, month-partitioned sessions, roles and "
        "row-level security", MIGRATION_1),
)
SCHEMA_VERSION = MIGRATIONS[-1][0]

_BOOTSTRAP = """
CREATE SCHEMA IF NOT EXISTS fleet;
CREATE TABLE IF NOT EXISTS fleet.schema_migrations (
    version integer PRIMARY KEY,
    description text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
);
"""


@dataclass(frozen=True)
class InitResult:
    schema_version: int
    applied: tuple[int, ...]
    partitions_created: int
    server_version: int


def month_start(day: date, months: int) -> date:
    """The first day of the month ``months`` after ``day``'s (negative: before)."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def applied_version(conn: psycopg.Connection) -> int:
    """The schema version the centre is at (0: never initialised)."""
    with conn.cursor() as cur:
        cur.execute("SELECT to_regclass('fleet.schema_migrations') IS NOT NULL")
        row = cur.fetchone()
        if row is None or not row[0]:
            return 0
        cur.execute("SELECT coalesce(max(version), 0) FROM fleet.schema_migrations")
        row = cur.fetchone()
    return 0 if row is None else int(row[0])


def init_schema(conn: psycopg.Connection, *, today: date | None = None,
                months_back: int = MONTHS_BACK, months_ahead: int = MONTHS_AHEAD
                ) -> InitResult:
    """Apply the missing migrations and create the month partitions; idempotent."""
    server = check_server(conn)
    today = today or datetime.now(UTC).date()
    with conn.transaction(), conn.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
        cur.execute(_BOOTSTRAP)
        cur.execute("SELECT version FROM fleet.schema_migrations")
        done = {int(r[0]) for r in cur.fetchall()}
        newest = max(done, default=0)
        if newest > SCHEMA_VERSION:
            raise FleetRefused(
                f"the centre's schema is at version {newest}, newer than this LegFit's "
                f"({SCHEMA_VERSION}); update LegFit")
        applied: list[int] = []
        for version, description, sql in MIGRATIONS:
            if version in done:
                continue
            cur.execute(sql)
            cur.execute("INSERT INTO fleet.schema_migrations (version, description) "
                        "VALUES (%s, %s)", (version, description))
            applied.append(version)
        cur.execute("SELECT fleet.ensure_month_partitions(%s, %s)",
                    (month_start(today, -months_back), month_start(today, months_ahead)))
        row = cur.fetchone()
        made = 0 if row is None else int(row[0])
    return InitResult(SCHEMA_VERSION, tuple(applied), made, server)
