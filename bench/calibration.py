"""Calibration accuracy and speed against known answers.

- Intrinsics: OpenCV's left chessboard set (reference fx 535.92, cx 342.28) and the
  Pose2Sim portrait camera (mocap reference f = 1681.2 px).
- Floor pose: the 24 synthetic dev scenes (../shared/data/synthetic-dev), each front and
  side view alone and both together, against the true camera position.

Prints a table and writes bench/results/calibration.json.

    python bench/calibration.py
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import cv2
import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from calibration.boards import parse_board_spec  # noqa: E402
from calibration.calibration_file import load_calibration  # noqa: E402
from calibration.floor import estimate_floor_pose, estimate_floor_pose_multi  # noqa: E402
from calibration.intrinsics import calibrate_images  # noqa: E402
from calibration.mat import load_mat_spec  # noqa: E402

SHARED = REPO.parent / "shared" / "data"


def intrinsics_bench() -> dict:
    sets = [
        ("opencv-left", sorted((REPO / "tests" / "data" / "opencv-left").glob("left*.jpg")),
         "checkerboard:9x6:25", {"fx": 535.92, "cx": 342.28, "cy": 235.57}),
        ("pose2sim-cam01", sorted((SHARED / "calibration" / "pose2sim-cam01").glob("*.jpg")),
         "checkerboard:4x7:60", {"fx": 107599.67 / 64, "cx": 533.0, "cy": 948.1}),
    ]
    out = {}
    for name, paths, spec, ref in sets:
        t0 = time.perf_counter()
        r = calibrate_images(paths, parse_board_spec(spec))
        seconds = time.perf_counter() - t0
        i = r.intrinsics
        out[name] = {
            "images": len(paths), "views_used": len(r.views_used), "rms_px": r.rms_px,
            "fx": i.fx, "fy": i.fy, "cx": i.cx, "cy": i.cy, "reference": ref,
            "fx_error_pct": 100 * (i.fx - ref["fx"]) / ref["fx"],
            "cx_error_px": i.cx - ref["cx"], "seconds": seconds,
        }
        print(f"{name:16s} views {len(r.views_used):2d}/{len(paths):2d}  rms {r.rms_px:.3f} px  "
              f"fx {i.fx:8.2f} (ref {ref['fx']:.2f}, {out[name]['fx_error_pct']:+.2f} %)  "
              f"cx {i.cx:7.2f} (ref {ref['cx']:.2f})  {seconds:.2f} s")
    return out


def floor_bench() -> dict:
    mat = load_mat_spec()
    rows = []
    for scene in sorted((SHARED / "synthetic-dev").glob("scene_*")):
        cal = load_calibration(scene / "calibration.json")
        truth = np.array(json.loads((scene / "truth.json").read_text())["camera"]["position_mm"])
        images = {v: cv2.imread(str(scene / f"{v}.png")) for v in ("front", "side")}
        row = {"scene": scene.name, "image_wh": list(cal.intrinsics.image_size_wh)}
        for label, frames in (("front", [images["front"]]), ("side", [images["side"]]),
                              ("both", [images["front"], images["side"]])):
            t0 = time.perf_counter()
            pose = (estimate_floor_pose(frames[0], cal.intrinsics, mat) if len(frames) == 1
                    else estimate_floor_pose_multi(frames, cal.intrinsics, mat))
            seconds = time.perf_counter() - t0
            err = pose.camera_position_mm - truth
            row[label] = {"error_xyz_mm": err.round(2).tolist(),
                          "height_error_mm": float(err[2]),
                          "position_error_mm": float(np.linalg.norm(err)),
                          "height_sd_mm": pose.camera_position_sd_mm[2],
                          "markers_used": list(pose.markers_used),
                          "reprojection_error_px": pose.reprojection_error_px,
                          "seconds": seconds}
        rows.append(row)
    summary = {}
    for label in ("front", "side", "both"):
        h = np.array([abs(r[label]["height_error_mm"]) for r in rows])
        p = np.array([r[label]["position_error_mm"] for r in rows])
        s = np.array([r[label]["seconds"] for r in rows])
        summary[label] = {"height_mae_mm": float(h.mean()), "height_worst_mm": float(h.max()),
                          "position_mae_mm": float(p.mean()),
                          "position_worst_mm": float(p.max()),
                          "median_seconds": float(np.median(s))}
        print(f"floor pose {label:5s}: height MAE {h.mean():.2f} mm, worst {h.max():.2f} mm; "
              f"position MAE {p.mean():.2f} mm, worst {p.max():.2f} mm; "
              f"median {1000 * np.median(s):.0f} ms")
    return {"summary": summary, "scenes": rows}


def main() -> int:
    if not SHARED.is_dir():
        print("the shared data is not beside this checkout (../shared/data)")
        return 1
    result = {"intrinsics": intrinsics_bench(), "floor": floor_bench()}
    out = REPO / "bench" / "results" / "calibration.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print(f"written {out.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
