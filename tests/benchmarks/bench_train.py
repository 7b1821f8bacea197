"""Training speed of the stacked ensemble on the NIST gas-phase training split.

Default: build the dataset from the NIST zip (timed), then
  1. 1 member x 3 epochs and 10 members x 3 epochs, each in its own process, wall time from
     process start to exit (start-up included) and the process's CPU time, alternating
     `--repeats` times (default 2, so neither size alone pays for a cold file cache); prints
     the ratio of the median times (target <= 2);
  2. 10 members to early stop (improved recipe) in this process: wall and CPU time, epochs
     run per member (target <= 90 s on 2 cores).
`--dataset nist.h5` skips the build; `--skip-early-stop` runs only part 1.
Internal: `--child MEMBERS EPOCHS DATASET` trains once and prints its own timings.
"""
from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from _common import GAS_CSV, GAS_ZIP, ROOT, need_shared


def _cpu() -> float:
    """CPU seconds (user + system) of this process and its threads."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def train(members: int, epochs: int | None, dataset: str, recipe: str, threads: int | None) -> None:
    """Train `members` members for `epochs` epochs (None: to early stop) and print timings."""
    from core.data.dataset import load_dataset
    from core.nn.training import TrainConfig, train_ensemble

    ds = load_dataset(dataset)
    overrides = ({} if epochs is None else {"max_epochs": epochs}) | ({} if threads is None else {"threads": threads})
    t0, c0 = time.perf_counter(), _cpu()
    results = train_ensemble(ds, list(range(members)), TrainConfig.recipe(recipe, **overrides))
    wall, cpu = time.perf_counter() - t0, _cpu() - c0
    epochs_run = [len(r.history) for r in results]
    print(f"{members} member(s), {recipe} recipe, {len(ds.subset('train'))} training spectra: "
          f"training {wall:.1f} s wall, {cpu:.1f} s CPU; epochs run {epochs_run}, "
          f"best {[r.best_epoch for r in results]}; "
          f"{wall / max(epochs_run):.2f} s wall, {cpu / max(epochs_run):.2f} s CPU per epoch of the network")


def child_run(members: int, epochs: int, dataset: str, args) -> tuple[float, float]:
    """Wall time from spawn to exit and CPU time of one training process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    extra = [] if args.threads is None else ["--threads", str(args.threads)]
    out = subprocess.run([sys.executable, __file__, "--child", str(members), str(epochs), dataset,
                          "--recipe", args.recipe, *extra],
                         capture_output=True, text=True, cwd=ROOT, env=os.environ | {"PYTHONPATH": str(ROOT)})
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode:
        raise SystemExit(out.stderr[-2000:])
    print("  " + out.stdout.strip())
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dataset", help="prebuilt dataset .h5 (default: build from the NIST zip)")
    ap.add_argument("--recipe", default="improved")
    ap.add_argument("--members", type=int, default=10)
    ap.add_argument("--threads", type=int, help="torch threads (default: TrainConfig's)")
    ap.add_argument("--repeats", type=int, default=2, help="runs of each process size, alternating")
    ap.add_argument("--skip-early-stop", action="store_true")
    ap.add_argument("--child", nargs=3, metavar=("MEMBERS", "EPOCHS", "DATASET"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        train(int(args.child[0]), int(args.child[1]), args.child[2], args.recipe, args.threads)
        return
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores at the start")
    with tempfile.TemporaryDirectory() as d:
        dataset = args.dataset
        if dataset is None:
            if not need_shared():
                return
            from core.data.dataset import build_dataset, save_dataset

            t0 = time.perf_counter()
            ds, report = build_dataset(GAS_ZIP, GAS_CSV)
            dataset = str(Path(d) / "nist.h5")
            save_dataset(ds, dataset)
            print(f"dataset build (read {report.files} files, {report.labelled} labelled, write HDF5): "
                  f"{time.perf_counter() - t0:.1f} s")
        sizes = (1, args.members)
        runs: list[list[tuple[float, float]]] = [[], []]
        for _ in range(max(1, args.repeats)):
            for size, out in zip(sizes, runs):
                out.append(child_run(size, 3, dataset, args))
        (w1, c1), (wm, cm) = (np.median(np.array(r), axis=0) for r in runs)
        print(f"3 epochs, separate processes incl. start-up (median of {len(runs[0])}): 1 member {w1:.1f} s wall "
              f"({c1:.1f} s CPU), {args.members} members {wm:.1f} s wall ({cm:.1f} s CPU); ratio {wm / w1:.2f} wall, "
              f"{cm / c1:.2f} CPU (target <= 2); walls: 1 member {[round(r[0], 1) for r in runs[0]]}, "
              f"{args.members} members {[round(r[0], 1) for r in runs[1]]}")
        if not args.skip_early_stop:
            print(f"{args.members} members to early stop (target <= 90 s on 2 cores):")
            train(args.members, None, dataset, args.recipe, args.threads)
    print(f"load average {os.getloadavg()[0]:.1f} at the end (other processes share the cores)")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
