"""The kiosk's log: Python ``logging`` into systemd's journal, with structured fields.

Under systemd (the service's standard error is the journal stream ``JOURNAL_STREAM``
names) every record goes to journald as one entry in its native protocol: a datagram on
``/run/systemd/journal/socket`` holding ``MESSAGE``, ``PRIORITY``, ``SYSLOG_IDENTIFIER``,
``CODE_FILE``/``CODE_LINE``/``CODE_FUNC``, the logger and thread, and the kiosk's own
fields: ``SESSION_ID`` (the session's anonymous random hex id), ``SCREEN`` (the screen on
show) and ``EVENT`` (what happened: ``start``, ``screen``, ``session_start`` ...). A
traceback travels whole in its record's one entry, not as one entry per line. An entry
too large for a datagram goes as a sealed memory file, as journald expects.
Anywhere else (a terminal, a test) warnings and errors go to standard error as text, and
so does an entry the journal's socket does not take.

What may be logged: no image, no girth or length, no screener answer, no outcome of a
shopper's screening, nothing a shopper typed. The structured fields are an allow list
(``FIELDS``) and each value must have its field's form, else it is dropped; messages are
the kiosk's own sentences about the machine (the camera, the session log, the PIN lock,
speech), and ``FlowJournal`` logs only which screen a session is on, never its content.

    journalctl -u legfit-kiosk                    # the kiosk, cage and LegFit
    journalctl -u legfit-kiosk SESSION_ID=...     # one session's screens
    journalctl -u legfit-kiosk EVENT=crash -o verbose
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import logging
import os
import re
import socket
import struct
import sys
import threading
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from session.flow import FlowState, FlowStatus

JOURNAL_SOCKET = "/run/systemd/journal/socket"
IDENTIFIER = "legfit"
SEND_TIMEOUT_S = 1.0
# The attribute of a LogRecord carrying its structured fields (``extra=fields(...)``).
RECORD_ATTRIBUTE = "journal_fields"
# The kiosk's own fields and the form of their values; nothing else is sent.
FIELDS: Mapping[str, re.Pattern[str]] = {
    "SESSION_ID": re.compile(r"[0-9a-f]{8,64}"),
    "SCREEN": re.compile("|".join(re.escape(s.value) for s in FlowState)),
    "EVENT": re.compile(r"[a-z][a-z0-9_]{0,39}"),
    "RELEASE": re.compile(r"[0-9A-Za-z._-]{1,64}"),
    "EXIT_STATUS": re.compile(r"-?[0-9]{1,4}"),
}
_PRIORITY = ((logging.CRITICAL, 2), (logging.ERROR, 3), (logging.WARNING, 4),
             (logging.INFO, 6))
# Not "legfit: ...": that is the one line a refusal ends in (kiosk/cli.py).
_STDERR_FORMAT = "%(levelname)s %(name)s: %(message)s"


def fields(**values: object) -> dict[str, dict[str, str]]:
    """``extra=`` for a logging call: ``_log.info("...", extra=fields(event="start"))``.
    Names are given in lower case and sent upper case; ``None`` values are left out."""
    return {RECORD_ATTRIBUTE: {name.upper(): str(value) for name, value in values.items()
                               if value is not None}}


def allowed(name: str, value: str) -> bool:
    """Whether a structured field may be sent: on the allow list, in its form."""
    pattern = FIELDS.get(name)
    return pattern is not None and pattern.fullmatch(value) is not None


# -- the session a record belongs to -------------------------------------------------------

@dataclass
class SessionContext:
    """The session and screen on show, added to every record logged meanwhile (a speech
    or PIN-lock warning then says in which session and on which screen it happened)."""

    session_id: str | None = None
    screen: str | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def set(self, session_id: str | None, screen: str | None) -> None:
        with self._lock:
            self.session_id, self.screen = session_id, screen

    def get(self) -> tuple[str | None, str | None]:
        with self._lock:
            return self.session_id, self.screen


CONTEXT = SessionContext()


class ContextFilter(logging.Filter):
    """Adds the context's SESSION_ID and SCREEN to a record that has none of its own."""

    def __init__(self, context: SessionContext = CONTEXT) -> None:
        super().__init__()
        self.context = context

    def filter(self, record: logging.LogRecord) -> bool:
        session_id, screen = self.context.get()
        own: dict[str, str] = dict(getattr(record, RECORD_ATTRIBUTE, None) or {})
        if session_id is not None:
            own.setdefault("SESSION_ID", session_id)
        if screen is not None:
            own.setdefault("SCREEN", screen)
        setattr(record, RECORD_ATTRIBUTE, own)
        return True


# -- the native protocol -------------------------------------------------------------------

def encode(entry: Mapping[str, str]) -> bytes:
    """journald's native format: ``KEY=value\\n``, or for a value holding a newline
    ``KEY\\n``, its length as 64-bit little-endian, the value and ``\\n``."""
    out = bytearray()
    for key, value in entry.items():
        data = value.encode("utf-8", "replace")
        if b"\n" in data:
            out += key.encode("ascii") + b"\n" + struct.pack("<Q", len(data)) + data + b"\n"
        else:
            out += key.encode("ascii") + b"=" + data + b"\n"
    return bytes(out)


def decode(data: bytes) -> dict[str, str]:
    """The inverse of ``encode`` (for tests and for reading a captured datagram)."""
    entry: dict[str, str] = {}
    i = 0
    while i < len(data):
        end = data.index(b"\n", i)
        line = data[i:end]
        if b"=" in line:
            key, value = line.split(b"=", 1)
            i = end + 1
        else:
            key = line
            (size,) = struct.unpack("<Q", data[end + 1:end + 9])
            value = data[end + 9:end + 9 + size]
            i = end + 9 + size + 1
        entry[key.decode("ascii")] = value.decode("utf-8", "replace")
    return entry


def priority(levelno: int) -> int:
    """The syslog priority of a logging level (DEBUG and below: 7)."""
    for level, prio in _PRIORITY:
        if levelno >= level:
            return prio
    return 7


def _send_as_memfd(sock: socket.socket, data: bytes, address: str) -> None:
    """An entry larger than a datagram: a sealed memory file passed with SCM_RIGHTS."""
    fd = os.memfd_create("legfit-journal", os.MFD_CLOEXEC | os.MFD_ALLOW_SEALING)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        fcntl.fcntl(fd, fcntl.F_ADD_SEALS, fcntl.F_SEAL_SHRINK | fcntl.F_SEAL_GROW
                    | fcntl.F_SEAL_WRITE | fcntl.F_SEAL_SEAL)
        sock.sendmsg([], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, struct.pack("i", fd))],
                     0, address)
    finally:
        os.close(fd)


class JournalHandler(logging.Handler):
    """Sends each record to journald; a record it cannot send goes to ``fallback``."""

    def __init__(self, address: str = JOURNAL_SOCKET, *, identifier: str = IDENTIFIER,
                 fallback: logging.Handler | None = None) -> None:
        super().__init__()
        self.address = address
        self.identifier = identifier
        self.fallback = fallback or _stderr_handler()
        self._sock: socket.socket | None = None
        self.failures = 0

    def entry(self, record: logging.LogRecord) -> dict[str, str]:
        """The journal entry of a record: the message, where it was logged, its fields."""
        message = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            message += "\n" + "".join(traceback.format_exception(*record.exc_info)).rstrip()
        elif record.exc_text:
            message += "\n" + record.exc_text
        entry = {
            "MESSAGE": message,
            "PRIORITY": str(priority(record.levelno)),
            "SYSLOG_IDENTIFIER": self.identifier,
            "CODE_FILE": record.pathname,
            "CODE_LINE": str(record.lineno),
            "CODE_FUNC": record.funcName or "",
            "LOGGER": record.name,
            "THREAD_NAME": record.threadName or "",
        }
        own: Mapping[str, str] = getattr(record, RECORD_ATTRIBUTE, None) or {}
        for name, value in own.items():
            if allowed(name, value):
                entry[name] = value
        return entry

    def emit(self, record: logging.LogRecord) -> None:
        try:
            data = encode(self.entry(record))
        except Exception:  # a message whose arguments do not format: logging's own report
            self.handleError(record)
            return
        try:
            self._send(data)
        except OSError:
            self.failures += 1
            self._close_socket()
            self.fallback.handle(record)

    def _send(self, data: bytes) -> None:
        if self._sock is None:
            self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
            # A journal too busy to take an entry within this time: the entry goes to
            # standard error instead of stalling the caller (often the UI thread).
            self._sock.settimeout(SEND_TIMEOUT_S)
        try:
            self._sock.sendto(data, self.address)
        except OSError as exc:
            if exc.errno not in (errno.EMSGSIZE, errno.ENOBUFS):
                raise
            _send_as_memfd(self._sock, data, self.address)

    def _close_socket(self) -> None:
        if self._sock is not None:
            with contextlib.suppress(OSError):
                self._sock.close()
            self._sock = None

    def close(self) -> None:
        self.acquire()
        try:
            self._close_socket()
        finally:
            self.release()
        super().close()


def _stderr_handler(stream: IO[str] | None = None) -> logging.Handler:
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(logging.Formatter(_STDERR_FORMAT))
    return handler


def journal_stream_is(stream: IO[str] | None, environ: Mapping[str, str]) -> bool:
    """Whether ``stream`` is the journal stream systemd connected the service to
    (``JOURNAL_STREAM=<device>:<inode>``, as sd_journal's own check does)."""
    value = environ.get("JOURNAL_STREAM", "")
    if stream is None or ":" not in value:
        return False
    try:
        device, inode = (int(part) for part in value.split(":", 1))
        st = os.fstat(stream.fileno())
    except (ValueError, OSError, AttributeError):
        return False
    return (st.st_dev, st.st_ino) == (device, inode)


# -- setting up a process ------------------------------------------------------------------

@dataclass
class LogSetup:
    """What ``setup_logging`` installed; ``close`` takes it all back."""

    handler: logging.Handler
    to_journal: bool
    _previous_level: int
    _previous_hooks: tuple[Any, Any] | None = None

    def close(self) -> None:
        root = logging.getLogger()
        root.removeHandler(self.handler)
        root.setLevel(self._previous_level)
        self.handler.close()
        if self._previous_hooks is not None:
            sys.excepthook, threading.excepthook = self._previous_hooks
            self._previous_hooks = None


def setup_logging(environ: Mapping[str, str] | None = None, *,
                  stderr: IO[str] | None = None, address: str | None = None) -> LogSetup:
    """Route the process's ``logging`` to the journal when systemd connected standard
    error to it and its socket is there: INFO and above, each record one entry, and an
    exception nobody caught (in the main thread, a Qt slot or any other thread) one
    CRITICAL entry with ``EVENT=crash`` and its whole traceback. Anywhere else, WARNING
    and above as text on standard error, uncaught exceptions left to Python. Replaces
    what an earlier call installed."""
    environ = os.environ if environ is None else environ
    stream = stderr if stderr is not None else sys.stderr
    address = address or JOURNAL_SOCKET
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_legfit_journal", False)]:
        root.removeHandler(old)
        old.close()
    to_journal = journal_stream_is(stream, environ) and Path(address).exists()
    handler: logging.Handler
    if to_journal:
        handler = JournalHandler(address, fallback=_stderr_handler(stream))
    else:
        handler = _stderr_handler(stream)
    handler.addFilter(ContextFilter())
    handler._legfit_journal = True  # type: ignore[attr-defined]
    setup = LogSetup(handler, to_journal, root.level)
    root.addHandler(handler)
    root.setLevel(logging.INFO if to_journal else logging.WARNING)
    if to_journal:
        setup._previous_hooks = (sys.excepthook, threading.excepthook)
        sys.excepthook = _log_uncaught
        threading.excepthook = _log_uncaught_in_thread
    return setup


_crash_log = logging.getLogger("legfit.crash")


def log_crash(exc_type: type[BaseException], exc: BaseException,
              tb: TracebackType | None, thread: str | None = None) -> None:
    """One CRITICAL entry for an exception nobody caught, located where it was raised."""
    frames = traceback.extract_tb(tb) if tb is not None else []
    where = frames[-1] if frames else None
    record = _crash_log.makeRecord(
        _crash_log.name, logging.CRITICAL, where.filename if where else "?",
        (where.lineno or 0) if where else 0,
        "uncaught %s%s: %s", (exc_type.__name__, f" in thread {thread}" if thread else "",
                              exc),
        (exc_type, exc, tb), func=where.name if where else None,
        extra=fields(event="crash"))
    _crash_log.handle(record)


def _log_uncaught(exc_type: type[BaseException], exc: BaseException,
                  tb: TracebackType | None) -> None:
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    log_crash(exc_type, exc, tb)


def _log_uncaught_in_thread(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is None or issubclass(args.exc_type, SystemExit):
        return
    name = args.thread.name if args.thread is not None else None
    log_crash(args.exc_type, args.exc_value, args.exc_traceback, thread=name)


def release_of(executable: str) -> str:
    """The installed release a program runs from (``/opt/legfit/releases/<id>/legfit``
    gives ``<id>``), else "source"."""
    path = Path(executable).resolve()
    if path.parent.parent.name == "releases":
        return path.parent.name
    return "source"


# -- the session flow's journal ------------------------------------------------------------

class FlowJournal:
    """Observes the session flow (``flow.subscribe(FlowJournal().on_status)``): an entry
    when a session starts and ends and for each screen it shows (``EVENT=screen``), when
    the camera goes and comes back, and once per session-log problem. Only the screen's
    name and the session's anonymous id: never answers, girths, outcomes or notices'
    details. Keeps ``CONTEXT`` on the session and screen on show."""

    def __init__(self, logger: logging.Logger | None = None,
                 context: SessionContext = CONTEXT) -> None:
        self._log = logger or logging.getLogger("kiosk.flow")
        self._context = context
        self._session: str | None = None
        self._screen: str | None = None
        self._camera_ok = True
        self._log_problem: str | None = None

    def on_status(self, status: FlowStatus) -> None:
        session, screen = status.session_id, status.state.value
        if session != self._session:
            if self._session is not None:
                self._event(logging.INFO, "session ended", "session_end", self._session,
                            self._screen)
            if session is not None:
                self._event(logging.INFO, "session started", "session_start", session, screen)
            self._session = session
            self._screen = None
        self._context.set(session, screen)
        if screen != self._screen:
            self._screen = screen
            self._event(logging.INFO, f"screen {screen}", "screen", session, screen)
        if status.camera_ok != self._camera_ok:
            self._camera_ok = status.camera_ok
            if status.camera_ok:
                self._event(logging.INFO, "camera back", "camera_back", session, screen)
            else:
                self._event(logging.WARNING, "camera not available", "camera_lost", session,
                            screen)
        if status.log_problem != self._log_problem:
            self._log_problem = status.log_problem
            if status.log_problem:
                self._event(logging.WARNING, status.log_problem, "session_log_problem",
                            session, screen)

    def _event(self, level: int, message: str, event: str, session: str | None,
               screen: str | None) -> None:
        self._log.log(level, "%s", message,
                      extra=fields(event=event, session_id=session, screen=screen))


def log_event(logger: logging.Logger, level: int, message: str, event: str,
              **more: object) -> None:
    """A one-off event with its fields (``log_event(_log, INFO, "starting", "start")``)."""
    logger.log(level, "%s", message, extra=fields(event=event, **more), stacklevel=2)
