"""Builders shared by the fitting tests: answers, legs and a chart with known numbers."""

from __future__ import annotations

from typing import Any

from fitting.catalogue import Catalogue, Product
from fitting.measurement import LegMeasurement, Measurement, MeasurementSource
from fitting.outcome import Purpose
from fitting.screener import QUESTION_IDS, Answers


def all_no(**yes: bool) -> dict[str, bool]:
    """Every question answered "no", except those given."""
    answers = {q: False for q in QUESTION_IDS}
    answers.update(yes)
    return answers


def answers(purpose: Purpose = Purpose.EVERYDAY, rx: tuple[int, int] | None = None,
            confirmed: bool = False, **yes: bool) -> Answers:
    return Answers(all_no(**yes), purpose, rx, confirmed)


def leg(ankle: float, calf: float, length: float | None = 410.0, sd: float | None = None,
        length_sd: float | None = None) -> LegMeasurement:
    return LegMeasurement(ankle_mm=ankle, calf_mm=calf, knee_high_length_mm=length,
                          ankle_sd_mm=sd, calf_sd_mm=sd, knee_high_length_sd_mm=length_sd)


def pair(left: LegMeasurement, right: LegMeasurement | None = None,
         source: MeasurementSource = MeasurementSource.TAPE) -> Measurement:
    return Measurement(left, right or left, source)


def product_dict(**overrides: Any) -> dict[str, Any]:
    """A three-size knee-high with round numbers, independent of the demo catalogue."""
    base: dict[str, Any] = {
        "schema_version": 1, "id": "test-knee-high", "brand": "Test", "name": "Test KH",
        "style": "knee-high",
        "compression": {"mmhg": [15, 20], "label": "15-20 mmHg"},
        "requires_prescription": False, "purposes": ["everyday", "travel", "sport", "medical"],
        "illustrative": True,
        "chart": {"source": "test chart", "date": "2026-01-01"},
        "sizes": [
            {"size": "S", "ankle_mm": [200, 220], "calf_mm": [300, 360],
             "lengths": [{"name": "short", "knee_high_length_mm": [350, 400]},
                         {"name": "long", "knee_high_length_mm": [400, 450]}]},
            {"size": "M", "ankle_mm": [220, 240], "calf_mm": [320, 390],
             "lengths": [{"name": "short", "knee_high_length_mm": [350, 400]},
                         {"name": "long", "knee_high_length_mm": [400, 450]}]},
            {"size": "L", "ankle_mm": [240, 260], "calf_mm": [340, 420],
             "lengths": [{"name": "short", "knee_high_length_mm": [350, 400]},
                         {"name": "long", "knee_high_length_mm": [400, 450]}]},
        ],
    }
    base.update(overrides)
    return base


def make_product(**overrides: Any) -> Product:
    return Product.model_validate(product_dict(**overrides), strict=False)


def make_catalogue(*products: Product) -> Catalogue:
    return Catalogue(products or (make_product(),))
