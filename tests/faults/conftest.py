"""Shared helpers for the fault suite: every fault must end in one clear message.

"Clear" is checked the same way everywhere: the command exits with status 2, stderr holds
exactly one line, it starts with ``legfit:``, names the problem (a phrase the test gives)
and carries no traceback.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from kiosk.cli import main


def run_cli(argv: Sequence[str], capsys) -> tuple[int, str, str]:
    """Run ``legfit`` in this process; returns (exit status, stdout, stderr)."""
    capsys.readouterr()
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def assert_one_clear_line(status: int, err: str, *phrases: str) -> str:
    assert status == 2, f"exit status {status}, stderr: {err!r}"
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected one line, got: {err!r}"
    line = lines[0]
    assert line.startswith("legfit: "), line
    assert "Traceback" not in err
    for phrase in phrases:
        assert phrase.lower() in line.lower(), f"{phrase!r} not in {line!r}"
    return line


@pytest.fixture(scope="session")
def scene(shared_data) -> Path:
    """A synthetic scene with exact truth: front.png, side.png, calibration.json, masks."""
    return shared_data / "synthetic-dev" / "scene_1000"


@pytest.fixture(scope="session")
def scene_truth(scene) -> dict:
    return json.loads((scene / "truth.json").read_text())
