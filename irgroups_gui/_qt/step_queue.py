"""Short steps of GUI-thread work run a few at a time, so a big batch never freezes the window:
each turn of the event loop runs queued steps until BUDGET_MS has passed, then hands the loop
back (timers, input, painting) and goes on in the next turn."""
from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from PySide6.QtCore import QTimer

BUDGET_MS = 15.0


class StepQueue:
    """A FIFO of callables run on the GUI thread within a time budget per event-loop turn."""

    def __init__(self, budget_ms: float = BUDGET_MS) -> None:
        self.budget = budget_ms / 1000
        self._steps: deque[Callable[[], None]] = deque()
        self._timer = QTimer()
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.run)

    def put(self, step: Callable[[], None]) -> None:
        """Queue a step; it runs in a later turn of the event loop (or in `run` called now)."""
        self._steps.append(step)
        if not self._timer.isActive():
            self._timer.start()

    def run(self) -> None:
        """Run queued steps until the budget is spent (at least one), then yield to the loop."""
        end = time.perf_counter() + self.budget
        while self._steps:
            self._steps.popleft()()
            if time.perf_counter() >= end:
                break
        if self._steps and not self._timer.isActive():
            self._timer.start()

    def __len__(self) -> int:
        return len(self._steps)
