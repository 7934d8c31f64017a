"""Measured -> recommended -> right without staff: the camera's decisions on generated scenes.

Every scene of ``--scenes DIR`` (../shared/tools/synth, rendered with ``--meta``) is
measured by the same pipeline as ``legfit measure`` (through ``bench/accuracy.py``, or
read back from its results with ``--from``) and decided by ``fitting.recommend.decide``
for a shopper who answers every screener question "no" and wants an everyday stocking,
against the store catalogue (the bundled demo one by default). The same shopper's exact
girths, as a fitter's tape would give them, are decided too. Each scene ends as:

- ``right``: a recommendation whose every size holds the true cB within 3 mm, cC within
  5 mm and the true length within 20 mm of its ranges; or a made-to-measure or a
  referral where the exact girths give the same;
- ``wrong fit``: a recommendation that misses that (too small / too long are the harmful
  directions, too big / too short the loose ones);
- ``needless``: a made-to-measure or referral the exact girths do not give;
- ``staff check`` and ``refused``: not decided by the camera alone;
- a referral for asymmetry (a possible clot) that the exact girths give and the camera
  answer does not carry, neither as a referral nor as a staff check that says so, is
  ``missed``.

    python bench/decisions.py --scenes DIR [--from bench/results/accuracy_DIR.json]
                              [--catalogue DIR] [--frames exact|...]

Prints the shares overall and per condition and writes bench/results/decisions_<DIR>.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench import accuracy  # noqa: E402
from bench.conditions import CONDITIONS, scene_conditions  # noqa: E402
from fitting.catalogue import Catalogue, load_catalogue  # noqa: E402
from fitting.measurement import LegMeasurement, Measurement, MeasurementSource  # noqa: E402
from fitting.outcome import Outcome, Purpose  # noqa: E402
from fitting.recommend import Decision, decide  # noqa: E402
from fitting.screener import QUESTION_IDS, Answers  # noqa: E402

# How far outside a size's range a true figure may lie and the stocking still fit, as a
# fitter holding the exact girths would accept it (mm).
TOLERANCE_MM = {"ankle": 3.0, "calf": 5.0, "length": 20.0}
TARGETS = {"decided_right_share": 0.85, "wrong_fit_share": 0.03, "missed_referrals": 0}


def all_no() -> Answers:
    return Answers(dict.fromkeys(QUESTION_IDS, False), Purpose.EVERYDAY)


def truth_measurement(truth: dict) -> Measurement:
    legs = {leg: LegMeasurement(ankle_mm=truth[leg]["ankle_mm"], calf_mm=truth[leg]["calf_mm"],
                                knee_high_length_mm=truth[leg]["knee_high_length_mm"])
            for leg in ("left", "right")}
    return Measurement(legs["left"], legs["right"], MeasurementSource.TAPE)


def _miss(value: float, rng: tuple[float, float] | None, tol: float) -> float:
    """How far (mm) ``value`` lies above (+) or below (-) ``rng`` widened by ``tol``."""
    if rng is None:
        return 0.0
    lo, hi = rng
    return value - (hi + tol) if value > hi + tol else value - (lo - tol) if value < lo - tol \
        else 0.0


def fit_errors(decision: Decision, catalogue: Catalogue, truth: dict) -> list[str]:
    """What is wrong with each recommended size for the true legs ([] when all fit)."""
    products = {p.id: p for p in catalogue.products}
    wrong = []
    for choice in decision.recommendations:
        size = next(s for s in products[choice.product_id].sizes if s.size == choice.size)
        length = next((v for v in size.lengths if v.name == choice.length), None)
        for leg in choice.legs:
            t = truth[leg.value]
            for name, miss, big, small in (
                    ("ankle", _miss(t["ankle_mm"], size.ankle_mm, TOLERANCE_MM["ankle"]),
                     "too small", "too big"),
                    ("calf", _miss(t["calf_mm"], size.calf_mm, TOLERANCE_MM["calf"]),
                     "too small", "too big"),
                    ("length", _miss(t["knee_high_length_mm"],
                                     length.knee_high_length_mm if length else None,
                                     TOLERANCE_MM["length"]), "too short", "too long")):
                if miss:
                    wrong.append(f"{leg.value} {name} {big if miss > 0 else small} "
                                 f"by {abs(miss):.1f} mm")
    return wrong


def _asymmetry(decision: Decision) -> bool:
    return decision.possible_clot


def judge(camera: Decision | None, exact: Decision, catalogue: Catalogue, truth: dict
          ) -> tuple[str, str]:
    """(verdict, detail) for one scene: right, wrong fit, needless, staff check, refused."""
    missed = exact.outcome.is_referral and _asymmetry(exact) and (
        camera is None or not _asymmetry(camera))
    if camera is None:
        return ("missed referral" if missed else "refused"), ""
    if missed and camera.outcome in (Outcome.RECOMMEND, Outcome.MADE_TO_MEASURE):
        return "missed referral", camera.outcome.value
    if camera.outcome is Outcome.STAFF_CHECK:
        return "staff check", ", ".join(r.code for r in camera.reasons if r.action)
    if camera.outcome is Outcome.RECOMMEND:
        wrong = fit_errors(camera, catalogue, truth)
        return ("wrong fit", "; ".join(wrong)) if wrong else ("right", "")
    if camera.outcome is exact.outcome:
        return "right", camera.outcome.value
    return "needless", f"{camera.outcome.value} (exact: {exact.outcome.value})"


def _measured(results: dict) -> dict[str, dict | None]:
    """Scene -> its camera measurement (None: refused) from accuracy.py's results."""
    out: dict[str, dict | None] = {r["scene"]: None for r in results["refused"]}
    for row in results["rows"]:
        out[row["scene"]] = row["measurement"]
    return out


def shares(verdicts: list[str]) -> dict:
    n = len(verdicts)
    count = Counter(verdicts)
    decided = count["right"] + count["wrong fit"] + count["needless"] + count["missed referral"]
    return {"scenes": n, "counts": dict(count),
            "decided_share": round(decided / n, 3) if n else None,
            "decided_right_share": round(count["right"] / n, 3) if n else None,
            "wrong_fit_share": round(count["wrong fit"] / n, 3) if n else None,
            "missed_referrals": count["missed referral"]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scenes", type=Path, required=True)
    ap.add_argument("--from", dest="results", type=Path, default=None,
                    help="accuracy.py's results for these scenes (else they are measured)")
    ap.add_argument("--catalogue", type=Path, default=None)
    ap.add_argument("--frames", choices=accuracy.FRAMES, default="exact")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    catalogue = load_catalogue(args.catalogue)
    if args.results is None:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "accuracy.json"
            accuracy.main(["--scenes", str(args.scenes), "--frames", args.frames,
                           "--out", str(out)])
            results = json.loads(out.read_text())
    else:
        results = json.loads(args.results.read_text())
    measured = _measured(results)
    answers = all_no()
    rows = []
    print(f"{'scene':<14}{'camera':<16}{'exact':<16}verdict")
    for scene in sorted(p for p in args.scenes.glob("scene_*") if p.name in measured):
        truth = json.loads((scene / "truth.json").read_text())
        exact = decide(truth_measurement(truth), answers, catalogue)
        got = measured[scene.name]
        camera = None if got is None else decide(Measurement.from_dict(got), answers, catalogue)
        verdict, detail = judge(camera, exact, catalogue, truth)
        rows.append({"scene": scene.name, "verdict": verdict, "detail": detail,
                     "camera": None if camera is None else camera.outcome.value,
                     "exact": exact.outcome.value, "conditions": scene_conditions(scene),
                     "sizes": None if camera is None else [
                         [c.size, c.length, [leg.value for leg in c.legs]]
                         for c in camera.recommendations]})
        print(f"{scene.name:<14}{rows[-1]['camera'] or 'refused':<16}{exact.outcome.value:<16}"
              f"{verdict}  {detail}")
    overall = shares([r["verdict"] for r in rows])
    by_condition = {name: {value: shares([r["verdict"] for r in rows
                                          if r["conditions"][name] == value])
                           for value in sorted({r["conditions"][name] for r in rows})}
                    for name in CONDITIONS}
    print()
    print(f"{'condition':<16}{'bin':<20}{'scenes':>7}{'decided':>9}{'right':>8}{'wrong':>7}"
          f"{'staff':>7}{'refused':>8}")
    for name, bins in [("all", {"": overall}), *by_condition.items()]:
        for value, s in bins.items():
            c = s["counts"]
            print(f"{name:<16}{value:<20}{s['scenes']:>7}{s['decided_share']:>9.0%}"
                  f"{s['decided_right_share']:>8.0%}{s['wrong_fit_share']:>7.0%}"
                  f"{c.get('staff check', 0):>7}{c.get('refused', 0):>8}")
    met = (overall["decided_right_share"] >= TARGETS["decided_right_share"]
           and overall["wrong_fit_share"] <= TARGETS["wrong_fit_share"]
           and overall["missed_referrals"] <= TARGETS["missed_referrals"])
    print(f"\ndecided and right {overall['decided_right_share']:.1%}, wrong fits "
          f"{overall['wrong_fit_share']:.1%}, missed referrals {overall['missed_referrals']}; "
          f"targets met: {met}")
    out = args.out or REPO / "bench" / "results" / f"decisions_{args.scenes.resolve().name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({
        "what": "camera decisions against the exact girths' decisions, a shopper answering "
                "every screener question no, everyday purpose",
        "scenes_dir": args.scenes.resolve().name, "frames": args.frames,
        "tolerance_mm": TOLERANCE_MM, "targets": TARGETS, "targets_met": met,
        "overall": overall, "by_condition": by_condition, "rows": rows}, indent=2))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
