"""The "Similar spectra" panel: the nearest reference spectra of the current spectrum, with
2-D structures (the selected group's atoms highlighted), the neighbours' group vote next to the
network's answer, the novelty caution; click a hit to overlay it on the spectrum. Libraries are
opened or built in a worker; the last one is remembered. The search runs as a session job (a
worker thread in the app), one at a time; a result for an entry no longer shown is dropped."""
from __future__ import annotations

import html
import threading
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING

import pyqtgraph as pg
from PySide6.QtCore import QSettings, QSize, Qt
from PySide6.QtGui import QAction, QIcon, QImage, QPixmap
from PySide6.QtWidgets import (QFileDialog, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QMenu,
                               QProgressBar, QPushButton, QVBoxLayout, QWidget)

from core.data.groups import GROUPS
from irgroups_gui._qt import theme
from irgroups_gui._qt.spectrum_view import SpectrumView
from irgroups_gui._qt.worker import Worker, thread_worker
from irgroups_gui.jobs import library_search
from irgroups_gui.session import Session

if TYPE_CHECKING:
    from core.predict.classify import Prediction
    from core.library.store import Library
    from core.library.search import Match

TOP = 5
ICON = QSize(130, 95)
SETTINGS_KEY = "library/last"
SEARCHING = "<i>Searching the library…</i>"
HIT_COLOUR = (214, 39, 40)
HOW_TO = ("<b>No reference library open.</b><br>File &gt; Build library from folder… or Library &gt; "
          "Build library… (a folder or zip of spectra "
          "and a structures CSV with <i>file</i> and <i>inchi</i> or <i>smiles</i> columns), or on the "
          "command line:<br><code>irgroups library build SPECTRA.zip --structures structures.csv --out "
          "lib.h5</code><br>then Library &gt; Open library….")


@lru_cache(maxsize=256)
def structure_png(identifier: str, smarts: str, width: int, height: int) -> bytes:
    """A 2-D drawing (PNG bytes) of a SMILES/InChI with the atoms and bonds matching `smarts`
    highlighted; empty bytes when RDKit cannot read the structure, or cannot draw (the installer
    leaves RDKit's drawing module out: it alone pulls in copies of cairo, fontconfig and xcb)."""
    from rdkit import Chem

    try:
        from rdkit.Chem.Draw import rdMolDraw2D
    except ImportError:
        return b""

    from core.data.groups import mol_from_identifier

    mol = mol_from_identifier(identifier)
    if mol is None:
        return b""
    pattern = Chem.MolFromSmarts(smarts) if smarts else None
    atoms: set[int] = set()
    for match in mol.GetSubstructMatches(pattern) if pattern is not None else ():
        atoms.update(match)
    bonds = [b.GetIdx() for b in mol.GetBonds() if b.GetBeginAtomIdx() in atoms and b.GetEndAtomIdx() in atoms]
    drawer = rdMolDraw2D.MolDraw2DCairo(width, height)
    drawer.drawOptions().clearBackground = True
    rdMolDraw2D.PrepareAndDrawMolecule(drawer, mol, highlightAtoms=sorted(atoms), highlightBonds=bonds)
    drawer.FinishDrawing()
    return drawer.GetDrawingText()


class SimilarView(QWidget):
    """Hits for the current entry from the open library; owns the library and its overlay curve."""

    def __init__(self, session: Session, spectrum: SpectrumView, settings: QSettings, parent=None):
        super().__init__(parent)
        self.session = session
        self.settings = settings
        self.library: Library | None = None
        self.match: Match | None = None
        self._searching = False  # a search job is running; its result may be stale when it returns
        self._workers: set[Worker] = set()
        self._spectrum, self._plot = spectrum, spectrum.plot
        self._curve = pg.PlotDataItem(pen=pg.mkPen(HIT_COLOUR, width=theme.CURVE_WIDTH, style=Qt.PenStyle.DashLine))
        self._curve.setZValue(5)
        self._curve.hide()
        self._plot.addItem(self._curve)
        spectrum.redrawn.append(self._draw_overlay)  # the overlay follows the view's unit and scale

        self.title = QLabel("<b>Similar spectra</b>")
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.info.setTextFormat(Qt.TextFormat.RichText)
        self.compare = QLabel()
        self.compare.setWordWrap(True)
        self.compare.setTextFormat(Qt.TextFormat.RichText)
        self.hits = QListWidget()
        self.hits.setIconSize(ICON)
        self.hits.setWordWrap(True)
        self.hits.setSpacing(2)
        self.hits.itemClicked.connect(self._hit_clicked)
        self.progress = QProgressBar()
        self.progress.hide()
        open_btn, build_btn = QPushButton("Open library…"), QPushButton("Build library…")
        open_btn.clicked.connect(self.open_dialog)
        build_btn.clicked.connect(self.build_dialog)
        top = QHBoxLayout()
        for w in (self.title, open_btn, build_btn):
            top.addWidget(w)
        top.insertStretch(1, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(top)
        lay.addWidget(self.info)
        lay.addWidget(self.progress)
        lay.addWidget(self.compare)
        lay.addWidget(self.hits, 1)

        self.menu = QMenu("&Library", self)
        for text, slot in (("Open library…", self.open_dialog), ("Build library…", self.build_dialog)):
            act = QAction(text, self)
            act.triggered.connect(slot)
            self.menu.addAction(act)

        sel = session.selection
        sel.changed.connect(self._selection_changed)
        session.entry_updated.connect(lambda i: self.refresh() if i == sel.entry else None)
        session.entries_cleared.connect(self.refresh)
        self.refresh()
        last = settings.value(SETTINGS_KEY, "")
        if last:
            self.open_library(str(last))

    # ---------------------------------------------------------------- library
    def _start(self, worker: Worker) -> Worker:
        self._workers.add(worker)
        worker.finished.connect(lambda: self._workers.discard(worker))
        worker.start()
        return worker

    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Reference library", "", "IR Groups library (*.h5 *.hdf5)")
        if path:
            self.open_library(path)

    def open_library(self, path: str) -> Worker:
        """Load (and index) a library in a worker; remembered on success."""
        def run():
            from core.library.store import load_library

            lib = load_library(path)
            _ = lib.features  # index off the GUI thread
            return lib

        self.info.setText(f"Opening {html.escape(path)}…")
        w = thread_worker(run)
        w.returned.connect(lambda lib: self.set_library(lib, path))
        w.errored.connect(lambda msg: self.info.setText(
            f"<span style='color:#b22'>Could not open library: {html.escape(msg)}</span>"))
        return self._start(w)

    def build_dialog(self) -> None:
        spectra = QFileDialog.getExistingDirectory(self, "Folder of spectra (Cancel to pick a zip)")
        if not spectra:
            spectra, _ = QFileDialog.getOpenFileName(self, "Zip of spectra", "", "Zip archive (*.zip)")
        if not spectra:
            return
        csv, _ = QFileDialog.getOpenFileName(self, "Structures CSV (file, inchi or smiles)", "", "CSV (*.csv *.tsv)")
        if not csv:
            return
        out, _ = QFileDialog.getSaveFileName(self, "Save library as", "library.h5", "HDF5 (*.h5)")
        if out:
            self.build_library([spectra], [csv], out)

    def build_library(self, spectra: list[str], structures: list[str], out: str, stop: threading.Event | None = None,
                      watch: Callable[[Worker], None] | None = None) -> Worker:
        """Build, save and open a library in a worker, with progress. Setting `stop` cancels
        the build before the next file (nothing is written: the library is saved atomically once
        built); `watch` sees the worker before it starts (the status bar's progress)."""
        stop = stop or threading.Event()

        def run(progress):
            from core.data.dataset import BuildCancelled
            from core.library.store import build_library, save_library

            lib, report = build_library(spectra, structures, progress=lambda d, t, n: progress((d, t)),
                                        cancelled=stop.is_set)
            if stop.is_set():
                raise BuildCancelled("cancelled before saving")
            save_library(lib, out)
            _ = lib.features
            return lib, report

        def done(res):
            lib, report = res
            self.set_library(lib, out)
            self.info.setText(self.info.text() + f"<br>Built from {report.files} files; "
                              f"{sum(len(v) for v in report.skipped.values())} skipped.")

        def failed(msg):
            self.progress.hide()
            self.info.setText("Library build cancelled: nothing was written." if stop.is_set() else
                              f"<span style='color:#b22'>Could not build the library: {html.escape(msg)}</span>")

        self.info.setText(f"Building {html.escape(out)}…")
        self.progress.setRange(0, 0)
        self.progress.show()
        w = thread_worker(run, progress=True)
        w.progressed.connect(lambda p: (self.progress.setRange(0, p[1]), self.progress.setValue(p[0])))
        w.returned.connect(done)
        w.errored.connect(failed)
        if watch is not None:
            watch(w)
        return self._start(w)

    def set_library(self, lib: Library, path: str) -> None:
        self.library = lib
        self.progress.hide()
        self.settings.setValue(SETTINGS_KEY, path)
        self.session.selection.update(library_hit=None)
        self.refresh()

    def shutdown(self) -> None:
        for w in list(self._workers):
            w.wait(10000)

    # ---------------------------------------------------------------- search and display
    def _selection_changed(self, fields: set[str]) -> None:
        if "entry" in fields:
            self.session.selection.update(library_hit=None)
            self.refresh()
        elif "group" in fields:
            self._fill_hits()
        if "library_hit" in fields:
            self._draw_overlay()

    def refresh(self) -> None:
        """Redraw the panel for the current entry and search the library for it in a job; the
        hits appear when the search returns."""
        self.match = None
        lib = self.library
        if lib is None:
            self.info.setText(HOW_TO)
        else:
            phases = ", ".join(f"{p} {n}" for p, n in lib.phase_counts().items())
            self.info.setText(f"{len(lib)} reference spectra ({phases})")
            self.info.setToolTip(lib.path)
        self._fill_compare()
        self._fill_hits()
        self._draw_overlay()
        if self._query() is not None:
            self.compare.setText(SEARCHING)
            self._search()

    def _query(self) -> Prediction | None:
        """The current entry's prediction when there is a library to search it in."""
        entry = self.session.current()
        pred = entry.prediction if entry else None
        ok = self.library is not None and pred is not None and pred.ok and pred.spectrum is not None
        return pred if ok else None

    def _search(self) -> None:
        """Search the library for the current entry, one job at a time: while one runs, the
        next starts when it returns (if what it searched for is no longer current)."""
        pred, lib = self._query(), self.library
        if pred is None or self._searching:
            return
        self._searching = True

        def current() -> bool:
            return self.library is lib and self._query() is pred

        def done(match: Match) -> None:
            self._searching = False
            if not current():  # the entry, its prediction or the library changed meanwhile
                self._search()
                return
            self.match = match
            self._fill_compare()
            self._fill_hits()

        def failed(message: str) -> None:
            self._searching = False
            if not current():
                self._search()
                return
            self.compare.setText(f"<span style='color:#b22'>Could not search: {html.escape(message)}</span>")

        self.session.run_job(lambda: library_search(lib, pred.spectrum, TOP), done, failed)

    def _fill_compare(self) -> None:
        m, entry, bundle = self.match, self.session.current(), self.session.bundle
        if m is None or entry is None or bundle is None:
            self.compare.setText("")
            return
        if not m.ok:
            self.compare.setText(f"<span style='color:#b22'>Cannot search: {html.escape(m.error)}</span>")
            return
        from core.library.search import VOTE_K, disagreements

        present = {n: bool(f) for n, f in zip(bundle.group_names, entry.prediction.present)}
        lines = [f"<span style='color:#b22'><b>Caution:</b> {html.escape(w)}; the hits are only loosely similar.</span>"
                 for w in m.warnings]
        lines += [f"<b>Network:</b> {', '.join(n for n, f in present.items() if f) or '(no group)'}",
                  f"<b>Vote of the {VOTE_K} nearest references:</b> {', '.join(m.vote_groups) or '(no group)'}"]
        diff = disagreements(m.vote, present)
        if diff:
            net_only = ", ".join(g for g, net, _ in diff if net)
            ref_only = ", ".join(g for g, net, _ in diff if not net)
            said = "; ".join(t for t in (net_only and f"only the network says {net_only}",
                                         ref_only and f"only the references say {ref_only}") if t)
            lines.append(f"<span style='color:#b45f06'><b>They disagree:</b> {said}.</span>")
        else:
            lines.append("<span style='color:#2a7'>The network and the references agree.</span>")
        self.compare.setText("<br>".join(lines))

    def _fill_hits(self) -> None:
        self.hits.clear()
        m = self.match
        if m is None or not m.ok:
            return
        smarts = GROUPS[self.session.selection.group].smarts
        for h in m.hits:
            png = structure_png(h.smiles, smarts, ICON.width(), ICON.height())
            item = QListWidgetItem(f"{h.rank}. {h.name}\nscore {h.score:.3f} · {h.phase} · CAS {h.cas or '?'}\n"
                                   f"{', '.join(h.groups) or '(no group)'}")
            if png:
                item.setIcon(QIcon(QPixmap.fromImage(QImage.fromData(png, "PNG"))))
            item.setToolTip(f"{h.file}\n{h.smiles}\nclick to overlay on the spectrum")
            item.setData(Qt.ItemDataRole.UserRole, h.index)
            self.hits.addItem(item)
            if h.index == self.session.selection.library_hit:
                item.setSelected(True)

    def _hit_clicked(self, item: QListWidgetItem) -> None:
        index = item.data(Qt.ItemDataRole.UserRole)
        sel = self.session.selection
        sel.update(library_hit=None if sel.library_hit == index else index)

    def _draw_overlay(self) -> None:
        i, lib = self.session.selection.library_hit, self.library
        if i is None or lib is None or not 0 <= i < len(lib):
            self._curve.hide()
            if self._plot.legend is not None:
                self._plot.legend.removeItem(self._curve)
            return
        self._curve.setData(lib.grid.x, self._spectrum.as_shown(lib.spectra[i]))
        self._curve.show()
        legend = self._plot.legend
        if legend is not None:
            legend.removeItem(self._curve)
            legend.addItem(self._curve, f"reference: {lib.names[i]}")
