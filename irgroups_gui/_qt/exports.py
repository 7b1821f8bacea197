"""What File > Export writes: predictions (CSV/JSON), the figure as shown (PNG/SVG) and the HTML
report of one spectrum, each with its dialog; failures are one line in the status bar."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QFileDialog, QWidget

from irgroups_gui._qt.figure_export import FigureExportError, render_png_bytes, write_figure
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
        entry = self.window.session.current()
        if entry is None or entry.status != "ok":
            self.window.status("Select a classified spectrum first.", 5000)
            return
        path, _ = QFileDialog.getSaveFileName(self.window, "Save report", default_file_name(entry, "html", "report"),
                                              "HTML (*.html)")
        if path:
            self.report(path)

    def report(self, path: str) -> bool:
        """HTML report for the current spectrum (figure as shown now, embedded)."""
        from irgroups_gui.report import report_html

        w = self.window
        s = w.session
        entry = s.current()
        if entry is None or entry.status != "ok":
            w.status("Select a classified spectrum first.", 5000)
            return False
        terms = s.terms(s.selection.entry)
        if terms is None:  # not back from the worker yet: one spectrum's terms take a few ms
            terms = s.explainer.terms(entry.prediction.model_input, entry.prediction.phase or "unknown")
        try:
            html = report_html(entry, s.bundle, s.explainer, terms, render_png_bytes(self.figure_widgets()))
            Path(path).write_text(html, encoding="utf-8")
        except OSError as exc:
            w.status(f"Could not write the report: {exc}")
            return False
        w.status(f"Saved report to {path}", 6000)
        return True
