"""Run long work off the GUI thread (modelled on superqt's `thread_worker`).

The function runs in a QThread; it may take a `progress` keyword to report progress.
Signals: `progressed(object)`, `returned(object)`, `errored(str)` (one line) and `finished()`,
always delivered on the GUI thread.
"""
from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal


class _Runner(QThread):
    def __init__(self, worker: "Worker"):
        super().__init__()
        self._worker = worker

    def run(self) -> None:
        self._worker._run()


class Worker(QObject):
    """Lives on the GUI thread; its signals, emitted from the runner thread, are queued to it."""

    progressed = Signal(object)
    returned = Signal(object)
    errored = Signal(str)
    finished = Signal()

    def __init__(self, fn: Callable[..., Any], *args, with_progress: bool = False, **kwargs):
        super().__init__()
        self._fn, self._args, self._kwargs = fn, args, kwargs
        self._with_progress = with_progress
        self._thread = _Runner(self)
        self._thread.setObjectName(getattr(fn, "__name__", "worker"))

    def _run(self) -> None:
        try:
            kwargs = dict(self._kwargs)
            if self._with_progress:
                kwargs["progress"] = self.progressed.emit
            self.returned.emit(self._fn(*self._args, **kwargs))
        except Exception as exc:  # report every failure as one line; the app must not crash
            last = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
            where = f" ({last.name})" if last else ""
            self.errored.emit(f"{exc}{where}" if str(exc) else f"{type(exc).__name__}{where}")
        finally:
            self.finished.emit()

    def start(self) -> "Worker":
        self._thread.start()
        return self

    def is_running(self) -> bool:
        return self._thread.isRunning()

    def wait(self, ms: int = 30000) -> bool:
        return self._thread.wait(ms)


def thread_worker(fn: Callable[..., Any], *args, progress: bool = False, **kwargs) -> Worker:
    """A started-on-demand Worker for fn(*args, **kwargs)."""
    return Worker(fn, *args, with_progress=progress, **kwargs)
