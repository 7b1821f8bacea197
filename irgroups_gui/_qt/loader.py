"""Getting spectra into the window: open dialogs, drops, recent files, and reading and classifying
what was added in a worker (in the app's child process, `load_process.py`), CHUNK files at a time, with the progress bar and Cancel. The GUI
thread only adds rows and applies results, SLICE rows per step, in steps of a few milliseconds
(`step_queue.py`), so a load of any size never freezes the window.

The loader owns the load in progress (files waiting to be added, the chunk being read, its tally
of errors), the phases the user chose per file and the selection a reopened session restores once
its files are classified."""
from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QPushButton

from core.predict.classify import Prediction
from core.readers.io import expand_paths
from core.readers.registry import file_dialog_filter
from irgroups_gui._qt.step_queue import StepQueue
from irgroups_gui._qt.worker import Worker, thread_worker
from irgroups_gui.load_jobs import Item, Loaded, classify_one
from irgroups_gui.load_process import shared_process
from irgroups_gui.load_report import LoadReport

CHUNK = 32  # files read and classified per worker run; Cancel takes effect between runs
SLICE = 4  # rows added or updated per GUI-thread step (~0.6 ms a row)
MAX_RECENT = 10


class Loader:
    def __init__(self, window):
        self.window = window
        self.session = window.session
        self.phase_choice: dict[str, str] = {}  # file -> phase chosen in the results table
        self.restore: dict | None = None  # selection to restore once a reopened session is classified
        self.steps = StepQueue(window)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop loading: the files read so far stay in the list")
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        self._waiting: list[str] = []  # files to add, in order, not yet given to a worker
        self._chunk: list[str] | None = None  # files the worker is reading now
        self._report: LoadReport | None = None  # the load in progress (None: idle)
        self._cancelled = False
        self._epoch = 0  # bumped when the list is cleared: queued additions are dropped
        self._run = 0  # the worker run whose results count; a cleared list abandons its run
        self.process = shared_process()
        self.session.entries_cleared.connect(self._forget)

    @property
    def classifying(self) -> bool:
        """A load is in progress: files waiting, being read, or their results being shown."""
        return self._report is not None

    # ---------------------------------------------------------------- adding files
    def add_paths(self, paths: list[str]) -> None:
        """Add files and folders (their spectrum files): rows appear as the worker reaches them."""
        files = expand_paths(paths)
        if not files:
            self.window.status("No spectrum files there.", 5000)
            return
        self.remember(paths)
        known = {e.path for e in self.session.entries} | set(self._waiting) | set(self._chunk or ())
        new = [f for f in dict.fromkeys(files) if f not in known]
        if not new:
            self.window.status("Those files are already in the list.", 4000)
            return
        self._waiting += new
        self._cancelled = False
        self.window.status(f"Adding {len(new)} files…", 4000)
        self._begin()  # the first rows appear in the next turn: the drop's own turn stays short

    def warm(self) -> None:
        """Start the child process with the session's model (a new model), off the GUI thread."""
        self.window.start(thread_worker(self.process.warm, self.session.bundle))

    def queue_all(self) -> None:
        """Classify every entry waiting for the model (a new model, a reopened session)."""
        self._begin()

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

    # ---------------------------------------------------------------- the load
    def _begin(self) -> None:
        """Start a load, or count more files into the one in progress, and run its next chunk."""
        if self._report is None:
            self._report = LoadReport()
            self.cancel_button.setEnabled(True)
            self.cancel_button.setText("Cancel")
        self._show_progress()
        self._next()

    def _remaining(self) -> int:
        waiting = {e.path for e in self.session.entries if e.prediction is None}
        return len(waiting | set(self._waiting) | set(self._chunk or ()))

    def _show_progress(self) -> None:
        report, progress = self._report, self.window.progress
        report.total = report.done + self._remaining()
        progress.set_total(report.total)
        progress.set_done(report.done)
        progress.show()
        self.cancel_button.show()

    def _next(self) -> None:
        """Give the worker the next chunk: entries waiting for the model first, then new files
        (their rows are added in steps); finish when there is nothing left."""
        session = self.session
        if self._chunk is not None or self._report is None:
            return
        pending = [] if self._cancelled else [e for e in session.entries if e.prediction is None]
        if not pending and not self._waiting:
            self._finish()
            return
        if session.bundle is None:  # the model's arrival runs the load (queue_all)
            return
        items = [Item(e.path, e.subfile, self.phase_choice.get(e.path, "auto")) for e in pending[:CHUNK]]
        new, self._waiting = self._waiting[:CHUNK - len(items)], self._waiting[CHUNK - len(items):]
        items += [Item(p, 0, self.phase_choice.get(p, "auto")) for p in new]
        # into an empty list the first row comes alone: selecting it redraws every view
        for part in ([new[:1], new[1:]] if new and not session.entries else [new]):
            for k in range(0, len(part), SLICE):
                self.steps.put(partial(self._add, part[k:k + SLICE], self._epoch))
        self._chunk = [i.path for i in items]
        self._run += 1
        run, generation = self._run, session.generation
        w = thread_worker(self.process.classify_items, items, session.bundle, session.processing)
        w.returned.connect(lambda loaded: self._arrived(loaded, generation, run))
        w.errored.connect(lambda msg: self._arrived([self._failed(i.path, msg) for i in items], generation, run))
        self.window.start(w)

    @staticmethod
    def _failed(path: str, message: str) -> Loaded:
        return Loaded(path, Prediction(source=path, name=Path(path).name, error=f"not classified: {message}"), 0)

    def _add(self, paths: list[str], epoch: int) -> None:
        if epoch == self._epoch:  # not since cleared
            self.session.add_paths(paths)

    def _arrived(self, loaded: list[Loaded], generation: int, run: int) -> None:
        """A chunk is back from the worker: its results are shown in steps, then the next chunk."""
        if run != self._run:  # abandoned when the list was cleared
            return
        for part in self._slices(loaded):
            self.steps.put(partial(self._apply, part, generation))
        self.steps.put(partial(self._chunk_done, run))

    def _slices(self, loaded: list[Loaded]) -> list[list[Loaded]]:
        """SLICE results per step, the shown entry's alone: it redraws the plots, and with other
        rows in the same step that turn took 24 ms of GUI-thread CPU."""
        current = self.session.current()
        shown = current.path if current is not None else None
        out: list[list[Loaded]] = [[]]
        for done in loaded:
            if done.path == shown:
                out += [[done], []]
            else:
                if len(out[-1]) == SLICE:
                    out.append([])
                out[-1].append(done)
        return [part for part in out if part]

    def _apply(self, loaded: list[Loaded], generation: int) -> None:
        session, report = self.session, self._report
        if generation != session.generation:  # cleared, or another model or corrections since
            return
        index = {e.path: i for i, e in enumerate(session.entries)}
        shown = session.selection.entry
        for done in loaded:
            i = index.get(done.path)
            if i is None:
                continue
            entry = session.entries[i]
            entry.subfiles, entry.subfile = max(done.subfiles, 1), done.prediction.index
            # the shown entry's views redraw one per step, ahead of the other queued steps: all in
            # this step they held the window 12 ms of CPU (27 ms with the cores busy)
            session.set_prediction(i, done.prediction, self.steps.put_next if i == shown else None)
            report.count(Path(entry.path).name, done.prediction.error)
        self.window.progress.set_done(report.done)  # painted with the window's next paint (CountBar)

    def _chunk_done(self, run: int) -> None:
        if run == self._run:
            self._chunk = None
            self._next()

    def _finish(self) -> None:
        report, self._report = self._report, None
        self.window.progress.hide()
        self.cancel_button.hide()
        if report.done or self._cancelled:
            self.window.status(report.line(self._cancelled), 0 if report.errors else 8000)
        self._cancelled = False
        self.restore_selection()

    def cancel(self) -> None:
        """Stop the load after the chunk being read: what was read stays, the rest is not added."""
        if self._report is None:
            return
        self._cancelled = True
        self._waiting = []
        self.cancel_button.setEnabled(False)
        self.cancel_button.setText("Cancelling…")
        self._next()

    def _forget(self) -> None:
        """The list was cleared: files waiting to be added go too, the chunk being read is
        abandoned (its results would be stale) and the load ends unless more files come."""
        self._waiting = []
        self._epoch += 1
        if self._chunk is not None:
            self._chunk, self._run = None, self._run + 1
        self.steps.put(self._next)

    # ---------------------------------------------------------------- one entry again
    def choose_phase(self, index: int, phase: str) -> Worker | None:
        """Reclassify one entry with the chosen phase ('auto' or a phase class), off the GUI thread."""
        entry = self.session.entries[index]
        if self.session.bundle is None or entry.prediction is None:
            return None
        if phase == "auto":
            self.phase_choice.pop(entry.path, None)
        else:
            self.phase_choice[entry.path] = phase
        return self._reclassify(index, Item(entry.path, entry.subfile, phase), entry.prediction.spectrum,
                                lambda p: f"reclassified as {p.phase or phase}")

    def choose_subfile(self, index: int, subfile: int) -> Worker | None:
        """Show and classify another spectrum (from 0) of a multi-spectrum file, off the GUI thread."""
        entry = self.session.entries[index]
        if self.session.bundle is None or subfile == entry.subfile or not 0 <= subfile < entry.subfiles:
            return None
        entry.subfile = subfile
        item = Item(entry.path, subfile, self.phase_choice.get(entry.path, "auto"))
        return self._reclassify(index, item, None, lambda p: f"spectrum {subfile + 1} of {entry.subfiles} classified")

    def _reclassify(self, index: int, item: Item, spectrum, said) -> Worker:
        session, entry, bundle = self.session, self.session.entries[index], self.session.bundle
        w = thread_worker(classify_one, item, bundle, session.processing, spectrum, entry.subfiles)

        def returned(done: Loaded) -> None:
            # the list may have changed meanwhile: find the entry again by its file; a newer
            # choice of subfile wins
            for i, e in enumerate(session.entries):
                if e.path == item.path and e.subfile == item.subfile and session.bundle is bundle:
                    session.set_prediction(i, done.prediction)
                    self.window.status(f"{e.name}: {said(done.prediction)}.", 5000)

        w.returned.connect(returned)
        w.errored.connect(lambda msg: self.window.status(f"Could not reclassify {entry.name}: {msg}"))
        return self.window.start(w)

    # ---------------------------------------------------------------- removing
    def remove_entries(self, indices: list[int]) -> None:
        if self.classifying:
            self.window.status("Wait until classification has finished to remove files.", 5000)
            return
        self.window.undo.remove_entries(indices)
        self.window.status(f"Removed {len(indices)} files from the list (Ctrl+Z puts them back).", 5000)

    def confirm_clear(self) -> None:
        """Clear the list after asking; a load in progress stops (its rows may not be shown yet)."""
        n, loading = len(self.session.entries), self.classifying
        text = "Stop adding files and clear the list?" if loading else f"Remove all {n} spectra from the list?"
        if (n or loading) and self.window.confirm("Clear list", text):
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
