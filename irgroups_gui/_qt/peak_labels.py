"""Peak labels that never overprint each other nor cross the plot's edge: the strongest peaks are
placed first, each label above its peak (below a dip) or beside it, in pixels; a label that fits
nowhere is left out, so a narrow or crowded view shows fewer. Placed again whenever the view's
transform changes (zoom, pan, resize)."""
from __future__ import annotations

from collections.abc import Callable

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtWidgets import QGraphicsTextItem

MAX_PEAK_LABELS = 15
GAP = 3  # pixels between a label and its peak
MARGIN = 1  # pixels around a label's text (Qt's default is 4)
Rect = tuple[float, float, float, float]  # left, top, width, height in scene pixels


def _candidates(px: float, py: float, w: float, h: float, below: bool, bounds: Rect) -> list[Rect]:
    """Where a w x h label may go for a peak at scene point (px, py): on the open side of the
    peak, then beside its top (moved down or up into the view when the top is near the edge)."""
    top, bottom = bounds[1], bounds[1] + bounds[3]
    side_y = min(max(py - h / 2, top), bottom - h)
    return [(px - w / 2, py + GAP if below else py - GAP - h, w, h),
            (px + GAP, side_y, w, h), (px - GAP - w, side_y, w, h)]


def _inside(r: Rect, bounds: Rect) -> bool:
    return (r[0] >= bounds[0] and r[1] >= bounds[1] and r[0] + r[2] <= bounds[0] + bounds[2]
            and r[1] + r[3] <= bounds[1] + bounds[3])


def _overlaps(a: Rect, b: Rect) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def place(points: list[tuple[float, float]], sizes: list[tuple[float, float]], bounds: Rect,
          below: bool = False, limit: int = MAX_PEAK_LABELS, obstacles: list[Rect] = ()) -> list[Rect | None]:
    """A rectangle per label (in the order given: strongest first), or None where it does not
    fit: inside `bounds`, overlapping no obstacle and no label placed before it, at most `limit`."""
    placed: list[Rect] = list(obstacles)
    limit += len(placed)
    out: list[Rect | None] = []
    for (px, py), (w, h) in zip(points, sizes):
        spot = None
        if len(placed) < limit and _inside((px, py, 0, 0), bounds):
            spot = next((r for r in _candidates(px, py, w, h, below, bounds)
                         if _inside(r, bounds) and not any(_overlaps(r, p) for p in placed)), None)
        if spot is not None:
            placed.append(spot)
        out.append(spot)
    return out


class PeakLabels:
    """The label items of one plot: `show` the peaks (strongest first), placed at once and again
    on every change of the view's transform."""

    def __init__(self, plot: pg.PlotItem, obstacles: Callable[[], list[QRectF]] = list):
        self.plot = plot
        self.obstacles = obstacles  # other text to keep clear of (scene rectangles)
        self._peaks: list[tuple[float, float, str]] = []  # (x, y, text) in view coordinates
        self._below = False
        self._sizes: list[tuple[float, float]] = []
        self._measure = QGraphicsTextItem()  # the font of pg.TextItem's text, outside the scene
        self._measure.document().setDocumentMargin(MARGIN)
        self._items: list[pg.TextItem] = []  # a pool, reused: at most `limit` are shown
        plot.vb.sigTransformChanged.connect(lambda *_: self.place())

    def show(self, peaks: list[tuple[float, float, str]], below: bool = False) -> None:
        """Label these (x, y, text) peaks, strongest first; dips (below=True) get labels under."""
        self._peaks, self._below = peaks, below
        self._sizes = [self._size(text) for _, _, text in peaks]
        for item in self._items:
            self._style(item)
        self.place()

    def place(self) -> None:
        """Lay the labels out for the view as it is now."""
        vb = self.plot.vb
        shown = 0
        if self._peaks:
            b = vb.sceneBoundingRect()
            points = [vb.mapViewToScene(QPointF(x, y)) for x, y, _ in self._peaks]
            spots = place([(p.x(), p.y()) for p in points], self._sizes, (b.left(), b.top(), b.width(), b.height()),
                          self._below, obstacles=[(r.left(), r.top(), r.width(), r.height()) for r in self.obstacles()])
            for (_, _, text), spot in zip(self._peaks, spots):
                if spot is not None:
                    item = self._item(shown)
                    if item.toPlainText() != text:
                        item.setText(text)
                    item.setPos(vb.mapSceneToView(QPointF(spot[0], spot[1])))
                    item.show()
                    shown += 1
        for item in self._items[shown:]:
            item.hide()

    def _size(self, text: str) -> tuple[float, float]:
        """A label's size in pixels (the text items ignore the view's scaling)."""
        self._measure.setPlainText(text)
        r = self._measure.boundingRect()
        return r.width(), r.height()

    def _item(self, k: int) -> pg.TextItem:
        while len(self._items) <= k:
            t = pg.TextItem("", anchor=(0, 0))
            t.textItem.document().setDocumentMargin(MARGIN)
            self._style(t)
            t.hide()
            self.plot.addItem(t, ignoreBounds=True)
            self._items.append(t)
        return self._items[k]

    @staticmethod
    def _style(item: pg.TextItem) -> None:
        """The plots' foreground colour on a veil of their background (light or dark palette), so
        a label over a curve stays readable."""
        background = pg.mkColor(pg.getConfigOption("background"))
        background.setAlpha(200)
        item.setColor(pg.getConfigOption("foreground"))
        item.fill = pg.mkBrush(background)
        item.update()

    def texts(self) -> list[str]:
        """The labels shown."""
        return [t.textItem.toPlainText() for t in self._items if t.isVisible()]

    def rects(self) -> list[QRectF]:
        """The labels shown, in scene pixels."""
        return [t.sceneBoundingRect() for t in self._items if t.isVisible()]
