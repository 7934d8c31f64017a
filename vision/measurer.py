"""The leg measurer: frames in (front stance, then side stance), a ``Measurement`` out.

``LegMeasurer`` is incremental, for the kiosk's live view: ``add(frame, expected)`` runs
the pose estimator and the stance checker (both injected) on every frame, and for an
accepted frame the metric work (edges, axis, one profile per leg), returning a
``FrameReport`` with guidance, progress and an overlay. Live, the metric work runs at a
bounded rate (``profile_interval_s``): guidance follows every camera frame, while frames
a few tens of milliseconds apart would only repeat the same picture of a person holding
still. ``result()`` does the rest once: robust aggregation, the cross-section model, the
RAL points, uncertainties. ``measure_paths`` drives it over image or video files for the
``legfit measure`` command.

Refusals are ``MeasurementRefused`` (or ``NoPersonInView``, ``MatNotFound``) with one
line saying why; the most common reason among the rejected frames is the one reported,
and legs no adult has are refused too (``vision.plausibility``).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from calibration.camera import CameraCalibration, FloorPose
from calibration.errors import CalibrationInvalid, MatNotFound
from calibration.floor import estimate_floor_pose
from calibration.mat import MatSpec
from fitting.measurement import Leg, LegMeasurement, Measurement, MeasurementSource
from fitting.stance import Stance
from vision.aggregate import (
    KNEE_POINT_ABOVE_LANDMARK_MM,
    CalfCovered,
    GirthNotFound,
    LegGirths,
    RobustProfile,
    aggregate_profiles,
    leg_girths,
)
from vision.arrays import ImageBGR, PersonMask
from vision.errors import MeasurementRefused, NoPersonInView
from vision.fallback import height_scale_mm_per_px, height_scaled_profile
from vision.overlay import FrameOverlay, LegOverlay
from vision.plausibility import (
    calf_difference_sd_mm,
    calf_to_ankle_refusal,
    flagged_differences,
    outside_human_range,
    pool_ankles,
    pool_lengths,
    unsupported_difference,
)
from vision.profile import LegViewProfile, leg_view_profile
from vision.protocols import PoseEstimator
from vision.stance import Guidance, calves_covered, classify_stance, frame_basics
from vision.stature import StatureReading, knee_from_stature, side_view_stature, stature_of
from vision.types import BodyLandmarks, Frame, LegLandmarks, PoseResult

# Frames per stance before the stance counts as measured (live kiosk).
FRAMES_PER_STANCE = 12
# Live: the least time (s) between two frames whose legs are measured, ~11 per second.
# Someone holding still sways by a millimetre or so in a tenth of a second, so frames
# closer than that add the same picture again. Just under the kiosk's 10 Hz vision period
# (camera timestamps jitter), so the kiosk measures every frame it looks at; a stance's
# 12 frames take 1.2 s.
LIVE_PROFILE_INTERVAL_S = 0.09
# A frame's profile needs edges on at least this share of the scanned rows.
MIN_VALID_ROW_SHARE = 0.5
# A side pose that puts the camera this far (mm) from the front pose means it moved.
CAMERA_MOVED_MM = 40.0


REFUSAL_TEXT = {
    "no_person": "no person in view",
    "two_people": "two people in view",
    "step_on_footprints": "feet not on the footprints",
    "legs_out_of_frame": "legs out of frame",
    "left_ankle_hidden": "left ankle hidden",
    "right_ankle_hidden": "right ankle hidden",
    "uncover_calves": "calves covered",
    "too_dark": "too dark to measure",
    "hold_still": "the person did not hold still",
    "turn_to_side": "no side view: the person did not turn to the side",
    "face_camera": "no front view: the person did not face the camera",
    "edges_not_found": "leg edges not found",
    "knee_hidden": "knee hidden: the knees must be in view",
    "person_not_in_full_view": "the whole person must be in view to scale from the stated "
                               "height",
}


class StanceCheck(Protocol):
    """What the measurer needs of a stance checker (``vision.stance.StanceChecker``)."""

    def check(self, frame: Frame, pose: PoseResult, expected: Stance | None = None,
              judge_garments: bool = True) -> Guidance: ...

    def mended_by_the_prints(self, pose: PoseResult, expected: Stance) -> PoseResult: ...


@dataclass(frozen=True, eq=False)
class FrameReport:
    """What one ``add`` tells the live view."""

    guidance: Guidance
    pose: PoseResult
    accepted: bool
    progress: float
    overlay: FrameOverlay
    # True when the frame's legs were measured. An accepted frame that came too soon after
    # the last measured one (``profile_interval_s``) keeps its guidance, is not measured.
    measured: bool = False


@dataclass(frozen=True, eq=False)
class MeasurementResult:
    """The measurement with everything behind it.

    ``profiles``: per (leg, view) the robust profile; ``girths``: per leg the RAL points
    and girth curve; ``confidence``: "high", or "lower" with the reasons in diagnostics.
    """

    measurement: Measurement
    diagnostics: dict[str, Any]
    profiles: dict[tuple[Leg, str], RobustProfile]
    girths: dict[Leg, LegGirths]
    confidence: str
    overlays: dict[str, FrameOverlay] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """``Measurement.to_dict`` plus diagnostics: the ``legfit measure --json`` output."""
        out = self.measurement.to_dict()
        out["calf_difference_mm"] = round(self.measurement.calf_difference_mm, 1)
        out["confidence"] = self.confidence
        out.update(self.diagnostics)
        return out


class LegMeasurer:
    """Incremental measurement of both lower legs from a front and a side stance.

    ``calibration``: intrinsics, and a floor pose if one is stored (else the mat in the
    first frames gives it). ``pose_estimator``: a ``PoseEstimator``. ``checker_factory``:
    builds the stance checker (``check(frame, pose, expected) -> Guidance``) from the
    calibration once the floor pose is known; None for the measurer's own basic checks.
    ``frames_per_stance``: frames wanted per stance for the progress.
    ``row_step``: scan every n-th image row (1 = every row; 2 halves the per-frame work).
    ``profile_interval_s``: an accepted frame is measured only when at least this much time
    (frame timestamps) has passed since the last measured frame of its stance; in between,
    accepted frames carry the last overlay (0: measure every accepted frame, as for photos;
    ``LIVE_PROFILE_INTERVAL_S`` for a live camera).
    ``knee_above_landmark_mm``: where the knee point (mid-patella) stands above the pose
    estimator's knee landmark (``KNEE_POINT_ABOVE_LANDMARK_MM`` for the pose model; 0 for
    landmarks that already mark mid-patella, such as a synthetic scene's truth).
    ``knee_from_stature``: weigh in the knee height the shopper's stature predicts, the
    stature read from the side view's silhouette (``vision.stature``); False for landmarks
    that already mark the knee point.
    ``stated_height_mm``: the shopper's standing height; when the mat cannot be found (or
    ``calibration`` is None: no intrinsics) frames are scaled from it instead
    (``vision.fallback``) and the result is flagged lower confidence.
    """

    def __init__(self, calibration: CameraCalibration | None, mat: MatSpec,
                 pose_estimator: PoseEstimator,
                 checker_factory: Callable[[CameraCalibration], StanceCheck] | None = None,
                 frames_per_stance: int = FRAMES_PER_STANCE, row_step: int = 1,
                 keep_debug_frames: bool = False, stated_height_mm: float | None = None,
                 knee_above_landmark_mm: float = KNEE_POINT_ABOVE_LANDMARK_MM,
                 profile_interval_s: float = 0.0, knee_from_stature: bool = True):
        if calibration is None and stated_height_mm is None:
            raise ValueError("without a calibration the measurer needs a stated height")
        self.calibration = calibration
        self.stated_height_mm = stated_height_mm
        self.knee_above_landmark_mm = knee_above_landmark_mm
        self.knee_from_stature = knee_from_stature
        self.mat = mat
        self.pose_estimator = pose_estimator
        self.checker_factory = checker_factory
        self.frames_per_stance = frames_per_stance
        self.row_step = row_step
        self.keep_debug_frames = keep_debug_frames
        self.profile_interval_s = profile_interval_s
        self.reset()

    def reset(self) -> None:
        """Forget every frame (a new shopper)."""
        self._profiles: dict[tuple[Leg, Stance], list[LegViewProfile]] = {
            (leg, s): [] for leg in Leg for s in (Stance.FRONT, Stance.SIDE)}
        self._rejections: dict[Stance, Counter[str]] = {Stance.FRONT: Counter(),
                                                        Stance.SIDE: Counter()}
        self._frames_seen: Counter[Stance] = Counter()
        self._height_scaled: Counter[Stance] = Counter()
        self._accepted: Counter[Stance] = Counter()
        self._poses: dict[Stance, FloorPose] = {}
        self._mat_error: str | None = None
        self._debug_frames: dict[Stance, tuple[ImageBGR, FrameOverlay]] = {}
        # Debug only: per stance the last rejected frame, its landmarks and the reason key.
        self._debug_rejected: dict[Stance, tuple[ImageBGR, FrameOverlay, str]] = {}
        self._checker: StanceCheck | None = None
        # Per stance: the timestamp and overlay of the last measured frame.
        self._last_measured: dict[Stance, tuple[float, FrameOverlay]] = {}
        # The side view's stature readings, one per measured frame.
        self._statures: list[StatureReading] = []

    # -- the floor pose -------------------------------------------------------------------

    def _floor_pose(self, calibration: CameraCalibration, frame: Frame, stance: Stance
                    ) -> FloorPose | None:
        if stance in self._poses:
            return self._poses[stance]
        try:
            pose = estimate_floor_pose(frame.image_bgr, calibration.intrinsics, self.mat)
        except MatNotFound as exc:
            self._mat_error = str(exc)
            other = next(iter(self._poses.values()), None) or calibration.floor_pose
            if other is not None:
                self._poses[stance] = other  # the camera is fixed; the mat may be hidden now
            return other
        for other_stance, other in self._poses.items():
            moved = float(np.linalg.norm(other.camera_position_mm - pose.camera_position_mm))
            if moved > CAMERA_MOVED_MM:
                raise CalibrationInvalid(
                    f"the camera moved by {moved:.0f} mm between the {other_stance.value} and "
                    f"the {stance.value} view")
        self._poses[stance] = pose
        return pose

    # -- per frame ------------------------------------------------------------------------

    def _reject(self, stance: Stance, key: str, pose: PoseResult,
                guidance: Guidance | None = None,
                image_bgr: ImageBGR | None = None) -> FrameReport:
        self._rejections[stance][key] += 1
        if self.keep_debug_frames and image_bgr is not None:
            self._debug_rejected[stance] = (image_bgr, landmarks_overlay(pose), key)
        return FrameReport(guidance or Guidance(stance, key, False), pose, False,
                           self.progress(stance), FrameOverlay())

    def add(self, frame: Frame, expected: Stance) -> FrameReport:
        """Look at one frame of the expected stance; measure it if it is acceptable."""
        h, w = frame.image_bgr.shape[:2]
        if self.calibration is not None:
            self.calibration.intrinsics.check_frame_size(w, h)
        self._frames_seen[expected] += 1
        pose = self.pose_estimator.estimate(frame)
        image = frame.image_bgr
        key = frame_basics(frame, pose, expected)
        if key is not None:
            return self._reject(expected, key, pose, image_bgr=image)
        known = self.calibration
        floor = None if known is None else self._floor_pose(known, frame, expected)
        if known is None or floor is None:
            if self.stated_height_mm is not None:
                return self._add_height_scaled(frame, pose, expected, self.stated_height_mm)
            return self._reject(expected, "mat_not_found", pose, image_bgr=image)
        calibration = known.with_floor_pose(floor)
        last = self._last_measured.get(expected)
        soon = (last is not None
                and 0.0 <= frame.timestamp_s - last[0] < self.profile_interval_s)
        guidance = None
        if self.checker_factory is not None:
            if self._checker is None:
                self._checker = self.checker_factory(calibration)
            pose = self._checker.mended_by_the_prints(pose, expected)
            # A frame too soon after the last measured one is not measured: its garments
            # keep the verdict of the frames that were.
            guidance = self._checker.check(frame, pose, expected, judge_garments=not soon)
            if not guidance.accepted:
                return self._reject(expected, guidance.message_key, pose, guidance, image)
        elif classify_stance(_passed(pose)[0]) is not expected:
            key = "turn_to_side" if expected is Stance.SIDE else "face_camera"
            return self._reject(expected, key, pose, image_bgr=image)
        if last is not None and soon:
            return FrameReport(guidance or Guidance(expected, "ok", True), pose, True,
                               self.progress(expected), last[1])
        landmarks, mask = _passed(pose)
        profiles = []
        for leg in Leg:
            try:
                p = leg_view_profile(frame.image_bgr, mask, landmarks.leg(leg), leg,
                                     expected, calibration, self.mat, row_step=self.row_step,
                                     other_knee_px=landmarks.leg(leg.other).knee.xy_px)
            except ValueError:  # landmarks that make no leg axis (a knee on its ankle)
                continue
            if p.edges.valid.mean() >= MIN_VALID_ROW_SHARE:
                profiles.append(p)
        # The front view must show both legs. Side-on, the far leg may stand wholly behind
        # the near one (its knee landmark then lands on the near knee): the near leg is
        # measured, and the far one takes its depth from the front (flagged).
        if len(profiles) < (len(Leg) if expected is Stance.FRONT else 1):
            return self._reject(expected, "edges_not_found", pose, guidance, image)
        # The checker compares the legs with the face's skin; without one, the calf is
        # compared with the skin above the ankle (coarser, so only a gross difference).
        if self.checker_factory is None and any(calves_covered(frame.image_bgr, p.edges)
                                                for p in profiles):
            return self._reject(expected, "uncover_calves", pose, guidance, image)
        for p in profiles:
            self._profiles[(p.leg, expected)].append(p)
        if expected is Stance.SIDE and self.knee_from_stature:
            self._statures.append(side_view_stature(calibration, mask, landmarks.nose,
                                                    [p.axis for p in profiles]))
        self._accepted[expected] += 1
        overlay = FrameOverlay(tuple(self._overlay(p, landmarks, calibration)
                                     for p in profiles))
        self._last_measured[expected] = (frame.timestamp_s, overlay)
        if self.keep_debug_frames and expected not in self._debug_frames:
            self._debug_frames[expected] = (frame.image_bgr.copy(), overlay)
        return FrameReport(guidance or Guidance(expected, "ok", True), pose, True,
                           self.progress(expected), overlay, measured=True)

    def _add_height_scaled(self, frame: Frame, pose: PoseResult, expected: Stance,
                           stated_height_mm: float) -> FrameReport:
        """The uncalibrated fallback for one frame (no floor pose: scale from the height)."""
        landmarks, mask = _passed(pose)
        if classify_stance(landmarks) is not expected:
            key = "turn_to_side" if expected is Stance.SIDE else "face_camera"
            return self._reject(expected, key, pose, image_bgr=frame.image_bgr)
        ankles_y = 0.5 * (landmarks.left.ankle.y_px + landmarks.right.ankle.y_px)
        scale = height_scale_mm_per_px(mask, float(stated_height_mm), ankles_y)
        if scale is None:
            return self._reject(expected, "person_not_in_full_view", pose,
                                image_bgr=frame.image_bgr)
        mm_per_px, ankle_mm = scale
        profiles = []
        for leg in Leg:
            p = height_scaled_profile(frame.image_bgr, mask, landmarks.leg(leg), leg,
                                      expected, mm_per_px, ankle_mm, row_step=self.row_step)
            if p.edges.valid.mean() < MIN_VALID_ROW_SHARE:
                return self._reject(expected, "edges_not_found", pose,
                                    image_bgr=frame.image_bgr)
            profiles.append(p)
        if any(calves_covered(frame.image_bgr, p.edges) for p in profiles):
            return self._reject(expected, "uncover_calves", pose, image_bgr=frame.image_bgr)
        for p in profiles:
            self._profiles[(p.leg, expected)].append(p)
        self._accepted[expected] += 1
        self._height_scaled[expected] += 1
        overlay = FrameOverlay(tuple(
            LegOverlay(leg=p.leg,
                       landmarks_px=_landmarks_px(landmarks.leg(p.leg)),
                       left_edge_px=p.edges.points_px("left"),
                       right_edge_px=p.edges.points_px("right"),
                       axis_px=np.array([landmarks.leg(p.leg).ankle.xy_px,
                                         landmarks.leg(p.leg).knee.xy_px]))
            for p in profiles))
        if self.keep_debug_frames and expected not in self._debug_frames:
            self._debug_frames[expected] = (frame.image_bgr.copy(), overlay)
        return FrameReport(Guidance(expected, "ok", True), pose, True,
                           self.progress(expected), overlay)

    def _overlay(self, p: LegViewProfile, landmarks: BodyLandmarks,
                 calibration: CameraCalibration) -> LegOverlay:
        lm = landmarks.leg(p.leg)
        axis_px = calibration.project_mm(p.axis.point_at(np.array([p.ankle_t_mm, p.knee_t_mm])))
        return LegOverlay(
            leg=p.leg,
            landmarks_px=_landmarks_px(lm),
            left_edge_px=p.edges.points_px("left"), right_edge_px=p.edges.points_px("right"),
            axis_px=axis_px)

    def progress(self, stance: Stance) -> float:
        return min(1.0, self._accepted[stance] / max(1, self.frames_per_stance))

    def stance_complete(self, stance: Stance) -> bool:
        return self._accepted[stance] >= self.frames_per_stance

    # -- what was measured, for debug output and tests (read only) -----------------------

    def accepted_frames(self, stance: Stance) -> int:
        """How many frames of ``stance`` were accepted."""
        return self._accepted[stance]

    def floor_pose_for(self, stance: Stance) -> FloorPose | None:
        """The floor pose the frames of ``stance`` were measured with (None: none yet, or
        scaled from the stated height)."""
        return self._poses.get(stance)

    def profiles_for(self, leg: Leg, stance: Stance) -> Sequence[LegViewProfile]:
        """``leg``'s per-frame profiles in ``stance``, in the order the frames came."""
        return tuple(self._profiles[(leg, stance)])

    # -- the result -----------------------------------------------------------------------

    def refusal_for(self, stance: Stance) -> MeasurementRefused | MatNotFound:
        """Why ``stance`` has nothing measured: the most common reason its frames were
        turned away (``MatNotFound`` when that was the mat)."""
        reasons = self._rejections[stance]
        view = stance.value
        if not reasons:
            return MeasurementRefused(f"no {view} view to measure", view=view)
        key, _ = reasons.most_common(1)[0]
        if key == "mat_not_found":
            return MatNotFound(self._mat_error or "mat not found")
        text = REFUSAL_TEXT.get(key, key.replace("_", " "))
        if key == "no_person":
            return NoPersonInView(text, view=view)
        return MeasurementRefused(text, view=view)

    def result(self) -> MeasurementResult:
        """Aggregate everything added so far; refuse with the reason when it cannot."""
        if self._accepted[Stance.FRONT] == 0:
            raise self.refusal_for(Stance.FRONT)
        has_side = self._accepted[Stance.SIDE] > 0
        profiles: dict[tuple[Leg, str], RobustProfile] = {}
        girths: dict[Leg, LegGirths] = {}
        stature = stature_of(self._statures) if has_side else None
        knee_prior = None if stature is None else knee_from_stature(stature)
        for leg in Leg:
            front = aggregate_profiles(self._profiles[(leg, Stance.FRONT)])
            profiles[(leg, "front")] = front
            side = None
            if has_side and self._profiles[(leg, Stance.SIDE)]:
                side = aggregate_profiles(self._profiles[(leg, Stance.SIDE)])
                profiles[(leg, "side")] = side
            try:
                girths[leg] = leg_girths(front, side, self.knee_above_landmark_mm, knee_prior)
            except CalfCovered as exc:
                raise MeasurementRefused(
                    f"{leg} leg: calf covered: both views' outlines step out by "
                    f"{exc.step:.0%} at {exc.height_mm:.0f} mm, a garment's hem (a bare calf "
                    f"widens smoothly)", leg=leg) from None
            except GirthNotFound as exc:
                raise MeasurementRefused(
                    f"{leg} leg: the {exc.args[0]} could not be measured (not fully in view, "
                    f"covered, or its outline lost against a background of its colour or "
                    f"in poor light)", leg=leg) from None
        refusal, shape_reasons = calf_to_ankle_refusal(girths)
        if refusal is not None:
            raise MeasurementRefused(refusal[0], leg=refusal[1])
        for leg in Leg:
            misread = outside_human_range(leg, girths[leg])
            if misread is not None:
                raise MeasurementRefused(misread, leg=leg)
        girths, one_view = unsupported_difference(girths)
        flagged = flagged_differences(girths, one_view)
        girths, _ = pool_lengths(girths)
        if not any(self._height_scaled.values()):
            # (A stated height's scale errs alike for both legs: nothing to pool there.)
            girths, _ = pool_ankles(girths)
        measurement = Measurement(
            left=self._leg_measurement(girths[Leg.LEFT]),
            right=self._leg_measurement(girths[Leg.RIGHT]),
            source=MeasurementSource.CAMERA, flagged_differences=flagged,
            calf_difference_sd_mm=round(calf_difference_sd_mm(girths), 1))
        reasons = [*shape_reasons, *one_view.values()]
        if not has_side:
            reasons.append("front view only")
        if any(self._height_scaled.values()):
            reasons.append("no floor pose: scaled from the stated height")
        for leg in Leg:
            if has_side and girths[leg].front_only:
                reasons.append(f"{leg} leg: not seen in the side view: depth from a prior")
            if has_side and girths[leg].depth_from_prior:
                reasons.append(f"{leg} leg: side view unusable at the "
                               f"{', '.join(girths[leg].depth_from_prior)}: depth from a prior")
            if girths[leg].front_break_mm is not None:
                reasons.append(f"{leg} leg: the front outline breaks below the ankle's "
                               f"narrowest point: ankle sd widened")
            if girths[leg].depth_break_mm is not None:
                reasons.append(f"{leg} leg: the side view's calf outline breaks at "
                               f"{girths[leg].depth_break_mm:.0f} mm: calf sd widened")
        confidence = "lower" if reasons else "high"
        diagnostics = self._diagnostics(girths, reasons)
        overlays = {}
        for stance, (_, overlay) in self._debug_frames.items():
            overlays[stance.value] = overlay
        return MeasurementResult(measurement, diagnostics, profiles, girths, confidence,
                                 overlays)

    @staticmethod
    def _leg_measurement(g: LegGirths) -> LegMeasurement:
        return LegMeasurement(
            ankle_mm=round(g.ankle.girth_mm, 1), calf_mm=round(g.calf.girth_mm, 1),
            knee_high_length_mm=round(g.knee_high_length_mm, 1),
            ankle_sd_mm=round(g.ankle.sd_mm, 1), calf_sd_mm=round(g.calf.sd_mm, 1),
            knee_high_length_sd_mm=round(g.knee_high_length_sd_mm, 1))

    def _diagnostics(self, girths: dict[Leg, LegGirths], reasons: list[str]) -> dict[str, Any]:
        legs: dict[str, dict[str, Any]] = {}
        for leg, g in girths.items():
            legs[leg.value] = {
                "ankle_height_mm": round(g.ankle.height_mm, 1),
                "ankle_width_mm": round(g.ankle.width_mm, 1),
                "ankle_depth_mm": round(g.ankle.depth_mm, 1),
                "calf_height_mm": round(g.calf.height_mm, 1),
                "calf_width_mm": round(g.calf.width_mm, 1),
                "calf_depth_mm": round(g.calf.depth_mm, 1),
                "knee_height_mm": round(g.knee_height_mm, 1),
                "notes": list(g.notes),
            }
        pose = self._poses.get(Stance.FRONT)
        return {
            "legs": legs,
            "frames": {s.value: {"seen": self._frames_seen[s], "used": self._accepted[s],
                                 "rejected": dict(self._rejections[s])}
                       for s in (Stance.FRONT, Stance.SIDE)},
            "lower_confidence_reasons": reasons,
            "stature": self._stature_diagnostics(),
            "camera": None if pose is None else {
                "height_mm": round(pose.camera_height_mm, 1),
                "distance_to_mat_centre_mm": round(pose.distance_to_mat_centre_mm, 1),
                "pitch_deg": round(pose.pitch_deg, 2),
                "mat_reprojection_error_px": round(pose.reprojection_error_px, 3),
                "markers_used": list(pose.markers_used)},
        }

    def _stature_diagnostics(self) -> dict[str, Any]:
        """The side view's stature (which places the knee with the landmark) and, for the
        frames that read none, why."""
        stature = stature_of(self._statures)
        return {"stature_mm": None if stature is None else round(stature, 1),
                "frames_read": sum(r.stature_mm is not None for r in self._statures),
                "not_read": dict(Counter(r.reason for r in self._statures
                                         if r.stature_mm is None))}

    def debug_frames(self) -> dict[str, tuple[ImageBGR, FrameOverlay]]:
        """The first accepted frame of each stance with its overlay (debug output only)."""
        return {s.value: v for s, v in self._debug_frames.items()}

    def rejected_debug_frames(self) -> dict[str, tuple[ImageBGR, FrameOverlay, str]]:
        """Per view the last rejected frame, its landmarks and why (debug output only)."""
        return {s.value: v for s, v in self._debug_rejected.items()}


def landmarks_overlay(pose: PoseResult) -> FrameOverlay:
    """Just the legs' landmarks of a frame (nothing measured on it)."""
    if pose.landmarks is None:
        return FrameOverlay()
    empty = np.zeros((0, 2))
    return FrameOverlay(tuple(
        LegOverlay(leg=leg, landmarks_px=_landmarks_px(pose.landmarks.leg(leg)),
                   left_edge_px=empty, right_edge_px=empty, axis_px=empty)
        for leg in Leg))


def _passed(pose: PoseResult) -> tuple[BodyLandmarks, PersonMask]:
    """The landmarks and mask of a frame's pose that ``frame_basics`` let through (it turns
    away a frame without either)."""
    assert pose.landmarks is not None and pose.mask is not None
    return pose.landmarks, pose.mask


def _landmarks_px(lm: LegLandmarks) -> dict[str, tuple[float, float]]:
    return {name: (kp.x_px, kp.y_px) for name, kp in
            zip(("hip", "knee", "ankle", "heel", "toe"), lm.all(), strict=True)}


def _frames(paths: Sequence[str | os.PathLike[str]]) -> Iterator[Frame]:
    from vision.sources import iter_frames, source_for_paths

    source = source_for_paths(paths)
    try:
        yield from iter_frames(source)
    finally:
        source.close()


def measure_paths(front_paths: Sequence[str | os.PathLike[str]],
                  side_paths: Sequence[str | os.PathLike[str]] | None,
                  calibration: CameraCalibration | None, mat: MatSpec,
                  pose_estimator_factory: Callable[[bool], PoseEstimator],
                  checker_factory: Callable[[CameraCalibration], StanceCheck] | None = None,
                  keep_debug_frames: bool = False, stated_height_mm: float | None = None,
                  refusal_debug_dir: str | os.PathLike[str] | None = None
                  ) -> tuple[MeasurementResult, LegMeasurer]:
    """Measure from files: images or videos of the front and (optionally) the side stance.

    ``pose_estimator_factory(static)`` builds one estimator per view (``static`` True for
    still images, False for a video, where tracking helps). A video that holds both
    stances may be given as front and side: frames of the other stance are skipped.
    ``refusal_debug_dir``: when the measurement is refused, its debug images go there
    (``vision.debug.write_refusal``) before the refusal is raised.
    """
    from vision.sources import is_image_path

    keep_debug_frames = keep_debug_frames or refusal_debug_dir is not None
    measurer: LegMeasurer | None = None
    views: list[tuple[Stance, Sequence[str | os.PathLike[str]]]] = [(Stance.FRONT, front_paths)]
    if side_paths:
        views.append((Stance.SIDE, side_paths))
    try:
        for stance, paths in views:
            static = all(is_image_path(p) for p in paths)
            estimator = pose_estimator_factory(static)
            try:
                if measurer is None:
                    measurer = LegMeasurer(calibration, mat, estimator, checker_factory,
                                           keep_debug_frames=keep_debug_frames,
                                           stated_height_mm=stated_height_mm)
                else:
                    measurer.pose_estimator = estimator
                for frame in _frames(paths):
                    measurer.add(frame, stance)
            finally:
                estimator.close()
        assert measurer is not None
        if side_paths and measurer.accepted_frames(Stance.SIDE) == 0:
            raise measurer.refusal_for(Stance.SIDE)
        return measurer.result(), measurer
    except MeasurementRefused as exc:
        if refusal_debug_dir is not None and measurer is not None:
            from vision.debug import write_refusal

            write_refusal(refusal_debug_dir, exc, measurer.debug_frames(),
                          measurer.rejected_debug_frames(), REFUSAL_TEXT)
        raise
