"""Measure one training lever alone on the validation split (the condensed-accuracy levers).

    python tests/benchmarks/levers.py all.h5 --lever NAME [--seeds 3] [--out DIR]

Trains the default recipe with the lever's changes on `--seeds` members and prints molecular
F1 / perfection per phase and per condensed medium, and per-group F1 on condensed spectra, of
the *validation* split (the split levers are chosen on; the test split stays for the final
model). Each run is written as JSON to DIR/NAME.json; `--table` prints the runs in DIR side by
side. `--lever list` names the levers."""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from core.artifacts.processing import Processing  # noqa: E402
from core.data.dataset import load_dataset  # noqa: E402
from core.evaluation.evaluate import corrected_dataset, evaluate_bundle  # noqa: E402
from core.evaluation.pipeline import train_bundle  # noqa: E402
from core.metrics.classification import molecular_f1, molecular_perfection  # noqa: E402
from core.nn.training import TrainConfig  # noqa: E402
from core.spectra.phase import CONDENSED  # noqa: E402
from condensed_like import with_condensed_like  # noqa: E402

# lever name -> TrainConfig overrides of the default (phase-aware) recipe, or a change of its
# training data ("train_share": (phase group, share); "condensed_like": (share, phase)); "baseline"
# is the recipe before dilation and the square root became its defaults
_BEFORE = {"dilation": (), "input_power": 1.0}
_FIVE = {"channels": (16, 16, 32, 32, 32), "pool_after": (False, True, False, True, False)}
LEVERS: dict[str, dict] = {
    "baseline": _BEFORE,
    "sqrt": {"dilation": ()},
    "dilated": {"input_power": 1.0},
    "condensed2x": _BEFORE | {"condensed_weight": 2.0},
    "dilated+sqrt": {},
    "dilated+sqrt+aux": {"aux_targets": True},
    "wider": {"channels": (24, 24, 48, 48)},
    "deeper": _FIVE | {"dilation": (1, 1, 2, 4, 4)},
    "deeper8": _FIVE | {"dilation": (1, 1, 2, 4, 8)},
    "deeper6": {"channels": (16, 16, 32, 32, 32, 32), "pool_after": (False, True, False, True, False, False),
                "dilation": (1, 1, 2, 4, 4, 4)},
    # deeper with the windows kept narrow (the explanations need them): a 5th block at dilation 1
    # after the last pool (76-point windows), or three blocks at dilation 2 before it (60, as shipped)
    "deeper76": _FIVE | {"dilation": (1, 1, 2, 4, 1)},
    "deeper60": {"channels": (16, 16, 32, 32, 32), "pool_after": (False, True, False, False, True),
                 "dilation": (1, 1, 2, 2, 2)},
    # regularisation and schedule, on the shipped recipe
    "dropout0.2": {"latent_dropout": 0.2},
    "dropout0.5": {"latent_dropout": 0.5},
    "patience20": {"patience": 20},
    "batch32": {"batch_size": 32},
    # the augmentation's strength: shifts of up to 8 grid points (recipe: 4), intensity powers exp(U(-1, 1)) (recipe: 0.5)
    "shift8": {"max_shift": 8},
    "gamma1": {"gamma": 1.0},
    # the medium: a share of the training spectra (gas and condensed) seen as Nujol mulls
    "mull0.2": {"mull_p": 0.2},
    "mull0.4": {"mull_p": 0.4},
    # two-compound mixtures (absorbances added, labels joined) in place of a share of the training spectra
    "mix0.2": {"mix_p": 0.2},
    "mix0.5": {"mix_p": 0.5},
    # learning curves: the shipped recipe on a random share of the condensed (or gas) training
    # spectra, every other training, validation and test spectrum kept
    "condensed25%": {"train_share": ("condensed", 0.25)},
    "condensed50%": {"train_share": ("condensed", 0.5)},
    "condensed75%": {"train_share": ("condensed", 0.75)},
    "gas25%": {"train_share": ("gas", 0.25)},
    # half the gas training spectra again, made to look like neat liquids (condensed_like.py),
    # entered as liquids or as gas spectra
    "gas-as-liquid": {"condensed_like": (0.5, "liquid")},
    "gas-as-liquid-in-gas": {"condensed_like": (0.5, "gas")},
}


def _training_rows(ds, group: str) -> np.ndarray:
    """Rows of the training split in a phase group ('gas' or 'condensed')."""
    phases = np.array(ds.phases)
    return (ds.split == 0) & (np.isin(phases, CONDENSED) if group == "condensed" else phases == group)


def with_train_share(ds, group: str, share: float, seed: int = 0):
    """The dataset with a random `share` of its training spectra of one phase group, every other row kept."""
    rows = np.flatnonzero(_training_rows(ds, group))
    drop = np.random.default_rng(seed).choice(rows, round(len(rows) * (1 - share)), replace=False)
    return ds.take(np.setdiff1d(np.arange(len(ds)), drop))


def measure(path: str, lever: str, seeds: int) -> dict:
    overrides = dict(LEVERS[lever])
    ds = load_dataset(path)
    if "train_share" in overrides:
        ds = with_train_share(ds, *overrides.pop("train_share"))
    if "condensed_like" in overrides:
        ds = with_condensed_like(ds, *overrides.pop("condensed_like"))
    config = TrainConfig.recipe("phase-aware", **overrides)
    t0 = time.perf_counter()
    trained = train_bundle(ds, config, list(range(seeds)), {"recipe": "phase-aware", "lever": lever})
    seconds = time.perf_counter() - t0
    val = corrected_dataset(ds.subset("val"), Processing())
    report = evaluate_bundle(trained.bundle, val, None)
    present = trained.bundle.decide(report["probabilities"])
    out = {"lever": lever, "seeds": seeds, "train_seconds": round(seconds, 1), "phases": {}, "media": {},
           "train": {g: int(_training_rows(ds, g).sum()) for g in ("gas", "condensed")},
           "condensed_groups": {}}
    for name, rows in [("gas", [p == "gas" for p in val.phases]), ("condensed", [p in CONDENSED for p in val.phases])]:
        out["phases"][name] = _scores(val, present, np.array(rows))
    for medium in CONDENSED:
        rows = np.array([p == medium for p in val.phases])
        if rows.any():
            out["media"][medium] = _scores(val, present, rows)
    cond = np.array([p in CONDENSED for p in val.phases])
    y, p = val.labels[cond].astype(bool), present[cond].astype(bool)
    for j, g in enumerate(val.group_names):
        tp, fp, fn = (y[:, j] & p[:, j]).sum(), (~y[:, j] & p[:, j]).sum(), (y[:, j] & ~p[:, j]).sum()
        out["condensed_groups"][g] = {"f1": float(2 * tp / max(2 * tp + fp + fn, 1)), "positives": int(y[:, j].sum())}
    out["ece"] = {k: round(float(v["ece"]), 4) for k, v in report["phases"].items()}
    return out


def _scores(ds, present: np.ndarray, rows: np.ndarray) -> dict:
    y, p = ds.labels[rows], present[rows]
    return {"n": int(rows.sum()), "f1": round(molecular_f1(y, p), 4), "perfection": round(molecular_perfection(y, p), 4)}


def table(folder: Path) -> None:
    runs = [json.loads(f.read_text()) for f in sorted(folder.glob("*.json"))]
    if not runs:
        print(f"no runs in {folder}")
        return
    print("| lever | seeds | gas F1 / perf | condensed F1 / perf | " + " | ".join(runs[0]["media"]) + " | minutes |")
    print("|---" * (5 + len(runs[0]["media"])) + "|")
    for r in runs:
        media = " | ".join(f"{r['media'][m]['f1']:.3f}" for m in runs[0]["media"])
        g, c = r["phases"]["gas"], r["phases"]["condensed"]
        print(f"| {r['lever']} | {r['seeds']} | {g['f1']:.3f} / {g['perfection']:.3f} | {c['f1']:.3f} / "
              f"{c['perfection']:.3f} | {media} | {r['train_seconds'] / 60:.1f} |")
    print("\ncondensed per-group F1 (validation; positives in brackets)")
    groups = list(runs[0]["condensed_groups"])
    print("| group | " + " | ".join(r["lever"] for r in runs) + " |")
    print("|---" * (1 + len(runs)) + "|")
    for g in groups:
        cells = " | ".join(f"{r['condensed_groups'][g]['f1']:.2f}" for r in runs)
        print(f"| {g} ({runs[0]['condensed_groups'][g]['positives']}) | {cells} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dataset", nargs="?")
    ap.add_argument("--lever", default="baseline")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--out", default="build/levers")
    ap.add_argument("--table", action="store_true", help="print the runs in --out side by side")
    args = ap.parse_args()
    out = Path(args.out)
    if args.table:
        table(out)
        return
    if args.lever == "list" or args.lever not in LEVERS:
        print("levers: " + ", ".join(LEVERS))
        return
    result = measure(args.dataset, args.lever, args.seeds)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{args.lever}.json").write_text(json.dumps(result, indent=1))
    print(json.dumps({k: result[k] for k in ("lever", "phases", "media", "train_seconds")}, indent=1))


if __name__ == "__main__":
    main()
