"""The main window: file list, spectrum, linked heatmaps, probabilities, patterns and the batch
results table; training and model-card tabs. The window lays the views out, loads the model and
runs workers; its parts live beside it: the docks of the Classify tab in `docks.py`, the display
options in `view_bar.py` and `overlay_controls.py`, adding and classifying files in `loader.py`,
sessions in `session_files.py`, exports in `exports.py` (the batch report in `batch_export.py`),
building a library from a folder in `library_builder.py`, the menus in `menus.py`."""
from __future__ import annotations

import gc
import sys

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QFileDialog, QHBoxLayout, QLabel, QMainWindow, QMessageBox, QTabWidget,
                               QVBoxLayout, QWidget)

from core.spectra.peaks import load_picker
from irgroups_gui._qt import theme
from irgroups_gui._qt.batch_export import BatchReport
from irgroups_gui._qt.count_bar import CountBar
from irgroups_gui._qt.docks import Area, ClassifyArea
from irgroups_gui._qt.exports import Exports
from irgroups_gui._qt.file_list import FileList
from irgroups_gui._qt.library_builder import LibraryBuilder
from irgroups_gui._qt.linked_plots import LinkedPlots
from irgroups_gui._qt.loader import Loader
from irgroups_gui._qt.menus import build_menus, plot_menu
from irgroups_gui._qt.model_card import ModelCard
from irgroups_gui._qt.overlay_controls import OverlayControls
from irgroups_gui._qt.patterns_view import PatternsView
from irgroups_gui._qt.peak_table import PeakTable
from irgroups_gui._qt.processing_menu import build_processing_menu
from irgroups_gui._qt.probability_panel import ProbabilityPanel
from irgroups_gui._qt.results_table import ResultsTable
from irgroups_gui._qt.session_files import SessionFiles
from irgroups_gui._qt.similar_view import SimilarView
from irgroups_gui._qt.staggered_repaint import StaggeredRepaint
from irgroups_gui._qt.status_task import StatusTask
from irgroups_gui._qt.subfile_chooser import SubfileChooser
from irgroups_gui._qt.tooltips import keep_tooltips
from irgroups_gui._qt.training_tab import TrainingTab
from irgroups_gui._qt.undo import UndoHistory
from irgroups_gui._qt.view_bar import ViewBar
from irgroups_gui._qt.worker import Worker, thread_worker
from irgroups_gui.jobs import explainer_for, load_model
from irgroups_gui.model_info import model_line
from irgroups_gui.session import Session


class MainWindow(QMainWindow):
    def __init__(self, model_path: str | None = None, settings: QSettings | None = None):
        super().__init__()
        theme.configure()
        # a worker thread running Python (explanations, search) hands the interpreter lock to the
        # window's thread within 1 ms instead of 5 ms: measured on a loaded 2-core machine, 21
        # instead of 31 event-loop gaps over 50 ms while clicking through 15 files
        sys.setswitchinterval(0.001)
        self.setWindowTitle("IR Groups")
        self.resize(1280, 720)
        self.setAcceptDrops(True)
        self.settings = settings or QSettings("IR Groups", "IR Groups")
        self._workers: set[Worker] = set()
        self.session = Session(run_job=self._run_job)
        self.session.job_failed.connect(self.status)
        self.model_path = model_path  # folder of the model in use; None: the default model
        self.loader = Loader(self)
        self.undo = UndoHistory(self, self.session, self.loader)  # Edit > Undo: deletes, corrections
        self.sessions = SessionFiles(self)
        self.exports = Exports(self)

        # connected before the views: their updates are held back before they redraw
        self._repaint = StaggeredRepaint(self)
        self.session.selection.changed.connect(lambda f: self._repaint.trigger() if "entry" in f else None)
        # so does the current entry's result arriving (a load's first chunk, a reclassification):
        # painted in one turn it held the window 70-100 ms with both cores busy
        self.session.entry_updated.connect(lambda i: self._repaint.trigger() if i == self.session.selection.entry
                                           else None)
        # hovering a new channel: the patterns panel is redrawn at once but paints in a turn of
        # its own, not in the one that handled the mouse move
        self._hover_repaint = StaggeredRepaint(self)
        self.session.selection.changed.connect(
            lambda f: self._hover_repaint.trigger() if f & {"channel", "member"} and "entry" not in f else None)
        self.files = FileList(self.session, self.loader.remove_entries)
        self.plots = LinkedPlots(self.session)
        self.spectrum, self.heatmaps = self.plots.spectrum, self.plots.heatmaps
        keep_tooltips(self.plots.top, self.plots.maps)
        self.probabilities = ProbabilityPanel(self.session)
        self.patterns = PatternsView(self.session)
        self.results = ResultsTable(self.session, self.loader.remove_entries, self.loader.choose_phase)
        self.training = TrainingTab()
        self.training.use_model.connect(self._use_trained)
        self.training.message.connect(self.status)
        self.training.saved.connect(self._trained_saved)
        self.card = ModelCard(self.session, self.open_model, self.use_default_model)
        self.similar = SimilarView(self.session, self.spectrum, self.settings)
        self.view_bar = ViewBar(self.plots, self.probabilities)
        self.peak_table = PeakTable(self.session, self.spectrum.show_peak)
        self.view_bar.prominence.valueChanged.connect(self.peak_table.set_prominence)
        self.overlay = OverlayControls(self.spectrum.style, self.files)
        self.subfiles = SubfileChooser(self.session, self.loader.choose_subfile)
        # the maps last: by their turn the evidence terms (a worker's job) are usually back, so
        # they paint once with the evidence instead of once "computing…" and again
        self._repaint.set_widgets([self.plots.top.viewport(), self.probabilities.viewport(),
                                   self.results.view.viewport(), self.plots.maps.viewport()])
        self._hover_repaint.set_widgets([self.patterns.grid.viewport()])
        self._lay_out()

        self.progress = CountBar("files")
        self.progress.setMaximumWidth(220)
        self.progress.hide()
        self.statusBar().addPermanentWidget(self.progress)
        self.statusBar().addPermanentWidget(self.loader.cancel_button)
        self.task = StatusTask(self)  # progress and Cancel of a batch report or a library build
        self.batch_report, self.library_builder = BatchReport(self), LibraryBuilder(self)
        self.actions_list: list[QAction] = build_menus(self)
        context_menu = plot_menu(self)
        self.spectrum.plot.vb.menu_factory = lambda: context_menu
        self.menuBar().insertMenu(self.menuBar().actions()[-1], self.similar.menu)  # before Help
        self.processing_menu, processing_actions = build_processing_menu(self, self.session, self.spectrum.style,
                                                                        self.undo.set_processing)
        self.menuBar().insertMenu(self.menuBar().actions()[-2], self.processing_menu)  # before Library
        self.actions_list += processing_actions
        self.session.processing_changed.connect(self._processing_changed)
        self.loader.refresh_recent()
        self.plot_colours = theme.PlotColours(self)  # the plots follow the palette (dark desktops)
        self.plot_colours.listeners += [self.spectrum.redraw, self.overlay.show_swatch, self.probabilities.redraw,
                                        self.patterns.redraw]
        self.classify.restore(self, self.settings)
        self.session.model_changed.connect(self._model_ready)
        self.status("Loading the model…")
        QTimer.singleShot(0, lambda: self.load_model(model_path))

    def _lay_out(self) -> None:
        """Display options, model line and plots in the middle of the Classify tab; in docks the
        files (with the overlay controls) on the left, probabilities over patterns/similar on the
        right, the results table below the plots; Train and Model in tabs of their own."""
        centre = QWidget()
        self.model_label = QLabel(model_line(None))
        self.model_label.setToolTip("The model that produced the results shown")
        lay = QVBoxLayout(centre)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.view_bar)
        line = QHBoxLayout()
        # the line as tall as the subfile chooser from the start: showing it resizes no plot
        self.model_label.setMinimumHeight(self.subfiles.sizeHint().height())
        line.addWidget(self.model_label, 1)
        line.addWidget(self.subfiles)
        lay.addLayout(line)
        lay.addWidget(self.plots, 1)
        files = QWidget()
        column = QVBoxLayout(files)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.files, 1)
        column.addWidget(self.overlay)
        self.side_tabs = QTabWidget()
        self.side_tabs.addTab(self.patterns, "Patterns")
        self.side_tabs.addTab(self.similar, "Similar spectra")
        self.side_tabs.addTab(self.peak_table, "Peaks")
        # room for the 17 group names a line apart, the title and the probability axis
        self.probabilities.setMinimumHeight(17 * self.probabilities.fontMetrics().height() + 100)
        self.classify = ClassifyArea(centre)
        for name, title, widget, area in (
                ("files", "Files", files, Area.LeftDockWidgetArea),
                ("probabilities", "Probabilities", self.probabilities, Area.RightDockWidgetArea),
                ("patterns", "Patterns and similar spectra", self.side_tabs, Area.RightDockWidgetArea),
                ("results", "Results table", self.results, Area.BottomDockWidgetArea)):
            self.classify.add_dock(name, title, widget, area)
        self.classify.sizes = [(["files", "probabilities"], [220, 330], Qt.Orientation.Horizontal),
                               (["probabilities", "results"], [330, 120], Qt.Orientation.Vertical)]
        self.tabs = QTabWidget()
        self.tabs.addTab(self.classify, "Classify && explain")
        self.tabs.addTab(self.training, "Train")
        self.tabs.addTab(self.card, "Model")
        self.setCentralWidget(self.tabs)

    def status(self, text: str, ms: int = 0) -> None:
        self.statusBar().showMessage(text, ms)

    def confirm(self, title: str, text: str) -> bool:
        """Ask a yes/no question (tests replace this)."""
        answer = QMessageBox.question(self, title, text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    # ---------------------------------------------------------------- workers
    def start(self, worker: Worker) -> Worker:
        """Run a worker, keeping it alive until it has finished."""
        self._workers.add(worker)
        worker.finished.connect(lambda: self._workers.discard(worker))
        worker.start()
        return worker

    def _run_job(self, job, on_result, on_error) -> None:
        """The session's JobRunner: every job in a worker thread, results on the GUI thread."""
        w = thread_worker(job)
        w.returned.connect(on_result)
        w.errored.connect(on_error)
        self.start(w)

    # ---------------------------------------------------------------- model
    def load_model(self, path: str | None = None) -> Worker:
        w = thread_worker(load_model, path)
        w.returned.connect(lambda res: (setattr(self, "model_path", path), self.session.set_model(*res)))
        w.errored.connect(lambda msg: self.status(f"Could not load model: {msg}"))
        return self.start(w)

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
        # start-up's objects (torch, Qt, pyqtgraph, the model: ~245k) are set aside from the
        # cyclic collector: a full collection scanned them all, 106 ms holding the interpreter
        # lock (the window froze, whichever thread collected) during a load of 200 files
        gc.freeze()
        self.loader.warm()
        self.start(thread_worker(load_picker))  # the first spectrum's peak table needs it
        self.loader.queue_all()

    def _processing_changed(self) -> None:
        self.status("Corrections changed: classifying the list again…", 5000)
        self.loader.queue_all()

    # ---------------------------------------------------------------- drag and drop
    def dragEnterEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802 (Qt API)
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.loader.add_paths(paths)

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
        self.task.cancel()  # a batch report or a library build stops before its next file
        self.similar.shutdown()
        for w in list(self._workers):
            w.wait(10000)
        self.classify.save(self, self.settings)
        self.loader.steps.clear()
        event.accept()
