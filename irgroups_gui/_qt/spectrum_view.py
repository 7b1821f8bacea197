"""The current spectrum and overlays, textbook bands, the hovered cell's receptive field, a
labelled click marker and optional peak labels. The "original" form shows the file's own units
(or the chosen A/%T); the other forms show normalised absorbance as the model reads it."""
from __future__ import annotations

import html
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGraphicsItem

from core.data.groups import GROUPS
from irgroups_gui import units
from irgroups_gui._qt import theme
from irgroups_gui.session import Session

EMPTY = "Drop spectra here (JCAMP-DX, CSV or text)"
NONE_SELECTED = "Select a spectrum in the list"
MAX_PEAK_LABELS = 15
Y_LABEL_NORMALISED = "absorbance (normalised)"


def find_peak_positions(x: np.ndarray, y: np.ndarray, prominence: float, minima: bool = False) -> np.ndarray:
    """Indices of peaks whose prominence is at least `prominence` x the curve's range, the
    strongest MAX_PEAK_LABELS of them (minima for transmittance)."""
    from scipy.signal import find_peaks

    if y.size < 3:
        return np.array([], dtype=int)
    sig = -y if minima else y
    span = float(np.ptp(sig)) or 1.0
    # at least 1% of the points apart, so a band's fine structure gives one label
    idx, props = find_peaks(sig, prominence=prominence * span, distance=max(1, y.size // 100))
    keep = np.argsort(-props["prominences"])[:MAX_PEAK_LABELS]
    return np.sort(idx[keep])


class SpectrumView:
    """Draws into a PlotItem; listens to the selection; a click sets `selection.region`."""

    def __init__(self, session: Session, plot: pg.PlotItem):
        self.session = session
        self.form = "both"  # "original", "model", "both"
        self.y_unit = "file"  # one of units.Y_UNITS (original form only)
        self.micro = False
        self.show_bands = True
        self.show_peaks = False
        self.prominence = 0.05
        self.plot = plot
        theme.style_plot(self.plot, None, Y_LABEL_NORMALISED)
        self.plot.invertX(True)
        self.plot.vb.setAutoVisible(y=True)  # y auto-range follows the visible x range
        self.plot.enableAutoRange(axis="y")
        self._curves: list[pg.PlotDataItem] = []
        self._bands: list[pg.LinearRegionItem] = []
        self._bands_of: str | None = None  # the group whose bands are drawn
        self._peaks: list[pg.TextItem] = []
        self.main_curve: tuple[np.ndarray, np.ndarray] | None = None  # (x, y) of the current spectrum as drawn
        self._main_absorbance_max = 1.0  # the current spectrum's absorbance maximum in the original form
        self.redrawn: list[Callable[[], None]] = []  # called after every redraw (overlays that follow the view)
        self.field = pg.LinearRegionItem(movable=False, brush=pg.mkBrush(*theme.FIELD), pen=pg.mkPen(None))
        self.field.setZValue(-5)
        self.field.hide()
        self.plot.addItem(self.field, ignoreBounds=True)
        self.marker = pg.InfiniteLine(angle=90, pen=pg.mkPen(theme.REGION[:3], width=2), label="",
                                      labelOpts={"position": 0.92, "color": (20, 110, 50),
                                                 "fill": (255, 255, 255, 210), "anchors": [(0, 0.5), (0, 0.5)]})
        self.marker.hide()
        self.plot.addItem(self.marker, ignoreBounds=True)
        self.message = pg.TextItem(EMPTY, color=(120, 120, 120), anchor=(0.5, 0.5))
        self.plot.addItem(self.message, ignoreBounds=True)
        self.message.setPos(2250, 0.5)
        self.plot.scene().sigMouseClicked.connect(self._clicked)
        session.selection.changed.connect(self._selection_changed)
        session.entry_updated.connect(lambda i: self.redraw() if i in self._shown() else None)
        session.entries_cleared.connect(self.redraw)

    # ---------------------------------------------------------------- options
    def set_form(self, form: str) -> None:
        self.form = form
        self.redraw()

    def set_y_unit(self, unit: str) -> None:
        self.y_unit = unit
        self.redraw()

    def set_micrometres(self, micro: bool) -> None:
        self.micro = micro
        self._draw_marker()
        self._draw_peaks()

    def set_show_bands(self, show: bool) -> None:
        self.show_bands = show
        self._draw_bands()

    def set_peaks(self, show: bool, prominence: float | None = None) -> None:
        self.show_peaks = show
        if prominence is not None:
            self.prominence = prominence
        self._draw_peaks()

    # ---------------------------------------------------------------- drawing
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
            self._draw_marker()

    def current_y_unit(self) -> str:
        """The y unit of the original form for the current spectrum ('A' or '%T')."""
        if self.y_unit != "file":
            return self.y_unit
        cur = self.session.current()
        sp = cur.prediction.spectrum if cur and cur.prediction and cur.prediction.ok else None
        return units.file_y_unit(sp.y_units) if sp is not None else "A"

    def redraw(self) -> None:
        from core.spectra.preprocess import standardise

        self.main_curve = None
        shown = self._shown()
        current = self.session.current()
        failed = current is not None and current.status == "error"
        self.message.setText(f"{current.name}: {current.prediction.error}" if failed
                             else NONE_SELECTED if self.session.entries else EMPTY)  # the drop hint only when empty
        self.message.setVisible(not shown or failed)
        y_unit = self.current_y_unit()
        own_units = self.form == "original"
        self._main_absorbance_max = 1.0
        self.plot.setLabel("left", units.Y_LABELS[y_unit] if own_units else Y_LABEL_NORMALISED)
        legend, drawn = [], []
        for k, i in enumerate(shown):
            entry = self.session.entries[i]
            pred = entry.prediction
            if pred is None or not pred.ok:
                continue
            colour = theme.SPECTRUM_COLOURS[k % len(theme.SPECTRUM_COLOURS)]
            legend.append((colour, entry.name))
            if self.form in ("original", "both") and pred.spectrum is not None:
                x, a = standardise(pred.spectrum)
                if own_units:
                    y = units.absorbance_as(a, y_unit)
                else:
                    y = a / (a.max() if a.max() > 0 else 1.0)
                grey = self.form == "both" and k == 0
                drawn.append((x, y, pg.mkPen((150, 150, 150), width=1) if grey else pg.mkPen(colour, width=1.3)))
                if k == 0:
                    self.main_curve = (x, y)
                    self._main_absorbance_max = float(a.max()) if a.max() > 0 else 1.0
            if self.form in ("model", "both") and pred.input_spectrum is not None and (k == 0 or self.form == "model"):
                grid = self.session.bundle.grid
                drawn.append((grid.x, np.asarray(pred.input_spectrum), pg.mkPen(colour, width=1.5)))
                if k == 0:
                    self.main_curve = (grid.x, np.asarray(pred.input_spectrum))
        self._set_curves(drawn)
        first = next((self.session.entries[i].prediction for i in shown if self.session.entries[i].prediction
                      and self.session.entries[i].prediction.ok), None)
        self._title(legend, first.corrections if first is not None else [])
        self._draw_bands()
        self._draw_peaks()
        for listener in self.redrawn:
            listener()

    def as_shown(self, normalised: np.ndarray) -> np.ndarray:
        """A normalised absorbance curve (max 1, e.g. a library reference) in the view's y
        unit and scale: in the original form scaled to the current spectrum's absorbance
        maximum and converted to its unit (A or %T), like the main trace; else as it is."""
        y = np.asarray(normalised, dtype=float)
        if self.form != "original":
            return y
        return units.absorbance_as(y * self._main_absorbance_max, self.current_y_unit())

    def _set_curves(self, drawn: list[tuple[np.ndarray, np.ndarray, object]]) -> None:
        """Show these (x, y, pen) curves, reusing the plot's curve items (adding and removing
        items costs far more than new data for an existing one)."""
        while len(self._curves) < len(drawn):
            item = self.plot.plot([], [])
            # kept as a pixmap: hovering moves the receptive-field band over the curve, and the
            # uncovered strip is copied from the pixmap instead of the curve being drawn again
            item.curve.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            self._curves.append(item)
        for item, (x, y, pen) in zip(self._curves, drawn):
            item.setData(x, y, pen=pen)
            item.show()
        for item in self._curves[len(drawn):]:
            item.setData([], [])
            item.hide()
        # the new y range now, not when the view is about to paint: a range set there asks for a
        # second paint of the whole view
        self.plot.vb.updateAutoRange()

    def drawn_curves(self) -> list[pg.PlotDataItem]:
        """The curves currently shown."""
        return [c for c in self._curves if c.isVisible()]

    def _title(self, legend: list[tuple[tuple, str]], corrections: list[dict] = ()) -> None:
        """The spectra's names above the plot (never over the data); in the 'both' form also
        which curve is which, and what was corrected in the first spectrum (with coefficients)."""
        if not legend:
            theme.set_title(self.plot, "")
            return
        parts = [f"<span style='color:rgb{c}'>■</span> {html.escape(n)}" for c, n in legend]
        if self.form == "both":
            parts.append("<span style='color:rgb(150,150,150)'>grey: original (absorbance / max)</span>")
            if corrections:  # short: a title wider than the plot would widen it past its neighbours
                parts.append("<br>corrected: " + html.escape(", ".join(c.get("short", c["correction"])
                                                                       for c in corrections)))
        theme.set_title(self.plot, "&nbsp;&nbsp;".join(parts), size="9pt")

    def _draw_bands(self) -> None:
        """The selected group's textbook bands (drawn again only when they change)."""
        group = GROUPS[self.session.selection.group]
        key = group.name if self.show_bands and self.session.current() is not None else None
        if key == self._bands_of:
            return
        self._bands_of = key
        for b in self._bands:
            self.plot.removeItem(b)
        self._bands = []
        if key is None:
            return
        for lo, hi in group.bands:
            item = pg.LinearRegionItem((lo, hi), movable=False, brush=pg.mkBrush(*theme.BAND), pen=pg.mkPen(None))
            item.setZValue(-10)
            item.setToolTip(f"textbook band of {group.name}: {lo:.0f}-{hi:.0f} cm-1")
            self.plot.addItem(item, ignoreBounds=True)
            self._bands.append(item)

    def _draw_peaks(self) -> None:
        for t in self._peaks:
            self.plot.removeItem(t)
        self._peaks = []
        if not self.show_peaks or self.main_curve is None:
            return
        x, y = self.main_curve
        minima = self.form == "original" and self.current_y_unit() == "%T"
        for i in find_peak_positions(x, y, self.prominence, minima):
            label = f"{units.micrometres(x[i]):.2f}" if self.micro else f"{x[i]:.0f}"
            t = pg.TextItem(label, color=(60, 60, 60), anchor=(0.5, 0.0 if minima else 1.0))
            t.setPos(float(x[i]), float(y[i]))
            self.plot.addItem(t, ignoreBounds=True)
            self._peaks.append(t)

    def peak_labels(self) -> list[str]:
        return [t.textItem.toPlainText() for t in self._peaks]

    def _draw_field(self) -> None:
        sel, ex = self.session.selection, self.session.explainer
        if sel.position is None or ex is None:
            self.field.hide()
            return
        self.field.setRegion((ex.fields.wn_lo[sel.position], ex.fields.wn_hi[sel.position]))
        self.field.show()

    def _draw_marker(self) -> None:
        region = self.session.selection.region
        self.marker.setVisible(region is not None)
        if region is not None:
            x = sum(region) / 2
            self.marker.setValue(x)
            self.marker.label.setFormat(units.format_x(x, self.micro))

    def marker_text(self) -> str:
        return self.marker.label.format if self.marker.isVisible() else ""

    def _clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or not self.plot.vb.sceneBoundingRect().contains(event.scenePos()):
            return
        x = self.plot.vb.mapSceneToView(event.scenePos()).x()
        if self.session.bundle is not None and self.session.bundle.grid.start <= x <= self.session.bundle.grid.stop:
            self.session.selection.update(region=(float(x), float(x)))

    def value_at(self, x: float) -> float | None:
        """The current spectrum's y (as drawn) at wavenumber x, or None."""
        if self.main_curve is None:
            return None
        cx, cy = self.main_curve
        if not cx[0] <= x <= cx[-1]:
            return None
        return float(np.interp(x, cx, cy))

    def visible_region(self) -> tuple[float, float]:
        lo, hi = self.plot.vb.viewRange()[0]
        return float(min(lo, hi)), float(max(lo, hi))
