"""Render the app's main states offscreen to PNGs: `make screenshots` (or python tests/screenshots.py DIR).

States: empty window; a spectrum classified with a group selected and a cell hovered; training
in progress; files that failed to read; the model card."""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


def pump(app, seconds: float = 0.3) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.01)


def wait(app, cond, timeout: float = 60) -> None:
    end = time.perf_counter() + timeout
    while not cond():
        if time.perf_counter() > end:
            raise TimeoutError("state not reached")
        app.processEvents()
        time.sleep(0.01)


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication([])
    from core.groups import group_index
    from irgroups_gui._qt.main_window import MainWindow

    tmp = Path(tempfile.mkdtemp())
    w = MainWindow(settings=QSettings(str(tmp / "s.ini"), QSettings.Format.IniFormat))
    w.resize(1500, 950)
    w.show()
    pump(app)
    w.grab().save(str(out / "1_empty.png"))
    wait(app, lambda: w.session.bundle is not None)

    w.open_samples()
    wait(app, lambda: all(e.prediction is not None for e in w.session.entries))
    names = [e.path for e in w.session.entries]
    w.files.setCurrentRow(next(i for i, p in enumerate(names) if p.endswith("75-05-8.jdx")))
    sel = w.session.selection
    g = group_index("nitriles")
    ex = w.session.explainer
    pos = int(ex.fields.positions_seeing(2240.0)[1])
    wait(app, lambda: w.session.terms(sel.entry) is not None)
    channel = int(abs(w.session.terms(sel.entry)[0, g, :, pos]).argmax())
    sel.update(group=g, channel=channel, position=pos, region=(2250.0, 2250.0))
    pump(app)
    w.grab().save(str(out / "2_classified_nitriles_hover.png"))

    bad = tmp / "bad"
    bad.mkdir()
    (bad / "notes.txt").write_text("this is not a spectrum\n")
    (bad / "truncated.jdx").write_text("##TITLE=cut\n##JCAMP-DX=4.24\n##XYDATA=(X++(Y..Y))\n500 1 2 3\n")
    (bad / "narrow.csv").write_text("\n".join(f"{x},{0.1 + (x % 40) / 100}" for x in range(1000, 1200, 4)))
    w.session.clear()
    w.add_paths([str(bad)])
    wait(app, lambda: all(e.prediction is not None for e in w.session.entries))
    w.files.setCurrentRow(0)
    pump(app)
    w.grab().save(str(out / "4_errors.png"))

    from conftest import synthetic_dataset
    from core.dataset import save_dataset

    dataset = tmp / "nist.h5"
    shared = ROOT.parent / "shared" / "data" / "nist_gas_ir"
    if (shared / "spectra.zip").exists():
        from core.dataset import build_dataset

        ds, _ = build_dataset(shared / "spectra.zip", shared / "structures.csv")
    else:
        ds = synthetic_dataset(1000)
    save_dataset(ds, dataset)
    w.tabs.setCurrentIndex(1)
    tab = w.training
    tab.dataset.setText(str(dataset))
    tab.seeds.setValue(2)
    worker = tab.start()
    wait(app, lambda: len(tab.curves.ex) >= 6, timeout=300)
    pump(app, 0.5)
    w.grab().save(str(out / "3_training.png"))
    tab.stop()
    while worker.is_running():
        app.processEvents()
        time.sleep(0.01)
    pump(app)
    w.grab().save(str(out / "3b_training_stopped.png"))
    w.tabs.setCurrentIndex(2)
    pump(app)
    w.grab().save(str(out / "5_model_card.png"))
    w.close()
    print(f"wrote screenshots to {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "build/screenshots"))
