"""A decompression bomb against `legfit measure`: peak memory before it is refused.

A 20000 x 20000 PNG of zeros compresses to well under 1 MB and decodes to 1.2 GB (BGR).
LegFit sizes every image from its header first; this measures what that costs.

    python bench/bomb.py [--side-px 20000] [--out bench/results/bomb.json]

Prints the file size, the exit status, the one line on stderr, the wall time and the
child's peak resident memory (ru_maxrss), and writes them as JSON.
"""

from __future__ import annotations

import argparse
import json
import resource
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET_PEAK_MB = 1024


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def write_bomb_png(path: Path, side_px: int) -> None:
    """A valid greyscale PNG of ``side_px`` squared zeros, compressed row by row."""
    compressor = zlib.compressobj(9)
    row = b"\x00" * (side_px + 1)  # filter byte 0, then the row's zeros
    parts = [compressor.compress(row) for _ in range(side_px)]
    parts.append(compressor.flush())
    header = struct.pack(">IIBBBBB", side_px, side_px, 8, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
                     + _chunk(b"IDAT", b"".join(parts)) + _chunk(b"IEND", b""))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side-px", type=int, default=20_000)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results" / "bomb.json")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        bomb = Path(tmp) / "bomb.png"
        write_bomb_png(bomb, args.side_px)
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "kiosk", "measure", "--front", str(bomb),
                               "--height-mm", "1700"], capture_output=True, text=True,
                              cwd=REPO, timeout=600)
        seconds = time.perf_counter() - started
        size_bytes = bomb.stat().st_size
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    result = {"what": "peak memory of `legfit measure` given a decompression-bomb PNG",
              "image_px": [args.side_px, args.side_px], "file_bytes": size_bytes,
              "exit_status": done.returncode, "stderr": done.stderr.strip(),
              "seconds": round(seconds, 2), "peak_rss_mb": round(peak_mb, 1),
              "target_peak_rss_mb": TARGET_PEAK_MB, "target_met": peak_mb < TARGET_PEAK_MB}
    for key, value in result.items():
        print(f"{key:>18}: {value}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    return 0 if result["target_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
