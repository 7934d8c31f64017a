"""How many real people fit the demo catalogue's everyday knee-high off the shelf.

Every ANSUR II soldier (4,082 men, 1,986 women; Gordon et al. 2014) goes through the RAL
sizing of ``fitting.sizing`` against the bundled demo catalogue's everyday knee-high, and
we count standard size / made-to-measure / staff check by sex. Stores report 80-95 % on a
standard size; a chart far outside that is a bad chart.

- ``tape``: the survey's own tape girths, no uncertainty (what a fitter would measure).
- ``camera sd 2 mm`` / ``camera sd 3 mm``: the same girths given a camera-like 1-sigma
  spread (and 5 mm on the length), to show how many fittings the sizing engine's rule
  near a boundary (``fitting.sizing``) sends to a staff check.
- ``camera as measured``: the sds the camera reports on the generated 'wide' scenes
  (medians on seeds 930000-930149: cB 2.6, cC 4.2, lD 12.3 mm).

The knee-high length lD is not in the survey. We take it as the camera does: the knee
point (mid-patella, ``kneeheightmidpatella``) minus 35 mm, two finger widths. Heinz et
al. 2003 (507 active adults) runs too, its lD estimated from stature with the ANSUR II
ratio of mid-patella knee height to stature.

Run from anywhere: ``python bench/population.py``. Writes bench/results/population.json.
"""

from __future__ import annotations

import csv
import json
import sys
from collections import Counter
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from fitting.catalogue import load_catalogue  # noqa: E402
from fitting.measurement import LegMeasurement  # noqa: E402
from fitting.sizing import FitStatus, size_leg  # noqa: E402

ANTHROPOMETRY = REPO_ROOT.parent / "shared" / "data" / "anthropometry"
RESULTS = REPO_ROOT / "bench" / "results" / "population.json"
PRODUCT_ID = "demo-everyday-knee-high"
KNEE_CREASE_TO_CD_MM = 35.0  # two finger widths below the knee crease
# (ankle sd, calf sd, length sd) in mm; "camera as measured": the typical sds the camera
# reports on the generated 'wide' scenes (medians on seeds 930000-930149).
RUNS = {"tape": (None, None, None), "camera sd 2 mm": (2.0, 2.0, 5.0),
        "camera sd 3 mm": (3.0, 3.0, 5.0), "camera as measured": (2.6, 4.2, 12.3)}


def _ansur(sex: str) -> list[dict[str, float]]:
    name, encoding = {"male": ("ANSUR_II_MALE_Public.csv", "latin-1"),
                      "female": ("ANSUR_II_FEMALE_Public.csv", "utf-8")}[sex]
    with open(ANTHROPOMETRY / "ansur2" / name, encoding=encoding, newline="") as f:
        return [{"ankle_mm": float(r["anklecircumference"]),
                 "calf_mm": float(r["calfcircumference"]),
                 "tibial_mm": float(r["kneeheightmidpatella"]),
                 "stature_mm": float(r["stature"])} for r in csv.DictReader(f)]


def _heinz(tibial_per_stature: float) -> dict[str, list[dict[str, float]]]:
    people: dict[str, list[dict[str, float]]] = {"male": [], "female": []}
    with open(ANTHROPOMETRY / "heinz-bdims" / "bdims.csv", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            stature_mm = float(r["hgt"]) * 10
            people["male" if r["sex"] == "1" else "female"].append(
                {"ankle_mm": float(r["ank.gi"]) * 10, "calf_mm": float(r["cal.gi"]) * 10,
                 "tibial_mm": stature_mm * tibial_per_stature, "stature_mm": stature_mm})
    return people


def _shares(product, people, ankle_sd_mm, calf_sd_mm, length_sd_mm) -> dict[str, object]:
    counts: Counter[str] = Counter()
    codes: Counter[str] = Counter()
    straddles: Counter[str] = Counter()
    for p in people:
        leg = LegMeasurement(ankle_mm=p["ankle_mm"], calf_mm=p["calf_mm"],
                             knee_high_length_mm=p["tibial_mm"] - KNEE_CREASE_TO_CD_MM,
                             ankle_sd_mm=ankle_sd_mm, calf_sd_mm=calf_sd_mm,
                             knee_high_length_sd_mm=length_sd_mm)
        sizing = size_leg(product, leg)
        counts[sizing.status.value] += 1
        codes[sizing.reasons[0].code] += 1
        for name in sizing.uncertain:
            straddles[name] += 1
    n = len(people)
    return {"n": n,
            **{f"{s.value}_pct": round(100 * counts[s.value] / n, 1) for s in FitStatus},
            "reasons": dict(sorted(codes.items())),
            "straddled_by_pct": {k: round(100 * v / n, 1) for k, v in sorted(straddles.items())}}


def _straddle_note(r: dict) -> str:
    parts = [f"{k} {v:.1f}%" for k, v in r["straddled_by_pct"].items()]
    return f"(boundary within 1 sd: {', '.join(parts)})" if parts else ""


def main() -> int:
    product = load_catalogue().product(PRODUCT_ID)
    ansur = {sex: _ansur(sex) for sex in ("male", "female")}
    everyone = ansur["male"] + ansur["female"]
    ratio = sum(p["tibial_mm"] for p in everyone) / sum(p["stature_mm"] for p in everyone)
    datasets = {"ANSUR II": ansur, "Heinz 2003": _heinz(ratio)}
    results: dict[str, object] = {
        "product_id": PRODUCT_ID, "chart": product.chart.source,
        "length_model": f"lD = mid-patella knee height - {KNEE_CREASE_TO_CD_MM:g} mm "
                        f"(Heinz: stature x "
                        f"{ratio:.4f})",
        "runs": {}}
    print(f"{PRODUCT_ID}: standard / made-to-measure / staff check, % of people")
    print(f"{'data':<11} {'run':<19} {'sex':<7} {'n':>5} {'standard':>9} {'mtm':>6} "
          f"{'staff':>6}")
    for data_name, groups in datasets.items():
        for run_name, sds in RUNS.items():
            groups_all = {**groups, "all": groups["male"] + groups["female"]}
            for sex, people in groups_all.items():
                r = _shares(product, people, *sds)
                results["runs"].setdefault(data_name, {}).setdefault(run_name, {})[sex] = r
                print(f"{data_name:<11} {run_name:<19} {sex:<7} {r['n']:>5} "
                      f"{r['fits_pct']:>8.1f}% {r['made_to_measure_pct']:>5.1f}% "
                      f"{r['staff_check_pct']:>5.1f}%  {_straddle_note(r)}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS.relative_to(REPO_ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
