"""A progress bar that is painted with the rest of the window, not at once.

`QProgressBar.setValue` calls `repaint()`, and a repaint of one widget paints everything dirty in
the window there and then: during a big load the progress timer's turn carried the file list's,
the results table's and the plots' repaints (15-17 ms of GUI-thread CPU on a busy machine, the
longest turns of a 200-file load). This bar draws the same style control but asks for a paint
with `update()`, so its count is painted in the window's next paint, with everything else."""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QSizePolicy, QStyle, QStyleOptionProgressBar, QStylePainter, QWidget


class CountBar(QWidget):
    """'done of total unit' on a progress bar; `set_total`, `set_done`."""

    def __init__(self, unit: str = "files", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.unit = unit
        self.done = 0
        self.total = 0
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def text(self) -> str:
        return f"{self.done} of {self.total} {self.unit}"

    def set_total(self, total: int) -> None:
        if total != self.total:
            self.total = total
            self.update()

    def set_done(self, done: int) -> None:
        if done != self.done:
            self.done = done
            self.update()

    def _option(self) -> QStyleOptionProgressBar:
        option = QStyleOptionProgressBar()
        option.initFrom(self)
        option.state |= QStyle.StateFlag.State_Horizontal
        option.minimum, option.maximum = 0, max(self.total, 1)
        option.progress = min(self.done, option.maximum)
        option.text, option.textVisible = self.text(), True
        option.textAlignment = Qt.AlignmentFlag.AlignCenter
        return option

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        fm = self.fontMetrics()
        text = QSize(fm.horizontalAdvance(f"00000 of 00000 {self.unit}"), fm.height() + 2)
        return self.style().sizeFromContents(QStyle.ContentsType.CT_ProgressBar, self._option(), text, self)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt API)
        QStylePainter(self).drawControl(QStyle.ControlElement.CE_ProgressBar, self._option())
