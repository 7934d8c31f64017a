"""The staff PIN of a kiosk standing in a public place.

- The PIN is stored only as a salted scrypt hash with its parameters (N=2^17, r=8, p=1:
  128 MiB and most of a second per check on a 2-core PC). A hash made with weaker
  parameters (the first release's N=2^14) still verifies and is re-hashed and saved in
  the config file at the next good entry.
- Wrong tries and the lock live in a small JSON file in the kiosk's data folder, so a
  restart (a power cycle, a crash, the watchdog) gives a guesser no fresh tries. Each
  lockout doubles the next one (5 minutes, 10, 20, ... at most 24 hours); a good PIN
  resets the count and the doubling.
- A new PIN must pass ``validate_pin``: 6 to 12 digits, no run, no repeated digit or pair,
  not one of the most common PINs.

Time inside the process is the injected monotonic clock; the state file holds the lock's
end in wall-clock seconds (the monotonic clock starts again at every boot).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import itertools
import json
import logging
import math
import os
import secrets
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from fitting.atomic_file import write_text_atomic
from fitting.errors import InputInvalid, LegFitError
from kiosk.paths import KioskPaths

_log = logging.getLogger(__name__)

MAX_TRIES = 5
LOCK_S = 300.0             # the first lock; each further lockout doubles it ...
MAX_LOCK_S = 24 * 3600.0   # ... up to a day
MIN_PIN_DIGITS = 6
MAX_PIN_DIGITS = 12
# Any PIN an earlier release accepted (4 digits and up) still hashes and verifies.
MIN_STORED_PIN_DIGITS = 4

# The state file and the config file are readable by the kiosk's group, writable by it.
FILE_MODE = 0o640
DIR_MODE = 0o750

# (uid, gid) that files written by root are handed to.
Owner = tuple[int, int]
Chown = Callable[[Path, int, int], None]


class StaffLocked(LegFitError):
    """Too many wrong PINs: staff mode is locked for a while."""


class PinNotSaved(LegFitError):
    """A PIN hash or the PIN's state could not be written."""


@dataclass(frozen=True)
class ScryptParams:
    """scrypt's cost parameters. Memory is 128 * n * r bytes (128 MiB at N=2^17, r=8)."""

    n: int
    r: int
    p: int

    @property
    def maxmem(self) -> int:
        # What OpenSSL checks against: the V array, 128 * r * (n + 2) bytes, plus the B
        # array, 128 * r * p; exactly 128 MiB would be refused for N=2^17. A little over.
        return 128 * self.r * (self.n + self.p + 2) + 64 * 1024


# Hashes made now. Slow on purpose: a stolen config file costs an attacker most of a
# second and 128 MiB per guess on a PC like the kiosk's; a person at the screen waits once.
SCRYPT = ScryptParams(n=2**17, r=8, p=1)
# The first release's, which stored hashes may still carry.
LEGACY_SCRYPT = ScryptParams(n=2**14, r=8, p=1)
# Parameters read from a file are bounded, so a damaged or hostile value cannot ask for
# gigabytes of memory.
MAX_SCRYPT_MEMORY = 512 * 1024 * 1024


def _scrypt(pin: str, salt: bytes, params: ScryptParams) -> bytes:
    return hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=params.n, r=params.r,
                          p=params.p, maxmem=params.maxmem, dklen=32)


class PinHash(BaseModel):
    """A salted scrypt hash of the staff PIN, as stored in the config file.

    The defaults of ``n``, ``r`` and ``p`` are the first release's: a hash stored without
    its parameters was made with those.
    """

    model_config = ConfigDict(frozen=True)

    algorithm: Literal["scrypt"] = "scrypt"
    salt_hex: str
    hash_hex: str
    n: int = Field(default=LEGACY_SCRYPT.n, ge=2)
    r: int = Field(default=LEGACY_SCRYPT.r, ge=1, le=64)
    p: int = Field(default=LEGACY_SCRYPT.p, ge=1, le=16)

    @field_validator("salt_hex", "hash_hex")
    @classmethod
    def _hex(cls, value: str) -> str:
        try:
            raw = bytes.fromhex(value)
        except ValueError:
            raise ValueError("must be hexadecimal") from None
        if len(raw) < 8:
            raise ValueError("is too short")
        return value

    @model_validator(mode="after")
    def _bounded(self) -> PinHash:
        if self.n & (self.n - 1):
            raise ValueError("n must be a power of two")
        if 128 * self.n * self.r * self.p > MAX_SCRYPT_MEMORY:
            raise ValueError(f"scrypt parameters need more than "
                             f"{MAX_SCRYPT_MEMORY // 2**20} MiB")
        return self

    @property
    def params(self) -> ScryptParams:
        return ScryptParams(self.n, self.r, self.p)

    def matches(self, pin: str) -> bool:
        candidate = _scrypt(pin, bytes.fromhex(self.salt_hex), self.params)
        return hmac.compare_digest(candidate, bytes.fromhex(self.hash_hex))

    def weaker_than(self, params: ScryptParams) -> bool:
        """True when this hash was made with less work or memory than ``params`` ask."""
        return self.n < params.n or self.r < params.r or self.p < params.p


# --- the policy for a new PIN -----------------------------------------------------------

# The most common 6-digit PINs that the run and repeat rules below do not already catch:
# repeated triples, mirrored and doubled pairs, lines and diagonals of a keypad.
COMMON_PINS = frozenset({
    "123123", "321321", "456456", "654654", "789789", "987987", "147147", "159159",
    "112233", "332211", "445566", "665544", "778899", "998877", "001122", "221100",
    "123321", "321123", "112211", "221122", "100100", "200200", "102030", "010203",
    "147258", "258369", "369258", "258147", "147369", "369147", "741852", "852963",
    "963852", "852741", "159357", "357159", "159753", "753159", "357951", "951753",
    "753951", "951357", "789456", "456123", "321654", "654987", "147852",
    "258963", "124578", "235689", "142536", "520520", "520131", "131420", "007007",
})


def validate_pin(pin: str) -> str:
    """The rules for a new staff PIN; each refusal is one sentence naming its rule."""
    if not (pin.isascii() and pin.isdigit()):
        raise InputInvalid("a staff PIN is digits only (0-9)")
    if not MIN_PIN_DIGITS <= len(pin) <= MAX_PIN_DIGITS:
        raise InputInvalid(f"a staff PIN must be {MIN_PIN_DIGITS} to {MAX_PIN_DIGITS} digits")
    if _repeats(pin, period=1) or _repeats(pin, period=2):
        raise InputInvalid("a staff PIN must not repeat one digit or one pair of digits "
                           "(like 111111 or 121212)")
    if _is_run(pin):
        raise InputInvalid("a staff PIN must not be a run of consecutive digits "
                           "(like 123456 or 987654)")
    if pin in COMMON_PINS:
        raise InputInvalid("a staff PIN must not be one of the most common PINs "
                           "(like 123123 or 112233)")
    return pin


def _repeats(pin: str, period: int) -> bool:
    return all(pin[i] == pin[i % period] for i in range(len(pin)))


def _is_run(pin: str) -> bool:
    """Each digit one up from the one before (or each one down), 9 wrapping round to 0."""
    steps = {(int(b) - int(a)) % 10 for a, b in itertools.pairwise(pin)}
    return steps in ({1}, {9})


def _check_stored_format(pin: str) -> str:
    if not (pin.isascii() and pin.isdigit()
            and MIN_STORED_PIN_DIGITS <= len(pin) <= MAX_PIN_DIGITS):
        raise InputInvalid(
            f"a staff PIN must be {MIN_STORED_PIN_DIGITS} to {MAX_PIN_DIGITS} digits")
    return pin


def hash_pin(pin: str, salt: bytes | None = None, params: ScryptParams = SCRYPT) -> PinHash:
    """The salted hash of ``pin``. Only its form is checked (digits); the policy for a new
    PIN is ``validate_pin``'s, applied where one is set."""
    _check_stored_format(pin)
    salt = salt if salt is not None else secrets.token_bytes(16)
    return PinHash(salt_hex=salt.hex(), hash_hex=_scrypt(pin, salt, params).hex(),
                   n=params.n, r=params.r, p=params.p)


# --- files ------------------------------------------------------------------------------


def _sync_directory(directory: Path) -> None:
    """Make a rename in ``directory`` survive a power cut (else the old file can return:
    for the state file, one wrong try fewer)."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _ensure_directory(directory: Path, owner: Owner | None, chown: Chown) -> None:
    """Create ``directory`` and its missing parents; those created go to ``owner``."""
    missing: list[Path] = []
    d = directory
    while not d.exists() and d != d.parent:
        missing.append(d)
        d = d.parent
    for created in reversed(missing):
        created.mkdir(mode=DIR_MODE, exist_ok=True)
        if owner is not None:
            chown(created, *owner)


def write_owned_text(path: Path, text: str, mode: int, owner: Owner | None = None,
                     chown: Chown = os.chown) -> None:
    """Write ``text`` atomically. With ``owner`` (root writing for the kiosk's user) the
    file is written beside ``path``, handed to ``owner``, then renamed over ``path``: the
    name ``path`` never holds a file of the wrong owner, even if this process dies."""
    path = Path(path)
    _ensure_directory(path.parent, owner, chown)
    if owner is None:
        write_text_atomic(path, text, mode=mode)
    else:
        staged = path.with_name(f".{path.name}.new")
        try:
            write_text_atomic(staged, text, mode=mode)
            chown(staged, *owner)
            os.replace(staged, path)
        except BaseException:
            staged.unlink(missing_ok=True)
            raise
    _sync_directory(path.parent)


def write_pin_hash(config_file: Path, new: PinHash, *, replacing: PinHash | None = None,
                   mode: int | None = None, owner: Owner | None = None,
                   chown: Chown = os.chown) -> None:
    """Store ``new`` as the config file's staff PIN, atomically; nothing else in the file
    changes. ``replacing``: only if the file still holds that hash (an upgrade must never
    overwrite a PIN set since the kiosk started). ``mode``: default the file's own, or
    0640 for a new file. Raises ``PinNotSaved`` with one sentence."""
    config_file = Path(config_file)
    try:
        text = config_file.read_text("utf-8")
        existing_mode: int | None = stat.S_IMODE(config_file.stat().st_mode)
    except FileNotFoundError:
        text, existing_mode = "{}", None
    except (OSError, UnicodeDecodeError) as exc:
        raise PinNotSaved(f"cannot read config file {config_file}: {exc}") from None
    try:
        raw = json.loads(text)
    except ValueError:
        raw = None
    if not isinstance(raw, dict):
        raise PinNotSaved(f"config file {config_file} is not a JSON object; "
                          "the staff PIN was not saved")
    if replacing is not None:
        try:
            current = PinHash.model_validate(raw.get("staff_pin"))
        except ValidationError:
            current = None
        if current != replacing:
            raise PinNotSaved(f"the staff PIN in {config_file} changed since the kiosk "
                              "started; it was left as it is")
    raw["staff_pin"] = new.model_dump(mode="json")
    body = json.dumps(raw, indent=2, ensure_ascii=False)
    try:
        write_owned_text(config_file, body, mode if mode is not None
                         else existing_mode if existing_mode is not None else FILE_MODE,
                         owner, chown)
    except OSError as exc:
        raise PinNotSaved(f"cannot write config file {config_file}: "
                          f"{exc.strerror or exc}") from None


# --- the state of wrong tries -------------------------------------------------------------

STATE_VERSION: Literal[1] = 1


class PinState(BaseModel):
    """The state file: ``{"version": 1, "wrong_tries": 2, "lockouts": 1,
    "locked_until": 1718000000.0, "lock_s": 600.0}``.

    ``wrong_tries`` since the last good PIN or the last lock's end; ``lockouts`` since the
    last good PIN (the next lock lasts ``LOCK_S * 2**lockouts``, at most ``MAX_LOCK_S``);
    ``locked_until`` the lock's end in wall-clock seconds since 1970 (UTC) and ``lock_s``
    its length, both null when not locked.
    """

    model_config = ConfigDict(frozen=True, strict=True, extra="forbid")

    # Every field is required: an empty object is a damaged file, not a fresh one.
    version: Literal[1]
    wrong_tries: int = Field(ge=0, le=1000)
    lockouts: int = Field(ge=0, le=1000)
    locked_until: float | None
    lock_s: float | None = Field(gt=0, le=MAX_LOCK_S)

    @model_validator(mode="after")
    def _consistent(self) -> PinState:
        if (self.locked_until is None) != (self.lock_s is None):
            raise ValueError("locked_until and lock_s go together")
        if self.locked_until is not None and not math.isfinite(self.locked_until):
            raise ValueError("locked_until must be a time")
        return self


def write_pin_state(state_file: Path, state: PinState, owner: Owner | None = None,
                    chown: Chown = os.chown) -> None:
    write_owned_text(Path(state_file), state.model_dump_json(indent=2) + "\n", FILE_MODE,
                     owner, chown)


def reset_pin_state(state_file: Path, owner: Owner | None = None,
                    chown: Chown = os.chown) -> None:
    """No wrong tries, no lock: for a PIN just set by someone at the PC's console."""
    write_pin_state(state_file, PinState(version=STATE_VERSION, wrong_tries=0, lockouts=0,
                                         locked_until=None, lock_s=None), owner, chown)


class StaffAuth:
    """Checks PINs against the stored hash, counting wrong tries and locking after 5.

    With no PIN configured, staff mode cannot be entered at all (there is no default PIN);
    ``legfit run --set-staff-pin`` sets one. With ``state_file`` the count and the lock
    outlive the process; ``wall_clock`` dates the lock in that file. With ``save_hash``
    (old, new) a hash weaker than ``params`` is replaced at the next good entry. Problems
    writing either file are passed to ``report`` once each and never refuse a good PIN.
    """

    def __init__(self, pin_hash: PinHash | None, clock: Callable[[], float], *,
                 state_file: Path | None = None,
                 wall_clock: Callable[[], float] = time.time,
                 save_hash: Callable[[PinHash, PinHash], None] | None = None,
                 params: ScryptParams = SCRYPT,
                 report: Callable[[str], None] = _log.warning,
                 max_tries: int = MAX_TRIES, lock_s: float = LOCK_S,
                 max_lock_s: float = MAX_LOCK_S) -> None:
        self._hash = pin_hash
        self._clock = clock
        self._wall = wall_clock
        self._state_file = state_file
        self._save_hash = save_hash
        self._params = params
        self._report = report
        self._reported: set[str] = set()
        self._max_tries = max_tries
        self._base_lock_s = lock_s
        self._max_lock_s = max_lock_s
        self._wrong = 0
        self._lockouts = 0
        self._locked_until: float | None = None  # on the monotonic clock
        self._lock_s = lock_s
        self._lock_reason = f"after {max_tries} wrong PINs"
        self._upgrade_failed = False
        if state_file is not None and pin_hash is not None:
            self._load(state_file)

    @property
    def configured(self) -> bool:
        return self._hash is not None

    @property
    def pin_hash(self) -> PinHash | None:
        return self._hash

    @property
    def tries_left(self) -> int:
        return max(0, self._max_tries - self._wrong)

    def locked_for_s(self) -> float:
        """Seconds until the lock lifts; 0 when not locked."""
        if self._locked_until is None:
            return 0.0
        left = self._locked_until - self._clock()
        if left <= 0:
            # No write needed: the file's lock has ended by the wall clock too, and loading
            # an ended lock gives the same fresh tries (the doubling stays).
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
        # The try is counted and saved before the PIN is checked: cutting the power while
        # scrypt runs (before the answer shows) must not hand back the try.
        self._wrong += 1
        locking = self._wrong >= self._max_tries
        if locking:
            self._lock_s = min(self._max_lock_s,
                               self._base_lock_s * 2 ** min(self._lockouts, 32))
            self._lockouts += 1
            self._locked_until = self._clock() + self._lock_s
            self._lock_reason = f"after {self._max_tries} wrong PINs"
        self._save()
        if isinstance(pin, str) and _plausible(pin) and self._hash.matches(pin):
            self._wrong = 0
            self._lockouts = 0
            self._locked_until = None
            self._save()
            self._upgrade(pin)
            return True
        if locking:
            raise self._locked()
        return False

    def _locked(self) -> StaffLocked:
        return StaffLocked(f"staff mode is locked {self._lock_reason}; "
                           f"try again in {_duration(self.locked_for_s())}")

    # --- persistence ----------------------------------------------------------------

    def _load(self, state_file: Path) -> None:
        try:
            state = PinState.model_validate_json(state_file.read_bytes())
        except FileNotFoundError:
            problem = "is missing"
        except (OSError, ValueError) as exc:  # unreadable, not JSON, a bad field
            problem = f"is damaged ({_first_line(exc)})"
        else:
            problem = ""
            if state.wrong_tries > self._max_tries:
                problem = "is damaged (more wrong tries than allowed)"
            elif state.wrong_tries >= self._max_tries and state.locked_until is None:
                problem = "is damaged (the wrong tries used up without a lock)"
        if problem:
            # A missing or damaged file is a lock, never a fresh start: this file is all
            # that stops a restart from giving a guesser five more tries, so whatever can
            # make it unreadable (a file system hurt by a power cut, a full disk, someone
            # at the PC deleting it) must not work as a reset button. A kiosk's first
            # start has a file: 'legfit run --set-staff-pin' writes one with the PIN.
            self._wrong = self._max_tries
            self._lockouts = 1
            self._lock_s = self._base_lock_s
            self._locked_until = self._clock() + self._lock_s
            self._lock_reason = ("for safety (its record of wrong PINs was missing or "
                                 "damaged)")
            self._report_once("state", f"staff PIN state file {state_file} {problem}: "
                              f"staff mode is locked for {_duration(self._lock_s)}")
            self._save()
            return
        self._wrong = state.wrong_tries
        self._lockouts = state.lockouts
        if state.locked_until is not None and state.lock_s is not None:
            # Never longer than the lock itself: a clock set back (a flat CMOS battery)
            # at worst starts the lock again, it cannot stretch it.
            left = min(state.locked_until - self._wall(), state.lock_s)
            if left > 0:
                self._lock_s = state.lock_s
                self._locked_until = self._clock() + left
            else:
                self._wrong = 0

    def _save(self) -> None:
        if self._state_file is None:
            return
        locked_until = lock_s = None
        if self._locked_until is not None:
            locked_until = self._wall() + max(0.0, self._locked_until - self._clock())
            lock_s = self._lock_s
        state = PinState(version=STATE_VERSION, wrong_tries=self._wrong,
                         lockouts=self._lockouts, locked_until=locked_until, lock_s=lock_s)
        try:
            write_pin_state(self._state_file, state)
        except OSError as exc:
            self._report_once("save", f"cannot save the staff PIN state in "
                              f"{self._state_file} ({exc.strerror or exc}); wrong tries "
                              "are counted in memory only until it can")

    def _upgrade(self, pin: str) -> None:
        old = self._hash
        if (old is None or self._save_hash is None or self._upgrade_failed
                or not old.weaker_than(self._params)):
            return
        new = hash_pin(pin, params=self._params)
        try:
            self._save_hash(old, new)
        except (OSError, ValueError, LegFitError) as exc:
            self._upgrade_failed = True  # tried again at the next start, not every entry
            self._report_once("upgrade", f"the staff PIN's hash was not upgraded to "
                              f"scrypt N={self._params.n}: {_first_line(exc)}")
            return
        self._hash = new

    def _report_once(self, key: str, message: str) -> None:
        if key in self._reported:
            return
        self._reported.add(key)
        with contextlib.suppress(Exception):  # a report must never stop a PIN check
            self._report(message)


def _plausible(pin: str) -> bool:
    # No stored PIN is longer; a megabyte of digits is not worth 128 MiB of scrypt.
    return len(pin) <= 64


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _duration(seconds: float) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    if minutes <= 120:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours = math.ceil(minutes / 60)
    return f"{hours} hours"


def kiosk_staff_auth(pin_hash: PinHash | None, clock: Callable[[], float],
                     paths: KioskPaths) -> StaffAuth:
    """The installed kiosk's: its state file in the data folder, upgrades saved in its
    config file."""
    def save(old: PinHash, new: PinHash) -> None:
        write_pin_hash(paths.config_file, new, replacing=old)

    return StaffAuth(pin_hash, clock, state_file=paths.staff_pin_state_file, save_hash=save)
