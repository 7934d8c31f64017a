"""Render every screen with sample data, in every language, to PNG files.

    python -m ui.screenshots OUTDIR [--size 1080x1920]

Writes ``OUTDIR/<screen>-<lang>.png`` (and one file per referral outcome, per donning
page and per staff tab) at a portrait kiosk size. ``make screenshots`` runs it under Xvfb; it also
runs offscreen (``QT_QPA_PLATFORM=offscreen``). The sample data is real domain output
(see ``ui.samples``), so the pictures show what a shopper would see.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Unpack

from PySide6.QtWidgets import QApplication

from fitting.outcome import Outcome, Purpose
from fitting.recommend import Decision
from fitting.screener import QUESTION_IDS
from fitting.stance import Stance
from session.flow import FlowState, FlowStatus, SessionChanges
from ui.i18n import LANGUAGES
from ui.main_window import KioskWindow
from ui.samples import SampleFrame
from ui.screens.donning import DonningScreen
from ui.screens.staff import PinPage, SetupPage
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


@dataclass(frozen=True)
class Shot:
    """One picture: a file stem and how to bring the window to it."""

    stem: str
    show: Callable[[KioskWindow], None]
    tabs: tuple[str, ...] = ()  # the staff screen: one picture per tab


def shots(lang: str) -> Iterator[Shot]:
    """Every picture to take in ``lang``, with the sample data of ``ui.samples``."""
    from fitting.catalogue import load_catalogue
    from ui.samples import (
        SAMPLE_CODE,
        sample_decision,
        sample_frame,
        sample_guidance,
        sample_measurement,
        sample_possible_clot,
        sample_referrals,
        sample_staff_page,
    )

    catalogue = load_catalogue()
    decision = sample_decision(catalogue)

    def status(state: FlowState, **fields: Unpack[SessionChanges]
               ) -> Callable[[KioskWindow], None]:
        return lambda w: w.show_status(replace(FlowStatus(state=state, language=lang),
                                               **fields))

    yield Shot(f"attract-{lang}", status(FlowState.ATTRACT))
    yield Shot(f"language-{lang}", status(FlowState.LANGUAGE))
    yield Shot(f"purpose-{lang}", status(FlowState.PURPOSE, purpose=Purpose.TRAVEL))
    yield Shot(f"screener-{lang}", status(FlowState.SCREENER, question_ids=QUESTION_IDS,
                                          question_index=QUESTION_IDS.index("one_leg_swelling")))
    # Every referral ends with the session's code; an emergency waits for staff.
    for outcome, verdict in sorted(sample_referrals(catalogue).items()):
        alert = verdict.outcome is Outcome.EMERGENCY
        shown = (status(FlowState.REFERRAL, decision=verdict, fitting_code=SAMPLE_CODE)
                 if isinstance(verdict, Decision)
                 else status(FlowState.REFERRAL, screening=verdict, fitting_code=SAMPLE_CODE,
                             alert=alert))
        yield Shot(f"referral-{outcome}-{lang}", shown)
    yield Shot(f"referral-possible_clot-{lang}",
               status(FlowState.REFERRAL, decision=sample_possible_clot(catalogue),
                      fitting_code=SAMPLE_CODE))

    def idle_warning(w: KioskWindow) -> None:
        status(FlowState.SCREENER, question_ids=QUESTION_IDS, question_index=3,
               idle_warning=True)(w)
        w.show_idle_warning(True)

    yield Shot(f"idle_warning-{lang}", idle_warning)
    for stance, progress in ((Stance.FRONT, 0.6), (Stance.SIDE, 0.25)):
        sample = sample_frame(stance)
        state = FlowState(f"measure_{stance.value}")

        def measuring(w: KioskWindow, stance: Stance = stance, sample: SampleFrame = sample,
                      state: FlowState = state, progress: float = progress) -> None:
            w.set_footprints(stance, sample.footprints_px)
            w.show_status(FlowStatus(state=state, language=lang))
            w.set_live_frame(sample.frame_bgr, sample.overlay, sample_guidance(stance),
                             progress)

        yield Shot(f"{state.value}-{lang}", measuring)
    yield Shot(f"turn-{lang}", status(FlowState.TURN))
    yield Shot(f"review-{lang}", status(FlowState.REVIEW, measurement=sample_measurement()))
    yield Shot(f"recommendation-{lang}", status(FlowState.RECOMMENDATION, decision=decision))
    yield Shot(f"donning-{lang}", status(FlowState.DONNING, decision=decision))
    # Every donning page, named by its step (donning-never_roll_top-en.png, ...).
    for page, step in enumerate(decision.donning):

        def donning_page(w: KioskWindow, page: int = page) -> None:
            status(FlowState.DONNING, decision=decision)(w)
            screen = w.flow_screens["donning"]
            if isinstance(screen, DonningScreen):
                screen.open_page(page)

        yield Shot(f"donning-{step.key}-{lang}", donning_page)
    yield Shot(f"handoff-{lang}", status(FlowState.HANDOFF, fitting_code=SAMPLE_CODE))
    yield Shot(f"staff_pin-{lang}", lambda w: w.show_pin(PinPage("pin_wrong", tries_left=3)))
    front = sample_frame(Stance.FRONT)
    yield Shot(f"staff-{lang}", lambda w: w.show_staff(sample_staff_page(catalogue, front)),
               tabs=("tape", "review", "calibration", "catalogue", "history"))
    yield Shot(f"setup-{lang}", lambda w: w.show_setup(SetupPage()))


def render_all(outdir: Path, size_wh: tuple[int, int]) -> list[Path]:
    """Render every shot into ``outdir``; returns the files written."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        raise RuntimeError("create the QApplication before rendering the screenshots")
    theme = Theme.for_screen(size_wh[0], None)
    window = KioskWindow(theme=theme)
    window.resize(*size_wh)
    window.setFixedSize(*size_wh)
    window.show()
    outdir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for lang in LANGUAGES:
        window.set_language(lang)
        for shot in shots(lang):
            window.show_idle_warning(False)
            shot.show(window)
            if not shot.tabs:
                written.append(_grab(app, window, outdir / f"{shot.stem}.png"))
                continue
            # One picture per staff tab: staff see them one at a time too.
            tabs = window.staff_screen.tabs
            for index, tab in enumerate(shot.tabs):
                tabs.setCurrentIndex(index)
                written.append(_grab(app, window, outdir / f"staff-{tab}-{lang}.png"))
            tabs.setCurrentIndex(0)
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
