"""Sample data for every screen: what the screenshots and the ui tests render.

Built with the real domain (the bundled demo catalogue, the real screener and sizing),
so a screenshot shows exactly what a shopper with these legs and answers would see.
The camera picture comes from the team's synthetic scenes when they are beside the
repository (../shared/data); without them the measuring screens show a plain frame.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from fitting.catalogue import Catalogue, load_catalogue
from fitting.json_input import read_json_file
from fitting.measurement import Leg, LegMeasurement, Measurement, MeasurementSource
from fitting.outcome import Outcome, Purpose
from fitting.recommend import Decision, decide
from fitting.screener import QUESTION_IDS, Answers, Screening, screen
from fitting.stance import Stance
from ui.screens.staff import HistoryRow, Lookup, StaffPage
from vision.overlay import FrameOverlay, LegOverlay
from vision.stance import Guidance

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_SCENE = REPO_ROOT.parent / "shared" / "data" / "synthetic-dev" / "scene_1000"
SAMPLE_CODE = "LF-7K3Q-M9TX"


def sample_measurement() -> Measurement:
    """Two ordinary lower legs that fit a standard size, as the camera reports them."""
    return Measurement(
        left=LegMeasurement(ankle_mm=224.0, calf_mm=362.0, knee_high_length_mm=412.0,
                            ankle_sd_mm=3.1, calf_sd_mm=5.2, knee_high_length_sd_mm=7.5),
        right=LegMeasurement(ankle_mm=226.0, calf_mm=366.0, knee_high_length_mm=414.0,
                             ankle_sd_mm=3.0, calf_sd_mm=5.0, knee_high_length_sd_mm=7.5),
        source=MeasurementSource.CAMERA)


def answers(yes: tuple[str, ...] = (), purpose: Purpose = Purpose.EVERYDAY) -> Answers:
    return Answers(answers={q: q in yes for q in QUESTION_IDS}, purpose=purpose)


def sample_decision(catalogue: Catalogue | None = None) -> Decision:
    """The recommendation for the sample legs, everyday use, every answer "no"."""
    return decide(sample_measurement(), answers(), catalogue or load_catalogue())


def sample_referrals(catalogue: Catalogue | None = None) -> dict[str, Screening | Decision]:
    """One real screening or decision per referral outcome, keyed by outcome value."""
    catalogue = catalogue or load_catalogue()
    found: dict[str, Screening | Decision] = {}
    for yes in (("emergency_symptoms",), ("one_leg_swelling",), ("poor_circulation",),
                ("fibre_allergy",)):
        s = screen(answers(yes))
        found.setdefault(s.outcome.value, s)
    big = Measurement(left=LegMeasurement(ankle_mm=380.0, calf_mm=560.0),
                      right=LegMeasurement(ankle_mm=382.0, calf_mm=565.0),
                      source=MeasurementSource.TAPE)
    # An ankle on the line between two sizes, within its uncertainty.
    straddling = Measurement(
        left=LegMeasurement(ankle_mm=230.0, calf_mm=360.0, ankle_sd_mm=4.0, calf_sd_mm=5.0),
        right=LegMeasurement(ankle_mm=229.0, calf_mm=362.0, ankle_sd_mm=4.0, calf_sd_mm=5.0),
        source=MeasurementSource.CAMERA)
    for m in (big, straddling):
        d = decide(m, answers(), catalogue)
        found.setdefault(d.outcome.value, d)
    return found


def sample_possible_clot(catalogue: Catalogue | None = None) -> Decision:
    """A camera measurement whose ankles differ by 12 mm, 4 mm sd each: within 2 sd of
    the 20 mm one-sided swelling rule, so staff tape both legs first."""
    left = LegMeasurement(ankle_mm=224.0, calf_mm=360.0, ankle_sd_mm=4.0, calf_sd_mm=4.0)
    right = LegMeasurement(ankle_mm=236.0, calf_mm=362.0, ankle_sd_mm=4.0, calf_sd_mm=4.0)
    return decide(Measurement(left, right, MeasurementSource.CAMERA), answers(),
                  catalogue or load_catalogue())


def sample_guidance(stance: Stance) -> Guidance:
    return Guidance(stance=stance, message_key="ok", accepted=True, detail="")


@dataclass(frozen=True)
class SampleFrame:
    """A camera frame with the overlay and footprints a measuring screen would show."""

    frame_bgr: np.ndarray
    overlay: FrameOverlay | None
    footprints_px: list[np.ndarray]


def _edges_from_mask(mask: np.ndarray, knee_px, ankle_px) -> tuple[np.ndarray, np.ndarray]:
    """Left and right silhouette edges between knee and ankle (for a sample overlay)."""
    lefts, rights = [], []
    (kx, ky), (ax, ay) = knee_px, ankle_px
    for y in range(int(ky), int(ay), 6):
        t = (y - ky) / (ay - ky)
        x = round(kx + t * (ax - kx))
        row = mask[y] > 127
        if not row[x]:
            continue
        x0 = x
        while x0 > 0 and row[x0 - 1]:
            x0 -= 1
        x1 = x
        while x1 < len(row) - 1 and row[x1 + 1]:
            x1 += 1
        lefts.append((x0, y))
        rights.append((x1, y))
    return np.array(lefts, float), np.array(rights, float)


def sample_frame(stance: Stance) -> SampleFrame:
    """A synthetic scene's picture with an overlay drawn from its exact silhouette and
    landmarks, and the mat's footprints projected with the pose found from the markers."""
    import cv2  # only here: the rest of the ui needs no OpenCV

    from calibration.calibration_file import load_calibration
    from calibration.floor import estimate_floor_pose
    from calibration.mat import load_mat_spec
    from ui.camera_view import footprint_outlines_px

    image_path = SHARED_SCENE / f"{stance.value}.png"
    if not image_path.is_file():
        return SampleFrame(np.full((1920, 1080, 3), 40, np.uint8), None, [])
    frame = cv2.imread(str(image_path), cv2.IMREAD_COLOR)
    mask = cv2.imread(str(SHARED_SCENE / f"{stance.value}_mask.png"), cv2.IMREAD_GRAYSCALE)
    truth = read_json_file(SHARED_SCENE / "truth.json", "scene truth")
    if not isinstance(truth, dict):
        return SampleFrame(np.full((1920, 1080, 3), 40, np.uint8), None, [])
    mat = load_mat_spec()
    calibration = load_calibration(SHARED_SCENE / "calibration.json")
    pose = estimate_floor_pose(frame, calibration.intrinsics, mat)
    calibration = calibration.with_floor_pose(pose)
    legs = []
    for leg in Leg:
        marks = truth["landmarks_px"][stance.value][leg.value]
        knee, ankle = marks["knee_px"], marks["ankle_joint_px"]
        left_edge, right_edge = _edges_from_mask(mask, knee, ankle)
        lines = {}
        for name, t in (("cC", 0.3), ("cB", 0.82)):
            i = min(len(left_edge) - 1, int(t * len(left_edge)))
            lines[name] = np.array([left_edge[i], right_edge[i]])
        legs.append(LegOverlay(
            leg=leg,
            landmarks_px={"knee": tuple(knee), "ankle": tuple(ankle),
                          "heel": tuple(marks["heel_centre_px"]),
                          "toe": tuple(marks["toe_tip_px"])},
            left_edge_px=left_edge, right_edge_px=right_edge,
            axis_px=np.array([ankle, knee], float), height_lines_px=lines))
    return SampleFrame(frame, FrameOverlay(legs=tuple(legs)),
                       footprint_outlines_px(calibration, mat, stance))


def sample_staff_page(catalogue: Catalogue | None = None,
                      frame: SampleFrame | None = None) -> StaffPage:
    """Staff tools with a measurement, width profiles, the catalogue and some history."""
    heights = np.arange(60.0, 440.0, 10.0)

    def width(h: float, ankle: float, calf: float) -> float:
        # A smooth lower-leg width profile: narrow above the ankle, widest at the calf.
        return ankle + (calf - ankle) * math.exp(-(((h - 300) / 110) ** 2))

    profiles = {
        "left front": [(h, width(h, 62, 108)) for h in heights],
        "right front": [(h, width(h, 63, 110)) for h in heights],
        "left side": [(h, width(h, 78, 118)) for h in heights],
        "right side": [(h, width(h, 79, 120)) for h in heights],
    }
    history = (
        HistoryRow("09:14", Outcome.RECOMMEND.value, "224/362 · 226/366",
                   "everyday knee-high, M", code="LF-2C4E-91B0"),
        HistoryRow("10:02", Outcome.PHARMACIST.value, code="LF-8D1F-33A7"),
        HistoryRow("11:47", Outcome.STAFF_CHECK.value, "224/361 · 237/364 (tape)",
                   code=SAMPLE_CODE, camera_girths="221/358 · 233/362"),
    )
    from calibration.wizard import WizardStatus

    wizard = WizardStatus(
        accepted=True, done=False, message="move the board to the lower right of the picture",
        views=7, cells_covered=5, cells_total=9, tilts_covered=("top-left", "top-right"),
        covered_cells=frozenset({(0, 0), (0, 1), (0, 2), (1, 1), (2, 0)}),
        board_corners_px=tuple((300.0 + 60 * i, 1500.0 + 40 * j) for i in range(5)
                               for j in range(4)))
    # The review shows a measurement of lower confidence: the right calf's side outline
    # broke, so its sd was widened.
    measurement = sample_measurement()
    measurement = replace(measurement, right=replace(measurement.right, calf_sd_mm=12.8))
    return StaffPage(
        measurement=measurement, profiles_mm=profiles,
        profile_marks_mm={"cB": 110.0, "cC": 300.0},
        confidence="lower",
        confidence_reasons=("right leg: the side view's calf outline breaks at 402 mm: "
                            "calf sd widened",),
        review_frame_bgr=None if frame is None else frame.frame_bgr,
        review_overlay=None if frame is None else frame.overlay,
        calibration_text="Hold the ChArUco board flat in view, tilted; 12 of 20 views "
                         "taken. Cover the corners of the picture too.",
        calibration_status="valid, 0.31 px RMS, 2026-11-20; camera 0 1920x1080 YUYV",
        calibration_frame_bgr=None if frame is None else frame.frame_bgr,
        calibration_wizard=wizard,
        catalogue=catalogue or load_catalogue(), history=history,
        lookup=Lookup(SAMPLE_CODE.lower(), history[2]))
