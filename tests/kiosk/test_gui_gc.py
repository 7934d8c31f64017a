"""Cycle collection on the GUI thread only: garbage a worker thread drops is collected
where Qt objects may be destroyed."""

from __future__ import annotations

import gc
import threading

from kiosk.gui_gc import GuiThreadCollector


class _Cycle:
    """A reference cycle that records the thread its collection ran in."""

    def __init__(self, seen: list[str]) -> None:
        self.me = self
        self.seen = seen

    def __del__(self) -> None:
        self.seen.append(threading.current_thread().name)


def _drop_garbage_in_a_worker(seen: list[str]) -> None:
    def work() -> None:
        _Cycle(seen)
        # Allocate past every generation's threshold, as a busy worker does.
        keep = [[] for _ in range(3 * sum(gc.get_threshold()))]
        del keep

    worker = threading.Thread(target=work, name="worker")
    worker.start()
    worker.join()


def test_garbage_a_worker_drops_is_collected_on_the_gui_thread(qtbot):
    gc.collect()
    thresholds = gc.get_threshold()
    gc.set_threshold(50, 2, 2)  # small thresholds: the worker passes them many times over
    collector = GuiThreadCollector()
    try:
        collector.start()
        assert not gc.isenabled()
        seen: list[str] = []
        _drop_garbage_in_a_worker(seen)
        assert seen == []  # the worker collected nothing
        collector.collect_due()
        assert seen == [threading.current_thread().name]
    finally:
        collector.stop()
        gc.set_threshold(*thresholds)
    assert gc.isenabled()


def test_without_it_the_worker_collects_its_own_garbage(qtbot):
    # What the collector prevents: with automatic collection on, the worker's allocations
    # collect the cycle in the worker.
    gc.collect()
    thresholds = gc.get_threshold()
    gc.set_threshold(50, 2, 2)
    try:
        seen: list[str] = []
        _drop_garbage_in_a_worker(seen)
        assert seen == ["worker"]
    finally:
        gc.set_threshold(*thresholds)


def test_nothing_is_collected_before_a_threshold_is_passed(qtbot):
    gc.collect()
    collector = GuiThreadCollector()
    try:
        collector.start()
        assert collector.collect_due() == 0
    finally:
        collector.stop()
