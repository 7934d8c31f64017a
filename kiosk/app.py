"""The composition root: the kiosk's parts (``kiosk.assembly``) wired to the window.

``KioskController`` connects the parts to the ui's ``KioskWindow``: it observes the
flow and shows the matching screen, routes the window's intents to the flow, and pulls
the workers' newest frame and result on a QTimer (a slow stage drops frames, nothing
queues). ``run_gui`` is ``legfit run`` and ``legfit demo`` with a display;
``kiosk.headless`` drives the same parts without one.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication

from calibration.calibration_file import save_calibration
from calibration.floor import estimate_floor_pose
from fitting.errors import LegFitError
from kiosk.assembly import KioskOptions, KioskParts, assemble
from session.flow import FlowState, FlowStatus
from kiosk.live_view import scale_overlay, scale_px
from kiosk.qt_refcount import guard_singletons
from kiosk.staff_view import confidence_of, history_rows, profile_data
from kiosk.watchdog import SystemdNotifier

# The live view's timer: fast enough for a 30 fps camera; each tick only copies
# references out of the workers' slots.
PUMP_INTERVAL_MS = 15
LIVE_STATES = frozenset({FlowState.MEASURE_FRONT, FlowState.MEASURE_SIDE})
# How much older than the frame shown an overlay (and its guidance) may be.
MAX_OVERLAY_AGE_S = 0.5
LOG_RETRY_S = 30.0
GIL_SWITCH_INTERVAL_S = 0.001


class KioskController(QObject):
    """Connects the kiosk's parts to the window; lives on the Qt main thread."""

    def __init__(self, parts: KioskParts, window: Any, *,
                 pump_interval_ms: int = PUMP_INTERVAL_MS,
                 slip_dir: Path | None = None,
                 print_file: Callable[[Path], None] | None = None,
                 notifier: SystemdNotifier | None = None,
                 on_quit: Callable[[], None] | None = None,
                 wizard_factory: Callable[[], Any] | None = None) -> None:
        super().__init__()
        self.parts = parts
        self.window = window
        self.flow = parts.flow
        self.session = parts.session
        self._slip_dir = slip_dir
        self._print_file = print_file
        self._notifier = notifier or SystemdNotifier(None)
        self._on_quit = on_quit
        self._state: FlowState | None = None
        self.frames_shown = 0
        self.updates_seen = 0
        self._timer = QTimer(self)
        self._timer.setInterval(pump_interval_ms)
        self._timer.timeout.connect(self.pump)
        window.intent.connect(self.on_intent)
        window.user_activity.connect(self.flow.touch)
        self.flow.subscribe(self._on_status)
        self._display_scale = 1.0
        self._show_calibration()
        self._started = False
        self._stopped = False
        self._log_problem: str | None = None
        self._log_retry_at = 0.0
        self._wizard_factory = wizard_factory or self._default_wizard
        self._wizard_running = False
        self._wizard_shown_at = 0.0

    def _show_calibration(self) -> None:
        """The footprints to step on, at the live view's scale."""
        calibration = self.parts.calibration
        if calibration is None:
            return
        from ui.camera_view import footprint_outlines_px

        for stance in ("front", "side"):
            outlines = footprint_outlines_px(calibration, self.parts.mat, stance)
            self.window.set_footprints(stance, [scale_px(o, self._display_scale)
                                                for o in outlines])

    def set_display_scale(self, scale: float) -> None:
        """Live-view frames at this scale of the camera's (the screen shows no more)."""
        camera = self.session.camera
        if camera.display is None:
            return
        camera.set_display_scale(scale)
        self._display_scale = camera.display_scale
        self._show_calibration()

    def start(self) -> None:
        self._started = True
        calibration = self.parts.calibration or self.parts.intrinsics_only
        if calibration is not None:
            # The live view is never taller than the window: no need for more pixels.
            view_h = self.window.height()
            if getattr(self.window, "kiosk_mode", False):
                screen = QApplication.primaryScreen()
                view_h = max(view_h, screen.size().height() if screen is not None else 0)
            self.set_display_scale(max(view_h, 1) / calibration.intrinsics.image_size_wh[1])
        self.session.start()
        self._on_status(self.flow.status)
        self._timer.start()
        self._notifier.ready("showing the attract screen")

    def stop(self) -> list[str]:
        """Stop the timer and every worker thread (joined); idempotent."""
        if self._stopped:
            return []
        self._stopped = True
        self._timer.stop()
        self._notifier.stopping()
        return self.parts.close()

    # -- flow -> window ------------------------------------------------------------------

    def _on_status(self, status: FlowStatus) -> None:
        if status.log_problem != self._log_problem:
            self._log_problem = status.log_problem
            if status.log_problem:  # once per problem, for the service's journal
                sys.stderr.write(f"legfit: {status.log_problem}\n")
        w = self.window
        if status.language != w.language:
            w.set_language(status.language)
        entering = status.state is not self._state
        self._state = status.state
        if entering and status.state in LIVE_STATES:
            screen = w.screen(status.state.value)
            if hasattr(screen, "reset"):
                screen.reset()
        w.show_screen(status.state.value, self.screen_data(status))

    def screen_data(self, status: FlowStatus) -> object:
        state = status.state
        if state is FlowState.STAFF_PIN:
            return {"notice": status.notice, "notice_detail": status.notice_detail,
                    "tries_left": self.parts.staff_auth.tries_left}
        if state is FlowState.STAFF:
            return self.staff_page(status)
        if state is FlowState.SETUP:
            return {"notice_detail": self.parts.calibration_problem}
        return status

    def staff_page(self, status: FlowStatus) -> dict[str, Any]:
        parts = self.parts
        result = self.session.last_result
        profiles, marks = profile_data(result)
        confidence, reasons = confidence_of(result)
        overlays = getattr(result, "overlays", {}) or {}
        update = self.session.latest_update
        cal = parts.calibration
        if cal is not None and cal.floor_pose is not None:
            p = cal.floor_pose
            cal_status = (f"camera {p.camera_height_mm:.0f} mm above the floor, "
                          f"{p.distance_to_mat_centre_mm:.0f} mm from the mat centre, "
                          f"pitch {p.pitch_deg:.1f} deg")
        else:
            cal_status = parts.calibration_problem
        camera = self.session.camera.status.source
        if camera:
            cal_status = f"{cal_status}; {camera}" if cal_status else camera
        problems = [status.log_problem] if status.log_problem else []
        return {
            "measurement": status.measurement,
            "profiles_mm": profiles, "profile_marks_mm": marks,
            "confidence": confidence, "confidence_reasons": reasons,
            "review_frame_bgr": None, "review_overlay": next(iter(overlays.values()), None),
            "calibration_status": cal_status,
            "calibration_text": ("Find the mat: nobody on it, the whole mat in view, then "
                                 "press Finish. (Capture calibrates the camera itself "
                                 "with the board.)" if parts.intrinsics_only is not None
                                 else "Press Capture and hold the calibration board up to "
                                      "the camera; then find the mat."),
            "calibration_frame_bgr": None if update is None else update.frame.image_bgr,
            "catalogue": parts.catalogue,
            "history": history_rows(parts.session_log),
            "notice": status.notice,
            "notice_detail": " ".join([status.notice_detail, *problems]).strip(),
        }

    # -- window -> flow ------------------------------------------------------------------

    def on_intent(self, name: str, payload: object) -> None:
        self.flow.touch()
        try:
            if name == "print_slip":
                self.print_slip()
            elif name == "quit":
                if self.flow.state is FlowState.STAFF:
                    self.quit()
            elif name == "calibration_finish":
                if self.flow.state is FlowState.STAFF:
                    self.find_mat()
            elif name == "calibration_capture":
                if self.flow.state is FlowState.STAFF:
                    self.start_wizard()
            else:
                self.flow.handle(name, payload)
                if self._wizard_running and self.flow.state is not FlowState.STAFF:
                    self.stop_wizard()
        except LegFitError as exc:
            # Never a traceback in front of a shopper: the one sentence goes on screen.
            self.flow.notify("error", str(exc))

    def print_slip(self) -> None:
        from ui.slip import write_slip

        status = self.flow.status
        verdict = status.decision if status.decision is not None else status.screening
        if verdict is None or status.fitting_code is None:
            return
        slip_dir = self._slip_dir or Path(tempfile.gettempdir()) / "legfit-slips"
        slip_dir.mkdir(parents=True, exist_ok=True)
        path = write_slip(slip_dir / f"{status.fitting_code}.pdf", verdict,
                          status.fitting_code, status.language)
        if self._print_file is not None:
            self._print_file(path)
        self.flow.notify("slip_printed", str(path))

    # -- staff: calibrating the camera ---------------------------------------------------

    def _default_wizard(self) -> Any:
        from calibration.boards import parse_board_spec
        from calibration.wizard import IntrinsicsWizard

        return IntrinsicsWizard(parse_board_spec(self.parts.config.calibration_board))

    def start_wizard(self) -> None:
        """Staff calibrate the camera's intrinsics with the board, on screen."""
        self.session.vision.calibrate(self._wizard_factory())
        self._wizard_running = True
        self.flow.notify("calibration_running",
                         "Hold the board up to the camera; the picture shows what is done.")

    def stop_wizard(self) -> None:
        self.session.vision.calibrate(None)
        self._wizard_running = False

    def _wizard_progress(self, update: Any) -> None:
        """Show the wizard's progress (a few times a second) and keep its result."""
        if update.wizard_result is not None:
            self.stop_wizard()
            result = update.wizard_result
            calibration = result.to_calibration()
            self._save(calibration)
            self.parts.intrinsics_only = calibration
            self.flow.notify("intrinsics_saved",
                             f"Camera calibrated ({len(result.views_used)} views, "
                             f"{result.rms_px:.2f} px). Now clear the mat and press Finish "
                             "to find it.")
            return
        if update.error is not None:
            self.flow.notify("calibration_error", update.error)
        now = time.monotonic()
        if now - self._wizard_shown_at >= 0.25 and self.flow.state is FlowState.STAFF:
            self._wizard_shown_at = now
            page = self.staff_page(self.flow.status)
            page["calibration_wizard"] = update.wizard
            page["calibration_frame_bgr"] = update.frame.image_bgr
            self.window.show_screen("staff", page)

    def _save(self, calibration: Any) -> None:
        if self.parts.options.demo:
            return  # the demo never writes a kiosk's files
        target = (self.parts.options.calibration_file or self.parts.config.calibration_file
                  or self.parts.paths.calibration_file)
        save_calibration(calibration, target)

    def find_mat(self) -> None:
        """Staff set-up: the floor pose from the mat in the newest camera frame."""
        parts = self.parts
        if self._wizard_running:
            self.flow.notify("calibration_running",
                             "The camera calibration is not finished yet: keep showing the "
                             "board (or leave the staff screen to stop).")
            return
        if parts.intrinsics_only is None:
            self.flow.notify("calibration_missing", parts.calibration_problem)
            return
        _, frame = self.session.camera.frames.get()
        if frame is None:
            self.flow.notify("camera_unavailable", "no camera frame to find the mat in")
            return
        intrinsics = parts.intrinsics_only.intrinsics
        h, w = frame.image_bgr.shape[:2]
        intrinsics.check_frame_size(w, h)
        pose = estimate_floor_pose(frame.image_bgr, intrinsics, parts.mat)
        calibration = parts.intrinsics_only.with_floor_pose(pose)
        self._save(calibration)
        parts.calibration = calibration
        parts.intrinsics_only = calibration
        parts.calibration_problem = ""
        self.session.vision.set_measurer(parts.measurer_factory(calibration))
        self._show_calibration()
        self.flow.calibration_done()
        self.flow.notify("calibration_saved",
                         f"Mat found ({len(pose.markers_used)} markers, "
                         f"{pose.reprojection_error_px:.2f} px): camera "
                         f"{pose.camera_height_mm:.0f} mm above the floor.")

    def quit(self) -> None:
        self.stop()
        if hasattr(self.window, "allow_close"):
            self.window.allow_close()
        self.window.close()
        if self._on_quit is not None:
            self._on_quit()

    # -- the timer -----------------------------------------------------------------------

    def pump(self) -> None:
        try:
            pumped = self.session.pump()
        except LegFitError as exc:
            self.flow.notify("error", str(exc))
            return
        if pumped.new_update:
            self.updates_seen += 1
            u = pumped.update
            if self._wizard_running and u is not None and (u.wizard is not None
                                                           or u.error is not None):
                self._wizard_progress(u)
        if pumped.frame is not None and self.flow.state in LIVE_STATES:
            u = pumped.update
            # The overlay is drawn over a newer frame than it was found on; an old one (the
            # pipeline lagging, the shopper moving) would be drawn in the wrong place.
            fresh = (u is not None
                     and u.stance.value == self.flow.state.value.split("_")[1]
                     and pumped.frame.timestamp_s - u.frame.timestamp_s <= MAX_OVERLAY_AGE_S)
            display = self.session.camera.display
            image = display.get()[1] if display is not None else None
            scale = 1.0 if image is None else image.shape[0] / pumped.frame.image_bgr.shape[0]
            self.window.set_live_frame(pumped.frame.image_bgr if image is None else image,
                                       scale_overlay(u.overlay, scale) if fresh else None,
                                       u.guidance if fresh else None,
                                       u.progress if fresh else None)
            self.frames_shown += 1
        log = self.parts.session_log
        if log.problem and hasattr(log, "retry") and time.monotonic() >= self._log_retry_at:
            # Sessions kept in memory while the disk was full or locked: try again now and
            # then, not only when the next session ends.
            self._log_retry_at = time.monotonic() + LOG_RETRY_S
            log.retry()
        if self._notifier.enabled:
            self._notifier.ping(healthy=self.session.camera.alive and self.session.vision.alive)


def prepare_process() -> None:
    """Process-wide settings of the kiosk, before the first Qt call.

    - the guard against PySide6's lost references (see kiosk/qt_refcount.py);
    - a 1 ms GIL switch interval (Python's default is 5 ms): the pose model and the
      measurer keep the vision thread busy in Python, and the camera and UI threads,
      which each need the GIL only briefly per frame, would otherwise wait up to 5 ms
      every time; the live view holds its frame rate better for a little throughput.
    """
    guard_singletons()
    sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)


def run_gui(options: KioskOptions, argv: Sequence[str] | None = None) -> int:
    """Open the kiosk window and run until staff quit it (or the service stops it)."""
    from ui.main_window import KioskWindow

    prepare_process()
    app = QApplication.instance() or QApplication(list(argv or sys.argv[:1]))
    parts = assemble(options)
    for note in parts.notes:
        sys.stderr.write(f"legfit: {note}\n")
    window = KioskWindow(lang=parts.flow.status.language,
                         kiosk_mode=options.fullscreen and parts.config.fullscreen)
    slip_dir = (Path(tempfile.gettempdir()) / "legfit-slips" if options.demo
                else parts.paths.data_dir / "slips")
    printer = parts.config.print_command
    controller = KioskController(
        parts, window, slip_dir=slip_dir,
        print_file=(lambda path: _print(printer, path)) if printer else None,
        notifier=SystemdNotifier.from_environment(), on_quit=app.quit)
    app.aboutToQuit.connect(controller.stop)
    # systemd stops the kiosk with SIGTERM; Python only sees it between Qt events, so a
    # short timer lets the handler run.
    signal.signal(signal.SIGTERM, lambda *_: app.quit())
    signal.signal(signal.SIGINT, lambda *_: app.quit())
    keepalive = QTimer()
    keepalive.start(250)
    keepalive.timeout.connect(lambda: None)
    if not options.fullscreen or not parts.config.fullscreen:
        window.resize(540, 960)
        window.show()
    controller.start()
    autoplay = None
    if options.demo and options.autoplay:
        from kiosk.autoplay import Autoplay
        from kiosk.headless import ScriptedShopper

        autoplay = Autoplay(controller, ScriptedShopper(language=parts.flow.status.language))
        autoplay.start()
    code = app.exec()
    stuck = controller.stop()
    if stuck:
        sys.stderr.write(f"legfit: worker threads did not stop: {', '.join(stuck)}\n")
    return code


def _print(command: Sequence[str], path: Path) -> None:
    try:
        subprocess.run([*command, str(path)], check=True, timeout=30,
                       capture_output=True)
    except (OSError, subprocess.SubprocessError) as exc:
        raise PrintFailed(f"the slip could not be printed ({exc.__class__.__name__}); it is "
                          f"saved as {path}") from None


class PrintFailed(LegFitError):
    """The printer refused the slip (it stays saved for staff)."""
