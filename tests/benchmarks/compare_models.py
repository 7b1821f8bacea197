"""Two models side by side, per phase, on held-out compounds of a merged dataset.

    python tests/benchmarks/compare_models.py all.h5 --previous OLD_MODEL [--model NEW_MODEL]
        [--gas-only-rows 6877]

With --gas-only-rows N, the first N rows are taken to be the gas-only source whose split the
previous model was trained on (random_split(N, split seed)); rows of it that sat in that old
training or validation part are left out, so every row scored is held out for both models.
Prints molecular F1 / perfection / n / ECE per phase, single-member means, then as markdown
the before/after tables per phase and medium and per group and medium (docs/model.md)."""
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
    print_tables(reports, ds.group_names)


MEDIA = ("gas", "condensed", "liquid", "kbr", "mull", "solution")


def print_tables(reports: dict, groups: tuple[str, ...]) -> None:
    """Markdown: molecular F1 / perfection per phase and medium, then per-group F1 per phase and
    medium, each as previous -> new."""
    prev, new = reports["previous"]["phases"], reports["new"]["phases"]
    media = [m for m in MEDIA if m in new and m in prev]
    print("\n| test spectra | n | previous F1 / perf | new F1 / perf | ECE previous / new |\n|---|---|---|---|---|")
    for m in media:
        a, b = prev[m], new[m]
        print(f"| {m} | {b['n']} | {a['molecular_f1']:.3f} / {a['molecular_perfection']:.3f} | "
              f"**{b['molecular_f1']:.3f} / {b['molecular_perfection']:.3f}** | {a['ece']:.3f} / {b['ece']:.3f} |")
    print("\nper-group F1, previous → new (positives in the new model's test spectra of that phase)\n")
    print("| group | " + " | ".join(media) + " |\n|---" * 1 + "|---" * len(media) + "|")
    for g in groups:
        cells = []
        for m in media:
            a, b = prev[m]["groups"][g], new[m]["groups"][g]
            cells.append(f"{_f(a['f1'])} → {_f(b['f1'])} ({b['support']})")
        print(f"| {g} | " + " | ".join(cells) + " |")


def _f(v) -> str:
    return "n/a" if v is None or v != v else f"{v:.2f}"


if __name__ == "__main__":
    main()
