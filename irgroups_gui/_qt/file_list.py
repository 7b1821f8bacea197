"""The loaded files: status per file, one-line errors in place, selection and overlays."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem

from irgroups_gui._qt import theme
from irgroups_gui.session import Session


class FileList(QListWidget):
    """Text colours come from the palette (pending: placeholder colour; classified: the normal
    text colour), so the list stays readable in dark themes; errors are a mid red."""

    def __init__(self, session: Session, parent=None):
        super().__init__(parent)
        self.session = session
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(True)
        self.setMinimumWidth(220)
        session.entries_added.connect(self._added)
        session.entry_updated.connect(self._updated)
        session.entries_cleared.connect(self.clear)
        session.model_changed.connect(lambda: [self._updated(i) for i in range(self.count())])
        self.itemSelectionChanged.connect(self._selection_to_model)
        session.selection.changed.connect(self._model_to_selection)

    def _model_to_selection(self, fields: set[str]) -> None:
        """Follow a current spectrum chosen elsewhere (results table, next/previous file)."""
        entry = self.session.selection.entry
        if "entry" in fields and entry is not None and entry != self.currentRow() and entry < self.count():
            self.blockSignals(True)
            self.setCurrentRow(entry)
            self.blockSignals(False)

    def _added(self, first: int, count: int) -> None:
        for i in range(first, first + count):
            self.addItem(QListWidgetItem())
            self._updated(i)
        if self.session.selection.entry is None and count:
            self.setCurrentRow(first)

    def _updated(self, index: int) -> None:
        item = self.item(index)
        if item is None:
            return
        e = self.session.entries[index]
        p = e.prediction
        if e.status == "pending":
            item.setText(f"{e.name}\n    classifying…")
            item.setForeground(QBrush(theme.muted_text()))
        elif e.status == "error":
            item.setText(f"{e.name}\n    ✖ {p.error}")
            item.setForeground(QBrush(QColor(*theme.ERROR_TEXT)))
        else:
            names = self.session.bundle.group_names
            present = p.present_groups(names)
            caution = "  ⚠" if p.warnings or p.in_domain is False else ""
            unknown = f"  (undetermined: {', '.join(p.undetermined)})" if p.undetermined else ""
            item.setText(f"{e.name}{caution}\n    {', '.join(present) or 'no group'}{unknown}")
            item.setData(Qt.ItemDataRole.ForegroundRole, None)  # the palette's text colour
        item.setToolTip(f"{e.path}\n" + ("\n".join(p.warnings) if p and p.ok else (p.error if p else "")))

    def _selection_to_model(self) -> None:
        rows = sorted(self.row(i) for i in self.selectedItems())
        current = self.currentRow()
        if current not in rows and rows:
            current = rows[0]
        self.session.selection.update(entry=current if current >= 0 else None, overlay=tuple(rows))

    def step(self, delta: int) -> None:
        """Select the next (+1) or previous (-1) file."""
        if self.count():
            self.setCurrentRow(max(0, min(self.count() - 1, max(self.currentRow(), 0) + delta)))

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if event.key() == Qt.Key.Key_Escape:
            self.clearSelection()
        super().keyPressEvent(event)
