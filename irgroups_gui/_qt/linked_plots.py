"""The spectrum above the heatmaps, on one wavenumber axis (zoom one, zoom all); colour bars sit
in a second column. The spectrum and the maps are two graphics views, so that a click repaints
them in two turns of the event loop (see staggered_repaint); fixed axis and colour-bar widths
keep their plots aligned to the pixel. The two maps leave the wavenumber labels to the
per-window plot under them (they share its axis), so that in a small window the maps keep their
height. Until there are spectra a hint covers the maps (no empty axes); the maps stay laid out
under it, so the first load does not lay the window out again. A crosshair follows the mouse
over all of them with a readout of wavenumber and value."""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSpinBox, QStackedLayout, QVBoxLayout, QWidget

from irgroups_gui import units
from irgroups_gui._qt import theme
from irgroups_gui._qt.heatmap_view import HeatmapViews
from irgroups_gui._qt.line_label import LineLabel
from irgroups_gui._qt.spectrum_view import SpectrumView
from irgroups_gui._qt.wavenumber_viewbox import WavenumberViewBox
from irgroups_gui._qt.wavenumber_axis import WavenumberAxis
from irgroups_gui.session import Session

AXIS_WIDTH = 62
BAR_COLUMN = 58  # colour bars and their tick labels; the spectrum's view keeps the same width free
MAPS_HINT = ("The weights and the evidence of the selected group appear here, on the spectrum's "
             "wavenumber axis, once a spectrum is classified.")
AHEAD_MS = 300
READOUT_HINT = "Move the mouse over the plots for a readout; click the spectrum to mark a wavenumber."


class LinkedPlots(QWidget):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.top = pg.GraphicsLayoutWidget()
        self.maps = pg.GraphicsLayoutWidget()
        self.axes = [WavenumberAxis(show_label=row in (0, 3)) for row in range(4)]
        for axis in self.axes[1:3]:
            axis.setStyle(showValues=False)
        spectrum = self.top.ci.addPlot(row=0, col=0, axisItems={"bottom": self.axes[0]}, viewBox=WavenumberViewBox())
        spacer = pg.GraphicsWidget()  # where the colour bars are below
        spacer.setFixedWidth(BAR_COLUMN)
        self.top.ci.addItem(spacer, row=0, col=1)
        lay = self.maps.ci
        weights = lay.addPlot(row=0, col=0, axisItems={"bottom": self.axes[1]})
        evidence = lay.addPlot(row=1, col=0, axisItems={"bottom": self.axes[2]})
        per_window = lay.addPlot(row=2, col=0, axisItems={"bottom": self.axes[3]})
        self.bars = tuple(pg.ColorBarItem(values=(-1, 1), colorMap=theme.diverging(), interactive=False, width=12)
                          for _ in range(2))
        lay.addItem(self.bars[0], row=0, col=1)
        lay.addItem(self.bars[1], row=1, col=1)
        for bar in self.bars:
            bar.setFixedWidth(BAR_COLUMN)
        for row, stretch in enumerate((3, 3, 2)):
            lay.layout.setRowStretchFactor(row, stretch)
        for layout in (self.top.ci.layout, lay.layout):
            layout.setColumnStretchFactor(0, 1)
            layout.setColumnStretchFactor(1, 0)
        self.plots = [spectrum, weights, evidence, per_window]
        self.crosshair = []
        for p in self.plots:
            p.getAxis("left").setWidth(AXIS_WIDTH)
            p.setMouseEnabled(x=True, y=False)
            p.invertX(True)
            if p is not spectrum:
                p.setXLink(spectrum)
            line = pg.InfiniteLine(angle=90, pen=pg.mkPen((90, 90, 90), width=1, style=pg.QtCore.Qt.PenStyle.DashLine))
            line.hide()
            p.addItem(line, ignoreBounds=True)
            self.crosshair.append(line)
        self.hline = pg.InfiniteLine(angle=0, pen=pg.mkPen((90, 90, 90), width=1, style=pg.QtCore.Qt.PenStyle.DashLine))
        self.hline.hide()
        spectrum.addItem(self.hline, ignoreBounds=True)
        spectrum.vb.reset_zoom()
        for p in (weights, evidence):
            p.setYRange(-0.5, 7.5, padding=0)
        self.info = LineLabel("")
        self.readout = LineLabel(READOUT_HINT)
        self.readout.setToolTip("Crosshair readout: wavenumber, and the value under the mouse")
        self.member = QSpinBox()
        self.member.setPrefix("member ")
        self.member.setMinimum(1)
        self.member.setToolTip("Ensemble member whose channels are shown (channels differ between seeds)")
        policy = self.member.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # shown without laying the row out again
        self.member.setSizePolicy(policy)
        self.member.valueChanged.connect(lambda v: session.selection.update(member=v - 1))
        session.model_changed.connect(lambda: self.member.setMaximum(len(session.bundle.members)))
        self.spectrum = SpectrumView(session, spectrum)
        self.heatmaps = HeatmapViews(session, weights, evidence, per_window, self.bars, self.info)
        self._proxies = [pg.SignalProxy(v.scene().sigMouseMoved, rateLimit=60,
                                        slot=lambda a, scene=v.scene(): self.track(a[0], scene))
                         for v in (self.top, self.maps)]
        head = QHBoxLayout()
        head.addWidget(self.info, 1)
        head.addWidget(self.member)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addLayout(head)
        # never shorter than their plots' titles, axes and a few rows of data: squeezed further,
        # pyqtgraph would draw labels over each other
        self.top.setMinimumHeight(110)
        self.maps.setMinimumHeight(200)
        self.hint = QLabel(MAPS_HINT)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setWordWrap(True)
        self.hint.setAutoFillBackground(True)  # opaque: the maps under it are not drawn
        self.hint.setEnabled(False)  # the palette's greyed text
        below = QWidget()
        # both laid out all the time, the current one on top: showing the maps on the first load
        # took 17-22 ms of layout (the spectrum shrank, the maps were laid out), now it is a raise
        self.stack = QStackedLayout(below)
        self.stack.setStackingMode(QStackedLayout.StackingMode.StackAll)
        self.stack.addWidget(self.maps)
        self.stack.addWidget(self.hint)
        box.addWidget(self.top, 4)
        box.addWidget(below, 7)
        box.setSpacing(0)
        box.addWidget(self.readout)
        session.entries_added.connect(lambda *_: self._show_maps())
        session.entries_cleared.connect(self._show_maps)
        # drawn ahead once the window has settled after a new model or size (see _draw_maps_ahead)
        self._ahead = QTimer(self, singleShot=True, interval=AHEAD_MS)
        self._ahead.timeout.connect(self._draw_maps_ahead)
        session.model_changed.connect(self._ahead.start)
        self.maps.installEventFilter(self)
        self._show_maps()

    def reset_zoom(self) -> None:
        """The full wavenumber range (the maps follow), y fitted to the spectra again."""
        self.spectrum.plot.vb.reset_zoom()

    def _show_maps(self) -> None:
        """The heatmaps only once there are spectra: the empty window shows the spectrum plot
        with its drop message and the hint, not empty maps."""
        has = bool(self.session.entries)
        self.stack.setCurrentWidget(self.maps if has else self.hint)
        self.member.setVisible(has)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt API)
        if obj is self.maps and event.type() == QEvent.Type.Resize:
            self._ahead.start()  # a new size draws the axes again
        return False

    def _draw_maps_ahead(self) -> None:
        """Draw the maps once while the hint covers them (Qt does not paint a covered widget), so
        that their axes are drawn and cached before the first load: its first paint of the maps
        then draws 4 axes instead of 16 (3 instead of 14 ms of CPU)."""
        if not self.maps_shown():
            self.maps.grab()

    def views(self) -> list[pg.GraphicsLayoutWidget]:
        """The graphics views, top to bottom (what a figure of them draws)."""
        return [self.top, self.maps] if self.maps_shown() else [self.top]

    def maps_shown(self) -> bool:
        """The maps are on top (there are spectra), not the hint."""
        return self.stack.currentWidget() is self.maps

    def set_inverted(self, inverted: bool) -> None:
        for p in self.plots:
            p.invertX(inverted)

    def set_micrometres(self, micro: bool) -> None:
        for axis in self.axes:
            axis.set_micrometres(micro)
        self.spectrum.set_micrometres(micro)

    def track(self, scene_pos, scene) -> str:
        """Move the crosshair to a position in one of the views' scenes; returns (and shows) the
        readout text."""
        text = ""
        for k, p in enumerate(self.plots):
            if p.scene() is scene and p.isVisible() and p.vb.sceneBoundingRect().contains(scene_pos):
                pt = p.vb.mapSceneToView(scene_pos)
                x, y = pt.x(), pt.y()
                for line in self.crosshair:
                    line.setValue(x)
                    line.setVisible(True)
                self.hline.setVisible(k == 0)
                where = units.format_x(x, self.spectrum.micro)
                if k == 0:
                    self.hline.setValue(y)
                    value = self.spectrum.value_at(x)
                    text = f"{where}   cursor y {y:.4g}" + (f"   spectrum {value:.4g}" if value is not None else "")
                else:
                    text = f"{where}   " + (self.heatmaps.value_at(p, x, y) or "")
                break
        else:
            for line in (*self.crosshair, self.hline):
                line.hide()
        self.readout.setText(text or READOUT_HINT)
        return text
