"""An image file's pixel size from its header, before anything is decoded.

A 1 MB PNG can hold 20000 x 20000 pixels (a "decompression bomb": 1.2 GB once decoded).
Every image LegFit reads is sized from its header first and refused above
``MAX_IMAGE_PIXELS``; OpenCV's own decoder limit is set to the same figure for formats
whose header this module does not read.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

from fitting.errors import InputInvalid

# A frame larger than 40 megapixels is no camera LegFit works with (4K is 8.3).
MAX_IMAGE_PIXELS = 40_000_000
# OpenCV reads this when it first decodes an image: the same limit for every format.
os.environ.setdefault("OPENCV_IO_MAX_IMAGE_PIXELS", str(MAX_IMAGE_PIXELS))

_HEAD_BYTES = 64 * 1024
_JPEG_SOF = frozenset({0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD,
                       0xCE, 0xCF})


class ImageTooLarge(InputInvalid):
    """An image of more pixels than any frame LegFit works with."""


def header_size_wh(head: bytes) -> tuple[int, int] | None:
    """(width, height) from the first bytes of a PNG, JPEG, BMP, GIF or WebP file; None
    when the format or the header is not one of these."""
    if head.startswith(b"\x89PNG\r\n\x1a\n") and len(head) >= 24 and head[12:16] == b"IHDR":
        w, h = struct.unpack(">II", head[16:24])
        return int(w), int(h)
    if head.startswith(b"\xff\xd8"):
        return _jpeg_size_wh(head)
    if head.startswith(b"BM") and len(head) >= 26:
        w, h = struct.unpack("<ii", head[18:26])
        return abs(int(w)), abs(int(h))
    if head[:6] in (b"GIF87a", b"GIF89a") and len(head) >= 10:
        w, h = struct.unpack("<HH", head[6:10])
        return int(w), int(h)
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP" and len(head) >= 30:
        if head[12:16] == b"VP8X":
            w = int.from_bytes(head[24:27], "little") + 1
            h = int.from_bytes(head[27:30], "little") + 1
            return w, h
        if head[12:16] == b"VP8 " and len(head) >= 30:
            w, h = struct.unpack("<HH", head[26:30])
            return int(w) & 0x3FFF, int(h) & 0x3FFF
        if head[12:16] == b"VP8L" and len(head) >= 25:
            bits = int.from_bytes(head[21:25], "little")
            return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


def _jpeg_size_wh(head: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 9 < len(head):
        if head[i] != 0xFF:
            return None
        marker = head[i + 1]
        if marker in _JPEG_SOF:
            h, w = struct.unpack(">HH", head[i + 5:i + 9])
            return int(w), int(h)
        length = struct.unpack(">H", head[i + 2:i + 4])[0]
        i += 2 + length
    return None


def check_image_file(path: Path) -> None:
    """Refuse an image file whose header says it is larger than ``MAX_IMAGE_PIXELS``."""
    with open(path, "rb") as f:
        head = f.read(_HEAD_BYTES)
    size = header_size_wh(head)
    if size is not None:
        check_image_size(size, str(path))


def check_image_size(size_wh: tuple[int, int], what: str) -> None:
    w, h = size_wh
    if w * h > MAX_IMAGE_PIXELS:
        raise ImageTooLarge(
            f"{what} is {w} x {h} pixels ({w * h / 1e6:.0f} megapixels); LegFit reads "
            f"images of at most {MAX_IMAGE_PIXELS / 1e6:.0f} megapixels")
