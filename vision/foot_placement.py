"""Where a foot really stands along its footprint: the print, checked by the toe seen.

Each leg's distance from the camera comes from where its foot stands, and 10 mm of it is
~0.5 % of every width. The printed footprint says where the heel should be; a shopper
can stand a few centimetres off it, and the pose model's heel landmark is too coarse to
tell (median 40-60 mm). The toe tip seen on the floor is sharper (sd ~7 mm) but says
where the heel is only through the foot's length, which is not seen from the front:
it is predicted from the knee's height (ANSUR II, 6,068 adults: foot length =
0.4247 x mid-patella height + 61.1 mm, residual sd 10.3 mm, r = 0.81). The pose model's
knee landmark stands in for the mid-patella: on the development scenes the foot length
predicted from it was 1.7 mm short of the true one on average (sd 11.9 mm).

Two readings of one heel, then: the print (sharp while the shopper stands on it) and
toe minus foot length (always ~13 mm). A plain weighted mean would pull a heel that
stands 40 mm off its print only part of the way; the prior is therefore a mixture: most
shoppers stand on the print (sd ``ON_PRINT_SD_MM``), some anywhere the stance check lets
through (sd ``OFF_PRINT_SD_MM``). Where the two readings agree the print dominates;
where they disagree by far more than their spreads allow, the toe does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# ANSUR II (men and women pooled): foot length against the knee's (mid-patella) height.
FOOT_LENGTH_PER_KNEE_HEIGHT = 0.4247
FOOT_LENGTH_AT_ZERO_KNEE_MM = 61.1
FOOT_LENGTH_SD_MM = 10.3
# The lowest silhouette point at the front of a foot is where a ray grazes the rounded
# front of the big toe, not where the toe meets the floor; the toe's front is rounded
# about a centre ~12 mm up (a big toe ~25 mm thick). Put on the floor, that point lands
# behind the toe by 12 mm times the ray's run over its drop (~22 mm from a camera 1 m up
# and 1.9 m away). Development scenes, real pose masks: on the floor +28.0 mm (sd 6.6)
# behind the true toe tip, on z = 12 mm +3.0 mm (sd 7.1), on z = 15 mm -3.2 mm (sd 7.3).
TOE_FRONT_HEIGHT_MM = 12.0
TOE_SEEN_SD_MM = 7.3
# A shopper on the print: heel within ~7 mm (sd; development scenes). Off it: anywhere
# the stance check lets through (it refuses a heel more than 130 mm off).
ON_PRINT_SD_MM = 7.0
OFF_PRINT_SD_MM = 50.0
OFF_PRINT_SHARE = 0.1
# A toe that would put the heel more than twice the off-print spread away is more likely
# not a toe (a shadow, the other foot, a mask bleeding onto the floor, a leg with no foot
# in view) than a shopper that far off: the print alone stands.
TOE_PLAUSIBLE_MM = 2 * OFF_PRINT_SD_MM


@dataclass(frozen=True)
class HeelEstimate:
    """How far the heel stands along its footprint's direction (toward the toe) from the
    printed heel, with its 1-sigma spread and how likely the shopper stands off the print."""

    shift_mm: float
    sd_mm: float
    off_print_probability: float


def foot_length_from_knee_mm(knee_height_mm: float) -> float:
    """The population's foot length for a knee (mid-patella) this high."""
    return FOOT_LENGTH_PER_KNEE_HEIGHT * knee_height_mm + FOOT_LENGTH_AT_ZERO_KNEE_MM


def _normal_density(x: float, sd: float) -> float:
    return math.exp(-0.5 * (x / sd) ** 2) / sd


def heel_from_print_and_toe(toe_beyond_print_heel_mm: float | None, knee_height_mm: float
                            ) -> HeelEstimate:
    """The heel's shift from its print, from the toe tip seen ``toe_beyond_print_heel_mm``
    from the printed heel (its distance, which a foot turned about its heel keeps; None:
    no toe seen, the print alone)."""
    if toe_beyond_print_heel_mm is None:
        return HeelEstimate(0.0, ON_PRINT_SD_MM, 0.0)
    seen_shift = toe_beyond_print_heel_mm - foot_length_from_knee_mm(knee_height_mm)
    if abs(seen_shift) > TOE_PLAUSIBLE_MM:
        return HeelEstimate(0.0, ON_PRINT_SD_MM, 0.0)
    seen_var = TOE_SEEN_SD_MM ** 2 + FOOT_LENGTH_SD_MM ** 2
    # Each prior component: its posterior mean and variance, and how well it explains
    # the reading (its share times the reading's density under it).
    means, variances, evidence = [], [], []
    for share, prior_sd in ((1.0 - OFF_PRINT_SHARE, ON_PRINT_SD_MM),
                            (OFF_PRINT_SHARE, OFF_PRINT_SD_MM)):
        gain = prior_sd ** 2 / (prior_sd ** 2 + seen_var)
        means.append(gain * seen_shift)
        variances.append(gain * seen_var)
        evidence.append(share * _normal_density(seen_shift,
                                                math.sqrt(prior_sd ** 2 + seen_var)))
    w_on, w_off = (e / sum(evidence) for e in evidence)
    mean = w_on * means[0] + w_off * means[1]
    second = w_on * (variances[0] + means[0] ** 2) + w_off * (variances[1] + means[1] ** 2)
    return HeelEstimate(mean, math.sqrt(max(second - mean ** 2, 0.0)), w_off)
