"""The fleet's part of a running kiosk (``legfit run``): the sync thread, and switching to
a catalogue version it pulled while the kiosk runs.

Built by ``kiosk.assembly`` when the config holds a fleet link; started with the window
and stopped with the other parts. The shopper never waits on it: the session log writes
the outbox locally, and the thread sends it when the centre answers.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from datetime import UTC
from pathlib import Path

from fitting.catalogue import Catalogue
from kiosk.config import KioskConfig
from kiosk.fleet.catalogues import (
    CatalogueChoice,
    Installed,
    KioskCatalogues,
    LiveDomain,
    fleet_catalogue_root,
    resolve_catalogue,
)
from kiosk.fleet.stamp import SessionStamp
from kiosk.fleet.sync import FleetSync, KioskState, SyncWorker, calibration_time
from kiosk.paths import KioskPaths
from session.log import SessionOutbox


class FleetRuntime:
    """The sync worker of one kiosk and what it changes when a catalogue arrives."""

    def __init__(self, paths: KioskPaths, config: KioskConfig, *, log_path: Path,
                 option_dir: Path | None, choice: CatalogueChoice, stamp: SessionStamp,
                 domain: LiveDomain | None,
                 on_switch: Callable[[Catalogue, CatalogueChoice], None] | None = None,
                 report: Callable[[str], None] | None = None) -> None:
        link = config.fleet
        if link is None:
            raise ValueError("a fleet runtime needs a fleet link in the config")
        self.paths = paths
        self.config = config
        self.choice = choice
        self._option_dir = option_dir
        self._stamp = stamp
        self._domain = domain
        self._lock = threading.Lock()
        self.on_switch = on_switch
        self._report = report or (lambda line: sys.stderr.write(f"legfit: {line}\n"))
        self._held_back: str | None = None
        sync = FleetSync(link, SessionOutbox(log_path), state=self.state,
                         catalogues=KioskCatalogues(fleet_catalogue_root(paths)),
                         on_catalogue=self._installed)
        self.worker = SyncWorker(sync, link.sync_interval_s, on_problem=self._problem)

    def state(self) -> KioskState:
        choice = self.choice
        return KioskState(software_version=self._stamp.software_version,
                          catalogue_version=choice.version, catalogue_source=choice.source,
                          calibrated_at=calibration_time(self.config.calibration_file
                                                         or self.paths.calibration_file),
                          problem=self._held_back)

    def _installed(self, installed: Installed) -> None:
        """A new catalogue version is on disk: sell from it now if it is this kiosk's."""
        choice = resolve_catalogue(self.paths, self.config, self._option_dir)
        if choice.source != "fleet" or choice.version != installed.version:
            return  # the store's own folder or a command-line one wins
        if installed.catalogue.illustrative and not self.config.allow_demo_catalogue:
            # As for a store's folder: illustrative charts only where the config allows.
            self._held_back = (
                f"fleet catalogue version {installed.version} has illustrative size charts, "
                "which this kiosk's config does not allow (allow_demo_catalogue); still "
                f"selling from {self.choice.describe()}")
            self._report(f"fleet: {self._held_back}")
            return
        self._held_back = None
        with self._lock:
            if self._domain is not None:
                self._domain.switch(installed.catalogue)
            self.choice = choice
            self._stamp.catalogue_version = installed.version
        if self.on_switch is not None:
            self.on_switch(installed.catalogue, choice)
        self._report(f"fleet: switched to catalogue version {installed.version}")

    def _problem(self, problem: str | None) -> None:
        if problem:  # once per problem, for the service's journal
            self._report(f"fleet sync: {problem}")

    def start(self) -> None:
        self.worker.start()

    def stop(self, timeout_s: float = 2.0) -> list[str]:
        return [] if self.worker.stop(timeout_s) else ["fleet-sync"]

    def status_line(self) -> str:
        """One line for the staff screen: the catalogue in use and how the sync goes."""
        status = self.worker.status
        line = f"Catalogue in use: {self.choice.describe()}"
        if status.last_success is not None and status.last_result is not None:
            when = status.last_success.astimezone(UTC).strftime("%H:%M UTC")
            line += (f"; fleet sync {when}, {status.last_result.pending} sessions waiting")
        elif status.passes == 0:
            line += "; fleet sync starting"
        if status.problem:
            line += f"; {status.problem}"
        if self._held_back:
            line += f"; {self._held_back}"
        return line


def catalogue_status(choice: CatalogueChoice | None) -> str:
    """The staff screen's catalogue line of a kiosk without a fleet link."""
    if choice is None:
        return ""
    return f"Catalogue in use: {choice.describe()}"
