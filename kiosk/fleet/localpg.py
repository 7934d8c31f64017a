"""A throwaway PostgreSQL server in a folder: for the tests, the benchmark and trying the
fleet out on one machine.

``LocalPostgres.start()`` runs ``initdb`` and ``pg_ctl`` from the newest PostgreSQL 15 or
later it finds (``LEGFIT_PG_BINDIR``, then ``PATH``, then ``/usr/lib/postgresql/*/bin``)
into a temporary folder and listens only on a Unix socket in that folder (no TCP port).
PostgreSQL refuses to run as root: run as root, the server runs as ``nobody``.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from fitting.errors import LegFitError

ADMIN_ROLE = "legfit_admin"
PORT = 5432
MIN_MAJOR = 15
SEARCH_ROOT = Path("/usr/lib/postgresql")


class PostgresUnavailable(LegFitError):
    """No PostgreSQL server programs (15 or newer) on this machine, or they failed."""


def _major(bindir: Path) -> int | None:
    try:
        out = subprocess.run([str(bindir / "pg_ctl"), "--version"], capture_output=True,
                             text=True, timeout=30, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r"(\d+)(?:\.\d+)?", out)
    return int(found.group(1)) if found else None


def find_bindir() -> Path | None:
    """Where ``initdb`` and ``pg_ctl`` of PostgreSQL 15 or newer are, else None."""
    candidates: list[Path] = []
    if os.environ.get("LEGFIT_PG_BINDIR"):
        candidates.append(Path(os.environ["LEGFIT_PG_BINDIR"]))
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    if SEARCH_ROOT.is_dir():
        versions = sorted((p for p in SEARCH_ROOT.iterdir() if p.name.isdigit()),
                          key=lambda p: int(p.name), reverse=True)
        candidates.extend(v / "bin" for v in versions)
    for bindir in candidates:
        if (bindir / "initdb").is_file() and (bindir / "pg_ctl").is_file():
            major = _major(bindir)
            if major is not None and major >= MIN_MAJOR:
                return bindir
    return None


def _as_user(name: str) -> tuple[int, int, Callable[[], None]]:
    entry = pwd.getpwnam(name)
    uid, gid = entry.pw_uid, entry.pw_gid

    def drop() -> None:
        os.setgroups([])
        os.setgid(gid)
        os.setuid(uid)

    return uid, gid, drop


class LocalPostgres:
    """One server; ``dsn(db)`` connects as its superuser ``legfit_admin`` (trust on the
    socket, so any role connects without a password: for tests only)."""

    def __init__(self, *, durable: bool = False, bindir: Path | None = None) -> None:
        self.bindir = bindir or find_bindir()
        if self.bindir is None:
            raise PostgresUnavailable(
                "no PostgreSQL 15 or newer found (initdb and pg_ctl): install the "
                "'postgresql' package (packaging/scripts/system-deps.sh does)")
        self.durable = durable
        self.root: Path | None = None
        self._preexec: Callable[[], None] | None = None

    @property
    def socket_dir(self) -> Path:
        if self.root is None:
            raise PostgresUnavailable("the server is not started")
        return self.root

    @property
    def data_dir(self) -> Path:
        return self.socket_dir / "data"

    def dsn(self, dbname: str = "postgres", user: str = ADMIN_ROLE) -> str:
        return f"host={self.socket_dir} port={PORT} dbname={dbname} user={user}"

    def _run(self, *args: str, timeout_s: float = 120.0) -> str:
        assert self.bindir is not None
        try:
            done = subprocess.run([str(self.bindir / args[0]), *args[1:]],
                                  capture_output=True, text=True, timeout=timeout_s,
                                  preexec_fn=self._preexec, check=False)
        except (OSError, subprocess.SubprocessError) as exc:
            raise PostgresUnavailable(f"{args[0]} failed: {exc}") from None
        if done.returncode != 0:
            tail = " ".join((done.stderr or done.stdout).split())[-400:]
            raise PostgresUnavailable(f"{args[0]} failed: {tail}")
        return done.stdout

    def start(self) -> LocalPostgres:
        root = Path(tempfile.mkdtemp(prefix="legfit-pg-", dir="/tmp"))
        self.root = root
        if os.geteuid() == 0:
            uid, gid, self._preexec = _as_user("nobody")
            os.chown(root, uid, gid)
        settings = ["-c", "listen_addresses=", "-c", f"unix_socket_directories={root}",
                    "-c", f"port={PORT}", "-c", "max_connections=300",
                    "-c", "shared_buffers=128MB"]
        if not self.durable:
            settings += ["-c", "fsync=off", "-c", "synchronous_commit=off",
                         "-c", "full_page_writes=off"]
        self._run("initdb", "-D", str(self.data_dir), "-U", ADMIN_ROLE, "--auth=trust",
                  "-E", "UTF8", "--no-locale", *(() if self.durable else ("--no-sync",)))
        options = " ".join(f"{a}" if a == "-c" else f"'{a}'" if " " in a else a
                           for a in settings)
        (root / "options").write_text(options)
        self._run("pg_ctl", "-D", str(self.data_dir), "-l", str(root / "server.log"),
                  "-o", options, "-w", "-t", "60", "start")
        return self

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data_dir), "-m", mode, "-w", "stop")

    def restart(self) -> None:
        options = (self.socket_dir / "options").read_text()
        self._run("pg_ctl", "-D", str(self.data_dir), "-l", str(self.socket_dir / "server.log"),
                  "-o", options, "-m", "fast", "-w", "-t", "60", "restart")

    def cleanup(self) -> None:
        """Stop the server (if it runs) and delete its folder."""
        if self.root is None:
            return
        with contextlib.suppress(PostgresUnavailable):
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)
        self.root = None

    @contextlib.contextmanager
    def running(self) -> Iterator[LocalPostgres]:
        self.start()
        try:
            yield self
        finally:
            self.cleanup()
