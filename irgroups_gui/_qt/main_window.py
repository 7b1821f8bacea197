"""The main window: file list, spectrum, linked heatmaps, probabilities, patterns; training and
model-card tabs; drag-and-drop, menus, recent files, export."""
from __future__ import annotations

import csv
import json
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFileDialog, QHBoxLayout, QLabel, QMainWindow, QProgressBar,
                               QSplitter, QTabWidget, QVBoxLayout, QWidget)

from core.io import expand_paths
from irgroups_gui._qt import theme
from irgroups_gui._qt.file_list import FileList
from irgroups_gui._qt.linked_plots import LinkedPlots
from irgroups_gui._qt.model_card import ModelCard
from irgroups_gui._qt.patterns_view import PatternsView
from irgroups_gui._qt.probability_panel import ProbabilityPanel
from irgroups_gui._qt.training_tab import TrainingTab
from irgroups_gui._qt.worker import Worker, thread_worker
from irgroups_gui.jobs import classify_paths, explainer_for, load_model
from irgroups_gui.session import Session

CHUNK = 32
MAX_RECENT = 10


class MainWindow(QMainWindow):
    def __init__(self, model_path: str | None = None, settings: QSettings | None = None):
        super().__init__()
        theme.configure()
        self.setWindowTitle("IR Groups")
        self.resize(1400, 900)
        self.setAcceptDrops(True)
        self.settings = settings or QSettings("IR Groups", "IR Groups")
        self._workers: set[Worker] = set()
        self.session = Session(run_job=self._run_job)
        self.session.job_failed.connect(self.status)
        self._queue: list[int] = []
        self._classifying = False

        self.files = FileList(self.session)
        self.plots = LinkedPlots(self.session)
        self.spectrum, self.heatmaps = self.plots.spectrum, self.plots.heatmaps
        self.probabilities = ProbabilityPanel(self.session)
        self.patterns = PatternsView(self.session)
        self.training = TrainingTab()
        self.training.use_model.connect(self._use_trained)
        self.training.message.connect(self.status)
        self.card = ModelCard(self.session, self.open_model)

        centre = self._centre_box()
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.probabilities)
        right.addWidget(self.patterns)
        right.setSizes([480, 380])
        main = QSplitter()
        main.addWidget(self.files)
        main.addWidget(centre)
        main.addWidget(right)
        main.setSizes([240, 800, 400])
        self.tabs = QTabWidget()
        self.tabs.addTab(main, "Classify && explain")
        self.tabs.addTab(self.training, "Train")
        self.tabs.addTab(self.card, "Model")
        self.setCentralWidget(self.tabs)

        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.hide()
        self.statusBar().addPermanentWidget(self.progress)
        self._build_menus()
        self.session.model_changed.connect(self._model_ready)
        self.status("Loading the model…")
        QTimer.singleShot(0, lambda: self.load_model(model_path))

    # ---------------------------------------------------------------- layout helpers
    def _centre_box(self) -> QWidget:
        box = QWidget()
        bar = QHBoxLayout()
        form = QComboBox()
        form.addItems(["original + model input", "original", "model input"])
        form.currentIndexChanged.connect(lambda i: self.spectrum.set_form(["both", "original", "model"][i]))
        invert = QCheckBox("high wavenumber left")
        invert.setChecked(True)
        invert.toggled.connect(self.plots.set_inverted)
        bands = QCheckBox("textbook bands")
        bands.setChecked(True)
        bands.toggled.connect(self.spectrum.set_show_bands)
        sort = QCheckBox("sort groups by probability")
        sort.toggled.connect(self.probabilities.set_sorted)
        for w in (QLabel("show"), form, invert, bands, sort):
            bar.addWidget(w)
        bar.addStretch(1)
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(bar)
        lay.addWidget(self.plots, 1)
        return box

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        for text, key, slot in (("Open spectra…", QKeySequence.StandardKey.Open, self.open_files),
                                ("Open folder…", None, self.open_folder),
                                ("Open samples", None, self.open_samples)):
            act = QAction(text, self)
            if key:
                act.setShortcut(key)
            act.triggered.connect(slot)
            file_menu.addAction(act)
        self.recent_menu = file_menu.addMenu("Recent files")
        self._refresh_recent()
        file_menu.addSeparator()
        for text, slot in (("Export predictions as CSV…", lambda: self._export_predictions("csv")),
                           ("Export predictions as JSON…", lambda: self._export_predictions("json")),
                           ("Export figure as PNG…", lambda: self._export_figure("png")),
                           ("Export figure as SVG…", lambda: self._export_figure("svg")),
                           ("Load model…", self.open_model), ("Clear list", self.session.clear)):
            act = QAction(text, self)
            act.triggered.connect(slot)
            file_menu.addAction(act)
        file_menu.addSeparator()
        quit_act = QAction("Quit", self)
        quit_act.setShortcut(QKeySequence.StandardKey.Quit)
        quit_act.triggered.connect(self.close)
        file_menu.addAction(quit_act)

    def status(self, text: str, ms: int = 0) -> None:
        self.statusBar().showMessage(text, ms)

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
        w.returned.connect(lambda res: self.session.set_model(*res))
        w.errored.connect(lambda msg: self.status(f"Could not load model: {msg}"))
        return self._start(w)

    def open_model(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Model folder (with model.json)")
        if path:
            self.load_model(path)

    def _use_trained(self, trained) -> None:
        self._run_job(lambda: explainer_for(trained.bundle),
                      lambda explainer: self.session.set_model(trained.bundle, explainer, trained.patterns),
                      lambda msg: self.status(f"Could not use the trained model: {msg}"))
        self.tabs.setCurrentIndex(0)

    def _model_ready(self) -> None:
        b = self.session.bundle
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
            return
        self._classifying = True
        self.progress.setRange(0, len(pending))
        self.progress.setValue(0)
        self.progress.show()
        paths = [self.session.entries[i].path for i in pending]
        w = thread_worker(classify_paths, paths, self.session.bundle, CHUNK, progress=True)

        def on_chunk(chunk):
            start, preds = chunk
            for k, p in enumerate(preds):
                self.session.set_prediction(pending[start + k], p)
            self.progress.setValue(start + len(preds))

        def done():
            self._classifying = False
            failed = sum(self.session.entries[i].status == "error" for i in pending)
            self.status(f"Classified {len(pending) - failed} of {len(pending)} files"
                        + (f"; {failed} could not be read (see the list)." if failed else "."), 8000)
            self._classify_next()

        w.progressed.connect(on_chunk)
        w.errored.connect(lambda msg: self.status(f"Classification failed: {msg}"))
        w.finished.connect(done)
        self._start(w)

    def open_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Open spectra", "",
                                                "Spectra (*.jdx *.dx *.jcamp *.csv *.txt *.tsv *.dat *.xy);;All files (*)")
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
    def _export_predictions(self, fmt: str) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export predictions", f"predictions.{fmt}")
        if path:
            self.export_predictions(path, fmt)

    def export_predictions(self, path: str, fmt: str) -> None:
        names = self.session.bundle.group_names if self.session.bundle else ()
        rows = []
        for e in self.session.entries:
            p = e.prediction
            row = {"file": e.path, "name": e.name, "error": (p.error if p else "pending") or ""}
            if p is not None and p.ok:
                row |= {"present": [n for n, f in zip(names, p.present) if f],
                        "probabilities": {n: round(float(v), 4) for n, v in zip(names, p.mean)},
                        "spread": {n: round(float(v), 4) for n, v in zip(names, p.std)}}
            rows.append(row)
        try:
            if fmt == "json":
                Path(path).write_text(json.dumps(rows, indent=1))
            else:
                with open(path, "w", newline="") as f:
                    w = csv.writer(f)
                    w.writerow(["file", "error", "present"] + [f"p_{n}" for n in names] + [f"sd_{n}" for n in names])
                    for r in rows:
                        probs = [r["probabilities"][n] for n in names] if "probabilities" in r else [""] * len(names)
                        sds = [r["spread"][n] for n in names] if "spread" in r else [""] * len(names)
                        w.writerow([r["file"], r["error"], ";".join(r.get("present", []))] + probs + sds)
            self.status(f"Exported {len(rows)} predictions to {path}", 6000)
        except OSError as exc:
            self.status(f"Could not write {path}: {exc.strerror or exc}")

    def _export_figure(self, fmt: str) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export figure", f"irgroups.{fmt}")
        if path:
            self.export_figure(path, fmt)

    def export_figure(self, path: str, fmt: str) -> None:
        """PNG: the whole classify view as on screen. SVG: the spectrum and heatmap plots."""
        try:
            if fmt == "png":
                ok = self.tabs.widget(0).grab().save(path)
                if not ok:
                    raise OSError(f"cannot write {path}")
            else:
                from pyqtgraph.exporters import SVGExporter

                stem = Path(path).with_suffix("")
                SVGExporter(self.plots.view.ci).export(f"{stem}_spectrum_heatmaps.svg")
                SVGExporter(self.probabilities.plot).export(f"{stem}_probabilities.svg")
            self.status(f"Exported figure to {path}", 6000)
        except OSError as exc:
            self.status(f"Could not export: {exc}")

    # ---------------------------------------------------------------- closing
    def closeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if self.training.is_running():
            self.status("Stopping training…")
            self.training.shutdown()
        for w in list(self._workers):
            w.wait(10000)
        event.accept()
