"""The window's undo history (Edit > Undo, Ctrl+Z; Redo, Ctrl+Shift+Z): deleting entries and
changing the processing corrections, each a command whose undo puts back what was there. A list
replaced by other means (Clear list, a reopened session) starts a new history: the indices the
older commands hold no longer name its entries."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QKeySequence, QUndoCommand, QUndoStack

from core.artifacts.processing import Processing
from irgroups_gui.session import Session


class UndoHistory:
    """A QUndoStack with its Undo and Redo actions. The loader classifies the entries left
    without a prediction (in a worker, `queue_all`); while it is loading (`classifying`) deletes
    are neither undone nor redone, as the loader refuses to remove files then."""

    def __init__(self, window, session: Session, loader) -> None:
        self.window, self.session, self.loader = window, session, loader
        self.stack = QUndoStack(window)
        self.undo_action = self._action(window, "Undo", "Ctrl+Z", self.undo)
        self.redo_action = self._action(window, "Redo", "Ctrl+Shift+Z", self.redo)
        self.stack.canUndoChanged.connect(self.undo_action.setEnabled)
        self.stack.canRedoChanged.connect(self.redo_action.setEnabled)
        self.stack.undoTextChanged.connect(lambda text: self.undo_action.setText(f"&Undo {text}".strip()))
        self.stack.redoTextChanged.connect(lambda text: self.redo_action.setText(f"&Redo {text}".strip()))
        self.changing_entries = False  # a command is rebuilding the list (not a new list)
        session.entries_cleared.connect(lambda: None if self.changing_entries else self.stack.clear())

    @staticmethod
    def _action(window, text: str, key: str, slot: Callable[[], None]) -> QAction:
        act = QAction(f"&{text}", window, enabled=False)
        act.setShortcut(QKeySequence(key))
        act.triggered.connect(lambda checked=False: slot())
        return act

    def undo(self) -> None:
        if self._may_run(self.stack.command(self.stack.index() - 1), "undo"):
            self.stack.undo()

    def redo(self) -> None:
        if self._may_run(self.stack.command(self.stack.index()), "redo"):
            self.stack.redo()

    def _may_run(self, command: QUndoCommand | None, verb: str) -> bool:
        if isinstance(command, RemoveEntries) and self.loader.classifying:
            self.window.status(f"Wait until classification has finished to {verb} a delete.", 5000)
            return False
        return command is not None

    def remove_entries(self, indices: list[int]) -> None:
        """Delete these entries, undoably."""
        self.stack.push(RemoveEntries(self, indices))

    def set_processing(self, processing: Processing, text: str) -> None:
        """Switch to other corrections, undoably; `text` names the change in the Edit menu."""
        if processing != self.session.processing:
            self.stack.push(ChangeProcessing(self.session, processing, text))


class RemoveEntries(QUndoCommand):
    """Undo puts the entries back where they were with their results; they are classified again
    (by the loader, in its worker) only when the model or the corrections changed since they were
    deleted."""

    def __init__(self, history: UndoHistory, indices: list[int]) -> None:
        n = len(set(indices))
        super().__init__(f"Delete {n} spectr{'um' if n == 1 else 'a'}")
        self.history = history
        session = history.session
        self.removed = [(i, session.entries[i]) for i in sorted(set(indices))]
        self.made_with = (session.bundle, session.processing)  # what their predictions came from

    def redo(self) -> None:
        session = self.history.session
        self.made_with = (session.bundle, session.processing)  # also when redone after a change
        self._changing(lambda: session.remove([i for i, _ in self.removed]))
        n = len(session.entries)
        after = min(self.removed[0][0], n - 1)  # the entry that took the first one's place
        session.selection.select([after] if n else [])

    def undo(self) -> None:
        session = self.history.session
        bundle, processing = self.made_with
        stale = session.bundle is not bundle or session.processing != processing
        if stale:
            for _, entry in self.removed:
                entry.prediction = None
        back: list[int] = []
        self._changing(lambda: back.extend(session.insert(self.removed)))
        session.selection.select(back)
        if stale:
            self.history.loader.queue_all()

    def _changing(self, change: Callable[[], None]) -> None:
        self.history.changing_entries = True
        try:
            change()
        finally:
            self.history.changing_entries = False


class ChangeProcessing(QUndoCommand):
    """Undo restores the corrections in use before; either way the list is classified again."""

    def __init__(self, session: Session, after: Processing, text: str) -> None:
        super().__init__(text)
        self.session, self.before, self.after = session, session.processing, after

    def redo(self) -> None:
        self.session.set_processing(self.after)

    def undo(self) -> None:
        self.session.set_processing(self.before)
