"""How sessions end on screen: every referral with its code, an emergency that waits for
staff, the idle warning, and staff finding a session by its code."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt

from fitting.measurement import LegMeasurement, Measurement, MeasurementSource
from session.flow import FlowState, FlowStatus
from session.intents import FindFitting, OpenStaff, PrintSlip, ToldStaff, Touch
from tests.ui.test_screens import button, click, referral_status, texts
from ui.i18n import LANGUAGES, tr
from ui.samples import SAMPLE_CODE, sample_referrals
from ui.screens.staff import HistoryRow, Lookup, StaffPage


@pytest.fixture(scope="module")
def referrals():
    return sample_referrals()


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("outcome", ["urgent_doctor", "see_doctor", "pharmacist",
                                     "made_to_measure", "staff_check"])
def test_every_referral_ends_with_its_code_qr_and_a_slip(window, intents, qtbot, referrals,
                                                         outcome, lang):
    window.set_language(lang)
    window.show_status(replace(referral_status(referrals[outcome], lang),
                               fitting_code=SAMPLE_CODE))
    screen = window.screen_named("referral")
    assert SAMPLE_CODE in texts(screen)
    assert screen.code_card.qr.text == SAMPLE_CODE
    click(qtbot, screen, tr("handoff.print", lang))
    assert intents == [PrintSlip()]
    window.show_status(replace(referral_status(referrals[outcome], lang),
                               fitting_code=SAMPLE_CODE, notice="slip_printed"))
    assert tr("handoff.printed", lang) in texts(screen)


def test_an_emergency_offers_only_i_have_told_staff_until_staff_sign_in(window, intents,
                                                                        qtbot, referrals):
    status = replace(referral_status(referrals["emergency"]), fitting_code=SAMPLE_CODE,
                     alert=True)
    window.show_status(status)
    screen = window.screen_named("referral")
    shown = texts(screen)
    on_screen_code = SAMPLE_CODE.replace("-", "\u2011")  # never broken at its dashes
    assert "112" in shown
    assert tr("referral.emergency.code", "en", code=on_screen_code) in shown
    assert not screen.done_button.isVisibleTo(screen)  # nothing dismisses it
    click(qtbot, screen, tr("referral.emergency.told", "en"))
    click(qtbot, screen, tr("referral.emergency.acknowledge", "en"))
    assert intents == [ToldStaff(), OpenStaff()]
    window.show_status(replace(status, notice="staff_told"))
    assert tr("referral.emergency.staff_coming", "en") in texts(screen)
    assert not screen.told_button.isVisibleTo(screen)
    # Acknowledged by a staff sign-in: the screen can be closed again.
    window.show_status(replace(status, alert=False))
    assert screen.done_button.isVisibleTo(screen)
    assert not screen.emergency_staff_button.isVisibleTo(screen)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_idle_warning_covers_any_screen_and_i_am_still_here_keeps_the_session(
        window, intents, qtbot, lang):
    window.set_language(lang)
    window.show_status(FlowStatus(state=FlowState.SCREENER, language=lang))
    window.show_idle_warning(True)
    banner = window.idle_banner
    assert banner.isVisible()
    assert banner.text.text() == tr("idle.warning", lang, seconds="20")
    assert banner.geometry().bottom() == window.height() - 1  # along the bottom
    qtbot.mouseClick(banner.button, Qt.MouseButton.LeftButton)
    assert intents == [Touch()]
    window.show_idle_warning(False)
    assert not banner.isVisible()


def test_staff_find_a_session_by_its_code(window, intents, qtbot):
    row = HistoryRow("2026-12-07 09:14", "staff_check", "L 224/360 R 236/362 (tape)", "",
                     code=SAMPLE_CODE, camera_girths="L 221/357 R 233/360")
    window.show_staff(StaffPage(history=(row,)))
    screen = window.staff_screen
    screen.tabs.setCurrentIndex(4)  # the history tab
    assert screen.history_table.item(0, 0).text() == SAMPLE_CODE
    screen.lookup_input.setText("lf-7k3q-m9tx")
    qtbot.keyClick(screen.lookup_input, Qt.Key.Key_Return)  # a scanner ends with Enter
    assert intents == [FindFitting("lf-7k3q-m9tx")]
    window.show_staff(StaffPage(history=(row,), lookup=Lookup("lf-7k3q-m9tx", row)))
    shown = screen.lookup_result.text()
    assert SAMPLE_CODE in shown and row.girths in shown
    assert tr("staff.lookup.camera", "en", girths=row.camera_girths) in shown
    window.show_staff(StaffPage(lookup=Lookup("LF-0000-0000", None)))
    assert screen.lookup_result.text() == tr("staff.lookup.none", "en", code="LF-0000-0000")
    assert button(screen, tr("staff.lookup.find", "en"))


def test_the_staff_review_shows_tape_minus_camera(window):
    camera = Measurement(LegMeasurement(221, 357), LegMeasurement(233, 360),
                         MeasurementSource.CAMERA)
    tape = Measurement(LegMeasurement(224, 360), LegMeasurement(236, 362),
                       MeasurementSource.TAPE)
    window.show_staff(StaffPage(measurement=tape, camera_measurement=camera))
    shown = window.staff_screen.review_girths.text()
    assert tr("staff.review.tape_vs_camera", "en") in shown
    assert tr("staff.review.tape_minus_camera", "en", leg=tr("common.left", "en"),
              ankle="+3", calf="+3") in shown
    assert tr("staff.review.tape_minus_camera", "en", leg=tr("common.right", "en"),
              ankle="+3", calf="+2") in shown
