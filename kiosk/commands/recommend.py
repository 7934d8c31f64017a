"""`legfit recommend`: the fitting decision for a measurement and a set of answers.

The same ``fitting.decide`` the kiosk uses, fed from two JSON files, so a fitter, a test
or a black-box check can ask what the kiosk would say. Any decision (a referral is one)
exits 0; unreadable or invalid input exits 2 with one line on stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from fitting.catalogue import STYLES, load_catalogue
from fitting.json_input import read_json_file
from fitting.measurement import Measurement
from fitting.outcome import LANGUAGES, Outcome
from fitting.recommend import Decision, decide
from fitting.screener import Answers

_HEADLINES_EN = {
    Outcome.EMERGENCY: "EMERGENCY: call the emergency number now. No product.",
    Outcome.URGENT_DOCTOR: "See a doctor today. No compression stocking until assessed.",
    Outcome.SEE_DOCTOR: "See a doctor first. No product offered.",
    Outcome.PHARMACIST: "A pharmacist checks before you buy.",
    Outcome.MADE_TO_MEASURE: "No standard size fits: made-to-measure.",
    Outcome.STAFF_CHECK: "Staff check: a tape measurement settles the size.",
    Outcome.RECOMMEND: "Recommended.",
}
_HEADLINES_DE = {
    Outcome.EMERGENCY: "NOTFALL: Rufen Sie jetzt den Notruf 112. Kein Produkt.",
    Outcome.URGENT_DOCTOR: "Heute noch zur Ärztin oder zum Arzt. Kein Kompressionsstrumpf "
    "vor der Untersuchung.",
    Outcome.SEE_DOCTOR: "Zuerst zur Ärztin oder zum Arzt. Kein Produkt.",
    Outcome.PHARMACIST: "Die Apotheke prüft vor dem Kauf.",
    Outcome.MADE_TO_MEASURE: "Keine Standardgröße passt: Maßanfertigung.",
    Outcome.STAFF_CHECK: "Prüfung durch das Personal: Eine Messung mit dem Maßband klärt die "
    "Größe.",
    Outcome.RECOMMEND: "Empfehlung.",
}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "recommend", help="decide product, size and class for a measurement and answers",
        description="Screen the answers, size each leg and recommend a product (or refer).")
    p.add_argument("--measurement", required=True, type=Path, metavar="M.json",
                   help="leg girths: left/right ankle_mm, calf_mm (+ sd, length), source")
    p.add_argument("--answers", required=True, type=Path, metavar="A.json",
                   help="screener answers, purpose, prescription_mmhg, staff_confirmed")
    p.add_argument("--catalogue", type=Path, metavar="DIR",
                   help="catalogue folder (default: the bundled illustrative demo catalogue)")
    p.add_argument("--style", choices=STYLES, help="ask for one style (default: by purpose)")
    p.add_argument("--lang", choices=LANGUAGES, default="en", help="language of the texts")
    p.add_argument("--json", action="store_true", help="print the decision as JSON")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    measurement = Measurement.from_dict(read_json_file(args.measurement, "measurement"))
    answers = Answers.from_dict(read_json_file(args.answers, "answers"))
    catalogue = load_catalogue(args.catalogue)
    decision = decide(measurement, answers, catalogue, style=args.style)
    if args.json:
        sys.stdout.write(json.dumps(decision.to_dict(args.lang), indent=2, ensure_ascii=False)
                         + "\n")
    else:
        sys.stdout.write(render_text(decision, args.lang, catalogue.illustrative))
    return 0


def render_text(decision: Decision, lang: str, illustrative: bool) -> str:
    """The decision as a fitter reads it on a terminal."""
    de = lang == "de"
    headline = (_HEADLINES_DE if de else _HEADLINES_EN)[decision.outcome]
    lines = [f"{'Ergebnis' if de else 'Outcome'}: {decision.outcome.value} - {headline}", ""]
    if decision.reasons:
        lines.append("Warum:" if de else "Why:")
        lines += [f"  - {r.text(lang)}" for r in decision.reasons]
        lines.append("")
    if decision.recommendations:
        lines.append("Produkte:" if de else "Products:")
        for c in decision.recommendations:
            legs = " + ".join(leg.value for leg in c.legs)
            length = f", {c.length}" if c.length else ""
            lines.append(f"  - {c.brand} {c.product_name}: {'Größe' if de else 'size'} "
                         f"{c.size}{length}, {c.class_mmhg[0]}-{c.class_mmhg[1]} mmHg "
                         f"({legs})")
        lines.append("")
    if decision.donning:
        lines.append("Anziehen und Pflege:" if de else "Putting on and care:")
        lines += [f"  {i}. {s.text(lang)}" for i, s in enumerate(decision.donning, 1)]
        lines.append("")
    if illustrative:
        lines.append("Hinweis: Der Katalog ist ein Demo-Katalog mit Beispiel-Größentabellen."
                     if de else
                     "Note: the catalogue is an illustrative demo; its size charts are "
                     "examples.")
    return "\n".join(lines).rstrip("\n") + "\n"
