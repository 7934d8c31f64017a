"""Re-fit the cross-section model's superellipse exponents on measured scenes.

Reads bench/accuracy.py results (run with ``--landmarks truth`` to fit the shape on exact
silhouettes, free of the pose model's errors) and, per site (cB, cC), finds the exponent
whose girths from each leg's measured width and depth have no mean error against the
exact tape girths; prints it with the residual sd and what the current model gives. For
the ankle it also fits the exponent's fall with the section's size
(``vision.girth.ANKLE_EXPONENT_PER_MM``): each leg's exact exponent against the mean of
its two diameters, a straight line by least squares (legs read within 15 mm), then the
line moved to no mean error; with the mean error per third of the legs by girth.

    python bench/fit_section.py RESULTS.json [RESULTS.json ...]

Fit on one set of scenes, then check the exponents on another: quote only the second.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from vision.girth import (  # noqa: E402
    ANKLE_DIAMETER_RANGE_MM,
    ANKLE_EXPONENT_AT_DIAMETER_MM,
    SHAPE_EXPONENT,
    girth_mm,
    superellipse_perimeter_mm,
)

SITES = {"ankle": ("cB", "ankle_width_mm", "ankle_depth_mm"),
         "calf": ("cC", "calf_width_mm", "calf_depth_mm")}


def legs(paths: list[Path]) -> list[dict]:
    out = []
    for path in paths:
        for row in json.loads(path.read_text())["rows"]:
            out.append({"diag": row["measurement"]["legs"][row["leg"]], "cB": row["cB"],
                        "cC": row["cC"]})
    return out


def fit(rows: list[dict], site: str) -> dict:
    label, wkey, dkey = SITES[site]
    w = np.array([r["diag"][wkey] for r in rows])
    d = np.array([r["diag"][dkey] for r in rows])
    truth = np.array([r[label]["truth"] for r in rows])

    n = _one_exponent(w, d, truth, SHAPE_EXPONENT[site])
    now = girth_mm(w, d, site) - truth  # the model as it stands (the ankle's by size)
    best = superellipse_perimeter_mm(w, d, n) - truth
    return {"legs": len(rows), "exponent": round(n, 3), "residual_sd_mm": round(best.std(), 2),
            "residual_sd_rel": round(float(np.std(best / truth)), 4),
            "current_exponent": SHAPE_EXPONENT[site], "current_bias_mm": round(now.mean(), 2),
            "current_mae_mm": round(float(np.abs(now).mean()), 2)}


def _zero_mean(errors) -> float:
    """The offset that gives ``errors(offset)`` (growing with it) no mean: by bisection."""
    lo, hi = -0.6, 0.6
    for _ in range(40):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if errors(mid).mean() < 0 else (lo, mid)
    return 0.5 * (lo + hi)


def _one_exponent(w: np.ndarray, d: np.ndarray, truth: np.ndarray, near: float) -> float:
    """The one exponent (within 0.6 of ``near``) whose girths have no mean error."""
    return near + _zero_mean(lambda off: superellipse_perimeter_mm(w, d, near + off) - truth)


def _by_thirds(truth: np.ndarray, err: np.ndarray) -> list[float]:
    edges = np.quantile(truth, [1 / 3, 2 / 3])
    third = np.searchsorted(edges, truth)
    return [round(float(err[third == k].mean()), 2) for k in range(3)]


def fit_ankle_slope(rows: list[dict]) -> dict:
    """The ankle's exponent as a line in the mean diameter (see the module's text)."""
    _, wkey, dkey = SITES["ankle"]
    w = np.array([r["diag"][wkey] for r in rows])
    d = np.array([r["diag"][dkey] for r in rows])
    truth = np.array([r["cB"]["truth"] for r in rows])
    now = girth_mm(w, d, "ankle") - truth
    keep = np.abs(now) < 15.0
    w, d, truth, now = w[keep], d[keep], truth[keep], now[keep]
    lo, hi = np.full(len(w), 1.4), np.full(len(w), 2.8)
    for _ in range(40):  # each leg's exact exponent (the perimeter grows with it)
        mid = 0.5 * (lo + hi)
        short = superellipse_perimeter_mm(w, d, mid) < truth
        lo, hi = np.where(short, mid, lo), np.where(short, hi, mid)
    exact = 0.5 * (lo + hi)
    mean_mm = np.clip((w + d) / 2, *ANKLE_DIAMETER_RANGE_MM) - ANKLE_EXPONENT_AT_DIAMETER_MM
    slope = float(np.polyfit(mean_mm, exact, 1)[0])
    at = SHAPE_EXPONENT["ankle"] + _zero_mean(
        lambda off: superellipse_perimeter_mm(w, d, SHAPE_EXPONENT["ankle"] + off
                                              + slope * mean_mm) - truth)
    best = superellipse_perimeter_mm(w, d, at + slope * mean_mm) - truth
    flat_n = _one_exponent(w, d, truth, SHAPE_EXPONENT["ankle"])
    flat = superellipse_perimeter_mm(w, d, flat_n) - truth
    return {"legs": int(keep.sum()), "exponent_at_diameter": round(at, 3),
            "per_mm": round(slope, 4), "residual_sd_mm": round(float(best.std()), 2),
            "residual_sd_rel": round(float(np.std(best / truth)), 4),
            "bias_by_girth_thirds_mm": _by_thirds(truth, best),
            "one_exponent": round(flat_n, 3),
            "one_exponent_bias_by_girth_thirds_mm": _by_thirds(truth, flat),
            "current_bias_by_girth_thirds_mm": _by_thirds(truth, now)}


def main(argv: list[str] | None = None) -> int:
    paths = [Path(p) for p in (argv if argv is not None else sys.argv[1:])]
    if not paths:
        print(__doc__)
        return 2
    rows = legs(paths)
    for site in SITES:
        print(site, json.dumps(fit(rows, site)))
    print("ankle by size", json.dumps(fit_ankle_slope(rows)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
