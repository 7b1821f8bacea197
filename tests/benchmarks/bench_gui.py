"""Event-loop responsiveness of the app: start-up and model-ready times, then the longest gap
between 10 ms timer ticks (how long the window was frozen) and the click-on-a-file ->
evidence-shown latency, in each situation: idle, clicking through files, hovering the heatmap
cells, training in the worker, and all of that again while other processes keep every core busy
(`_load.py`).
Target: no gap above 50 ms. Figures depend on what else the machine runs: say so."""
from __future__ import annotations

import argparse
import os
import tempfile
import time
import zipfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
t_start = time.perf_counter()

from _common import GAS_CSV, GAS_ZIP, need_shared  # noqa: E402
from _load import busy_cores  # noqa: E402

import numpy as np  # noqa: E402
from PySide6.QtCore import QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

TICK_MS = 10
CLICK_EVERY = 0.25  # seconds between clicks when clicking through the list
HOVER_EVERY = 0.1  # seconds between moves to another heatmap cell when hovering


class Probe:
    """Timer ticks on the GUI thread; a gap between ticks is time the event loop was blocked."""

    def __init__(self) -> None:
        self.ticks: list[float] = []
        self.timer = QTimer()
        self.timer.timeout.connect(lambda: self.ticks.append(time.perf_counter()))

    def __enter__(self) -> Probe:
        self.ticks.clear()
        self.timer.start(TICK_MS)
        return self

    def __exit__(self, *exc) -> None:
        self.timer.stop()

    def summary(self) -> str:
        gaps = np.diff(self.ticks) * 1000
        if gaps.size == 0:
            return "no ticks"
        return (f"ticks {len(self.ticks)}, gap p50 {np.median(gaps):.1f} ms, p99 {np.percentile(gaps, 99):.1f} ms, "
                f"longest {gaps.max():.1f} ms, gaps > 50 ms: {int((gaps > 50).sum())}")


def pump(app: QApplication, seconds: float, until=None) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end and not (until and until()):
        app.processEvents()
        time.sleep(0.001)


class Clicker:
    """Selects the next file of the list every CLICK_EVERY seconds; records click -> evidence shown
    (the heatmap redrawn with that file's terms) and how long the click itself held the GUI thread."""

    def __init__(self, window, rows: list[int]) -> None:
        self.w, self.rows = window, list(rows)
        self.latency: list[float] = []
        self.blocking: list[float] = []
        self.cpu: list[float] = []
        self._clicked: dict[int, float] = {}
        window.session.terms_ready.connect(self._shown)

    def _shown(self, index: int) -> None:
        t = self._clicked.pop(index, None)
        if t is not None:
            self.latency.append(time.perf_counter() - t)

    def click_next(self) -> bool:
        if not self.rows:
            return False
        row = self.rows.pop(0)
        t0, c0 = time.perf_counter(), time.thread_time()
        self._clicked[row] = t0
        self.w.files.setCurrentRow(row)
        self.blocking.append(time.perf_counter() - t0)
        self.cpu.append(time.thread_time() - c0)
        if self.w.session._terms_cache.get(row) is not None and row in self._clicked:  # was cached: shown at once
            self._shown(row)
        return True

    def run(self, app: QApplication, limit: float) -> None:
        end = time.perf_counter() + limit
        while time.perf_counter() < end and self.click_next():
            pump(app, CLICK_EVERY)

    def summary(self) -> str:
        if not self.latency:
            return "no clicks"
        lat, blk, cpu = (np.array(v) * 1000 for v in (self.latency, self.blocking, self.cpu))
        return (f"click -> evidence shown p50 {np.median(lat):.1f} ms, max {lat.max():.1f} ms "
                f"(n = {lat.size}); the click itself held the GUI thread p50 {np.median(blk):.1f} ms, "
                f"max {blk.max():.1f} ms (GUI-thread CPU p50 {np.median(cpu):.1f} ms)")


def hovering(app: QApplication, window, label: str, seconds: float = 4) -> None:
    """Moves the hovered heatmap cell to another channel and window every HOVER_EVERY seconds,
    as a mouse moving over the maps does (the patterns view redraws for each new channel), and
    prints the longest gaps."""
    end, k = time.perf_counter() + seconds, 0
    with Probe() as probe:
        while time.perf_counter() < end:
            window.session.selection.update(channel=k % 8, position=(k * 37) % 200)
            k += 1
            pump(app, HOVER_EVERY)
    print(f"{label} (a new channel every {HOVER_EVERY * 1000:.0f} ms): {probe.summary()}", flush=True)


def nist_files(out: Path, n: int) -> list[str]:
    """n NIST gas-phase spectra extracted to a temporary folder (benchmark input only)."""
    with zipfile.ZipFile(GAS_ZIP) as z:
        names = [m for m in z.namelist() if m.endswith(".jdx")][:: 7351 // n][:n]
        return [z.extract(m, out) for m in names]


def situation(app, window, label: str, rows: list[int], seconds: float, train: bool) -> None:
    clicker = Clicker(window, rows)
    tab = window.training
    with Probe() as probe:
        t0 = time.perf_counter()
        worker = tab.start() if train else None
        if rows:
            clicker.run(app, seconds)
        else:
            pump(app, seconds)
        if worker is not None:
            pump(app, 600, until=lambda: not worker.is_running())
            pump(app, 0.05)
        took = time.perf_counter() - t0
    window.session.terms_ready.disconnect(clicker._shown)
    extra = f" ({took:.1f} s, training {tab.points_drawn()} curve points drawn)" if train else ""
    print(f"{label}{extra}: {probe.summary()}", flush=True)
    if rows:
        print(f"    {clicker.summary()}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=120, help="NIST files to click through")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="no training situations")
    args = parser.parse_args()
    app = QApplication([])
    from irgroups_gui._qt.main_window import MainWindow

    tmp = Path(tempfile.mkdtemp())
    w = MainWindow(settings=QSettings(str(tmp / "s.ini"), QSettings.Format.IniFormat))
    w.resize(1400, 900)
    w.show()
    app.processEvents()
    print(f"start-up to visible window (in-process, imports included): {time.perf_counter() - t_start:.2f} s")
    pump(app, 120, until=lambda: w.session.bundle is not None)
    print(f"default model loaded in the background: {time.perf_counter() - t_start:.2f} s after start")
    if not need_shared():
        return
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} before the runs")
    w.loader.add_paths(nist_files(tmp / "spectra", args.files))
    pump(app, 120, until=lambda: all(e.prediction is not None for e in w.session.entries))
    n = len(w.session.entries)
    quarters = [list(range(k, n, 4)) for k in range(4)]  # each situation clicks files not seen before
    if not args.quick:
        from core.data.dataset import build_dataset, save_dataset

        ds, _ = build_dataset(GAS_ZIP, GAS_CSV)
        save_dataset(ds, tmp / "nist.h5")
        w.training.dataset.setText(str(tmp / "nist.h5"))
        w.training.epochs.setValue(args.epochs)
        print(f"training: {args.epochs} epochs on {len(ds.subset('train'))} spectra, 10 members")
    situation(app, w, "idle, 3 s", [], 3, train=False)
    situation(app, w, "clicking through files", quarters[0], 6, train=False)
    hovering(app, w, "hovering heatmap cells")
    if not args.quick:
        situation(app, w, "training in the worker + clicking", quarters[1], 6, train=True)
    with busy_cores(seconds=900):
        print(f"-- with {os.cpu_count()} busy processes (one per core):")
        situation(app, w, "loaded, idle, 3 s", [], 3, train=False)
        situation(app, w, "loaded, clicking through files", quarters[2], 6, train=False)
        hovering(app, w, "loaded, hovering heatmap cells")
        if not args.quick:
            situation(app, w, "loaded, training in the worker + clicking", quarters[3], 6, train=True)
    w.close()


if __name__ == "__main__":
    main()
