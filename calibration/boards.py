"""Calibration boards: the spec string staff type, and finding a board in an image.

Two kinds of board, written as one spec string each:

- ``checkerboard:COLSxROWS:SQUARE_MM`` — COLS x ROWS *inner corners* (OpenCV's pattern
  size; OpenCV's sample board is ``checkerboard:9x6:25``).
- ``charuco:COLSxROWS:SQUARE_MM:MARKER_MM:DICT`` — COLS x ROWS *squares* (OpenCV's
  CharucoBoard size), e.g. ``charuco:7x5:40:30:DICT_5X5_100``.

A ChArUco board can be seen in part (each corner is identified), which is what a live
wizard needs to cover the image's edges; a checkerboard must be seen whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import cv2
import numpy as np

from calibration.errors import BoardSpecInvalid

# Fewer ChArUco corners than this in one view pin down too little of the board.
MIN_CHARUCO_CORNERS = 8

_SPEC_CHECKER = re.compile(r"^checkerboard:(\d+)x(\d+):([0-9.]+)$", re.IGNORECASE)
_SPEC_CHARUCO = re.compile(r"^charuco:(\d+)x(\d+):([0-9.]+):([0-9.]+):(DICT_\w+)$",
                           re.IGNORECASE)


@dataclass(frozen=True)
class BoardSpec:
    """A calibration board; ``cols``/``rows`` are inner corners (checkerboard) or squares."""

    kind: str  # "checkerboard" | "charuco"
    cols: int
    rows: int
    square_mm: float
    marker_mm: float | None = None
    dictionary: str | None = None

    def __str__(self) -> str:
        if self.kind == "checkerboard":
            return f"checkerboard:{self.cols}x{self.rows}:{self.square_mm:g}"
        return (f"charuco:{self.cols}x{self.rows}:{self.square_mm:g}:{self.marker_mm:g}:"
                f"{self.dictionary}")

    @property
    def corner_grid(self) -> tuple[int, int]:
        """Inner corners (cols, rows) of the board."""
        if self.kind == "checkerboard":
            return self.cols, self.rows
        return self.cols - 1, self.rows - 1

    @property
    def corner_count(self) -> int:
        c, r = self.corner_grid
        return c * r

    @property
    def size_mm(self) -> tuple[float, float]:
        """Width and height of the squared area (mm)."""
        if self.kind == "checkerboard":
            return (self.cols + 1) * self.square_mm, (self.rows + 1) * self.square_mm
        return self.cols * self.square_mm, self.rows * self.square_mm

    def corner_points_mm(self) -> np.ndarray:
        """All inner corners (N x 3, z = 0) in detection order (row-major, ids for ChArUco)."""
        c, r = self.corner_grid
        if self.kind == "charuco":
            return np.asarray(self.charuco_board().getChessboardCorners(), dtype=np.float64)
        grid = np.mgrid[0:c, 0:r].T.reshape(-1, 2) * self.square_mm
        return np.column_stack([grid, np.zeros(len(grid))]).astype(np.float64)

    def charuco_board(self) -> cv2.aruco.CharucoBoard:
        if self.kind != "charuco":
            raise BoardSpecInvalid(f"{self} is not a ChArUco board")
        # A ChArUco spec has both (``parse_board_spec`` refuses one without).
        assert self.dictionary is not None and self.marker_mm is not None
        dictionary = cv2.aruco.getPredefinedDictionary(getattr(cv2.aruco, self.dictionary))
        return cv2.aruco.CharucoBoard((self.cols, self.rows), self.square_mm, self.marker_mm,
                                      dictionary)


def parse_board_spec(text: str) -> BoardSpec:
    """Parse a board spec string; refuse anything unclear with one sentence."""
    text = (text or "").strip()
    m = _SPEC_CHECKER.match(text)
    if m:
        cols, rows, square = int(m[1]), int(m[2]), float(m[3])
        if cols < 2 or rows < 2 or square <= 0:
            raise BoardSpecInvalid(
                f"board {text!r}: need at least 2x2 inner corners and a positive square size")
        if cols == rows:
            # A square grid has no defined orientation: corners could be numbered rotated.
            raise BoardSpecInvalid(
                f"board {text!r}: a checkerboard needs different column and row counts")
        return BoardSpec("checkerboard", cols, rows, square)
    m = _SPEC_CHARUCO.match(text)
    if m:
        cols, rows, square, marker = int(m[1]), int(m[2]), float(m[3]), float(m[4])
        dictionary = m[5].upper()
        if not hasattr(cv2.aruco, dictionary):
            raise BoardSpecInvalid(f"board {text!r}: unknown ArUco dictionary {dictionary}")
        if cols < 3 or rows < 3 or square <= 0 or not 0 < marker < square:
            raise BoardSpecInvalid(
                f"board {text!r}: need at least 3x3 squares and 0 < marker size < square size")
        spec = BoardSpec("charuco", cols, rows, square, marker, dictionary)
        n_markers = (cols * rows) // 2
        dict_size = cv2.aruco.getPredefinedDictionary(getattr(cv2.aruco, dictionary))\
            .bytesList.shape[0]
        if n_markers > dict_size:
            raise BoardSpecInvalid(
                f"board {text!r}: {n_markers} markers do not fit in {dictionary}")
        return spec
    raise BoardSpecInvalid(
        f"board {text!r} is not understood; write checkerboard:COLSxROWS:SQUARE_MM or "
        "charuco:COLSxROWS:SQUARE_MM:MARKER_MM:DICT")


@dataclass(frozen=True, eq=False)
class BoardView:
    """One board seen in one image: matched corners, pixels and board millimetres."""

    image_points_px: np.ndarray  # N x 2
    object_points_mm: np.ndarray  # N x 3, z = 0
    corner_ids: np.ndarray  # N, index into BoardSpec.corner_points_mm()
    source: str = ""

    @property
    def corner_count(self) -> int:
        return len(self.image_points_px)


class BoardDetector:
    """Finds one board in images, with sub-pixel corners."""

    def __init__(self, spec: BoardSpec) -> None:
        self.spec = spec
        self._object_mm = spec.corner_points_mm()
        if spec.kind == "charuco":
            self._board = spec.charuco_board()
            charuco_params = cv2.aruco.CharucoParameters()
            detector_params = cv2.aruco.DetectorParameters()
            # ChArUco corners are refined on the chessboard corners themselves; marker
            # corners only need to be good enough to interpolate from.
            detector_params.cornerRefinementMethod = cv2.aruco.CORNER_REFINE_NONE
            self._charuco = cv2.aruco.CharucoDetector(self._board, charuco_params,
                                                      detector_params)

    def detect(self, image: np.ndarray, source: str = "") -> BoardView | None:
        """The board's corners in ``image`` (BGR or grey), or None when it is not found."""
        grey = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        if self.spec.kind == "checkerboard":
            return self._detect_checkerboard(grey, source)
        return self._detect_charuco(grey, source)

    def _detect_checkerboard(self, grey: np.ndarray, source: str) -> BoardView | None:
        pattern = self.spec.corner_grid
        flags = cv2.CALIB_CB_ADAPTIVE_THRESH | cv2.CALIB_CB_NORMALIZE_IMAGE
        found, corners = cv2.findChessboardCorners(grey, pattern, flags=flags)
        if not found:
            return None
        corners = corners.reshape(-1, 2).astype(np.float32)
        win = _subpix_window(corners, pattern)
        corners = cv2.cornerSubPix(
            grey, corners.reshape(-1, 1, 2), (win, win), (-1, -1),
            (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 50, 0.001)).reshape(-1, 2)
        ids = np.arange(len(corners))
        return BoardView(corners.astype(np.float64), self._object_mm.copy(), ids, source)

    def _detect_charuco(self, grey: np.ndarray, source: str) -> BoardView | None:
        corners, ids, _, _ = self._charuco.detectBoard(grey)
        if ids is None or len(ids) < MIN_CHARUCO_CORNERS:
            return None
        ids = ids.reshape(-1).astype(int)
        corners = corners.reshape(-1, 2).astype(np.float32)
        # The detector's own refinement window is fixed; refine again with one scaled to
        # the squares' size so small and large boards both get true sub-pixel corners.
        # The window must stay inside the white margin around each marker, or the marker's
        # black border pulls the corner: (square - marker) / 2 of each square.
        assert self.spec.marker_mm is not None  # a ChArUco spec has one
        margin = (self.spec.square_mm - self.spec.marker_mm) / (2.0 * self.spec.square_mm)
        win = int(np.clip(_min_spacing_px(corners) * margin, 2, 11))
        corners = cv2.cornerSubPix(
            grey, corners.reshape(-1, 1, 2), (win, win), (-1, -1),
            (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 50, 0.001)).reshape(-1, 2)
        obj = self._object_mm[ids]
        if not _spans_plane(obj):
            return None  # corners on one line fix nothing about the focal length
        return BoardView(corners.astype(np.float64), obj, ids, source)


def _min_spacing_px(corners: np.ndarray) -> float:
    if len(corners) < 2:
        return 10.0
    d = np.linalg.norm(corners[:, None, :] - corners[None, :, :], axis=2)
    d[d == 0] = np.inf
    return float(np.min(d))


def _subpix_window_from_spacing(spacing_px: float) -> int:
    # Half-window about a third of the square so the window never reaches the next corner.
    return int(np.clip(spacing_px / 3.0, 2, 11))


def _subpix_window(corners: np.ndarray, pattern: tuple[int, int]) -> int:
    cols, _ = pattern
    grid = corners.reshape(-1, cols, 2)
    spacing = min(float(np.min(np.linalg.norm(np.diff(grid, axis=1), axis=2))),
                  float(np.min(np.linalg.norm(np.diff(grid, axis=0), axis=2)))
                  if grid.shape[0] > 1 else np.inf)
    return _subpix_window_from_spacing(spacing)


def _spans_plane(points_mm: np.ndarray) -> bool:
    centred = points_mm[:, :2] - points_mm[:, :2].mean(axis=0)
    s = np.linalg.svd(centred, compute_uv=False)
    return bool(len(s) == 2 and s[1] > 0.15 * s[0])
