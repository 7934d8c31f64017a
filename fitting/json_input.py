"""The one way LegFit reads JSON: bounded before it is trusted.

Every file and payload LegFit reads (a measurement, the screener's answers, a catalogue
file, a calibration, the kiosk's config, a scene's truth) goes through ``parse_json``
before its schema: a document too large, nested too deep, with an integer of absurd
length or a NaN/Infinity (also an overflowing float such as 1e400) is refused with one
``InputInvalid`` sentence, never a traceback and never a number nobody could mean. The
schema then checks physical ranges (``check_range``).
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

from fitting.errors import InputInvalid

MAX_BYTES = 2_000_000
MAX_DEPTH = 32
MAX_INTEGER_DIGITS = 18

# Physical ranges of what LegFit measures and sees (inclusive), in the units of the names.
GIRTH_RANGE_MM = (100.0, 900.0)
LENGTH_RANGE_MM = (200.0, 1200.0)
SD_RANGE_MM = (0.0, 200.0)
FOCAL_LENGTH_RANGE_PX = (100.0, 20_000.0)
IMAGE_SIDE_RANGE_PX = (160, 8192)

class JsonInvalid(InputInvalid):
    """A document that is not JSON at all: the parser's ``reason`` and the ``line``."""

    def __init__(self, message: str, reason: str, line: int) -> None:
        super().__init__(message)
        self.reason = reason
        self.line = line


_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")


def _depth(text: str) -> int:
    """The deepest nesting of arrays and objects (brackets inside strings not counted)."""
    depth = deepest = 0
    for match in _BRACKETS.finditer(_STRINGS.sub('""', text)):
        if match.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def parse_json(text: str, where: str, *, max_bytes: int = MAX_BYTES) -> object:
    """The JSON value of ``text``, or ``InputInvalid`` naming ``where`` and what is wrong."""
    if len(text) > max_bytes:
        raise InputInvalid(f"{where} is too large ({len(text)} characters, at most "
                           f"{max_bytes})")
    if _depth(text) > MAX_DEPTH:
        raise InputInvalid(f"{where} is nested more than {MAX_DEPTH} levels deep")

    def integer(literal: str) -> int:
        if len(literal.lstrip("-")) > MAX_INTEGER_DIGITS:
            raise InputInvalid(f"{where} holds an integer of {len(literal)} digits")
        return int(literal)

    def real(literal: str) -> float:
        value = float(literal)
        if not math.isfinite(value):
            raise InputInvalid(f"{where} holds a number too large to mean anything "
                               f"({literal[:20]})")
        return value

    def constant(name: str) -> float:
        raise InputInvalid(f"{where} holds {name}, which is not a number JSON allows")

    try:
        return json.loads(text, parse_int=integer, parse_float=real, parse_constant=constant)
    except json.JSONDecodeError as exc:
        raise JsonInvalid(f"{where} is not valid JSON (line {exc.lineno}: {exc.msg})",
                          exc.msg, exc.lineno) from None


def read_json_file(path: Path, what: str, *, max_bytes: int = MAX_BYTES) -> object:
    """A JSON file's value; every failure is one ``InputInvalid`` sentence."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputInvalid(f"{what} file {path} is too large ({size} bytes, at most "
                               f"{max_bytes})")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputInvalid(f"{what} file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputInvalid(f"{what} file {path} cannot be read ({exc.__class__.__name__})") \
            from None
    return parse_json(text, f"{what} file {path}", max_bytes=max_bytes)


def check_range(name: str, value: float, bounds: tuple[float, float]) -> None:
    """``value`` lies within ``bounds`` (inclusive), or ``InputInvalid`` naming it."""
    low, high = bounds
    if not low <= value <= high:
        raise InputInvalid(f"{name} must lie between {low:g} and {high:g}, not {value:g}")
