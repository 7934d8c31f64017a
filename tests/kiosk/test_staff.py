"""The staff PIN: scrypt-hashed with a salt, checked in constant time, locked after 5."""

from __future__ import annotations

import pytest

from fitting.errors import InputInvalid
from kiosk.staff import PinHash, StaffAuth, StaffLocked, hash_pin
from tests.kiosk.flow_helpers import STAFF_PIN, FakeClock, staff_pin_hash


def test_the_hash_holds_neither_the_pin_nor_repeats_across_salts():
    a = hash_pin(STAFF_PIN)
    b = hash_pin(STAFF_PIN)
    assert STAFF_PIN not in a.model_dump_json()
    assert a.salt_hex != b.salt_hex and a.hash_hex != b.hash_hex
    assert a.matches(STAFF_PIN) and b.matches(STAFF_PIN)
    assert not a.matches("2469")


def test_a_known_vector_so_stored_hashes_stay_valid_across_versions():
    # scrypt(N=2^14, r=8, p=1, dklen=32) of "2468" with this salt, computed once.
    h = hash_pin("2468", salt=bytes(16))
    assert h.hash_hex == "3d60e42f4e3d6bcf9a12a25ae7ea4648e2e913c7041a9bef24f4dd8b2bab7a87"
    again = PinHash.model_validate_json(h.model_dump_json())
    assert again.matches("2468") and again == h


@pytest.mark.parametrize("pin", [
    "123",             # too short
    "1234567890123",   # too long
    "12a4",            # not digits
    "１２３４",         # full-width digits are not ASCII digits
    "",                # empty
])
def test_bad_pins_are_refused(pin):
    with pytest.raises(InputInvalid, match="4 to 12 digits"):
        hash_pin(pin)


def test_no_pin_configured_means_no_way_in():
    auth = StaffAuth(None, FakeClock())
    assert not auth.configured
    with pytest.raises(StaffLocked, match="no staff PIN is set"):
        auth.verify("0000")


def test_lockout_counts_five_wrong_tries_then_lifts_after_five_minutes():
    clock = FakeClock()
    auth = StaffAuth(staff_pin_hash(), clock)
    for left in (4, 3, 2, 1):
        assert auth.verify("1111") is False
        assert auth.tries_left == left
    with pytest.raises(StaffLocked, match="try again in 5 minutes"):
        auth.verify("1111")
    clock.advance(60)
    with pytest.raises(StaffLocked, match="try again in 4 minutes"):
        auth.verify(STAFF_PIN)
    clock.advance(240)
    assert auth.verify(STAFF_PIN) is True
    assert auth.tries_left == 5


def test_a_right_pin_resets_the_count():
    auth = StaffAuth(staff_pin_hash(), FakeClock())
    auth.verify("1111")
    auth.verify("1111")
    assert auth.verify(STAFF_PIN)
    assert auth.tries_left == 5
