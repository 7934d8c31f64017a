"""The kiosk's settings: one versioned JSON file, validated by pydantic, written atomically.

Read once by the composition root and passed down; nothing deeper reads the file.
A missing file means the defaults (a fresh kiosk); a file that is corrupt, of a newer
version or with a bad value is refused with one sentence naming the file and the field,
never silently replaced: a kiosk with broken settings must not pretend to be set up.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from fitting.atomic_file import write_text_atomic
from fitting.errors import InputInvalid, LegFitError
from fitting.json_input import parse_json
from kiosk.staff import PinHash

SCHEMA_VERSION = 1


class ConfigInvalid(LegFitError):
    """The kiosk's config file cannot be used as it is."""


class CameraSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # A device index (0 = the first camera) or a device path / stream URL.
    device: int | str = 0
    size_wh: tuple[int, int] | None = None
    rotate_deg: Literal[0, 90, 180, 270] = 0
    # The camera's pixel format (None: the driver's default). YUYV keeps the leg edges as
    # the sensor saw them; MJPEG moves faint ones (see ``vision.sources.PIXEL_FORMATS``).
    pixel_format: Literal["YUYV", "MJPG"] | None = None


class FleetLink(BaseModel):
    """This kiosk's link to a fleet's central store (``legfit fleet join`` writes it).

    ``dsn`` is a PostgreSQL connection string with this kiosk's own role and password (and
    ``sslmode``/``sslrootcert`` for TLS): a secret, which is why the config file is 0600.
    """

    model_config = ConfigDict(extra="forbid")

    dsn: str = Field(min_length=1)
    store: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
    kiosk: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
    # How often the kiosk's sync thread sends its sessions and looks for a new catalogue.
    sync_interval_s: float = Field(default=60.0, ge=5.0, le=3600.0)


class KioskConfig(BaseModel):
    """Everything a store can set. Paths left empty mean the defaults of ``KioskPaths``."""

    model_config = ConfigDict(extra="forbid")

    schema_version: int = SCHEMA_VERSION
    default_language: Literal["en", "de"] = "en"
    idle_timeout_s: float = Field(default=60.0, ge=10.0, le=600.0)
    camera: CameraSettings = Field(default_factory=CameraSettings)
    calibration_file: Path | None = None
    catalogue_dir: Path | None = None
    session_log_file: Path | None = None
    # Days a session stays in the log (by when it finished); the backup unit's is the same.
    session_retention_days: int = Field(default=400, ge=1, le=3650)
    staff_pin: PinHash | None = None
    # The board staff hold up for the on-screen intrinsics calibration (the printable
    # board of 'legfit printables' by default): kind:colsxrows:square_mm[:marker_mm:dict].
    calibration_board: str = "charuco:9x6:40:30:DICT_5X5_100"
    fullscreen: bool = True
    # The bundled catalogue's size charts are illustrative: a kiosk sells from them only
    # when the store says so here (every recommendation then says they are illustrative).
    allow_demo_catalogue: bool = False
    # The command that prints a slip PDF (its path is appended), e.g. ["lp", "-d", "counter"];
    # without one the slip is saved for staff to print.
    print_command: tuple[str, ...] | None = None
    # Spoken guidance on the mat (espeak-ng, English and German): off with false; its
    # loudness in percent (0 is off too; 100 is espeak-ng's full normal amplitude).
    voice: bool = True
    voice_volume: int = Field(default=80, ge=0, le=100)
    # The fleet's central store, once the kiosk joined one (None: the kiosk stands alone).
    fleet: FleetLink | None = None


def migrate(raw: dict[str, Any], where: str) -> dict[str, Any]:
    """Bring an older file up to ``SCHEMA_VERSION``; refuse one from a newer LegFit."""
    version = raw.get("schema_version", SCHEMA_VERSION)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ConfigInvalid(f"{where}: schema_version must be a positive whole number")
    if version > SCHEMA_VERSION:
        raise ConfigInvalid(
            f"{where} is from a newer LegFit (schema_version {version}, this one reads "
            f"{SCHEMA_VERSION})")
    # Version 1 is the first: later versions add their step here (1 -> 2, ...).
    return {**raw, "schema_version": SCHEMA_VERSION}


def load_config(path: Path) -> KioskConfig:
    path = Path(path)
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        return KioskConfig()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigInvalid(f"cannot read config file {path}: {exc}") from None
    try:
        raw = parse_json(text, f"config file {path}")
    except InputInvalid as exc:
        raise ConfigInvalid(str(exc)) from None
    if not isinstance(raw, dict):
        raise ConfigInvalid(f"config file {path} must hold a JSON object")
    raw = migrate(raw, f"config file {path}")
    try:
        return KioskConfig.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or "(top level)"
        raise ConfigInvalid(f"config file {path}: {field}: {err['msg']}") from None


def save_config(config: KioskConfig, path: Path) -> None:
    """Write atomically (the old file or the new one survive a power cut, never half)."""
    # Holds the PIN hash: readable by the kiosk user only.
    write_text_atomic(path, config.model_dump_json(indent=2, exclude_none=False), mode=0o600)
