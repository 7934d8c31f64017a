"""Fixtures for the packaging tests: a fake bundle and a staged install."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
PACKAGING = REPO_ROOT / "packaging"
INSTALL_SH = PACKAGING / "install.sh"


def make_fake_bundle(directory: Path, marker: str = "1") -> Path:
    """A folder shaped like the PyInstaller output (an executable and _internal/)."""
    directory.mkdir(parents=True, exist_ok=True)
    exe = directory / "legfit"
    exe.write_text(f"#!/bin/sh\necho legfit {marker}\n")
    exe.chmod(0o755)
    (directory / "_internal").mkdir(exist_ok=True)
    (directory / "_internal" / "marker.txt").write_text(marker)
    return directory


def run_install(root: Path, bundle: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(INSTALL_SH), "--root", str(root), "--bundle", str(bundle), *extra],
        capture_output=True, text=True, timeout=120, env={**os.environ, "LC_ALL": "C"},
    )


@pytest.fixture
def fake_bundle(tmp_path) -> Path:
    return make_fake_bundle(tmp_path / "bundle")


@pytest.fixture
def staged_root(tmp_path, fake_bundle) -> Path:
    """A clean directory tree with LegFit installed into it."""
    root = tmp_path / "root"
    result = run_install(root, fake_bundle)
    assert result.returncode == 0, result.stderr
    return root
