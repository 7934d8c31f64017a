"""Calibration files: JSON, versioned, refused with a clear message when wrong.

Two forms load:
- the minimal interchange form of the mat contract: ``image_size_wh``, ``camera_matrix``,
  ``dist_coeffs`` only;
- LegFit's own form (``schema_version`` 1), which adds how the calibration was made and,
  when the mat has been found, the floor pose.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from calibration.camera import CameraCalibration, FloorPose, Intrinsics
from calibration.errors import CalibrationInvalid
from fitting.atomic_file import write_text_atomic
from fitting.errors import InputInvalid
from fitting.json_input import FOCAL_LENGTH_RANGE_PX, IMAGE_SIDE_RANGE_PX, parse_json

SCHEMA_VERSION = 1


def _number_matrix(raw: Any, shape: tuple[int, ...], name: str, where: str) -> np.ndarray:
    try:
        arr = np.asarray(raw, dtype=float)
    except (TypeError, ValueError):
        raise CalibrationInvalid(f"{where}: {name} must hold numbers") from None
    if shape and arr.shape != shape:
        raise CalibrationInvalid(
            f"{where}: {name} must have shape {'x'.join(map(str, shape))}, "
            f"not {'x'.join(map(str, arr.shape)) or 'a scalar'}")
    if not np.all(np.isfinite(arr)):
        raise CalibrationInvalid(f"{where}: {name} holds a non-finite number")
    return arr


def calibration_from_dict(raw: Any, where: str = "calibration") -> CameraCalibration:
    """Build a calibration from parsed JSON; every problem becomes ``CalibrationInvalid``."""
    if not isinstance(raw, dict):
        raise CalibrationInvalid(f"{where}: expected a JSON object")
    version = raw.get("schema_version", SCHEMA_VERSION)
    if version != SCHEMA_VERSION:
        raise CalibrationInvalid(
            f"{where}: schema_version {version!r} is not supported (expected {SCHEMA_VERSION})")
    for key in ("image_size_wh", "camera_matrix", "dist_coeffs"):
        if key not in raw:
            raise CalibrationInvalid(f"{where}: {key} is missing")
    size = raw["image_size_wh"]
    if (not isinstance(size, list | tuple) or len(size) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in size)):
        raise CalibrationInvalid(f"{where}: image_size_wh must be two whole numbers [w, h]")
    low, high = IMAGE_SIDE_RANGE_PX
    if not all(low <= v <= high for v in size):
        raise CalibrationInvalid(
            f"{where}: image_size_wh sides must lie between {low} and {high} px, not {size}")
    k = _number_matrix(raw["camera_matrix"], (3, 3), "camera_matrix", where)
    dist = _number_matrix(raw["dist_coeffs"], (), "dist_coeffs", where).reshape(-1)
    try:
        intrinsics = Intrinsics(image_size_wh=(size[0], size[1]), k_3x3=k, dist_coeffs=dist)
    except CalibrationInvalid as exc:
        raise CalibrationInvalid(f"{where}: {exc}") from None
    low_f, high_f = FOCAL_LENGTH_RANGE_PX
    if not (low_f <= k[0, 0] <= high_f and low_f <= k[1, 1] <= high_f):
        raise CalibrationInvalid(
            f"{where}: focal lengths must lie between {low_f:g} and {high_f:g} px, not "
            f"{k[0, 0]:g} and {k[1, 1]:g}")

    pose = None
    if raw.get("floor_pose") is not None:
        fp = raw["floor_pose"]
        if not isinstance(fp, dict):
            raise CalibrationInvalid(f"{where}: floor_pose must be an object")
        try:
            pose = FloorPose(
                r_world_to_camera_3x3=_number_matrix(fp.get("r_world_to_camera"), (3, 3),
                                                     "floor_pose.r_world_to_camera", where),
                t_world_to_camera_mm=_number_matrix(fp.get("t_world_to_camera_mm"), (3,),
                                                    "floor_pose.t_world_to_camera_mm", where),
                reprojection_error_px=float(fp.get("reprojection_error_px", 0.0)),
                markers_used=tuple(int(i) for i in fp.get("markers_used", ())),
                camera_position_sd_mm=(
                    None if fp.get("camera_position_sd_mm") is None else tuple(
                        _number_matrix(fp["camera_position_sd_mm"], (3,),
                                       "floor_pose.camera_position_sd_mm", where).tolist())),
                corners_used=int(fp.get("corners_used", 0)),
            )
        except CalibrationInvalid as exc:
            raise CalibrationInvalid(f"{where}: {exc}") from None
        except (TypeError, ValueError):
            raise CalibrationInvalid(
                f"{where}: floor_pose holds a value of the wrong type") from None

    known = {"schema_version", "image_size_wh", "camera_matrix", "dist_coeffs", "floor_pose",
             "rms_px", "board", "views", "created_at", "camera_id"}
    rms = raw.get("rms_px")
    if rms is not None and (not isinstance(rms, int | float) or isinstance(rms, bool)
                            or not np.isfinite(rms) or rms < 0):
        raise CalibrationInvalid(f"{where}: rms_px must be a non-negative number")
    for key in ("board", "created_at", "camera_id"):
        if raw.get(key) is not None and not isinstance(raw[key], str):
            raise CalibrationInvalid(f"{where}: {key} must be text")
    views = raw.get("views")
    if views is not None and (not isinstance(views, int) or isinstance(views, bool)
                              or views < 0):
        raise CalibrationInvalid(f"{where}: views must be a whole number of views")
    return CameraCalibration(
        intrinsics=intrinsics, floor_pose=pose,
        rms_px=None if rms is None else float(rms),
        board=raw.get("board"), views=raw.get("views"), created_at=raw.get("created_at"),
        camera_id=raw.get("camera_id"),
        extra={k: v for k, v in raw.items() if k not in known},
    )


def calibration_to_dict(cal: CameraCalibration) -> dict[str, Any]:
    i = cal.intrinsics
    out: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "image_size_wh": list(i.image_size_wh),
        "camera_matrix": i.k_3x3.tolist(),
        "dist_coeffs": i.dist_coeffs.tolist(),
        "rms_px": cal.rms_px,
        "board": cal.board,
        "views": cal.views,
        "created_at": cal.created_at or datetime.now(UTC).isoformat(timespec="seconds"),
        "camera_id": cal.camera_id,
        "floor_pose": None,
    }
    if cal.floor_pose is not None:
        p = cal.floor_pose
        out["floor_pose"] = {
            "r_world_to_camera": p.r_world_to_camera_3x3.tolist(),
            "t_world_to_camera_mm": p.t_world_to_camera_mm.tolist(),
            "reprojection_error_px": p.reprojection_error_px,
            "markers_used": list(p.markers_used),
            "corners_used": p.corners_used,
            "camera_position_sd_mm": (None if p.camera_position_sd_mm is None
                                      else list(p.camera_position_sd_mm)),
            "camera_height_mm": p.camera_height_mm,
            "distance_to_mat_centre_mm": p.distance_to_mat_centre_mm,
            "pitch_deg": p.pitch_deg,
        }
    out.update(cal.extra)
    return out


def load_calibration(path: str | os.PathLike) -> CameraCalibration:
    path = Path(path)
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        raise CalibrationInvalid(f"calibration file {path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CalibrationInvalid(f"cannot read calibration file {path}: {exc}") from None
    if not text.strip():
        raise CalibrationInvalid(f"calibration file {path} is empty")
    try:
        raw = parse_json(text, f"calibration file {path}")
    except InputInvalid as exc:
        raise CalibrationInvalid(f"{exc} (corrupt or truncated?)") from None
    return calibration_from_dict(raw, where=f"calibration file {path}")


def save_calibration(cal: CameraCalibration, path: str | os.PathLike) -> None:
    """Write atomically: a power cut leaves the old file or the new one, never half."""
    write_text_atomic(path, json.dumps(calibration_to_dict(cal), indent=2))
