"""Painting cost of the linked views: one view painted per event-loop turn after a click, the
results table's items following their entries, and the spectrum and maps aligned."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QWidget

from gui_fixtures import loaded, model_dir, window  # noqa: F401 (fixtures)
from irgroups_gui._qt.staggered_repaint import StaggeredRepaint


class _Paints(QObject):
    """Records which widgets got a paint event, in order, with the turn they were painted in."""

    def __init__(self, widgets):
        super().__init__()
        self.widgets = widgets
        self.names = {id(w): k for k, w in enumerate(widgets)}
        self.order: list[int] = []
        self.enabled_then: dict[int, list[bool]] = {}  # at each view's first paint: which views could paint
        for w in widgets:
            w.installEventFilter(self)

    def eventFilter(self, obj, event):  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.Paint:
            k = self.names[id(obj)]
            self.order.append(k)
            self.enabled_then.setdefault(k, [w.updatesEnabled() for w in self.widgets])
        return False


def test_views_paint_one_after_another(qtbot):
    parent = QWidget()
    widgets = [QWidget(parent) for _ in range(3)]
    for k, w in enumerate(widgets):
        w.setGeometry(0, 40 * k, 100, 40)
    parent.show()
    qtbot.waitExposed(parent)
    stagger = StaggeredRepaint()
    stagger.set_widgets(widgets)
    qtbot.wait(50)
    paints = _Paints(widgets)
    stagger.trigger()
    # the click's own turn paints nothing: every view waits for its turn
    assert not any(w.updatesEnabled() for w in widgets)
    for w in widgets:
        w.update()
    qtbot.waitUntil(lambda: not stagger.pending and all(w.updatesEnabled() for w in widgets), timeout=2000)
    qtbot.waitUntil(lambda: 2 in paints.order, timeout=2000)
    # each view painted after the one before it; the later ones were held back until then
    firsts = [paints.order.index(k) for k in range(3)]
    assert firsts == sorted(firsts)
    assert paints.enabled_then[0] == [True, False, False]
    assert paints.enabled_then[1] == [True, True, False]
    assert paints.enabled_then[2] == [True, True, True]


def test_held_back_view_paints_even_if_the_first_does_not(qtbot):
    parent = QWidget()
    widgets = [QWidget(parent) for _ in range(2)]
    parent.show()
    qtbot.waitExposed(parent)
    widgets[0].hide()  # never paints: the fallback timer lets the next view go on
    stagger = StaggeredRepaint()
    stagger.set_widgets(widgets)
    stagger.trigger()
    assert not widgets[1].updatesEnabled()
    qtbot.waitUntil(lambda: widgets[0].updatesEnabled() and widgets[1].updatesEnabled(), timeout=2000)


def test_results_table_shows_a_new_prediction_of_a_row(window, qtbot, tmp_path):
    """The table's items are rebuilt when a row's prediction changes."""
    from dataclasses import replace

    import numpy as np
    from PySide6.QtCore import Qt

    from gui_fixtures import _spectrum_files
    from irgroups_gui._qt.results_table import FIXED, PRESENT

    good, _, _ = _spectrum_files(tmp_path)
    window.loader.add_paths([str(good[0])])
    s = window.session
    qtbot.waitUntil(lambda: loaded(window), timeout=20000)  # the shown row's views update in later steps
    model = window.results.model
    col = len(FIXED) + 6  # probability column of nitriles
    before = model.data(model.index(0, col), Qt.ItemDataRole.DisplayRole)
    assert before == f"{s.entries[0].prediction.mean[6]:.2f}"
    p = s.entries[0].prediction
    s.set_prediction(0, replace(p, mean=np.full_like(p.mean, 0.987), present=np.ones_like(p.present)))
    assert model.data(model.index(0, col), Qt.ItemDataRole.DisplayRole) == "0.99"
    assert "nitriles" in model.data(model.index(0, PRESENT), Qt.ItemDataRole.DisplayRole)
    assert model.data(model.index(0, col), Qt.ItemDataRole.BackgroundRole).color().alpha() == int(40 + 200 * 0.987)


def test_spectrum_and_maps_share_the_wavenumber_axis_to_the_pixel(window, qtbot, tmp_path):
    """The spectrum and the heatmaps sit in two graphics views; a wavenumber lands on the same
    screen column in each of them, also after zooming one."""
    from PySide6.QtCore import QPointF

    from gui_fixtures import _spectrum_files

    good, _, _ = _spectrum_files(tmp_path)
    window.loader.add_paths([str(good[0])])
    qtbot.waitUntil(lambda: bool(window.session.entries) and window.session.entries[0].prediction is not None,
                    timeout=20000)
    window.resize(1300, 850)
    qtbot.wait(100)
    plots = window.plots

    def screen_x(plot, wavenumber: float) -> float:
        view = plots.top if plot is plots.plots[0] else plots.maps
        scene_pt = plot.vb.mapViewToScene(QPointF(wavenumber, 0))
        return view.mapToGlobal(view.mapFromScene(scene_pt)).x()

    for zoom in (None, (1500.0, 3200.0)):
        if zoom:
            plots.plots[2].setXRange(*zoom, padding=0)  # zoom the evidence map: all follow
            qtbot.wait(50)
        for wn in (1600.0, 2500.0, 3100.0):
            xs = [screen_x(p, wn) for p in plots.plots]
            assert max(xs) - min(xs) <= 1, (wn, xs)


class _LayoutRequests(QObject):
    """Counts the layout requests of the widgets it filters (a new geometry asked for)."""

    count = 0

    def eventFilter(self, obj, event):  # noqa: N802 (Qt API)
        if event.type() == QEvent.Type.LayoutRequest:
            _LayoutRequests.count += 1
        return False


def test_line_label_changes_text_without_relaying_out_the_window(qtbot):
    """A QLabel's new text asks every layout up to the window for a new geometry (the window then
    repaints its tab widgets and scroll bars); a LineLabel only repaints itself, and draws the text."""
    from PySide6.QtWidgets import QLabel, QVBoxLayout

    from irgroups_gui._qt.line_label import LineLabel

    parent = QWidget()
    box = QVBoxLayout(parent)
    line, label = LineLabel("short"), QLabel("short")
    box.addWidget(line)
    box.addWidget(label)
    parent.resize(300, 80)
    parent.show()
    qtbot.waitExposed(parent)
    requests = _LayoutRequests()
    parent.installEventFilter(requests)
    qtbot.wait(20)
    _LayoutRequests.count = 0
    label.setText("a much longer text than before, " * 2)
    qtbot.wait(20)
    assert _LayoutRequests.count >= 1  # the check can see a layout request
    _LayoutRequests.count = 0
    line.setText("calibrated logit +2.59 = Σ evidence +5.12 + bias -2.53")
    qtbot.wait(20)
    assert _LayoutRequests.count == 0 and line.text().startswith("calibrated logit")
    image = line.grab().toImage()
    dark = sum(image.pixelColor(x, y).lightness() < 128 for x in range(image.width()) for y in range(image.height()))
    assert dark > 20  # the text is drawn
    # too long for its lines: wrapped and elided, still within the widget's fixed height
    height = line.height()
    _LayoutRequests.count = 0
    line.setText("word " * 200)
    qtbot.wait(20)
    assert line.height() == height and _LayoutRequests.count == 0


_POOLED = """
import os, sys
{imp}
from PySide6.QtGui import QGuiApplication, QImage
app = QGuiApplication([])
img = QImage(2000, 2000, QImage.Format.Format_ARGB32)
img.fill(0x80FF0000)
img.convertToFormat(QImage.Format.Format_RGB888)
img.scaled(1000, 1000, mode=__import__('PySide6.QtCore', fromlist=['Qt']).Qt.TransformationMode.SmoothTransformation)
names = [open(f"/proc/self/task/{{t}}/comm").read().strip() for t in os.listdir("/proc/self/task")]
print(sum(n.startswith("Thread (pooled)") for n in names))
"""


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="counts threads through /proc (Linux)")
@pytest.mark.parametrize("imp, pooled", [("import irgroups_gui", False), ("", True)])
def test_the_app_converts_images_without_qts_thread_pool(imp, pooled):
    """Importing the app turns off Qt's image thread pool (QT_NO_GUI_THREADPOOL): a big image
    conversion then starts no pooled threads, which on a busy machine made the GUI thread wait
    for a core. Without the app's import (the control) the same conversion does start them."""
    env = {k: v for k, v in os.environ.items() if k != "QT_NO_GUI_THREADPOOL"} | {"QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", _POOLED.format(imp=imp)], env=env, capture_output=True, text=True,
                         timeout=120, cwd=Path(__file__).resolve().parents[1])
    assert out.returncode == 0, out.stderr[-1000:]
    assert (int(out.stdout.split()[-1]) > 0) is pooled


def test_the_results_count_grows_without_relaying_out_the_window(qtbot, window):
    """The "N of M spectra" count changes with every row a load adds; as a plain QLabel each new
    width laid out the dock and the window and repainted all of it (37-40 times per 200 files)."""
    qtbot.waitExposed(window)
    requests = _LayoutRequests()
    for w in (window, window.results, window.results.parentWidget()):
        w.installEventFilter(requests)
    qtbot.wait(50)
    _LayoutRequests.count = 0
    for n in (9, 10, 100, 1000, 10000):
        window.results.count.setText(f"{n} of {n} spectra")
        qtbot.wait(5)
    assert _LayoutRequests.count == 0
    count = window.results.count
    assert count.width() >= count.fontMetrics().horizontalAdvance("10000 of 10000 spectra")


def test_redrawing_the_same_spectrum_keeps_the_y_axis_drawing(qtbot, window, tmp_path):
    """The y axis is drawn again only when its label or range changes: setting the same label
    each redraw laid the axis out and drew its ticks again on every result that arrived."""
    from gui_fixtures import _spectrum_files, loaded

    good, _, _ = _spectrum_files(tmp_path)
    window.loader.add_paths([str(good[0])])
    qtbot.waitUntil(lambda: loaded(window), timeout=20000)
    axis = window.spectrum.plot.getAxis("left")
    view = window.spectrum.plot.scene().views()[0]

    def painted() -> bool:
        """Paint: the axis caches its drawing. A first paint that changes the tick labels' width
        resizes the axis, and the resize drops the drawing, so paint until it stays."""
        view.grab()
        return axis.picture is not None

    qtbot.waitUntil(painted, timeout=5000)
    picture = axis.picture
    assert picture is not None
    window.spectrum.redraw()
    assert axis.picture is picture and axis.labelText


def test_spectra_are_drawn_with_one_pixel_pens(qtbot, window, tmp_path):
    """Every spectrum curve (both forms, overlays) has a 1-pixel pen: Qt strokes antialiased
    1-pixel curves on a fast path, and a 1.3-1.5 pixel pen made a repaint of the spectrum view
    take 12 instead of 3 ms, the longest turn of a big load."""
    from gui_fixtures import _spectrum_files, loaded

    good, _, _ = _spectrum_files(tmp_path)
    window.loader.add_paths([str(p) for p in good])
    qtbot.waitUntil(lambda: loaded(window), timeout=20000)
    window.session.selection.update(overlay=list(range(len(window.session.entries))))
    curves = [c for c in window.spectrum._curves if c.isVisible()]
    assert len(curves) >= 3  # the current spectrum in both forms and an overlay
    assert all(c.opts["pen"].widthF() <= 1 for c in curves)


def test_rows_added_to_a_long_file_list_lay_out_none_of_the_others(qtbot):
    """Items of one size: a step's rows beside 200 asked every item for its size (word-wrapped
    items of their own heights), 6 ms of each step; the long texts are elided, whole in the tooltip."""
    from PySide6.QtWidgets import QStyledItemDelegate

    from irgroups_gui._qt.file_list import FileList
    from irgroups_gui.session import Session

    class Counting(QStyledItemDelegate):
        calls = 0

        def sizeHint(self, option, index):  # noqa: N802 (Qt API)
            Counting.calls += 1
            return super().sizeHint(option, index)

    session = Session()
    files = FileList(session, remove=lambda rows: None)
    files.setItemDelegate(Counting(files))
    files.resize(240, 400)
    files.show()
    qtbot.waitExposed(files)
    long_name = "2,2,4-trimethylpentane-1,3-diol monoisobutyrate, a long name " * 2
    session.add_paths([f"/spectra/{long_name}{k}.jdx" for k in range(200)])
    files.grab()
    Counting.calls = 0
    session.add_paths([f"/spectra/more{k}.jdx" for k in range(4)])
    files.grab()
    assert files.count() == 204
    assert Counting.calls < 20  # the new rows (and the visible ones painted), not all 204
    assert files.visualItemRect(files.item(0)).height() == files.visualItemRect(files.item(203)).height()
    assert long_name in files.item(0).toolTip()


def test_the_progress_count_is_painted_with_the_window_not_at_once(qtbot, window):
    """QProgressBar.setValue repainted everything dirty in the window at once (the file list, the
    table, the plots), which made the progress timer's turn the longest of a big load."""
    qtbot.waitExposed(window)
    window.progress.set_total(200)
    window.progress.show()
    qtbot.wait(50)
    paints = _Paints([window.files.viewport(), window.progress])
    window.files.viewport().update()
    window.progress.set_done(7)
    assert paints.order == []  # nothing painted in the caller's turn
    qtbot.waitUntil(lambda: {0, 1} <= set(paints.order), timeout=2000)
    assert window.progress.text() == "7 of 200 files"
    assert window.progress.sizeHint().width() >= window.progress.fontMetrics().horizontalAdvance("200 of 200 files")
