"""Camera intrinsics from views of a calibration board.

``calibrate_views`` runs OpenCV's ``calibrateCamera`` on board views, measures each view's
reprojection error and drops views that disagree with the rest (a blurred or misdetected
board pulls the focal length), then calibrates again on the views it kept.
``calibrate_images`` does the same from image files, refusing unreadable files, images of
different sizes and sets where the board is found too rarely.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import cv2
import numpy as np

from calibration.boards import BoardDetector, BoardSpec, BoardView
from calibration.camera import CameraCalibration, Intrinsics
from calibration.errors import CalibrationFailed, CalibrationInvalid, ImageUnreadable
from calibration.image_header import check_image_file

# Below this many views the focal length, centre and distortion are not pinned down.
MIN_VIEWS = 4
# A view is an outlier when its error is this many times the median view error and above
# OUTLIER_FLOOR_PX (a sharp real board reprojects to a few tenths of a pixel).
OUTLIER_FACTOR = 3.0
OUTLIER_FLOOR_PX = 1.0


@dataclass(frozen=True, eq=False)
class IntrinsicsResult:
    """A calibration and how good it is."""

    intrinsics: Intrinsics
    rms_px: float
    board: BoardSpec
    views_used: tuple[str, ...]
    view_errors_px: tuple[float, ...]  # per used view, same order
    views_dropped: tuple[str, ...] = ()  # outliers removed
    views_without_board: tuple[str, ...] = ()
    rvecs: tuple[np.ndarray, ...] = field(default=(), repr=False)
    tvecs_mm: tuple[np.ndarray, ...] = field(default=(), repr=False)

    def to_calibration(self, camera_id: str | None = None) -> CameraCalibration:
        return CameraCalibration(
            intrinsics=self.intrinsics, rms_px=self.rms_px, board=str(self.board),
            views=len(self.views_used),
            created_at=datetime.now(UTC).isoformat(timespec="seconds"), camera_id=camera_id)

    def summary(self) -> dict:
        i = self.intrinsics
        return {
            "rms_px": round(self.rms_px, 4),
            "fx": round(i.fx, 3), "fy": round(i.fy, 3),
            "cx": round(i.cx, 3), "cy": round(i.cy, 3),
            "dist_coeffs": [round(float(v), 6) for v in i.dist_coeffs],
            "image_size_wh": list(i.image_size_wh),
            "board": str(self.board),
            "views_used": list(self.views_used),
            "view_errors_px": [round(e, 4) for e in self.view_errors_px],
            "views_dropped": list(self.views_dropped),
            "views_without_board": list(self.views_without_board),
        }


def _calibrate_once(views: Sequence[BoardView], image_size_wh: tuple[int, int], flags: int):
    obj = [v.object_points_mm.astype(np.float32).reshape(-1, 1, 3) for v in views]
    img = [v.image_points_px.astype(np.float32).reshape(-1, 1, 2) for v in views]
    w, h = image_size_wh
    # A first guess with a plausible focal length helps partial ChArUco views converge.
    k0 = np.array([[max(w, h), 0, (w - 1) / 2], [0, max(w, h), (h - 1) / 2], [0, 0, 1]],
                  dtype=np.float64)
    criteria = (cv2.TERM_CRITERIA_COUNT + cv2.TERM_CRITERIA_EPS, 100, 1e-9)
    try:
        rms, k, dist, rvecs, tvecs, _, _, per_view = cv2.calibrateCameraExtended(
            obj, img, (w, h), k0, np.zeros(5), flags=flags | cv2.CALIB_USE_INTRINSIC_GUESS,
            criteria=criteria)
    except cv2.error as exc:
        raise CalibrationFailed(
            f"the camera could not be calibrated from these views ({exc.err})") from None
    return float(rms), k, dist.reshape(-1), rvecs, tvecs, per_view.reshape(-1)


def calibrate_views(views: Sequence[BoardView], image_size_wh: tuple[int, int],
                    board: BoardSpec, *, min_views: int = MIN_VIEWS,
                    fix_k3: bool = False,
                    views_without_board: Sequence[str] = ()) -> IntrinsicsResult:
    """Calibrate from board views, dropping outlier views one at a time.

    ``fix_k3`` keeps the sixth-order radial term at zero: with few or central views it
    otherwise soaks up noise and swings the focal length.
    """
    views = list(views)
    if len(views) < min_views:
        raise CalibrationFailed(
            f"too few views: the board was found in {len(views)} image(s), "
            f"at least {min_views} are needed")
    flags = cv2.CALIB_FIX_K3 if fix_k3 else 0
    dropped: list[str] = []
    while True:
        rms, k, dist, rvecs, tvecs, per_view = _calibrate_once(views, image_size_wh, flags)
        worst = int(np.argmax(per_view))
        median = float(np.median(per_view))
        if (len(views) <= min_views
                or per_view[worst] <= max(OUTLIER_FLOOR_PX, OUTLIER_FACTOR * median)):
            break
        dropped.append(views[worst].source or f"view {worst + 1}")
        views.pop(worst)
    try:
        intrinsics = Intrinsics(image_size_wh=(image_size_wh[0], image_size_wh[1]), k_3x3=k,
                                dist_coeffs=dist)
    except CalibrationInvalid as exc:
        raise CalibrationFailed(f"the calibration came out implausible: {exc}") from None
    return IntrinsicsResult(
        intrinsics=intrinsics, rms_px=rms, board=board,
        views_used=tuple(v.source or f"view {i + 1}" for i, v in enumerate(views)),
        view_errors_px=tuple(float(e) for e in per_view), views_dropped=tuple(dropped),
        views_without_board=tuple(views_without_board),
        rvecs=tuple(r.reshape(3) for r in rvecs), tvecs_mm=tuple(t.reshape(3) for t in tvecs))


def read_image(path: str | os.PathLike) -> np.ndarray:
    """Read an image file as BGR; refuse what is not one with one sentence."""
    path = Path(path)
    if not path.is_file():
        raise ImageUnreadable(f"image {path} does not exist")
    check_image_file(path)  # before decoding: a small file can hold a huge image
    data = np.fromfile(str(path), dtype=np.uint8)
    image = cv2.imdecode(data, cv2.IMREAD_COLOR) if data.size else None
    if image is None:
        raise ImageUnreadable(f"{path} is not an image OpenCV can read")
    return image


def calibrate_images(paths: Sequence[str | os.PathLike], board: BoardSpec, *,
                     min_views: int = MIN_VIEWS, fix_k3: bool = False) -> IntrinsicsResult:
    """Find the board in each image and calibrate; every refusal is one sentence."""
    if not paths:
        raise CalibrationFailed("no images were given")
    detector = BoardDetector(board)
    views: list[BoardView] = []
    missing: list[str] = []
    size_wh: tuple[int, int] | None = None
    first = ""
    for p in sorted(str(p) for p in paths):
        image = read_image(p)
        h, w = image.shape[:2]
        if size_wh is None:
            size_wh, first = (w, h), p
        elif (w, h) != size_wh:
            raise CalibrationFailed(
                f"images differ in size: {Path(first).name} is {size_wh[0]}x{size_wh[1]} "
                f"but {Path(p).name} is {w}x{h}; one camera, one resolution")
        view = detector.detect(image, source=Path(p).name)
        if view is None:
            missing.append(Path(p).name)
        else:
            views.append(view)
    if not views:
        raise CalibrationFailed(
            f"no {board.kind} {board} was found in any of the {len(paths)} image(s)")
    assert size_wh is not None
    return calibrate_views(views, size_wh, board, min_views=min_views, fix_k3=fix_k3,
                           views_without_board=missing)
