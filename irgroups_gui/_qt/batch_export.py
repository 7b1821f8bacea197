"""File > Save batch report (HTML / PDF): every spectrum of the list in one report, written in a
worker with the status bar's progress and Cancel (thumbnails drawn on QImages, the PDF laid out
by QTextDocument: neither needs the GUI thread). The file appears whole or not at all."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from irgroups_gui._qt.html_print import pdf_bytes
from irgroups_gui._qt.thumbnail import thumbnail_png
from irgroups_gui._qt.worker import Worker, thread_worker
from irgroups_gui.batch_report import THUMB_SIZE, batch_report_html, write_atomic
from irgroups_gui.export import export_document

TITLE = "IR Groups batch report"


class BatchReport:
    def __init__(self, window):
        self.window = window

    def dialog(self, fmt: str) -> None:
        """Ask where to save the report (fmt "html" or "pdf"), then write it."""
        if not self._ready():
            return
        path, _ = QFileDialog.getSaveFileName(self.window, "Save batch report", f"batch_report.{fmt}",
                                              f"{fmt.upper()} (*.{fmt})")
        if path:
            self.write(path if Path(path).suffix else f"{path}.{fmt}", fmt)

    def _ready(self) -> bool:
        s = self.window.session
        if s.bundle is None or not s.entries:
            self.window.status("Load some spectra first." if s.bundle else "No model loaded yet.", 5000)
            return False
        return True

    def write(self, path: str, fmt: str) -> Worker | None:
        """Write the report of every entry to `path` ("html" or "pdf") in a worker; None when
        there is nothing to report or another job runs."""
        w = self.window
        if not self._ready():
            return None
        s = w.session
        doc = export_document(s.entries, s.bundle)  # snapshot on the GUI thread: the list may change
        x = s.bundle.grid.x
        curves = [e.prediction.input_spectrum if e.status == "ok" else None for e in s.entries]
        stop = w.task.begin(f"Writing the batch report of {len(curves)} spectra…")
        if stop is None:
            return None

        def run(progress) -> int | None:
            thumbs = []
            for i, y in enumerate(curves):
                if stop.is_set():
                    return None
                thumbs.append(thumbnail_png(x, y, *THUMB_SIZE) if y is not None else None)
                progress((i + 1, len(curves)))
            html = batch_report_html(doc, thumbs)
            data = pdf_bytes(html, TITLE, landscape=True)[0] if fmt == "pdf" else html.encode("utf-8")
            if stop.is_set():
                return None
            write_atomic(path, data)
            return len(curves)

        def done(n: int | None) -> None:
            w.status(f"Saved the batch report of {n} spectra to {path}" if n is not None
                     else "Batch report cancelled: nothing was written.", 8000)

        worker = thread_worker(run, progress=True)
        worker.returned.connect(done)
        worker.errored.connect(lambda msg: w.status(f"Could not write the batch report: {msg}"))
        w.task.watch(worker)
        return w.start(worker)
