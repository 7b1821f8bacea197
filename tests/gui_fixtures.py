"""Fixtures and helpers shared by the GUI tests: a small saved model with patterns for every
member, a main window on it, synthetic spectrum files, a drop event, a classified load and a
model record with reliability figures."""
import copy

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QDropEvent

from conftest import jcamp


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory, small_bundle, small_dataset):
    from core.nn.bundle import save_bundle
    from core.explain.patterns import compute_patterns, save_patterns

    path = save_bundle(small_bundle, tmp_path_factory.mktemp("model") / "m")
    save_patterns(compute_patterns(small_bundle, small_dataset.spectra, small_dataset.ids, k=20), path)
    return path


@pytest.fixture
def window(qtbot, model_dir, tmp_path):
    from irgroups_gui._qt.main_window import MainWindow

    w = MainWindow(model_path=str(model_dir), settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.session.bundle is not None, timeout=20000)
    return w


def _spectrum_files(tmp_path):
    wn = np.arange(500, 4001, 4)
    good = []
    for k, centre in enumerate((2240, 1715, 3650)):
        y = (1000 * np.exp(-0.5 * ((wn - centre) / 15) ** 2) + 10).astype(int)
        f = tmp_path / f"good{k}.jdx"
        f.write_text(jcamp("\n".join(f"{x} {v}" for x, v in zip(wn, y)), wn.size, 500, 4000))
        good.append(f)
    broken = tmp_path / "broken.jdx"
    broken.write_text("##TITLE=x\n##XYDATA=(X++(Y..Y))\n100 1 2\n")
    narrow = tmp_path / "narrow.jdx"
    narrow.write_text(jcamp("\n".join(f"{x} {5 + x % 7}" for x in range(1000, 1200, 4)), 50, 1000, 1196))
    return good, broken, narrow


def _drop(window, paths):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)


def loaded(window, status: str | None = None) -> bool:
    """The window's load has finished: entries are there and each has its prediction (and,
    with `status`, that status), and the views have drawn them (no step left). Rows appear a
    turn after add_paths, so an empty list is not done."""
    entries = window.session.entries
    return (not window.loader.classifying and bool(entries) and not len(window.loader.steps)
            and all(e.prediction is not None and (status is None or e.status == status) for e in entries))


def classified(qtbot, window, tmp_path, extra=()):
    """The three good files, a partial-range one and a broken one, loaded and classified; the good files."""
    good, broken, _ = _spectrum_files(tmp_path)
    partial = tmp_path / "partial.jdx"  # 1300-4000 cm-1: classified with a coverage caution
    wn = np.arange(1300, 4001, 4)
    y = (1000 * np.exp(-0.5 * ((wn - 2240) / 15) ** 2) + 10).astype(int)
    partial.write_text(jcamp("\n".join(f"{x} {v}" for x, v in zip(wn, y)), wn.size, 1300, 4000))
    window.loader.add_paths([str(p) for p in (*good, partial, broken, *extra)])
    qtbot.waitUntil(lambda: loaded(window), timeout=30000)
    qtbot.waitUntil(lambda: not window.loader.classifying, timeout=10000)
    return good


def with_reliability(bundle):
    """A copy of the bundle whose record carries made-up test-split metrics (overall and liquid)."""
    b = copy.copy(bundle)
    b.record = dict(bundle.record) | {"test_metrics": {"ensemble": {"n": 40, "groups": {
        n: {"precision": 0.9, "recall": 0.8, "f1": 0.85, "support": 7} for n in bundle.group_names}},
        "by_phase": {"liquid": {"n": 12, "groups": {"nitriles": {"precision": 0.5, "recall": 0.25, "f1": 0.33,
                                                                 "support": 4}}}}}}
    return b
