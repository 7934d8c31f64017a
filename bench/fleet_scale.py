"""A fleet on one machine: many kiosks syncing into a local PostgreSQL through the real code.

Starts a PostgreSQL of its own (durable: fsync on), creates the fleet schema, ``--kiosks``
kiosks in stores of ``--per-store``, each with its own role and its own SQLite session
log, and runs each kiosk's real ``SyncWorker`` (``kiosk.fleet.sync``) on a thread, at a
compressed interval (``--interval-s``; backoff scaled alike). Two phases:

1. live: writer threads record sessions into the kiosks' logs (``SqliteSessionLog``, as
   the kiosk does) for ``--live-share`` of ``--sessions`` per kiosk, while the workers
   sync; random outages make a kiosk's centre unreachable for a while, and random network
   cuts kill a connection in the middle of a batch. End-to-end lag: from a session's
   write to the centre's ``received_at``.
2. backlog: the centre is stopped (a fleet-wide outage) while the rest of the sessions
   are recorded; the workers fail and back off; the centre comes back and the backlog
   drains: rows per second at the centre.

Then the report's query time over everything, and the check that nothing was lost or
doubled. Prints a table and writes bench/results/fleet_scale.json.

``--sample-report DIR`` instead syncs a small fleet (3 stores, 9 kiosks, ten weeks of
sessions) through the same code and writes its report as DIR/fleet-report.html and a
picture of the page as docs/screenshots/fleet-report.png (Qt's QTextDocument, offscreen,
with the page's SVG plots drawn by QtSvg).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from kiosk.config import FleetLink  # noqa: E402
from kiosk.fleet import db  # noqa: E402
from kiosk.fleet.admin import add_kiosk  # noqa: E402
from kiosk.fleet.db import FleetUnreachable  # noqa: E402
from kiosk.fleet.localpg import LocalPostgres  # noqa: E402
from kiosk.fleet.report import gather  # noqa: E402
from kiosk.fleet.schema import init_schema  # noqa: E402
from kiosk.fleet.sync import FleetSync, KioskState, SyncWorker  # noqa: E402
from session.log import SessionOutbox, SessionRecord, SqliteSessionLog  # noqa: E402

RESULTS = REPO / "bench" / "results" / "fleet_scale.json"
OUTCOMES = (("recommend", 0.62), ("staff_check", 0.22), ("made_to_measure", 0.03),
            ("pharmacist", 0.04), ("see_doctor", 0.03), ("abandoned", 0.06))


class Weather:
    """When each kiosk's link is down, and the cuts it suffers mid-batch."""

    def __init__(self, rng: random.Random, kiosks: list[str], outages_per_kiosk: float,
                 outage_s: tuple[float, float], horizon_s: float, cut_share: float) -> None:
        self.windows: dict[str, list[tuple[float, float]]] = {k: [] for k in kiosks}
        self.start = time.monotonic()
        self.rng = rng
        self.cut_share = cut_share
        self.cuts = 0
        self.refused = 0
        self.lock = threading.Lock()
        for k in kiosks:
            for _ in range(int(outages_per_kiosk) + (rng.random() < outages_per_kiosk % 1)):
                begin = rng.uniform(0, horizon_s)
                self.windows[k].append((begin, begin + rng.uniform(*outage_s)))

    def down(self, kiosk: str) -> bool:
        now = time.monotonic() - self.start
        return any(a <= now < b for a, b in self.windows[kiosk])

    def cut_now(self) -> bool:
        with self.lock:
            hit = self.rng.random() < self.cut_share
            self.cuts += hit
            return hit


class FieldSync(FleetSync):
    """The real sync; the network between the kiosk and the centre is the bench's."""

    weather: Weather

    def _insert(self, cur: psycopg.Cursor, rows) -> None:  # type: ignore[no-untyped-def]
        super()._insert(cur, rows)
        if self.weather.cut_now():
            cur.connection.close()  # the network goes in the middle of the batch


def connector(weather: Weather, kiosk: str):  # type: ignore[no-untyped-def]
    def connect(dsn: str, **kw):  # type: ignore[no-untyped-def]
        if weather.down(kiosk):
            with weather.lock:
                weather.refused += 1
            raise FleetUnreachable("the fleet's centre cannot be reached: (bench outage)")
        return db.connect(dsn, **kw)

    return connect


def session(rng: random.Random, n: int, kiosk: str, now: datetime) -> SessionRecord:
    r = rng.random()
    outcome = OUTCOMES[-1][0]
    for name, share in OUTCOMES:
        if r < share:
            outcome = name
            break
        r -= share
    seconds = rng.uniform(70, 200)
    ankle, calf = rng.gauss(225, 18), rng.gauss(365, 30)
    rec = SessionRecord(
        session_id=f"{kiosk[-4:]}{n:012x}", started_at=(now - timedelta(seconds=seconds))
        .isoformat(timespec="seconds"), finished_at=now.isoformat(timespec="milliseconds"),
        outcome=outcome, purpose="everyday", language="de", state_reached="handoff",
        source="camera", left_ankle_mm=round(ankle, 1), left_calf_mm=round(calf, 1),
        right_ankle_mm=round(ankle + rng.gauss(0, 3), 1),
        right_calf_mm=round(calf + rng.gauss(0, 5), 1), left_ankle_sd_mm=2.6,
        left_calf_sd_mm=4.4, right_ankle_sd_mm=2.6, right_calf_sd_mm=4.4,
        reason_codes=("standard_size",), software_version="0.1.0", catalogue_version=1,
        refusal_reasons=("legs out of frame",) if rng.random() < 0.05 else (),
        demo=rng.random() < 0.01)
    if rng.random() < 0.1:  # staff taped: the camera's girths kept beside the tape's
        assert rec.left_ankle_mm and rec.left_calf_mm and rec.right_ankle_mm \
            and rec.right_calf_mm
        rec = replace(rec, source="tape", camera_left_ankle_mm=rec.left_ankle_mm,
                      camera_left_calf_mm=rec.left_calf_mm,
                      camera_right_ankle_mm=rec.right_ankle_mm,
                      camera_right_calf_mm=rec.right_calf_mm,
                      left_ankle_mm=round(rec.left_ankle_mm - rng.gauss(0.9, 2.5), 1),
                      left_calf_mm=round(rec.left_calf_mm - rng.gauss(0.7, 3.6), 1),
                      right_ankle_mm=round(rec.right_ankle_mm - rng.gauss(0.9, 2.5), 1),
                      right_calf_mm=round(rec.right_calf_mm - rng.gauss(0.7, 3.6), 1))
    return rec


def record_sessions(logs_dir: Path, kiosks: list[str], first: int, count: int,
                    seconds: float, seed: int) -> float:
    """Write ``count`` sessions per kiosk (numbers from ``first``) over about ``seconds``;
    the time it took."""
    rng = random.Random(seed)
    started = time.monotonic()
    logs = {k: SqliteSessionLog(logs_dir / k / "sessions.sqlite3") for k in kiosks}
    per_step = seconds / max(count, 1)
    for i in range(count):
        for k in kiosks:
            logs[k].record(session(rng, first + i, k, datetime.now(UTC)))
        lag = started + (i + 1) * per_step - time.monotonic()
        if lag > 0:
            time.sleep(lag)
    for log in logs.values():
        log.close()
    return time.monotonic() - started


def pending_total(outboxes: list[SessionOutbox]) -> int:
    total = 0
    for o in outboxes:
        for _ in range(5):
            try:
                total += o.count()
                break
            except Exception:  # a writer holds the lock for a moment
                time.sleep(0.05)
    return total


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


SAMPLE_STORES = {"berlin-mitte": (0.4, 0.9, 0.0), "hamburg-altona": (0.5, 3.1, 0.02),
                 "munich-west": (-0.3, 0.2, 0.05)}  # ankle bias, calf bias, extra refusals
SCREENSHOT = REPO / "docs" / "screenshots" / "fleet-report.png"


def sample_sessions(rng: random.Random, store: str, kiosk: str, now: datetime
                    ) -> list[SessionRecord]:
    """Ten weeks of a kiosk's sessions; staff checks fall after week 6 (a new catalogue)."""
    ankle_bias, calf_bias, refusals = SAMPLE_STORES[store]
    out: list[SessionRecord] = []
    for day in range(70):
        for n in range(rng.randint(3, 9)):
            when = now - timedelta(days=70 - day, hours=rng.uniform(0, 9))
            rec = session(rng, day * 100 + n, kiosk, when)
            rec = replace(rec, catalogue_version=1 if day < 42 else 2,
                          started_at=(when - timedelta(seconds=rng.uniform(70, 260)))
                          .isoformat(timespec="seconds"))
            if day >= 42 and rec.outcome == "staff_check" and rng.random() < 0.35:
                rec = replace(rec, outcome="recommend")
            if rng.random() < refusals:
                rec = replace(rec, refusal_reasons=("the calves are covered",))
            if rec.source == "tape":
                assert rec.camera_left_ankle_mm and rec.camera_right_ankle_mm
                assert rec.camera_left_calf_mm and rec.camera_right_calf_mm
                rec = replace(
                    rec,
                    left_ankle_mm=round(rec.camera_left_ankle_mm - rng.gauss(ankle_bias, 2.4), 1),
                    right_ankle_mm=round(rec.camera_right_ankle_mm
                                         - rng.gauss(ankle_bias, 2.4), 1),
                    left_calf_mm=round(rec.camera_left_calf_mm - rng.gauss(calf_bias, 3.5), 1),
                    right_calf_mm=round(rec.camera_right_calf_mm - rng.gauss(calf_bias, 3.5), 1))
            out.append(rec)
    return out


def sample_report(folder: Path, screenshot: Path, seed: int) -> int:
    """A small fleet through the real sync; its report as HTML and as a picture."""
    from fitting.catalogue import BUNDLED_CATALOGUE_DIR
    from kiosk.fleet.catalogues import publish_catalogue
    from kiosk.fleet.html import report_html

    rng = random.Random(seed)
    now = datetime.now(UTC)
    work = Path(tempfile.mkdtemp(prefix="legfit-fleet-sample-"))
    with LocalPostgres().running() as pg:
        with psycopg.connect(pg.dsn(), autocommit=True) as conn:
            conn.execute("CREATE DATABASE fleet")
        admin = pg.dsn("fleet")
        with db.connected(admin) as conn:
            init_schema(conn)
            for version in (1, 2):
                cat = work / f"catalogue-{version}"
                cat.mkdir()
                for src in BUNDLED_CATALOGUE_DIR.glob("*.json"):
                    data = json.loads(src.read_text())
                    data["illustrative"] = False
                    (cat / src.name).write_text(json.dumps(data))
                publish_catalogue(conn, cat)
            for store in SAMPLE_STORES:
                for i in range(3):
                    kiosk = f"{store.split('-')[0][:3]}-{i + 1}"
                    link = FleetLink(dsn=add_kiosk(conn, admin, store, kiosk).dsn,
                                     store=store, kiosk=kiosk)
                    log = SqliteSessionLog(work / kiosk / "sessions.sqlite3")
                    for rec in sample_sessions(rng, store, kiosk, now):
                        log.record(rec)
                    if i == 0:
                        log.record(replace(session(rng, 99999, kiosk, now), demo=True))
                    log.close()
                    old = kiosk == "ham-3"
                    state = KioskState(software_version="0.1.0" if old else "0.2.0",
                                       catalogue_version=1 if old else 2,
                                       catalogue_source="fleet",
                                       calibrated_at=now - timedelta(days=rng.uniform(3, 80)))
                    outbox = SessionOutbox(work / kiosk / "sessions.sqlite3")
                    FleetSync(link, outbox, state=lambda s=state: s).run_once()
                    outbox.close()
            conn.execute("UPDATE fleet.heartbeats SET seen_at = now() - interval '3 days' "
                         "WHERE kiosk_id = 'ham-3'")
            report = gather(conn)
    shutil.rmtree(work, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    page = folder / "fleet-report.html"
    page.write_text(report_html(report))
    render_png(report, screenshot)
    print(f"wrote {page} and {screenshot}")
    return 0


def render_png(report, path: Path, width_px: int = 1100) -> None:  # type: ignore[no-untyped-def]
    """The report page as a picture: QTextDocument lays out the page's HTML (the plots as
    images drawn from their SVG by QtSvg), offscreen."""
    import os
    import re

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QByteArray, QRectF, Qt, QUrl
    from PySide6.QtGui import QGuiApplication, QImage, QPainter, QTextDocument
    from PySide6.QtSvg import QSvgRenderer

    from kiosk.fleet.html import report_html

    if QGuiApplication.instance() is None:
        keep = QGuiApplication([])  # noqa: F841 (Qt needs the application while it paints)
    page = report_html(report)
    doc = QTextDocument()
    doc.setDefaultStyleSheet("td, th { padding: 3px 6px; } th { background: #f0f3f6; }")
    images: list[str] = []

    def swap(found: re.Match[str]) -> str:
        svg = found.group(0)
        renderer = QSvgRenderer(QByteArray(svg.encode()))
        size = renderer.defaultSize()
        image = QImage(size.width() * 2, size.height() * 2, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.white)
        painter = QPainter(image)
        renderer.render(painter)
        painter.end()
        name = f"plot-{len(images)}.png"
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(name), image)
        images.append(name)
        return f"<img src='{name}' width='{size.width()}' height='{size.height()}'>"

    page = re.sub(r"<svg.*?</svg>", swap, page, flags=re.S)
    page = page.replace("<figure>", "<p>").replace("</figure>", "</p>")
    page = re.sub(r"<table>", "<table border='1' cellspacing='0' cellpadding='3'>", page)
    doc.setHtml(page)
    doc.setTextWidth(width_px - 48)
    height = int(doc.size().height()) + 48
    image = QImage(width_px, height, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    painter.translate(24, 24)
    doc.drawContents(painter, QRectF(0, 0, width_px - 48, height))
    painter.end()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(path)):
        raise OSError(f"could not write {path}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kiosks", type=int, default=200)
    ap.add_argument("--per-store", type=int, default=5)
    ap.add_argument("--sessions", type=int, default=500, help="per kiosk")
    ap.add_argument("--live-share", type=float, default=0.6)
    ap.add_argument("--live-s", type=float, default=60.0, help="length of the live phase")
    ap.add_argument("--interval-s", type=float, default=2.0,
                    help="sync interval (a kiosk's is 60 s: time runs ~30x faster here)")
    ap.add_argument("--writers", type=int, default=8)
    ap.add_argument("--outages", type=float, default=1.5, help="per kiosk in the live phase")
    ap.add_argument("--cut-share", type=float, default=0.02,
                    help="share of batches whose connection is cut mid-batch")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--sample-report", type=Path, metavar="DIR",
                    help="instead: a small fleet's report as DIR/fleet-report.html and "
                         f"{SCREENSHOT.relative_to(REPO)}")
    ap.add_argument("--screenshot", type=Path, default=SCREENSHOT)
    args = ap.parse_args(argv)
    if args.sample_report is not None:
        return sample_report(args.sample_report, args.screenshot, args.seed)
    rng = random.Random(args.seed)
    kiosks = [f"kiosk-{i:04d}" for i in range(args.kiosks)]
    stores = {k: f"store-{i // args.per_store:03d}" for i, k in enumerate(kiosks)}
    live_n = int(args.sessions * args.live_share)
    backlog_n = args.sessions - live_n
    work = Path(tempfile.mkdtemp(prefix="legfit-fleet-bench-"))
    pg = LocalPostgres(durable=True)
    print(f"PostgreSQL from {pg.bindir}; {args.kiosks} kiosks x {args.sessions} sessions")
    with pg.running():
        with psycopg.connect(pg.dsn(), autocommit=True) as conn:
            conn.execute("CREATE DATABASE fleet")
        admin = pg.dsn("fleet")
        with db.connected(admin) as conn:
            init_schema(conn)
            links = {k: FleetLink(dsn=add_kiosk(conn, admin, stores[k], k).dsn,
                                  store=stores[k], kiosk=k) for k in kiosks}
        weather = Weather(rng, kiosks, args.outages, (3.0, 15.0), args.live_s, args.cut_share)
        state = KioskState(software_version="0.1.0", catalogue_version=1,
                           catalogue_source="fleet")
        workers: list[SyncWorker] = []
        for k in kiosks:
            (work / k).mkdir(parents=True)
            sync = FieldSync(links[k], SessionOutbox(work / k / "sessions.sqlite3"),
                             state=lambda: state, connect=connector(weather, k))
            sync.weather = weather
            workers.append(SyncWorker(sync, args.interval_s, rng=random.Random(rng.random()),
                                      backoff_base_s=args.interval_s / 12,
                                      backoff_cap_s=args.interval_s * 5))
        groups = [kiosks[i::args.writers] for i in range(args.writers)]
        for w in workers:
            w.start()

        # 1. live: recording and syncing together, with outages and cuts
        print(f"live: {live_n} sessions per kiosk over ~{args.live_s:.0f} s ...")
        threads = [threading.Thread(target=record_sessions,
                                    args=(work, g, 0, live_n, args.live_s, args.seed + i))
                   for i, g in enumerate(groups)]
        t0 = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        live_s = time.monotonic() - t0
        outboxes = [w.sync.outbox for w in workers]
        deadline = time.monotonic() + 300
        while pending_total(outboxes) and time.monotonic() < deadline:
            time.sleep(0.5)
        settled_s = time.monotonic() - t0
        with psycopg.connect(admin, autocommit=True) as conn:
            lags = [float(r[0]) for r in conn.execute(
                "SELECT extract(epoch FROM received_at - finished_at) FROM fleet.sessions")]
            live_rows = len(lags)
        print(f"  recorded in {live_s:.1f} s, all at the centre after {settled_s:.1f} s")

        # 2. backlog: the centre goes down while the kiosks go on; then it comes back
        print(f"backlog: the centre down while {backlog_n} more sessions per kiosk ...")
        pg.stop()
        down_started = time.monotonic()
        threads = [threading.Thread(target=record_sessions,
                                    args=(work, g, live_n, backlog_n, 0.0, args.seed + 100 + i))
                   for i, g in enumerate(groups)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        recorded_down_s = time.monotonic() - down_started
        waiting = pending_total(outboxes)
        time.sleep(max(0.0, args.interval_s * 3 - recorded_down_s))  # the workers back off
        failures = sum(w.status.failures for w in workers)
        pg.restart()
        back = time.monotonic()
        deadline = back + 600
        while pending_total(outboxes) and time.monotonic() < deadline:
            time.sleep(0.25)
        drain_s = time.monotonic() - back
        for w in workers:
            w.stop(5.0)

        # 3. the report, and the books
        with psycopg.connect(admin, autocommit=True) as conn:
            total, distinct = conn.execute(
                "SELECT count(*), count(DISTINCT (kiosk_id, session_id)) "
                "FROM fleet.sessions").fetchone()
            window = conn.execute(
                "SELECT extract(epoch FROM max(received_at) - min(received_at)) "
                "FROM fleet.sessions WHERE received_at >= now() - make_interval(secs => %s)",
                (drain_s + 5,)).fetchone()[0]
            size_mb = float(conn.execute(
                "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_inherits i "
                "JOIN pg_class c ON c.oid = i.inhrelid "
                "WHERE i.inhparent = 'fleet.sessions'::regclass").fetchone()[0]) / 1e6
        report_s = []
        with db.connected(admin) as conn:
            for _ in range(3):
                t = time.monotonic()
                report = gather(conn)
                report_s.append(time.monotonic() - t)
        left = pending_total(outboxes)
        for o in outboxes:
            o.close()
    shutil.rmtree(work, ignore_errors=True)
    expected = args.kiosks * args.sessions
    backlog_rows = args.kiosks * backlog_n
    overall = report.overall
    result = {
        "kiosks": args.kiosks, "stores": len(set(stores.values())),
        "sessions_per_kiosk": args.sessions, "sessions": expected,
        "interval_s": args.interval_s,
        "live": {"sessions": live_rows, "recorded_s": round(live_s, 1),
                 "all_at_centre_s": round(settled_s, 1),
                 "lag_s": {"median": round(statistics.median(lags), 2),
                           "p95": round(percentile(lags, 0.95), 2),
                           "p99": round(percentile(lags, 0.99), 2),
                           "max": round(max(lags), 2)},
                 "outage_windows": sum(len(v) for v in weather.windows.values()),
                 "refused_connects": weather.refused, "batches_cut": weather.cuts},
        "backlog": {"sessions": backlog_rows, "waiting_when_back": waiting,
                    "failed_passes_while_down": failures, "drain_s": round(drain_s, 1),
                    "rows_per_s": round(backlog_rows / drain_s, 0),
                    "rows_per_s_at_centre": round(backlog_rows / max(float(window or 0), 1e-3))},
        "report_query_s": {"median": round(statistics.median(report_s), 3),
                           "runs": [round(x, 3) for x in report_s]},
        "report_sessions": overall.sessions, "report_demo_sessions": overall.demo_sessions,
        "centre_rows": int(total), "distinct_sessions": int(distinct),
        "left_in_outboxes": left, "sessions_table_mb": round(size_mb, 1),
        "bytes_per_session": round(size_mb * 1e6 / max(int(total), 1)),
        "lost": expected - int(distinct), "doubled": int(total) - int(distinct),
    }
    print(f"""
| what | figure |
|---|---|
| sessions | {expected} ({args.kiosks} kiosks x {args.sessions}), at the centre {total}, \
lost {result['lost']}, doubled {result['doubled']} |
| live lag (write -> centre) | median {result['live']['lag_s']['median']} s, p95 \
{result['live']['lag_s']['p95']} s, max {result['live']['lag_s']['max']} s \
(interval {args.interval_s} s; {result['live']['outage_windows']} outages, \
{weather.cuts} batches cut) |
| backlog drain | {backlog_rows} rows in {drain_s:.1f} s: {result['backlog']['rows_per_s']:.0f} \
rows/s |
| report query | {result['report_query_s']['median']} s over {total} sessions |
| storage | {size_mb:.1f} MB, {result['bytes_per_session']} bytes a session with indexes |""")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out}")
    return 0 if result["lost"] == 0 and result["doubled"] == 0 and left == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
