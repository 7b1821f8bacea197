"""The batch results table: one row per spectrum (name, phase, present groups, cautions and each
group's probability as a coloured column); sort, filter, Delete removes, Ctrl+C copies the
selected rows tab-separated; the phase column is a per-file selector (auto by default)."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor, QGuiApplication, QKeySequence, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QLabel, QLineEdit, QStyledItemDelegate,
                               QTableView, QVBoxLayout, QWidget)

from core.data.groups import GROUP_NAMES
from core.spectra.phase import PHASES
from irgroups_gui._qt import theme
from irgroups_gui.export import cautions
from irgroups_gui.session import Session

FIXED = ("name", "phase", "present groups", "cautions", "undetermined")
PHASE_CHOICES = ("auto",) + tuple(PHASES)
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
PHASE_ROLE = Qt.ItemDataRole.UserRole + 2  # the phase column's editing value: auto or the chosen phase


class ResultsModel(QStandardItemModel):
    """The session's entries as table items, rebuilt for a row when its entry changes. The items
    live in Qt, so painting the table calls no Python (it did for every cell and role, about 900
    calls per repaint). `phase_chosen(row, phase)` is called when the user edits a phase."""

    def __init__(self, session: Session, phase_chosen: Callable[[int, str], None]):
        super().__init__(0, len(FIXED) + len(GROUP_NAMES))
        self.session = session
        self.phase_chosen = phase_chosen
        for col, name in enumerate(FIXED + tuple(GROUP_NAMES)):
            header = QStandardItem(name)
            if col >= len(FIXED):
                header.setToolTip(f"probability of {name} (ensemble mean); red: present")
            self.setHorizontalHeaderItem(col, header)
        session.entries_added.connect(self._added)
        session.entries_cleared.connect(self.refresh)
        session.model_changed.connect(self.refresh)
        session.entry_updated.connect(self._row_changed)

    def refresh(self) -> None:
        self.setRowCount(0)
        for row in range(len(self.session.entries)):
            self.appendRow(self._items(row))

    def _added(self, first: int, count: int) -> None:
        """Rows for entries appended at the end; anything else rebuilds the table."""
        if first != self.rowCount():
            self.refresh()
            return
        for row in range(first, first + count):
            self.appendRow(self._items(row))

    def _row_changed(self, row: int) -> None:
        if row >= self.rowCount():
            return
        for col, item in enumerate(self._items(row)):
            self.setItem(row, col, item)

    def _items(self, row: int) -> list[QStandardItem]:
        p = self.session.entries[row].prediction
        ok = p is not None and p.ok
        items = []
        for col in range(self.columnCount()):
            text = self.text(row, col)
            item = QStandardItem(text)
            item.setEditable(col == 1 and ok)
            if col < len(FIXED):
                item.setToolTip(text)
                item.setData(text.lower(), SORT_ROLE)
            else:
                g = col - len(FIXED)
                item.setData(float(p.mean[g]) if ok else -1.0, SORT_ROLE)
                if ok and self.session.bundle.group_names[g] in p.undetermined:
                    item.setBackground(QColor(*theme.UNDETERMINED))
                    item.setToolTip(f"undetermined: {p.undetermined[self.session.bundle.group_names[g]]}")
                elif ok:
                    base = theme.PRESENT if p.present[g] else theme.ABSENT
                    alpha = int(40 + 200 * float(p.mean[g])) if p.present[g] else int(120 * float(p.mean[g]))
                    item.setBackground(QColor(*base, alpha))
            items.append(item)
        items[1].setData(p.phase if p is not None and p.phase_source == "user" else "auto", PHASE_ROLE)
        if p is not None and not p.ok:
            items[3].setForeground(QColor(*theme.ERROR_TEXT))
        return items

    def phase_text(self, row: int) -> str:
        p = self.session.entries[row].prediction
        if p is None or not p.ok or not p.phase:
            return ""
        if p.phase_source == "inferred":
            return f"auto: {'gas' if p.phase == 'gas' else 'condensed'} (inferred)"
        return p.phase if p.phase_source == "user" else f"auto: {p.phase}"

    def text(self, row: int, col: int) -> str:
        e = self.session.entries[row]
        p = e.prediction
        if col == 0:
            return e.name
        if col == 1:
            return self.phase_text(row)
        if p is None:
            return "classifying…" if col == 2 else ""
        if not p.ok:
            return f"error: {p.error}" if col == 3 else ""
        names = self.session.bundle.group_names
        if col == 2:
            return ", ".join(p.present_groups(names))
        if col == 3:
            return "; ".join(cautions(p))
        if col == 4:
            return "; ".join(f"{g}: {why}" for g, why in p.undetermined.items())
        return f"{p.mean[col - len(FIXED)]:.2f}"

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole):  # noqa: N802 (Qt API)
        """An edit of the phase column (from the delegate): reclassify that entry."""
        if index.column() != 1 or role != Qt.ItemDataRole.EditRole or value not in PHASE_CHOICES:
            return False
        self.phase_chosen(index.row(), value)
        return True


class PhaseDelegate(QStyledItemDelegate):
    """A combo box (auto, gas, liquid, ...) to edit the phase column."""

    def createEditor(self, parent, option, index):  # noqa: N802 (Qt API)
        box = QComboBox(parent)
        box.addItems(PHASE_CHOICES)
        box.activated.connect(lambda _: self.commitData.emit(box))
        return box

    def setEditorData(self, editor, index):  # noqa: N802 (Qt API)
        editor.setCurrentText(index.data(PHASE_ROLE) or "auto")

    def setModelData(self, editor, model, index):  # noqa: N802 (Qt API)
        model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)


class ResultsFilter(QSortFilterProxyModel):
    """Keeps rows matching the chosen filter ('all', 'cautions', 'errors' or a group name that must be
    present) and the name text."""

    def __init__(self, session: Session):
        super().__init__()
        self.session = session
        self.kind = "all"
        self.text = ""
        self.setSortRole(SORT_ROLE)

    def set_filter(self, kind: str | None = None, text: str | None = None) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt >= 6.10; invalidateFilter() is deprecated there
            self.beginFilterChange()
        self.kind = self.kind if kind is None else kind
        self.text = self.text if text is None else text.lower()
        if hasattr(self, "endFilterChange"):
            self.endFilterChange()
        else:
            self.invalidateFilter()

    def filterAcceptsRow(self, row, parent) -> bool:  # noqa: N802 (Qt API)
        e = self.session.entries[row]
        p = e.prediction
        if self.text and self.text not in e.name.lower() and self.text not in e.path.lower():
            return False
        if self.kind == "all":
            return True
        if self.kind == "errors":
            return p is not None and not p.ok
        if p is None or not p.ok:
            return False
        if self.kind == "cautions":
            return bool(cautions(p))
        names = self.session.bundle.group_names
        return bool(p.present[names.index(self.kind)]) if self.kind in names else False


class _View(QTableView):
    """Ctrl+C and Delete go to the table's handlers before the item view's own."""

    def __init__(self, on_key: Callable[[object], bool]):
        super().__init__()
        self.on_key = on_key

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt API)
        if not self.on_key(event):
            super().keyPressEvent(event)


class ResultsTable(QWidget):
    """The table with its filter bar. `remove(rows)` and `phase_chosen(row, phase)` are the
    window's callbacks; selecting a row selects that spectrum everywhere."""

    def __init__(self, session: Session, remove: Callable[[list[int]], None],
                 phase_chosen: Callable[[int, str], None], parent=None):
        super().__init__(parent)
        self.session = session
        self.remove = remove
        self.model = ResultsModel(session, phase_chosen)
        self.proxy = ResultsFilter(session)
        self.proxy.setSourceModel(self.model)
        self.view = _View(self.handle_key)
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setItemDelegateForColumn(1, PhaseDelegate(self.view))
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.SelectedClicked)
        self.view.verticalHeader().setDefaultSectionSize(22)
        self.view.horizontalHeader().setDefaultSectionSize(62)
        for col, width in enumerate((200, 90, 220, 200)):
            self.view.setColumnWidth(col, width)
        metrics = self.view.horizontalHeader().fontMetrics()
        for g, name in enumerate(GROUP_NAMES):  # wide enough for the group's name, without measuring rows
            self.view.setColumnWidth(len(FIXED) + g, max(48, metrics.horizontalAdvance(name) + 18))
        self.view.setToolTip("Double-click a phase to choose it (the spectrum is reclassified at once). "
                             "Delete removes the selected rows; Ctrl+C copies them tab-separated.")
        self.view.selectionModel().currentRowChanged.connect(self._current_to_selection)
        session.selection.changed.connect(self._selection_to_current)
        self.filter = QComboBox()
        self.filter.addItem("all spectra", "all")
        self.filter.addItem("has cautions", "cautions")
        self.filter.addItem("could not be read", "errors")
        for name in GROUP_NAMES:
            self.filter.addItem(f"{name} present", name)
        self.filter.currentIndexChanged.connect(lambda _: self.proxy.set_filter(kind=self.filter.currentData()))
        self.search = QLineEdit()
        self.search.setPlaceholderText("name contains…")
        self.search.textChanged.connect(lambda t: self.proxy.set_filter(text=t))
        self.count = QLabel("")
        bar = QHBoxLayout()
        for w in (QLabel("show"), self.filter, self.search):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(self.count)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(bar)
        lay.addWidget(self.view, 1)
        for sig in (self.proxy.rowsInserted, self.proxy.rowsRemoved, self.proxy.modelReset, self.proxy.layoutChanged):
            sig.connect(self._count)

    def _count(self, *_) -> None:
        self.count.setText(f"{self.proxy.rowCount()} of {self.model.rowCount()} spectra")

    def set_filter(self, kind: str) -> None:
        self.filter.setCurrentIndex(self.filter.findData(kind))

    def selected_rows(self) -> list[int]:
        """Source (entry) indices of the selected rows, in view order."""
        rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        return [self.proxy.mapToSource(self.proxy.index(r, 0)).row() for r in rows]

    def copy_text(self) -> str:
        """The selected rows as tab-separated text with a header line."""
        cols = range(self.model.columnCount())
        lines = ["\t".join(self.model.horizontalHeaderItem(c).text() for c in cols)]
        lines += ["\t".join(self.model.text(r, c) for c in cols) for r in self.selected_rows()]
        return "\n".join(lines)

    def _selection_to_current(self, fields: set[str]) -> None:
        """Follow the current spectrum chosen in the file list."""
        entry = self.session.selection.entry
        if "entry" not in fields or entry is None or entry >= self.model.rowCount():
            return
        row = self.proxy.mapFromSource(self.model.index(entry, 0))
        if row.isValid() and row.row() != self.view.currentIndex().row():
            self.view.selectionModel().blockSignals(True)
            self.view.selectRow(row.row())
            self.view.selectionModel().blockSignals(False)
            self.view.viewport().update()

    def _current_to_selection(self, current, _previous) -> None:
        if current.isValid():
            row = self.proxy.mapToSource(current).row()
            self.session.selection.update(entry=row, overlay=(row,))

    def handle_key(self, event) -> bool:
        """Copy (Ctrl+C) and Delete; True when handled."""
        if event.matches(QKeySequence.StandardKey.Copy):
            QGuiApplication.clipboard().setText(self.copy_text())
            return True
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.view.state() != \
                QAbstractItemView.State.EditingState:
            rows = self.selected_rows()
            if rows:
                self.remove(rows)
            return True
        return False
