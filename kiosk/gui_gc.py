"""Python's cycle collector, run on the GUI thread only.

Python collects reference cycles in whichever thread happens to allocate when a
generation's count passes its threshold. When that is a worker thread and the garbage
holds a Qt object, its C++ destructor runs there: it takes Qt's connection lock, and
PySide then waits for the interpreter lock to look up the Python side. If the GUI thread
meanwhile holds the interpreter lock inside a Qt call that wants the connection lock
(``QObject::disconnect`` while a screen restyles a widget), neither can go on: the kiosk
froze that way in a test that plays the demo recording through the window (the vision
thread's collection destroying a QObject while the window restyled the welcome screen).

``GuiThreadCollector`` switches the automatic collector off and, on a timer of the GUI
thread, collects each generation whose count has passed the interpreter's own threshold:
the same collections, in the one thread where destroying a Qt object is safe.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

# How often the GUI thread looks at the allocation counts (ms): the kiosk allocates a few
# thousand objects a second, so a generation waits at most a few of the interpreter's
# own collection intervals.
CHECK_INTERVAL_MS = 200


class GuiThreadCollector(QObject):
    """Cycle collection moved to the thread that owns this object (the GUI thread)."""

    def __init__(self, parent: QObject | None = None,
                 interval_ms: int = CHECK_INTERVAL_MS) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.collect_due)
        self._was_enabled = gc.isenabled()

    def start(self) -> None:
        """Switch automatic collection off and collect on the timer from now on."""
        gc.disable()
        self._timer.start()

    def stop(self) -> None:
        """Stop the timer and give the automatic collector back as it was."""
        self._timer.stop()
        if self._was_enabled:
            gc.enable()

    def collect_due(self) -> int:
        """Collect the oldest generation whose count passed its threshold (it collects
        the younger ones with it); the number of objects found unreachable."""
        thresholds = gc.get_threshold()
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if thresholds[generation] and counts[generation] > thresholds[generation]:
                return gc.collect(generation)
        return 0
