"""HTML onto paper: a report laid out by QTextDocument and printed on a QPrinter or a QPdfWriter,
each page scaled to fit the paper's width (a wide figure or table is shrunk, never cut off).
QTextDocument and QPdfWriter paint without a screen, so a worker thread may write a PDF."""
from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPagedPaintDevice, QPdfWriter, QTextDocument

MARGIN_MM = 12
POINTS_PER_INCH, SCREEN_DPI = 72.0, 96.0


def print_html(html: str, device: QPagedPaintDevice) -> int:
    """Lay `html` out and print it on `device`; returns the number of pages. The layout is as
    wide as the content needs (at least the paper's width) and every page is scaled to the paper."""
    doc = QTextDocument()
    doc.setHtml(html)
    paper = device.pageLayout().paintRect(QPageLayout.Unit.Point)
    paper_px = paper.width() / POINTS_PER_INCH * SCREEN_DPI
    width = max(doc.idealWidth(), paper_px)
    doc.setPageSize(QSizeF(width, width * paper.height() / paper.width()))
    doc.print_(device)
    return doc.pageCount()


def pdf_bytes(html: str, title: str, landscape: bool = False) -> tuple[bytes, int]:
    """`html` as an A4 PDF, in memory (write it with batch_report.write_atomic); and its pages."""
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buf)
    writer.setTitle(title)
    writer.setCreator("IR Groups")
    orientation = QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), orientation,
                                     QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM), QPageLayout.Unit.Millimeter))
    pages = print_html(html, writer)
    del writer  # finishes the PDF
    buf.close()
    return bytes(data), pages
