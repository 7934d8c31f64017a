"""The results: the measurement review (leg diagram) and the recommendation.

The one order of legs on every shopper's screen and the slip: the right leg first. On
the review's diagram the right leg stands on the left and the left leg on the right, as
the camera (and the live picture) sees the shopper, each named in words; the reasons and
the products list the right leg before the left.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from fitting import i18n
from fitting.measurement import Leg, MeasurementSource
from fitting.recommend import ProductChoice
from fitting.sizing import length_name
from session.intents import Next
from ui.i18n import tr, unbreakable_figures
from ui.screen_base import FlowScreen, card, clear_layout
from ui.screens.referral import lay_out_now
from ui.theme import set_role, tag
from ui.widgets import LegDiagram


class ReviewScreen(FlowScreen):
    """Both legs' cB, cC and lD with their ± and what each means.

    Intents: ``Next``, ``Back`` to measure again, ``StartOver``.
    ``show_model(status)``: ``status.measurement``."""

    screen_name = "review"

    def build(self) -> None:
        self.title = self.label("title")
        self.source = self.label("small")
        self.order = self.label("small")
        self.root.addWidget(self.title)
        self.root.addWidget(self.source)
        self.root.addWidget(self.order)
        self.diagram = LegDiagram()
        self.root.addWidget(self.diagram, 1)
        frame, inner = card()
        self.meanings = [self.label("small") for _ in range(4)]
        for m in self.meanings:
            inner.addWidget(m)
        self.root.addWidget(frame)
        self.next_button = self.button(Next())
        tag(self.next_button, height_class="large")
        self.root.addWidget(self.next_button)
        self.root.addLayout(self.footer())

    def refresh(self) -> None:
        m = self.model.measurement
        self.title.setText(self.t("review.title"))
        if m is None:
            self.source.setText("")
        else:
            tape = m.source == MeasurementSource.TAPE
            self.source.setText(self.t("review.tape" if tape else "review.camera"))
        self.order.setText(self.t("review.order"))
        self.diagram.set_measurement(m, self.lang)
        for label, key in zip(self.meanings, ("review.cb.meaning", "review.cc.meaning",
                                              "review.ld.meaning", "review.pm.meaning"),
                              strict=True):
            label.setText(self.t(key))
        self.next_button.setText(self.t("review.next"))
        self.refresh_footer()


def legs_text(legs: Iterable[Leg], lang: str) -> str:
    values = set(legs)
    if values >= {Leg.LEFT, Leg.RIGHT}:
        return tr("recommendation.both_legs", lang)
    if values == {Leg.LEFT}:
        return tr("common.left", lang)
    if values == {Leg.RIGHT}:
        return tr("common.right", lang)
    return ""


def length_text(length: str | None, lang: str) -> str:
    """A product length in words ("Short", "Kurz"); the catalogue's own name when the
    catalogue has no words for it."""
    if not length:
        return ""
    name = length_name(length)
    text = name.text(lang) if isinstance(name, i18n.Message) else name
    return text[:1].upper() + text[1:]


def class_text(choice: ProductChoice, lang: str) -> str:
    """The compression class as its pressure range, never broken across lines: the same
    in every language (the catalogue's own label is in one language only, so it stays
    off the shopper's screen)."""
    low, high = choice.class_mmhg
    return i18n.mmhg(low, high, lang)


def product_name(choice: ProductChoice) -> str:
    """The catalogue's product name, its figures kept on one line."""
    return unbreakable_figures(choice.product_name)


class RecommendationScreen(FlowScreen):
    """Product, size, length, class in mmHg and the why in plain words.

    Intents: ``Next`` to the donning steps, ``Back``, ``StartOver``.
    ``show_model(status)``: ``status.decision`` (its ``recommendations`` and ``reasons``)."""

    screen_name = "recommendation"

    def build(self) -> None:
        self.title = self.label("title")
        self.root.addWidget(self.title)
        # The products and the why scroll when a small screen cannot hold them all (as on
        # the referral screen): words are never cut.
        self.words = QScrollArea()
        self.words.setWidgetResizable(True)
        self.words.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.words.setFrameShape(QFrame.Shape.NoFrame)
        inner = QWidget()
        words = QVBoxLayout(inner)
        words.setContentsMargins(0, 0, 0, 0)
        words.setSpacing(self.theme.spacing_px)
        self.products = QVBoxLayout()
        self.products.setSpacing(self.theme.spacing_px)
        words.addLayout(self.products)
        self.illustrative = self.label("small")
        words.addWidget(self.illustrative)
        self.why_title = self.label("step")
        words.addWidget(self.why_title)
        self.why_card, self.why_layout = card()
        words.addWidget(self.why_card)
        words.addStretch(1)
        self.words.setWidget(inner)
        self.root.addWidget(self.words, 1)
        self.next_button = self.button(Next())
        tag(self.next_button, height_class="large")
        self.root.addWidget(self.next_button)
        self.root.addLayout(self.footer())

    def _product_card(self, choice: ProductChoice) -> None:
        frame, inner = card()
        name = self.label("title")
        name.setText(product_name(choice))
        brand = self.label("small")
        brand.setText(choice.brand)
        inner.addWidget(name)
        inner.addWidget(brand)
        grid = QGridLayout()
        grid.setHorizontalSpacing(self.theme.px(30))
        grid.setVerticalSpacing(self.theme.px(10))
        rows = (
            ("recommendation.size", choice.size),
            ("recommendation.length", length_text(choice.length, self.lang)),
            ("recommendation.class", class_text(choice, self.lang)),
            ("recommendation.legs", legs_text(choice.legs, self.lang)),
        )
        for r, (key, value) in enumerate(rows):
            k = QLabel(self.t(key))
            set_role(k, "small")
            v = QLabel(value)
            v.setWordWrap(True)
            set_role(v, "title" if key == "recommendation.size" else "body")
            grid.addWidget(k, r, 0)
            grid.addWidget(v, r, 1)
        grid.setColumnStretch(1, 1)
        inner.addLayout(grid)
        self.products.addWidget(frame)

    def refresh(self) -> None:
        decision = self.model.decision
        choices = () if decision is None else decision.recommendations
        self.title.setText(self.t("recommendation.title"))
        clear_layout(self.products)
        for choice in choices:
            self._product_card(choice)
        if not choices:
            none = self.label("body")
            none.setText(self.t("recommendation.none"))
            self.products.addWidget(none)
        illustrative = any(c.illustrative for c in choices)
        self.illustrative.setVisible(illustrative)
        self.illustrative.setText(self.t("recommendation.illustrative"))
        reasons = () if decision is None else decision.reasons
        clear_layout(self.why_layout)
        for reason in reasons:
            line = self.label("body")
            line.setText("• " + reason.text(self.lang))
            self.why_layout.addWidget(line)
        self.why_title.setText(self.t("recommendation.why"))
        self.why_title.setVisible(bool(reasons))
        self.why_card.setVisible(bool(reasons))
        self.next_button.setText(self.t("recommendation.next"))
        self.next_button.setEnabled(bool(choices))
        self.refresh_footer()
        lay_out_now(self.words)
