"""Train in the app: choose or build a dataset, set hyper-parameters, watch live curves,
stop promptly keeping the best model, then save it or use it now."""
from __future__ import annotations

import math
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QComboBox, QDoubleSpinBox, QFileDialog, QFormLayout, QGroupBox, QHBoxLayout,
                               QHeaderView, QLabel, QLineEdit, QMenu, QMessageBox, QProgressBar, QPushButton,
                               QSpinBox, QSplitter, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from core.data.dataset import DatasetError
from core.data.readiness import file_readiness
from core.nn.recipes import DEFAULT_RECIPE, RECIPES
from irgroups_gui._qt import theme
from irgroups_gui._qt.worker import Worker, thread_worker
from irgroups_gui.train_process import TrainingProcess


class LossCurves(pg.PlotWidget):
    """Training loss per batch (smoothed) and per epoch, validation loss per epoch."""

    def __init__(self, parent=None):
        super().__init__(parent=parent)
        p = self.getPlotItem()
        theme.style_plot(p, "epoch (all members train together)", "weighted BCE loss")
        p.setTitle("training curves", size="10pt")  # also keeps the top tick label inside the widget
        p.addLegend(offset=(-10, 10))
        self.batch_curve = p.plot(pen=pg.mkPen(150, 170, 210, width=1), name="train, per batch (smoothed)")
        self.train_curve = p.plot(pen=pg.mkPen(31, 119, 180, width=2), symbol="o", symbolSize=5,
                                  symbolBrush=(31, 119, 180), name="train, per epoch")
        self.val_curve = p.plot(pen=pg.mkPen(230, 120, 20, width=2), symbol="s", symbolSize=5,
                                symbolBrush=(230, 120, 20), name="validation")
        self.reset()

    def reset(self) -> None:
        self.bx, self.by, self.ex, self.ty, self.vy = [], [], [], [], []
        self._ema = None
        self._offset, self._seed, self._last_epoch = 0, None, 0
        for c in (self.batch_curve, self.train_curve, self.val_curve):
            c.setData([], [])

    def add(self, e) -> None:
        if e.seed != self._seed:
            if self._seed is not None:
                self._offset += self._last_epoch
                self.getPlotItem().addItem(pg.InfiniteLine(self._offset, pen=pg.mkPen((180, 180, 180), style=2)))
            self._seed, self._ema = e.seed, None
        self._last_epoch = e.epoch
        x = self._offset + e.epoch - 1 + e.batch / e.n_batches
        if e.kind == "batch":
            self._ema = e.train_loss if self._ema is None else 0.9 * self._ema + 0.1 * e.train_loss
            self.bx.append(x)
            self.by.append(self._ema)
            self.batch_curve.setData(self.bx, self.by)
        else:
            self.ex.append(self._offset + e.epoch)
            self.ty.append(e.train_loss)
            self.vy.append(e.val_loss)
            self.train_curve.setData(self.ex, self.ty)
            self.val_curve.setData(self.ex, self.vy)

    @property
    def n_points(self) -> int:
        return len(self.bx) + len(self.ex)


class TrainingTab(QWidget):
    """Emits `use_model(TrainedModel)` when the user wants the new model in the app."""

    use_model = Signal(object)
    message = Signal(str)
    saved = Signal(str)  # path of the saved model

    def __init__(self, parent=None):
        super().__init__(parent)
        self.worker: Worker | None = None
        self.job: TrainingProcess | None = None
        self.trained = None
        self.dataset = QLineEdit()
        self.dataset.setPlaceholderText("dataset .h5")
        choose = QPushButton("Choose…")
        choose.clicked.connect(self._choose_dataset)
        build = QPushButton("Build from spectra…")
        menu = QMenu(build)
        menu.addAction("From a folder of spectra…", lambda: self._build_dataset(zipped=False))
        menu.addAction("From a zip of spectra…", lambda: self._build_dataset(zipped=True))
        build.setMenu(menu)
        row = QHBoxLayout()
        row.addWidget(self.dataset, 1)
        row.addWidget(choose)
        row.addWidget(build)
        self.recipe = QComboBox()
        self.recipe.addItems(list(RECIPES))
        self.recipe.setCurrentText(DEFAULT_RECIPE)
        self.recipe.setToolTip("paper: the published recipe (re-weighted BCE, Adam, early stopping with patience 5, "
                               "threshold 0.5); improved: + augmentation (shifts, noise, baseline tilt), "
                               "patience 10, per-group thresholds tuned on the validation set; phase-aware: "
                               "+ a mask channel for unmeasured and mulling-agent regions, intensity and shift "
                               "augmentation, softer loss weights (p^-0.5), gas and condensed heads, "
                               "and calibrated probabilities (present = p >= 0.5)")
        self.seeds = QSpinBox(minimum=1, maximum=20, value=1)
        self.epochs = QSpinBox(minimum=1, maximum=1000, value=200)
        self.patience = QSpinBox(minimum=1, maximum=100, value=10)
        self.batch = QSpinBox(minimum=4, maximum=4096, value=64)
        self.lr = QDoubleSpinBox(decimals=5, minimum=1e-5, maximum=1.0, singleStep=1e-4, value=1e-3)
        self.recipe.currentTextChanged.connect(lambda r: self.patience.setValue(5 if r == "paper" else 10))
        form = QFormLayout()
        form.addRow("dataset", row)
        for label, w in (("recipe", self.recipe), ("seeds (ensemble members)", self.seeds), ("max epochs", self.epochs),
                         ("early-stop patience", self.patience), ("batch size", self.batch), ("learning rate", self.lr)):
            form.addRow(label, w)
        settings = QGroupBox("Training")
        settings.setLayout(form)
        self.start_btn = QPushButton("Start training")
        self.start_btn.clicked.connect(self.start)
        self.stop_btn = QPushButton("Stop (keep best)")
        self.stop_btn.setEnabled(False)
        self.stop_btn.clicked.connect(self.stop)
        self.progress = QProgressBar()
        self.status = QLabel("Choose a dataset and press Start.")
        self.status.setWordWrap(True)
        self.save_btn = QPushButton("Save model…")
        self.save_btn.clicked.connect(self._save)
        self.use_btn = QPushButton("Use this model now")
        self.use_btn.clicked.connect(lambda: self.use_model.emit(self.trained))
        for b in (self.save_btn, self.use_btn):
            b.setEnabled(False)
        buttons = QHBoxLayout()
        for b in (self.start_btn, self.stop_btn, self.save_btn, self.use_btn):
            buttons.addWidget(b)
        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels(["group", "proportion", "precision", "recall", "F1", "AUC"])
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.addWidget(settings)
        ll.addLayout(buttons)
        ll.addWidget(self.progress)
        ll.addWidget(self.status)
        ll.addWidget(self.table, 1)
        self.curves = LossCurves()
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(self.curves)
        split.setStretchFactor(1, 2)
        lay = QVBoxLayout(self)
        lay.addWidget(split)

    # ---------------------------------------------------------------- dataset
    def _choose_dataset(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Dataset", "", "IR Groups dataset (*.h5 *.hdf5)")
        if path:
            self.dataset.setText(path)

    def _build_dataset(self, zipped: bool) -> None:
        if zipped:
            spectra, _ = QFileDialog.getOpenFileName(self, "Zip of spectra", "", "Zip archive (*.zip)")
        else:
            spectra = QFileDialog.getExistingDirectory(self, "Folder of spectra")
        if not spectra:
            return
        csv, _ = QFileDialog.getOpenFileName(self, "Structures CSV (file, inchi or smiles)", "", "CSV (*.csv *.tsv)")
        if not csv:
            return
        out, _ = QFileDialog.getSaveFileName(self, "Save dataset as", "dataset.h5", "HDF5 (*.h5)")
        if out:
            self.build(spectra, csv, out)

    def build(self, spectra: str, csv: str, out: str) -> Worker:
        """Build a dataset in a worker, with a progress bar; sets the dataset field when done."""
        def run(progress):
            from core.data.dataset import build_dataset, save_dataset

            ds, report = build_dataset(spectra, csv, progress=lambda d, t, n: progress((d, t)))
            save_dataset(ds, out)
            return report

        self.status.setText("Reading spectra…")
        self.progress.setFormat("reading spectra %p%")
        self._set_running(True, stoppable=False)
        w = thread_worker(run, progress=True)
        w.progressed.connect(lambda p: (self.progress.setMaximum(p[1]), self.progress.setValue(p[0])))
        w.returned.connect(lambda report: (self.dataset.setText(out), self.status.setText(
            f"Built {out}: {report.labelled} labelled spectra from {report.files} files; "
            f"{report.skipped_line()}.")))
        self._run_worker(w)
        return w

    # ---------------------------------------------------------------- training
    def overrides(self) -> dict:
        return {"max_epochs": self.epochs.value(), "patience": self.patience.value(),
                "batch_size": self.batch.value(), "learning_rate": self.lr.value()}

    def start(self) -> Worker | None:
        path = self.dataset.text().strip()
        if not path or not Path(path).is_file():
            self.status.setText(f"No dataset at '{path}'. Choose an .h5 or build one.")
            return None
        try:
            refusal, warnings = file_readiness(path)
        except DatasetError as exc:
            self.status.setText(str(exc))
            return None
        if refusal:
            self.status.setText(f"Cannot train on {Path(path).name}: {refusal}.")
            return None
        if warnings and not self.confirm("Small dataset", "; ".join(warnings) + ". Train anyway?"):
            return None
        self.curves.reset()
        self.progress.setValue(0)
        self.progress.setFormat("starting…")
        self.table.setRowCount(0)
        self.trained = None
        self.job = TrainingProcess(path, self.recipe.currentText(), self.overrides(), self.seeds.value())
        self.status.setText("Starting…")
        self._set_running(True)
        w = thread_worker(self.job.run, progress=True)
        w.progressed.connect(self._on_event)
        w.returned.connect(self._finished)
        self._run_worker(w)
        return w

    def stop(self) -> None:
        if self.job is not None:
            self.job.stop()
            self.status.setText("Stopping after this batch; keeping the best weights so far…")

    def _on_event(self, e) -> None:
        if isinstance(e, str):  # a stage after the epochs (e.g. fitting phase heads)
            self.status.setText(f"Epochs done; {e}…")
            return
        self.curves.add(e)
        self.show_run_progress(e, self.epochs.value())
        left = f", at least {e.eta:.0f} s left" if e.eta is not None else ""
        if e.kind == "epoch":
            self.status.setText(
                f"epoch {e.epoch}, {e.active}/{e.members} members training: train {e.train_loss:.4f}, "
                f"validation {e.val_loss:.4f}, molecular F1 {e.val_metrics['val_molecular_f1']:.3f}, perfection "
                f"{e.val_metrics['val_perfection']:.3f} (members' mean; latest best epoch {e.best_epoch}){left}")

    def show_run_progress(self, e, max_epochs: int) -> None:
        """One bar for the whole run: all members train together, so the run's epoch budget
        (the run ends sooner when every member has stopped early)."""
        self.progress.setMaximum(max_epochs * e.n_batches)
        self.progress.setValue((e.epoch - 1) * e.n_batches + e.batch)
        self.progress.setFormat(f"epoch {e.epoch}/{max_epochs}, {e.active}/{e.members} members training")

    def _finished(self, trained) -> None:
        self.trained = trained
        self.progress.setValue(self.progress.maximum())
        self.progress.setFormat("done")
        rep = trained.report["ensemble"]
        names = sorted(rep["groups"], key=lambda n: -rep["groups"][n]["proportion"])
        self.table.setRowCount(len(names))
        for i, n in enumerate(names):
            g = rep["groups"][n]
            for j, v in enumerate([n] + [_figure(g[k]) for k in ("proportion", "precision", "recall", "f1", "auc")]):
                self.table.setItem(i, j, QTableWidgetItem(v))
        self.table.resizeColumnsToContents()
        stopped = " (stopped early by you)" if any(r.cancelled for r in trained.results) else ""
        self.status.setText(f"Done{stopped}: test molecular F1 {rep['molecular_f1']:.3f}, perfection "
                            f"{rep['molecular_perfection']:.3f} (n = {rep['n']}).")
        for b in (self.save_btn, self.use_btn):
            b.setEnabled(True)

    def confirm(self, title: str, text: str) -> bool:
        """Ask a yes/no question (tests replace this)."""
        answer = QMessageBox.question(self, title, text, QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def _save(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Folder to save the model in")
        if path:
            self.save_to(Path(path) / "irgroups-model")

    def save_to(self, path: Path) -> None:
        from core.nn.bundle import save_bundle
        from core.explain.patterns import save_patterns

        try:
            save_bundle(self.trained.bundle, path)
            save_patterns(self.trained.patterns, path)
            self.trained.bundle.path = str(path)
            self.saved.emit(str(path))
            self.message.emit(f"Saved model to {path}")
        except OSError as exc:
            QMessageBox.warning(self, "Save model", f"{path}: {exc.strerror or exc}")

    # ---------------------------------------------------------------- worker plumbing
    def _run_worker(self, w: Worker) -> None:
        self.worker = w
        w.errored.connect(lambda msg: (self.status.setText(f"Error: {msg}"), self.message.emit(f"Training: {msg}")))
        w.finished.connect(lambda: self._set_running(False))
        w.start()

    def _set_running(self, running: bool, stoppable: bool = True) -> None:
        self.start_btn.setEnabled(not running)
        self.stop_btn.setEnabled(running and stoppable)

    def is_running(self) -> bool:
        return self.worker is not None and self.worker.is_running()

    def shutdown(self, timeout_ms: int = 10000) -> bool:
        """Stop training and wait for the thread (window closing)."""
        self.stop()
        return self.worker.wait(timeout_ms) if self.worker is not None else True

    def points_drawn(self) -> int:
        return self.curves.n_points


def _figure(v) -> str:
    """A metric to 3 places, or n/a where it is undefined (no positive or no negative test spectra)."""
    return "n/a" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.3f}"
