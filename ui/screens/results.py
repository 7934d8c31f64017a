"""The results: the measurement review (leg diagram) and the recommendation."""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout

from fitting.measurement import Measurement, MeasurementSource
from ui.i18n import STRINGS
from ui.screen_base import Screen, card, clear_layout, enum_value, pick
from ui.theme import set_role, tag
from ui.widgets import LegDiagram


def _measurement(data: object) -> Measurement | None:
    if isinstance(data, Measurement):
        return data
    value = pick(data, "measurement")
    return value if isinstance(value, Measurement) else None


class ReviewScreen(Screen):
    """Both legs' cB, cC and lD with their ± and what each means.

    Intents: ("next", None), ("back", None) to measure again, ("start_over", None).
    ``render(data)``: a ``Measurement`` or anything with ``.measurement``."""

    screen_name = "review"

    def build(self) -> None:
        self.title = self.label("title")
        self.source = self.label("small")
        self.root.addWidget(self.title)
        self.root.addWidget(self.source)
        self.diagram = LegDiagram()
        self.root.addWidget(self.diagram, 1)
        frame, inner = card()
        self.meanings = [self.label("small") for _ in range(4)]
        for m in self.meanings:
            inner.addWidget(m)
        self.root.addWidget(frame)
        self.next_button = self.button("next")
        tag(self.next_button, height_class="large")
        self.root.addWidget(self.next_button)
        self.root.addLayout(self.footer())

    def refresh(self) -> None:
        m = _measurement(self.data)
        self.title.setText(self.tr("review.title"))
        if m is None:
            self.source.setText("")
        else:
            tape = m.source == MeasurementSource.TAPE
            self.source.setText(self.tr("review.tape" if tape else "review.camera"))
        self.diagram.set_measurement(m, self.lang)
        for label, key in zip(self.meanings, ("review.cb.meaning", "review.cc.meaning",
                                              "review.ld.meaning", "review.pm.meaning"),
                              strict=True):
            label.setText(self.tr(key))
        self.next_button.setText(self.tr("review.next"))
        self.refresh_footer()


def _decision(data: object) -> object:
    decision = pick(data, "decision")
    return decision if decision is not None else data


def legs_text(legs: object, lang: str) -> str:
    values = {enum_value(leg) for leg in (legs or ())}
    if values >= {"left", "right"}:
        return STRINGS[lang]["recommendation.both_legs"]
    if values == {"left"}:
        return STRINGS[lang]["common.left"]
    if values == {"right"}:
        return STRINGS[lang]["common.right"]
    return ""


def length_text(length: object, lang: str) -> str:
    """A product length in words; the catalogue's own name when we have no translation."""
    raw = str(enum_value(length))
    key = "length." + raw.lower().replace("-", "_").replace(" ", "_")
    return STRINGS[lang].get(key, raw)


def class_text(choice: object, lang: str) -> str:
    """The compression class as its pressure range: the same in every language (the
    catalogue's own label is in one language only, so it stays off the shopper's screen)."""
    low, high = pick(choice, "class_mmhg", (0, 0))
    return STRINGS[lang]["recommendation.mmhg"].format(low=low, high=high)


class RecommendationScreen(Screen):
    """Product, size, length, class in mmHg and the why in plain words.

    Intents: ("next", None) to the donning steps, ("back", None), ("start_over", None).
    ``render(data)``: a ``Decision`` (``recommendations``, ``reasons``) or anything with
    ``.decision``."""

    screen_name = "recommendation"

    def build(self) -> None:
        self.title = self.label("title")
        self.root.addWidget(self.title)
        self.products = QVBoxLayout()
        self.products.setSpacing(self.theme.spacing_px)
        self.root.addLayout(self.products)
        self.illustrative = self.label("small")
        self.root.addWidget(self.illustrative)
        self.why_title = self.label("step")
        self.root.addWidget(self.why_title)
        self.why_card, self.why_layout = card()
        self.root.addWidget(self.why_card)
        self.root.addStretch(1)
        self.next_button = self.button("next")
        tag(self.next_button, height_class="large")
        self.root.addWidget(self.next_button)
        self.root.addLayout(self.footer())

    def _product_card(self, choice: object) -> None:
        frame, inner = card()
        name = self.label("title")
        name.setText(str(pick(choice, "product_name", "")))
        brand = self.label("small")
        brand.setText(str(pick(choice, "brand", "")))
        inner.addWidget(name)
        inner.addWidget(brand)
        grid = QGridLayout()
        grid.setHorizontalSpacing(self.theme.px(30))
        grid.setVerticalSpacing(self.theme.px(10))
        rows = (
            ("recommendation.size", str(pick(choice, "size", ""))),
            ("recommendation.length", length_text(pick(choice, "length", ""), self.lang)),
            ("recommendation.class", class_text(choice, self.lang)),
            ("recommendation.legs", legs_text(pick(choice, "legs"), self.lang)),
        )
        for r, (key, value) in enumerate(rows):
            k = QLabel(self.tr(key))
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
        decision = _decision(self.data)
        choices = tuple(pick(decision, "recommendations") or ())
        self.title.setText(self.tr("recommendation.title"))
        clear_layout(self.products)
        for choice in choices:
            self._product_card(choice)
        if not choices:
            none = self.label("body")
            none.setText(self.tr("recommendation.none"))
            self.products.addWidget(none)
        illustrative = any(bool(pick(c, "illustrative", False)) for c in choices)
        self.illustrative.setVisible(illustrative)
        self.illustrative.setText(self.tr("recommendation.illustrative"))
        reasons = [r for r in (pick(decision, "reasons") or ()) if hasattr(r, "text")]
        clear_layout(self.why_layout)
        for reason in reasons:
            line = self.label("body")
            line.setText("• " + reason.text(self.lang))
            self.why_layout.addWidget(line)
        self.why_title.setText(self.tr("recommendation.why"))
        self.why_title.setVisible(bool(reasons))
        self.why_card.setVisible(bool(reasons))
        self.next_button.setText(self.tr("recommendation.next"))
        self.next_button.setEnabled(bool(choices))
        self.refresh_footer()
