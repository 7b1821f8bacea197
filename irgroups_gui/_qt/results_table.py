"""The batch results table: one row per spectrum (title, file, phase, present groups, cautions and
each group's probability as a coloured column); sort, filter, Delete removes (undoably), Ctrl+C
copies the selected rows tab-separated; the phase column is a per-file selector (auto by
default). Its selected rows are the session's selected entries, as in the file list."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor, QGuiApplication, QKeySequence, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QLabel, QLineEdit, QStyledItemDelegate,
                               QTableView, QVBoxLayout, QWidget)

from core.data.groups import GROUP_NAMES
from core.spectra.phase import PHASES
from irgroups_gui._qt import theme
from irgroups_gui._qt.line_label import LineLabel
from irgroups_gui.export import cautions, file_name
from irgroups_gui.session import Session

FIXED = ("name", "file", "phase", "present groups", "cautions", "undetermined")
NAME, FILE, PHASE, PRESENT, CAUTIONS, UNDETERMINED = range(len(FIXED))
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
        # the rows in one insertion, then their items silently and one dataChanged: a row at a
        # time, the table re-showed the selection (and scrolled to it) once per row
        rows = [self._items(row) for row in range(first, first + count)]
        self.insertRows(first, count)
        self.blockSignals(True)
        for row, items in enumerate(rows, first):
            for col, item in enumerate(items):
                self.setItem(row, col, item)
        self.blockSignals(False)
        self.dataChanged.emit(self.index(first, 0), self.index(first + count - 1, self.columnCount() - 1))

    def _row_changed(self, row: int) -> None:
        """Replace the row's items silently and say so once: a `setItem` per cell made the filter
        proxy re-filter every row for each cell (22 ms a row with 200 rows, measured)."""
        if row >= self.rowCount():
            return
        items = self._items(row)
        self.blockSignals(True)
        for col, item in enumerate(items):
            self.setItem(row, col, item)
        self.blockSignals(False)
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(items) - 1))

    def _items(self, row: int) -> list[QStandardItem]:
        p = self.session.entries[row].prediction
        ok = p is not None and p.ok
        items = []
        for col in range(self.columnCount()):
            text = self.text(row, col)
            item = QStandardItem(text)
            item.setEditable(col == PHASE and ok)
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
        items[PHASE].setData(p.phase if p is not None and p.phase_source == "user" else "auto", PHASE_ROLE)
        items[FILE].setToolTip(self.session.entries[row].path)
        if p is not None and not p.ok:
            items[CAUTIONS].setForeground(QColor(*theme.ERROR_TEXT))
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
        if col == NAME:
            return e.name
        if col == FILE:
            return file_name(e.path)
        if col == PHASE:
            return self.phase_text(row)
        if p is None:
            return "classifying…" if col == PRESENT else ""
        if not p.ok:
            return f"error: {p.error}" if col == CAUTIONS else ""
        names = self.session.bundle.group_names
        if col == PRESENT:
            return ", ".join(p.present_groups(names))
        if col == CAUTIONS:
            return "; ".join(cautions(p))
        if col == UNDETERMINED:
            return "; ".join(f"{g}: {why}" for g, why in p.undetermined.items())
        return f"{p.mean[col - len(FIXED)]:.2f}"

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole):  # noqa: N802 (Qt API)
        """An edit of the phase column (from the delegate): reclassify that entry."""
        if index.column() != PHASE or role != Qt.ItemDataRole.EditRole or value not in PHASE_CHOICES:
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
    window's callbacks. The selected rows are `session.selection`'s entries: the table writes
    the user's choice there and shows what is chosen elsewhere. Rows moved by sorting, hidden by
    the filter or rebuilt are not a choice: while the proxy changes (its "about to" signals,
    connected before the view's selection model connects to them, up to the "done" ones,
    connected after) the table writes nothing, and then shows the session's selection again."""

    def __init__(self, session: Session, remove: Callable[[list[int]], None],
                 phase_chosen: Callable[[int, str], None], parent=None):
        super().__init__(parent)
        self.session = session
        self.remove = remove
        self.model = ResultsModel(session, phase_chosen)
        self.proxy = ResultsFilter(session)
        self.proxy.setSourceModel(self.model)
        self.view = _View(self.handle_key)
        self._quiet = 0  # > 0: the proxy is changing, or the table shows the session's selection
        for sig in (self.proxy.rowsAboutToBeRemoved, self.proxy.rowsAboutToBeInserted,
                    self.proxy.layoutAboutToBeChanged, self.proxy.modelAboutToBeReset):
            sig.connect(self._proxy_changing)
        self.view.setModel(self.proxy)
        for sig in (self.proxy.rowsRemoved, self.proxy.layoutChanged, self.proxy.modelReset):
            sig.connect(self._proxy_changed)
        # rows a load appends leave the view where the user scrolled it (scrolling back to the
        # current row after every step also cost 1-2 ms a step)
        self.proxy.rowsInserted.connect(lambda *_: self._proxy_changed(scroll=False))
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setItemDelegateForColumn(PHASE, PhaseDelegate(self.view))
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                  | QAbstractItemView.EditTrigger.SelectedClicked)
        self.view.verticalHeader().setDefaultSectionSize(22)
        self.view.horizontalHeader().setDefaultSectionSize(62)
        for col, width in enumerate((200, 130, 90, 220, 200)):
            self.view.setColumnWidth(col, width)
        metrics = self.view.horizontalHeader().fontMetrics()
        for g, name in enumerate(GROUP_NAMES):  # wide enough for the group's name, without measuring rows
            self.view.setColumnWidth(len(FIXED) + g, max(48, metrics.horizontalAdvance(name) + 18))
        self.view.setToolTip("Double-click a phase to choose it (the spectrum is reclassified at once). "
                             "Delete removes the selected rows; Ctrl+C copies them tab-separated.")
        self.view.selectionModel().selectionChanged.connect(self._view_to_selection)
        self.view.selectionModel().currentRowChanged.connect(self._view_to_selection)
        session.selection.changed.connect(lambda f: self.show_selection() if f & {"entry", "overlay"} else None)
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
        # a LineLabel: as a QLabel, the count growing with every row of a load laid out (and
        # repainted) the whole window
        self.count = LineLabel("", align=Qt.AlignmentFlag.AlignRight)
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

    def _shown(self, entry: int | None):
        """The proxy index of an entry's row; invalid when the filter hides it (or no entry)."""
        if entry is None or entry >= self.model.rowCount():
            return self.proxy.index(-1, -1)
        return self.proxy.mapFromSource(self.model.index(entry, 0))

    def show_selection(self, scroll: bool = True) -> None:
        """Select the rows of the session's selected entries that the filter shows; the current
        entry's row is the view's current row (scrolled into view unless `scroll` is False)."""
        rows = QItemSelection()
        for i in self.session.selection.selected():
            if (index := self._shown(i)).isValid():
                rows.select(index, index)
        flags = QItemSelectionModel.SelectionFlag
        self._quiet += 1
        try:
            self.view.selectionModel().select(rows, flags.ClearAndSelect | flags.Rows)
            current = self._shown(self.session.selection.entry)
            if current.isValid():
                self.view.selectionModel().setCurrentIndex(current, flags.NoUpdate)
                if scroll:
                    self.view.scrollTo(current)
        finally:
            self._quiet -= 1

    def _proxy_changing(self, *_) -> None:
        self._quiet += 1

    def _proxy_changed(self, *_, scroll: bool = True) -> None:
        self._quiet = max(0, self._quiet - 1)
        if not self._quiet:
            self.show_selection(scroll)

    def _view_to_selection(self, *_) -> None:
        if not self._quiet:
            current = self.view.currentIndex()
            self.session.selection.select(self.selected_rows(),
                                          self.proxy.mapToSource(current).row() if current.isValid() else None)

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
