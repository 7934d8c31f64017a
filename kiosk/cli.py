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
# The fleet's commands ('legfit fleet ...') live with the fleet package.
FLEET_COMMAND_MODULES = ("kiosk.fleet.commands",)

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
    for name in (*COMMAND_MODULES, *FLEET_COMMAND_MODULES):
        importlib.import_module(name).register(sub)
    return parser


def route_native_stderr_away() -> None:
    """Send file descriptor 2 to /dev/null while Python's ``sys.stderr`` keeps the real one.

    MediaPipe's C++ side (TFLite, glog) prints start-up chatter straight to fd 2, some of
    it from its own threads after a call has returned, so it cannot be fenced off around
    a call. A command's stderr must hold only LegFit's own clear lines (and a real Python
    traceback, should one ever happen). ``LEGFIT_NATIVE_LOGS=1`` keeps the chatter for
    debugging the model.
    """
    if os.environ.get("LEGFIT_NATIVE_LOGS") == "1":
        return
    try:
        sys.stderr.flush()
        real_fd = os.dup(2)
    except (OSError, ValueError, AttributeError):
        return  # no usable stderr (a frozen GUI app without a console): nothing to do
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    sys.stderr = os.fdopen(real_fd, "w", buffering=1, encoding="utf-8",
                           errors="backslashreplace")


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


def entry_point() -> int:
    """The installed ``legfit`` program: a process of its own, so fd 2 may be rerouted."""
    route_native_stderr_away()
    return main()


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(entry_point())
