"""One selection for the file list and the results table (also sorted, filtered and after deletes),
undo and redo of deletes and of the processing corrections, the file next to the title, and
tooltips that stay while the pointer rests."""
import numpy as np
from PySide6.QtCore import QEvent, QItemSelectionModel, QPointF, Qt
from PySide6.QtGui import QHelpEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QToolTip

from gui_fixtures import _spectrum_files, model_dir, window, loaded  # noqa: F401 (fixtures)


def _loaded(qtbot, window, tmp_path):
    good, broken, narrow = _spectrum_files(tmp_path)
    window.loader.add_paths([str(p) for p in (*good, broken, narrow)])
    qtbot.waitUntil(lambda: loaded(window), timeout=30000)
    qtbot.waitUntil(lambda: not window.loader.classifying, timeout=10000)
    return good


def _list_rows(window) -> list[int]:
    return sorted(window.files.row(i) for i in window.files.selectedItems())


def _select_table_rows(table, proxy_rows) -> None:
    """Select rows of the (sorted) table as the user does, the first one current."""
    sm = table.view.selectionModel()
    flags = QItemSelectionModel.SelectionFlag
    for k, r in enumerate(proxy_rows):
        sm.select(table.proxy.index(r, 0), (flags.ClearAndSelect if k == 0 else flags.Select) | flags.Rows)
    sm.setCurrentIndex(table.proxy.index(proxy_rows[0], 0), flags.NoUpdate)


def _action(window, key: str):
    return next(a for a in window.actions_list if a.shortcut() == QKeySequence(key))


def test_table_and_file_list_select_the_same_entries_sorted_and_filtered(qtbot, window, tmp_path):
    _loaded(qtbot, window, tmp_path)
    table, s = window.results, window.session
    nitriles = s.bundle.group_names.index("nitriles")
    table.view.sortByColumn(table.model.columnCount() - 17 + nitriles, Qt.SortOrder.DescendingOrder)
    sources = [table.proxy.mapToSource(table.proxy.index(r, 0)).row() for r in range(table.proxy.rowCount())]
    assert sources != sorted(sources)  # the sort really moved rows
    _select_table_rows(table, [0, 2])
    want = sorted([sources[0], sources[2]])
    assert _list_rows(window) == want and window.files.currentRow() == sources[0]
    assert s.selection.entry == sources[0] and s.selection.selected() == tuple(want)
    # and the other way: two files chosen in the list are the table's selected rows
    window.files.setCurrentRow(1)
    window.files.item(3).setSelected(True)
    assert sorted(table.selected_rows()) == [1, 3] and s.selection.selected() == (1, 3)
    # a filter hides a selected row without deselecting it; showing all again shows it selected
    table.set_filter("errors")
    assert table.selected_rows() == [3] and _list_rows(window) == [1, 3]
    table.set_filter("all")
    assert sorted(table.selected_rows()) == [1, 3] and _list_rows(window) == [1, 3]
    # a row reclassified and moved by the sort keeps its selection in both views
    s.set_prediction(1, s.entries[1].prediction)
    assert sorted(table.selected_rows()) == [1, 3] and _list_rows(window) == [1, 3]
    # files added while the table is sorted: the selection stays on the same entries
    (tmp_path / "more").mkdir()
    more, _, _ = _spectrum_files(tmp_path / "more")
    window.loader.add_paths([str(more[0])])
    qtbot.waitUntil(lambda: len(s.entries) == 6 and not window.loader.classifying, timeout=30000)
    assert table.proxy.rowCount() == 6 and window.files.count() == 6
    assert sorted(table.selected_rows()) == [1, 3] and _list_rows(window) == [1, 3] and s.selection.entry == 1


def test_delete_two_entries_then_undo_restores_names_files_and_probabilities(qtbot, window, tmp_path):
    _loaded(qtbot, window, tmp_path)
    table, s = window.results, window.session
    before = [(e.path, e.name, None if not e.prediction.ok else e.prediction.mean.copy()) for e in s.entries]
    table.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    rows = [r for r in range(table.proxy.rowCount())
            if table.proxy.mapToSource(table.proxy.index(r, 0)).row() in (0, 2)]
    _select_table_rows(table, rows)
    table.view.setFocus()
    qtbot.keyClick(table.view, Qt.Key.Key_Delete)
    assert [e.path for e in s.entries] == [before[i][0] for i in (1, 3, 4)]
    assert window.files.count() == 3 and table.proxy.rowCount() == 3
    assert _list_rows(window) == sorted(table.selected_rows())  # one selection after the delete
    _action(window, "Ctrl+Z").trigger()
    assert [(e.path, e.name) for e in s.entries] == [(p, n) for p, n, _ in before]
    for e, (_, _, mean) in zip(s.entries, before):
        if mean is not None:
            np.testing.assert_array_equal(e.prediction.mean, mean)  # kept, not re-read
    assert window.files.count() == 5 and table.proxy.rowCount() == 5
    assert s.selection.selected() == (0, 2) and _list_rows(window) == [0, 2]
    assert sorted(table.selected_rows()) == [0, 2]
    _action(window, "Ctrl+Shift+Z").trigger()  # redo deletes them again
    assert [e.path for e in s.entries] == [before[i][0] for i in (1, 3, 4)]
    # Delete in the file list removes its selected file, undoably too
    gone = s.entries[s.selection.entry].path
    window.files.setFocus()
    qtbot.keyClick(window.files, Qt.Key.Key_Delete)
    assert len(s.entries) == 2 and gone not in [e.path for e in s.entries]
    _action(window, "Ctrl+Z").trigger()
    assert [e.path for e in s.entries] == [before[i][0] for i in (1, 3, 4)]


def test_undoing_a_processing_toggle_restores_the_previous_corrections(qtbot, window, tmp_path):
    _loaded(qtbot, window, tmp_path)
    s = window.session
    toggle = window.processing_menu.actions()[0]  # atmospheric compensation
    before, was_on = s.processing, toggle.isChecked()
    toggle.trigger()
    assert s.processing != before and toggle.isChecked() != was_on
    qtbot.waitUntil(lambda: loaded(window), timeout=30000)
    _action(window, "Ctrl+Z").trigger()
    assert s.processing == before and toggle.isChecked() == was_on
    qtbot.waitUntil(lambda: loaded(window), timeout=30000)
    assert s.entries[0].prediction.ok
    assert not window.undo.stack.canUndo() and window.undo.stack.canRedo()


def test_results_table_and_file_list_name_the_file_beside_the_title(qtbot, window, tmp_path):
    good = _loaded(qtbot, window, tmp_path)
    table = window.results
    headers = [table.model.horizontalHeaderItem(c).text() for c in range(table.model.columnCount())]
    assert headers[:2] == ["name", "file"]
    assert [table.model.item(r, 1).text() for r in range(3)] == [p.name for p in good]
    assert table.model.item(0, 1).toolTip() == str(good[0])
    assert table.model.item(0, 0).text() == "test"  # the title, as before
    assert all(p.name in window.files.item(i).text() for i, p in enumerate(good))
    assert window.files.item(0).text().splitlines()[0].startswith("test")
    assert table.copy_text().splitlines()[0].split("\t")[:2] == ["name", "file"]


def test_tooltips_stay_while_the_pointer_rests(qtbot, window, tmp_path, monkeypatch):
    _loaded(qtbot, window, tmp_path)
    panel = window.probabilities
    scene_pos = panel.plot.vb.mapViewToScene(QPointF(0.5, float(np.flatnonzero(panel.order == 6)[0])))
    local = panel.mapFromScene(scene_pos)
    monkeypatch.setattr(panel, "underMouse", lambda: True)
    panel._hover(scene_pos)
    assert QToolTip.isVisible() and "nitriles" in QToolTip.text()
    # the pointer rests: Qt sends a tooltip event to the plot, whose scene used to hide the tip
    rest = QHelpEvent(QEvent.Type.ToolTip, local, panel.viewport().mapToGlobal(local))
    QApplication.sendEvent(panel.viewport(), rest)
    qtbot.wait(500)  # a tip being hidden fades out within 300 ms
    assert QToolTip.isVisible() and "nitriles" in QToolTip.text()
    # the heatmaps' tips are shown for as long as the pointer rests on them, not 10 s
    shown = []
    monkeypatch.setattr(QToolTip, "showText", lambda *args: shown.append(args))
    maps = window.plots.maps
    plot = window.heatmaps.weights.plot
    centre = maps.mapFromScene(plot.sceneBoundingRect().center())
    QApplication.sendEvent(maps.viewport(), QHelpEvent(QEvent.Type.ToolTip, centre, maps.viewport().mapToGlobal(centre)))
    assert shown and "Dense-layer weights" in shown[-1][1]
    assert len(shown[-1]) == 5 and shown[-1][4] >= 60000  # an explicit time, long enough to read


def test_rows_a_load_adds_leave_the_results_table_where_it_was_scrolled(qtbot, window, tmp_path):
    """Appending rows keeps the selection but does not scroll the table back to the current row
    (it did after every step of a load, and each scroll cost 1-2 ms of the step)."""
    from test_gui_loading import _good_files

    window.resize(1280, 720)
    window.show()
    qtbot.waitExposed(window)
    files = _good_files(tmp_path / "many", 40)
    window.loader.add_paths(files[:30])
    qtbot.waitUntil(lambda: not window.loader.classifying, timeout=60000)
    view = window.results.view
    bar = view.verticalScrollBar()
    assert bar.maximum() > 0 and window.session.selection.entry == 0
    bar.setValue(bar.maximum())
    window.loader.add_paths(files[30:])
    qtbot.waitUntil(lambda: not window.loader.classifying, timeout=60000)
    assert bar.value() > 0  # not scrolled back to row 0
    assert view.selectionModel().isRowSelected(0)
