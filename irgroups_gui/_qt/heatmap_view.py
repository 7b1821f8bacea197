"""Weight and evidence heatmaps (channels x wavenumber) for the selected group, drawn under
the spectrum on the same wavenumber axis. Hovering a cell sets the selection's (channel, position); the
selected region outlines the cells whose receptive field contains it."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QGraphicsRectItem

from core.spectra.phase import phase_group
from irgroups_gui._qt import theme
from irgroups_gui._qt.line_label import LineLabel
from irgroups_gui.session import Session

# the maps' titles and axis labels small, so that in a small window the maps keep their height
# and the labels fit beside them (an axis shorter than its label hides it: the title says what
# the plot shows)
TITLE_SIZE = "9pt"
LABEL_STYLE = {"font-size": "8pt"}


class _Map:
    """One image plot: a signed map with a symmetric diverging colour scale."""

    def __init__(self, plot: pg.PlotItem, bar: pg.ColorBarItem):
        self.plot = plot
        theme.style_plot(self.plot, None, "channel")
        self.plot.setLabel("left", "channel", **LABEL_STYLE)
        theme.fit_label(self.plot.getAxis("left"))
        self.image = pg.ImageItem()
        self.plot.addItem(self.image)
        self.bar = bar
        self.bar.setImageItem(self.image)
        theme.plain_axis(self.bar.axis)
        self.cell = QGraphicsRectItem()
        self.cell.setPen(pg.mkPen((0, 0, 0), width=2))
        self.cell.hide()
        self.plot.addItem(self.cell, ignoreBounds=True)
        self.region = QGraphicsRectItem()
        self.region.setPen(pg.mkPen(theme.REGION[:3], width=2))
        self.region.hide()
        self.plot.addItem(self.region, ignoreBounds=True)

    def show(self, data: np.ndarray | None, x0: float, width: float) -> None:
        if data is None:
            self.image.clear()
            return
        lim = float(np.abs(data).max()) or 1.0
        self.image.setImage(data, autoLevels=False)
        self.bar.setLevels((-lim, lim))
        self.image.setRect(QRectF(x0, -0.5, width, data.shape[0]))
        self.plot.setYRange(-0.5, data.shape[0] - 0.5, padding=0)


class HeatmapViews:
    """The two maps and the ensemble's per-window evidence, drawn into given plots."""

    def __init__(self, session: Session, weights: pg.PlotItem, evidence: pg.PlotItem, per_window: pg.PlotItem,
                 bars: tuple[pg.ColorBarItem, pg.ColorBarItem], info: LineLabel):
        self.session = session
        self.info = info
        self.weights = _Map(weights, bars[0])
        self.evidence = _Map(evidence, bars[1])
        self.per_window = per_window
        theme.style_plot(per_window, None, "evidence")
        per_window.setLabel("left", "evidence", **LABEL_STYLE)
        theme.fit_label(per_window.getAxis("left"))
        weights.setToolTip("Dense-layer weights of the selected group for each latent channel (rows) and "
                           "wavenumber window (columns), for one ensemble member. Red pushes towards "
                           "'present', blue towards 'absent', whatever the spectrum.")
        evidence.setToolTip("Evidence = activation x weight for this spectrum: how much each channel and "
                            "window moved this group's logit (red: towards present). The cells sum, with the "
                            "bias, to the member's logit exactly.")
        per_window.setToolTip("Evidence per wavenumber window, summed over channels and averaged over the "
                              "ensemble: where in the spectrum the decision came from.")
        info.setToolTip("The logit whose sigmoid is the shown probability, split exactly into the summed "
                        "evidence and the bias. For a calibrated model: the members' mean logit scaled by the "
                        "group's calibration factor, with the calibration offset of the spectrum's phase "
                        "(gas or condensed) in the bias.")
        # one single-coloured item per sign: drawn with one drawRects call each, not rect by rect
        self.bars = (pg.BarGraphItem(x=[], height=[], width=1, brush=pg.mkBrush(*theme.PRESENT), pen=None),
                     pg.BarGraphItem(x=[], height=[], width=1, brush=pg.mkBrush(*theme.ABSENT), pen=None))
        for bars in self.bars:
            per_window.addItem(bars)
        self._weights_shown: tuple | None = None  # (explainer, member, group, head) of the weight map drawn
        weights.scene().sigMouseMoved.connect(self._hover)
        session.selection.changed.connect(self._selection_changed)
        session.model_changed.connect(self.redraw)
        session.entry_updated.connect(lambda i: self.redraw() if i == session.selection.entry else None)
        session.entries_cleared.connect(self.redraw)
        session.terms_ready.connect(lambda i: self.redraw() if i == session.selection.entry else None)

    def _geometry(self) -> tuple[float, float, float]:
        rf = self.session.explainer.fields
        d = float(rf.centre[1] - rf.centre[0])
        return float(rf.centre[0] - d / 2), d, d * len(rf.centre)

    def _selection_changed(self, fields: set[str]) -> None:
        if fields & {"group", "entry", "member"}:
            self.redraw()
        if fields & {"channel", "position"}:
            self._draw_cell()
        if "region" in fields:
            self._draw_region()

    def redraw(self) -> None:
        ex, sel = self.session.explainer, self.session.selection
        if ex is None:
            theme.set_title(self.weights.plot, "loading model…", size=TITLE_SIZE)
            return
        m = min(sel.member, len(ex.bundle.members) - 1)
        name = ex.bundle.group_names[sel.group]
        x0, d, width = self._geometry()
        entry = self.session.current()
        phase = self._phase()
        shown = (id(ex), m, sel.group, ex.bundle.config.head_of(phase))
        if shown != self._weights_shown:  # the weight map does not depend on the spectrum, only on its head
            self.weights.show(ex.weights(phase)[m, sel.group], x0, width)
            self._weights_shown = shown
        head = f", {phase_group(phase)} head" if ex.bundle.config.heads else ""
        theme.set_title(self.weights.plot, f"<b>{name}</b>: dense weights (member {m + 1}{head})", size=TITLE_SIZE)
        terms = self.session.terms(sel.entry) if sel.entry is not None else None
        if terms is None:
            self.evidence.show(None, x0, width)
            waiting = entry is not None and entry.status == "ok"
            # the title the evidence will have (laid out once per click, not again when it arrives)
            theme.set_title(self.evidence.plot, f"evidence for {entry.name} (member {m + 1})" if waiting
                            else "evidence: select a classified spectrum", size=TITLE_SIZE)
            for bars in self.bars:
                bars.setOpts(x=[], height=[])
            self.info.setText("computing the evidence…" if waiting else "")
        else:
            self.evidence.show(terms[m, sel.group], x0, width)
            theme.set_title(self.evidence.plot, f"evidence for {entry.name} (member {m + 1})", size=TITLE_SIZE)
            ev = ex.evidence(None, sel.group, terms, phase)
            per_window = ev.per_window
            for bars, side in zip(self.bars, (per_window >= 0, per_window < 0)):
                bars.setOpts(x=ex.fields.centre[side], height=per_window[side], width=d * 0.9)
            kind = "calibrated logit" if ex.bundle.calibration is not None else "mean logit"
            self.info.setText(f"{kind} {ev.logit:+.2f} = Σ evidence {ev.terms.sum():+.2f} + bias {ev.bias:+.2f}")
        theme.set_title(self.per_window, "evidence per window, summed over channels (ensemble mean)", size=TITLE_SIZE)
        self.per_window.vb.updateAutoRange()  # now rather than at paint time, which would ask for a second paint
        self._draw_cell()
        self._draw_region()

    def _phase(self) -> str:
        """The phase of the selected classified spectrum (its head's weights are shown), else unknown."""
        entry = self.session.current()
        p = entry.prediction if entry is not None else None
        return (p.phase or "unknown") if p is not None and p.ok else "unknown"

    def _shape(self) -> tuple[int, int]:
        """(channels, positions) of the latent matrix."""
        ex = self.session.explainer
        return ex.bundle.members[0].n_channels, ex.bundle.members[0].n_positions

    def value_at(self, plot: pg.PlotItem, x: float, y: float) -> str | None:
        """Readout text for view coordinates (x, y) over one of the maps or the per-window bars."""
        ex, sel = self.session.explainer, self.session.selection
        if ex is None:
            return None
        x0, d, _ = self._geometry()
        col = int((x - x0) // d)
        channels, positions = self._shape()
        if not 0 <= col < positions:
            return None
        window = f"window {ex.fields.wn_lo[col]:.0f}-{ex.fields.wn_hi[col]:.0f} cm-1"
        m = min(sel.member, len(ex.bundle.members) - 1)
        terms = self.session.terms(sel.entry) if sel.entry is not None else None
        if plot is self.per_window:
            if terms is None:
                return None
            return f"{window}: evidence {terms[:, sel.group, :, col].sum(axis=1).mean():+.4f} (ensemble mean)"
        row = int(round(y))
        if not 0 <= row < channels:
            return None
        if plot is self.weights.plot:
            return f"channel {row}, {window}: weight {ex.weights(self._phase())[m, sel.group, row, col]:+.4f}"
        if plot is self.evidence.plot and terms is not None:
            return f"channel {row}, {window}: evidence {terms[m, sel.group, row, col]:+.4f}"
        return None

    def _hover(self, pos) -> None:
        ex = self.session.explainer
        if ex is None:
            return
        for m in (self.weights, self.evidence):
            if m.plot.vb.sceneBoundingRect().contains(pos):
                p = m.plot.vb.mapSceneToView(pos)
                x0, d, _ = self._geometry()
                col, row = int((p.x() - x0) // d), int(round(p.y()))
                channels, positions = self._shape()
                if 0 <= col < positions and 0 <= row < channels:
                    self.session.selection.hover_cell(row, col)
                return

    def _draw_cell(self) -> None:
        sel, ex = self.session.selection, self.session.explainer
        for m in (self.weights, self.evidence):
            if ex is None or sel.position is None or sel.channel is None:
                m.cell.hide()
                continue
            x0, d, _ = self._geometry()
            m.cell.setRect(QRectF(x0 + sel.position * d, sel.channel - 0.5, d, 1))
            m.cell.show()

    def _draw_region(self) -> None:
        sel, ex = self.session.selection, self.session.explainer
        for m in (self.weights, self.evidence):
            if ex is None or sel.region is None:
                m.region.hide()
                continue
            pos = ex.fields.positions_seeing(sum(sel.region) / 2)
            if pos.size == 0:
                m.region.hide()
                continue
            x0, d, _ = self._geometry()
            m.region.setRect(QRectF(x0 + pos.min() * d, -0.5, d * (pos.max() - pos.min() + 1), self._shape()[0]))
            m.region.show()
