"""The donning pages: one step a page, and "Skip to my code" on every page."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from fitting.recommend import Decision
from session.flow import FlowState, FlowStatus
from session.intents import Back, Next
from ui.i18n import LANGUAGES, tr
from ui.samples import sample_decision
from ui.screens.donning import DonningScreen


@pytest.fixture(scope="module")
def decision() -> Decision:
    return sample_decision()


def donning(window, decision: Decision, lang: str = "en") -> DonningScreen:
    window.set_language(lang)
    window.show_status(FlowStatus(state=FlowState.DONNING, language=lang, decision=decision))
    screen = window.screen_named("donning")
    assert isinstance(screen, DonningScreen)
    return screen


def visible_buttons(screen: DonningScreen, text: str) -> list[QPushButton]:
    return [b for b in screen.findChildren(QPushButton)
            if b.text() == text and b.isVisibleTo(screen)]


def pages(decision: Decision) -> dict[str, int]:
    last = len(decision.donning) - 1
    return {"first": 0, "middle": last // 2, "last": last}


def test_the_sample_has_a_middle_page(decision):
    assert 0 < pages(decision)["middle"] < pages(decision)["last"]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_skip_to_my_code_is_on_every_page_and_goes_on(window, intents, qtbot, decision,
                                                      lang, where):
    screen = donning(window, decision, lang)
    page = pages(decision)[where]
    screen.open_page(page)
    (skip,) = visible_buttons(screen, tr("donning.skip", lang))
    assert skip.isEnabled()
    assert skip.property("role") == "secondary"
    qtbot.mouseClick(skip, Qt.MouseButton.LeftButton)
    assert intents == [Next()]
    # Skipping leaves the page alone: the session, not the screen, moves on.
    assert screen.page == page


def test_skip_is_a_full_size_button_on_screen(window, decision):
    screen = donning(window, decision)
    (skip,) = visible_buttons(screen, tr("donning.skip", "en"))
    assert skip.height() >= screen.theme.touch_target_px
    assert screen.rect().contains(skip.mapTo(screen, skip.rect().center()))


def test_skip_speaks_the_shoppers_language(window, decision):
    screen = donning(window, decision, "en")
    window.set_language("de")
    assert visible_buttons(screen, tr("donning.skip", "de"))
    assert not visible_buttons(screen, tr("donning.skip", "en"))


def test_paging_still_goes_through_every_step(window, intents, qtbot, decision):
    screen = donning(window, decision)
    (back,) = visible_buttons(screen, tr("common.back", "en"))
    qtbot.mouseClick(back, Qt.MouseButton.LeftButton)
    assert intents == [Back()]
    for i, step in enumerate(decision.donning):
        assert screen.page == i and screen.picture.key == step.illustration
        last = i == len(decision.donning) - 1
        (go_on,) = visible_buttons(screen, tr("donning.finish" if last else "common.next",
                                              "en"))
        qtbot.mouseClick(go_on, Qt.MouseButton.LeftButton)
    assert intents == [Back(), Next()]
