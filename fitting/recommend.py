"""The decision: screening, the clot rule, the compression route, the product and size.

``decide`` puts everything together. The order of the rules is the order of harm:

1. The screener's red flags (an emergency, a possible clot, arteries, nerves, skin).
2. Wells: one calf 30 mm or more larger than the other is referred to a doctor today,
   whatever the answers (a one-sided swollen calf can be a clot). When the difference
   could reach that within 2 sd of the measurement, staff measure both calves by tape.
3. The compression route: self-service never above 20 mmHg; a stronger class only
   against a prescription that staff have confirmed; an unconfirmed one goes to the
   pharmacist.
4. Purpose and style choose the product line; the RAL procedure chooses the size of
   each leg.

The most severe outcome wins. Nothing is offered at ``see_doctor`` or worse, nor at
``made_to_measure`` (no standard size fits), nor above 20 mmHg without confirmation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fitting.catalogue import STYLES, Catalogue, Product
from fitting.donning import DONNING_STEPS, DonningStep
from fitting.errors import InputInvalid
from fitting.i18n import Listing, Mmhg, msg
from fitting.measurement import Leg, Measurement
from fitting.outcome import Outcome, Purpose, Reason, check_language, most_severe
from fitting.screener import SELF_SERVICE_MAX_MMHG, Answers, screen
from fitting.sizing import FitStatus, LegSizing, ProductSizing, size_legs
from fitting.swelling import POSSIBLE_CLOT_REASONS, swelling_reason

PURPOSE_STYLES: dict[Purpose, tuple[str, ...]] = {
    # Socks for the plane or the pitch; a knee-high for daily wear; thigh-highs only on
    # request, because the camera cannot measure the thigh.
    Purpose.TRAVEL: ("sock", "knee-high"),
    Purpose.SPORT: ("sock", "knee-high"),
    Purpose.EVERYDAY: ("knee-high",),
    Purpose.MEDICAL: ("knee-high",),
}

PURPOSE_CLASS_MMHG: dict[Purpose, tuple[int, int]] = {
    # Without a prescription every purpose is steered to class I (15-20 mmHg), the
    # strongest the kiosk may offer alone and the class NHS guidance names for travel.
    Purpose.TRAVEL: (15, 20),
    Purpose.SPORT: (15, 20),
    Purpose.EVERYDAY: (15, 20),
    Purpose.MEDICAL: (15, 20),
}

@dataclass(frozen=True)
class ProductChoice:
    """One product, size and length for one or both legs."""

    product_id: str
    product_name: str
    brand: str
    size: str
    length: str | None
    class_mmhg: tuple[int, int]
    class_label: str
    legs: tuple[Leg, ...]
    illustrative: bool
    requires_prescription: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"product_id": self.product_id, "product_name": self.product_name,
                "brand": self.brand, "size": self.size, "length": self.length,
                "class_mmhg": list(self.class_mmhg), "class_label": self.class_label,
                "legs": [leg.value for leg in self.legs], "illustrative": self.illustrative,
                "requires_prescription": self.requires_prescription}


@dataclass(frozen=True)
class Decision:
    """The kiosk's answer: an outcome, its reasons, what to buy and how to wear it.

    At a staff check ``recommendations`` lists the candidates staff choose between (one
    per possible size); at a referral or made-to-measure it is empty.
    """

    outcome: Outcome
    reasons: tuple[Reason, ...]
    recommendations: tuple[ProductChoice, ...]
    donning: tuple[DonningStep, ...]
    sizing: ProductSizing | None = None

    @property
    def possible_clot(self) -> bool:
        """A one-sided swelling the measurement shows, or may show: the screens and the
        slip say "possible clot", never a size question."""
        return any(r.code in POSSIBLE_CLOT_REASONS for r in self.reasons)

    @property
    def max_offered_mmhg(self) -> int:
        return max((c.class_mmhg[1] for c in self.recommendations), default=0)

    def to_dict(self, lang: str = "en") -> dict[str, Any]:
        """The JSON of ``legfit recommend --json``."""
        check_language(lang)
        return {"outcome": self.outcome.value,
                "reasons": [r.to_dict(lang) for r in self.reasons],
                "recommendations": [c.to_dict() for c in self.recommendations],
                "donning": [s.to_dict(lang) for s in self.donning]}


def _sorted_reasons(reasons: list[Reason]) -> tuple[Reason, ...]:
    """Outcome-driving reasons first (most severe first), notes after, order kept."""
    return tuple(sorted(reasons, key=lambda r: r.action.severity if r.action
                        else len(Outcome)))


def eligible_products(answers: Answers, catalogue: Catalogue,
                      style: str | None = None) -> tuple[tuple[Product, ...], list[Reason]]:
    """The product lines this shopper may be offered, best first, and the route's reasons.

    Self-service: no prescription needed and at most 20 mmHg. A staff-confirmed
    prescription opens exactly the prescribed class. An unconfirmed prescription above
    20 mmHg opens nothing (the screener already sends it to the pharmacist).
    """
    if style is not None and style not in STYLES:
        raise InputInvalid(f"style must be one of {', '.join(STYLES)}, not {style!r}")
    reasons: list[Reason] = []
    rx = answers.prescription_mmhg
    confirmed = answers.confirmed_prescription_mmhg
    if confirmed is not None:
        wanted = confirmed
        pool = [p for p in catalogue.products if p.class_mmhg == confirmed]
        reasons.append(Reason("prescription_confirmed",
                              msg("recommend.prescription_confirmed",
                                  pressure=Mmhg(wanted[0], wanted[1]))))
    elif rx is not None and rx[1] > SELF_SERVICE_MAX_MMHG:
        return (), reasons
    else:
        wanted = rx or PURPOSE_CLASS_MMHG[answers.purpose]
        pool = [p for p in catalogue.products if p.self_service and p.class_mmhg == wanted]
        reasons.append(Reason(f"purpose_{answers.purpose.value}",
                              msg(f"recommend.purpose.{answers.purpose.value}",
                                  pressure=Mmhg(wanted[0], wanted[1]))))
    styles = (style,) if style else PURPOSE_STYLES[answers.purpose]
    ranked = [p for s in styles for p in pool
              if p.style == s and (answers.purpose in p.purposes or confirmed is not None)]
    if not ranked:
        style_names = tuple(msg("style." + s.replace("-", "_")) for s in styles)
        reasons.append(Reason(
            "no_matching_product",
            msg("recommend.no_matching_product", styles=Listing(style_names, "or"),
                pressure=Mmhg(wanted[0], wanted[1])),
            Outcome.PHARMACIST))
    return tuple(ranked), reasons


def _choices(sizing: ProductSizing) -> tuple[ProductChoice, ...]:
    """Group the legs by (size, length): one choice for both legs when they agree. The
    right leg's choice comes first (the shopper's one order of legs); a choice's own
    ``legs`` are listed left, right."""
    product = sizing.product
    per_leg: dict[tuple[str, str | None], list[Leg]] = {}
    for leg_sizing in (sizing.right, sizing.left):
        for candidate in _leg_candidates(leg_sizing):
            per_leg.setdefault(candidate, []).append(leg_sizing.leg or Leg.LEFT)
    return tuple(
        ProductChoice(product.id, product.name, product.brand, size, length,
                      product.class_mmhg, product.compression.label,
                      tuple(sorted(legs, key=list(Leg).index)),
                      product.illustrative, product.requires_prescription)
        for (size, length), legs in per_leg.items())


def _leg_candidates(leg: LegSizing) -> tuple[tuple[str, str | None], ...]:
    if leg.status is FitStatus.FITS and leg.size:
        return ((leg.size, leg.length),)
    return tuple((s, ln) for s, ln in leg.candidates if s)


def decide(measurement: Measurement, answers: Answers, catalogue: Catalogue,
           style: str | None = None) -> Decision:
    """Screen, check the legs, choose the product and size; the most severe outcome wins."""
    if not answers.complete:
        raise InputInvalid(f"answers: question {answers.missing[0]!r} is not answered")
    screening = screen(answers)
    reasons: list[Reason] = [*screening.reasons, *screening.notes]
    swelling = swelling_reason(measurement)
    if swelling is not None:
        reasons.append(swelling)
    outcome = most_severe(r.action for r in reasons if r.action)
    if outcome.is_referral or swelling is not None:
        # A possible clot is never a size question, made-to-measure included: staff tape
        # both legs first (a sizing reason, more severe than their check, would hide it).
        return Decision(outcome, _sorted_reasons(reasons), (), ())

    products, route_reasons = eligible_products(answers, catalogue, style)
    reasons.extend(route_reasons)
    sizing: ProductSizing | None = None
    if products:
        sizings = [size_legs(p, measurement) for p in products]
        # The first product line in preference order with the mildest outcome.
        sizing = min(sizings, key=lambda s: -s.outcome.severity)
        reasons.extend(sizing.reasons)
    outcome = most_severe(r.action for r in reasons if r.action)
    choices: tuple[ProductChoice, ...] = ()
    if sizing is not None and outcome.offers_product and \
            sizing.status is not FitStatus.MADE_TO_MEASURE:
        choices = _choices(sizing)
    if answers.yes("hand_arthritis") and choices:
        reasons.append(Reason("donning_aid", msg("recommend.donning_aid")))
    donning = DONNING_STEPS if choices else ()
    return Decision(outcome, _sorted_reasons(reasons), choices, donning, sizing)
