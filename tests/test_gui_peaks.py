"""Peak labels placed without collisions inside the plot (also after zoom and resize, fewer when
crowded) and the Peaks panel: filled for the selected spectrum, a row marks and centres its peak,
Export CSV writes the table."""
import csv

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from core.data.correlation import PEAK_CSV_COLUMNS
from core.spectra.peaks import pick_peaks, strongest
from gui_fixtures import _spectrum_files, model_dir, window, loaded  # noqa: F401 (fixtures)
from irgroups_gui._qt.peak_labels import MAX_PEAK_LABELS, PeakLabels


def _settle(widget):
    for _ in range(3):
        QApplication.processEvents()
    widget.grab()  # a paint: the labels' pixel transforms are current


def _assert_disjoint_and_inside(labels, plot):
    rects, box = labels.rects(), plot.vb.sceneBoundingRect()
    assert rects
    assert all(box.contains(r) for r in rects), (box, rects)
    assert not any(a.intersects(b) for i, a in enumerate(rects) for b in rects[:i])


def test_crowded_labels_never_overlap_nor_leave_the_view(qtbot):
    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    widget.resize(1200, 300)
    widget.show()
    plot = widget.getPlotItem()
    plot.invertX(True)
    x = np.arange(500, 4001, 2.0)
    heights = np.random.default_rng(0).uniform(0.97, 1.0, 80)  # a crowd of peaks of about the same height
    y = sum(h * np.exp(-0.5 * ((x - c) / 6) ** 2) for c, h in zip(np.linspace(520, 3980, 80), heights))
    plot.plot(x, y)
    labels = PeakLabels(plot)
    peaks = strongest(pick_peaks(x, y, 0.02))
    assert len(peaks) > 2 * MAX_PEAK_LABELS
    labels.show([(float(x[p.index]), float(y[p.index]), f"{p.wavenumber:.0f}") for p in peaks])
    _settle(widget)
    _assert_disjoint_and_inside(labels, plot)
    wide = len(labels.texts())
    widget.resize(400, 300)
    _settle(widget)
    _assert_disjoint_and_inside(labels, plot)
    narrow = len(labels.texts())
    assert 0 < narrow < wide <= MAX_PEAK_LABELS
    plot.setXRange(1000, 1400, padding=0)  # zoomed in: placed again, only peaks in view
    _settle(widget)
    _assert_disjoint_and_inside(labels, plot)
    assert all(1000 <= float(t) <= 1400 for t in labels.texts())
    labels.show([])
    assert labels.texts() == []


def _wait_for_peaks(qtbot, window):
    """The peaks are picked in a worker thread (the summary says "Picking peaks…" meanwhile)."""
    panel = window.peak_table
    qtbot.waitUntil(lambda: bool(panel.peaks) and "peaks (prominence" in panel.summary.text(), timeout=10000)


def test_peak_table_follows_the_selection_marks_peaks_and_exports(qtbot, window, tmp_path):
    good, _, _ = _spectrum_files(tmp_path)  # single bands at 2240, 1715, 3650 cm-1
    window.loader.add_paths([str(p) for p in good])
    qtbot.waitUntil(lambda: loaded(window, "ok"), timeout=30000)
    window.side_tabs.setCurrentWidget(window.peak_table)
    table = window.peak_table.table
    window.session.selection.update(entry=0)
    _wait_for_peaks(qtbot, window)
    assert table.rowCount() >= 1 and abs(float(table.item(0, 0).text()) - 2240) <= 4
    assert "C≡N stretch (nitriles)" in table.item(0, 3).text()
    window.session.selection.update(entry=1)
    _wait_for_peaks(qtbot, window)
    assert any(abs(float(table.item(r, 0).text()) - 1715) <= 4 for r in range(table.rowCount()))

    window.plots.plots[0].setXRange(500, 1200, padding=0)  # the peak is off to the side
    row = next(r for r in range(table.rowCount()) if abs(float(table.item(r, 0).text()) - 1715) <= 4)
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualItemRect(table.item(row, 1)).center())
    wavenumber = float(table.item(row, 0).text())
    assert window.spectrum.marker.isVisible() and abs(window.spectrum.marker.value() - wavenumber) < 0.1
    lo, hi = window.spectrum.visible_region()
    assert abs((lo + hi) / 2 - wavenumber) < 1 and abs((hi - lo) - 700) < 1  # centred, same zoom

    out = tmp_path / "peaks.csv"
    assert window.peak_table.export(str(out))
    with open(out, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert tuple(rows[0]) == PEAK_CSV_COLUMNS and len(rows) == table.rowCount()
    assert rows[row]["wavenumber_cm1"] == table.item(row, 0).text() and rows[0]["file"] == str(good[1])

    window.session.selection.update(entry=0)  # and at once another: the first entry's peaks are dropped
    window.session.selection.update(entry=2)
    _wait_for_peaks(qtbot, window)
    qtbot.wait(200)
    assert abs(float(table.item(0, 0).text()) - 3650) <= 4


def test_peak_labels_in_the_window_and_their_shortcut(qtbot, window, tmp_path):
    good, _, _ = _spectrum_files(tmp_path)
    window.loader.add_paths([str(good[0])])
    qtbot.waitUntil(lambda: bool(window.session.entries) and window.session.entries[0].status == "ok", timeout=30000)
    window.session.selection.update(entry=0)
    action = next(a for a in window.actions_list if a.text() == "Peak labels")
    assert action.shortcut() == QKeySequence("Ctrl+K")
    action.trigger()
    _settle(window)
    assert any(abs(float(t) - 2240) <= 8 for t in window.spectrum.peak_labels())
    _assert_disjoint_and_inside(window.spectrum._peaks, window.spectrum.plot)
    window.view_bar.prominence.setValue(0.9)  # the table follows the labels' prominence
    qtbot.waitUntil(lambda: "≥ 0.9 of" in window.peak_table.summary.text(), timeout=10000)
    assert window.peak_table.table.rowCount() == 1


def test_the_selected_groups_textbook_bands_follow_the_group_and_the_switch(qtbot, window, tmp_path):
    from core.data.groups import GROUPS

    good, _, _ = _spectrum_files(tmp_path)
    view = window.spectrum
    assert view.bands_shown() == []  # nothing loaded: no bands
    window.loader.add_paths([str(good[0])])
    qtbot.waitUntil(lambda: loaded(window, "ok"), timeout=30000)
    many = max(range(len(GROUPS)), key=lambda g: len(GROUPS[g].bands))
    few = min(range(len(GROUPS)), key=lambda g: len(GROUPS[g].bands))
    for g in (many, few, many):  # fewer bands hide the items left over; more show them again
        window.session.selection.update(group=g)
        assert sorted(view.bands_shown()) == sorted(tuple(map(float, b)) for b in GROUPS[g].bands)
    view.set_show_bands(False)
    assert view.bands_shown() == []
    view.set_show_bands(True)
    assert len(view.bands_shown()) == len(GROUPS[many].bands)
