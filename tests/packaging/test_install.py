"""install.sh into a clean directory tree (--root): the layout, idempotence, updates."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
import subprocess
import time
from pathlib import Path

import pytest

from tests.packaging.conftest import PACKAGING, REPO_ROOT, make_fake_bundle, run_install

IS_ROOT = os.geteuid() == 0


def _tree(root: Path) -> dict[str, str]:
    """Every path under root -> a fingerprint (file hash, link target or 'dir')."""
    out = {}
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root))
        if rel.endswith("-"):  # shadow-utils' backup copies of passwd/group
            continue
        if path.is_symlink():
            out[rel] = "-> " + os.readlink(path)
        elif path.is_dir():
            out[rel] = f"dir {stat.S_IMODE(path.stat().st_mode):o}"
        else:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
            out[rel] = f"{stat.S_IMODE(path.stat().st_mode):o} {digest}"
    return out


@pytest.mark.parametrize(
    ("path", "kind", "mode"),
    [
        # the bundle as a release, and the switchable "current" link
        ("opt/legfit/current", "link", None),
        ("opt/legfit/current/legfit", "file", 0o755),
        ("opt/legfit/bin/legfit-session", "file", 0o755),
        ("opt/legfit/bin/legfit-backup", "file", 0o755),
        ("usr/local/bin/legfit", "file", 0o755),
        # per-system directories: private to the kiosk user
        ("etc/legfit", "dir", 0o750),
        ("var/lib/legfit", "dir", 0o750),
        ("var/lib/legfit/backups", "dir", 0o750),
        ("var/log/legfit", "dir", 0o750),
        ("var/cache/legfit", "dir", 0o750),
        # system integration
        ("etc/systemd/system/legfit-kiosk.service", "file", 0o644),
        ("etc/systemd/system/legfit-backup.service", "file", 0o644),
        ("etc/systemd/system/legfit-backup.timer", "file", 0o644),
        ("etc/systemd/system/graphical.target.wants/legfit-kiosk.service", "link", None),
        ("etc/systemd/system/timers.target.wants/legfit-backup.timer", "link", None),
        ("etc/pam.d/legfit-kiosk", "file", 0o644),
        ("etc/systemd/logind.conf.d/legfit-kiosk.conf", "file", 0o644),
        ("etc/systemd/system.conf.d/legfit-kiosk.conf", "file", 0o644),
        ("etc/systemd/system/ctrl-alt-del.target", "link", None),
        ("etc/udev/rules.d/70-legfit-camera.rules", "file", 0o644),
        ("etc/systemd/journald.conf.d/legfit.conf", "file", 0o644),
        ("etc/tmpfiles.d/legfit.conf", "file", 0o644),
        ("etc/default/legfit", "file", 0o644),
    ],
)
def test_install_lays_out_the_tree(staged_root, path, kind, mode):
    target = staged_root / path
    if kind == "link":
        assert target.is_symlink(), path
        return
    assert target.exists(), path
    assert (target.is_dir() if kind == "dir" else target.is_file()), path
    assert stat.S_IMODE(target.stat().st_mode) == mode, path


def test_current_points_at_the_installed_bundle(staged_root):
    current = staged_root / "opt/legfit/current"
    assert os.readlink(current).startswith("releases/")
    out = subprocess.run([current / "legfit"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "legfit 1"
    # The staff command runs the current release on the kiosk's own directories.
    wrapper = (staged_root / "usr/local/bin/legfit").read_text()
    assert "exec /opt/legfit/current/legfit \"$@\"" in wrapper
    assert "LEGFIT_CONFIG_DIR=\"${LEGFIT_CONFIG_DIR:-/etc/legfit}\"" in wrapper
    assert "LEGFIT_DATA_DIR=\"${LEGFIT_DATA_DIR:-/var/lib/legfit}\"" in wrapper


def test_the_kiosk_user_is_a_system_account_without_a_shell(staged_root):
    entries = [line.split(":") for line in (staged_root / "etc/passwd").read_text().splitlines()]
    legfit = next(e for e in entries if e[0] == "legfit")
    assert legfit[5] == "/var/lib/legfit"
    assert legfit[6] == "/usr/sbin/nologin"
    assert int(legfit[2]) < 1000  # a system account
    if IS_ROOT:
        uid = int(legfit[2])
        for d in ("etc/legfit", "var/lib/legfit", "var/log/legfit"):
            assert (staged_root / d).stat().st_uid == uid, d
        # the release itself belongs to root: the kiosk user cannot change its own code
        release = (staged_root / "opt/legfit/current").resolve()
        assert release.stat().st_uid == 0
        assert not (release / "legfit").stat().st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def test_running_it_again_changes_nothing_and_keeps_the_stores_files(staged_root,
                                                                      fake_bundle):
    # The store has configured the kiosk and used it.
    config = staged_root / "etc/legfit/config.json"
    config.write_text('{"schema_version": 1, "default_language": "de"}')
    log = staged_root / "var/lib/legfit/sessions.sqlite3"
    log.write_bytes(b"not touched")
    defaults = staged_root / "etc/default/legfit"
    defaults.write_text("QT_SCALE_FACTOR=1.5\n")
    before = _tree(staged_root)

    again = run_install(staged_root, fake_bundle)

    assert again.returncode == 0, again.stderr
    assert "already installed" in again.stdout
    assert _tree(staged_root) == before


def test_an_update_switches_release_and_keeps_the_last_three(tmp_path, staged_root):
    first = os.readlink(staged_root / "opt/legfit/current")
    seen = [first]
    for n in range(2, 6):
        time.sleep(0.01)  # distinct modification times for "newest"
        bundle = make_fake_bundle(tmp_path / f"bundle{n}", marker=str(n))
        result = run_install(staged_root, bundle)
        assert result.returncode == 0, result.stderr
        seen.append(os.readlink(staged_root / "opt/legfit/current"))
    assert len(set(seen)) == 5  # every bundle is its own release
    out = subprocess.run([staged_root / "opt/legfit/current/legfit"], capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "legfit 5"
    kept = sorted(p.name for p in (staged_root / "opt/legfit/releases").iterdir())
    assert kept == sorted(Path(s).name for s in seen[-3:])


def test_the_kiosk_logs_to_the_journal_and_the_logrotate_rule_goes(tmp_path, staged_root,
                                                                   fake_bundle):
    assert not (staged_root / "etc/logrotate.d/legfit").exists()
    # An earlier release left its rule (for a kiosk.log systemd created as root, which the
    # rule, running as legfit, could not rotate).
    rule = staged_root / "etc/logrotate.d/legfit"
    rule.parent.mkdir(parents=True, exist_ok=True)
    rule.write_text("/var/log/legfit/*.log {\n    su legfit legfit\n}\n")

    result = run_install(staged_root, fake_bundle)

    assert result.returncode == 0, result.stderr
    assert not rule.exists()
    installed = (staged_root / "etc/systemd/journald.conf.d/legfit.conf").read_text()
    assert installed == (PACKAGING / "journald/legfit.conf").read_text()
    unit = (staged_root / "etc/systemd/system/legfit-kiosk.service").read_text()
    assert "StandardOutput=journal" in unit and "kiosk.log" not in unit


def test_the_kiosk_user_may_use_the_sound_card(tmp_path):
    # Staged as root, the installer puts legfit in the groups of the devices it needs.
    if not IS_ROOT:
        pytest.skip("group membership is set only when installing as root")
    root = tmp_path / "root"
    (root / "etc").mkdir(parents=True)
    (root / "etc/passwd").write_text("root:x:0:0:root:/root:/bin/bash\n")
    (root / "etc/group").write_text("root:x:0:\nvideo:x:44:\naudio:x:29:\nrender:x:105:\n")
    (root / "etc/shadow").write_text("root:*:19000:0:99999:7:::\n")
    (root / "etc/gshadow").write_text("root:*::\nvideo:!::\naudio:!::\nrender:!::\n")
    result = run_install(root, make_fake_bundle(tmp_path / "b"))
    assert result.returncode == 0, result.stderr
    groups = {line.split(":")[0]: line.split(":")[3]
              for line in (root / "etc/group").read_text().splitlines()}
    assert {g for g, members in groups.items() if "legfit" in members.split(",")} == {
        "video", "audio", "render"}


def _rollback_as_the_docs_say(root: Path, release: str) -> None:
    """The rollback command of docs/deploy.md ("Updates and rollback"), run on the tree."""
    docs = (REPO_ROOT / "docs/deploy.md").read_text()
    (command,) = [line.removeprefix("# ") for line in docs.splitlines()
                  if "ln -sfn releases/<previous id>" in line]
    command = (command.replace("<previous id>", release)
               .replace("/opt/legfit/", f"{root}/opt/legfit/"))
    subprocess.run(["sh", "-c", command], check=True)


def _current(root: Path) -> str:
    return Path(os.readlink(root / "opt/legfit/current")).name


def _kept(root: Path) -> set[str]:
    return {p.name for p in (root / "opt/legfit/releases").iterdir()}


def test_an_update_after_a_rollback_keeps_the_release_rolled_back_to(tmp_path):
    root = tmp_path / "root"
    ids = {}
    for name in "ABC":
        time.sleep(0.01)  # distinct modification times for "most recently installed"
        result = run_install(root, make_fake_bundle(tmp_path / name, marker=name))
        assert result.returncode == 0, result.stderr
        ids[name] = _current(root)
    # C misbehaves: staff go back to A (B is gone already: three kept).
    _rollback_as_the_docs_say(root, ids["A"])
    out = subprocess.run([root / "opt/legfit/current/legfit"], capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "legfit A"

    time.sleep(0.01)
    result = run_install(root, make_fake_bundle(tmp_path / "D", marker="D"))

    assert result.returncode == 0, result.stderr
    ids["D"] = _current(root)
    # D in use, A (in use until now, the way back) and C (installed just before D) kept;
    # still three in all.
    assert _kept(root) == {ids["D"], ids["A"], ids["C"]}
    assert f"previous release kept for a rollback: /opt/legfit/releases/{ids['A']}" \
        in result.stdout
    # Back to A once more, as the docs say, and it runs.
    _rollback_as_the_docs_say(root, ids["A"])
    out = subprocess.run([root / "opt/legfit/current/legfit"], capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "legfit A"


def test_pruning_after_a_rollback_still_bounds_the_releases_kept(tmp_path):
    root = tmp_path / "root"
    ids = {}
    for name in "ABCDEF":
        time.sleep(0.01)
        result = run_install(root, make_fake_bundle(tmp_path / name, marker=name))
        assert result.returncode == 0, result.stderr
        ids[name] = _current(root)
        if name == "C":
            _rollback_as_the_docs_say(root, ids["A"])
    # D kept A (the rollback's target); E kept D; F keeps E and the newest other, D.
    assert _kept(root) == {ids["F"], ids["E"], ids["D"]}


def test_reinstalling_the_release_in_use_after_a_rollback_removes_neither(tmp_path):
    root = tmp_path / "root"
    ids = {}
    for name in "ABCD":
        time.sleep(0.01)
        result = run_install(root, make_fake_bundle(tmp_path / name, marker=name))
        assert result.returncode == 0, result.stderr
        ids[name] = _current(root)
    _rollback_as_the_docs_say(root, ids["C"])
    time.sleep(0.01)

    result = run_install(root, tmp_path / "D")  # D again: already there, current again

    assert result.returncode == 0, result.stderr
    assert _current(root) == ids["D"]
    assert _kept(root) == {ids["D"], ids["C"], ids["B"]}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        # no bundle built yet
        (["--bundle", "/nonexistent/legfit"], "no built bundle"),
        # a typo in an option
        (["--rot", "x"], "unknown option --rot"),
    ],
)
def test_bad_invocations_end_in_one_clear_line(tmp_path, args, message):
    result = subprocess.run(["bash", str(PACKAGING / "install.sh"), "--root",
                             str(tmp_path / "r"), *args], capture_output=True, text=True)
    assert result.returncode == 1
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_an_interrupted_copy_is_not_taken_for_a_release(tmp_path, staged_root, fake_bundle):
    releases = staged_root / "opt/legfit/releases"
    release = os.readlink(staged_root / "opt/legfit/current").split("/")[-1]
    # A power cut during the copy leaves a release without its completion marker.
    (releases / release / ".complete").unlink()
    (releases / release / "legfit").write_text("#!/bin/sh\necho half\n")

    result = run_install(staged_root, fake_bundle)

    assert result.returncode == 0, result.stderr
    out = subprocess.run([staged_root / "opt/legfit/current/legfit"], capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "legfit 1"


# --- the nightly session-log backup ---------------------------------------------------

def _sqlite3_cli() -> str:
    import shutil

    path = shutil.which("sqlite3")
    if path is None:
        pytest.fail("the sqlite3 command is missing (packaging/scripts/system-deps.sh installs it)")
    return path


def test_backup_copies_the_log_consistently_and_prunes_old_copies(tmp_path):
    _sqlite3_cli()
    db = tmp_path / "sessions.sqlite3"
    with sqlite3.connect(db) as con:
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("CREATE TABLE sessions (id TEXT, outcome TEXT)")
        con.executemany("INSERT INTO sessions VALUES (?, ?)",
                        [(f"s{i}", "recommend") for i in range(100)])
    backups = tmp_path / "backups"
    backups.mkdir()
    old = backups / "sessions-2000-01-01.sqlite3"
    old.write_bytes(b"")
    os.utime(old, (time.time() - 40 * 86400,) * 2)
    recent = backups / "sessions-2001-01-01.sqlite3"
    recent.write_bytes(b"")
    os.utime(recent, (time.time() - 5 * 86400,) * 2)

    result = subprocess.run([PACKAGING / "scripts/backup-sessions.sh", db, backups, "30"],
                            capture_output=True, text=True)

    assert result.returncode == 0, result.stderr
    copies = sorted(p.name for p in backups.glob("sessions-*.sqlite3"))
    today = time.strftime("%Y-%m-%d")
    assert copies == ["sessions-2001-01-01.sqlite3", f"sessions-{today}.sqlite3"]
    with sqlite3.connect(backups / f"sessions-{today}.sqlite3") as con:
        assert con.execute("SELECT count(*) FROM sessions").fetchone() == (100,)


def test_backup_of_a_corrupt_log_fails_loudly_and_keeps_no_bad_copy(tmp_path):
    _sqlite3_cli()
    db = tmp_path / "sessions.sqlite3"
    db.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)
    backups = tmp_path / "backups"

    result = subprocess.run([PACKAGING / "scripts/backup-sessions.sh", db, backups, "30"],
                            capture_output=True, text=True)

    assert result.returncode != 0
    assert result.stderr.strip()
    assert not list(backups.glob("sessions-*.sqlite3"))


@pytest.mark.parametrize(
    "script",
    [
        # the kiosk session (cage) wrapper
        "session/legfit-session",
        # the staff command wrapper
        "session/legfit-cli",
        # the backup script
        "scripts/backup-sessions.sh",
    ],
)
def test_shell_scripts_parse_as_posix_sh(script):
    result = subprocess.run(["sh", "-n", str(PACKAGING / script)], capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("script", ["install.sh", "scripts/smoke-bundle.sh"])
def test_bash_scripts_parse(script):
    result = subprocess.run(["bash", "-n", str(PACKAGING / script)], capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        # staff at a shell: the kiosk's own directories
        ({}, "/etc/legfit /var/lib/legfit a b"),
        # an explicit choice (a second kiosk profile, a test) is kept
        ({"LEGFIT_CONFIG_DIR": "/tmp/c", "LEGFIT_DATA_DIR": "/tmp/d"}, "/tmp/c /tmp/d a b"),
    ],
)
def test_the_staff_command_runs_on_the_kiosk_directories(tmp_path, environ, expected):
    fake = tmp_path / "legfit"
    fake.write_text('#!/bin/sh\necho "$LEGFIT_CONFIG_DIR $LEGFIT_DATA_DIR $*"\n')
    fake.chmod(0o755)
    wrapper = tmp_path / "legfit-cli"
    wrapper.write_text((PACKAGING / "session/legfit-cli").read_text()
                       .replace("/opt/legfit/current/legfit", str(fake)))
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEGFIT_")}
    result = subprocess.run(["sh", str(wrapper), "a", "b"], capture_output=True, text=True,
                            env={**env, **environ})
    assert result.stdout.strip() == expected
