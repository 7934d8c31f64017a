"""What the kiosk adds to each session the log keeps, beyond what the flow records.

``SessionStamp.apply`` is the session log's ``stamp``: it sets the software and catalogue
versions in use, marks a demo session as one, and adds the measurement refusals the
session met (the flow shows a refusal, ``notice == "measurement_refused"``, and measures
again; ``watch`` follows the flow to note them). Refusals are kept as their words with
the figures left out (``session.log.refusal_reason_key``): never a picture, never a name.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from importlib import metadata

from session.flow import FlowStatus, SessionFlow
from session.log import SessionRecord, refusal_reason_key

REFUSAL_NOTICE = "measurement_refused"
# A session refused more often than this keeps its first ones only.
MAX_REFUSALS = 8


def software_version() -> str:
    """This LegFit's version (the installed package's)."""
    try:
        return metadata.version("legfit")
    except metadata.PackageNotFoundError:
        return "unknown"


class SessionStamp:
    def __init__(self, *, software: str | None = None, catalogue_version: int | None = None,
                 demo: bool = False) -> None:
        self.software_version = software if software is not None else software_version()
        self.catalogue_version = catalogue_version
        self.demo = demo
        self._lock = threading.Lock()
        self._refusals: dict[str, list[str]] = {}
        self._last: tuple[str, str] | None = None

    def watch(self, flow: SessionFlow) -> None:
        flow.subscribe(self.on_status)

    def on_status(self, status: FlowStatus) -> None:
        if status.session_id is None:
            return
        if status.notice != REFUSAL_NOTICE:
            self._last = None
            return
        key = (status.session_id, status.notice_detail)
        if key == self._last:
            return  # the same refusal, published again with another change
        self._last = key
        with self._lock:
            found = self._refusals.setdefault(status.session_id, [])
            if len(found) < MAX_REFUSALS:
                found.append(refusal_reason_key(status.notice_detail or "refused"))
            # Only sessions still open matter; a kiosk never holds more than a few.
            while len(self._refusals) > 16:
                self._refusals.pop(next(iter(self._refusals)))

    def apply(self, record: SessionRecord) -> SessionRecord:
        with self._lock:
            refusals = tuple(self._refusals.get(record.session_id, ()))
        return replace(record,
                       software_version=record.software_version or self.software_version,
                       catalogue_version=(record.catalogue_version
                                          if record.catalogue_version is not None
                                          else self.catalogue_version),
                       demo=record.demo or self.demo,
                       refusal_reasons=record.refusal_reasons or refusals)
