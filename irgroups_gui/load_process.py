"""Reading and classifying big loads in a child process (plain Python: no Qt here).

Reading a file, fitting its baseline and the atmospheric lines are mostly Python, so in a thread
they hold the interpreter lock and the GUI thread waits for it: while 200 files loaded, a 20 ms
repaint took 50-110 ms of wall time on a busy 2-core machine. A child process has its own
interpreter and only shares the cores (as training does, `train_process.py`).

One child serves the app (every window) and keeps its model: a model from a folder is loaded
there from that folder (safetensors + JSON), a model trained in the app and not saved yet is sent
once. When the child cannot start or dies, the work runs in the calling thread instead.
"""
from __future__ import annotations

import multiprocessing as mp
import pickle
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from core.artifacts.processing import Processing
from irgroups_gui.load_jobs import Item, Loaded, classify_items

_model = None  # the child's model


def _start(source: str | bytes) -> None:
    """The child's set-up: one torch thread (a chunk is small work) and the model."""
    global _model
    import torch

    from core.nn.bundle import load_bundle

    torch.set_num_threads(1)
    _model = load_bundle(source) if isinstance(source, str) else pickle.loads(source)


def _classify(items: list[Item], processing: Processing) -> list[Loaded]:
    return classify_items(items, _model, processing)


def _ready() -> bool:
    return _model is not None


def model_key(bundle) -> tuple:
    """What identifies a model for the child: its folder and when its weights were written, or,
    for a model only in memory, the object itself."""
    path = Path(bundle.path) if bundle.path else None
    if path is not None and path.is_dir():
        weights = sorted(path.glob("*.safetensors"))
        return ("folder", str(path.resolve()), tuple(w.stat().st_mtime_ns for w in weights))
    return ("object", id(bundle))


class LoadProcess:
    """The child process; `classify_items` blocks (call it in a worker thread)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pool: ProcessPoolExecutor | None = None
        self._key: tuple | None = None
        self._held = None  # the in-memory model the child was given (keeps its id unique)
        self.broken: str | None = None  # why the work now runs in the calling thread
        self.ready = False  # the child has started and holds the model of the last `warm`

    def classify_items(self, items: list[Item], bundle, processing: Processing) -> list[Loaded]:
        """As load_jobs.classify_items, in the child when it runs."""
        pool = self._pool_for(bundle)
        if pool is not None:
            try:
                return pool.submit(_classify, items, processing).result()
            except BrokenProcessPool as exc:  # the child died; an error of the work itself is raised as in a thread
                if pool is self._pool:
                    self._give_up(f"{type(exc).__name__}: {exc}")
        return classify_items(items, bundle, processing)

    def warm(self, bundle) -> bool:
        """Start the child with this model now, so the first load does not wait for it."""
        pool = self._pool_for(bundle)
        try:
            self.ready = pool is not None and pool.submit(_ready).result()
            return self.ready
        except Exception as exc:
            self._give_up(f"{type(exc).__name__}: {exc}")
            return False

    def _pool_for(self, bundle) -> ProcessPoolExecutor | None:
        with self._lock:
            if self.broken is not None:
                return None
            key = model_key(bundle)
            if key != self._key:
                self._close_pool()
                source: str | bytes
                if key[0] == "folder":
                    source = key[1]
                else:
                    source = pickle.dumps(bundle)
                self._pool = ProcessPoolExecutor(1, mp_context=mp.get_context("spawn"), initializer=_start,
                                                 initargs=(source,))
                self._key, self._held = key, bundle if key[0] == "object" else None
            return self._pool

    def _give_up(self, why: str) -> None:
        with self._lock:
            self.broken = why
            self._close_pool()

    def _close_pool(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool, self._key, self._held, self.ready = None, None, None, False

    def close(self) -> None:
        """End the child now (at the app's exit the executor ends it by itself)."""
        with self._lock:
            self._close_pool()


_shared: LoadProcess | None = None


def shared_process() -> LoadProcess:
    """The app's one child process (created on first use)."""
    global _shared
    if _shared is None:
        _shared = LoadProcess()
    return _shared
