"""The current spectrum and overlays, textbook bands, the hovered cell's receptive field, a
labelled click marker and optional peak labels. The "original" form shows the file's own units
(or the chosen A/%T); the other forms show normalised absorbance as the model reads it."""
from __future__ import annotations

import html
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QGraphicsItem

from core.data.groups import GROUPS
from core.spectra.peaks import DEFAULT_PROMINENCE, pick_peaks, strongest
from irgroups_gui import units
from irgroups_gui._qt import theme
from irgroups_gui._qt.peak_labels import PeakLabels
from irgroups_gui.display_style import DisplayStyle
from irgroups_gui.session import Session

EMPTY = "Drop spectra here (JCAMP-DX, CSV or text)"
NONE_SELECTED = "Select a spectrum in the list"
Y_LABEL_NORMALISED = "absorbance (normalised)"


class SpectrumView:
    """Draws into a PlotItem; listens to the selection; a click sets `selection.region`."""

    def __init__(self, session: Session, plot: pg.PlotItem):
        self.session = session
        self.form = "both"  # "original", "model", "both"
        self.y_unit = "file"  # one of units.Y_UNITS (original form only)
        self.micro = False
        self.show_bands = True
        self.show_peaks = False
        self.prominence = DEFAULT_PROMINENCE
        self.plot = plot
        theme.style_plot(self.plot, None, Y_LABEL_NORMALISED)
        self.plot.invertX(True)
        self.plot.vb.setAutoVisible(y=True)  # y auto-range follows the visible x range
        self.plot.enableAutoRange(axis="y")
        self._curves: list[pg.PlotDataItem] = []
        self._bands: list[pg.LinearRegionItem] = []  # made here, hidden, and reused (see _draw_bands)
        self._bands_of: str | None = None  # the group whose bands are drawn
        self._add_band_items(max(len(g.bands) for g in GROUPS))
        self.main_curve: tuple[np.ndarray, np.ndarray] | None = None  # (x, y) of the current spectrum as drawn
        self.style = DisplayStyle()  # normalised, stacked, coloured, smoothed: display only
        self.style.changed.connect(self.redraw)
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
        # placed without collisions (also with the marker's label), again on every zoom
        self._peaks = PeakLabels(plot, self._marker_label)
        self.message = pg.TextItem(EMPTY, color=(120, 120, 120), anchor=(0.5, 0.5))
        self.plot.addItem(self.message, ignoreBounds=True)
        self.message.setPos(2250, 0.5)
        self._add_curve_items(2)  # the spectrum and its model input: made here, not in the turn that shows them
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

    def bands_shown(self) -> list[tuple[float, float]]:
        """The textbook bands drawn (cm-1 ranges)."""
        return [tuple(b.getRegion()) for b in self._bands if b.isVisible()]

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
        label = units.Y_LABELS[y_unit] if own_units else Y_LABEL_NORMALISED
        if self.plot.getAxis("left").labelText != label:  # setLabel lays the axis out and draws it again
            self.plot.setLabel("left", label)
        legend, drawn, main = [], [], None  # main: the index in drawn of the current spectrum's curve
        for k, i in enumerate(shown):
            entry = self.session.entries[i]
            pred = entry.prediction
            if pred is None or not pred.ok:
                continue
            colour = self.style.colour(entry.path, theme.spectrum_colour(k))
            legend.append((colour, entry.name))
            if self.form in ("original", "both") and pred.spectrum is not None:
                x, a = standardise(pred.spectrum)
                if own_units:
                    y = units.absorbance_as(a, y_unit)
                else:
                    y = a / (a.max() if a.max() > 0 else 1.0)
                grey = self.form == "both" and k == 0
                drawn.append((k, x, self.style.smooth(y),
                              pg.mkPen((150, 150, 150), width=theme.CURVE_WIDTH) if grey
                              else pg.mkPen(colour, width=theme.CURVE_WIDTH)))
                if k == 0:
                    main = len(drawn) - 1
                    self._main_absorbance_max = float(a.max()) if a.max() > 0 else 1.0
            if self.form in ("model", "both") and pred.input_spectrum is not None and (k == 0 or self.form == "model"):
                grid = self.session.bundle.grid
                drawn.append((k, grid.x, np.asarray(pred.input_spectrum), pg.mkPen(colour, width=theme.CURVE_WIDTH)))
                if k == 0:
                    main = len(drawn) - 1
        ys = self.style.arrange([(k, x, y) for k, x, y, _ in drawn])
        self._set_curves([(x, y, pen) for (_, x, _, pen), y in zip(drawn, ys)])
        if main is not None:
            self.main_curve = (drawn[main][1], ys[main])
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
        maximum and converted to its unit (A or %T), like the main trace; else as it is; then
        divided by its maximum when the view normalises its curves."""
        y = np.asarray(normalised, dtype=float)
        if self.form == "original":
            y = units.absorbance_as(y * self._main_absorbance_max, self.current_y_unit())
        return y / y.max() if self.style.normalise and y.size and y.max() > 0 else y

    def _set_curves(self, drawn: list[tuple[np.ndarray, np.ndarray, object]]) -> None:
        """Show these (x, y, pen) curves, reusing the plot's curve items (adding and removing
        items costs far more than new data for an existing one)."""
        self._add_curve_items(len(drawn) - len(self._curves))
        for item, (x, y, pen) in zip(self._curves, drawn):
            item.setData(x, y, pen=pen)
            item.show()
        for item in self._curves[len(drawn):]:
            item.setData([], [])
            item.hide()
        # the new y range now, not when the view is about to paint: a range set there asks for a
        # second paint of the whole view
        self.plot.vb.updateAutoRange()

    def _add_curve_items(self, n: int) -> None:
        """Add n hidden curve items to the plot (4 ms for two, so not while a spectrum waits)."""
        for _ in range(n):
            item = self.plot.plot([], [])
            # kept as a pixmap: hovering moves the receptive-field band over the curve, and the
            # uncovered strip is copied from the pixmap instead of the curve being drawn again
            item.curve.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
            item.hide()
            self._curves.append(item)

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
        """The selected group's textbook bands (drawn again only when they change). The band
        items are kept and reused, hidden when not needed: making one costs a millisecond or two,
        in the turn that shows a load's first spectrum."""
        group = GROUPS[self.session.selection.group]
        key = group.name if self.show_bands and self.session.current() is not None else None
        if key == self._bands_of:
            return
        self._bands_of = key
        bands = group.bands if key is not None else ()
        self._add_band_items(len(bands))
        for item, (lo, hi) in zip(self._bands, bands):
            item.setRegion((lo, hi))
            item.setToolTip(f"textbook band of {group.name}: {lo:.0f}-{hi:.0f} cm-1")
            item.show()
        for item in self._bands[len(bands):]:
            item.hide()

    def _add_band_items(self, n: int) -> None:
        """At least n (hidden) band items."""
        while len(self._bands) < n:
            item = pg.LinearRegionItem(movable=False, brush=pg.mkBrush(*theme.BAND), pen=pg.mkPen(None))
            item.setZValue(-10)
            item.hide()
            self.plot.addItem(item, ignoreBounds=True)
            self._bands.append(item)

    def _draw_peaks(self) -> None:
        """Labels for the current curve's peaks (dips in %T), strongest first; PeakLabels drops
        those that do not fit."""
        if not self.show_peaks or self.main_curve is None:
            self._peaks.show([])
            return
        x, y = self.main_curve
        minima = self.form == "original" and self.current_y_unit() == "%T"
        self._peaks.show([(float(x[p.index]), float(y[p.index]),
                           f"{units.micrometres(p.wavenumber):.2f}" if self.micro else f"{p.wavenumber:.0f}")
                          for p in strongest(pick_peaks(x, y, self.prominence, minima))], below=minima)

    def peak_labels(self) -> list[str]:
        """The peak labels shown."""
        return self._peaks.texts()

    def show_peak(self, x: float) -> None:
        """Mark wavenumber x; pan the view (same zoom) to centre it unless it is well inside."""
        lo, hi = self.visible_region()
        margin = (hi - lo) / 10
        if not lo + margin <= x <= hi - margin:
            self.plot.setXRange(x - (hi - lo) / 2, x + (hi - lo) / 2, padding=0)
        self.session.selection.update(region=(float(x), float(x)))

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
        self._peaks.place()

    def _marker_label(self) -> list[QRectF]:
        """The marker's label in scene pixels, placed for the view as it is now (the peak labels
        may be placed before the marker hears of a zoom)."""
        if not self.marker.isVisible():
            return []
        self.marker.viewTransformChanged()
        self.marker.label.viewTransformChanged()
        return [self.marker.label.sceneBoundingRect()]

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
