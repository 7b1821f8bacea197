"""The loaded files: title and file name, status per file, one-line errors in place; the rows
selected are the session's selected entries (the results table shows the same ones)."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem

from irgroups_gui._qt import theme
from irgroups_gui.export import file_name
from irgroups_gui.session import Session


class FileList(QListWidget):
    """Text colours come from the palette (pending: placeholder colour; classified: the normal
    text colour), so the list stays readable in dark themes; errors are a mid red. Each item
    reads the spectrum's title, then the file's name when it differs, and the result. The
    selection is `session.selection`'s: the list writes the user's choice there and shows what
    is chosen elsewhere. Delete removes the selected files (`remove(indices)`, undoable).

    Every item is two lines, elided at the list's edge (the whole text in its tooltip), so all
    items have one size: adding rows to a long list lays out none of the others (with wrapped
    lines of their own sizes it asked every item for its size: 6 ms per step of 4 rows beside
    200, the list's share of a load's longest turns)."""

    def __init__(self, session: Session, remove: Callable[[list[int]], None], parent=None):
        super().__init__(parent)
        self.session = session
        self.remove = remove
        self._showing = False  # the list is being set to the session's selection
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setAlternatingRowColors(True)
        self.setUniformItemSizes(True)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMinimumWidth(220)
        session.entries_added.connect(self._added)
        session.entry_updated.connect(self._updated)
        session.entries_cleared.connect(self.clear)
        session.model_changed.connect(lambda: [self._updated(i) for i in range(self.count())])
        self.itemSelectionChanged.connect(self._selection_to_model)
        self.currentRowChanged.connect(self._selection_to_model)
        session.selection.changed.connect(lambda f: self.show_selection() if f & {"entry", "overlay"} else None)

    def show_selection(self) -> None:
        """Select exactly the session's selected entries, its current one as the current row."""
        sel, model, n = self.session.selection, self.model(), self.count()
        rows = QItemSelection()
        for i in sel.selected():
            if i < n:
                rows.select(model.index(i, 0), model.index(i, 0))
        self._showing = True
        try:
            self.selectionModel().select(rows, QItemSelectionModel.SelectionFlag.ClearAndSelect)
            if sel.entry is not None and sel.entry < n:
                self.selectionModel().setCurrentIndex(model.index(sel.entry, 0),
                                                      QItemSelectionModel.SelectionFlag.NoUpdate)
                self.scrollToItem(self.item(sel.entry))
        finally:
            self._showing = False

    def _added(self, first: int, count: int) -> None:
        for i in range(first, first + count):
            self.addItem(QListWidgetItem())
            self._updated(i)
        if self.session.selection.entry is None and count:
            self.setCurrentRow(first)
        elif any(first <= i < first + count for i in self.session.selection.selected()):
            # entries selected before their rows existed (a reopened session); otherwise the
            # selection shown stays right, and re-showing it laid out every row again (scrollToItem)
            self.show_selection()

    def _updated(self, index: int) -> None:
        item = self.item(index)
        if item is None:
            return
        e = self.session.entries[index]
        p = e.prediction
        file = "" if file_name(e.path) == e.name else f"{file_name(e.path)} · "
        if e.status == "pending":
            item.setText(f"{e.name}\n    {file}classifying…")
            item.setForeground(QBrush(theme.muted_text()))
        elif e.status == "error":
            item.setText(f"{e.name}\n    {file}✖ {p.error}")
            item.setForeground(QBrush(QColor(*theme.ERROR_TEXT)))
        else:
            names = self.session.bundle.group_names
            present = p.present_groups(names)
            caution = "  ⚠" if p.warnings or p.in_domain is False else ""
            unknown = f"  (undetermined: {', '.join(p.undetermined)})" if p.undetermined else ""
            item.setText(f"{e.name}{caution}\n    {file}{', '.join(present) or 'no group'}{unknown}")
            item.setData(Qt.ItemDataRole.ForegroundRole, None)  # the palette's text colour
        warnings = p.warnings if p and p.ok else []
        item.setToolTip("\n".join([item.text(), e.path, *warnings]))  # the whole of the elided lines

    def _selection_to_model(self, *_) -> None:
        if not self._showing:
            self.session.selection.select([self.row(i) for i in self.selectedItems()], self.currentRow())

    def step(self, delta: int) -> None:
        """Select the next (+1) or previous (-1) file."""
        if self.count():  # only that file: the selection is replaced, not extended
            self.setCurrentRow(max(0, min(self.count() - 1, max(self.currentRow(), 0) + delta)),
                               QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt API)
        """Escape keeps only the current file selected (drops the overlays); Delete removes the
        selected files."""
        entry = self.session.selection.entry
        if event.key() == Qt.Key.Key_Escape:
            self.session.selection.select([] if entry is None else [entry], entry)
        elif event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.session.selection.selected():
            self.remove(list(self.session.selection.selected()))
        else:
            super().keyPressEvent(event)
