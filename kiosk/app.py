"""The composition root: the kiosk's parts (``kiosk.assembly``) wired to the window.

``KioskController`` connects the parts to the ui's ``KioskWindow``: it observes the
flow and shows the matching screen, routes the window's intents to the flow, and pulls
the workers' newest frame and result on a QTimer (a slow stage drops frames, nothing
queues). ``run_gui`` is ``legfit run`` and ``legfit demo`` with a display;
``kiosk.headless`` drives the same parts without one.
"""

from __future__ import annotations

import logging
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication

from fitting.errors import LegFitError
from fitting.stance import Stance
from kiosk.assembly import KioskOptions, KioskParts, assemble
from kiosk.gui_gc import GuiThreadCollector
from kiosk.journal import FlowJournal
from kiosk.live_view import scale_overlay, scale_px
from kiosk.narrator import Narrator
from kiosk.qt_refcount import guard_singletons
from kiosk.setup import CameraSetup, WizardFactory
from kiosk.staff_view import lookup, staff_page
from kiosk.watchdog import SystemdNotifier
from kiosk.workers import VisionUpdate
from session.flow import FlowState, FlowStatus
from session.intents import (
    CaptureCalibration,
    FindFitting,
    FindMat,
    Intent,
    IntentRoutes,
    PrintSlip,
    Quit,
)
from ui.camera_view import footprint_outlines_px
from ui.main_window import KioskWindow
from ui.screens.staff import Lookup, PinPage, SetupPage, StaffPage

_log = logging.getLogger(__name__)

# The live view's timer: fast enough for a 30 fps camera; each tick only copies
# references out of the workers' slots.
PUMP_INTERVAL_MS = 15
# The measuring screens that show the live camera, and the stance each measures.
LIVE_STATES = {FlowState.MEASURE_FRONT: Stance.FRONT, FlowState.MEASURE_SIDE: Stance.SIDE}
# The share of the camera frame's height the legs-only live view shows (knees down).
LEGS_CROP_SHARE = 0.5
# How much older than the frame shown an overlay (and its guidance) may be.
MAX_OVERLAY_AGE_S = 0.5
LOG_RETRY_S = 30.0
EMERGENCY_STATUS = ("EMERGENCY: a shopper at the kiosk reported emergency symptoms; a staff "
                    "sign-in acknowledges it")
GIL_SWITCH_INTERVAL_S = 0.001


class KioskController(QObject):
    """Connects the kiosk's parts to the window; lives on the Qt main thread."""

    def __init__(self, parts: KioskParts, window: KioskWindow, *,
                 pump_interval_ms: int = PUMP_INTERVAL_MS,
                 slip_dir: Path | None = None,
                 print_file: Callable[[Path], None] | None = None,
                 notifier: SystemdNotifier | None = None,
                 on_quit: Callable[[], None] | None = None,
                 wizard_factory: WizardFactory | None = None) -> None:
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
        self.narrator = Narrator(parts.voice, time.monotonic)
        self._lookup: Lookup | None = None
        self._alert = False
        self._session_shown = False
        self.frames_shown = 0
        self.updates_seen = 0
        self._timer = QTimer(self)
        self._timer.setInterval(pump_interval_ms)
        self._timer.timeout.connect(self.pump)
        # Worker threads must never collect garbage that holds a Qt object (a deadlock).
        self._collector = GuiThreadCollector(self)
        window.intent.connect(self.on_intent)
        window.user_activity.connect(self.flow.touch)
        self.flow.subscribe(self._on_status)
        self._display_scale = 1.0
        self._show_calibration()
        self._started = False
        self._stopped = False
        self._log_retry_at = 0.0
        self.setup = CameraSetup(parts, wizard_factory=wizard_factory,
                                 on_calibrated=self._show_calibration)
        self._wizard_shown_at = 0.0

    def _show_calibration(self) -> None:
        """The footprints to step on, at the live view's scale."""
        calibration = self.parts.calibration
        if calibration is None:
            return
        for stance in (Stance.FRONT, Stance.SIDE):
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
        self._collector.start()  # before any worker thread allocates
        calibration = self.parts.calibration or self.parts.intrinsics_only
        if calibration is not None:
            # The live view shows the legs only (about the frame's lower half) in a picture
            # never taller than the window: no need for more pixels than that.
            view_h = self.window.height()
            if self.window.kiosk_mode:
                screen = QApplication.primaryScreen()
                view_h = max(view_h, screen.size().height() if screen is not None else 0)
            frame_h = calibration.intrinsics.image_size_wh[1]
            self.set_display_scale(min(1.0, max(view_h, 1) / (LEGS_CROP_SHARE * frame_h)))
        self.session.start()
        if self.parts.fleet is not None:
            self.parts.fleet.start()  # the fleet sync: a thread of its own
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
        stuck = self.parts.close()
        self._collector.stop()
        return stuck

    # -- flow -> window ------------------------------------------------------------------

    def _on_status(self, status: FlowStatus) -> None:
        w = self.window
        if status.language != w.language:
            w.set_language(status.language)
        entering = status.state is not self._state
        self._state = status.state
        ended = status.session_id is None and self._session_shown
        self._session_shown = status.session_id is not None
        if status.state is not FlowState.STAFF:
            self._lookup = None  # a look-up is for the staff member who made it
        if status.alert != self._alert:
            self._alert = status.alert
            # Staff-facing: the service's status line (what a store's monitoring reads).
            self._notifier.status(EMERGENCY_STATUS if status.alert else "showing the screens")
        w.show_idle_warning(status.idle_warning)
        self.narrator.on_status(status)
        if entering and status.state in LIVE_STATES:
            w.reset_measuring(LIVE_STATES[status.state])
        self.show(status)
        if ended:
            w.forget_session()  # the session is over: no other screen keeps its data

    def show(self, status: FlowStatus) -> None:
        """The screen of ``status.state`` with what it shows."""
        state = status.state
        if state is FlowState.STAFF_PIN:
            self.window.show_pin(PinPage(status.notice, self.parts.staff_auth.tries_left))
        elif state is FlowState.STAFF:
            self.window.show_staff(self.staff_page(status))
        elif state is FlowState.SETUP:
            self.window.show_setup(SetupPage(self.parts.calibration_problem))
        else:
            self.window.show_status(status)

    def staff_page(self, status: FlowStatus) -> StaffPage:
        update = self.session.latest_update
        page = staff_page(self.parts, status, self.session.last_result,
                          None if update is None else update.frame.image_bgr, self._lookup)
        return replace(page, catalogue_version=self.parts.catalogue_status())

    def find_fitting(self, typed: str) -> None:
        """Staff look up the session of a fitting code: shown on the history tab."""
        self._lookup = lookup(self.parts.session_log, typed, self.flow.status.language)
        self.show(self.flow.status)

    # -- window -> flow ------------------------------------------------------------------

    def on_intent(self, intent: Intent) -> None:
        self.flow.touch()
        try:
            if _ROUTES.dispatch(self, intent) is None:
                self.flow.handle(intent)
                self.setup.leave_if_not_staff()
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

    def staff_only(self, action: Callable[[], None]) -> bool:
        """Carry out a staff action only on the staff screen (a stray tap elsewhere is
        ignored)."""
        if self.flow.state is FlowState.STAFF:
            action()
        return True

    def _show_wizard(self, update: VisionUpdate) -> None:
        """The wizard's progress on the staff screen, a few times a second."""
        now = time.monotonic()
        if now - self._wizard_shown_at < 0.25 or self.flow.state is not FlowState.STAFF:
            return
        self._wizard_shown_at = now
        page = replace(self.staff_page(self.flow.status), calibration_wizard=update.wizard,
                       calibration_frame_bgr=update.frame.image_bgr)
        self.window.show_staff(page)

    def quit(self) -> None:
        self.stop()
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
            if u is not None and self.setup.on_update(u):
                self._show_wizard(u)
        if pumped.frame is not None and self.flow.state in LIVE_STATES:
            u = pumped.update
            # The overlay is drawn over a newer frame than it was found on; an old one (the
            # pipeline lagging, the shopper moving) would be drawn in the wrong place.
            fresh = (u is not None and u.stance is LIVE_STATES[self.flow.state]
                     and pumped.frame.timestamp_s - u.frame.timestamp_s <= MAX_OVERLAY_AGE_S)
            display = self.session.camera.display
            image = display.get()[1] if display is not None else None
            scale = 1.0 if image is None else image.shape[0] / pumped.frame.image_bgr.shape[0]
            shown = u if fresh else None
            if shown is not None and shown.guidance is not None:
                self.narrator.on_guidance(shown.stance, shown.guidance,
                                          self.flow.status.language)
            self.window.set_live_frame(
                pumped.frame.image_bgr if image is None else image,
                None if shown is None or shown.overlay is None
                else scale_overlay(shown.overlay, scale),
                None if shown is None else shown.guidance,
                None if shown is None else shown.progress)
            self.frames_shown += 1
        self.narrator.tick(self.flow.status.language)
        log = self.parts.session_log
        if log.problem and time.monotonic() >= self._log_retry_at:
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
    prepare_process()
    app = QApplication.instance() or QApplication(list(argv or sys.argv[:1]))
    parts = assemble(options)
    for note in parts.notes:
        _log.warning(note)
    # The journal: each session's start and end and the screens it showed (anonymous).
    parts.flow.subscribe(FlowJournal().on_status)
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
        _log.error("worker threads did not stop: %s", ", ".join(stuck))
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


def _print_slip(controller: KioskController, _: PrintSlip) -> bool:
    controller.print_slip()
    return True


# The intents that are the kiosk's business, not the session flow's.
_ROUTES: IntentRoutes[KioskController] = (
    IntentRoutes[KioskController]()
    .route(PrintSlip, _print_slip)
    .route(Quit, lambda c, _: c.staff_only(c.quit))
    .route(FindMat, lambda c, _: c.staff_only(c.setup.find_mat))
    .route(CaptureCalibration, lambda c, _: c.staff_only(c.setup.start_wizard))
    .route(FindFitting, lambda c, i: c.staff_only(lambda: c.find_fitting(i.code)))
)
