"""The safety questions, one at a time, with big Yes and No buttons."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout

from fitting.screener import QUESTIONS, Question, question
from ui.screen_base import Screen, card, pick


class ScreenerScreen(Screen):
    """One screener question. Intents: ("answer", (question_id, True|False)), ("back",
    None), ("start_over", None).

    ``render(data)``: ``data.question_id`` (or ``data.question``, a ``Question``), with
    ``data.question_index`` (0-based) and ``data.question_ids`` for "Question 3 of 14".
    The kiosk's status snapshot has exactly these fields.
    """

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

    @property
    def question(self) -> Question:
        given = pick(self.data, "question")
        if isinstance(given, Question):
            return given
        question_id = pick(self.data, "question_id")
        return question(question_id) if question_id else QUESTIONS[0]

    def _answer(self, yes: bool) -> None:
        self.emit_intent("answer", (self.question.id, yes))

    def refresh(self) -> None:
        q = self.question
        ids = pick(self.data, "question_ids") or tuple(x.id for x in QUESTIONS)
        index = pick(self.data, "question_index")
        if index is None:
            index = list(ids).index(q.id) if q.id in ids else 0
        self.title.setText(self.tr("screener.title"))
        self.counter.setText(self.tr("common.question_of", index=index + 1, total=len(ids)))
        self.question_label.setText(q.text(self.lang))
        why = q.why(self.lang)
        self.why_label.setText(why)
        self.why_card.setVisible(bool(why))
        self.yes_button.setText(self.tr("screener.yes"))
        self.no_button.setText(self.tr("screener.no"))
        self.refresh_footer()
