"""'Spectrum 3 of 512 in the file': which spectrum of a multi-spectrum file (a multi-subfile GRAMS
SPC, an OMNIC .spg) the current entry shows. Shown only for such files; choosing another spectrum
reclassifies the entry in a worker (the loader's `choose_subfile`)."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QHBoxLayout, QLabel, QSpinBox, QWidget

from irgroups_gui.session import Session


class SubfileChooser(QWidget):
    def __init__(self, session: Session, choose: Callable[[int, int], object], parent=None):
        super().__init__(parent)
        self.session = session
        self.choose = choose
        self.spin = QSpinBox()
        self.spin.setKeyboardTracking(False)  # typing 300 asks for 300, not 3, 30 and 300
        self.spin.setToolTip("Which spectrum of this file to show and classify")
        self.spin.valueChanged.connect(self._chosen)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(QLabel("Spectrum"))
        lay.addWidget(self.spin)
        lay.addWidget(QLabel("in the file"))
        session.selection.changed.connect(lambda fields: self.refresh() if "entry" in fields else None)
        session.entry_updated.connect(lambda i: self.refresh() if i == session.selection.entry else None)
        session.entries_cleared.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        """Follow the current entry: hidden unless its file holds several spectra."""
        entry = self.session.current()
        n = entry.subfiles if entry is not None else 1
        self.setVisible(n > 1)
        if n > 1:
            self.spin.blockSignals(True)
            self.spin.setRange(1, n)
            self.spin.setSuffix(f" of {n}")
            self.spin.setValue(entry.subfile + 1)
            self.spin.blockSignals(False)

    def _chosen(self, value: int) -> None:
        index = self.session.selection.entry
        if index is not None:
            self.choose(index, value - 1)
