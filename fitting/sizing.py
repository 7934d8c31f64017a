"""Choosing a standard size, the RAL way, one leg at a time.

1. The ankle girth cB chooses the size (the ankle is where the pressure is highest).
2. The calf girth cC must fall in that size's calf range, and the knee-high length lD in
   one of its lengths. We never move up a size to make the calf fit: a stocking too big
   at the ankle loses its graduated pressure, and one too small for the calf moves the
   peak pressure up the leg. A mismatch is a made-to-measure referral.
3. A leg outside every size is made-to-measure.
4. A camera measurement carries a standard deviation, and so does a fitter's tape (at the
   ankle two fitters agree within 6 mm only ~62 % of the time: one reading has an sd of
   4-5 mm). A size fits a leg whose true girths lie within its ranges widened by what a
   fitter accepts (``FIT_TOLERANCE_MM``: 3 mm at the ankle, 5 at the calf, 20 mm of
   length). The camera decides alone when the size its figures choose fits with enough
   confidence: the chance that the true leg is too big for it (a stocking too tight, or a
   leg too short for its length, the harmful directions) is at most ``HARMFUL_RISK_MAX``
   (10 %) for each figure, and the chance that it is too small for it (too loose, too
   short) at most ``LOOSE_RISK_MAX`` (20 %). Where the figures' +/- 1 sd intervals cannot
   change the answer (tested at every corner and on both sides of every boundary inside
   them), the size is decided without computing a risk. Where the size its figures choose
   misses the risks but the neighbouring size its +/- 1 sd reaches meets them (the
   figures lie at that size's edge, within the knit's give), that size is the answer: of
   two that meet them, the one less likely too tight or too long. Otherwise the answer is
   not known well enough: a staff member measures with a tape and settles it, except:
5. Where the figures put a leg outside every standard size (or its calf outside the
   ankle's size) and no size meets 4, the leg is made-to-measure without a staff check
   when every figure whose +/- 1 sd changes the answer is at least as certain as a
   fitter's tape there (``TAPE_SD_MM``): a staff re-measure would not decide it better,
   a made-to-measure fitting measures the leg by tape anyway, and no stocking is sold on
   the camera's figures. A less certain figure goes to staff.
6. Two legs whose camera figures choose different sizes take one of the two when it
   meets 4 for both legs: a pair is sold in one size, and two ankles either side of a
   boundary by their noise are one size read twice. Where no one size does, or the
   figures are a tape's, the legs in different sizes go to staff.

Every result carries its why: a message of the domain's catalogue (``fitting/locale``)
with the figures in it, read in plain words and centimetres in the shopper's language. A
pair of legs lists the right leg first, the one order of legs a shopper meets everywhere
(on the review screen the right leg stands on the left, as the camera sees the shopper).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from statistics import NormalDist

from fitting.catalogue import Product, Size
from fitting.i18n import FITTING, Cm, Listing, Message, Value, msg
from fitting.measurement import Leg, LegMeasurement, Measurement
from fitting.outcome import Outcome, Reason

_JUST_BELOW_MM = 1e-6
"""A value this far under a boundary lies in the range below it ([low, high) ranges)."""

FIT_TOLERANCE_MM = {"ankle": 3.0, "calf": 5.0, "length": 20.0}
"""How far outside a size's range a true figure may lie and the stocking still fit: the
knit's give at the ankle and calf, less than one tape reading's own spread there (sd
4-5 mm at the ankle); and a finger's width of where a knee-high's top band sits below
the knee."""
HARMFUL_RISK_MAX = 0.10
"""The largest chance, per figure, that the chosen size is too tight or too long (the true
figure beyond the widened range on that side) for the camera to decide alone: the value
stands 1.28 sd inside the widened range. A fitter's one tape reading (sd 4.5 mm at the
ankle) gives an ankle 6 mm past a boundary, 3 mm beyond the tolerance, the size below
about one time in ten: the camera decides alone only where its own chance of a fit that
tight is no higher. Chosen on generated scenes of seeds 900000-900049 (2.5, 5, 10, 16 and
25 % tried: wrong fits stayed at 0 while the share decided rose from 38 % to 60 %), so
that wrong fits stay well under 3 % of shoppers."""
LOOSE_RISK_MAX = 0.20
"""The same for too loose or too short, which costs comfort and effect, not harm."""


def _one_reading_sd(within_mm: float, share: float) -> float:
    """The sd of one tape reading when two fitters' readings agree within ``within_mm`` a
    ``share`` of the time (their difference has sqrt(2) times the sd of one)."""
    return within_mm / NormalDist().inv_cdf((1.0 + share) / 2.0) / math.sqrt(2.0)


TAPE_SD_MM = {"ankle": _one_reading_sd(6.0, 0.635), "calf": _one_reading_sd(6.0, 0.81)}
"""One fitter's tape reading: two observers agree within 6 mm 62-65 % of the time at the
ankle and 81 % at the calf (Tunc et al., Angiology 2007): 4.7 and 3.2 mm. A camera figure
at least this certain is not improved by a staff re-measure. No such figure is known for
the knee-high length, so a length near a boundary always goes to staff."""


class FitStatus(StrEnum):
    FITS = "fits"
    STAFF_CHECK = "staff_check"
    MADE_TO_MEASURE = "made_to_measure"

    @property
    def outcome(self) -> Outcome:
        return {FitStatus.FITS: Outcome.RECOMMEND,
                FitStatus.STAFF_CHECK: Outcome.STAFF_CHECK,
                FitStatus.MADE_TO_MEASURE: Outcome.MADE_TO_MEASURE}[self]


@dataclass(frozen=True)
class LegSizing:
    """One leg against one product: the size and length, or why there is none.

    ``candidates`` lists the (size, length) pairs a tape measurement decides between when
    the status is a staff check; for a clean fit it holds the one answer.
    """

    leg: Leg | None
    product_id: str
    status: FitStatus
    size: str | None
    length: str | None
    candidates: tuple[tuple[str, str | None], ...]
    reasons: tuple[Reason, ...]
    uncertain: tuple[str, ...] = ()
    """Which measurements ("ankle", "calf", "length") straddle a boundary on their own."""

    @property
    def outcome(self) -> Outcome:
        return self.status.outcome


@dataclass(frozen=True)
class ProductSizing:
    """Both legs against one product; the pair is as good as its worse leg."""

    product: Product
    left: LegSizing
    right: LegSizing
    reasons: tuple[Reason, ...]
    status: FitStatus

    @property
    def outcome(self) -> Outcome:
        return self.status.outcome


# --- the procedure at one exact point -------------------------------------------------

@dataclass(frozen=True)
class _Point:
    status: FitStatus
    size: str | None
    length: str | None
    reason: Reason

    @property
    def key(self) -> tuple[FitStatus, str | None, str | None]:
        return (self.status, self.size, self.length)


def _leg_name(leg: Leg | None) -> Message:
    """"Right leg" or "Left leg" (or "Leg" when sizing one leg on its own)."""
    return msg(f"leg.{leg.value}") if leg is not None else msg("leg.any")


def length_name(name: str) -> Message | str:
    """A catalogue length ("short", "one length") in words: its message where the domain's
    catalogue has one, else the catalogue's own name."""
    key = "length." + name.lower().replace("-", "_").replace(" ", "_")
    return msg(key) if key in FITTING.table("en") else name


def size_words(size: str, length: str | None = None) -> Message:
    """A size and length as a shopper reads them: "size M, short" / "Größe M, Länge kurz"."""
    if length is None:
        return msg("size.name", size=size)
    return msg("size.with_length", size=size, length=length_name(length))


def _size_for_ankle(product: Product, ankle_mm: float) -> Size | None:
    for size in product.sizes:
        if size.fits_ankle(ankle_mm):
            return size
    return None


def _ankle_outside(product: Product, ankle_mm: float, leg: Leg | None) -> _Point:
    first, last = product.sizes[0], product.sizes[-1]
    values: dict[str, Value] = {"leg": _leg_name(leg), "ankle": Cm(ankle_mm)}
    if ankle_mm < first.ankle_mm[0]:
        code = "ankle_below_sizes"
        values.update(size=size_words(first.size), limit=Cm(first.ankle_mm[0]))
    elif ankle_mm >= last.ankle_mm[1]:
        code = "ankle_above_sizes"
        values.update(size=size_words(last.size), limit=Cm(last.ankle_mm[1]))
    else:
        code = "ankle_between_sizes"
    return _Point(FitStatus.MADE_TO_MEASURE, None, None,
                  Reason(code, msg(f"sizing.{code}", **values), Outcome.MADE_TO_MEASURE))


def _evaluate(product: Product, ankle_mm: float, calf_mm: float,
              length_mm: float | None, leg: Leg | None) -> _Point:
    """The RAL procedure for exact values (no uncertainty)."""
    size = _size_for_ankle(product, ankle_mm)
    if size is None:
        return _ankle_outside(product, ankle_mm, leg)
    s = size.size
    figures: dict[str, Value] = {"leg": _leg_name(leg), "ankle": Cm(ankle_mm),
                                 "calf": Cm(calf_mm), "size": size_words(s)}
    if not size.fits_calf(calf_mm):
        code = "calf_above_size" if calf_mm >= size.calf_mm[1] else "calf_below_size"
        return _Point(FitStatus.MADE_TO_MEASURE, s, None,
                      Reason(code, msg(f"sizing.{code}", **figures), Outcome.MADE_TO_MEASURE))
    if product.style == "thigh-high":
        return _Point(FitStatus.STAFF_CHECK, s, None, Reason(
            "thigh_needs_tape", msg("sizing.thigh_needs_tape", **figures), Outcome.STAFF_CHECK))
    if length_mm is None:
        return _Point(FitStatus.STAFF_CHECK, s, None, Reason(
            "length_not_measured", msg("sizing.length_not_measured", **figures),
            Outcome.STAFF_CHECK))
    lengths = [v for v in size.lengths if v.fits_knee_high_length(length_mm)]
    if not lengths:
        ranges = [v.knee_high_length_mm for v in size.lengths if v.knee_high_length_mm]
        short = bool(ranges) and length_mm < min(r[0] for r in ranges)
        code = "length_below_sizes" if short else "length_above_sizes"
        return _Point(FitStatus.MADE_TO_MEASURE, s, None, Reason(
            code, msg(f"sizing.{code}", leg=_leg_name(leg), length=Cm(length_mm),
                      size=size_words(s)),
            Outcome.MADE_TO_MEASURE))
    length = lengths[0]
    return _Point(FitStatus.FITS, s, length.name, Reason(
        "standard_size",
        msg("sizing.standard_size", **{**figures, "length": Cm(length_mm),
                                       "size": size_words(s, length.name)}),
        Outcome.RECOMMEND))


# --- uncertainty: does the answer change inside value +/- 1 sd? ------------------------

def _samples(value: float, sd_mm: float | None, boundaries: Sequence[float]) -> list[float]:
    """Every value in [v - sd, v + sd] that can give a different answer, plus v itself."""
    if not sd_mm or sd_mm <= 0:
        return [value]
    low, high = value - sd_mm, value + sd_mm
    out = {value, low, high}
    for b in boundaries:
        if low < b <= high:
            out.add(b)
            out.add(max(low, b - _JUST_BELOW_MM))
    return sorted(out)


def _ankle_boundaries(product: Product) -> list[float]:
    return sorted({v for s in product.sizes for v in s.ankle_mm})


def _calf_boundaries(product: Product) -> list[float]:
    return sorted({v for s in product.sizes for v in s.calf_mm})


def _length_boundaries(product: Product) -> list[float]:
    return sorted({v for s in product.sizes for ln in s.lengths
                   for v in (ln.knee_high_length_mm or ())})


def size_leg(product: Product, leg: LegMeasurement, which: Leg | None = None) -> LegSizing:
    """Size one leg for one product (the RAL procedure, with its uncertainty)."""
    point = _evaluate(product, leg.ankle_mm, leg.calf_mm, leg.knee_high_length_mm, which)
    ankles = _samples(leg.ankle_mm, leg.ankle_sd_mm, _ankle_boundaries(product))
    calves = _samples(leg.calf_mm, leg.calf_sd_mm, _calf_boundaries(product))
    lengths: list[float | None] = [None]
    if leg.knee_high_length_mm is not None:
        lengths = list(_samples(leg.knee_high_length_mm, leg.knee_high_length_sd_mm,
                                _length_boundaries(product)))
    results = [_evaluate(product, a, c, ln, which)
               for a, c, ln in itertools.product(ankles, calves, lengths)]
    keys = {r.key for r in results}
    if len(keys) == 1 or all(r.status is FitStatus.MADE_TO_MEASURE for r in results) or (
            point.status is FitStatus.FITS and fit_risk_acceptable(product, point, leg)):
        candidates = ((point.size, point.length),) if point.size else ()
        if point.status is FitStatus.STAFF_CHECK:
            candidates = ((point.size, None),) if point.size else ()
        return LegSizing(which, product.id, point.status, point.size, point.length,
                         candidates, (point.reason,))
    edge = _size_at_edge(product, leg, which, results)
    if edge is not None:
        return edge
    unsure = _unsure_figures(product, leg, which, ankles, calves, lengths)
    if point.status is FitStatus.MADE_TO_MEASURE and all(
            (_sd_of(leg, name) or 0.0) <= TAPE_SD_MM.get(name, 0.0) for name in unsure):
        return LegSizing(which, product.id, point.status, point.size, point.length, (),
                         (point.reason,))
    return _straddle(product, leg, which, point, results, unsure)


def _normal_tail(z: float) -> float:
    """P(X > z) for a standard normal X."""
    return 0.5 * math.erfc(z / math.sqrt(2.0))


def fit_risks(product: Product, size_name: str, length_name: str | None,
              leg: LegMeasurement) -> dict[str, tuple[float, float]]:
    """Per figure ("ankle", "calf", "length"): the chances (harmful, loose) that the true
    figure lies beyond the size's range widened by ``FIT_TOLERANCE_MM``, for a normal
    error of the measurement's sd. Harmful: a girth above the range (too tight) or a
    length below it (too long). A figure without an sd carries no risk."""
    size = next(s for s in product.sizes if s.size == size_name)
    variant = next((v for v in size.lengths if v.name == length_name), None)
    figures = (("ankle", leg.ankle_mm, leg.ankle_sd_mm, size.ankle_mm, False),
               ("calf", leg.calf_mm, leg.calf_sd_mm, size.calf_mm, False),
               ("length", leg.knee_high_length_mm, leg.knee_high_length_sd_mm,
                variant.knee_high_length_mm if variant else None, True))
    out = {}
    for name, value, sd, rng, low_harms in figures:
        if value is None or not sd or rng is None:
            out[name] = (0.0, 0.0)
            continue
        tol = FIT_TOLERANCE_MM[name]
        below = _normal_tail((value - (rng[0] - tol)) / sd)
        above = _normal_tail(((rng[1] + tol) - value) / sd)
        out[name] = (below, above) if low_harms else (above, below)
    return out


def _risk_score(product: Product, size: str, length: str | None,
                legs: Sequence[LegMeasurement]) -> tuple[float, float] | None:
    """(largest harmful risk, largest loose risk) of one size for ``legs``; None where a
    figure of a leg is beyond what the camera may decide alone."""
    risks = [r for leg in legs for r in fit_risks(product, size, length, leg).values()]
    if any(harm > HARMFUL_RISK_MAX or loose > LOOSE_RISK_MAX for harm, loose in risks):
        return None
    return max(h for h, _ in risks), max(lo for _, lo in risks)


def fit_risk_acceptable(product: Product, point: _Point, leg: LegMeasurement) -> bool:
    """Whether the size ``point`` chose fits ``leg`` well enough to decide without staff."""
    if point.size is None:
        return False
    return _risk_score(product, point.size, point.length, (leg,)) is not None


def _size_at_edge(product: Product, leg: LegMeasurement, which: Leg | None,
                  results: list[_Point]) -> LegSizing | None:
    """The size within the figures' +/- 1 sd that fits ``leg`` within the rule's risks
    although its figures lie at (or just past) its edge; of two, the one less likely too
    tight or too long. None: no such size."""
    scored = [(score, size, length) for size, length in sorted(
                  {(r.size, r.length) for r in results
                   if r.status is FitStatus.FITS and r.size is not None},
                  key=lambda c: _candidate_order(product, c))
              if (score := _risk_score(product, size, length, (leg,))) is not None]
    if not scored:
        return None
    _, size, length = min(scored, key=lambda s: s[0])
    reason = Reason("size_at_edge", msg(
        "sizing.size_at_edge", leg=_leg_name(which), ankle=Cm(leg.ankle_mm),
        calf=Cm(leg.calf_mm), length=Cm(leg.knee_high_length_mm or 0.0),
        size=size_words(size, length)), Outcome.RECOMMEND)
    return LegSizing(which, product.id, FitStatus.FITS, size, length, ((size, length),),
                     (reason,))


def _sd_of(leg: LegMeasurement, name: str) -> float | None:
    return {"ankle": leg.ankle_sd_mm, "calf": leg.calf_sd_mm,
            "length": leg.knee_high_length_sd_mm}[name]


def _unsure_figures(product: Product, leg: LegMeasurement, which: Leg | None,
                    ankles: list[float], calves: list[float],
                    lengths: list[float | None]) -> tuple[str, ...]:
    """The figures ("ankle", "calf", "length") whose +/- 1 sd alone changes the answer."""
    ankle, calf, length = leg.ankle_mm, leg.calf_mm, leg.knee_high_length_mm
    varied = {
        "ankle": {_evaluate(product, a, calf, length, which).key for a in ankles},
        "calf": {_evaluate(product, ankle, c, length, which).key for c in calves},
        "length": {_evaluate(product, ankle, calf, ln, which).key for ln in lengths}}
    return tuple(name for name, keys in varied.items() if len(keys) > 1)


def _straddle(product: Product, leg: LegMeasurement, which: Leg | None, point: _Point,
              results: list[_Point], unsure: tuple[str, ...]) -> LegSizing:
    """The answer changes within the measurement's uncertainty: staff settle it by tape."""
    values_mm = {"ankle": leg.ankle_mm, "calf": leg.calf_mm,
                 "length": leg.knee_high_length_mm or 0.0}
    measured = [msg("figure.measured", figure=msg(f"figure.{name}"), value=Cm(values_mm[name]))
                for name in unsure]
    candidates = tuple(sorted({(r.size, r.length) for r in results
                               if r.size and r.status is not FitStatus.MADE_TO_MEASURE},
                              key=lambda c: _candidate_order(product, c)))
    words: list[Value] = [size_words(size, length) for size, length in candidates if size]
    if any(r.status is FitStatus.MADE_TO_MEASURE for r in results):
        words.append(msg("size.made_to_measure"))
    values: dict[str, Value] = {"leg": _leg_name(which),
                                "candidates": Listing(tuple(words), "or")}
    if not measured:
        message = msg("sizing.boundary.together", **values)
    elif len(measured) == 1:
        message = msg("sizing.boundary.one", figures=measured[0], **values)
    else:
        message = msg("sizing.boundary.many", figures=Listing(tuple(measured)), **values)
    reason = Reason("size_boundary_uncertain", message, Outcome.STAFF_CHECK)
    return LegSizing(which, product.id, FitStatus.STAFF_CHECK, point.size, point.length,
                     candidates, (reason,), unsure)


def _candidate_order(product: Product, candidate: tuple[str | None, str | None]
                     ) -> tuple[int, int]:
    """Small to large, short to long, as the chart lists them."""
    for i, size in enumerate(product.sizes):
        if size.size == candidate[0]:
            names = [ln.name for ln in size.lengths]
            return i, names.index(candidate[1]) if candidate[1] in names else -1
    return len(product.sizes), -1


def _one_size_for_both(product: Product, measurement: Measurement, left: LegSizing,
                       right: LegSizing) -> tuple[LegSizing, LegSizing] | None:
    """Both legs in one of the two sizes their figures chose, where that size fits each
    leg within the rule's risks (``fit_risk_acceptable``): two legs whose figures straddle
    a boundary by their noise are one size, as a pair is sold. Of two such sizes, the one
    less likely to be too tight or too long. None: no one size fits both, or a figure has
    no sd (a tape's legs differ: staff see why)."""
    legs = (measurement.left, measurement.right)
    if not all(sd and sd > 0 for m in legs for sd in (m.ankle_sd_mm, m.calf_sd_mm,
                                                       m.knee_high_length_sd_mm)):
        return None
    best: tuple[tuple[float, float], str, str | None] | None = None
    for size, length in ((right.size, right.length), (left.size, left.length)):
        assert size is not None
        score = _risk_score(product, size, length, legs)
        if score is not None and (best is None or score < best[0]):
            best = (score, size, length)
    if best is None:
        return None
    _, size, length = best

    def shared(own: LegSizing, figures: LegMeasurement) -> LegSizing:
        if (own.size, own.length) == (size, length):
            return own
        reason = Reason("one_size_for_both", msg(
            "sizing.one_size_for_both", leg=_leg_name(own.leg), ankle=Cm(figures.ankle_mm),
            calf=Cm(figures.calf_mm), length=Cm(figures.knee_high_length_mm or 0.0),
            size=size_words(size, length)), Outcome.RECOMMEND)
        return LegSizing(own.leg, own.product_id, FitStatus.FITS, size, length,
                         ((size, length),), (reason,))

    return shared(left, measurement.left), shared(right, measurement.right)


def size_legs(product: Product, measurement: Measurement) -> ProductSizing:
    """Size each leg on its own; two legs whose sizes differ take one size when it fits
    both (``_one_size_for_both``), else they are flagged for staff. The reasons list the
    right leg first (the shopper's one order of legs)."""
    left = size_leg(product, measurement.left, Leg.LEFT)
    right = size_leg(product, measurement.right, Leg.RIGHT)
    if (left.status is FitStatus.FITS and right.status is FitStatus.FITS
            and (left.size, left.length) != (right.size, right.length)):
        both = _one_size_for_both(product, measurement, left, right)
        if both is not None:
            left, right = both
    reasons = [*right.reasons, *left.reasons]
    worst = max((left.status, right.status), key=lambda s: -s.outcome.severity)
    if (left.status is FitStatus.FITS and right.status is FitStatus.FITS
            and (left.size, left.length) != (right.size, right.length)):
        assert left.size is not None and right.size is not None
        worst = FitStatus.STAFF_CHECK
        reasons.append(Reason(
            "legs_differ",
            msg("sizing.legs_differ", right=size_words(right.size, right.length),
                left=size_words(left.size, left.length)),
            Outcome.STAFF_CHECK))
    return ProductSizing(product, left, right, tuple(reasons), worst)
