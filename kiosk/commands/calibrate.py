"""`legfit calibrate`: camera intrinsics, the floor pose from the mat, and a check.

    legfit calibrate intrinsics --images GLOB [GLOB ...] --board SPEC --out FILE [--json]
    legfit calibrate intrinsics --camera N|VIDEO --board SPEC --out FILE [--size WxH]
    legfit calibrate floor --image IMG [IMG ...] --calibration FILE [--out FILE] [--json]
    legfit calibrate check --image IMG [IMG ...] --calibration FILE [--json]

Board specs: ``checkerboard:COLSxROWS:SQUARE_MM`` (inner corners) or
``charuco:COLSxROWS:SQUARE_MM:MARKER_MM:DICT`` (squares), e.g. ``checkerboard:9x6:25`` or
``charuco:9x6:40:30:DICT_5X5_100`` (the board ``legfit board`` prints).

``check`` exits 0 when the stored floor pose still holds and 1 when the camera or the mat
has moved (the message says which and by how much). Bad input: one line, exit 2.
"""

from __future__ import annotations

import argparse
import glob
import json
import sys
import time
from pathlib import Path

EXIT_MOVED = 1


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("calibrate", help="calibrate the camera and find the floor mat",
                       description=__doc__,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    actions = p.add_subparsers(dest="calibrate_action", metavar="ACTION",
                               parser_class=type(p))
    actions.required = True

    i = actions.add_parser("intrinsics", help="focal length, centre and distortion")
    source = i.add_mutually_exclusive_group(required=True)
    source.add_argument("--images", nargs="+", metavar="GLOB",
                        help="board photos (shell globs are expanded here too)")
    source.add_argument("--camera", metavar="N|VIDEO",
                        help="live camera index (or a recorded video of the board): "
                             "run the wizard")
    i.add_argument("--board", required=True, metavar="SPEC",
                   help="checkerboard:COLSxROWS:SQUARE_MM (inner corners) or "
                        "charuco:COLSxROWS:SQUARE_MM:MARKER_MM:DICT (squares)")
    i.add_argument("--out", required=True, type=Path, metavar="FILE")
    i.add_argument("--camera-id", default=None, help="name of the camera, stored in the file")
    i.add_argument("--size", default=None, metavar="WxH",
                   help="live camera resolution to ask for (e.g. 1920x1080)")
    i.add_argument("--max-seconds", type=float, default=600.0,
                   help="give up the live wizard after this long")
    i.add_argument("--json", action="store_true", help="print the result as JSON")
    i.set_defaults(handler=_intrinsics)

    f = actions.add_parser("floor", help="find the mat and store the camera's floor pose")
    f.add_argument("--image", nargs="+", required=True, type=Path, metavar="IMG",
                   help="one or more pictures of the mat from the unmoved camera")
    f.add_argument("--calibration", required=True, type=Path, metavar="FILE")
    f.add_argument("--out", type=Path, default=None, metavar="FILE",
                   help="write the calibration with the floor pose here")
    f.add_argument("--json", action="store_true")
    f.set_defaults(handler=_floor)

    c = actions.add_parser("check", help="does the stored floor pose still hold?")
    c.add_argument("--image", nargs="+", required=True, type=Path, metavar="IMG")
    c.add_argument("--calibration", required=True, type=Path, metavar="FILE")
    c.add_argument("--json", action="store_true")
    c.set_defaults(handler=_check)


# -- intrinsics -----------------------------------------------------------------------

def _expand(patterns: list[str]) -> list[str]:
    from calibration.errors import CalibrationFailed

    paths: list[str] = []
    for pattern in patterns:
        matches = sorted(glob.glob(pattern))
        paths += matches if matches else ([pattern] if Path(pattern).exists() else [])
    if not paths:
        raise CalibrationFailed(f"no image matches {' '.join(patterns)}")
    return sorted(dict.fromkeys(paths))


def _print_intrinsics(result, out: Path, as_json: bool) -> None:
    summary = result.summary()
    summary["out"] = str(out)
    if as_json:
        print(json.dumps(summary, indent=2))
        return
    i = result.intrinsics
    print(f"RMS reprojection error: {result.rms_px:.3f} px")
    print(f"fx {i.fx:.2f}  fy {i.fy:.2f}  cx {i.cx:.2f}  cy {i.cy:.2f} px "
          f"({i.image_size_wh[0]}x{i.image_size_wh[1]})")
    print("distortion: " + " ".join(f"{v:.5f}" for v in i.dist_coeffs))
    print(f"views used: {len(result.views_used)} ({', '.join(result.views_used)})")
    if result.views_dropped:
        print(f"views dropped as outliers: {', '.join(result.views_dropped)}")
    if result.views_without_board:
        print(f"no board found in: {', '.join(result.views_without_board)}")
    print(f"written to {out}")


def _intrinsics(args: argparse.Namespace) -> int:
    from calibration.boards import parse_board_spec
    from calibration.calibration_file import save_calibration
    from calibration.intrinsics import calibrate_images

    board = parse_board_spec(args.board)
    if args.images:
        result = calibrate_images(_expand(args.images), board)
        camera_id = args.camera_id
    else:
        result = _live_wizard(args, board)
        camera_id = args.camera_id or (f"camera {args.camera}" if args.camera.isdigit()
                                       else Path(args.camera).name)
    save_calibration(result.to_calibration(camera_id=camera_id), args.out)
    _print_intrinsics(result, args.out, args.json)
    return 0


def _parse_size(text: str | None) -> tuple[int, int] | None:
    from fitting.errors import InputInvalid

    if text is None:
        return None
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise InputInvalid(f"--size {text!r} is not WIDTHxHEIGHT, e.g. 1920x1080") from None
    return w, h


def _live_wizard(args: argparse.Namespace, board):
    """The wizard on a live camera, reporting progress as one line per change."""
    import cv2

    from calibration.errors import CalibrationFailed
    from calibration.wizard import IntrinsicsWizard
    from vision.errors import CameraUnavailable

    size = _parse_size(args.size)
    # OpenCV logs its own warnings about a missing camera on stderr; the one line below
    # says it better.
    level = cv2.getLogLevel()
    cv2.setLogLevel(0)  # silent
    device = int(args.camera) if args.camera.isdigit() else args.camera
    try:
        capture = cv2.VideoCapture(device)
    finally:
        cv2.setLogLevel(level)
    if not capture.isOpened():
        what = f"camera {device}" if isinstance(device, int) else f"video {device}"
        raise CameraUnavailable(f"{what} cannot be opened")
    try:
        if size:
            capture.set(cv2.CAP_PROP_FRAME_WIDTH, size[0])
            capture.set(cv2.CAP_PROP_FRAME_HEIGHT, size[1])
        wizard = IntrinsicsWizard(board)
        print(f"show the board {board} to camera {args.camera}; Ctrl+C stops", flush=True)
        last = None
        deadline = time.monotonic() + args.max_seconds
        failures = 0
        message = "no frame was seen"
        while time.monotonic() < deadline:
            ok, frame = capture.read()
            if (not ok or frame is None) and not isinstance(device, int):
                break  # a recorded video has ended
            if not ok or frame is None:
                failures += 1
                if failures > 50:
                    raise CameraUnavailable(f"camera {args.camera} stopped delivering frames")
                time.sleep(0.02)
                continue
            failures = 0
            status = wizard.add(frame)
            message = status.message
            line = (f"[{status.progress:4.0%}] views {status.views}, regions "
                    f"{status.cells_covered}/{status.cells_total}, tilts "
                    f"{len(status.tilts_covered)}/4: {status.message}")
            if status.accepted or line != last:
                print(line, flush=True)
                last = line
            if status.done:
                return wizard.result()
        if isinstance(device, str):
            raise CalibrationFailed(f"the video ended before the wizard finished: {message}")
        raise CalibrationFailed(
            f"the wizard did not finish within {args.max_seconds:.0f} s: {message}")
    finally:
        capture.release()


# -- floor and check ------------------------------------------------------------------

def _pose_for_images(images: list[Path], calibration):
    from calibration.floor import estimate_floor_pose, estimate_floor_pose_multi
    from calibration.intrinsics import read_image
    from calibration.mat import load_mat_spec

    mat = load_mat_spec()
    frames = [read_image(p) for p in images]
    if len(frames) == 1:
        return estimate_floor_pose(frames[0], calibration.intrinsics, mat)
    return estimate_floor_pose_multi(frames, calibration.intrinsics, mat)


def _pose_summary(pose) -> dict:
    sd = pose.camera_position_sd_mm
    return {
        "camera_height_mm": round(pose.camera_height_mm, 1),
        "distance_to_mat_centre_mm": round(pose.distance_to_mat_centre_mm, 1),
        "camera_position_mm": [round(float(v), 1) for v in pose.camera_position_mm],
        "camera_position_sd_mm": None if sd is None else [round(v, 2) for v in sd],
        "pitch_deg": round(pose.pitch_deg, 2),
        "roll_deg": round(pose.roll_deg, 2),
        "yaw_deg": round(pose.yaw_deg, 2),
        "reprojection_error_px": round(pose.reprojection_error_px, 3),
        "markers_used": list(pose.markers_used),
    }


def _print_pose(pose) -> None:
    s = _pose_summary(pose)
    sd = pose.camera_position_sd_mm
    height_sd = f" +/- {sd[2]:.1f}" if sd else ""
    print(f"camera height above the floor: {s['camera_height_mm']:.1f}{height_sd} mm")
    print(f"distance to the mat centre: {s['distance_to_mat_centre_mm']:.1f} mm")
    print(f"looking down {s['pitch_deg']:.2f} deg, roll {s['roll_deg']:.2f} deg, "
          f"yaw {s['yaw_deg']:.2f} deg")
    print(f"reprojection error {s['reprojection_error_px']:.3f} px, markers used "
          f"{', '.join(map(str, s['markers_used']))}")


def _drift_summary(drift) -> dict:
    return {"moved": drift.moved, "message": drift.message,
            "position_change_mm": round(drift.position_change_mm, 1),
            "height_change_mm": round(drift.height_change_mm, 1),
            "rotation_change_deg": round(drift.rotation_change_deg, 2)}


def _floor(args: argparse.Namespace) -> int:
    from calibration.calibration_file import load_calibration, save_calibration
    from calibration.floor import compare_poses

    calibration = load_calibration(args.calibration)
    pose = _pose_for_images(args.image, calibration)
    drift = (compare_poses(calibration.floor_pose, pose)
             if calibration.floor_pose is not None else None)
    if args.out is not None:
        save_calibration(calibration.with_floor_pose(pose), args.out)
    if args.json:
        out = _pose_summary(pose)
        out["previous"] = None if drift is None else _drift_summary(drift)
        out["out"] = None if args.out is None else str(args.out)
        print(json.dumps(out, indent=2))
        return 0
    _print_pose(pose)
    if drift is not None:
        print(f"compared with the stored pose: {drift.message}")
    print(f"written to {args.out}" if args.out else "not written (give --out FILE to store it)")
    return 0


def _check(args: argparse.Namespace) -> int:
    from calibration.calibration_file import load_calibration
    from calibration.errors import CalibrationInvalid
    from calibration.floor import compare_poses

    calibration = load_calibration(args.calibration)
    if calibration.floor_pose is None:
        raise CalibrationInvalid(
            f"{args.calibration} has no floor pose yet: run `legfit calibrate floor` first")
    pose = _pose_for_images(args.image, calibration)
    drift = compare_poses(calibration.floor_pose, pose)
    if args.json:
        print(json.dumps({**_drift_summary(drift), "pose": _pose_summary(pose)}, indent=2))
    else:
        print(drift.message)
    if drift.moved:
        sys.stdout.flush()
        return EXIT_MOVED
    return 0
