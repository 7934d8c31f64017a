"""`legfit demo` and `legfit run` at the command line: display rules, PIN set-up, errors."""

from __future__ import annotations

import pytest

from kiosk.cli import main
from kiosk.config import load_config
from kiosk.displays import has_display
from kiosk.paths import KioskPaths


@pytest.mark.parametrize("env, expected", [
    ({}, False),                                                 # a server: no display
    ({"DISPLAY": ":0"}, True),                                   # X11
    ({"WAYLAND_DISPLAY": "wayland-0"}, True),                    # Wayland
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, False),  # tests and CI
    ({"DISPLAY": ""}, False),                                    # set but empty
])
def test_has_display(env, expected):
    assert has_display(env) is expected


def test_demo_without_a_display_says_so_and_runs_headless(monkeypatch, capsys):
    import kiosk.commands.demo as demo

    called = {}

    def fake_headless(args, options):
        called["options"] = options
        return 0

    monkeypatch.setattr(demo, "_headless", fake_headless)
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert main(["demo"]) == 0
    err = capsys.readouterr().err
    assert "no display found" in err and "headless demo instead" in err
    assert called["options"].lockstep and called["options"].demo


def test_run_without_a_display_is_one_line_and_exit_2(monkeypatch, capsys):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert main(["run"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "needs a display" in err[0]


def test_set_staff_pin_stores_only_a_hash(monkeypatch, capsys):
    answers = iter(["583920", "583920"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    monkeypatch.setattr("os.geteuid", lambda: 1000)  # the kiosk's own user, not root
    assert main(["run", "--set-staff-pin"]) == 0
    path = KioskPaths.from_environment().config_file
    assert "583920" not in path.read_text()
    assert load_config(path).staff_pin.matches("583920")


@pytest.mark.parametrize("first, second, message", [
    ("583920", "583921", "the two PINs differ"),   # a typo in the repeat
    ("12", "12", "6 to 12 digits"),                # too short
    ("123456", "123456", "run of consecutive digits"),  # guessed first
])
def test_set_staff_pin_refuses(monkeypatch, capsys, first, second, message):
    answers = iter([first, second])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    monkeypatch.setattr("os.geteuid", lambda: 1000)
    assert main(["run", "--set-staff-pin"]) == 2
    assert message in capsys.readouterr().err
    assert not KioskPaths.from_environment().config_file.exists()
