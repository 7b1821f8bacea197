"""Short steps of GUI-thread work run a few at a time, so a big batch never freezes the window:
each turn of the event loop runs queued steps until BUDGET_MS has passed, then hands the loop
back (timers, input, painting) and goes on in the next turn. A turn that finds the loop was busy
elsewhere since the last one (painting what the steps changed, say) runs nothing and waits for the
next, up to MAX_SKIPS turns in a row: the steps and that work then hold the window in separate
turns, not one. (A single skip was not enough: a repaint often came between the skip and the
next turn, and the steps then ran straight after it, before the window's other timers.)"""
from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

BUDGET_MS = 5.0
MAX_SKIPS = 3  # busy turns a step waits at most, so a loop that is never idle still runs it


class StepQueue:
    """A FIFO of callables run on the GUI thread within a time budget per event-loop turn."""

    def __init__(self, parent: QObject | None = None, budget_ms: float = BUDGET_MS) -> None:
        self.budget = budget_ms / 1000
        self._steps: deque[Callable[[], None]] = deque()
        self._timer = QTimer(parent)  # the window: no step runs once it is gone
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._turn)
        self._armed = 0.0  # when the timer was last started
        self._skips = 0  # turns in a row that ran nothing (the loop had been busy)

    def put(self, step: Callable[[], None]) -> None:
        """Queue a step; it runs in a later turn of the event loop (or in `run` called now)."""
        self._steps.append(step)
        self._arm()

    def put_next(self, steps: list[Callable[[], None]]) -> None:
        """Queue steps ahead of those waiting, in their order (what the user is looking at
        first)."""
        self._steps.extendleft(reversed(steps))
        if self._steps:
            self._arm()

    def clear(self) -> None:
        """Drop the steps not yet run (the window is closing)."""
        self._steps.clear()
        self._timer.stop()

    def _arm(self) -> None:
        if not self._timer.isActive():
            self._armed = time.perf_counter()
            self._timer.start()

    def _turn(self) -> None:
        """The timer's turn: skip it (at most MAX_SKIPS times in a row) when the loop took longer
        than the budget to get here."""
        if self._skips < MAX_SKIPS and time.perf_counter() - self._armed > self.budget:
            self._skips += 1
            self._arm()
            return
        self._skips = 0
        self.run()

    def run(self) -> None:
        """Run queued steps until the budget is spent (at least one), then yield to the loop."""
        end = time.perf_counter() + self.budget
        while self._steps:
            self._steps.popleft()()
            if time.perf_counter() >= end:
                break
        if self._steps:
            self._arm()
            self._armed = time.perf_counter()  # the loop's own work counts from here

    def __len__(self) -> int:
        return len(self._steps)
