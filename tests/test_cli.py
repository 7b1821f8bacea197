"""The `irgroups` command line end to end: exit codes, formats, errors per file."""
import json

import pytest

from conftest import jcamp
from core.cli.main import main
from core.data.resources import sample_files
from test_dataset import _make_inputs


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory, small_dataset):
    from core.data.dataset import save_dataset

    d = tmp_path_factory.mktemp("cli")
    save_dataset(small_dataset, d / "small.h5")
    assert main(["train", str(d / "small.h5"), "--out", str(d / "model"), "--seeds", "2", "--epochs", "3",
                 "--batch-size", "16"]) == 0
    return d


def test_train_writes_a_loadable_model_with_patterns(model_dir, capsys):
    from core.nn.bundle import load_bundle
    from core.explain.patterns import load_patterns

    b = load_bundle(model_dir / "model")
    assert len(b.members) == 2 and b.record["recipe"] == "phase-aware" and b.calibration is not None
    assert load_patterns(model_dir / "model").windows.shape[:2] == (b.config.channels[-1], 100)


def test_evaluate_json_has_the_paper_tables(model_dir, capsys):
    assert main(["evaluate", str(model_dir / "small.h5"), "--model", str(model_dir / "model"), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert 0 <= out["molecular_f1"] <= 1 and 0 <= out["molecular_perfection"] <= 1
    g = out["groups"]["nitriles"]
    assert set(g) >= {"precision", "recall", "f1", "auc", "support"}
    assert out["split"] == "test" and out["n"] == sum(v["support"] >= 0 for v in [g]) * out["n"]


def test_evaluate_builds_from_spectra_and_structures(model_dir, tmp_path, capsys):
    spectra, csv = _make_inputs(tmp_path)
    code = main(["evaluate", str(spectra), "--structures", str(csv), "--model", str(model_dir / "model"),
                 "--format", "json"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["n"] == 2 and out["groups"]["alcohols"]["support"] == 2


def test_dataset_build_command(tmp_path, capsys):
    spectra, csv = _make_inputs(tmp_path)
    assert main(["dataset", "build", str(spectra), "--structures", str(csv), "--out", str(tmp_path / "d.h5")]) == 0
    out = capsys.readouterr().out
    assert "labelled spectra: 2" in out and "formula mismatch" in out and (tmp_path / "d.h5").exists()


def test_predict_formats_and_exit_codes(model_dir, tmp_path, capsys):
    model = str(model_dir / "model")
    samples = [str(p) for p in sample_files()[:3]]
    assert main(["predict", *samples, "--model", model, "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 3 and all(len(r["probabilities"]) == 17 for r in rows)
    bad = tmp_path / "bad.jdx"
    bad.write_text("garbage that is not a spectrum\n")
    nmr = tmp_path / "nmr.jdx"
    nmr.write_text(jcamp("1 1 2 3", 3, 1, 3).replace("INFRARED SPECTRUM", "NMR SPECTRUM").replace("1/CM", "HZ"))
    assert main(["predict", samples[0], str(bad), str(nmr), samples[1], "--model", model, "--format", "csv"]) == 1
    captured = capsys.readouterr()
    lines = captured.out.strip().splitlines()
    assert len(lines) == 5 and "not a spectrum" in lines[2] and "not an infrared spectrum" in lines[3]
    assert "2 of 4 files could not be classified" in captured.err
    assert main(["predict", samples[0], "--model", model]) == 0
    assert ":" in capsys.readouterr().out


def test_usage_error_exits_2(capsys):
    with pytest.raises(SystemExit) as e:
        main(["predict"])
    assert e.value.code == 2


def test_missing_model_is_one_line(tmp_path, capsys):
    assert main(["predict", str(sample_files()[0]), "--model", str(tmp_path)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("irgroups: error:") and "not a model folder" in err and "\n" not in err


def test_explain_one_spectrum_and_a_dataset(model_dir, tmp_path, capsys):
    model = str(model_dir / "model")
    assert main(["explain", str(sample_files()[0]), "--group", "nitrile", "--model", model, "--out",
                 str(tmp_path / "one"), "--format", "png"]) == 0
    assert "= evidence" in capsys.readouterr().out and (tmp_path / "one" / "evidence_nitriles.png").exists()
    assert main(["explain", "--dataset", str(model_dir / "small.h5"), "--model", model, "--out",
                 str(tmp_path / "all"), "--group", "alkene", "--top", "10"]) == 0
    for f in ("patterns.png", "patterns.svg", "weights_alkene.svg", "presence_alkene.png", "alignment.csv",
              "explanation.json"):
        assert (tmp_path / "all" / f).exists(), f
    data = json.loads((tmp_path / "all" / "explanation.json").read_text())
    assert len(data["alignment"]) == 17 and len(data["patterns"][0]["activation"]) == 10
    assert main(["explain", "--group", "nonsense", "--dataset", "x.h5", "--out", "y"]) == 1
