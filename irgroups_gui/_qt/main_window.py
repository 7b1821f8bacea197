"""The main window: file list, spectrum, linked heatmaps, probabilities, patterns and the batch
results table; training and model-card tabs; drag-and-drop, recent files, sessions, exports.
Menus are in `menus.py`, the figure export in `figure_export.py`, the table in `results_table.py`."""
from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFileDialog, QHBoxLayout, QLabel, QMainWindow,
                               QMessageBox, QProgressBar, QSplitter, QTabWidget, QVBoxLayout, QWidget)

from core.io import expand_paths
from core.readers import file_dialog_filter
from irgroups_gui._qt import theme
from irgroups_gui._qt.figure_export import FigureExportError, render_png_bytes, write_figure
from irgroups_gui._qt.file_list import FileList
from irgroups_gui._qt.linked_plots import LinkedPlots
from irgroups_gui._qt.menus import build_menus
from irgroups_gui._qt.model_card import ModelCard
from irgroups_gui._qt.patterns_view import PatternsView
from irgroups_gui._qt.probability_panel import ProbabilityPanel
from irgroups_gui._qt.results_table import ResultsTable
from irgroups_gui._qt.similar_view import SimilarView
from irgroups_gui._qt.staggered_repaint import StaggeredRepaint
from irgroups_gui._qt.training_tab import TrainingTab
from irgroups_gui._qt.worker import Worker, thread_worker
from irgroups_gui.export import write_predictions
from irgroups_gui.jobs import classify_paths, explainer_for, load_model
from irgroups_gui.model_info import model_line
from irgroups_gui.phase_jobs import reclassify
from irgroups_gui.session import Session
from irgroups_gui.session_file import SessionState, load_session, save_session
from irgroups_gui.units import Y_UNITS

CHUNK = 32
MAX_RECENT = 10
FORMS = ("both", "original", "model")


class MainWindow(QMainWindow):
    def __init__(self, model_path: str | None = None, settings: QSettings | None = None):
        super().__init__()
        theme.configure()
        # a worker thread running Python (explanations, search) hands the interpreter lock to the
        # window's thread within 1 ms instead of 5 ms: measured on a loaded 2-core machine, 21
        # instead of 31 event-loop gaps over 50 ms while clicking through 15 files
        sys.setswitchinterval(0.001)
        self.setWindowTitle("IR Groups")
        self.resize(1400, 900)
        self.setAcceptDrops(True)
        self.settings = settings or QSettings("IR Groups", "IR Groups")
        self._workers: set[Worker] = set()
        self.session = Session(run_job=self._run_job)
        self.session.job_failed.connect(self.status)
        self._queue: list[int] = []
        self._classifying = False
        self.model_path = model_path  # folder of the model in use; None: the default model
        self.phase_choice: dict[str, str] = {}  # file -> phase chosen in the results table
        self._restore: dict | None = None  # selection to restore once a reopened session is classified

        # connected before the views: their updates are held back before they redraw
        self._repaint = StaggeredRepaint(self)
        self.session.selection.changed.connect(lambda f: self._repaint.trigger() if "entry" in f else None)
        # hovering a new channel: the patterns panel is redrawn at once but paints in a turn of
        # its own, not in the one that handled the mouse move
        self._hover_repaint = StaggeredRepaint(self)
        self.session.selection.changed.connect(
            lambda f: self._hover_repaint.trigger() if f & {"channel", "member"} and "entry" not in f else None)
        self.files = FileList(self.session)
        self.plots = LinkedPlots(self.session)
        self.spectrum, self.heatmaps = self.plots.spectrum, self.plots.heatmaps
        self.probabilities = ProbabilityPanel(self.session)
        self.patterns = PatternsView(self.session)
        self.results = ResultsTable(self.session, self.remove_entries, self.choose_phase)
        self.training = TrainingTab()
        self.training.use_model.connect(self._use_trained)
        self.training.message.connect(self.status)
        self.training.saved.connect(self._trained_saved)
        self.card = ModelCard(self.session, self.open_model, self.use_default_model)
        self.similar = SimilarView(self.session, self.spectrum.plot, self.settings)
        # the maps last: by their turn the evidence terms (a worker's job) are usually back, so
        # they paint once with the evidence instead of once "computing…" and again
        self._repaint.set_widgets([self.plots.top.viewport(), self.probabilities.viewport(),
                                   self.results.view.viewport(), self.plots.maps.viewport()])
        self._hover_repaint.set_widgets([self.patterns.grid.viewport()])

        centre = self._centre_box()
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.probabilities)
        self.side_tabs = QTabWidget()
        self.side_tabs.addTab(self.patterns, "Patterns")
        self.side_tabs.addTab(self.similar, "Similar spectra")
        right.addWidget(self.side_tabs)
        right.setSizes([480, 380])
        main = QSplitter()
        main.addWidget(self.files)
        main.addWidget(centre)
        main.addWidget(right)
        main.setSizes([240, 800, 400])
        classify = QSplitter(Qt.Orientation.Vertical)
        classify.addWidget(main)
        classify.addWidget(self.results)
        classify.setSizes([700, 200])
        self.tabs = QTabWidget()
        self.tabs.addTab(classify, "Classify && explain")
        self.tabs.addTab(self.training, "Train")
        self.tabs.addTab(self.card, "Model")
        self.setCentralWidget(self.tabs)

        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.hide()
        self.statusBar().addPermanentWidget(self.progress)
        self.actions_list: list[QAction] = build_menus(self)
        self.menuBar().insertMenu(self.menuBar().actions()[-1], self.similar.menu)  # before Help
        self._refresh_recent()
        self.session.model_changed.connect(self._model_ready)
        self.status("Loading the model…")
        QTimer.singleShot(0, lambda: self.load_model(model_path))

    # ---------------------------------------------------------------- layout helpers
    def _centre_box(self) -> QWidget:
        box = QWidget()
        bar = QHBoxLayout()
        self.form_box = QComboBox()
        self.form_box.addItems(["original + model input", "original (file's units)", "model input"])
        self.form_box.currentIndexChanged.connect(lambda i: self.spectrum.set_form(FORMS[i]))
        self.y_box = QComboBox()
        self.y_box.addItems(["y as in file", "absorbance", "transmittance %"])
        self.y_box.setToolTip("Y units of the 'original' view")
        self.y_box.currentIndexChanged.connect(lambda i: self.spectrum.set_y_unit(Y_UNITS[i]))
        self.micro_box = QCheckBox("µm")
        self.micro_box.setToolTip("Label the x axis in micrometres (wavelength) instead of cm-1")
        self.micro_box.toggled.connect(self.plots.set_micrometres)
        self.invert_box = QCheckBox("high wavenumber left")
        self.invert_box.setChecked(True)
        self.invert_box.toggled.connect(self.plots.set_inverted)
        self.bands_box = QCheckBox("textbook bands")
        self.bands_box.setChecked(True)
        self.bands_box.toggled.connect(self.spectrum.set_show_bands)
        self.peaks_box = QCheckBox("peak labels")
        self.prominence = QDoubleSpinBox(minimum=0.005, maximum=0.9, singleStep=0.01, value=0.05, decimals=3)
        self.prominence.setToolTip("Peak labels: minimum prominence as a fraction of the curve's range "
                                   "(scipy.signal.find_peaks)")
        self.peaks_box.toggled.connect(lambda on: self.spectrum.set_peaks(on, self.prominence.value()))
        self.prominence.valueChanged.connect(lambda v: self.spectrum.set_peaks(self.peaks_box.isChecked(), v))
        self.sort_box = QCheckBox("sort groups")
        self.sort_box.setToolTip("Sort the probability panel by probability")
        self.sort_box.toggled.connect(self.probabilities.set_sorted)
        for w in (QLabel("show"), self.form_box, self.y_box, self.micro_box, self.invert_box, self.bands_box,
                  self.peaks_box, self.prominence, self.sort_box):
            bar.addWidget(w)
        bar.addStretch(1)
        self.model_label = QLabel(model_line(None))
        self.model_label.setToolTip("The model that produced the results shown")
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(bar)
        lay.addWidget(self.model_label)
        lay.addWidget(self.plots, 1)
        return box

    def status(self, text: str, ms: int = 0) -> None:
        self.statusBar().showMessage(text, ms)

    def confirm(self, title: str, text: str) -> bool:
        """Ask a yes/no question (tests replace this)."""
        answer = QMessageBox.question(self, title, text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    # ---------------------------------------------------------------- workers
    def _start(self, worker: Worker) -> Worker:
        self._workers.add(worker)
        worker.finished.connect(lambda: self._workers.discard(worker))
        worker.start()
        return worker

    def _run_job(self, job, on_result, on_error) -> None:
        """The session's JobRunner: every job in a worker thread, results on the GUI thread."""
        w = thread_worker(job)
        w.returned.connect(on_result)
        w.errored.connect(on_error)
        self._start(w)

    # ---------------------------------------------------------------- model
    def load_model(self, path: str | None = None) -> Worker:
        w = thread_worker(load_model, path)
        w.returned.connect(lambda res: (setattr(self, "model_path", path), self.session.set_model(*res)))
        w.errored.connect(lambda msg: self.status(f"Could not load model: {msg}"))
        return self._start(w)

    def open_model(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Model folder (with model.json)")
        if path:
            self.load_model(path)

    def use_default_model(self) -> Worker:
        return self.load_model(None)

    def _use_trained(self, trained) -> None:
        self.model_path = trained.bundle.path or None
        self._run_job(lambda: explainer_for(trained.bundle),
                      lambda explainer: self.session.set_model(trained.bundle, explainer, trained.patterns),
                      lambda msg: self.status(f"Could not use the trained model: {msg}"))
        self.tabs.setCurrentIndex(0)

    def _trained_saved(self, path: str) -> None:
        """The model trained in the app was saved: if it is the one in use, it now has a file."""
        if self.training.trained is not None and self.session.bundle is self.training.trained.bundle:
            self.model_path = path
            self.model_label.setText(model_line(self.session.bundle))
        self.card.refresh()

    def _model_ready(self) -> None:
        b = self.session.bundle
        self.model_label.setText(model_line(b))
        self.status(f"Model ready: {len(b.members)} members. Drop spectra on the window.", 8000)
        self._queue = list(range(len(self.session.entries)))
        self._classify_next()

    # ---------------------------------------------------------------- files
    def add_paths(self, paths: list[str]) -> None:
        files = expand_paths(paths)
        if not files:
            self.status("No spectrum files there.", 5000)
            return
        new = self.session.add_paths(files)
        self._remember(paths)
        self._queue += new
        self.status(f"{len(new)} files added.", 4000)
        self._classify_next()

    def _classify_next(self) -> None:
        if self._classifying or self.session.bundle is None:
            return
        pending = [i for i in self._queue if self.session.entries[i].prediction is None]
        self._queue = []
        if not pending:
            self.progress.hide()
            self._restore_selection()
            return
        self._classifying = True
        self.progress.setRange(0, len(pending))
        self.progress.setValue(0)
        self.progress.show()
        paths = [self.session.entries[i].path for i in pending]
        w = thread_worker(classify_paths, paths, self.session.bundle, CHUNK, progress=True)

        generation = self.session.generation

        def on_chunk(chunk):
            if self.session.generation != generation:  # the list was cleared or the model changed
                return
            start, preds = chunk
            k = start  # predictions come in file order; a multi-spectrum file gives one per spectrum
            for p in preds:
                if p.index == 0:
                    self.session.set_prediction(pending[k], p)
                    k += 1
                else:
                    self.session.add_spectrum(p)
            self.progress.setValue(k)

        def done():
            self._classifying = False
            if self.session.generation != generation:  # stale: classify what is queued now
                self._classify_next()
                return
            failed = sum(self.session.entries[i].status == "error" for i in pending)
            self.status(f"Classified {len(pending) - failed} of {len(pending)} files"
                        + (f"; {failed} could not be read (see the list)." if failed else "."), 8000)
            for i in pending:  # phases the user chose for these files (reopened session, model change)
                phase = self.phase_choice.get(self.session.entries[i].path)
                if phase and self.session.entries[i].status == "ok":
                    self.choose_phase(i, phase)
            self._classify_next()

        w.progressed.connect(on_chunk)
        w.errored.connect(lambda msg: self.status(f"Classification failed: {msg}"))
        w.finished.connect(done)
        self._start(w)

    def choose_phase(self, index: int, phase: str) -> Worker | None:
        """Reclassify one entry with the chosen phase ('auto' or a phase class), off the GUI thread."""
        entry = self.session.entries[index]
        bundle = self.session.bundle
        if bundle is None or entry.prediction is None:
            return None
        if phase == "auto":
            self.phase_choice.pop(entry.path, None)
        else:
            self.phase_choice[entry.path] = phase
        spectrum = entry.prediction.spectrum
        w = thread_worker(reclassify, entry.path, spectrum, bundle, phase)

        def returned(pred):
            # the list may have changed meanwhile: find the entry again by its file
            for i, e in enumerate(self.session.entries):
                if e.path == entry.path and self.session.bundle is bundle:
                    self.session.set_prediction(i, pred)
                    self.status(f"{e.name}: reclassified as {pred.phase or phase}.", 5000)

        w.returned.connect(returned)
        w.errored.connect(lambda msg: self.status(f"Could not reclassify {entry.name}: {msg}"))
        return self._start(w)

    def remove_entries(self, indices: list[int]) -> None:
        if self._classifying:
            self.status("Wait until classification has finished to remove files.", 5000)
            return
        self.session.remove(indices)
        self.status(f"Removed {len(indices)} files from the list.", 5000)

    def confirm_clear(self) -> None:
        n = len(self.session.entries)
        if n and self.confirm("Clear list", f"Remove all {n} spectra from the list?"):
            self.session.clear()
            self.phase_choice.clear()

    def open_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Open spectra", "",
                                                file_dialog_filter())
        if paths:
            self.add_paths(paths)

    def open_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Folder of spectra")
        if path:
            self.add_paths([path])

    def open_samples(self) -> None:
        from core.resources import sample_files

        self.add_paths([str(p) for p in sample_files()])

    def _remember(self, paths: list[str]) -> None:
        recent = [p for p in (self.settings.value("recent", []) or []) if p not in paths]
        self.settings.setValue("recent", (list(paths) + recent)[:MAX_RECENT])
        self._refresh_recent()

    def _refresh_recent(self) -> None:
        self.recent_menu.clear()
        for p in (self.settings.value("recent", []) or [])[:MAX_RECENT]:
            act = QAction(p, self)
            act.triggered.connect(lambda checked=False, p=p: self.add_paths([p]))
            self.recent_menu.addAction(act)
        self.recent_menu.setEnabled(not self.recent_menu.isEmpty())

    # ---------------------------------------------------------------- sessions
    def session_state(self) -> SessionState:
        sel = self.session.selection
        return SessionState([e.path for e in self.session.entries], self.model_path, dict(self.phase_choice),
                            {"entry": sel.entry, "overlay": list(sel.overlay), "group": sel.group,
                             "member": sel.member},
                            {"form": self.form_box.currentIndex(), "y": self.y_box.currentIndex(),
                             "micrometres": self.micro_box.isChecked(), "peaks": self.peaks_box.isChecked()})

    def save_session(self, path: str) -> None:
        try:
            save_session(path, self.session_state())
            self.status(f"Saved session to {path}", 6000)
        except OSError as exc:
            self.status(f"Could not write {path}: {exc.strerror or exc}")

    def open_session(self, path: str) -> bool:
        """Replace the list with a saved session's files, model, phases and selection."""
        try:
            state = load_session(path)
        except ValueError as exc:
            self.status(str(exc))
            return False
        self.session.clear()
        self.phase_choice = dict(state.phases)
        self._restore = state.selection
        view = state.view
        self.form_box.setCurrentIndex(int(view.get("form", 0)))
        self.y_box.setCurrentIndex(int(view.get("y", 0)))
        self.micro_box.setChecked(bool(view.get("micrometres", False)))
        self.peaks_box.setChecked(bool(view.get("peaks", False)))
        missing = [f for f in state.files if not Path(f).exists()]
        if state.model != self.model_path:
            self.load_model(state.model)
        self.session.add_paths([f for f in state.files if f not in missing])
        self._queue = list(range(len(self.session.entries)))
        self._classify_next()
        self.status(f"Opened session {path}" + (f"; {len(missing)} files no longer exist" if missing else ""), 8000)
        return True

    def _restore_selection(self) -> None:
        sel, self._restore = self._restore, None
        if not sel or not self.session.entries:
            return
        n = len(self.session.entries)
        entry = sel.get("entry")
        self.session.selection.update(group=int(sel.get("group", 0)), member=int(sel.get("member", 0)))
        if entry is not None and entry < n:
            self.files.setCurrentRow(entry)
            self.session.selection.update(overlay=tuple(i for i in sel.get("overlay", []) if i < n))

    def save_session_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save session", "session.irgroups.json", "Session (*.json)")
        if path:
            self.save_session(path)

    def open_session_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open session", "", "Session (*.json)")
        if path:
            self.open_session(path)

    # ---------------------------------------------------------------- drag and drop
    def dragEnterEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802 (Qt API)
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.add_paths(paths)

    # ---------------------------------------------------------------- export
    def export_predictions_dialog(self, fmt: str) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export predictions", f"predictions.{fmt}")
        if path:
            self.export_predictions(path)

    def export_predictions(self, path: str) -> bool:
        if self.session.bundle is None:
            self.status("No model loaded yet.")
            return False
        try:
            n = write_predictions(path, self.session.entries, self.session.bundle)
            self.status(f"Exported {n} predictions to {path}", 6000)
            return True
        except OSError as exc:
            self.status(f"Could not write {path}: {exc.strerror or exc}")
            return False

    def figure_widgets(self) -> list[QWidget | list[QWidget]]:
        """What File > Export figure draws: a column of the spectrum and the heatmaps, then the
        probabilities."""
        return [self.plots.views(), self.probabilities]

    def export_figure_dialog(self, fmt: str) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export figure", f"irgroups.{fmt}", f"{fmt.upper()} (*.{fmt})")
        if path:
            self.export_figure(path if Path(path).suffix else f"{path}.{fmt}")

    def export_figure(self, path: str) -> str | None:
        """Write exactly `path` (.png or .svg); None on success, else the one-line reason (also shown)."""
        try:
            write_figure(path, self.figure_widgets())
        except FigureExportError as exc:
            self.status(f"Could not export: {exc}")
            return str(exc)
        self.status(f"Exported figure to {path}", 6000)
        return None

    def save_report_dialog(self) -> None:
        entry = self.session.current()
        if entry is None or entry.status != "ok":
            self.status("Select a classified spectrum first.", 5000)
            return
        path, _ = QFileDialog.getSaveFileName(self, "Save report", f"{Path(entry.path).stem}.html", "HTML (*.html)")
        if path:
            self.save_report(path)

    def save_report(self, path: str) -> bool:
        """HTML report for the current spectrum (figure as shown now, embedded)."""
        from irgroups_gui.report import report_html

        s = self.session
        entry = s.current()
        if entry is None or entry.status != "ok":
            self.status("Select a classified spectrum first.", 5000)
            return False
        terms = s.terms(s.selection.entry)
        if terms is None:  # not back from the worker yet: one spectrum's terms take a few ms
            terms = s.explainer.terms(entry.prediction.model_input, entry.prediction.phase or "unknown")
        try:
            html = report_html(entry, s.bundle, s.explainer, terms, render_png_bytes(self.figure_widgets()))
            Path(path).write_text(html, encoding="utf-8")
        except OSError as exc:
            self.status(f"Could not write the report: {exc}")
            return False
        self.status(f"Saved report to {path}", 6000)
        return True

    # ---------------------------------------------------------------- closing
    def closeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if self.training.is_running():
            if not self.confirm("Training in progress",
                                "A model is being trained. Stop training and close? The run is lost unless "
                                "you keep the window open and save it when it ends."):
                event.ignore()
                return
            self.status("Stopping training…")
            self.training.shutdown()
        self.similar.shutdown()
        for w in list(self._workers):
            w.wait(10000)
        event.accept()
