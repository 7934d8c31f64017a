"""The sync as a thread of the running kiosk: built by the assembly, never in the way."""

from __future__ import annotations

import socket
import time

from fitting.outcome import Purpose
from fitting.stance import Stance
from kiosk.assembly import KioskOptions, assemble
from kiosk.config import load_config, save_config
from session.flow import FlowState
from tests.fleet.test_catalogues import publish, store_catalogue
from tests.kiosk.flow_helpers import camera_measurement
from tests.kiosk.vision_helpers import FakeMeasurer
from tests.session.test_flow import answer_all
from vision.fakes import FakePoseEstimator


def wait_for(condition, timeout_s: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_a_linked_kiosk_syncs_from_a_thread_of_its_own(fleet_db, kiosk_dirs, capsys, tmp_path):
    k = kiosk_dirs("k1")
    k.join(capsys, fleet_db.dsn, "s1")
    config = load_config(k.paths.config_file)
    save_config(config.model_copy(update={"allow_demo_catalogue": True}), k.paths.config_file)
    publish(capsys, fleet_db, store_catalogue(tmp_path / "v1", marker="fleet"))
    estimator = FakePoseEstimator([])
    parts = assemble(KioskOptions(mode="run"), paths=k.paths, estimator=estimator,
                     measurer_factory=lambda cal: FakeMeasurer(estimator))
    try:
        assert parts.fleet is not None and parts.catalogue_choice is not None
        assert parts.catalogue_choice.source == "bundled"
        assert "fleet sync starting" in parts.catalogue_status()
        parts.fleet.start()
        worker = parts.fleet.worker
        worker.wake()
        # the first pass pulls the published catalogue, and the kiosk sells from it
        assert wait_for(lambda: worker.status.last_result is not None)
        assert parts.catalogue_choice.version == 1
        assert parts.catalogue.products[0].name.endswith(" fleet")
        assert "fleet catalogue version 1" in parts.catalogue_status()
        # a session on the kiosk: written locally at once, sent by the thread
        flow = parts.flow
        flow.calibration_done()  # (no camera here: as if staff had found the mat)
        flow.start()
        flow.set_language("en")
        flow.choose_purpose(Purpose.EVERYDAY)
        answer_all(flow)
        flow.stance_complete(Stance.FRONT)
        flow.next()
        flow.measured(camera_measurement())
        assert flow.state is FlowState.REVIEW
        flow.next()
        (logged,) = parts.session_log.recent()
        assert logged.catalogue_version == 1 and not logged.demo
        worker.wake()
        assert wait_for(lambda: fleet_db.query("SELECT count(*) FROM fleet.sessions")
                        == [(1,)])
        assert fleet_db.query("SELECT catalogue_version, demo FROM fleet.sessions") == [
            (1, False)]
    finally:
        started = time.monotonic()
        assert parts.close() == []
        assert time.monotonic() - started < 5


def test_the_kiosk_never_waits_for_a_centre_that_is_away(kiosk_dirs, capsys, fleet_db):
    k = kiosk_dirs("k1")
    k.join(capsys, fleet_db.dsn, "s1")
    config = load_config(k.paths.config_file)
    link = config.fleet
    assert link is not None
    # a centre that takes the connection and never answers: the pass hangs in connect
    silent = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    away = link.model_copy(update={
        "dsn": f"host=127.0.0.1 port={silent.getsockname()[1]} dbname=x user=y"})
    save_config(config.model_copy(update={"allow_demo_catalogue": True, "fleet": away}),
                k.paths.config_file)
    estimator = FakePoseEstimator([])
    parts = assemble(KioskOptions(mode="run"), paths=k.paths, estimator=estimator,
                     measurer_factory=lambda cal: FakeMeasurer(estimator))
    assert parts.fleet is not None
    parts.fleet.start()
    parts.fleet.worker.wake()
    flow = parts.flow
    flow.calibration_done()
    time.sleep(0.2)  # the sync thread is inside its connect now
    started = time.monotonic()
    flow.start()
    flow.set_language("en")
    flow.choose_purpose(Purpose.EVERYDAY)
    answer_all(flow)
    flow.stance_complete(Stance.FRONT)
    flow.next()
    flow.measured(camera_measurement())
    flow.next()
    assert time.monotonic() - started < 1.0  # the session ended without the network
    assert len(parts.session_log.recent()) == 1
    assert parts.fleet.worker.status.last_result is None  # still waiting on the centre
    started = time.monotonic()
    stuck = parts.close()
    assert time.monotonic() - started < 5  # the thread is a daemon: never holds it up
    assert stuck == ["fleet-sync"]
    silent.close()
