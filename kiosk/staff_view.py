"""What the staff screen shows: the session history, the measurement's profiles, how sure
the measurement is, and the calibration in force, gathered into the ui's ``StaffPage``."""

from __future__ import annotations

import numpy as np

from fitting.i18n import Cm, Number
from kiosk.assembly import KioskParts
from session.flow import FlowStatus
from session.log import SessionLog, SessionRecord
from ui.i18n import tr
from ui.screens.staff import HistoryRow, Lookup, StaffPage
from vision.measurer import MeasurementResult


def _girths(left_ankle: float | None, left_calf: float | None, right_ankle: float | None,
            right_calf: float | None) -> str:
    if None in (left_ankle, left_calf, right_ankle, right_calf):
        return ""
    return f"L {left_ankle:.0f}/{left_calf:.0f} R {right_ankle:.0f}/{right_calf:.0f}"


def history_row(r: SessionRecord, lang: str = "en") -> HistoryRow:
    """One logged session as the staff history shows it."""
    girths = _girths(r.left_ankle_mm, r.left_calf_mm, r.right_ankle_mm, r.right_calf_mm)
    if girths and r.source == "tape":
        girths += " " + tr("staff.history.tape", lang)
    product = "; ".join(f"{p.get('product_name')} {p.get('size')}" for p in r.recommendation)
    return HistoryRow(time=r.finished_at.replace("T", " ")[:16], outcome=r.outcome,
                      girths=girths, product=product, code=r.fitting_code,
                      camera_girths=_girths(r.camera_left_ankle_mm, r.camera_left_calf_mm,
                                            r.camera_right_ankle_mm, r.camera_right_calf_mm))


def history_rows(session_log: SessionLog, limit: int = 50, lang: str = "en"
                 ) -> list[HistoryRow]:
    """The session log as the staff history table shows it."""
    return [history_row(r, lang) for r in session_log.recent(limit)]


def lookup(session_log: SessionLog, typed: str, lang: str = "en") -> Lookup:
    """The session of the fitting code staff typed or scanned."""
    record = session_log.find(typed)
    return Lookup(typed, None if record is None else history_row(record, lang))


def profile_data(result: MeasurementResult | None
                 ) -> tuple[dict[str, list[tuple[float, float]]], dict[str, float]]:
    """Width profiles per leg and view, and the cB/cC heights, for the staff review plot."""
    profiles: dict[str, list[tuple[float, float]]] = {}
    marks: dict[str, float] = {}
    if result is None:
        return profiles, marks
    for (leg, view), p in sorted(result.profiles.items(),
                                 key=lambda kv: (str(kv[0][0]), str(kv[0][1]))):
        heights = np.asarray(p.heights_mm, float)
        values = np.asarray(p.value_mm, float)
        ok = np.isfinite(values)
        profiles[f"{leg} {view}"] = [
            (float(h), float(v)) for h, v in zip(heights[ok], values[ok], strict=True)]
    for leg, g in result.girths.items():
        marks[f"cB {leg}"] = float(g.ankle.height_mm)
        marks[f"cC {leg}"] = float(g.calf.height_mm)
    return profiles, marks


def confidence_of(result: MeasurementResult | None) -> tuple[str | None, list[str]]:
    """The camera measurement's confidence ("high"/"lower", None without one) and the
    reasons it is lower, for the staff review."""
    if result is None:
        return None, []
    reasons = result.diagnostics.get("lower_confidence_reasons", ())
    return result.confidence, [str(r) for r in reasons]


def calibration_status(parts: KioskParts, camera_source: str, lang: str = "en") -> str:
    """One line on the calibration in force and the camera it is for."""
    cal = parts.calibration
    if cal is not None and cal.floor_pose is not None:
        p = cal.floor_pose
        line = tr("staff.calibration.pose", lang, height=Cm(p.camera_height_mm, 0),
                  distance=Cm(p.distance_to_mat_centre_mm, 0),
                  pitch_deg=Number(p.pitch_deg, 1))
    else:
        line = parts.calibration_problem
    if camera_source:
        line = f"{line}; {camera_source}" if line else camera_source
    return line


def staff_page(parts: KioskParts, status: FlowStatus, result: MeasurementResult | None,
               camera_frame_bgr: np.ndarray | None,
               found: Lookup | None = None) -> StaffPage:
    """Everything the staff screen shows now."""
    profiles, marks = profile_data(result)
    confidence, reasons = confidence_of(result)
    overlays = {} if result is None else result.overlays
    problems = [status.log_problem] if status.log_problem else []
    lang = status.language
    notice = (status.notice_detail if status.notice_message is None
              else tr(status.notice_message.msgid, lang, **dict(status.notice_message.values)))
    return StaffPage(
        measurement=status.measurement,
        profiles_mm=profiles, profile_marks_mm=marks,
        confidence=confidence, confidence_reasons=reasons,
        review_frame_bgr=None, review_overlay=next(iter(overlays.values()), None),
        calibration_status=calibration_status(parts,
                                              parts.session.camera.status.source or "", lang),
        calibration_text=tr("staff.calibration.steps_mat" if parts.intrinsics_only is not None
                            else "staff.calibration.steps_board", lang),
        calibration_frame_bgr=camera_frame_bgr,
        catalogue=parts.catalogue,
        history=history_rows(parts.session_log, lang=lang),
        lookup=found,
        camera_measurement=status.camera_measurement,
        notice=status.notice,
        notice_detail=" ".join([notice, *problems]).strip(),
    )
