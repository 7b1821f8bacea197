"""Reference library and similarity search: build from files (several sources, phases) and from a
dataset, save/load (atomic, versioned, hash-checked), search with k-NN vote and novelty, the CLI
(`library build|info`, `search`), the Similar spectra panel, and self-retrieval on NIST spectra."""
from __future__ import annotations

import csv
import json
import sys
import zipfile
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from conftest import GAS_CSV, GAS_ZIP, ROOT, jcamp, need_shared, synthetic_dataset

SMILES = ["CCO", "CC(=O)OCC", "c1ccccc1", "CC#N", "CC(=O)O", "CCN", "C=CCC", "CC(C)=O", "CCCl", "O=[N+]([O-])c1ccccc1",
          "CC=O", "C#CC", "CCOCC", "CC(N)=O", "CC(=O)Cl", "Cc1ccccc1"]
STATES = ["gas", "SOLID (KBr PELLET)", "SOLUTION (10% CCl4)", "LIQUID (NEAT)"]


def _bands(k: int) -> list[tuple[float, float]]:
    rng = np.random.default_rng(k)
    return [(float(c), float(h)) for c, h in zip(rng.uniform(600, 3800, 6), rng.uniform(0.2, 1.0, 6))]


def _absorbance(wn: np.ndarray, k: int, shift: float = 0.0) -> np.ndarray:
    return sum(h * np.exp(-0.5 * ((wn - c - shift) / 12.0) ** 2) for c, h in _bands(k)) + 0.01


def _write(path: Path, k: int, state: str, shift: float = 0.0, noise: float = 0.0) -> Path:
    wn = np.arange(450, 4001, 4.0)
    a = _absorbance(wn, k, shift) + np.random.default_rng(100 + k).normal(0, noise, wn.size)
    y = np.round(a * 10000).astype(int)
    path.write_text(jcamp("\n".join(f"{x:.0f} {v}" for x, v in zip(wn, y)), wn.size, 450, 4000,
                          extra=f"##STATE={state}\n", yfactor=1e-4))
    return path


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    """Two folders of generated spectra, each with its own structures CSV (SMILES, one with CAS)."""
    root = tmp_path_factory.mktemp("lib")
    out = []
    for part, ks in (("a", range(0, 8)), ("b", range(8, 16))):
        folder = root / part
        folder.mkdir()
        rows = []
        for k in ks:
            name = f"{100 + k}-00-{k % 10}.jdx"
            _write(folder / name, k, STATES[k % len(STATES)])
            rows.append({"file": name, "smiles": SMILES[k], "name": f"compound {k}", "cas": "" if part == "a" else f"9-{k}-0"})
        (folder / "junk.jdx").write_text("##TITLE=x\n##XYDATA=(X++(Y..Y))\n100 1 2\n")
        rows.append({"file": "junk.jdx", "smiles": "C", "name": "junk", "cas": ""})
        with open(root / f"{part}.csv", "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)
        out.append((folder, root / f"{part}.csv"))
    return out


@pytest.fixture(scope="module")
def library(sources):
    from core.library.store import build_library

    lib, report = build_library([s for s, _ in sources], [c for _, c in sources], check_formula=False)
    return lib, report


def test_build_records_phase_cas_labels_and_skips(library):
    from core.data.groups import GROUP_NAMES

    lib, report = library
    assert len(lib) == 16 and report.labelled == 16 and report.files == 18
    assert len(report.skipped["unreadable"]) == 2
    assert lib.phases[:4] == ["gas", "kbr", "solution", "liquid"]
    assert lib.cas[0] == "100-00-0"  # from the file name when the CSV has none
    assert lib.cas[9] == "9-9-0"  # from the CSV
    assert lib.identifiers[2] == "c1ccccc1" and lib.names[2] == "compound 2"
    assert lib.labels[2, GROUP_NAMES.index("aromatics")] == 1
    assert lib.labels[3, GROUP_NAMES.index("nitriles")] == 1 and lib.labels[3].sum() == 2  # CC#N: methyl, nitrile
    assert lib.spectra.shape == (16, lib.grid.n) and np.allclose(lib.spectra.max(axis=1), 1.0)


def test_save_load_roundtrip_atomic_and_checked(library, tmp_path):
    import h5py

    from core.library.store import LibraryError, load_library, save_library

    lib, _ = library
    path = tmp_path / "sub" / "lib.h5"
    save_library(lib, path)
    assert [p.name for p in path.parent.iterdir()] == ["lib.h5"]  # no temporary file left
    back = load_library(path)
    assert back.content_hash == lib.content_hash and back.phases == lib.phases and back.cas == lib.cas
    assert np.array_equal(back.labels, lib.labels) and back.grid == lib.grid
    with h5py.File(path, "a") as f:
        f["labels"][0, 0] = 1 - f["labels"][0, 0]
    with pytest.raises(LibraryError, match="content hash"):
        load_library(path)
    save_library(lib, path)
    with h5py.File(path, "a") as f:
        f.attrs["format_version"] = 99
    with pytest.raises(LibraryError, match="version 99"):
        load_library(path)
    (tmp_path / "not.h5").write_text("hello")
    with pytest.raises(LibraryError, match="not.h5"):
        load_library(tmp_path / "not.h5")


def test_library_from_dataset_and_merge(tmp_path, library):
    from core.data.dataset import save_dataset
    from core.library.store import build_library

    ds = synthetic_dataset(60)
    ds.phases = ["gas"] * 30 + ["kbr"] * 30
    save_dataset(ds, tmp_path / "d.h5")
    lib, _ = build_library([tmp_path / "d.h5"])
    assert len(lib) == 60 and lib.phases == ds.phases and np.array_equal(lib.labels, ds.labels)
    assert np.allclose(lib.spectra, ds.spectra)


def test_search_finds_a_remeasured_spectrum_first(library, tmp_path):
    from core.library.search import search_files

    lib, _ = library
    queries = [_write(tmp_path / f"q{k}.jdx", k, "gas", shift=3.0, noise=0.01) for k in range(16)]
    matches = search_files(queries, lib, top=3)
    assert [m.hits[0].index for m in matches] == list(range(16))
    assert all(m.hits[0].score > 0.7 and m.hits[0].score - m.hits[1].score > 0.4 for m in matches)
    assert all(not m.novel and m.warnings == [] for m in matches)
    assert matches[2].hits[0].groups == ["aromatics"] and matches[2].hits[0].phase == "solution"


def test_vote_novelty_and_refusals(library, tmp_path):
    from core.library.search import NOVELTY_CAUTION, knn_vote, search_files

    lib, _ = library
    labels = np.zeros((1, 5, 3), dtype=np.uint8)
    labels[0, :3, 0] = 1
    labels[0, :2, 1] = 1
    equal = np.full((1, 5), 0.8)
    assert np.allclose(knn_vote(labels, equal, 5), [[0.6, 0.4, 0.0]])  # equal scores: plain shares
    assert np.allclose(knn_vote(labels, equal, 2), [[1.0, 1.0, 0.0]])
    far = np.array([[0.9, 0.5, 0.5, 0.5, 0.5]])  # the best hit outweighs four much weaker ones
    w = np.exp(-0.4 / 0.05)
    assert np.allclose(knn_vote(labels, far, 5, tau=0.05), [[(1 + 2 * w) / (1 + 4 * w), (1 + w) / (1 + 4 * w), 0.0]])
    wn = np.arange(450, 4001, 4.0)
    noise = tmp_path / "noise.jdx"
    noise.write_text(jcamp("\n".join(f"{x:.0f} {v}" for x, v in zip(wn, np.random.default_rng(0).integers(0, 1000, wn.size))),
                           wn.size, 450, 4000))
    flat = tmp_path / "flat.jdx"
    flat.write_text(jcamp("\n".join(f"{x:.0f} 5" for x in wn), wn.size, 450, 4000))
    narrow = tmp_path / "narrow.jdx"
    narrow.write_text(jcamp("\n".join(f"{x} 5" for x in range(1000, 1200, 4)), 50, 1000, 1196))
    nmr = tmp_path / "nmr.jdx"
    nmr.write_text(jcamp("\n".join(f"{x} 5" for x in range(0, 10)), 10, 0, 9).replace("INFRARED SPECTRUM", "NMR SPECTRUM"))
    m_noise, m_flat, m_narrow, m_nmr, m_missing = search_files([noise, flat, narrow, nmr, tmp_path / "none.jdx"], lib)
    assert m_noise.ok and m_noise.novel and NOVELTY_CAUTION in m_noise.warnings[0]
    assert m_noise.to_dict()["novel"] is True
    assert "flat" in m_flat.error
    assert "covers only" in m_narrow.error
    assert "not an infrared" in m_nmr.error
    assert not m_missing.ok and m_missing.to_dict() == {"file": str(tmp_path / "none.jdx"), "name": "none.jdx",
                                                        "error": m_missing.error}


def test_disagreements():
    from core.library.search import disagreements

    vote = {"alkane": 0.8, "esters": 0.2, "ketones": 0.6}
    present = {"alkane": True, "esters": True, "ketones": True}
    assert disagreements(vote, present) == [("esters", True, False)]


def _cli(*argv) -> int:
    from core.cli.main import main

    return main([str(a) for a in argv])


def test_cli_build_info_search(sources, tmp_path, capsys):
    (a, a_csv), (b, b_csv) = sources
    out = tmp_path / "lib.h5"
    assert _cli("library", "build", a, b, "--structures", a_csv, "--structures", b_csv, "--out", out,
                "--no-formula-check") == 0
    text = capsys.readouterr().out
    assert "labelled spectra: 16" in text and "phases: gas 4" in text and f"wrote {out}" in text
    assert _cli("library", "info", out) == 0
    assert "16 reference spectra" in capsys.readouterr().out
    q = _write(tmp_path / "query.jdx", 5, "gas", shift=2.0, noise=0.005)
    assert _cli("search", q, tmp_path / "missing.jdx", "--library", out, "--top", "2", "--format", "json") == 1
    res = json.loads(capsys.readouterr().out)
    assert [r["file"] for r in res] == [str(q), str(tmp_path / "missing.jdx")]
    assert "error" in res[1] and len(res[0]["hits"]) == 2
    top = res[0]["hits"][0]
    assert set(top) == {"rank", "score", "name", "cas", "file", "smiles", "phase", "groups"}
    assert (top["rank"], top["smiles"], top["file"], top["phase"]) == (1, SMILES[5], "105-00-5.jdx", "kbr")
    assert top["groups"] == ["alkane", "methyl", "amines"] and res[0]["novel"] is False
    assert _cli("search", q, "--library", out) == 0
    table = capsys.readouterr().out
    assert "compound 5" in table and "k-NN groups" in table and "caution" not in table
    assert _cli("search", q, "--library", tmp_path / "nope.h5") == 1
    assert "nope.h5: no such file" in capsys.readouterr().err
    assert _cli("library", "build", a, "--out", tmp_path / "x.h5") == 1
    assert "--structures" in capsys.readouterr().err


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


def test_self_retrieval_on_nist_spectra(tmp_path):
    """300 gas spectra re-written as transmittance in micrometres with noise, tilt and shift."""
    need_shared()
    sys.path.insert(0, str(ROOT / "tests" / "benchmarks"))
    from bench_search import perturb

    from core.library.store import build_library
    from core.spectra.preprocess import standardise
    from core.library.search import search_spectra

    with zipfile.ZipFile(GAS_ZIP) as z:
        names = sorted(n for n in z.namelist() if n.endswith(".jdx"))[::20][:300]
        folder = tmp_path / "spectra"
        folder.mkdir()
        for n in names:
            (folder / Path(n).name).write_bytes(z.read(n))
    lib, _ = build_library([folder], [GAS_CSV])
    assert len(lib) > 250
    from core.readers.io import read_spectra

    rng = np.random.default_rng(0)
    queries = [perturb(*standardise(read_spectra(folder / f)[0]), rng) for f in lib.files]
    matches = search_spectra(queries, lib, top=5)
    top1 = np.mean([m.hits[0].index == i for i, m in enumerate(matches)])
    top5 = np.mean([i in [h.index for h in m.hits] for i, m in enumerate(matches)])
    assert top1 >= 0.95 and top5 >= 0.99, (top1, top5)
