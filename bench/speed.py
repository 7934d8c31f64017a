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
  that finds a second person, run on every third frame as a live camera allows;
- ``path``: the live per-frame path as the kiosk runs it, ``LegMeasurer.add`` on a camera
  delivering ``CAMERA_FPS`` (pose, mask and stance checker on every frame; edges and
  profiles of both legs on the accepted frames at the live rate, one every
  ``LIVE_PROFILE_INTERVAL_S``); ``path_seg``: the same with the selfie segmenter in the
  checker; ``path_every``: edges and profiles on every accepted frame (what a measured
  frame costs);
- ``measure``: ``LegMeasurer.add`` measuring every frame with the pose model's answers
  replayed (worked out before the timing): everything the metric work adds, alone.

Each stage runs on its own estimator over the same frames, the stages interleaved frame by
frame (the load of a shared machine then falls on all alike), after a warm-up. Since the
path measures only some frames, its figure is the mean time per frame (what the path
sustains), with the median and 90th percentile beside it; fps and "over bare" compare
means. Targets: the path at >= 25 fps at 640x480 and <= 30 % over the bare model. Each
stage's CPU time per frame (``time.process_time``, all of the process' threads, MediaPipe's
included) is reported beside the wall time: other programs on a shared machine inflate it
far less. Prints a table and writes bench/results/speed.json (with the
machine's load at the start and the end, which on a shared 2-core machine moves every
wall-clock figure).

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
from fitting.stance import Stance  # noqa: E402
from vision.measurer import LIVE_PROFILE_INTERVAL_S, LegMeasurer  # noqa: E402
from vision.pose_mediapipe import (  # noqa: E402
    MediaPipePoseEstimator,
    MediaPipeSelfieSegmenter,
    downscale_for_model,
)
from vision.sources import VideoFileSource, iter_frames, read_image  # noqa: E402
from vision.stance import StanceChecker  # noqa: E402
from vision.types import Frame, PoseResult  # noqa: E402

SHARED = REPO.parent / "shared" / "data"
RESULTS = REPO / "bench" / "results" / "speed.json"
TARGETS = {"path_fps_640x480": 25.0, "path_overhead_pct": 30.0}
WARM_UP = 5
CAMERA_FPS = 25.0  # the frame rate the path must keep up with
SEGMENT_EVERY = 3  # the live kiosk's second-person check: every third frame


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


class _ReplayedPoses:
    """A ``PoseEstimator`` that answers with poses worked out beforehand, frame by index."""

    def __init__(self, poses: list[PoseResult]):
        self.poses = poses

    def estimate(self, frame: Frame) -> PoseResult:
        return self.poses[frame.index]

    def close(self) -> None:
        pass


def _stages(images: list[np.ndarray], cal: CameraCalibration, mat: MatSpec) -> dict:
    """Every stage on every frame, interleaved: on a shared machine the load comes and
    goes, and interleaving lets each stage meet the same load (each stage keeps its own
    estimator, so tracking state is not shared)."""
    rgb = [cv2.cvtColor(im, cv2.COLOR_BGR2RGB) for im in images]
    small = [downscale_for_model(im, 640) for im in images]
    with MediaPipePoseEstimator() as replay_source:
        poses = [replay_source.estimate(Frame(im, i / CAMERA_FPS, i))
                 for i, im in enumerate(images)]
    seg = MediaPipeSelfieSegmenter()
    est = {name: MediaPipePoseEstimator(downscale_long_side_px=None if name.startswith("bare")
                                        else 640)
           for name in ("bare", "bare_small", "adapter", "stance", "stance_seg", "path",
                        "path_seg", "path_every")}
    checker = StanceChecker(cal, mat)
    checker_seg = StanceChecker(cal, mat, segmenter=seg, segment_every=SEGMENT_EVERY)
    live = LIVE_PROFILE_INTERVAL_S
    measurer = LegMeasurer(cal, mat, est["path"], lambda c: StanceChecker(c, mat),
                           profile_interval_s=live)
    measurer_seg = LegMeasurer(cal, mat, est["path_seg"],
                               lambda c: StanceChecker(c, mat, segmenter=seg,
                                                       segment_every=SEGMENT_EVERY),
                               profile_interval_s=live)
    measurer_every = LegMeasurer(cal, mat, est["path_every"], lambda c: StanceChecker(c, mat))
    measurer_replay = LegMeasurer(cal, mat, _ReplayedPoses(poses),
                                  lambda c: StanceChecker(c, mat))
    measured: dict[str, list[bool]] = {"path": [], "path_seg": [], "path_every": [],
                                       "measure": []}
    steps: dict[str, Callable[[int, Frame], object]] = {
        "bare": lambda i, f: est["bare"].run_model_only(rgb[i]),
        "bare_small": lambda i, f: est["bare_small"].run_model_only(small[i]),
        "adapter": lambda i, f: est["adapter"].estimate(f),
        "stance": lambda i, f: checker.check(f, est["stance"].estimate(f), Stance.FRONT),
        "stance_seg": lambda i, f: checker_seg.check(f, est["stance_seg"].estimate(f),
                                                     Stance.FRONT),
        "path": lambda i, f: measured["path"].append(measurer.add(f, Stance.FRONT).measured),
        "path_seg": lambda i, f: measured["path_seg"].append(
            measurer_seg.add(f, Stance.FRONT).measured),
        "path_every": lambda i, f: measured["path_every"].append(
            measurer_every.add(f, Stance.FRONT).measured),
        "measure": lambda i, f: measured["measure"].append(
            measurer_replay.add(f, Stance.FRONT).measured),
    }
    times: dict[str, list[float]] = {name: [] for name in steps}
    cpu: dict[str, list[float]] = {name: [] for name in steps}
    names = list(steps)
    try:
        for i, image in enumerate(images):
            frame = Frame(image, i / CAMERA_FPS, i)
            rot = i % len(names)  # rotate the order so no stage always runs first
            for name in names[rot:] + names[:rot]:
                t0, c0 = time.perf_counter(), time.process_time()
                steps[name](i, frame)
                if i >= WARM_UP:
                    times[name].append((time.perf_counter() - t0) * 1000)
                    cpu[name].append((time.process_time() - c0) * 1000)
    finally:
        for e in est.values():
            e.close()
        seg.close()
    out: dict[str, dict] = {}
    for name, ts in times.items():
        mean = statistics.fmean(ts)
        out[name] = {"mean_ms": round(mean, 2), "median_ms": round(statistics.median(ts), 2),
                     "p90_ms": round(float(np.percentile(ts, 90)), 2),
                     "fps": round(1000 / mean, 1),
                     "cpu_mean_ms": round(statistics.fmean(cpu[name]), 2),
                     "cpu_median_ms": round(statistics.median(cpu[name]), 2)}
    for name, got in measured.items():
        out[name]["measured_share"] = round(sum(got[WARM_UP:]) / max(1, len(got) - WARM_UP), 2)
    bare = out["bare"]["mean_ms"]
    bare_small = out["bare_small"]["mean_ms"]
    cpu_bare = out["bare"]["cpu_mean_ms"]
    for name in ("adapter", "stance", "stance_seg", "path", "path_seg", "path_every"):
        out[name]["over_bare_pct"] = round((out[name]["mean_ms"] / bare - 1) * 100, 1)
        out[name]["over_bare_small_pct"] = round((out[name]["mean_ms"] / bare_small - 1)
                                                 * 100, 1)
        out[name]["cpu_over_bare_pct"] = round(
            (out[name]["cpu_mean_ms"] / cpu_bare - 1) * 100, 1)
    return out


def _profile(images: list[np.ndarray], cal: CameraCalibration, mat: MatSpec) -> None:
    with MediaPipePoseEstimator() as est:
        measurer = LegMeasurer(cal, mat, est, lambda c: StanceChecker(c, mat))
        prof = cProfile.Profile()
        for i, image in enumerate(images):
            if i == WARM_UP:
                prof.enable()
            measurer.add(Frame(image, i / CAMERA_FPS, i), Stance.FRONT)
        prof.disable()
    pstats.Stats(prof).sort_stats("tottime").print_stats(15)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--frames", type=int, default=40, help="timed frames per stage")
    ap.add_argument("--profile", action="store_true", help="profile the path at each size")
    args = ap.parse_args(argv)
    cv2.setNumThreads(1)  # the kiosk's vision worker is one thread beside the UI
    load_at_start = os.getloadavg()[0]
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
    header = (f"{'input':16} {'res':9} {'stage':11} {'mean ms':>7} {'p90 ms':>7} {'fps':>6} "
              f"{'vs bare':>8} {'vs small':>8} {'cpu ms':>7} {'cpu vs':>7} {'measured':>8}")
    print(header)
    print("-" * len(header))
    for run in runs:
        for stage, r in run["stages"].items():
            print(f"{run['input']:16} {run['resolution']:9} {stage:11} {r['mean_ms']:7.1f} "
                  f"{r['p90_ms']:7.1f} {r['fps']:6.1f} {r.get('over_bare_pct', 0):+7.1f}% "
                  f"{r.get('over_bare_small_pct', 0):+7.1f}% {r['cpu_mean_ms']:7.1f} "
                  f"{r.get('cpu_over_bare_pct', 0):+6.1f}% "
                  f"{r.get('measured_share', ''):>8}")
    path_640 = [r["stages"]["path"] for r in runs if r["resolution"] == "640x480"]
    meets = {
        "path_fps_640x480": all(p["fps"] >= TARGETS["path_fps_640x480"] for p in path_640),
        "path_overhead_pct": all(r["stages"]["path"]["over_bare_pct"]
                                 <= TARGETS["path_overhead_pct"] for r in runs),
    }
    result = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                   f"Python {platform.python_version()}",
        "load_average_1min_at_start": load_at_start,
        "load_average_1min_at_end": os.getloadavg()[0],
        "frames_per_stage": args.frames,
        "camera_fps": CAMERA_FPS,
        "live_profile_interval_s": LIVE_PROFILE_INTERVAL_S,
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
