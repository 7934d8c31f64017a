"""Cross-section model: from a width (front) and a depth (side) to a tape-measure girth.

A tape around a leg follows the convex hull of its cross-section. The Perometer models
that section as an ellipse with the two measured diameters (Ramanujan's perimeter). Real
lower-leg sections are not ellipses: above the ankle bones the tibia's crest in front and
the Achilles tendon behind make a rounded triangle; at the calf the two calf bellies
behind and the tibia's flat face in front make it "squarer". A superellipse
|x/a|^n + |y/b|^n = 1 keeps the same two diameters and bridges both: n = 2 is the
ellipse, n < 2 pinches the ends of both diameters, n > 2 squares them. The exponents
used per site are stated in ``SHAPE_EXPONENT`` with why and where they came from.
"""

from __future__ import annotations

import math
from typing import overload

import numpy as np

from vision.arrays import FloatArray

# Superellipse exponents per measuring site. n = 2 is the Perometer's ellipse.
# Why not 2: just above the malleoli (cB) the section is a rounded triangle, pointed in
# front by the tibia's crest and behind by the Achilles tendon, with flat faces between:
# at the same two diameters its perimeter is shorter than the ellipse's (n < 2 pinches
# the ends of both diameters). At the calf (cC) the two gastrocnemius bellies fill the
# section out behind and the tibia's flat face in front: a "squarer" section, longer
# than the ellipse (n > 2). The values are the exponents with no mean error on exact
# silhouettes (truth masks and landmarks, ``bench/fit_section.py``) of 144 legs: the 24
# development scenes and 48 'wide' scenes of seeds 900000-900049 (the 24 alone gave 1.94
# and 2.08, the 48 alone 1.99 and 2.09; an exponent of 1.89 once fitted on the 24 alone
# read cB 2.1 mm small on the 48). Never fitted on the scenes the figures are quoted
# from. They encode the anatomy's direction above; their size is a fit, so re-check it
# on measured legs when real tape data exists. The ankle's is its value at a section of
# ``ANKLE_EXPONENT_AT_DIAMETER_MM`` (see ``ANKLE_EXPONENT_PER_MM``), re-fitted with it on
# 308 legs: the development scenes, seeds 900000-900049 and 1110000-1110079 (1.97 before,
# as one exponent for every ankle).
SHAPE_EXPONENT = {"ankle": 1.986, "calf": 2.09}
# A larger ankle's section is the more pinched at its two diameters: soft tissue widens
# it beside the bones while the tibia's crest in front and the Achilles tendon behind stay
# its ends. With one exponent for all, ankles read too large the larger they were: over
# 2,780 legs of seventeen unseen sets the mean error went from -0.7 mm below 190 mm to
# +2.4 mm above 275 mm (0.023 mm per mm of girth), and large ankles at the chart's top
# were read past it (needless made-to-measure referrals); the calf shows no such trend.
# So the ankle's exponent falls with the mean of its two diameters: per leg, the exponent
# that makes the girth exact against that mean, a straight line through them, on exact
# silhouettes of the 308 fitting legs above (``bench/fit_section.py``; -0.0052 on
# 900000-900049 alone, -0.0060 on 1110000-1110079, -0.0023 on the 24 development scenes).
# There, by thirds of the legs by girth, one exponent left a mean error of -0.5, -0.4 and
# +0.9 mm, this line +0.4, -0.3 and -0.2, and the residual sd went from 1.17 to 1.09 % of
# the girth. From 2.08 for the slimmest section fitted to 1.85 for the stoutest; held at
# the ends of that range (``ANKLE_DIAMETER_RANGE_MM``).
ANKLE_EXPONENT_AT_DIAMETER_MM = 72.6
ANKLE_EXPONENT_PER_MM = -0.0051
ANKLE_DIAMETER_RANGE_MM = (55.0, 100.0)
# 1-sigma relative error of the shape model itself (section-to-section variation of the
# perimeter at fixed diameters, and where on the leg the extreme is read): the sd of the
# relative residuals on the 144 exact silhouettes the exponents were first fitted on
# (1.14 % at cB, 1.01 % at cC; on the 308 fitting legs, 1.09 % at cB with the ankle's
# exponent by size, 1.17 % with one for all). With 0.8 % and 0.6 % only 40 % of the
# development legs' cB errors fell within 1 sd; with 1.4 % at cB, 86 % of the wide
# scenes' did.
SHAPE_MODEL_SD_REL = {"ankle": 0.012, "calf": 0.010}

_THETA = np.linspace(0.0, 0.5 * math.pi, 721)


# Two numbers in, a number out (for the ellipse a numpy float, for a superellipse a 0-d
# array); an array in, the perimeters at its shape.
@overload
def ellipse_perimeter_mm(width_mm: float, depth_mm: float) -> np.float64: ...
@overload
def ellipse_perimeter_mm(width_mm: FloatArray, depth_mm: float | FloatArray) -> FloatArray: ...
@overload
def ellipse_perimeter_mm(width_mm: float, depth_mm: FloatArray) -> FloatArray: ...
def ellipse_perimeter_mm(width_mm: float | FloatArray, depth_mm: float | FloatArray
                         ) -> FloatArray | np.float64:
    """Ramanujan's second approximation for an ellipse with diameters width and depth."""
    a = np.asarray(width_mm, float) / 2
    b = np.asarray(depth_mm, float) / 2
    h = ((a - b) / np.maximum(a + b, 1e-12)) ** 2
    perimeter: FloatArray | np.float64 = math.pi * (a + b) * (1 + 3 * h / (10 + np.sqrt(4 - 3 * h)))
    return perimeter


@overload
def superellipse_perimeter_mm(width_mm: float, depth_mm: float, exponent: float | FloatArray
                              ) -> FloatArray | np.float64: ...
@overload
def superellipse_perimeter_mm(width_mm: FloatArray, depth_mm: float | FloatArray,
                              exponent: float | FloatArray) -> FloatArray: ...
@overload
def superellipse_perimeter_mm(width_mm: float, depth_mm: FloatArray,
                              exponent: float | FloatArray) -> FloatArray: ...
def superellipse_perimeter_mm(width_mm: float | FloatArray, depth_mm: float | FloatArray,
                              exponent: float | FloatArray) -> FloatArray | np.float64:
    """Perimeter of |x/a|^n + |y/b|^n = 1 (a, b half the diameters), numerically; the
    exponent n one for all or one per section."""
    if np.ndim(exponent) == 0 and abs(float(exponent) - 2.0) < 1e-9:
        return ellipse_perimeter_mm(width_mm, depth_mm)
    a = np.atleast_1d(np.asarray(width_mm, float))[..., None] / 2
    b = np.atleast_1d(np.asarray(depth_mm, float))[..., None] / 2
    c, s = np.cos(_THETA), np.sin(_THETA)
    p = 2.0 / np.atleast_1d(np.asarray(exponent, float))[..., None]
    x = a * np.sign(c) * np.abs(c) ** p
    y = b * np.sign(s) * np.abs(s) ** p
    quarter: FloatArray = np.sum(np.hypot(np.diff(x, axis=-1), np.diff(y, axis=-1)), axis=-1)
    out = 4.0 * quarter
    return out.reshape(np.broadcast_shapes(np.shape(width_mm), np.shape(depth_mm),
                                           np.shape(exponent)))


@overload
def girth_mm(width_mm: float, depth_mm: float, site: str) -> FloatArray | np.float64: ...
@overload
def girth_mm(width_mm: FloatArray, depth_mm: float | FloatArray, site: str) -> FloatArray: ...
@overload
def girth_mm(width_mm: float, depth_mm: FloatArray, site: str) -> FloatArray: ...
def girth_mm(width_mm: float | FloatArray, depth_mm: float | FloatArray, site: str
             ) -> FloatArray | np.float64:
    """Tape girth at a site ("ankle" or "calf") from its two diameters."""
    return superellipse_perimeter_mm(width_mm, depth_mm, shape_exponent(width_mm, depth_mm,
                                                                         site))


def shape_exponent(width_mm: float | FloatArray, depth_mm: float | FloatArray, site: str
                   ) -> float | FloatArray:
    """The section model's exponent at a site for these diameters (per section)."""
    if site != "ankle":
        return SHAPE_EXPONENT[site]
    mean_mm = np.clip((np.asarray(width_mm, float) + np.asarray(depth_mm, float)) / 2,
                      *ANKLE_DIAMETER_RANGE_MM)
    exponent: FloatArray = (SHAPE_EXPONENT["ankle"]
                            + ANKLE_EXPONENT_PER_MM * (mean_mm - ANKLE_EXPONENT_AT_DIAMETER_MM))
    return exponent


def girth_sd_mm(width_mm: float, depth_mm: float, width_sd_mm: float, depth_sd_mm: float,
                site: str) -> float:
    """1-sigma girth uncertainty: both diameters' spreads propagated plus the shape model's.

    The perimeter grows with either diameter at about pi/2 per mm (exactly so for a
    circle), so the propagation uses the numerical partial derivatives.
    """
    g = float(girth_mm(width_mm, depth_mm, site))
    dg_dw = float(girth_mm(width_mm + 0.5, depth_mm, site) - girth_mm(width_mm - 0.5, depth_mm,
                                                                        site))
    dg_dd = float(girth_mm(width_mm, depth_mm + 0.5, site) - girth_mm(width_mm, depth_mm - 0.5,
                                                                        site))
    return math.sqrt((dg_dw * width_sd_mm) ** 2 + (dg_dd * depth_sd_mm) ** 2
                     + (SHAPE_MODEL_SD_REL[site] * g) ** 2)
