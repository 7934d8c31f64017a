"""`legfit run`: the kiosk itself: fullscreen, live camera, this kiosk's settings.

Without a valid calibration with a floor pose it cannot measure: it opens the set-up
screen, from which staff (behind the PIN) find the mat. ``--set-staff-pin`` stores a new
staff PIN (scrypt-hashed) in the settings and exits.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from fitting.errors import InputInvalid, LegFitError
from fitting.outcome import LANGUAGES


class NoDisplay(LegFitError):
    """The kiosk window needs a screen."""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("run", help="the kiosk: fullscreen, live camera",
                       description="Run the kiosk on this machine's camera and screen.")
    p.add_argument("--camera", metavar="DEVICE",
                   help="camera index (0, 1, ...) or device path (default: from the settings)")
    p.add_argument("--calibration", type=Path, metavar="FILE",
                   help="camera calibration file (default: this kiosk's)")
    p.add_argument("--catalogue", type=Path, metavar="DIR",
                   help="catalogue folder (default: this kiosk's)")
    p.add_argument("--lang", choices=LANGUAGES, help="the first screen's language")
    p.add_argument("--windowed", action="store_true",
                   help="an ordinary window instead of fullscreen (for set-up and testing)")
    p.add_argument("--set-staff-pin", action="store_true",
                   help="store a new staff PIN (asked twice; 4-12 digits) and exit")
    p.set_defaults(handler=run)


def _camera(value: str | None) -> int | str | None:
    if value is None:
        return None
    return int(value) if value.isdigit() else value


def set_staff_pin(read_pin=None) -> int:
    from kiosk.config import load_config, save_config
    from kiosk.paths import KioskPaths
    from kiosk.staff import hash_pin, validate_pin

    read_pin = read_pin or getpass.getpass  # looked up now: a terminal, or a test's stand-in
    paths = KioskPaths.from_environment()
    config = load_config(paths.config_file)
    pin = validate_pin(read_pin("New staff PIN (4-12 digits): ").strip())
    if read_pin("The same PIN again: ").strip() != pin:
        raise InputInvalid("the two PINs differ; nothing was changed")
    save_config(config.model_copy(update={"staff_pin": hash_pin(pin)}), paths.config_file)
    sys.stdout.write(f"staff PIN saved (scrypt hash) in {paths.config_file}\n")
    return 0


def run(args: argparse.Namespace) -> int:
    if args.set_staff_pin:
        return set_staff_pin()
    from kiosk.displays import has_display

    if not has_display():
        raise NoDisplay("legfit run needs a display (DISPLAY or WAYLAND_DISPLAY); "
                        "without one, try 'legfit demo --headless'")
    from kiosk.app import run_gui
    from kiosk.assembly import KioskOptions

    options = KioskOptions(mode="run", camera_device=_camera(args.camera),
                           calibration_file=args.calibration, catalogue_dir=args.catalogue,
                           fullscreen=not args.windowed, language=args.lang)
    return run_gui(options)
