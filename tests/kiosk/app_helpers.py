"""Building the whole kiosk (real window, real flow, real workers) around test doubles."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fitting.measurement import LegMeasurement, Measurement, MeasurementSource
from kiosk.app import KioskController
from kiosk.assembly import KioskOptions, KioskParts, assemble
from kiosk.voice import RecordingVoice
from session.intents import AnswerQuestion, Intent
from session.log import MemorySessionLog
from tests.kiosk.flow_helpers import FakeClock
from tests.kiosk.vision_helpers import FakeMeasurer, blank_frames, person_pose
from vision.fakes import FakePoseEstimator, ScriptedFrameSource


def measurement(ankle_mm: float = 207, calf_mm: float = 350, length_mm: float = 430,
                right_calf_mm: float | None = None, sd_mm: float = 3.0) -> Measurement:
    """Both legs alike unless ``right_calf_mm`` differs (bundled catalogue: size S, long)."""
    left = LegMeasurement(ankle_mm, calf_mm, length_mm, sd_mm, sd_mm, 6.0)
    right = LegMeasurement(ankle_mm, right_calf_mm or calf_mm, length_mm, sd_mm, sd_mm, 6.0)
    return Measurement(left, right, MeasurementSource.CAMERA)


@dataclass
class RunningKiosk:
    parts: KioskParts
    window: Any
    controller: KioskController
    clock: FakeClock
    log: MemorySessionLog
    made: list[FakeMeasurer]  # filled by the vision thread at its first frame
    slip_dir: Path

    @property
    def measurer(self) -> FakeMeasurer | None:
        """The fake measurer once the vision thread has built it (None before)."""
        return self.made[0] if self.made else None

    @property
    def flow(self):
        return self.parts.flow

    def send(self, intent: Intent) -> None:
        """What a tap on the screen showing now sends (through the window's wiring)."""
        self.window.screen_named(self.window.current_screen).intent.emit(intent)

    def answer_all(self, yes: frozenset[str] = frozenset()) -> None:
        while self.window.current_screen == "screener":
            qid = self.flow.status.question_id
            self.send(AnswerQuestion(qid, qid in yes))


def start_kiosk(qtbot, tmp_path: Path, *, measured: Measurement | None = None,
                open_source: Callable[[], Any] | None = None, needed: int = 4,
                refuse: str | None = None,
                options: KioskOptions | None = None, estimator: Any = None,
                measurer_factory: Callable | None = None,
                wizard_factory: Callable | None = None,
                notifier: Any = None) -> RunningKiosk:
    voice = RecordingVoice()
    from ui.main_window import KioskWindow

    clock = FakeClock()
    log = MemorySessionLog()
    estimator = estimator or FakePoseEstimator([person_pose()])
    made: list[FakeMeasurer] = []

    def fake_measurer(calibration):
        m = FakeMeasurer(estimator, needed=needed, refuse=refuse, measurement=measured)
        made.append(m)
        return m

    parts = assemble(options or KioskOptions(mode="demo", pace_fps=200, fullscreen=False),
                     estimator=estimator, measurer_factory=measurer_factory or fake_measurer,
                     open_source=open_source or (
                         lambda: ScriptedFrameSource(blank_frames(8), then="loop")),
                     session_log=log, voice=voice, clock=clock)
    window = KioskWindow(kiosk_mode=False)
    qtbot.addWidget(window)
    slip_dir = tmp_path / "slips"
    controller = KioskController(parts, window, pump_interval_ms=5, slip_dir=slip_dir,
                                 wizard_factory=wizard_factory, notifier=notifier)
    controller.start()
    kiosk = RunningKiosk(parts, window, controller, clock, log, made,
                         slip_dir)
    return kiosk
