"""Every string the kiosk's screens show, in English and German, keyed by a symbolic id.

The texts live in gettext catalogues, read with Babel (``fitting.i18n``, one mechanism for
the domain and the screens): the screens' own in ``ui/locale/<lang>/LC_MESSAGES/ui.po``,
the domain's (reasons, screener questions, donning steps, the names of legs and lengths)
in ``fitting/locale``. A screen asks ``tr(key, lang, **values)`` (or ``self.t(key)``) and
may ask for either domain's ids. Both languages must hold exactly the same ids (a test
checks it, and that every id the code asks for exists), so a shopper never meets a raw
id or a half-translated screen.

Numbers go through Babel too: ``format_cm`` gives one decimal with the language's
decimal mark and a non-breaking space before the unit ("22,4 cm", "22.4 cm").

Wording: short sentences, the shopper addressed directly, calm; German uses "Sie" and
"Ärztin oder Arzt". The tests' pseudo-locale ``PSEUDO`` ("xx") wraps every text in
"⟦…⟧" (``STRINGS[PSEUDO]``, ``tr(key, PSEUDO)``), so a screen test can find any text
that did not come from a catalogue.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from fitting import i18n
from fitting.i18n import FITTING, NBSP, PSEUDO, RANGE_DASH, WORD_JOINER, Catalogue

LANGUAGES: tuple[str, ...] = i18n.LANGUAGES
# Each language's name in that language: a shopper looks for their own.
LANGUAGE_NAMES = {"en": "English", "de": "Deutsch"}

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
UI = Catalogue(LOCALE_DIR, "ui")
"""The screens' own messages."""
CATALOGUES: tuple[Catalogue, ...] = (FITTING, UI)


class MissingString(KeyError):
    """A screen asked for a string that is not in the catalogues (a bug, caught by the
    tests), or for a language they do not speak."""


@functools.cache
def _table(lang: str) -> Mapping[str, str]:
    merged: dict[str, str] = {}
    for catalogue in CATALOGUES:
        merged.update(catalogue.table(lang))
    return merged


class _Strings(Mapping[str, Mapping[str, str]]):
    """``STRINGS[lang][key]``: every message of both catalogues in ``lang``. Iterating
    gives the shoppers' languages; the pseudo-locale can be looked up too."""

    def __getitem__(self, lang: str) -> Mapping[str, str]:
        if lang not in LANGUAGES and lang != PSEUDO:
            raise KeyError(lang)
        return _table(lang)

    def __iter__(self) -> Iterator[str]:
        return iter(LANGUAGES)

    def __len__(self) -> int:
        return len(LANGUAGES)


STRINGS: Mapping[str, Mapping[str, str]] = _Strings()


def tr(key: str, lang: str, **values: object) -> str:
    """The string ``key`` in ``lang``, with ``{placeholders}`` filled from ``values``
    (a ``fitting.i18n`` value, such as ``Cm`` or a ``Message``, is formatted in ``lang``)."""
    table = STRINGS.get(lang)
    if table is None:
        raise MissingString(f"no strings for language {lang!r}")
    try:
        text = table[key]
    except KeyError:
        raise MissingString(f"no {lang} string for {key!r}") from None
    return i18n.fill(text, values, lang) if values else text


def format_cm(value_mm: float | None, sd_mm: float | None, lang: str) -> str:
    """A girth or length in cm with one decimal and the language's decimal mark, with its
    ± when known: "22,4 cm", "22,4 ± 0,6 cm" (non-breaking spaces throughout)."""
    if value_mm is None:
        return ""
    if sd_mm is None:
        return tr("common.cm", lang, value=i18n.cm_number(value_mm, lang))
    return tr("common.cm_pm", lang, value=i18n.cm_number(value_mm, lang),
              sd=i18n.cm_number(sd_mm, lang))


_RANGE = re.compile(r"(\d)\s*[-\u2013]\s*(\d)")
_UNIT = re.compile(r"(\d)\s+(mmHg|mm|cm)\b")


def unbreakable_figures(text: str) -> str:
    """Catalogue data (a product's name) with its figures kept on one line: "15-20 mmHg"
    becomes "15–20 mmHg" that never breaks at the dash or before the unit."""
    text = _RANGE.sub(lambda m: f"{m[1]}{WORD_JOINER}{RANGE_DASH}{WORD_JOINER}{m[2]}", text)
    return _UNIT.sub(lambda m: f"{m[1]}{NBSP}{m[2]}", text)
