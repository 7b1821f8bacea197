"""Novelty: in or out of the model's world. Fitting, the validation threshold, files (no pickle),
loading with the bundle, and what classify, predict JSON and the table show."""
import json
import shutil

import numpy as np
import pytest

from core.nn.novelty import META, NoveltyError, TENSORS, fit_novelty, load_novelty, organic_mask
from core.spectra.preprocess import DEFAULT_GRID

X = DEFAULT_GRID.x


def band(centre: float, width: float, height: float = 1.0) -> np.ndarray:
    return height * np.exp(-0.5 * ((X - centre) / width) ** 2)


def co2_like() -> np.ndarray:
    """An inorganic-looking spectrum: CO2's strong 2349 and 667 cm-1 bands, nothing else."""
    return (band(2349, 12) + 0.4 * band(667, 6)).astype(np.float32)


@pytest.fixture(scope="module")
def fitted(small_bundle, small_dataset):
    ds = small_dataset
    return fit_novelty(small_bundle, ds.spectra[ds.split == 0], ds.spectra[ds.split == 1])


def test_threshold_keeps_95_percent_of_validation_and_flags_the_unseen(fitted, small_bundle, small_dataset):
    ds = small_dataset
    assert fitted.info["val_flagged"] <= 0.06
    val_scores, val_inside = fitted.score(small_bundle, ds.spectra[ds.split == 1])
    assert np.mean(val_inside) >= 0.94 and np.all(val_inside == (val_scores <= 1))
    test_inside = fitted.score(small_bundle, ds.spectra[ds.split == 2])[1]
    assert np.mean(test_inside) >= 0.85
    odd = np.stack([co2_like(), np.where(X > 3900, 1.0, 0.0).astype(np.float32)])
    scores, inside = fitted.score(small_bundle, odd)
    assert not inside.any() and np.all(scores > 1.5)


def test_too_few_spectra_refused(small_bundle, small_dataset):
    with pytest.raises(NoveltyError, match="at least"):
        fit_novelty(small_bundle, small_dataset.spectra[:10], small_dataset.spectra[:10])


def test_files_round_trip_and_load_with_the_bundle(fitted, small_bundle, small_dataset, tmp_path):
    from core.nn.bundle import BundleError, load_bundle, save_bundle

    folder = save_bundle(small_bundle, tmp_path / "model")
    assert load_novelty(folder) is None and load_bundle(folder).novelty is None
    fitted.save(folder)
    assert json.loads((folder / META).read_text())["format"] == "irgroups-novelty"
    assert b"pickle" not in (folder / TENSORS).read_bytes()[:200]
    bundle = load_bundle(folder)
    x = small_dataset.spectra[:20]
    np.testing.assert_allclose(bundle.novelty.score(bundle, x)[0], fitted.score(small_bundle, x)[0], rtol=1e-5)
    # saving a bundle that carries a novelty model keeps the files
    again = load_bundle(save_bundle(bundle, tmp_path / "copy"))
    assert again.novelty is not None and again.novelty.threshold == pytest.approx(fitted.threshold)
    # tampered files are refused like tampered weights
    data = bytearray((folder / TENSORS).read_bytes())
    data[-1] ^= 0xFF
    (folder / TENSORS).write_bytes(bytes(data))
    with pytest.raises(BundleError, match="checksum"):
        load_bundle(folder)


def test_organic_mask():
    mask = organic_mask(["CCO", "O=C=O", "[C-]#[O+]", "O", "N", "FS(F)(F)(F)(F)F", "ClC(Cl)(Cl)Cl", "S=C=S", "C#N"])
    assert mask.tolist() == [True, False, False, False, False, False, True, False, True]


def test_classify_sets_in_domain_and_the_caution(fitted, small_bundle, small_dataset):
    from core.predict.classify import classify_spectra
    from core.spectra.spectrum import Spectrum

    small_bundle.novelty = fitted
    try:
        spectra = [Spectrum(X, small_dataset.spectra[-1].astype(float), source="inside.jdx"),
                   Spectrum(X, co2_like().astype(float), source="co2.jdx")]
        inside, outside = classify_spectra(spectra, small_bundle)
    finally:
        small_bundle.novelty = None
    assert outside.in_domain is False and outside.novelty > 1
    assert outside.warnings[0] == f"outside what the model was trained on (novelty {outside.novelty:.1f})"
    assert inside.novelty is not None and isinstance(inside.in_domain, bool)
    assert not any("outside what the model" in w for w in inside.warnings) or not inside.in_domain
    # classify reads the novelty views from the pass that gave the probabilities: same scores
    # and probabilities as a separate pass each, also over several chunks
    x = np.stack([inside.model_input, outside.model_input] * 150)
    scores, _ = fitted.score(small_bundle, x)
    views = []
    mean, _ = small_bundle.predict(x, on_latent=lambda z: views.append(fitted.chunk_views(z.numpy())))
    assert len(views) == 2
    np.testing.assert_allclose(fitted.score_views(views)[0], scores, rtol=1e-5)
    np.testing.assert_allclose(mean, small_bundle.predict(x)[0], rtol=1e-6)
    assert scores[1] == pytest.approx(outside.novelty, rel=1e-5)


def _write_jcamp(path, y: np.ndarray, title: str) -> None:
    lines = "\n".join(f"{x:.3f} {v:.6f}" for x, v in zip(X, y))
    path.write_text(f"##TITLE={title}\n##JCAMP-DX=4.24\n##DATA TYPE=INFRARED SPECTRUM\n##STATE=gas\n"
                    f"##XUNITS=1/CM\n##YUNITS=ABSORBANCE\n##NPOINTS={X.size}\n##XYDATA=(XY..XY)\n{lines}\n##END=\n")


def test_default_model_ships_a_novelty_model_and_predict_reports_it(tmp_path, capsys):
    from core.cli.main import main
    from core.data.resources import sample_files

    gas = [str(p) for p in sample_files() if "condensed" not in p.name]
    _write_jcamp(tmp_path / "co2.jdx", co2_like(), "CO2-like")
    assert main(["predict", *gas, str(tmp_path / "co2.jdx"), "--format", "json"]) == 0
    rows = {r["file"]: r for r in json.loads(capsys.readouterr().out)}
    co2 = rows.pop(str(tmp_path / "co2.jdx"))
    assert co2["in_domain"] is False and co2["novelty"] > 1
    assert co2["warnings"][0].startswith("outside what the model was trained on (novelty ")
    assert sum(r["in_domain"] for r in rows.values()) >= len(gas) - 1  # NIST gas samples: in domain
    assert all(isinstance(r["novelty"], float) for r in rows.values())
    assert main(["predict", str(tmp_path / "co2.jdx")]) == 0
    out = capsys.readouterr().out
    assert "[outside the model's domain]" in out and "caution: outside what the model was trained on" in out
    assert main(["predict", str(tmp_path / "co2.jdx"), "--format", "csv"]) == 0
    header, row = (line.split(",") for line in capsys.readouterr().out.strip().splitlines())
    k = header.index("in_domain")
    assert header[k:k + 2] == ["in_domain", "novelty"] and row[k] == "false" and float(row[k + 1]) > 1


def test_model_folder_without_novelty_files_still_works(tmp_path, capsys):
    from core.nn.bundle import load_bundle
    from core.cli.main import main
    from core.data.resources import default_model_path, sample_files

    folder = tmp_path / "model"
    shutil.copytree(default_model_path(), folder)
    (folder / META).unlink()
    (folder / TENSORS).unlink()
    assert load_bundle(folder).novelty is None
    assert main(["predict", str(sample_files()[0]), "--model", str(folder), "--format", "json"]) == 0
    row, = json.loads(capsys.readouterr().out)
    assert row["in_domain"] is None and row["novelty"] is None and row["present"]


def test_format_1_files_load_and_score_with_the_exceedance_alone(fitted, small_bundle, small_dataset, tmp_path):
    from core.nn.novelty import NoveltyModel

    v1 = NoveltyModel(fitted.high, fitted.spread, fitted.member_scale, fitted.threshold)
    v1.save(tmp_path)
    meta = json.loads((tmp_path / META).read_text())
    (tmp_path / META).write_text(json.dumps(meta | {"format_version": 1}))
    loaded = load_novelty(tmp_path)
    x = small_dataset.spectra[:20]
    assert loaded.ref is None and fitted.ref is not None
    np.testing.assert_allclose(loaded.score(small_bundle, x)[0], v1.score(small_bundle, x)[0], rtol=1e-6)
    # the combined score never ranks a spectrum as less novel than its scaled exceedance alone
    exc = v1.raw(small_bundle, x) / fitted.view_scale[0]
    assert np.all(fitted.raw(small_bundle, x) >= exc - 1e-9)
