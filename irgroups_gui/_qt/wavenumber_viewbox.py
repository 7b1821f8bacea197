"""The spectrum plot's view box, with the spectroscopy zoom convention: the wheel and a left
drag zoom the wavenumber axis, y fits the visible range unless the user fixes it (Ctrl+wheel
zooms y and so fixes it), a double-click resets, and a right-click opens the app's own menu
instead of pyqtgraph's."""
from __future__ import annotations

from collections.abc import Callable

import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import QMenu

HOME = (500.0, 4000.0)  # cm-1: the full range the view resets to


class WavenumberViewBox(pg.ViewBox):
    """A ViewBox that zooms x only (y follows the visible data) and resets on double-click."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.setMouseMode(pg.ViewBox.RectMode)
        self.setMouseEnabled(x=True, y=False)
        self.setMenuEnabled(False)
        self.setAutoVisible(y=True)
        self.menu_factory: Callable[[], QMenu] | None = None  # the app's context menu, built on each right-click
        self.last_menu: QMenu | None = None

    @property
    def y_fixed(self) -> bool:
        """True when the user has zoomed y, so it no longer fits the visible range."""
        return not self.state["autoRange"][pg.ViewBox.YAxis]

    def reset_zoom(self) -> None:
        """The full wavenumber range, y fitted to the data again."""
        self.setXRange(*HOME, padding=0.01)
        self.enableAutoRange(axis=pg.ViewBox.YAxis)
        self.updateAutoRange()

    def wheelEvent(self, ev, axis=None) -> None:
        if ev.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.setMouseEnabled(y=True)
            try:
                super().wheelEvent(ev, axis=pg.ViewBox.YAxis)  # y zoomed: fixed until reset
            finally:
                self.setMouseEnabled(y=False)
            return
        super().wheelEvent(ev, axis=pg.ViewBox.XAxis)

    def showAxRect(self, ax: QRectF, **kwargs) -> None:
        """End of a drag: zoom to the dragged wavenumbers; y keeps fitting the visible range."""
        lo, hi = sorted((ax.left(), ax.right()))
        if hi - lo > 0:
            self.setXRange(lo, hi, padding=0)

    def mouseClickEvent(self, ev) -> None:
        if ev.button() == Qt.MouseButton.LeftButton and ev.double():
            ev.accept()
            self.reset_zoom()
            return
        if ev.button() == Qt.MouseButton.RightButton and self.menu_factory is not None:
            ev.accept()
            self.last_menu = self.menu_factory()
            self.last_menu.popup(ev.screenPos().toPoint())
            return
        super().mouseClickEvent(ev)
