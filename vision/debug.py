"""Debug images a person can check: overlays on the measured frames and profile plots.

Written only when explicitly asked for (``legfit measure --debug-dir``). Drawn with cv2
(no plotting library): landmarks, refined edges, the leg axes, the measured heights (cB,
cC, cD) on the first accepted frame of each stance, and per leg the width and depth
profiles and the girth curve against height with the chosen points marked.
"""

from __future__ import annotations

import itertools
import json
import os
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import cv2
import numpy as np

from calibration.camera import CameraCalibration
from fitting.measurement import Leg
from fitting.stance import Stance
from vision.aggregate import LegGirths, RobustProfile
from vision.arrays import FloatArray, ImageBGR, PointsMm, PointsPx
from vision.errors import MeasurementRefused
from vision.geometry import LegAxis
from vision.overlay import FrameOverlay, LegOverlay
from vision.profile import HEIGHTS_MM

if TYPE_CHECKING:  # the measurer imports this module when it writes a refusal's images
    from vision.measurer import LegMeasurer, MeasurementResult

_COLOURS = {Leg.LEFT: (255, 160, 0), Leg.RIGHT: (0, 200, 255)}  # BGR
_SITES = {"cB": (0, 0, 255), "cC": (0, 200, 0), "cD": (200, 0, 200)}


def draw_overlay(image_bgr: ImageBGR, overlay: FrameOverlay) -> ImageBGR:
    """A copy of the frame with each leg's landmarks, edges, axis and height lines."""
    out = image_bgr.copy()
    thick = max(1, round(out.shape[1] / 700))
    for leg in overlay.legs:
        colour = _COLOURS.get(leg.leg, (255, 255, 255))
        for pts in (leg.left_edge_px, leg.right_edge_px):
            for x, y in np.asarray(pts).reshape(-1, 2):
                cv2.circle(out, (round(x), round(y)), 0, colour, thick)
        a = np.asarray(leg.axis_px).reshape(-1, 2)
        if len(a) == 2:
            cv2.line(out, tuple(np.round(a[0]).astype(int)), tuple(np.round(a[1]).astype(int)),
                     colour, thick, cv2.LINE_AA)
        for name, (x, y) in leg.landmarks_px.items():
            cv2.drawMarker(out, (round(x), round(y)), (255, 255, 255), cv2.MARKER_CROSS,
                           8 * thick, thick)
            cv2.putText(out, name, (round(x) + 6, round(y) - 4), cv2.FONT_HERSHEY_SIMPLEX,
                        0.35 * thick, (255, 255, 255), 1, cv2.LINE_AA)
        for name, seg in leg.height_lines_px.items():
            s = np.round(np.asarray(seg)).astype(int)
            cv2.line(out, tuple(s[0]), tuple(s[1]), _SITES.get(name, (0, 0, 255)), thick + 1)
            cv2.putText(out, name, tuple(s[1] + [4, 4]), cv2.FONT_HERSHEY_SIMPLEX, 0.4 * thick,
                        _SITES.get(name, (0, 0, 255)), 1, cv2.LINE_AA)
    return out


def crop_to_legs(image_bgr: ImageBGR, overlay: FrameOverlay, margin_px: int = 80
                 ) -> ImageBGR:
    """The part of the image holding the legs (where the detail is)."""
    pts = [np.asarray(leg.left_edge_px).reshape(-1, 2) for leg in overlay.legs]
    pts += [np.asarray(leg.right_edge_px).reshape(-1, 2) for leg in overlay.legs]
    pts += [np.array(list(leg.landmarks_px.values())).reshape(-1, 2) for leg in overlay.legs]
    allpts = np.concatenate(pts) if pts else np.zeros((0, 2))
    if len(allpts) == 0:
        return image_bgr
    h, w = image_bgr.shape[:2]
    x0, y0 = np.maximum(np.floor(allpts.min(axis=0)).astype(int) - margin_px, 0)
    x1, y1 = np.ceil(allpts.max(axis=0)).astype(int) + margin_px
    return image_bgr[y0:min(h, y1), x0:min(w, x1)]


def height_lines(calibration: CameraCalibration, girths: LegGirths,
                 axis_point_fn: Callable[[float], PointsMm], lateral: PointsMm
                 ) -> dict[str, PointsPx]:
    """cB, cC and cD as pixel segments across the leg (width of the measured section)."""
    lines = {}
    for name, h, half in (("cB", girths.ankle.height_mm, girths.ankle.width_mm / 2),
                          ("cC", girths.calf.height_mm, girths.calf.width_mm / 2),
                          ("cD", girths.knee_high_length_mm, girths.calf.width_mm / 2)):
        c = axis_point_fn(h)
        lines[name] = calibration.project_mm(np.array([c - lateral * half, c + lateral * half]))
    return lines


def plot_profiles(leg: Leg, front: RobustProfile, side: RobustProfile | None,
                  girths: LegGirths, size_wh: tuple[int, int] = (900, 700)) -> ImageBGR:
    """Width/depth (mm) and girth/pi (mm) against height (mm), drawn with cv2."""
    w, h = size_wh
    img = np.full((h, w, 3), 255, np.uint8)
    left, right, top, bottom = 70, w - 20, 40, h - 50
    h_max = max(200.0, girths.knee_height_mm + 60)
    curves = [("width (front)", front.value_mm, (200, 80, 0))]
    if side is not None:
        curves.append(("depth (side)", side.value_mm, (0, 140, 0)))
    curves.append(("girth / pi", girths.girth_curve_mm / np.pi, (0, 0, 200)))
    v_max = max(float(np.nanmax(c[1])) if np.isfinite(c[1]).any() else 0 for c in curves)
    v_max = max(50.0, np.ceil(v_max / 20) * 20 + 20)

    def to_px(height: float, value: float) -> tuple[int, int]:
        x = left + (value / v_max) * (right - left)
        y = bottom - (height / h_max) * (bottom - top)
        return round(x), round(y)

    grey = (200, 200, 200)
    for v in np.arange(0, v_max + 1, 20):
        cv2.line(img, to_px(0, v), to_px(h_max, v), grey, 1)
        cv2.putText(img, f"{v:.0f}", (to_px(0, v)[0] - 12, bottom + 18),
                    cv2.FONT_HERSHEY_SIMPLEX, 0.4, (80, 80, 80), 1, cv2.LINE_AA)
    for hh in np.arange(0, h_max + 1, 100):
        cv2.line(img, to_px(hh, 0), to_px(hh, v_max), grey, 1)
        cv2.putText(img, f"{hh:.0f}", (8, to_px(hh, 0)[1] + 4), cv2.FONT_HERSHEY_SIMPLEX, 0.4,
                    (80, 80, 80), 1, cv2.LINE_AA)
    prior = girths.prior_depth_bins
    prior_colour = (170, 170, 170)
    for i, (label, values, colour) in enumerate(curves):
        # The girth curve turns grey where the side view's depth was refused and the
        # population prior's taken instead.
        greyed = prior if label == "girth / pi" and prior is not None else None
        pts = [(to_px(float(hh), float(v)), greyed is not None and bool(greyed[k]))
               for k, (hh, v) in enumerate(zip(HEIGHTS_MM, values, strict=True))
               if np.isfinite(v) and hh <= h_max]
        for (a, grey_a), (b, grey_b) in itertools.pairwise(pts):
            cv2.line(img, a, b, prior_colour if grey_a or grey_b else colour, 2, cv2.LINE_AA)
        if greyed is not None and greyed.any():
            label += " (grey: side depth refused, prior used)"
        cv2.putText(img, label, (left + 10, top + 18 * i), cv2.FONT_HERSHEY_SIMPLEX, 0.5,
                    colour, 1, cv2.LINE_AA)
    for name, hh, g in (("cB", girths.ankle.height_mm, girths.ankle.girth_mm),
                        ("cC", girths.calf.height_mm, girths.calf.girth_mm)):
        p = to_px(hh, g / np.pi)
        cv2.circle(img, p, 6, _SITES[name], 2)
        cv2.putText(img, f"{name} {g:.0f} mm @ {hh:.0f}", (p[0] + 10, p[1] + 5),
                    cv2.FONT_HERSHEY_SIMPLEX, 0.5, _SITES[name], 1, cv2.LINE_AA)
    kd = girths.knee_high_length_mm
    cv2.line(img, to_px(kd, 0), to_px(kd, v_max), _SITES["cD"], 1)
    cv2.putText(img, f"cD / lD {kd:.0f} mm", (to_px(kd, 0)[0] + 5, to_px(kd, 0)[1] - 5),
                cv2.FONT_HERSHEY_SIMPLEX, 0.5, _SITES["cD"], 1, cv2.LINE_AA)
    cv2.putText(img, f"{leg} leg: mm against height above the floor (mm)", (left, h - 12),
                cv2.FONT_HERSHEY_SIMPLEX, 0.5, (0, 0, 0), 1, cv2.LINE_AA)
    return img


def write_debug(debug_dir: str | os.PathLike[str], result: MeasurementResult,
                frames: dict[str, tuple[ImageBGR, FrameOverlay]]) -> list[Path]:
    """Write overlays (full and leg crops), profile plots and the result JSON."""
    out = Path(debug_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for view, (image, overlay) in frames.items():
        drawn = draw_overlay(image, result.overlays.get(view, overlay))
        for name, img in ((f"{view}_overlay.png", drawn),
                          (f"{view}_legs.png", crop_to_legs(drawn, overlay))):
            cv2.imwrite(str(out / name), img)
            written.append(out / name)
    for leg, g in result.girths.items():
        plot = plot_profiles(leg, result.profiles[(leg, "front")],
                             result.profiles.get((leg, "side")), g)
        path = out / f"profile_{leg}.png"
        cv2.imwrite(str(path), plot)
        written.append(path)
    path = out / "measurement.json"
    path.write_text(json.dumps(result.to_dict(), indent=2), "utf-8")
    written.append(path)
    return written


def _lateral(calibration: CameraCalibration, axis: LegAxis) -> PointsMm:
    """Unit vector across the leg as the camera sees it (horizontal in the image)."""
    view = axis.point_at(300.0) - calibration.require_floor_pose().camera_position_mm
    lateral = np.cross(view, axis.up)
    unit: PointsMm = lateral / np.linalg.norm(lateral)
    return unit


def frames_with_height_lines(measurer: LegMeasurer, result: MeasurementResult
                             ) -> dict[str, tuple[ImageBGR, FrameOverlay]]:
    """The first measured frame of each view (``LegMeasurer.debug_frames``) with the
    measured heights (cB, cC, cD) added to its overlay as lines across each leg, drawn on
    the leg's axis in its first frame. A view without a floor pose (scaled from the stated
    height) keeps its overlay as it was."""
    calibration = measurer.calibration
    frames = measurer.debug_frames()
    for view, (image, overlay) in list(frames.items()):
        stance = Stance(view)
        pose = measurer.floor_pose_for(stance)
        if pose is None or calibration is None:
            continue
        cal = calibration.with_floor_pose(pose)
        legs = []
        for leg_overlay in overlay.legs:
            axis = measurer.profiles_for(leg_overlay.leg, stance)[0].axis
            lateral = _lateral(cal, axis)
            lines = height_lines(cal, result.girths[leg_overlay.leg], axis.point_at, lateral)
            legs.append(LegOverlay(leg_overlay.leg, leg_overlay.landmarks_px,
                                   leg_overlay.left_edge_px, leg_overlay.right_edge_px,
                                   leg_overlay.axis_px, lines))
        frames[view] = (image, FrameOverlay(tuple(legs)))
    return frames


def write_measurement_debug(debug_dir: str | os.PathLike[str], result: MeasurementResult,
                            measurer: LegMeasurer) -> list[Path]:
    """The debug images of a measurement (``legfit measure --debug-dir``): each view's
    first measured frame with its overlay and the measured heights, the profile plots and
    the result JSON (``write_debug``). ``result.overlays`` takes the overlays drawn."""
    frames = frames_with_height_lines(measurer, result)
    result.overlays.update({v: o for v, (_, o) in frames.items()})
    return write_debug(debug_dir, result, frames)


def _put_lines(image: ImageBGR, lines: list[str], origin: tuple[int, int], scale: float,
               colour: tuple[int, int, int]) -> None:
    """Text on a dark box, one line under the other, kept inside the image."""
    thick = max(1, round(scale * 2))
    sizes = [cv2.getTextSize(t, cv2.FONT_HERSHEY_SIMPLEX, scale, thick)[0] for t in lines]
    step = max(h for _, h in sizes) * 2
    width = max(w for w, _ in sizes) + step
    x = int(np.clip(origin[0], 0, max(0, image.shape[1] - width)))
    y = int(np.clip(origin[1], 0, max(0, image.shape[0] - step * len(lines))))
    cv2.rectangle(image, (x, y), (x + width, y + step * len(lines)), (30, 30, 30), -1)
    for i, text in enumerate(lines):
        cv2.putText(image, text, (x + step // 2, y + step * (i + 1) - step // 3),
                    cv2.FONT_HERSHEY_SIMPLEX, scale, colour, thick, cv2.LINE_AA)


def _leg_box(overlay: FrameOverlay, leg: Leg) -> tuple[FloatArray, FloatArray] | None:
    """The pixel box around one leg's drawn points (edges and landmarks below the hip)."""
    o = overlay.leg(leg)
    if o is None:
        return None
    pts = [np.asarray(o.left_edge_px).reshape(-1, 2), np.asarray(o.right_edge_px).reshape(-1, 2),
           np.array([xy for name, xy in o.landmarks_px.items() if name != "hip"]).reshape(-1, 2)]
    allpts = np.concatenate(pts)
    if len(allpts) == 0:
        return None
    return allpts.min(axis=0), allpts.max(axis=0)


def draw_refusal(image_bgr: ImageBGR, overlay: FrameOverlay, reason: str,
                 leg: Leg | None, frame_reason: str | None) -> ImageBGR:
    """A frame with its overlay, the refusal across the top and, where it was decided,
    the reason beside the leg it concerns (``leg``) or beside the feet of the frame that
    was turned away (``frame_reason``: the stance check's reason for that frame)."""
    out = draw_overlay(image_bgr, overlay)
    scale = max(0.5, out.shape[1] / 1400)
    _put_lines(out, textwrap.wrap(f"refused: {reason}", 56), (0, 0), scale, (80, 80, 255))
    red = (0, 0, 255)
    thick = max(2, round(out.shape[1] / 500))
    if leg is not None and (box := _leg_box(overlay, leg)) is not None:
        lo, hi = (np.round(box[0]).astype(int) - 20), (np.round(box[1]).astype(int) + 20)
        cv2.rectangle(out, tuple(lo), tuple(hi), red, thick)
        _put_lines(out, [f"{leg} leg"], (int(lo[0]), int(lo[1]) - 40), scale, red)
    if frame_reason is not None:
        feet = [xy for o in overlay.legs for name, xy in o.landmarks_px.items()
                if name in ("heel", "toe")]
        at = np.max(np.array(feet), axis=0) if feet else np.array([0, out.shape[0] // 2])
        _put_lines(out, [f"this frame: {frame_reason}"], (int(at[0]) - 200, int(at[1]) + 30),
                   scale, red)
    return out


def write_refusal(debug_dir: str | os.PathLike[str], exc: MeasurementRefused,
                  accepted: dict[str, tuple[ImageBGR, FrameOverlay]],
                  rejected: dict[str, tuple[ImageBGR, FrameOverlay, str]],
                  reason_text: dict[str, str]) -> list[Path]:
    """The debug images of a refused measurement: per view the first measured frame (its
    edges drawn) or, for a view that measured nothing, the last frame turned away, each
    with the refusal drawn where it was decided; and refusal.json."""
    out = Path(debug_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    frames_why = {}
    for view in sorted({*accepted, *rejected}):
        use_rejected = view not in accepted or (exc.view == view and exc.leg is None)
        if use_rejected and view in rejected:
            image, overlay, key = rejected[view]
            why = reason_text.get(key, key.replace("_", " "))
            frames_why[view] = why
        else:
            image, overlay = accepted[view]
            why = None
        drawn = draw_refusal(image, overlay, str(exc), exc.leg, why)
        for name, img in ((f"{view}_overlay.png", drawn),
                          (f"{view}_legs.png", crop_to_legs(drawn, overlay))):
            cv2.imwrite(str(out / name), img)
            written.append(out / name)
    path = out / "refusal.json"
    path.write_text(json.dumps({"refused": str(exc), "view": exc.view, "leg": exc.leg,
                                "frames_turned_away": frames_why}, indent=2), "utf-8")
    written.append(path)
    return written
