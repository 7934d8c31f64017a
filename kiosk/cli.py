"""The ``legfit`` command line.

Each sub-command lives in its own module under ``kiosk.commands`` and exposes
``register(subparsers)``, which adds its parser and sets ``handler(args) -> int``.
Every ``LegFitError`` ends as one line on stderr and exit status 2; anything else is a
bug and keeps its traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from fitting.errors import LegFitError

# Listed, not discovered, so a frozen bundle finds every command.
COMMAND_MODULES = (
    "kiosk.commands.recommend",
    "kiosk.commands.catalogue",
    "kiosk.commands.screener",
    "kiosk.commands.calibrate",
    "kiosk.commands.printables",
    "kiosk.commands.measure",
    "kiosk.commands.demo",
    "kiosk.commands.run",
)

EXIT_INPUT_ERROR = 2


class _Parser(argparse.ArgumentParser):
    """argparse that exits 2 with one line (its default prints the usage too)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"{self.prog}: {message}\n")
        raise SystemExit(EXIT_INPUT_ERROR)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="legfit", description="LegFit: camera-based compression fitting.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except LegFitError as exc:
        sys.stderr.write(f"legfit: {exc}\n")
        return EXIT_INPUT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `legfit ... | head`): not an error of ours. Point
        # stdout at /dev/null so the interpreter's final flush does not complain either.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
