"""Printable artefacts: the floor mat (whole and tiled) and the ChArUco calibration board.

Everything is drawn as vectors in millimetres from the mat spec (or the board spec), so
the print is at exact scale when printed at 100 % ("actual size", no "fit to page"):
markers come from OpenCV's own marker bits (``generateImageMarker``) drawn as black
rectangles, footprints as outlines through the spec's heel and toe points.

The mat page is drawn as seen from above with the camera at the bottom of the page: page
x = mat x, page y = mat y (away from the camera is up the page).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict

import cv2
import numpy as np

from calibration.boards import BoardSpec
from calibration.drawing import Line, Page, Polygon, Rect, Shape, Text, rasterise, write_pdf
from calibration.errors import BoardSpecInvalid
from calibration.mat import Footprint, MatSpec
from fitting.measurement import Leg

MAT_MARGIN_MM = 20.0
PAPER_MM = {"a4": (210.0, 297.0), "a3": (297.0, 420.0)}
# Printers do not print to the sheet's edge; keep everything this far inside it.
PRINTER_MARGIN_MM = 12.0
DEFAULT_BOARD = "charuco:9x6:40:30:DICT_5X5_100"

# Half-widths (mm) of a generic foot outline along its length (fraction of length):
# lateral side and medial side (the arch is on the medial side).
_FOOT_S = (0.0, 0.02, 0.06, 0.15, 0.3, 0.45, 0.6, 0.72, 0.8, 0.88, 0.94, 0.98, 1.0)
_FOOT_LATERAL = (0.0, 0.2, 0.3, 0.35, 0.37, 0.4, 0.44, 0.47, 0.46, 0.4, 0.3, 0.16, 0.0)
_FOOT_MEDIAL = (0.0, 0.2, 0.29, 0.31, 0.27, 0.26, 0.36, 0.46, 0.5, 0.48, 0.4, 0.22, 0.0)


# -- the mat --------------------------------------------------------------------------

def marker_modules(dictionary_name: str, marker_id: int) -> np.ndarray:
    """The marker's black (True) and white modules, border included, top row first."""
    dictionary = cv2.aruco.getPredefinedDictionary(getattr(cv2.aruco, dictionary_name))
    n = dictionary.markerSize + 2
    bits = cv2.aruco.generateImageMarker(dictionary, marker_id, n)
    return bits < 128


def _marker_shapes(modules: np.ndarray, left_mm: float, top_mm: float, side_mm: float,
                   y_up: bool = True) -> list[Shape]:
    """Black module runs as rectangles; ``top_mm`` is the marker's top edge."""
    n = modules.shape[0]
    cell = side_mm / n
    shapes: list[Shape] = []
    for row in range(n):
        col = 0
        while col < n:
            if not modules[row, col]:
                col += 1
                continue
            start = col
            while col < n and modules[row, col]:
                col += 1
            y = top_mm - (row + 1) * cell if y_up else top_mm + row * cell
            shapes.append(Rect(left_mm + start * cell, y, (col - start) * cell, cell))
    return shapes


class _OutlineStyle(TypedDict):
    """How a stance's footprint outlines are stroked (``Line``'s own fields)."""

    width_mm: float
    grey: float
    dash_mm: tuple[float, float] | None


def foot_outline_mm(foot: Footprint, width_mm: float, medial_side: int) -> list[tuple]:
    """Outline through the heel end and toe tip; ``medial_side`` +1: right of heel->toe."""
    heel = np.asarray(foot.heel_xy_mm, float)
    axis = np.asarray(foot.toe_xy_mm, float) - heel
    length = float(np.linalg.norm(axis))
    d = axis / length
    right = np.array([d[1], -d[0]])
    lateral = -medial_side
    s = np.interp(np.linspace(0, 1, 61), _FOOT_S, _FOOT_S)
    half = width_mm  # profiles are fractions of the width
    lat = np.interp(s, _FOOT_S, _FOOT_LATERAL) * half
    med = np.interp(s, _FOOT_S, _FOOT_MEDIAL) * half
    side_a = [heel + d * si * length + right * lateral * w for si, w in zip(s, lat, strict=True)]
    side_b = [heel + d * si * length + right * medial_side * w
              for si, w in zip(s[::-1], med[::-1], strict=True)]
    return [(float(x), float(y)) for x, y in side_a + side_b[1:-1]]


def _label_along(centre_xy, direction_xy, text: str, size_mm: float, bold: bool = False,
                 grey: float = 0.0) -> Text:
    """Text reading upright for a person standing with toes along ``direction_xy``."""
    d = np.asarray(direction_xy, float)
    angle = (math.degrees(math.atan2(d[1], d[0])) - 90.0) % 360.0
    angle_q = round(angle / 90.0) % 4 * 90
    width = 0.55 * size_mm * len(text)
    base = np.array([math.cos(math.radians(angle_q)), math.sin(math.radians(angle_q))])
    up = np.array([-base[1], base[0]])
    start = np.asarray(centre_xy, float) - base * width / 2 - up * size_mm * 0.36
    return Text(float(start[0]), float(start[1]), size_mm, text, grey=grey, angle_deg=angle_q,
                bold=bold)


def mat_shapes(mat: MatSpec) -> list[Shape]:
    """The mat's content in mat millimetres (origin at the mat centre)."""
    shapes: list[Shape] = []
    side = mat.marker_side_mm
    for marker_id, (cx, cy) in sorted(mat.marker_centres_xy_mm.items()):
        # Marker top edge toward +y: module row 0 is at y = cy + side / 2.
        modules = marker_modules(mat.aruco_dictionary, marker_id)
        shapes += _marker_shapes(modules, cx - side / 2, cy + side / 2, side)

    width = mat.footprint_size_mm[1]
    styles: dict[str, _OutlineStyle] = {
        "front": {"width_mm": 2.0, "grey": 0.0, "dash_mm": None},
        "side": {"width_mm": 2.0, "grey": 0.35, "dash_mm": (8.0, 5.0)}}
    names = {("front", Leg.LEFT): "LEFT", ("front", Leg.RIGHT): "RIGHT",
             ("side", Leg.RIGHT): "RIGHT (near)", ("side", Leg.LEFT): "LEFT (far)"}
    outlines = {(st, leg): foot_outline_mm(stance.foot(leg), width,
                                           1 if leg == Leg.LEFT else -1)
                for st, stance in mat.stances.items() for leg in Leg}
    for (stance_name, leg), outline in sorted(outlines.items()):
        style = styles.get(stance_name, styles["side"])
        foot = mat.stance(stance_name).foot(leg)
        shapes.append(Line(tuple(outline), closed=True, **style))
        if style["dash_mm"]:
            # Solid ends: the heel and toe points, where the printed outline meets the
            # spec's foot axis, are always inked, whatever the dash phase.
            n = len(outline)
            for end in (foot.heel_xy_mm, foot.toe_xy_mm):
                i = min(range(n), key=lambda k: math.dist(outline[k], end))
                cap = tuple(outline[(i + k) % n] for k in range(-3, 4))
                shapes.append(Line(cap, width_mm=style["width_mm"], grey=style["grey"]))
        others = np.concatenate([_densify(o) for (st, _), o in outlines.items()
                                 if st != stance_name])
        s_best = _clearest_point_along(foot, others)
        heel, d = np.asarray(foot.heel_xy_mm, float), foot.direction_xy
        length = float(np.linalg.norm(np.subtract(foot.toe_xy_mm, foot.heel_xy_mm)))
        mid = heel + d * s_best * length
        shapes.append(_label_along(mid, d, names[(stance_name, leg)], 8, bold=True,
                                   grey=style["grey"]))
        shapes.append(_label_along(mid - d * 12.0, d, stance_name.upper(), 6,
                                   grey=style["grey"]))
    # A check bar between the back-row markers: it must measure 100 mm on the print.
    back_y = max(cy for _, cy in mat.marker_centres_xy_mm.values())
    shapes += scale_bar(-205.0, back_y - 10.0, 100.0)
    shapes.append(Text(-205.0, back_y + 25.0, 6, f"{mat.name} v{mat.version}"))
    shapes.append(Text(-120.0, -mat.size_xy_mm[1] / 2 + 6, 7,
                       "CAMERA SIDE - print at 100 % (actual size)", bold=True))
    return shapes


def _densify(outline: list[tuple], step_mm: float = 5.0) -> np.ndarray:
    pts = np.asarray([*outline, outline[0]], float)
    out = [pts[0]]
    for a, b in itertools.pairwise(pts):
        n = max(1, int(np.linalg.norm(b - a) // step_mm))
        out += [a + (b - a) * k / n for k in range(1, n + 1)]
    return np.asarray(out)


def _clearest_point_along(foot: Footprint, others: np.ndarray) -> float:
    """Where along the foot (0 heel .. 1 toe) its label stays clearest of the other
    stance's outlines: the stances overlap on the mat, their labels must not."""
    heel, d = np.asarray(foot.heel_xy_mm, float), foot.direction_xy
    length = float(np.linalg.norm(np.subtract(foot.toe_xy_mm, foot.heel_xy_mm)))
    candidates = np.linspace(0.2, 0.75, 23)
    clearance = [float(np.min(np.linalg.norm(others - (heel + d * c * length), axis=1)))
                 for c in candidates]
    # Prefer the middle of the foot when clearance is ample either way.
    score = np.minimum(clearance, 45.0) - 5.0 * np.abs(candidates - 0.5)
    return float(candidates[int(np.argmax(score))])


def scale_bar(x_mm: float, y_mm: float, length_mm: float) -> list[Shape]:
    """A bar of known length with end ticks and its length written under it."""
    return [Rect(x_mm, y_mm, length_mm, 2.0),
            Rect(x_mm, y_mm - 3.0, 0.6, 8.0), Rect(x_mm + length_mm - 0.6, y_mm - 3.0, 0.6, 8.0),
            Text(x_mm, y_mm - 9.0, 5, f"{length_mm:g} mm: check this bar before use")]


def _translate(shape: Shape, dx: float, dy: float) -> Shape:
    if isinstance(shape, Rect):
        return Rect(shape.x_mm + dx, shape.y_mm + dy, shape.w_mm, shape.h_mm, shape.grey)
    if isinstance(shape, Polygon):
        return Polygon(tuple((x + dx, y + dy) for x, y in shape.points_mm), shape.grey)
    if isinstance(shape, Line):
        return Line(tuple((x + dx, y + dy) for x, y in shape.points_mm), shape.width_mm,
                    shape.grey, shape.closed, shape.dash_mm)
    return Text(shape.x_mm + dx, shape.y_mm + dy, shape.size_mm, shape.text, shape.grey,
                shape.angle_deg, shape.bold)


def _crop_marks(x: float, y: float, w: float, h: float, gap: float = 3.0,
                length: float = 8.0) -> list[Shape]:
    """Marks outside each corner of the rectangle, on the extension of its edges."""
    out: list[Shape] = []
    for cx, sx in ((x, -1), (x + w, 1)):
        for cy, sy in ((y, -1), (y + h, 1)):
            out.append(Line(((cx + sx * gap, cy), (cx + sx * (gap + length), cy)), 0.2))
            out.append(Line(((cx, cy + sy * gap), (cx, cy + sy * (gap + length))), 0.2))
    return out


def mat_page(mat: MatSpec) -> Page:
    """The whole mat on one large-format page, with crop marks in a white margin."""
    mw, mh = mat.size_xy_mm
    m = MAT_MARGIN_MM
    page = Page(mw + 2 * m, mh + 2 * m)
    page.shapes = [_translate(s, mw / 2 + m, mh / 2 + m) for s in mat_shapes(mat)]
    page.shapes.append(Line(((m, m), (m + mw, m), (m + mw, m + mh), (m, m + mh)), 0.3,
                            grey=0.6, closed=True))
    page.overlay = _crop_marks(m, m, mw, mh, gap=2.0, length=12.0)
    return page


@dataclass(frozen=True)
class TileLayout:
    paper: str
    landscape: bool
    cols: int
    rows: int
    window_mm: tuple[float, float]


def tile_layout(mat: MatSpec, paper: str) -> TileLayout:
    """The fewest equal tiles of ``paper`` that carry the mat, with room for marks."""
    if paper not in PAPER_MM:
        raise BoardSpecInvalid(f"paper {paper!r} is not one of {', '.join(PAPER_MM)}")
    mw, mh = mat.size_xy_mm
    best = None
    for landscape in (False, True):
        pw, ph = PAPER_MM[paper][::-1] if landscape else PAPER_MM[paper]
        # room for crop marks and a label line beside the window
        uw, uh = pw - 2 * PRINTER_MARGIN_MM - 24, ph - 2 * PRINTER_MARGIN_MM - 34
        cols, rows = math.ceil(mw / uw), math.ceil(mh / uh)
        if best is None or cols * rows < best.cols * best.rows:
            best = TileLayout(paper, landscape, cols, rows, (mw / cols, mh / rows))
    assert best is not None  # both orientations were tried
    return best


def mat_tile_pages(mat: MatSpec, paper: str = "a4") -> list[Page]:
    """The mat cut into paper-sized tiles: each page shows its window of the mat at scale,
    crop marks at the window's corners, alignment ticks on the shared edges and a label
    saying where the tile goes."""
    layout = tile_layout(mat, paper)
    pw, ph = PAPER_MM[paper][::-1] if layout.landscape else PAPER_MM[paper]
    ww, wh = layout.window_mm
    mw, mh = mat.size_xy_mm
    content = mat_shapes(mat)
    outline = Line(((-mw / 2, -mh / 2), (mw / 2, -mh / 2), (mw / 2, mh / 2), (-mw / 2, mh / 2)),
                   0.3, grey=0.6, closed=True)
    pages = []
    for row in range(layout.rows):  # row 0 at the camera side (bottom of the mat)
        for col in range(layout.cols):
            x0_mat = -mw / 2 + col * ww
            y0_mat = -mh / 2 + row * wh
            wx, wy = (pw - ww) / 2, (ph - wh) / 2 + 5.0
            dx, dy = wx - x0_mat, wy - y0_mat
            page = Page(pw, ph, clip_mm=(wx, wy, ww, wh))
            page.shapes = [_translate(s, dx, dy) for s in [*content, outline]]
            page.overlay = _crop_marks(wx, wy, ww, wh)
            page.overlay += _alignment_ticks(wx, wy, ww, wh, layout, row, col)
            # Labels start beside the crop marks, not on them.
            page.overlay.append(Text(
                wx + 5.0, wy + wh + 13.0, 4.0,
                f"Row {row + 1} of {layout.rows} (1 = camera side), "
                f"column {col + 1} of {layout.cols} (1 = left)", bold=True))
            page.overlay.append(Text(
                wx + 5.0, wy + wh + 7.0, 3.0,
                f"{mat.name} v{mat.version}: print at 100 %, trim on the marks, butt the edges"))
            page.overlay += scale_bar(wx + 5.0, wy - 14.0, 50.0)
            pages.append(page)
    return pages


def _alignment_ticks(wx, wy, ww, wh, layout: TileLayout, row: int, col: int) -> list[Shape]:
    """Ticks every 50 mm of mat along edges shared with a neighbour, just outside the window;
    the same mat positions carry ticks on both tiles, so the edges line up."""
    out: list[Shape] = []
    step = 50.0
    for k in range(1, int(wh // step) + 1):
        y = wy + k * step if wh - k * step > 1 else None
        if y is None:
            continue
        if col > 0:
            out.append(Line(((wx - 2.0, y), (wx - 6.0, y)), 0.25))
        if col < layout.cols - 1:
            out.append(Line(((wx + ww + 2.0, y), (wx + ww + 6.0, y)), 0.25))
    for k in range(1, int(ww // step) + 1):
        x = wx + k * step if ww - k * step > 1 else None
        if x is None:
            continue
        if row > 0:
            out.append(Line(((x, wy - 2.0), (x, wy - 6.0)), 0.25))
        if row < layout.rows - 1:
            out.append(Line(((x, wy + wh + 2.0), (x, wy + wh + 6.0)), 0.25))
    return out


# -- the calibration board ------------------------------------------------------------

def board_page(spec: BoardSpec, paper: str | None = None) -> Page:
    """A ChArUco (or checkerboard) board centred on a page, labelled with its spec."""
    bw, bh = spec.size_mm
    if paper is None:
        pw, ph = bw + 40.0, bh + 50.0
    else:
        if paper not in PAPER_MM:
            raise BoardSpecInvalid(f"paper {paper!r} is not one of {', '.join(PAPER_MM)}")
        pw, ph = PAPER_MM[paper]
        if bw > bh:
            pw, ph = ph, pw
        if bw > pw - 2 * PRINTER_MARGIN_MM or bh + 20 > ph - 2 * PRINTER_MARGIN_MM:
            raise BoardSpecInvalid(
                f"board {spec} ({bw:g} x {bh:g} mm) does not fit on {paper.upper()} paper")
    left, top = (pw - bw) / 2, (ph + bh) / 2 + 5.0
    page = Page(pw, ph)
    page.shapes = board_shapes(spec, left, top)
    page.shapes.append(Text(left, top - bh - 16.0, 5,
                            f"LegFit calibration board {spec} - print at 100 %", bold=True))
    page.shapes += scale_bar(left + bw - 100.0, top - bh - 16.0, 100.0)
    page.overlay = _crop_marks(left, top - bh, bw, bh)
    return page


def board_shapes(spec: BoardSpec, left_mm: float, top_mm: float) -> list[Shape]:
    """The board's squares and markers; board (0, 0) at (left, top), board y downward."""
    s = spec.square_mm
    shapes: list[Shape] = []
    if spec.kind == "checkerboard":
        cols, rows = spec.cols + 1, spec.rows + 1
        for r in range(rows):
            for c in range(cols):
                if (r + c) % 2 == 0:
                    shapes.append(Rect(left_mm + c * s, top_mm - (r + 1) * s, s, s))
        return shapes
    board = spec.charuco_board()
    # Which squares are black is OpenCV's choice (it changed between versions): read it
    # from OpenCV's own image of the board, one pixel per ~1/10 square.
    ppsq = 10
    image = board.generateImage((spec.cols * ppsq, spec.rows * ppsq), marginSize=0)
    dictionary = board.getDictionary()
    ids = np.asarray(board.getIds()).reshape(-1)  # an array already; typed as a sequence
    marker_cells = set()
    for obj in board.getObjPoints():
        c0, r0 = int(obj[0][0] // s), int(obj[0][1] // s)
        marker_cells.add((r0, c0))
    for r in range(spec.rows):
        for c in range(spec.cols):
            if (r, c) in marker_cells:
                continue
            if image[r * ppsq + ppsq // 2, c * ppsq + 1] < 128:
                shapes.append(Rect(left_mm + c * s, top_mm - (r + 1) * s, s, s))
    n = dictionary.markerSize + 2
    for marker_id, obj in zip(ids, board.getObjPoints(), strict=True):
        x0, y0 = float(obj[0][0]), float(obj[0][1])
        side = float(obj[1][0] - obj[0][0])
        bits = cv2.aruco.generateImageMarker(dictionary, int(marker_id), n) < 128
        shapes += _marker_shapes(bits, left_mm + x0, top_mm - y0, side)
    return shapes


# -- writing -------------------------------------------------------------------------

def write_mat(mat: MatSpec, out: Path, tiles: tuple[str, ...] = ("a4",), png: bool = False,
              png_px_per_mm: float = 2.0) -> list[Path]:
    """Write the mat: ``out`` (one large-format page) plus one tiled PDF per paper size,
    named ``<stem>-tiled-<paper>.pdf``, and a PNG beside them when asked (or when ``out``
    ends in .png, then only the PNG)."""
    out = Path(out)
    written: list[Path] = []
    page = mat_page(mat)
    if out.suffix.lower() == ".png":
        _write_png(rasterise(page, png_px_per_mm), out)
        return [out]
    write_pdf([page], out, title=f"{mat.name} v{mat.version}")
    written.append(out)
    for paper in tiles:
        tiled = out.with_name(f"{out.stem}-tiled-{paper}.pdf")
        write_pdf(mat_tile_pages(mat, paper), tiled, title=f"{mat.name} v{mat.version} tiles")
        written.append(tiled)
    if png:
        png_path = out.with_suffix(".png")
        _write_png(rasterise(page, png_px_per_mm), png_path)
        written.append(png_path)
    return written


def write_board(spec: BoardSpec, out: Path, paper: str | None = None, png: bool = False,
                png_px_per_mm: float = 4.0) -> list[Path]:
    out = Path(out)
    page = board_page(spec, paper)
    if out.suffix.lower() == ".png":
        _write_png(rasterise(page, png_px_per_mm), out)
        return [out]
    write_pdf([page], out, title=f"LegFit calibration board {spec}")
    written = [out]
    if png:
        _write_png(rasterise(page, png_px_per_mm), out.with_suffix(".png"))
        written.append(out.with_suffix(".png"))
    return written


def _write_png(image: np.ndarray, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    ok, data = cv2.imencode(".png", image)
    if not ok:  # pragma: no cover - encoding a uint8 grey image does not fail
        raise OSError(f"could not encode {path}")
    path.write_bytes(data.tobytes())
