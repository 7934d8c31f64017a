"""Kiosk settings and where they live: versioned, validated, never silently replaced."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from kiosk.config import ConfigInvalid, KioskConfig, load_config, save_config
from kiosk.paths import KioskPaths
from tests.kiosk.flow_helpers import staff_pin_hash


@pytest.mark.parametrize("env, config_dir, data_dir", [
    # XDG variables set: the app folder inside them
    ({"HOME": "/h", "XDG_CONFIG_HOME": "/c", "XDG_DATA_HOME": "/d"}, "/c/legfit", "/d/legfit"),
    # nothing set: the XDG defaults under HOME
    ({"HOME": "/h"}, "/h/.config/legfit", "/h/.local/share/legfit"),
    # explicit overrides win (a kiosk image, or a test)
    ({"HOME": "/h", "XDG_CONFIG_HOME": "/c", "LEGFIT_CONFIG_DIR": "/etc/legfit",
      "LEGFIT_DATA_DIR": "/var/lib/legfit"}, "/etc/legfit", "/var/lib/legfit"),
])
def test_paths_from_environment(env, config_dir, data_dir):
    paths = KioskPaths.from_environment(env)
    assert paths.config_dir == Path(config_dir) and paths.data_dir == Path(data_dir)
    assert paths.config_file == Path(config_dir) / "config.json"
    assert paths.calibration_file == Path(config_dir) / "calibration.json"
    assert paths.session_log_file == Path(data_dir) / "sessions.sqlite3"
    assert paths.catalogue_dir == Path(data_dir) / "catalogues"


def test_tests_never_see_the_developers_own_config(tmp_path):
    paths = KioskPaths.from_environment()
    assert not str(paths.config_dir).startswith(str(Path.home() / ".config"))


def test_a_missing_file_means_defaults(tmp_path):
    assert load_config(tmp_path / "none.json") == KioskConfig()


def test_round_trip_with_a_pin_hash_is_private_to_the_kiosk_user(tmp_path):
    cfg = KioskConfig(default_language="de", idle_timeout_s=90, staff_pin=staff_pin_hash())
    path = tmp_path / "cfg" / "config.json"
    save_config(cfg, path)
    assert load_config(path) == cfg
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind


@pytest.mark.parametrize("content, message", [
    ("{not json", "is not valid JSON"),                                       # truncated / corrupt
    ("[]", "must hold a JSON object"),                                 # wrong shape
    ('{"schema_version": 2}', "newer LegFit"),                         # from the future
    ('{"schema_version": "one"}', "schema_version must be"),           # nonsense version
    ('{"idle_timeout_s": 1}', "idle_timeout_s"),                       # out of range, named
    ('{"camera": {"rotate_deg": 45}}', "camera.rotate_deg"),           # nested field, named
    ('{"camera": {"pixel_format": "H264"}}', "camera.pixel_format"),   # a format not offered
    ('{"default_language": "fr"}', "default_language"),               # unsupported language
    ('{"idle_timout_s": 60}', "idle_timout_s"),                        # a typo is not ignored
])
def test_bad_config_files_are_refused_naming_file_and_field(tmp_path, content, message):
    path = tmp_path / "config.json"
    path.write_text(content)
    with pytest.raises(ConfigInvalid) as exc:
        load_config(path)
    assert message in str(exc.value) and str(path) in str(exc.value)
    assert "\n" not in str(exc.value)


def test_a_file_without_version_reads_as_version_one(tmp_path):
    path = tmp_path / "config.json"
    path.write_text(json.dumps({"idle_timeout_s": 45}))
    assert load_config(path).idle_timeout_s == 45
