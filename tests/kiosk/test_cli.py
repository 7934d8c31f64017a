"""The command line's own contract: every sub-command is listed, bad usage exits 2."""

import pytest

from kiosk.cli import COMMAND_MODULES, build_parser, main


def test_every_command_module_registers_a_subcommand():
    parser = build_parser()
    names = set(parser._subparsers._group_actions[0].choices)
    assert {"recommend", "catalogue", "screener", "calibrate", "mat", "measure", "demo",
            "run"} <= names
    assert len(COMMAND_MODULES) == 8


def test_unknown_command_exits_2_with_one_line(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["no-such-command"])
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "invalid choice" in err[0]
