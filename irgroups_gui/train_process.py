"""Training in a child process (plain Python: no Qt here).

In a thread of the app, training would share the interpreter lock with the GUI thread: every
import, every Python step between torch operations and every post-training stage made the window
wait (up to 0.6-0.9 s measured while clicking through files). In its own process it only shares
the cores. The child reads the dataset, trains, saves the model to a temporary folder and sends
progress through a queue; the parent loads the saved model (safetensors + JSON, as from disk).
"""
from __future__ import annotations

import multiprocessing as mp
import os
import queue
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

BATCH_EVENT_INTERVAL = 0.05  # seconds between batch events sent to the app
POLL = 0.1  # seconds between checks of the child (and, in the child, of the stop flag)


class TrainingProcessError(RuntimeError):
    """The training process failed or ended without a result."""


class TrainingProcess:
    """One training run in a spawned process. `run(progress)` blocks (call it in a worker
    thread) and returns the TrainedModel; `stop()` is safe from any thread and makes the child
    end after its current batch, keeping each member's best weights so far."""

    def __init__(self, dataset_path: str, recipe: str, overrides: dict, seeds: int):
        self.dataset_path, self.recipe, self.overrides, self.seeds = dataset_path, recipe, overrides, seeds
        ctx = mp.get_context("spawn")
        self._ctx = ctx
        self._stop = ctx.Event()

    def stop(self) -> None:
        self._stop.set()

    def run(self, progress: Callable[[object], None]):
        """TrainedModel of the run; `progress` receives TrainEvents and status lines (str)."""
        out = Path(tempfile.mkdtemp(prefix="irgroups-train-"))
        q = self._ctx.Queue()
        child = self._ctx.Process(target=_child, name="irgroups-training", daemon=True,
                                  args=(self.dataset_path, self.recipe, self.overrides, self.seeds, q, self._stop,
                                        str(out / "model")))
        try:
            child.start()  # with the app's environment (OMP_WAIT_POLICY, see irgroups_gui/__init__.py)
            payload = self._wait(child, q, progress)
            child.join(30)
            return _load_result(out / "model", payload)
        finally:
            if child.is_alive():
                self._stop.set()
                child.join(10)
                if child.is_alive():
                    child.kill()
            shutil.rmtree(out, ignore_errors=True)

    def _wait(self, child, q, progress) -> dict:
        while True:
            try:
                kind, value = q.get(timeout=POLL)
            except queue.Empty:
                if not child.is_alive():
                    raise TrainingProcessError(f"the training process ended unexpectedly (exit code {child.exitcode})")
                continue
            if kind == "done":
                return value
            if kind == "error":
                raise TrainingProcessError(value)
            progress(value)


def _child(dataset_path: str, recipe: str, overrides: dict, seeds: int, q, stop, out: str) -> None:
    """The training process: train, save the model to `out`, report through `q`."""
    try:
        from core.nn.bundle import save_bundle
        from core.data.dataset import load_dataset
        from core.evaluation.pipeline import train_bundle
        from core.explain.patterns import save_patterns
        from core.nn.training import TrainConfig

        ds = load_dataset(dataset_path)
        config = TrainConfig.recipe(recipe, **overrides)
        trainers: list = []
        last = [0.0]

        def on_event(e) -> None:
            now = time.monotonic()
            if e.kind == "epoch" or now - last[0] >= BATCH_EVENT_INTERVAL:
                last[0] = now
                q.put(("event", e))

        def watch_stop() -> None:
            # polled, not stop.wait(): a process that dies while waiting on a multiprocessing
            # Event leaves the parent's Event.set() blocked for ever
            while not stop.is_set():
                time.sleep(POLL)
            for t in trainers:
                t.stop()

        threading.Thread(target=watch_stop, daemon=True).start()
        trained = train_bundle(ds, config, list(range(seeds)),
                               {"recipe": recipe, "config": vars(config), "dataset": Path(dataset_path).name},
                               callback=on_event, trainer_hook=trainers.append,
                               status=lambda text: q.put(("status", text)))
        save_bundle(trained.bundle, out)
        save_patterns(trained.patterns, out)
        q.put(("done", {"report": trained.report,
                        "results": [{k: getattr(r, k) for k in ("thresholds", "best_epoch", "best_val_loss", "history",
                                                                 "cancelled", "seconds", "seed")}
                                    for r in trained.results]}))
    except Exception as exc:  # one line for the app's status bar
        q.put(("error", f"{exc}" if str(exc) else type(exc).__name__))
    except KeyboardInterrupt:
        q.put(("error", "training interrupted"))


def check_child_process(timeout: float = 120.0) -> str:
    """Spawn a child the way training does, have it import the training code, and return what it
    reports (the self-test of installed bundles uses this: spawning must work in a frozen app)."""
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    child = ctx.Process(target=_ping, args=(q,), name="irgroups-check", daemon=True)
    child.start()
    try:
        return q.get(timeout=timeout)
    except queue.Empty:
        raise TrainingProcessError(f"no answer from a child process within {timeout:.0f} s "
                                   f"(exit code {child.exitcode})") from None
    finally:
        child.join(10)
        if child.is_alive():
            child.kill()


def _ping(q) -> None:
    import torch

    import core.evaluation.pipeline  # noqa: F401  (what a training child imports)

    q.put(f"torch {torch.__version__}, {torch.get_num_threads()} threads, "
          f"OMP_WAIT_POLICY {os.environ.get('OMP_WAIT_POLICY', 'unset')}")


def _load_result(folder: Path, payload: dict):
    """The TrainedModel from the child's saved model folder and its report."""
    from core.nn.bundle import load_bundle
    from core.evaluation.pipeline import TrainedModel
    from core.explain.patterns import load_patterns
    from core.nn.training import TrainResult

    bundle = load_bundle(folder)
    bundle.path = ""  # the temporary folder goes away; saving writes a new one
    results = [TrainResult(model, **r) for model, r in zip(bundle.members, payload["results"])]
    return TrainedModel(bundle, payload["report"], load_patterns(folder), results)
