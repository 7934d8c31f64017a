"""Is a measurement a person's legs? The checks between reading the legs and reporting them.

- ``outside_human_range``: a girth no adult has (ANSUR II and Heinz et al., with a margin)
  is a misread, never a measurement: the measurer refuses it with the figure named.
- ``calf_to_ankle_refusal``: a calf no bare leg has for its ankle is a garment or a
  misread, refused; unless one calf alone is that full and both views show it.
- ``unsupported_difference``: a left/right difference at cB or cC that the two views do
  not both show. A leg really larger than the other is larger seen from the front and
  from the side; a difference that only one view shows (an outline lost on one leg, a
  shadow taken for an edge) is a misread of one leg or the other. Its sd is widened to
  take in both readings, so the sizing engine and the clot rules treat the difference as
  unsure (a staff tape check) rather than as a swelling or a size.
- ``flagged_differences``: the sites whose difference rests on such a reading, or on any
  reading flagged as a possible misread; the clot rules refer on them only when the
  difference reaches its threshold even at the low end of its sd.
- ``pool_lengths``: one knee-high length for two legs read alike: one person's two knee
  points stand at one height, and the camera's two readings of it differ by its noise.
- ``calf_difference_sd_mm``: the sd of the calves' left/right difference. Part of each
  calf's sd is the section model's (``SHAPE_MODEL_SD_REL``), and one person's two calves
  share their section's shape, so that part errs alike for both and cancels in their
  difference.
- ``pool_ankles``: two ankles read alike are read together. Each ankle's camera error is
  its own (their correlation was 0.05 over 47 scenes of seeds 900000-900049, the calf's
  0.75), while one person's two ankles differ little, so each leg's cB takes in the
  other's reading as a second, looser one of its own.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import replace

from fitting.measurement import Leg, Site
from vision.aggregate import LegGirths, SitePoint
from vision.girth import SHAPE_MODEL_SD_REL

# Adult girths seen in ANSUR II (6,068 US Army adults, 2012: ankle 156-293 mm, calf
# 266-523 mm) and Heinz et al. 2003 (507 active adults: ankle 164-293, calf 284-477),
# widened by 15 % each way for people neither lean survey saw (a heavy shopper's ankle
# can pass 310 mm: one scene's truth is 316).
HUMAN_RANGE_MM = {"ankle": (133.0, 337.0), "calf": (226.0, 601.0)}
# A bare lower leg's calf girth is 1.40-2.15 times its ankle girth (ANSUR II, 6068 adults,
# calfcircumference / anklecircumference), and a fuller, swollen calf over a slim ankle
# goes past that (2.38 and 2.44 in one scene of seeds 900000-900049; 2.15 was refused
# there, a possible clot sent away unmeasured). A reading beyond this range is no bare
# leg measured right: a trouser leg or skirt of the skin's colour over the calf (which the
# colour check cannot see), a sock over the ankle, or an ankle misread. It is refused,
# unless it is one leg's calf, fuller than the other's in both views: a one-sided swelling
# (a possible clot, for the clot rules), not a garment.
CALF_TO_ANKLE_RANGE = (1.33, 2.5)
# A left/right difference counts when it exceeds both this (mm: within it, legs of one
# person and the readings' noise) and twice the two readings' combined sd.
DIFFERENCE_FLOOR_MM = {"ankle": 8.0, "calf": 12.0}
# The views agree on a difference when the width ratio and the depth ratio of the two
# legs point the same way and the smaller is at least this share of the larger (as log
# ratios). A swollen leg is fuller all round; a misread shows in one view only.
VIEWS_AGREE_SHARE = 0.33
# How much one healthy adult's two ankle girths differ (1 sd, mm): an assumption kept
# wider than the scenes' (their ankles differ by under 1 mm but for a fuller leg) so that
# a real difference is not pooled away. Ankles further apart than 2 sd of their readings'
# difference and this are not pooled at all.
ANKLE_PAIR_SD_MM = 4.0
# How alike the section model's error is for one person's two calves (the correlation of
# that part of their sds). Their whole errors correlate 0.73 on seeds 900000-900049, and
# the section model's part is most of a plainly read calf's sd (3.9 of 4.4 mm). Taken as
# independent, 98 % of the calf differences' errors fell within 1 sd there (96 % on the
# development scenes; median sd 6.2 mm). At 0.7, 88 % and 83 % fall within 1 sd and all
# within 2. 0.8 (80 % and 71 %) would match a normal better, but a swollen calf's section
# need not be its healthy twin's, and the clot rule stands on this sd. A widened sd (a
# reading flagged as a possible misread) adds a part of its own leg's only, left whole.
CALF_SHAPE_ERROR_CORRELATION = 0.7


def outside_human_range(leg: Leg, girths: LegGirths) -> str | None:
    """The refusal's sentence for a girth outside ``HUMAN_RANGE_MM``, else None."""
    for site, point, label in (("ankle", girths.ankle, "ankle (cB)"),
                               ("calf", girths.calf, "calf (cC)")):
        lo, hi = HUMAN_RANGE_MM[site]
        if not lo <= point.girth_mm <= hi:
            return (f"the {leg} {label} reads {point.girth_mm:.0f} mm, outside the "
                    f"{lo:.0f}-{hi:.0f} mm of adult legs: a misread, not a measurement")
    return None


def calf_to_ankle_refusal(girths: dict[Leg, LegGirths]
                          ) -> tuple[tuple[str, Leg] | None, list[str]]:
    """(The refusal's sentence and leg, or None; the reasons to flag) for legs whose calf
    and ankle no bare leg has (``CALF_TO_ANKLE_RANGE``). A one-sided swelling needs the
    fuller calf's depth seen from the side (not the prior's)."""
    lo, hi = CALF_TO_ANKLE_RANGE
    ratio = {leg: g.calf.girth_mm / g.ankle.girth_mm for leg, g in girths.items()}
    off = [leg for leg in Leg if not lo <= ratio[leg] <= hi]
    if not off:
        return None, []
    leg = off[0]
    other = leg.other
    fuller = girths[leg].calf.girth_mm - girths[other].calf.girth_mm
    if (len(off) == 1 and ratio[leg] > hi and _seen_side_on(girths[leg], "calf")
            and fuller > DIFFERENCE_FLOOR_MM["calf"]
            and views_agree(girths[leg].calf, girths[other].calf)):
        return None, [f"the {leg} calf reads {ratio[leg]:.2f} times its ankle, past a bare "
                      f"leg's {hi}, and fuller than the other in both views: a swelling"]
    return (f"calves covered or the ankle misread: the {leg} calf reads {ratio[leg]:.2f} "
            f"times the ankle, a bare leg {lo}-{hi} times", leg), []


def _point(g: LegGirths, site: str) -> SitePoint:
    return g.ankle if site == "ankle" else g.calf


def _seen_side_on(g: LegGirths, site: str) -> bool:
    """Whether the site's depth came from the side view (not the width prior, which always
    agrees with the width and errs alike for both legs)."""
    return not g.front_only and site not in g.depth_from_prior


def views_agree(left: SitePoint, right: SitePoint) -> bool:
    """Whether front width and side depth show the legs' difference alike."""
    if min(left.width_mm, right.width_mm, left.depth_mm, right.depth_mm) <= 0:
        return False
    w = math.log(left.width_mm / right.width_mm)
    d = math.log(left.depth_mm / right.depth_mm)
    if w * d <= 0:
        return False
    return min(abs(w), abs(d)) >= VIEWS_AGREE_SHARE * max(abs(w), abs(d))


def unsupported_difference(girths: dict[Leg, LegGirths]
                           ) -> tuple[dict[Leg, LegGirths], dict[str, str]]:
    """Widen both legs' sd at a site whose left/right difference the views do not share;
    returns the girths and, per site widened, the reason. Only where both legs' depths
    were seen side-on: a depth from the width prior can confirm nothing (its sd is
    already the prior's)."""
    out = dict(girths)
    reasons: dict[str, str] = {}
    for site in ("ankle", "calf"):
        left, right = _point(out[Leg.LEFT], site), _point(out[Leg.RIGHT], site)
        diff = left.girth_mm - right.girth_mm
        noise = 2.0 * math.hypot(left.sd_mm, right.sd_mm)
        if abs(diff) <= max(DIFFERENCE_FLOOR_MM[site], noise):
            continue
        if not all(_seen_side_on(g, site) for g in out.values()) or views_agree(left, right):
            continue
        for leg in Leg:
            p = _point(out[leg], site)
            widened = replace(p, sd_mm=math.hypot(p.sd_mm, abs(diff) / 2))
            notes = (*out[leg].notes,
                     f"{site}: the {abs(diff):.0f} mm left/right difference is not seen by "
                     f"both views: sd widened to {widened.sd_mm:.1f} mm")
            out[leg] = (replace(out[leg], ankle=widened, notes=notes) if site == "ankle"
                        else replace(out[leg], calf=widened, notes=notes))
        reasons[site] = (f"the {site}s differ by {abs(diff):.0f} mm in one view only: "
                         f"{site} sd widened")
    return out, reasons


def flagged_differences(girths: dict[Leg, LegGirths], one_view: Collection[str]
                        ) -> frozenset[Site]:
    """The sites whose left/right difference rests on a reading flagged as a possible
    misread: a difference one view only shows (``one_view``, from
    ``unsupported_difference``), or either leg's reading there from the front view alone,
    from a depth prior (the side outline unread or no section of a leg), read again above
    a break of the front outline (ankle) or across a break of the side outline (calf)."""
    flagged = set()
    for site in Site:
        breaks = [g.front_break_mm if site is Site.ANKLE else g.depth_break_mm
                  for g in girths.values()]
        if (site.value in one_view
                or any(g.front_only or site.value in g.depth_from_prior
                       for g in girths.values())
                or any(at is not None for at in breaks)):
            flagged.add(site)
    return frozenset(flagged)


def calf_difference_sd_mm(girths: dict[Leg, LegGirths]) -> float:
    """The sd of the left/right calf difference: both calves' sds less the section model's
    part they share (``CALF_SHAPE_ERROR_CORRELATION``)."""
    left, right = girths[Leg.LEFT].calf, girths[Leg.RIGHT].calf
    shared_left = min(left.sd_mm, SHAPE_MODEL_SD_REL["calf"] * left.girth_mm)
    shared_right = min(right.sd_mm, SHAPE_MODEL_SD_REL["calf"] * right.girth_mm)
    variance = (left.sd_mm ** 2 + right.sd_mm ** 2
                - 2.0 * CALF_SHAPE_ERROR_CORRELATION * shared_left * shared_right)
    return math.sqrt(max(variance, 0.0))


def pool_ankles(girths: dict[Leg, LegGirths]) -> tuple[dict[Leg, LegGirths], bool]:
    """Each leg's cB combined with the other leg's, read as a measurement of this ankle
    with ``ANKLE_PAIR_SD_MM`` more spread (inverse-variance weights), when the two agree
    and both were read in two views (a depth from the width prior errs alike for both
    legs: nothing to gain); returns the girths and whether they were pooled."""
    if not all(_seen_side_on(g, "ankle") for g in girths.values()):
        return girths, False
    left, right = girths[Leg.LEFT].ankle, girths[Leg.RIGHT].ankle
    apart = math.sqrt(left.sd_mm ** 2 + right.sd_mm ** 2 + ANKLE_PAIR_SD_MM ** 2)
    if abs(left.girth_mm - right.girth_mm) > 2.0 * apart or min(left.sd_mm, right.sd_mm) <= 0:
        return girths, False
    out = {}
    for leg, own, other in ((Leg.LEFT, left, right), (Leg.RIGHT, right, left)):
        w_own = 1.0 / own.sd_mm ** 2
        w_other = 1.0 / (other.sd_mm ** 2 + ANKLE_PAIR_SD_MM ** 2)
        girth = (w_own * own.girth_mm + w_other * other.girth_mm) / (w_own + w_other)
        sd = math.sqrt(1.0 / (w_own + w_other))
        note = (f"ankle read with the other leg's ({own.girth_mm:.1f} +/- {own.sd_mm:.1f} mm "
                f"alone, {other.girth_mm:.1f} the other): {girth:.1f} +/- {sd:.1f} mm")
        out[leg] = replace(girths[leg], ankle=replace(own, girth_mm=girth, sd_mm=sd),
                           notes=(*girths[leg].notes, note))
    return out, True


# Two knee-high lengths read this close are one length (mm). The two legs' readings
# differ by 3.9 mm sd (at most 18) on seeds 900000-900049, whose bodies' two knees stand
# within 1 mm; a leg length difference over 20 mm is a clinical finding, for staff.
LENGTH_PAIR_MAX_MM = 25.0


def pool_lengths(girths: dict[Leg, LegGirths]) -> tuple[dict[Leg, LegGirths], bool]:
    """Both legs' knee-high length set to the mean of the two readings when they differ by
    no more than ``LENGTH_PAIR_MAX_MM``: the pose model's two knee keypoints err together
    (their errors correlate 0.86) and the stature's knee is one for both legs, so the mean
    keeps the larger sd of the two; returns the girths and whether they were pooled.

    Without it a length near the chart's short/long line lands on either side for the two
    legs of one person, and the legs are sent to staff as "in different sizes"."""
    left, right = girths[Leg.LEFT], girths[Leg.RIGHT]
    apart = abs(left.knee_high_length_mm - right.knee_high_length_mm)
    if apart > LENGTH_PAIR_MAX_MM:
        return girths, False
    length = 0.5 * (left.knee_high_length_mm + right.knee_high_length_mm)
    sd = max(left.knee_high_length_sd_mm, right.knee_high_length_sd_mm)
    out = {}
    for leg, own in ((Leg.LEFT, left), (Leg.RIGHT, right)):
        note = (f"knee-high length read with the other leg's ({own.knee_high_length_mm:.0f} "
                f"mm alone): {length:.0f} +/- {sd:.0f} mm")
        out[leg] = replace(own, knee_high_length_mm=length, knee_high_length_sd_mm=sd,
                           notes=(*own.notes, note))
    return out, True
