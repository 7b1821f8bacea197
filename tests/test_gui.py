"""The desktop app, offscreen: drop files, list and errors, probabilities, the linked
selection, live training with a responsive event loop, prompt stop, closing mid-training."""
import time

import numpy as np
import pytest
from PySide6.QtCore import QPointF, QSettings, QTimer

from gui_fixtures import _drop, _spectrum_files, model_dir, window, loaded  # noqa: F401 (fixtures)


def test_drop_classify_list_errors_and_linked_selection(qtbot, window, tmp_path):
    good, broken, narrow = _spectrum_files(tmp_path)
    _drop(window, good + [broken, narrow])
    s = window.session
    qtbot.waitUntil(lambda: loaded(window), timeout=20000)
    assert window.files.count() == 5
    assert [e.status for e in s.entries] == ["ok", "ok", "ok", "error", "error"]
    assert "broken.jdx" in window.files.item(3).text() and "no ##END=" in window.files.item(3).text()
    assert "covers only" in window.files.item(4).text()
    p = s.entries[0].prediction
    assert p.mean.shape == (17,) and np.all((p.mean >= 0) & (p.mean <= 1)) and np.all(p.std >= 0)
    # the first entry is selected; its bars are drawn
    assert s.selection.entry == 0
    widths = window.probabilities.bars.opts["width"]
    np.testing.assert_allclose(widths, p.mean)
    # clicking a group bar selects it everywhere
    panel = window.probabilities
    row_y = float(np.flatnonzero(panel.order == 6)[0])
    scene_pos = panel.plot.vb.mapViewToScene(QPointF(0.5, row_y))
    assert panel.row_at(scene_pos) == 6
    s.selection.update(group=panel.row_at(scene_pos))
    assert "nitriles" in window.heatmaps.weights.plot.titleLabel.text
    # the weight map shows that group's dense weights of member 1
    np.testing.assert_allclose(window.heatmaps.weights.image.image, s.explainer.weights()[0, 6])
    # the evidence heatmap shows exact terms for the current spectrum (computed in a worker)
    qtbot.waitUntil(lambda: s.terms(0) is not None, timeout=10000)
    terms = s.terms(0)
    np.testing.assert_allclose(window.heatmaps.evidence.image.image, terms[0, 6])
    # hovering a cell highlights its receptive field on the spectrum
    s.selection.hover_cell(3, 100)
    lo, hi = window.spectrum.field.getRegion()
    assert (lo, hi) == pytest.approx((s.explainer.fields.wn_lo[100], s.explainer.fields.wn_hi[100]))
    assert window.spectrum.field.isVisible()
    assert "channel 3" in window.patterns.label.text()
    # clicking the spectrum at a wavenumber outlines the cells that see it
    s.selection.update(region=(2250.0, 2250.0))
    rect = window.heatmaps.weights.region.rect()
    seeing = s.explainer.fields.positions_seeing(2250.0)
    x0 = s.explainer.fields.centre[0] - (s.explainer.fields.centre[1] - s.explainer.fields.centre[0]) / 2
    d = s.explainer.fields.centre[1] - s.explainer.fields.centre[0]
    assert rect.left() == pytest.approx(x0 + seeing.min() * d)
    assert window.heatmaps.weights.region.isVisible()
    # the model input can be shown alone; the view keeps one curve
    window.spectrum.set_form("model")
    assert len(window.spectrum.drawn_curves()) == 1


def test_export_predictions(window, qtbot, tmp_path):
    import json

    good, broken, _ = _spectrum_files(tmp_path)
    window.loader.add_paths([str(good[0]), str(broken)])
    qtbot.waitUntil(lambda: loaded(window), timeout=20000)
    out = tmp_path / "p.json"
    assert window.exports.predictions(str(out))
    rows = json.loads(out.read_text())["predictions"]
    assert rows[0]["probabilities"] and rows[1]["error"]
    assert window.exports.predictions(str(tmp_path / "p.csv"))
    assert (tmp_path / "p.csv").read_text().count("\n") == 3
    assert window.exports.figure(str(tmp_path / "f.png")) is None
    assert (tmp_path / "f.png").stat().st_size > 10000


@pytest.fixture
def dataset_file(tmp_path, small_dataset):
    from core.data.dataset import save_dataset

    path = tmp_path / "small.h5"
    save_dataset(small_dataset, path)
    return path


@pytest.fixture
def tab(qtbot, dataset_file):
    """A training tab on the small dataset, batch size 16."""
    from irgroups_gui._qt.training_tab import TrainingTab

    t = TrainingTab()
    qtbot.addWidget(t)
    t.dataset.setText(str(dataset_file))
    t.batch.setValue(16)
    return t


def test_live_training_keeps_the_event_loop_turning(qtbot, tab):
    tab.epochs.setValue(4)
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start(10)
    worker = tab.start()
    with qtbot.waitSignal(worker.finished, timeout=120000):
        pass
    timer.stop()
    assert tab.trained is not None and tab.save_btn.isEnabled()
    assert len(tab.curves.ex) == len(tab.trained.results[0].history) >= 1
    assert len(tab.curves.bx) > 0
    assert tab.table.rowCount() == 17
    gaps = np.diff(ticks)
    assert len(ticks) > 20 and gaps.max() < 1.0, f"longest gap {gaps.max():.3f} s"


def test_stop_is_prompt_and_keeps_best(qtbot, tab):
    tab.epochs.setValue(500)
    tab.patience.setValue(500)
    worker = tab.start()
    qtbot.waitUntil(lambda: len(tab.curves.ex) >= 2, timeout=60000)
    t0 = time.perf_counter()
    tab.stop()
    with qtbot.waitSignal(worker.finished, timeout=30000):
        pass
    assert time.perf_counter() - t0 < 5.0
    assert tab.trained.results[0].cancelled and tab.use_btn.isEnabled()


def test_closing_the_window_during_training_stops_the_worker(qtbot, window, dataset_file):
    tab = window.training
    tab.dataset.setText(str(dataset_file))
    tab.epochs.setValue(500)
    tab.patience.setValue(500)
    worker = tab.start()
    qtbot.waitUntil(lambda: len(tab.curves.bx) >= 1, timeout=60000)
    asked = []
    window.confirm = lambda title, text: asked.append(title) or False
    window.close()  # the user says no: the window stays, training goes on
    assert asked and window.isVisible() and worker.is_running()
    window.confirm = lambda title, text: True
    window.close()
    assert not worker.is_running()


def test_missing_dataset_is_a_message_not_a_crash(qtbot):
    from irgroups_gui._qt.training_tab import TrainingTab

    tab = TrainingTab()
    qtbot.addWidget(tab)
    tab.dataset.setText("/nonexistent/x.h5")
    assert tab.start() is None
    assert "No dataset" in tab.status.text()


def test_bad_model_file_shows_in_the_status_bar(qtbot, tmp_path):
    from irgroups_gui._qt.main_window import MainWindow

    w = MainWindow(model_path=str(tmp_path), settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    qtbot.waitUntil(lambda: "Could not load model" in w.statusBar().currentMessage(), timeout=20000)
    assert "not a model folder" in w.statusBar().currentMessage()


def test_clear_resets_the_selection_and_views(qtbot, window, tmp_path):
    good, _, _ = _spectrum_files(tmp_path)
    window.loader.add_paths([str(p) for p in good])
    qtbot.waitUntil(lambda: loaded(window), timeout=20000)
    window.files.selectAll()
    assert len(window.session.selection.overlay) == 3
    window.confirm = lambda title, text: False
    window.loader.confirm_clear()  # the user says no: nothing is removed
    assert window.files.count() == 3
    window.confirm = lambda title, text: True
    window.loader.confirm_clear()
    assert window.files.count() == 0 and window.session.selection.overlay == ()
    window.loader.add_paths([str(good[0])])
    qtbot.waitUntil(lambda: bool(window.session.entries) and window.session.entries[0].prediction is not None,
                    timeout=20000)
    assert window.session.selection.entry == 0


def test_clearing_while_classifying_drops_the_stale_results(qtbot, window, tmp_path):
    good, _, _ = _spectrum_files(tmp_path)
    qtbot.waitUntil(lambda: window.session.bundle is not None, timeout=20000)
    window.loader.add_paths([str(p) for p in good])  # classified in a worker
    assert window.loader.classifying
    window.confirm = lambda title, text: True
    window.loader.confirm_clear()
    window.loader.add_paths([str(good[1])])
    s = window.session
    qtbot.waitUntil(lambda: bool(s.entries) and s.entries[0].prediction is not None and not window.loader.classifying,
                    timeout=20000)
    # the first job's results belonged to the cleared list: none of them landed on the new entry
    assert len(s.entries) == 1 and s.entries[0].prediction.source == str(good[1])


def test_multi_spectrum_file_is_one_entry_with_its_spectrum_chosen(qtbot, window, tmp_path):
    from test_readers_binary import DATA, _spg

    spg = tmp_path / "group.spg"
    spg.write_bytes(_spg((DATA / "omnic_clipped.spa").read_bytes(), ["a", "b", "c"]))
    good, _, _ = _spectrum_files(tmp_path)
    _drop(window, [spg, good[0]])
    qtbot.waitUntil(lambda: not window.loader.classifying, timeout=60000)
    names = [e.name for e in window.session.entries]
    assert names == ["group.spg #1", "test"]
    assert [e.subfiles for e in window.session.entries] == [3, 1]
    assert all(e.status == "ok" for e in window.session.entries)
    assert window.files.count() == 2
