"""The staff PIN: stored only as a salted scrypt hash; 5 wrong tries lock it for 5 minutes.

The lock protects a kiosk standing in a shop from someone trying PINs: with 4 digits
and 5 tries per 5 minutes, guessing takes weeks. Time is an injected monotonic clock.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from collections.abc import Callable

from pydantic import BaseModel, ConfigDict, Field

from fitting.errors import InputInvalid, LegFitError

MAX_TRIES = 5
LOCK_S = 300.0
MIN_PIN_DIGITS = 4
MAX_PIN_DIGITS = 12
# scrypt cost: ~16 MB and tens of milliseconds per check here; slow enough to make an
# offline attack on a stolen config costly, quick enough for a person at the screen.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1


class StaffLocked(LegFitError):
    """Too many wrong PINs: staff mode is locked for a while."""


class PinHash(BaseModel):
    """A salted scrypt hash of the staff PIN, as stored in the config file."""

    model_config = ConfigDict(frozen=True)

    algorithm: str = "scrypt"
    salt_hex: str
    hash_hex: str
    n: int = Field(default=SCRYPT_N, ge=2)
    r: int = Field(default=SCRYPT_R, ge=1)
    p: int = Field(default=SCRYPT_P, ge=1)

    def matches(self, pin: str) -> bool:
        candidate = _scrypt(pin, bytes.fromhex(self.salt_hex), self.n, self.r, self.p)
        return hmac.compare_digest(candidate.hex(), self.hash_hex)


def _scrypt(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=n, r=r, p=p,
                          maxmem=256 * 1024 * 1024, dklen=32)


def validate_pin(pin: str) -> str:
    """A PIN is 4 to 12 digits; anything else is refused with one sentence."""
    if not (pin.isdigit() and pin.isascii() and MIN_PIN_DIGITS <= len(pin) <= MAX_PIN_DIGITS):
        raise InputInvalid(
            f"a staff PIN must be {MIN_PIN_DIGITS} to {MAX_PIN_DIGITS} digits")
    return pin


def hash_pin(pin: str, salt: bytes | None = None) -> PinHash:
    validate_pin(pin)
    salt = salt if salt is not None else secrets.token_bytes(16)
    return PinHash(salt_hex=salt.hex(),
                   hash_hex=_scrypt(pin, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P).hex())


class StaffAuth:
    """Checks PINs against the stored hash, counting wrong tries and locking after 5.

    With no PIN configured, staff mode cannot be entered at all (there is no default PIN);
    ``legfit run --set-staff-pin`` sets one.
    """

    def __init__(self, pin_hash: PinHash | None, clock: Callable[[], float],
                 max_tries: int = MAX_TRIES, lock_s: float = LOCK_S) -> None:
        self._hash = pin_hash
        self._clock = clock
        self._max_tries = max_tries
        self._lock_s = lock_s
        self._wrong = 0
        self._locked_until: float | None = None

    @property
    def configured(self) -> bool:
        return self._hash is not None

    @property
    def tries_left(self) -> int:
        return max(0, self._max_tries - self._wrong)

    def locked_for_s(self) -> float:
        """Seconds until the lock lifts; 0 when not locked."""
        if self._locked_until is None:
            return 0.0
        left = self._locked_until - self._clock()
        if left <= 0:
            self._locked_until = None
            self._wrong = 0
            return 0.0
        return left

    def verify(self, pin: str) -> bool:
        """True for the right PIN. Raises ``StaffLocked`` while locked (the PIN is not
        even checked, so a lucky guess during the lock does not count)."""
        if self.locked_for_s() > 0:
            raise self._locked()
        if self._hash is None:
            raise StaffLocked("no staff PIN is set on this kiosk; set one with "
                              "'legfit run --set-staff-pin'")
        if isinstance(pin, str) and self._hash.matches(pin):
            self._wrong = 0
            return True
        self._wrong += 1
        if self._wrong >= self._max_tries:
            self._locked_until = self._clock() + self._lock_s
            raise self._locked()
        return False

    def _locked(self) -> StaffLocked:
        minutes = max(1, math.ceil(self.locked_for_s() / 60))
        return StaffLocked(f"staff mode is locked after {self._max_tries} wrong PINs; "
                           f"try again in {minutes} minute{'s' if minutes != 1 else ''}")
