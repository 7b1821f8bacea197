"""Big loads in the window: reading and classifying in a worker with the progress bar and Cancel,
the GUI thread in short steps, a 512-subfile SPC as one entry with a spectrum chooser, and
identical errors summarised once with a count."""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from conftest import jcamp
from gui_fixtures import model_dir, window  # noqa: F401 (fixtures)

XYXY = Path(__file__).parent / "data" / "grams_xyxy.spc"  # 512 subfiles, mass spectra
NIR = Path(__file__).parent / "data" / "grams_nir_multi.spc"  # 20 near-infrared subfiles


def _good_files(folder: Path, n: int) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    wn = np.arange(500, 4001, 4)
    out = []
    for k in range(n):
        y = (1000 * np.exp(-0.5 * ((wn - 800 - 25 * k) / 15) ** 2) + 10).astype(int)
        f = folder / f"s{k:03d}.jdx"
        f.write_text(jcamp("\n".join(f"{x} {v}" for x, v in zip(wn, y)), wn.size, 500, 4000))
        out.append(str(f))
    return out


def _idle(qtbot, window, timeout=60000):
    qtbot.waitUntil(lambda: not window.loader.classifying, timeout=timeout)


def test_a_load_shows_progress_and_cancel_keeps_only_what_was_read(qtbot, window, tmp_path):
    from irgroups_gui._qt.loader import CHUNK

    files = _good_files(tmp_path / "many", 3 * CHUNK)
    window.loader.add_paths(files)
    assert window.loader.classifying
    assert window.progress.isVisibleTo(window) and window.loader.cancel_button.isVisibleTo(window)
    assert window.progress.total == len(files)
    assert len(window.session.entries) < len(files)  # rows are added as the worker reaches them
    window.loader.cancel_button.click()
    _idle(qtbot, window)
    entries = window.session.entries
    assert 0 < len(entries) < len(files)
    assert all(e.status == "ok" for e in entries)  # nothing left half-added (pending)
    assert [e.path for e in entries] == files[:len(entries)]
    assert not window.progress.isVisibleTo(window) and not window.loader.cancel_button.isVisibleTo(window)
    assert "Cancelled after" in window.statusBar().currentMessage()
    # a later load goes on normally and adds the rest
    window.loader.add_paths(files)
    _idle(qtbot, window)
    assert [e.path for e in window.session.entries] == files
    assert all(e.status == "ok" for e in window.session.entries)


def test_gui_steps_are_short_while_many_files_load(qtbot, window, tmp_path):
    """Each step the loader runs on the GUI thread adds or updates a few rows, never all of them."""
    from irgroups_gui._qt.loader import SLICE

    sizes = []
    session = window.session
    session.entries_added.connect(lambda first, n: sizes.append(n))
    window.loader.add_paths(_good_files(tmp_path / "many", 80))
    assert not session.entries  # the drop's own turn adds no rows: they come in the steps after it
    _idle(qtbot, window)
    assert len(session.entries) == 80 and sizes and max(sizes) <= SLICE
    # into the empty list the first row came alone: selecting it redraws every view
    assert sizes[0] == 1 and sum(sizes) == 80


def test_512_subfile_spc_is_one_entry_and_its_spectrum_can_be_chosen(qtbot, window):
    window.loader.add_paths([str(XYXY)])
    _idle(qtbot, window)
    s = window.session
    assert len(s.entries) == 1 and window.files.count() == 1
    entry = s.entries[0]
    assert entry.subfiles == 512 and entry.subfile == 0 and entry.name == "grams_xyxy.spc #1"
    chooser = window.subfiles
    assert chooser.isVisibleTo(window) and chooser.spin.maximum() == 512 and chooser.spin.value() == 1
    # the status line says it once, not 512 times
    message = window.statusBar().currentMessage()
    assert message.count("not an infrared spectrum") == 1 and "1 could not be read" in message
    chooser.spin.setValue(3)  # reclassified in a worker
    qtbot.waitUntil(lambda: s.entries[0].prediction.index == 2, timeout=20000)
    assert s.entries[0].name == "grams_xyxy.spc #3" and s.entries[0].subfile == 2
    assert s.entries[0].prediction.spectrum.source == str(XYXY)


def test_another_spectrum_of_a_file_is_classified_off_the_gui_thread(qtbot, window):
    window.loader.add_paths([str(NIR)])
    _idle(qtbot, window)
    first = window.session.entries[0].prediction.spectrum
    worker = window.loader.choose_subfile(0, 19)
    assert worker is not None and window.session.entries[0].subfile == 19
    qtbot.waitUntil(lambda: window.session.entries[0].prediction.index == 19, timeout=20000)
    last = window.session.entries[0].prediction.spectrum
    assert not np.array_equal(first.y, last.y)  # another spectrum of the file, not the first again
    assert window.loader.choose_subfile(0, 20) is None  # beyond the file: refused


def test_identical_errors_are_summarised_once_with_a_count(qtbot, window, tmp_path):
    folder = tmp_path / "bad"
    folder.mkdir()
    for k in range(12):
        (folder / f"broken{k:02d}.jdx").write_text("##TITLE=x\n##XYDATA=(X++(Y..Y))\n100 1 2\n")
    (folder / "empty.jdx").write_text("")
    good = _good_files(folder, 2)
    window.loader.add_paths([str(folder)])
    _idle(qtbot, window)
    message = window.statusBar().currentMessage()
    assert "Classified 2 of 15 files; 13 could not be read" in message
    assert "12 × " in message and "(first: broken00.jdx)" in message and "1 × empty file (empty.jdx)" in message
    assert message.count("no ##END=") == 1
    assert [e.status for e in window.session.entries].count("ok") == len(good)  # the batch went on


def test_loads_are_read_and_classified_in_a_child_process(tmp_path, model_dir):  # noqa: F811
    """The child gives the same predictions as reading in this process, loads a saved model from
    its folder, and when it dies the work goes on in the calling thread."""
    import os

    from core.artifacts.processing import Processing
    from core.nn.bundle import load_bundle
    from irgroups_gui.load_jobs import Item, classify_items
    from irgroups_gui.load_process import LoadProcess, model_key

    bundle = load_bundle(model_dir)
    files = _good_files(tmp_path / "spectra", 3) + [str(XYXY)]
    items = [Item(f) for f in files]
    here = classify_items(items, bundle, Processing())
    proc = LoadProcess()
    try:
        assert proc.warm(bundle)
        assert model_key(bundle)[0] == "folder"
        (child,) = proc._pool._processes.values()
        assert child.pid != os.getpid() and child.is_alive()
        there = proc.classify_items(items, bundle, Processing())
        assert [d.path for d in there] == files and there[-1].prediction.error == here[-1].prediction.error
        for a, b in zip(here[:3], there[:3]):
            assert a.prediction.ok and np.allclose(a.prediction.mean, b.prediction.mean, atol=1e-6)
        child.kill()
        child.join(10)
        again = proc.classify_items(items[:1], bundle, Processing())
        assert proc.broken and np.allclose(again[0].prediction.mean, here[0].prediction.mean, atol=1e-6)
    finally:
        proc.close()


def test_a_model_only_in_memory_is_sent_to_the_child(tmp_path, small_bundle):
    from core.artifacts.processing import Processing
    from irgroups_gui.load_jobs import Item, classify_items
    from irgroups_gui.load_process import LoadProcess, model_key

    assert model_key(small_bundle)[0] == "object"
    items = [Item(f) for f in _good_files(tmp_path, 2)]
    proc = LoadProcess()
    try:
        there = proc.classify_items(items, small_bundle, Processing())
        assert proc.broken is None
        here = classify_items(items, small_bundle, Processing())
        assert np.allclose(there[1].prediction.mean, here[1].prediction.mean, atol=1e-6)
    finally:
        proc.close()


def test_the_shown_entrys_result_is_applied_in_a_step_of_its_own(qtbot, window, tmp_path):  # noqa: F811
    from irgroups_gui._qt.loader import SLICE
    from irgroups_gui.load_jobs import Loaded

    files = _good_files(tmp_path, 3)
    window.loader.add_paths(files)
    _idle(qtbot, window)
    window.files.setCurrentRow(1)
    loaded = [Loaded(f, None, 1) for f in files] + [Loaded(f"x{k}", None, 1) for k in range(2 * SLICE)]
    parts = window.loader._slices(loaded)
    assert [d.path for d in parts[1]] == [files[1]]
    assert [d.path for p in parts for d in p] == [d.path for d in loaded] and max(map(len, parts)) == SLICE


def test_steps_wait_out_busy_turns_but_not_forever(qtbot):
    """A step's turn that comes late (the loop was busy: a repaint, say) yields to the loop
    instead of adding its work to that turn, up to MAX_SKIPS turns in a row; then it runs anyway."""
    import time

    from PySide6.QtWidgets import QApplication

    from irgroups_gui._qt.step_queue import MAX_SKIPS, StepQueue

    steps, ran = StepQueue(budget_ms=5), []
    steps.put(lambda: ran.append(True))
    for _ in range(MAX_SKIPS):
        time.sleep(0.03)  # the loop is busy elsewhere for longer than the budget
        QApplication.processEvents()
        assert not ran and len(steps) == 1
    time.sleep(0.03)
    QApplication.processEvents()
    assert ran and len(steps) == 0


def test_the_shown_entrys_views_update_one_per_step_ahead_of_other_steps(qtbot, window, tmp_path):
    """When the shown entry's result arrives, its views redraw in steps of their own (all in
    one step they held the window 12 ms of CPU), and before the other rows' results."""
    files = _good_files(tmp_path / "many", 12)
    session, steps, log = window.session, window.loader.steps, []
    turn = [0]
    run = steps.run

    def counted_run():
        turn[0] += 1
        run()

    def recorded(name, redraw):
        def call():
            if session.entries and session.entries[0].prediction is not None:
                log.append((name, turn[0]))
            redraw()
        return call

    steps.run = counted_run
    steps.budget = 0  # one step a turn
    window.spectrum.redraw = recorded("spectrum", window.spectrum.redraw)
    window.probabilities.redraw = recorded("probabilities", window.probabilities.redraw)
    session.entry_updated.connect(lambda i: log.append((f"updated {i}", turn[0])))
    window.loader.add_paths(files)
    _idle(qtbot, window)
    assert session.selection.entry == 0
    names = [name for name, _ in log]
    first = dict(reversed(log))  # each name's first turn
    assert {"spectrum", "probabilities", "updated 0", "updated 1"} <= set(first)
    assert first["spectrum"] < first["probabilities"]  # not in the same step
    assert names.index("probabilities") < names.index("updated 1")  # ahead of the next rows


def test_steps_put_next_run_first_and_clear_drops_the_rest(qtbot):
    from PySide6.QtWidgets import QApplication

    from irgroups_gui._qt.step_queue import StepQueue

    steps, ran = StepQueue(budget_ms=0), []
    steps.put(lambda: ran.append("later"))
    steps.put_next([lambda: ran.append("a"), lambda: ran.append("b")])
    steps.run()
    steps.run()
    assert ran == ["a", "b"]
    steps.clear()
    QApplication.processEvents()
    assert ran == ["a", "b"] and len(steps) == 0


def test_the_progress_bar_follows_the_load(qtbot, window, tmp_path):
    """The steps that show results set the bar's count; it is painted with the window's next
    paint (test_repaint.py), and it moves partway through the load."""
    from irgroups_gui._qt.loader import CHUNK

    files = _good_files(tmp_path / "many", 2 * CHUNK)
    window.loader.add_paths(files)
    seen = []
    qtbot.waitUntil(lambda: seen.append(window.progress.done) or not window.loader.classifying, timeout=60000)
    assert any(0 < v < len(files) for v in seen)  # partway through, not only at the start and end


_PICKER = """
import sys, time
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
app = QApplication([])
from irgroups_gui._qt.main_window import MainWindow
w = MainWindow(settings=QSettings(sys.argv[1], QSettings.Format.IniFormat))
end = time.monotonic() + 90
while time.monotonic() < end and (w.session.bundle is None or w._workers):  # the start-up's workers
    app.processEvents()
    time.sleep(0.01)
print(not w.session.entries and hasattr(sys.modules.get("scipy.signal"), "find_peaks"))
w.close()
"""


def test_the_window_imports_peak_picking_before_the_first_load(tmp_path):
    """While the window waits for files it imports scipy.signal in a worker: imported on the first
    spectrum's peak table instead, during a big load, it held the interpreter lock against the
    window's thread."""
    env = os.environ | {"QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", _PICKER, str(tmp_path / "s.ini")], env=env, capture_output=True,
                         text=True, timeout=180, cwd=Path(__file__).resolve().parents[1])
    assert out.returncode == 0, out.stderr[-1000:]
    assert out.stdout.split()[-1] == "True"
