"""The floor mat contract (mat v1): marker positions and footprints in the mat frame.

Frame: origin at the mat centre on the floor, x right as seen from the camera, y away
from the camera, z up, millimetres. The spec ships as package data (``data/mat_v1.json``).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from calibration.errors import CalibrationInvalid
from fitting.errors import InputInvalid
from fitting.json_input import parse_json
from fitting.measurement import Leg
from fitting.stance import Stance


@dataclass(frozen=True)
class Footprint:
    """One printed foot outline: the ends of its long axis on the floor."""

    heel_xy_mm: tuple[float, float]
    toe_xy_mm: tuple[float, float]

    @property
    def direction_xy(self) -> np.ndarray:
        """Unit vector from heel to toe on the floor."""
        d = np.subtract(self.toe_xy_mm, self.heel_xy_mm).astype(float)
        return d / np.linalg.norm(d)


@dataclass(frozen=True)
class StanceFootprints:
    """The pair of footprints for one stance ("front" or "side")."""

    name: str
    left: Footprint
    right: Footprint

    def foot(self, leg: Leg) -> Footprint:
        return self.left if leg == Leg.LEFT else self.right


@dataclass(frozen=True)
class MatSpec:
    name: str
    version: int
    size_xy_mm: tuple[float, float]
    aruco_dictionary: str
    marker_side_mm: float
    marker_centres_xy_mm: dict[int, tuple[float, float]]
    stances: dict[str, StanceFootprints]
    footprint_size_mm: tuple[float, float]

    @property
    def marker_ids(self) -> tuple[int, ...]:
        return tuple(sorted(self.marker_centres_xy_mm))

    def marker_corners_mm(self, marker_id: int) -> np.ndarray:
        """The 4 corners (4x3, z = 0) in OpenCV's order: TL, TR, BR, BL of the marker image.

        Markers are axis-aligned with their top edge toward +y (away from the camera).
        """
        cx, cy = self.marker_centres_xy_mm[marker_id]
        h = self.marker_side_mm / 2.0
        return np.array([[cx - h, cy + h, 0.0], [cx + h, cy + h, 0.0],
                         [cx + h, cy - h, 0.0], [cx - h, cy - h, 0.0]])

    def stance(self, stance: Stance | str) -> StanceFootprints:
        """The footprints of ``stance`` (a ``Stance`` is equal to its value, the key)."""
        return self.stances[stance]


def _footprint(raw: dict) -> Footprint:
    return Footprint(heel_xy_mm=tuple(raw["heel_xy_mm"]), toe_xy_mm=tuple(raw["toe_xy_mm"]))


def parse_mat_spec(raw: object, where: str = "mat spec") -> MatSpec:
    if not isinstance(raw, dict):
        raise CalibrationInvalid(f"{where} must hold a JSON object")
    try:
        return MatSpec(
            name=raw["name"],
            version=int(raw["version"]),
            size_xy_mm=tuple(raw["size_xy_mm"]),
            aruco_dictionary=raw["aruco_dictionary"],
            marker_side_mm=float(raw["marker_side_mm"]),
            marker_centres_xy_mm={int(m["id"]): tuple(m["centre_xy_mm"])
                                  for m in raw["markers"]},
            stances={name: StanceFootprints(name, _footprint(s[Leg.LEFT.value]),
                                                  _footprint(s[Leg.RIGHT.value]))
                     for name, s in raw["footprints"].items()},
            footprint_size_mm=tuple(raw["footprint_size_mm"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise CalibrationInvalid(f"{where} is invalid: {exc!r}") from None


def load_mat_spec(path: Path | None = None) -> MatSpec:
    """Load a mat spec; the bundled mat v1 when no path is given."""
    if path is None:
        text = resources.files("calibration").joinpath("data/mat_v1.json").read_text("utf-8")
        where = "mat_v1.json"
    else:
        try:
            text = Path(path).read_text("utf-8")
        except OSError as exc:
            raise CalibrationInvalid(f"cannot read mat spec {path}: {exc.strerror}") from None
        where = str(path)
    try:
        raw = parse_json(text, where)
    except InputInvalid as exc:
        raise CalibrationInvalid(str(exc)) from None
    return parse_mat_spec(raw, where)
