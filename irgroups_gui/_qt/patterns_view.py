"""Small multiples of the hovered channel's most activating windows (step 1 of the explanation)."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from irgroups_gui._qt import theme
from irgroups_gui.session import Session

COLUMNS, ROWS = 3, 3


class PatternsView(pg.GraphicsLayoutWidget):
    """Shows the top windows of the selection's channel (member 1's channels, as stored with
    the model); the first panel overlays all of them with their median."""

    def __init__(self, session: Session, parent=None):
        super().__init__(parent=parent)
        self.session = session
        self.label = self.ci.addLabel("hover a heatmap cell to see what its channel detects", row=0, col=0,
                                      colspan=COLUMNS)
        self.plots: list[pg.PlotItem] = []
        for r in range(ROWS):
            for c in range(COLUMNS):
                p = self.ci.addPlot(row=r + 1, col=c)
                p.hideAxis("left")
                p.getAxis("bottom").setStyle(tickLength=3)
                p.setMouseEnabled(x=False, y=False)
                p.hideButtons()
                p.setYRange(0, 1.05, padding=0)
                self.plots.append(p)
        session.selection.changed.connect(lambda f: self.redraw() if f & {"channel", "member"} else None)
        session.model_changed.connect(self.redraw)

    def redraw(self) -> None:
        ps, sel = self.session.patterns, self.session.selection
        for p in self.plots:
            p.clear()
            p.setTitle("")
        if ps is None or sel.channel is None:
            self.label.setText("this model has no stored patterns" if ps is None and self.session.bundle is not None
                               else "hover a heatmap cell to see what its channel detects")
            return
        if sel.member != 0:
            self.label.setText("patterns are stored for member 1; choose member 1 to match channels")
            return
        ch = sel.channel
        w = ps.windows[ch]
        step = self.session.bundle.grid.step
        offs = np.arange(w.shape[1]) * step
        self.label.setText(f"channel {ch}: its {len(w)} most activating windows (test spectra)")
        first = self.plots[0]
        for row in w:
            first.plot(offs, row, pen=pg.mkPen(31, 119, 180, 25))
        first.plot(offs, np.median(w, axis=0), pen=pg.mkPen((0, 0, 0), width=2))
        first.setTitle("all, with median", size="8pt")
        for k, p in enumerate(self.plots[1:]):
            if k >= len(w):
                break
            p.plot(offs, w[k], pen=pg.mkPen(theme.SPECTRUM_COLOURS[1], width=1.5))
            p.setTitle(f"{ps.wn_hi[ch, k]:.0f}-{ps.wn_lo[ch, k]:.0f} cm-1", size="8pt")
