"""Big loads and the window: the longest gap between 10 ms timer ticks on the GUI thread (how
long the window was frozen) while loading 200 JCAMP files, the 512-subfile GRAMS SPC
(tests/data/grams_xyxy.spc) and the tests' data folder, with every core kept busy by other
processes (`_load.py`), and how long each load took.
Target: no gap above 50 ms. Figures depend on what else the machine runs: say so."""
from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from _common import ROOT, need_shared  # noqa: E402
from _load import busy_cores  # noqa: E402
from bench_gui import Probe, nist_files, pump  # noqa: E402

import numpy as np  # noqa: E402
from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

DATA = ROOT / "tests" / "data"


def synthetic_files(out: Path, n: int) -> list[str]:
    """n JCAMP-DX files with one band each (when the NIST data is not there)."""
    import numpy as np

    from core.readers.jcamp import write_jcamp
    from core.spectra.spectrum import Spectrum

    out.mkdir(parents=True, exist_ok=True)
    wn = np.arange(500.0, 4001.0, 4.0)
    paths = []
    for k in range(n):
        y = np.exp(-0.5 * ((wn - 600 - 17 * k) / 15) ** 2) + 0.01
        path = out / f"s{k:03d}.jdx"
        path.write_text(write_jcamp(Spectrum(x=wn, y=y, title=f"s{k}")))
        paths.append(str(path))
    return paths


class Span(Probe):
    """A Probe whose first and last ticks are the start and end of the block, so time the GUI
    thread spends before the first tick (the synchronous part of add_paths) counts too; it also
    says how much of the longest gap the GUI thread spent on the CPU (the rest it waited for a
    core or for the interpreter lock), and the most CPU it spent between any two ticks (the
    window's own work, whatever else the machine runs)."""

    def __init__(self) -> None:
        super().__init__()
        self.cpu: list[float] = []
        self.timer.timeout.connect(lambda: self.cpu.append(time.thread_time()))

    def __enter__(self) -> Span:
        super().__enter__()
        self.cpu.clear()
        self._mark()
        return self

    def __exit__(self, *exc) -> None:
        self._mark()
        super().__exit__(*exc)

    def _mark(self) -> None:
        self.ticks.append(time.perf_counter())
        self.cpu.append(time.thread_time())

    def summary(self) -> str:
        k = int(np.argmax(np.diff(self.ticks)))
        cpu = np.diff(self.cpu) * 1000
        return (f"{super().summary()} (GUI-thread CPU in it {cpu[k]:.1f} ms; the most GUI-thread CPU "
                f"between two ticks {cpu.max():.1f} ms: the rest of a gap is waiting for a core)")


def idle(window) -> bool:
    """The load has finished: nothing being read or classified, no entry waiting."""
    loader, entries = window.loader, window.session.entries
    return not loader.classifying and all(e.prediction is not None for e in entries)


def load(app: QApplication, window, label: str, paths: list[str]) -> None:
    """Clear the list, load `paths` and print the longest event-loop gap and the time taken."""
    window.session.clear()
    pump(app, 0.3)
    with Span() as probe:
        t0 = time.perf_counter()
        window.loader.add_paths(paths)
        pump(app, 600, until=lambda: idle(window))
        took = time.perf_counter() - t0
        pump(app, 0.1)
    entries = window.session.entries
    failed = sum(e.status == "error" for e in entries)
    print(f"{label}: {took:.2f} s, {len(entries)} entries ({failed} errors); {probe.summary()}", flush=True)
    print(f"    status: {window.statusBar().currentMessage()}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=200, help="JCAMP files to load")
    parser.add_argument("--quick", action="store_true", help="ignored (run_all passes it to every script)")
    args = parser.parse_args()
    app = QApplication([])
    from irgroups_gui._qt.main_window import MainWindow

    tmp = Path(tempfile.mkdtemp())
    w = MainWindow(settings=QSettings(str(tmp / "s.ini"), QSettings.Format.IniFormat))
    w.resize(1400, 900)
    w.show()
    # the model loaded and the loading process started (as at start-up, before the user drops files)
    pump(app, 120, until=lambda: w.session.bundle is not None and w.loader.process.ready)
    shared = need_shared()
    files = nist_files(tmp / "spectra", args.files) if shared else synthetic_files(tmp / "spectra", args.files)
    kind = "NIST gas-phase JCAMP" if shared else "synthetic JCAMP"
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} before the runs")
    with busy_cores(seconds=600):
        print(f"-- with {os.cpu_count()} busy processes (one per core):")
        load(app, w, f"{len(files)} {kind} files", files)
        load(app, w, "grams_xyxy.spc (512 subfiles)", [str(DATA / "grams_xyxy.spc")])
        load(app, w, "the tests' data folder", [str(DATA)])
    w.close()


if __name__ == "__main__":
    main()
