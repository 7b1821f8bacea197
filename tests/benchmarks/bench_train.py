"""Dataset build time from the NIST zip, seconds per training epoch on the full training split,
and time to early stop for one seed (add --seeds 10 to time ten)."""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from _common import GAS_CSV, GAS_ZIP, need_shared

from core.dataset import build_dataset, load_dataset, save_dataset
from core.training import TrainConfig, train_ensemble


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=1)
    ap.add_argument("--recipe", default="improved")
    args = ap.parse_args()
    if not need_shared():
        return
    t0 = time.perf_counter()
    ds, report = build_dataset(GAS_ZIP, GAS_CSV)
    with tempfile.TemporaryDirectory() as d:
        save_dataset(ds, Path(d) / "nist.h5")
        build = time.perf_counter() - t0
        print(f"dataset build (read {report.files} files, {report.labelled} labelled, write HDF5): {build:.1f} s")
        ds = load_dataset(Path(d) / "nist.h5")
    epoch_times = []
    t0 = time.perf_counter()
    results = train_ensemble(ds, list(range(args.seeds)), TrainConfig.recipe(args.recipe),
                             callback=lambda e: epoch_times.append(e.elapsed) if e.kind == "epoch" else None)
    total = time.perf_counter() - t0
    per_epoch = total / sum(len(r.history) for r in results)
    print(f"training ({args.recipe} recipe, {len(ds.subset('train'))} training spectra): {per_epoch:.2f} s per epoch")
    print(f"time to early stop, {args.seeds} seed(s): {total:.0f} s "
          f"(epochs run {[len(r.history) for r in results]}, best {[r.best_epoch for r in results]})")


if __name__ == "__main__":
    main()
