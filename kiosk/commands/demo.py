"""`legfit demo`: the kiosk with the bundled recording as its camera, no hardware needed.

With a display it opens the kiosk window and plays the recorded fitting, looped; a
scripted shopper taps through the screens until someone touches the screen. With
``--headless`` (or when there is no display at all) it runs the same flow offscreen with
a scripted shopper (every screener answer "no", purpose everyday) through the real
pipeline and prints the recommendation; with ``--json`` the last line is the JSON that
``legfit recommend --json`` prints for the same measurement and answers.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from fitting.outcome import LANGUAGES, Purpose
from fitting.recommend import Decision
from kiosk.demo import DEMO_CALIBRATION, DEMO_STAFF_PIN, DEMO_VIDEO


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "demo", help="the kiosk playing a recorded fitting (headless without a display)",
        description="Run the kiosk with the bundled recording as its camera.")
    p.add_argument("--headless", action="store_true",
                   help="no window: a scripted shopper, the recommendation printed")
    p.add_argument("--json", action="store_true",
                   help="with --headless: print the decision JSON as the last line")
    p.add_argument("--lang", choices=LANGUAGES, default="en", help="language (default en)")
    p.add_argument("--purpose", choices=[x.value for x in Purpose], default="everyday",
                   help="the scripted shopper's purpose (headless; default everyday)")
    p.add_argument("--video", type=Path, default=DEMO_VIDEO,
                   help="another recording on mat v1 (default: the bundled one)")
    p.add_argument("--calibration", type=Path, default=DEMO_CALIBRATION,
                   help="the recording's camera intrinsics (default: the bundled ones)")
    p.add_argument("--catalogue", type=Path, metavar="DIR",
                   help="catalogue folder (default: the bundled illustrative catalogue)")
    p.add_argument("--fullscreen", action="store_true", help="fullscreen, as on a kiosk")
    p.add_argument("--no-autoplay", action="store_true",
                   help="with a window: wait for taps (by default the demo taps through "
                        "the screens by itself until someone touches the screen)")
    p.add_argument("--timeout", type=float, default=600.0, metavar="S",
                   help="headless: give up after this many seconds (default 600)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from kiosk.assembly import KioskOptions

    headless = args.headless
    if not headless:
        from kiosk.displays import has_display

        if not has_display():
            sys.stderr.write("legfit demo: no display found (DISPLAY and WAYLAND_DISPLAY are "
                             "unset): running the headless demo instead.\n")
            headless = True
    options = KioskOptions(mode="demo", video=args.video, demo_calibration=args.calibration,
                           catalogue_dir=args.catalogue, fullscreen=args.fullscreen,
                           lockstep=headless, language=args.lang,
                           autoplay=not args.no_autoplay)
    if headless:
        return _headless(args, options)
    from kiosk.app import run_gui

    sys.stderr.write(f"legfit demo: playing {args.video.name}; staff PIN {DEMO_STAFF_PIN}\n")
    return run_gui(options)


def _headless(args: argparse.Namespace, options) -> int:
    from kiosk.assembly import assemble
    from kiosk.headless import decision_json, run_headless

    out = sys.stdout
    out.write(f"LegFit headless demo: {args.video.name}, scripted shopper "
              f"(all answers no, purpose {args.purpose})\n")
    parts = assemble(options)
    result = run_headless(parts, purpose=args.purpose, language=args.lang, out=out,
                          timeout_s=args.timeout)
    out.write(f"  finished in {result.seconds:.1f} s\n\n")
    if args.json:
        if result.measurement is not None:
            # The measurement in the contract of 'legfit recommend --measurement'.
            out.write("measurement: " + json.dumps(result.measurement.to_dict()) + "\n")
        out.write(decision_json(result.decision, args.lang) + "\n")
    else:
        from kiosk.commands.recommend import render_text

        decision = result.decision
        out.write(render_text(decision, args.lang, parts.catalogue.illustrative)
                  if isinstance(decision, Decision)
                  else f"Outcome: {decision.outcome.value}\n")
    return 0
