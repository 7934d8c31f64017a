"""The kiosk's two worker threads: one owns the camera, one owns the vision pipeline.

Neither touches a widget. Each keeps only its LATEST output in a ``LatestSlot`` (a slot,
not a queue): the UI pulls frame and result on a timer, so a slow stage drops frames
instead of building a backlog, and the live view never lags behind the shopper.

- ``CameraWorker`` reads a ``FrameSource``. When the camera fails (unplugged, frozen
  driver) it reports it in ``status``, closes the source and opens a new one every
  ``retry_s`` until the camera is back. A recorded video can be paced to ``pace_fps``,
  or replayed in ``lockstep`` (the next frame only once the vision thread took the last
  one: every frame is measured, for the headless demo, whatever the machine's speed).
- ``VisionWorker`` takes the newest camera frame it has not seen, runs the pose model
  (for "is someone on the mat") or, while measuring, the leg measurer, and publishes a
  ``VisionUpdate``. The measurer is owned by this thread alone: the UI thread only sets
  requests (the expected stance, a reset) that the loop picks up.

Both are stopped with ``stop()`` and joined; ``stop_all`` does both in the right order.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Generic, Protocol, TypeVar

import cv2
import numpy as np

from calibration.intrinsics import IntrinsicsResult
from calibration.wizard import IntrinsicsWizard, WizardStatus
from fitting.errors import LegFitError
from fitting.measurement import Measurement
from fitting.stance import Stance
from vision.measurer import FrameReport, MeasurementResult
from vision.overlay import FrameOverlay
from vision.protocols import FrameSource, PoseEstimator
from vision.sources import CameraSource
from vision.stance import Guidance
from vision.types import Frame, PoseResult

T = TypeVar("T")


class LatestSlot(Generic[T]):
    """Holds one value and a sequence number; ``put`` replaces, never queues."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._value: T | None = None
        self._seq = 0
        self._taken = 0

    def put(self, value: T) -> None:
        with self._cond:
            self._value = value
            self._seq += 1
            self._cond.notify_all()

    def get(self) -> tuple[int, T | None]:
        """(sequence number, value); the number rises by one per ``put``."""
        with self._cond:
            return self._seq, self._value

    def wait_newer(self, seq: int, timeout_s: float) -> tuple[int, T | None]:
        """Wait until something newer than ``seq`` arrives (or the timeout passes)."""
        with self._cond:
            self._cond.wait_for(lambda: self._seq > seq, timeout=timeout_s)
            return self._seq, self._value

    def take_newer(self, seq: int, timeout_s: float) -> tuple[int, T | None]:
        """``wait_newer`` for the consumer: also records what it took (see ``wait_taken``)."""
        with self._cond:
            self._cond.wait_for(lambda: self._seq > seq, timeout=timeout_s)
            self._taken = self._seq
            self._cond.notify_all()
            return self._seq, self._value

    def wait_taken(self, seq: int, timeout_s: float) -> bool:
        """Wait until the consumer has taken value ``seq`` (lockstep replay)."""
        with self._cond:
            return self._cond.wait_for(lambda: self._taken >= seq, timeout=timeout_s)

    def wake(self) -> None:
        with self._cond:
            self._cond.notify_all()


@dataclass(frozen=True)
class CameraStatus:
    """How the camera is doing, for the flow and the staff screen."""

    ok: bool
    message: str = ""
    frames: int = 0
    failures: int = 0
    # What the source says it delivers (a camera: device, frame size, pixel format).
    source: str = ""


class _WorkerThread:
    """One daemon thread with a stop request; ``stop`` also wakes ``_wakes`` (the slot the
    thread may be waiting on), so a stop never waits for a timeout."""

    _wakes: LatestSlot[Frame]

    def _init_thread(self, name: str) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def _run(self) -> None:  # pragma: no cover - every worker defines its loop
        raise NotImplementedError

    def start(self):
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._wakes.wake()

    def join(self, timeout_s: float = 5.0) -> bool:
        if self._thread.is_alive():
            self._thread.join(timeout_s)
        return not self._thread.is_alive()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()


class CameraWorker(_WorkerThread):
    """Owns the frame source on its own thread; the newest frame waits in ``frames``."""

    def __init__(self, open_source: Callable[[], FrameSource], *, read_timeout_s: float = 2.0,
                 retry_s: float = 1.0, pace_fps: float | None = None,
                 lockstep: bool = False, display: bool = False,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._open_source = open_source
        self._read_timeout_s = read_timeout_s
        self._retry_s = retry_s
        self._pace_s = 1.0 / pace_fps if pace_fps else None
        self._lockstep = lockstep
        self._clock = clock
        self.frames: LatestSlot[Frame] = LatestSlot()
        # With ``display``, each frame also comes ready for the live view (see
        # ``display_view``), made here so the UI thread does not spend its time on it.
        self.display: LatestSlot[np.ndarray] | None = LatestSlot() if display else None
        self._display_scale = 1.0
        self._status = CameraStatus(ok=True, message="starting")
        self._status_lock = threading.Lock()
        self._wakes = self.frames
        self._init_thread("kiosk-camera")

    @property
    def status(self) -> CameraStatus:
        with self._status_lock:
            return self._status

    def _set_status(self, *, ok: bool | None = None, message: str | None = None,
                    frames: int | None = None, failures: int | None = None,
                    source: str | None = None) -> None:
        with self._status_lock:
            s = self._status
            self._status = CameraStatus(
                ok=s.ok if ok is None else ok,
                message=s.message if message is None else message,
                frames=s.frames if frames is None else frames,
                failures=s.failures if failures is None else failures,
                source=s.source if source is None else source)

    def set_display_scale(self, scale: float) -> None:
        """Scale of the live view's frames (1 = camera pixels; the screen shows no more)."""
        self._display_scale = float(min(1.0, max(0.1, scale)))

    @property
    def display_scale(self) -> float:
        return self._display_scale

    def _fail(self, message: str) -> None:
        s = self.status
        self._set_status(ok=False, message=message, failures=s.failures + 1)

    def _run(self) -> None:
        source: FrameSource | None = None
        next_due = self._clock()
        try:
            while not self._stop.is_set():
                if source is None:
                    try:
                        source = self._open_source()
                    except LegFitError as exc:
                        self._fail(str(exc))
                        self._stop.wait(self._retry_s)
                        continue
                    if isinstance(source, CameraSource):  # cameras say what they give
                        self._set_status(source=source.describe())
                try:
                    frame = source.read(self._read_timeout_s)
                except LegFitError as exc:  # CameraUnavailable, VideoUnreadable
                    self._fail(str(exc))
                    _close_quietly(source)
                    source = None
                    self._stop.wait(self._retry_s)
                    continue
                if frame is None:  # a finite source ended: nothing more will come
                    self._fail("the video has ended")
                    break
                if self._pace_s is not None:
                    next_due = max(next_due + self._pace_s, self._clock() - self._pace_s)
                    delay = next_due - self._clock()
                    if delay > 0 and self._stop.wait(delay):
                        break
                if self._lockstep:
                    seq = self.frames.get()[0]
                    while not self._stop.is_set() and not self.frames.wait_taken(seq, 0.1):
                        pass
                if self.display is not None:
                    self.display.put(display_view(frame.image_bgr, self._display_scale))
                self.frames.put(frame)
                s = self.status
                if not s.ok or s.message:
                    self._set_status(ok=True, message="", frames=s.frames + 1)
                else:
                    self._set_status(frames=s.frames + 1)
        finally:
            if source is not None:
                _close_quietly(source)


def display_view(image_bgr: np.ndarray, scale: float = 1.0) -> np.ndarray:
    """The frame for the live view: no more pixels than the screen shows.

    Made on the camera thread (OpenCV releases the GIL while it resizes), so the UI
    thread only hands a contiguous BGR array of the right size to the screen. At scale 1
    it is the camera's own array, which nothing changes after it is read.
    """
    if scale >= 1.0:
        return image_bgr
    h, w = image_bgr.shape[:2]
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    return cv2.resize(image_bgr, size, interpolation=cv2.INTER_AREA)


def _close_quietly(thing: FrameSource) -> None:
    # Closing a broken device must never take the kiosk down.
    with contextlib.suppress(Exception):
        thing.close()


class StanceMeasurer(Protocol):
    """The leg measurer as the kiosk drives it (``vision.measurer.LegMeasurer``).

    ``add`` reports on one frame (guidance, pose, progress, overlay); ``result()`` gives
    the measurement with everything behind it, or raises ``MeasurementRefused``.
    """

    def add(self, frame: Frame, expected: Stance) -> FrameReport: ...

    def stance_complete(self, stance: Stance) -> bool: ...

    def result(self) -> MeasurementResult: ...

    def reset(self) -> None: ...


@dataclass(frozen=True, eq=False)
class VisionUpdate:
    """What the vision thread publishes for one processed frame."""

    frame: Frame
    stance: Stance
    pose: PoseResult | None
    person_on_mat: bool
    guidance: Guidance | None = None
    accepted: bool = False
    progress: float = 0.0
    overlay: FrameOverlay | None = None
    front_complete: bool = False
    side_complete: bool = False
    measurement: Measurement | None = None
    result: MeasurementResult | None = None
    refused: str | None = None
    error: str | None = None
    processing_s: float = 0.0
    round: int = 0
    # While staff calibrate the camera: the intrinsics wizard's status for this frame and,
    # once it is done, its result.
    wizard: WizardStatus | None = None
    wizard_result: IntrinsicsResult | None = None


class VisionWorker(_WorkerThread):
    """Owns the pose model and the measurer on its own thread."""

    def __init__(self, frames: LatestSlot[Frame], estimator: PoseEstimator,
                 measurer: StanceMeasurer | None = None, *,
                 build_measurer: Callable[[], StanceMeasurer | None] | None = None,
                 clock: Callable[[], float] = time.perf_counter,
                 max_rate_hz: float | None = None) -> None:
        self._frames = frames
        # The live view and the pose model share two cores: capped, the model leaves the
        # painter its share instead of starving it (frames in between are simply skipped).
        self._min_period_s = 1.0 / max_rate_hz if max_rate_hz else 0.0
        self._estimator = estimator
        self._measurer = measurer
        # A measurer built on this thread when it starts (its imports and set-up cost the
        # UI thread nothing).
        self._build_measurer = build_measurer
        self._clock = clock
        self.updates: LatestSlot[VisionUpdate] = LatestSlot()
        self._lock = threading.Lock()
        self._expected = Stance.NONE
        self._round = 0
        self._reset_requested = False
        self._next_measurer: StanceMeasurer | None = None
        self._swap_requested = False
        self._wizard: IntrinsicsWizard | None = None
        self._wakes = frames
        self._init_thread("kiosk-vision")
        self.processed = 0

    def set_measurer(self, measurer: StanceMeasurer | None) -> None:
        """Swap the measurer (a new calibration); the thread picks it up at its next frame."""
        with self._lock:
            self._next_measurer = measurer
            self._swap_requested = True

    def calibrate(self, wizard: IntrinsicsWizard | None) -> None:
        """Feed frames to an intrinsics wizard (staff calibrating) instead of the pose
        model; None ends it. The wizard then belongs to this thread until it is ended."""
        with self._lock:
            self._wizard = wizard

    def measure(self, stance: Stance) -> None:
        """Measure this stance from now on (NONE: only watch for a person)."""
        with self._lock:
            self._expected = stance

    def reset(self) -> int:
        """Forget every frame measured so far (a new shopper, or measure again).

        Returns the new measuring round: updates of earlier rounds are stale.
        """
        with self._lock:
            self._reset_requested = True
            self._round += 1
            return self._round

    def _run(self) -> None:
        seen = 0
        # The round's result (or refusal) rides on every later update of that round: the
        # UI keeps only the newest update, so a one-off message could be overwritten
        # before the main thread looked.
        done_round = -1
        done = _RoundEnd()
        if self._build_measurer is not None and self._measurer is None:
            try:
                built = self._build_measurer()
            except Exception as exc:  # reported like any pipeline failure, never silent
                self.updates.put(VisionUpdate(frame=Frame(np.zeros((1, 1, 3), np.uint8),
                                                          0.0, -1),
                                              stance=Stance.NONE, pose=None,
                                              person_on_mat=False,
                                              error=f"the measurer cannot start: {exc}"))
                built = None
            with self._lock:
                if not self._swap_requested:
                    self._measurer = built
        while not self._stop.is_set():
            seq, frame = self._frames.take_newer(seen, timeout_s=0.25)
            if seq == seen or frame is None or self._stop.is_set():
                continue  # nothing new (a timeout): never the same frame twice
            seen = seq
            with self._lock:
                expected = self._expected
                reset = self._reset_requested
                self._reset_requested = False
                round_ = self._round
                wizard = self._wizard
                if self._swap_requested:
                    self._measurer, self._next_measurer = self._next_measurer, None
                    self._swap_requested = False
            if reset and self._measurer is not None:
                self._measurer.reset()
            started = self._clock()
            if wizard is not None:
                self.processed += 1
                self.updates.put(_with_time(self._calibrate(wizard, frame, round_),
                                            self._clock() - started))
                continue
            try:
                update = self._process(frame, expected, round_, done_round)
            except LegFitError as exc:
                update = VisionUpdate(frame=frame, stance=expected, pose=None,
                                      person_on_mat=False, error=str(exc), round=round_)
            except Exception as exc:  # a model failure must not kill the thread silently
                update = VisionUpdate(frame=frame, stance=expected, pose=None,
                                      person_on_mat=False,
                                      error=f"vision pipeline failed: {exc}", round=round_)
            if update.measurement is not None or update.refused is not None:
                done_round = round_
                done = _RoundEnd(update.measurement, update.result, update.refused)
            elif done_round == round_:
                update = replace(update, measurement=done.measurement, result=done.result,
                                 refused=done.refused)
            self.processed += 1
            spent_s = self._clock() - started
            self.updates.put(_with_time(update, spent_s))
            if self._min_period_s > spent_s:
                self._stop.wait(self._min_period_s - spent_s)

    @staticmethod
    def _calibrate(wizard: IntrinsicsWizard, frame: Frame, round_: int) -> VisionUpdate:
        base = VisionUpdate(frame=frame, stance=Stance.NONE, pose=None, person_on_mat=False,
                            round=round_)
        try:
            status = wizard.add(frame.image_bgr)
            result = wizard.result() if status.done else None
        except LegFitError as exc:
            return replace(base, error=str(exc))
        return replace(base, wizard=status, wizard_result=result)

    def _process(self, frame: Frame, expected: Stance, round_: int,
                 measured_round: int) -> VisionUpdate:
        m = self._measurer
        if m is None or expected is Stance.NONE:
            pose = self._estimator.estimate(frame)
            return VisionUpdate(frame=frame, stance=expected, pose=pose,
                                person_on_mat=pose.landmarks is not None, round=round_)
        report = m.add(frame, expected)
        pose = report.pose
        front = m.stance_complete(Stance.FRONT)
        side = m.stance_complete(Stance.SIDE)
        update = VisionUpdate(
            frame=frame, stance=expected, pose=pose,
            person_on_mat=pose.landmarks is not None,
            guidance=report.guidance, accepted=report.accepted,
            progress=report.progress, overlay=report.overlay,
            front_complete=front, side_complete=side, round=round_)
        if front and side and measured_round != round_:
            # Both views are in: compute the result here, on the thread owning the measurer.
            try:
                result = m.result()
            except LegFitError as exc:
                return replace(update, refused=str(exc))
            return replace(update, measurement=result.measurement, result=result)
        return update


@dataclass(frozen=True)
class _RoundEnd:
    """How a measuring round ended: its measurement (with the result) or its refusal."""

    measurement: Measurement | None = None
    result: MeasurementResult | None = None
    refused: str | None = None


def _with_time(update: VisionUpdate, seconds: float) -> VisionUpdate:
    return replace(update, processing_s=seconds)


def stop_all(camera: CameraWorker | None, vision: VisionWorker | None,
             timeout_s: float = 5.0) -> list[str]:
    """Stop both workers and join them; returns the names of any that would not stop."""
    for worker in (vision, camera):
        if worker is not None:
            worker.stop()
    stuck = []
    for name, worker in (("vision", vision), ("camera", camera)):
        if worker is not None and not worker.join(timeout_s):
            stuck.append(name)
    return stuck
