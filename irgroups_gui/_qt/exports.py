"""What File > Export writes: predictions (CSV/JSON), the figure as shown (PNG/SVG) and the HTML
report of one spectrum, each with its dialog, and File > Print (and Print preview) of that report;
failures are one line in the status bar. The batch report is in `batch_export.py`."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QImage
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QWidget

from irgroups_gui._qt.figure_export import FigureExportError, render_png_bytes, write_figure
from irgroups_gui._qt.html_print import print_html
from irgroups_gui.export import default_file_name, write_predictions


class Exports:
    def __init__(self, window):
        self.window = window

    def predictions_dialog(self, fmt: str) -> None:
        path, _ = QFileDialog.getSaveFileName(self.window, "Export predictions", f"predictions.{fmt}")
        if path:
            self.predictions(path)

    def predictions(self, path: str) -> bool:
        w = self.window
        if w.session.bundle is None:
            w.status("No model loaded yet.")
            return False
        try:
            n = write_predictions(path, w.session.entries, w.session.bundle)
            w.status(f"Exported {n} predictions to {path}", 6000)
            return True
        except OSError as exc:
            w.status(f"Could not write {path}: {exc.strerror or exc}")
            return False

    def figure_widgets(self) -> list[QWidget | list[QWidget]]:
        """What File > Export figure draws: a column of the spectrum and the heatmaps, then the
        probabilities."""
        return [self.window.plots.views(), self.window.probabilities]

    def copy_figure(self) -> None:
        """The figure as shown, to the clipboard as an image."""
        QApplication.clipboard().setImage(QImage.fromData(render_png_bytes(self.figure_widgets()), "PNG"))
        self.window.status("Copied the figure to the clipboard", 4000)

    def figure_dialog(self, fmt: str) -> None:
        name = default_file_name(self.window.session.current(), fmt, "irgroups")
        path, _ = QFileDialog.getSaveFileName(self.window, "Export figure", name, f"{fmt.upper()} (*.{fmt})")
        if path:
            self.figure(path if Path(path).suffix else f"{path}.{fmt}")

    def figure(self, path: str) -> str | None:
        """Write exactly `path` (.png or .svg); None on success, else the one-line reason (also shown)."""
        try:
            write_figure(path, self.figure_widgets())
        except FigureExportError as exc:
            self.window.status(f"Could not export: {exc}")
            return str(exc)
        self.window.status(f"Exported figure to {path}", 6000)
        return None

    def report_dialog(self) -> None:
        if not self._has_report():
            return
        entry = self.window.session.current()
        path, _ = QFileDialog.getSaveFileName(self.window, "Save report", default_file_name(entry, "html", "report"),
                                              "HTML (*.html)")
        if path:
            self.report(path)

    def report_document(self) -> str | None:
        """The current spectrum's HTML report (figure as shown now, embedded); None (and a
        message) when no classified spectrum is selected."""
        from irgroups_gui.report import report_html

        if not self._has_report():
            return None
        s = self.window.session
        entry = s.current()
        terms = s.terms(s.selection.entry)
        if terms is None:  # not back from the worker yet: one spectrum's terms take a few ms
            terms = s.explainer.terms(entry.prediction.model_input, entry.prediction.phase or "unknown")
        return report_html(entry, s.bundle, s.explainer, terms, render_png_bytes(self.figure_widgets()))

    def report(self, path: str) -> bool:
        """Write the current spectrum's HTML report to `path`."""
        html = self.report_document()
        if html is None:
            return False
        try:
            Path(path).write_text(html, encoding="utf-8")
        except OSError as exc:
            self.window.status(f"Could not write the report: {exc}")
            return False
        self.window.status(f"Saved report to {path}", 6000)
        return True

    def print_report(self, printer: QPrinter) -> bool:
        """Print the current spectrum's report on `printer`."""
        html = self.report_document()
        if html is None:
            return False
        pages = print_html(html, printer)
        self.window.status(f"Printed the report ({pages} pages)", 5000)
        return True

    def print_dialog(self) -> None:
        """File > Print report: the print dialog, then the report on the chosen printer."""
        if self._has_report():
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            if QPrintDialog(printer, self.window).exec() == QDialog.DialogCode.Accepted:
                self.print_report(printer)

    def print_preview(self) -> None:
        """File > Print preview: the report's pages as they will print (the report is made once;
        the dialog lays it out again when the page set-up changes)."""
        html = self.report_document()
        if html is None:
            return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)  # kept alive: the dialog does not own it
        dialog = QPrintPreviewDialog(printer, self.window)
        dialog.paintRequested.connect(lambda printer: print_html(html, printer))
        dialog.exec()

    def _has_report(self) -> bool:
        entry = self.window.session.current()
        if entry is None or entry.status != "ok":
            self.window.status("Select a classified spectrum first.", 5000)
            return False
        return True
