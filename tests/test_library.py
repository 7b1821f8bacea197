"""Reference library and similarity search: build from files (several sources, phases) and from a
dataset, save/load (atomic, versioned, hash-checked), search with k-NN vote and novelty, the CLI
(`library build|info`, `search`) and self-retrieval on NIST spectra (the Similar spectra panel is
in test_gui_library.py)."""
from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from conftest import GAS_CSV, GAS_ZIP, ROOT, jcamp, need_shared, synthetic_dataset
from library_fixtures import SMILES, _write, library, sources  # noqa: F401 (fixtures)


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
