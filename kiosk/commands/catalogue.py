"""`legfit catalogue`: show the normalised catalogue, or check a folder of product files.

``show`` prints what the kiosk would sell from (``--json`` for the machine form, with the
``catalogue_version`` of a fleet's catalogue, else null, and its ``catalogue_source``):
without DIR the catalogue this kiosk uses (a folder its config names, the fleet's
current version, the store's folder, or the bundled demo; see
``kiosk.fleet.catalogues.resolve_catalogue``);
``check`` validates every file and lists every problem with its file, line and field
(``--json``: a list of problems, empty when there are none); it exits 2 when any file
is refused.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from fitting.catalogue import CatalogueInvalid, check_catalogue, load_catalogue
from kiosk.config import load_config
from kiosk.fleet.catalogues import CatalogueChoice, resolve_catalogue
from kiosk.paths import KioskPaths


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("catalogue", help="show or check a product catalogue",
                       description="Show or validate a product catalogue folder.")
    actions = p.add_subparsers(dest="catalogue_action", metavar="ACTION",
                               parser_class=type(p))
    actions.required = True
    show = actions.add_parser("show", help="print the catalogue (default: this kiosk's)")
    show.add_argument("directory", nargs="?", type=Path, metavar="DIR")
    show.add_argument("--json", action="store_true", help="print the normalised JSON")
    show.set_defaults(handler=run_show)
    check = actions.add_parser("check", help="validate every product file in DIR")
    check.add_argument("directory", type=Path, metavar="DIR")
    check.add_argument("--json", action="store_true",
                       help="print the problems as JSON (an empty list when there are none)")
    check.set_defaults(handler=run_check)


def _choice(directory: Path | None) -> CatalogueChoice:
    if directory is not None:
        return CatalogueChoice(directory, None, "folder")
    paths = KioskPaths.from_environment()
    return resolve_catalogue(paths, load_config(paths.config_file))


def run_show(args: argparse.Namespace) -> int:
    choice = _choice(args.directory)
    catalogue = load_catalogue(choice.directory)
    if args.json:
        body = {"catalogue_version": choice.version, "catalogue_source": choice.source,
                "products": [p.to_summary() for p in catalogue.products]}
        sys.stdout.write(json.dumps(body, indent=2, ensure_ascii=False) + "\n")
        return 0
    out = [f"catalogue: {choice.describe()}"]
    for p in catalogue.products:
        rx = ", prescription only" if p.requires_prescription else ""
        demo = " [illustrative]" if p.illustrative else ""
        out.append(f"{p.id}: {p.brand} {p.name} ({p.style}, {p.class_mmhg[0]}-"
                   f"{p.class_mmhg[1]} mmHg{rx}){demo}")
        out.append(f"  chart: {p.chart.source} ({p.chart.date.isoformat()})")
        for s in p.sizes:
            lengths = ", ".join(
                f"{ln.name} {_rng(ln.knee_high_length_mm or ln.thigh_length_mm)}"
                for ln in s.lengths)
            out.append(f"  {s.size:>4}  ankle {_rng(s.ankle_mm)}  calf {_rng(s.calf_mm)}"
                       f"  lengths: {lengths}")
    sys.stdout.write("\n".join(out) + "\n")
    return 0


def _rng(mm_range: tuple[float, float] | None) -> str:
    if mm_range is None:
        return "-"
    return f"[{mm_range[0]:g}, {mm_range[1]:g}) mm"


def run_check(args: argparse.Namespace) -> int:
    # The same check as 'legfit fleet publish-catalogue' (kiosk.fleet.catalogues).
    products, statuses = check_catalogue(args.directory)
    bad = [s for s in statuses if not s.ok]
    if args.json:
        problems = [{"file": p.file, "line": p.line, "field": p.field, "message": p.message}
                    for s in statuses for p in s.problems]
        sys.stdout.write(json.dumps(problems, indent=2, ensure_ascii=False) + "\n")
        return 2 if bad else 0
    for status in statuses:
        if status.ok:
            demo = " (illustrative)" if status.illustrative else ""
            sys.stdout.write(f"ok       {status.file}: {status.product_id}{demo}\n")
        else:
            for error in status.errors:
                sys.stdout.write(f"INVALID  {error}\n")
    if bad:
        first = bad[0].problems[0]
        raise CatalogueInvalid(
            f"{len(bad)} of {len(statuses)} catalogue files refused; first: {first}",
            file=first.file, line=first.line, field=first.field)
    sys.stdout.write(f"{len(products)} product lines valid\n")
    return 0
