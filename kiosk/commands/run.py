"""`legfit run`: the kiosk itself: fullscreen, live camera, this kiosk's settings.

Without a valid calibration with a floor pose it cannot measure: it opens the set-up
screen, from which staff (behind the PIN) find the mat. ``--set-staff-pin`` stores a new
staff PIN (scrypt-hashed) in the settings, clears its wrong tries and exits; run as root
it writes them for the kiosk's user.
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import pwd
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from fitting.errors import InputInvalid, LegFitError
from fitting.outcome import LANGUAGES

if TYPE_CHECKING:
    from kiosk.assembly import KioskOptions

_log = logging.getLogger(__name__)
# A refusal exits as every LegFitError does (kiosk/cli.py); a crash as an uncaught error.
EXIT_REFUSED = 2
EXIT_CRASHED = 1


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
                   help="store a new staff PIN (asked twice; 6-12 digits, no runs, no "
                        "repeats, not a common PIN) and exit")
    p.set_defaults(handler=run)


def _camera(value: str | None) -> int | str | None:
    if value is None:
        return None
    return int(value) if value.isdigit() else value


# The user the installed kiosk runs as (packaging/install.sh creates it).
KIOSK_USER = "legfit"


class KioskUserMissing(LegFitError):
    """Run as root, --set-staff-pin has no kiosk user to hand its files to."""


def _kiosk_owner(euid: Callable[[], int],
                 getpwnam: Callable[[str], pwd.struct_passwd]) -> tuple[int, int] | None:
    """Who the written files must belong to: the kiosk's user when run as root (a config
    left to root is one the kiosk cannot read: a black screen), else whoever runs it."""
    if euid() != 0:
        return None
    try:
        user = getpwnam(KIOSK_USER)
    except KeyError:
        raise KioskUserMissing(
            f"there is no user '{KIOSK_USER}' to own the kiosk's settings; install the "
            f"kiosk first, then run as its user: sudo -u {KIOSK_USER} legfit run "
            "--set-staff-pin") from None
    return user.pw_uid, user.pw_gid


def set_staff_pin(read_pin: Callable[[str], str] | None = None, *,
                  euid: Callable[[], int] | None = None,
                  getpwnam: Callable[[str], pwd.struct_passwd] | None = None,
                  chown: Callable[[Path, int, int], None] | None = None) -> int:
    """Ask for a new PIN twice, check it against the policy, store its hash in the config
    file (only the PIN field changes; mode 0640, owned by the kiosk's user even when run
    as root) and clear the wrong tries and any lock."""
    from kiosk.config import load_config
    from kiosk.paths import KioskPaths
    from kiosk.staff import (
        FILE_MODE,
        MAX_PIN_DIGITS,
        MIN_PIN_DIGITS,
        hash_pin,
        reset_pin_state,
        validate_pin,
        write_pin_hash,
    )

    # Looked up now, not at import: a terminal and the system's, or a test's stand-ins.
    read_pin = read_pin or getpass.getpass
    chown = chown or os.chown
    paths = KioskPaths.from_environment()
    owner = _kiosk_owner(euid or os.geteuid, getpwnam or pwd.getpwnam)
    load_config(paths.config_file)  # a broken config is refused before any question
    pin = validate_pin(read_pin(
        f"New staff PIN ({MIN_PIN_DIGITS}-{MAX_PIN_DIGITS} digits): ").strip())
    if read_pin("The same PIN again: ").strip() != pin:
        raise InputInvalid("the two PINs differ; nothing was changed")
    write_pin_hash(paths.config_file, hash_pin(pin), mode=FILE_MODE, owner=owner,
                   chown=chown)
    try:
        reset_pin_state(paths.staff_pin_state_file, owner=owner, chown=chown)
    except OSError as exc:
        raise InputInvalid(
            f"the staff PIN is saved, but its wrong tries could not be cleared in "
            f"{paths.staff_pin_state_file}: {exc.strerror or exc}") from None
    sys.stdout.write(f"staff PIN saved (scrypt hash) in {paths.config_file}; restart the "
                     "kiosk to use it: systemctl restart legfit-kiosk\n")
    return 0


def run(args: argparse.Namespace) -> int:
    if args.set_staff_pin:
        return set_staff_pin()
    from kiosk.displays import has_display

    if not has_display():
        raise NoDisplay("legfit run needs a display (DISPLAY or WAYLAND_DISPLAY); "
                        "without one, try 'legfit demo --headless'")
    from kiosk.assembly import KioskOptions
    from kiosk.journal import setup_logging

    options = KioskOptions(mode="run", camera_device=_camera(args.camera),
                           calibration_file=args.calibration, catalogue_dir=args.catalogue,
                           fullscreen=not args.windowed, language=args.lang)
    setup = setup_logging()
    try:
        return _run_logged(options, to_journal=setup.to_journal)
    finally:
        setup.close()


def _run_logged(options: KioskOptions, *, to_journal: bool) -> int:
    """The kiosk, its start and end in the log (``EVENT=start``, ``exit``). Under systemd
    a refusal (a broken config or catalogue) is one error entry in the journal, where
    the service's standard error goes, and an unexpected exception one CRITICAL entry
    with its traceback; at a terminal both end as they always have (kiosk/cli.py)."""
    from kiosk.app import run_gui
    from kiosk.journal import log_crash, log_event, release_of

    release = release_of(sys.executable)
    log_event(_log, logging.INFO, f"legfit run starting (release {release})", "start",
              release=release)
    try:
        code = run_gui(options)
    except LegFitError as exc:
        if not to_journal:
            raise
        log_event(_log, logging.ERROR, str(exc), "refused",
                  exit_status=EXIT_REFUSED)
        return EXIT_REFUSED
    except Exception as exc:
        if not to_journal:
            raise
        log_crash(type(exc), exc, exc.__traceback__)
        return EXIT_CRASHED
    log_event(_log, logging.INFO, f"legfit run exits with status {code}", "exit",
              exit_status=code)
    return code
