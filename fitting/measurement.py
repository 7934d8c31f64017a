"""Leg measurements: the value types every part of LegFit passes around.

The RAL measuring points used here:
- cB (``ankle_mm``): the smallest girth just above the ankle bones; it decides the size.
- cC (``calf_mm``): the largest calf girth.
- lD (``knee_high_length_mm``): floor to cD, two finger widths below the knee crease.

Standard deviations are optional (a tape measurement has none); when present the sizing
engine uses them to weigh the chance that a size chosen near a boundary does not fit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from fitting.errors import InputInvalid


class Leg(StrEnum):
    LEFT = "left"
    RIGHT = "right"


class MeasurementSource(StrEnum):
    CAMERA = "camera"
    TAPE = "tape"


@dataclass(frozen=True)
class LegMeasurement:
    """One leg's girths and length in millimetres, each with an optional 1-sigma spread."""

    ankle_mm: float
    calf_mm: float
    knee_high_length_mm: float | None = None
    ankle_sd_mm: float | None = None
    calf_sd_mm: float | None = None
    knee_high_length_sd_mm: float | None = None

    def __post_init__(self) -> None:
        for name in ("ankle_mm", "calf_mm", "knee_high_length_mm",
                     "ankle_sd_mm", "calf_sd_mm", "knee_high_length_sd_mm"):
            value = getattr(self, name)
            if value is None:
                continue
            if not isinstance(value, int | float) or isinstance(value, bool):
                raise InputInvalid(f"{name} must be a number, not {value!r}")
            if not math.isfinite(value) or value < 0:
                raise InputInvalid(f"{name} must be a finite, non-negative number, not {value}")
        for name in ("ankle_mm", "calf_mm"):
            if getattr(self, name) <= 0:
                raise InputInvalid(f"{name} must be positive, not {getattr(self, name)}")

    def to_dict(self) -> dict[str, float]:
        out: dict[str, float] = {"ankle_mm": self.ankle_mm, "calf_mm": self.calf_mm}
        for name in ("ankle_sd_mm", "calf_sd_mm", "knee_high_length_mm",
                     "knee_high_length_sd_mm"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], where: str = "leg") -> LegMeasurement:
        if not isinstance(data, Mapping):
            raise InputInvalid(f"{where} must be an object with ankle_mm and calf_mm")
        known = {"ankle_mm", "calf_mm", "knee_high_length_mm", "ankle_sd_mm",
                 "calf_sd_mm", "knee_high_length_sd_mm"}
        for key in ("ankle_mm", "calf_mm"):
            if key not in data:
                raise InputInvalid(f"{where}.{key} is missing")
        kwargs = {k: data[k] for k in known if k in data and data[k] is not None}
        try:
            return cls(**kwargs)
        except InputInvalid as exc:
            raise InputInvalid(f"{where}: {exc}") from None


@dataclass(frozen=True)
class Measurement:
    """Both lower legs, measured the same way (camera or tape)."""

    left: LegMeasurement
    right: LegMeasurement
    source: MeasurementSource

    def leg(self, leg: Leg) -> LegMeasurement:
        return self.left if leg is Leg.LEFT else self.right

    @property
    def calf_difference_mm(self) -> float:
        """Absolute left/right calf girth difference (a Wells criterion at >= 30 mm)."""
        return abs(self.left.calf_mm - self.right.calf_mm)

    def to_dict(self) -> dict[str, Any]:
        return {"left": self.left.to_dict(), "right": self.right.to_dict(),
                "source": self.source.value}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Measurement:
        if not isinstance(data, Mapping):
            raise InputInvalid("a measurement must be a JSON object with left, right and source")
        for key in ("left", "right"):
            if key not in data:
                raise InputInvalid(f"measurement: {key} is missing")
        source_raw = data.get("source", MeasurementSource.TAPE.value)
        try:
            source = MeasurementSource(source_raw)
        except ValueError:
            raise InputInvalid(
                f"measurement: source must be 'camera' or 'tape', not {source_raw!r}") from None
        return cls(left=LegMeasurement.from_dict(data["left"], "left"),
                   right=LegMeasurement.from_dict(data["right"], "right"),
                   source=source)
