"""Where the kiosk keeps its files: XDG-style directories, overridable for tests.

- config dir (``$XDG_CONFIG_HOME/legfit``, default ``~/.config/legfit``): ``config.json``
  (settings and the staff PIN hash) and ``calibration.json`` (this kiosk's camera);
- data dir (``$XDG_DATA_HOME/legfit``, default ``~/.local/share/legfit``): the store's
  ``catalogues/``, ``sessions.sqlite3`` (the session log) and ``staff_pin_state.json``
  (the staff PIN's wrong tries and lock, kept across restarts).

``LEGFIT_CONFIG_DIR`` and ``LEGFIT_DATA_DIR`` override each directory outright (a
kiosk image can point them at /etc and /var/lib; tests point them at a temporary dir).
Nothing here creates a directory: the writers do, when they write.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

APP_DIR_NAME = "legfit"


@dataclass(frozen=True)
class KioskPaths:
    config_dir: Path
    data_dir: Path

    @property
    def config_file(self) -> Path:
        return self.config_dir / "config.json"

    @property
    def calibration_file(self) -> Path:
        return self.config_dir / "calibration.json"

    @property
    def catalogue_dir(self) -> Path:
        return self.data_dir / "catalogues"

    @property
    def session_log_file(self) -> Path:
        return self.data_dir / "sessions.sqlite3"

    @property
    def staff_pin_state_file(self) -> Path:
        return self.data_dir / "staff_pin_state.json"

    @classmethod
    def from_environment(cls, env: Mapping[str, str] | None = None) -> KioskPaths:
        """Resolve the directories from ``env`` (default: the process environment)."""
        env = os.environ if env is None else env
        home = Path(env.get("HOME") or Path.home())

        def pick(override: str, xdg: str, fallback: Path) -> Path:
            if env.get(override):
                return Path(env[override])
            base = Path(env[xdg]) if env.get(xdg) else fallback
            return base / APP_DIR_NAME

        return cls(
            config_dir=pick("LEGFIT_CONFIG_DIR", "XDG_CONFIG_HOME", home / ".config"),
            data_dir=pick("LEGFIT_DATA_DIR", "XDG_DATA_HOME", home / ".local" / "share"),
        )
