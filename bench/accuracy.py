"""Accuracy of the camera measurement against exact tape girths (synthetic scenes).

For every scene in ../shared/data/synthetic-dev (front.png, side.png, calibration.json,
truth.json) this runs the same pipeline as ``legfit measure`` (MediaPipe pose and mask by
default; ``--landmarks truth`` uses the scene's true landmarks and mask to separate the
geometry's error from the pose model's) and compares cB, cC and the knee-high length with
the truth. Prints a table and writes bench/results/accuracy.json: per-scene errors, MAE,
RMSE and worst case per measure, and the share of legs sized as the truth would be in the
demo catalogue (when it loads). The demo video is measured end to end too (``--demo``).

``--scenes DIR`` measures any folder of generated scenes (../shared/tools/synth, rendered
with ``--meta``) and breaks the errors, their sd coverage and the refusals down by the
conditions each scene was rendered under (``bench/conditions.py``); every row keeps the
whole measurement, so ``bench/decisions.py --from`` can decide on it without measuring
again. Results go to bench/results/accuracy_<DIR's name>.json.

    python bench/accuracy.py [--scenes DIR] [--landmarks mediapipe|truth] [--demo]
                             [--frames exact|yuv420|jpeg85|noisy|dim|bright]
                             [--off-prints-mm D] [--front-only]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import sys
import tempfile
import time
import zlib
from pathlib import Path

import cv2
import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.conditions import breakdown, print_breakdown, scene_conditions  # noqa: E402
from calibration.calibration_file import load_calibration  # noqa: E402
from calibration.mat import load_mat_spec  # noqa: E402
from fitting.measurement import Leg  # noqa: E402
from fitting.stance import Stance  # noqa: E402
from vision.errors import MeasurementRefused  # noqa: E402
from vision.fakes import FakePoseEstimator, landmarks_from_truth  # noqa: E402
from vision.measurer import LegMeasurer, measure_paths  # noqa: E402
from vision.types import Frame, PoseResult  # noqa: E402

SHARED = REPO.parent / "shared" / "data"
MEASURES = (("ankle_mm", "cB"), ("calf_mm", "cC"), ("knee_high_length_mm", "lD"))
TARGETS = {"cB_mae_mm": 3.0, "cC_mae_mm": 5.0, "worst_girth_mm": 8.0}


def _mediapipe_factory(static: bool):
    from vision.pose_mediapipe import MediaPipePoseEstimator

    return MediaPipePoseEstimator(static_image_mode=static)


def _checker_factory(mat, segmenter=None):
    from vision.stance import StanceChecker

    return lambda calibration: StanceChecker(calibration, mat, segmenter=segmenter,
                                             still_frames=1)


def _segmenter():
    from vision.pose_mediapipe import MediaPipeSelfieSegmenter

    return MediaPipeSelfieSegmenter()


# What the camera itself does before the link (``--frames``): (exposure scale, sensor
# noise sd in grey levels per channel). ``noisy``: auto exposure at high gain in a dim
# store; ``dim``: a fixed exposure in half the light; ``bright``: a third more exposure
# (the camera metering a dark background), pale skin near white.
SENSOR = {"noisy": (1.0, 4.0), "dim": (0.5, 3.0), "bright": (1.35, 0.0)}
FRAMES = ("exact", "yuv420", "jpeg85", *SENSOR)


def prints_moved(mat, toward_camera_mm: float):
    """The mat with every footprint moved ``toward_camera_mm`` toward the camera (-y).

    The camera's pose comes from the markers, not the prints, so measuring with these
    prints is measuring a shopper who stands that far behind the real ones
    (``--off-prints-mm``): what misplaced feet cost, since each leg's distance from the
    camera is taken from its print.
    """
    def moved(fp):
        return dataclasses.replace(
            fp, heel_xy_mm=(fp.heel_xy_mm[0], fp.heel_xy_mm[1] - toward_camera_mm),
            toe_xy_mm=(fp.toe_xy_mm[0], fp.toe_xy_mm[1] - toward_camera_mm))

    stances = {name: dataclasses.replace(s, left=moved(s.left), right=moved(s.right))
               for name, s in mat.stances.items()}
    return dataclasses.replace(mat, stances=stances)


def camera_frame(image_bgr: np.ndarray, frames: str, seed: int = 0) -> np.ndarray:
    """A lossless frame as a camera link delivers it (``--frames``).

    The ``SENSOR`` conditions scale the exposure and add noise (drawn from ``seed``),
    then pass through the link's 4:2:0 colour.
    """
    if frames in SENSOR:
        exposure, noise_sd = SENSOR[frames]
        image = image_bgr * exposure
        if noise_sd > 0:
            image = image + np.random.default_rng(seed).normal(0.0, noise_sd, image.shape)
        image_bgr = np.clip(np.round(image), 0, 255).astype(np.uint8)
        frames = "yuv420"
    if frames == "yuv420":
        yuv = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2YUV_I420)
        return cv2.cvtColor(yuv, cv2.COLOR_YUV2BGR_I420)
    if frames == "jpeg85":
        ok, data = cv2.imencode(".jpg", image_bgr, [
            cv2.IMWRITE_JPEG_QUALITY, 85,
            cv2.IMWRITE_JPEG_SAMPLING_FACTOR, cv2.IMWRITE_JPEG_SAMPLING_FACTOR_420])
        if not ok:
            raise RuntimeError("JPEG encoding failed")
        return cv2.imdecode(data, cv2.IMREAD_COLOR)
    return image_bgr


def scene_views(scene: Path, frames: str, scratch: Path, count: int = 1
                ) -> tuple[list[Path], list[Path]]:
    """The scene's front and side images, passed through ``camera_frame`` into scratch:
    ``count`` frames per view, each with its own sensor noise (a camera's successive frames
    of a person standing still)."""
    if frames == "exact":
        return [scene / "front.png"], [scene / "side.png"]
    out: dict[str, list[Path]] = {"front": [], "side": []}
    for view in out:
        image = cv2.imread(str(scene / f"{view}.png"))
        for i in range(count):
            path = scratch / f"{scene.name}_{view}_{i}.png"
            seed = zlib.crc32(f"{scene.name}/{view}/{i}".encode())  # the same noise every run
            cv2.imwrite(str(path), camera_frame(image, frames, seed))
            out[view].append(path)
    return out["front"], out["side"]


def measure_scene_truth(scene: Path, calibration, mat, truth: dict):
    """The pipeline with the scene's true landmarks and mask in place of the pose model."""
    measurer = None
    for view, stance in (("front", Stance.FRONT), ("side", Stance.SIDE)):
        image = cv2.imread(str(scene / f"{view}.png"))
        mask = (cv2.imread(str(scene / f"{view}_mask.png"), cv2.IMREAD_GRAYSCALE) / 255.0
                ).astype(np.float32)
        lm = landmarks_from_truth(truth, view, (image.shape[1], image.shape[0]))
        fake = FakePoseEstimator([PoseResult(lm, mask)])
        if measurer is None:
            # The truth's knee landmark is the knee point itself (mid-patella).
            measurer = LegMeasurer(calibration, mat, fake, knee_above_landmark_mm=0.0,
                                   knee_from_stature=False)
        measurer.pose_estimator = fake
        measurer.add(Frame(image, 0.0, 0), stance)
    return measurer.result()


def size_of(catalogue, ankle_mm: float, calf_mm: float) -> str | None:
    """The size the RAL rule picks in the first knee-high line: cB chooses, cC must fit."""
    product = next((p for p in catalogue.products if "knee" in p.style.lower()),
                   catalogue.products[0])
    for size in product.sizes:
        if size.fits_ankle(ankle_mm):
            return size.size if size.fits_calf(calf_mm) else f"{size.size}*"
    return None


def _stats(errors: list[float], sds: list[float | None]) -> dict[str, float]:
    """MAE, RMSE, bias, worst case, and how often the reported sd covers the error (about
    68 % within 1 sd and 95 % within 2 for an honest sd)."""
    e = np.asarray(errors, float)
    if e.size == 0:
        return {}
    out = {"n": int(e.size), "mae_mm": round(float(np.mean(np.abs(e))), 2),
           "rmse_mm": round(float(math.sqrt(np.mean(e ** 2))), 2),
           "bias_mm": round(float(np.mean(e)), 2),
           "worst_mm": round(float(np.max(np.abs(e))), 2)}
    sd = np.asarray([np.nan if v is None else v for v in sds], float)
    if np.isfinite(sd).all():
        out["within_1_sd_share"] = round(float(np.mean(np.abs(e) <= sd)), 2)
        out["within_2_sd_share"] = round(float(np.mean(np.abs(e) <= 2 * sd)), 2)
    return out


def measure_demo(mat, use_checker: bool) -> dict:
    demo = SHARED / "demo"
    truth = json.loads((demo / "truth.json").read_text())
    calibration = load_calibration(demo / "calibration.json")
    video = demo / "fitting-demo.mp4"
    started = time.perf_counter()
    result, _ = measure_paths([video], [video], calibration, mat, _mediapipe_factory,
                              checker_factory=_checker_factory(mat) if use_checker else None)
    out = {"seconds": round(time.perf_counter() - started, 1),
           "frames": result.diagnostics["frames"], "legs": {}}
    for leg in ("left", "right"):
        got = result.measurement.leg(Leg(leg)).to_dict()
        out["legs"][leg] = {
            label: {"measured": got.get(key), "truth": truth[leg][key],
                    "error_mm": round(got[key] - truth[leg][key], 1) if key in got else None,
                    "sd_mm": got.get(key.replace("_mm", "_sd_mm"))}
            for key, label in MEASURES}
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scenes", type=Path, default=SHARED / "synthetic-dev",
                    help="a folder of scene_* folders (default: the development scenes)")
    ap.add_argument("--landmarks", choices=("mediapipe", "truth"), default="mediapipe")
    ap.add_argument("--no-checker", action="store_true",
                    help="skip the stance checker (the measurer's own checks only)")
    ap.add_argument("--demo", action="store_true", help="also measure the demo video")
    ap.add_argument("--frames", choices=FRAMES, default="exact",
                    help="what the camera link does to the frames first")
    ap.add_argument("--frames-per-view", type=int, default=1,
                    help="frames per view, each with its own sensor noise (noisy, dim)")
    ap.add_argument("--front-only", action="store_true",
                    help="measure the front view alone (the depth from the priors)")
    ap.add_argument("--off-prints-mm", type=float, default=0.0,
                    help="the shopper stands this far behind the prints (farther from the "
                         "camera; negative: nearer), in both stances")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args(argv)
    if args.frames_per_view < 1 or (args.frames_per_view > 1
                                    and SENSOR.get(args.frames, (1.0, 0.0))[1] == 0):
        ap.error("--frames-per-view above 1 needs frames with sensor noise (noisy, dim)")
    if args.frames != "exact" and args.landmarks == "truth":
        ap.error("--frames needs the pose model (--landmarks mediapipe)")
    if args.out is None:
        name = "accuracy.json" if args.frames == "exact" else f"accuracy_{args.frames}.json"
        if args.scenes.resolve() != (SHARED / "synthetic-dev").resolve():
            name = name.replace("accuracy", f"accuracy_{args.scenes.resolve().name}")
        if args.frames_per_view > 1:
            name = name.replace(".json", f"_x{args.frames_per_view}.json")
        if args.off_prints_mm:
            name = name.replace(".json", f"_off{args.off_prints_mm:+.0f}mm.json")
        if args.front_only:
            name = name.replace(".json", "_front_only.json")
        args.out = REPO / "bench" / "results" / name

    mat = load_mat_spec()
    if args.off_prints_mm:
        mat = prints_moved(mat, args.off_prints_mm)
    try:
        from fitting.catalogue import load_catalogue

        catalogue = load_catalogue()
    except Exception as exc:  # the bench reports without sizes rather than failing
        print(f"(no size comparison: {exc})")
        catalogue = None

    scenes = sorted(p for p in args.scenes.glob("scene_*") if (p / "truth.json").is_file())
    segmenter = None if args.no_checker or args.landmarks == "truth" else _segmenter()
    rows, errors = [], {label: [] for _, label in MEASURES}
    sds: dict[str, list[float | None]] = {label: [] for _, label in MEASURES}
    size_hits = size_total = 0
    refused = []
    started = time.perf_counter()
    scratch = tempfile.TemporaryDirectory(prefix="legfit-bench-")
    header = (f"{'scene':<11}{'leg':<6}" + "".join(f"{lab + ' meas':>10}{'truth':>8}{'err':>7}"
                                                   for _, lab in MEASURES) + f"{'size':>9}")
    print(header)
    for scene in scenes:
        truth = json.loads((scene / "truth.json").read_text())
        calibration = load_calibration(scene / "calibration.json")
        try:
            if args.landmarks == "truth":
                result = measure_scene_truth(scene, calibration, mat, truth)
            else:
                # The same checker as ``legfit measure``: with the segmenter that sees
                # everyone (the two-people check).
                front, side = scene_views(scene, args.frames, Path(scratch.name),
                                          args.frames_per_view)
                result, _ = measure_paths(
                    front, None if args.front_only else side, calibration, mat,
                    _mediapipe_factory,
                    checker_factory=None if args.no_checker else _checker_factory(
                        mat, segmenter))
        except MeasurementRefused as exc:
            print(f"{scene.name:<11}refused: {exc}")
            refused.append({"scene": scene.name, "reason": str(exc),
                            "conditions": scene_conditions(scene)})
            continue
        measured = result.to_dict()
        for leg in ("left", "right"):
            got = result.measurement.leg(Leg(leg)).to_dict()
            # The whole measurement contract (what decisions.py decides on) and the
            # diagnostics that explain it.
            row = {"scene": scene.name, "leg": leg, "conditions": scene_conditions(scene),
                   "confidence": result.confidence, "measurement": {
                       **result.measurement.to_dict(),
                       **{k: measured[k] for k in ("confidence", "lower_confidence_reasons",
                                                   "legs")}}}
            line = f"{scene.name:<11}{leg:<6}"
            for key, label in MEASURES:
                err = got[key] - truth[leg][key]
                errors[label].append(err)
                sds[label].append(got.get(key.replace("_mm", "_sd_mm")))
                row[label] = {"measured": got[key], "truth": truth[leg][key],
                              "error_mm": round(err, 1),
                              "sd_mm": got.get(key.replace("_mm", "_sd_mm"))}
                line += f"{got[key]:>10.1f}{truth[leg][key]:>8.1f}{err:>+7.1f}"
            if catalogue is not None:
                s_meas = size_of(catalogue, got["ankle_mm"], got["calf_mm"])
                s_true = size_of(catalogue, truth[leg]["ankle_mm"], truth[leg]["calf_mm"])
                row["size"] = {"measured": s_meas, "truth": s_true}
                size_total += 1
                size_hits += s_meas == s_true
                line += f"{(s_meas or '-') + '/' + (s_true or '-'):>9}"
            rows.append(row)
            print(line)
    elapsed = time.perf_counter() - started
    scratch.cleanup()
    if segmenter is not None:
        segmenter.close()

    summary = {label: _stats(e, sds[label]) for label, e in errors.items()}
    girth_errors = [abs(e) for lab in ("cB", "cC") for e in errors[lab]]
    summary["worst_girth_mm"] = round(max(girth_errors), 2) if girth_errors else None
    summary["legs_worse_than_8mm"] = int(sum(e > 8.0 for e in girth_errors))
    if size_total:
        summary["size_match_share"] = round(size_hits / size_total, 3)
    targets_met = bool(summary.get("cB") and summary.get("cC")
                       and summary["cB"]["mae_mm"] <= TARGETS["cB_mae_mm"]
                       and summary["cC"]["mae_mm"] <= TARGETS["cC_mae_mm"]
                       and summary["worst_girth_mm"] <= TARGETS["worst_girth_mm"]
                       and not refused)
    print()
    for label in ("cB", "cC", "lD"):
        s = summary[label]
        if s:
            cover = (f"  within 1 / 2 sd: {s['within_1_sd_share']:.0%} / "
                     f"{s['within_2_sd_share']:.0%}" if "within_1_sd_share" in s else "")
            print(f"{label}: MAE {s['mae_mm']:.2f} mm  RMSE {s['rmse_mm']:.2f} mm  "
                  f"bias {s['bias_mm']:+.2f} mm  worst {s['worst_mm']:.2f} mm  (n={s['n']})"
                  + cover)
    if size_total:
        print(f"size as the truth's: {size_hits}/{size_total} legs "
              f"({100 * size_hits / size_total:.0f} %)")
    print(f"legs with a girth worse than 8 mm: {summary['legs_worse_than_8mm']}; "
          f"refused scenes: {len(refused)}; targets met: {targets_met}; {elapsed:.0f} s")

    by_condition = breakdown(rows, refused, ("cB", "cC", "lD"))
    if any(r["conditions"]["garment"] != "unknown" for r in rows):
        print()
        print_breakdown(by_condition, ("cB", "cC", "lD"))

    demo = None
    if args.demo:
        demo = measure_demo(mat, not args.no_checker)
        print("demo video:", json.dumps(demo["legs"]))

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "what": "camera girths vs exact tape girths on the synthetic development scenes",
        "landmarks": args.landmarks, "stance_checker": not args.no_checker,
        "frames": args.frames,
        "frames_per_view": args.frames_per_view, "front_only": args.front_only,
        "off_prints_mm": args.off_prints_mm,
        "scenes": len(scenes), "targets": TARGETS, "targets_met": targets_met,
        "scenes_dir": args.scenes.resolve().name,
        "summary": summary, "by_condition": by_condition, "refused": refused, "rows": rows,
        "demo_video": demo,
        "seconds": round(elapsed, 1)}, indent=2))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
