"""Training on too few spectra is refused or warned about before it starts; metrics that are
undefined show as n/a; a dataset build names the files it skipped and why."""
import math
from dataclasses import replace

import numpy as np

from core.data.dataset import BuildReport, save_dataset
from core.data.readiness import MIN_TRAIN, file_readiness, readiness


def test_readiness_refuses_tiny_datasets_and_names_unlearnable_groups(small_dataset):
    refusal, _ = readiness(small_dataset.labels[:9], small_dataset.split[:9], small_dataset.group_names)
    assert refusal and f"at least {MIN_TRAIN}" in refusal
    labels = small_dataset.labels.copy()
    labels[:, small_dataset.group_names.index("nitro")] = 0
    refusal, warnings = readiness(labels, small_dataset.split, small_dataset.group_names)
    assert refusal is None and any("nitro (0)" in w for w in warnings)
    assert readiness(small_dataset.labels, small_dataset.split, small_dataset.group_names) == (None, [])


def test_training_tab_refuses_nine_spectra_and_asks_before_a_thin_one(qtbot, tmp_path, small_dataset):
    from irgroups_gui._qt.training_tab import TrainingTab, _figure

    tiny = tmp_path / "tiny.h5"
    save_dataset(small_dataset.take(np.arange(9)), tiny)
    tab = TrainingTab()
    qtbot.addWidget(tab)
    tab.dataset.setText(str(tiny))
    asked = []
    tab.confirm = lambda title, text: asked.append(text) or False
    assert tab.start() is None and "Cannot train on tiny.h5: only" in tab.status.text() and not asked
    labels = small_dataset.labels.copy()
    labels[:, 0] = 0
    thin = tmp_path / "thin.h5"
    save_dataset(replace(small_dataset, labels=labels), thin)
    tab.dataset.setText(str(thin))
    assert tab.start() is None and asked and "alkane (0)" in asked[0]  # declined: nothing started
    assert file_readiness(thin)[0] is None
    assert _figure(math.nan) == "n/a" and _figure(0.5) == "0.500"


def test_build_report_names_the_skipped_files_and_why():
    r = BuildReport()
    assert r.skipped_line() == "skipped none"
    r.skip("no structure", "a.jdx")
    assert r.skipped_line() == "skipped 1: a.jdx (no structure)"
    for k in range(4):
        r.skip("not infrared", f"n{k}.jdx")
    assert r.skipped_line() == "skipped 5: a.jdx (no structure), n0.jdx (not infrared), n1.jdx (not infrared) and 2 more"
