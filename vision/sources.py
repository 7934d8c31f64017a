"""Frame sources: a live camera, a recorded video, still images and an in-memory generator.

All four implement ``vision.protocols.FrameSource``, so the kiosk, the demo mode, the
``measure`` command and the tests run the same pipeline whatever the frames come from.

Every frame carries a strictly increasing ``index`` (0, 1, 2, ... per source) and a
monotonic ``timestamp_s``: for the camera and for paced (``realtime``) playback it is
``time.monotonic()``; for unpaced files and generators it is media time (index / fps), so
tests are deterministic and a looped video keeps counting forward instead of jumping back.

A source never blocks forever. The camera is read by one grabber thread that keeps only
the latest frame (a slow consumer drops frames, it never queues them); ``read`` waits for a
newer frame at most ``timeout_s`` and then raises ``CameraUnavailable``.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

from calibration.image_header import check_image_file, check_image_size
from fitting.errors import InputInvalid
from vision.arrays import ImageBGR
from vision.errors import CameraUnavailable, VideoUnreadable
from vision.protocols import FrameSource
from vision.types import Frame

# The non-headless cv2 wheel points Qt at its own plugins on import; PySide6 must not see it.
os.environ.pop("QT_QPA_PLATFORM_PLUGIN_PATH", None)

# A fitting's recording is seconds long: anything far longer is not one.
MAX_VIDEO_FRAMES = 20_000
MAX_VIDEO_S = 15 * 60.0


class VideoTooLong(InputInvalid):
    """A video with more frames, or minutes, than any fitting's recording."""


IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".webp"})

_ROTATIONS = {
    0: None,
    90: cv2.ROTATE_90_CLOCKWISE,
    180: cv2.ROTATE_180,
    270: cv2.ROTATE_90_COUNTERCLOCKWISE,
}


def _rotation_code(rotate_deg: int) -> int | None:
    if rotate_deg not in _ROTATIONS:
        raise InputInvalid(f"rotation must be 0, 90, 180 or 270 degrees, not {rotate_deg}")
    return _ROTATIONS[rotate_deg]


def _check_bgr(image: object, where: str) -> ImageBGR:
    """Refuse anything that is not an H x W x 3 uint8 image (our frames are BGR, 8-bit)."""
    if not isinstance(image, np.ndarray) or image.dtype != np.uint8 or image.ndim != 3 \
            or image.shape[2] != 3 or image.shape[0] < 2 or image.shape[1] < 2:
        shape = getattr(image, "shape", None)
        dtype = getattr(image, "dtype", type(image).__name__)
        raise InputInvalid(f"{where} is not an H x W x 3 8-bit BGR image "
                           f"(shape {shape}, type {dtype})")
    return image


class VideoCaptureLike(Protocol):
    """The part of ``cv2.VideoCapture`` the sources use (lets tests inject a fake camera)."""

    def isOpened(self) -> bool: ...

    def read(self) -> tuple[bool, cv2.typing.MatLike | None]: ...

    def set(self, prop_id: int, value: float) -> bool: ...

    def get(self, prop_id: int) -> float: ...

    def release(self) -> None: ...


def _open_capture(device: int | str) -> VideoCaptureLike:
    return cv2.VideoCapture(device)


# Pixel formats a store may ask the camera for (V4L2 four-character codes). Uncompressed
# YUYV halves the colour resolution across each row; MJPEG also quantises in 8-pixel
# blocks, which moves faint leg edges: on the development scenes cC MAE 3.07 mm lossless,
# 3.37 with colour at half resolution, 3.72 as JPEG of quality 85, and 2 -> 3 -> 4 girths
# off by more than 8 mm (``bench/accuracy.py --frames``). So YUYV where the camera gives
# it fast enough, else MJPEG at the camera's best quality.
PIXEL_FORMATS = ("YUYV", "MJPG")


def fourcc_text(code: float) -> str:
    """The four characters of a ``CAP_PROP_FOURCC`` value ("" when the driver gives none)."""
    n = int(code)
    text = "".join(chr((n >> (8 * i)) & 0xFF) for i in range(4))
    return text if n > 0 and text.isprintable() and text.strip() else ""


class CameraSource:
    """A live camera (index such as 0, or a device path such as /dev/video2).

    ``size_wh`` asks the driver for a resolution (the camera may refuse; the frames say what
    it gave). ``pixel_format`` asks for one of ``PIXEL_FORMATS`` (None: the driver's
    default); ``describe`` says what the camera agreed to. ``rotate_deg`` turns each frame
    clockwise (a camera mounted on its side for a portrait view). Opening fails at once
    with ``CameraUnavailable``; a camera that stops delivering makes ``read`` raise
    ``CameraUnavailable`` within ``timeout_s``.

    One grabber thread owns the capture (OpenCV captures are not thread-safe) and keeps only
    the newest frame; ``close`` stops and joins it.
    """

    def __init__(self, index_or_path: int | str, size_wh: tuple[int, int] | None = None,
                 rotate_deg: int = 0, open_timeout_s: float = 5.0,
                 capture_factory: Callable[[int | str], VideoCaptureLike] = _open_capture,
                 pixel_format: str | None = None):
        if pixel_format is not None and pixel_format not in PIXEL_FORMATS:
            raise InputInvalid(f"camera pixel format must be one of {', '.join(PIXEL_FORMATS)}, "
                               f"not {pixel_format!r}")
        self._rotation = _rotation_code(rotate_deg)
        self._asked_format = pixel_format
        self._device = index_or_path
        self._cond = threading.Condition()
        self._latest: ImageBGR | None = None
        self._latest_t = 0.0
        self._latest_seq = 0
        self._returned_seq = 0
        self._index = 0
        self._failure: str | None = None
        self._stop = threading.Event()
        self._capture = self._open(index_or_path, capture_factory, open_timeout_s)
        # The format before the size: V4L2 drivers offer sizes per format.
        if pixel_format is not None:
            self._capture.set(cv2.CAP_PROP_FOURCC, float(cv2.VideoWriter.fourcc(*pixel_format)))
        if size_wh is not None:
            self._capture.set(cv2.CAP_PROP_FRAME_WIDTH, float(size_wh[0]))
            self._capture.set(cv2.CAP_PROP_FRAME_HEIGHT, float(size_wh[1]))
        self._description = self._describe_capture()
        self._thread = threading.Thread(target=self._grab_loop, name=f"camera-{index_or_path}",
                                        daemon=True)
        self._thread.start()

    @staticmethod
    def _open(device: int | str, factory: Callable[[int | str], VideoCaptureLike],
              open_timeout_s: float) -> VideoCaptureLike:
        # Some drivers hang in open(); do it on a helper thread with a deadline.
        opened: list[VideoCaptureLike] = []
        failed: list[Exception] = []

        def target() -> None:
            try:
                opened.append(factory(device))
            except Exception as exc:  # a vendor backend may raise anything; report it plainly
                failed.append(exc)

        opener = threading.Thread(target=target, name="camera-open", daemon=True)
        opener.start()
        opener.join(open_timeout_s)
        if opener.is_alive():
            raise CameraUnavailable(f"camera {device} did not open within {open_timeout_s:g} s")
        if failed:
            raise CameraUnavailable(f"camera {device} cannot be opened: {failed[0]}")
        capture = opened[0]
        if not capture.isOpened():
            capture.release()
            raise CameraUnavailable(f"camera {device} cannot be opened (not connected or busy)")
        return capture

    def _describe_capture(self) -> str:
        """What the driver agreed to (read before the grabber thread owns the capture)."""
        w = int(self._capture.get(cv2.CAP_PROP_FRAME_WIDTH))
        h = int(self._capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
        got = fourcc_text(self._capture.get(cv2.CAP_PROP_FOURCC))
        parts = [f"camera {self._device}"]
        if w > 0 and h > 0:
            parts.append(f"{w}x{h}")
        if got:
            parts.append(got)
        if self._asked_format is not None and got != self._asked_format:
            parts.append(f"({self._asked_format} was asked for; the camera "
                         f"{'gives ' + got if got else 'does not say what it gives'})")
        return " ".join(parts)

    def describe(self) -> str:
        """One line for staff: the device, its frame size and pixel format as delivered."""
        return self._description

    def _grab_loop(self) -> None:
        try:
            while not self._stop.is_set():
                ok, image = self._capture.read()
                if self._stop.is_set():
                    break
                if not ok or image is None:
                    with self._cond:
                        self._failure = f"camera {self._device} stopped delivering frames"
                        self._cond.notify_all()
                    return
                grabbed_at = time.monotonic()  # when it arrived, not when it was asked for
                with self._cond:
                    self._latest = np.asarray(image, np.uint8)  # a camera's BGR: no copy
                    self._latest_t = grabbed_at
                    self._latest_seq += 1
                    self._cond.notify_all()
        finally:
            self._capture.release()

    def read(self, timeout_s: float = 2.0) -> Frame:
        """The newest frame not returned before; waits at most ``timeout_s``."""
        deadline = time.monotonic() + timeout_s
        with self._cond:
            while self._latest_seq == self._returned_seq:
                if self._failure is not None:
                    raise CameraUnavailable(self._failure)
                if self._stop.is_set():
                    raise CameraUnavailable(f"camera {self._device} is closed")
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise CameraUnavailable(
                        f"camera {self._device} delivered no frame for {timeout_s:g} s")
                self._cond.wait(remaining)
            image, grabbed_at = self._latest, self._latest_t
            self._returned_seq = self._latest_seq
        assert image is not None
        if self._rotation is not None:
            image = np.asarray(cv2.rotate(image, self._rotation), np.uint8)
        frame = Frame(image, grabbed_at, self._index)
        self._index += 1
        return frame

    def close(self) -> None:
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        # A driver stuck inside read() cannot be interrupted; the thread is a daemon then.
        self._thread.join(timeout=2.0)

    def __enter__(self) -> CameraSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class VideoFileSource:
    """Frames of a recorded video (the demo, ``legfit measure``, tests).

    ``loop`` restarts at the end (the kiosk's demo mode); ``realtime`` paces frames at the
    file's frame rate. A missing, corrupt or truncated file raises ``VideoUnreadable``:
    corrupt at once, truncated when the frames run out before the count the file declares.
    """

    def __init__(self, path: str | os.PathLike[str], loop: bool = False, realtime: bool = False,
                 rotate_deg: int = 0):
        self.path = Path(path)
        self._loop = loop
        self._realtime = realtime
        self._rotation = _rotation_code(rotate_deg)
        if not self.path.is_file():
            raise VideoUnreadable(f"video not found: {self.path}")
        self._capture = cv2.VideoCapture(str(self.path))
        if not self._capture.isOpened():
            self._capture.release()
            raise VideoUnreadable(f"video cannot be read (corrupt or not a video): {self.path}")
        fps = self._capture.get(cv2.CAP_PROP_FPS)
        self.fps = float(fps) if np.isfinite(fps) and 1.0 <= fps <= 1000.0 else 30.0
        count = self._capture.get(cv2.CAP_PROP_FRAME_COUNT)
        self.frame_count = int(count) if np.isfinite(count) and count > 0 else None
        try:
            self._check_size()
        except InputInvalid:
            self._capture.release()
            raise
        self._index = 0
        self._pos_in_file = 0
        self._started_at: float | None = None
        first = self._next_image()
        if first is None:
            self._capture.release()
            raise VideoUnreadable(f"video has no readable frame (corrupt or empty): {self.path}")
        self._pending: ImageBGR | None = first

    def _check_size(self) -> None:
        """Refuse what the container declares beyond any fitting's recording."""
        w = int(self._capture.get(cv2.CAP_PROP_FRAME_WIDTH) or 0)
        h = int(self._capture.get(cv2.CAP_PROP_FRAME_HEIGHT) or 0)
        check_image_size((w, h), f"each frame of {self.path}")
        if self.frame_count is None:
            return
        if self.frame_count > MAX_VIDEO_FRAMES:
            raise VideoTooLong(f"{self.path} has {self.frame_count} frames; LegFit reads "
                               f"videos of at most {MAX_VIDEO_FRAMES}")
        seconds = self.frame_count / self.fps
        if seconds > MAX_VIDEO_S:
            raise VideoTooLong(f"{self.path} lasts {seconds / 60:.0f} minutes; LegFit reads "
                               f"videos of at most {MAX_VIDEO_S / 60:.0f} minutes")

    def _next_image(self) -> ImageBGR | None:
        ok, image = self._capture.read()
        if not ok or image is None:
            return None
        self._pos_in_file += 1
        return np.asarray(image, np.uint8)  # (a decoded frame is uint8 BGR: no copy)

    def _check_complete(self) -> None:
        # Decoders stop quietly at a cut-off file; compare with what the container declares.
        # A container's count can be off by a frame or two, hence the slack.
        if self.frame_count is not None and self._pos_in_file < self.frame_count - 2:
            raise VideoUnreadable(
                f"video is truncated or corrupt: it ended at frame {self._pos_in_file} of "
                f"{self.frame_count}: {self.path}")

    def read(self, timeout_s: float = 2.0) -> Frame | None:
        """The next frame, or None at the end of a video that does not loop."""
        image = self._pending
        self._pending = None
        if image is None:
            image = self._next_image()
        if image is None:
            self._check_complete()
            if not self._loop or self._pos_in_file == 0:
                return None
            self._capture.set(cv2.CAP_PROP_POS_FRAMES, 0)
            self._pos_in_file = 0
            image = self._next_image()
            if image is None:
                raise VideoUnreadable(f"video cannot be restarted: {self.path}")
        if self._rotation is not None:
            image = np.asarray(cv2.rotate(image, self._rotation), np.uint8)
        if self._realtime:
            now = time.monotonic()
            if self._started_at is None:
                self._started_at = now
            due = self._started_at + self._index / self.fps
            if due > now:
                time.sleep(min(due - now, max(timeout_s, 0.0)))
            timestamp_s = time.monotonic()
        else:
            timestamp_s = self._index / self.fps
        frame = Frame(image, timestamp_s, self._index)
        self._index += 1
        return frame

    def close(self) -> None:
        self._capture.release()

    def __enter__(self) -> VideoFileSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_image(path: str | os.PathLike[str]) -> ImageBGR:
    """One image file as BGR uint8; ``VideoUnreadable`` when missing or not an image."""
    p = Path(path)
    if not p.is_file():
        raise VideoUnreadable(f"image not found: {p}")
    check_image_file(p)  # before decoding: a small file can hold a huge image
    image = cv2.imread(str(p), cv2.IMREAD_COLOR)
    if image is None:
        raise VideoUnreadable(f"image cannot be read (corrupt or not an image): {p}")
    return np.asarray(image, np.uint8)  # (IMREAD_COLOR gives uint8 BGR: no copy)


class ImageFilesSource:
    """Still images in the given order, as frames ``frame_period_s`` apart (media time).

    Each file is read when its turn comes, so a long list costs no memory up front; a
    missing or unreadable file raises ``VideoUnreadable`` naming it.
    """

    def __init__(self, paths: Sequence[str | os.PathLike[str]], frame_period_s: float = 1 / 15,
                 loop: bool = False):
        self.paths = tuple(Path(p) for p in paths)
        if not self.paths:
            raise InputInvalid("no image files given")
        missing = [p for p in self.paths if not p.is_file()]
        if missing:
            raise VideoUnreadable(f"image not found: {missing[0]}")
        self._period_s = frame_period_s
        self._loop = loop
        self._index = 0

    def read(self, timeout_s: float = 2.0) -> Frame | None:
        if self._index >= len(self.paths) and not self._loop:
            return None
        image = read_image(self.paths[self._index % len(self.paths)])
        frame = Frame(image, self._index * self._period_s, self._index)
        self._index += 1
        return frame

    def close(self) -> None:
        pass


class GeneratorSource:
    """Frames from any iterable of BGR images (tests, synthetic scenes, a composed scene).

    Items must be H x W x 3 uint8 arrays; anything else raises ``InputInvalid``. With
    ``fps`` None the timestamps are ``time.monotonic()``, else media time index / fps.
    """

    def __init__(self, images_bgr: Iterable[ImageBGR], fps: float | None = 15.0):
        self._images: Iterator[ImageBGR] = iter(images_bgr)
        self._fps = fps
        self._index = 0

    def read(self, timeout_s: float = 2.0) -> Frame | None:
        image = next(self._images, None)
        if image is None:
            return None
        image = _check_bgr(image, f"generator item {self._index}")
        ts = time.monotonic() if self._fps is None else self._index / self._fps
        frame = Frame(image, ts, self._index)
        self._index += 1
        return frame

    def close(self) -> None:
        close = getattr(self._images, "close", None)
        if callable(close):
            close()


def is_image_path(path: str | os.PathLike[str]) -> bool:
    return Path(path).suffix.lower() in IMAGE_SUFFIXES


def source_for_paths(paths: Sequence[str | os.PathLike[str]]) -> ImageFilesSource | VideoFileSource:
    """One source for a command line's PATH list: images in order, or exactly one video."""
    if not paths:
        raise InputInvalid("no image or video given")
    if all(is_image_path(p) for p in paths):
        return ImageFilesSource(paths)
    if len(paths) == 1:
        return VideoFileSource(paths[0])
    raise InputInvalid("give either image files or exactly one video, not a mix")


def iter_frames(source: FrameSource, timeout_s: float = 2.0) -> Iterator[Frame]:
    """Frames of a finite source until it ends (``read`` returns None)."""
    while True:
        frame = source.read(timeout_s)
        if frame is None:
            return
        yield frame
