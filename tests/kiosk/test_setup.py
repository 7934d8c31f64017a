"""The staff's camera set-up on its own, without Qt: the board wizard, then the mat."""

from __future__ import annotations

import numpy as np
import pytest

from calibration.calibration_file import load_calibration
from calibration.intrinsics import IntrinsicsResult
from calibration.wizard import WizardStatus
from fitting.stance import Stance
from kiosk.assembly import KioskOptions, KioskParts, assemble
from kiosk.config import KioskConfig
from kiosk.demo import DEMO_CALIBRATION, DEMO_VIDEO
from kiosk.paths import KioskPaths
from kiosk.setup import CameraSetup
from kiosk.staff import hash_pin
from kiosk.workers import VisionUpdate
from session.flow import FlowState
from tests.kiosk.flow_helpers import FAST_SCRYPT
from tests.kiosk.vision_helpers import FakeMeasurer, person_pose
from vision.fakes import FakePoseEstimator, ScriptedFrameSource
from vision.sources import VideoFileSource
from vision.types import Frame


class RecordingWizard:
    """An intrinsics wizard the vision thread would feed (never fed here)."""


@pytest.fixture
def run_parts(tmp_path) -> KioskParts:
    """A kiosk in run mode with no calibration yet; its workers never start."""
    paths = KioskPaths(tmp_path / "etc", tmp_path / "var")
    estimator = FakePoseEstimator([person_pose()])
    parts = assemble(KioskOptions(mode="run", fullscreen=False), paths=paths,
                     config=KioskConfig(staff_pin=hash_pin("5791", params=FAST_SCRYPT),
                                        allow_demo_catalogue=True),
                     estimator=estimator,
                     measurer_factory=lambda cal: FakeMeasurer(estimator),
                     open_source=lambda: ScriptedFrameSource([]))
    yield parts
    parts.close()


def _update(**changes) -> VisionUpdate:
    frame = Frame(np.zeros((4, 4, 3), np.uint8), 0.0, 0)
    return VisionUpdate(frame=frame, stance=Stance.NONE, pose=None, person_on_mat=False,
                        **changes)


def _status(done: bool = False) -> WizardStatus:
    return WizardStatus(accepted=True, done=done, message="move the board left", views=3,
                        cells_covered=3, cells_total=9, tilts_covered=())


def _intrinsics_result() -> IntrinsicsResult:
    calibration = load_calibration(DEMO_CALIBRATION)
    return IntrinsicsResult(intrinsics=calibration.intrinsics, rms_px=0.31,
                            board=calibration.board, views_used=("a", "b", "c"),
                            view_errors_px=(0.3, 0.3, 0.3))


def _demo_frame() -> Frame:
    source = VideoFileSource(DEMO_VIDEO)
    try:
        frame = source.read()
    finally:
        source.close()
    assert frame is not None
    return frame


def test_the_wizard_runs_on_the_vision_thread_and_its_progress_is_shown(run_parts):
    setup = CameraSetup(run_parts, wizard_factory=RecordingWizard)
    setup.start_wizard()
    assert setup.wizard_running
    assert isinstance(run_parts.session.vision._wizard, RecordingWizard)
    assert run_parts.flow.status.notice == "calibration_running"
    assert setup.on_update(_update(wizard=_status())) is True
    assert setup.on_update(_update()) is False  # an update without the wizard's status


def test_the_wizards_result_is_saved_as_an_intrinsics_only_calibration(run_parts):
    setup = CameraSetup(run_parts, wizard_factory=RecordingWizard)
    setup.start_wizard()
    assert setup.on_update(_update(wizard=_status(done=True),
                                   wizard_result=_intrinsics_result())) is False
    assert not setup.wizard_running and run_parts.session.vision._wizard is None
    saved = load_calibration(run_parts.paths.calibration_file)
    assert saved.floor_pose is None and saved.rms_px == pytest.approx(0.31)
    assert run_parts.intrinsics_only is not None and run_parts.calibration is None
    status = run_parts.flow.status
    assert status.notice == "intrinsics_saved" and "3 views, 0.31 px" in status.notice_detail


def test_a_wizard_error_is_told_to_staff(run_parts):
    setup = CameraSetup(run_parts, wizard_factory=RecordingWizard)
    setup.start_wizard()
    setup.on_update(_update(error="the board is too far away"))
    assert run_parts.flow.status.notice == "calibration_error"
    assert run_parts.flow.status.notice_detail == "the board is too far away"
    assert setup.wizard_running  # an unusable frame does not end the wizard


def test_no_update_counts_once_the_wizard_is_stopped(run_parts):
    setup = CameraSetup(run_parts, wizard_factory=RecordingWizard)
    assert setup.on_update(_update(wizard=_status(), wizard_result=_intrinsics_result())) \
        is False
    assert not run_parts.paths.calibration_file.exists()


def test_leaving_the_staff_screen_ends_the_wizard(run_parts):
    setup = CameraSetup(run_parts, wizard_factory=RecordingWizard)
    assert run_parts.flow.state is FlowState.SETUP  # not calibrated
    setup.start_wizard()
    setup.leave_if_not_staff()
    assert not setup.wizard_running and run_parts.session.vision._wizard is None


@pytest.mark.parametrize(("situation", "notice"), [
    ("wizard running", "calibration_running"),
    ("no intrinsics", "calibration_missing"),
    ("no frame", "camera_unavailable"),
])
def test_the_mat_is_not_looked_for_without_what_it_needs(run_parts, situation, notice):
    setup = CameraSetup(run_parts, wizard_factory=RecordingWizard)
    if situation == "wizard running":
        setup.start_wizard()
    if situation != "no intrinsics":
        run_parts.intrinsics_only = load_calibration(DEMO_CALIBRATION)
    setup.find_mat()
    assert run_parts.flow.status.notice == notice
    assert run_parts.calibration is None
    assert not run_parts.paths.calibration_file.exists()


def test_finding_the_mat_calibrates_the_kiosk_and_swaps_the_measurer(run_parts):
    calibrated = []
    setup = CameraSetup(run_parts, wizard_factory=RecordingWizard,
                        on_calibrated=lambda: calibrated.append(True))
    run_parts.intrinsics_only = load_calibration(DEMO_CALIBRATION)
    run_parts.session.camera.frames.put(_demo_frame())
    setup.find_mat()
    status = run_parts.flow.status
    assert status.notice == "calibration_saved", status.notice_detail
    assert status.calibrated and status.state is FlowState.ATTRACT
    assert calibrated == [True]
    assert run_parts.calibration is not None and run_parts.calibration_problem == ""
    assert isinstance(run_parts.session.vision._next_measurer, FakeMeasurer)
    saved = load_calibration(run_parts.paths.calibration_file)
    assert saved.floor_pose is not None
    # The demo recording's camera stands about a metre above the floor.
    assert 700 < saved.floor_pose.camera_height_mm < 1300


def test_a_store_kiosk_refuses_the_illustrative_demo_catalogue_unless_told(tmp_path):
    from kiosk.assembly import NoStoreCatalogue

    paths = KioskPaths(tmp_path / "etc", tmp_path / "var")
    estimator = FakePoseEstimator([person_pose()])

    def build(config: KioskConfig) -> KioskParts:
        return assemble(KioskOptions(mode="run", fullscreen=False), paths=paths,
                        config=config, estimator=estimator,
                        measurer_factory=lambda cal: FakeMeasurer(estimator),
                        open_source=lambda: ScriptedFrameSource([]))

    with pytest.raises(NoStoreCatalogue, match="allow_demo_catalogue"):
        build(KioskConfig(staff_pin=hash_pin("5791", params=FAST_SCRYPT)))
    parts = build(KioskConfig(staff_pin=hash_pin("5791", params=FAST_SCRYPT),
                              allow_demo_catalogue=True))
    try:
        assert parts.catalogue.illustrative
        assert any("illustrative" in note for note in parts.notes)
    finally:
        parts.close()


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_set_up_speaks_the_staff_members_language(run_parts, lang):
    from dataclasses import replace

    from kiosk.staff_view import staff_page
    from ui.i18n import tr

    setup = CameraSetup(run_parts, wizard_factory=RecordingWizard)
    setup.start_wizard()
    status = replace(run_parts.flow.status, language=lang)
    page = staff_page(run_parts, status, None, None)
    assert page.notice_detail == tr("notice.calibration_started", lang)
    assert page.calibration_text == tr("staff.calibration.steps_board", lang)
    setup.on_update(_update(wizard=_status(done=True), wizard_result=_intrinsics_result()))
    page = staff_page(run_parts, replace(run_parts.flow.status, language=lang), None, None)
    assert page.notice_detail.startswith("Camera calibrated (3 views, 0.31" if lang == "en"
                                         else "Kamera kalibriert (3 Ansichten, 0,31")
    assert page.calibration_text == tr("staff.calibration.steps_mat", lang)
