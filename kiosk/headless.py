"""The demo without a window: the same parts and flow, driven by a scripted shopper.

For CI, smoke tests and machines without a display. The shopper answers every screener
question "no", chooses a purpose, and stands where the recording stands; the frames go
through the real pipeline (pose model, measurer, screener, sizing). The recording is
replayed in lockstep, so every frame is measured whatever the machine's speed and the
result does not depend on how busy it is. The session goes into the kiosk's own session
log, marked as a demo (``kiosk.assembly``): a store tries its fleet link with it, and the
fleet's report counts it apart.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from fitting.errors import LegFitError
from fitting.measurement import LegMeasurement, Measurement
from fitting.outcome import Purpose
from fitting.recommend import Decision
from kiosk.assembly import KioskParts
from session.domain import Verdict
from session.flow import FlowState, FlowStatus
from session.intents import AnswerQuestion, ChooseLanguage, ChoosePurpose, Intent, Next, Start
from session.log import SqliteSessionLog
from vision.errors import MeasurementRefused

DEFAULT_TIMEOUT_S = 600.0


class ScriptedShopper:
    """The demo's shopper: every screener answer "no", one purpose, taps "next" where a
    screen waits for it, and stands where the recording stands (nothing to do while
    measuring). ``next_intent`` is what they tap on the screen showing now."""

    def __init__(self, purpose: str = "everyday", language: str = "en") -> None:
        self.purpose = purpose
        self.language = language

    def next_intent(self, status: FlowStatus) -> Intent | None:
        state = status.state
        if state is FlowState.ATTRACT:
            return Start()
        if state is FlowState.LANGUAGE:
            return ChooseLanguage(self.language)
        if state is FlowState.PURPOSE:
            return ChoosePurpose(Purpose(self.purpose))
        if state is FlowState.SCREENER and status.question_id is not None:
            return AnswerQuestion(status.question_id, yes=False)
        if state in (FlowState.REVIEW, FlowState.RECOMMENDATION, FlowState.DONNING,
                     FlowState.HANDOFF, FlowState.REFERRAL):
            return Next()
        return None  # measuring (standing still), or a staff screen


class DemoDidNotFinish(MeasurementRefused):
    """The headless demo did not reach a decision in time; says where it stopped."""


@dataclass(frozen=True)
class HeadlessResult:
    decision: Verdict
    measurement: Measurement | None
    states: tuple[FlowState, ...]
    seconds: float


def run_headless(parts: KioskParts, *, purpose: str = "everyday", language: str = "en",
                 out: TextIO, timeout_s: float = DEFAULT_TIMEOUT_S, poll_s: float = 0.01,
                 clock: Callable[[], float] = time.monotonic) -> HeadlessResult:
    """Drive one session to its decision; progress lines go to ``out``."""
    flow, session = parts.flow, parts.session
    states: list[FlowState] = []
    started = clock()
    last_progress = -1.0
    last_guidance = ""
    decision: Verdict | None = None
    shopper = ScriptedShopper(purpose=purpose, language=language)
    session.start()
    try:
        while True:
            pumped = session.pump()
            state = flow.state
            if not states or states[-1] is not state:
                states.append(state)
                out.write(f"  [{clock() - started:5.1f} s] {state.value}\n")
                last_progress = -1.0
            u = pumped.update
            if pumped.new_update and u is not None and u.error:
                raise DemoDidNotFinish(f"the vision pipeline failed: {u.error}")
            if state in (FlowState.MEASURE_FRONT, FlowState.MEASURE_SIDE) and u is not None \
                    and u.stance.value == state.value.removeprefix("measure_"):
                key = "" if u.guidance is None else u.guidance.message_key
                last_guidance = key or last_guidance
                if u.progress >= last_progress + 0.25 or (u.progress >= 1 > last_progress):
                    last_progress = u.progress
                    out.write(f"           {u.stance.value} view: {u.progress:4.0%} ({key})\n")
            if state is FlowState.SETUP:
                raise DemoDidNotFinish(parts.calibration_problem or "the kiosk is not calibrated")
            if state is FlowState.REVIEW:
                out.write(_measurement_line(flow.status.measurement))
            if state in (FlowState.HANDOFF, FlowState.REFERRAL):
                decision = flow.status.decision or flow.status.screening
                break
            intent = shopper.next_intent(flow.status)
            if intent is not None:
                flow.handle(intent)
            if clock() - started > timeout_s:
                where = f"{state.value}, last guidance {last_guidance!r}" if last_guidance \
                    else state.value
                raise DemoDidNotFinish(
                    f"the demo did not reach a decision within {timeout_s:.0f} s "
                    f"(stopped at {where})")
            time.sleep(poll_s)
    finally:
        stuck = parts.close()
        if stuck:
            out.write(f"  worker threads did not stop: {', '.join(stuck)}\n")
    if decision is None:  # the loop only ends with a decision or an exception
        raise DemoDidNotFinish("the demo ended without a decision")
    log = parts.session_log
    if parts.options.demo and isinstance(log, SqliteSessionLog):
        # A store tries its fleet link with it: 'legfit fleet sync' sends it, as a demo.
        out.write(f"  logged as a demo session in {log.path}\n")
    return HeadlessResult(decision, flow.status.measurement, tuple(states),
                          clock() - started)


def _measurement_line(m: Measurement | None) -> str:
    if m is None:
        return "           no measurement\n"

    def leg(name: str, x: LegMeasurement) -> str:
        return (f"{name} ankle {x.ankle_mm:.0f} +/- {x.ankle_sd_mm or 0:.0f} mm, "
                f"calf {x.calf_mm:.0f} +/- {x.calf_sd_mm or 0:.0f} mm")

    return f"           measured: {leg('left', m.left)}; {leg('right', m.right)}\n"


def decision_json(decision: Verdict | None, lang: str) -> str:
    """The decision as ``legfit recommend --json`` gives it, on one line."""
    if decision is None:
        raise LegFitError("the demo ended without a decision to print")
    if isinstance(decision, Decision):
        return json.dumps(decision.to_dict(lang), ensure_ascii=False)
    # A referral by the screener alone: the same shape, with nothing to buy or wear.
    return json.dumps({"outcome": decision.outcome.value,
                       "reasons": [r.to_dict(lang) for r in decision.reasons],
                       "recommendations": [], "donning": []}, ensure_ascii=False)
