"""The whole train -> bundle -> evaluate -> patterns sequence shared by the command line and the app."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from core.data.dataset import Dataset
from core.data.label_audit import AUDIT_FILE, audit_exclusions, without_excluded
from core.artifacts.processing import Processing
from core.evaluation.evaluate import corrected_dataset, evaluate_bundle, metrics_record
from core.explain.patterns import PatternSet, compute_patterns
from core.nn.bundle import ModelBundle, make_bundle
from core.nn.calibration import fit_calibration
from core.nn.heads import HeadConfig, can_fit_heads, fit_phase_heads
from core.nn.novelty import NoveltyError, fit_for_dataset
from core.nn.training import EnsembleTrainer, TrainConfig, TrainEvent, TrainResult, train_ensemble
from core.spectra.phase_infer import fit_phase_inference
from core.spectra.preprocess import InputConfig


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
    `status` receives a line for each stage after the epochs. A recipe trained on lab artifacts
    trains on the spectra as prediction will see them: with the default corrections applied."""
    dataset_hash = ds.content_hash
    if config.label_audit:
        ds, excluded = without_excluded(ds, audit_exclusions())
        record = record | {"label_audit": {"file": AUDIT_FILE, "excluded_training_spectra": excluded}}
    if config.artifacts:
        if status:
            status("correcting the spectra as prediction does (atmosphere, ATR, baseline)")
        ds = corrected_dataset(ds, Processing())
    input_config = InputConfig(mask=config.mask, power=config.input_power)
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
    bundle = make_bundle(results, prepared, record | {"seeds": seeds[:len(results)], "dataset_hash": dataset_hash,
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
    report = evaluate_bundle(bundle, test, None if config.artifacts else Processing())  # corrected already
    bundle.record["test_metrics"] = metrics_record(report)
    return TrainedModel(bundle, report, compute_patterns(bundle, test.model_input(input_config), test.ids), results)
