"""The glue between the session flow and the worker threads, without Qt.

``KioskSession.pump()`` is called on the main thread many times a second (by the Qt
timer in the app, by a plain loop in the headless demo): it takes the newest camera
frame and vision update from the workers' slots, turns them into flow events (someone on
the mat, a stance complete, the measurement, a refusal, the camera lost or back) and
runs the idle timer. In the other direction it watches the flow and tells the vision
worker what to measure, resetting the measurer whenever measuring starts afresh.
"""

from __future__ import annotations

from dataclasses import dataclass

from fitting.measurement import Measurement
from fitting.stance import Stance
from kiosk.workers import CameraWorker, VisionUpdate, VisionWorker, stop_all
from session.flow import FlowState, FlowStatus, SessionFlow
from vision.measurer import MeasurementResult
from vision.types import Frame

STANCE_FOR_STATE = {
    FlowState.MEASURE_FRONT: Stance.FRONT,
    # On the turn screen the side view is already watched for, so that the screen moves
    # on by itself once the shopper stands on the side footprints.
    FlowState.TURN: Stance.SIDE,
    FlowState.MEASURE_SIDE: Stance.SIDE,
}


@dataclass(frozen=True, eq=False)
class Pumped:
    """What one ``pump`` found: a new camera frame (or None) and the latest update."""

    frame: Frame | None
    update: VisionUpdate | None
    new_update: bool


class KioskSession:
    """Feeds the workers' output into the flow and the flow's needs into the workers."""

    def __init__(self, flow: SessionFlow, camera: CameraWorker, vision: VisionWorker) -> None:
        self.flow = flow
        self.camera = camera
        self.vision = vision
        self._camera_seq = 0
        self._vision_seq = 0
        self._round = 0
        self._camera_ok = True
        self._vision_failing = False
        self._state: FlowState | None = None
        self._waiting: Measurement | None = None
        self.latest_update: VisionUpdate | None = None
        # The last full measurement result (profiles, overlays), for the staff review.
        self.last_result: MeasurementResult | None = None
        self._had_session = False
        flow.subscribe(self._on_status)

    def start(self) -> None:
        self.camera.start()
        self.vision.start()
        self._on_status(self.flow.status)

    def stop(self, timeout_s: float = 5.0) -> list[str]:
        """Stop and join both workers; the names of any that would not stop."""
        return stop_all(self.camera, self.vision, timeout_s)

    # -- flow -> workers -----------------------------------------------------------------

    def _on_status(self, status: FlowStatus) -> None:
        if status.session_id is None and status.measurement is None:
            # No session (wiped, or none yet): nothing of the last shopper stays in memory,
            # neither the result nor the frames and profiles the measurer had gathered.
            if self.last_result is not None or self._waiting is not None \
                    or self._had_session:
                self._round = self.vision.reset()
            self.last_result = None
            self._waiting = None
            self.latest_update = None
        self._had_session = status.session_id is not None
        if status.state is self._state:
            return
        previous, self._state = self._state, status.state
        if status.state is FlowState.MEASURE_FRONT:
            # Every start of measuring is a fresh start: a new shopper, measure again after
            # review, or a refusal. Updates of the earlier round are ignored from now on.
            self._round = self.vision.reset()
            self._waiting = None
        self.vision.measure(STANCE_FOR_STATE.get(status.state, Stance.NONE))
        if status.state is FlowState.MEASURE_SIDE and previous is FlowState.TURN \
                and self._waiting is not None:
            waiting, self._waiting = self._waiting, None
            self.flow.measured(waiting)

    # -- workers -> flow -----------------------------------------------------------------

    def pump(self) -> Pumped:
        frame = None
        seq, latest = self.camera.frames.get()
        if seq != self._camera_seq:
            self._camera_seq, frame = seq, latest
        self._check_camera()
        seq, update = self.vision.updates.get()
        new = seq != self._vision_seq
        if new:
            self._vision_seq = seq
            self.latest_update = update
            if update is not None and update.round == self._round:
                self._feed(update)
        self.flow.tick()
        return Pumped(frame, self.latest_update, new)

    def _check_camera(self) -> None:
        status = self.camera.status
        if status.ok == self._camera_ok:
            return
        self._camera_ok = status.ok
        if status.ok:
            if not self._vision_failing:
                self.flow.camera_recovered()
        else:
            self.flow.camera_failed(status.message)

    def _feed(self, update: VisionUpdate) -> None:
        flow = self.flow
        flow.presence(update.person_on_mat)
        # A pipeline that cannot use the pictures (a camera giving another size than the
        # calibration's, a model failure) is, for the shopper, a camera that does not
        # work: the measuring screen says so, staff read the reason; it clears itself.
        if update.error is not None and update.wizard is None:
            if not self._vision_failing:
                self._vision_failing = True
                flow.camera_failed(update.error)
            return
        if self._vision_failing:
            self._vision_failing = False
            if self._camera_ok:
                flow.camera_recovered()
        if update.stance is Stance.FRONT and update.front_complete:
            flow.stance_complete(Stance.FRONT)
        if update.stance is Stance.SIDE and update.accepted:
            flow.stance_seen(Stance.SIDE)
        if update.measurement is not None:
            self.last_result = update.result
            if flow.state is FlowState.TURN:
                self._waiting = update.measurement  # delivered when the side screen shows
            else:
                flow.measured(update.measurement)
        if update.refused is not None:
            flow.measurement_refused(update.refused)
