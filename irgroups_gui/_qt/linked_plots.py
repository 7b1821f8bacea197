"""The spectrum and the heatmaps stacked in one layout column, so that they share one
wavenumber axis exactly (zoom one, zoom all); colour bars sit in a second column."""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from irgroups_gui._qt import theme
from irgroups_gui._qt.heatmap_view import HeatmapViews
from irgroups_gui._qt.spectrum_view import SpectrumView
from irgroups_gui.session import Session

AXIS_WIDTH = 62


class LinkedPlots(QWidget):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.view = pg.GraphicsLayoutWidget()
        lay = self.view.ci
        spectrum = lay.addPlot(row=0, col=0)
        lay.addLabel("", row=0, col=1)
        weights = lay.addPlot(row=1, col=0)
        evidence = lay.addPlot(row=2, col=0)
        per_window = lay.addPlot(row=3, col=0)
        bars = tuple(pg.ColorBarItem(values=(-1, 1), colorMap=theme.diverging(), interactive=False, width=12)
                     for _ in range(2))
        lay.addItem(bars[0], row=1, col=1)
        lay.addItem(bars[1], row=2, col=1)
        for row, stretch in enumerate((5, 3, 3, 2)):
            lay.layout.setRowStretchFactor(row, stretch)
        lay.layout.setColumnStretchFactor(0, 1)
        lay.layout.setColumnStretchFactor(1, 0)
        self.plots = [spectrum, weights, evidence, per_window]
        for p in self.plots:
            p.getAxis("left").setWidth(AXIS_WIDTH)
            p.setMouseEnabled(x=True, y=False)
            p.invertX(True)
            if p is not spectrum:
                p.setXLink(spectrum)
        spectrum.setXRange(4000, 500, padding=0.01)
        for p in (weights, evidence):
            p.setYRange(-0.5, 7.5, padding=0)
        self.info = QLabel("")
        self.member = QSpinBox()
        self.member.setPrefix("member ")
        self.member.setMinimum(1)
        self.member.setToolTip("Ensemble member whose channels are shown (channels differ between seeds)")
        self.member.valueChanged.connect(lambda v: session.selection.update(member=v - 1))
        session.model_changed.connect(lambda: self.member.setMaximum(len(session.bundle.members)))
        self.spectrum = SpectrumView(session, spectrum)
        self.heatmaps = HeatmapViews(session, weights, evidence, per_window, bars, self.info)
        head = QHBoxLayout()
        head.addWidget(self.info, 1)
        head.addWidget(self.member)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addLayout(head)
        box.addWidget(self.view, 1)

    def set_inverted(self, inverted: bool) -> None:
        for p in self.plots:
            p.invertX(inverted)
