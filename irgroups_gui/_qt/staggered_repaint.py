"""Views repaint one per event-loop turn after the current spectrum changes.

A click on a file updates every linked view at once (their contents are current as soon as the
selection is), but painting them all in one turn held the window for 60-150 ms. Here every view
has its updates disabled until its turn (Qt repaints a widget fully when its updates come back
on): the first view paints in the turn after the click's (the click's own work is a turn of its
own), each further one after the view before it has painted, so each turn of the event loop
paints at most one of them."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

FALLBACK_MS = 80  # go on anyway if a view does not paint (hidden, or nothing changed in it)
NEXT_MS = 2  # a real timer, not a queued call: pending timers (other work) get their turn first


class StaggeredRepaint(QObject):
    """`trigger()`: widgets[0] paints in the next turn, widgets[k] after widgets[k - 1] has painted."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)  # the window: its timers stop with it
        self.widgets: list[QWidget] = []
        self._pending: list[QWidget] = []
        self._waiting_on: QWidget | None = None
        self._fallback = QTimer(self, singleShot=True, interval=FALLBACK_MS)
        self._fallback.timeout.connect(self._next)

    def set_widgets(self, widgets: list[QWidget]) -> None:
        """The views, in the order they paint."""
        self.widgets = widgets
        for w in widgets[:-1]:
            w.installEventFilter(self)

    def trigger(self) -> None:
        """Hold back every view until its turn (call when the spectrum changes): the first
        paints in the next turn of the event loop, not in the one that handled the click."""
        if not self.widgets:
            return
        for w in self.widgets:
            w.setUpdatesEnabled(False)
        self._pending = list(self.widgets)
        self._waiting_on = None
        QTimer.singleShot(NEXT_MS, self, self._next)

    @property
    def pending(self) -> bool:
        """True while some view still waits for its turn to paint."""
        return bool(self._pending)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if obj is self._waiting_on and event.type() == QEvent.Type.Paint:
            self._waiting_on = None
            QTimer.singleShot(NEXT_MS, self, self._next)  # once this paint is done
        return False

    def _next(self) -> None:
        if not self._pending:
            self._fallback.stop()
            return
        w = self._pending.pop(0)
        self._waiting_on = w if self._pending else None
        w.setUpdatesEnabled(True)
        if self._pending:
            self._fallback.start()
        else:
            self._fallback.stop()
