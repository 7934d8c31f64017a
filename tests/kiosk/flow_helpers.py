"""Shared test doubles for the session flow: a clock, a scripted domain, measurements."""

from __future__ import annotations

from dataclasses import dataclass, field

from fitting.measurement import Leg, LegMeasurement, Measurement, MeasurementSource
from fitting.outcome import Outcome, Reason
from fitting.recommend import Decision, ProductChoice
from fitting.screener import QUESTION_IDS, Answers, screen
from kiosk.staff import PinHash, ScryptParams, hash_pin

STAFF_PIN = "2468"
# Tests hash PINs cheaply; the real cost is tested in tests/kiosk/test_staff.py.
FAST_SCRYPT = ScryptParams(n=2**4, r=8, p=1)
# Hashed once per test run: scrypt is deliberately slow.
_PIN_HASH: PinHash | None = None


def staff_pin_hash() -> PinHash:
    global _PIN_HASH
    if _PIN_HASH is None:
        _PIN_HASH = hash_pin(STAFF_PIN, salt=b"0123456789abcdef", params=FAST_SCRYPT)
    return _PIN_HASH


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self, start_s: float = 1000.0) -> None:
        self.now_s = start_s

    def __call__(self) -> float:
        return self.now_s

    def advance(self, seconds: float) -> None:
        self.now_s += seconds


def demo_choice() -> ProductChoice:
    """One product for both legs, as the sizing engine gives it."""
    return ProductChoice(product_id="demo-knee-high", product_name="Demo knee-high",
                         brand="Demo", size="II", length="normal", class_mmhg=(15, 20),
                         class_label="I", legs=(Leg.LEFT, Leg.RIGHT), illustrative=True)


def scripted_decision(outcome: Outcome, reasons: tuple[Reason, ...] = (),
                      recommendations: tuple[ProductChoice, ...] = ()) -> Decision:
    return Decision(outcome=outcome, reasons=reasons, recommendations=recommendations,
                    donning=())


@dataclass
class ScriptedDomain:
    """The real screener with a scripted ``decide`` (the sizing engine is tested apart)."""

    decide_outcome: Outcome = Outcome.RECOMMEND
    decided: list[tuple[Measurement, Answers]] = field(default_factory=list)

    def question_ids(self) -> tuple[str, ...]:
        return QUESTION_IDS

    def screen(self, answers: Answers):
        return screen(answers)

    def decide(self, measurement: Measurement, answers: Answers):
        self.decided.append((measurement, answers))
        products = (demo_choice(),) if self.decide_outcome is Outcome.RECOMMEND else ()
        reason = Reason("scripted", "scripted", "gescriptet", self.decide_outcome)
        return scripted_decision(self.decide_outcome, (reason,), products)


def camera_measurement(ankle_mm: float = 220.0, calf_mm: float = 360.0,
                       right_calf_mm: float | None = None) -> Measurement:
    left = LegMeasurement(ankle_mm, calf_mm, 420.0, 3.0, 4.0, 6.0)
    right = LegMeasurement(ankle_mm + 1, right_calf_mm or calf_mm + 2, 421.0, 3.0, 4.0, 6.0)
    return Measurement(left, right, MeasurementSource.CAMERA)


TAPE_ENTRY = {"left": {"ankle_mm": 231, "calf_mm": 372, "knee_high_length_mm": 430},
              "right": {"ankle_mm": 229, "calf_mm": 370, "knee_high_length_mm": 431}}
