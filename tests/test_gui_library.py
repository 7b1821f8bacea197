"""The Similar spectra panel: hits with their structures (and without rdkit's drawing, as in the
installer), searches in a worker that drop stale results, and a library built in a worker."""
from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from conftest import jcamp
from library_fixtures import _write, library, sources  # noqa: F401 (fixtures)


def test_similar_panel(qtbot, library, tmp_path):
    from PySide6.QtCore import QSettings

    import pyqtgraph as pg

    from core.predict.classify import Prediction
    from core.data.groups import GROUP_NAMES, group_index
    from core.readers.io import read_spectra
    from core.library.store import save_library
    from core.library.search import NOVELTY_THRESHOLD
    from irgroups_gui._qt.similar_view import HOW_TO, SimilarView, structure_png
    from irgroups_gui._qt.spectrum_view import SpectrumView
    from irgroups_gui.session import Session

    lib, _ = library
    lib_path = tmp_path / "lib.h5"
    save_library(lib, lib_path)
    session = Session()
    session.bundle = SimpleNamespace(group_names=GROUP_NAMES)
    plot = pg.PlotWidget()
    plot.getPlotItem().addLegend()
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    spectrum = SpectrumView(session, plot.getPlotItem())
    view = SimilarView(session, spectrum, settings)
    qtbot.addWidget(view)
    assert view.info.text() == HOW_TO and view.hits.count() == 0
    q = _write(tmp_path / "q.jdx", 2, "gas", shift=2.0, noise=0.005)
    present = np.zeros(len(GROUP_NAMES), bool)
    present[group_index("esters")] = True  # the network says esters; the neighbours say aromatics
    session.add_paths([str(q)])
    session.set_prediction(0, Prediction(source=str(q), name="q", spectrum=read_spectra(q)[0], present=present))
    session.selection.update(entry=0)
    view.set_library(lib, str(lib_path))
    assert settings.value("library/last") == str(lib_path)
    assert view.hits.count() == 5 and view.hits.item(0).text().startswith("1. compound 2")
    assert not view.hits.item(0).icon().isNull()
    assert "disagree" in view.compare.text() and "only the network says esters" in view.compare.text()
    assert "only the references say aromatics" in view.compare.text()
    view._hit_clicked(view.hits.item(0))
    assert session.selection.library_hit == 2 and view._curve.isVisible()
    assert np.allclose(view._curve.getData()[1], lib.spectra[2])  # normalised, like the normalised traces
    # in the file's own units the overlay follows the view: scaled to the spectrum's absorbance, then %T
    from core.spectra.preprocess import standardise

    a_max = standardise(session.entries[0].prediction.spectrum)[1].max()
    spectrum.set_form("original")
    spectrum.set_y_unit("%T")
    assert np.allclose(view._curve.getData()[1], 100 * 10 ** (-lib.spectra[2] * a_max))
    spectrum.set_y_unit("A")
    assert np.allclose(view._curve.getData()[1], lib.spectra[2] * a_max)
    spectrum.set_form("both")
    wn = np.arange(450, 4001, 4.0)
    odd = tmp_path / "odd.jdx"
    odd.write_text(jcamp("\n".join(f"{x:.0f} {v}" for x, v in zip(wn, np.random.default_rng(1).integers(0, 999, wn.size))),
                         wn.size, 450, 4000))
    session.add_paths([str(odd)])
    session.set_prediction(1, Prediction(source=str(odd), name="odd", spectrum=read_spectra(odd)[0], present=present))
    session.selection.update(entry=1)
    assert session.selection.library_hit is None and not view._curve.isVisible()
    assert "Caution:</b> unlike any reference spectrum (best score" in view.compare.text()
    assert f"&lt; {NOVELTY_THRESHOLD:.2f}" in view.compare.text()  # escaped, not read as a tag
    png = structure_png("c1ccccc1", "a", 120, 90)
    assert png[:4] == b"\x89PNG" and png != structure_png("c1ccccc1", "[NX1]#[CX2]", 120, 90)
    plot2 = pg.PlotWidget()
    qtbot.addWidget(plot2)
    again_session = Session()
    again = SimilarView(again_session, SpectrumView(again_session, plot2.getPlotItem()), settings)  # remembers the last library
    qtbot.addWidget(again)
    qtbot.waitUntil(lambda: again.library is not None, timeout=20000)
    assert len(again.library) == 16
    again.shutdown()


def test_structures_without_rdkit_drawing_give_no_picture(monkeypatch):
    """The installer leaves rdkit.Chem.Draw out: the hits are listed without pictures."""
    from irgroups_gui._qt.similar_view import structure_png

    structure_png.cache_clear()
    monkeypatch.setitem(sys.modules, "rdkit.Chem.Draw", None)  # import fails as in the bundle
    try:
        assert structure_png("CCO", "[OX2H]", 120, 90) == b""
    finally:
        structure_png.cache_clear()


def test_similar_panel_searches_in_a_worker_and_drops_stale_results(qtbot, library, tmp_path, monkeypatch):
    import threading

    from PySide6.QtCore import QSettings

    import pyqtgraph as pg

    from core.predict.classify import Prediction
    from core.data.groups import GROUP_NAMES
    from core.readers.io import read_spectra
    from irgroups_gui._qt import similar_view
    from irgroups_gui._qt.similar_view import SEARCHING, SimilarView
    from irgroups_gui._qt.spectrum_view import SpectrumView
    from irgroups_gui._qt.worker import thread_worker
    from irgroups_gui.session import Session

    workers, searched = [], []

    def in_worker(job, on_result, on_error):  # the app's JobRunner (MainWindow._run_job)
        w = thread_worker(job)
        w.returned.connect(on_result)
        w.errored.connect(on_error)
        workers.append(w.start())

    def search(lib, spectrum, top):
        searched.append((Path(spectrum.source).stem, threading.get_ident()))
        return real_search(lib, spectrum, top)

    real_search = similar_view.library_search
    monkeypatch.setattr(similar_view, "library_search", search)
    lib, _ = library
    session = Session(run_job=in_worker)
    session.bundle = SimpleNamespace(group_names=GROUP_NAMES)
    plot = pg.PlotWidget()
    qtbot.addWidget(plot)
    view = SimilarView(session, SpectrumView(session, plot.getPlotItem()), QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(view)
    present = np.zeros(len(GROUP_NAMES), bool)
    for i, k in enumerate((2, 5)):
        q = _write(tmp_path / f"q{k}.jdx", k, "gas", shift=2.0, noise=0.005)
        session.add_paths([str(q)])
        session.set_prediction(i, Prediction(source=str(q), name=f"q{k}", spectrum=read_spectra(q)[0], present=present))
    session.selection.update(entry=0)
    view.set_library(lib, str(tmp_path / "lib.h5"))
    # the search was handed to the worker: nothing found on this thread yet
    assert view.match is None and view.hits.count() == 0 and view.compare.text() == SEARCHING
    qtbot.waitUntil(lambda: view.hits.count() == 5, timeout=20000)
    assert view.hits.item(0).text().startswith("1. compound 2") and "Vote of the" in view.compare.text()
    assert len(searched) == 1 and searched[0][1] != threading.get_ident()
    session.selection.update(entry=1)  # a search for q5 starts ...
    session.selection.update(entry=0)  # ... and is stale when it returns: dropped, q2 searched again
    assert view.hits.count() == 0 and view.compare.text() == SEARCHING
    qtbot.waitUntil(lambda: view.match is not None and not view._searching, timeout=20000)
    assert [name for name, _ in searched] == ["q2", "q5", "q2"]
    assert view.hits.item(0).text().startswith("1. compound 2")
    session.selection.update(entry=1)
    qtbot.waitUntil(lambda: view.match is not None and not view._searching, timeout=20000)
    assert view.hits.item(0).text().startswith("1. compound 5") and len(searched) == 4
    for w in workers:
        w.wait()


def test_panel_builds_a_library_in_a_worker(qtbot, sources, tmp_path):
    from PySide6.QtCore import QSettings

    import pyqtgraph as pg

    from core.library.store import load_library
    from irgroups_gui._qt.similar_view import SimilarView
    from irgroups_gui._qt.spectrum_view import SpectrumView
    from irgroups_gui.session import Session

    plot = pg.PlotWidget()
    qtbot.addWidget(plot)
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    empty = Session()
    view = SimilarView(empty, SpectrumView(empty, plot.getPlotItem()), settings)
    qtbot.addWidget(view)
    (folder, csv_path), _ = sources
    out = tmp_path / "built.h5"
    view.build_library([str(folder)], [str(csv_path)], str(out))
    qtbot.waitUntil(lambda: view.library is not None, timeout=20000)
    view.shutdown()
    assert len(load_library(out)) == 8 and settings.value("library/last") == str(out)
    assert "8 reference spectra" in view.info.text() and "Built from 9 files; 1 skipped" in view.info.text()
    assert not view.progress.isVisible() and view.progress.maximum() == 9  # progress reached the bar
    w_bad = view.build_library([str(tmp_path / "nothing")], [str(csv_path)], str(tmp_path / "x.h5"))
    qtbot.waitUntil(lambda: "Could not build" in view.info.text(), timeout=20000)
    assert "nothing: no such file or folder" in view.info.text()
    w_bad.wait()
