"""Catalogues from the centre: published, pulled, checked again, switched, kept."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from psycopg.types.json import Jsonb

from fitting.catalogue import BUNDLED_CATALOGUE_DIR, load_catalogue
from kiosk.config import load_config, save_config
from kiosk.fleet.catalogues import (
    KioskCatalogues,
    LiveDomain,
    files_digest,
    fleet_catalogue_root,
    folder_files,
)
from kiosk.fleet.runtime import FleetRuntime
from kiosk.fleet.stamp import SessionStamp
from tests.fleet.helpers import cli, record


def store_catalogue(folder: Path, *, marker: str = "", illustrative: bool = False) -> Path:
    """The bundled product files as a store's own (not illustrative); ``marker`` changes
    the first product's name so that versions differ."""
    folder.mkdir(parents=True, exist_ok=True)
    for i, src in enumerate(sorted(BUNDLED_CATALOGUE_DIR.glob("*.json"))):
        data = json.loads(src.read_text())
        data["illustrative"] = illustrative
        if i == 0 and marker:
            data["name"] = f"{data['name']} {marker}"
        (folder / src.name).write_text(json.dumps(data, indent=2))
    return folder


def publish(capsys, fleet_db, folder: Path) -> int:
    code, out, err = cli(capsys, "fleet", "publish-catalogue", "--dsn", fleet_db.dsn,
                         str(folder))
    assert code == 0, err
    return int(out.strip().splitlines()[-1])


def shown(capsys) -> dict[str, object]:
    code, out, err = cli(capsys, "catalogue", "show", "--json")
    assert code == 0, err
    body = json.loads(out)
    assert isinstance(body, dict)
    return body


def test_publish_prints_the_version_alone_last_and_checks_like_catalogue_check(
        fleet_db, capsys, tmp_path):
    folder = store_catalogue(tmp_path / "cat")
    assert publish(capsys, fleet_db, folder) == 1
    assert publish(capsys, fleet_db, store_catalogue(tmp_path / "cat", marker="v2")) == 2
    broken = store_catalogue(tmp_path / "broken")
    (broken / "travel_sock.json").write_text('{"schema_version": 1, "id": "Bad Id"}')
    code, out, err = cli(capsys, "fleet", "publish-catalogue", "--dsn", fleet_db.dsn,
                         str(broken))
    c_code, c_out, c_err = cli(capsys, "catalogue", "check", str(broken))
    assert (code, out, err) == (c_code, c_out, c_err)  # the very same lines
    assert code == 2 and err.count("\n") == 1 and "catalogue files refused" in err
    assert fleet_db.query("SELECT max(version) FROM fleet.catalogue_versions") == [(2,)]


def test_a_kiosk_pulls_checks_switches_and_keeps_the_previous_version(
        fleet_db, kiosk_dirs, capsys, tmp_path):
    k = kiosk_dirs("k1")
    k.join(capsys, fleet_db.dsn, "s1")
    assert shown(capsys)["catalogue_version"] is None  # the bundled demo, for now
    publish(capsys, fleet_db, store_catalogue(tmp_path / "v1"))
    k.use()
    assert k.sync_json(capsys)["catalogue_version"] == 1
    body = shown(capsys)
    assert body["catalogue_version"] == 1 and body["catalogue_source"] == "fleet"
    publish(capsys, fleet_db, store_catalogue(tmp_path / "v2", marker="two"))
    k.use()
    assert k.sync_json(capsys)["catalogue_version"] == 2
    body = shown(capsys)
    assert body["catalogue_version"] == 2
    assert any(p["name"].endswith(" two") for p in body["products"])  # type: ignore[union-attr]
    store = KioskCatalogues(fleet_catalogue_root(k.paths))
    assert store.current()[0] == 2 and store.previous()[0] == 1
    publish(capsys, fleet_db, store_catalogue(tmp_path / "v3", marker="three"))
    k.use()
    assert k.sync_json(capsys)["catalogue_version"] == 3
    assert sorted(p.name for p in store.root.iterdir()) == [
        "current", "previous", "v000002", "v000003"]
    # the heartbeat says which version the kiosk uses
    assert fleet_db.query("SELECT catalogue_version FROM fleet.heartbeats") == [(3,)]


def _insert_version(fleet_db, version: int, files: dict[str, str], digest: str) -> None:
    fleet_db.query("INSERT INTO fleet.catalogue_versions (version, files, sha256, products, "
                   "illustrative) VALUES (%s, %s, %s, 1, false)",
                   (version, Jsonb(files), digest))


@pytest.mark.parametrize("damage", ["digest", "content", "name"])
def test_a_broken_download_leaves_the_version_in_use(
        fleet_db, kiosk_dirs, capsys, tmp_path, damage):
    k = kiosk_dirs("k1")
    k.join(capsys, fleet_db.dsn, "s1")
    publish(capsys, fleet_db, store_catalogue(tmp_path / "v1"))
    k.use()
    assert k.sync_json(capsys)["catalogue_version"] == 1
    files = folder_files(store_catalogue(tmp_path / "v2", marker="two"))
    if damage == "content":
        name = sorted(files)[0]
        files[name] = files[name].replace('"calf_mm"', '"calf_mmm"')
    if damage == "name":
        files["../../escape.json"] = files.pop(sorted(files)[0])
    digest = files_digest(files)
    if damage == "digest":
        files[sorted(files)[0]] += " "
    _insert_version(fleet_db, 2, files, digest)
    k.write(record(1))
    code, out, err = k.sync(capsys, "--once", "--json")
    assert code == 0 and json.loads(out) == {"sent": 1, "pending": 0, "catalogue_version": 1}
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "catalogue version 2 from the centre refused" in lines[0]
    assert "version 1 stays in use" in lines[0]
    assert shown(capsys)["catalogue_version"] == 1
    root = fleet_catalogue_root(k.paths)
    assert sorted(p.name for p in root.iterdir()) == ["current", "v000001"]
    assert not (tmp_path / "escape.json").exists()
    (problem,) = fleet_db.query("SELECT problem FROM fleet.heartbeats")
    assert "refused" in str(problem[0])
    # a good version after it is taken
    publish(capsys, fleet_db, store_catalogue(tmp_path / "v3", marker="three"))
    k.use()
    assert k.sync_json(capsys)["catalogue_version"] == 3


def test_a_folder_the_store_set_wins_over_the_fleets(fleet_db, kiosk_dirs, capsys, tmp_path):
    k = kiosk_dirs("k1")
    k.join(capsys, fleet_db.dsn, "s1")
    publish(capsys, fleet_db, store_catalogue(tmp_path / "v1"))
    k.use()
    k.sync_json(capsys)
    own = store_catalogue(tmp_path / "own")
    config = load_config(k.paths.config_file)
    save_config(config.model_copy(update={"catalogue_dir": own}), k.paths.config_file)
    body = shown(capsys)
    assert body["catalogue_version"] is None and body["catalogue_source"] == "store"
    # the fleet's version is still pulled and kept ready
    assert KioskCatalogues(fleet_catalogue_root(k.paths)).current_version == 1


def test_a_running_kiosk_switches_between_decisions(fleet_db, kiosk_dirs, capsys, tmp_path):
    k = kiosk_dirs("k1")
    k.join(capsys, fleet_db.dsn, "s1")
    config = load_config(k.paths.config_file)
    domain = LiveDomain(load_catalogue(None))
    stamp = SessionStamp(software="t")
    from kiosk.fleet.catalogues import resolve_catalogue

    runtime = FleetRuntime(k.paths, config, log_path=k.paths.session_log_file,
                           option_dir=None, choice=resolve_catalogue(k.paths, config),
                           stamp=stamp, domain=domain, report=lambda line: None)
    switched = []
    runtime.on_switch = lambda catalogue, choice: switched.append(choice.version)
    publish(capsys, fleet_db, store_catalogue(tmp_path / "v1", marker="live"))
    result = runtime.worker.sync.run_once()
    assert result.installed == 1 and switched == [1]
    assert domain.catalogue.products[0].name.endswith(" live")
    assert stamp.catalogue_version == 1 and runtime.state().catalogue_version == 1
    assert "fleet catalogue version 1" in runtime.status_line()
    runtime.worker.sync.outbox.close()


def test_staff_see_the_catalogue_version_in_use(qtbot):
    from ui.main_window import KioskWindow
    from ui.screens.staff import StaffPage

    window = KioskWindow(kiosk_mode=False)
    qtbot.addWidget(window)
    window.show_staff(StaffPage(catalogue_version="Catalogue in use: fleet catalogue version 4"))
    from PySide6.QtWidgets import QLabel

    label = window.findChild(QLabel, "catalogue_version")
    assert label is not None and label.text().endswith("fleet catalogue version 4")


def test_a_fleet_catalogue_folder_survives_a_crash_mid_download(tmp_path):
    root = tmp_path / "catalogues"
    root.mkdir()
    (root / ".v000004.partial-999").mkdir()  # a download cut short by a power cut
    store = KioskCatalogues(root)
    from kiosk.fleet.catalogues import Download

    files = folder_files(store_catalogue(tmp_path / "v5"))
    store.install(Download(5, files, files_digest(files)))
    assert sorted(os.listdir(root)) == ["current", "v000005"]
    shutil.rmtree(root)


def test_illustrative_charts_from_the_centre_are_installed_but_sold_only_where_allowed(
        fleet_db, kiosk_dirs, capsys):
    from kiosk.assembly import KioskOptions, NoStoreCatalogue, assemble
    from kiosk.fleet.catalogues import resolve_catalogue
    from vision.fakes import FakePoseEstimator

    k = kiosk_dirs("k1")
    k.join(capsys, fleet_db.dsn, "s1")
    config = load_config(k.paths.config_file)
    # a running kiosk whose config does not allow illustrative charts
    domain = LiveDomain(load_catalogue(store_catalogue(k.data_dir / "own")))
    runtime = FleetRuntime(k.paths, config, log_path=k.paths.session_log_file,
                           option_dir=None, choice=resolve_catalogue(k.paths, config),
                           stamp=SessionStamp(software="t"), domain=domain,
                           report=lambda line: None)
    before = domain.catalogue
    publish(capsys, fleet_db, BUNDLED_CATALOGUE_DIR)  # the bundled demo: illustrative
    result = runtime.worker.sync.run_once()
    runtime.worker.sync.outbox.close()
    assert result.installed == 1  # valid as 'catalogue check' says: installed
    assert domain.catalogue is before  # but not sold from
    assert "illustrative" in runtime.status_line() and runtime.state().problem
    k.use()
    assert shown(capsys)["catalogue_version"] == 1  # the fleet's version, on disk
    # 'legfit run' refuses it at start, as it refuses a store folder of illustrative charts
    with pytest.raises(NoStoreCatalogue, match="illustrative"):
        assemble(KioskOptions(mode="run"), paths=k.paths,
                 estimator=FakePoseEstimator([]), measurer_factory=lambda cal: None)
    # a kiosk that allows them sells from them
    allowed = config.model_copy(update={"allow_demo_catalogue": True})
    save_config(allowed, k.paths.config_file)
    parts = assemble(KioskOptions(mode="run"), paths=k.paths,
                     estimator=FakePoseEstimator([]), measurer_factory=lambda cal: None)
    try:
        assert parts.catalogue_choice.version == 1 and parts.catalogue.illustrative
    finally:
        parts.close()
