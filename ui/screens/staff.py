"""Staff screens: the PIN pad, the staff tools, and the set-up notice."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from calibration.wizard import WizardStatus
from fitting.catalogue import Catalogue
from fitting.measurement import Leg, LegMeasurement, Measurement, MeasurementSource
from fitting.swelling import ANKLE_RULE, CALF_RULE, SwellingRule, reaches
from session.intents import (
    Back,
    CaptureCalibration,
    EnterPin,
    EnterTape,
    FindFitting,
    FindMat,
    OpenStaff,
    Quit,
)
from ui.camera_view import CameraView
from ui.i18n import STRINGS
from ui.illustrations import IllustrationView
from ui.numpad import NEXT, NumberBox, NumberPad, cm_text, could_reach, decimal_text
from ui.screen_base import Screen, card
from ui.theme import set_role, tag
from ui.widgets import ProfilePlot, ProgressRing
from vision.overlay import FrameOverlay

MAX_PIN_DIGITS = 8

# The human range of each tape figure (mm), checked as staff type: wider than any adult
# leg, so a value outside it is almost always a slip (millimetres typed as centimetres, a
# digit lost, the tape read at the wrong mark). It can still be applied, once confirmed.
TAPE_RANGES_MM: dict[str, tuple[float, float]] = {
    "ankle_mm": (150.0, 400.0),
    "calf_mm": (220.0, 650.0),
    "knee_high_length_mm": (280.0, 600.0),
}
# A left/right difference that reaches the clinical one-sided swelling threshold (the
# rules' own ``refer_mm``) is flagged: a possible clot, so both legs are taped again.
SWELLING_RULES: dict[str, SwellingRule] = {"ankle_mm": ANKLE_RULE, "calf_mm": CALF_RULE}
# The order "next field" follows, the one leg order of the screen: the left leg's
# figures, then the right leg's.
TAPE_LEGS = (Leg.LEFT, Leg.RIGHT)
TAPE_ORDER: tuple[tuple[Leg, str], ...] = tuple(
    (leg, name) for leg in TAPE_LEGS for name in TAPE_RANGES_MM)


@dataclass(frozen=True)
class PinPage:
    """What the PIN pad shows: why the last try failed ("pin_wrong", "pin_locked") and,
    after a wrong PIN, how many tries are left before the lock."""

    notice: str | None = None
    tries_left: int | None = None


@dataclass(frozen=True)
class SetupPage:
    """The uncalibrated kiosk's screen: why it cannot measure (one sentence)."""

    problem: str = ""


@dataclass(frozen=True)
class HistoryRow:
    """One finished session in the staff history (nothing that identifies a person)."""

    time: str
    outcome: str  # an ``Outcome`` value or "abandoned"
    girths: str = ""
    product: str = ""
    code: str = ""  # the fitting code the shopper brings to the counter
    # Where staff taped legs the camera had measured: the camera's girths beside them.
    camera_girths: str = ""


@dataclass(frozen=True)
class Lookup:
    """Staff looked a fitting code up: what they typed and the session found, if any."""

    typed: str
    found: HistoryRow | None


class StaffPinScreen(Screen[PinPage]):
    """A big PIN pad. Intents: ``EnterPin`` on OK, ``Back`` on cancel.

    ``show_model(page)``: ``page.notice`` "pin_wrong" or "pin_locked" shows why the last try
    failed (with ``page.tries_left``). Every render clears the digits typed so far."""

    screen_name = "staff_pin"

    def blank_model(self) -> PinPage:
        return PinPage()

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
        self.keys: dict[str, QPushButton] = {}
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
        self.cancel_button = self.button(Back(), role="secondary")
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
        self.emit_intent(EnterPin(pin))

    def _show_digits(self) -> None:
        # Dots, never the digits: someone may be looking over the staff member's shoulder.
        self.display.setText("●" * len(self.digits) if self.digits else "–")

    def show_model(self, model: PinPage) -> None:
        self.digits = ""
        super().show_model(model)

    def refresh(self) -> None:
        self.title.setText(self.t("staff_pin.title"))
        self.body.setText(self.t("staff_pin.body"))
        notice = self.model.notice
        if notice == "pin_locked":
            message = self.t("staff_pin.locked")
        elif notice == "pin_wrong":
            tries = self.model.tries_left
            message = (self.t("staff_pin.wrong_tries", tries=tries) if tries is not None
                       else self.t("staff_pin.wrong"))
        else:
            message = ""
        self.message.setText(message)
        self.message.setVisible(bool(message))
        self.keys["clear"].setText(self.t("staff_pin.clear"))
        self.keys["ok"].setText(self.t("staff_pin.ok"))
        self.cancel_button.setText(self.t("common.cancel"))
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
    - ``catalogue``: the catalogue in force (its per-file ``sources``);
      ``catalogue_version``: one line on which catalogue that is (a fleet's version, the
      store's folder, the bundled demo) and, on a fleet's kiosk, how its sync goes.
    - ``history``: recent sessions; ``lookup``: the session of a fitting code staff
      typed or scanned.
    - ``camera_measurement``: the camera's girths, where staff taped over them (the
      review shows tape minus camera).
    - ``notice`` / ``notice_detail``: the last staff action's result (e.g. "tape_invalid").
    """

    measurement: Measurement | None = None
    profiles_mm: Mapping[str, Sequence[tuple[float, float]]] = field(default_factory=dict)
    profile_marks_mm: Mapping[str, float] = field(default_factory=dict)
    confidence: str | None = None
    confidence_reasons: Sequence[str] = ()
    review_frame_bgr: np.ndarray | None = None
    review_overlay: FrameOverlay | None = None
    calibration_text: str = ""
    calibration_frame_bgr: np.ndarray | None = None
    calibration_overlay: FrameOverlay | None = None
    calibration_status: str = ""
    calibration_wizard: WizardStatus | None = None
    catalogue: Catalogue | None = None
    catalogue_version: str = ""
    history: Sequence[HistoryRow] = ()
    lookup: Lookup | None = None
    # The camera's measurement where staff then entered tape girths (``measurement``).
    camera_measurement: Measurement | None = None
    notice: str | None = None
    notice_detail: str = ""


def _tape_field_mm(leg: LegMeasurement, name: str) -> float | None:
    """One of ``StaffScreen.TAPE_FIELDS`` of a leg's measurement."""
    if name == "ankle_mm":
        return leg.ankle_mm
    if name == "calf_mm":
        return leg.calf_mm
    return leg.knee_high_length_mm


def _whole_cm(mm: float, lang: str) -> str:
    """A range's end in centimetres, without a decimal when it is a whole number."""
    return decimal_text(mm / 10.0, lang, decimals=0 if mm % 10 == 0 else 1)


def _table(columns: int) -> QTableWidget:
    table = QTableWidget(0, columns)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    table.setWordWrap(True)
    return table


class StaffScreen(Screen[StaffPage]):
    """Staff tools in tabs: tape entry, review, calibration, catalogue, history.

    Intents: ``EnterTape`` (the measurement JSON contract, millimetres),
    ``CaptureCalibration``, ``FindMat``, ``Back`` to leave staff mode, ``Quit`` to close
    the kiosk. ``show_model(page)``: a ``StaffPage``."""

    screen_name = "staff"

    def blank_model(self) -> StaffPage:
        return StaffPage()
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
        self.exit_button = self.button(Back())
        self.quit_button = self.button(Quit(), role="secondary")
        row.addWidget(self.exit_button)
        row.addWidget(self.quit_button)
        self.root.addLayout(row)

    # --- tabs ---------------------------------------------------------------------------
    def _build_tape(self) -> None:
        """Six big boxes (left leg, then right leg), a number pad and the apply button.

        Warnings appear under the boxes; the pad and the button sit at the bottom of the
        tab, so a warning that appears while staff type never moves a key under a finger."""
        page = QWidget()
        page.setObjectName("tape_page")
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, self.theme.px(16), 0, 0)
        layout.setSpacing(self.theme.px(16))
        self.tape_body = self.label("small")
        layout.addWidget(self.tape_body)
        grid = QGridLayout()
        grid.setHorizontalSpacing(self.theme.px(24))
        grid.setVerticalSpacing(self.theme.px(8))
        self.tape_leg_labels: dict[Leg, QLabel] = {}
        self.tape_inputs: dict[tuple[Leg, str], NumberBox] = {}
        self.tape_warnings: dict[tuple[Leg, str], QLabel] = {}
        self._tape_filled_from: Measurement | None = None
        # The box the pad types into, and the out-of-range values staff were warned of
        # on pressing apply (pressing it again with the same values applies them).
        self._tape_selected = TAPE_ORDER[0]
        self._tape_pending: frozenset[tuple[Leg, str, str]] = frozenset()
        for col, leg in enumerate(TAPE_LEGS):
            head = QLabel()
            set_role(head, "step")
            self.tape_leg_labels[leg] = head
            grid.addWidget(head, 0, col)
        for i, (name, _) in enumerate(self.TAPE_FIELDS):
            row = 1 + 2 * i
            for col, leg in enumerate(TAPE_LEGS):
                box = NumberBox()
                box.clicked.connect(lambda _=False, k=(leg, name): self.select_tape_field(k))
                box.changed.connect(self._refresh_tape_checks)
                self.tape_inputs[(leg, name)] = box
                grid.addWidget(box, row, col)
                warning = self.label("error")
                warning.setVisible(False)
                self.tape_warnings[(leg, name)] = warning
                grid.addWidget(warning, row + 1, col)
        for col in range(len(TAPE_LEGS)):
            grid.setColumnStretch(col, 1)
        layout.addLayout(grid)
        # One line for both sites: ankles and calves can both differ, and two long
        # sentences would not leave the pad its room.
        self.tape_swelling = self.label("error")
        self.tape_swelling.setVisible(False)
        layout.addWidget(self.tape_swelling)
        layout.addStretch(1)
        self.tape_pad = NumberPad()
        self.tape_pad.key_pressed.connect(self.press_tape_key)
        layout.addWidget(self.tape_pad)
        self.tape_apply = self.button()
        self.tape_apply.clicked.connect(self.submit_tape)
        layout.addWidget(self.tape_apply)
        self._select_tape(self._tape_selected)
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
        self.capture_button = self.button(CaptureCalibration())
        self.finish_calibration_button = self.button(FindMat(), role="secondary")
        row.addWidget(self.capture_button)
        row.addWidget(self.finish_calibration_button)
        layout.addLayout(row)
        self.tabs.addTab(page, "")

    def _build_catalogue(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.catalogue_version_label = self.label("small")
        self.catalogue_version_label.setObjectName("catalogue_version")
        layout.addWidget(self.catalogue_version_label)
        self.catalogue_table = _table(4)
        layout.addWidget(self.catalogue_table)
        self.tabs.addTab(page, "")

    def _build_history(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        find = QHBoxLayout()
        self.lookup_input = QLineEdit()
        self.lookup_input.setObjectName("lookup")
        # A QR scanner types the code and Enter, like staff do.
        self.lookup_input.returnPressed.connect(self.submit_lookup)
        self.lookup_button = self.button()
        self.lookup_button.clicked.connect(self.submit_lookup)
        find.addWidget(self.lookup_input, 2)
        find.addWidget(self.lookup_button, 1)
        layout.addLayout(find)
        self.lookup_result = self.label("body")
        layout.addWidget(self.lookup_result)
        self.history_table = _table(5)
        # Code, time and outcome as wide as they need; girths and product share the rest.
        header = self.history_table.horizontalHeader()
        for column in (3, 4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.history_table)
        self.tabs.addTab(page, "")

    # --- intents ------------------------------------------------------------------------
    def select_tape_field(self, key: tuple[Leg, str]) -> None:
        """Staff tapped a box: the pad types into it (the first key replaces its value)."""
        self._select_tape(key)
        self._refresh_tape_checks()

    def press_tape_key(self, key: str) -> None:
        """A key of the pad: next field moves on, anything else types into the box."""
        if key == NEXT:
            at = TAPE_ORDER.index(self._tape_selected)
            self.select_tape_field(TAPE_ORDER[(at + 1) % len(TAPE_ORDER)])
        else:
            self.tape_inputs[self._tape_selected].press(key)

    def submit_tape(self) -> None:
        """Emit the typed girths as the measurement contract (mm); blanks are left out.

        A value outside the human range is applied only when staff press apply a second
        time with the same values (the button then says so)."""
        outliers = self._tape_outliers()
        if outliers and outliers != self._tape_pending:
            self._tape_pending = outliers
            self._refresh_tape_checks()
            return
        legs: dict[str, dict[str, float]] = {}
        for leg in TAPE_LEGS:
            values = {}
            for name, _ in self.TAPE_FIELDS:
                mm = self.tape_inputs[(leg, name)].mm()
                if mm is not None:
                    values[name] = mm
            legs[leg.value] = values
        self.emit_intent(EnterTape(legs))

    def submit_lookup(self) -> None:
        typed = self.lookup_input.text().strip()
        if typed:
            self.emit_intent(FindFitting(typed))

    # --- showing data -------------------------------------------------------------------
    def refresh(self) -> None:
        d = self.model
        self.title.setText(self.t("staff.title"))
        for i, key in enumerate(("staff.tab.tape", "staff.tab.review",
                                 "staff.tab.calibration", "staff.tab.catalogue",
                                 "staff.tab.history")):
            self.tabs.setTabText(i, self.t(key))
        self.notice.setText(d.notice_detail)
        self.notice.setVisible(bool(d.notice_detail))
        self._refresh_tape(d.measurement)
        self._refresh_review(d)
        self._refresh_calibration(d)
        self._refresh_catalogue(d.catalogue)
        self.catalogue_version_label.setText(d.catalogue_version)
        self.catalogue_version_label.setVisible(bool(d.catalogue_version))
        self._refresh_history(d.history)
        self._refresh_lookup(d.lookup)
        self.exit_button.setText(self.t("staff.exit"))
        self.quit_button.setText(self.t("staff.quit"))

    def _refresh_tape(self, measurement: Measurement | None) -> None:
        self.tape_body.setText(self.t("staff.tape.hint"))
        for leg, label in self.tape_leg_labels.items():
            label.setText(self.t(f"common.{leg.value}"))
        self.tape_pad.retranslate(self.lang)
        # Fill the boxes only when the measurement changes, so a re-render never wipes
        # what staff are typing.
        if measurement != self._tape_filled_from:
            # A new measurement fills the boxes; a session without one (the next
            # shopper) empties them. Either way staff start again at the first box.
            self._tape_filled_from = measurement
            self._tape_pending = frozenset()
            for leg in Leg:
                values = None if measurement is None else measurement.leg(leg)
                for name, _ in self.TAPE_FIELDS:
                    mm = None if values is None else _tape_field_mm(values, name)
                    self.tape_inputs[(leg, name)].setValue(0.0 if mm is None else mm / 10.0)
            self._select_tape(TAPE_ORDER[0])
        for (_, name), box in self.tape_inputs.items():
            box.retranslate(self.lang, self.t(f"staff.tape.field.{name}"))
        self._refresh_tape_checks()

    def _select_tape(self, key: tuple[Leg, str]) -> None:
        self._tape_selected = key
        for k, box in self.tape_inputs.items():
            box.set_selected(k == key)

    def _tape_unfinished(self, key: tuple[Leg, str]) -> bool:
        """The box is being typed into and more keys could still make its value
        plausible: no warning yet ("2" on the way to "22,4"; "9" for an ankle is wrong
        whatever follows)."""
        box = self.tape_inputs[key]
        low, high = TAPE_RANGES_MM[key[1]]
        warned = (*key, box.text_typed) in self._tape_pending  # apply was pressed on it
        return (box.typing and not warned
                and could_reach(box.text_typed, low / 10.0, high / 10.0))

    def _tape_outliers(self) -> frozenset[tuple[Leg, str, str]]:
        """The filled boxes whose value is outside its human range."""
        out = set()
        for (leg, name), box in self.tape_inputs.items():
            mm = box.mm()
            low, high = TAPE_RANGES_MM[name]
            if box.text_typed.strip(".") and not (mm is not None and low <= mm <= high):
                out.add((leg, name, box.text_typed))
        return frozenset(out)

    def _refresh_tape_checks(self) -> None:
        """The plausibility warnings under the boxes, the one-sided swelling line and the
        apply button, for the values as they stand."""
        current = self._tape_outliers()
        outliers = {(leg, name) for leg, name, _ in current}
        for key, warning in self.tape_warnings.items():
            shown = key in outliers and not self._tape_unfinished(key)
            low, high = TAPE_RANGES_MM[key[1]]
            warning.setText(self.t("staff.tape.range", low=_whole_cm(low, self.lang),
                                   high=_whole_cm(high, self.lang)) if shown else "")
            warning.setVisible(shown)
        differences = {}
        for name, rule in SWELLING_RULES.items():
            # Only two plausible values are compared: a difference made by a slip of the
            # finger (or a value half typed) is the range warning's business.
            left, right = (self.tape_inputs[(leg, name)].mm() for leg in TAPE_LEGS)
            plausible = not any((leg, name) in outliers for leg in TAPE_LEGS)
            difference = abs(left - right) if plausible and left and right else 0.0
            if reaches(rule, difference):
                differences[name] = cm_text(difference / 10.0, self.lang)
        if len(differences) == len(SWELLING_RULES):
            text = self.t("staff.tape.swelling.both", ankle=differences["ankle_mm"],
                          calf=differences["calf_mm"])
        else:
            text = "".join(self.t(f"staff.tape.swelling.{name}", difference=shown_cm)
                           for name, shown_cm in differences.items())
        self.tape_swelling.setText(text)
        self.tape_swelling.setVisible(bool(text))
        confirming = bool(current) and current == self._tape_pending
        self.tape_apply.setText(self.t("staff.tape.apply_anyway" if confirming
                                       else "staff.tape.apply"))

    def _refresh_review(self, d: StaffPage) -> None:
        profiles = d.profiles_mm
        self.review_none.setText(self.t("staff.review.none"))
        self.review_none.setVisible(not profiles)
        self._refresh_review_summary(d, bool(profiles))
        self.review_caption.setText(self.t("staff.review.profile"))
        self.review_caption.setVisible(bool(profiles))
        self.profile_plot.set_profiles(profiles, d.profile_marks_mm)
        self.profile_plot.setVisible(bool(profiles))
        frame = d.review_frame_bgr
        self.review_view.set_frame(frame, d.review_overlay)
        self.review_view.setVisible(frame is not None)

    def _refresh_review_summary(self, d: StaffPage, measured: bool) -> None:
        """The camera's girths with their sd per leg, and its confidence with the reasons."""
        measurement = d.measurement
        camera = (measured and measurement is not None
                  and measurement.source is MeasurementSource.CAMERA)
        lines = []
        for leg in Leg:
            if not camera or measurement is None:
                continue
            values = measurement.leg(leg)
            lines.append(self.t("staff.review.girths", leg=self.t(f"common.{leg.value}"),
                                 ankle=f"{values.ankle_mm:.0f}",
                                 ankle_sd=f"{values.ankle_sd_mm or 0:.0f}",
                                 calf=f"{values.calf_mm:.0f}",
                                 calf_sd=f"{values.calf_sd_mm or 0:.0f}"))
        lines += self._tape_against_camera(d)
        self.review_girths.setText("\n".join(lines))
        self.review_girths.setVisible(bool(lines))
        confidence = d.confidence if measured else None
        text = ""
        if confidence in ("high", "lower"):
            text = self.t(f"staff.review.confidence.{confidence}")
            reasons = list(d.confidence_reasons)
            if confidence == "lower" and reasons:
                text += "\n" + "\n".join(f"- {r}" for r in reasons)
        self.review_confidence.setText(text)
        self.review_confidence.setVisible(bool(text))

    def _tape_against_camera(self, d: StaffPage) -> list[str]:
        """Per leg, the tape's girths minus the camera's, where staff taped over it."""
        tape, camera = d.measurement, d.camera_measurement
        if tape is None or camera is None or tape.source is not MeasurementSource.TAPE:
            return []
        lines = [self.t("staff.review.tape_vs_camera")]
        for leg in Leg:
            t, c = tape.leg(leg), camera.leg(leg)
            lines.append(self.t("staff.review.tape_minus_camera",
                                leg=self.t(f"common.{leg.value}"),
                                ankle=f"{t.ankle_mm - c.ankle_mm:+.0f}",
                                calf=f"{t.calf_mm - c.calf_mm:+.0f}"))
        return lines

    def _refresh_calibration(self, d: StaffPage) -> None:
        status = d.calibration_status
        self.calibration_status.setText(f"{self.t('staff.calibration.status')}: {status}"
                                        if status else "")
        wizard = d.calibration_wizard
        # The wizard's own instruction wins: it says what to do with the board right now.
        text = (wizard.message if wizard is not None else "") or d.calibration_text
        self.calibration_text.setText(text[:1].upper() + text[1:])
        self.calibration_ring.setVisible(wizard is not None)
        if wizard is not None:
            self.calibration_ring.set_progress(wizard.progress)
        frame = d.calibration_frame_bgr
        self.calibration_view.set_frame(frame, d.calibration_overlay)
        self.calibration_view.set_wizard(wizard if frame is not None else None)
        self.calibration_view.set_message("" if frame is not None
                                          else self.t("staff.calibration.no_frame"))
        self.capture_button.setText(self.t("staff.calibration.capture"))
        self.finish_calibration_button.setText(self.t("staff.calibration.finish"))

    def _refresh_catalogue(self, catalogue: Catalogue | None) -> None:
        t = self.catalogue_table
        t.setHorizontalHeaderLabels([self.t(k) for k in (
            "staff.catalogue.file", "staff.catalogue.products", "staff.catalogue.illustrative",
            "staff.catalogue.errors")])
        sources = () if catalogue is None else catalogue.sources
        t.setRowCount(len(sources))
        for r, s in enumerate(sources):
            illustrative = s.illustrative
            cells = (
                s.file,
                s.product_id or "",
                "" if illustrative is None else self.t(
                    "staff.catalogue.yes" if illustrative else "staff.catalogue.no"),
                "; ".join(s.errors),
            )
            for c, text in enumerate(cells):
                t.setItem(r, c, QTableWidgetItem(text))
        t.resizeRowsToContents()

    def _outcome_text(self, outcome: str) -> str:
        # Outcomes in words; a value this version does not know is shown as it is.
        return STRINGS[self.lang].get(f"outcome.{outcome}", outcome)

    def _refresh_lookup(self, lookup: Lookup | None) -> None:
        self.lookup_input.setPlaceholderText(self.t("staff.lookup.placeholder"))
        self.lookup_button.setText(self.t("staff.lookup.find"))
        if lookup is None:
            self.lookup_result.setText("")
        elif lookup.found is None:
            self.lookup_result.setText(self.t("staff.lookup.none", code=lookup.typed))
        else:
            row = lookup.found
            lines = [f"{row.code} · {row.time} · {self._outcome_text(row.outcome)}"]
            lines += [text for text in (row.girths, row.product) if text]
            if row.camera_girths:
                lines.append(self.t("staff.lookup.camera", girths=row.camera_girths))
            self.lookup_result.setText("\n".join(lines))
        self.lookup_result.setVisible(lookup is not None)

    def _refresh_history(self, history: Sequence[HistoryRow]) -> None:
        t = self.history_table
        t.setHorizontalHeaderLabels([self.t(k) for k in (
            "staff.history.code", "staff.history.time", "staff.history.outcome",
            "staff.history.girths", "staff.history.product")])
        t.setRowCount(len(history))
        for r, row in enumerate(history):
            cells = (row.code, row.time, self._outcome_text(row.outcome), row.girths,
                     row.product)
            for c, text in enumerate(cells):
                t.setItem(r, c, QTableWidgetItem(text))
        t.resizeRowsToContents()


class SetupScreen(Screen[SetupPage]):
    """No valid calibration: the kiosk cannot measure; what staff should do.

    Intents: ``OpenStaff`` to sign in. ``show_model(page)``: why it cannot measure."""

    screen_name = "setup"

    def blank_model(self) -> SetupPage:
        return SetupPage()

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
        self.staff_button = self.button(OpenStaff())
        self.root.addWidget(self.staff_button)

    def refresh(self) -> None:
        self.title.setText(self.t("setup.title"))
        self.body.setText(self.t("setup.body"))
        self.steps.setText(self.t("setup.steps"))
        detail = self.model.problem
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))
        self.staff_button.setText(self.t("setup.staff"))
