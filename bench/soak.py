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

Figures: crashes (exceptions out of a session; goal 0), resident memory after a warm-up
and at the end (growth goal < 5 %), threads and open file handles at both points, and a
trace every ``--every`` sessions. ``--tracemalloc`` also traces Python's allocations (numpy
arrays included) from the baseline on: traced MB and live objects at each trace point, and
the lines whose memory grew most since the first trace point. Writes
bench/results/soak.json. Run it as the kiosk runs, with glibc's malloc arenas capped at two
(``make soak`` sets ``MALLOC_ARENA_MAX=2`` as the kiosk's systemd unit does): with one arena
per thread, each session's fresh worker threads scatter freed frames over new arenas and
resident memory swings by ~100 MB between readings while Python's own memory stays flat.

    python bench/soak.py [--sessions 1000] [--mode cached-pose|stub] [--every 50]
                         [--tracemalloc] [--out PATH]
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
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

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
RESULTS = REPO / "bench" / "results" / "soak.json"
GOALS = {"crashes": 0, "rss_growth_pct": 5.0}
PURPOSES = ("everyday", "travel", "sport", "medical")


def _trim_heap() -> None:
    # glibc keeps freed frame buffers (8 MB each) in its arenas and hands them back to the
    # system only now and then, so a bare RSS reading swings by +/-30 % between sessions.
    # Trimming first makes RSS follow live memory: a leak shows as growth, not as noise.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def process_figures() -> dict[str, float]:
    """Resident memory (MB, after a GC and a heap trim), threads (Python's and the
    kernel's) and open file handles."""
    gc.collect()
    _trim_heap()
    rss_kb = 0
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            rss_kb = int(line.split()[1])
    return {"rss_mb": round(rss_kb / 1024, 1),
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
    return [str(d) for d in now.compare_to(since.filter_traces(ignore), "lineno")[:top]]


def rss_trend(trace: list[dict[str, float]]) -> dict[str, float | None]:
    """Least-squares slope of RSS over the trace (MB per 100 sessions) and its range: single
    readings swing with the allocator, a leak shows as a steady slope."""
    points = [(t["sessions"], t["rss_mb"]) for t in trace]
    if len(points) < 3:
        return {"rss_slope_mb_per_100_sessions": None, "rss_min_mb": None, "rss_max_mb": None}
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    sxx = sum((x - mx) ** 2 for x, _ in points)
    slope = sum((x - mx) * (y - my) for x, y in points) / sxx if sxx else 0.0
    return {"rss_slope_mb_per_100_sessions": round(100 * slope, 2),
            "rss_min_mb": min(y for _, y in points), "rss_max_mb": max(y for _, y in points)}


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
    ap.add_argument("--every", type=int, default=50, help="trace interval (sessions)")
    ap.add_argument("--mode", choices=("cached-pose", "stub"), default="cached-pose")
    ap.add_argument("--out", type=Path, default=RESULTS)
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
    trace: list[dict[str, float]] = []
    baseline: dict[str, float] = {}
    growth_since: list[tracemalloc.Snapshot] = []  # first trace point's, with --tracemalloc
    growth: list[str] = []
    started = time.perf_counter()

    def write_report(end: dict[str, float], completed: int, final: bool) -> dict:
        growth_pct = 100.0 * (end["rss_mb"] - baseline["rss_mb"]) / baseline["rss_mb"]
        with sqlite3.connect(log_path) as con:
            logged = con.execute("SELECT count(*) FROM sessions").fetchone()[0]
        report = {
            "benchmark": "soak",
            "mode": args.mode,
            "pose": ("MediaPipe once per recording frame, cached; measurer, stance checker, "
                     "flow, workers and SQLite log real in every session"
                     if args.mode == "cached-pose" else "scripted pose and measurer"),
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
            **rss_trend(trace),
            "goals": GOALS,
            "meets_goals": (final and len(crashes) == GOALS["crashes"]
                            and growth_pct < GOALS["rss_growth_pct"]),
            "trace": trace,
            **({"traced_growth_top": growth} if args.tracemalloc else {}),
            "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                        "platform": platform.platform()},
        }
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2) + "\n")
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
            baseline.update(process_figures())
            if args.tracemalloc:
                tracemalloc.start()
                baseline.update(traced_figures())
            print(f"baseline after {args.warmup} warm-up sessions: {baseline}")
        try:
            outcome, s = run_session(i, estimator, measurer_factory, log_path)
            if i >= args.warmup:
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
                seconds.append(s)
        except Exception as exc:  # a crash is what this benchmark counts
            crashes.append({"session": i, "error": f"{type(exc).__name__}: {exc}",
                            "where": traceback.format_exc(limit=3)[-600:]})
            print(f"session {i}: CRASH {type(exc).__name__}: {exc}")
        done = i + 1 - args.warmup
        completed = max(done, 0)
        if done > 0 and (done % args.every == 0 or i + 1 == total):
            gc.collect()
            figures = {"sessions": done, **process_figures(),
                       "elapsed_s": round(time.perf_counter() - started, 1)}
            if args.tracemalloc:
                if growth_since:
                    growth[:] = traced_growth(growth_since[0])
                else:
                    growth_since.append(tracemalloc.take_snapshot())
                figures.update(traced_figures())  # the kept snapshot counted from here on
            trace.append(figures)
            write_report(figures, done, final=False)  # partial, in case the run is stopped
            print(f"{done:5d} sessions  rss {figures['rss_mb']:7.1f} MB  threads "
                  f"{figures['python_threads']}/{figures['os_threads']}  fds "
                  f"{figures['open_fds']}  {figures['elapsed_s']:.0f} s"
                  + (f"  traced {figures['traced_mb']:.1f} MB  objects {figures['gc_objects']}"
                     if args.tracemalloc else ""), flush=True)

    gc.collect()
    end = process_figures()
    report = write_report(end, completed, final=True)
    print(f"\n{completed} sessions, {len(crashes)} crashes, outcomes {outcomes}, "
          f"{report['sessions_logged_incl_warmup']} logged (warm-up included)")
    print(f"rss {baseline['rss_mb']} -> {end['rss_mb']} MB ({report['rss_growth_pct']:+.2f} %), "
          f"threads {baseline['python_threads']} -> {end['python_threads']}, fds "
          f"{baseline['open_fds']} -> {end['open_fds']}")
    print(f"rss trend over the run: {report['rss_slope_mb_per_100_sessions']} MB per 100 "
          f"sessions (range {report['rss_min_mb']}-{report['rss_max_mb']} MB)")
    if growth:
        print(f"traced growth since session {trace[0]['sessions']}:", *growth, sep="\n  ")
    print(f"written {args.out}")
    return 0 if report["meets_goals"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
