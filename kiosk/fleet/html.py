"""The fleet report as one self-contained HTML page: tables and inline SVG plots.

No script, no font, no file beside it: a regional manager opens it from an e-mail. The
plots are SVG written here (``svg_plots`` gives them on their own too, for a picture of
the page): the outcome mix week by week, and per store a Bland-Altman plot for the ankle
and the calf (camera minus tape against their mean, with the bias and the 95 % limits).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import UTC

from kiosk.fleet.report import (
    SITES,
    Agreement,
    FleetReport,
    KioskFigures,
    StoreFigures,
    agreement_text,
)

# Outcomes in their order of severity, each with a colour that prints apart.
OUTCOME_COLOURS = (
    ("recommend", "#2e7d32"), ("staff_check", "#f9a825"), ("made_to_measure", "#6a1b9a"),
    ("pharmacist", "#1565c0"), ("see_doctor", "#ef6c00"), ("urgent_doctor", "#c62828"),
    ("emergency", "#7f0000"), ("abandoned", "#9e9e9e"),
)
OTHER_COLOUR = "#455a64"
FONT = "font-family='DejaVu Sans, Arial, sans-serif'"


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _pct(rate: float | None) -> str:
    return "-" if rate is None else f"{100 * rate:.1f} %"


def _signed(mm: float) -> str:
    """A difference in mm with its sign, one decimal (never "-0.0")."""
    return "0.0" if abs(mm) < 0.05 else f"{mm:+.1f}"


def _nice_step(span: float, ticks: int = 5) -> float:
    raw = max(span, 1e-9) / ticks
    power = 10 ** len(str(int(raw))) / 10 if raw >= 1 else 0.1
    for mult in (1, 2, 5, 10):
        if raw <= power * mult:
            return power * mult
    return power * 10


def outcome_svg(weeks: Sequence[tuple[object, dict[str, int]]], *, width: int = 860,
                height: int = 260) -> str:
    """Stacked bars of the outcome mix (share of the week's sessions), week by week."""
    left, right, top, bottom = 48, 170, 16, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
             f"viewBox='0 0 {width} {height}' {FONT} font-size='11'>",
             f"<rect width='{width}' height='{height}' fill='white'/>"]
    for share in (0, 25, 50, 75, 100):
        y = top + plot_h * (1 - share / 100)
        parts.append(f"<line x1='{left}' y1='{y:.1f}' x2='{left + plot_w}' y2='{y:.1f}' "
                     "stroke='#ddd'/>")
        parts.append(f"<text x='{left - 6}' y='{y + 4:.1f}' text-anchor='end'>{share} %</text>")
    known = {name for name, _ in OUTCOME_COLOURS}
    n = len(weeks)
    if n == 0:
        parts.append(f"<text x='{left + 10}' y='{top + plot_h / 2}'>no sessions</text>")
    bar = plot_w / max(n, 1)
    label_every = max(1, n // 8)
    for i, (week, counts) in enumerate(weeks):
        total = sum(counts.values()) or 1
        x = left + i * bar
        y = top + plot_h
        ordered = [(name, counts.get(name, 0), colour) for name, colour in OUTCOME_COLOURS]
        ordered.append(("other", sum(v for k, v in counts.items() if k not in known),
                        OTHER_COLOUR))
        for name, count, colour in ordered:
            if not count:
                continue
            h = plot_h * count / total
            y -= h
            parts.append(f"<rect x='{x + 1:.1f}' y='{y:.1f}' width='{max(bar - 2, 1):.1f}' "
                         f"height='{h:.1f}' fill='{colour}'><title>{_e(week)}: {_e(name)} "
                         f"{count} of {total}</title></rect>")
        if i % label_every == 0:
            label = str(week)[:10]
            parts.append(f"<text x='{x + bar / 2:.1f}' y='{top + plot_h + 14}' "
                         f"text-anchor='middle' font-size='10'>{_e(label[5:])}</text>")
    parts.append(f"<text x='{left}' y='{height - 4}' font-size='10'>week starting "
                 "(month-day)</text>")
    for j, (name, colour) in enumerate([*OUTCOME_COLOURS, ("other", OTHER_COLOUR)]):
        y = top + 4 + j * 17
        parts.append(f"<rect x='{width - right + 14}' y='{y}' width='12' height='12' "
                     f"fill='{colour}'/><text x='{width - right + 32}' y='{y + 10}'>"
                     f"{_e(name.replace('_', ' '))}</text>")
    parts.append("</svg>")
    return "".join(parts)


def bland_altman_svg(title: str, points: Sequence[tuple[float, float]], a: Agreement, *,
                     width: int = 400, height: int = 260) -> str:
    """Camera minus tape (mm) against the mean of the two, with bias and 95 % limits."""
    left, right, top, bottom = 46, 14, 26, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    parts = [f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
             f"viewBox='0 0 {width} {height}' {FONT} font-size='11'>",
             f"<rect width='{width}' height='{height}' fill='white'/>",
             f"<text x='{left}' y='16' font-size='12' font-weight='bold'>{_e(title)}</text>"]
    loa = a.loa_mm
    if not points or a.bias_mm is None:
        parts.append(f"<text x='{left + 10}' y='{top + plot_h / 2}'>no camera-vs-tape "
                     "pairs yet</text></svg>")
        return "".join(parts)
    xs = [p[0] for p in points]
    ys = [p[1] for p in points] + [a.bias_mm] + (list(loa) if loa else [])
    x0, x1 = min(xs), max(xs)
    if x1 - x0 < 20:
        x0, x1 = (x0 + x1) / 2 - 10, (x0 + x1) / 2 + 10
    pad = (x1 - x0) * 0.05
    x0, x1 = x0 - pad, x1 + pad
    span = max(max(abs(y) for y in ys) * 1.15, 5.0)
    y0, y1 = -span, span

    def px(x: float) -> float:
        return left + (x - x0) / (x1 - x0) * plot_w

    def py(y: float) -> float:
        return top + (y1 - y) / (y1 - y0) * plot_h

    step = _nice_step(y1 - y0)
    tick = -step * int(span / step)
    while tick <= y1:
        parts.append(f"<line x1='{left}' y1='{py(tick):.1f}' x2='{left + plot_w}' "
                     f"y2='{py(tick):.1f}' stroke='#eee'/><text x='{left - 5}' "
                     f"y='{py(tick) + 4:.1f}' text-anchor='end'>{tick:g}</text>")
        tick += step
    xstep = _nice_step(x1 - x0)
    tick = xstep * int(x0 / xstep + 1)
    while tick <= x1:
        parts.append(f"<text x='{px(tick):.1f}' y='{top + plot_h + 14}' "
                     f"text-anchor='middle'>{tick:g}</text>")
        tick += xstep
    parts.append(f"<rect x='{left}' y='{top}' width='{plot_w}' height='{plot_h}' "
                 "fill='none' stroke='#999'/>")
    for x, y in points:
        parts.append(f"<circle cx='{px(x):.1f}' cy='{py(y):.1f}' r='2.6' fill='#1565c0' "
                     "fill-opacity='0.55'/>")
    lines = [(a.bias_mm, "#c62828", f"bias {_signed(a.bias_mm)}")]
    if loa is not None:
        lines += [(loa[0], "#ef6c00", _signed(loa[0])), (loa[1], "#ef6c00", _signed(loa[1]))]
    for y, colour, label in lines:
        parts.append(f"<line x1='{left}' y1='{py(y):.1f}' x2='{left + plot_w}' "
                     f"y2='{py(y):.1f}' stroke='{colour}' stroke-dasharray='5,3'/>"
                     f"<text x='{left + plot_w - 4}' y='{py(y) - 3:.1f}' text-anchor='end' "
                     f"fill='{colour}'>{_e(label)}</text>")
    parts.append(f"<text x='{left + plot_w / 2}' y='{height - 4}' text-anchor='middle' "
                 "font-size='10'>mean of camera and tape (mm)</text>")
    parts.append(f"<text x='12' y='{top + plot_h / 2}' font-size='10' text-anchor='middle' "
                 f"transform='rotate(-90 12 {top + plot_h / 2})'>camera - tape (mm)</text>")
    parts.append(f"<text x='{left + 6}' y='{top + 13}' font-size='10'>{a.pairs} legs</text>")
    parts.append("</svg>")
    return "".join(parts)


def svg_plots(report: FleetReport) -> list[tuple[str, str]]:
    """(caption, SVG) of every plot on the page, in its order."""
    plots = [("Outcome mix week by week (all stores, demo sessions left out)",
              outcome_svg(report.weeks))]
    for name in report.store_names:
        figures = report.stores[name]
        for site in SITES:
            a = figures.agreement.get(site, Agreement(0, None, None))
            plots.append((f"store {name}: {site}",
                          bland_altman_svg(f"Store {name}: {site} girth, camera vs tape",
                                           report.points.get((name, site), []), a)))
    return plots


CSS = """
body { font-family: 'DejaVu Sans', Arial, sans-serif; margin: 24px; color: #222;
       max-width: 1100px; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 17px; margin-top: 28px; }
p.note { color: #555; font-size: 13px; }
table { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: right; }
th { background: #f0f3f6; } td.l, th.l { text-align: left; }
table.plots, table.plots td { border: none; padding: 0 12px 12px 0; }
figure { margin: 0; } figcaption { font-size: 12px; color: #555; }
.warn { color: #b71c1c; }
"""


def _store_row(name: str, f: StoreFigures) -> str:
    top = sorted(f.refusal_reasons.items(), key=lambda kv: (-kv[1], kv[0]))[:2]
    reasons = "; ".join(f"{r} ({n})" for r, n in top) or "-"
    median = "-" if f.time_to_result_median_s is None else f"{f.time_to_result_median_s:.0f} s"
    cells = []
    for site in SITES:
        a = f.agreement.get(site)
        loa = None if a is None else a.loa_mm
        if a is None or a.bias_mm is None:
            cells.append("<td>-</td>")
        else:
            limits = "" if loa is None else f" [{_signed(loa[0])}, {_signed(loa[1])}]"
            cells.append(f"<td>{_signed(a.bias_mm)}{limits}</td>")
    return (f"<tr><td class='l'>{_e(name)}</td><td>{f.sessions}</td><td>{f.demo_sessions}"
            f"</td><td>{_pct(f.staff_check_rate)}</td><td>{_pct(f.refusal_rate)}</td>"
            f"<td class='l'>{_e(reasons)}</td><td>{median}</td><td>{f.pairs}</td>"
            + "".join(cells) + "</tr>")


def _outcome_table(report: FleetReport) -> str:
    names = [n for n, _ in OUTCOME_COLOURS]
    extra = sorted({o for f in report.stores.values() for o in f.outcomes} - set(names))
    columns = names + extra
    head = "".join(f"<th>{_e(c.replace('_', ' '))}</th>" for c in columns)
    rows = []
    for label, f in [("all stores", report.overall),
                     *((f"store {n}", report.stores[n]) for n in report.store_names)]:
        total = f.sessions or 1
        cells = "".join(f"<td>{f.outcomes.get(c, 0)} ({100 * f.outcomes.get(c, 0) / total:.0f} %)"
                        "</td>" for c in columns)
        rows.append(f"<tr><td class='l'>{_e(label)}</td>{cells}</tr>")
    return f"<table><tr><th class='l'></th>{head}</tr>{''.join(rows)}</table>"


def _kiosk_row(k: KioskFigures, report: FleetReport) -> str:
    age = k.calibration_age_days(report.generated_at)
    seen = "never" if k.last_seen is None else \
        k.last_seen.astimezone(UTC).strftime("%Y-%m-%d %H:%M")
    stale = k.last_seen is None or (report.generated_at - k.last_seen).total_seconds() > 86400
    behind = (k.latest_catalogue is not None and k.catalogue_version is not None
              and k.catalogue_version < k.latest_catalogue)
    cat = "-" if k.catalogue_version is None else str(k.catalogue_version)
    if k.catalogue_version is None and k.catalogue_source:
        cat = k.catalogue_source
    return (f"<tr><td class='l'>{_e(k.kiosk)}</td><td class='l'>{_e(k.store)}</td>"
            f"<td class='l{' warn' if stale else ''}'>{_e(seen)} UTC</td>"
            f"<td>{_e(k.software_version or '-')}</td>"
            f"<td class='{'warn' if behind else ''}'>{_e(cat)}</td>"
            f"<td>{'-' if age is None else f'{age:.0f} days'}</td>"
            f"<td>{'-' if k.pending_sessions is None else k.pending_sessions}</td>"
            f"<td class='l'>{_e(k.problem or '')}</td></tr>")


def _pairs(plots: Sequence[tuple[str, str]]) -> list[Sequence[tuple[str, str]]]:
    """The plots two to a row (a store's ankle beside its calf)."""
    return [plots[i:i + 2] for i in range(0, len(plots), 2)]


def report_html(report: FleetReport) -> str:
    when = report.generated_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    period = ("all sessions" if report.since is None
              else f"sessions since {report.since.astimezone(UTC):%Y-%m-%d}")
    overall = report.overall
    plots = svg_plots(report)
    body = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<title>LegFit fleet report</title>",
        f"<style>{CSS}</style></head><body>",
        "<h1>LegFit fleet report</h1>",
        f"<p class='note'>{_e(period)}, generated {when}. {overall.sessions} sessions "
        f"({overall.demo_sessions} demo sessions counted apart) in "
        f"{len(report.store_names)} stores from {len(report.kiosks)} kiosks.</p>",
        "<h2>Stores</h2><table><tr><th class='l'>store</th><th>sessions</th><th>demo</th>"
        "<th>staff checks</th><th>refusals</th><th class='l'>main refusal reasons</th>"
        "<th>time to a result (median)</th><th>taped legs</th>"
        "<th>ankle: camera - tape, mm [95 % limits]</th>"
        "<th>calf: camera - tape, mm [95 % limits]</th></tr>",
        _store_row("all stores", overall),
        *(_store_row(n, report.stores[n]) for n in report.store_names),
        "</table>",
        "<p class='note'>Camera - tape: the bias (mean difference) and the 95 % limits of "
        "agreement (bias +/- 1.96 sd) over the legs staff taped after the camera measured "
        f"them. All stores: {_e(agreement_text(overall))}.</p>",
        "<h2>Outcomes</h2>", _outcome_table(report),
        f"<figure>{plots[0][1]}</figure><p class='note'>{_e(plots[0][0])}.</p>",
        "<h2>Camera against tape, per store</h2><table class='plots'>",
        *(f"<tr>{''.join(f'<td><figure>{svg}</figure></td>' for _, svg in row)}</tr>"
          for row in _pairs(plots[1:])),
        "</table>",
        "<h2>Kiosks</h2><table><tr><th class='l'>kiosk</th><th class='l'>store</th>"
        "<th class='l'>last seen</th><th>software</th><th>catalogue</th>"
        "<th>calibration age</th><th>sessions waiting</th><th class='l'>problem</th></tr>",
        *(_kiosk_row(k, report) for k in report.kiosks),
        "</table></body></html>",
    ]
    return "\n".join(body) + "\n"
