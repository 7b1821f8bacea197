"""The Classify tab's display options above the plots: which form of the spectrum, y units,
micrometres, axis direction, textbook bands, peak labels, sorted groups. The bar owns these
widgets; menus mirror them and sessions save and restore them through `state`/`restore`."""
from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QLabel, QWidget

from irgroups_gui._qt.flow_layout import FlowLayout
from irgroups_gui.units import Y_UNITS

FORMS = ("both", "original", "model")


class ViewBar(QWidget):
    def __init__(self, plots, probabilities, parent: QWidget | None = None):
        super().__init__(parent)
        spectrum = plots.spectrum
        self.form_box = QComboBox()
        self.form_box.addItems(["original + model input", "original (file's units)", "model input"])
        self.form_box.currentIndexChanged.connect(lambda i: spectrum.set_form(FORMS[i]))
        self.y_box = QComboBox()
        self.y_box.addItems(["y as in file", "absorbance", "transmittance %"])
        self.y_box.setToolTip("Y units of the 'original' view")
        self.y_box.currentIndexChanged.connect(lambda i: spectrum.set_y_unit(Y_UNITS[i]))
        self.micro_box = QCheckBox("µm")
        self.micro_box.setToolTip("Label the x axis in micrometres (wavelength) instead of cm-1")
        self.micro_box.toggled.connect(plots.set_micrometres)
        self.invert_box = QCheckBox("high wavenumber left")
        self.invert_box.setChecked(True)
        self.invert_box.toggled.connect(plots.set_inverted)
        self.bands_box = QCheckBox("textbook bands")
        self.bands_box.setChecked(True)
        self.bands_box.toggled.connect(spectrum.set_show_bands)
        self.peaks_box = QCheckBox("peak labels")
        self.prominence = QDoubleSpinBox(minimum=0.005, maximum=0.9, singleStep=0.01, value=0.05, decimals=3)
        self.prominence.setToolTip("Peak labels: minimum prominence as a fraction of the curve's range "
                                   "(scipy.signal.find_peaks)")
        self.peaks_box.toggled.connect(lambda on: spectrum.set_peaks(on, self.prominence.value()))
        self.prominence.valueChanged.connect(lambda v: spectrum.set_peaks(self.peaks_box.isChecked(), v))
        self.sort_box = QCheckBox("sort groups")
        self.sort_box.setToolTip("Sort the probability panel by probability")
        self.sort_box.toggled.connect(probabilities.set_sorted)
        bar = FlowLayout(self)  # wraps onto a second row in a narrow window
        bar.setContentsMargins(0, 0, 0, 0)
        for w in (QLabel("show"), self.form_box, self.y_box, self.micro_box, self.invert_box, self.bands_box,
                  self.peaks_box, self.prominence, self.sort_box):
            bar.addWidget(w)

    def state(self) -> dict:
        """What a saved session keeps of the view."""
        return {"form": self.form_box.currentIndex(), "y": self.y_box.currentIndex(),
                "micrometres": self.micro_box.isChecked(), "peaks": self.peaks_box.isChecked()}

    def restore(self, view: dict) -> None:
        self.form_box.setCurrentIndex(int(view.get("form", 0)))
        self.y_box.setCurrentIndex(int(view.get("y", 0)))
        self.micro_box.setChecked(bool(view.get("micrometres", False)))
        self.peaks_box.setChecked(bool(view.get("peaks", False)))
