"""The main figure (spectrum + heatmaps beside the probability panel) rendered to PNG or SVG
through one code path, used by File > Export figure, reports and `irgroups-gui --export-figure`.
SVG uses Qt's own QSvgGenerator (vector output), not pyqtgraph's SVG exporter. Figures are
white with dark text even when the screen is dark, unless `screen_colours` asks for the plots
as shown."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, QPoint, QRect, QRectF, QSize
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene, QGraphicsView, QWidget

from irgroups_gui._qt import theme

FORMATS = ("png", "svg")
PNG_SCALE = 2  # device pixels per widget pixel in PNG files
Figure = list[QWidget | list[QWidget]]  # columns side by side; a list is a column of widgets top to bottom


class FigureExportError(OSError):
    """The figure could not be written; the message is one line naming the file."""


def figure_format(path: str | Path) -> str:
    fmt = Path(path).suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise FigureExportError(f"{path}: unknown figure format '.{fmt}' (use .png or .svg)")
    return fmt


@contextmanager
def _uncached(scene: QGraphicsScene) -> Iterator[None]:
    """Items kept as screen pixmaps (the axes) draw themselves afresh while the figure is
    rendered, so that SVG gets vector text and lines and a 2x PNG gets sharp ones."""
    cached = [(item, item.cacheMode()) for item in scene.items()
              if item.cacheMode() != QGraphicsItem.CacheMode.NoCache]
    for item, _ in cached:
        item.setCacheMode(QGraphicsItem.CacheMode.NoCache)
    try:
        yield
    finally:
        for item, mode in cached:
            item.setCacheMode(mode)


def _columns(widgets: Figure) -> list[list[QWidget]]:
    return [w if isinstance(w, list) else [w] for w in widgets]


def _paint(painter: QPainter, widgets: Figure) -> None:
    """Draw the columns side by side; graphics views draw their scenes (vector items stay vectors)."""
    x = 0
    try:
        for column in _columns(widgets):
            y = 0
            for w in column:
                if isinstance(w, QGraphicsView):
                    with _uncached(w.scene()):
                        w.render(painter, QRectF(x, y, w.width(), w.height()), w.viewport().rect())
                else:
                    QWidget.render(w, painter, QPoint(x, y))
                y += w.height()
            x += max(w.width() for w in column)
    finally:
        painter.end()


def _size(widgets: Figure) -> QSize:
    columns = _columns(widgets)
    return QSize(sum(max(w.width() for w in c) for c in columns), max(sum(w.height() for w in c) for c in columns))


def _widgets_dpi(widgets: Figure) -> int:
    """The logical resolution the figure's widgets are laid out at."""
    return _columns(widgets)[0][0].logicalDpiX()


def render_png_bytes(widgets: Figure, screen_colours: bool = False) -> bytes:
    """The figure as PNG data (for reports)."""
    image = _image(widgets, screen_colours)
    buf = QBuffer()
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buf, "PNG")
    return bytes(buf.data())


def _colours(widgets: Figure, screen_colours: bool):
    """The plots drawn light for the figure, unless it keeps the screen's colours."""
    return nullcontext() if screen_colours else theme.light_plots([c[0] for c in _columns(widgets)])


def _image(widgets: Figure, screen_colours: bool = False) -> QImage:
    size = _size(widgets)
    image = QImage(size * PNG_SCALE, QImage.Format.Format_ARGB32)
    image.setDevicePixelRatio(PNG_SCALE)
    image.fill(QColor("white"))
    painter = QPainter(image)
    with _colours(widgets, screen_colours):
        _paint(painter, widgets)
    return image


def write_figure(path: str | Path, widgets: Figure, screen_colours: bool = False) -> Path:
    """Write exactly `path` (.png or .svg), white with dark text unless `screen_colours` keeps
    the plots' colours as shown; FigureExportError with a one-line reason otherwise."""
    path = Path(path)
    fmt = figure_format(path)
    if not path.parent.is_dir():
        raise FigureExportError(f"{path}: folder {path.parent} does not exist")
    if fmt == "png":
        if not _image(widgets, screen_colours).save(str(path), "PNG"):
            raise FigureExportError(f"{path}: cannot write the file")
        return path
    size = _size(widgets)
    gen = QSvgGenerator()
    gen.setFileName(str(path))
    gen.setSize(size)
    # the generator's default 90 dpi differs from the screen's: pyqtgraph draws the view boxes'
    # contents in device units, so at another resolution they land off their axes
    gen.setResolution(_widgets_dpi(widgets))
    gen.setViewBox(QRect(QPoint(0, 0), size))
    gen.setTitle("IR Groups figure")
    painter = QPainter()
    if not painter.begin(gen):
        raise FigureExportError(f"{path}: cannot write the file")
    painter.fillRect(QRect(QPoint(0, 0), size), QColor("white"))
    with _colours(widgets, screen_colours):
        _paint(painter, widgets)
    if not path.is_file() or path.stat().st_size == 0:
        raise FigureExportError(f"{path}: cannot write the file")
    return path
