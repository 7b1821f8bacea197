"""Held-out reliability beside each group: the tooltip's and the model tab's figures, and the
no-skill caution (where a group's held-out F1 for the spectrum's phase is 0 or has no
positives, the probability panel and the report say so next to that group)."""
import copy

from gui_fixtures import classified, model_dir, window, with_reliability  # noqa: F401 (fixtures)


def _with_kbr_skill(bundle):
    b = copy.copy(bundle)
    groups = {n: {"precision": 0.9, "recall": 0.8, "f1": 0.85, "support": 7} for n in bundle.group_names}
    kbr = dict(groups) | {"aldehydes": {"precision": None, "recall": None, "f1": None, "support": 0},
                          "alkyne": {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}}
    b.record = dict(bundle.record) | {"test_metrics": {"ensemble": {"n": 40, "groups": groups},
                                                       "by_phase": {"gas": {"n": 30, "groups": groups},
                                                                    "kbr": {"n": 10, "groups": kbr}}}}
    return b


def test_no_skill_groups_are_flagged_in_panel_and_report(qtbot, window, tmp_path):
    from core.explain.evidence import Explainer
    from irgroups_gui.reliability import no_skill

    b = _with_kbr_skill(window.session.bundle)
    assert set(no_skill(b.record, "kbr")) == {"aldehydes", "alkyne"} and no_skill(b.record, "gas") == {}
    window.session.set_model(b, Explainer(b), window.session.patterns)
    classified(qtbot, window, tmp_path)
    window.files.setCurrentRow(0)
    p = window.session.current().prediction
    ald = b.group_names.index("aldehydes")
    ticks = lambda: dict((round(v), t) for v, t in window.probabilities.plot.getAxis("left")._tickLevels[0])  # noqa: E731
    row = lambda g: int(window.probabilities.order.tolist().index(g))  # noqa: E731
    p.phase = "gas"
    window.probabilities.redraw()
    assert "⚠" not in ticks()[row(ald)]
    p.phase = "kbr"
    window.probabilities.redraw()
    assert ticks()[row(ald)].endswith("⚠") and "⚠" not in ticks()[row(b.group_names.index("esters"))]
    tip = window.probabilities.tooltip(ald)
    assert "caution" in tip and "no held-out kbr spectrum had this group" in tip
    out = tmp_path / "r.html"
    assert window.exports.report(str(out))
    text = out.read_text(encoding="utf-8")
    assert "caution: no held-out kbr spectrum had this group" in text and "held-out F1 for kbr spectra is 0" in text


def test_reliability_in_tooltip_and_model_tab(qtbot, window, tmp_path):
    from core.explain.evidence import Explainer
    from irgroups_gui.reliability import group_reliability

    b = with_reliability(window.session.bundle)
    assert group_reliability(b.record, "liquid")[1]["nitriles"]["recall"] == 0.25
    assert group_reliability(b.record, "gas")[0] == "test split (n = 40)"
    window.session.set_model(b, Explainer(b), window.session.patterns)
    classified(qtbot, window, tmp_path)
    g = b.group_names.index("nitriles")
    tip = window.probabilities.tooltip(g)
    assert "precision 0.90, recall 0.80, F1 0.85" in tip and "threshold" in tip
    card = window.card.text.toPlainText()
    assert "Table 1: per group (test split (n = 40))" in card and "liquid spectra" in card
