"""Catalogues from the centre: published as numbered versions, pulled by each kiosk.

Publishing (``publish_catalogue``) checks a folder exactly as ``legfit catalogue check``
does and stores the text of each product file as the next version, with a SHA-256 over
all of them. A kiosk (``KioskCatalogues.install``) writes a new version into a folder of
its own beside the others, checks the digest, checks the files again with the same code
(a store kiosk also refuses illustrative charts unless its config allows them), and only
then switches the ``current`` link to it in one rename, keeping the version it had as
``previous``. A download that fails any check is deleted and the kiosk keeps its version.

On the kiosk, under the data directory::

    fleet/catalogues/v000003/*.json    a version, as published
    fleet/catalogues/current -> v000003
    fleet/catalogues/previous -> v000002

Which catalogue a kiosk sells from (``resolve_catalogue``): a folder given on the
command line or set in the config (``catalogue_dir``), else the fleet's current version
once the kiosk has joined a fleet and pulled one, else the store's folder
(``catalogues/`` in the data directory), else the bundled demo.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg.types.json import Jsonb

from fitting.atomic_file import fsync_directory
from fitting.catalogue import (
    Catalogue,
    CatalogueInvalid,
    check_catalogue,
    load_catalogue,
)
from fitting.measurement import Measurement
from fitting.recommend import Decision
from fitting.screener import Answers, Screening
from kiosk.config import KioskConfig
from kiosk.fleet.db import FleetError
from kiosk.paths import KioskPaths
from session.domain import FittingDomain

FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,120}\.json$")
VERSION_DIR = re.compile(r"^v(\d{6,})$")
MAX_FILES = 200


class CatalogueDownloadInvalid(FleetError):
    """A catalogue version from the centre failed a check; the kiosk keeps its own."""


def fleet_catalogue_root(paths: KioskPaths) -> Path:
    return paths.data_dir / "fleet" / "catalogues"


def files_digest(files: Mapping[str, str]) -> str:
    """The SHA-256 of a catalogue version: its file names and texts, in name order."""
    h = hashlib.sha256()
    for name in sorted(files):
        data = files[name].encode("utf-8")
        h.update(f"{name}\0{len(data)}\0".encode())
        h.update(data)
    return h.hexdigest()


def checked_folder(directory: Path) -> tuple[int, bool]:
    """Check a folder as ``legfit catalogue check`` does: (product lines, illustrative), or
    ``CatalogueInvalid`` with the same sentence that command ends with."""
    products, statuses = check_catalogue(directory)
    bad = [s for s in statuses if not s.ok]
    if bad:
        first = bad[0].problems[0]
        raise CatalogueInvalid(
            f"{len(bad)} of {len(statuses)} catalogue files refused; first: {first}",
            file=first.file, line=first.line, field=first.field)
    return len(products), any(p.illustrative for p in products)


def folder_files(directory: Path) -> dict[str, str]:
    """The product files of a folder (those ``check_catalogue`` reads), name -> text."""
    files: dict[str, str] = {}
    for path in sorted(p for p in Path(directory).glob("*.json") if p.is_file()):
        if not FILE_NAME.match(path.name):
            raise CatalogueInvalid(f"catalogue file {path.name}: a published file's name is "
                                   "letters, digits, '.', '_' or '-' ending in .json",
                                   file=path.name)
        files[path.name] = path.read_text(encoding="utf-8")
    if len(files) > MAX_FILES:
        raise CatalogueInvalid(f"a catalogue holds at most {MAX_FILES} files, not {len(files)}")
    return files


@dataclass(frozen=True)
class Published:
    version: int
    products: int
    sha256: str


def publish_catalogue(conn: psycopg.Connection, directory: Path) -> Published:
    """Check ``directory`` and store it as the next catalogue version (one transaction)."""
    products, illustrative = checked_folder(directory)
    files = folder_files(directory)
    digest = files_digest(files)
    with conn.transaction(), conn.cursor() as cur:
        cur.execute("LOCK TABLE fleet.catalogue_versions IN EXCLUSIVE MODE")
        cur.execute("SELECT coalesce(max(version), 0) + 1 FROM fleet.catalogue_versions")
        row = cur.fetchone()
        version = 1 if row is None else int(row[0])
        cur.execute("INSERT INTO fleet.catalogue_versions (version, files, sha256, products, "
                    "illustrative) VALUES (%s, %s, %s, %s, %s)",
                    (version, Jsonb(files), digest, products, illustrative))
    return Published(version, products, digest)


@dataclass(frozen=True)
class Download:
    """A catalogue version as the centre gives it."""

    version: int
    files: Mapping[str, object]
    sha256: str


def latest_published(conn: psycopg.Connection, newer_than: int) -> Download | None:
    """The newest published version if it is newer than ``newer_than``."""
    with conn.cursor() as cur:
        cur.execute("SELECT version, files, sha256 FROM fleet.catalogue_versions "
                    "WHERE version > %s ORDER BY version DESC LIMIT 1", (newer_than,))
        row = cur.fetchone()
    if row is None:
        return None
    files = row[1] if isinstance(row[1], dict) else {}
    return Download(int(row[0]), files, str(row[2]))


@dataclass(frozen=True)
class Installed:
    version: int
    directory: Path
    catalogue: Catalogue


class KioskCatalogues:
    """The fleet's catalogue versions on this kiosk."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _link(self, name: str) -> tuple[int, Path] | None:
        link = self.root / name
        try:
            target = os.readlink(link)
        except OSError:
            return None
        found = VERSION_DIR.match(Path(target).name)
        folder = self.root / Path(target).name
        if found is None or not folder.is_dir():
            return None
        return int(found.group(1)), folder

    def current(self) -> tuple[int, Path] | None:
        """(version, folder) in use, or None before the first."""
        return self._link("current")

    def previous(self) -> tuple[int, Path] | None:
        return self._link("previous")

    @property
    def current_version(self) -> int:
        now = self.current()
        return 0 if now is None else now[0]

    def install(self, download: Download) -> Installed:
        """Write, check and switch to ``download``; ``CatalogueDownloadInvalid`` (and the
        version in use kept) when any check fails."""
        version = download.version
        keeps = (f"; version {self.current_version} stays in use" if self.current()
                 else "; the kiosk keeps the catalogue it has")

        def refuse(why: str) -> CatalogueDownloadInvalid:
            return CatalogueDownloadInvalid(
                f"catalogue version {version} from the centre refused: {why}{keeps}")

        files: dict[str, str] = {}
        for name, text in download.files.items():
            if not isinstance(name, str) or not FILE_NAME.match(name):
                raise refuse(f"a file is named {str(name)[:40]!r}")
            if not isinstance(text, str):
                raise refuse(f"file {name} holds no text")
            files[name] = text
        if not files or len(files) > MAX_FILES:
            raise refuse(f"it holds {len(files)} files")
        if files_digest(files) != download.sha256:
            raise refuse("its files do not match their SHA-256 (damaged on the way)")
        self.root.mkdir(parents=True, exist_ok=True)
        staging = self.root / f".v{version:06d}.partial-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        try:
            staging.mkdir()
            for name, text in files.items():
                with open(staging / name, "w", encoding="utf-8") as fh:
                    fh.write(text)
                    fh.flush()
                    os.fsync(fh.fileno())
            fsync_directory(staging)
            try:
                catalogue = load_catalogue(staging)
            except CatalogueInvalid as exc:
                raise refuse(str(exc)) from None
            final = self.root / f"v{version:06d}"
            shutil.rmtree(final, ignore_errors=True)
            os.rename(staging, final)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        fsync_directory(self.root)
        before = self.current()
        self._point("current", final.name)
        if before is not None and before[1].name != final.name:
            self._point("previous", before[1].name)
        fsync_directory(self.root)
        self._prune()
        return Installed(version, final, catalogue)

    def _point(self, name: str, target: str) -> None:
        """Make link ``name`` point at ``target`` in one rename."""
        tmp = self.root / f".{name}.new-{os.getpid()}"
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        os.symlink(target, tmp)
        os.replace(tmp, self.root / name)

    def _prune(self) -> None:
        """Delete versions other than the current and the previous, and stale downloads."""
        keep = {x[1].name for x in (self.current(), self.previous()) if x is not None}
        for entry in self.root.iterdir():
            if entry.is_symlink():
                continue
            stale = entry.name.startswith(".v") and ".partial-" in entry.name
            if (VERSION_DIR.match(entry.name) and entry.name not in keep) or stale:
                shutil.rmtree(entry, ignore_errors=True)


@dataclass(frozen=True)
class CatalogueChoice:
    """Which catalogue a kiosk sells from: a folder (None: the bundled demo), the fleet's
    version number when it is one, and where it comes from."""

    directory: Path | None
    version: int | None
    source: str  # "folder", "fleet", "store" or "bundled"

    def describe(self) -> str:
        """One line for staff and the command line."""
        if self.source == "fleet":
            return f"fleet catalogue version {self.version}"
        if self.source == "bundled":
            return "the bundled demo catalogue (illustrative)"
        if self.source == "folder":
            return f"the catalogue folder {self.directory}"
        return f"the store's catalogue folder {self.directory}"


def resolve_catalogue(paths: KioskPaths, config: KioskConfig,
                      option_dir: Path | None = None) -> CatalogueChoice:
    """The catalogue this kiosk sells from (see the module's docstring for the order)."""
    if option_dir is not None:
        return CatalogueChoice(Path(option_dir), None, "folder")
    if config.catalogue_dir is not None:
        return CatalogueChoice(config.catalogue_dir, None, "store")
    if config.fleet is not None:
        current = KioskCatalogues(fleet_catalogue_root(paths)).current()
        if current is not None:
            return CatalogueChoice(current[1], current[0], "fleet")
    if paths.catalogue_dir.is_dir():
        return CatalogueChoice(paths.catalogue_dir, None, "store")
    return CatalogueChoice(None, None, "bundled")


class LiveDomain:
    """The fitting domain whose catalogue a fleet sync may switch while the kiosk runs.

    Each decision uses the one catalogue in force when it is made (the switch is one
    reference assignment); the screener does not depend on the catalogue."""

    def __init__(self, catalogue: Catalogue) -> None:
        self._domain = FittingDomain(catalogue)

    @property
    def catalogue(self) -> Catalogue:
        return self._domain.catalogue

    def switch(self, catalogue: Catalogue) -> None:
        self._domain = FittingDomain(catalogue)

    def question_ids(self) -> tuple[str, ...]:
        return self._domain.question_ids()

    def screen(self, answers: Answers) -> Screening:
        return self._domain.screen(answers)

    def decide(self, measurement: Measurement, answers: Answers) -> Decision:
        return self._domain.decide(measurement, answers)
