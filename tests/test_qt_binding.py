"""Guard against Qt binding releases that corrupt reference counts on signal emission
(PySide6 6.12.0 on Python 3.11 aborted the app with 'deallocating None/True')."""
import sys
import time

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    value = Signal(object)
    bare = Signal()


def test_signal_emission_keeps_singleton_refcounts(qapp):
    e = _Emitter()
    e.value.connect(lambda v: None)
    e.bare.connect(lambda: None)
    before = {k: sys.getrefcount(k) for k in (None, True, False)}
    for _ in range(3000):
        e.value.emit(None)
        e.bare.emit()
    after = {k: sys.getrefcount(k) for k in (None, True, False)}
    assert all(abs(after[k] - before[k]) < 100 for k in before), (before, after)


def test_cross_thread_worker_signals_keep_refcounts(qapp):
    from irgroups_gui._qt.worker import thread_worker

    got = []
    w = thread_worker(lambda progress: [progress((i, "x")) for i in range(3000)] and None, progress=True)
    w.progressed.connect(lambda v: got.append(v))
    before = sys.getrefcount(None)
    w.start()
    deadline = time.perf_counter() + 30
    while (w.is_running() or len(got) < 3000) and time.perf_counter() < deadline:
        qapp.processEvents()
    assert len(got) == 3000
    # a binding that loses or leaks a reference per emission drifts by ~3000; threads left by
    # earlier tests (finished workers being cleaned up) move the count by about a hundred
    assert abs(sys.getrefcount(None) - before) < 1000
