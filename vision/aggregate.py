"""Many frames -> one robust profile per leg and view -> girths at the RAL points.

Per height bin the frames' widths are combined by their median, and their spread by the
median absolute deviation (robust to a frame whose edge caught a background line). The
two views meet at equal axial heights; the cross-section model (``vision.girth``) turns
each pair into a girth, and the RAL points are searched on that girth curve:

- cB: the smallest girth from the ankle landmark's height up to the calf maximum;
- cC: the largest girth from 60 mm above the ankle up to 40 mm below the knee point,
  taken on the calf's hump, not on the knee's flare rising into the window's top, and
  refused when it borders heights that could not be read;
- cD: 35 mm below the knee point; lD (knee-high length) is its height.

Every figure carries a 1-sigma uncertainty: frame-to-frame spread (sd of the median),
edge localisation, the axis' depth (which scales every width) and the shape model.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from vision.arrays import BoolArray, FloatArray, IntArray
from vision.girth import girth_mm, girth_sd_mm
from vision.profile import BIN_MM, EDGE_SD_PX, FILLED_EDGE_SD_PX, HEIGHTS_MM, LegViewProfile
from vision.stature import KneeEstimate, combined_knee

MIN_FRAMES_PER_BIN = 1
CALF_SEARCH_ABOVE_ANKLE_MM = 60.0
CALF_SEARCH_BELOW_KNEE_MM = 40.0
CD_BELOW_KNEE_MM = 35.0
# Knee point from the pose landmark: its 1-sigma error along the shank (mm). Measured, not
# assumed: over 142 legs (the 24 development scenes and seeds 900000-900049) the pose
# model's knee keypoint, raised by the offset below, lands 0 mm off the true knee point on
# average with an RMS of 20.9 mm (73 % within 21 mm, 95 % within 42). (With the 12 mm
# once assumed, only 42 % of the knee-high lengths fell within 1 sd: the sizing engine
# took lengths for surer than they are.) Neither the silhouette's waist below the knee
# (sd 20 mm) nor the hip landmark (a regression of both: sd 17 in-sample) nor the side
# view's knee keypoint (sd 28 mm, 32 mm high) places it much better; the shopper's
# stature does (``vision.stature``), and the two are weighed together.
KNEE_LANDMARK_SD_MM = 21.0
# Where the knee point (mid-patella, as a fitter marks it) stands above the pose model's
# knee keypoint (mm). Both are annotators' knees, the keypoint a little lower. Fitted on
# the 100 legs of the 'wide' scenes of seeds 900000-900049, where 8 mm (a compromise with
# the development scenes) left the knee-high lengths 6.6 mm long; 1.4 mm leaves the other
# wide sets within 2 mm (seeds 930000-930149: -1.3 mm, 950000-950079: +0.3, 940000-940049:
# +1.5). The development scenes' camera and bodies put the keypoint 14 mm lower still: the
# figure is the pose model's and does not follow the camera's height or tilt (their
# correlation with the lengths' errors is under 0.3 on every set). It was once 17.3 mm,
# the ANSUR II height of mid-patella above the joint line, which took the keypoint for the
# joint line. The lengths' 1-sigma error is KNEE_LANDMARK_SD_MM either way.
KNEE_POINT_ABOVE_LANDMARK_MM = 1.4
# Share of the height bins of a search window (cB, cC) that must carry a girth.
MIN_SEARCH_COVERAGE = 0.6
# Front-only fallback: depth/width ratio priors per site (mean, sd). Lower-leg sections
# are about as deep as wide at the calf and much deeper than wide just above the ankle:
# there the section is the slim tibia and fibula (the width) with the Achilles tendon
# standing well behind them (the depth). The ratios are read where a front-only
# measurement reads its sites: 1.47 at the ankle (the development scenes' side views at
# the true cB height, 23 legs; a round section there would make every front-only ankle
# ~40 mm too small; 1.39, read where two views put cB, left front-only ankles 8 mm small)
# and 1.04 at the calf (front-only cC with no mean error on seeds 900000-900049; exact
# silhouettes of 147 legs read 1.05 +/- 0.047 where two views put cC). The sds are those
# spreads: front-only girths fell within 2 sd for 98-99 % of those 96 legs. Measured
# shapes of the generated bodies, not fits of their girth errors; re-check them on real
# legs.
DEPTH_RATIO_PRIOR = {"ankle": (1.47, 0.12), "calf": (1.04, 0.05)}
# A calf section is about as deep as it is wide (the two calf bellies behind, the tibia in
# front): a side-view depth outside this share of the front width means the side
# silhouette lost or gained a side there (e.g. a shaded calf against a dark floor cut
# off by the mask), so at those heights the calf falls back on the prior above (flagged
# lower confidence when the calf is read there).
# The development scenes' side views read 0.95-1.15 where the silhouette is whole.
CALF_DEPTH_RATIO_RANGE = (0.85, 1.3)
# On the calf's hump (heights whose front width is at least ``CALF_HUMP_WIDTH_SHARE`` of
# the window's widest) depth and width change together: over ``DEPTH_BREAK_SPAN_MM`` of
# height a whole silhouette's depth/width changed by at most 0.088 (development scenes,
# exact silhouettes and landmarks, 48 legs), 0.105 through the pose model. A larger step
# is the side outline losing or gaining a side over part of the hump (a calf's back over
# a pale wall band read 0.15-0.18, and cC 14 mm small with its sd at 3.9): either side of
# the step may be the true one, so the calf's sd takes in both; unless the depth drops
# going up and the calf was read below the step (``_across_depth_break``).
CALF_HUMP_WIDTH_SHARE = 0.9
DEPTH_BREAK_SPAN_MM = 20.0
DEPTH_BREAK_RATIO_STEP = 0.12
# The calf belly is a hump on the girth curve: the girth rises from the ankle to it and
# falls again above it, to the waist below the knee, before the femoral and tibial
# condyles flare it out. The waist can lie below the cC window's top (40 mm below the
# knee point), the more so when the pose model's knee keypoint sits high (it is off by
# up to ~4 cm either way): then the flare rises into the window and its top bin holds
# the window's largest girth; that is no calf maximum. A waist between the two
# counts when the girth dips below the hump by at least this much (mm): several times
# the smoothed curve's bin-to-bin noise (~0.4 mm: 0.25 px edges at ~0.7 px/mm, median of
# ~4 rows per bin, 3-bin mean, two views, ~pi/2 mm of girth per mm of diameter), so a
# flat calf that runs into the window's top is not split on noise.
CALF_WAIST_MIN_DIP_MM = 2.0
# ... and the knee's flare rises at most this share above the calf's hump: the knee girth
# (over the patella) is 0.87-1.17 times the calf's in 507 adults (Heinz et al. body
# dimensions), and the window's top stands 40 mm below the knee point, lower on the
# flare. A steeper rise into the window's top is no knee: a trouser leg or another
# garment, which the calf/ankle check then refuses rather than measuring below it.
KNEE_FLARE_MAX_RISE = 0.17
# The calf's largest girth read beside a stretch of unmeasured heights that runs to the
# window's end and is at least this long (mm) is no maximum: the curve may go on rising
# where it could not be read, as over a calf hidden by a skin-coloured trouser leg down
# to mid-calf, and a calf read too small sizes the stocking too tight. ...
EXTREME_BESIDE_HOLE_MM = 20.0
# ... nor beside a gap read on both sides at least this long: the calf's belly is ~100 mm
# broad, so a shorter gap (rows where an edge was lost) cannot hide a girth much above
# both its sides. (The ankle's smallest girth beside a gap errs the other way, larger and
# looser, and that gap is usually the side view's scan starting above the window's
# bottom: it is kept.)
BRACKETED_HOLE_MM = 50.0
# Above the malleoli a leg narrows smoothly down to cB: its front width changes by at most
# 9 % over 10 mm there (50 wide-profile scenes through the pose model, both legs). A width
# that drops by more than ``FRONT_BREAK_REL_STEP`` over ``FRONT_BREAK_SPAN_MM`` going down
# is the outline losing the leg's edge (a dark ankle before a floor of its colour read 40
# mm wide, 52 above, and cB 16 mm small with its sd at 3), or bleeding out above it: a cB
# read below such a break is read a second way (``_ankle_across_break``), and the two
# readings' mean, with an sd that takes in both, is cB.
FRONT_BREAK_REL_STEP = 0.12
FRONT_BREAK_SPAN_MM = 10.0
# Such a break is looked for where an ankle's narrowest point can lie: up to this share of
# the shank (ankle landmark to knee point) above the ankle landmark. On the 100 legs of
# seeds 900000-900049 cB stood 0.13 of the shank above it (median), at most 0.23 (92 mm).
# Reading cB again above a break higher up reads the shin (ankles of 277-371 mm for
# true ones of 189-259, refused as no leg): there the ankle is read a second way.
FRONT_BREAK_SHANK_SHARE = 0.3
# A bare calf widens smoothly from the ankle to its belly, in both views: over
# ``HEM_SPAN_MM`` of height its front width and its side depth grew by at most 14 % on
# the fitting set (seeds 900000-900049, 99 legs through the pose model; 13.5 % at the
# 99th percentile), low on the calf where the belly rises from the tendon. Both views
# growing by more than ``HEM_STEP`` there, within ``HEM_ALIGN_MM`` of one height, is a
# garment's hem (a trouser leg of the skin's colour stepped out by 22 % and 25 %), or an
# outline lost on both: either way no calf to measure. An outline bleeding into a floor
# of its colour steps out in one view only.
HEM_SPAN_MM = 20.0
HEM_STEP = 0.18
HEM_ALIGN_MM = 15.0
# Height (mm) over which the slope of a girth curve at its search window's edge is taken.
EDGE_SLOPE_MM = 20.0


@dataclass(frozen=True, eq=False)
class RobustProfile:
    """A leg's width (or depth) per height bin over many frames.

    ``value_mm``: median over frames; ``sd_mm``: 1-sigma of that median (frame spread,
    edge localisation and axis depth combined); ``frames``: frames that fed each bin.
    """

    value_mm: FloatArray
    sd_mm: FloatArray
    frames: IntArray
    ankle_t_mm: float
    knee_t_mm: float
    depth_sd_rel: float
    frame_count: int

    @property
    def heights_mm(self) -> FloatArray:
        return HEIGHTS_MM


def _smooth(values: FloatArray) -> FloatArray:
    """3-bin running median then 3-bin running mean, NaN-aware (kills single-bin spikes)."""
    v = np.asarray(values, float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN windows stay NaN
        return _smooth_quiet(v)


def _smooth_quiet(v: FloatArray) -> FloatArray:
    pad = np.pad(v, 1, mode="edge")
    stack = np.stack([pad[:-2], pad[1:-1], pad[2:]])
    with np.errstate(all="ignore"):
        med = np.nanmedian(stack, axis=0) if np.isfinite(stack).any() else v
    med = np.where(np.isfinite(v), med, np.nan)
    pad = np.pad(med, 1, mode="edge")
    stack = np.stack([pad[:-2], pad[1:-1], pad[2:]])
    with np.errstate(all="ignore"):
        mean = np.nanmean(stack, axis=0)
    return np.where(np.isfinite(v), mean, np.nan)


def aggregate_profiles(profiles: Sequence[LegViewProfile]) -> RobustProfile:
    """Combine one leg's profiles from many frames of one view."""
    if not profiles:
        raise ValueError("no profiles to aggregate")
    stack = np.stack([p.width_mm for p in profiles])
    frames = np.sum(np.isfinite(stack), axis=0)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)  # bins no frame reached stay NaN
        median = np.nanmedian(stack, axis=0) if stack.size else np.full(len(HEIGHTS_MM), np.nan)
        mad = np.nanmedian(np.abs(stack - median), axis=0) * 1.4826
    median = np.where(frames >= MIN_FRAMES_PER_BIN, median, np.nan)
    n = np.maximum(frames, 1)
    # A median's sd is ~1.25 x the mean's; one frame has no spread, so use the edge term.
    spread_sd = np.where(frames > 1, 1.25 * mad / np.sqrt(n), 0.0)
    scale = float(np.median([p.px_per_mm for p in profiles]))
    edge_sd = math.sqrt(2.0) * EDGE_SD_PX / scale
    depth_sd_rel = float(np.median([p.scale_sd_rel if p.scale_sd_rel is not None
                                    else p.axis.depth_sd_mm / 2200.0 for p in profiles]))
    sd = np.sqrt(spread_sd ** 2 + edge_sd ** 2)
    # Bins measured on edges filled from the mask's outline carry that fill's error too.
    filled = np.median(np.stack([p.filled_share if p.filled_share is not None
                                 else np.zeros(len(HEIGHTS_MM)) for p in profiles]), axis=0)
    sd = np.hypot(sd, filled * math.sqrt(2.0) * FILLED_EDGE_SD_PX / scale)
    return RobustProfile(
        value_mm=_smooth(median), sd_mm=sd, frames=frames,
        ankle_t_mm=float(np.median([p.ankle_t_mm for p in profiles])),
        knee_t_mm=float(np.median([p.knee_t_mm for p in profiles])),
        depth_sd_rel=depth_sd_rel, frame_count=len(profiles))


@dataclass(frozen=True)
class SitePoint:
    """A girth at a height, with its 1-sigma uncertainty."""

    girth_mm: float
    sd_mm: float
    height_mm: float
    width_mm: float
    depth_mm: float
    # The part of ``sd_mm`` that comes from where the search window ends (a calf still
    # widening at the window's top, ``_top_edge_sd_mm``); 0 for an extreme inside it.
    window_edge_sd_mm: float = 0.0


@dataclass(frozen=True, eq=False)
class LegGirths:
    """The RAL points of one leg and the girth curve they were read from."""

    ankle: SitePoint
    calf: SitePoint
    knee_height_mm: float
    knee_high_length_mm: float
    knee_high_length_sd_mm: float
    girth_curve_mm: FloatArray
    front_only: bool
    notes: tuple[str, ...] = field(default_factory=tuple)
    # Sites whose depth came from the population prior although a side view was given.
    depth_from_prior: tuple[str, ...] = ()
    # Height (mm) where the side view's depth breaks on the calf's hump, if it does.
    depth_break_mm: float | None = None
    # Height (mm) of cB read a second way across a break of the front outline, if it was.
    front_break_mm: float | None = None
    # Per height bin: the calf curve's side depth was refused there and the prior's used.
    prior_depth_bins: BoolArray | None = None


class GirthNotFound(ValueError):
    """The profiles do not cover the heights where cB or cC must be searched."""


class CalfCovered(GirthNotFound):
    """Both views' outlines step out at one height of the calf window: a garment's hem
    (trousers of the skin's colour, which no colour check sees), not a bare calf."""

    def __init__(self, height_mm: float, step: float) -> None:
        super().__init__("calf")
        self.height_mm = height_mm
        self.step = step


def calf_hump_index(girth_mm: FloatArray, min_dip_mm: float = CALF_WAIST_MIN_DIP_MM) -> int:
    """Index of the calf maximum in a window's girths (bottom to top, all measured).

    The window's largest girth, unless it is the window's top bin with the curve rising
    into it (the knee's flare, see ``CALF_WAIST_MIN_DIP_MM``): then the curve is followed
    down from the top to the waist (the first bin below which it rises again), and the
    largest girth below the waist is the calf's hump, if it stands at least ``min_dip_mm``
    above the waist. A curve that rises all the way (no waist), or whose dip is within
    noise, keeps its top bin: the calf may really be widest there; so does one whose top
    stands more than ``KNEE_FLARE_MAX_RISE`` above the hump (no knee flares that much).
    """
    g = np.asarray(girth_mm, float)
    top = int(np.argmax(g))
    if top < len(g) - 1:
        return top
    waist = top
    while waist > 0 and g[waist - 1] <= g[waist]:
        waist -= 1
    if waist == 0:
        return top
    hump = int(np.argmax(g[:waist]))
    if g[top] > (1.0 + KNEE_FLARE_MAX_RISE) * g[hump]:
        return top  # too steep for a knee
    return hump if g[hump] - g[waist] >= min_dip_mm else top


def _top_edge_sd_mm(curve: FloatArray, idx: IntArray, k: int, knee_sd_mm: float) -> float:
    """1-sigma of a calf maximum that is the window's top bin with the curve rising into it.

    Then the value is where the window ends, not a hump: the top stands
    ``CALF_SEARCH_BELOW_KNEE_MM`` below the knee point, which is placed to ``knee_sd_mm``,
    so the girth inherits that sd times the curve's slope there (over its top
    ``EDGE_SLOPE_MM``). 0 for a maximum below the top.
    """
    if k != idx[-1] or len(idx) < 2:
        return 0.0
    j = idx[max(0, len(idx) - 1 - round(EDGE_SLOPE_MM / BIN_MM))]
    slope = (curve[k] - curve[j]) / max((k - j) * BIN_MM, BIN_MM)
    return float(max(slope, 0.0) * knee_sd_mm)


def _beside_hole(curve: FloatArray, span: BoolArray, k: int) -> bool:
    """Whether bin ``k`` borders unread heights inside the search span that could hide a
    larger girth: ``EXTREME_BESIDE_HOLE_MM`` or more running to the span's end, or
    ``BRACKETED_HOLE_MM`` or more with the curve read beyond them."""
    for step in (-1, 1):
        j, run = k + step, 0
        while 0 <= j < len(curve) and span[j] and not np.isfinite(curve[j]):
            run += 1
            j += step
        open_ended = not (0 <= j < len(curve) and span[j])
        if run * BIN_MM >= (EXTREME_BESIDE_HOLE_MM if open_ended else BRACKETED_HOLE_MM):
            return True
    return False


def _site(front: RobustProfile, depth_mm: FloatArray, depth_sd: FloatArray, site: str,
          lo_mm: float, hi_mm: float, pick: str,
          knee_sd_mm: float = KNEE_LANDMARK_SD_MM) -> SitePoint:
    h = HEIGHTS_MM
    curve = girth_mm(front.value_mm, depth_mm, site)
    span = (h >= lo_mm) & (h <= hi_mm)
    window = span & np.isfinite(curve)
    # An extreme read at the edge of a hole in the curve is no extreme: with less than
    # ``MIN_SEARCH_COVERAGE`` of the heights measured, refuse rather than guess.
    if window.sum() < 3 or window.sum() < MIN_SEARCH_COVERAGE * span.sum():
        raise GirthNotFound(site)
    idx = np.flatnonzero(window)
    if pick == "min":
        k = int(idx[np.argmin(curve[idx])])
    else:
        if _beside_hole(curve, span, int(idx[np.argmax(curve[idx])])):
            raise GirthNotFound(site)
        k = int(idx[calf_hump_index(curve[idx])])
    w, d = float(front.value_mm[k]), float(depth_mm[k])
    sd = girth_sd_mm(w, d, float(front.sd_mm[k]), float(depth_sd[k]), site)
    g = float(curve[k])
    # The axis depths of the two views scale both diameters (independent views).
    sd = math.hypot(sd, 0.5 * g * math.hypot(front.depth_sd_rel, front.depth_sd_rel))
    edge_sd = _top_edge_sd_mm(curve, idx, k, knee_sd_mm) if pick == "max" else 0.0
    return SitePoint(g, math.hypot(sd, edge_sd), float(h[k]), w, d, edge_sd)


def depth_break(width_mm: FloatArray, depth_mm: FloatArray, lo_mm: float, hi_mm: float
                ) -> tuple[float, float, float] | None:
    """The largest step of depth/width on the calf's hump if it exceeds
    ``DEPTH_BREAK_RATIO_STEP``: (height, ratio below, ratio above), else None."""
    h = HEIGHTS_MM
    window = (h >= lo_mm) & (h <= hi_mm) & np.isfinite(width_mm)
    if not window.any():
        return None
    hump = window & (width_mm >= CALF_HUMP_WIDTH_SHARE * np.max(width_mm[window]))
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(hump, depth_mm / width_mm, np.nan)
    k = round(DEPTH_BREAK_SPAN_MM / BIN_MM)
    step = np.abs(ratio[k:] - ratio[:-k])
    if not np.isfinite(step).any():
        return None
    i = int(np.nanargmax(step))
    if step[i] <= DEPTH_BREAK_RATIO_STEP:
        return None
    return float(h[i] + DEPTH_BREAK_SPAN_MM / 2), float(ratio[i]), float(ratio[i + k])


def _widening(values_mm: FloatArray, lo_mm: float, hi_mm: float) -> FloatArray:
    """Per height (the top of each span), how much ``values_mm`` grew over the
    ``HEM_SPAN_MM`` below it, relative; -inf where the span leaves [lo, hi] or is unread."""
    h, k = HEIGHTS_MM, round(HEM_SPAN_MM / BIN_MM)
    window = (h >= lo_mm) & (h <= hi_mm)
    with np.errstate(invalid="ignore", divide="ignore"):
        grew = (values_mm[k:] - values_mm[:-k]) / values_mm[:-k]
    grew = np.where(window[k:] & window[:-k] & np.isfinite(grew), grew, -np.inf)
    return np.concatenate([np.full(k, -np.inf), grew])


def garment_hem(width_mm: FloatArray, depth_mm: FloatArray, lo_mm: float, hi_mm: float
                ) -> tuple[float, float] | None:
    """(Height, step) of the largest step out that the front width and the side depth
    both take within ``HEM_ALIGN_MM`` of one height in [lo, hi], if it exceeds
    ``HEM_STEP``; else None. The step is the smaller of the two views'."""
    front, side = _widening(width_mm, lo_mm, hi_mm), _widening(depth_mm, lo_mm, hi_mm)
    j = round(HEM_ALIGN_MM / BIN_MM)
    padded = np.concatenate([np.full(j, -np.inf), side, np.full(j, -np.inf)])
    side_near = np.max(np.lib.stride_tricks.sliding_window_view(padded, 2 * j + 1), axis=1)
    both = np.minimum(front, side_near)
    i = int(np.argmax(both))
    if both[i] <= HEM_STEP:
        return None
    return float(HEIGHTS_MM[i]), float(both[i])


def front_break_mm(width_mm: FloatArray, lo_mm: float, hi_mm: float) -> float | None:
    """The height of the largest drop of the front width going down within [lo, hi], if it
    exceeds ``FRONT_BREAK_REL_STEP`` of the narrower side (the top of the drop), else None."""
    h = HEIGHTS_MM
    k = round(FRONT_BREAK_SPAN_MM / BIN_MM)
    window = (h >= lo_mm) & (h <= hi_mm)
    both = window[k:] & window[:-k]
    with np.errstate(invalid="ignore", divide="ignore"):
        drop = (width_mm[k:] - width_mm[:-k]) / width_mm[:-k]  # wider above: positive
    drop = np.where(both & np.isfinite(drop), drop, -np.inf)
    i = int(np.argmax(drop))
    if drop[i] <= FRONT_BREAK_REL_STEP:
        return None
    return float(h[i + k])


def _ankle_across_break(front: RobustProfile, depth_a: FloatArray, depth_sd_a: FloatArray,
                        ankle_pt: SitePoint, lo_mm: float, break_top_mm: float, hi_mm: float
                        ) -> tuple[SitePoint, str] | None:
    """cB read a second way when it was read below a break of the front outline; the two
    readings' mean, with an sd that takes in both (the readings' own, and half their gap).

    Either reading may be the true one: the outline below the break may have lost the
    leg's edge (a dark ankle before a floor of its colour), or the one above may have
    bled into the floor. Below ``break_top_mm`` the second reading is cB read again above
    the break: over the ten such breaks of seven unseen sets (seeds 930000-990079) the
    reading above was the nearer four times, the one below six; the mean was off by 14 mm
    (median), the reading above by 25, the one below by 19. A break higher up is on the
    shin, where no ankle is: the second reading is then the ankle's section from the side
    view's depth with the width prior (``DEPTH_RATIO_PRIOR``), which a front width lost
    all the way down to the ankle does not mislead (on one unseen scene both ankles read
    20 mm small below such a break)."""
    at = front_break_mm(front.value_mm, lo_mm, hi_mm)
    if at is None or ankle_pt.height_mm >= at:
        return None
    if at <= break_top_mm:
        try:
            other = _site(front, depth_a, depth_sd_a, "ankle", at + FRONT_BREAK_SPAN_MM,
                          hi_mm, "min")
        except GirthNotFound:
            return None
        how = "above it"
        own_sd = max(other.sd_mm, ankle_pt.sd_mm)
    else:
        width = ankle_pt.depth_mm / DEPTH_RATIO_PRIOR["ankle"][0]
        other = replace(ankle_pt, girth_mm=float(girth_mm(width, ankle_pt.depth_mm, "ankle")),
                        width_mm=width)
        how = "from the side view's depth"
        own_sd = ankle_pt.sd_mm
    sd = math.hypot(own_sd, (other.girth_mm - ankle_pt.girth_mm) / 2)
    both = replace(other, girth_mm=(other.girth_mm + ankle_pt.girth_mm) / 2, sd_mm=sd,
                   width_mm=(other.width_mm + ankle_pt.width_mm) / 2,
                   depth_mm=(other.depth_mm + ankle_pt.depth_mm) / 2)
    note = (f"front outline breaks at {at:.0f} mm (width drops over "
            f"{FRONT_BREAK_SPAN_MM:.0f} mm): cB read below it ({ankle_pt.girth_mm:.0f} mm) "
            f"and {how} ({other.girth_mm:.0f}), {both.girth_mm:.0f} +/- {sd:.1f} mm")
    return both, note


def _across_depth_break(width_mm: FloatArray, calf: SitePoint,
                        broken: tuple[float, float, float], hi_mm: float) -> float:
    """How far apart the two readings of the calf across a side-view depth break lie (mm).

    In general either side's depth/width may be the true one, so the calf is read with
    both at its own width. But where the ratio drops going up and the calf was read below
    the break, the side outline lost part of the section above it (the far calf's back
    against the near shin, where the legs close toward the knees), and the section below
    is whole: the other reading is then the largest girth above the break with the
    ratio below it, the calf's hump if it stands hidden there (0 when it does not).
    """
    at, below, above = broken
    w = calf.width_mm
    if not (above < below and calf.height_mm < at):
        return abs(float(girth_mm(w, below * w, "calf")) - float(girth_mm(w, above * w, "calf")))
    h = HEIGHTS_MM
    over = (h >= at) & (h <= hi_mm) & np.isfinite(width_mm)
    if not over.any():
        return 0.0
    hidden = float(np.max(girth_mm(width_mm[over], below * width_mm[over], "calf")))
    return max(0.0, hidden - calf.girth_mm)


def _prior_where_unread(front: RobustProfile, depth_mm: FloatArray, depth_sd_mm: FloatArray,
                        site: str, lo_mm: float, hi_mm: float
                        ) -> tuple[FloatArray, FloatArray, BoolArray]:
    """Depth and its sd with the site's width prior (``DEPTH_RATIO_PRIOR``) at the heights
    in [lo, hi] the side view could not read but the front view did; and those heights."""
    h = HEIGHTS_MM
    unread = ((h >= lo_mm) & (h <= hi_mm) & ~np.isfinite(depth_mm)
              & np.isfinite(front.value_mm))
    ratio, ratio_sd = DEPTH_RATIO_PRIOR[site]
    return (np.where(unread, front.value_mm * ratio, depth_mm),
            np.where(unread, front.value_mm * ratio_sd, depth_sd_mm), unread)


def _either_view_wrong(front: RobustProfile, side: RobustProfile, depth_mm: FloatArray,
                       depth_sd_mm: FloatArray, disputed: BoolArray, calf: SitePoint,
                       lo_mm: float, hi_mm: float, knee_sd_mm: float,
                       notes: list[str]) -> SitePoint:
    """``calf``, read where the side view's depth is no calf section for the front width
    (``disputed`` heights, given the prior's depth from the width), with an sd that takes
    in the calf read the other way there: the side's depth trusted, the width from it by
    the same prior. A depth/width out of range means one view is wrong, and it need not
    be the side: a front outline that bleeds into the gap between the legs widens the
    front width by 20 mm over a few centimetres (a calf read 72 mm large with an sd of
    13). Either reading may be the true one, as on either side of a depth break."""
    ratio = DEPTH_RATIO_PRIOR["calf"][0]
    width_alt = np.where(disputed, side.value_mm / ratio, front.value_mm)
    try:
        alt = _site(replace(front, value_mm=width_alt), np.where(disputed, side.value_mm,
                                                                 depth_mm),
                    depth_sd_mm, "calf", lo_mm, hi_mm, "max", knee_sd_mm)
    except GirthNotFound:
        return calf
    both = abs(calf.girth_mm - alt.girth_mm)
    if both <= calf.sd_mm:
        return calf
    calf = replace(calf, sd_mm=math.hypot(calf.sd_mm, both / 2))
    notes.append(f"calf {alt.girth_mm:.0f} mm at {alt.height_mm:.0f} mm with the side view "
                 f"trusted there: either view may be wrong, calf sd widened to "
                 f"{calf.sd_mm:.1f} mm")
    return calf


def leg_girths(front: RobustProfile, side: RobustProfile | None,
               knee_above_landmark_mm: float = 0.0,
               knee_prior: KneeEstimate | None = None) -> LegGirths:
    """cB, cC and the knee-high length of one leg from its front and side profiles.

    ``knee_above_landmark_mm``: how far the knee point (mid-patella) stands above the
    knee landmark the profiles carry (``KNEE_POINT_ABOVE_LANDMARK_MM`` for the pose
    model's knee keypoint; 0 for a landmark already at mid-patella). ``knee_prior``: the
    knee point the shopper's stature predicts (``vision.stature``), weighed in with the
    landmark's (None: the landmark alone).
    """
    notes: list[str] = []
    landmark = KneeEstimate(front.knee_t_mm + knee_above_landmark_mm, KNEE_LANDMARK_SD_MM)
    knee_point = combined_knee(landmark, knee_prior)
    knee = knee_point.height_mm
    if knee_prior is not None:
        notes.append(f"knee point {landmark.height_mm:.0f} mm by the pose landmark, "
                     f"{knee_prior.height_mm:.0f} by the stature: {knee:.0f} +/- "
                     f"{knee_point.sd_mm:.0f} mm")
    ankle = front.ankle_t_mm
    if side is not None:
        depth = side.value_mm
        depth_sd = np.hypot(side.sd_mm, side.value_mm * side.depth_sd_rel)
        depth_sd_c = depth_sd
        depth_a, depth_sd_a = depth, depth_sd
        depth = depth.copy()
    else:
        notes.append("front view only: depth estimated from width with a population prior")
        ra, ra_sd = DEPTH_RATIO_PRIOR["ankle"]
        rc, rc_sd = DEPTH_RATIO_PRIOR["calf"]
        depth_a, depth_sd_a = front.value_mm * ra, front.value_mm * ra_sd
        depth, depth_sd_c = front.value_mm * rc, front.value_mm * rc_sd
    calf_lo = ankle + CALF_SEARCH_ABOVE_ANKLE_MM
    calf_hi = knee - CALF_SEARCH_BELOW_KNEE_MM
    prior_sites: list[str] = []
    implausible = np.zeros(len(HEIGHTS_MM), bool)
    lo_ratio, hi_ratio = CALF_DEPTH_RATIO_RANGE
    hem = None if side is None else garment_hem(front.value_mm, side.value_mm, calf_lo,
                                                calf_hi)
    if hem is not None:
        raise CalfCovered(*hem)
    if side is not None:
        # Heights of the calf window where the side view's depth is no calf section
        # (``CALF_DEPTH_RATIO_RANGE``) take the prior's depth instead. Just above the
        # ankle that also replaces whole sections deeper than 1.3 times their width (the
        # Achilles tendon's): it lowers their girth, which the calf's maximum never is.
        with np.errstate(invalid="ignore"):
            ratio = depth / front.value_mm
            h = HEIGHTS_MM
            in_window = (h >= calf_lo) & (h <= calf_hi)
            implausible = in_window & np.isfinite(ratio) & ((ratio < lo_ratio)
                                                            | (ratio > hi_ratio))
        if implausible.any():
            rc, rc_sd = DEPTH_RATIO_PRIOR["calf"]
            depth = np.where(implausible, front.value_mm * rc, depth)
            depth_sd_c = np.where(implausible, front.value_mm * rc_sd, depth_sd_c)
    calf_filled = False
    try:
        calf = _site(front, depth, depth_sd_c, "calf", calf_lo, calf_hi, "max",
                     knee_point.sd_mm)
    except GirthNotFound:
        if side is None:
            raise
        # Heights the side view could not read at all while the front view did (the far
        # leg's calf hidden behind the near one, an outline lost on a floor of the skin's
        # colour): the front-only estimate there, with its wider sd and the result
        # flagged, rather than no measurement. Only then: a prior's depth beside measured
        # ones would put a false extreme where they meet.
        depth, depth_sd_c, unread = _prior_where_unread(front, depth, depth_sd_c, "calf",
                                                        calf_lo, calf_hi)
        implausible |= unread
        calf_filled = True
        calf = _site(front, depth, depth_sd_c, "calf", calf_lo, calf_hi, "max",
                     knee_point.sd_mm)
    if calf_filled or implausible[np.searchsorted(HEIGHTS_MM, calf.height_mm)]:
        notes.append(f"side-view calf depth at {calf.height_mm:.0f} mm unread or no calf "
                     f"section (depth/width outside {lo_ratio}-{hi_ratio}): depth from the "
                     "prior")
        prior_sites.append("calf")
        if not calf_filled:
            assert side is not None  # disputed heights need a side view
            calf = _either_view_wrong(front, side, depth, depth_sd_c, implausible, calf,
                                      calf_lo, calf_hi, knee_point.sd_mm, notes)
    if calf.window_edge_sd_mm > 0:
        notes.append(f"calf still widening at the top of its search window "
                     f"({calf.height_mm:.0f} mm, {CALF_SEARCH_BELOW_KNEE_MM:.0f} mm below the "
                     f"knee point): +/-{calf.window_edge_sd_mm:.1f} mm from where the knee is")
    broken = None if side is None else depth_break(front.value_mm, side.value_mm, calf_lo,
                                                       calf_hi)
    if broken is not None:
        at, below, above = broken
        both = _across_depth_break(front.value_mm, calf, broken, calf_hi)
        calf = replace(calf, sd_mm=math.hypot(calf.sd_mm, both / 2))
        notes.append(f"side-view depth breaks at {at:.0f} mm on the calf (depth/width "
                     f"{below:.2f} below, {above:.2f} above): "
                     + (f"calf sd widened to {calf.sd_mm:.1f} mm" if both > 0 else
                        "the calf read below it is a whole section, its sd kept"))
    try:
        ankle_pt = _site(front, depth_a, depth_sd_a, "ankle", ankle, calf.height_mm, "min")
    except GirthNotFound:
        if side is None:
            raise
        # The same fallback for an ankle the side view could not read.
        depth_a, depth_sd_a, _ = _prior_where_unread(front, depth_a, depth_sd_a, "ankle",
                                                     ankle, calf.height_mm)
        ankle_pt = _site(front, depth_a, depth_sd_a, "ankle", ankle, calf.height_mm, "min")
        notes.append("side-view ankle depth partly unread: depth from the prior there")
        prior_sites.append("ankle")
    break_top = min(calf.height_mm, ankle + FRONT_BREAK_SHANK_SHARE * (knee - ankle))
    rebroken = _ankle_across_break(front, depth_a, depth_sd_a, ankle_pt, ankle, break_top,
                                   calf.height_mm)
    front_break = None
    if rebroken is not None:
        ankle_pt, note = rebroken
        notes.append(note)
        front_break = ankle_pt.height_mm
    knee_high = knee - CD_BELOW_KNEE_MM
    # The curve each site was read from: the ankle's section model up to cB (and on to the
    # calf window), the calf's above.
    below_calf = np.less(HEIGHTS_MM, max(calf_lo, ankle_pt.height_mm + BIN_MM))
    curve = np.where(below_calf, girth_mm(front.value_mm, depth_a, "ankle"),
                     girth_mm(front.value_mm, depth, "calf"))
    return LegGirths(ankle=ankle_pt, calf=calf, knee_height_mm=knee,
                     knee_high_length_mm=knee_high,
                     knee_high_length_sd_mm=knee_point.sd_mm, girth_curve_mm=curve,
                     front_only=side is None, notes=tuple(notes),
                     depth_from_prior=tuple(prior_sites), prior_depth_bins=implausible,
                     depth_break_mm=None if broken is None else broken[0],
                     front_break_mm=front_break)
