"""Staff set the camera up from the staff screen: the board, then the mat. Qt-free.

Two steps, each optional when its part is already there:

1. the camera's intrinsics: staff hold the ChArUco board up to the camera; the vision
   thread feeds frames to an ``IntrinsicsWizard`` (``VisionWorker.calibrate``) and
   publishes its ``WizardStatus`` with each update, its result once done;
2. the floor pose: nobody on the mat, the whole mat in view; one camera frame gives the
   markers' pose, and from then on the kiosk can measure (the measurer is rebuilt with
   the new calibration).

Each step saves the calibration file atomically (never in the demo) and tells staff what
happened through the flow's notice. ``CameraSetup`` is the only writer of the kiosk's
calibration (``KioskParts.calibration``, ``intrinsics_only``, ``calibration_problem``).
"""

from __future__ import annotations

from collections.abc import Callable

from calibration.boards import parse_board_spec
from calibration.calibration_file import save_calibration
from calibration.camera import CameraCalibration
from calibration.floor import estimate_floor_pose
from calibration.wizard import IntrinsicsWizard
from fitting.i18n import Cm, Number, msg
from kiosk.assembly import KioskParts
from kiosk.workers import VisionUpdate
from session.flow import FlowState

WizardFactory = Callable[[], IntrinsicsWizard]


class CameraSetup:
    """The staff set-up's two steps on the kiosk's parts; see the module docstring."""

    def __init__(self, parts: KioskParts, *,
                 wizard_factory: WizardFactory | None = None,
                 on_calibrated: Callable[[], None] = lambda: None) -> None:
        self._parts = parts
        self._flow = parts.flow
        self._wizard_factory = wizard_factory or self._default_wizard
        self._on_calibrated = on_calibrated
        self._running = False

    @property
    def wizard_running(self) -> bool:
        return self._running

    def _default_wizard(self) -> IntrinsicsWizard:
        return IntrinsicsWizard(parse_board_spec(self._parts.config.calibration_board))

    # -- step 1: the board ---------------------------------------------------------------

    def start_wizard(self) -> None:
        """Staff calibrate the camera's intrinsics with the board, on screen."""
        self._parts.session.vision.calibrate(self._wizard_factory())
        self._running = True
        self._flow.notify("calibration_running",
                          "Hold the board up to the camera; the picture shows what is done.",
                          msg("notice.calibration_started"))

    def stop_wizard(self) -> None:
        self._parts.session.vision.calibrate(None)
        self._running = False

    def leave_if_not_staff(self) -> None:
        """The wizard belongs to the staff screen: leaving it ends the wizard."""
        if self._running and self._flow.state is not FlowState.STAFF:
            self.stop_wizard()

    def on_update(self, update: VisionUpdate) -> bool:
        """One vision update while the wizard runs. True when the staff screen should show
        the update's wizard status (False once the wizard has finished or failed)."""
        if not self._running:
            return False
        if update.wizard_result is not None:
            self.stop_wizard()
            result = update.wizard_result
            calibration = result.to_calibration()
            self._save(calibration)
            self._parts.intrinsics_only = calibration
            self._flow.notify("intrinsics_saved",
                              f"Camera calibrated ({len(result.views_used)} views, "
                              f"{result.rms_px:.2f} px). Now clear the mat and press Finish "
                              "to find it.",
                              msg("notice.intrinsics_saved", views=len(result.views_used),
                                  rms_px=Number(result.rms_px, 2)))
            return False
        if update.error is not None:
            self._flow.notify("calibration_error", update.error)
        return update.wizard is not None

    # -- step 2: the mat -----------------------------------------------------------------

    def find_mat(self) -> None:
        """The floor pose from the mat in the newest camera frame."""
        parts = self._parts
        if self._running:
            self._flow.notify("calibration_running",
                              "The camera calibration is not finished yet: keep showing the "
                              "board (or leave the staff screen to stop).",
                              msg("notice.calibration_unfinished"))
            return
        if parts.intrinsics_only is None:
            self._flow.notify("calibration_missing", parts.calibration_problem)
            return
        _, frame = parts.session.camera.frames.get()
        if frame is None:
            self._flow.notify("camera_unavailable", "no camera frame to find the mat in",
                              msg("notice.no_camera_frame"))
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
        parts.session.vision.set_measurer(parts.measurer_factory(calibration))
        self._on_calibrated()
        self._flow.calibration_done()
        self._flow.notify("calibration_saved",
                          f"Mat found ({len(pose.markers_used)} markers, "
                          f"{pose.reprojection_error_px:.2f} px): camera "
                          f"{pose.camera_height_mm:.0f} mm above the floor.",
                          msg("notice.calibration_saved", markers=len(pose.markers_used),
                              error_px=Number(pose.reprojection_error_px, 2),
                              height=Cm(pose.camera_height_mm, 0)))

    def _save(self, calibration: CameraCalibration) -> None:
        options = self._parts.options
        if options.demo:
            return  # the demo never writes a kiosk's files
        target = (options.calibration_file or self._parts.config.calibration_file
                  or self._parts.paths.calibration_file)
        save_calibration(calibration, target)
