"""What the kiosk window costs: building it, and painting one live frame with its overlay.

Times, at the portrait design size 1080 x 1920 on the Qt offscreen platform (which paints
into memory the way a screen would):

- ``import_ui_s``: importing ``ui.main_window`` (and with it the domain and numpy);
- ``build_window_s``: building ``KioskWindow`` with every screen;
- ``first_paint_s``: showing it and painting the attract screen;
- ``live_frame_ms``: one live frame on the measuring screen: ``set_live_frame`` with a
  1080 x 1920 frame, both legs' overlay and the guidance, then a synchronous repaint.
  The kiosk's live view needs this well under 50 ms to hold 20 fps.

The frame is a synthetic scene's photo when ../shared/data is beside the repository (a
flat grey frame otherwise). Prints a table and writes bench/results/ui_paint.json with
the machine's load, which on a shared 2-core machine moves every figure.

    python bench/ui_paint.py [--frames 120]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))
RESULTS = REPO_ROOT / "bench" / "results" / "ui_paint.json"
LIVE_FRAME_TARGET_MS = 50.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=120)
    args = parser.parse_args()

    from kiosk.qt_refcount import guard_singletons

    guard_singletons()  # PySide6 6.12 loses references to None on 3.11; a long loop shows it
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([sys.argv[0]])
    t0 = time.perf_counter()
    from fitting.stance import Stance
    from ui.main_window import KioskWindow
    from ui.samples import sample_frame, sample_guidance
    from ui.theme import Theme

    t1 = time.perf_counter()
    window = KioskWindow(theme=Theme.for_screen(1080, None))
    t2 = time.perf_counter()
    window.resize(1080, 1920)
    window.show()
    window.show_screen("attract")
    app.processEvents()  # the window is exposed: repaint() now really paints
    window.screen_named("attract").repaint()
    t3 = time.perf_counter()

    sample = sample_frame(Stance.FRONT)
    window.set_footprints(Stance.FRONT, sample.footprints_px)
    window.show_screen("measure_front")
    screen = window.measure_screens[Stance.FRONT]
    guidance = sample_guidance(Stance.FRONT)
    times_ms = []
    for i in range(args.frames + 10):
        start = time.perf_counter()
        window.set_live_frame(sample.frame_bgr, sample.overlay, guidance,
                              (i % 60) / 60)
        screen.repaint()
        elapsed = (time.perf_counter() - start) * 1000
        if i >= 10:  # the first frames warm caches and fonts
            times_ms.append(elapsed)
    median = statistics.median(times_ms)
    p90 = statistics.quantiles(times_ms, n=10)[-1]
    result = {
        "platform": f"Qt {os.environ['QT_QPA_PLATFORM']}",
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                   f"Python {platform.python_version()}",
        "load_average_1min": os.getloadavg()[0],
        "import_ui_s": round(t1 - t0, 3),
        "build_window_s": round(t2 - t1, 3),
        "first_paint_s": round(t3 - t2, 3),
        "live_frame_ms": {"median": round(median, 2), "p90": round(p90, 2),
                          "frames": len(times_ms), "frame_wh": list(sample.frame_bgr.shape[1::-1])},
        "targets": {"live_frame_ms": LIVE_FRAME_TARGET_MS},
        "meets_targets": {"live_frame_ms": median < LIVE_FRAME_TARGET_MS},
    }
    print(f"import ui        {result['import_ui_s']:.2f} s")
    print(f"build window     {result['build_window_s']:.2f} s")
    print(f"first paint      {result['first_paint_s']:.2f} s")
    print(f"live frame       {median:.1f} ms median, {p90:.1f} ms p90 "
          f"(target < {LIVE_FRAME_TARGET_MS:.0f} ms)")
    print(f"load average     {result['load_average_1min']:.1f}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", "utf-8")
    window.allow_close()
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
