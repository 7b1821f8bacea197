"""The "Peaks" panel: the selected spectrum's picked peaks as a table (wavenumber, intensity,
width at half height, the correlation-chart assignments that fit), the same table as `irgroups
peaks`. Choosing a row marks that peak on the spectrum plot and centres it; Export CSV… writes
the table. Picking takes ~3 ms on 3000 points but its first use imports scipy.signal (~0.5 s),
so it runs as a session job (a worker thread in the app)."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (QAbstractItemView, QFileDialog, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from core.data.correlation import AssignedPeak, spectrum_peaks, write_peaks_csv
from core.spectra.peaks import DEFAULT_PROMINENCE
from irgroups_gui.export import default_file_name
from irgroups_gui.session import Session

COLUMNS = (("cm-1", "the peak's wavenumber, cm-1"), ("A", "absorbance at the peak, divided by the spectrum's maximum"),
           ("FWHM", "full width at half prominence, cm-1"), ("assignments", "correlation-chart bands that hold the "
                                                                        "peak: vibration (group)"))
NO_SPECTRUM = "Select a classified spectrum to list its peaks."


class PeakTable(QWidget):
    """Lists the current entry's peaks; `on_pick(wavenumber)` when a row becomes current."""

    def __init__(self, session: Session, on_pick: Callable[[float], None], parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.on_pick = on_pick
        self.prominence = DEFAULT_PROMINENCE
        self.peaks: list[AssignedPeak] = []
        self._wanted: tuple | None = None  # (entry, spectrum, prominence) of the last request
        self.summary = QLabel(NO_SPECTRUM)
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        for k, (title, tip) in enumerate(COLUMNS):
            item = QTableWidgetItem(title)
            item.setToolTip(tip)
            self.table.setHorizontalHeaderItem(k, item)
        self.table.setWordWrap(False)  # one line a peak; the whole assignment in the tooltip
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        for k in range(len(COLUMNS) - 1):
            header.setSectionResizeMode(k, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.currentCellChanged.connect(lambda row, *_: self._picked(row))
        self.export_button = QPushButton("Export CSV…")
        self.export_button.setToolTip("Write this table as CSV (the columns of `irgroups peaks --csv`)")
        self.export_button.clicked.connect(self.export_dialog)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.export_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.addLayout(top)
        lay.addWidget(self.table, 1)
        session.selection.changed.connect(lambda fields: self.refresh() if "entry" in fields else None)
        session.entry_updated.connect(lambda i: self.refresh() if i == session.selection.entry else None)
        session.entries_cleared.connect(self.refresh)
        self.refresh()

    def set_prominence(self, prominence: float) -> None:
        """The minimum prominence (a fraction of the absorbance range), as for the peak labels."""
        self.prominence = prominence
        self.refresh()

    def refresh(self) -> None:
        """Pick the current spectrum's peaks (a session job: the first use imports scipy.signal,
        ~0.5 s) and fill the table when they arrive; a result for another entry is dropped."""
        entry = self.session.current()
        spectrum = entry.prediction.spectrum if entry and entry.prediction and entry.prediction.ok else None
        self._wanted = wanted = (entry, spectrum, self.prominence)
        if spectrum is None:
            self._fill([], NO_SPECTRUM)
            return
        self.summary.setText("Picking peaks…")
        prominence = self.prominence

        def done(peaks: list[AssignedPeak]) -> None:
            if self._wanted is wanted:
                self._fill(peaks, f"{len(peaks)} peaks (prominence ≥ {prominence:g} of the range)")

        def failed(message: str) -> None:
            if self._wanted is wanted:
                self._fill([], f"Cannot pick peaks: {message}")

        self.session.run_job(lambda: spectrum_peaks(spectrum, prominence), done, failed)

    def _fill(self, peaks: list[AssignedPeak], text: str) -> None:
        self.peaks = peaks
        self.summary.setText(text)
        self.export_button.setEnabled(bool(peaks))
        self.table.blockSignals(True)  # filling is not picking
        self.table.setRowCount(len(peaks))
        for row, p in enumerate(peaks):
            cells = (f"{p.peak.wavenumber:.1f}", f"{p.peak.intensity:.3f}", f"{p.peak.width:.1f}",
                     "; ".join(p.assignments) or "-")
            for col, cell in enumerate(cells):
                item = QTableWidgetItem(cell)
                item.setToolTip("\n".join(p.assignments) if col == 3 and p.assignments else "")
                self.table.setItem(row, col, item)
        self.table.blockSignals(False)

    def _picked(self, row: int) -> None:
        if 0 <= row < len(self.peaks):
            self.on_pick(self.peaks[row].peak.wavenumber)

    def export_dialog(self) -> None:
        entry = self.session.current()
        name = f"{Path(default_file_name(entry, 'csv', 'spectrum')).stem}_peaks.csv"
        path, _ = QFileDialog.getSaveFileName(self, "Export peak table", name, "CSV (*.csv)")
        if path:
            self.export(path)

    def export(self, path: str) -> bool:
        """Write the table as CSV (file, wavenumber_cm1, intensity, width_cm1, assignments)."""
        entry = self.session.current()
        if entry is None or not self.peaks:
            self.summary.setText("No peaks to export.")
            return False
        try:
            with open(path, "w", newline="", encoding="utf-8") as out:
                n = write_peaks_csv(out, [(entry.path, self.peaks)])
        except OSError as exc:
            self.summary.setText(f"Cannot write {path}: {exc.strerror}")
            return False
        self.summary.setText(f"{n} peaks written to {path}")
        return True
