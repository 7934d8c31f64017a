"""Speed of the live per-frame vision path beside the bare MediaPipe call, in one run.

For each input (the demo recording's front frames, and a synthetic scene's front photo
shown as a still video) at each resolution (1080x1920 portrait as recorded, and 640x480:
the frame scaled into a 480x640 portrait camera's picture), it times per frame:

- ``bare``: MediaPipe Pose alone (complexity 1, segmentation on, video mode) on the RGB
  frame as the camera gives it; ``bare_small``: the same on the downscaled frame the
  adapter feeds it (the stricter comparison);
- ``adapter``: ``MediaPipePoseEstimator.estimate`` (downscale, one colour conversion, the
  model, landmarks into our types, the mask at full size);
- ``stance``: adapter + ``StanceChecker.check``; ``stance_seg``: + the selfie segmenter
  that finds a second person;
- ``path``: the live per-frame path as the kiosk runs it, ``LegMeasurer.add`` (pose,
  mask, stance checker, edges and profiles of both legs when the frame is accepted);
  ``path_seg``: the same with the selfie segmenter in the checker.

Each stage runs on its own estimator over the same frames after a warm-up; the figure is
the median time per frame. Targets: the path at >= 25 fps at 640x480 and <= 30 % over the
bare model. Prints a table and writes bench/results/speed.json (with the machine's load,
which on a shared 2-core machine moves every figure).

    python bench/speed.py [--frames 40] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import platform
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from calibration.calibration_file import load_calibration  # noqa: E402
from calibration.camera import CameraCalibration, Intrinsics  # noqa: E402
from calibration.floor import estimate_floor_pose  # noqa: E402
from calibration.mat import MatSpec, load_mat_spec  # noqa: E402
from vision.measurer import LegMeasurer  # noqa: E402
from vision.pose_mediapipe import (  # noqa: E402
    MediaPipePoseEstimator,
    MediaPipeSelfieSegmenter,
    downscale_for_model,
)
from vision.sources import VideoFileSource, iter_frames, read_image  # noqa: E402
from vision.stance import StanceChecker  # noqa: E402
from vision.types import Frame, Stance  # noqa: E402

SHARED = REPO.parent / "shared" / "data"
RESULTS = REPO / "bench" / "results" / "speed.json"
TARGETS = {"path_fps_640x480": 25.0, "path_overhead_pct": 30.0}
WARM_UP = 5


def _small_portrait(image_bgr: np.ndarray, size_wh=(480, 640)) -> tuple[np.ndarray, float,
                                                                           float]:
    """The frame as a 480x640 portrait camera (a 640x480 sensor on its side) would see it:
    scaled to the height, padded left and right. Returns image, scale and x offset."""
    w, h = size_wh
    s = h / image_bgr.shape[0]
    scaled = cv2.resize(image_bgr, (round(image_bgr.shape[1] * s), h),
                        interpolation=cv2.INTER_AREA)
    pad = (w - scaled.shape[1]) // 2
    out = cv2.copyMakeBorder(scaled, 0, 0, pad, w - scaled.shape[1] - pad,
                             cv2.BORDER_REPLICATE)
    return out, s, float(pad)


def _scaled_calibration(cal: CameraCalibration, s: float, dx: float,
                        size_wh: tuple[int, int]) -> CameraCalibration:
    """The same camera (same pose) with its pixels scaled by s and shifted by dx."""
    k = cal.intrinsics.k_3x3.copy()
    k[0, 0] *= s
    k[1, 1] *= s
    k[0, 2] = (k[0, 2] + 0.5) * s - 0.5 + dx
    k[1, 2] = (k[1, 2] + 0.5) * s - 0.5
    return CameraCalibration(Intrinsics(size_wh, k, cal.intrinsics.dist_coeffs),
                             cal.floor_pose)


def _inputs(mat: MatSpec, n_frames: int):
    """(name, frames, calibration with floor pose) at the recorded resolution."""
    demo_cal = load_calibration(SHARED / "demo" / "calibration.json")
    with VideoFileSource(SHARED / "demo" / "fitting-demo.mp4") as src:
        demo = [f.image_bgr for f in iter_frames(src)][:60]  # frames 0-59: front stance
    demo = (demo * (1 + n_frames // len(demo)))[:n_frames + WARM_UP]
    demo_cal = demo_cal.with_floor_pose(
        estimate_floor_pose(demo[0], demo_cal.intrinsics, mat))
    scene_dir = SHARED / "synthetic-dev" / "scene_1000"
    still = read_image(scene_dir / "front.png")
    scene_cal = load_calibration(scene_dir / "calibration.json")
    scene_cal = scene_cal.with_floor_pose(estimate_floor_pose(still, scene_cal.intrinsics,
                                                              mat))
    yield "demo video", demo, demo_cal
    yield "synthetic scene", [still] * (n_frames + WARM_UP), scene_cal


def _time(step: Callable[[Frame], object], images: list[np.ndarray]) -> dict:
    times = []
    for i, image in enumerate(images):
        frame = Frame(image, i / 15, i)
        t0 = time.perf_counter()
        step(frame)
        if i >= WARM_UP:
            times.append((time.perf_counter() - t0) * 1000)
    med = statistics.median(times)
    return {"median_ms": round(med, 2), "mean_ms": round(statistics.fmean(times), 2),
            "p90_ms": round(float(np.percentile(times, 90)), 2), "fps": round(1000 / med, 1)}


def _stages(images: list[np.ndarray], cal: CameraCalibration, mat: MatSpec) -> dict:
    out: dict[str, dict] = {}
    rgb = [cv2.cvtColor(im, cv2.COLOR_BGR2RGB) for im in images]
    small = [downscale_for_model(im, 640) for im in images]

    with MediaPipePoseEstimator(downscale_long_side_px=None) as est:
        it = iter(rgb)
        out["bare"] = _time(lambda f: est.run_model_only(next(it)), images)
    with MediaPipePoseEstimator(downscale_long_side_px=None) as est:
        it = iter(small)
        out["bare_small"] = _time(lambda f: est.run_model_only(next(it)), images)
    with MediaPipePoseEstimator() as est:
        out["adapter"] = _time(est.estimate, images)
    with MediaPipePoseEstimator() as est:
        checker = StanceChecker(cal, mat)
        out["stance"] = _time(lambda f: checker.check(f, est.estimate(f), Stance.FRONT), images)
    seg = MediaPipeSelfieSegmenter()
    try:
        with MediaPipePoseEstimator() as est:
            checker = StanceChecker(cal, mat, segmenter=seg)
            out["stance_seg"] = _time(lambda f: checker.check(f, est.estimate(f), Stance.FRONT),
                                      images)
        for name, segmenter in (("path", None), ("path_seg", seg)):
            with MediaPipePoseEstimator() as est:
                measurer = LegMeasurer(cal, mat, est,
                                       lambda c, s=segmenter: StanceChecker(c, mat, segmenter=s))
                accepted = []
                out[name] = _time(lambda f, m=measurer, a=accepted:
                                  a.append(m.add(f, Stance.FRONT).accepted), images)
                out[name]["accepted_share"] = round(sum(accepted[WARM_UP:])
                                                    / max(1, len(accepted) - WARM_UP), 2)
    finally:
        seg.close()
    bare = out["bare"]["median_ms"]
    bare_small = out["bare_small"]["median_ms"]
    for name in ("adapter", "stance", "stance_seg", "path", "path_seg"):
        out[name]["over_bare_pct"] = round((out[name]["median_ms"] / bare - 1) * 100, 1)
        out[name]["over_bare_small_pct"] = round((out[name]["median_ms"] / bare_small - 1)
                                                 * 100, 1)
    return out


def _profile(images: list[np.ndarray], cal: CameraCalibration, mat: MatSpec) -> None:
    with MediaPipePoseEstimator() as est:
        measurer = LegMeasurer(cal, mat, est, lambda c: StanceChecker(c, mat))
        prof = cProfile.Profile()
        for i, image in enumerate(images):
            if i == WARM_UP:
                prof.enable()
            measurer.add(Frame(image, i / 15, i), Stance.FRONT)
        prof.disable()
    pstats.Stats(prof).sort_stats("tottime").print_stats(15)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--frames", type=int, default=40, help="timed frames per stage")
    ap.add_argument("--profile", action="store_true", help="profile the path at each size")
    args = ap.parse_args(argv)
    cv2.setNumThreads(1)  # the kiosk's vision worker is one thread beside the UI
    mat = load_mat_spec()
    runs = []
    for name, images, cal in _inputs(mat, args.frames):
        small = [_small_portrait(im) for im in images]
        s, dx = small[0][1], small[0][2]
        cal_small = _scaled_calibration(cal, s, dx, (480, 640))
        for res, imgs, c in (("1080x1920", images, cal),
                             ("640x480", [im for im, _, _ in small], cal_small)):
            print(f"timing {name} at {res} ...", flush=True)
            if args.profile:
                _profile(imgs, c, mat)
            runs.append({"input": name, "resolution": res, "stages": _stages(imgs, c, mat)})

    print()
    header = (f"{'input':16} {'res':9} {'stage':11} {'ms':>7} {'fps':>6} {'vs bare':>8} "
              f"{'vs small':>8} {'accepted':>8}")
    print(header)
    print("-" * len(header))
    for run in runs:
        for stage, r in run["stages"].items():
            print(f"{run['input']:16} {run['resolution']:9} {stage:11} {r['median_ms']:7.1f} "
                  f"{r['fps']:6.1f} {r.get('over_bare_pct', 0):+7.1f}% "
                  f"{r.get('over_bare_small_pct', 0):+7.1f}% "
                  f"{r.get('accepted_share', ''):>8}")
    path_640 = [r["stages"]["path"] for r in runs if r["resolution"] == "640x480"]
    meets = {
        "path_fps_640x480": all(p["fps"] >= TARGETS["path_fps_640x480"] for p in path_640),
        "path_overhead_pct": all(r["stages"]["path"]["over_bare_pct"]
                                 <= TARGETS["path_overhead_pct"] for r in runs),
    }
    result = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                   f"Python {platform.python_version()}",
        "load_average_1min_at_end": os.getloadavg()[0],
        "frames_per_stage": args.frames,
        "runs": runs,
        "targets": TARGETS,
        "meets_targets": meets,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", "utf-8")
    print(f"\nmeets targets: {meets}   (load average {result['load_average_1min_at_end']:.1f})")
    print(f"written: {RESULTS.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
