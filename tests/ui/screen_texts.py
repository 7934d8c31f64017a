"""Every screen with its real sample data, and every text it shows: for the pseudo-locale
and layout tests. The screens are the screenshots' (``ui.screenshots.shots``), so the
tests see exactly what a shopper or a member of staff would."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QLineEdit,
    QScrollArea,
    QTableWidget,
    QTabWidget,
    QWidget,
)

from ui.main_window import KioskWindow
from ui.numpad import NumberBox
from ui.screenshots import shots
from ui.widgets import LegDiagram


@dataclass(frozen=True)
class Shown:
    """One text on the screen: where (the picture's stem, a staff tab), what kind of
    widget, which widget, and the text itself."""

    where: str
    kind: str
    widget: QWidget
    text: str


def show_language(window: KioskWindow, lang: str) -> None:
    """Every screen in ``lang`` (the pseudo-locale too, which the window's own
    ``set_language`` refuses: it is no shopper's language)."""
    for screen in window.screens.values():
        screen.retranslate(lang)
    window.idle_banner.retranslate(lang)


def settle() -> None:
    """Let the layouts take the texts just set, as the running kiosk does within a frame
    (a label's new height asks its layout, and a scroll area's, in turn)."""
    app = QApplication.instance()
    assert app is not None
    for _ in range(3):
        app.processEvents()


def rendered(window: KioskWindow, lang: str) -> Iterator[tuple[str, QWidget]]:
    """Bring the window to every screenshot in turn (each staff tab on its own) and yield
    the picture's name and the screen showing, the texts laid out."""
    show_language(window, lang)
    for shot in shots(lang):
        window.show_idle_warning(False)
        shot.show(window)
        screen = window.screen_named(window.current_screen)
        if not shot.tabs:
            settle()
            yield shot.stem, screen
            continue
        tabs = window.staff_screen.tabs
        for index, tab in enumerate(shot.tabs):
            tabs.setCurrentIndex(index)
            settle()
            yield f"staff-{tab}-{lang}", screen
        tabs.setCurrentIndex(0)
    window.show_idle_warning(False)


def more_states(lang: str) -> Iterator[tuple[str, Callable[[KioskWindow], None]]]:
    """Beyond the screenshots: every screener question and donning page, and the
    decisions with the most and longest reasons the domain gives (both legs in different
    sizes with every note; several red flags at once; two figures near a boundary)."""
    from fitting.catalogue import load_catalogue
    from fitting.measurement import LegMeasurement, Measurement, MeasurementSource, Site
    from fitting.outcome import Purpose
    from fitting.recommend import decide
    from fitting.screener import QUESTION_IDS, screen
    from session.flow import FlowState, FlowStatus
    from ui.samples import SAMPLE_CODE, answers, sample_decision
    from ui.screens.donning import DonningScreen

    catalogue = load_catalogue()

    def status(state: FlowState, **fields: Any) -> Callable[[KioskWindow], None]:
        return lambda w: w.show_status(FlowStatus(state=state, language=lang, **fields))

    for i, qid in enumerate(QUESTION_IDS):
        yield f"screener-{qid}", status(FlowState.SCREENER, question_ids=QUESTION_IDS,
                                        question_index=i)
    decision = sample_decision(catalogue)
    for page in range(len(decision.donning)):
        def donning(w: KioskWindow, page: int = page) -> None:
            status(FlowState.DONNING, decision=decision)(w)
            screen_ = w.flow_screens["donning"]
            assert isinstance(screen_, DonningScreen)
            screen_.open_page(page)
        yield f"donning-{page}", donning
    notes = answers(("hand_arthritis", "pregnant", "previous_dvt"), Purpose.EVERYDAY)
    differ = Measurement(
        left=LegMeasurement(ankle_mm=214.0, calf_mm=340.0, knee_high_length_mm=400.0),
        right=LegMeasurement(ankle_mm=226.0, calf_mm=366.0, knee_high_length_mm=414.0),
        source=MeasurementSource.TAPE)
    yield "recommendation-most", status(FlowState.RECOMMENDATION,
                                        decision=decide(differ, notes, catalogue))

    def at_edge(ankle_mm: float) -> LegMeasurement:
        return LegMeasurement(ankle_mm=ankle_mm, calf_mm=380.0, knee_high_length_mm=420.0,
                              ankle_sd_mm=3.0, calf_sd_mm=4.2, knee_high_length_sd_mm=12.0)

    edge = Measurement(at_edge(214.6), at_edge(214.8), MeasurementSource.CAMERA)
    yield "recommendation-at_edge", status(FlowState.RECOMMENDATION,
                                           decision=decide(edge, answers(), catalogue))
    many = screen(answers(("poor_circulation", "abpi_out_of_range", "numbness",
                           "heart_failure", "skin_problem", "recent_stroke",
                           "dvt_under_treatment")))
    yield "referral-see_doctor-many", status(FlowState.REFERRAL, screening=many,
                                             fitting_code=SAMPLE_CODE)
    near = Measurement(
        left=LegMeasurement(ankle_mm=229.0, calf_mm=418.0, knee_high_length_mm=380.0,
                            ankle_sd_mm=4.0, calf_sd_mm=6.0, knee_high_length_sd_mm=21.0),
        right=LegMeasurement(ankle_mm=230.0, calf_mm=419.0, knee_high_length_mm=381.0,
                             ankle_sd_mm=4.0, calf_sd_mm=6.0, knee_high_length_sd_mm=21.0),
        source=MeasurementSource.CAMERA)
    yield "referral-staff_check-near", status(FlowState.REFERRAL,
                                              decision=decide(near, answers(), catalogue),
                                              fitting_code=SAMPLE_CODE, notice="error")
    def unsure(calf_mm: float) -> LegMeasurement:
        return LegMeasurement(ankle_mm=230.0, calf_mm=calf_mm, knee_high_length_mm=400.0,
                              ankle_sd_mm=3.0, calf_sd_mm=12.0, knee_high_length_sd_mm=12.0)

    misread = Measurement(unsure(360.0), unsure(421.0), MeasurementSource.CAMERA,
                          flagged_differences=frozenset({Site.CALF}))
    yield "referral-possible_clot-misread", status(
        FlowState.REFERRAL, decision=decide(misread, answers(), catalogue),
        fitting_code=SAMPLE_CODE)
    yield "measure_front-refused", status(FlowState.MEASURE_FRONT,
                                          notice="measurement_refused",
                                          notice_detail="calves covered in 30 of 30 frames")


def texts(window: KioskWindow, where: str, screen: QWidget) -> Iterator[Shown]:
    """Every text visible on ``screen`` (and the idle warning over it when it shows)."""
    roots = [screen]
    if window.idle_banner.isVisible():
        roots.append(window.idle_banner)
    for root in roots:
        for label in root.findChildren(QLabel):
            if label.isVisibleTo(root) and label.text():
                yield Shown(where, "label", label, label.text())
        for button in root.findChildren(QAbstractButton):
            if not button.isVisibleTo(root):
                continue
            if isinstance(button, NumberBox):
                yield Shown(where, "box caption", button, button.caption)
            elif button.text():
                yield Shown(where, "button", button, button.text())
        for edit in root.findChildren(QLineEdit):
            if edit.isVisibleTo(root) and edit.placeholderText():
                yield Shown(where, "placeholder", edit, edit.placeholderText())
        for tabs in root.findChildren(QTabWidget):
            if tabs.isVisibleTo(root):
                for i in range(tabs.count()):
                    yield Shown(where, "tab", tabs, tabs.tabText(i))
        for table in root.findChildren(QTableWidget):
            if not table.isVisibleTo(root):
                continue
            for c in range(table.columnCount()):
                header = table.horizontalHeaderItem(c)
                if header is not None and header.text():
                    yield Shown(where, "table header", table, header.text())
            for r in range(table.rowCount()):
                for c in range(table.columnCount()):
                    item = table.item(r, c)
                    if item is not None and item.text():
                        yield Shown(where, "table cell", table, item.text())
        for diagram in root.findChildren(LegDiagram):
            if diagram.isVisibleTo(root):
                for item in diagram.texts():
                    yield Shown(where, "diagram", diagram, item.text)


def window_rect(widget: QWidget) -> QRect:
    """The widget's box in its window's coordinates."""
    return QRect(widget.mapTo(widget.window(), QPoint(0, 0)), widget.size())


def scrolled(widget: QWidget) -> bool:
    """Inside a scroll area: it may lie below the fold, the shopper scrolls to it."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            return True
        parent = parent.parentWidget()
    return False
