"""Leg measurements: the value types every part of LegFit passes around.

The RAL measuring points used here:
- cB (``ankle_mm``): the smallest girth just above the ankle bones; it decides the size.
- cC (``calf_mm``): the largest calf girth.
- lD (``knee_high_length_mm``): floor to cD, two finger widths below the knee crease.

Standard deviations are optional (a tape measurement has none); when present the sizing
engine uses them to weigh the chance that a size chosen near a boundary does not fit. A
camera figure is never certain: one given without its sd gets the camera's typical sd
(``CAMERA_DEFAULT_SD_MM``), never zero.

The JSON contract (``legfit measure --json``, ``legfit recommend --measurement``):
``left`` and ``right``, each with exactly the keys of ``LegMeasurement`` (an unknown key
is refused by name: a misspelled sd must not switch a check off), ``source`` ("camera"
or "tape", required), and optionally ``ankle_difference_sd_mm`` and
``calf_difference_sd_mm``: the sd of the left/right difference when the measurer knows
it better than from the two legs' sds taken as independent (errors both legs share, such
as the calibration's, cancel in a difference); and ``flagged_differences``: the sites
("ankle", "calf") whose left/right difference rests on a reading the measurer flagged as
a possible misread (an outline lost, views that disagree, a depth from a prior), which
the clot rules weigh at the low end of its sd (``fitting.swelling``). Other top-level
keys (the camera's diagnostics) are read past.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from fitting.errors import InputInvalid
from fitting.json_input import (
    GIRTH_RANGE_MM,
    LENGTH_RANGE_MM,
    SD_RANGE_MM,
    check_range,
)


class Leg(StrEnum):
    LEFT = "left"
    RIGHT = "right"

    @property
    def other(self) -> Leg:
        return Leg.RIGHT if self is Leg.LEFT else Leg.LEFT


class MeasurementSource(StrEnum):
    CAMERA = "camera"
    TAPE = "tape"


class Site(StrEnum):
    """A measuring point with a girth on both legs."""

    ANKLE = "ankle"  # cB
    CALF = "calf"  # cC


CAMERA_DEFAULT_SD_MM = {"ankle_sd_mm": 4.0, "calf_sd_mm": 6.0, "knee_high_length_sd_mm": 21.0}
"""The sd given to a camera figure that comes without its own: about the camera's largest
usual sd on unseen shoppers (cB 3-4 mm, cC 4-6 mm; lD from the knee keypoint, 21 mm)."""

LEG_KEYS = ("ankle_mm", "calf_mm", "knee_high_length_mm", "ankle_sd_mm", "calf_sd_mm",
            "knee_high_length_sd_mm")
# What a leg read from a file or typed by staff may be: a human lower leg's figures.
_PHYSICAL_RANGES = {"ankle_mm": GIRTH_RANGE_MM, "calf_mm": GIRTH_RANGE_MM,
                    "knee_high_length_mm": LENGTH_RANGE_MM, "ankle_sd_mm": SD_RANGE_MM,
                    "calf_sd_mm": SD_RANGE_MM, "knee_high_length_sd_mm": SD_RANGE_MM}
DIFFERENCE_SD_KEYS = {Site.ANKLE: "ankle_difference_sd_mm", Site.CALF: "calf_difference_sd_mm"}
FLAGGED_DIFFERENCES_KEY = "flagged_differences"


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
        for name in LEG_KEYS:
            _check_mm(name, getattr(self, name))
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

    def girth_mm(self, site: Site) -> float:
        return self.ankle_mm if site is Site.ANKLE else self.calf_mm

    def girth_sd_mm(self, site: Site) -> float | None:
        return self.ankle_sd_mm if site is Site.ANKLE else self.calf_sd_mm

    def with_default_sds(self, defaults: Mapping[str, float]) -> LegMeasurement:
        """The same leg with ``defaults`` for every sd it lacks (of the figures it has)."""
        changes = {name: sd for name, sd in defaults.items() if getattr(self, name) is None}
        if self.knee_high_length_mm is None:
            changes.pop("knee_high_length_sd_mm", None)
        return replace(self, **changes) if changes else self

    @classmethod
    def from_dict(cls, data: object, where: str = "leg") -> LegMeasurement:
        if not isinstance(data, Mapping):
            raise InputInvalid(f"{where} must be an object with ankle_mm and calf_mm")
        unknown = sorted(str(k) for k in data if k not in LEG_KEYS)
        if unknown:
            raise InputInvalid(
                f"{where}: unknown key {unknown[0]!r} (a leg has {', '.join(LEG_KEYS)})")
        for key in ("ankle_mm", "calf_mm"):
            if data.get(key) is None:
                raise InputInvalid(f"{where}.{key} is missing")
        kwargs = {k: data[k] for k in LEG_KEYS if k in data and data[k] is not None}
        try:
            leg = cls(**kwargs)
            for name, bounds in _PHYSICAL_RANGES.items():
                value = getattr(leg, name)
                if value is not None:
                    check_range(name, value, bounds)
        except InputInvalid as exc:
            raise InputInvalid(f"{where}: {exc}") from None
        return leg


@dataclass(frozen=True)
class Measurement:
    """Both lower legs, measured the same way (camera or tape).

    A camera measurement's legs always carry sds (``CAMERA_DEFAULT_SD_MM`` where none
    was given). ``ankle_difference_sd_mm`` / ``calf_difference_sd_mm``: the sd of the
    left/right difference when the measurer states it (see the module docstring).
    ``flagged_differences``: the sites whose difference rests on a flagged reading.
    """

    left: LegMeasurement
    right: LegMeasurement
    source: MeasurementSource
    ankle_difference_sd_mm: float | None = None
    calf_difference_sd_mm: float | None = None
    flagged_differences: frozenset[Site] = frozenset()

    def __post_init__(self) -> None:
        for key in DIFFERENCE_SD_KEYS.values():
            _check_mm(key, getattr(self, key))
        if self.source is MeasurementSource.CAMERA:
            object.__setattr__(self, "left", self.left.with_default_sds(CAMERA_DEFAULT_SD_MM))
            object.__setattr__(self, "right",
                               self.right.with_default_sds(CAMERA_DEFAULT_SD_MM))

    def leg(self, leg: Leg) -> LegMeasurement:
        return self.left if leg == Leg.LEFT else self.right

    def difference_mm(self, site: Site) -> float:
        """Absolute left/right girth difference at ``site``."""
        return abs(self.left.girth_mm(site) - self.right.girth_mm(site))

    def difference_sd_mm(self, site: Site) -> float:
        """The sd of the left/right difference at ``site``: the measurer's own figure when
        it states one, else the two legs' sds taken as independent; 0 for a tape."""
        own = self.ankle_difference_sd_mm if site is Site.ANKLE else self.calf_difference_sd_mm
        if own is not None:
            return own
        return math.hypot(self.left.girth_sd_mm(site) or 0.0,
                          self.right.girth_sd_mm(site) or 0.0)

    @property
    def calf_difference_mm(self) -> float:
        """Absolute left/right calf girth difference (a Wells criterion at >= 30 mm)."""
        return self.difference_mm(Site.CALF)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"left": self.left.to_dict(), "right": self.right.to_dict(),
                               "source": self.source.value}
        for key in DIFFERENCE_SD_KEYS.values():
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        if self.flagged_differences:
            out[FLAGGED_DIFFERENCES_KEY] = sorted(s.value for s in self.flagged_differences)
        return out

    @classmethod
    def from_dict(cls, data: object) -> Measurement:
        if not isinstance(data, Mapping):
            raise InputInvalid("a measurement must be a JSON object with left, right and source")
        for key in ("left", "right"):
            if key not in data:
                raise InputInvalid(f"measurement: {key} is missing")
        if "source" not in data:
            raise InputInvalid("measurement: source is missing (say 'camera' or 'tape': a "
                               "camera figure is never as certain as a tape)")
        source_raw = data["source"]
        try:
            source = MeasurementSource(source_raw)
        except ValueError:
            raise InputInvalid(
                f"measurement: source must be 'camera' or 'tape', not {source_raw!r}") from None
        differences = {key: data[key] for key in DIFFERENCE_SD_KEYS.values()
                       if data.get(key) is not None}
        for key, value in differences.items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                check_range(f"measurement: {key}", value, SD_RANGE_MM)
        try:
            return cls(left=LegMeasurement.from_dict(data["left"], "left"),
                       right=LegMeasurement.from_dict(data["right"], "right"),
                       source=source, **differences,
                       flagged_differences=_flagged_sites(data.get(FLAGGED_DIFFERENCES_KEY)))
        except InputInvalid as exc:
            raise InputInvalid(f"measurement: {exc}") from None


def _flagged_sites(value: object) -> frozenset[Site]:
    """The sites of ``flagged_differences``: absent, or a list of site names."""
    if value is None:
        return frozenset()
    if not isinstance(value, list):
        raise InputInvalid(f"{FLAGGED_DIFFERENCES_KEY} must be a list of sites, not {value!r}")
    try:
        return frozenset(Site(name) for name in value)
    except ValueError:
        raise InputInvalid(f"{FLAGGED_DIFFERENCES_KEY}: the sites are "
                           f"{', '.join(s.value for s in Site)}, not {value!r}") from None


def _check_mm(name: str, value: object) -> None:
    """A figure in millimetres: absent, or a finite, non-negative number."""
    if value is None:
        return
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise InputInvalid(f"{name} must be a number, not {value!r}")
    if not math.isfinite(value) or value < 0:
        raise InputInvalid(f"{name} must be a finite, non-negative number, not {value}")
