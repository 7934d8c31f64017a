"""What the staff screen shows: the session history, the measurement's profiles and how
sure the measurement is."""

from __future__ import annotations

from typing import Any

import numpy as np

from session.log import SessionLog


def history_rows(session_log: SessionLog, limit: int = 50) -> list[dict[str, str]]:
    """The session log as the staff history table shows it."""
    rows = []
    for r in session_log.recent(limit):
        girths = ""
        if r.left_ankle_mm is not None and r.right_ankle_mm is not None:
            girths = (f"L {r.left_ankle_mm:.0f}/{r.left_calf_mm:.0f} "
                      f"R {r.right_ankle_mm:.0f}/{r.right_calf_mm:.0f}"
                      + (" (tape)" if r.source == "tape" else ""))
        product = "; ".join(f"{p.get('product_name')} {p.get('size')}"
                            for p in r.recommendation)
        rows.append({"time": r.finished_at.replace("T", " ")[:16], "outcome": r.outcome,
                     "girths": girths, "product": product})
    return rows


def profile_data(result: Any) -> tuple[dict[str, list[tuple[float, float]]], dict[str, float]]:
    """Width profiles per leg and view, and the cB/cC heights, for the staff review plot."""
    profiles: dict[str, list[tuple[float, float]]] = {}
    marks: dict[str, float] = {}
    if result is None:
        return profiles, marks
    for (leg, view), p in sorted(getattr(result, "profiles", {}).items(),
                                 key=lambda kv: (str(kv[0][0]), str(kv[0][1]))):
        heights = np.asarray(p.heights_mm, float)
        values = np.asarray(p.value_mm, float)
        ok = np.isfinite(values)
        profiles[f"{leg} {getattr(view, 'value', view)}"] = [
            (float(h), float(v)) for h, v in zip(heights[ok], values[ok], strict=True)]
    for leg, g in getattr(result, "girths", {}).items():
        marks[f"cB {leg}"] = float(g.ankle.height_mm)
        marks[f"cC {leg}"] = float(g.calf.height_mm)
    return profiles, marks


def confidence_of(result: Any) -> tuple[str | None, list[str]]:
    """The camera measurement's confidence ("high"/"lower", None without one) and the
    reasons it is lower, for the staff review."""
    if result is None:
        return None, []
    diagnostics = getattr(result, "diagnostics", None) or {}
    return (getattr(result, "confidence", None),
            [str(r) for r in diagnostics.get("lower_confidence_reasons", ())])
