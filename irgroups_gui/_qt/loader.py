"""Getting spectra into the window: open dialogs, drops, recent files, and classifying what was
added in a worker, chunk by chunk, with the progress bar. The loader owns the queue of entries
waiting for the model, the phases the user chose per file and the selection a reopened session
restores once its files are classified."""
from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog

from core.readers.io import expand_paths
from core.readers.registry import file_dialog_filter
from irgroups_gui._qt.worker import Worker, thread_worker
from irgroups_gui.jobs import classify_paths
from irgroups_gui.phase_jobs import reclassify

CHUNK = 32
MAX_RECENT = 10


class Loader:
    def __init__(self, window):
        self.window = window
        self.session = window.session
        self.queue: list[int] = []
        self.classifying = False
        self.phase_choice: dict[str, str] = {}  # file -> phase chosen in the results table
        self.restore: dict | None = None  # selection to restore once a reopened session is classified

    # ---------------------------------------------------------------- adding files
    def add_paths(self, paths: list[str]) -> None:
        files = expand_paths(paths)
        if not files:
            self.window.status("No spectrum files there.", 5000)
            return
        new = self.session.add_paths(files)
        self.remember(paths)
        self.queue += new
        self.window.status(f"{len(new)} files added.", 4000)
        self.classify_pending()

    def queue_all(self) -> None:
        """Classify every entry again (a new model, a reopened session)."""
        self.queue = list(range(len(self.session.entries)))
        self.classify_pending()

    def open_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self.window, "Open spectra", "", file_dialog_filter())
        if paths:
            self.add_paths(paths)

    def open_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self.window, "Open a folder of spectra (every file in it and below)")
        if path:
            self.add_paths([path])

    def open_samples(self) -> None:
        from core.data.resources import sample_files

        self.add_paths([str(p) for p in sample_files()])

    def remember(self, paths: list[str]) -> None:
        settings = self.window.settings
        recent = [p for p in (settings.value("recent", []) or []) if p not in paths]
        settings.setValue("recent", (list(paths) + recent)[:MAX_RECENT])
        self.refresh_recent()

    def refresh_recent(self) -> None:
        menu = self.window.recent_menu
        menu.clear()
        for p in (self.window.settings.value("recent", []) or [])[:MAX_RECENT]:
            act = QAction(p, self.window)
            act.triggered.connect(lambda checked=False, p=p: self.add_paths([p]))
            menu.addAction(act)
        menu.setEnabled(not menu.isEmpty())

    # ---------------------------------------------------------------- classifying
    def classify_pending(self) -> None:
        session, window = self.session, self.window
        if self.classifying or session.bundle is None:
            return
        pending = [i for i in self.queue if session.entries[i].prediction is None]
        self.queue = []
        progress = window.progress
        if not pending:
            progress.hide()
            self.restore_selection()
            return
        self.classifying = True
        progress.setRange(0, len(pending))
        progress.setValue(0)
        progress.show()
        paths = [session.entries[i].path for i in pending]
        w = thread_worker(classify_paths, paths, session.bundle, CHUNK, session.processing, progress=True)
        generation = session.generation

        def on_chunk(chunk):
            if session.generation != generation:  # the list was cleared or the model changed
                return
            start, preds = chunk
            k = start  # predictions come in file order; a multi-spectrum file gives one per spectrum
            for p in preds:
                if p.index == 0:
                    session.set_prediction(pending[k], p)
                    k += 1
                else:
                    session.add_spectrum(p)
            progress.setValue(k)

        def done():
            self.classifying = False
            if session.generation != generation:  # stale: classify what is queued now
                self.classify_pending()
                return
            failed = sum(session.entries[i].status == "error" for i in pending)
            window.status(f"Classified {len(pending) - failed} of {len(pending)} files"
                          + (f"; {failed} could not be read (see the list)." if failed else "."), 8000)
            for i in pending:  # phases the user chose for these files (reopened session, model change)
                phase = self.phase_choice.get(session.entries[i].path)
                if phase and session.entries[i].status == "ok":
                    self.choose_phase(i, phase)
            self.classify_pending()

        w.progressed.connect(on_chunk)
        w.errored.connect(lambda msg: window.status(f"Classification failed: {msg}"))
        w.finished.connect(done)
        window.start(w)

    def choose_phase(self, index: int, phase: str) -> Worker | None:
        """Reclassify one entry with the chosen phase ('auto' or a phase class), off the GUI thread."""
        session = self.session
        entry = session.entries[index]
        bundle = session.bundle
        if bundle is None or entry.prediction is None:
            return None
        if phase == "auto":
            self.phase_choice.pop(entry.path, None)
        else:
            self.phase_choice[entry.path] = phase
        w = thread_worker(reclassify, entry.path, entry.prediction.spectrum, bundle, phase, session.processing)

        def returned(pred):
            # the list may have changed meanwhile: find the entry again by its file
            for i, e in enumerate(session.entries):
                if e.path == entry.path and session.bundle is bundle:
                    session.set_prediction(i, pred)
                    self.window.status(f"{e.name}: reclassified as {pred.phase or phase}.", 5000)

        w.returned.connect(returned)
        w.errored.connect(lambda msg: self.window.status(f"Could not reclassify {entry.name}: {msg}"))
        return self.window.start(w)

    # ---------------------------------------------------------------- removing
    def remove_entries(self, indices: list[int]) -> None:
        if self.classifying:
            self.window.status("Wait until classification has finished to remove files.", 5000)
            return
        self.session.remove(indices)
        self.window.status(f"Removed {len(indices)} files from the list.", 5000)

    def confirm_clear(self) -> None:
        n = len(self.session.entries)
        if n and self.window.confirm("Clear list", f"Remove all {n} spectra from the list?"):
            self.session.clear()
            self.phase_choice.clear()

    def restore_selection(self) -> None:
        sel, self.restore = self.restore, None
        if not sel or not self.session.entries:
            return
        n = len(self.session.entries)
        entry = sel.get("entry")
        self.session.selection.update(group=int(sel.get("group", 0)), member=int(sel.get("member", 0)))
        if entry is not None and entry < n:
            self.window.files.setCurrentRow(entry)
            self.session.selection.update(overlay=tuple(i for i in sel.get("overlay", []) if i < n))
