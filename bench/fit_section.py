"""Re-fit the cross-section model's superellipse exponents on measured scenes.

Reads bench/accuracy.py results (run with ``--landmarks truth`` to fit the shape on exact
silhouettes, free of the pose model's errors) and, per site (cB, cC), finds the exponent
whose girths from each leg's measured width and depth have no mean error against the
exact tape girths; prints it with the residual sd and what the current exponent gives.

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

from vision.girth import SHAPE_EXPONENT, superellipse_perimeter_mm  # noqa: E402

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

    def errors(n: float) -> np.ndarray:
        return superellipse_perimeter_mm(w, d, n) - truth

    lo, hi = 1.5, 2.6  # the mean error grows with n: bisect for zero
    for _ in range(40):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if errors(mid).mean() < 0 else (lo, mid)
    n = 0.5 * (lo + hi)
    now = errors(SHAPE_EXPONENT[site])
    best = errors(n)
    return {"legs": len(rows), "exponent": round(n, 3), "residual_sd_mm": round(best.std(), 2),
            "residual_sd_rel": round(float(np.std(best / truth)), 4),
            "current_exponent": SHAPE_EXPONENT[site], "current_bias_mm": round(now.mean(), 2),
            "current_mae_mm": round(float(np.abs(now).mean()), 2)}


def main(argv: list[str] | None = None) -> int:
    paths = [Path(p) for p in (argv if argv is not None else sys.argv[1:])]
    if not paths:
        print(__doc__)
        return 2
    rows = legs(paths)
    for site in SITES:
        print(site, json.dumps(fit(rows, site)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
