"""Each screen built with sample data, clicked, and read back in both languages."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QLabel, QPushButton

from fitting.donning import DONNING_STEPS
from fitting.measurement import Leg, Measurement, MeasurementSource
from fitting.outcome import Outcome, Purpose
from fitting.recommend import Decision
from fitting.screener import QUESTION_IDS, QUESTIONS, Screening, question
from fitting.stance import Stance
from session.flow import FlowState, FlowStatus
from session.intents import (
    AnswerQuestion,
    Back,
    CaptureCalibration,
    ChooseLanguage,
    ChoosePurpose,
    EnterPin,
    EnterTape,
    FindMat,
    Next,
    OpenStaff,
    PrintSlip,
    Quit,
    Start,
)
from ui.i18n import LANGUAGES, tr
from ui.samples import (
    sample_decision,
    sample_measurement,
    sample_possible_clot,
    sample_referrals,
)
from ui.screens.results import product_name
from ui.screens.staff import PinPage, SetupPage, StaffPage
from vision.stance import Guidance


def rgb_array(image: QImage) -> np.ndarray:
    """An H x W x 3 uint8 copy of a QImage."""
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(),
                                                              image.bytesPerLine())
    return np.ascontiguousarray(rows[:, : image.width() * 3].reshape(image.height(),
                                                                     image.width(), 3))


def texts(widget) -> list[str]:
    return [w.text() for w in widget.findChildren(QLabel) if w.isVisibleTo(widget)]


def button(widget, text: str) -> QPushButton:
    found = [b for b in widget.findChildren(QPushButton)
             if b.text() == text and b.isVisibleTo(widget)]
    assert len(found) == 1, f"{len(found)} visible buttons say {text!r}"
    return found[0]


def click(qtbot, widget, text: str) -> None:
    qtbot.mouseClick(button(widget, text), Qt.MouseButton.LeftButton)


def referral_status(verdict: Screening | Decision, lang: str = "en") -> FlowStatus:
    """The session's status on the referral screen, ended by ``verdict``."""
    if isinstance(verdict, Decision):
        return FlowStatus(state=FlowState.REFERRAL, language=lang, decision=verdict)
    return FlowStatus(state=FlowState.REFERRAL, language=lang, screening=verdict)


@pytest.fixture(scope="module")
def decision() -> Decision:
    return sample_decision()


@pytest.fixture(scope="module")
def referrals():
    return sample_referrals()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_attract_language_start_and_staff(window, intents, qtbot, lang):
    window.set_language(lang)
    window.show_status(FlowStatus(state=FlowState.ATTRACT, language=lang))
    screen = window.screen_named("attract")
    assert tr("attract.title", lang) in texts(screen)
    click(qtbot, screen, "Deutsch")
    click(qtbot, screen, "English")
    click(qtbot, screen, tr("attract.start", lang))
    click(qtbot, screen, tr("common.staff", lang))
    assert intents == [ChooseLanguage("de"), ChooseLanguage("en"), Start(), OpenStaff()]


@pytest.mark.parametrize(("label_en", "purpose"), [
    ("Travel", Purpose.TRAVEL),        # flights and long journeys
    ("Everyday", Purpose.EVERYDAY),    # tired legs
    ("Sport", Purpose.SPORT),          # running and recovery
    ("Medical", Purpose.MEDICAL),      # doctor's advice or prescription
])
def test_purpose_buttons(window, intents, qtbot, label_en, purpose):
    window.show_screen("purpose")
    screen = window.screen_named("purpose")
    b = screen.purpose_buttons[purpose.value]
    assert b.title.text() == label_en
    qtbot.mouseClick(b, Qt.MouseButton.LeftButton)
    assert intents == [ChoosePurpose(purpose)]
    assert type(intents[0].purpose) is Purpose  # the typed purpose, not its bare value


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(("answer_text", "yes"), [("screener.yes", True),
                                                   ("screener.no", False)])
def test_screener_shows_the_question_and_sends_the_answer(window, intents, qtbot, lang,
                                                          answer_text, yes):
    window.set_language(lang)
    window.show_status(FlowStatus(state=FlowState.SCREENER, language=lang,
                                  question_ids=QUESTION_IDS,
                                  question_index=QUESTION_IDS.index("one_leg_swelling")))
    screen = window.screen_named("screener")
    shown = texts(screen)
    assert question("one_leg_swelling").text(lang) in shown
    assert QUESTION_IDS.index("one_leg_swelling") == 1  # so it is question 2 of them all
    assert tr("common.question_of", lang, index=2, total=len(QUESTIONS)) in shown
    click(qtbot, screen, tr(answer_text, lang))
    assert intents == [AnswerQuestion("one_leg_swelling", yes)]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("outcome", ["emergency", "urgent_doctor", "see_doctor", "pharmacist",
                                     "made_to_measure", "staff_check"])
def test_referral_says_what_to_do_and_never_shows_a_product(window, intents, qtbot,
                                                            referrals, decision, lang,
                                                            outcome):
    window.set_language(lang)
    verdict = referrals[outcome]
    assert verdict.outcome is Outcome(outcome)
    window.show_status(referral_status(verdict, lang))
    screen = window.screen_named("referral")
    shown = "\n".join(texts(screen))
    assert tr(f"referral.{outcome}.title", lang) in shown
    if outcome == "emergency":
        assert "112" in shown
    else:
        assert tr(f"referral.{outcome}.action", lang) in shown
    # Even a verdict that carries a product (a staff check may) shows none here.
    for choice in decision.recommendations:
        assert choice.product_name not in shown
        assert choice.brand not in shown
    click(qtbot, screen, tr("common.done", lang))
    assert intents == [Next()]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_possible_clot_is_worded_as_such_never_as_a_size_question(window, lang):
    clot = sample_possible_clot()
    assert clot.outcome is Outcome.STAFF_CHECK and clot.possible_clot
    window.set_language(lang)
    window.show_status(referral_status(clot, lang))
    shown = "\n".join(texts(window.screen_named("referral")))
    assert tr("referral.possible_clot.title", lang) in shown
    assert tr("referral.possible_clot.action", lang) in shown
    assert tr("referral.staff_check.title", lang) not in shown  # not "check your size"
    assert ("blood clot" if lang == "en" else "Blutgerinnsel") in shown
    assert ("massage" if lang == "en" else "Massieren") in shown


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_urgent_doctor_screen_says_not_to_massage_the_leg(window, referrals, lang):
    window.set_language(lang)
    window.show_status(referral_status(referrals["urgent_doctor"], lang))
    shown = "\n".join(texts(window.screen_named("referral")))
    assert ("Do not massage the leg" if lang == "en" else "Massieren Sie das Bein nicht") \
        in shown


def test_referral_of_an_unknown_outcome_ends_at_staff_not_a_product(window, decision):
    # A "recommend" decision on the referral screen is a wiring bug: it ends at staff.
    assert decision.outcome is Outcome.RECOMMEND and decision.recommendations
    window.show_status(referral_status(decision))
    shown = "\n".join(texts(window.screen_named("referral")))
    assert tr("referral.staff_check.title", "en") in shown
    for choice in decision.recommendations:
        assert choice.product_name not in shown
        assert choice.brand not in shown


@pytest.mark.parametrize(("key", "accepted"), [
    ("uncover_calves", False),     # a garment covers the calves
    ("left_ankle_hidden", False),  # an ankle is hidden
    ("ok", True),                  # accepted frame: the words turn green
])
def test_measuring_shows_guidance_words_picture_and_progress(window, key, accepted):
    window.show_screen("measure_front")
    frame = np.zeros((1920, 1080, 3), np.uint8)
    window.set_live_frame(frame, None, Guidance(Stance.FRONT, key, accepted), 0.4)
    screen = window.screen_named("measure_front")
    assert screen.guidance_text.text() == tr(f"guidance.{key}", "en")
    assert screen.guidance_picture.key == f"guidance.{key}"
    assert screen.ring.progress == pytest.approx(0.4)
    assert screen.camera.has_frame


def test_live_frames_are_dropped_when_no_measuring_screen_shows(window):
    window.show_screen("attract")
    window.set_live_frame(np.zeros((20, 10, 3), np.uint8))
    assert not window.screen_named("measure_front").camera.has_frame
    assert not window.screen_named("measure_side").camera.has_frame


@pytest.mark.parametrize("lang", LANGUAGES)
def test_measuring_says_when_the_camera_is_lost_or_the_measurement_refused(window, lang):
    window.set_language(lang)
    window.show_status(FlowStatus(state=FlowState.MEASURE_SIDE, language=lang,
                                  camera_ok=False))
    screen = window.screen_named("measure_side")
    assert screen.camera.message == tr("error.camera", lang)
    window.show_status(FlowStatus(state=FlowState.MEASURE_FRONT, language=lang,
                                  notice="measurement_refused",
                                  notice_detail="calves covered in 30 of 30 frames"))
    front = window.screen_named("measure_front")
    assert tr("measure.refused", lang) in texts(front)
    assert "calves covered in 30 of 30 frames" in texts(front)


def test_turn_ready_button(window, intents, qtbot):
    window.show_screen("turn")
    click(qtbot, window.screen_named("turn"), tr("turn.ready", "en"))
    assert intents == [Next()]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_review_explains_every_measure(window, intents, qtbot, lang):
    window.set_language(lang)
    window.show_status(FlowStatus(state=FlowState.REVIEW, language=lang,
                                  measurement=sample_measurement()))
    screen = window.screen_named("review")
    shown = texts(screen)
    for key in ("review.cb.meaning", "review.cc.meaning", "review.ld.meaning",
                "review.pm.meaning", "review.camera"):
        assert tr(key, lang) in shown
    assert isinstance(screen.diagram._measurement, Measurement)
    click(qtbot, screen, tr("review.next", lang))
    click(qtbot, screen, tr("common.back", lang))
    assert intents == [Next(), Back()]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_recommendation_shows_product_size_length_class_and_why(window, intents, qtbot,
                                                                decision, lang):
    window.set_language(lang)
    window.show_status(FlowStatus(state=FlowState.RECOMMENDATION, language=lang,
                                  decision=decision))
    screen = window.screen_named("recommendation")
    shown = texts(screen)
    choice = decision.recommendations[0]
    # The catalogue's name, its figures kept on one line ("15–20 mmHg" never broken).
    assert product_name(choice) in shown
    assert product_name(choice).replace("\u2060", "").replace("\u00a0", " ") == \
        choice.product_name.replace("15-20", "15\u201320")
    assert choice.size in shown
    low, high = choice.class_mmhg
    assert f"{low}\u2060\u2013\u2060{high}\u00a0mmHg" in shown
    assert tr("recommendation.both_legs", lang) in shown
    assert tr("recommendation.illustrative", lang) in shown  # the demo catalogue says so
    for reason in decision.reasons:
        assert "• " + reason.text(lang) in shown
    click(qtbot, screen, tr("recommendation.next", lang))
    assert intents == [Next()]


def test_recommendation_without_a_product_cannot_go_on(window, decision):
    empty = Decision(outcome=decision.outcome, reasons=(), recommendations=(),
                     donning=decision.donning)
    window.show_status(FlowStatus(state=FlowState.RECOMMENDATION, decision=empty))
    screen = window.screen_named("recommendation")
    assert tr("recommendation.none", "en") in texts(screen)
    assert not button(screen, tr("recommendation.next", "en")).isEnabled()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_donning_pages_through_every_step(window, intents, qtbot, decision, lang):
    window.set_language(lang)
    window.show_status(FlowStatus(state=FlowState.DONNING, language=lang, decision=decision))
    screen = window.screen_named("donning")
    click(qtbot, screen, tr("common.back", lang))  # first page: back leaves the screen
    assert intents == [Back()]
    for i, step in enumerate(decision.donning):
        assert step.text(lang) in texts(screen)
        assert screen.picture.key == step.illustration
        last = i == len(decision.donning) - 1
        click(qtbot, screen, tr("donning.finish" if last else "common.next", lang))
    assert intents == [Back(), Next()]


@pytest.mark.parametrize(("second_session", "expected_page"), [
    ("s1", 2),    # the same session re-rendered (any status change): stay on the page
    ("s2", 0),    # the next shopper starts at the first step
])
def test_donning_page_survives_rerenders_but_not_a_new_session(window, qtbot, decision,
                                                               second_session, expected_page):
    window.show_status(FlowStatus(state=FlowState.DONNING, session_id="s1", decision=decision))
    screen = window.screen_named("donning")
    for _ in range(2):
        click(qtbot, screen, tr("common.next", "en"))
    window.show_status(FlowStatus(state=FlowState.DONNING, session_id=second_session,
                                  decision=decision))
    assert screen.page == expected_page


def test_donning_without_data_shows_the_standard_steps(window):
    window.show_screen("donning")
    assert DONNING_STEPS[0].text("en") in texts(window.screen_named("donning"))


def test_handoff_qr_code_reads_back_as_the_fitting_code(window, intents, qtbot):
    import cv2

    code = "LF-7K3Q-M9TX"
    window.show_status(FlowStatus(state=FlowState.HANDOFF, fitting_code=code))
    screen = window.screen_named("handoff")
    assert code in texts(screen)
    decoded, _, _ = cv2.QRCodeDetector().detectAndDecode(rgb_array(screen.qr.grab().toImage()))
    assert decoded == code
    click(qtbot, screen, tr("handoff.print", "en"))
    click(qtbot, screen, tr("handoff.finish", "en"))
    assert intents == [PrintSlip(), Next()]


@pytest.mark.parametrize(("notice", "key"), [
    ("slip_printed", "handoff.printed"),     # the slip went to the printer
    ("error", "handoff.print_failed"),       # it did not: show the code instead
])
def test_handoff_print_notices(window, notice, key):
    window.show_status(FlowStatus(state=FlowState.HANDOFF, fitting_code="LF-1", notice=notice))
    assert tr(key, "en") in texts(window.screen_named("handoff"))


def test_pin_pad_sends_the_digits_and_never_shows_them(window, intents, qtbot):
    window.show_screen("staff_pin")
    screen = window.screen_named("staff_pin")
    for digit in "1234":
        click(qtbot, screen, digit)
    assert screen.display.text() == "●●●●"
    click(qtbot, screen, tr("staff_pin.ok", "en"))
    click(qtbot, screen, "9")
    click(qtbot, screen, tr("staff_pin.clear", "en"))
    click(qtbot, screen, tr("staff_pin.ok", "en"))  # nothing typed: nothing sent
    click(qtbot, screen, tr("common.cancel", "en"))
    assert intents == [EnterPin("1234"), Back()]


@pytest.mark.parametrize(("page", "key"), [
    (PinPage("pin_wrong", tries_left=2), "staff_pin.wrong_tries"),  # with the count
    (PinPage("pin_wrong"), "staff_pin.wrong"),                      # without it
    (PinPage("pin_locked"), "staff_pin.locked"),                    # locked out
])
def test_pin_pad_says_why_a_try_failed(window, page, key):
    window.show_pin(page)
    expected = tr(key, "en", **({"tries": page.tries_left} if page.tries_left is not None
                                else {}))
    assert expected in texts(window.screen_named("staff_pin"))


def test_staff_tape_entry_sends_the_measurement_contract(window, intents, qtbot):
    from ui.samples import sample_staff_page

    window.show_staff(sample_staff_page())
    screen = window.screen_named("staff")
    screen.tape_inputs[(Leg.LEFT, "ankle_mm")].setValue(21.5)
    screen.tape_inputs[(Leg.RIGHT, "knee_high_length_mm")].setValue(0.0)  # left blank
    click(qtbot, screen, tr("staff.tape.apply", "en"))
    entry = intents[-1]
    assert isinstance(entry, EnterTape)
    payload = entry.girths
    assert payload["left"]["ankle_mm"] == pytest.approx(215.0)
    assert "knee_high_length_mm" not in payload["right"]
    m = Measurement.from_dict({**payload, "source": "tape"})
    assert m.right.calf_mm == pytest.approx(366.0)


def test_staff_typing_survives_a_rerender_but_not_the_next_session(window):
    from ui.samples import sample_staff_page

    page = sample_staff_page()
    window.show_staff(page)
    box = window.screen_named("staff").tape_inputs[(Leg.LEFT, "calf_mm")]
    box.setValue(40.0)
    window.show_staff(page)  # same measurement: what staff typed stays
    assert box.value() == pytest.approx(40.0)
    window.show_staff(StaffPage(measurement=None))  # the next session: empty boxes
    assert box.value() == 0.0


def test_staff_shows_catalogue_files_and_history(window):
    from ui.samples import sample_staff_page

    page = sample_staff_page()
    window.show_staff(page)
    screen = window.screen_named("staff")
    files = [screen.catalogue_table.item(r, 0).text()
             for r in range(screen.catalogue_table.rowCount())]
    assert files == [s.file for s in page.catalogue.sources]
    assert screen.history_table.rowCount() == len(page.history)
    assert page.history[0].outcome == Outcome.RECOMMEND.value
    assert screen.history_table.item(0, 2).text() == tr("outcome.recommend", "en")
    assert screen.profile_plot.isVisibleTo(screen.tabs.widget(1))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_staff_review_shows_girths_with_sd_and_why_confidence_is_lower(window, lang):
    from ui.samples import sample_staff_page

    page = sample_staff_page()
    window.set_language(lang)
    window.show_staff(page)
    screen = window.screen_named("staff")
    review = screen.tabs.widget(1)
    girths = screen.review_girths.text()
    assert screen.review_girths.isVisibleTo(review)
    girths = girths.replace("\u00a0", " ")
    assert "366 ± 13 mm" in girths and "224 ± 3 mm" in girths  # the right calf's wide sd
    confidence = screen.review_confidence.text()
    assert confidence.startswith(tr("staff.review.confidence.lower", lang))
    assert page.confidence_reasons[0] in confidence
    # A sure measurement says so, without reasons; no measurement, nothing.
    window.show_staff(dataclasses.replace(page, confidence="high"))
    assert screen.review_confidence.text() == tr("staff.review.confidence.high", lang)
    # Tape values replaced the camera's: their girths are not the camera's to show here.
    taped = dataclasses.replace(page.measurement, source=MeasurementSource.TAPE)
    window.show_staff(dataclasses.replace(page, measurement=taped))
    assert not screen.review_girths.isVisibleTo(review)
    window.show_staff(StaffPage(measurement=None))
    assert not screen.review_confidence.isVisibleTo(review)
    assert not screen.review_girths.isVisibleTo(review)


def test_staff_calibration_shows_the_wizards_instruction_and_progress(window):
    from ui.samples import sample_frame, sample_staff_page

    page = sample_staff_page(frame=sample_frame(Stance.FRONT))
    window.show_staff(page)
    screen = window.screen_named("staff")
    message = page.calibration_wizard.message
    assert screen.calibration_text.text() == message[:1].upper() + message[1:]
    assert screen.calibration_ring.progress == pytest.approx(page.calibration_wizard.progress)
    assert screen.calibration_view._wizard is page.calibration_wizard


@pytest.mark.parametrize(("text", "intent"), [
    ("staff.exit", Back()),                       # back to where staff came from
    ("staff.quit", Quit()),                       # close the kiosk (staff only)
    ("staff.calibration.finish", FindMat()),
    ("staff.calibration.capture", CaptureCalibration()),
])
def test_staff_buttons(window, intents, qtbot, text, intent):
    window.show_screen("staff")
    screen = window.screen_named("staff")
    screen.tabs.setCurrentIndex(2)
    click(qtbot, screen, tr(text, "en"))
    assert intents == [intent]


def test_setup_screen_sends_staff_sign_in(window, intents, qtbot):
    window.show_setup(SetupPage(problem="no calibration file"))
    screen = window.screen_named("setup")
    assert "no calibration file" in texts(screen)
    click(qtbot, screen, tr("setup.staff", "en"))
    assert intents == [OpenStaff()]
