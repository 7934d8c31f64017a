"""The safety questions, one at a time, with big Yes and No buttons."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout

from fitting.screener import QUESTION_IDS, QUESTIONS, Question, question
from session.flow import FlowState, FlowStatus
from session.intents import AnswerQuestion
from ui.screen_base import FlowScreen, card


class ScreenerScreen(FlowScreen):
    """One screener question. Intents: ``AnswerQuestion``, ``Back``, ``StartOver``.

    ``show_model(status)``: the question at ``status.question_index`` of
    ``status.question_ids`` ("Question 3 of 14")."""

    screen_name = "screener"

    def build(self) -> None:
        self.title = self.label("small")
        self.counter = self.label("step")
        self.root.addWidget(self.title)
        self.root.addWidget(self.counter)
        self.root.addStretch(1)
        self.question_label = self.label("title")
        self.root.addWidget(self.question_label)
        frame, inner = card()
        self.why_label = self.label("small")
        inner.addWidget(self.why_label)
        self.why_card = frame
        self.root.addWidget(frame)
        self.root.addStretch(1)
        row = QHBoxLayout()
        row.setSpacing(self.theme.px(40))
        self.yes_button = self.button(role="answer")
        self.no_button = self.button(role="answer")
        self.yes_button.clicked.connect(lambda: self._answer(True))
        self.no_button.clicked.connect(lambda: self._answer(False))
        row.addWidget(self.yes_button)
        row.addWidget(self.no_button)
        self.root.addLayout(row)
        self.root.addSpacing(self.theme.px(40))
        self.root.addLayout(self.footer())

    def blank_model(self) -> FlowStatus:
        return FlowStatus(state=FlowState.SCREENER, question_ids=QUESTION_IDS)

    @property
    def question(self) -> Question:
        question_id = self.model.question_id
        return question(question_id) if question_id else QUESTIONS[0]

    def _answer(self, yes: bool) -> None:
        self.emit_intent(AnswerQuestion(self.question.id, yes))

    def refresh(self) -> None:
        q = self.question
        ids = self.model.question_ids or QUESTION_IDS
        index = self.model.question_index
        self.title.setText(self.t("screener.title"))
        self.counter.setText(self.t("common.question_of", index=index + 1, total=len(ids)))
        self.question_label.setText(q.text(self.lang))
        why = q.why(self.lang)
        self.why_label.setText(why)
        self.why_card.setVisible(bool(why))
        self.yes_button.setText(self.t("screener.yes"))
        self.no_button.setText(self.t("screener.no"))
        self.refresh_footer()
