"""The printed fitting slip: a PDF with the recommendation and the donning summary.

What is on it: the anonymous fitting code (as text and as a vector QR code), the date,
the result (product, size, length, class per leg, or what to do instead), the why, the
donning and care steps in words, and when to take the stockings off; legs in the screens'
one order, the right leg first. What is never on it: a name or any picture of the
shopper; the QR code is drawn as vector squares, so the PDF holds no raster image at all
(the tests check this).
"""

from __future__ import annotations

import datetime
from pathlib import Path

from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSizeF
from PySide6.QtGui import (
    QColor,
    QFont,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QTextDocument,
)

from fitting.donning import DONNING_STEPS
from fitting.errors import LegFitError
from fitting.recommend import Decision
from session.domain import Verdict
from ui.i18n import tr
from ui.screens.referral import referral_reasons, referral_texts
from ui.screens.results import class_text, legs_text, length_text, product_name
from ui.widgets import paint_qr, qr_matrix

RESOLUTION_DPI = 300
MARGIN_MM = 15.0


class SlipNotWritten(LegFitError):
    """The slip PDF could not be written (a full disk, a missing folder)."""


def _html_escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def slip_html(verdict: Verdict, lang: str) -> str:
    """The slip's text body (everything but the header with code and QR) as simple HTML."""
    parts: list[str] = []
    outcome = verdict.outcome.value
    choices = verdict.recommendations if isinstance(verdict, Decision) else ()
    if outcome == "recommend" and choices:
        parts.append(f"<h2>{_html_escape(tr('slip.recommendation', lang))}</h2>")
        for choice in choices:
            rows = (
                (tr("recommendation.size", lang), choice.size),
                (tr("recommendation.length", lang), length_text(choice.length, lang)),
                (tr("recommendation.class", lang), class_text(choice, lang)),
                (tr("recommendation.legs", lang), legs_text(choice.legs, lang)),
            )
            parts.append(f"<p><b>{_html_escape(product_name(choice))}</b>"
                         f" &nbsp; {_html_escape(choice.brand)}</p>")
            parts.append("<table cellspacing='0' cellpadding='3'>" + "".join(
                f"<tr><td>{_html_escape(k)}</td><td><b>{_html_escape(v)}</b></td></tr>"
                for k, v in rows) + "</table>")
        if any(c.illustrative for c in choices):
            parts.append(f"<p><i>{_html_escape(tr('recommendation.illustrative', lang))}</i></p>")
    else:
        key = referral_texts(verdict)
        parts.append(f"<h2>{_html_escape(tr(f'referral.{key}.title', lang))}</h2>")
        if key == "emergency":
            parts.append(f"<p>{_html_escape(tr('referral.emergency.body', lang))}</p>")
        else:
            parts.append(f"<p>{_html_escape(tr(f'referral.{key}.body', lang))}</p>")
            parts.append(f"<p><b>{_html_escape(tr(f'referral.{key}.action', lang))}</b></p>")
    reasons = verdict.reasons if outcome == "recommend" else referral_reasons(verdict)
    if reasons:
        title = tr("recommendation.why" if outcome == "recommend" else "referral.why", lang)
        parts.append(f"<h3>{_html_escape(title)}</h3><ul>"
                     + "".join(f"<li>{_html_escape(r.text(lang))}</li>" for r in reasons)
                     + "</ul>")
    if isinstance(verdict, Decision) and outcome == "recommend" and choices:
        steps = verdict.donning or DONNING_STEPS
        parts.append(f"<h3>{_html_escape(tr('slip.donning', lang))}</h3><ol>"
                     + "".join(f"<li>{_html_escape(s.text(lang))}</li>" for s in steps)
                     + "</ol>")
    parts.append(f"<p><i>{_html_escape(tr('slip.footer', lang))}</i></p>")
    return "\n".join(parts)


def write_slip(path: str | Path, decision: Verdict, code: str, lang: str,
               date: datetime.date | None = None) -> Path:
    """Write the slip for ``decision`` (a fitting Decision or a referral) to ``path``.

    Returns the path. Raises ``SlipNotWritten`` when the file cannot be written."""
    path = Path(path)
    if not path.parent.is_dir():
        raise SlipNotWritten(f"cannot write the slip: folder {path.parent} does not exist")
    date = date or datetime.date.today()
    writer = QPdfWriter(str(path))
    writer.setResolution(RESOLUTION_DPI)
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A5),
                                     QPageLayout.Orientation.Portrait,
                                     QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
                                     QPageLayout.Unit.Millimeter))
    writer.setTitle(tr("slip.title", lang))
    writer.setCreator("LegFit")
    painter = QPainter()
    if not painter.begin(writer):
        raise SlipNotWritten(f"cannot write the slip to {path}")
    try:
        _paint_slip(painter, writer, decision, code, lang, date)
    finally:
        painter.end()
    if not path.is_file() or path.stat().st_size == 0:
        raise SlipNotWritten(f"the slip {path} came out empty")
    return path


def _points_font(size_pt: float, bold: bool = False) -> QFont:
    font = QFont("DejaVu Sans")
    font.setPointSizeF(size_pt)
    font.setBold(bold)
    return font


def _paint_header(painter: QPainter, page: QRectF, mm: float, code: str, lang: str,
                  date: datetime.date) -> float:
    """Title, date and code on the left, the QR code on the right; returns its bottom."""
    qr_side = 32 * mm
    text_w = page.width() - qr_side - 4 * mm
    painter.setPen(QColor("#000000"))
    painter.setFont(_points_font(15, bold=True))
    painter.drawText(QRectF(0, 0, text_w, 10 * mm), tr("slip.title", lang))
    painter.setFont(_points_font(10))
    painter.drawText(QRectF(0, 11 * mm, text_w, 6 * mm),
                     f"{tr('slip.date', lang)}: {date.isoformat()}")
    painter.drawText(QRectF(0, 18 * mm, text_w, 6 * mm), f"{tr('slip.code', lang)}:")
    mono = QFont("DejaVu Sans Mono")
    mono.setPointSizeF(17)
    mono.setBold(True)
    painter.setFont(mono)
    painter.drawText(QRectF(0, 24 * mm, text_w, 10 * mm), code)
    paint_qr(painter, QRectF(page.width() - qr_side, 0, qr_side, qr_side), qr_matrix(code))
    bottom = qr_side + 3 * mm
    painter.setPen(QPen(QColor("#000000"), 0.3 * mm))
    painter.drawLine(QPointF(0, bottom), QPointF(page.width(), bottom))
    return bottom + 4 * mm


def _paint_slip(painter: QPainter, writer: QPdfWriter, decision: Verdict, code: str,
                lang: str, date: datetime.date) -> None:
    page = QRectF(writer.pageLayout().paintRectPixels(writer.resolution()))
    page.moveTo(0, 0)
    mm = writer.resolution() / 25.4
    document = QTextDocument()
    # Lay the text out at the printer's resolution, not the screen's.
    document.documentLayout().setPaintDevice(writer)
    document.setDefaultFont(_points_font(10))
    document.setDocumentMargin(0)
    header_h = 39 * mm + 4 * mm
    body_h = page.height() - header_h
    # The document paginates itself at this height, so no line is cut between pages.
    document.setPageSize(QSizeF(page.width(), body_h))
    document.setHtml(slip_html(decision, lang))
    pages = max(1, document.pageCount())
    for index in range(pages):
        if index:
            writer.newPage()
        top = _paint_header(painter, page, mm, code, lang, date)
        painter.save()
        painter.translate(0, top - index * body_h)
        clip = QRectF(0, index * body_h, page.width(), body_h)
        painter.setClipRect(clip)
        document.drawContents(painter, clip)
        painter.restore()
