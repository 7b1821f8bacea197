"""Measure gas -> condensed transfer on the validation split (a condensed-accuracy lever).

    python tests/benchmarks/transfer.py all.h5 [--seeds 3] [--lr 3e-4]

Stage 1 trains the default recipe's ensemble on gas and condensed spectra together (as
shipped). Then, from the same members:
- joint: the shipped second stage, a condensed dense head fitted on the frozen encoder;
- fine-tuned: every weight of each member trained further on condensed spectra alone
  (Adam at `--lr`, the recipe's augmentation, early stopping on condensed validation loss),
  i.e. gas pretraining, then condensed fine-tuning of the whole encoder.
Each is calibrated on the condensed validation spectra as the recipe calibrates, and scored
there (molecular F1 / perfection, per medium, per group). Prints a markdown table."""
from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from core.artifacts.processing import Processing  # noqa: E402
from core.data.dataset import load_dataset  # noqa: E402
from core.data.label_audit import audit_exclusions, without_excluded  # noqa: E402
from core.evaluation.evaluate import corrected_dataset  # noqa: E402
from core.metrics.classification import molecular_f1, molecular_perfection  # noqa: E402
from core.nn.calibration import fit_calibration  # noqa: E402
from core.nn.heads import HeadConfig, fit_phase_heads  # noqa: E402
from core.nn.stacked import StackedIRCNN, stacked_logits  # noqa: E402
from core.nn.training import EnsembleTrainer, TrainConfig, train_ensemble  # noqa: E402
from core.spectra.phase import CONDENSED, PHASE_GROUPS  # noqa: E402
from core.spectra.preprocess import InputConfig  # noqa: E402


def scores(labels: np.ndarray, logits: np.ndarray, phases: list[str], media: list[str], names: list[str]) -> dict:
    """Calibrated on these spectra (as the recipe does on validation), then molecular and per-group scores."""
    cal = fit_calibration(logits, labels, phases)
    present = (cal.proba(logits, phases) >= 0.5).astype(np.uint8)
    out = {"all": (molecular_f1(labels, present), molecular_perfection(labels, present))}
    for m in CONDENSED:
        rows = np.array([p == m for p in media])
        if rows.any():
            out[m] = (molecular_f1(labels[rows], present[rows]), molecular_perfection(labels[rows], present[rows]))
    y, p = labels.astype(bool), present.astype(bool)
    out["groups"] = {g: 2 * (y[:, j] & p[:, j]).sum() / max(2 * (y[:, j] & p[:, j]).sum() + (y[:, j] ^ p[:, j]).sum(), 1)
                     for j, g in enumerate(names)}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dataset")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--lr", type=float, default=3e-4)
    args = ap.parse_args()
    seeds = list(range(args.seeds))
    config = TrainConfig.recipe("phase-aware")
    ds, _ = without_excluded(load_dataset(args.dataset), audit_exclusions())
    ds = corrected_dataset(ds, Processing())
    icfg = InputConfig(mask=config.mask, power=config.input_power)
    prepared = replace(ds, spectra=ds.model_input(icfg))
    t0 = time.perf_counter()
    members = [r.model for r in train_ensemble(prepared, seeds, config)]
    t1 = time.perf_counter()
    train, val = prepared.subset("train"), prepared.subset("val")
    headed = fit_phase_heads(members, seeds, (train.spectra, train.labels, train.phases),
                             (val.spectra, val.labels, val.phases), HeadConfig(class_weight_power=config.class_weight_power))
    cval = val.phase_subset(CONDENSED)
    head = np.full(len(cval), PHASE_GROUPS.index("condensed"))
    joint = stacked_logits(StackedIRCNN.from_members(headed), cval.spectra, head=head).numpy().mean(axis=0)
    t2 = time.perf_counter()
    tuned = EnsembleTrainer(prepared.phase_subset(CONDENSED), seeds, replace(config, learning_rate=args.lr),
                            init_models=members).run()
    fine = stacked_logits(StackedIRCNN.from_members([r.model for r in tuned]), cval.spectra).numpy().mean(axis=0)
    t3 = time.perf_counter()
    cph = ["condensed"] * len(cval)
    rows = {"joint (shipped)": scores(cval.labels, joint, cph, cval.phases, cval.group_names),
            f"fine-tuned (lr {args.lr:g})": scores(cval.labels, fine, cph, cval.phases, cval.group_names)}
    media = [m for m in CONDENSED if m in rows["joint (shipped)"]]
    print(f"{args.seeds} members; stage 1 {(t1 - t0) / 60:.1f} min, heads {(t2 - t1) / 60:.1f} min, "
          f"fine-tuning {(t3 - t2) / 60:.1f} min (epochs {[r.best_epoch for r in tuned]}); "
          f"{len(cval)} condensed validation spectra\n")
    print("| condensed encoder | F1 / perf | " + " | ".join(media) + " |")
    print("|---" * (2 + len(media)) + "|")
    for name, s in rows.items():
        print(f"| {name} | {s['all'][0]:.3f} / {s['all'][1]:.3f} | " + " | ".join(f"{s[m][0]:.3f}" for m in media) + " |")
    print("\n| group | " + " | ".join(rows) + " |\n|---" * 1 + "|---" * len(rows) + "|")
    for g in cval.group_names:
        print(f"| {g} | " + " | ".join(f"{s['groups'][g]:.2f}" for s in rows.values()) + " |")


if __name__ == "__main__":
    main()
