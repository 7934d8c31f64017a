"""`legfit screener`: scaffold, replaced by the real command."""

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("screener", help="(not built yet)")
    p.set_defaults(handler=lambda args: 1)
