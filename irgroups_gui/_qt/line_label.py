"""A line (or a few) of text that changes often (the evidence sum, the crosshair readout) without
relaying out the window.

A QLabel asks its parent layout for a new geometry on every `setText`, and Qt passes that request
up through every layout to the window, which then repaints its tab widgets, splitters and scroll
bars: about 9 ms per click on a file (and on every mouse move for the readout). This widget's
size does not depend on its text (`lines` lines high, as wide as the layout gives it; the text is
wrapped at word boundaries and elided if it still does not fit), so changing the text only
repaints the widget itself."""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget


class LineLabel(QWidget):
    """Plain text in a fixed number of lines, wrapped at words, elided when it does not fit."""

    def __init__(self, text: str = "", parent: QWidget | None = None, lines: int = 1,
                 align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft) -> None:
        super().__init__(parent)
        self._text = text
        self._lines = lines
        self._align = align  # horizontal alignment of the text
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def text(self) -> str:
        return self._text

    def setText(self, text: str) -> None:  # noqa: N802 (the QLabel name, so it reads like one)
        if text != self._text:
            self._text = text
            self.setAccessibleName(text)  # what a screen reader reads
            self.update()

    def _height(self) -> int:
        fm = self.fontMetrics()
        return fm.height() + (self._lines - 1) * fm.lineSpacing() + 6

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return QSize(200, self._height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return QSize(0, self._height())

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt API)
        painter = QPainter(self)
        painter.setPen(self.palette().windowText().color())
        rect = self.contentsRect().adjusted(2, 0, -2, 0)
        fm = self.fontMetrics()
        text = self._text
        wrap = Qt.TextFlag.TextWordWrap
        if fm.boundingRect(rect, wrap, text).height() > rect.height():  # too long even wrapped
            while text and fm.boundingRect(rect, wrap, text + "…").height() > rect.height():
                text = text[:-1]
            text = text.rstrip() + "…"
        painter.drawText(rect, Qt.AlignmentFlag.AlignVCenter | self._align | wrap, text)
        painter.end()
