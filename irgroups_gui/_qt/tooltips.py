"""Tooltips over the plots that stay while the pointer rests on what they describe.

When the pointer comes to rest, Qt sends the plot's viewport a tooltip event, and the graphics
scene answers it with the tip of the item under the pointer, shown for about 10 s, or, over an
item without one, with no tip at all, which hides a tip the view showed itself (the probability
bars' tip went within a second). `keep_tooltips` answers that event instead: an item's tip is
shown until the pointer leaves the item, and a tip the view shows itself (`show_tip`) is left
alone."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPoint, QRect
from PySide6.QtWidgets import QGraphicsView, QToolTip, QWidget

REST_MS = 600_000  # "as long as the pointer rests": Qt hides the tip on leaving its rectangle


def show_tip(global_pos: QPoint, text: str, widget: QWidget, rect: QRect | None = None) -> None:
    """Show `text` until the pointer leaves `rect` (in `widget`'s coordinates; none: the widget)."""
    QToolTip.showText(global_pos, text, widget, rect or QRect(), REST_MS)


class _RestingTips(QObject):
    """The viewport's tooltip events, answered with the tip of the item under the pointer."""

    def __init__(self, view: QGraphicsView) -> None:
        super().__init__(view)
        self.view = view

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if event.type() != QEvent.Type.ToolTip:
            return False
        item = next((i for i in self.view.items(event.pos()) if i.toolTip()), None)
        if item is not None:
            rect = self.view.mapFromScene(item.sceneBoundingRect()).boundingRect()
            show_tip(event.globalPos(), item.toolTip(), self.view.viewport(), rect)
        return True  # no item tip: a tip the view showed itself stays


def keep_tooltips(*views: QGraphicsView) -> None:
    """Make the tips over these graphics views (pyqtgraph plots) stay while the pointer rests."""
    for view in views:
        view.viewport().installEventFilter(_RestingTips(view))
