"""Two models side by side, per phase, on held-out compounds of a merged dataset.

    python tests/benchmarks/compare_models.py all.h5 --previous OLD_MODEL [--model NEW_MODEL]
        [--gas-only-rows 6877]

With --gas-only-rows N, the first N rows are taken to be the gas-only source whose split the
previous model was trained on (random_split(N, split seed)); rows of it that sat in that old
training or validation part are left out, so every row scored is held out for both models.
Prints molecular F1 / perfection / n / ECE per phase, single-member means, and per-group F1."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from core.nn.bundle import load_bundle
from core.data.dataset import load_dataset, random_split
from core.evaluation.evaluate import evaluate_bundle
from core.data.resources import model_path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dataset")
    ap.add_argument("--previous", required=True, help="the model to compare against")
    ap.add_argument("--model", help="the new model (default: the bundled one)")
    ap.add_argument("--gas-only-rows", type=int, default=0)
    args = ap.parse_args()
    ds = load_dataset(args.dataset)
    held = ds.split == 2
    if args.gas_only_rows:
        old = random_split(args.gas_only_rows, int(ds.provenance.get("split_seed", 0)))
        held[:args.gas_only_rows] &= old == 2
    sub = ds.take(np.flatnonzero(held))
    print(f"held-out test spectra: {len(sub)} ({sum(p == 'gas' for p in sub.phases)} gas)")
    reports = {}
    for name, path in (("previous", args.previous), ("new", str(model_path(args.model)))):
        r = reports[name] = evaluate_bundle(load_bundle(path), sub)
        print(name, json.dumps({k: [round(v["molecular_f1"], 3), round(v["molecular_perfection"], 3), v["n"],
                                    round(v["ece"], 3)] for k, v in r["phases"].items()}))
        print(name, "single members", {k: round(v, 3) for k, v in r["members_mean"].items()})
    for phase in ("gas", "condensed"):
        if phase not in reports["new"]["phases"]:
            continue
        print(f"\nper-group F1, {phase}: previous new (n with the group)")
        for g in ds.group_names:
            prev, new = (reports[k]["phases"][phase]["groups"][g] for k in ("previous", "new"))
            print(f"  {g:18s} {prev['f1']:.3f} {new['f1']:.3f} ({new['support']})")


if __name__ == "__main__":
    main()
