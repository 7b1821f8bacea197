"""Evaluate a bundle on a dataset, and the whole train -> bundle -> evaluate -> patterns
sequence shared by the command line and the app."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from core.bundle import ModelBundle, make_bundle
from core.dataset import Dataset
from core.calibration import expected_calibration_error, fit_calibration
from core.metrics import evaluate_predictions, group_metrics, phase_metrics
from core.heads import HeadConfig, can_fit_heads, fit_phase_heads
from core.novelty import NoveltyError, fit_for_dataset
from core.phase_infer import fit_phase_inference
from core.preprocess import InputConfig
from core.patterns import PatternSet, compute_patterns
from core.training import EnsembleTrainer, TrainConfig, TrainEvent, TrainResult, train_ensemble


class EvaluationError(ValueError):
    """The dataset cannot be evaluated with this model."""


def evaluate_bundle(bundle: ModelBundle, ds: Dataset) -> dict:
    """Ensemble metrics (at the bundle's thresholds), each member's own metrics averaged over
    members (a member is scored at its own thresholds when the bundle has them), molecular
    metrics and calibration error per phase."""
    if len(ds) == 0:
        raise EvaluationError("no spectra to evaluate")
    if tuple(ds.group_names) != tuple(bundle.group_names):
        raise EvaluationError("dataset groups differ from the model's groups")
    if ds.grid != bundle.grid:
        raise EvaluationError(f"dataset grid {ds.grid} differs from the model's {bundle.grid}")
    mean, probs = bundle.probabilities(bundle.member_logits(ds.model_input(bundle.input_config), ds.phases), ds.phases)
    ens = evaluate_predictions(ds.labels, mean, bundle.thresholds, ds.group_names)
    member_t = bundle.member_thresholds if bundle.member_thresholds is not None else [bundle.thresholds] * len(probs)
    per = [evaluate_predictions(ds.labels, p, t, ds.group_names) for p, t in zip(probs, member_t)]
    f1s = [m["molecular_f1"] for m in per]
    perf = [m["molecular_perfection"] for m in per]
    present = bundle.decide(mean)
    phases = phase_metrics(ds.labels, present, ds.phases)
    ph = np.asarray(ds.phases)
    for name, entry in phases.items():
        rows = ph != "gas" if name == "condensed" else ph == name
        entry["ece"] = expected_calibration_error(mean[rows], ds.labels[rows])
        entry["groups"] = group_metrics(ds.labels[rows], mean[rows], present[rows], ds.group_names)
    return {"ensemble": ens, "phases": phases, "probabilities": mean, "members_mean": {
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
                 trainer_hook: Callable[[EnsembleTrainer], None] | None = None,
                 status: Callable[[str], None] | None = None) -> TrainedModel:
    """Train an ensemble on the recipe's input preparation, then (per the recipe) fit phase
    heads, tune thresholds or calibrate the probabilities on the validation split, fit the
    gas/condensed phase inference, evaluate on the test split and compute the step-1 patterns.
    `status` receives a line for each stage after the epochs."""
    input_config = InputConfig(mask=config.mask)
    prepared = replace(ds, spectra=ds.model_input(input_config))
    trainers: list[EnsembleTrainer] = []

    def hook(trainer: EnsembleTrainer) -> None:
        trainers.append(trainer)
        if trainer_hook:
            trainer_hook(trainer)

    results = train_ensemble(prepared, seeds, config, callback=callback, trainer_hook=hook)
    val, train = ds.subset("val"), ds.subset("train")
    if config.phase_heads and can_fit_heads(train.phases, val.phases) and not any(r.cancelled for r in results):
        total = 2 * len(results)
        if status:
            status(f"fitting phase heads: 0/{total}")
        models = fit_phase_heads([r.model for r in results], seeds[:len(results)],
                                 (train.model_input(input_config), train.labels, train.phases),
                                 (val.model_input(input_config), val.labels, val.phases),
                                 HeadConfig(class_weight_power=config.class_weight_power),
                                 progress=(lambda done, n: status(f"fitting phase heads: {done}/{n}")) if status else None,
                                 stopping=lambda: any(t.stopping for t in trainers))
        results = [replace(r, model=m) for r, m in zip(results, models)]
    trained_on = [p for p in dict.fromkeys(ds.subset("train").phases) if p != "unknown"]
    bundle = make_bundle(results, prepared, record | {"seeds": seeds[:len(results)], "dataset_hash": ds.content_hash,
                                                      "phases": trained_on},
                         tune=config.tune_thresholds and not config.calibrate)
    bundle.input_config = input_config
    if config.calibrate and len(val):
        logits = bundle.member_logits(val.model_input(input_config), val.phases).mean(axis=0)
        bundle.calibration = fit_calibration(logits, val.labels, val.phases)
        bundle.thresholds = np.full(len(ds.group_names), 0.5)
        bundle.member_thresholds = np.full((len(results), len(ds.group_names)), 0.5)
    known = [p for p in train.phases if p != "unknown"]
    if "gas" in known and len(set(known)) > 1:
        bundle.phase_inference = fit_phase_inference(train.spectra, train.valid, train.phases)
    try:
        bundle.novelty = fit_for_dataset(bundle, ds)
    except NoveltyError:  # too few spectra (small user datasets): the model simply has no novelty check
        bundle.novelty = None
    test = ds.subset("test")
    if len(test) == 0:
        test = val
    report = evaluate_bundle(bundle, test)
    bundle.record["test_metrics"] = metrics_record(report)
    return TrainedModel(bundle, report, compute_patterns(bundle, test.model_input(input_config), test.ids), results)


def metrics_record(report: dict) -> dict:
    """What a model keeps of its test-split evaluation: molecular metrics, per-group
    reliability, and both per phase (shown in the app and the model card)."""
    return {
        "ensemble": {k: report["ensemble"][k] for k in ("molecular_f1", "molecular_perfection", "n")}
        | {"groups": _reliability(report["ensemble"]["groups"])},
        "members_mean": report["members_mean"],
        "by_phase": {name: {k: v for k, v in m.items() if k != "groups"} | {"groups": _reliability(m["groups"])}
                     for name, m in report["phases"].items()}}


def _reliability(groups: dict) -> dict:
    """The per-group figures a model carries in its record (shown in the app's tooltips)."""
    return {g: {k: m[k] for k in ("precision", "recall", "f1", "support")} for g, m in groups.items()}
