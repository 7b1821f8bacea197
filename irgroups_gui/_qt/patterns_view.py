"""Small multiples of the hovered channel's most activating windows (step 1 of the explanation)."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QVBoxLayout, QWidget

from irgroups_gui._qt import theme
from irgroups_gui._qt.line_label import LineLabel
from irgroups_gui.session import Session

COLUMNS, ROWS = 3, 3
Y_TOP = 1.3  # windows are normalised to at most 1; the caption sits above that
CAPTION_POINTS = 8
# the first panel draws its ~100 windows as this many curves (NaN-separated windows): a curve
# per window made a hover to a new channel hold the window for 240 ms; overlapping windows of
# different curves still add up in colour, so dense bundles still look darker
WINDOW_CURVES = 10
HINT = "Hover a heatmap cell to see what its channel detects."


class PatternsView(QWidget):
    """Shows the top windows of the selection's channel for the selected ensemble member; the
    first panel overlays all of them with their median. The message sits in a wrapped label
    above the grid, so no text can change the grid's column widths."""

    def __init__(self, session: Session, parent=None):
        super().__init__(parent=parent)
        self.session = session
        self.label = LineLabel(HINT, lines=3)  # a new text repaints the label, not the window
        self.grid = pg.GraphicsLayoutWidget()
        self.grid.setToolTip("Each panel: a window of a test spectrum that activates this channel strongly "
                             "(its wavenumbers in the caption). First panel: all of them, with their median (thick).")
        self.plots: list[pg.PlotItem] = []
        # each panel's caption sits inside its plot: a new plot title changed the title's size,
        # which laid the whole grid out again and repainted it (46 ms per hover to a new channel)
        self.captions: list[pg.TextItem] = []
        for r in range(ROWS):
            for c in range(COLUMNS):
                p = self.grid.ci.addPlot(row=r, col=c)
                p.hideAxis("left")  # no axes: offsets inside a window mean nothing; each caption
                p.hideAxis("bottom")  # gives the window's wavenumbers and the label its width
                p.setMouseEnabled(x=False, y=False)
                p.hideButtons()
                p.setYRange(0, Y_TOP, padding=0)
                caption = pg.TextItem("", color=(40, 40, 40), anchor=(0.5, 0), fill=(255, 255, 255, 200))
                font = QFont()
                font.setPointSize(CAPTION_POINTS)
                caption.setFont(font)
                p.addItem(caption, ignoreBounds=True)
                self.captions.append(caption)
                self.plots.append(p)
        for c in range(COLUMNS):
            self.grid.ci.layout.setColumnStretchFactor(c, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.label)
        lay.addWidget(self.grid, 1)
        self._windows: list[list[pg.PlotCurveItem]] = [[] for _ in self.plots]  # each panel's reused curves
        self.median: pg.PlotCurveItem | None = None  # the first panel's median curve
        self._x_span: float | None = None  # the panels' fixed x range, 0 to this offset (cm-1)
        session.selection.changed.connect(lambda f: self.redraw() if f & {"channel", "member"} else None)
        session.model_changed.connect(self.redraw)
        self.redraw()

    def _curves(self, panel: int, n: int, pen) -> list[pg.PlotCurveItem]:
        """At least n curves of a panel, made once and reused (not made again on every hover);
        plain curve items, whose new data costs a third of a PlotDataItem's."""
        curves = self._windows[panel]
        while len(curves) < n:
            curve = pg.PlotCurveItem(pen=pen)
            self.plots[panel].addItem(curve)
            curves.append(curve)
        return curves

    def redraw(self) -> None:
        ps, sel = self.session.patterns, self.session.selection
        one = ps.member(sel.member) if ps is not None else None
        if one is None or sel.channel is None:
            for p, caption in zip(self.plots, self.captions):
                for c in p.listDataItems():
                    c.hide()
                caption.setText("")
            if ps is None and self.session.bundle is not None:
                self.label.setText("This model has no stored patterns.")
            elif ps is not None and one is None:
                self.label.setText(f"Patterns were stored for members 1-{ps.n_members} only; "
                                   f"choose one of them to see what a channel detects.")
            else:
                self.label.setText(HINT)
            self.grid.hide()
            return
        self.grid.show()
        ch = sel.channel
        w = one.windows[ch]
        step = self.session.bundle.grid.step
        offs = np.arange(w.shape[1]) * step
        self.label.setText(f"Member {sel.member + 1}, channel {ch}: its {len(w)} most activating windows "
                           f"(test spectra), each {offs[-1] + step:.0f} cm-1 wide.")
        if self._x_span != offs[-1]:  # fixed ranges: new data does not ask every panel for its bounds
            self._x_span = offs[-1]
            for p, caption in zip(self.plots, self.captions):
                p.disableAutoRange()
                p.setXRange(0, offs[-1], padding=0.02)
                caption.setPos(offs[-1] / 2, Y_TOP)
        first = self.plots[0]
        parts = [idx for idx in np.array_split(np.arange(len(w)), WINDOW_CURVES) if idx.size]
        curves = self._curves(0, len(parts), pg.mkPen(31, 119, 180, 45))
        x = np.append(offs, np.nan)  # several windows in one curve, NaN-separated
        rows = np.hstack([w, np.full((len(w), 1), np.nan)])
        for k, c in enumerate(curves):
            c.setVisible(k < len(parts))
            if k < len(parts):
                c.setData(np.tile(x, parts[k].size), rows[parts[k]].ravel(), connect="finite")
        if self.median is None:
            self.median = pg.PlotCurveItem()
            self.median.setZValue(1)  # over the windows, also those made later
            first.addItem(self.median)
        self.median.setPen(pg.mkPen(pg.getConfigOption("foreground"), width=2))  # dark or light plots alike
        self.median.setData(offs, np.median(w, axis=0))
        self.median.show()
        self.captions[0].setText("all, with median")
        for k, p in enumerate(self.plots[1:]):
            c = self._curves(k + 1, 1, pg.mkPen(theme.SPECTRUM_COLOURS[1], width=1.5))[0]
            c.setVisible(k < len(w))
            if k < len(w):
                c.setData(offs, w[k])
            self.captions[k + 1].setText(f"{one.wn_hi[ch, k]:.0f}-{one.wn_lo[ch, k]:.0f} cm-1" if k < len(w) else "")
