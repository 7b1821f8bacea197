"""Shared look: colours, the heatmap colour map, fonts for pyqtgraph views. Plots follow the
application palette (a dark Window colour gives dark plot backgrounds and light text; see
`PlotColours`); figure exports draw them light (`light_plots`)."""
from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QColor, QFontMetricsF, QPalette
from PySide6.QtWidgets import QApplication, QGraphicsItem, QWidget

PRESENT = (200, 60, 40)
ABSENT = (120, 140, 170)
UNDETERMINED = (205, 205, 205)  # a group the model cannot judge in this spectrum (key band hidden)
ACCENT = (230, 140, 20)
BAND = (255, 170, 0, 45)
FIELD = (40, 120, 220, 60)
REGION = (40, 160, 80, 70)
ERROR_TEXT = (220, 70, 60)  # readable on light and dark list backgrounds
# spectra are drawn with 1-pixel pens: Qt strokes an antialiased 1-pixel curve on a fast path, a
# 1.3-1.5 pixel one through its general stroker, four times slower (a repaint of the spectrum view
# took 12 instead of 3 ms, the longest turn of a big load)
CURVE_WIDTH = 1
SPECTRUM_COLOURS = [(20, 20, 20), (31, 119, 180), (44, 160, 44), (148, 103, 189), (140, 86, 75), (23, 190, 207)]


# ColorBrewer RdBu reversed (matplotlib's "RdBu_r", used by the CLI figures), 11 stops
_RDBU_R = [(5, 48, 97), (33, 102, 172), (67, 147, 195), (146, 197, 222), (209, 229, 240), (247, 247, 247),
           (253, 219, 199), (244, 165, 130), (214, 96, 77), (178, 24, 43), (103, 0, 31)]


def diverging() -> pg.ColorMap:
    """Blue-white-red for signed maps (weights and evidence), as in the CLI figures."""
    return pg.ColorMap([i / 10 for i in range(11)], _RDBU_R)


LIGHT_PLOTS = (QColor(255, 255, 255), QColor(40, 40, 40))  # (background, foreground) of light plots


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def plot_colours(palette: QPalette | None = None) -> tuple[QColor, QColor]:
    """(background, foreground) of plots for a palette (default: the application's): white and
    dark grey for a light palette, the palette's Base and Text colours for a dark one."""
    if palette is None:
        app = QApplication.instance()
        palette = app.palette() if app is not None else QPalette()
    if not is_dark(palette):
        return LIGHT_PLOTS
    return palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Text)


def configure() -> None:
    """pyqtgraph's defaults for plots made from now on, in the application palette's colours."""
    background, foreground = plot_colours()
    pg.setConfigOptions(antialias=True, background=background, foreground=foreground, imageAxisOrder="row-major")


def spectrum_colour(k: int) -> tuple[int, int, int]:
    """The default colour of the k-th spectrum shown: the first in the plots' foreground colour
    (near black on light plots, light on dark ones), the others from SPECTRUM_COLOURS."""
    if k % len(SPECTRUM_COLOURS):
        return SPECTRUM_COLOURS[k % len(SPECTRUM_COLOURS)]
    fg = pg.mkColor(pg.getConfigOption("foreground"))
    return SPECTRUM_COLOURS[0] if fg.lightness() < 128 else (fg.red(), fg.green(), fg.blue())


def apply_plot_colours(view: pg.GraphicsView, background: QColor, foreground: QColor) -> None:
    """Recolour a view made earlier: its background, every axis (lines, ticks, labels) and
    every text label (titles, legends) in its scene."""
    view.setBackground(background)
    for item in view.scene().items():
        if isinstance(item, pg.AxisItem):
            item.setPen(foreground)
            item.setTextPen(foreground)
        elif isinstance(item, pg.LabelItem):
            item.setText(item.text, color=foreground)


class PlotColours(QObject):
    """Keeps the plots of a window in the application palette's colours: on a palette change it
    recolours every pyqtgraph view under `root` and calls `listeners` (views whose curves use
    the foreground colour draw again)."""

    def __init__(self, root: QWidget):
        super().__init__(root)
        self.root = root
        self.listeners: list[Callable[[], None]] = []
        self.light = False  # drawn light whatever the palette (while a figure is exported)
        root.installEventFilter(self)

    def colours(self) -> tuple[QColor, QColor]:
        return LIGHT_PLOTS if self.light else plot_colours()

    def apply(self) -> None:
        background, foreground = self.colours()
        pg.setConfigOptions(background=background, foreground=foreground)
        for view in self.root.findChildren(pg.GraphicsView):
            apply_plot_colours(view, background, foreground)
        for listener in self.listeners:
            listener()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if obj is self.root and event.type() == QEvent.Type.ApplicationPaletteChange:
            self.apply()
        return False


@contextmanager
def light_plots(widgets: list[QWidget]) -> Iterator[None]:
    """The plots of these widgets' window drawn light (white background, dark text and main
    curve) inside the block, then in the palette's colours again; nothing to do when they are
    light already."""
    follower = widgets[0].window().findChild(PlotColours) if widgets else None
    if follower is None or follower.colours() == LIGHT_PLOTS:
        yield
        return
    follower.light = True
    follower.apply()
    try:
        yield
    finally:
        follower.light = False
        follower.apply()


def _nice_step(at_least: float) -> float:
    """The smallest of 1, 2, 5 x 10^n that is at least `at_least`."""
    base = 10.0 ** math.floor(math.log10(at_least))
    return next(m * base for m in (1, 2, 5, 10) if m * base >= at_least)


def _fitted_spacing(axis: pg.AxisItem, min_val: float, max_val: float, size: float) -> list[tuple[float, float]]:
    """pyqtgraph's tick levels for a vertical axis, keeping only those whose labels are a line
    apart or more (pyqtgraph always labels its first level, however crowded); a coarser step
    when none is."""
    levels = type(axis).tickSpacing(axis, min_val, max_val, size)
    if axis.orientation not in ("left", "right") or size <= 0 or max_val == min_val:
        return levels
    line = QFontMetricsF(axis.style["tickFont"] or axis.font()).height() + 2
    need = abs(max_val - min_val) * line / size  # value units between two labels that just touch
    return [lv for lv in levels if lv[0] >= need] or [(_nice_step(need), 0)]


def fit_label(axis: pg.AxisItem) -> None:
    """From now on the axis's label is shown only while it is no longer than the axis (in plots
    stacked close together it would run into the labels of the plots beside it)."""
    axis.geometryChanged.connect(lambda: _show_label_if_it_fits(axis))


def _show_label_if_it_fits(axis: pg.AxisItem) -> None:
    if not axis.labelText:
        return
    along = axis.height() if axis.orientation in ("left", "right") else axis.width()
    fits = axis.label.boundingRect().width() - 2 * axis.label.document().documentMargin() <= along
    if fits != axis.label.isVisible():
        axis.showLabel(fits)


def plain_axis(axis: pg.AxisItem) -> None:
    """No automatic SI scaling: values are shown as they are (no '(x0.001)' on the label). A
    vertical axis labels only ticks a line apart, so tick labels never overlap in a short plot.
    The axis (ticks, labels, grid lines) is kept as a pixmap and redrawn only when it changes,
    not every time something else in its plot is drawn over it."""
    axis.enableAutoSIPrefix(False)
    axis.tickSpacing = lambda lo, hi, size: _fitted_spacing(axis, lo, hi, size)
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
        # the title's row as tall as its lines (pyqtgraph fixes it at 30 px: a small 9pt line
        # wastes a third of it, a second line is cut)
        height = math.ceil(label.item.boundingRect().height()) if text else 0
        label.setMaximumHeight(height)
        plot.layout.setRowFixedHeight(0, height)


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
