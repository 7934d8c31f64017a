"""The fleet report on known data: counts, rates, Bland-Altman by hand, demo apart."""

from __future__ import annotations

import json
import math
import re

import pytest

from kiosk.fleet.report import agreement
from tests.fleet.helpers import cli, record

# Store "north": two legs taped in each of two sessions, the camera's figures kept.
TAPED = [
    # (tape: L ankle, L calf, R ankle, R calf), (camera: the same)
    ((230.0, 370.0, 231.0, 369.0), (228.0, 372.0, 233.0, 366.0)),
    ((210.0, 350.0, 212.0, 349.0), (211.0, 351.0, 211.0, 352.0)),
]
# camera - tape, worked out by hand from the lines above
ANKLE_DIFFS = [-2.0, 2.0, 1.0, -1.0]
CALF_DIFFS = [2.0, -3.0, 1.0, 3.0]


@pytest.fixture
def fleet(fleet_db, kiosk_dirs, capsys):
    north = kiosk_dirs("n1")
    north.join(capsys, fleet_db.dsn, "north")
    north.write(
        record(1, outcome="recommend", seconds=60),
        record(2, outcome="recommend", seconds=80, refusals=("legs out of frame",)),
        record(3, outcome="staff_check", seconds=100),
        record(4, outcome="abandoned", seconds=400,
               refusals=("legs out of frame", "left ankle hidden")),
        record(5, outcome="recommend", seconds=120, tape=TAPED[0][0], camera=TAPED[0][1]),
        record(6, outcome="recommend", seconds=140, tape=TAPED[1][0], camera=TAPED[1][1]),
        record(7, outcome="recommend", demo=True),
    )
    assert north.sync_json(capsys)["sent"] == 7
    south = kiosk_dirs("s1")
    south.join(capsys, fleet_db.dsn, "south")
    south.write(record(11, outcome="recommend"), record(12, outcome="see_doctor"),
                record(13, outcome="staff_check"))
    assert south.sync_json(capsys)["sent"] == 3
    trial = kiosk_dirs("d1")
    trial.join(capsys, fleet_db.dsn, "trial")
    trial.write(record(21, demo=True))
    assert trial.sync_json(capsys)["sent"] == 1
    return fleet_db


def test_the_hand_worked_figures():
    ankle = agreement(ANKLE_DIFFS)
    assert ankle.bias_mm == 0.0 and ankle.sd_mm == pytest.approx(math.sqrt(10 / 3))
    calf = agreement(CALF_DIFFS)
    assert calf.bias_mm == 0.75 and calf.sd_mm == pytest.approx(math.sqrt(20.75 / 3))


def test_the_reports_json_on_known_data(fleet, capsys):
    code, out, err = cli(capsys, "fleet", "report", "--dsn", fleet.dsn, "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["sessions"] == 9 and report["demo_sessions"] == 2
    assert set(report["by_store"]) == {"north", "south", "trial"}
    north = report["by_store"]["north"]
    assert north["sessions"] == 6 and north["demo_sessions"] == 1
    assert north["outcomes"] == {"abandoned": 1, "recommend": 4, "staff_check": 1}
    assert north["staff_check_rate"] == pytest.approx(1 / 6, abs=1e-4)
    assert north["refusal_rate"] == pytest.approx(2 / 6, abs=1e-4)
    assert north["refusal_reasons"] == {"legs out of frame": 2, "left ankle hidden": 1}
    assert north["time_to_result_s"]["median"] == 100.0  # 60 80 100 120 140; not 400
    pairs = north["camera_vs_tape"]
    assert pairs["pairs"] == 4 and pairs["sessions"] == 2
    # by hand: ankle bias 0, sd sqrt(10/3) = 1.826 mm -> limits +/- 3.58 mm
    assert pairs["ankle_bias_mm"] == 0.0
    assert pairs["ankle_loa_mm"] == pytest.approx([-3.58, 3.58], abs=0.01)
    # calf: bias 0.75, sd sqrt(20.75/3) = 2.630 mm -> 0.75 +/- 5.155
    assert pairs["calf_bias_mm"] == 0.75
    assert pairs["calf_loa_mm"] == pytest.approx([-4.40, 5.90], abs=0.01)

    south = report["by_store"]["south"]
    assert south["sessions"] == 3 and south["outcomes"]["see_doctor"] == 1
    assert south["camera_vs_tape"]["pairs"] == 0
    assert south["camera_vs_tape"]["ankle_bias_mm"] is None
    trial = report["by_store"]["trial"]  # demo sessions only: still listed
    assert trial["sessions"] == 0 and trial["demo_sessions"] == 1
    assert trial["staff_check_rate"] is None
    assert report["overall"]["camera_vs_tape"]["pairs"] == 4

    kiosks = report["kiosks"]
    assert set(kiosks) == {"n1", "s1", "d1"}
    assert kiosks["n1"]["store"] == "north" and kiosks["n1"]["last_seen"]
    assert kiosks["n1"]["software_version"] and kiosks["n1"]["catalogue_version"] is None


def test_the_text_and_the_html_page(fleet, capsys, tmp_path):
    code, out, _ = cli(capsys, "fleet", "report", "--dsn", fleet.dsn)
    assert code == 0
    assert "all stores: 9 sessions (+2 demo)" in out and "store north: 6 sessions" in out
    assert "camera - tape over 4 legs: ankle 0.0 mm [-3.6, +3.6]; calf +0.8 mm" in out
    page = tmp_path / "report.html"
    code, out, _ = cli(capsys, "fleet", "report", "--dsn", fleet.dsn, "--html", str(page))
    assert code == 0 and str(page) in out
    html = page.read_text()
    assert html.startswith("<!DOCTYPE html>") and html.count("<svg") == 1 + 3 * 2
    # self-contained: nothing fetched from anywhere
    assert not re.search(r"""(src|href)=["']?(https?:|//|/)""", html)
    assert "<script" not in html
    assert "Store north: ankle girth, camera vs tape" in html
    code, out, _ = cli(capsys, "fleet", "report", "--dsn", fleet.dsn, "--json", "--days", "1")
    assert code == 0 and json.loads(out)["sessions"] == 0  # the test sessions are older


def test_demo_sessions_from_a_real_headless_kiosk_log(fleet_db, kiosk_dirs, capsys):
    """The headless demo's log path: the assembly gives it the kiosk's own log, stamped
    demo, and a session driven through the real flow is marked so at the centre."""
    from fitting.outcome import Purpose
    from fitting.stance import Stance
    from kiosk.assembly import KioskOptions, assemble
    from session.flow import FlowState
    from session.log import SqliteSessionLog
    from tests.kiosk.flow_helpers import camera_measurement
    from tests.kiosk.vision_helpers import FakeMeasurer
    from tests.session.test_flow import answer_all
    from vision.fakes import FakePoseEstimator

    k = kiosk_dirs("k1")
    k.join(capsys, fleet_db.dsn, "s1")
    estimator = FakePoseEstimator([])
    parts = assemble(KioskOptions(mode="demo", lockstep=True), paths=k.paths,
                     estimator=estimator,
                     measurer_factory=lambda cal: FakeMeasurer(estimator))
    try:
        assert isinstance(parts.session_log, SqliteSessionLog)
        assert parts.session_log.path == k.paths.session_log_file
        flow = parts.flow
        flow.start()
        flow.set_language("en")
        flow.choose_purpose(Purpose.EVERYDAY)
        answer_all(flow)
        assert flow.state is FlowState.MEASURE_FRONT
        flow.measurement_refused("the calves are covered for 12 cm")
        flow.stance_complete(Stance.FRONT)
        flow.next()
        flow.measured(camera_measurement())
        assert flow.state is FlowState.REVIEW
        flow.next()  # the decision: the session is logged
    finally:
        parts.close()
    (logged,) = k.log().recent()
    assert logged.demo and logged.software_version
    assert logged.refusal_reasons == ("the calves are covered for # cm",)
    assert logged.left_ankle_sd_mm is not None
    k.use()
    assert k.sync_json(capsys)["sent"] == 1
    _, out, _ = cli(capsys, "fleet", "report", "--dsn", fleet_db.dsn, "--json")
    report = json.loads(out)
    assert report["sessions"] == 0 and report["demo_sessions"] == 1
    assert report["by_store"]["s1"]["demo_sessions"] == 1
