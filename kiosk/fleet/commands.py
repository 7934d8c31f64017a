"""`legfit fleet`: the central store, a kiosk's link to it, its sync, catalogues, report.

- ``init --dsn DSN``: create or update the central schema (idempotent);
- ``add-kiosk --dsn DSN --store S --kiosk K``: a kiosk role; its DSN on the last line;
- ``add-reporter --dsn DSN --role NAME``: a read-only role; its DSN on the last line;
- ``join --dsn DSN --store S --kiosk K``: this kiosk's link, written into its config;
- ``sync [--once] [--json]``: send the waiting sessions, pull a new catalogue;
- ``publish-catalogue --dsn DSN DIR``: check DIR and publish it as the next version;
- ``report --dsn DSN [--json] [--html FILE] [--days N]``: the fleet report.

``--dsn`` may be left out when ``LEGFIT_FLEET_DSN`` holds it (so that a password stays
out of the shell's history and the process list).
"""

from __future__ import annotations

import argparse
import os
import pwd
import sys
import threading
from pathlib import Path

from fitting.catalogue import check_catalogue
from kiosk.config import FleetLink, KioskConfig, load_config, save_config
from kiosk.fleet import db
from kiosk.fleet.catalogues import (
    KioskCatalogues,
    checked_folder,
    fleet_catalogue_root,
    publish_catalogue,
    resolve_catalogue,
)
from kiosk.fleet.db import FleetLinkInvalid, FleetUnreachable
from kiosk.fleet.stamp import software_version
from kiosk.fleet.sync import (
    FleetSync,
    KioskState,
    SyncResult,
    backoff_s,
    calibration_time,
)
from kiosk.paths import KioskPaths
from session.log import SessionOutbox

DSN_ENV = "LEGFIT_FLEET_DSN"
# 'fleet sync --once' gives up after this long whatever the network does.
ONCE_DEADLINE_S = 25.0
KIOSK_USER = "legfit"


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("fleet", help="the fleet's central store: link, sync, catalogues, report",
                       description="Many kiosks, one central PostgreSQL store.")
    actions = p.add_subparsers(dest="fleet_action", metavar="ACTION", parser_class=type(p))
    actions.required = True

    def dsn(q: argparse.ArgumentParser) -> None:
        q.add_argument("--dsn", default=os.environ.get(DSN_ENV),
                       help=f"PostgreSQL connection string (default: ${DSN_ENV})")

    q = actions.add_parser("init", help="create or update the central schema (idempotent)")
    dsn(q)
    q.set_defaults(handler=run_init)
    q = actions.add_parser("add-kiosk", help="register a kiosk; print its own role's DSN")
    dsn(q)
    q.add_argument("--store", required=True)
    q.add_argument("--kiosk", required=True)
    q.set_defaults(handler=run_add_kiosk)
    q = actions.add_parser("add-reporter", help="a read-only role for reports; print its DSN")
    dsn(q)
    q.add_argument("--role", required=True)
    q.set_defaults(handler=run_add_reporter)
    q = actions.add_parser("join", help="link this kiosk to the fleet (written to its config)")
    dsn(q)
    q.add_argument("--store", required=True)
    q.add_argument("--kiosk", required=True)
    q.set_defaults(handler=run_join)
    q = actions.add_parser("sync", help="send the waiting sessions; pull a new catalogue")
    q.add_argument("--once", action="store_true",
                   help=f"one try: give up within {ONCE_DEADLINE_S + 5:.0f} s when the "
                        "centre cannot be reached (exit 1, the sessions kept)")
    q.add_argument("--json", action="store_true",
                   help='one line: {"sent": n, "pending": m, "catalogue_version": v}')
    q.set_defaults(handler=run_sync)
    q = actions.add_parser("publish-catalogue",
                           help="check a catalogue folder and publish it as the next version")
    dsn(q)
    q.add_argument("directory", type=Path, metavar="DIR")
    q.set_defaults(handler=run_publish)
    q = actions.add_parser("report", help="the fleet report (text, --json, --html FILE)")
    dsn(q)
    q.add_argument("--json", action="store_true", help="print the report as JSON")
    q.add_argument("--html", type=Path, metavar="FILE", help="write the report as one page")
    q.add_argument("--days", type=float, metavar="N",
                   help="only sessions of the last N days (default: all)")
    q.set_defaults(handler=run_report)


def _dsn(args: argparse.Namespace) -> str:
    if not args.dsn:
        raise FleetLinkInvalid(f"give the centre's connection string: --dsn DSN or ${DSN_ENV}")
    db.dsn_parts(args.dsn)
    return str(args.dsn)


def run_init(args: argparse.Namespace) -> int:
    from kiosk.fleet.schema import init_schema

    with db.connected(_dsn(args), application="legfit fleet init") as conn:
        result = init_schema(conn)
    applied = (f"applied migration{'s' if len(result.applied) != 1 else ''} "
               f"{', '.join(map(str, result.applied))}" if result.applied else "already current")
    sys.stdout.write(f"fleet schema at version {result.schema_version} ({applied}); "
                     f"{result.partitions_created} month partitions created\n")
    return 0


def run_add_kiosk(args: argparse.Namespace) -> int:
    from kiosk.fleet.admin import add_kiosk

    dsn = _dsn(args)
    with db.connected(dsn, application="legfit fleet add-kiosk") as conn:
        credentials = add_kiosk(conn, dsn, args.store, args.kiosk)
    sys.stdout.write(f"kiosk {credentials.kiosk} of store {credentials.store}: role "
                     f"{credentials.role}; on the kiosk run 'legfit fleet join --store "
                     f"{credentials.store} --kiosk {credentials.kiosk}' with this DSN:\n")
    sys.stdout.write(credentials.dsn + "\n")
    return 0


def run_add_reporter(args: argparse.Namespace) -> int:
    from kiosk.fleet.admin import add_reporter

    dsn = _dsn(args)
    with db.connected(dsn, application="legfit fleet add-reporter") as conn:
        reporter = add_reporter(conn, dsn, args.role)
    sys.stdout.write(f"read-only role {args.role}; its DSN:\n{reporter}\n")
    return 0


def _kiosk_owner() -> tuple[int, int] | None:
    """Run as root on an installed kiosk, the config is handed to the kiosk's user."""
    if os.geteuid() != 0:
        return None
    try:
        user = pwd.getpwnam(KIOSK_USER)
    except KeyError:
        return None
    return user.pw_uid, user.pw_gid


def run_join(args: argparse.Namespace) -> int:
    from kiosk.fleet.admin import join

    paths = KioskPaths.from_environment()
    config = load_config(paths.config_file)  # a broken config is refused before anything
    credentials = join(_dsn(args), args.store, args.kiosk)
    previous = config.fleet
    interval = previous.sync_interval_s if previous is not None else None
    link = FleetLink(dsn=credentials.dsn, store=credentials.store, kiosk=credentials.kiosk,
                     **({} if interval is None else {"sync_interval_s": interval}))
    save_config(config.model_copy(update={"fleet": link}), paths.config_file)
    owner = _kiosk_owner()
    if owner is not None:
        os.chown(paths.config_file, *owner)
    sys.stdout.write(f"kiosk {credentials.kiosk} joined store {credentials.store} as role "
                     f"{credentials.role}; the link is in {paths.config_file} (mode 0600). "
                     "Restart the kiosk to start its sync: systemctl restart legfit-kiosk\n")
    return 0


def kiosk_state(paths: KioskPaths, config: KioskConfig) -> KioskState:
    choice = resolve_catalogue(paths, config)
    return KioskState(software_version=software_version(),
                      catalogue_version=choice.version, catalogue_source=choice.source,
                      calibrated_at=calibration_time(config.calibration_file
                                                     or paths.calibration_file))


def kiosk_sync(paths: KioskPaths, config: KioskConfig) -> FleetSync:
    """The sync of this kiosk as its config links it."""
    link = config.fleet
    if link is None:
        raise FleetLinkInvalid("this kiosk has not joined a fleet: run 'legfit fleet join "
                               "--dsn DSN --store STORE --kiosk KIOSK' first")
    outbox = SessionOutbox(config.session_log_file or paths.session_log_file)
    return FleetSync(link, outbox, state=lambda: kiosk_state(paths, config),
                     catalogues=KioskCatalogues(fleet_catalogue_root(paths)))


def _once(sync: FleetSync) -> SyncResult:
    """One pass, abandoned after ``ONCE_DEADLINE_S`` (a network that swallows packets)."""
    box: dict[str, object] = {}

    def work() -> None:
        try:
            box["result"] = sync.run_once()
        except BaseException as exc:  # handed to the caller's thread as it is
            box["error"] = exc

    thread = threading.Thread(target=work, name="fleet-sync-once", daemon=True)
    thread.start()
    thread.join(ONCE_DEADLINE_S)
    if thread.is_alive():
        raise FleetUnreachable(f"the fleet's centre did not answer within "
                               f"{ONCE_DEADLINE_S:.0f} s")
    error = box.get("error")
    if isinstance(error, BaseException):
        raise error
    result = box["result"]
    assert isinstance(result, SyncResult)
    return result


def run_sync(args: argparse.Namespace) -> int:
    import random
    import time

    paths = KioskPaths.from_environment()
    config = load_config(paths.config_file)
    sync = kiosk_sync(paths, config)
    rng = random.Random()
    failures = 0
    try:
        while True:
            try:
                result = _once(sync)
                break
            except FleetUnreachable as exc:
                pending = sync.outbox.count()
                kept = f"{pending} session{'s' if pending != 1 else ''} kept for the next sync"
                if args.once:
                    sys.stderr.write(f"legfit: {exc}; {kept}\n")
                    return 1
                failures += 1
                wait = backoff_s(failures, rng)
                sys.stderr.write(f"legfit: {exc}; {kept}; trying again in {wait:.0f} s\n")
                time.sleep(wait)
    finally:
        sync.outbox.close()
    for problem in result.problems:
        sys.stderr.write(f"legfit: {problem}\n")
    if args.json:
        sys.stdout.write(result.to_json() + "\n")
    else:
        version = ("none" if result.catalogue_version is None
                   else str(result.catalogue_version))
        switched = ("" if result.installed is None
                    else f"; switched to catalogue version {result.installed}")
        sys.stdout.write(f"sent {result.sent} sessions; {result.pending} waiting; fleet "
                         f"catalogue in use: {version}{switched}\n")
    return 0


def run_publish(args: argparse.Namespace) -> int:
    dsn = _dsn(args)
    _, statuses = check_catalogue(args.directory)
    for status in statuses:  # the lines of 'legfit catalogue check'
        if status.ok:
            demo = " (illustrative)" if status.illustrative else ""
            sys.stdout.write(f"ok       {status.file}: {status.product_id}{demo}\n")
        else:
            for error in status.errors:
                sys.stdout.write(f"INVALID  {error}\n")
    checked_folder(args.directory)  # a refused folder ends here, as 'catalogue check' does
    with db.connected(dsn, application="legfit fleet publish-catalogue") as conn:
        published = publish_catalogue(conn, args.directory)
    sys.stdout.write(f"{published.products} product lines valid; published as catalogue "
                     f"version {published.version} (sha256 {published.sha256[:12]})\n")
    sys.stdout.write(f"{published.version}\n")
    return 0


def run_report(args: argparse.Namespace) -> int:
    from kiosk.fleet.report import dumps, gather, report_text, since_days

    with db.connected(_dsn(args), application="legfit fleet report") as conn:
        report = gather(conn, since=since_days(args.days))
    if args.html is not None:
        from fitting.atomic_file import write_text_atomic
        from kiosk.fleet.html import report_html

        try:
            write_text_atomic(args.html, report_html(report))
        except OSError as exc:
            raise FleetLinkInvalid(f"cannot write {args.html}: {exc.strerror or exc}") \
                from None
    if args.json:
        sys.stdout.write(dumps(report) + "\n")
    elif args.html is None:
        sys.stdout.write(report_text(report))
    else:
        sys.stdout.write(f"fleet report written to {args.html}\n")
    return 0
