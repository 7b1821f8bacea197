"""The status bar's progress bar and Cancel button for one long File-menu job at a time (a batch
report, a library build). Cancel sets the job's stop flag, which its worker checks before each
file; the bar and the button go away when the worker finishes."""
from __future__ import annotations

import threading

from PySide6.QtWidgets import QProgressBar, QPushButton

from irgroups_gui._qt.worker import Worker


class StatusTask:
    def __init__(self, window):
        self.window = window
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(180)
        self.bar.hide()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop: nothing is written")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        self.stop: threading.Event | None = None  # the running job's flag; None: idle
        bar = window.statusBar()
        bar.addPermanentWidget(self.bar)
        bar.addPermanentWidget(self.cancel_button)

    @property
    def busy(self) -> bool:
        return self.stop is not None

    def begin(self, text: str) -> threading.Event | None:
        """A stop flag for a new job, with the bar shown (busy until `watch`'s worker finishes);
        None (and a message) while another job runs."""
        if self.stop is not None:
            self.window.status("Another report or library is being written; wait or Cancel it.", 5000)
            return None
        self.stop = threading.Event()
        self.bar.setRange(0, 0)
        self.bar.show()
        self.cancel_button.show()
        self.window.status(text)
        return self.stop

    def watch(self, worker: Worker) -> None:
        """Show `worker`'s (done, total) progress; call before the worker starts."""
        worker.progressed.connect(lambda p: (self.bar.setRange(0, p[1]), self.bar.setValue(p[0])))
        worker.finished.connect(self._finished)

    def cancel(self) -> None:
        if self.stop is not None and not self.stop.is_set():
            self.stop.set()
            self.window.status("Cancelling…")

    def _finished(self) -> None:
        self.stop = None
        self.bar.hide()
        self.cancel_button.hide()
