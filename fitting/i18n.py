"""Texts in the shopper's language: gettext catalogues, symbolic message ids, Babel.

One mechanism for the domain and the screens. Every text a person reads is a message in
a gettext catalogue (``<folder>/<lang>/LC_MESSAGES/<domain>.po``), looked up by a symbolic
id ("sizing.standard_size", "review.title") and filled with ``{name}`` placeholders. The
``.po`` files are the source and are read directly with Babel when first needed: nothing
is compiled, so a fresh checkout runs as it is. The domain's catalogue is
``fitting/locale`` (reasons, screener questions, donning steps, the names of legs,
figures and lengths); the screens' is ``ui/locale`` and ``ui.i18n`` reads both.

A text the domain produces is a ``Message``: its id and typed values, formatted only when
someone reads it (``Message.text(lang)``). Values are data (``str``, ``int``: a size, a
product line), or ``Cm``, ``Mmhg``, a nested ``Message`` or a ``Listing``, which are
formatted in the reader's language: Babel's decimal mark ("22,4 cm" in German, "22.4 cm"
in English), one decimal for a centimetre figure, a non-breaking space before every unit,
and a pressure range ("15–20 mmHg") that never breaks across lines.

``PSEUDO`` ("xx") is a pseudo-locale for tests: every message is the English one wrapped
in "⟦…⟧", so a text on a screen that is not wrapped did not come through a catalogue.
"""

from __future__ import annotations

import ast
import string
import threading
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal

from babel.lists import format_list
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

from fitting.errors import InputInvalid, LegFitError

LANGUAGES: tuple[str, ...] = ("en", "de")
"""The languages a shopper can choose; every catalogue holds every message in each."""
PSEUDO = "xx"
"""The pseudo-locale of the tests: English, every message wrapped in ``PSEUDO_MARKS``."""
PSEUDO_MARKS = ("⟦", "⟧")
SOURCE_LANGUAGE = "en"

NBSP = "\u00a0"
"""Between a number and its unit, and wherever two words must stay on one line."""
WORD_JOINER = "\u2060"
"""Either side of the dash of a range, so "15–20" is never broken after the dash."""
RANGE_DASH = "\u2013"

_BABEL_LOCALES = {"en": "en_GB", "de": "de_DE", PSEUDO: "en_GB"}

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "fitting"

# How the code names a message id, for Babel's extraction: ``msg("id", ...)`` in the
# domain, ``tr("id", lang)`` and ``self.t("id")`` on the screens.
EXTRACT_KEYWORDS: dict[str, None] = {"msg": None, "tr": None, "t": None}


class MissingMessage(KeyError):
    """A message id or a language the catalogues do not hold (a bug the tests catch)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "missing message"


class CatalogueMissing(LegFitError):
    """A catalogue's ``.po`` file is missing or unreadable: an installation without its
    texts (it is never silently shown blank)."""


def check_language(lang: str) -> str:
    """``lang`` if a catalogue speaks it (the pseudo-locale too); else ``InputInvalid``."""
    if lang not in LANGUAGES and lang != PSEUDO:
        raise InputInvalid(f"language must be one of {', '.join(LANGUAGES)}, not {lang!r}")
    return lang


def babel_locale(lang: str) -> str:
    """The Babel locale whose number and list formats ``lang`` uses."""
    return _BABEL_LOCALES[check_language(lang)]


def pseudo(text: str) -> str:
    """``text`` as the pseudo-locale shows it."""
    return f"{PSEUDO_MARKS[0]}{text}{PSEUDO_MARKS[1]}"


# --- catalogues ----------------------------------------------------------------------

def read_catalogue(path: Path) -> dict[str, str]:
    """The translated messages of one ``.po`` file: id -> text. Untranslated and fuzzy
    entries are left out, so they count as missing rather than showing a blank."""
    try:
        with path.open("rb") as handle:
            catalogue = read_po(handle)
    except (OSError, ValueError) as exc:
        raise CatalogueMissing(f"the texts {path.name} ({path.parent.parent.name}) cannot be "
                               f"read from {path.parent}: {exc.__class__.__name__}") from None
    out: dict[str, str] = {}
    for message in catalogue:
        if (message.id and isinstance(message.id, str) and isinstance(message.string, str)
                and message.string and not message.fuzzy):
            out[message.id] = message.string
    return out


class Catalogue:
    """One gettext domain in every language, read from its ``.po`` files on first use."""

    def __init__(self, directory: Path, domain: str) -> None:
        self.directory = directory
        self.domain = domain
        self._tables: dict[str, Mapping[str, str]] = {}
        self._lock = threading.Lock()

    def path(self, lang: str) -> Path:
        return self.directory / lang / "LC_MESSAGES" / f"{self.domain}.po"

    def table(self, lang: str) -> Mapping[str, str]:
        """Every message of ``lang`` (the pseudo-locale is made from English)."""
        check_language(lang)
        with self._lock:
            table = self._tables.get(lang)
        if table is None:
            if lang == PSEUDO:
                table = {k: pseudo(v) for k, v in self.table(SOURCE_LANGUAGE).items()}
            else:
                table = read_catalogue(self.path(lang))
            with self._lock:
                self._tables[lang] = table
        return table

    def text(self, msgid: str, lang: str) -> str:
        try:
            return self.table(lang)[msgid]
        except KeyError:
            raise MissingMessage(f"no {lang} text for {msgid!r} in {self.domain}") from None


FITTING = Catalogue(LOCALE_DIR, DOMAIN)
"""The domain's own messages."""


# --- values and messages -------------------------------------------------------------

def decimal(value: float, lang: str, decimals: int = 1) -> str:
    """``value`` with exactly ``decimals`` decimals and the language's decimal mark."""
    pattern = "0." + "0" * decimals if decimals > 0 else "0"
    return format_decimal(value, format=pattern, locale=babel_locale(lang))


def cm_number(mm: float, lang: str, decimals: int = 1) -> str:
    """Millimetres as a number of centimetres ("22,4"), without the unit."""
    return decimal(mm / 10.0, lang, decimals)


def cm(mm: float, lang: str, decimals: int = 1) -> str:
    """Millimetres in centimetres with the unit: "22,4 cm" (a non-breaking space)."""
    return f"{cm_number(mm, lang, decimals)}{NBSP}cm"


def mmhg(low: int, high: int | None, lang: str) -> str:
    """A compression class: "15–20 mmHg", never broken across lines; or "20 mmHg"."""
    first = decimal(low, lang, 0)
    if high is None:
        return f"{first}{NBSP}mmHg"
    joined = f"{WORD_JOINER}{RANGE_DASH}{WORD_JOINER}"
    return f"{first}{joined}{decimal(high, lang, 0)}{NBSP}mmHg"


@dataclass(frozen=True)
class Cm:
    """A length in millimetres, shown in centimetres: one decimal for a figure someone
    measured, ``decimals=0`` for a round threshold ("3 cm")."""

    mm: float
    decimals: int = 1


@dataclass(frozen=True)
class Number:
    """A measured number shown with the language's decimal mark ("0,31")."""

    value: float
    decimals: int = 0


@dataclass(frozen=True)
class Mmhg:
    """A compression class in mmHg (``high`` None for a single pressure)."""

    low: int
    high: int | None = None


@dataclass(frozen=True)
class Listing:
    """Several values as the language lists them: "M, L or XL" / "M, L oder XL"."""

    items: tuple[Value, ...]
    style: Literal["and", "or"] = "and"


@dataclass(frozen=True)
class Message:
    """A text to be read later in any language: a message id and its values."""

    msgid: str
    values: tuple[tuple[str, Value], ...] = ()

    def text(self, lang: str, catalogue: Catalogue | None = None) -> str:
        """The message in ``lang``, its values formatted in that language."""
        template = (catalogue or FITTING).text(self.msgid, lang)
        return fill(template, dict(self.values), lang, catalogue)


Value = str | int | Number | Cm | Mmhg | Listing | Message


def msg(msgid: str, **values: Value) -> Message:
    """A ``Message`` (the name Babel's extraction looks for in the domain's code)."""
    return Message(msgid, tuple(sorted(values.items())))


def format_value(value: object, lang: str, catalogue: Catalogue | None = None) -> object:
    """One placeholder's value in ``lang``; other objects are left to ``str.format``."""
    if isinstance(value, Cm):
        return cm(value.mm, lang, value.decimals)
    if isinstance(value, Number):
        return decimal(value.value, lang, value.decimals)
    if isinstance(value, Mmhg):
        return mmhg(value.low, value.high, lang)
    if isinstance(value, Message):
        return value.text(lang, catalogue)
    if isinstance(value, Listing):
        items = [str(format_value(item, lang, catalogue)) for item in value.items]
        if value.style == "or":
            return format_list(items, style="or", locale=babel_locale(lang))
        return format_list(items, style="standard", locale=babel_locale(lang))
    return value


def fill(template: str, values: Mapping[str, object], lang: str,
         catalogue: Catalogue | None = None) -> str:
    """``template`` with its ``{name}`` placeholders filled in ``lang``."""
    if not values:
        return template
    return template.format(**{k: format_value(v, lang, catalogue) for k, v in values.items()})


# --- extraction ----------------------------------------------------------------------

EXTRACTION_METHOD = "fitting.i18n:extract_python_ids"
"""Babel's extraction method for the code: ``extract_python_ids`` below."""


def _literal_ids(node: ast.expr) -> Iterator[str]:
    """The message ids an argument can be: a string, or either branch of a conditional."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.IfExp):
        yield from _literal_ids(node.body)
        yield from _literal_ids(node.orelse)


def extract_python_ids(fileobj: IO[bytes], keywords: Mapping[str, object],
                       comment_tags: Collection[str], options: Mapping[str, object]
                       ) -> Iterator[tuple[int, str, str, list[str]]]:
    """A Babel extraction method for symbolic ids: every literal id given to a keyword
    call (``msg("id")``, ``tr("id", lang)``, ``self.t("a" if x else "b")``), read from the
    syntax tree, so both branches of a conditional count and an f-string is skipped
    quietly (its family is enumerated by the tests)."""
    tree = ast.parse(fileobj.read())
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = (func.id if isinstance(func, ast.Name)
                else func.attr if isinstance(func, ast.Attribute) else None)
        if name is not None and name in keywords:
            for msgid in _literal_ids(node.args[0]):
                yield node.lineno, name, msgid, []


def extracted_ids(directory: Path,
                  keywords: Mapping[str, None] | None = None) -> Iterator[tuple[str, str]]:
    """Every literal message id the code under ``directory`` asks for, with where it asks
    (Babel's extraction with ``extract_python_ids``). Ids built at run time
    (``f"question.{id}"``) are not seen: the tests enumerate those families."""
    found = extract_from_dir(str(directory), method_map=[("**.py", EXTRACTION_METHOD)],
                             keywords=dict(keywords or EXTRACT_KEYWORDS))
    for filename, lineno, message, _comments, _context in found:
        if isinstance(message, str):
            yield message, f"{directory.name}/{filename}:{lineno}"


def placeholders(text: str) -> set[str]:
    """The ``{name}`` placeholders of a message."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}
