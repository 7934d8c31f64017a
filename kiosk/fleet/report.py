"""The fleet report: how the kiosks do in the field, per store and overall.

Per store and overall: sessions (demo sessions counted apart and left out of every other
figure), the outcome mix, the staff-check rate (outcome ``staff_check``), the refusal
rate (sessions in which the camera refused to measure at least once) with the refusals'
reasons, the time to a result (start to the end of a session that did not end
abandoned: median and 90th percentile), and for the legs staff taped after the camera
had measured them a Bland-Altman summary: the bias (mean of camera minus tape) and the
95 % limits of agreement (bias +/- 1.96 sd of the differences) at the ankle and the
calf, with the number of such legs ("pairs": each taped session gives two). Per kiosk:
its store, when it was last seen, the software and catalogue versions it runs and how
old its calibration is.

All figures are aggregated by the database (one pass per question over the sessions of
the period), so the report costs the same whether it is read from a laptop or a server.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg

LOA_Z = 1.96
SITES = ("ankle", "calf")
ALL = "*"  # the key of the whole fleet in the per-store maps below
# At most this many points per store and site go into the HTML's Bland-Altman plots.
MAX_PLOT_POINTS = 600

_PAIRS = """
FROM fleet.sessions s CROSS JOIN LATERAL (VALUES
    ('ankle', s.camera_left_ankle_mm::float8, s.left_ankle_mm::float8),
    ('ankle', s.camera_right_ankle_mm::float8, s.right_ankle_mm::float8),
    ('calf', s.camera_left_calf_mm::float8, s.left_calf_mm::float8),
    ('calf', s.camera_right_calf_mm::float8, s.right_calf_mm::float8)
) AS leg(site, camera_mm, tape_mm)
WHERE s.source = 'tape' AND NOT s.demo AND leg.camera_mm IS NOT NULL
  AND leg.tape_mm IS NOT NULL AND s.started_at >= %(since)s
"""

Q_OUTCOMES = """
SELECT coalesce(store_id, '*'), demo, outcome, count(*)
FROM fleet.sessions WHERE started_at >= %(since)s
GROUP BY GROUPING SETS ((store_id, demo, outcome), (demo, outcome))
"""
Q_REFUSED = """
SELECT coalesce(store_id, '*'), count(*) FROM fleet.sessions
WHERE NOT demo AND cardinality(refusal_reasons) > 0 AND started_at >= %(since)s
GROUP BY GROUPING SETS ((store_id), ())
"""
Q_REFUSAL_REASONS = """
SELECT coalesce(store_id, '*'), reason, count(*)
FROM fleet.sessions, unnest(refusal_reasons) AS reason
WHERE NOT demo AND started_at >= %(since)s
GROUP BY GROUPING SETS ((store_id, reason), (reason))
"""
Q_TIMING = """
SELECT coalesce(store_id, '*'),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - started_at)),
       percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - started_at)),
       count(*)
FROM fleet.sessions
WHERE NOT demo AND outcome <> 'abandoned' AND finished_at >= started_at
  AND started_at >= %(since)s
GROUP BY GROUPING SETS ((store_id), ())
"""
Q_AGREEMENT = f"""
SELECT coalesce(s.store_id, '*'), leg.site, count(*), avg(leg.camera_mm - leg.tape_mm),
       stddev_samp(leg.camera_mm - leg.tape_mm),
       count(DISTINCT (s.kiosk_id, s.session_id))
{_PAIRS}
GROUP BY GROUPING SETS ((s.store_id, leg.site), (leg.site))
"""
Q_POINTS = f"""
SELECT store_id, site, mean_mm, diff_mm FROM (
    SELECT s.store_id, leg.site, (leg.camera_mm + leg.tape_mm) / 2 AS mean_mm,
           leg.camera_mm - leg.tape_mm AS diff_mm,
           row_number() OVER (PARTITION BY s.store_id, leg.site
                              ORDER BY s.started_at DESC) AS n
    {_PAIRS}
) AS p WHERE n <= {MAX_PLOT_POINTS}
"""
Q_WEEKS = """
SELECT date_trunc('week', started_at)::date, outcome, count(*)
FROM fleet.sessions WHERE NOT demo AND started_at >= %(since)s
GROUP BY 1, 2 ORDER BY 1
"""
Q_KIOSKS = """
SELECT k.kiosk_id, k.store_id, h.seen_at, h.software_version, h.catalogue_version,
       h.catalogue_source, h.calibrated_at, h.pending_sessions, h.problem,
       (SELECT max(version) FROM fleet.catalogue_versions)
FROM fleet.kiosks k LEFT JOIN fleet.heartbeats h USING (kiosk_id)
ORDER BY k.store_id, k.kiosk_id
"""


@dataclass(frozen=True)
class Agreement:
    """Bland-Altman for one site: camera minus tape, mm."""

    pairs: int
    bias_mm: float | None
    sd_mm: float | None

    @property
    def loa_mm(self) -> tuple[float, float] | None:
        if self.bias_mm is None or self.sd_mm is None:
            return None
        return (self.bias_mm - LOA_Z * self.sd_mm, self.bias_mm + LOA_Z * self.sd_mm)


def agreement(differences_mm: Iterable[float]) -> Agreement:
    """Bland-Altman of a list of differences (used by the tests and the benchmark to
    check the database's figures)."""
    d = list(differences_mm)
    if not d:
        return Agreement(0, None, None)
    bias = sum(d) / len(d)
    sd = (math.sqrt(sum((x - bias) ** 2 for x in d) / (len(d) - 1)) if len(d) > 1
          else None)
    return Agreement(len(d), bias, sd)


@dataclass
class StoreFigures:
    sessions: int = 0
    demo_sessions: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    refused_sessions: int = 0
    refusal_reasons: dict[str, int] = field(default_factory=dict)
    time_to_result_median_s: float | None = None
    time_to_result_p90_s: float | None = None
    results: int = 0
    agreement: dict[str, Agreement] = field(default_factory=dict)
    sessions_with_pairs: int = 0

    def rate(self, count: int) -> float | None:
        return None if self.sessions == 0 else count / self.sessions

    @property
    def staff_check_rate(self) -> float | None:
        return self.rate(self.outcomes.get("staff_check", 0))

    @property
    def refusal_rate(self) -> float | None:
        return self.rate(self.refused_sessions)

    @property
    def pairs(self) -> int:
        return max((a.pairs for a in self.agreement.values()), default=0)


@dataclass(frozen=True)
class KioskFigures:
    kiosk: str
    store: str
    last_seen: datetime | None
    software_version: str | None
    catalogue_version: int | None
    catalogue_source: str | None
    calibrated_at: datetime | None
    pending_sessions: int | None
    problem: str | None
    latest_catalogue: int | None

    def calibration_age_days(self, now: datetime) -> float | None:
        if self.calibrated_at is None:
            return None
        return (now - self.calibrated_at).total_seconds() / 86400.0


@dataclass
class FleetReport:
    generated_at: datetime
    since: datetime | None
    stores: dict[str, StoreFigures]  # ALL is the whole fleet
    kiosks: list[KioskFigures]
    points: dict[tuple[str, str], list[tuple[float, float]]]  # (store, site) -> (mean, diff)
    weeks: list[tuple[datetime, dict[str, int]]]

    @property
    def overall(self) -> StoreFigures:
        return self.stores.get(ALL) or StoreFigures()

    @property
    def store_names(self) -> list[str]:
        return sorted(s for s in self.stores if s != ALL)


def _f(value: float | None) -> float | None:
    return None if value is None else float(value)


def gather(conn: psycopg.Connection, *, since: datetime | None = None,
           now: datetime | None = None) -> FleetReport:
    """Read the report's figures (read-only: the reporting role suffices)."""
    now = now or datetime.now(UTC)
    params: Mapping[str, Any] = {"since": since or datetime(1970, 1, 1, tzinfo=UTC)}
    stores: dict[str, StoreFigures] = {}

    def store(name: str) -> StoreFigures:
        return stores.setdefault(name, StoreFigures())

    # One snapshot for every figure, read-only.
    with conn.transaction(), conn.cursor() as cur:
        cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cur.execute(Q_OUTCOMES, params)
        for name, demo, outcome, n in cur.fetchall():
            figures = store(name)
            if demo:
                figures.demo_sessions += int(n)
            else:
                figures.sessions += int(n)
                figures.outcomes[outcome] = figures.outcomes.get(outcome, 0) + int(n)
        store(ALL)
        cur.execute(Q_REFUSED, params)
        for name, n in cur.fetchall():
            store(name).refused_sessions = int(n)
        cur.execute(Q_REFUSAL_REASONS, params)
        for name, reason, n in cur.fetchall():
            store(name).refusal_reasons[reason] = int(n)
        cur.execute(Q_TIMING, params)
        for name, median, p90, n in cur.fetchall():
            figures = store(name)
            figures.time_to_result_median_s = _f(median)
            figures.time_to_result_p90_s = _f(p90)
            figures.results = int(n)
        cur.execute(Q_AGREEMENT, params)
        for name, site, n, bias, sd, sessions in cur.fetchall():
            figures = store(name)
            figures.agreement[site] = Agreement(int(n), _f(bias), _f(sd))
            figures.sessions_with_pairs = max(figures.sessions_with_pairs, int(sessions))
        cur.execute(Q_POINTS, params)
        points: dict[tuple[str, str], list[tuple[float, float]]] = {}
        for name, site, mean_mm, diff_mm in cur.fetchall():
            points.setdefault((name, site), []).append((float(mean_mm), float(diff_mm)))
        cur.execute(Q_WEEKS, params)
        weeks: dict[datetime, dict[str, int]] = {}
        for week, outcome, n in cur.fetchall():
            start = datetime(week.year, week.month, week.day, tzinfo=UTC)
            weeks.setdefault(start, {})[outcome] = int(n)
        cur.execute(Q_KIOSKS)
        kiosks = [KioskFigures(str(k), str(s), seen, sw, cat, source, cal,
                               None if pending is None else int(pending), problem,
                               None if latest is None else int(latest))
                  for k, s, seen, sw, cat, source, cal, pending, problem, latest
                  in cur.fetchall()]
    return FleetReport(now, since, stores, kiosks, points, sorted(weeks.items()))


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def _iso(when: datetime | None) -> str | None:
    return None if when is None else when.astimezone(UTC).isoformat(timespec="seconds")


def agreement_json(figures: StoreFigures) -> dict[str, Any]:
    out: dict[str, Any] = {"pairs": figures.pairs,
                           "sessions": figures.sessions_with_pairs}
    for site in SITES:
        a = figures.agreement.get(site, Agreement(0, None, None))
        loa = a.loa_mm
        out[f"{site}_pairs"] = a.pairs
        out[f"{site}_bias_mm"] = _round(a.bias_mm)
        out[f"{site}_sd_mm"] = _round(a.sd_mm)
        out[f"{site}_loa_mm"] = None if loa is None else [round(loa[0], 2), round(loa[1], 2)]
    return out


def store_json(figures: StoreFigures) -> dict[str, Any]:
    return {
        "sessions": figures.sessions,
        "demo_sessions": figures.demo_sessions,
        "outcomes": dict(sorted(figures.outcomes.items())),
        "staff_check_rate": _round(figures.staff_check_rate, 4),
        "refusal_rate": _round(figures.refusal_rate, 4),
        "refusal_reasons": dict(sorted(figures.refusal_reasons.items(),
                                       key=lambda kv: (-kv[1], kv[0]))),
        "time_to_result_s": {"median": _round(figures.time_to_result_median_s, 1),
                             "p90": _round(figures.time_to_result_p90_s, 1),
                             "sessions": figures.results},
        "camera_vs_tape": agreement_json(figures),
    }


def report_json(report: FleetReport) -> dict[str, Any]:
    overall = report.overall
    return {
        "generated_at": _iso(report.generated_at),
        "since": _iso(report.since),
        "sessions": overall.sessions,
        "demo_sessions": overall.demo_sessions,
        "overall": store_json(overall),
        "by_store": {name: store_json(report.stores[name]) for name in report.store_names},
        "kiosks": {k.kiosk: {
            "store": k.store,
            "last_seen": _iso(k.last_seen),
            "software_version": k.software_version,
            "catalogue_version": k.catalogue_version,
            "catalogue_source": k.catalogue_source,
            "latest_catalogue_version": k.latest_catalogue,
            "calibration_age_days": _round(k.calibration_age_days(report.generated_at), 1),
            "pending_sessions": k.pending_sessions,
            "problem": k.problem,
        } for k in report.kiosks},
    }


def _pct(rate: float | None) -> str:
    return "-" if rate is None else f"{100 * rate:.1f} %"


def _mm(value: float | None) -> str:
    if value is None:
        return "-"
    return "0.0" if abs(value) < 0.05 else f"{value:+.1f}"


def agreement_text(figures: StoreFigures) -> str:
    parts = []
    for site in SITES:
        a = figures.agreement.get(site)
        if a is None or a.pairs == 0:
            continue
        loa = a.loa_mm
        limits = "" if loa is None else f" [{_mm(loa[0])}, {_mm(loa[1])}]"
        parts.append(f"{site} {_mm(a.bias_mm)} mm{limits}")
    if not parts:
        return "no camera-vs-tape pairs"
    return f"camera - tape over {figures.pairs} legs: " + "; ".join(parts)


def _duration(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:.0f} s"


def _store_lines(name: str, f: StoreFigures) -> list[str]:
    demo = f" (+{f.demo_sessions} demo)" if f.demo_sessions else ""
    mix = ", ".join(f"{o} {n}" for o, n in sorted(f.outcomes.items(), key=lambda kv: -kv[1]))
    lines = [f"{name}: {f.sessions} sessions{demo}",
             f"  outcomes: {mix or '-'}",
             f"  staff checks {_pct(f.staff_check_rate)}, refusals {_pct(f.refusal_rate)}; "
             f"time to a result: median {_duration(f.time_to_result_median_s)}, "
             f"90 % within {_duration(f.time_to_result_p90_s)}"]
    if f.refusal_reasons:
        top = sorted(f.refusal_reasons.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
        lines.append("  refused: " + "; ".join(f"{r} ({n})" for r, n in top))
    lines.append(f"  {agreement_text(f)}")
    return lines


def report_text(report: FleetReport) -> str:
    since = "" if report.since is None else f" since {_iso(report.since)}"
    lines = [f"LegFit fleet report{since} (generated {_iso(report.generated_at)})", ""]
    lines += _store_lines("all stores", report.overall)
    for name in report.store_names:
        lines.append("")
        lines += _store_lines(f"store {name}", report.stores[name])
    lines += ["", "kiosks:"]
    for k in report.kiosks:
        seen = _iso(k.last_seen) or "never"
        age = k.calibration_age_days(report.generated_at)
        cal = "-" if age is None else f"{age:.0f} days"
        cat = "-" if k.catalogue_version is None else str(k.catalogue_version)
        extra = f"; {k.problem}" if k.problem else ""
        lines.append(f"  {k.kiosk} ({k.store}): last seen {seen}, software "
                     f"{k.software_version or '-'}, catalogue {cat}, calibration {cal}, "
                     f"pending {k.pending_sessions if k.pending_sessions is not None else '-'}"
                     f"{extra}")
    return "\n".join(lines) + "\n"


def dumps(report: FleetReport) -> str:
    return json.dumps(report_json(report), indent=2, ensure_ascii=False)


def since_days(days: float | None, now: datetime | None = None) -> datetime | None:
    if days is None:
        return None
    return (now or datetime.now(UTC)) - timedelta(days=days)
