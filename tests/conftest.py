"""Test-wide set-up: offscreen Qt, the shared test material, no developer config."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kiosk.qt_refcount import guard_singletons

# Qt must never try to open a real display in tests (it aborts the run without one).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# PySide6 6.12.0 on Python 3.11 loses a reference to None/True/False on every Qt call
# returning nothing or a bool; a long test run would abort (see kiosk/qt_refcount.py).
guard_singletons()

REPO_ROOT = Path(__file__).resolve().parent.parent
TEST_DATA = REPO_ROOT / "tests" / "data"
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    """Keep every test away from the developer's own config and data directories."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The team's shared test material (synthetic scenes, real photos, demo recording)."""
    if not SHARED_DATA.is_dir():
        pytest.skip("the shared test material is not beside this checkout")
    return SHARED_DATA
