"""`legfit screener`: the safety questions with their ids, texts, actions and sources."""

from __future__ import annotations

import argparse
import json
import sys

from fitting.outcome import LANGUAGES, Outcome
from fitting.screener import QUESTIONS


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("screener", help="list the safety screener's questions",
                       description="List the screener's questions, what a yes leads to and "
                       "where each rule comes from.")
    p.add_argument("--json", action="store_true", help="print the questions as JSON")
    p.add_argument("--lang", choices=LANGUAGES, default="en", help="language of the text")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if args.json:
        body = {"outcomes": [o.value for o in Outcome],
                "questions": [q.to_dict(args.lang) for q in QUESTIONS]}
        sys.stdout.write(json.dumps(body, indent=2, ensure_ascii=False) + "\n")
        return 0
    for i, q in enumerate(QUESTIONS, 1):
        sys.stdout.write(f"{i:2}. [{q.id}] {q.text(args.lang)}\n"
                         f"    yes -> {q.action.value}: {q.why(args.lang)}\n"
                         f"    source: {q.source}\n")
    return 0
