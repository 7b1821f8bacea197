"""The app as a spectroscopist uses it: patterns per member, axes, legend, error bars, empty
state, dark palette, training tab, model switching, results table, phase selector, readouts,
units, menus, sessions, the model card and zoom (the exports are in test_gui_exports.py)."""
import copy
import json
import types

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from gui_fixtures import classified, loaded, model_dir, window  # noqa: F401 (fixtures)
from irgroups_gui._qt.results_table import FIXED, PHASE, PHASE_ROLE

# ---------------------------------------------------------------- defects
def test_patterns_for_every_member_and_a_stable_layout(qtbot, window, tmp_path, model_dir):
    from core.explain.patterns import load_patterns

    assert load_patterns(model_dir).n_members == 2
    classified(qtbot, window, tmp_path)
    sel, view = window.session.selection, window.patterns
    sel.update(channel=3, position=50)
    qtbot.wait(50)
    widths = [p.width() for p in view.plots[:3]]
    sel.update(member=1)
    assert "Member 2, channel 3" in view.label.text() and view.grid.isVisible()
    windows = window.session.patterns.member(1).windows[3]
    first = view.plots[0].listDataItems()[0].yData  # NaN-separated windows, the first one first
    np.testing.assert_array_equal(first[:windows.shape[1]], windows[0])
    assert np.isnan(first[windows.shape[1]])
    shown = sum(np.isnan(c.yData).sum() for c in view.plots[0].listDataItems()[:-1] if c.isVisible())
    assert shown == len(windows)  # every window drawn once (the last curve is the median)
    # captions inside the panels (a plot title of changing size laid the grid out again)
    one = window.session.patterns.member(1)
    assert view.captions[1].textItem.toPlainText() == f"{one.wn_hi[3, 0]:.0f}-{one.wn_lo[3, 0]:.0f} cm-1"
    assert all(p.titleLabel.text == "" for p in view.plots)
    # no axis of meaningless offsets (a lone "50"): the label gives the windows' width instead
    assert not any(p.getAxis("bottom").isVisible() or p.getAxis("left").isVisible() for p in view.plots)
    assert f"each {windows.shape[1] * window.session.bundle.grid.step:.0f} cm-1 wide" in view.label.text()
    sel.update(member=0)
    qtbot.wait(50)
    assert [p.width() for p in view.plots[:3]] == pytest.approx(widths, abs=2)
    assert min(widths) > 0.8 * max(widths)  # no column cut off


def test_axes_show_values_without_si_scaling(qtbot, window, tmp_path):
    classified(qtbot, window, tmp_path)
    axes = [p.getAxis(n) for p in window.plots.plots for n in ("left", "bottom")]
    axes += [b.axis for b in window.plots.bars]
    for axis in axes:
        assert axis.autoSIPrefixScale == 1.0
        assert "(x" not in axis.labelString()
    bar = window.plots.bars[1].axis
    assert bar.tickStrings([0.5, -0.5], 1.0, 0.5) == ["0.5", "-0.5"]


def test_overlay_names_above_the_plot_each_once(qtbot, window, tmp_path):
    classified(qtbot, window, tmp_path)
    window.files.selectAll()
    title = window.spectrum.plot.titleLabel.text
    shown = [e for e in window.session.entries if e.status == "ok"]
    assert title.count("■") == len(shown) == 4  # one name per spectrum, none repeated for the model input
    assert window.spectrum.plot.legend is None


def test_spread_stays_inside_probability_0_to_1(qtbot, window, tmp_path):
    from irgroups_gui._qt.probability_panel import clipped_spread

    left, right = clipped_spread(np.array([0.05, 0.5, 0.97]), np.array([0.2, 0.1, 0.2]))
    np.testing.assert_allclose(left, [0.05, 0.1, 0.2])
    np.testing.assert_allclose(right, [0.2, 0.1, 0.03])
    classified(qtbot, window, tmp_path)
    e = window.probabilities.errors.opts
    assert np.all(e["x"] + e["right"] <= 1 + 1e-9) and np.all(e["x"] - e["left"] >= -1e-9)


def test_empty_state_shows_no_empty_axes(qtbot, window):
    assert not window.plots.maps_shown() and window.plots.views() == [window.plots.top]
    assert window.plots.hint.isVisible() and "once a spectrum is classified" in window.plots.hint.text()
    assert not window.patterns.grid.isVisible()
    assert not window.probabilities.highlight.isVisible()
    assert window.spectrum.message.isVisible() and "Drop spectra" in window.spectrum.message.textItem.toPlainText()


def test_file_list_is_readable_with_a_dark_palette(qtbot, window, tmp_path):
    from irgroups_gui._qt import theme

    app = QApplication.instance()
    old = app.palette()
    app.setPalette(theme.dark_palette())
    try:
        classified(qtbot, window, tmp_path)
        base = app.palette().color(QPalette.ColorRole.Base)
        for i in range(window.files.count()):
            item = window.files.item(i)
            colour = item.foreground().color() if item.data(Qt.ItemDataRole.ForegroundRole) is not None \
                else app.palette().color(QPalette.ColorRole.Text)
            assert abs(colour.lightnessF() - base.lightnessF()) > 0.3, item.text()
    finally:
        app.setPalette(old)


def test_training_tab_progress_covers_the_whole_run_and_labels(qtbot):
    from irgroups_gui._qt.training_tab import TrainingTab

    tab = TrainingTab()
    qtbot.addWidget(tab)
    event = types.SimpleNamespace(epoch=2, batch=5, n_batches=10, active=3, members=3)
    tab.show_run_progress(event, max_epochs=20)
    first = tab.progress.value() / tab.progress.maximum()
    tab.show_run_progress(types.SimpleNamespace(epoch=11, batch=0, n_batches=10, active=1, members=3), max_epochs=20)
    second = tab.progress.value() / tab.progress.maximum()
    assert 0 < first < 0.1 and second == pytest.approx(0.5)
    assert "1/3 members training" in tab.progress.format()
    assert "LR decay" not in tab.recipe.toolTip() and "patience 10" in tab.recipe.toolTip()
    build = [b for b in tab.findChildren(type(tab.start_btn)) if b.text().startswith("Build")][0]
    texts = [a.text() for a in build.menu().actions()]
    assert texts == ["From a folder of spectra…", "From a zip of spectra…"]
    assert tab.table.horizontalHeader().stretchLastSection()


def test_use_trained_model_then_back_to_default(qtbot, window, tmp_path, small_bundle):
    bundle = copy.copy(small_bundle)
    bundle.path = ""
    trained = types.SimpleNamespace(bundle=bundle, patterns=window.session.patterns)
    window.training.trained = trained
    window.training.use_model.emit(trained)  # the explainer is built in a worker
    qtbot.waitUntil(lambda: "trained in this session" in window.model_label.text(), timeout=20000)
    assert "not saved yet" in window.card.text.toPlainText()
    assert window.card.default.isEnabled()
    window.training.save_to(tmp_path / "mine")
    assert str(tmp_path / "mine") in window.card.text.toPlainText()
    assert window.model_path == str(tmp_path / "mine") and "model: mine" in window.model_label.text()
    window.card.default.click()
    qtbot.waitUntil(lambda: "model: default" in window.model_label.text(), timeout=60000)
    assert not window.card.default.isEnabled()


# ---------------------------------------------------------------- results table
def test_results_table_rows_filter_sort_copy_delete(qtbot, window, tmp_path):
    classified(qtbot, window, tmp_path)
    table, s = window.results, window.session
    assert table.proxy.rowCount() == 5
    table.set_filter("cautions")
    assert table.proxy.rowCount() == 1
    assert table.model.text(table.proxy.mapToSource(table.proxy.index(0, 0)).row(), 0) == "test"
    table.set_filter("errors")
    assert table.proxy.rowCount() == 1
    nitriles = s.bundle.group_names.index("nitriles")
    table.set_filter("nitriles")
    want = sum(1 for e in s.entries if e.status == "ok" and e.prediction.present[nitriles])
    assert table.proxy.rowCount() == want
    table.set_filter("all")
    col = len(FIXED) + nitriles
    table.view.sortByColumn(col, Qt.SortOrder.DescendingOrder)
    shown = [table.proxy.index(r, col).data() for r in range(table.proxy.rowCount())]
    values = [float(v) for v in shown if v]
    assert values == sorted(values, reverse=True)
    assert table.proxy.index(0, col).data(Qt.ItemDataRole.BackgroundRole) is not None
    table.view.selectRow(0)
    first = table.selected_rows()[0]
    assert s.selection.entry == first and window.files.currentRow() == first  # the list follows the table
    window.files.step(2)  # two files down, as the next-file key does twice
    assert table.selected_rows() == [2]  # and the table follows the list
    table.view.selectRow(0)
    text = table.copy_text()
    lines = text.splitlines()
    assert lines[0].split("\t")[:6] == ["name", "file", "phase", "present groups", "cautions", "undetermined"]
    assert len(lines) == 2 and len(lines[1].split("\t")) == len(FIXED) + 17
    first = table.selected_rows()[0]
    gone = s.entries[first].path
    table.view.setFocus()
    qtbot.keyClick(table.view, Qt.Key.Key_Delete)
    assert len(s.entries) == 4 and gone not in [e.path for e in s.entries]
    assert table.proxy.rowCount() == 4 and window.files.count() == 4


def test_phase_selector_reclassifies_that_entry_off_the_gui_thread(qtbot, window, tmp_path):
    classified(qtbot, window, tmp_path)
    table = window.results
    index = table.model.index(0, PHASE)
    assert table.model.data(index, PHASE_ROLE) == "auto"
    assert table.model.setData(index, "liquid")
    qtbot.waitUntil(lambda: window.session.entries[0].prediction.phase_source == "user", timeout=20000)
    assert window.session.entries[0].prediction.phase == "liquid"
    assert table.model.text(0, PHASE) == "liquid"
    assert window.session.entries[1].prediction.phase_source != "user"


# ---------------------------------------------------------------- readouts and units
def test_crosshair_readout_marker_label_and_peaks(qtbot, window, tmp_path):
    classified(qtbot, window, tmp_path)
    plots = window.plots
    spectrum, weights = plots.plots[0], plots.plots[1]
    scene = spectrum.vb.mapViewToScene(pg_point(2240, 0.5))
    text = plots.track(scene, spectrum.scene())
    assert "cm-1" in text and "spectrum" in text and plots.crosshair[1].isVisible()
    text = plots.track(weights.vb.mapViewToScene(pg_point(2240, 3)), weights.scene())
    assert text.startswith("2240 cm-1") and "channel 3" in text and "weight" in text
    window.session.selection.update(region=(2250.0, 2250.0))
    assert window.spectrum.marker_text() == "2250 cm-1"
    window.view_bar.peaks_box.setChecked(True)
    labels = window.spectrum.peak_labels()
    assert labels and any(abs(float(v) - 2240) <= 8 for v in labels)


def pg_point(x, y):
    from PySide6.QtCore import QPointF

    return QPointF(x, y)


def test_units_toggles_micrometres_and_transmittance(qtbot, window, tmp_path):
    classified(qtbot, window, tmp_path)
    window.view_bar.micro_box.setChecked(True)
    axis = window.plots.axes[0]
    assert axis.labelText == "wavelength / µm"
    for lo, hi in ((500, 4000), (4000, 500)):  # inverted axes pass the range reversed
        ticks = axis.tickValues(lo, hi, 800)[0][1]
        strings = axis.tickStrings(ticks, 1, None)
        assert {"2.5", "3", "4", "5", "10"} <= set(strings) and len(strings) <= 12
    window.plots.top.grab()
    assert len(axis.tickValues(*axis.range, 800)[0][1]) >= 5  # the range as drawn (inverted axis)
    window.session.selection.update(region=(2000.0, 2000.0))
    assert window.spectrum.marker_text() == "5.00 µm (2000 cm-1)"
    window.view_bar.form_box.setCurrentIndex(1)  # original, in the file's units (absorbance here)
    assert window.spectrum.plot.getAxis("left").labelText == "absorbance"
    window.view_bar.y_box.setCurrentIndex(2)
    assert window.spectrum.plot.getAxis("left").labelText == "transmittance / %"
    y = window.spectrum.main_curve[1]
    assert 0 <= y.min() and y.max() <= 100
    assert window.spectrum.plot.vb.state["autoVisibleOnly"][1]


# ---------------------------------------------------------------- menus and sessions
def test_menus_shortcuts_next_file_and_help(qtbot, window, tmp_path):
    classified(qtbot, window, tmp_path)
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["&File", "&Edit", "&View", "&Processing", "&Library", "&Help"]
    keys = {a.text(): a.shortcut().toString() for a in window.actions_list}
    assert keys["Next file"] == "Ctrl+Down" and keys["Export figure as PNG…"] == "Ctrl+E"
    window.files.setCurrentRow(0)
    next(a for a in window.actions_list if a.text() == "Next file").trigger()
    assert window.session.selection.entry == 1
    from irgroups_gui._qt import help as help_pages

    assert "doi:10.1039/d3dd00203a" in help_pages.about_html() and "LGPL" in help_pages.about_html()
    assert "Ctrl+Down" in help_pages.shortcuts_html(window.actions_list)
    assert "Evidence" in help_pages.HEATMAPS_HTML


def test_session_save_and_reopen(qtbot, window, tmp_path, model_dir):
    good = classified(qtbot, window, tmp_path)
    window.session.selection.update(group=6)
    window.files.setCurrentRow(1)
    window.view_bar.micro_box.setChecked(True)
    window.results.model.setData(window.results.model.index(0, PHASE), "kbr")
    qtbot.waitUntil(lambda: window.session.entries[0].prediction.phase == "kbr", timeout=20000)
    path = tmp_path / "s.json"
    window.sessions.save(str(path))
    doc = json.loads(path.read_text())
    assert doc["files"][0] == str(good[0]) and doc["phases"] == {str(good[0]): "kbr"}
    window.session.clear()
    window.view_bar.micro_box.setChecked(False)
    assert window.sessions.open(str(path))
    qtbot.waitUntil(lambda: loaded(window)
                    and window.session.entries[0].prediction.phase == "kbr", timeout=30000)
    qtbot.waitUntil(lambda: not window.loader.classifying, timeout=10000)  # the selection is restored when the load ends
    assert len(window.session.entries) == 5 and window.view_bar.micro_box.isChecked()
    assert window.session.selection.group == 6 and window.session.selection.entry == 1
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]")
    assert not window.sessions.open(str(bad)) and "not an IR Groups session" in window.statusBar().currentMessage()


# ---------------------------------------------------------------- model card and zoom
def test_model_card_names_the_dense_heads_and_the_network():
    from types import SimpleNamespace

    from core.nn.bundle import load_bundle
    from core.data.resources import default_model_path
    from irgroups_gui._qt.model_card import model_card_html

    bundle = load_bundle(default_model_path())
    html = model_card_html(SimpleNamespace(bundle=bundle))
    assert "dense heads" in html and "gas, condensed (chosen by each spectrum&#x27;s phase)" in html
    # the latent matrix the help refers to: its channels and windows come from the loaded network
    from core.nn.model import receptive_field

    c, n = bundle.config.channels[-1], bundle.members[0].n_positions
    size, jump, _ = receptive_field(bundle.members[0].encoder)
    assert (size, jump) == (60, 4)  # the dilated default: 60-point windows every 4 points
    assert f"{c} pattern channels x {n} windows of {size} input points (every {jump})" in html


class _Wheel:
    """A wheel event as pyqtgraph's ViewBox reads it."""

    def __init__(self, vb, delta: int, ctrl: bool = False):
        self._pos, self._delta = vb.boundingRect().center(), delta
        self._mods = Qt.KeyboardModifier.ControlModifier if ctrl else Qt.KeyboardModifier.NoModifier

    def delta(self):
        return self._delta

    def pos(self):
        return self._pos

    def modifiers(self):
        return self._mods

    def accept(self):
        pass

    def ignore(self):
        pass


class _Click:
    def __init__(self, button, double: bool = False):
        self._button, self._double = button, double

    def button(self):
        return self._button

    def double(self):
        return self._double

    def accept(self):
        pass

    def screenPos(self):
        from PySide6.QtCore import QPointF

        return QPointF(100, 100)


def test_zoom_follows_the_spectroscopy_convention(qtbot, window, tmp_path):
    """The wheel and a drag zoom the wavenumber axis only, y keeps fitting the visible range,
    Ctrl+wheel fixes y, a double-click and View > Reset zoom (Ctrl+0) reset; the right-click
    menu is the app's own."""
    from PySide6.QtCore import QRectF

    classified(qtbot, window, tmp_path)
    window.files.setCurrentRow(0)
    qtbot.waitUntil(lambda: window.spectrum.main_curve is not None, timeout=10000)
    vb = window.spectrum.plot.vb
    (x0, x1), y_before = vb.viewRange()
    vb.wheelEvent(_Wheel(vb, 240))
    (z0, z1), y_after = vb.viewRange()
    assert z1 - z0 < 0.8 * (x1 - x0) and not vb.y_fixed
    vb.showAxRect(QRectF(1000, 0, 600, 1))  # a drag over 1000-1600 cm-1, where good0 (a 2240 band) is flat
    qtbot.wait(50)
    assert vb.viewRange()[0] == pytest.approx([1000, 1600], abs=1)
    x, y = window.spectrum.main_curve
    visible = y[(x >= 1000) & (x <= 1600)]
    lo, hi = vb.viewRange()[1]
    assert hi < 0.5 * y.max() and lo <= visible.min() and hi >= visible.max()  # y fits the visible range
    vb.wheelEvent(_Wheel(vb, 240, ctrl=True))
    assert vb.y_fixed and vb.viewRange()[0] == pytest.approx([1000, 1600], abs=1)
    vb.mouseClickEvent(_Click(Qt.MouseButton.LeftButton, double=True))
    assert not vb.y_fixed and vb.viewRange()[0][1] - vb.viewRange()[0][0] > 3400
    vb.showAxRect(QRectF(2000, 0, 500, 1))
    reset = next(a for a in window.actions_list if a.text() == "Reset zoom")
    assert reset.shortcut().toString() == "Ctrl+0"
    reset.trigger()
    assert vb.viewRange()[0][1] - vb.viewRange()[0][0] > 3400
    vb.mouseClickEvent(_Click(Qt.MouseButton.RightButton))
    texts = [a.text() for a in vb.last_menu.actions()]
    assert {"Copy figure", "Export figure as SVG…", "Peak labels"} <= set(texts)
    assert not vb.menuEnabled()
    vb.last_menu.close()
    next(a for a in vb.last_menu.actions() if a.text() == "Copy figure").trigger()
    image = QApplication.clipboard().image()
    assert not image.isNull() and image.width() > 500


def test_drop_hint_only_when_the_list_is_empty(qtbot, window, tmp_path):
    from irgroups_gui._qt.spectrum_view import EMPTY, NONE_SELECTED

    view = window.spectrum
    assert view.message.isVisible() and view.message.textItem.toPlainText() == EMPTY
    classified(qtbot, window, tmp_path)
    window.session.selection.update(entry=None)
    qtbot.wait(20)
    assert view.message.textItem.toPlainText() == NONE_SELECTED
    window.session.selection.update(entry=0)
    qtbot.wait(20)
    assert not view.message.isVisible()
