"""Render every screen with sample data, in every language, to PNG files.

    python -m ui.screenshots OUTDIR [--size 1080x1920]

Writes ``OUTDIR/<screen>-<lang>.png`` (and one file per referral outcome and a second
donning page) at a portrait kiosk size. ``make screenshots`` runs it under Xvfb; it also
runs offscreen (``QT_QPA_PLATFORM=offscreen``). The sample data is real domain output
(see ``ui.samples``), so the pictures show what a shopper would see.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from PySide6.QtWidgets import QApplication

from ui.i18n import LANGUAGES
from ui.theme import Theme


def parse_size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"size must look like 1080x1920, not {text!r}") from None
    if width <= 0 or height <= 0:
        raise argparse.ArgumentTypeError(f"size must be positive, not {text!r}")
    return width, height


def shots(window, lang: str) -> Iterator[tuple[str, str, object]]:
    """(file stem, screen name, data) for every picture to take in ``lang``."""
    from fitting.catalogue import load_catalogue
    from ui.samples import (
        SAMPLE_CODE,
        sample_decision,
        sample_frame,
        sample_measurement,
        sample_referrals,
        sample_staff_page,
    )

    catalogue = load_catalogue()
    decision = sample_decision(catalogue)
    front = sample_frame("front")
    side = sample_frame("side")
    yield f"attract-{lang}", "attract", {"language": lang}
    yield f"language-{lang}", "language", {"language": lang}
    yield f"purpose-{lang}", "purpose", {"purpose": "travel"}
    yield f"screener-{lang}", "screener", {"question_id": "one_leg_swelling",
                                            "question_index": 1}
    for outcome, verdict in sorted(sample_referrals(catalogue).items()):
        yield f"referral-{outcome}-{lang}", "referral", verdict
    for stance, sample in (("front", front), ("side", side)):
        from ui.samples import sample_guidance, sample_stance

        window.set_footprints(stance, sample.footprints_px)
        yield f"measure_{stance}-{lang}", f"measure_{stance}", {
            "frame": sample, "guidance": sample_guidance(sample_stance(stance)),
            "progress": 0.6 if stance == "front" else 0.25}
    yield f"turn-{lang}", "turn", None
    yield f"review-{lang}", "review", {"measurement": sample_measurement()}
    yield f"recommendation-{lang}", "recommendation", decision
    yield f"donning-{lang}", "donning", decision
    warning_page = next(i for i, s in enumerate(decision.donning)
                        if s.illustration == "never_roll_top")
    yield f"donning-warning-{lang}", "donning", {"decision": decision, "page": warning_page}
    yield f"handoff-{lang}", "handoff", {"fitting_code": SAMPLE_CODE}
    yield f"staff_pin-{lang}", "staff_pin", {"notice": "pin_wrong", "tries_left": 3}
    yield f"staff-{lang}", "staff", sample_staff_page(catalogue, front)
    yield f"setup-{lang}", "setup", None


def render_all(outdir: Path, size_wh: tuple[int, int]) -> list[Path]:
    """Render every shot into ``outdir``; returns the files written."""
    from ui.main_window import KioskWindow

    app = QApplication.instance()
    theme = Theme.for_screen(size_wh[0], None)
    window = KioskWindow(theme=theme)
    window.resize(*size_wh)
    window.setFixedSize(*size_wh)
    window.show()
    outdir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    staff_tabs = ("tape", "review", "calibration", "catalogue", "history")
    for lang in LANGUAGES:
        window.set_language(lang)
        for stem, name, data in shots(window, lang):
            frame = data.get("frame") if isinstance(data, dict) else None
            window.show_screen(name, data)
            if frame is not None:
                window.set_live_frame(frame.frame_bgr, frame.overlay, data["guidance"],
                                      data["progress"])
            if name == "staff":
                # One picture per staff tab: staff see them one at a time too.
                tabs = window.screen("staff").tabs
                for index, tab in enumerate(staff_tabs):
                    tabs.setCurrentIndex(index)
                    written.append(_grab(app, window, outdir / f"staff-{tab}-{lang}.png"))
                tabs.setCurrentIndex(0)
                continue
            written.append(_grab(app, window, outdir / f"{stem}.png"))
    window.allow_close()
    window.close()
    return written


def _grab(app: QApplication, window, path: Path) -> Path:
    app.processEvents()
    if not window.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    return path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ui.screenshots",
                                     description="Render every kiosk screen to PNG files.")
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--size", type=parse_size, default=(1080, 1920),
                        help="window size WIDTHxHEIGHT (default 1080x1920, portrait)")
    args = parser.parse_args(argv)
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication([sys.argv[0]])
    written = render_all(args.outdir, args.size)
    print(f"wrote {len(written)} screenshots to {args.outdir}")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
