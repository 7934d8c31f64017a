"""The conditions a generated scene was rendered under, in bins a failure can be grouped by.

A scene rendered with ``--meta`` (../shared/tools/synth) carries every sampled parameter in
its meta.json. ``scene_conditions`` reads the ones a measurement could depend on into
coarse, named bins (garment, skin tone, floor, camera distance and resolution, light,
foot placement); ``breakdown`` groups per-leg errors by them. Scenes without meta.json
(the development set) fall in one bin, "unknown".
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np

CONDITIONS = ("garment", "skin", "floor", "camera_distance", "resolution", "light",
              "placement")


def _luminance(rgb: Iterable[float]) -> float:
    r, g, b = rgb
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _skin_bin(rgb: Iterable[float]) -> str:
    y = _luminance(rgb)
    return "light" if y >= 0.6 else "medium" if y >= 0.35 else "dark"


def _distance_bin(camera_y_mm: float) -> str:
    d = abs(camera_y_mm)
    return "< 2.1 m" if d < 2100 else "2.1-2.35 m" if d < 2350 else ">= 2.35 m"


def _light_bin(light: Mapping[str, float]) -> str:
    # The key light carries the contrast of the leg's outline; the noise grows as it fades.
    key = light["key_intensity"] * light.get("exposure", 1.0)
    return "dim key" if key < 2.3 else "bright key" if key > 3.1 else "mid key"


def _placement_bin(placements: Mapping[str, Mapping[str, Mapping]]) -> str:
    worst = max(math.hypot(*stance[leg]["heel_error_xy_mm"]) for stance in placements.values()
                for leg in ("left", "right"))
    return "feet within 8 mm" if worst <= 8.0 else "a foot 8-15 mm off"


def scene_conditions(scene: Path) -> dict[str, str]:
    """Condition name -> bin for one scene folder ("unknown" for every one without meta)."""
    path = scene / "meta.json"
    if not path.is_file():
        return dict.fromkeys(CONDITIONS, "unknown")
    meta = json.loads(path.read_text())
    placements = json.loads((scene / "truth.json").read_text())["placements"]
    look, room, light, cam = meta["look"], meta["room"], meta["light"], meta["camera"]
    return {
        "garment": look["garment"],
        "skin": _skin_bin(look["skin"]),
        "floor": room["floor_kind"],
        "camera_distance": _distance_bin(cam["pos_mm"][1]),
        "resolution": f"{cam['W']}x{cam['H']}",
        "light": _light_bin(light),
        "placement": _placement_bin(placements),
    }


def coverage(errors: np.ndarray, sds: np.ndarray) -> tuple[float, float]:
    """Shares of errors within 1 and 2 reported sd."""
    return float(np.mean(np.abs(errors) <= sds)), float(np.mean(np.abs(errors) <= 2 * sds))


def breakdown(rows: list[dict], refused: list[dict], labels: Iterable[str]) -> dict:
    """Per condition and bin: legs, refusals, and per measure n, MAE, bias, worst and the
    sd coverage. ``rows`` carry ``conditions`` and per label ``error_mm`` / ``sd_mm``."""
    labels = tuple(labels)
    out: dict[str, dict[str, dict]] = {}
    for name in CONDITIONS:
        bins: dict[str, dict] = {}
        for value in sorted({r["conditions"][name] for r in [*rows, *refused]}):
            legs = [r for r in rows if r["conditions"][name] == value]
            entry: dict = {"legs": len(legs), "refused_scenes": sum(
                r["conditions"][name] == value for r in refused)}
            for label in labels:
                e = np.array([r[label]["error_mm"] for r in legs], float)
                s = np.array([r[label]["sd_mm"] or np.nan for r in legs], float)
                if e.size == 0:
                    continue
                one, two = coverage(e, s)
                entry[label] = {"n": int(e.size), "mae_mm": round(float(np.mean(np.abs(e))), 2),
                                "bias_mm": round(float(np.mean(e)), 2),
                                "worst_mm": round(float(np.max(np.abs(e))), 1),
                                "within_1_sd": round(one, 2), "within_2_sd": round(two, 2)}
            bins[value] = entry
        out[name] = bins
    return out


def print_breakdown(table: dict, labels: Iterable[str]) -> None:
    labels = tuple(labels)
    head = f"{'condition':<16}{'bin':<20}{'legs':>5}{'ref':>4}" + "".join(
        f"{lab + ' MAE':>9}{'bias':>7}{'worst':>7}{'1sd':>5}{'2sd':>5}" for lab in labels)
    print(head)
    for name, bins in table.items():
        for value, entry in bins.items():
            line = f"{name:<16}{value:<20}{entry['legs']:>5}{entry['refused_scenes']:>4}"
            for label in labels:
                s = entry.get(label)
                line += ("" if s is None else
                         f"{s['mae_mm']:>9.2f}{s['bias_mm']:>+7.2f}{s['worst_mm']:>7.1f}"
                         f"{s['within_1_sd']:>5.0%}{s['within_2_sd']:>5.0%}")
            print(line)
