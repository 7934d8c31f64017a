"""Sub-pixel silhouette edges of one lower leg, row by row, at full resolution.

The person mask says roughly where each edge is; it is computed at low resolution and
upsampled, and its threshold alone moves an ankle's width by +/-10 %. So the mask only
opens a search window, and the edge itself is the peak of the colour gradient across the
row inside that window, located to a fraction of a pixel by a parabola through the peak
and its neighbours. Under a symmetric blur the gradient peak is the 50 % point of the
skin-to-background step, whatever the two colours are.

Rows, not lines perpendicular to the leg: a row crosses an edge tilted by the stride at
one exact edge point, and an edge point is all the geometry needs (each edge ray is
matched to the leg's axis in 3D, see ``vision.geometry``). The colour gradient (all
three channels) keeps an edge visible where skin and background differ in hue more
than in brightness. The rows are searched all at once (``vision.row_search``), each row
deciding exactly as it would alone.

Brightness alone can hide an edge: a leg's rim is shaded, and where the shading darkens
the skin to the background's grey the step at the silhouette all but vanishes, while the
shading ramp just inside it is steep; the peak then sat 2-5 px inside the leg. The hue
still steps there, so the gradient weighs changes of hue above changes of brightness
(``CHROMA_GAIN``).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from vision.arrays import BoolArray, Float32Array, FloatArray, ImageBGR, PersonMask, PointsPx
from vision.row_search import gradient_peaks, mask_runs


@dataclass(frozen=True, eq=False)
class RowEdges:
    """Edges of one leg on the scanned rows (all arrays of one length, pixels).

    ``valid`` marks rows where both edges were found (a side's x may be set on a row that
    is not valid: that side alone was found); ``contrast`` is the gradient peak
    (grey levels per pixel) of the weaker edge; ``mask_left_x``/``mask_right_x`` are the
    mask's own edges, kept for the overlay and for judging the refinement.
    ``min_contrast`` is the smallest gradient peak taken as an edge in this frame (see
    ``NOISE_PEAK_FACTOR``); later searches on the same frame use it too.
    """

    y_px: FloatArray
    left_x_px: FloatArray
    right_x_px: FloatArray
    mask_left_x_px: FloatArray
    mask_right_x_px: FloatArray
    contrast: FloatArray
    valid: BoolArray
    min_contrast: float = 2.0

    @property
    def width_px(self) -> FloatArray:
        return self.right_x_px - self.left_x_px

    @property
    def midpoints_px(self) -> PointsPx:
        ok = self.valid
        return np.column_stack([(self.left_x_px[ok] + self.right_x_px[ok]) / 2, self.y_px[ok]])

    def points_px(self, side: str) -> PointsPx:
        """Valid edge points of one side ("left" or "right" of the image), N x 2."""
        x = self.left_x_px if side == "left" else self.right_x_px
        return np.column_stack([x[self.valid], self.y_px[self.valid]])


# How much more a change of hue counts than a change of brightness in the edge gradient.
# The colour gradient g (B, G, R) splits into its brightness part (along grey, (1,1,1))
# and its chroma part (across it). Shading scales the three channels alike, so on pale,
# little saturated skin it moves mostly the brightness part; where skin meets another
# surface the chroma part steps however bright the two sides are. The magnitude is
# sqrt(|g_brightness|^2 + CHROMA_GAIN^2 |g_chroma|^2), scaled so that sensor noise (the
# same in every channel) keeps the size it had with the plain colour gradient: the
# contrast thresholds keep their meaning. A linear mix of the channels keeps the peak at a
# blurred step's 50 % point (a ratio such as chromaticity would pull it toward the darker
# side). Against the development scenes' exact silhouettes (every scanned row, both
# views) the rms edge error was 1.03 px with gain 1 (the plain gradient), 0.89 at 3 and
# 0.83 at 4, with more noise let through; at 3 the girths' MAE fell from 2.58 to 2.34 mm
# (cB) and from 3.33 to 3.06 mm (cC).
CHROMA_GAIN = 3.0
_GREY = np.full((3, 3), 1.0 / 3.0)  # projection onto the grey axis
_METRIC = (_GREY + CHROMA_GAIN ** 2 * (np.eye(3) - _GREY)) / ((1 + 2 * CHROMA_GAIN ** 2) / 3)
# |R g|^2 = g' (R'R) g: one 3x3 transform of the gradient gives the weighted magnitude.
_GRADIENT_METRIC = np.linalg.cholesky(_METRIC).T.astype(np.float32)
# A gradient peak is an edge only if it stands this many times above the frame's noise:
# the median gradient magnitude over the leg's search box (mostly flat skin and
# background, so the median is what the sensor's noise alone makes). Of the edges the
# development scenes' frames gave more than 3 px off the exact silhouette, 93 % (sensor
# noise of 4 grey levels added) and 96 % (half the light, noise 3) peaked below 3 times
# that median; of those within 1 px, 2 % and 7 %. On the clean frames the median is
# 0.3-0.5, so the fixed floor (``min_contrast``, 2 grey levels per px) decides there.
NOISE_PEAK_FACTOR = 3.0


def gradient_magnitude(roi_bgr: ImageBGR) -> Float32Array:
    """Hue-weighted colour gradient magnitude across rows (d/dx), lightly smoothed."""
    f = cv2.GaussianBlur(roi_bgr.astype(np.float32), (0, 0), 1.0)
    gx = cv2.transform(cv2.Sobel(f, cv2.CV_32F, 1, 0, ksize=3, scale=0.125), _GRADIENT_METRIC)
    # Squares summed plane by plane in OpenCV: a third of numpy's cost over a channel axis.
    b, g, r = cv2.split(cv2.multiply(gx, gx))
    # float32 throughout; asarray only names the dtype cv2's stubs leave open (no copy).
    return np.asarray(cv2.sqrt(cv2.add(cv2.add(b, g), r)), np.float32)


def find_leg_edges(image_bgr: ImageBGR, mask: PersonMask, top_px: PointsPx,
                   bottom_px: PointsPx, max_half_width_px: float,
                   window_px: int | None = None, row_step: int = 1,
                   min_contrast: float = 2.0) -> RowEdges:
    """Edges of one leg on every ``row_step``-th row from ``top_px`` down to ``bottom_px``.

    ``top_px``/``bottom_px``: two points on the leg's centre line (e.g. knee and ankle
    landmarks), extended as given; the expected centre on each row is interpolated on
    that line. ``max_half_width_px`` bounds the search band around it. ``window_px``: how
    far (px) the true edge may lie from the mask's edge (default ~0.65 % of the width).
    """
    h, w = image_bgr.shape[:2]
    if window_px is None:
        window_px = default_window_px(w)
    top = np.asarray(top_px, float)
    bottom = np.asarray(bottom_px, float)
    y0 = int(np.clip(np.ceil(min(top[1], bottom[1])), 1, h - 2))
    y1 = int(np.clip(np.floor(max(top[1], bottom[1])), 1, h - 2))
    ys = np.arange(y0, y1 + 1, max(1, row_step))
    n = len(ys)
    nan = np.full(n, np.nan)
    out = {k: nan.copy() for k in ("l", "r", "ml", "mr", "c")}
    valid = np.zeros(n, bool)
    if n == 0 or abs(bottom[1] - top[1]) < 1e-6:
        return RowEdges(ys.astype(float), out["l"], out["r"], out["ml"], out["mr"], out["c"],
                        valid)
    slope = (bottom[0] - top[0]) / (bottom[1] - top[1])
    centres = top[0] + (ys - top[1]) * slope
    band = max_half_width_px + window_px + 2
    xa = int(max(0, np.floor(centres.min() - band)))
    xb = int(min(w, np.ceil(centres.max() + band) + 1))
    roi = image_bgr[ys[0]:ys[-1] + 1, xa:xb]
    mag = gradient_magnitude(roi)
    min_contrast = max(min_contrast, NOISE_PEAK_FACTOR * noise_level(mag))
    # Every row at once (``vision.row_search``): the same decisions a row-by-row search
    # makes, ~20x cheaper.
    out["ml"], out["mr"] = mask_runs(mask, ys, centres, max_half_width_px)
    rows = np.flatnonzero(np.isfinite(out["ml"]))
    left, left_peak = gradient_peaks(mag, ys[rows] - ys[0], out["ml"][rows], xa, window_px, -1)
    right, right_peak = gradient_peaks(mag, ys[rows] - ys[0], out["mr"][rows], xa, window_px, 1)
    both = np.isfinite(left) & np.isfinite(right)
    rows, left, right = rows[both], left[both], right[both]
    left_peak, right_peak = left_peak[both], right_peak[both]
    contrast = np.minimum(left_peak, right_peak)
    out["c"][rows] = contrast
    # Each side's edge is kept on its own when it is clear, so a row that lost one
    # side (skin over a floor of its colour) still gives the other to the fill
    # (``vision.profile.fill_lost_edges``); ``valid`` needs both.
    clear_l, clear_r = left_peak >= min_contrast, right_peak >= min_contrast
    out["l"][rows[clear_l]] = left[clear_l]
    out["r"][rows[clear_r]] = right[clear_r]
    valid[rows[(contrast >= min_contrast) & (right - left >= 3)]] = True
    return RowEdges(ys.astype(float), out["l"], out["r"], out["ml"], out["mr"], out["c"], valid,
                    min_contrast)


def noise_level(mag: Float32Array) -> float:
    """The median of a gradient-magnitude image (every third pixel each way is plenty)."""
    return float(np.median(mag[::3, ::3]))


def default_window_px(image_width_px: int) -> int:
    """How far (px) the true edge may lie from the mask's edge: ~0.65 % of the width."""
    return max(4, round(0.0065 * image_width_px))


def refine_near(image_bgr: ImageBGR, y_px: FloatArray, guess_x_px: FloatArray,
                window_px: int, min_contrast: float = 2.0) -> FloatArray:
    """The gradient peak nearest each guess on its row, or NaN where there is none.

    For rows whose first edge left the leg (see ``vision.profile.inner_outline``): the
    guess comes from the leg's own outline above and below, not from the mask, so the
    search starts where the leg is. Only the rows' bounding box is filtered.
    """
    y = np.asarray(y_px, float).astype(int)
    g = np.asarray(guess_x_px, float)
    out = np.full(len(y), np.nan)
    ok = np.isfinite(g)
    if not ok.any():
        return out
    h, w = image_bgr.shape[:2]
    band = window_px + 3
    xa = int(max(0, np.floor(g[ok].min() - band)))
    xb = int(min(w, np.ceil(g[ok].max() + band) + 1))
    ya, yb = int(max(0, y.min() - 3)), int(min(h, y.max() + 4))
    if xb - xa < 5 or yb - ya < 1:
        return out
    mag = gradient_magnitude(image_bgr[ya:yb, xa:xb])
    todo = np.flatnonzero(ok & (y >= ya) & (y < yb))
    x, peak = gradient_peaks(mag, y[todo] - ya, g[todo], xa, window_px)
    strong = peak >= min_contrast  # False where no peak (NaN)
    out[todo[strong]] = x[strong]
    return out
