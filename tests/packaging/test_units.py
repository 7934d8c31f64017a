"""The systemd units, udev rule, logrotate and PAM files parse and say what they must."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.packaging.conftest import PACKAGING, REPO_ROOT

UNITS = ("legfit-kiosk.service", "legfit-backup.service", "legfit-backup.timer")
SECTION = re.compile(r"^\[([A-Za-z]+)\]$")


def parse_unit(text: str) -> dict[str, dict[str, list[str]]]:
    """systemd's unit syntax: [Section], Key=value, repeated keys accumulate, # and ;
    comments. Raises ValueError on a line that is none of these."""
    sections: dict[str, dict[str, list[str]]] = {}
    current = None
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if m := SECTION.match(line):
            current = sections.setdefault(m.group(1), {})
            continue
        if current is None or "=" not in line:
            raise ValueError(f"line {n}: {raw!r}")
        key, value = line.split("=", 1)
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", key.strip()):
            raise ValueError(f"line {n}: bad key {key!r}")
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


def unit(name: str) -> dict[str, dict[str, list[str]]]:
    return parse_unit((PACKAGING / "systemd" / name).read_text())


@pytest.mark.parametrize("name", UNITS)
def test_every_unit_parses(name):
    assert unit(name)


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        # systemd waits for READY=1 and restarts on missing WATCHDOG=1 pings
        ("Type", "notify"),
        ("WatchdogSec", "30"),
        # LegFit is cage's child, not the main process
        ("NotifyAccess", "all"),
        # comes back after any exit, forever
        ("Restart", "always"),
        # a dedicated, unprivileged user
        ("User", "legfit"),
        ("NoNewPrivileges", "yes"),
        ("ProtectSystem", "strict"),
        ("ProtectHome", "yes"),
        ("PrivateTmp", "yes"),
        # the display session cage needs
        ("PAMName", "legfit-kiosk"),
        ("TTYPath", "/dev/tty1"),
        # IP to localhost only, unless IT names a fleet's centre in a drop-in
        ("IPAddressDeny", "any"),
        ("IPAddressAllow", "localhost"),
        # local sockets, udev's netlink, and IP for the fleet's central store
        ("RestrictAddressFamilies", "AF_UNIX AF_NETLINK AF_INET AF_INET6"),
        # its output is the journal's, not a file's
        ("StandardOutput", "journal"),
        ("StandardError", "journal"),
        ("SyslogIdentifier", "legfit"),
        # where the app keeps config, calibration, catalogue and the session log
        ("ReadWritePaths", "/etc/legfit"),
        ("StateDirectory", "legfit"),
        ("LogsDirectory", "legfit"),
        # the kiosk session itself
        ("ExecStart", "/opt/legfit/bin/legfit-session"),
    ],
)
def test_the_kiosk_service_says(key, expected):
    assert expected in unit("legfit-kiosk.service")["Service"][key]


@pytest.mark.parametrize(
    "device",
    [
        "char-video4linux rw",  # the camera
        "char-drm rw",  # the display (KMS) and the GPU
        "char-input rw",  # the touch screen
        "/dev/tty1 rw",  # its own console
        "char-alsa rw",  # the sound card, for spoken guidance
    ],
)
def test_the_kiosk_service_may_use_the_devices_it_needs(device):
    service = unit("legfit-kiosk.service")["Service"]
    assert service["DevicePolicy"] == ["closed"]
    assert device in service["DeviceAllow"]


# --- hardening ----------------------------------------------------------------------------

# What both units say, whatever each needs beyond it.
HARDENING = {
    "NoNewPrivileges": "yes",
    "CapabilityBoundingSet": "",
    "AmbientCapabilities": "",
    "ProtectSystem": "strict",
    "ProtectHome": "yes",
    "PrivateTmp": "yes",
    "PrivateMounts": "yes",
    "ProtectKernelTunables": "yes",
    "ProtectKernelModules": "yes",
    "ProtectKernelLogs": "yes",
    "ProtectControlGroups": "yes",
    "ProtectClock": "yes",
    "ProtectHostname": "yes",
    "ProtectProc": "invisible",
    "RestrictNamespaces": "yes",
    "RestrictRealtime": "yes",
    "RestrictSUIDSGID": "yes",
    "LockPersonality": "yes",
    "RemoveIPC": "yes",
    "SystemCallArchitectures": "native",
    "SystemCallFilter": "@system-service",
    "SystemCallErrorNumber": "EPERM",
    "IPAddressDeny": "any",
}


@pytest.mark.parametrize("name", ["legfit-kiosk.service", "legfit-backup.service"])
@pytest.mark.parametrize(("key", "value"), sorted(HARDENING.items()))
def test_both_services_are_hardened(name, key, value):
    assert value in unit(name)["Service"].get(key, []), f"{name}: {key}={value}"


def _mebibytes(size: str) -> float:
    number, suffix = re.fullmatch(r"(\d+)([KMG]?)", size).groups()
    return int(number) * {"K": 1 / 1024, "M": 1, "G": 1024, "": 1 / 2 ** 20}[suffix]


def test_the_kiosks_memory_cap_leaves_headroom_over_the_measurers_peak():
    service = unit("legfit-kiosk.service")["Service"]
    (high,), (cap,) = service["MemoryHigh"], service["MemoryMax"]
    assert 2 * 500 <= _mebibytes(high) < _mebibytes(cap) <= 4096  # the peak: ~500 MB


def test_the_kiosk_may_reach_the_network_only_through_its_allowed_addresses():
    service = unit("legfit-kiosk.service")["Service"]
    assert service["IPAddressAllow"] == ["localhost"]
    assert "PrivateNetwork" not in service  # a fleet's central store needs the network


def test_the_backup_needs_no_device_network_or_other_user():
    service = unit("legfit-backup.service")["Service"]
    for key in ("PrivateDevices", "PrivateNetwork", "PrivateUsers", "MemoryDenyWriteExecute"):
        assert service[key] == ["yes"], key
    assert service["RestrictAddressFamilies"] == ["AF_UNIX"]
    assert "~@privileged @resources" in service["SystemCallFilter"]
    assert _mebibytes(service["MemoryMax"][0]) <= 512
    # what another change set, kept: the retention the script reads, the user it runs as
    assert "LEGFIT_RETENTION_DAYS=400" in service["Environment"]
    assert service["User"] == ["legfit"]


def test_the_kiosk_logs_to_the_journal_with_a_rate_limit():
    service = unit("legfit-kiosk.service")["Service"]
    text = (PACKAGING / "systemd/legfit-kiosk.service").read_text()
    assert "append:" not in text and "kiosk.log" not in text
    assert service["LogRateLimitIntervalSec"] == ["30s"]
    assert 100 <= int(service["LogRateLimitBurst"][0]) <= 10000


def test_the_journal_drop_in_caps_its_size():
    conf = parse_unit((PACKAGING / "journald/legfit.conf").read_text())["Journal"]
    assert conf["Storage"] == ["persistent"]
    assert _mebibytes(conf["SystemMaxUse"][0]) <= 1024
    assert _mebibytes(conf["SystemMaxFileSize"][0]) * 4 <= _mebibytes(conf["SystemMaxUse"][0])
    assert "SystemKeepFree" in conf and "RuntimeMaxUse" in conf


def _exposure(path: Path) -> float:
    result = subprocess.run(["systemd-analyze", "security", "--offline=yes", str(path)],
                            capture_output=True, text=True, timeout=60)
    found = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", result.stdout)
    assert found, result.stdout + result.stderr
    return float(found.group(1))


needs_offline_security = pytest.mark.skipif(
    shutil.which("systemd-analyze") is None
    or "--offline" not in subprocess.run(["systemd-analyze", "--help"], capture_output=True,
                                         text=True).stdout,
    reason="no systemd-analyze with --offline (systemd 250 or newer); the directives "
           "above are still checked")


@needs_offline_security
@pytest.mark.parametrize("name", ["legfit-kiosk.service", "legfit-backup.service"])
def test_systemd_rates_both_services_at_an_exposure_of_3_or_lower(name):
    assert _exposure(PACKAGING / "systemd" / name) <= 3.0


@needs_offline_security
@pytest.mark.parametrize("name", ["legfit-kiosk.service", "legfit-backup.service"])
def test_the_deploy_notes_give_the_exposure_systemd_finds(name):
    docs = (REPO_ROOT / "docs/deploy.md").read_text()
    (row,) = [line for line in docs.splitlines() if line.startswith(f"| `{name}` |")]
    now = float(row.split("|")[3].split()[0])
    assert now == _exposure(PACKAGING / "systemd" / name)


@needs_offline_security
def test_the_exposure_check_itself_sees_a_weaker_unit(tmp_path):
    weak = tmp_path / "legfit-kiosk.service"
    weak.write_text("\n".join(
        line for line in (PACKAGING / "systemd/legfit-kiosk.service").read_text().splitlines()
        if not line.startswith(("SystemCallFilter", "CapabilityBoundingSet", "Protect",
                                "Private", "Restrict"))))
    assert _exposure(weak) > 3.0


def test_the_kiosk_service_points_the_app_at_the_system_directories():
    env = " ".join(unit("legfit-kiosk.service")["Service"]["Environment"])
    assert "LEGFIT_CONFIG_DIR=/etc/legfit" in env
    assert "LEGFIT_DATA_DIR=/var/lib/legfit" in env


def test_the_kiosk_service_caps_malloc_arenas_as_the_soak_runs():
    # The soak measures memory as the kiosk runs; both cap glibc's arenas at two.
    env = " ".join(unit("legfit-kiosk.service")["Service"]["Environment"])
    assert "MALLOC_ARENA_MAX=2" in env
    makefile = (Path(__file__).resolve().parents[2] / "Makefile").read_text()
    assert "MALLOC_ARENA_MAX=2 QT_QPA_PLATFORM=offscreen $(BIN)/python bench/soak.py" in makefile


def test_the_kiosk_starts_at_boot_and_never_stops_retrying():
    kiosk = unit("legfit-kiosk.service")
    assert kiosk["Install"]["WantedBy"] == ["graphical.target"]
    assert kiosk["Unit"]["StartLimitIntervalSec"] == ["0"]


def test_the_backup_runs_nightly_and_catches_up_after_downtime():
    timer = unit("legfit-backup.timer")["Timer"]
    assert timer["Persistent"] == ["true"]
    assert timer["OnCalendar"] == ["*-*-* 02:30:00"]
    assert unit("legfit-backup.service")["Service"]["User"] == ["legfit"]


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        # a well-formed unit
        ("[Service]\nType=notify\n", True),
        # a key outside any section
        ("Type=notify\n", False),
        # a line that is not key=value
        ("[Service]\nRestart always\n", False),
    ],
)
def test_the_unit_parser_itself_rejects_malformed_units(text, ok):
    if ok:
        parse_unit(text)
    else:
        with pytest.raises(ValueError):
            parse_unit(text)


# --- systemd's own verifier, on the installed tree ------------------------------------

def _verify(root: Path) -> str:
    # Give the staged tree systemd's own units (targets, sockets) to resolve against.
    host_units = Path("/usr/lib/systemd/system")
    (root / "usr/lib/systemd").mkdir(parents=True, exist_ok=True)
    link = root / "usr/lib/systemd/system"
    if not link.is_symlink():
        link.symlink_to(host_units)
    result = subprocess.run(["systemd-analyze", "verify", f"--root={root}", *UNITS],
                            capture_output=True, text=True, timeout=60)
    # Only complaints about our files count (the host's units are not under test).
    ours = [line for line in (result.stdout + result.stderr).splitlines()
            if "legfit" in line and "Too many levels of symbolic links" not in line]
    return "\n".join(ours)


needs_systemd = pytest.mark.skipif(
    shutil.which("systemd-analyze") is None or not Path("/usr/lib/systemd/system").is_dir(),
    reason="systemd-analyze is not installed; the unit parser above still checks syntax",
)


@needs_systemd
def test_systemd_analyze_verify_accepts_the_installed_units(staged_root):
    assert _verify(staged_root) == ""


@needs_systemd
def test_systemd_analyze_verify_catches_a_broken_unit(staged_root):
    service = staged_root / "etc/systemd/system/legfit-kiosk.service"
    service.write_text(service.read_text().replace("WatchdogSec=30", "WatchdogSec=thirty"))
    complaints = _verify(staged_root)
    assert "legfit-kiosk.service" in complaints
    assert "thirty" in complaints


# --- udev, logrotate, PAM, logind ------------------------------------------------------

UDEV_KEY = re.compile(r'^(?P<key>[A-Z_]+(?:\{[^}]+\})?)\s*(?P<op>==|!=|\+=|-=|:=|=)\s*"'
                      r'(?P<value>[^"]*)"$')


def parse_udev_rules(text: str) -> list[dict[str, tuple[str, str]]]:
    rules = []
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        rule = {}
        for part in (p.strip() for p in line.split(",")):
            m = UDEV_KEY.match(part)
            if not m:
                raise ValueError(f"line {n}: {part!r}")
            rule[m["key"]] = (m["op"], m["value"])
        rules.append(rule)
    return rules


def test_the_udev_rule_gives_the_kiosk_group_the_cameras_only():
    rules = parse_udev_rules((PACKAGING / "udev/70-legfit-camera.rules").read_text())
    assert rules == [{
        "SUBSYSTEM": ("==", "video4linux"),
        "KERNEL": ("==", "video[0-9]*"),
        "GROUP": ("=", "legfit"),
        "MODE": ("=", "0660"),
    }]


def test_the_commented_stable_name_example_is_a_valid_rule_once_uncommented():
    text = (PACKAGING / "udev/70-legfit-camera.rules").read_text()
    example = next(line[1:] for line in text.splitlines() if line.startswith("#SUBSYSTEM"))
    (rule,) = parse_udev_rules(example)
    assert rule["SYMLINK"] == ("+=", "legfit-camera")


def test_the_pam_session_registers_with_logind():
    lines = [line.split() for line in (PACKAGING / "session/legfit-kiosk.pam").read_text()
             .splitlines() if line.strip() and not line.startswith("#")]
    assert all(len(parts) >= 3 for parts in lines)
    assert ["session", "required", "pam_systemd.so"] in [p[:3] for p in lines]


def test_logind_leaves_no_spare_consoles_and_ignores_the_power_key():
    conf = parse_unit((PACKAGING / "logind/legfit-kiosk.conf").read_text())["Login"]
    assert conf["NAutoVTs"] == ["0"]
    assert conf["HandlePowerKey"] == ["ignore"]


def test_the_session_runs_only_legfit_under_cage_without_vt_switching():
    script = (PACKAGING / "session/legfit-session").read_text()
    (exec_line,) = [line for line in script.splitlines() if line.startswith("exec ")]
    assert exec_line.split()[:2] == ["exec", "/usr/bin/cage"]
    assert " -s " not in exec_line  # -s would allow switching to a text console
    assert exec_line.split(" -- ")[1].startswith("/opt/legfit/current/legfit run")
    assert "unset WATCHDOG_PID" in script


def _tmpfiles_lines() -> list[list[str]]:
    return [line.split() for line in (PACKAGING / "tmpfiles/legfit.conf").read_text()
            .splitlines() if line.strip() and not line.startswith("#")]


def test_printed_slips_are_deleted_after_a_day():
    assert ["d", "/var/lib/legfit/slips", "0750", "legfit", "legfit", "1d"] in _tmpfiles_lines()


def test_an_old_text_log_is_aged_out_without_touching_the_folders_owner():
    # "e": the folder is neither created nor re-owned; its contents go 8 weeks after
    # their last change.
    assert ["e", "/var/log/legfit", "-", "-", "-", "8w"] in _tmpfiles_lines()


@pytest.mark.skipif(shutil.which("systemd-tmpfiles") is None,
                    reason="systemd-tmpfiles is not installed; the parse above still runs")
def test_systemd_tmpfiles_creates_the_slip_folder_in_the_installed_tree(staged_root):
    result = subprocess.run(["systemd-tmpfiles", f"--root={staged_root}", "--create",
                             "legfit.conf"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert (staged_root / "var/lib/legfit/slips").is_dir()
    # The age-out rule parses and spares a file written today.
    (staged_root / "var/log/legfit/kiosk.log").write_text("today\n")
    result = subprocess.run(["systemd-tmpfiles", f"--root={staged_root}", "--clean",
                             "legfit.conf"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert (staged_root / "var/log/legfit/kiosk.log").exists()


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        # a logind seat session: its runtime dir; Wayland first; the watchdog PID dropped
        ({"XDG_RUNTIME_DIR": "{tmp}", "WATCHDOG_PID": "1"}, "{tmp}|wayland;xcb|-"),
        # no session runtime dir: the service's own
        ({}, "/run/legfit|wayland;xcb|-"),
        # a store forcing X11 in /etc/default/legfit
        ({"XDG_RUNTIME_DIR": "{tmp}", "QT_QPA_PLATFORM": "xcb"}, "{tmp}|xcb|-"),
    ],
)
def test_the_session_script_prepares_cage_and_runs_legfit(tmp_path, environ, expected):
    fake_cage = tmp_path / "cage"
    fake_cage.write_text('#!/bin/sh\necho "$XDG_RUNTIME_DIR|$QT_QPA_PLATFORM|'
                         '${WATCHDOG_PID:--}"\necho "$@"\n')
    fake_cage.chmod(0o755)
    script = tmp_path / "legfit-session"
    script.write_text((PACKAGING / "session/legfit-session").read_text()
                      .replace("/usr/bin/cage", str(fake_cage)))
    env = {k: v for k, v in os.environ.items()
           if k not in ("XDG_RUNTIME_DIR", "QT_QPA_PLATFORM", "WATCHDOG_PID")}
    env.update({k: v.replace("{tmp}", str(tmp_path)) for k, v in environ.items()})
    result = subprocess.run(["sh", str(script)], capture_output=True, text=True, env=env)
    first, second = result.stdout.splitlines()
    assert first == expected.replace("{tmp}", str(tmp_path))
    assert second == "-d -- /opt/legfit/current/legfit run"
