"""The app's document: loaded spectra with their predictions, and the current model."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from core.artifacts.processing import Processing
from irgroups_gui.events import Signal
from irgroups_gui.jobs import explanation_terms
from irgroups_gui.selection import Selection

if TYPE_CHECKING:  # torch-backed types: imported by the loader thread, not at start-up
    from core.nn.bundle import ModelBundle
    from core.predict.classify import Prediction
    from core.explain.evidence import Explainer
    from core.explain.patterns import PatternSet


JobRunner = Callable[[Callable[[], Any], Callable[[Any], None], Callable[[str], None]], None]
"""run(job, on_result, on_error): runs job() somewhere and calls exactly one of the callbacks
on the caller's (GUI) thread. The app passes a worker-thread runner; the default runs inline."""


def run_inline(job: Callable[[], Any], on_result: Callable[[Any], None], on_error: Callable[[str], None]) -> None:
    """A JobRunner for scripts and tests without an event loop: run now, on this thread."""
    try:
        result = job()
    except Exception as exc:  # same contract as the worker: one line, no traceback
        on_error(str(exc) or type(exc).__name__)
        return
    on_result(result)


@dataclass
class Entry:
    """One file the user loaded: pending, classified, or failed with a one-line error. A file
    holding several spectra (a multi-subfile SPC) is one entry showing one of them."""

    path: str
    prediction: Prediction | None = None
    subfile: int = 0  # which spectrum of the file is shown and classified (from 0)
    subfiles: int = 1  # how many spectra the file holds (known once it has been read)

    @property
    def name(self) -> str:
        if self.prediction and self.prediction.name:
            return self.prediction.name
        return Path(self.path).name

    @property
    def status(self) -> str:
        if self.prediction is None:
            return "pending"
        return "ok" if self.prediction.ok else "error"


class Session:
    """Owns the entries and the model; emits when either changes. Evidence terms are computed
    by `run_job` (a worker thread in the app): `terms()` never blocks; `terms_ready` says when
    the terms of an entry arrived."""

    def __init__(self, run_job: JobRunner = run_inline) -> None:
        self.entries: list[Entry] = []
        self.bundle: ModelBundle | None = None
        self.explainer: Explainer | None = None
        self.patterns: PatternSet | None = None
        self.selection = Selection()
        self.entries_added = Signal()  # (first index, count)
        self.entry_updated = Signal()  # (index)
        self.entries_cleared = Signal()
        self.model_changed = Signal()
        self.terms_ready = Signal()  # (index): terms of that entry are now in the cache
        self.job_failed = Signal()  # (one-line message)
        self.processing = Processing()  # the corrections applied before classification
        self.processing_changed = Signal()
        self._run_job = run_job
        self._terms_cache: dict[int, np.ndarray] = {}
        self._terms_running: int | None = None  # entry whose terms a job is computing
        self._terms_wanted: int | None = None  # entry asked for while that job runs
        self._generation = 0  # bumped when the model or the list changes: older results are stale

    def run_job(self, job: Callable[[], Any], on_result: Callable[[Any], None],
                on_error: Callable[[str], None]) -> None:
        """Run job() with the session's JobRunner: in a worker thread in the app (results on the
        GUI thread), inline in scripts and tests. For the views' long work (library search)."""
        self._run_job(job, on_result, on_error)

    # ---------------------------------------------------------------- entries
    def add_paths(self, paths: list[str]) -> list[int]:
        """Append pending entries for files not already loaded; returns their indices."""
        known = {e.path for e in self.entries}
        new = [p for p in dict.fromkeys(paths) if p not in known]
        first = len(self.entries)
        self.entries += [Entry(p) for p in new]
        if new:
            self.entries_added.emit(first, len(new))
        return list(range(first, first + len(new)))

    def set_prediction(self, index: int, prediction: Prediction,
                       schedule: Callable[[list[Callable[[], None]]], None] | None = None) -> None:
        """Give an entry its prediction. The views hear of it at once, or with `schedule`, one
        view per call it is given (a load spreads the shown entry's redraw over several turns);
        a call made after the entry was replaced or its prediction changed again does nothing."""
        entry = self.entries[index]
        entry.prediction = prediction
        self._terms_cache.pop(index, None)
        if schedule is None:
            self.entry_updated.emit(index)
            return

        def still(call: Callable[[], None]) -> None:
            if index < len(self.entries) and self.entries[index] is entry and entry.prediction is prediction:
                call()

        schedule([partial(still, call) for call in self.entry_updated.calls(index)])

    def clear(self) -> None:
        self.entries = []
        self._generation += 1
        self._terms_cache.clear()
        self.selection.update(entry=None, overlay=(), channel=None, position=None, region=None)
        self.entries_cleared.emit()

    def remove(self, indices: list[int]) -> None:
        """Drop some entries (the results table's Delete); views rebuild as after clear() and add."""
        drop = set(indices)
        keep = [e for i, e in enumerate(self.entries) if i not in drop]
        self.clear()
        if keep:
            self.entries = keep
            self.entries_added.emit(0, len(keep))

    def insert(self, entries: list[tuple[int, Entry]]) -> list[int]:
        """Put removed entries back at their indices with their predictions (undoing `remove`),
        skipping files loaded again meanwhile; views rebuild as after `remove`. Returns the
        indices the entries now have."""
        known = {e.path for e in self.entries}
        back = [(i, e) for i, e in sorted(entries, key=lambda ie: ie[0]) if e.path not in known]
        if not back:
            return []
        merged = list(self.entries)
        for i, e in back:
            merged.insert(min(i, len(merged)), e)
        self.clear()
        self.entries = merged
        self.entries_added.emit(0, len(merged))
        returned = {id(e) for _, e in back}
        return [k for k, e in enumerate(merged) if id(e) in returned]

    @property
    def generation(self) -> int:
        """Bumped when the model or the list of entries changes: results of work started under an
        older generation are stale and must be dropped."""
        return self._generation

    def current(self) -> Entry | None:
        i = self.selection.entry
        return self.entries[i] if i is not None and 0 <= i < len(self.entries) else None

    # ---------------------------------------------------------------- model
    def set_model(self, bundle: ModelBundle, explainer: Explainer, patterns: PatternSet | None) -> None:
        """Switch models; predictions made with the previous model are dropped (re-run them)."""
        self.bundle, self.explainer, self.patterns = bundle, explainer, patterns
        self._generation += 1
        self._terms_cache.clear()
        for e in self.entries:
            e.prediction = None
        self.model_changed.emit()

    def set_processing(self, processing: Processing) -> None:
        """Change the corrections; predictions made with the previous ones are dropped (re-run
        them: the window does, in a worker)."""
        if processing == self.processing:
            return
        self.processing = processing
        self._generation += 1
        self._terms_cache.clear()
        for e in self.entries:
            e.prediction = None
        self.processing_changed.emit()

    def terms(self, index: int) -> np.ndarray | None:
        """(members, groups, channels, positions) evidence terms of a classified entry if they
        are ready; otherwise asks a job for them (never computes here) and returns None. Listen
        to `terms_ready` to redraw when they arrive."""
        if index not in self._terms_cache and self._explainable(index):
            self._request_terms(index)
        return self._terms_cache.get(index)

    def _explainable(self, index: int) -> bool:
        e = self.entries[index] if 0 <= index < len(self.entries) else None
        return self.explainer is not None and e is not None and e.prediction is not None and e.prediction.ok

    def _request_terms(self, index: int) -> None:
        """One job at a time: a request made while one runs replaces any earlier waiting one."""
        if self._terms_running is not None:
            if self._terms_running != index:
                self._terms_wanted = index
            return
        self._terms_running = index
        explainer, prediction, generation = self.explainer, self.entries[index].prediction, self._generation

        def done(terms: np.ndarray) -> None:
            self._terms_running = None
            fresh = (generation == self._generation and index < len(self.entries)
                     and self.entries[index].prediction is prediction)
            if fresh and index == self.selection.entry:  # stale or no longer shown: dropped
                self._terms_cache[index] = terms
                self.terms_ready.emit(index)
            self._next_terms()

        def failed(message: str) -> None:
            self._terms_running = None
            self.job_failed.emit(f"Could not compute the evidence: {message}")
            self._next_terms()

        self._run_job(lambda: explanation_terms(explainer, prediction.model_input, prediction.phase or "unknown"),
                      done, failed)

    def _next_terms(self) -> None:
        wanted, self._terms_wanted = self._terms_wanted, None
        if wanted is not None and wanted == self.selection.entry:
            self.terms(wanted)
