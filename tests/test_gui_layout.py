"""The window on a laptop screen (1280 x 720: docks, labels that never overlap, the layout kept
between runs), the overlay controls and display smoothing, and plots that follow a dark palette
while exported figures stay white."""
import itertools

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QApplication

from conftest import jcamp
from gui_fixtures import _spectrum_files, model_dir, window, loaded  # noqa: F401 (fixtures)


def _classified(qtbot, window, paths):
    window.loader.add_paths([str(p) for p in paths])
    qtbot.waitUntil(lambda: loaded(window), timeout=20000)


def _settle(qtbot, window, width=1280, height=720):
    window.resize(width, height)
    qtbot.wait(200)
    QApplication.processEvents()


def test_the_window_fits_1280_by_720_with_every_panel_inside(qtbot, window, tmp_path):
    _classified(qtbot, window, _spectrum_files(tmp_path)[0])
    window.files.setCurrentRow(0)
    hint = window.minimumSizeHint()
    assert hint.width() <= 1280 and hint.height() <= 720, hint
    _settle(qtbot, window)
    assert (window.width(), window.height()) == (1280, 720)
    frame = window.rect()
    for name, dock in window.classify.docks.items():
        assert dock.isVisible() and not dock.isFloating(), name
        top_left = dock.mapTo(window, dock.rect().topLeft())
        assert frame.contains(top_left) and frame.contains(top_left + dock.rect().bottomRight()), name
    assert window.plots.maps.height() >= window.plots.maps.minimumHeight() > 0


def _texts(axis: pg.AxisItem) -> list:
    """Scene rectangles of an axis's tick labels as it would draw them now."""
    image = QImage(10, 10, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    painter.setFont(axis.style["tickFont"] or axis.font())
    try:
        specs = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return [axis.mapRectToScene(rect) for rect, _, _ in (specs[2] if specs else [])]


def _labels(view: pg.GraphicsView) -> list:
    """Scene rectangles of every tick label, axis label and title of a view."""
    scene = view.scene()
    axes = [item for item in scene.items() if isinstance(item, pg.AxisItem) and item.isVisible()]
    texts = [r for a in axes for r in _texts(a)]
    texts += [a.label.mapRectToScene(a.label.boundingRect()) for a in axes if a.label.isVisible()]
    return texts + [item.sceneBoundingRect() for item in scene.items()
                    if isinstance(item, pg.LabelItem) and item.isVisible() and item.text]


def test_heatmap_and_probability_labels_do_not_overlap_at_1280_by_720(qtbot, window, tmp_path):
    _classified(qtbot, window, _spectrum_files(tmp_path)[0])
    window.files.setCurrentRow(0)
    for size in ((1280, 720), (900, 500)):  # and the smallest the window gets
        _settle(qtbot, window, *size)
        for view in (window.plots.maps, window.plots.top, window.probabilities):
            texts = _labels(view)
            assert len(texts) >= 5  # ticks of channels, values, wavenumbers, colour bars; titles
            for r1, r2 in itertools.combinations(texts, 2):
                assert not r1.intersects(r2), (type(view).__name__, size, r1, r2)


def test_a_closed_dock_stays_closed_in_the_next_run(qtbot, model_dir, tmp_path):  # noqa: F811
    from irgroups_gui._qt.main_window import MainWindow

    def start():
        settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
        w = MainWindow(model_path=str(model_dir), settings=settings)
        qtbot.addWidget(w)
        w.show()
        qtbot.waitUntil(lambda: w.session.bundle is not None, timeout=20000)
        return w

    w = start()
    w.classify.docks["results"].close()
    w.resize(1100, 700)
    qtbot.wait(50)
    w.close()
    w2 = start()
    qtbot.wait(50)
    assert not w2.classify.docks["results"].isVisible() and w2.classify.docks["files"].isVisible()
    assert w2.height() == 700  # (the width is fitted to the offscreen screen, 800 px wide)
    panels = next(a.menu() for a in w2.menuBar().actions() if a.text() == "&View").actions()
    show_results = next(a.menu() for a in panels if a.text() == "Panels").actions()
    next(a for a in show_results if a.text() == "Results table").trigger()  # View > Panels brings it back
    assert w2.classify.docks["results"].isVisible()


def test_stacked_normalised_coloured_overlays(qtbot, window, tmp_path):
    good, _, _ = _spectrum_files(tmp_path)
    _classified(qtbot, window, good[:2])
    window.view_bar.form_box.setCurrentIndex(1)  # the original, in the file's units
    window.files.selectAll()
    flat = [c.yData.copy() for c in window.spectrum.drawn_curves()]
    assert len(flat) == 2
    window.overlay.stack.setValue(0.5)
    stacked = [c.yData for c in window.spectrum.drawn_curves()]
    top = max(np.abs(y).max() for y in flat)
    assert np.allclose(stacked[0], flat[0]) and np.allclose(stacked[1] - flat[1], 0.5 * top)
    window.overlay.stack.setValue(0)
    window.overlay.normalise.setChecked(True)
    assert [c.yData.max() for c in window.spectrum.drawn_curves()] == [1.0, 1.0]
    assert max(flat[0].max(), flat[1].max()) > 2  # absorbance in the file: normalising changed them
    path = window.session.entries[1].path
    window.overlay.set_colour([path], QColor(10, 200, 30))
    pens = [c.opts["pen"].color().getRgb()[:3] for c in window.spectrum.drawn_curves()]
    assert (10, 200, 30) in pens and pens[0] != (10, 200, 30)


def test_smoothing_is_display_only(qtbot, window, tmp_path):
    wn = np.arange(500, 4001, 2)
    rng = np.random.default_rng(0)
    y = (1000 * np.exp(-0.5 * ((wn - 1715) / 20) ** 2) + 200 + rng.normal(0, 30, wn.size)).astype(int)
    noisy = tmp_path / "noisy.jdx"
    noisy.write_text(jcamp("\n".join(f"{x} {v}" for x, v in zip(wn, y)), wn.size, 500, 4000))
    _classified(qtbot, window, [noisy])
    window.view_bar.form_box.setCurrentIndex(1)
    window.files.setCurrentRow(0)
    prediction = window.session.entries[0].prediction
    model_input = np.array(prediction.model_input, copy=True)
    raw = window.spectrum.drawn_curves()[0].yData.copy()
    smooth = next(a for a in window.processing_menu.actions() if a.text().startswith("Smooth"))
    assert "model reads it unsmoothed" in smooth.text()
    smooth.trigger()
    assert window.spectrum.style.smoothing and (window.spectrum.style.window, window.spectrum.style.order) == (11, 3)
    shown = window.spectrum.drawn_curves()[0].yData
    assert np.var(np.diff(shown)) < 0.2 * np.var(np.diff(raw))  # the noise, seen point to point
    qtbot.wait(100)
    assert window.session.entries[0].prediction is prediction  # not classified again
    assert np.array_equal(prediction.model_input, model_input)


def test_plots_follow_a_dark_palette_and_exports_stay_white(qtbot, window, tmp_path):
    from irgroups_gui._qt import theme

    _classified(qtbot, window, _spectrum_files(tmp_path)[0][:1])
    window.files.setCurrentRow(0)
    app = QApplication.instance()
    light = app.palette()
    try:
        app.setPalette(theme.dark_palette())
        QApplication.processEvents()
        for view in (window.plots.top, window.plots.maps, window.probabilities):
            assert view.backgroundBrush().color().lightness() < 80
        axis = window.spectrum.plot.getAxis("left")
        assert axis.pen().color().lightness() > 170 and axis.textPen().color().lightness() > 170
        assert QColor(*window.spectrum.drawn_curves()[-1].opts["pen"].color().getRgb()[:3]).lightness() > 170
        # the probability thresholds are light marks on the dark plot, not a black gap in the bars
        assert window.probabilities.thresholds.opts["pen"].color().lightness() > 170
        out = tmp_path / "figure.png"
        assert window.exports.figure(str(out)) is None
        image = QImage(str(out))
        assert image.pixelColor(2, 2) == QColor("white")
        # the plots are drawn light, not only the frame around them: mostly near-white pixels
        grid = [image.pixelColor(x, y).lightness() for x in range(0, image.width(), 7)
                for y in range(0, image.height(), 7)]
        assert np.mean(np.array(grid) > 230) > 0.8
        assert window.plots.top.backgroundBrush().color().lightness() < 80  # dark again on screen
    finally:
        app.setPalette(light)
        QApplication.processEvents()
    assert window.plots.top.backgroundBrush().color() == QColor("white")


def test_the_first_spectra_show_the_maps_without_a_new_layout(qtbot, window, tmp_path):
    plots = window.plots
    window.show()
    qtbot.waitExposed(window)
    sizes = (plots.top.size(), plots.maps.size())
    # drawn once under the hint (Qt paints no covered widget), so their axes are drawn ahead
    axes = [p.getAxis(side) for p in plots.plots[1:] for side in ("left", "bottom")]
    qtbot.waitUntil(lambda: all(a.picture is not None for a in axes), timeout=5000)
    good, _, _ = _spectrum_files(tmp_path)
    window.loader.add_paths([str(p) for p in good])
    qtbot.waitUntil(lambda: loaded(window) and not window.loader.classifying, timeout=30000)
    assert plots.maps_shown() and plots.views() == [plots.top, plots.maps]
    assert (plots.top.size(), plots.maps.size()) == sizes  # laid out under the hint all along
    window.session.clear()
    assert not plots.maps_shown() and plots.hint.isVisible()


def test_the_subfile_chooser_appears_without_resizing_the_plots(qtbot, window):
    """A multi-spectrum file shows the 'Spectrum 1 of 512' chooser on the model's line; the line
    is as tall as the chooser from the start, so showing it moves no plot (it resized every plot
    in the turn the file's row came, 8 ms of a load's longest turn)."""
    from test_gui_loading import XYXY

    _settle(qtbot, window)
    before = window.plots.size()
    window.loader.add_paths([str(XYXY)])
    qtbot.waitUntil(lambda: not window.loader.classifying, timeout=20000)
    QApplication.processEvents()
    assert window.subfiles.isVisibleTo(window)
    assert window.plots.size() == before
