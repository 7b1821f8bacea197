"""Absorbance vs wavenumber: the current spectrum and overlays, textbook bands, the hovered
cell's receptive field, and a click that selects a wavenumber."""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt

from core.groups import GROUPS
from irgroups_gui._qt import theme
from irgroups_gui.session import Session


class SpectrumView:
    """Draws into a PlotItem; listens to the selection; a click sets `selection.region`."""

    def __init__(self, session: Session, plot: pg.PlotItem):
        self.session = session
        self.form = "both"  # "original", "model", "both"
        self.show_bands = True
        self.plot = plot
        theme.style_plot(self.plot, "wavenumber / cm-1", "absorbance (normalised)")
        self.plot.invertX(True)
        self.plot.addLegend(offset=(-10, 10), labelTextSize="8pt")
        self.plot.setMouseEnabled(x=True, y=False)
        self._curves: list[pg.PlotDataItem] = []
        self._bands: list[pg.LinearRegionItem] = []
        self.field = pg.LinearRegionItem(movable=False, brush=pg.mkBrush(*theme.FIELD), pen=pg.mkPen(None))
        self.field.setZValue(-5)
        self.field.hide()
        self.plot.addItem(self.field, ignoreBounds=True)
        self.marker = pg.InfiniteLine(angle=90, pen=pg.mkPen(theme.REGION[:3], width=2))
        self.marker.hide()
        self.plot.addItem(self.marker, ignoreBounds=True)
        self.message = pg.TextItem("Drop spectra here (JCAMP-DX, CSV or text)", color=(120, 120, 120), anchor=(0.5, 0.5))
        self.plot.addItem(self.message, ignoreBounds=True)
        self.message.setPos(2250, 0.5)
        self.plot.scene().sigMouseClicked.connect(self._clicked)
        session.selection.changed.connect(self._selection_changed)
        session.entry_updated.connect(lambda i: self.redraw() if i in self._shown() else None)
        session.entries_cleared.connect(self.redraw)

    def set_form(self, form: str) -> None:
        self.form = form
        self.redraw()

    def set_show_bands(self, show: bool) -> None:
        self.show_bands = show
        self._draw_bands()

    def _shown(self) -> list[int]:
        sel = self.session.selection
        out = [] if sel.entry is None else [sel.entry]
        out += [i for i in sel.overlay if i != sel.entry][:5]
        return [i for i in out if 0 <= i < len(self.session.entries)]

    def _selection_changed(self, fields: set[str]) -> None:
        if fields & {"entry", "overlay"}:
            self.redraw()
        if "group" in fields:
            self._draw_bands()
        if fields & {"channel", "position"}:
            self._draw_field()
        if "region" in fields:
            region = self.session.selection.region
            self.marker.setVisible(region is not None)
            if region is not None:
                self.marker.setValue(sum(region) / 2)

    def redraw(self) -> None:
        for c in self._curves:
            self.plot.removeItem(c)
        self._curves = []
        self.plot.legend.clear()
        from core.preprocess import standardise

        shown = self._shown()
        current = self.session.current()
        failed = current is not None and current.status == "error"
        self.message.setText(f"{current.name}: {current.prediction.error}" if failed
                             else "Drop spectra here (JCAMP-DX, CSV or text)")
        self.message.setVisible(not shown or failed)
        for k, i in enumerate(shown):
            entry = self.session.entries[i]
            pred = entry.prediction
            if pred is None or not pred.ok:
                continue
            colour = theme.SPECTRUM_COLOURS[k % len(theme.SPECTRUM_COLOURS)]
            label = entry.name if len(shown) > 1 else None
            if self.form in ("original", "both") and pred.spectrum is not None:
                x, a = standardise(pred.spectrum)
                scale = a.max() if a.max() > 0 else 1.0
                style = {"pen": pg.mkPen(colour, width=1.3)} if self.form == "original" or k else {
                    "pen": pg.mkPen((150, 150, 150), width=1)}
                name = label or "original (absorbance / max)"
                self._curves.append(self.plot.plot(x, a / scale, name=name if not k or label else None, **style))
            if self.form in ("model", "both") and pred.model_input is not None and (k == 0 or self.form == "model"):
                grid = self.session.bundle.grid
                self._curves.append(self.plot.plot(grid.x, pred.model_input, pen=pg.mkPen(colour, width=1.5),
                                                   name=label or "model input"))
        self._draw_bands()

    def _draw_bands(self) -> None:
        for b in self._bands:
            self.plot.removeItem(b)
        self._bands = []
        if not self.show_bands:
            return
        group = GROUPS[self.session.selection.group]
        for lo, hi in group.bands:
            item = pg.LinearRegionItem((lo, hi), movable=False, brush=pg.mkBrush(*theme.BAND), pen=pg.mkPen(None))
            item.setZValue(-10)
            self.plot.addItem(item, ignoreBounds=True)
            self._bands.append(item)

    def _draw_field(self) -> None:
        sel, ex = self.session.selection, self.session.explainer
        if sel.position is None or ex is None:
            self.field.hide()
            return
        self.field.setRegion((ex.fields.wn_lo[sel.position], ex.fields.wn_hi[sel.position]))
        self.field.show()

    def _clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or not self.plot.vb.sceneBoundingRect().contains(event.scenePos()):
            return
        x = self.plot.vb.mapSceneToView(event.scenePos()).x()
        if self.session.bundle is not None and self.session.bundle.grid.start <= x <= self.session.bundle.grid.stop:
            self.session.selection.update(region=(float(x), float(x)))

    def visible_region(self) -> tuple[float, float]:
        lo, hi = self.plot.vb.viewRange()[0]
        return float(min(lo, hi)), float(max(lo, hi))