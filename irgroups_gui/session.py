"""The app's document: loaded spectra with their predictions, and the current model."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from irgroups_gui.events import Signal
from irgroups_gui.selection import Selection

if TYPE_CHECKING:  # torch-backed types: imported by the loader thread, not at start-up
    from core.bundle import ModelBundle
    from core.classify import Prediction
    from core.explain import Explainer
    from core.patterns import PatternSet


@dataclass
class Entry:
    """One file the user loaded: pending, classified, or failed with a one-line error."""

    path: str
    prediction: Prediction | None = None

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
    """Owns the entries and the model; emits when either changes."""

    def __init__(self) -> None:
        self.entries: list[Entry] = []
        self.bundle: ModelBundle | None = None
        self.explainer: Explainer | None = None
        self.patterns: PatternSet | None = None
        self.selection = Selection()
        self.entries_added = Signal()  # (first index, count)
        self.entry_updated = Signal()  # (index)
        self.entries_cleared = Signal()
        self.model_changed = Signal()
        self._terms_cache: dict[int, np.ndarray] = {}

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

    def add_spectrum(self, prediction: Prediction) -> int:
        """Append an entry for a further spectrum of a multi-spectrum file (`file #n`)."""
        self.entries.append(Entry(f"{prediction.source} #{prediction.index + 1}", prediction))
        index = len(self.entries) - 1
        self.entries_added.emit(index, 1)
        self.entry_updated.emit(index)
        return index

    def set_prediction(self, index: int, prediction: Prediction) -> None:
        self.entries[index].prediction = prediction
        self._terms_cache.pop(index, None)
        self.entry_updated.emit(index)

    def clear(self) -> None:
        self.entries = []
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

    def current(self) -> Entry | None:
        i = self.selection.entry
        return self.entries[i] if i is not None and 0 <= i < len(self.entries) else None

    # ---------------------------------------------------------------- model
    def set_model(self, bundle: ModelBundle, explainer: Explainer, patterns: PatternSet | None) -> None:
        """Switch models; predictions made with the previous model are dropped (re-run them)."""
        self.bundle, self.explainer, self.patterns = bundle, explainer, patterns
        self._terms_cache.clear()
        for e in self.entries:
            e.prediction = None
        self.model_changed.emit()

    def terms(self, index: int) -> np.ndarray | None:
        """(members, groups, channels, positions) evidence terms of a classified entry (cached)."""
        e = self.entries[index] if 0 <= index < len(self.entries) else None
        if e is None or self.explainer is None or e.prediction is None or not e.prediction.ok:
            return None
        if index not in self._terms_cache:
            self._terms_cache[index] = self.explainer.terms(e.prediction.model_input)
        return self._terms_cache[index]
