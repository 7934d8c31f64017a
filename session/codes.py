"""Session ids and the fitting code a shopper takes to the counter.

The code on the screen, the slip and in the QR code ("LF-7K3Q-M9TX") is the session id's
first eight characters: staff find the session by it, whether they type it (in any case,
with or without the dashes) or scan the QR code. Nothing in it identifies a person.
"""

from __future__ import annotations

import re
import secrets

CODE_PREFIX = "LF"
_CODE_CHARS = re.compile(r"[^0-9A-Z]")


def new_session_id() -> str:
    """An anonymous, unguessable session id."""
    return secrets.token_hex(8)


def fitting_code_for(session_id: str) -> str:
    """The short code on the slip and in the QR code."""
    raw = session_id.upper()[:8]
    return f"{CODE_PREFIX}-{raw[:4]}-{raw[4:8]}"


def code_key(typed: str) -> str | None:
    """What identifies a session in what staff typed or scanned: its eight characters
    ("lf-7k3q-m9tx", "LF 7K3Q M9TX", "7k3qm9tx" all give "7K3QM9TX"); None when the text
    holds no code."""
    chars = _CODE_CHARS.sub("", typed.upper())
    if chars.startswith(CODE_PREFIX) and len(chars) == len(CODE_PREFIX) + 8:
        chars = chars[len(CODE_PREFIX):]
    return chars if len(chars) == 8 else None
