"""Assembling the kiosk from its parts, without Qt.

``assemble`` builds everything the kiosk is made of (settings, catalogue, calibration,
frame source, pose model, measurer, session log, staff PIN, the flow and the workers)
from the command line's options. Every part can be handed in instead (tests, the
benchmark); nothing below reads a setting on its own. ``kiosk.app`` wires the parts to
the window; ``kiosk.headless`` drives them without one.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from calibration.calibration_file import load_calibration
from calibration.camera import CameraCalibration
from calibration.mat import MatSpec, load_mat_spec
from fitting.catalogue import Catalogue, load_catalogue
from fitting.errors import LegFitError
from kiosk.config import ConfigInvalid, KioskConfig, load_config
from kiosk.demo import DEMO_CALIBRATION, DEMO_STAFF_PIN, DEMO_VIDEO, demo_calibration
from kiosk.fleet.catalogues import CatalogueChoice, LiveDomain, resolve_catalogue
from kiosk.fleet.runtime import FleetRuntime, catalogue_status
from kiosk.fleet.stamp import SessionStamp
from kiosk.paths import KioskPaths
from kiosk.session import KioskSession
from kiosk.staff import LEGACY_SCRYPT, StaffAuth, hash_pin, kiosk_staff_auth
from kiosk.voice import NullVoice, Speaker, voice_from_config
from kiosk.workers import CameraWorker, StanceMeasurer, VisionWorker
from session.domain import Domain, FittingDomain
from session.flow import SessionFlow
from session.log import MemorySessionLog, SessionLog, SqliteSessionLog
from vision.protocols import FrameSource, PoseEstimator, Segmenter
from vision.types import Frame, PoseResult

# A recorded video is paced to this rate in the GUI demo (the file itself is 15 fps;
# playing it a little faster keeps the demo short, as a live camera would run at 25-30).
DEMO_PACE_FPS = 25.0


@dataclass(frozen=True)
class KioskOptions:
    """What the command line chose."""

    mode: str = "run"  # "run": live camera; "demo": the recorded fitting
    video: Path = DEMO_VIDEO
    demo_calibration: Path = DEMO_CALIBRATION
    camera_device: int | str | None = None
    calibration_file: Path | None = None
    catalogue_dir: Path | None = None
    fullscreen: bool = True
    pace_fps: float | None = None
    lockstep: bool = False
    language: str | None = None
    # The GUI demo taps through its screens by itself until someone touches the screen.
    autoplay: bool = False

    @property
    def demo(self) -> bool:
        return self.mode == "demo"


@dataclass
class KioskParts:
    """Everything the kiosk is made of; ``close`` stops and releases it all."""

    options: KioskOptions
    paths: KioskPaths
    config: KioskConfig
    mat: MatSpec
    catalogue: Catalogue
    calibration: CameraCalibration | None
    calibration_problem: str
    flow: SessionFlow
    session: KioskSession
    session_log: SessionLog
    staff_auth: StaffAuth
    estimator: PoseEstimator
    measurer_factory: Callable[[CameraCalibration], StanceMeasurer]
    segmenter: Segmenter | None = None
    intrinsics_only: CameraCalibration | None = None
    voice: Speaker = field(default_factory=NullVoice)
    closed: bool = False
    notes: list[str] = field(default_factory=list)
    # The catalogue sold from (its fleet version, if it is one), and the fleet's sync.
    catalogue_choice: CatalogueChoice | None = None
    fleet: FleetRuntime | None = None

    def catalogue_status(self) -> str:
        """One line for staff: the catalogue in use (and the fleet sync's state)."""
        if self.fleet is not None:
            return self.fleet.status_line()
        return catalogue_status(self.catalogue_choice)

    def close(self, timeout_s: float = 5.0) -> list[str]:
        """Stop and join the workers, then release the model and the log."""
        if self.closed:
            return []
        self.closed = True
        stuck = self.session.stop(timeout_s)
        if self.fleet is not None:
            stuck += self.fleet.stop()
        with contextlib.suppress(Exception):
            self.estimator.close()
        if self.segmenter is not None:
            with contextlib.suppress(Exception):
                self.segmenter.close()
        self.session_log.close()
        with contextlib.suppress(Exception):
            self.voice.close()
        return stuck


class NoStoreCatalogue(LegFitError):
    """The kiosk would sell from illustrative size charts the store has not chosen."""


def _store_catalogue(directory: Path, config: KioskConfig, notes: list[str]) -> Catalogue:
    """The store's catalogue; the bundled illustrative one only when the config allows it."""
    if directory.is_dir():
        catalogue = load_catalogue(directory)
        where = f"the catalogue at {directory} has illustrative size charts"
    else:
        catalogue = load_catalogue(None)
        where = f"no store catalogue at {directory}"
    if not catalogue.illustrative:
        return catalogue
    if not config.allow_demo_catalogue:
        raise NoStoreCatalogue(
            f"{where}: put the store's catalogue files there ('legfit catalogue check' "
            "checks them), or set allow_demo_catalogue to true in the config to sell from "
            "illustrative charts")
    notes.append(f"{where}: selling from them, as the config allows (every recommendation "
                 "says they are illustrative)")
    return catalogue


def _demo_log(paths: KioskPaths, notes: list[str]) -> tuple[SessionLog, SessionStamp | None]:
    """The headless demo's session goes into this kiosk's log, marked as a demo (a store
    tries its fleet link with it); without a readable config it is not logged."""
    try:
        config = load_config(paths.config_file)
    except ConfigInvalid as exc:
        notes.append(f"the demo session is not logged: {exc}")
        return MemorySessionLog(), None
    stamp = SessionStamp(demo=True)
    return SqliteSessionLog(config.session_log_file or paths.session_log_file,
                            retention_days=config.session_retention_days,
                            stamp=stamp.apply), stamp


def _voice(options: KioskOptions, config: KioskConfig, notes: list[str]) -> Speaker:
    """The kiosk's voice; the headless demo (lockstep, no screen) stays silent."""
    if options.lockstep:
        return NullVoice("the headless demo has no one to speak to")
    return voice_from_config(config, notes=notes)


def _load_run_calibration(path: Path) -> tuple[CameraCalibration | None,
                                                CameraCalibration | None, str]:
    """(calibration with a floor pose, intrinsics-only calibration, problem sentence)."""
    if not path.is_file():
        return None, None, (f"no camera calibration at {path}: run 'legfit calibrate', then "
                            "find the mat from the staff screen")
    try:
        calibration = load_calibration(path)
    except LegFitError as exc:
        return None, None, str(exc)
    if calibration.floor_pose is None:
        return None, calibration, ("the calibration has no floor pose yet: stand nobody on "
                                   "the mat and find the mat from the staff screen")
    return calibration, calibration, ""


class LazyPoseEstimator:
    """The pose model, loaded on its first frame, on the thread that uses it.

    Importing MediaPipe and loading its model takes a couple of seconds; the attract
    screen needs neither, so the kiosk shows it first and the vision thread pays for
    the model while the shopper reads the welcome screen.
    """

    def __init__(self, build: Callable[[], PoseEstimator]) -> None:
        self._build = build
        self._estimator: PoseEstimator | None = None

    def estimate(self, frame: Frame) -> PoseResult:
        if self._estimator is None:
            self._estimator = self._build()
        return self._estimator.estimate(frame)

    def close(self) -> None:
        if self._estimator is not None:
            self._estimator.close()


class LazySegmenter:
    """The selfie segmenter (every person in view), loaded on the vision thread at its
    first use, like the pose model (see ``LazyPoseEstimator``)."""

    def __init__(self, build: Callable[[], Segmenter]) -> None:
        self._build = build
        self._segmenter: Segmenter | None = None

    def _get(self) -> Segmenter:
        if self._segmenter is None:
            self._segmenter = self._build()
        return self._segmenter

    def segment(self, frame: Frame) -> np.ndarray:
        return self._get().segment(frame)

    def segment_small(self, frame: Frame) -> np.ndarray:
        """Counting people needs only the model-size mask (see vision.segmentation)."""
        return self._get().segment_small(frame)

    def close(self) -> None:
        if self._segmenter is not None:
            self._segmenter.close()


def default_segmenter() -> Segmenter:
    def build() -> Segmenter:
        from vision.pose_mediapipe import MediaPipeSelfieSegmenter

        return MediaPipeSelfieSegmenter()

    return LazySegmenter(build)


# The pose model and measurer run at most this often on a live or demo feed: ~10 looks a
# second track a person standing still and fill a stance in ~1.5 s, and leave the live
# view its share of a 2-core machine (uncapped, the painter fell to ~12 fps there).
VISION_MAX_RATE_HZ = 10.0

# The live checker looks for a second person on every third frame: a bystander does not
# appear and leave within a tenth of a second, and the segmenter costs ~5 ms a call.
LIVE_SEGMENT_EVERY = 3


def default_estimator() -> PoseEstimator:
    def build() -> PoseEstimator:
        from vision.pose_mediapipe import MediaPipePoseEstimator

        return MediaPipePoseEstimator()

    return LazyPoseEstimator(build)


def default_measurer_factory(mat: MatSpec, estimator: PoseEstimator,
                             segmenter: Segmenter | None = None
                             ) -> Callable[[CameraCalibration], StanceMeasurer]:
    """Measurers whose stance checker sees everyone in view (a second person is refused)."""
    from vision.measurer import LIVE_PROFILE_INTERVAL_S, LegMeasurer
    from vision.stance import StanceChecker

    everyone = segmenter or default_segmenter()

    def build(calibration: CameraCalibration) -> StanceMeasurer:
        return LegMeasurer(calibration, mat, estimator,
                           checker_factory=lambda cal: StanceChecker(
                               cal, mat, segmenter=everyone,
                               segment_every=LIVE_SEGMENT_EVERY),
                           profile_interval_s=LIVE_PROFILE_INTERVAL_S)

    return build


def assemble(options: KioskOptions, *, paths: KioskPaths | None = None,
             config: KioskConfig | None = None,
             estimator: PoseEstimator | None = None,
             measurer_factory: Callable[[CameraCalibration], StanceMeasurer] | None = None,
             open_source: Callable[[], FrameSource] | None = None,
             session_log: SessionLog | None = None,
             voice: Speaker | None = None,
             clock: Callable[[], float] = time.monotonic) -> KioskParts:
    """Build every part of the kiosk; each can be replaced (tests, benchmarks)."""
    paths = paths or KioskPaths.from_environment()
    mat = load_mat_spec()
    notes: list[str] = []
    calibration: CameraCalibration | None
    intrinsics_only: CameraCalibration | None
    stamp: SessionStamp | None = None
    if options.demo:
        # The demo never reads or writes a store's settings or calibration; the headless
        # demo's session goes into the kiosk's log as a demo session.
        # The demo's PIN is public: the old, quicker scrypt cost is enough for it.
        config = config or KioskConfig(staff_pin=hash_pin(DEMO_STAFF_PIN, params=LEGACY_SCRYPT),
                                       fullscreen=False)
        calibration = demo_calibration(options.video, options.demo_calibration, mat)
        intrinsics_only, problem = calibration, ""
        if session_log is None:
            session_log, stamp = (_demo_log(paths, notes) if options.lockstep
                                  else (MemorySessionLog(), None))
        catalogue = load_catalogue(options.catalogue_dir)
        choice = CatalogueChoice(options.catalogue_dir, None,
                                 "bundled" if options.catalogue_dir is None else "folder")
    else:
        config = config or load_config(paths.config_file)
        cal_path = options.calibration_file or config.calibration_file or paths.calibration_file
        calibration, intrinsics_only, problem = _load_run_calibration(cal_path)
        choice = resolve_catalogue(paths, config, options.catalogue_dir)
        if session_log is None:
            stamp = SessionStamp(catalogue_version=choice.version)
            session_log = SqliteSessionLog(
                config.session_log_file or paths.session_log_file,
                retention_days=config.session_retention_days, stamp=stamp.apply)
        catalogue = _store_catalogue(choice.directory or paths.catalogue_dir, config, notes)
    if open_source is None:
        open_source = _source_factory(options, config)
    estimator = estimator or default_estimator()
    segmenter = None
    if measurer_factory is None:
        segmenter = default_segmenter()
        measurer_factory = default_measurer_factory(mat, estimator, segmenter)
    # A store's kiosk keeps wrong tries and the lock across restarts; the demo does not.
    staff_auth = (StaffAuth(config.staff_pin, clock) if options.demo
                  else kiosk_staff_auth(config.staff_pin, clock, paths))
    # A fleet's kiosk may switch catalogues while it runs (a version pulled by its sync).
    fleet_linked = not options.demo and config.fleet is not None
    live = LiveDomain(catalogue) if fleet_linked else None
    domain: Domain = live if live is not None else FittingDomain(catalogue)
    flow = SessionFlow(domain, staff_auth, clock, session_log=session_log,
                       calibrated=calibration is not None,
                       idle_timeout_s=config.idle_timeout_s,
                       default_language=options.language or config.default_language)
    pace = options.pace_fps
    if pace is None and options.demo and not options.lockstep:
        pace = DEMO_PACE_FPS
    camera = CameraWorker(open_source, pace_fps=pace, lockstep=options.lockstep,
                          display=not options.lockstep)
    # Built on the vision thread at its first frame, like the model (see LazyPoseEstimator).
    build_measurer = (None if calibration is None
                      else lambda: measurer_factory(calibration))
    vision = VisionWorker(camera.frames, estimator, build_measurer=build_measurer,
                          max_rate_hz=None if options.lockstep else VISION_MAX_RATE_HZ)
    session = KioskSession(flow, camera, vision)
    if stamp is not None:
        stamp.watch(flow)  # the session's refusals go into its record
    fleet = None
    if fleet_linked:
        fleet = FleetRuntime(paths, config,
                             log_path=config.session_log_file or paths.session_log_file,
                             option_dir=options.catalogue_dir, choice=choice,
                             stamp=stamp or SessionStamp(catalogue_version=choice.version),
                             domain=live)
    parts = KioskParts(options=options, paths=paths, config=config, mat=mat,
                       catalogue=catalogue, calibration=calibration,
                       calibration_problem=problem, flow=flow, session=session,
                       session_log=session_log, staff_auth=staff_auth, estimator=estimator,
                       measurer_factory=measurer_factory, segmenter=segmenter,
                       intrinsics_only=intrinsics_only,
                       voice=voice or _voice(options, config, notes), notes=notes,
                       catalogue_choice=choice, fleet=fleet)
    if fleet is not None:
        def switched(new: Catalogue, new_choice: CatalogueChoice) -> None:
            parts.catalogue, parts.catalogue_choice = new, new_choice

        fleet.on_switch = switched
    return parts


def _source_factory(options: KioskOptions, config: KioskConfig) -> Callable[[], FrameSource]:
    from vision.sources import CameraSource, VideoFileSource

    if options.demo:
        return lambda: VideoFileSource(options.video, loop=True)
    device = options.camera_device if options.camera_device is not None \
        else config.camera.device
    camera = config.camera
    return lambda: CameraSource(device, camera.size_wh, camera.rotate_deg,
                                pixel_format=camera.pixel_format)
