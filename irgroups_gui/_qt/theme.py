"""Shared look: colours, the heatmap colour map, fonts for pyqtgraph views."""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QGraphicsItem

PRESENT = (200, 60, 40)
ABSENT = (120, 140, 170)
UNDETERMINED = (205, 205, 205)  # a group the model cannot judge in this spectrum (key band hidden)
ACCENT = (230, 140, 20)
BAND = (255, 170, 0, 45)
FIELD = (40, 120, 220, 60)
REGION = (40, 160, 80, 70)
ERROR_TEXT = (220, 70, 60)  # readable on light and dark list backgrounds
SPECTRUM_COLOURS = [(20, 20, 20), (31, 119, 180), (44, 160, 44), (148, 103, 189), (140, 86, 75), (23, 190, 207)]


# ColorBrewer RdBu reversed (matplotlib's "RdBu_r", used by the CLI figures), 11 stops
_RDBU_R = [(5, 48, 97), (33, 102, 172), (67, 147, 195), (146, 197, 222), (209, 229, 240), (247, 247, 247),
           (253, 219, 199), (244, 165, 130), (214, 96, 77), (178, 24, 43), (103, 0, 31)]


def diverging() -> pg.ColorMap:
    """Blue-white-red for signed maps (weights and evidence), as in the CLI figures."""
    return pg.ColorMap([i / 10 for i in range(11)], _RDBU_R)


def configure() -> None:
    pg.setConfigOptions(antialias=True, background="w", foreground=(40, 40, 40), imageAxisOrder="row-major")


def plain_axis(axis: pg.AxisItem) -> None:
    """No automatic SI scaling: values are shown as they are (no '(x0.001)' on the label). The
    axis (ticks, labels, grid lines) is kept as a pixmap and redrawn only when it changes, not
    every time something else in its plot is drawn over it."""
    axis.enableAutoSIPrefix(False)
    axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)


def style_plot(plot: pg.PlotItem, x_label: str | None = None, y_label: str | None = None) -> None:
    if x_label:
        plot.setLabel("bottom", x_label)
    if y_label:
        plot.setLabel("left", y_label)
    for name in ("left", "bottom"):
        plain_axis(plot.getAxis(name))
    plot.showGrid(x=True, y=False, alpha=0.15)


def set_title(plot: pg.PlotItem, text: str, **opts) -> None:
    """A plot's title, laid out again only when the text or size changes (laying out the rich
    text costs about a millisecond each time)."""
    label = plot.titleLabel
    hidden = label.maximumHeight() == 0  # how PlotItem.setTitle(None) hides it
    if hidden or label.text != text or any(label.opts.get(k) != v for k, v in opts.items()):
        plot.setTitle(text, **opts)


def muted_text() -> QColor:
    """The palette's colour for secondary text (pending entries), readable in light and dark themes."""
    app = QApplication.instance()
    pal = app.palette() if app is not None else QPalette()
    return pal.color(QPalette.ColorRole.PlaceholderText)


def dark_palette() -> QPalette:
    """A dark palette (for screenshots and tests of dark desktop themes)."""
    pal = QPalette()
    roles = {QPalette.ColorRole.Window: (45, 45, 48), QPalette.ColorRole.WindowText: (225, 225, 225),
             QPalette.ColorRole.Base: (30, 30, 32), QPalette.ColorRole.AlternateBase: (42, 42, 46),
             QPalette.ColorRole.Text: (225, 225, 225), QPalette.ColorRole.Button: (55, 55, 58),
             QPalette.ColorRole.ButtonText: (225, 225, 225), QPalette.ColorRole.Highlight: (60, 110, 180),
             QPalette.ColorRole.HighlightedText: (255, 255, 255), QPalette.ColorRole.ToolTipBase: (60, 60, 60),
             QPalette.ColorRole.ToolTipText: (230, 230, 230), QPalette.ColorRole.PlaceholderText: (150, 150, 150)}
    for role, rgb in roles.items():
        pal.setColor(role, QColor(*rgb))
    return pal
