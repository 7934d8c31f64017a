"""Vector drawings in millimetres, written as PDF pages or rasterised to images.

Printables (the floor mat, the calibration board) are described once as a list of shapes
in page millimetres (origin bottom-left, y up, as PDF has it) and then written either by
the small PDF writer here or by the rasteriser, so the PDF and the PNG cannot disagree.

The PDF writer knows exactly what the printables need: filled rectangles and polygons,
stroked polylines (optionally dashed), Helvetica text, rectangular clipping. Pages are
sized in millimetres and drawn with a mm-to-point transform, so a shape placed at 310 mm
prints at 310 mm when the page is printed at 100 % ("actual size").
"""

from __future__ import annotations

import itertools
import math
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

PT_PER_MM = 72.0 / 25.4


@dataclass(frozen=True)
class Rect:
    """Filled axis-aligned rectangle; ``x_mm, y_mm`` is its lower-left corner."""

    x_mm: float
    y_mm: float
    w_mm: float
    h_mm: float
    grey: float = 0.0  # 0 black .. 1 white


@dataclass(frozen=True)
class Polygon:
    """Filled polygon."""

    points_mm: tuple[tuple[float, float], ...]
    grey: float = 0.0


@dataclass(frozen=True)
class Line:
    """Stroked polyline (closed when ``closed``), optionally dashed."""

    points_mm: tuple[tuple[float, float], ...]
    width_mm: float = 0.5
    grey: float = 0.0
    closed: bool = False
    dash_mm: tuple[float, float] | None = None


@dataclass(frozen=True)
class Text:
    """Helvetica text; ``x_mm, y_mm`` is the baseline start (rotated with the text)."""

    x_mm: float
    y_mm: float
    size_mm: float
    text: str
    grey: float = 0.0
    angle_deg: int = 0  # 0, 90, 180 or 270, counter-clockwise
    bold: bool = False

    def __post_init__(self) -> None:
        if self.angle_deg % 90:
            raise ValueError("text is drawn at multiples of 90 degrees only")


Shape = Rect | Polygon | Line | Text


@dataclass
class Page:
    """One page: size in mm, shapes, and an optional clip window for all shapes."""

    width_mm: float
    height_mm: float
    shapes: list[Shape] = field(default_factory=list)
    clip_mm: tuple[float, float, float, float] | None = None  # x, y, w, h
    # Drawn after the clip is lifted (cut marks, page labels).
    overlay: list[Shape] = field(default_factory=list)


def _num(v: float) -> str:
    s = f"{v:.4f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _escape(text: str) -> str:
    # WinAnsi covers the labels we print; anything else becomes '?'.
    raw = text.encode("cp1252", errors="replace").decode("latin-1")
    return raw.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _shape_ops(shape: Shape) -> list[str]:
    if isinstance(shape, Rect):
        return [f"{_num(shape.grey)} g",
                f"{_num(shape.x_mm)} {_num(shape.y_mm)} {_num(shape.w_mm)} "
                f"{_num(shape.h_mm)} re f"]
    if isinstance(shape, Polygon):
        (x0, y0), *rest = shape.points_mm
        path = [f"{_num(x0)} {_num(y0)} m"] + [f"{_num(x)} {_num(y)} l" for x, y in rest]
        return [f"{_num(shape.grey)} g", *path, "h f"]
    if isinstance(shape, Line):
        (x0, y0), *rest = shape.points_mm
        dash = (f"[{_num(shape.dash_mm[0])} {_num(shape.dash_mm[1])}] 0 d"
                if shape.dash_mm else "[] 0 d")
        path = [f"{_num(x0)} {_num(y0)} m"] + [f"{_num(x)} {_num(y)} l" for x, y in rest]
        return [f"{_num(shape.grey)} G", f"{_num(shape.width_mm)} w", "1 J 1 j", dash, *path,
                "s" if shape.closed else "S"]
    if isinstance(shape, Text):
        a = shape.angle_deg % 360
        cos, sin = {0: (1, 0), 90: (0, 1), 180: (-1, 0), 270: (0, -1)}[a]
        font = "/F2" if shape.bold else "/F1"
        return [f"{_num(shape.grey)} g", "BT", f"{font} {_num(shape.size_mm)} Tf",
                f"{cos} {sin} {-sin} {cos} {_num(shape.x_mm)} {_num(shape.y_mm)} Tm",
                f"({_escape(shape.text)}) Tj", "ET"]
    raise TypeError(f"unknown shape {shape!r}")


def page_content(page: Page) -> bytes:
    """The page's content stream: a mm coordinate system, the shapes, the overlay."""
    ops = [f"{_num(PT_PER_MM)} 0 0 {_num(PT_PER_MM)} 0 0 cm", "q"]
    if page.clip_mm is not None:
        x, y, w, h = page.clip_mm
        ops.append(f"{_num(x)} {_num(y)} {_num(w)} {_num(h)} re W n")
    for shape in page.shapes:
        ops += _shape_ops(shape)
    ops.append("Q")
    for shape in page.overlay:
        ops += _shape_ops(shape)
    return "\n".join(ops).encode("latin-1")


def write_pdf(pages: list[Page], path: str | Path, title: str = "LegFit") -> None:
    """Write pages as a PDF 1.4 file (Helvetica, no embedded fonts, compressed streams)."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in below, once the pages object number is known
    pages_obj = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
               b"/Encoding /WinAnsiEncoding >>")
    font_bold = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold "
                    b"/Encoding /WinAnsiEncoding >>")
    kids = []
    for page in pages:
        data = zlib.compress(page_content(page), 9)
        content = add(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data)
                      + data + b"\nendstream")
        w_pt, h_pt = page.width_mm * PT_PER_MM, page.height_mm * PT_PER_MM
        kids.append(add(
            f"<< /Type /Page /Parent {pages_obj} 0 R /MediaBox [0 0 {_num(w_pt)} "
            f"{_num(h_pt)}] /Resources << /Font << /F1 {font} 0 R /F2 {font_bold} 0 R >> >> "
            f"/Contents {content} 0 R >>".encode("latin-1")))
    objects[catalog - 1] = f"<< /Type /Catalog /Pages {pages_obj} 0 R >>".encode()
    objects[pages_obj - 1] = (f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] "
                              f"/Count {len(kids)} >>").encode()
    info = add(f"<< /Title ({_escape(title)}) /Producer (LegFit) >>".encode("latin-1"))

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        out += f"{off:010d} 00000 n \n".encode()
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root {catalog} 0 R /Info {info} 0 R >>\n"
            f"startxref\n{xref}\n%%EOF\n").encode()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes(out))


# -- raster --------------------------------------------------------------------------

_SHIFT = 4  # cv2 drawing with 1/16 px sub-pixel precision


def rasterise(page: Page, px_per_mm: float) -> np.ndarray:
    """The page as a grey image (row 0 at the top), ``px_per_mm`` pixels per millimetre.

    Pixel (col, row) covers x in [col, col+1) / px_per_mm and y from the top likewise:
    pixel centres sit at (col + 0.5) / px_per_mm, as pdftoppm renders them.
    """
    w_px = round(page.width_mm * px_per_mm)
    h_px = round(page.height_mm * px_per_mm)
    image = np.full((h_px, w_px), 255, np.uint8)
    drawn = np.full_like(image, 255)
    for shape in page.shapes:
        _draw(drawn, shape, page.height_mm, px_per_mm)
    if page.clip_mm is not None:
        x, y, w, h = page.clip_mm
        c0, c1 = round(x * px_per_mm), round((x + w) * px_per_mm)
        r0 = round((page.height_mm - y - h) * px_per_mm)
        r1 = round((page.height_mm - y) * px_per_mm)
        image[r0:r1, c0:c1] = drawn[r0:r1, c0:c1]
    else:
        image = drawn
    for shape in page.overlay:
        _draw(image, shape, page.height_mm, px_per_mm)
    return image


def _to_px(points_mm, page_h_mm: float, px_per_mm: float) -> np.ndarray:
    pts = np.asarray(points_mm, dtype=np.float64).reshape(-1, 2)
    # mm edge coordinates -> pixel-centre coordinates (hence the -0.5)
    col = pts[:, 0] * px_per_mm - 0.5
    row = (page_h_mm - pts[:, 1]) * px_per_mm - 0.5
    return np.round(np.column_stack([col, row]) * (1 << _SHIFT)).astype(np.int32)


def _grey(g: float) -> int:
    return round(255 * g)


def _draw(image: np.ndarray, shape: Shape, page_h_mm: float, px_per_mm: float) -> None:
    if isinstance(shape, Rect):
        # The pixels whose centres lie inside, exactly (the rule PDF renderers follow).
        c0 = math.ceil(shape.x_mm * px_per_mm - 0.5)
        c1 = math.ceil((shape.x_mm + shape.w_mm) * px_per_mm - 0.5)
        r0 = math.ceil((page_h_mm - shape.y_mm - shape.h_mm) * px_per_mm - 0.5)
        r1 = math.ceil((page_h_mm - shape.y_mm) * px_per_mm - 0.5)
        image[max(r0, 0):max(r1, 0), max(c0, 0):max(c1, 0)] = _grey(shape.grey)
    elif isinstance(shape, Polygon):
        _fill(image, shape.points_mm, shape.grey, page_h_mm, px_per_mm)
    elif isinstance(shape, Line):
        _stroke(image, shape, page_h_mm, px_per_mm)
    elif isinstance(shape, Text):
        _text(image, shape, page_h_mm, px_per_mm)


def _fill(image, points_mm, grey, page_h_mm, px_per_mm) -> None:
    # cv2 also fills centres up to half a pixel beyond the right and bottom edges; fine
    # for outlines on screen images, which is all polygons are used for.
    poly = _to_px(points_mm, page_h_mm, px_per_mm)
    cv2.fillPoly(image, [poly], (_grey(grey),), lineType=cv2.LINE_8, shift=_SHIFT)


def _stroke(image, line: Line, page_h_mm, px_per_mm) -> None:
    pts = list(line.points_mm) + ([line.points_mm[0]] if line.closed else [])
    segments = [pts]
    if line.dash_mm:
        segments = _dash(pts, *line.dash_mm)
    thickness = max(1, round(line.width_mm * px_per_mm))
    for seg in segments:
        px = _to_px(seg, page_h_mm, px_per_mm)
        cv2.polylines(image, [px], False, (_grey(line.grey),), thickness=thickness,
                      lineType=cv2.LINE_AA, shift=_SHIFT)


def _dash(points, on_mm: float, off_mm: float) -> list[list[tuple[float, float]]]:
    out: list[list[tuple[float, float]]] = []
    period = on_mm + off_mm
    travelled = 0.0
    current: list[tuple[float, float]] = []
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        length = float(np.hypot(x1 - x0, y1 - y0))
        s = 0.0
        while s < length:
            phase = travelled % period
            on = phase < on_mm
            step = min(length - s, (on_mm - phase) if on else (period - phase))
            a = (x0 + (x1 - x0) * s / length, y0 + (y1 - y0) * s / length)
            b = (x0 + (x1 - x0) * (s + step) / length, y0 + (y1 - y0) * (s + step) / length)
            if on:
                if not current:
                    current = [a]
                current.append(b)
            elif current:
                out.append(current)
                current = []
            s += step
            travelled += step
    if current:
        out.append(current)
    return out


def _text(image, text: Text, page_h_mm, px_per_mm) -> None:
    # Hershey glyphs stand in for Helvetica on screen images; cap height ~0.72 of size.
    font = cv2.FONT_HERSHEY_DUPLEX if text.bold else cv2.FONT_HERSHEY_SIMPLEX
    cap_px = 0.72 * text.size_mm * px_per_mm
    scale = cap_px / 22.0
    thickness = max(1, round(scale * (2.2 if text.bold else 1.5)))
    (tw, th), base = cv2.getTextSize(text.text, font, scale, thickness)
    patch = np.full((th + base + 2 * thickness, tw + 2 * thickness), 255, np.uint8)
    cv2.putText(patch, text.text, (thickness, th + thickness), font, scale, (0,), thickness,
                cv2.LINE_AA)
    # Track the baseline start through each quarter turn (np.rot90 turns counter-clockwise:
    # (x, y) in a patch W wide goes to (y, W - 1 - x)).
    ax, ay = thickness, th + thickness
    for _ in range((text.angle_deg % 360) // 90):
        ax, ay = ay, patch.shape[1] - 1 - ax
        patch = np.rot90(patch)
    ph, pw = patch.shape
    x0 = round(text.x_mm * px_per_mm) - ax
    y0 = round((page_h_mm - text.y_mm) * px_per_mm) - ay
    h, w = image.shape
    r0, c0 = max(0, y0), max(0, x0)
    r1, c1 = min(h, y0 + ph), min(w, x0 + pw)
    if r1 <= r0 or c1 <= c0:
        return
    sub = patch[r0 - y0:r1 - y0, c0 - x0:c1 - x0]
    ink = sub < 255
    region = image[r0:r1, c0:c1]
    level = _grey(text.grey)
    # Blend the anti-aliased glyphs over whatever is below, in the text's grey.
    alpha = (255 - sub[ink].astype(np.float32)) / 255.0
    region[ink] = np.round(region[ink] * (1 - alpha) + level * alpha).astype(np.uint8)


def text_width_mm(text: str, size_mm: float) -> float:
    """Approximate Helvetica advance width, for centring labels (0.55 em per glyph)."""
    return 0.55 * size_mm * len(text)
