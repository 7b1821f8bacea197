"""The phase-aware model: mask channel, calibration, phase inference, per-phase evaluation,
exact calibrated evidence, and the phase a prediction uses."""
import json
from dataclasses import replace

import numpy as np
import pytest
from scipy.special import expit

from core.artifacts.processing import Processing

from conftest import jcamp, synthetic_dataset


@pytest.fixture(scope="module")
def phase_bundle():
    from core.evaluation.pipeline import train_bundle
    from core.nn.training import TrainConfig

    ds = synthetic_dataset(360, seed=3)
    ds = replace(ds, phases=["gas" if i % 2 else "mull" for i in range(len(ds))],
                 states=["" if i % 2 else "SOLID (NUJOL MULL)" for i in range(len(ds))], valid=None)
    cfg = TrainConfig.recipe("phase-aware", max_epochs=4, batch_size=32)
    return train_bundle(ds, cfg, [0, 1], {"recipe": "phase-aware"}), ds


def test_phase_aware_recipe_builds_a_calibrated_masked_model(phase_bundle, tmp_path):
    from core.nn.bundle import load_bundle, save_bundle

    from core.nn.recipes import CHANNELS, KERNEL

    trained, ds = phase_bundle
    b = trained.bundle
    assert b.input_config.mask and b.config.in_channels == 2
    assert (b.config.channels, b.config.kernel) == (CHANNELS, KERNEL) != ((4, 4, 8, 8), 3)  # the recipe's wider network
    assert b.calibration is not None and np.all(b.thresholds == 0.5)
    assert b.phase_inference is not None and b.record["phases"] == ["mull", "gas"] or b.record["phases"] == ["gas", "mull"]
    by_phase = b.record["test_metrics"]["by_phase"]
    assert {"gas", "mull", "condensed"} <= set(by_phase) and "f1" in by_phase["gas"]["groups"]["nitriles"]
    assert 0 <= by_phase["condensed"]["ece"] < 1
    save_bundle(b, tmp_path / "m")
    back = load_bundle(tmp_path / "m")
    x = ds.model_input(b.input_config)[:6]
    np.testing.assert_allclose(back.predict(x, ds.phases[:6])[0], b.predict(x, ds.phases[:6])[0], rtol=1e-5)
    meta = json.loads((tmp_path / "m" / "model.json").read_text())
    assert meta["format_version"] == 2 and meta["input"]["mask"] is True and meta["calibration"]["a"]
    assert tuple(meta["architecture"]["channels"]) == CHANNELS and back.config.kernel == KERNEL


def test_calibrated_evidence_sums_exactly_to_the_shown_probability(phase_bundle):
    from core.explain.evidence import Explainer

    trained, ds = phase_bundle
    b = trained.bundle
    ex = Explainer(b)
    x = ds.model_input(b.input_config)
    for i, phase in ((0, "mull"), (1, "gas")):
        terms = ex.terms(x[i], phase)
        prob = b.predict(x[i:i + 1], [phase])[0][0]
        for g in (3, 6, 12):
            ev = ex.evidence(x[i], g, terms, phase)
            assert ev.terms.sum() + ev.bias == pytest.approx(ev.logit, abs=1e-9)
            assert expit(ev.logit) == pytest.approx(prob[g], rel=1e-5)
    # phases of one group share head and offset; across groups the head changes
    a, b_ = ex.evidence(x[0], 3, phase="mull"), ex.evidence(x[0], 3, phase="kbr")
    np.testing.assert_allclose(a.terms, b_.terms)
    assert a.bias == b_.bias
    gas = ex.evidence(x[0], 3, phase="gas")
    assert not np.allclose(gas.terms, a.terms)


def test_phase_aware_model_has_a_head_per_phase_group_fitted_on_that_group_alone(phase_bundle):
    from core.nn.heads import HeadConfig, fit_phase_heads
    from core.nn.model import IRCNN

    trained, ds = phase_bundle
    b = trained.bundle
    assert b.config.heads == ("gas", "condensed")
    x = ds.model_input(b.input_config)
    m = b.members[0]
    # each spectrum is read with its own phase group's weights: gas rows with head 0
    z = m.features(__import__("torch").from_numpy(x[:4])).flatten(1).detach().numpy()
    w, bias = m.dense_weights(0).reshape(17, -1), m.dense_bias(0)
    np.testing.assert_allclose(b.member_logits(x[:4], ["gas"] * 4)[0], z @ w.T + bias, rtol=1e-4, atol=1e-4)
    # shuffling the condensed labels changes the condensed head only
    shared = IRCNN(m.cfg.__class__(**{**m.cfg.to_dict(), "heads": ()}))
    state = m.state_dict()
    state["dense.weight"], state["dense.bias"] = state["dense.weight"][:17], state["dense.bias"][:17]
    shared.load_state_dict(state)
    train, val = ds.subset("train"), ds.subset("val")
    y = train.labels.copy()
    cond = np.array([p != "gas" for p in train.phases])
    y2 = y.copy()
    y2[cond] = np.random.default_rng(0).permutation(y[cond])
    cfg = HeadConfig(max_epochs=3)
    runs = [fit_phase_heads([shared], [0], (train.model_input(b.input_config), labels, train.phases),
                            (val.model_input(b.input_config), val.labels, val.phases), cfg)[0]
            for labels in (y, y2)]
    np.testing.assert_array_equal(runs[0].dense_weights(0), runs[1].dense_weights(0))
    assert not np.array_equal(runs[0].dense_weights(1), runs[1].dense_weights(1))


def test_mull_medium_bands_are_masked_not_zero_absorption():
    from core.spectra.preprocess import DEFAULT_GRID, InputConfig, model_input

    x = np.ones((2, DEFAULT_GRID.n), np.float32)
    valid = np.ones_like(x, bool)
    valid[1, :100] = False  # not measured below ~910 cm-1
    out = model_input(x, valid, ["SOLID (NUJOL MULL)", "SOLID (SPLIT MULL), FLUOROLUBE FOR 3800-1330"],
                      ["mull", "mull"], DEFAULT_GRID, InputConfig(mask=True))
    gx = DEFAULT_GRID.x
    ch = (gx > 2850) & (gx < 2950)
    assert out.shape == (2, 2, DEFAULT_GRID.n)
    assert np.all(out[0, 1, ch] == 0) and np.all(out[0, 0, ch] == 0) and out[0, 1, gx > 3100].min() == 1
    assert np.all(out[1, 1, ch] == 1)  # a split mull hides nothing
    assert np.all(out[1, 1, :100] == 0) and np.all(out[1, 0, :100] == 0)


def _jdx(path, state=None, centre=1715):
    wn = np.arange(500, 4001, 4)
    y = (1000 * np.exp(-0.5 * ((wn - centre) / 30) ** 2) + 20 + wn / 100).astype(int)
    extra = f"##STATE={state}\n" if state else ""
    path.write_text(jcamp("\n".join(f"{x} {v}" for x, v in zip(wn, y)), wn.size, 500, 4000, extra=extra))
    return path


def test_prediction_phase_from_file_user_or_inference(phase_bundle, tmp_path):
    from core.predict.classify import classify_files

    b = phase_bundle[0].bundle
    mull, silent = _jdx(tmp_path / "m.jdx", "SOLID (NUJOL MULL)"), _jdx(tmp_path / "s.jdx")
    p_mull, p_silent = classify_files([mull, silent], b)
    assert (p_mull.phase, p_mull.phase_source) == ("mull", "file")
    assert not any("training data" in w for w in p_mull.warnings)  # the model covers mulls
    assert p_silent.phase_source == "inferred" and p_silent.phase in ("gas", "unknown")
    assert any("inferred" in w and "P(gas)" in w for w in p_silent.warnings)
    (p_user,) = classify_files([mull], b, phase="gas")
    assert (p_user.phase, p_user.phase_source) == ("gas", "user")
    (p_atr,) = classify_files([silent], b, phase="atr")  # ATR-corrected by default: read as transmission
    assert [c["correction"] for c in p_atr.corrections][:1] == ["atr"]
    assert not any("not in the training data" in w for w in p_atr.warnings)
    (p_raw,) = classify_files([silent], b, phase="atr", processing=Processing(atr="off"))
    assert any("atr spectra were not in the training data" in w for w in p_raw.warnings)
    assert p_atr.model_input.shape == (2, b.grid.n) and p_atr.input_spectrum.shape == (b.grid.n,)


def test_evaluate_folder_with_smiles_csv_reports_phases(phase_bundle, tmp_path, capsys):
    from core.nn.bundle import save_bundle
    from core.cli.main import main

    model = save_bundle(phase_bundle[0].bundle, tmp_path / "model")
    folder = tmp_path / "spectra"
    folder.mkdir()
    rows = []
    for k, (state, smiles, centre) in enumerate([("SOLID (KBr PELLET)", "CC(C)=O", 1715),
                                                 ("LIQUID (NEAT)", "CC#N", 2250), ("", "CCO", 3300),
                                                 ("SOLID (NUJOL MULL)", "OC(=O)c1ccccc1", 1690)]):
        _jdx(folder / f"c{k}.jdx", state, centre)
        rows.append(f"c{k}.jdx,{smiles}")
    csv = tmp_path / "s.csv"
    csv.write_text("file,smiles\n" + "\n".join(rows) + "\n")
    rel = tmp_path / "rel.png"
    assert main(["evaluate", str(folder), "--structures", str(csv), "--keep-all-states", "--model", str(model),
                 "--format", "json", "--reliability", str(rel)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["n"] == 4 and set(out["phases"]) == {"kbr", "liquid", "unknown", "mull", "condensed"}
    assert out["phases"]["condensed"]["n"] == 4 and 0 <= out["phases"]["kbr"]["molecular_f1"] <= 1
    from PIL import Image

    assert Image.open(rel).size[0] > 300


def test_predict_takes_a_phase(phase_bundle, tmp_path, capsys):
    from core.nn.bundle import save_bundle
    from core.cli.main import main

    model = save_bundle(phase_bundle[0].bundle, tmp_path / "model")
    f = _jdx(tmp_path / "k.jdx", "SOLID (KBr PELLET)")
    assert main(["predict", str(f), "--model", str(model), "--format", "json"]) == 0
    auto = json.loads(capsys.readouterr().out)[0]
    assert (auto["phase"], auto["phase_source"]) == ("kbr", "file")
    assert main(["predict", str(f), "--model", str(model), "--format", "json", "--phase", "mull"]) == 0
    user = json.loads(capsys.readouterr().out)[0]
    assert (user["phase"], user["phase_source"]) == ("mull", "user")
    assert user["probabilities"] != auto["probabilities"]  # the Nujol bands are masked now


def test_explain_dataset_writes_a_weight_map_per_head(phase_bundle, tmp_path):
    import matplotlib.image

    from core.nn.bundle import save_bundle
    from core.cli.main import main
    from core.data.dataset import save_dataset

    trained, ds = phase_bundle
    save_bundle(trained.bundle, tmp_path / "m")
    save_dataset(ds, tmp_path / "d.h5")
    assert main(["explain", "--dataset", str(tmp_path / "d.h5"), "--model", str(tmp_path / "m"), "--out",
                 str(tmp_path / "x"), "--group", "alkene", "--top", "5", "--format", "png"]) == 0
    images = [matplotlib.image.imread(tmp_path / "x" / f"weights_alkene_{h}.png") for h in ("gas", "condensed")]
    assert all(im.shape[0] > 100 and im.std() > 0 for im in images)
    data = json.loads((tmp_path / "x" / "explanation.json").read_text())
    assert set(data["consistency"]) == {"gas", "condensed"} and "alkene" in data["consistency"]["gas"]
    assert set(data["alignment_by_phase"]) == {"gas", "condensed"}
