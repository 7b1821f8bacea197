"""Evaluate a bundle on a dataset, and the whole train -> bundle -> evaluate -> patterns
sequence shared by the command line and the app."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from core.bundle import ModelBundle, make_bundle
from core.dataset import Dataset
from core.metrics import evaluate_predictions
from core.patterns import PatternSet, compute_patterns
from core.training import EnsembleTrainer, TrainConfig, TrainEvent, TrainResult, train_ensemble


class EvaluationError(ValueError):
    """The dataset cannot be evaluated with this model."""


def evaluate_bundle(bundle: ModelBundle, ds: Dataset) -> dict:
    """Ensemble metrics (at the bundle's thresholds) plus each member's own metrics, averaged
    over members; a member is scored at its own thresholds when the bundle has them."""
    if len(ds) == 0:
        raise EvaluationError("no spectra to evaluate")
    if tuple(ds.group_names) != tuple(bundle.group_names):
        raise EvaluationError("dataset groups differ from the model's groups")
    if ds.grid != bundle.grid:
        raise EvaluationError(f"dataset grid {ds.grid} differs from the model's {bundle.grid}")
    probs = 1.0 / (1.0 + np.exp(-bundle.member_logits(ds.spectra)))
    ens = evaluate_predictions(ds.labels, probs.mean(axis=0), bundle.thresholds, ds.group_names)
    member_t = bundle.member_thresholds if bundle.member_thresholds is not None else [bundle.thresholds] * len(probs)
    per = [evaluate_predictions(ds.labels, p, t, ds.group_names) for p, t in zip(probs, member_t)]
    f1s = [m["molecular_f1"] for m in per]
    perf = [m["molecular_perfection"] for m in per]
    return {"ensemble": ens, "members_mean": {
        "molecular_f1": float(np.mean(f1s)), "molecular_f1_sd": float(np.std(f1s)),
        "molecular_perfection": float(np.mean(perf)), "molecular_perfection_sd": float(np.std(perf)),
        "members": len(per)}}


@dataclass
class TrainedModel:
    bundle: ModelBundle
    report: dict  # evaluate_bundle on the test split
    patterns: PatternSet
    results: list[TrainResult]


def train_bundle(ds: Dataset, config: TrainConfig, seeds: list[int], record: dict,
                 callback: Callable[[TrainEvent], None] | None = None,
                 trainer_hook: Callable[[EnsembleTrainer], None] | None = None) -> TrainedModel:
    """Train an ensemble, tune thresholds (per the recipe), evaluate on the test split and
    compute the step-1 patterns to store with the model."""
    results = train_ensemble(ds, seeds, config, callback=callback, trainer_hook=trainer_hook)
    bundle = make_bundle(results, ds, record | {"seeds": seeds[:len(results)]}, tune=config.tune_thresholds)
    test = ds.subset("test")
    if len(test) == 0:
        test = ds.subset("val")
    report = evaluate_bundle(bundle, test)
    bundle.record["test_metrics"] = {
        "ensemble": {k: report["ensemble"][k] for k in ("molecular_f1", "molecular_perfection", "n")},
        "members_mean": report["members_mean"]}
    return TrainedModel(bundle, report, compute_patterns(bundle, test.spectra, test.ids), results)
