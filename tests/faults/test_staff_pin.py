"""`legfit run --set-staff-pin` and the PIN's lock on an installed kiosk: a PIN that breaks
the policy, a root shell, a missing kiosk user, a broken config, a restart while locked.

Root is simulated: ``os.geteuid``, ``pwd.getpwnam`` and ``os.chown`` are replaced, so the
tests run as any user and check whom each file was handed to, and when.
"""

from __future__ import annotations

import functools
import json
import os
import pwd
import stat
from pathlib import Path

import pytest

import kiosk.staff
from kiosk.config import load_config
from kiosk.paths import KioskPaths
from kiosk.staff import MAX_TRIES, PinHash, ScryptParams, StaffAuth, StaffLocked
from tests.faults.conftest import assert_one_clear_line, run_cli
from tests.kiosk.flow_helpers import FakeClock

FAST = ScryptParams(n=2**4, r=8, p=1)
HASH_PIN = kiosk.staff.hash_pin
KIOSK_UID, KIOSK_GID = 4242, 4343
GOOD_PIN = "583920"


@pytest.fixture
def paths(tmp_path, monkeypatch) -> KioskPaths:
    # Not root, whoever runs the tests (FakeRoot below plays root).
    monkeypatch.setattr(os, "geteuid", lambda: KIOSK_UID)
    monkeypatch.setenv("LEGFIT_CONFIG_DIR", str(tmp_path / "etc-legfit"))
    monkeypatch.setenv("LEGFIT_DATA_DIR", str(tmp_path / "var-lib-legfit"))
    return KioskPaths.from_environment()


@pytest.fixture(autouse=True)
def fast_hashes(monkeypatch):
    """The command hashes at a tiny cost here (one test below pays the real one)."""
    monkeypatch.setattr(kiosk.staff, "hash_pin", functools.partial(HASH_PIN, params=FAST))


class Terminal:
    def __init__(self, monkeypatch, *answers: str) -> None:
        self.answers = list(answers)
        self.prompts: list[str] = []
        monkeypatch.setattr("getpass.getpass", self)

    def __call__(self, prompt: str = "") -> str:
        self.prompts.append(prompt)
        return self.answers.pop(0)


class FakeRoot:
    """A root shell: euid 0, a kiosk user (or none) and a chown that records its calls."""

    def __init__(self, monkeypatch, paths: KioskPaths, user_exists: bool = True,
                 chown_error: OSError | None = None) -> None:
        self.paths = paths
        self.user_exists = user_exists
        self.chown_error = chown_error
        self.calls: list[tuple[Path, int, int, bool]] = []
        monkeypatch.setattr(os, "geteuid", lambda: 0)
        monkeypatch.setattr(pwd, "getpwnam", self.getpwnam)
        monkeypatch.setattr(os, "chown", self.chown)

    def getpwnam(self, name: str) -> pwd.struct_passwd:
        if not self.user_exists or name != "legfit":
            raise KeyError(f"getpwnam(): name not found: '{name}'")
        return pwd.struct_passwd((name, "x", KIOSK_UID, KIOSK_GID, "LegFit kiosk",
                                  "/var/lib/legfit", "/usr/sbin/nologin"))

    def chown(self, path, uid: int, gid: int) -> None:
        if self.chown_error is not None:
            raise self.chown_error
        # Does the config's own name already hold the new PIN while this file is handed
        # over? It must not: the name only ever gets a file that has its owner.
        config = self.paths.config_file
        has_new = config.exists() and "staff_pin" in config.read_text()
        self.calls.append((Path(path), uid, gid, has_new))

    def handed_over(self) -> dict[str, tuple[int, int]]:
        return {p.name: (uid, gid) for p, uid, gid, _ in self.calls}


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- as root -----------------------------------------------------------------------------


def test_as_root_the_config_and_state_go_to_the_kiosk_user_before_they_appear(
        monkeypatch, capsys, paths):
    root = FakeRoot(monkeypatch, paths)
    Terminal(monkeypatch, GOOD_PIN, GOOD_PIN)
    status, out, err = run_cli(["run", "--set-staff-pin"], capsys)
    assert status == 0, err
    assert "restart the kiosk" in out
    handed = root.handed_over()
    # The folders it had to create, then each file under a side name, then renamed.
    assert handed == {"etc-legfit": (KIOSK_UID, KIOSK_GID),
                      ".config.json.new": (KIOSK_UID, KIOSK_GID),
                      "var-lib-legfit": (KIOSK_UID, KIOSK_GID),
                      ".staff_pin_state.json.new": (KIOSK_UID, KIOSK_GID)}
    (config_handed_over,) = [has_new for p, *_, has_new in root.calls
                             if p.name == ".config.json.new"]
    assert not config_handed_over
    assert _mode(paths.config_file) == 0o640 and _mode(paths.staff_pin_state_file) == 0o640
    assert load_config(paths.config_file).staff_pin.matches(GOOD_PIN)
    leftovers = [p.name for d in (paths.config_dir, paths.data_dir) for p in d.iterdir()]
    assert sorted(leftovers) == ["config.json", "staff_pin_state.json"]


def test_as_root_an_existing_config_keeps_its_other_settings(monkeypatch, capsys, paths):
    paths.config_dir.mkdir()
    paths.config_file.write_text(json.dumps({"default_language": "de", "voice": False}))
    paths.config_file.chmod(0o600)
    root = FakeRoot(monkeypatch, paths)
    Terminal(monkeypatch, GOOD_PIN, GOOD_PIN)
    status, _, err = run_cli(["run", "--set-staff-pin"], capsys)
    assert status == 0, err
    assert set(root.handed_over()) == {".config.json.new", "var-lib-legfit",
                                       ".staff_pin_state.json.new"}
    config = load_config(paths.config_file)
    assert config.default_language == "de" and config.voice is False
    assert _mode(paths.config_file) == 0o640


def test_as_root_a_failed_hand_over_leaves_the_old_config_and_one_line(
        monkeypatch, capsys, paths):
    paths.config_dir.mkdir()
    paths.config_file.write_text('{"default_language": "de"}')
    FakeRoot(monkeypatch, paths, chown_error=PermissionError(1, "Operation not permitted"))
    Terminal(monkeypatch, GOOD_PIN, GOOD_PIN)
    status, _, err = run_cli(["run", "--set-staff-pin"], capsys)
    assert_one_clear_line(status, err, "cannot write config file", "not permitted")
    assert paths.config_file.read_text() == '{"default_language": "de"}'
    assert [p.name for p in paths.config_dir.iterdir()] == ["config.json"]


def test_as_root_without_a_kiosk_user_it_refuses_before_asking(monkeypatch, capsys, paths):
    FakeRoot(monkeypatch, paths, user_exists=False)
    terminal = Terminal(monkeypatch, GOOD_PIN, GOOD_PIN)
    status, _, err = run_cli(["run", "--set-staff-pin"], capsys)
    line = assert_one_clear_line(status, err, "no user 'legfit'")
    assert line.endswith("sudo -u legfit legfit run --set-staff-pin")
    assert terminal.prompts == []
    assert not paths.config_dir.exists() and not paths.data_dir.exists()


# --- as the kiosk user ---------------------------------------------------------------------


def test_as_the_kiosk_user_nothing_is_handed_over_and_the_lock_is_cleared(
        monkeypatch, capsys, paths):
    chowned: list[object] = []
    monkeypatch.setattr(os, "chown", lambda *a: chowned.append(a))
    Terminal(monkeypatch, GOOD_PIN, GOOD_PIN)
    assert run_cli(["run", "--set-staff-pin"], capsys)[0] == 0
    assert chowned == []
    pin_hash = load_config(paths.config_file).staff_pin
    assert isinstance(pin_hash, PinHash)

    # The kiosk: locked after five wrong tries; a restart keeps the lock.
    def start() -> StaffAuth:
        return StaffAuth(pin_hash, FakeClock(), state_file=paths.staff_pin_state_file,
                         params=FAST)

    auth = start()
    for _ in range(MAX_TRIES - 1):
        assert auth.verify("000123") is False
    with pytest.raises(StaffLocked):
        auth.verify("000123")
    with pytest.raises(StaffLocked, match="try again in 5 minutes"):
        start().verify(GOOD_PIN)
    # Someone at the console sets the PIN again: the lock is gone.
    Terminal(monkeypatch, GOOD_PIN, GOOD_PIN)
    assert run_cli(["run", "--set-staff-pin"], capsys)[0] == 0
    auth = start()
    assert auth.tries_left == MAX_TRIES and auth.locked_for_s() == 0


@pytest.mark.parametrize("pin, rule", [
    ("2468", "6 to 12 digits"),
    ("1234", "6 to 12 digits"),
    ("24 68 13", "digits only"),
    ("123456", "run of consecutive digits"),
    ("987654", "run of consecutive digits"),
    ("111111", "repeat one digit or one pair"),
    ("121212", "repeat one digit or one pair"),
    ("123123", "most common PINs"),
    ("112233", "most common PINs"),
])
def test_a_pin_against_the_policy_is_one_line_naming_the_rule(monkeypatch, capsys, paths,
                                                              pin, rule):
    terminal = Terminal(monkeypatch, pin, pin)
    status, _, err = run_cli(["run", "--set-staff-pin"], capsys)
    assert_one_clear_line(status, err, rule)
    assert len(terminal.prompts) == 1  # refused before the repeat is asked for
    assert not paths.config_file.exists() and not paths.staff_pin_state_file.exists()


def test_two_different_pins_change_nothing(monkeypatch, capsys, paths):
    Terminal(monkeypatch, GOOD_PIN, "583921")
    status, _, err = run_cli(["run", "--set-staff-pin"], capsys)
    assert_one_clear_line(status, err, "the two PINs differ")
    assert not paths.config_file.exists()


def test_a_broken_config_is_refused_before_any_question(monkeypatch, capsys, paths):
    paths.config_dir.mkdir()
    paths.config_file.write_text('{"staff_pin": ')
    terminal = Terminal(monkeypatch, GOOD_PIN, GOOD_PIN)
    status, _, err = run_cli(["run", "--set-staff-pin"], capsys)
    assert_one_clear_line(status, err, "config file")
    assert terminal.prompts == []
    assert paths.config_file.read_text() == '{"staff_pin": '


def test_a_state_that_cannot_be_cleared_is_one_line(monkeypatch, capsys, paths,
                                                      tmp_path):
    (tmp_path / "var-lib-legfit").write_text("a file where the data folder should be")
    Terminal(monkeypatch, GOOD_PIN, GOOD_PIN)
    status, _, err = run_cli(["run", "--set-staff-pin"], capsys)
    assert_one_clear_line(status, err, "PIN is saved", "wrong tries could not be cleared")


@pytest.mark.slow
def test_the_command_hashes_with_n_2_17(monkeypatch, capsys, paths):
    monkeypatch.setattr(kiosk.staff, "hash_pin", HASH_PIN)  # the real cost, once
    Terminal(monkeypatch, GOOD_PIN, GOOD_PIN)
    assert run_cli(["run", "--set-staff-pin"], capsys)[0] == 0
    stored = json.loads(paths.config_file.read_text())["staff_pin"]
    assert (stored["n"], stored["r"], stored["p"]) == (2**17, 8, 1)
