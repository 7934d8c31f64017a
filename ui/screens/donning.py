"""Donning and care: one illustrated step per page, big enough to follow at arm's length."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout

from fitting.donning import DONNING_STEPS, DonningStep
from session.flow import FlowStatus
from session.intents import Back, Next
from ui.illustrations import IllustrationView
from ui.screen_base import FlowScreen, card
from ui.theme import set_role


def donning_steps(status: FlowStatus) -> tuple[DonningStep, ...]:
    """The steps to show: the decision's, or the full standard set without one."""
    steps = () if status.decision is None else status.decision.donning
    return steps or DONNING_STEPS


class DonningScreen(FlowScreen):
    """Pages through the donning steps. Intents: ``Next`` after the last page or from
    "Skip to my code" on any page (the session goes on to the hand-off with the fitting
    code), ``Back`` from the first page, ``StartOver``.

    ``show_model(status)``: the steps of ``status.decision`` (see ``donning_steps``);
    ``open_page`` opens a page."""

    screen_name = "donning"

    def build(self) -> None:
        self.page = 0
        self._render_key: tuple[str | None, tuple[DonningStep, ...]] | None = None
        self.title = self.label("small")
        self.counter = self.label("step")
        self.root.addWidget(self.title)
        self.root.addWidget(self.counter)
        self.picture = IllustrationView(None, self.theme.px(500))
        self.root.addWidget(self.picture, 1)
        self.text_card, inner = card()
        self.kind = self.label("step")
        self.text = self.label("lead")
        inner.addWidget(self.kind)
        inner.addWidget(self.text)
        self.root.addWidget(self.text_card)
        self.dots = self.label("step", wrap=False, align=Qt.AlignmentFlag.AlignHCenter)
        self.root.addWidget(self.dots)
        row = QHBoxLayout()
        row.setSpacing(self.theme.spacing_px)
        self.previous_button = self.button(role="secondary")
        self.next_button = self.button()
        self.previous_button.clicked.connect(self.previous_page)
        self.next_button.clicked.connect(self.next_page)
        row.addWidget(self.previous_button)
        row.addWidget(self.next_button, 2)
        self.root.addLayout(row)
        # On every page, a row of its own (long in German): straight on to the code.
        self.skip_button = self.button(Next(), role="secondary")
        self.root.addWidget(self.skip_button)
        self.root.addLayout(self.footer(back=False, start_over=True))

    @property
    def steps(self) -> tuple[DonningStep, ...]:
        return donning_steps(self.model)

    def show_model(self, model: FlowStatus) -> None:
        """Show ``model``. The page is kept while the same session's steps are re-rendered
        (the kiosk re-renders on any status change: a shopper on step 5 stays on step 5);
        a new session or new steps start at the first page."""
        key = (model.session_id, donning_steps(model))
        if key != self._render_key:
            self.page = 0
        self._render_key = key
        super().show_model(model)

    def open_page(self, page: int) -> None:
        """Open one page (0-based) of the steps shown."""
        self.page = page
        self.refresh()

    def next_page(self) -> None:
        if self.page + 1 >= len(self.steps):
            self.emit_intent(Next())
            return
        self.page += 1
        self.refresh()

    def previous_page(self) -> None:
        if self.page == 0:
            self.emit_intent(Back())
            return
        self.page -= 1
        self.refresh()

    def refresh(self) -> None:
        steps = self.steps
        self.page = max(0, min(self.page, len(steps) - 1))
        step = steps[self.page]
        self.title.setText(self.t("donning.title"))
        self.counter.setText(self.t("common.step_of", index=self.page + 1, total=len(steps)))
        self.picture.set_key(step.illustration)
        self.kind.setText(self.t(f"donning.kind.{step.kind}"))
        set_role(self.text_card, "notice" if step.kind == "warning" else "card")
        self.text.setText(step.text(self.lang))
        self.dots.setText(" ".join("●" if i == self.page else "○" for i in range(len(steps))))
        last = self.page + 1 >= len(steps)
        self.previous_button.setText(self.t("common.back" if self.page == 0
                                             else "donning.previous"))
        self.next_button.setText(self.t("donning.finish" if last else "common.next"))
        self.skip_button.setText(self.t("donning.skip"))
        self.refresh_footer()
