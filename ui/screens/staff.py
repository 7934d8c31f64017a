"""Staff screens: the PIN pad, the staff tools, and the set-up notice."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fitting.measurement import Measurement, MeasurementSource
from ui.camera_view import CameraView
from ui.i18n import STRINGS
from ui.illustrations import IllustrationView
from ui.screen_base import Screen, card, enum_value, pick
from ui.theme import set_role, tag
from ui.widgets import ProfilePlot, ProgressRing

MAX_PIN_DIGITS = 8


class StaffPinScreen(Screen):
    """A big PIN pad. Intents: ("pin", "1234") on OK, ("back", None) on cancel.

    ``render(data)``: ``data.notice`` "pin_wrong" or "pin_locked" shows why the last try
    failed (optional ``data.tries_left``). Every render clears the digits typed so far."""

    screen_name = "staff_pin"

    def build(self) -> None:
        self.digits = ""
        self.title = self.label("title", align=Qt.AlignmentFlag.AlignHCenter)
        self.body = self.label("body", align=Qt.AlignmentFlag.AlignHCenter)
        self.display = self.label("pin_display", wrap=False, align=Qt.AlignmentFlag.AlignHCenter)
        self.message = self.label("error", align=Qt.AlignmentFlag.AlignHCenter)
        for w in (self.title, self.body, self.display, self.message):
            self.root.addWidget(w)
        self.root.addStretch(1)
        grid = QGridLayout()
        grid.setSpacing(self.theme.px(24))
        self.keys: dict[str, object] = {}
        layout = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "ok")
        for i, key in enumerate(layout):
            b = self.button(role="key" if key.isdigit() else
                            ("secondary" if key == "clear" else None))
            tag(b, height_class="large")
            if key.isdigit():
                b.setText(key)
                b.clicked.connect(lambda _=False, k=key: self.press(k))
            elif key == "clear":
                b.clicked.connect(self.clear)
            else:
                b.clicked.connect(self.submit)
            self.keys[key] = b
            grid.addWidget(b, i // 3, i % 3)
        self.root.addLayout(grid)
        self.root.addStretch(1)
        self.cancel_button = self.button("back", role="secondary")
        self.root.addWidget(self.cancel_button)

    def press(self, digit: str) -> None:
        if len(self.digits) < MAX_PIN_DIGITS:
            self.digits += digit
        self._show_digits()

    def clear(self) -> None:
        self.digits = ""
        self._show_digits()

    def submit(self) -> None:
        if not self.digits:
            return
        pin, self.digits = self.digits, ""
        self._show_digits()
        self.emit_intent("pin", pin)

    def _show_digits(self) -> None:
        # Dots, never the digits: someone may be looking over the staff member's shoulder.
        self.display.setText("●" * len(self.digits) if self.digits else "–")

    def render(self, data: object) -> None:
        self.digits = ""
        super().render(data)

    def refresh(self) -> None:
        self.title.setText(self.tr("staff_pin.title"))
        self.body.setText(self.tr("staff_pin.body"))
        notice = pick(self.data, "notice")
        if notice == "pin_locked":
            message = self.tr("staff_pin.locked")
        elif notice == "pin_wrong":
            tries = pick(self.data, "tries_left")
            message = (self.tr("staff_pin.wrong_tries", tries=tries) if tries is not None
                       else self.tr("staff_pin.wrong"))
        else:
            message = ""
        self.message.setText(message)
        self.message.setVisible(bool(message))
        self.keys["clear"].setText(self.tr("staff_pin.clear"))
        self.keys["ok"].setText(self.tr("staff_pin.ok"))
        self.cancel_button.setText(self.tr("common.cancel"))
        self._show_digits()


@dataclass(frozen=True)
class StaffPage:
    """Everything the staff screen shows; every field is optional.

    - ``measurement``: the session's current measurement (camera or tape).
    - ``profiles_mm``: label ("left front") -> sequence of (height_mm, width_mm).
    - ``profile_marks_mm``: label ("cB left") -> height_mm, drawn as lines on the plot.
    - ``confidence``: the camera measurement's, "high" or "lower"; ``confidence_reasons``:
      why it is lower (the measurer's own words), shown so staff know what to tape-check.
    - ``review_frame_bgr`` / ``review_overlay``: a frame with its overlay, for review.
    - ``calibration_text``: what the calibration wizard says to do now.
    - ``calibration_frame_bgr`` / ``calibration_overlay``: the wizard's live view.
    - ``calibration_status``: one line on the calibration in force.
    - ``calibration_wizard``: the intrinsics wizard's last ``WizardStatus`` (its message,
      progress, covered regions and board corners are shown over the live view).
    - ``catalogue``: a ``fitting.catalogue.Catalogue`` (its per-file ``sources``).
    - ``history``: recent sessions, each a mapping with time, outcome, girths, product.
    - ``notice`` / ``notice_detail``: the last staff action's result (e.g. "tape_invalid").
    """

    measurement: Measurement | None = None
    profiles_mm: Mapping[str, Sequence[tuple[float, float]]] = field(default_factory=dict)
    profile_marks_mm: Mapping[str, float] = field(default_factory=dict)
    confidence: str | None = None
    confidence_reasons: Sequence[str] = ()
    review_frame_bgr: np.ndarray | None = None
    review_overlay: object = None
    calibration_text: str = ""
    calibration_frame_bgr: np.ndarray | None = None
    calibration_overlay: object = None
    calibration_status: str = ""
    calibration_wizard: object = None
    catalogue: object = None
    history: Sequence[Mapping[str, object]] = ()
    notice: str | None = None
    notice_detail: str = ""


def _table(columns: int) -> QTableWidget:
    table = QTableWidget(0, columns)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    table.setWordWrap(True)
    return table


class StaffScreen(Screen):
    """Staff tools in tabs: tape entry, review, calibration, catalogue, history.

    Intents: ("tape_entry", {"left": {...}, "right": {...}}) in the measurement JSON
    contract (millimetres), ("calibration_capture", None), ("calibration_finish", None),
    ("setup", None), ("back", None) to leave staff mode, ("quit", None) to close the
    kiosk. ``render(data)``: a ``StaffPage`` (or the kiosk's status: its
    ``measurement``, ``notice`` and ``notice_detail`` are used)."""

    screen_name = "staff"
    TAPE_FIELDS = (("ankle_mm", "staff.tape.ankle"), ("calf_mm", "staff.tape.calf"),
                   ("knee_high_length_mm", "staff.tape.length"))

    def build(self) -> None:
        top = QHBoxLayout()
        self.title = self.label("title")
        top.addWidget(self.title, 1)
        self.root.addLayout(top)
        self.notice = self.label("error")
        self.root.addWidget(self.notice)
        self.tabs = QTabWidget()
        self.tabs.tabBar().setExpanding(True)
        self.root.addWidget(self.tabs, 1)
        self._build_tape()
        self._build_review()
        self._build_calibration()
        self._build_catalogue()
        self._build_history()
        # Stacked, not side by side: German labels are long and must never be cut off.
        row = QVBoxLayout()
        self.exit_button = self.button("back")
        self.quit_button = self.button("quit", role="secondary")
        row.addWidget(self.exit_button)
        row.addWidget(self.quit_button)
        self.root.addLayout(row)

    # --- tabs ---------------------------------------------------------------------------
    def _build_tape(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.tape_body = self.label("small")
        layout.addWidget(self.tape_body)
        grid = QGridLayout()
        grid.setHorizontalSpacing(self.theme.px(20))
        grid.setVerticalSpacing(self.theme.px(20))
        self.tape_leg_labels = {}
        self.tape_row_labels = {}
        self.tape_inputs: dict[tuple[str, str], QDoubleSpinBox] = {}
        self._tape_filled_from: Measurement | None = None
        for col, leg in enumerate(("left", "right"), start=1):
            head = QLabel()
            set_role(head, "step")
            self.tape_leg_labels[leg] = head
            grid.addWidget(head, 0, col)
        for row, (name, key) in enumerate(self.TAPE_FIELDS, start=1):
            label = QLabel()
            label.setWordWrap(True)
            self.tape_row_labels[key] = label
            grid.addWidget(label, row, 0)
            for col, leg in enumerate(("left", "right"), start=1):
                box = QDoubleSpinBox()
                box.setDecimals(1)
                box.setRange(0.0, 99.9)
                box.setSingleStep(0.5)
                box.setSpecialValueText("–")  # 0 means "not entered"
                self.tape_inputs[(leg, name)] = box
                grid.addWidget(box, row, col)
        layout.addLayout(grid)
        self.tape_apply = self.button()
        self.tape_apply.clicked.connect(self.submit_tape)
        layout.addWidget(self.tape_apply)
        layout.addStretch(1)
        self.tabs.addTab(page, "")

    def _build_review(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.review_none = self.label("small")
        self.review_girths = self.label("body")
        self.review_confidence = self.label("small")
        self.review_caption = self.label("small")
        self.profile_plot = ProfilePlot()
        self.review_view = CameraView()
        layout.addWidget(self.review_none)
        layout.addWidget(self.review_girths)
        layout.addWidget(self.review_confidence)
        layout.addWidget(self.review_caption)
        layout.addWidget(self.profile_plot, 1)
        layout.addWidget(self.review_view, 2)
        self.tabs.addTab(page, "")

    def _build_calibration(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.calibration_status = self.label("small")
        self.calibration_text = self.label("body")
        self.calibration_view = CameraView()
        self.calibration_ring = ProgressRing()
        text_row = QHBoxLayout()
        text_row.addWidget(self.calibration_text, 1)
        text_row.addWidget(self.calibration_ring)
        layout.addWidget(self.calibration_status)
        layout.addLayout(text_row)
        layout.addWidget(self.calibration_view, 1)
        row = QVBoxLayout()
        self.capture_button = self.button("calibration_capture")
        self.finish_calibration_button = self.button("calibration_finish", role="secondary")
        row.addWidget(self.capture_button)
        row.addWidget(self.finish_calibration_button)
        layout.addLayout(row)
        self.tabs.addTab(page, "")

    def _build_catalogue(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.catalogue_table = _table(4)
        layout.addWidget(self.catalogue_table)
        self.tabs.addTab(page, "")

    def _build_history(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.history_table = _table(4)
        layout.addWidget(self.history_table)
        self.tabs.addTab(page, "")

    # --- intents ------------------------------------------------------------------------
    def submit_tape(self) -> None:
        """Emit the typed girths as the measurement contract (mm); blanks are left out."""
        legs: dict[str, dict[str, float]] = {}
        for leg in ("left", "right"):
            values = {}
            for name, _ in self.TAPE_FIELDS:
                cm = self.tape_inputs[(leg, name)].value()
                if cm > 0:
                    values[name] = round(cm * 10.0, 1)
            legs[leg] = values
        self.emit_intent("tape_entry", legs)

    # --- showing data -------------------------------------------------------------------
    def refresh(self) -> None:
        d = self.data
        self.title.setText(self.tr("staff.title"))
        for i, key in enumerate(("staff.tab.tape", "staff.tab.review",
                                 "staff.tab.calibration", "staff.tab.catalogue",
                                 "staff.tab.history")):
            self.tabs.setTabText(i, self.tr(key))
        notice_detail = str(pick(d, "notice_detail", "") or "")
        self.notice.setText(notice_detail)
        self.notice.setVisible(bool(notice_detail))
        self._refresh_tape(pick(d, "measurement"))
        self._refresh_review(d)
        self._refresh_calibration(d)
        self._refresh_catalogue(pick(d, "catalogue"))
        self._refresh_history(pick(d, "history") or ())
        self.exit_button.setText(self.tr("staff.exit"))
        self.quit_button.setText(self.tr("staff.quit"))

    def _refresh_tape(self, measurement: object) -> None:
        self.tape_body.setText(self.tr("staff.tape.body"))
        self.tape_leg_labels["left"].setText(self.tr("common.left"))
        self.tape_leg_labels["right"].setText(self.tr("common.right"))
        for _, key in self.TAPE_FIELDS:
            self.tape_row_labels[key].setText(self.tr(key))
        self.tape_apply.setText(self.tr("staff.tape.apply"))
        # Fill the boxes only when the measurement changes, so a re-render never wipes
        # what staff are typing.
        if not isinstance(measurement, Measurement):
            measurement = None
        if measurement != self._tape_filled_from:
            # A new measurement fills the boxes; a session without one (the next
            # shopper) empties them.
            self._tape_filled_from = measurement
            for leg in ("left", "right"):
                values = None if measurement is None else getattr(measurement, leg)
                for name, _ in self.TAPE_FIELDS:
                    mm = None if values is None else getattr(values, name)
                    self.tape_inputs[(leg, name)].setValue(0.0 if mm is None else mm / 10.0)

    def _refresh_review(self, d: object) -> None:
        profiles = pick(d, "profiles_mm") or {}
        self.review_none.setText(self.tr("staff.review.none"))
        self.review_none.setVisible(not profiles)
        self._refresh_review_summary(d, bool(profiles))
        self.review_caption.setText(self.tr("staff.review.profile"))
        self.review_caption.setVisible(bool(profiles))
        self.profile_plot.set_profiles(profiles, pick(d, "profile_marks_mm") or {})
        self.profile_plot.setVisible(bool(profiles))
        frame = pick(d, "review_frame_bgr")
        self.review_view.set_frame(frame, pick(d, "review_overlay"))
        self.review_view.setVisible(frame is not None)

    def _refresh_review_summary(self, d: object, measured: bool) -> None:
        """The camera's girths with their sd per leg, and its confidence with the reasons."""
        measurement = pick(d, "measurement")
        camera = measured and getattr(measurement, "source", None) == MeasurementSource.CAMERA
        lines = []
        for leg in ("left", "right"):
            values = getattr(measurement, leg, None) if camera else None
            if values is None or values.ankle_mm is None or values.calf_mm is None:
                continue
            lines.append(self.tr("staff.review.girths", leg=self.tr(f"common.{leg}"),
                                 ankle=f"{values.ankle_mm:.0f}",
                                 ankle_sd=f"{values.ankle_sd_mm or 0:.0f}",
                                 calf=f"{values.calf_mm:.0f}",
                                 calf_sd=f"{values.calf_sd_mm or 0:.0f}"))
        self.review_girths.setText("\n".join(lines))
        self.review_girths.setVisible(bool(lines))
        confidence = pick(d, "confidence") if measured else None
        text = ""
        if confidence in ("high", "lower"):
            text = self.tr(f"staff.review.confidence.{confidence}")
            reasons = [str(r) for r in (pick(d, "confidence_reasons") or ())]
            if confidence == "lower" and reasons:
                text += "\n" + "\n".join(f"- {r}" for r in reasons)
        self.review_confidence.setText(text)
        self.review_confidence.setVisible(bool(text))

    def _refresh_calibration(self, d: object) -> None:
        status = str(pick(d, "calibration_status", "") or "")
        self.calibration_status.setText(f"{self.tr('staff.calibration.status')}: {status}"
                                        if status else "")
        wizard = pick(d, "calibration_wizard")
        # The wizard's own instruction wins: it says what to do with the board right now.
        text = str(getattr(wizard, "message", None) or pick(d, "calibration_text", "") or "")
        self.calibration_text.setText(text[:1].upper() + text[1:])
        self.calibration_ring.setVisible(wizard is not None)
        if wizard is not None:
            self.calibration_ring.set_progress(wizard.progress)
        frame = pick(d, "calibration_frame_bgr")
        self.calibration_view.set_frame(frame, pick(d, "calibration_overlay"))
        self.calibration_view.set_wizard(wizard if frame is not None else None)
        self.calibration_view.set_message("" if frame is not None
                                          else self.tr("staff.calibration.no_frame"))
        self.capture_button.setText(self.tr("staff.calibration.capture"))
        self.finish_calibration_button.setText(self.tr("staff.calibration.finish"))

    def _refresh_catalogue(self, catalogue: object) -> None:
        t = self.catalogue_table
        t.setHorizontalHeaderLabels([self.tr(k) for k in (
            "staff.catalogue.file", "staff.catalogue.products", "staff.catalogue.illustrative",
            "staff.catalogue.errors")])
        sources = tuple(pick(catalogue, "sources") or ())
        t.setRowCount(len(sources))
        for r, s in enumerate(sources):
            illustrative = pick(s, "illustrative")
            cells = (
                str(pick(s, "file", "")),
                str(pick(s, "product_id", "") or ""),
                "" if illustrative is None else self.tr(
                    "staff.catalogue.yes" if illustrative else "staff.catalogue.no"),
                "; ".join(str(e) for e in (pick(s, "errors") or ())),
            )
            for c, text in enumerate(cells):
                t.setItem(r, c, QTableWidgetItem(text))
        t.resizeRowsToContents()

    def _refresh_history(self, history: Sequence[Mapping[str, object]]) -> None:
        t = self.history_table
        t.setHorizontalHeaderLabels([self.tr(k) for k in (
            "staff.history.time", "staff.history.outcome", "staff.history.girths",
            "staff.history.product")])
        t.setRowCount(len(history))
        for r, row in enumerate(history):
            outcome = enum_value(pick(row, "outcome", ""))
            # Outcomes in words; a value this version does not know is shown as it is.
            outcome_text = STRINGS[self.lang].get(f"outcome.{outcome}", outcome)
            cells = (str(pick(row, "time", "")), outcome_text,
                     str(pick(row, "girths", "")), str(pick(row, "product", "") or ""))
            for c, text in enumerate(cells):
                t.setItem(r, c, QTableWidgetItem(text))
        t.resizeRowsToContents()


class SetupScreen(Screen):
    """No valid calibration: the kiosk cannot measure; what staff should do.

    Intents: ("staff", None) to sign in, ("back", None)."""

    screen_name = "setup"

    def build(self) -> None:
        self.title = self.label("title")
        self.body = self.label("body")
        frame, inner = card("notice")
        self.steps = self.label("body")
        inner.addWidget(self.steps)
        self.detail = self.label("small")
        for w in (self.title, self.body, frame, self.detail):
            self.root.addWidget(w)
        self.picture = IllustrationView("guidance.step_on_footprints", self.theme.px(300))
        self.root.addWidget(self.picture, 1)
        self.staff_button = self.button("staff")
        self.root.addWidget(self.staff_button)

    def refresh(self) -> None:
        self.title.setText(self.tr("setup.title"))
        self.body.setText(self.tr("setup.body"))
        self.steps.setText(self.tr("setup.steps"))
        detail = str(pick(self.data, "notice_detail", "") or "")
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))
        self.staff_button.setText(self.tr("setup.staff"))
