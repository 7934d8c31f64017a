"""The staff PIN: scrypt-hashed with its parameters, a policy for new PINs, wrong tries and
the lock kept in a state file across restarts, the lock doubling, old hashes upgraded.

Most hashes here use a tiny scrypt cost (``FAST``) so the tests stay quick; one test runs
the real N=2^17. Time is two fake clocks: the process's monotonic one and the wall clock
the state file is dated by.
"""

from __future__ import annotations

import json
import stat

import pytest

from fitting.errors import InputInvalid
from kiosk.paths import KioskPaths
from kiosk.staff import (
    COMMON_PINS,
    LEGACY_SCRYPT,
    LOCK_S,
    MAX_TRIES,
    SCRYPT,
    PinHash,
    PinNotSaved,
    ScryptParams,
    StaffAuth,
    StaffLocked,
    hash_pin,
    kiosk_staff_auth,
    reset_pin_state,
    validate_pin,
    write_pin_hash,
)
from tests.kiosk.flow_helpers import FakeClock

PIN = "246813"
FAST = ScryptParams(n=2**4, r=8, p=1)
FASTER_THAN_NOW = ScryptParams(n=2**5, r=8, p=1)  # "the current parameters" in upgrade tests


@pytest.fixture(scope="module")
def fast_hash() -> PinHash:
    return hash_pin(PIN, salt=b"0123456789abcdef", params=FAST)


class Kiosk:
    """One kiosk's clocks and state file; ``start`` is a (re)start of the kiosk."""

    def __init__(self, tmp_path, pin_hash: PinHash) -> None:
        self.clock = FakeClock(1000.0)
        self.wall = FakeClock(1_700_000_000.0)
        self.state_file = tmp_path / "data" / "staff_pin_state.json"
        self.pin_hash = pin_hash
        self.reports: list[str] = []

    def start(self, **kw) -> StaffAuth:
        self.clock = FakeClock(50.0)  # a new boot: the monotonic clock starts again
        return StaffAuth(self.pin_hash, self.clock, state_file=self.state_file,
                         wall_clock=self.wall, report=self.reports.append, **kw)

    def advance(self, seconds: float) -> None:
        self.clock.advance(seconds)
        self.wall.advance(seconds)

    def state(self) -> dict:
        return json.loads(self.state_file.read_text())


@pytest.fixture
def kiosk(tmp_path, fast_hash) -> Kiosk:
    k = Kiosk(tmp_path, fast_hash)
    reset_pin_state(k.state_file)  # as 'legfit run --set-staff-pin' leaves it
    return k


def _lock(auth: StaffAuth) -> StaffLocked:
    for _ in range(MAX_TRIES - 1):
        assert auth.verify("999999") is False
    with pytest.raises(StaffLocked) as exc:
        auth.verify("999999")
    return exc.value


# --- the hash ------------------------------------------------------------------------------


def test_the_hash_holds_neither_the_pin_nor_repeats_across_salts():
    a = hash_pin(PIN, params=FAST)
    b = hash_pin(PIN, params=FAST)
    assert PIN not in a.model_dump_json()
    assert a.salt_hex != b.salt_hex and a.hash_hex != b.hash_hex
    assert a.matches(PIN) and b.matches(PIN)
    assert not a.matches("246814")


def test_new_hashes_use_n_2_17_and_store_their_parameters():
    assert (SCRYPT.n, SCRYPT.r, SCRYPT.p) == (2**17, 8, 1)
    # 128 * N * r bytes of memory, and OpenSSL wants a little more than that as maxmem.
    assert 128 * SCRYPT.n * SCRYPT.r == 128 * 2**20 < SCRYPT.maxmem
    h = hash_pin(PIN, params=FAST)
    assert (h.n, h.r, h.p) == (FAST.n, FAST.r, FAST.p)
    assert json.loads(h.model_dump_json())["n"] == FAST.n


def test_a_known_vector_so_stored_first_release_hashes_stay_valid():
    # scrypt(N=2^14, r=8, p=1, dklen=32) of "2468" with this salt, computed once.
    h = hash_pin("2468", salt=bytes(16), params=LEGACY_SCRYPT)
    assert h.hash_hex == "3d60e42f4e3d6bcf9a12a25ae7ea4648e2e913c7041a9bef24f4dd8b2bab7a87"
    again = PinHash.model_validate_json(h.model_dump_json())
    assert again.matches("2468") and again == h
    # A hash stored without its parameters was made with the first release's.
    bare = PinHash.model_validate({"salt_hex": h.salt_hex, "hash_hex": h.hash_hex})
    assert bare.params == LEGACY_SCRYPT and bare.matches("2468")
    assert bare.weaker_than(SCRYPT)
    assert not hash_pin(PIN, params=FAST).weaker_than(FAST)


@pytest.mark.parametrize("fields", [
    {"n": 3},                       # not a power of two
    {"n": 2**22},                   # 4 GiB: a damaged or hostile value
    {"salt_hex": "zz"},             # not hex
    {"algorithm": "md5"},
])
def test_a_stored_hash_with_impossible_parameters_is_refused(fast_hash, fields):
    with pytest.raises(ValueError):
        PinHash.model_validate({**fast_hash.model_dump(), **fields})


def test_hash_pin_checks_only_the_form_so_older_pins_still_hash():
    assert hash_pin("2468", params=FAST).matches("2468")  # 4 digits: an earlier release's
    for bad in ("123", "12a4", "１２３４", ""):
        with pytest.raises(InputInvalid, match="4 to 12 digits"):
            hash_pin(bad, params=FAST)


# --- the policy for a new PIN --------------------------------------------------------------


@pytest.mark.parametrize("pin", ["246813", "80547291", "583920", "909182", "123455",
                                 "112234", "7314092658", "582046913725"])
def test_good_pins_pass_the_policy(pin):
    assert validate_pin(pin) == pin


@pytest.mark.parametrize("pin, rule", [
    ("12a456", "digits only"),
    ("１２３４５６", "digits only"),        # full-width digits are not 0-9
    ("", "digits only"),
    ("24681", "6 to 12 digits"),
    ("2468", "6 to 12 digits"),
    ("1357913579135", "6 to 12 digits"),
    ("111111", "repeat one digit or one pair"),
    ("000000", "repeat one digit or one pair"),
    ("121212", "repeat one digit or one pair"),
    ("9090909", "repeat one digit or one pair"),
    ("123456", "run of consecutive digits"),
    ("987654", "run of consecutive digits"),
    ("3456789", "run of consecutive digits"),
    ("890123", "run of consecutive digits"),  # 9 wraps round to 0
    ("210987", "run of consecutive digits"),
    ("123123", "most common PINs"),
    ("112233", "most common PINs"),
    ("147258", "most common PINs"),
    ("159753", "most common PINs"),
])
def test_each_policy_rule_refuses_with_one_sentence_naming_it(pin, rule):
    with pytest.raises(InputInvalid, match=rule) as exc:
        validate_pin(pin)
    assert "\n" not in str(exc.value)


def test_the_deny_list_holds_only_pins_the_other_rules_let_through():
    for pin in COMMON_PINS:
        assert len(pin) == 6 and pin.isdigit()
        with pytest.raises(InputInvalid, match="most common PINs"):
            validate_pin(pin)


# --- wrong tries, the lock and its doubling ----------------------------------------------


def test_no_pin_configured_means_no_way_in():
    auth = StaffAuth(None, FakeClock())
    assert not auth.configured
    with pytest.raises(StaffLocked, match="no staff PIN is set"):
        auth.verify("246813")


def test_lockout_counts_five_wrong_tries_then_lifts_after_five_minutes(fast_hash):
    clock = FakeClock()
    auth = StaffAuth(fast_hash, clock)
    for left in (4, 3, 2, 1):
        assert auth.verify("999999") is False
        assert auth.tries_left == left
    with pytest.raises(StaffLocked, match="try again in 5 minutes"):
        auth.verify("999999")
    clock.advance(60)
    with pytest.raises(StaffLocked, match="try again in 4 minutes"):
        auth.verify(PIN)  # even the right PIN, during the lock
    clock.advance(240)
    assert auth.verify(PIN) is True
    assert auth.tries_left == MAX_TRIES


def test_each_lockout_doubles_the_next_up_to_the_cap(fast_hash):
    clock = FakeClock()
    auth = StaffAuth(fast_hash, clock, max_lock_s=1000.0)
    for expected in (LOCK_S, 2 * LOCK_S, 1000.0, 1000.0):
        _lock(auth)
        assert auth.locked_for_s() == pytest.approx(expected)
        clock.advance(expected)
        assert auth.locked_for_s() == 0 and auth.tries_left == MAX_TRIES


def test_the_default_cap_is_a_day_and_the_message_says_hours(fast_hash):
    clock = FakeClock()
    auth = StaffAuth(fast_hash, clock)
    waits = []
    for _ in range(12):
        _lock(auth)
        waits.append(auth.locked_for_s())
        clock.advance(waits[-1])
    assert waits[:4] == [300, 600, 1200, 2400]
    assert max(waits) == waits[-1] == 24 * 3600
    _lock(auth)
    with pytest.raises(StaffLocked, match="try again in 24 hours"):
        auth.verify(PIN)


def test_a_right_pin_resets_the_count_and_the_doubling(fast_hash):
    clock = FakeClock()
    auth = StaffAuth(fast_hash, clock)
    _lock(auth)
    clock.advance(LOCK_S)
    auth.verify("999999")
    assert auth.verify(PIN) and auth.tries_left == MAX_TRIES
    _lock(auth)
    assert auth.locked_for_s() == pytest.approx(LOCK_S)  # not 10 minutes


# --- the state file across restarts -------------------------------------------------------


def test_wrong_tries_survive_a_restart(kiosk):
    auth = kiosk.start()
    for _ in range(3):
        auth.verify("999999")
    after_restart = kiosk.start()
    assert after_restart.tries_left == 2
    assert after_restart.verify("999999") is False
    with pytest.raises(StaffLocked, match="try again in 5 minutes"):
        after_restart.verify("999999")


def test_a_lock_survives_restarts_and_ends_by_the_wall_clock(kiosk):
    _lock(kiosk.start())
    kiosk.wall.advance(60)  # the power is cut, a minute passes, the kiosk boots
    auth = kiosk.start()
    assert auth.tries_left == 0
    with pytest.raises(StaffLocked, match="try again in 4 minutes"):
        auth.verify(PIN)
    kiosk.advance(239)
    assert kiosk.start().locked_for_s() == pytest.approx(1)
    kiosk.wall.advance(1)
    auth = kiosk.start()
    assert auth.locked_for_s() == 0 and auth.tries_left == MAX_TRIES
    _lock(auth)  # the doubling outlived the restarts too
    assert auth.locked_for_s() == pytest.approx(2 * LOCK_S)


def test_a_good_pin_after_a_restart_resets_the_file(kiosk):
    auth = kiosk.start()
    _lock(auth)
    kiosk.advance(LOCK_S)
    auth = kiosk.start()
    assert auth.verify(PIN)
    assert kiosk.state() == {"version": 1, "wrong_tries": 0, "lockouts": 0,
                             "locked_until": None, "lock_s": None}


def test_the_state_file_format(kiosk):
    auth = kiosk.start()
    auth.verify("999999")
    assert kiosk.state() == {"version": 1, "wrong_tries": 1, "lockouts": 0,
                             "locked_until": None, "lock_s": None}
    reset_pin_state(kiosk.state_file)
    _lock(kiosk.start())
    assert kiosk.state() == {"version": 1, "wrong_tries": MAX_TRIES, "lockouts": 1,
                             "locked_until": kiosk.wall() + LOCK_S, "lock_s": LOCK_S}
    assert stat.S_IMODE(kiosk.state_file.stat().st_mode) == 0o640
    assert not [p for p in kiosk.state_file.parent.iterdir() if p != kiosk.state_file]


def test_a_try_is_counted_before_the_pin_is_checked(kiosk, monkeypatch):
    """Cutting the power while scrypt runs (before the answer shows) keeps the try."""
    auth = kiosk.start()

    def power_cut(self, pin):
        raise SystemExit("power cut")

    monkeypatch.setattr(PinHash, "matches", power_cut)
    with pytest.raises(SystemExit):
        auth.verify("999999")
    monkeypatch.undo()
    assert kiosk.start().tries_left == MAX_TRIES - 1


def test_a_clock_set_back_cannot_stretch_a_lock(kiosk):
    _lock(kiosk.start())
    kiosk.wall.advance(-10 * 24 * 3600)  # a flat CMOS battery: the date went back
    auth = kiosk.start()
    assert auth.locked_for_s() == pytest.approx(LOCK_S)


@pytest.mark.parametrize("content", [
    None,                                        # missing
    b"",                                         # empty (a write the disk lost)
    b"\x00\x00\x00\x00",                         # zeros after a file-system repair
    b'{"version": 1, "wrong_tries": 0',          # cut short
    b"{}",                                       # no fields at all
    b"[]",
    b'{"version": 2, "wrong_tries": 0, "lockouts": 0, "locked_until": null, "lock_s": null}',
    b'{"version": 1, "wrong_tries": -1, "lockouts": 0, "locked_until": null, "lock_s": null}',
    b'{"version": 1, "wrong_tries": "0", "lockouts": 0, "locked_until": null, "lock_s": null}',
    b'{"version": 1, "wrong_tries": 99, "lockouts": 0, "locked_until": null, "lock_s": null}',
    b'{"version": 1, "wrong_tries": 5, "lockouts": 0, "locked_until": null, "lock_s": null}',
    b'{"version": 1, "wrong_tries": 0, "lockouts": 0, "locked_until": 5.0, "lock_s": null}',
    b'{"version": 1, "wrong_tries": 0, "lockouts": 0, "locked_until": null, "lock_s": null,'
    b' "extra": 1}',
])
def test_a_damaged_or_missing_state_file_means_locked_never_fresh(kiosk, content):
    if content is None:
        kiosk.state_file.unlink()
    else:
        kiosk.state_file.write_bytes(content)
    auth = kiosk.start()
    with pytest.raises(StaffLocked, match=r"missing or damaged.*try again in 5 minutes"):
        auth.verify(PIN)
    assert auth.tries_left == 0
    assert len(kiosk.reports) == 1 and str(kiosk.state_file) in kiosk.reports[0]
    # The lock is written down: restarting again does not restart it, nor lift it.
    kiosk.wall.advance(120)
    assert kiosk.start().locked_for_s() == pytest.approx(LOCK_S - 120)
    kiosk.advance(LOCK_S)
    auth = kiosk.start()
    assert auth.verify(PIN)


def test_a_state_file_that_cannot_be_written_is_reported_once_and_pins_still_work(kiosk):
    auth = kiosk.start()
    folder = kiosk.state_file.parent
    folder.rename(folder.with_name("moved"))
    folder.write_text("a file where the data folder was: nothing can be written in it")
    assert auth.verify("999999") is False and auth.tries_left == MAX_TRIES - 1
    assert auth.verify("999999") is False
    assert auth.verify(PIN)  # counted in memory, and a good PIN still lets staff in
    assert len(kiosk.reports) == 1 and "cannot save" in kiosk.reports[0]


# --- upgrading an old hash ----------------------------------------------------------------


def _config_with(tmp_path, pin_hash: PinHash):
    config_file = tmp_path / "etc" / "config.json"
    config_file.parent.mkdir(parents=True, exist_ok=True)
    config_file.write_text(json.dumps({
        "schema_version": 1, "default_language": "de", "idle_timeout_s": 90.0,
        "camera": {"device": "/dev/v4l/by-id/usb-cam", "size_wh": [1080, 1920]},
        "staff_pin": pin_hash.model_dump(mode="json"), "voice": False,
    }, indent=2))
    config_file.chmod(0o600)
    return config_file


def test_an_old_hash_is_upgraded_and_saved_at_the_next_good_entry(tmp_path, fast_hash):
    config_file = _config_with(tmp_path, fast_hash)
    before = json.loads(config_file.read_text())
    saved: list[PinHash] = []

    def save(old, new):
        saved.append(new)
        write_pin_hash(config_file, new, replacing=old)

    auth = StaffAuth(fast_hash, FakeClock(), save_hash=save, params=FASTER_THAN_NOW)
    assert auth.verify("999999") is False and not saved  # a wrong PIN upgrades nothing
    assert auth.verify(PIN)
    (new,) = saved
    assert (new.n, new.r, new.p) == (FASTER_THAN_NOW.n, 8, 1) and new.matches(PIN)
    assert new.salt_hex != fast_hash.salt_hex
    after = json.loads(config_file.read_text())
    assert after.pop("staff_pin") == new.model_dump(mode="json")
    before.pop("staff_pin")
    assert after == before                                   # only the PIN field changed
    assert stat.S_IMODE(config_file.stat().st_mode) == 0o600  # and the file kept its mode
    assert auth.pin_hash == new
    assert auth.verify(PIN) and len(saved) == 1               # upgraded once


def test_a_hash_as_strong_as_asked_is_not_rewritten(fast_hash):
    calls = []
    auth = StaffAuth(fast_hash, FakeClock(), save_hash=lambda o, n: calls.append(n),
                     params=FAST)
    assert auth.verify(PIN) and not calls


def test_a_failed_upgrade_still_lets_staff_in_and_is_reported_once(fast_hash):
    reports: list[str] = []

    def save(old, new):
        raise OSError(30, "Read-only file system")

    auth = StaffAuth(fast_hash, FakeClock(), save_hash=save, params=FASTER_THAN_NOW,
                     report=reports.append)
    assert auth.verify(PIN) and auth.verify(PIN)
    assert len(reports) == 1 and "not upgraded" in reports[0]
    assert auth.pin_hash == fast_hash  # the stored one still verifies


def test_an_upgrade_never_overwrites_a_pin_set_since_the_kiosk_started(tmp_path, fast_hash):
    config_file = _config_with(tmp_path, hash_pin("975319", params=FAST))
    text = config_file.read_text()
    reports: list[str] = []
    auth = StaffAuth(fast_hash, FakeClock(), params=FASTER_THAN_NOW, report=reports.append,
                     save_hash=lambda o, n: write_pin_hash(config_file, n, replacing=o))
    assert auth.verify(PIN)
    assert config_file.read_text() == text
    assert len(reports) == 1 and "changed since the kiosk started" in reports[0]


def test_write_pin_hash_refuses_a_file_that_is_not_an_object(tmp_path, fast_hash):
    config_file = tmp_path / "config.json"
    config_file.write_text("[1, 2]")
    with pytest.raises(PinNotSaved, match="not a JSON object"):
        write_pin_hash(config_file, fast_hash)
    assert config_file.read_text() == "[1, 2]"


@pytest.mark.slow
def test_the_real_upgrade_from_n_2_14_to_n_2_17(tmp_path):
    """The installed kiosk's wiring at the real cost (one scrypt hash at N=2^17); that the
    new hash verifies is checked above with a smaller N."""
    paths = KioskPaths(config_dir=tmp_path / "etc", data_dir=tmp_path / "var")
    old = hash_pin("2468", salt=bytes(16), params=LEGACY_SCRYPT)
    paths.config_dir.mkdir()
    paths.config_file.write_text(json.dumps({"staff_pin": old.model_dump(mode="json"),
                                             "voice": False}))
    reset_pin_state(paths.staff_pin_state_file)
    auth = kiosk_staff_auth(old, FakeClock(), paths)
    assert auth.verify("2468")
    stored = PinHash.model_validate(json.loads(paths.config_file.read_text())["staff_pin"])
    assert (stored.n, stored.r, stored.p) == (2**17, 8, 1)
    assert not stored.weaker_than(SCRYPT) and stored.salt_hex != old.salt_hex
    assert auth.pin_hash == stored
    assert json.loads(paths.config_file.read_text())["voice"] is False
