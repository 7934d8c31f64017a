"""The soak benchmark's results name source files relative to the project."""

import tracemalloc

from bench.soak import REPO, traced_growth


def test_traced_growth_names_project_files_without_the_machines_folder():
    tracemalloc.start()
    try:
        since = tracemalloc.take_snapshot()
        kept = [bytearray(4096) for _ in range(64)]  # grows on a line of this file
        lines = traced_growth(since)
    finally:
        tracemalloc.stop()
    assert kept
    ours = [line for line in lines if "test_soak_paths.py" in line]
    assert ours and all(line.startswith("tests/bench/test_soak_paths.py:") for line in ours)
    assert not any(str(REPO) in line for line in lines)
