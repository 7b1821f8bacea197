"""Processing > Smoothing window and order: the Savitzky-Golay filter of the displayed spectrum
(display only; the model reads the unsmoothed spectrum)."""
from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QSpinBox, QWidget

from irgroups_gui.display_style import DisplayStyle

INFO = ("Savitzky-Golay smoothing of the displayed spectrum: a polynomial of this order fitted over a "
        "moving window of points. Display only: the classification reads the unsmoothed spectrum.")


class SmoothingDialog(QDialog):
    def __init__(self, style: DisplayStyle, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Smoothing (display only)")
        self.style = style
        self.window = QSpinBox(minimum=3, maximum=101, singleStep=2, value=style.window, suffix=" points")
        self.window.setToolTip("Odd number of points of the spectrum in each fit")
        self.order = QSpinBox(minimum=0, maximum=10, value=style.order)
        self.window.valueChanged.connect(self._limit_order)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        info = QLabel(INFO)
        info.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(info)
        form.addRow("window", self.window)
        form.addRow("polynomial order", self.order)
        form.addRow(buttons)
        self._limit_order()

    def _limit_order(self) -> None:
        if self.window.value() % 2 == 0:
            self.window.setValue(self.window.value() + 1)
        self.order.setMaximum(min(10, self.window.value() - 1))

    def accept(self) -> None:
        """Smoothing on with the chosen window and order."""
        self.style.update(window=self.window.value(), order=self.order.value(), smoothing=True)
        super().accept()
