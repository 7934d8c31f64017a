"""`legfit measure`: both lower legs from front (and side) images or videos.

    legfit measure --front PATH [PATH ...] [--side PATH [PATH ...]] --calibration FILE
                   [--height-mm H] [--debug-dir DIR] [--json]

--height-mm is the uncalibrated fallback: when the mat is not found in the images (or no
--calibration is given at all) the legs are scaled from the person's stated standing
height, and the result says "lower" confidence with a wider sd.

With --json it prints what ``legfit recommend --measurement`` reads (``Measurement``'s
JSON: per leg ankle_mm, ankle_sd_mm, calf_mm, calf_sd_mm, knee_high_length_mm; source
"camera") plus diagnostics. A refusal is one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import json
import sys

from fitting.errors import InputInvalid


def _pose_factory(static: bool):
    # Imported here: MediaPipe takes a while to load and other commands do not need it.
    from vision.pose_mediapipe import MediaPipePoseEstimator

    return MediaPipePoseEstimator(static_image_mode=static)


def _checker_factory(mat, segmenter=None):
    """Builds the stance checker once the floor pose is known (recorded material: one frame
    is enough to accept, stillness is judged by the frames' spread instead). ``segmenter``
    sees everyone in view, so a second person on or beside the mat is refused."""
    from vision.stance import StanceChecker

    return lambda calibration: StanceChecker(calibration, mat, segmenter=segmenter,
                                             still_frames=1)


def _segmenter():
    from vision.pose_mediapipe import MediaPipeSelfieSegmenter

    return MediaPipeSelfieSegmenter()


def handler(args: argparse.Namespace) -> int:
    from calibration.calibration_file import load_calibration
    from calibration.mat import load_mat_spec
    from vision.debug import write_measurement_debug
    from vision.fallback import MAX_STATED_HEIGHT_MM, MIN_STATED_HEIGHT_MM
    from vision.measurer import measure_paths

    if args.height_mm is not None and not (
            MIN_STATED_HEIGHT_MM <= args.height_mm <= MAX_STATED_HEIGHT_MM):
        raise InputInvalid(f"--height-mm must be a standing height in mm "
                           f"({MIN_STATED_HEIGHT_MM:.0f}-{MAX_STATED_HEIGHT_MM:.0f}), "
                           f"not {args.height_mm:g}")
    if args.calibration is None and args.height_mm is None:
        raise InputInvalid("--calibration is needed (or --height-mm to scale from the "
                           "person's stated height, with lower confidence)")
    calibration = load_calibration(args.calibration) if args.calibration else None
    mat = load_mat_spec()
    use_checker = bool(args.stance_checker and calibration)
    segmenter = _segmenter() if use_checker else None
    try:
        result, measurer = measure_paths(
            args.front, args.side, calibration, mat, _pose_factory,
            checker_factory=_checker_factory(mat, segmenter) if use_checker else None,
            keep_debug_frames=args.debug_dir is not None, stated_height_mm=args.height_mm,
            refusal_debug_dir=args.debug_dir)
    finally:
        if segmenter is not None:
            segmenter.close()
    if args.debug_dir is not None:
        write_measurement_debug(args.debug_dir, result, measurer)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2))
    else:
        m = result.measurement
        print(f"left:  ankle {m.left.ankle_mm:.0f} +/- {m.left.ankle_sd_mm:.0f} mm, "
              f"calf {m.left.calf_mm:.0f} +/- {m.left.calf_sd_mm:.0f} mm, "
              f"knee-high length {m.left.knee_high_length_mm:.0f} mm")
        print(f"right: ankle {m.right.ankle_mm:.0f} +/- {m.right.ankle_sd_mm:.0f} mm, "
              f"calf {m.right.calf_mm:.0f} +/- {m.right.calf_sd_mm:.0f} mm, "
              f"knee-high length {m.right.knee_high_length_mm:.0f} mm")
        print(f"calf difference {m.calf_difference_mm:.0f} mm; confidence {result.confidence}")
    sys.stdout.flush()
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "measure", help="measure both lower legs from front (and side) images or videos",
        description="Measure ankle (cB) and calf (cC) girths and the knee-high length of "
                    "both legs from a calibrated camera's images or videos.")
    p.add_argument("--front", nargs="+", required=True, metavar="PATH",
                   help="images or a video of the person facing the camera on the front "
                        "footprints")
    p.add_argument("--side", nargs="+", metavar="PATH",
                   help="images or a video of the side stance (right side to the camera); "
                        "without it the depth is estimated and flagged")
    p.add_argument("--calibration", metavar="FILE",
                   help="the camera's calibration JSON (intrinsics; the floor pose comes "
                        "from the mat); needed unless --height-mm is given")
    p.add_argument("--height-mm", type=float, metavar="H",
                   help="the person's standing height (mm): without the mat or a "
                        "calibration the legs are scaled from it (lower confidence)")
    p.add_argument("--debug-dir", metavar="DIR",
                   help="write overlays and profile plots here (contains camera images); "
                        "a refused measurement writes its frames with the reason drawn")
    p.add_argument("--json", action="store_true", help="print the measurement as JSON")
    p.add_argument("--no-stance-checker", dest="stance_checker", action="store_false",
                   help=argparse.SUPPRESS)
    p.set_defaults(handler=handler)
