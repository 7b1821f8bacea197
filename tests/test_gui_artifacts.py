"""Lab artifacts in the app: the Processing toggles reclassify in a worker and are undone by
switching them off; corrections and undetermined groups reach the spectrum title, the
probability panel, the list, the table, the report and the exports."""
import csv
import json

import pytest

from gui_fixtures import model_dir, window, loaded  # noqa: F401  (fixtures)
from irgroups_gui._qt.results_table import UNDETERMINED
from test_artifacts import water_laden_file


def _classified(qtbot, w):
    qtbot.waitUntil(lambda: loaded(w)
                    and not w.loader.classifying, timeout=30000)


@pytest.fixture
def wet(qtbot, window, tmp_path):  # noqa: F811
    window.loader.add_paths([str(water_laden_file(tmp_path))])
    _classified(qtbot, window)
    window.files.setCurrentRow(0)
    return window


def test_compensation_is_shown_and_switching_it_off_reclassifies(qtbot, wet, tmp_path):
    w, s = wet, wet.session
    p = s.entries[0].prediction
    assert [c["gas"] for c in p.corrections if c["correction"] == "atmosphere"] == ["water"]
    assert "corrected: water vapour" in w.spectrum.plot.titleLabel.text
    toggle = w.processing_menu.actions()[0]
    assert toggle.isChecked()
    toggle.setChecked(False)
    assert s.processing.atmosphere == "off"
    _classified(qtbot, w)
    off = s.entries[0].prediction
    assert not any(c["correction"] == "atmosphere" for c in off.corrections)
    assert "alcohols" in off.undetermined and "water vapour" in off.undetermined["alcohols"]
    alcohols = s.bundle.group_names.index("alcohols")
    assert "undetermined" in w.probabilities.tooltip(alcohols)
    assert "undetermined" in w.probabilities.plot.titleLabel.text
    assert "undetermined: alcohols" in w.files.item(0).text()
    table = w.results.model
    assert "alcohols: key band" in table.text(0, UNDETERMINED)
    toggle.setChecked(True)  # undone: compensated again
    _classified(qtbot, w)
    assert s.processing.atmosphere == "auto"
    assert any(c["correction"] == "atmosphere" for c in s.entries[0].prediction.corrections)
    assert "alcohols" not in s.entries[0].prediction.undetermined


def test_exports_and_report_carry_corrections_and_undetermined(qtbot, wet, tmp_path):
    w = wet
    w.processing_menu.actions()[0].setChecked(False)
    _classified(qtbot, w)
    w.files.setCurrentRow(0)
    assert w.exports.predictions(str(tmp_path / "p.json"))
    doc = json.loads((tmp_path / "p.json").read_text())["predictions"][0]
    assert "alcohols" in doc["undetermined"] and "alcohols" not in doc["present"]
    assert doc["corrections"] == [c["text"] for c in w.session.entries[0].prediction.corrections]
    assert w.exports.predictions(str(tmp_path / "p.csv"))
    with open(tmp_path / "p.csv", newline="") as f:
        row = next(csv.DictReader(f))
    assert "alcohols: key band" in row["undetermined"] and "corrections" in row
    assert w.exports.report(str(tmp_path / "r.html"))
    html = (tmp_path / "r.html").read_text()
    assert "<h2>Corrections</h2>" in html and "undetermined: key band" in html


def test_about_credits_the_condensed_data_and_exports_name_and_caution_once(qtbot, wet, tmp_path):
    from core.predict.classify import Prediction
    from irgroups_gui._qt.help import about_html
    from irgroups_gui.export import cautions, default_file_name

    assert "Coblentz Society" in about_html() and "NIST Standard Reference Database 69" in about_html()
    p = Prediction("x.jdx", warnings=["outside what the model was trained on (novelty 2.1)"], in_domain=False,
                   novelty=2.1)
    assert len([c for c in cautions(p) if "trained on" in c]) == 1  # said once, not twice
    entry = wet.session.current()
    assert default_file_name(entry, "svg", "irgroups") == "wet_kbr.svg"
    assert default_file_name(None, "png", "irgroups") == "irgroups.png"
    assert wet.exports.predictions(str(tmp_path / "p.csv"))
    with open(tmp_path / "p.csv", newline="") as f:
        row = next(csv.DictReader(f))
    p0 = wet.session.entries[0].prediction  # the test model has no novelty check: empty cells
    assert "in_domain" in row and "novelty" in row
    assert row["in_domain"] == ("" if p0.in_domain is None else str(p0.in_domain).lower())
