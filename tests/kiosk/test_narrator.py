"""What the kiosk says aloud and when, with a recording voice and a hand-moved clock."""

from __future__ import annotations

from dataclasses import replace

import pytest

from fitting.stance import Stance
from kiosk.narrator import GUIDANCE_SETTLE_S, STAFF_CALL_EVERY_S, Narrator
from kiosk.voice import RecordingVoice
from session.flow import FlowState, FlowStatus
from tests.kiosk.flow_helpers import FakeClock
from ui.i18n import LANGUAGES, tr
from vision.stance import Guidance


def narrator() -> tuple[Narrator, RecordingVoice, FakeClock]:
    voice, clock = RecordingVoice(), FakeClock()
    return Narrator(voice, clock), voice, clock


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_measuring_and_turn_screens_say_their_instructions(lang):
    n, voice, _ = narrator()
    n.on_status(FlowStatus(state=FlowState.MEASURE_FRONT, language=lang))
    n.on_status(FlowStatus(state=FlowState.TURN, language=lang))
    n.on_status(FlowStatus(state=FlowState.MEASURE_SIDE, language=lang))
    assert voice.said == [
        (tr("measure.instructions", lang), lang),
        (f"{tr('turn.title', lang)}. {tr('turn.body', lang)}", lang),
        (f"{tr('measure_side.title', lang)}. {tr('measure.instructions', lang)}", lang)]


@pytest.mark.parametrize("state", [FlowState.STAFF, FlowState.STAFF_PIN, FlowState.SETUP,
                                   FlowState.REVIEW, FlowState.ATTRACT])
def test_other_screens_stop_the_voice_and_say_nothing(state):
    n, voice, _ = narrator()
    n.on_status(FlowStatus(state=FlowState.MEASURE_FRONT))
    n.on_status(FlowStatus(state=state))
    assert len(voice.said) == 1 and voice.stops == 1


def test_live_guidance_is_said_once_it_has_held_still():
    n, voice, clock = narrator()
    n.on_status(FlowStatus(state=FlowState.MEASURE_FRONT))
    voice.said.clear()
    step_on = Guidance(Stance.FRONT, "step_on_footprints", False)
    hold = Guidance(Stance.FRONT, "ok", True)
    for _ in range(3):  # flickering between two messages: nothing said
        n.on_guidance(Stance.FRONT, step_on, "en")
        clock.advance(0.1)
        n.on_guidance(Stance.FRONT, hold, "en")
        clock.advance(0.1)
    assert voice.said == []
    clock.advance(GUIDANCE_SETTLE_S)
    n.on_guidance(Stance.FRONT, hold, "en")
    assert voice.said == [(tr("guidance.ok", "en"), "en")]
    clock.advance(5)
    n.on_guidance(Stance.FRONT, hold, "en")  # the same words: not said again
    assert len(voice.said) == 1


def test_a_refusal_and_the_idle_warning_are_said():
    n, voice, _ = narrator()
    status = FlowStatus(state=FlowState.MEASURE_FRONT)
    n.on_status(status)
    n.on_status(replace(status, notice="measurement_refused", notice_detail="calves covered"))
    n.on_status(replace(status, state=FlowState.SCREENER, idle_warning=True))
    assert voice.said[1:] == [(tr("measure.refused", "en"), "en"),
                              (tr("idle.warning", "en", seconds="20"), "en")]


def test_an_emergency_calls_staff_until_they_sign_in():
    n, voice, clock = narrator()
    alert = FlowStatus(state=FlowState.REFERRAL, alert=True)
    n.on_status(alert)
    n.tick("en")
    call = (tr("voice.staff_call", "en"), "en")
    assert voice.said == [call]
    clock.advance(STAFF_CALL_EVERY_S - 1)
    n.tick("en")
    assert voice.said == [call]
    clock.advance(1)
    n.tick("en")
    assert voice.said == [call, call]
    n.on_status(replace(alert, state=FlowState.STAFF, alert=False))
    clock.advance(STAFF_CALL_EVERY_S * 3)
    n.tick("en")
    assert voice.said == [call, call]
