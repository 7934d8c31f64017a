"""The kiosk's log in the journal: journald's native protocol on a real datagram socket,
structured fields on an allow list, one entry per record (a traceback included), a
fallback to standard error, and a whole fitting that leaves no personal data in it."""

from __future__ import annotations

import array
import fcntl
import io
import logging
import os
import re
import select
import shutil
import socket
import sys
import tempfile
import threading
from pathlib import Path

import pytest

from kiosk import journal
from kiosk.cli import main
from kiosk.journal import (
    ContextFilter,
    FlowJournal,
    JournalHandler,
    SessionContext,
    decode,
    encode,
    fields,
    setup_logging,
)
from session.flow import FlowState, FlowStatus

SESSION = "0f1e2d3c4b5a6978"
# The standard fields of every entry, and the kiosk's own (journal.FIELDS).
STANDARD = {"MESSAGE", "PRIORITY", "SYSLOG_IDENTIFIER", "CODE_FILE", "CODE_LINE",
            "CODE_FUNC", "LOGGER", "THREAD_NAME"}


class FakeJournal:
    """A datagram socket standing in for /run/systemd/journal/socket, read continuously
    as journald reads it (a socket nobody reads takes only a few datagrams)."""

    def __init__(self) -> None:
        # AF_UNIX paths are short (108 bytes): not under pytest's long tmp_path.
        self.dir = tempfile.mkdtemp(prefix="lfj")
        self.path = os.path.join(self.dir, "socket")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        self.sock.setblocking(False)
        self.memfds = 0
        self.seals: list[int] = []
        self._received: list[dict[str, str]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._reader = threading.Thread(target=self._read, name="fake-journald", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while not self._stop.is_set():
            select.select([self.sock], [], [], 0.05)
            self._drain()

    def _drain(self) -> None:
        with self._lock:
            while True:
                try:
                    data, ancillary, _, _ = self.sock.recvmsg(1 << 20, socket.CMSG_SPACE(4))
                except (BlockingIOError, OSError):
                    return
                for level, kind, payload in ancillary:
                    assert (level, kind) == (socket.SOL_SOCKET, socket.SCM_RIGHTS)
                    fd = array.array("i", payload[:4])[0]
                    try:
                        self.memfds += 1
                        self.seals.append(fcntl.fcntl(fd, fcntl.F_GET_SEALS))
                        data = os.pread(fd, os.fstat(fd).st_size, 0)
                    finally:
                        os.close(fd)
                self._received.append(decode(data))

    def entries(self) -> list[dict[str, str]]:
        """Every entry received so far, datagrams and memory files alike."""
        self._drain()
        with self._lock:
            return list(self._received)

    def close(self) -> None:
        self._stop.set()
        self._reader.join()
        self.sock.close()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def fake_journal():
    j = FakeJournal()
    yield j
    j.close()


@pytest.fixture
def logger(fake_journal):
    """A logger of its own whose records go only to the fake journal."""
    log = logging.getLogger(f"legfit-test-{id(fake_journal)}")
    log.propagate = False
    log.setLevel(logging.DEBUG)
    handler = JournalHandler(fake_journal.path, fallback=logging.StreamHandler(io.StringIO()))
    log.addHandler(handler)
    yield log
    log.removeHandler(handler)
    handler.close()


def _line_of(text: str) -> int:
    """The line of this file that holds ``text``."""
    lines = Path(__file__).read_text().splitlines()
    return next(n for n, line in enumerate(lines, 1) if text in line and "_line_of" not in line)


# --- the protocol ------------------------------------------------------------------------

@pytest.mark.parametrize(
    "entry",
    [
        # plain fields
        {"MESSAGE": "camera back", "PRIORITY": "6"},
        # a value with newlines: the length-prefixed binary form
        {"MESSAGE": "Traceback (most recent call last):\n  File x\nValueError: y\n"},
        # an empty value, non-ASCII text, an "=" inside the value
        {"MESSAGE": "", "SCREEN": "measure_front", "X": "Größe = 1"},
    ],
)
def test_encoding_round_trips(entry):
    assert decode(encode(entry)) == entry


def test_a_multi_line_value_is_length_prefixed_as_journald_reads_it():
    assert encode({"MESSAGE": "a\nb"}) == b"MESSAGE\n\x03\x00\x00\x00\x00\x00\x00\x00a\nb\n"


def test_a_record_is_one_entry_that_says_where_it_was_logged(logger, fake_journal):
    logger.warning("speech is not available: %s", "no sound device")

    (entry,) = fake_journal.entries()
    assert entry["MESSAGE"] == "speech is not available: no sound device"
    assert entry["PRIORITY"] == "4"
    assert entry["SYSLOG_IDENTIFIER"] == "legfit"
    assert entry["CODE_FILE"] == __file__
    assert entry["CODE_LINE"] == str(_line_of('logger.warning("speech is not available'))
    assert entry["CODE_FUNC"] == "test_a_record_is_one_entry_that_says_where_it_was_logged"
    assert entry["THREAD_NAME"] == "MainThread"


@pytest.mark.parametrize(
    ("level", "priority"),
    [(logging.CRITICAL, "2"), (logging.ERROR, "3"), (logging.WARNING, "4"),
     (logging.INFO, "6"), (logging.DEBUG, "7")],
)
def test_levels_become_syslog_priorities(logger, fake_journal, level, priority):
    logger.log(level, "x")
    assert fake_journal.entries()[0]["PRIORITY"] == priority


@pytest.mark.parametrize(
    ("given", "sent"),
    [
        # the kiosk's own fields, in their form
        ({"event": "screen", "session_id": SESSION, "screen": "review"},
         {"EVENT": "screen", "SESSION_ID": SESSION, "SCREEN": "review"}),
        # a girth, an answer, a name: not on the allow list, never sent
        ({"event": "screen", "calf_mm": 350, "answers": "swollen=yes", "name": "Jane Doe"},
         {"EVENT": "screen"}),
        # an allowed name with a value not of its form: dropped
        ({"session_id": "Jane Doe", "screen": "the calf is 350 mm"}, {}),
        # a field that would overwrite a standard one: not on the list either
        ({"message": "forged", "priority": "0", "code_file": "x"}, {}),
    ],
)
def test_structured_fields_are_an_allow_list(logger, fake_journal, given, sent):
    logger.info("an event", extra=fields(**given))

    (entry,) = fake_journal.entries()
    assert {k: v for k, v in entry.items() if k not in STANDARD} == sent
    assert entry["MESSAGE"] == "an event"
    assert entry["PRIORITY"] == "6"


def test_a_traceback_travels_in_its_records_one_entry(logger, fake_journal):
    try:
        raise ValueError("the pose model's file is damaged")
    except ValueError:
        logger.exception("the vision worker stopped")

    (entry,) = fake_journal.entries()
    first, *rest = entry["MESSAGE"].splitlines()
    assert first == "the vision worker stopped"
    assert rest[0] == "Traceback (most recent call last):"
    assert rest[-1] == "ValueError: the pose model's file is damaged"
    assert entry["PRIORITY"] == "3"


def test_an_entry_too_big_for_a_datagram_goes_as_a_sealed_memory_file(logger, fake_journal):
    big = "x" * (1 << 19)  # larger than a datagram may be
    logger.warning("huge %s", big)

    (entry,) = fake_journal.entries()
    assert entry["MESSAGE"] == "huge " + big
    assert fake_journal.memfds == 1
    sealed = fcntl.F_SEAL_SHRINK | fcntl.F_SEAL_GROW | fcntl.F_SEAL_WRITE | fcntl.F_SEAL_SEAL
    assert fake_journal.seals == [sealed]  # journald refuses an unsealed one


def test_without_the_journals_socket_records_go_to_the_fallback(tmp_path):
    stream = io.StringIO()
    fallback = logging.StreamHandler(stream)
    handler = JournalHandler(str(tmp_path / "no-socket"), fallback=fallback)
    log = logging.getLogger("legfit-test-fallback")
    log.propagate = False
    log.addHandler(handler)
    try:
        log.warning("the session log cannot be written")
        log.warning("still not")
    finally:
        log.removeHandler(handler)
        handler.close()
    assert stream.getvalue().splitlines() == ["the session log cannot be written", "still not"]
    assert handler.failures == 2


def test_the_context_adds_session_and_screen_to_records_without_their_own(logger,
                                                                          fake_journal):
    context = SessionContext()
    for handler in logger.handlers:
        handler.addFilter(ContextFilter(context))
    logger.info("before any session")
    context.set(SESSION, "measure_side")
    logger.warning("espeak-ng failed")
    logger.info("own fields win", extra=fields(screen="staff"))

    before, during, own = fake_journal.entries()
    assert "SESSION_ID" not in before and "SCREEN" not in before
    assert (during["SESSION_ID"], during["SCREEN"]) == (SESSION, "measure_side")
    assert (own["SESSION_ID"], own["SCREEN"]) == (SESSION, "staff")


# --- choosing the journal ----------------------------------------------------------------

def _stream_ids(path: Path) -> str:
    st = os.stat(path)
    return f"{st.st_dev}:{st.st_ino}"


@pytest.fixture
def restore_logging():
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    hooks = (sys.excepthook, threading.excepthook)
    yield
    assert (sys.excepthook, threading.excepthook) == hooks, "setup_logging left its hooks"
    assert root.handlers == handlers, "setup_logging left a handler"
    root.setLevel(level)


@pytest.mark.parametrize(
    ("journal_stream", "socket_there", "to_journal"),
    [
        # systemd connected our stderr to the journal, and journald listens
        ("ours", True, True),
        # JOURNAL_STREAM inherited, but stderr was redirected elsewhere meanwhile
        ("other", True, False),
        # not under systemd
        (None, True, False),
        # garbage in JOURNAL_STREAM
        ("garbage", True, False),
        # under systemd, but journald's socket is missing (a container, a stripped image)
        ("ours", False, False),
    ],
)
def test_the_journal_is_used_only_for_the_stream_systemd_named(
        tmp_path, fake_journal, restore_logging, journal_stream, socket_there, to_journal):
    stderr_path, other = tmp_path / "stderr", tmp_path / "other"
    other.write_text("")
    env = {"ours": {"JOURNAL_STREAM": None}, "other": {"JOURNAL_STREAM": _stream_ids(other)},
           "garbage": {"JOURNAL_STREAM": "journal"}, None: {}}[journal_stream]
    with open(stderr_path, "w") as stderr:
        if journal_stream == "ours":
            env = {"JOURNAL_STREAM": _stream_ids(stderr_path)}
        address = fake_journal.path if socket_there else str(tmp_path / "none")
        setup = setup_logging({k: v for k, v in env.items() if v}, stderr=stderr,
                              address=address)
        try:
            logging.getLogger("kiosk.test").warning("hello")
            logging.getLogger("kiosk.test").info("details")
        finally:
            setup.close()
    assert setup.to_journal is to_journal
    entries = fake_journal.entries()
    text = stderr_path.read_text()
    if to_journal:
        assert [e["MESSAGE"] for e in entries] == ["hello", "details"]
        assert text == ""
    else:
        assert entries == []
        assert text == "WARNING kiosk.test: hello\n"  # warnings only; never "legfit: ..."


def test_an_uncaught_exception_in_a_thread_is_one_critical_entry(tmp_path, fake_journal,
                                                                  restore_logging):
    stderr_path = tmp_path / "stderr"

    def worker() -> None:
        raise RuntimeError("the camera thread died")  # the raise the entry points at

    with open(stderr_path, "w") as stderr:
        setup = setup_logging({"JOURNAL_STREAM": _stream_ids(stderr_path)}, stderr=stderr,
                              address=fake_journal.path)
        try:
            thread = threading.Thread(target=worker, name="camera")
            thread.start()
            thread.join()
        finally:
            setup.close()

    (entry,) = fake_journal.entries()
    assert entry["PRIORITY"] == "2"
    assert entry["EVENT"] == "crash"
    assert entry["CODE_FILE"] == __file__
    assert entry["CODE_LINE"] == str(_line_of('raise RuntimeError("the camera thread died")'))
    assert entry["CODE_FUNC"] == "worker"
    first, *rest = entry["MESSAGE"].splitlines()
    assert first == "uncaught RuntimeError in thread camera: the camera thread died"
    assert rest[0] == "Traceback (most recent call last):"
    assert stderr_path.read_text() == ""


# --- `legfit run` under systemd ------------------------------------------------------------

class Service:
    """`legfit run` as the service starts it: stderr the journal stream, journald there,
    a display, the kiosk's directories."""

    def __init__(self, tmp_path: Path, monkeypatch) -> None:
        self.stderr_path = tmp_path / "stderr"
        self.stderr_path.write_text("")
        monkeypatch.setenv("JOURNAL_STREAM", _stream_ids(self.stderr_path))
        monkeypatch.setenv("LEGFIT_CONFIG_DIR", str(tmp_path / "etc-legfit"))
        monkeypatch.setenv("LEGFIT_DATA_DIR", str(tmp_path / "var-lib-legfit"))
        (tmp_path / "etc-legfit").mkdir()

    def run(self, *argv: str) -> int:
        # Here, not in a fixture: pytest puts its own sys.stderr back before each test.
        with open(self.stderr_path, "a") as stderr:
            pytest_stderr, sys.stderr = sys.stderr, stderr
            try:
                return main(list(argv))
            finally:
                sys.stderr = pytest_stderr

    @property
    def stderr(self) -> str:
        return self.stderr_path.read_text()


@pytest.fixture
def under_systemd(tmp_path, fake_journal, monkeypatch, restore_logging) -> Service:
    import kiosk.displays

    monkeypatch.setattr(journal, "JOURNAL_SOCKET", fake_journal.path)
    monkeypatch.setattr(kiosk.displays, "has_display", lambda: True)  # Qt stays offscreen
    return Service(tmp_path, monkeypatch)


def test_a_refusal_under_systemd_is_one_error_entry_in_the_journal(tmp_path, fake_journal,
                                                                    under_systemd):
    (tmp_path / "etc-legfit" / "config.json").write_text('{"default_language": "de", "idle_')

    assert under_systemd.run("run", "--windowed") == 2

    start, refused = fake_journal.entries()
    assert (start["EVENT"], start["PRIORITY"], start["RELEASE"]) == ("start", "6", "source")
    assert start["MESSAGE"] == "legfit run starting (release source)"
    assert (refused["EVENT"], refused["PRIORITY"], refused["EXIT_STATUS"]) == ("refused", "3",
                                                                               "2")
    assert "config file" in refused["MESSAGE"] and "not valid JSON" in refused["MESSAGE"]
    assert refused["CODE_FILE"].endswith(os.path.join("kiosk", "commands", "run.py"))
    assert under_systemd.stderr == ""  # not a second time through the stream


def test_a_crash_under_systemd_is_one_critical_entry_with_its_traceback(fake_journal,
                                                                        under_systemd,
                                                                        monkeypatch):
    import kiosk.app

    def broken(options):
        raise KeyError("a bug")

    monkeypatch.setattr(kiosk.app, "run_gui", broken)

    assert under_systemd.run("run", "--windowed") == 1

    _start, crash = fake_journal.entries()
    assert (crash["EVENT"], crash["PRIORITY"]) == ("crash", "2")
    assert crash["CODE_FUNC"] == "broken"
    assert crash["MESSAGE"].splitlines()[0] == "uncaught KeyError: 'a bug'"
    assert "Traceback (most recent call last):" in crash["MESSAGE"]
    assert under_systemd.stderr == ""


def test_a_normal_exit_under_systemd_says_its_status(fake_journal, under_systemd,
                                                     monkeypatch):
    import kiosk.app

    monkeypatch.setattr(kiosk.app, "run_gui", lambda options: 0)

    assert under_systemd.run("run", "--windowed") == 0

    assert [(e["EVENT"], e.get("EXIT_STATUS")) for e in fake_journal.entries()] == [
        ("start", None), ("exit", "0")]


# --- the session flow's entries ------------------------------------------------------------

FLOW_MESSAGES = re.compile(r"session started|session ended|screen [a-z_]+|camera back|"
                           r"camera not available")


def _flow_journal(fake_journal) -> tuple[FlowJournal, SessionContext, JournalHandler]:
    log = logging.getLogger(f"legfit-test-flow-{id(fake_journal)}")
    log.propagate = False
    log.setLevel(logging.INFO)
    handler = JournalHandler(fake_journal.path)
    context = SessionContext()
    handler.addFilter(ContextFilter(context))
    log.addHandler(handler)
    return FlowJournal(log, context), context, handler


def test_the_flow_journal_logs_sessions_and_screens(fake_journal):
    flow_journal, context, handler = _flow_journal(fake_journal)
    try:
        for status in [
            FlowStatus(FlowState.ATTRACT),
            FlowStatus(FlowState.LANGUAGE, session_id=SESSION),
            FlowStatus(FlowState.LANGUAGE, session_id=SESSION, language="de"),  # no new screen
            FlowStatus(FlowState.MEASURE_FRONT, session_id=SESSION, camera_ok=False),
            FlowStatus(FlowState.MEASURE_FRONT, session_id=SESSION),
            FlowStatus(FlowState.ATTRACT, log_problem="session log ... is locked"),
        ]:
            flow_journal.on_status(status)
            assert context.get() == (status.session_id, status.state.value)
    finally:
        handler.close()

    got = [(e["EVENT"], e.get("SESSION_ID"), e.get("SCREEN"), e["PRIORITY"])
           for e in fake_journal.entries()]
    assert got == [
        ("screen", None, "attract", "6"),
        ("session_start", SESSION, "language", "6"),
        ("screen", SESSION, "language", "6"),
        ("screen", SESSION, "measure_front", "6"),
        ("camera_lost", SESSION, "measure_front", "4"),
        ("camera_back", SESSION, "measure_front", "6"),
        ("session_end", SESSION, "measure_front", "6"),
        ("screen", None, "attract", "6"),
        ("session_log_problem", None, "attract", "4"),
    ]


def test_a_whole_fitting_leaves_no_personal_data_in_the_journal(qtbot, tmp_path, shared_data,
                                                                fake_journal):
    from fitting.outcome import Outcome, Purpose
    from session.intents import AnswerQuestion, ChooseLanguage, ChoosePurpose, Next, Start
    from tests.faults.kiosk_harness import GOOD_MEASUREMENT, start_kiosk, wait_for_state

    flow_journal, _, handler = _flow_journal(fake_journal)
    k = start_kiosk(qtbot, tmp_path / "kiosk", shared_data / "synthetic-dev" / "scene_1000")
    k.flow.subscribe(flow_journal.on_status)
    questions: set[str] = set()
    try:
        # a fitting to the end
        k.walk_to_measuring("everyday")
        questions |= set(k.flow.status.question_ids)
        wait_for_state(qtbot, k, FlowState.REVIEW)
        k.tap(Next())
        wait_for_state(qtbot, k, FlowState.RECOMMENDATION)
        k.tap(Next())
        k.tap(Next())
        wait_for_state(qtbot, k, FlowState.HANDOFF)
        k.tap(Next())
        wait_for_state(qtbot, k, FlowState.ATTRACT)
        # a screening that refers to a doctor
        k.tap(Start())
        k.tap(ChooseLanguage("de"))
        k.tap(ChoosePurpose(Purpose("medical")))
        k.tap(AnswerQuestion(k.flow.status.question_id, False))
        k.tap(AnswerQuestion(k.flow.status.question_id, True))
        wait_for_state(qtbot, k, FlowState.REFERRAL)
        k.tap(Next())
    finally:
        assert k.close() == []
        handler.close()

    entries = fake_journal.entries()
    sessions = {e["SESSION_ID"] for e in entries if "SESSION_ID" in e}
    assert len(sessions) == 2
    assert all(re.fullmatch(r"[0-9a-f]{16}", s) for s in sessions)
    screens = [e["SCREEN"] for e in entries if e["EVENT"] == "screen"]
    assert {"measure_front", "review", "recommendation", "referral"} <= set(screens)
    girths = {f"{v:g}" for leg in (GOOD_MEASUREMENT.left, GOOD_MEASUREMENT.right)
              for v in (leg.ankle_mm, leg.calf_mm, leg.knee_high_length_mm)}
    outcomes = {o.value for o in Outcome} - {"recommend"}  # "recommendation" is a screen
    for entry in entries:
        assert set(entry) <= STANDARD | {"EVENT", "SESSION_ID", "SCREEN"}, entry
        assert FLOW_MESSAGES.fullmatch(entry["MESSAGE"]), entry["MESSAGE"]
        # the session id is random hex (checked above) and may hold "207" by chance
        said = " ".join(v for k_, v in entry.items()
                        if not k_.startswith("CODE_") and k_ != "SESSION_ID")
        assert not any(g in said for g in girths), entry
        assert not any(q in said for q in questions), entry
        assert not any(o in said for o in outcomes), entry


def test_the_release_is_the_folder_current_points_to(tmp_path):
    from kiosk.journal import release_of

    release = tmp_path / "opt/legfit/releases/0a1b2c3d4e5f"
    release.mkdir(parents=True)
    (release / "legfit").write_text("")
    (tmp_path / "opt/legfit/current").symlink_to("releases/0a1b2c3d4e5f")
    assert release_of(str(tmp_path / "opt/legfit/current/legfit")) == "0a1b2c3d4e5f"
    assert release_of(sys.executable) == "source"  # a checkout, not an installed release
