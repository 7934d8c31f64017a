"""Where in a JSON text each value sits, so a refused file can be fixed at the right line.

Python's json module forgets positions once it has parsed; a validator that says
"sizes[2].calf_mm is wrong" is far more useful with "line 31". This walks the text once
with the standard decoder for the scalars and records the line of every object key and
array element by its path, e.g. ``("sizes", 2, "calf_mm") -> 31``.
"""

from __future__ import annotations

import json

Path = tuple[str | int, ...]

_DECODER = json.JSONDecoder()
_WHITESPACE = " \t\r\n"


def value_lines(text: str) -> dict[Path, int]:
    """Map every path in the JSON ``text`` to its 1-based line; ``{}`` if it does not parse."""
    lines: dict[Path, int] = {}
    try:
        _walk(text, _skip(text, 0), (), lines)
    except (ValueError, IndexError):
        return {}
    return lines


def line_of(lines: dict[Path, int], path: Path) -> int | None:
    """The line of ``path``, or of its nearest ancestor that has one."""
    for end in range(len(path), 0, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None


def _line(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _skip(text: str, index: int) -> int:
    while index < len(text) and text[index] in _WHITESPACE:
        index += 1
    return index


def _walk(text: str, index: int, path: Path, lines: dict[Path, int]) -> int:
    """Parse the value at ``index``, record the lines below ``path``; return the end index."""
    char = text[index]
    if char == "{":
        index = _skip(text, index + 1)
        if text[index] == "}":
            return index + 1
        while True:
            key, end = _DECODER.raw_decode(text, index)
            lines[(*path, key)] = _line(text, index)
            index = _skip(text, end)
            if text[index] != ":":
                raise ValueError("expected ':'")
            index = _walk(text, _skip(text, index + 1), (*path, key), lines)
            index = _skip(text, index)
            if text[index] == "}":
                return index + 1
            if text[index] != ",":
                raise ValueError("expected ','")
            index = _skip(text, index + 1)
    if char == "[":
        index = _skip(text, index + 1)
        if text[index] == "]":
            return index + 1
        item = 0
        while True:
            lines[(*path, item)] = _line(text, index)
            index = _skip(text, _walk(text, index, (*path, item), lines))
            if text[index] == "]":
                return index + 1
            if text[index] != ",":
                raise ValueError("expected ','")
            index = _skip(text, index + 1)
            item += 1
    _, end = _DECODER.raw_decode(text, index)
    return end
