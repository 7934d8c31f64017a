"""`legfit recommend`: scaffold, replaced by the real command."""

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("recommend", help="(not built yet)")
    p.set_defaults(handler=lambda args: 1)
