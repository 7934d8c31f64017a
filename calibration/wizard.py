"""The live intrinsics wizard: a pure object fed camera frames, no camera or screen of its own.

Staff hold a calibration board in front of the camera. For every frame the wizard says
whether it kept the view and what to do next, in words a shop assistant understands.
It keeps only views that are

- sharp (the board is still: its corners moved less than ``still_px`` since the previous
  frame, and the picture is not blurred), and
- new: they cover a part of the image no kept view covered, or a board tilt not seen yet.

Why coverage: views bunched in the image centre leave the focal length and distortion
badly determined (1 % focal error and nonsense k2/k3 in our trials); views reaching the
edges and corners, with the board tilted several ways, pin them to ~0.1 %.

It finishes when every image region and every tilt direction is covered, there are at
least ``min_views`` views, and the calibration's RMS is at most ``target_rms_px``.

States::

    collecting --(coverage complete, enough views)--> calibrating
    calibrating --(rms good)--> done
    calibrating --(rms too high: worst views dropped)--> collecting
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from calibration.boards import BoardDetector, BoardSpec, BoardView
from calibration.errors import CalibrationFailed
from calibration.intrinsics import IntrinsicsResult, calibrate_views

# Image regions, row-major, named as staff would say where to move the board.
_CELL_WORDS = {
    (0, 0): "to the top left", (0, 1): "to the top", (0, 2): "to the top right",
    (1, 0): "to the left edge", (1, 1): "to the middle", (1, 2): "to the right edge",
    (2, 0): "to the lower left", (2, 1): "to the bottom", (2, 2): "to the lower right",
}
# Tilt directions: where the board's face points, as seen in the image.
TILTS = ("top-left", "top-right", "bottom-left", "bottom-right")


@dataclass(frozen=True)
class WizardStatus:
    """What the wizard made of the last frame and what it still needs."""

    accepted: bool  # the last frame was kept as a calibration view
    done: bool
    message: str  # one instruction for staff
    views: int
    cells_covered: int
    cells_total: int
    tilts_covered: tuple[str, ...]
    rms_px: float | None = None
    # (row, col) of the image regions covered so far, row 0 at the top: for a screen to
    # shade what is done.
    covered_cells: frozenset[tuple[int, int]] = frozenset()
    grid_rows_cols: tuple[int, int] = (3, 3)
    # The board corners found in the last frame (px), for a screen to draw over the view.
    board_corners_px: tuple[tuple[float, float], ...] = ()

    @property
    def progress(self) -> float:
        """0..1: coverage first, then enough views."""
        need = self.cells_total + len(TILTS)
        have = self.cells_covered + len(self.tilts_covered)
        return 1.0 if self.done else min(0.99, have / need)


class IntrinsicsWizard:
    """Collect board views from a live camera until the intrinsics are trustworthy."""

    def __init__(self, board: BoardSpec, *, grid_rows: int = 3, grid_cols: int = 3,
                 min_views: int = 10, target_rms_px: float = 0.8,
                 min_tilt_deg: float = 12.0, still_px: float = 2.0,
                 min_sharpness: float = 0.15, min_corners_in_cell: int = 3,
                 detector: BoardDetector | None = None) -> None:
        self.board = board
        self.grid = (grid_rows, grid_cols)
        self.min_views = min_views
        self.target_rms_px = target_rms_px
        self.min_tilt_deg = min_tilt_deg
        self.still_px = still_px
        self.min_sharpness = min_sharpness
        self.min_corners_in_cell = min_corners_in_cell
        self._detector = detector or BoardDetector(board)
        self.reset()

    def reset(self) -> None:
        self._views: list[BoardView] = []
        self._cells: set[tuple[int, int]] = set()
        self._tilts: set[str] = set()
        self._previous: BoardView | None = None
        self._size_wh: tuple[int, int] | None = None
        self._result: IntrinsicsResult | None = None
        self._last_rms: float | None = None
        self._last_view: BoardView | None = None
        self._frame_count = 0

    @property
    def done(self) -> bool:
        return self._result is not None

    def result(self) -> IntrinsicsResult:
        if self._result is None:
            raise CalibrationFailed(
                f"the calibration is not finished yet: {self._next_instruction()}")
        return self._result

    def status(self, accepted: bool = False, message: str | None = None) -> WizardStatus:
        rows, cols = self.grid
        corners = () if self._last_view is None else tuple(
            (round(float(x), 1), round(float(y), 1)) for x, y in self._last_view.image_points_px)
        return WizardStatus(
            accepted=accepted, done=self.done,
            message=message or ("calibration finished" if self.done
                                else self._next_instruction()),
            views=len(self._views), cells_covered=len(self._cells), cells_total=rows * cols,
            tilts_covered=tuple(t for t in TILTS if t in self._tilts), rms_px=self._last_rms,
            covered_cells=frozenset(self._cells), grid_rows_cols=self.grid,
            board_corners_px=corners)

    def add(self, frame_bgr: np.ndarray) -> WizardStatus:
        """Look at one frame; keep it when it is sharp and adds coverage."""
        if self.done:
            return self.status()
        h, w = frame_bgr.shape[:2]
        if self._size_wh is None:
            self._size_wh = (w, h)
        elif (w, h) != self._size_wh:
            raise CalibrationFailed(
                f"the camera changed resolution from {self._size_wh[0]}x{self._size_wh[1]} "
                f"to {w}x{h} during calibration")
        self._frame_count += 1
        grey = frame_bgr if frame_bgr.ndim == 2 else cv2.cvtColor(frame_bgr, cv2.COLOR_BGR2GRAY)
        view = self._detector.detect(grey, source=f"frame {self._frame_count}")
        previous, self._previous = self._previous, view
        self._last_view = view
        if view is None:
            return self.status(message="show the whole board to the camera, flat and well lit")
        if not _is_still(previous, view, self.still_px):
            return self.status(message="hold the board still")
        if _sharpness(grey, view) < self.min_sharpness:
            return self.status(message="the picture is blurred: hold still or add light")

        cells = self._cells_of(view)
        tilt = self._tilt_of(view)
        new_cells = cells - self._cells
        new_tilt = tilt is not None and tilt not in self._tilts
        coverage_complete = self._coverage_complete()
        if not new_cells and not new_tilt and not (coverage_complete
                                                   and self._differs_from_kept(view)):
            return self.status(message=f"{self._next_instruction()} (this view adds nothing new)")
        self._views.append(view)
        self._cells |= cells
        if tilt is not None:
            self._tilts.add(tilt)
        self._previous = None  # the next view must be held still again, not this one reused
        if self._coverage_complete() and len(self._views) >= self.min_views:
            self._try_to_finish()
        return self.status(accepted=True)

    # -- coverage ---------------------------------------------------------------------

    @property
    def _frame_size_wh(self) -> tuple[int, int]:
        """The frames' size, known from the first frame on (no view is kept before it)."""
        assert self._size_wh is not None
        return self._size_wh

    def _coverage_complete(self) -> bool:
        rows, cols = self.grid
        return len(self._cells) == rows * cols and self._tilts >= set(TILTS)

    def _cells_of(self, view: BoardView) -> set[tuple[int, int]]:
        w, h = self._frame_size_wh
        rows, cols = self.grid
        r = np.clip((view.image_points_px[:, 1] / h * rows).astype(int), 0, rows - 1)
        c = np.clip((view.image_points_px[:, 0] / w * cols).astype(int), 0, cols - 1)
        cells, counts = np.unique(np.column_stack([r, c]), axis=0, return_counts=True)
        return {(int(a), int(b)) for (a, b), n in zip(cells, counts, strict=True)
                if n >= self.min_corners_in_cell}

    def _guess_k(self) -> tuple[np.ndarray, np.ndarray]:
        if self._result is not None:
            return self._result.intrinsics.k_3x3, self._result.intrinsics.dist_coeffs
        w, h = self._frame_size_wh
        # Before any calibration a ~60 degree field of view is assumed: the tilt's
        # direction, which is all that is used here, barely depends on the focal length.
        f = 0.87 * max(w, h)
        return np.array([[f, 0, (w - 1) / 2], [0, f, (h - 1) / 2], [0, 0, 1.0]]), np.zeros(5)

    def _normal_of(self, view: BoardView) -> np.ndarray | None:
        k, dist = self._guess_k()
        ok, rvec, _ = cv2.solvePnP(view.object_points_mm, view.image_points_px, k, dist,
                                   flags=cv2.SOLVEPNP_IPPE)
        if not ok:
            return None
        r, _ = cv2.Rodrigues(rvec)
        n = r[:, 2]  # board z axis in the camera frame
        return -n if n[2] > 0 else n  # the face, pointing back at the camera

    def _tilt_of(self, view: BoardView) -> str | None:
        n = self._normal_of(view)
        if n is None:
            return None
        tilt_deg = math.degrees(math.acos(min(1.0, abs(n[2]))))
        if tilt_deg < self.min_tilt_deg:
            return None
        # Both components count: a board tilted purely sideways covers neither diagonal.
        tilt_x = math.degrees(math.atan2(n[0], -n[2]))
        tilt_y = math.degrees(math.atan2(n[1], -n[2]))
        if min(abs(tilt_x), abs(tilt_y)) < self.min_tilt_deg / 2:
            return None
        vertical = "top" if tilt_y < 0 else "bottom"
        horizontal = "left" if tilt_x < 0 else "right"
        return f"{vertical}-{horizontal}"

    def _differs_from_kept(self, view: BoardView) -> bool:
        """Once covered, further views are kept only when they are not near-duplicates."""
        centre = view.image_points_px.mean(axis=0)
        w, h = self._frame_size_wh
        n = self._normal_of(view)
        for kept in self._views:
            if np.linalg.norm(kept.image_points_px.mean(axis=0) - centre) > 0.1 * max(w, h):
                continue
            m = self._normal_of(kept)
            if n is None or m is None or math.degrees(
                    math.acos(float(np.clip(abs(n @ m), -1, 1)))) < 8.0:
                return False
        return True

    def _next_instruction(self) -> str:
        rows, cols = self.grid
        # Corners first, then edges, then the middle: corners are what calibrations lack.
        order = sorted(((r, c) for r in range(rows) for c in range(cols)),
                       key=lambda rc: -(abs(rc[0] - (rows - 1) / 2) + abs(rc[1] - (cols - 1) / 2)))
        for cell in order:
            if cell not in self._cells:
                words = _CELL_WORDS.get(cell, f"to row {cell[0] + 1}, column {cell[1] + 1}")
                return f"move the board {words} of the picture"
        for tilt in TILTS:
            if tilt not in self._tilts:
                return f"tilt the board toward the {tilt} corner"
        if len(self._views) < self.min_views:
            return (f"keep showing the board in new places and angles "
                    f"({len(self._views)} of {self.min_views} views)")
        return "keep showing the board in new places and angles: the result is not sharp yet"

    # -- finishing --------------------------------------------------------------------

    def _try_to_finish(self) -> None:
        try:
            result = calibrate_views(self._views, self._frame_size_wh, self.board,
                                     min_views=self.min_views)
        except CalibrationFailed:
            # A degenerate set (OpenCV gave up): keep collecting; more views will do.
            self._last_rms = None
            return
        self._last_rms = result.rms_px
        if result.rms_px <= self.target_rms_px:
            self._result = result
            return
        # Too rough: forget the views the calibration dropped and collect more.
        dropped = set(result.views_dropped)
        self._views = [v for v in self._views if v.source not in dropped]
        self._recount()

    def _recount(self) -> None:
        self._cells, self._tilts = set(), set()
        for v in self._views:
            self._cells |= self._cells_of(v)
            tilt = self._tilt_of(v)
            if tilt is not None:
                self._tilts.add(tilt)


def _is_still(previous: BoardView | None, view: BoardView, still_px: float) -> bool:
    if previous is None:
        return False
    common, a, b = np.intersect1d(previous.corner_ids, view.corner_ids, return_indices=True)
    if len(common) < 4:
        return False
    moved = np.linalg.norm(previous.image_points_px[a] - view.image_points_px[b], axis=1)
    return float(np.max(moved)) <= still_px


def _sharpness(grey: np.ndarray, view: BoardView) -> float:
    """Edge sharpness in the board's box, independent of its contrast and lighting.

    The mean gradient magnitude at the strongest edges divided by the contrast: a sharp
    black/white edge changes by most of the contrast within a pixel or two; blur spreads
    the change and lowers the ratio.
    """
    x0, y0 = np.floor(view.image_points_px.min(axis=0)).astype(int)
    x1, y1 = np.ceil(view.image_points_px.max(axis=0)).astype(int)
    h, w = grey.shape[:2]
    roi = grey[max(0, y0):min(h, y1 + 1), max(0, x0):min(w, x1 + 1)].astype(np.float32)
    if roi.size < 100:
        return 0.0
    gx = cv2.Sobel(roi, cv2.CV_32F, 1, 0, ksize=3) / 8.0
    gy = cv2.Sobel(roi, cv2.CV_32F, 0, 1, ksize=3) / 8.0
    mag = np.sqrt(gx * gx + gy * gy)
    contrast = float(np.percentile(roi, 95) - np.percentile(roi, 5))
    if contrast < 20:
        return 0.0
    return float(np.percentile(mag, 99)) / contrast
