"""Soak: many headless demo sessions in one process; does anything leak or crash?

Each session is what ``legfit demo --headless`` does, start to finish: assemble the kiosk
(settings, demo calibration with its floor pose found in the recording, catalogue, flow,
camera and vision worker threads), play the bundled recording in lockstep through the
real leg measurer (stance checks, sub-pixel edges, profiles, girths), screen, size,
recommend, log the session to SQLite, and close everything (threads joined). Nothing is
shared between sessions but the process, the session-log file and the pose cache.

The pose model is the one shortcut, and it is chosen because a real MediaPipe pose per
frame costs ~20 s per session here (1000 sessions would take 6 hours on 2 cores): every
frame of the recording goes through MediaPipe ONCE, at start-up, and each session gets
those results back from a cache (landmarks and the model's low-resolution mask, upsampled
per frame exactly as the adapter does). Everything after the pose model runs for real in
every session. ``--mode stub`` goes further (a scripted measurer) to soak the kiosk
machinery alone.

Figures: crashes (exceptions out of a session; goal 0) and, read after every session as
the process stands (a gc.collect(), no heap trim), resident memory with glibc malloc's own
account of it (bytes in use; free bytes it keeps; its arenas) and transparent huge pages.
The goal: no session after the 50th more than 1.05 x the resident memory at the 50th
(``--reference``). Threads and open file handles at each trace point (every ``--every``
sessions). ``--tracemalloc`` also traces Python's allocations (numpy arrays included) from
the baseline on: traced MB and live objects, and the lines whose memory grew most.

What it found (bench/results/soak_allocators.json, 1,000 sessions per allocator, run side
by side with ``--label``): malloc's memory in use grows by ~2 kB a session (147 -> 149 MB
over 1,000) and Python's traced memory by under 1 kB; resident memory's steps are
glibc's free-but-kept memory. With its default of up to 8 arenas per core, each
session's fresh worker threads scatter freed frame buffers over arenas it keeps (267 ->
354 MB kept, in steps of ~12 MB: 623 -> 647 MB resident, x1.037). With the arenas capped
at two (``MALLOC_ARENA_MAX=2``, as the kiosk's systemd unit runs, and ``make soak``)
resident memory is flat at 513-515 MB (x1.003 over 1,000 sessions); a trim threshold of
128 kB (``MALLOC_TRIM_THRESHOLD_``) or a ``malloc_trim`` after each session (``--trim
session``) hold it at ~301 MB, flat too.

    python bench/soak.py [--sessions 1000] [--mode cached-pose|stub] [--every 25]
                         [--reference 50] [--trim none|session|trace] [--tracemalloc]
                         [--out PATH] [--label NAME]
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import fcntl
import gc
import io
import json
import os
import platform
import sqlite3
import sys
import tempfile
import threading
import time
import traceback
import tracemalloc
from pathlib import Path
from xml.etree import ElementTree

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
RESULTS = REPO / "bench" / "results" / "soak.json"
GOALS = {"crashes": 0, "rss_max_after_reference_ratio": 1.05}
PURPOSES = ("everyday", "travel", "sport", "medical")


MALLOC_ENV = ("MALLOC_ARENA_MAX", "MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_",
              "MALLOC_TOP_PAD_", "GLIBC_TUNABLES")


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
        "fordblks", "keepcost")]


def _libc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallinfo2.restype = _MallInfo2
        libc.malloc_trim.argtypes = [ctypes.c_size_t]
        libc.fopen.restype = ctypes.c_void_p
        libc.fopen.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
        libc.fclose.argtypes = [ctypes.c_void_p]
        libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
    except (OSError, AttributeError):  # not glibc (or one older than 2.33)
        return None
    return libc


LIBC = _libc()


def trim_heap() -> None:
    """Hand glibc's free pages back to the system (what ``--trim session`` does after each
    session: the remedy under test, never done just to read the figures)."""
    if LIBC is not None:
        LIBC.malloc_trim(0)


def reset_peak() -> None:
    """Start the kernel's count of peak resident memory (VmHWM) afresh."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _mb(n: float) -> float:
    return round(n / 2**20, 1)


def memory_figures() -> dict[str, float]:
    """Where the process's memory is, read as it stands (no trim): resident (all of it,
    its anonymous part, and its peak since ``reset_peak``), transparent huge pages, and
    glibc malloc's own account over every arena: bytes handed out and not freed ("in use":
    live native memory, numpy's arrays and OpenCV's and MediaPipe's buffers included), free
    bytes it keeps (freed chunks not given back: fragmentation when they stay resident)
    and its mmapped blocks.
    """
    status = dict(line.split(":", 1) for line in
                  Path("/proc/self/status").read_text().splitlines() if ":" in line)
    kb = {k: int(status[k].split()[0]) for k in ("VmRSS", "RssAnon", "VmHWM") if k in status}
    figures = {"rss_mb": round(kb.get("VmRSS", 0) / 1024, 1),
               "rss_anon_mb": round(kb.get("RssAnon", 0) / 1024, 1),
               "rss_peak_mb": round(kb.get("VmHWM", 0) / 1024, 1)}
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/smaps_rollup").read_text().splitlines():
            if line.startswith("AnonHugePages:"):
                figures["thp_mb"] = round(int(line.split()[1]) / 1024, 1)
    if LIBC is not None:
        m = LIBC.mallinfo2()
        figures.update(malloc_in_use_mb=_mb(m.uordblks + m.hblkhd),
                       malloc_free_kept_mb=_mb(m.fordblks),
                       malloc_mmapped_mb=_mb(m.hblkhd),
                       malloc_arena_mb=_mb(m.arena))
    return figures


def malloc_arenas() -> list[float]:
    """Each glibc arena's size (MB, ``malloc_info``): the main one first."""
    if LIBC is None:
        return []
    fd, name = tempfile.mkstemp(prefix="legfit-soak-malloc-")
    os.close(fd)
    try:
        fp = LIBC.fopen(name.encode(), b"w")
        if not fp:
            return []
        LIBC.malloc_info(0, fp)
        LIBC.fclose(fp)
        root = ElementTree.fromstring(Path(name).read_text())
    except (OSError, ElementTree.ParseError):
        return []
    finally:
        Path(name).unlink(missing_ok=True)
    return [_mb(sum(int(s.get("size", "0")) for s in heap.findall("system")
                    if s.get("type") == "current"))
            for heap in root.findall("heap")]


def smaps_summary() -> dict[str, float]:
    """Resident memory by kind of mapping (MB, ``/proc/self/smaps``): the main arena's
    ``[heap]``, anonymous mappings (the other arenas, mmapped blocks, Python's own arenas,
    thread stacks) with those marked for transparent huge pages (``hg``: numpy asks for
    them for large arrays) apart, and files; each with its huge pages."""
    sums: dict[str, float] = {}
    kind, rss = "file", 0
    try:
        lines = Path("/proc/self/smaps").read_text().splitlines()
    except OSError:
        return {}
    for line in lines:
        head, _, rest = line.partition(" ")
        if "-" in head and not head.endswith(":"):
            fields = line.split(None, 5)
            name = fields[5].strip() if len(fields) > 5 else ""
            kind = ("heap" if name == "[heap]" else "anon" if not name
                    else "stack" if name.startswith("[stack") else "file")
        elif head == "Rss:":
            rss = int(rest.split()[0])
        elif head == "AnonHugePages:" and int(rest.split()[0]):
            sums[f"{kind}_thp"] = sums.get(f"{kind}_thp", 0) + int(rest.split()[0])
        elif head == "VmFlags:":
            key = f"{kind}_hg" if kind == "anon" and " hg" in f" {rest}" else kind
            sums[key] = sums.get(key, 0) + rss
    return {f"{k}_mb": round(v / 1024, 1) for k, v in sorted(sums.items())}


def process_figures() -> dict[str, float]:
    """Memory as ``memory_figures`` reads it, threads (Python's and the kernel's) and open
    file handles."""
    return {**memory_figures(),
            "python_threads": threading.active_count(),
            "os_threads": len(os.listdir("/proc/self/task")),
            "open_fds": len(os.listdir("/proc/self/fd"))}


class CachedPoseEstimator:
    """The real pose model's answers for each frame of the recording, computed once.

    Keyed by the frame's position in the recording (a looping source counts on past the
    end). The mask is kept at the model's resolution and upsampled on the way out, as
    ``MediaPipePoseEstimator`` does, so the measurer sees what the model would give.
    """

    def __init__(self, video: Path) -> None:
        import cv2

        from vision.pose_mediapipe import MediaPipePoseEstimator
        from vision.sources import VideoFileSource

        self._cv2 = cv2
        self._entries: list[tuple[object, object, tuple[int, int]]] = []
        model = MediaPipePoseEstimator(static_image_mode=False)
        source = VideoFileSource(video)
        try:
            while (frame := source.read()) is not None:
                result = model.estimate(frame)
                h, w = frame.image_bgr.shape[:2]
                self._entries.append((result.landmarks, model.last_small_mask, (w, h)))
        finally:
            source.close()
            model.close()
        self.calls = 0

    def __len__(self) -> int:
        return len(self._entries)

    def estimate(self, frame):
        from vision.types import PoseResult

        self.calls += 1
        landmarks, small, (w, h) = self._entries[frame.index % len(self._entries)]
        if landmarks is None:
            return PoseResult(landmarks=None, mask=None)
        mask = None if small is None else self._cv2.resize(
            small, (w, h), interpolation=self._cv2.INTER_LINEAR)
        return PoseResult(landmarks=landmarks, mask=mask)

    def close(self) -> None:
        pass  # shared by every session; the model itself is long closed


def stub_parts(n: int):
    """The kiosk machinery with a scripted measurer (``--mode stub``)."""
    from tests.faults.kiosk_harness import GOOD_MEASUREMENT, StubMeasurer
    from vision.fakes import FakePoseEstimator, landmarks_from_truth  # noqa: F401
    from vision.types import PoseResult

    class _Person:
        def estimate(self, frame):
            return PoseResult(landmarks=object(), mask=None)

        def close(self) -> None:
            pass

    person = _Person()
    return person, (lambda cal: StubMeasurer(person, 12, GOOD_MEASUREMENT))


def traced_figures() -> dict[str, float]:
    """Memory traced by ``tracemalloc`` (MB, current and peak) and live GC-tracked objects."""
    current, peak = tracemalloc.get_traced_memory()
    return {"traced_mb": round(current / 2**20, 2), "traced_peak_mb": round(peak / 2**20, 2),
            "gc_objects": len(gc.get_objects())}


def traced_growth(since: tracemalloc.Snapshot, top: int = 15) -> list[str]:
    """The source lines whose traced memory grew most since ``since``."""
    ignore = [tracemalloc.Filter(False, tracemalloc.__file__)]
    now = tracemalloc.take_snapshot().filter_traces(ignore)
    return [in_project(str(d)) for d in now.compare_to(since.filter_traces(ignore),
                                                       "lineno")[:top]]


def in_project(text: str) -> str:
    """``text`` with the project's own folder left out of its paths (results name files
    relative to the project, never where one machine keeps it)."""
    return text.replace(f"{REPO}{os.sep}", "")


def rss_trend(rss: list[float]) -> dict[str, float | None]:
    """Least-squares slope of the per-session RSS (MB per 100 sessions) and its range:
    single readings swing with the allocator, a leak shows as a steady slope."""
    n = len(rss)
    if n < 3:
        return {"rss_slope_mb_per_100_sessions": None, "rss_min_mb": None, "rss_max_mb": None}
    mx = (n + 1) / 2
    my = sum(rss) / n
    sxx = sum((x - mx) ** 2 for x in range(1, n + 1))
    slope = sum((x - mx) * (y - my) for x, y in enumerate(rss, start=1)) / sxx
    return {"rss_slope_mb_per_100_sessions": round(100 * slope, 2),
            "rss_min_mb": min(rss), "rss_max_mb": max(rss)}


def rss_after_reference(rss: list[float], reference: int) -> dict[str, float | int | None]:
    """RSS after session ``reference`` (the warm-up behind it) and the largest reading of
    every later session: the goal is that none is more than 5 % above it."""
    if len(rss) <= reference:
        return {"rss_reference_session": reference, "rss_at_reference_mb": None,
                "rss_max_after_reference_mb": None, "rss_max_after_reference_session": None,
                "rss_max_after_reference_ratio": None}
    at = rss[reference - 1]
    later = rss[reference:]
    top = max(later)
    return {"rss_reference_session": reference, "rss_at_reference_mb": at,
            "rss_max_after_reference_mb": top,
            "rss_max_after_reference_session": reference + 1 + later.index(top),
            "rss_max_after_reference_ratio": round(top / at, 4)}


def _dump(report: dict) -> str:
    """The report as indented JSON, each per-session series on one line."""
    marks: dict[str, str] = {}

    def mark(r: dict, prefix: str) -> dict:
        series = r.get("series")
        if not isinstance(series, dict):
            return r
        keys = {k: f"@@{prefix}{k}@@" for k in series}
        marks.update({keys[k]: json.dumps(v) for k, v in series.items()})
        return {**r, "series": keys}

    runs = report.get("runs")
    shown = ({**report, "runs": {label: mark(r, f"{label}:") for label, r in runs.items()}}
             if isinstance(runs, dict) else mark(report, ""))
    text = json.dumps(shown, indent=2)
    for key, value in marks.items():
        text = text.replace(json.dumps(key), value)
    return text + "\n"


def save(path: Path, report: dict, label: str | None) -> None:
    """Write the report to ``path``; with a label, as ``runs[label]`` of what is there
    (under a lock: comparison runs go side by side into one file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = Path(tempfile.gettempdir()) / f"{path.name}.lock"
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if label is None:
            whole = report
        else:
            try:
                whole = json.loads(path.read_text())
            except (OSError, ValueError):
                whole = {}
            if not isinstance(whole.get("runs"), dict):
                whole = {"benchmark": "soak allocator comparison", "runs": {}}
            whole["runs"][label] = report
        tmp = path.with_suffix(".partial")
        tmp.write_text(_dump(whole))
        tmp.replace(path)


def run_session(i: int, estimator, measurer_factory, log_path: Path) -> tuple[str, float]:
    """One headless demo session; returns (outcome, seconds)."""
    from kiosk.assembly import KioskOptions, assemble
    from kiosk.headless import run_headless
    from session.log import SqliteSessionLog

    options = KioskOptions(mode="demo", lockstep=True, language="en" if i % 2 else "de")
    parts = assemble(options, estimator=estimator, measurer_factory=measurer_factory,
                     session_log=SqliteSessionLog(log_path))
    result = run_headless(parts, purpose=PURPOSES[i % len(PURPOSES)],
                          language=options.language, out=io.StringIO(), timeout_s=300)
    outcome = getattr(result.decision, "outcome", None)
    return str(getattr(outcome, "value", outcome)), result.seconds


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=1000)
    ap.add_argument("--warmup", type=int, default=5,
                    help="sessions before the baseline figures (caches, lazy imports)")
    ap.add_argument("--every", type=int, default=25, help="trace interval (sessions)")
    ap.add_argument("--reference", type=int, default=50,
                    help="the session whose RSS the later sessions are held to")
    ap.add_argument("--mode", choices=("cached-pose", "stub"), default="cached-pose")
    ap.add_argument("--trim", choices=("none", "session", "trace"), default="none",
                    help="malloc_trim(0) after each session (session: as the kiosk may) "
                         "or only before each trace point's reading (trace: as this "
                         "benchmark read memory up to 2026-12)")
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--label", default=None,
                    help="keep this run under runs[LABEL] of --out, beside the runs there "
                         "(the allocator comparison)")
    ap.add_argument("--tracemalloc", action="store_true",
                    help="trace Python allocations after the warm-up (slower sessions)")
    ap.add_argument("--max-minutes", type=float, default=None,
                    help="stop after this long (the report says how many sessions ran)")
    args = ap.parse_args(argv)

    from kiosk.demo import DEMO_VIDEO

    t_setup = time.perf_counter()
    if args.mode == "cached-pose":
        estimator = CachedPoseEstimator(DEMO_VIDEO)
        measurer_factory = None  # the real LegMeasurer with the real StanceChecker
        print(f"pose cache: {len(estimator)} frames of {DEMO_VIDEO.name} through MediaPipe "
              f"in {time.perf_counter() - t_setup:.1f} s")
    else:
        estimator, measurer_factory = stub_parts(12)

    workdir = Path(tempfile.mkdtemp(prefix="legfit-soak-"))
    log_path = workdir / "sessions.sqlite3"
    crashes: list[dict[str, object]] = []
    outcomes: dict[str, int] = {}
    seconds: list[float] = []
    trace: list[dict[str, object]] = []
    series: dict[str, list[float]] = {}
    baseline: dict[str, float] = {}
    growth_since: list[tracemalloc.Snapshot] = []  # first trace point's, with --tracemalloc
    growth: list[str] = []
    allocator = {"env": {k: os.environ[k] for k in MALLOC_ENV if k in os.environ},
                 "trim": args.trim, "glibc": "-".join(platform.libc_ver())}
    started = time.perf_counter()

    def write_report(end: dict[str, float], completed: int, final: bool) -> dict:
        growth_pct = 100.0 * (end["rss_mb"] - baseline["rss_mb"]) / baseline["rss_mb"]
        rss = series.get("rss_mb", [])
        after = rss_after_reference(rss, args.reference)
        ratio = after["rss_max_after_reference_ratio"]
        with sqlite3.connect(log_path) as con:
            logged = con.execute("SELECT count(*) FROM sessions").fetchone()[0]
        report = {
            "benchmark": "soak",
            "mode": args.mode,
            "pose": ("MediaPipe once per recording frame, cached; measurer, stance checker, "
                     "flow, workers and SQLite log real in every session"
                     if args.mode == "cached-pose" else "scripted pose and measurer"),
            "allocator": allocator,
            "readings": ("after each session and a gc.collect(), no heap trim unless "
                         "--trim session (then after it); sessions counted after the "
                         "warm-up"),
            "complete": final and completed == args.sessions,
            "stopped_by_time_budget": final and completed < args.sessions,
            "sessions": completed,
            "sessions_planned": args.sessions,
            "warmup_sessions": args.warmup,
            "crashes": len(crashes),
            "crash_examples": crashes[:5],
            "outcomes": outcomes,
            "sessions_logged_incl_warmup": logged,
            "session_s_median": round(sorted(seconds)[len(seconds) // 2], 3)
            if seconds else None,
            "session_s_max": round(max(seconds), 3) if seconds else None,
            "total_s": round(time.perf_counter() - started, 1),
            "start": baseline,
            "end": end,
            "rss_growth_pct": round(growth_pct, 2),
            **after,
            **rss_trend(rss),
            "goals": GOALS,
            "meets_goals": (final and len(crashes) == GOALS["crashes"] and ratio is not None
                            and ratio <= GOALS["rss_max_after_reference_ratio"]),
            "trace": trace,
            **({"traced_growth_top": growth} if args.tracemalloc else {}),
            "series": series,
            "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                        "platform": platform.platform()},
        }
        save(args.out, report, args.label)
        return report

    total = args.warmup + args.sessions
    completed = 0
    for i in range(total):
        if (args.max_minutes is not None and i > args.warmup
                and time.perf_counter() - started > 60 * args.max_minutes):
            print(f"time budget of {args.max_minutes:g} min reached after {completed} sessions")
            break
        if i == args.warmup:
            gc.collect()
            if args.trim != "none":
                trim_heap()
            baseline.update(process_figures())
            if args.tracemalloc:
                tracemalloc.start()
                baseline.update(traced_figures())
            print(f"baseline after {args.warmup} warm-up sessions: {baseline}")
        reset_peak()
        cpu_before = time.process_time()
        try:
            outcome, s = run_session(i, estimator, measurer_factory, log_path)
            if i >= args.warmup:
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
                seconds.append(s)
        except Exception as exc:  # a crash is what this benchmark counts
            crashes.append({"session": i, "error": f"{type(exc).__name__}: {exc}",
                            "where": in_project(traceback.format_exc(limit=3))[-600:]})
            print(f"session {i}: CRASH {type(exc).__name__}: {exc}")
        done = i + 1 - args.warmup
        completed = max(done, 0)
        if done <= 0:
            continue
        trace_point = done % args.every == 0 or i + 1 == total
        gc.collect()
        if args.trim == "session" or (args.trim == "trace" and trace_point):
            t_trim = time.perf_counter()
            trim_heap()
            series.setdefault("trim_ms", []).append(
                round(1000 * (time.perf_counter() - t_trim), 1))
        reading = memory_figures()
        reading["cpu_s"] = round(time.process_time() - cpu_before, 2)
        if args.tracemalloc:
            reading["traced_mb"] = traced_figures()["traced_mb"]
        for key, value in reading.items():
            series.setdefault(key, []).append(value)
        if trace_point:
            figures: dict[str, object] = {
                "sessions": done, **process_figures(),
                "elapsed_s": round(time.perf_counter() - started, 1),
                "malloc_arenas_mb": malloc_arenas(), "smaps_rss": smaps_summary()}
            if args.tracemalloc:
                if growth_since:
                    growth[:] = traced_growth(growth_since[0])
                else:
                    growth_since.append(tracemalloc.take_snapshot())
                figures.update(traced_figures())  # the kept snapshot counted from here on
            trace.append(figures)
            write_report(reading, done, final=False)  # partial, in case the run is stopped
            print(f"{done:5d} sessions  rss {reading['rss_mb']:7.1f} MB  malloc in use "
                  f"{reading.get('malloc_in_use_mb', 0):6.1f} free kept "
                  f"{reading.get('malloc_free_kept_mb', 0):6.1f} MB  threads "
                  f"{figures['python_threads']}/{figures['os_threads']}  fds "
                  f"{figures['open_fds']}  {figures['elapsed_s']:.0f} s"
                  + (f"  traced {figures['traced_mb']:.1f} MB  objects {figures['gc_objects']}"
                     if args.tracemalloc else ""), flush=True)

    gc.collect()
    end = process_figures()
    report = write_report(end, completed, final=True)
    print(f"\n{completed} sessions, {len(crashes)} crashes, outcomes {outcomes}, "
          f"{report['sessions_logged_incl_warmup']} logged (warm-up included)")
    print(f"allocator {allocator}")
    print(f"rss {baseline['rss_mb']} -> {end['rss_mb']} MB ({report['rss_growth_pct']:+.2f} %), "
          f"threads {baseline['python_threads']} -> {end['python_threads']}, fds "
          f"{baseline['open_fds']} -> {end['open_fds']}")
    print(f"rss at session {args.reference}: {report['rss_at_reference_mb']} MB, largest after "
          f"it {report['rss_max_after_reference_mb']} MB (session "
          f"{report['rss_max_after_reference_session']}, "
          f"x{report['rss_max_after_reference_ratio']})")
    print(f"rss trend over the run: {report['rss_slope_mb_per_100_sessions']} MB per 100 "
          f"sessions (range {report['rss_min_mb']}-{report['rss_max_mb']} MB)")
    if growth:
        print(f"traced growth since session {trace[0]['sessions']}:", *growth, sep="\n  ")
    print(f"written {args.out}")
    return 0 if report["meets_goals"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
