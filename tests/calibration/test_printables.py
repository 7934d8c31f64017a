"""Printables at exact scale: the PDFs are rendered back and measured against mat_v1."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import cv2
import numpy as np
import pytest

from calibration.boards import BoardDetector, parse_board_spec
from calibration.drawing import Line, Page, Rect, Text, rasterise, write_pdf
from calibration.floor import detect_mat_markers
from calibration.mat import load_mat_spec
from calibration.printables import (
    MAT_MARGIN_MM,
    mat_tile_pages,
    tile_layout,
    write_board,
    write_mat,
)
from fitting.measurement import Leg

PX_PER_MM = 5.0  # 127 dpi: one pixel is exactly 0.2 mm
needs_pdftoppm = pytest.mark.skipif(shutil.which("pdftoppm") is None,
                                    reason="pdftoppm (poppler-utils) is not installed")


def render_pdf(pdf: Path, page: int = 1, px_per_mm: float = PX_PER_MM) -> np.ndarray:
    dpi = px_per_mm * 25.4
    out = pdf.with_name(f"{pdf.stem}-render-{page}")
    subprocess.run(["pdftoppm", "-gray", "-png", "-r", f"{dpi:g}", "-f", str(page), "-l",
                    str(page), "-singlefile", "-aa", "no", "-aaVector", "no", str(pdf), str(out)],
                   check=True)
    return cv2.imread(f"{out}.png", cv2.IMREAD_GRAYSCALE)


def px_to_mat_mm(points_px: np.ndarray, page_h_mm: float, px_per_mm: float = PX_PER_MM
                 ) -> np.ndarray:
    """Rendered page pixels (centres at integers) to mat mm on the whole-mat page."""
    mat = load_mat_spec()
    x_page = (points_px[:, 0] + 0.5) / px_per_mm
    y_page = page_h_mm - (points_px[:, 1] + 0.5) / px_per_mm
    return np.column_stack([x_page - MAT_MARGIN_MM - mat.size_xy_mm[0] / 2,
                            y_page - MAT_MARGIN_MM - mat.size_xy_mm[1] / 2])


@pytest.fixture(scope="module")
def mat_files(tmp_path_factory):
    out = tmp_path_factory.mktemp("mat") / "mat.pdf"
    written = write_mat(load_mat_spec(), out, tiles=("a4", "a3"), png=True)
    return {p.name: p for p in written}


def test_mat_writes_the_large_page_both_tilings_and_a_png(mat_files):
    assert set(mat_files) == {"mat.pdf", "mat-tiled-a4.pdf", "mat-tiled-a3.pdf", "mat.png"}
    for p in mat_files.values():
        assert p.stat().st_size > 1000


@pytest.fixture(scope="module")
def mat_render(mat_files):
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    return render_pdf(mat_files["mat.pdf"])


def test_mat_pdf_markers_are_at_exact_scale(mat_render):
    mat = load_mat_spec()
    image = mat_render
    page_h_mm = mat.size_xy_mm[1] + 2 * MAT_MARGIN_MM
    # pdftoppm may add one pixel row/column for rounding; the page starts at pixel (0, 0)
    expected_hw = (page_h_mm * PX_PER_MM, (mat.size_xy_mm[0] + 2 * MAT_MARGIN_MM) * PX_PER_MM)
    assert np.all(np.abs(np.subtract(image.shape, expected_hw)) <= 1)
    found = detect_mat_markers(cv2.cvtColor(image, cv2.COLOR_GRAY2BGR), mat)
    assert [d.marker_id for d in found] == list(mat.marker_ids)
    for d in found:
        corners_mm = px_to_mat_mm(d.corners_px, page_h_mm)
        expected = mat.marker_corners_mm(d.marker_id)[:, :2]
        # every corner where the spec puts it, every side 120 mm, to 0.2 mm
        assert np.max(np.abs(corners_mm - expected)) <= 0.2, d.marker_id
        sides = np.linalg.norm(np.roll(corners_mm, -1, axis=0) - corners_mm, axis=1)
        assert np.max(np.abs(sides - mat.marker_side_mm)) <= 0.2


def stroke_centre_along_axis(image, end_mm, direction, page_h_mm, half_window_mm=6.0):
    """Centre of the outline's ink where it crosses the foot's axis near ``end_mm``."""
    s = np.arange(-half_window_mm, half_window_mm, 0.05)
    pts = np.asarray(end_mm)[None, :] + s[:, None] * np.asarray(direction)[None, :]
    mat = load_mat_spec()
    col = (pts[:, 0] + MAT_MARGIN_MM + mat.size_xy_mm[0] / 2) * PX_PER_MM - 0.5
    row = (page_h_mm - (pts[:, 1] + MAT_MARGIN_MM + mat.size_xy_mm[1] / 2)) * PX_PER_MM - 0.5
    ink = 255.0 - cv2.remap(image.astype(np.float32), col.astype(np.float32)[None, :],
                            row.astype(np.float32)[None, :], cv2.INTER_LINEAR)[0]
    assert ink.max() > 100, "no outline found where the footprint should end"
    return np.asarray(end_mm) + np.asarray(direction) * float(np.sum(ink * s) / np.sum(ink))


@pytest.mark.parametrize("stance, leg", [
    ("front", Leg.LEFT),   # facing the camera, left foot on the image's right
    ("front", Leg.RIGHT),
    ("side", Leg.RIGHT),   # near foot of the staggered side stance (dashed outline)
    ("side", Leg.LEFT),    # far foot
])
def test_footprints_end_where_the_spec_puts_heel_and_toe(mat_render, stance, leg):
    mat = load_mat_spec()
    image = mat_render
    page_h_mm = mat.size_xy_mm[1] + 2 * MAT_MARGIN_MM
    foot = mat.stance(stance).foot(leg)
    for end in (foot.heel_xy_mm, foot.toe_xy_mm):
        measured = stroke_centre_along_axis(image, end, foot.direction_xy, page_h_mm)
        assert np.linalg.norm(measured - np.asarray(end)) <= 0.2, (stance, leg, end)


@needs_pdftoppm
@pytest.mark.parametrize("paper, pages, page_mm", [
    ("a4", 15, (210, 297)),  # 5 columns x 3 rows of A4 portrait
    ("a3", 8, (297, 420)),   # 4 x 2 of A3 portrait
])
def test_tiles_cover_the_mat_at_scale(mat_files, paper, pages, page_mm):
    mat = load_mat_spec()
    layout = tile_layout(mat, paper)
    assert layout.cols * layout.rows == pages
    assert len(mat_tile_pages(mat, paper)) == pages
    pdf = mat_files[f"mat-tiled-{paper}.pdf"]
    text = pdf.read_bytes()
    assert len(re.findall(rb"/Type /Page\b", text)) == pages
    # the first tile (camera side, left) holds marker 0 whole, at its true size
    image = render_pdf(pdf, page=1)
    assert np.all(np.abs(np.subtract(image.shape, (page_mm[1] * PX_PER_MM,
                                                   page_mm[0] * PX_PER_MM))) <= 1)
    found = detect_mat_markers(cv2.cvtColor(image, cv2.COLOR_GRAY2BGR), mat)
    assert [d.marker_id for d in found] == [0]
    c = found[0].corners_px / PX_PER_MM
    sides = np.linalg.norm(np.roll(c, -1, axis=0) - c, axis=1)
    assert np.max(np.abs(sides - mat.marker_side_mm)) <= 0.2


def test_mat_png_matches_the_spec_to_half_a_pixel(mat_files):
    mat = load_mat_spec()
    image = cv2.imread(str(mat_files["mat.png"]))
    px_per_mm = image.shape[1] / (mat.size_xy_mm[0] + 2 * MAT_MARGIN_MM)
    page_h_mm = mat.size_xy_mm[1] + 2 * MAT_MARGIN_MM
    found = detect_mat_markers(image, mat)
    assert len(found) == 6
    for d in found:
        corners_mm = px_to_mat_mm(d.corners_px, page_h_mm, px_per_mm)
        assert np.max(np.abs(corners_mm - mat.marker_corners_mm(d.marker_id)[:, :2])) \
            <= 0.5 / px_per_mm + 0.05


@needs_pdftoppm
@pytest.mark.parametrize("spec", [
    "charuco:9x6:40:30:DICT_5X5_100",  # the default board
    "charuco:5x7:30:22:DICT_4X4_50",   # portrait, another dictionary
    "checkerboard:9x6:25",             # OpenCV's sample chessboard
])
def test_board_pdf_is_detected_whole_at_scale(tmp_path, spec):
    board = parse_board_spec(spec)
    pdf = tmp_path / "board.pdf"
    write_board(board, pdf, paper="a3")
    image = render_pdf(pdf)
    view = BoardDetector(board).detect(image)
    assert view is not None and view.corner_count == board.corner_count
    # neighbouring corners one square apart on paper
    px = view.image_points_px[np.argsort(view.corner_ids)]
    cols, _ = board.corner_grid
    spacing_mm = np.linalg.norm(np.diff(px.reshape(-1, cols, 2), axis=1), axis=2) / PX_PER_MM
    assert np.max(np.abs(spacing_mm - board.square_mm)) <= 0.2


def test_board_too_big_for_the_paper_is_refused(tmp_path):
    with pytest.raises(Exception, match="does not fit on A4"):
        write_board(parse_board_spec("charuco:12x8:40:30:DICT_5X5_100"), tmp_path / "b.pdf",
                    paper="a4")


def test_pdf_writer_cross_reference_points_at_every_object(tmp_path):
    page = Page(100, 50, [Rect(10, 10, 20, 5), Line(((0, 0), (100, 50)), 0.5, dash_mm=(2, 1)),
                          Text(5, 40, 4, "Größe (x) \\ 1")])
    pdf = tmp_path / "t.pdf"
    write_pdf([page, page], pdf)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-1.4") and data.rstrip().endswith(b"%%EOF")
    xref_at = int(re.search(rb"startxref\n(\d+)", data)[1])
    assert data[xref_at:xref_at + 4] == b"xref"
    offsets = [int(m) for m in re.findall(rb"(\d{10}) 00000 n", data)]
    for number, off in enumerate(offsets, start=1):
        assert data[off:].startswith(f"{number} 0 obj".encode())
    # a rasterised page has the page's size and ink where the rectangle is
    image = rasterise(page, 2.0)
    assert image.shape == (100, 200)
    assert image[100 - 25, 40] == 0 and image[5, 5] == 255
