"""A spectrum's thumbnail for the batch report: the curve as a PNG drawn on a QImage with
QPainter (no widget, no screen), so a worker thread can draw it."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen, QPolygonF

TICKS = (4000, 3000, 2000, 1000)  # cm-1 labelled under the curve
CURVE = QColor(31, 119, 180)
AXIS = QColor(150, 150, 150)


def thumbnail_png(x: np.ndarray, y: np.ndarray, width: int, height: int) -> bytes:
    """PNG bytes of y against wavenumber x, high wavenumber on the left, white background, the
    wavenumbers of TICKS labelled under the axis."""
    img = QImage(width, height, QImage.Format.Format_RGB32)
    img.fill(QColor("white"))
    painter = QPainter(img)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    font = QFont()
    font.setPixelSize(9)
    painter.setFont(font)
    label_h = 11
    plot = QRectF(4, 3, width - 8, height - label_h - 5)
    lo, hi = float(np.min(x)), float(np.max(x))
    ok = np.isfinite(y)
    y_lo, y_hi = (float(np.min(y[ok])), float(np.max(y[ok]))) if ok.any() else (0.0, 1.0)
    span_x, span_y = (hi - lo) or 1.0, (y_hi - y_lo) or 1.0

    def px(wn: float) -> float:  # high wavenumber on the left
        return plot.left() + (hi - wn) / span_x * plot.width()

    painter.setPen(QPen(AXIS, 1))
    painter.drawLine(QPointF(plot.left(), plot.bottom()), QPointF(plot.right(), plot.bottom()))
    for t in TICKS:
        if lo <= t <= hi:
            painter.drawLine(QPointF(px(t), plot.bottom()), QPointF(px(t), plot.bottom() + 2))
            left = min(max(px(t) - 20, 0), width - 40)  # the end labels stay inside the image
            align = (Qt.AlignmentFlag.AlignLeft if left == 0 else Qt.AlignmentFlag.AlignRight
                     if left == width - 40 else Qt.AlignmentFlag.AlignHCenter)
            painter.drawText(QRectF(left, plot.bottom() + 2, 40, label_h), align | Qt.AlignmentFlag.AlignVCenter, str(t))
    painter.setPen(QPen(CURVE, 1.2))
    points = [QPointF(px(a), plot.bottom() - (b - y_lo) / span_y * plot.height())
              for a, b in zip(x[ok].tolist(), y[ok].tolist())]
    painter.drawPolyline(QPolygonF(points))
    painter.end()
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    img.save(buf, "PNG")
    buf.close()
    return bytes(data)
