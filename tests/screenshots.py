"""Render the app's states offscreen to PNGs: `make screenshots` (or python tests/screenshots.py DIR).

States: empty window; a spectrum classified with a group selected, a cell hovered and the
crosshair readout; the results table filtered; the original view in %T and µm with peak labels
and a marked wavenumber; another member's patterns; files that failed to read; training in
progress and stopped; the model card with Table 1; the Help pages; the dark palette; a
water-laden KBr spectrum compensated and not, a Nujol mull with alkane and methyl undetermined; at
1280 x 720 with 20 spectra, stacked overlays and the dark palette (alone: `--laptop`); and the
classified state again at 2x scaling (QT_SCALE_FACTOR=2, in a second process)."""
from __future__ import annotations

import os
import subprocess
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


def loaded(w) -> bool:
    """The window's load has finished and every entry has its prediction (rows come a turn later)."""
    entries = w.session.entries
    return not w.loader.classifying and bool(entries) and all(e.prediction is not None for e in entries)


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


def classified_nitrile(app, w) -> None:
    """Open the samples, select acetonitrile, the nitriles group, a cell and a wavenumber."""
    from core.data.groups import group_index

    w.loader.open_samples()
    wait(app, lambda: loaded(w))
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
    weights = w.plots.plots[1]
    w.plots.track(weights.vb.mapViewToScene(weights.vb.mapSceneToView(weights.vb.sceneBoundingRect().center())),
                  weights.scene())
    pump(app)


def lab_artifacts(app, w, tmp: Path, out: Path) -> None:
    """A KBr spectrum with water vapour as another instrument records it, compensated and with
    compensation off; a Nujol mull (from ../shared, when there) with alkane and methyl
    undetermined."""
    from dataclasses import replace

    from core.artifacts.references import shipped_references
    from core.artifacts.simulate import add_gas, degrade
    from core.readers.io import read_spectrum
    from core.readers.jcamp import write_jcamp
    from core.spectra.preprocess import standardise
    from core.spectra.validity import model_view

    s = read_spectrum(ROOT / "resources" / "samples" / "100-83-4_condensed.jdx")
    x, a = standardise(model_view(s))
    wet = tmp / "wet_kbr.jdx"
    dirty = add_gas(x, a, degrade(shipped_references()[0], 1.5, 0.6, 1.93), 0.15)
    wet.write_text(write_jcamp(replace(s, x=x, y=dirty, x_units="1/CM", y_units="ABSORBANCE",
                                       title="3-hydroxybenzaldehyde, KBr, + water vapour")))
    files = [wet]
    zip_path = ROOT.parent / "shared" / "data" / "nist_condensed_ir" / "spectra.zip"
    if zip_path.exists():
        import zipfile

        with zipfile.ZipFile(zip_path) as z:
            mull = tmp / "100-88-9.jdx"
            mull.write_bytes(z.read("spectra/100-88-9.jdx"))  # N-cyclohexylsulfamic acid, Nujol mull
        files.append(mull)
    w.session.clear()
    w.loader.add_paths([str(f) for f in files])
    done = lambda: loaded(w)  # noqa: E731
    wait(app, done)
    w.files.setCurrentRow(0)
    pump(app)
    w.grab().save(str(out / "8_water_kbr_compensated.png"))
    w.processing_menu.actions()[0].setChecked(False)  # atmospheric compensation off
    wait(app, done)
    w.files.setCurrentRow(0)
    pump(app)
    w.grab().save(str(out / "8b_water_kbr_compensation_off.png"))
    w.processing_menu.actions()[0].setChecked(True)
    wait(app, done)
    if len(files) > 1:
        w.files.setCurrentRow(1)
        pump(app)
        w.grab().save(str(out / "8c_mull_alkane_methyl_undetermined.png"))
    w.session.clear()


def twenty_spectra(tmp: Path) -> list[Path]:
    """The samples and, to make 20, condensed-phase spectra from ../shared (copies of the samples
    without it)."""
    import shutil

    samples = sorted((ROOT / "resources" / "samples").glob("*.jdx"))
    zip_path = ROOT.parent / "shared" / "data" / "nist_condensed_ir" / "spectra.zip"
    more = tmp / "twenty"
    more.mkdir(exist_ok=True)
    extra = []
    if zip_path.exists():
        import zipfile

        with zipfile.ZipFile(zip_path) as z:
            for name in sorted(n for n in z.namelist() if n.endswith(".jdx"))[:20 - len(samples)]:
                extra.append(more / Path(name).name)
                extra[-1].write_bytes(z.read(name))
    else:
        for k in range(20 - len(samples)):
            extra.append(more / f"copy{k}_{samples[k % len(samples)].name}")
            shutil.copy(samples[k % len(samples)], extra[-1])
    return samples + extra


def laptop(app, out: Path, tmp: Path) -> None:
    """At 1280 x 720: the window with 20 spectra classified, the peak table with peak labels,
    four spectra stacked and normalised (one in a chosen colour), and the same window in a dark
    palette."""
    from PySide6.QtGui import QColor

    from irgroups_gui._qt import theme

    w = window(app, tmp, (1280, 720))
    wait(app, lambda: w.session.bundle is not None)
    w.loader.add_paths([str(p) for p in twenty_spectra(tmp)])
    wait(app, lambda: len(w.session.entries) >= 20 and all(e.prediction is not None for e in w.session.entries),
         timeout=300)
    w.files.clearSelection()
    w.files.setCurrentRow(6)
    wait(app, lambda: w.session.terms(6) is not None)
    pump(app, 0.5)
    w.grab().save(str(out / "main_1280x720_20_spectra.png"))
    w.side_tabs.setCurrentWidget(w.peak_table)
    w.view_bar.peaks_box.setChecked(True)
    wait(app, lambda: w.peak_table.table.rowCount() > 2)
    w.peak_table.table.selectRow(1)
    pump(app, 0.5)
    w.grab().save(str(out / "peak_table.png"))
    w.view_bar.peaks_box.setChecked(False)
    w.side_tabs.setCurrentWidget(w.patterns)
    w.view_bar.form_box.setCurrentIndex(1)
    w.view_bar.y_box.setCurrentIndex(1)
    for row in (6, 1, 2, 3):
        w.files.item(row).setSelected(True)
    w.overlay.normalise.setChecked(True)
    w.overlay.stack.setValue(0.6)
    w.overlay.set_colour([w.session.entries[3].path], QColor(214, 39, 40))
    pump(app, 0.5)
    w.grab().save(str(out / "stacked_overlay.png"))
    w.overlay.stack.setValue(0)
    w.overlay.normalise.setChecked(False)
    w.view_bar.form_box.setCurrentIndex(0)
    w.files.clearSelection()
    w.files.setCurrentRow(6)
    app.setPalette(theme.dark_palette())
    pump(app, 0.5)
    w.grab().save(str(out / "dark_mode.png"))
    app.setPalette(app.style().standardPalette())
    w.close()


def window(app, tmp: Path, size: tuple[int, int] = (1500, 950)):
    from irgroups_gui._qt.main_window import MainWindow

    w = MainWindow(settings=QSettings(str(tmp / "s.ini"), QSettings.Format.IniFormat))
    w.resize(*size)
    w.show()
    return w


def scaled(out: Path) -> None:
    """Only the classified state (run with QT_SCALE_FACTOR=2)."""
    app = QApplication([])
    w = window(app, Path(tempfile.mkdtemp()))
    wait(app, lambda: w.session.bundle is not None)
    classified_nitrile(app, w)
    w.grab().save(str(out / "9_scaled_2x.png"))
    w.close()


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication([])
    from irgroups_gui._qt import help as help_pages
    from irgroups_gui._qt import theme

    tmp = Path(tempfile.mkdtemp())
    w = window(app, tmp)
    pump(app)
    w.grab().save(str(out / "1_empty.png"))
    wait(app, lambda: w.session.bundle is not None)

    classified_nitrile(app, w)
    w.grab().save(str(out / "2_classified_nitriles_hover.png"))
    w.results.set_filter("aromatics")
    w.results.view.selectRow(0)
    pump(app)
    w.grab().save(str(out / "2b_results_table_aromatics.png"))
    w.results.set_filter("all")

    names = [e.path for e in w.session.entries]
    w.files.setCurrentRow(next(i for i, p in enumerate(names) if p.endswith("75-05-8.jdx")))
    w.view_bar.form_box.setCurrentIndex(1)
    w.view_bar.y_box.setCurrentIndex(2)
    w.view_bar.micro_box.setChecked(True)
    w.view_bar.peaks_box.setChecked(True)
    w.session.selection.update(region=(2250.0, 2250.0), member=2)
    w.plots.member.setValue(3)
    pump(app)
    w.grab().save(str(out / "2c_transmittance_micrometres_peaks_member3.png"))
    for box, value in ((w.view_bar.form_box, 0), (w.view_bar.y_box, 0)):
        box.setCurrentIndex(value)
    w.view_bar.micro_box.setChecked(False)
    w.view_bar.peaks_box.setChecked(False)
    w.plots.member.setValue(1)

    app.setPalette(theme.dark_palette())
    pump(app)
    w.grab().save(str(out / "6_dark_palette.png"))
    app.setPalette(app.style().standardPalette())

    for name, title, text in (("7_help_heatmaps", "How to read the heatmaps", help_pages.HEATMAPS_HTML),
                              ("7b_help_about", "About IR Groups", help_pages.about_html()),
                              ("7c_help_shortcuts", "Keyboard shortcuts", help_pages.shortcuts_html(w.actions_list))):
        dlg = help_pages.show_html(w, title, text)
        pump(app)
        dlg.grab().save(str(out / f"{name}.png"))
        dlg.close()

    lab_artifacts(app, w, tmp, out)

    bad = tmp / "bad"
    bad.mkdir()
    (bad / "notes.txt").write_text("this is not a spectrum\n")
    (bad / "truncated.jdx").write_text("##TITLE=cut\n##JCAMP-DX=4.24\n##XYDATA=(X++(Y..Y))\n500 1 2 3\n")
    (bad / "narrow.csv").write_text("\n".join(f"{x},{0.1 + (x % 40) / 100}" for x in range(1000, 1200, 4)))
    w.session.clear()
    w.loader.add_paths([str(bad)])
    wait(app, lambda: loaded(w))
    w.files.setCurrentRow(0)
    pump(app)
    w.grab().save(str(out / "4_errors.png"))

    from conftest import synthetic_dataset
    from core.data.dataset import save_dataset

    dataset = Path(os.environ.get("IRGROUPS_SCREENSHOT_DATASET", tmp / "nist.h5"))
    if not dataset.is_file():
        shared = ROOT.parent / "shared" / "data" / "nist_gas_ir"
        if (shared / "spectra.zip").exists():
            from core.data.dataset import build_dataset

            ds, _ = build_dataset(shared / "spectra.zip", shared / "structures.csv")
        else:
            ds = synthetic_dataset(1000)
        save_dataset(ds, dataset)
    w.tabs.setCurrentIndex(1)
    tab = w.training
    tab.dataset.setText(str(dataset))
    tab.seeds.setValue(2)
    tab.epochs.setValue(30)
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
    laptop(app, out, tmp)
    env = dict(os.environ, QT_SCALE_FACTOR="2")
    subprocess.run([sys.executable, __file__, str(out), "--scaled"], env=env, check=True)
    print(f"wrote screenshots to {out}")


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "build/screenshots")
    if "--scaled" in sys.argv:
        target.mkdir(parents=True, exist_ok=True)
        scaled(target)
    elif "--laptop" in sys.argv:  # only the 1280 x 720 states
        target.mkdir(parents=True, exist_ok=True)
        laptop(QApplication([]), target, Path(tempfile.mkdtemp()))
    else:
        main(target)
