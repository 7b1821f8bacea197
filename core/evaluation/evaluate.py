"""Evaluate a model bundle on a dataset: ensemble and member metrics, per phase, with the
calibration error, the groups the model could not judge, and the record of them a model keeps.
The dataset's spectra get the same lab-artifact corrections as `irgroups predict` gives files."""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from core.artifacts.processing import Processing, apply
from core.data.dataset import Dataset
from core.metrics.classification import evaluate_predictions, group_metrics, molecular_f1, phase_metrics
from core.predict.undetermined import determined_mask, undetermined_batch
from core.spectra.preprocess import normalise
from core.nn.bundle import ModelBundle
from core.nn.calibration import expected_calibration_error


class EvaluationError(ValueError):
    """The dataset cannot be evaluated with this model."""


def corrected_dataset(ds: Dataset, processing: Processing) -> Dataset:
    """The dataset with each spectrum corrected as `processing` says (on its measured points)."""
    gx = ds.grid.x
    out = np.array(ds.spectra, dtype=np.float32, copy=True)
    for i in range(len(ds)):
        v = ds.valid[i]
        if v.sum() < 3:
            continue
        out[i, v] = apply(gx[v], ds.spectra[i, v].astype(np.float64), ds.phases[i], {"STATE": ds.states[i]},
                          processing).absorbance
    return replace(ds, spectra=normalise(np.clip(out, 0.0, None)).astype(np.float32))


def determined_report(bundle: ModelBundle, ds: Dataset, present: np.ndarray) -> dict:
    """Molecular F1 over the groups each spectrum lets the model judge, and the share of spectra
    in which each group is undetermined (molecular F1 itself stays that of every decision)."""
    found = undetermined_batch(ds.grid.x, ds.spectra, ds.valid, ds.states, ds.phases, tuple(ds.group_names))
    keep = determined_mask(found, tuple(ds.group_names))
    y = ds.labels.astype(bool)
    return {"determined_f1": molecular_f1(y & keep, present & keep),
            "undetermined_share": {n: float(1 - keep[:, j].mean()) for j, n in enumerate(ds.group_names)},
            "keep": keep}


def evaluate_bundle(bundle: ModelBundle, ds: Dataset, processing: Processing | None = Processing()) -> dict:
    """Ensemble metrics (at the bundle's thresholds), each member's own metrics averaged over
    members (a member is scored at its own thresholds when the bundle has them), molecular
    metrics, calibration error and determined F1 per phase. `processing` None: the spectra as
    they are."""
    if len(ds) == 0:
        raise EvaluationError("no spectra to evaluate")
    if tuple(ds.group_names) != tuple(bundle.group_names):
        raise EvaluationError("dataset groups differ from the model's groups")
    if ds.grid != bundle.grid:
        raise EvaluationError(f"dataset grid {ds.grid} differs from the model's {bundle.grid}")
    if processing is not None:
        ds = corrected_dataset(ds, processing)
    mean, probs = bundle.probabilities(bundle.member_logits(ds.model_input(bundle.input_config), ds.phases), ds.phases)
    ens = evaluate_predictions(ds.labels, mean, bundle.thresholds, ds.group_names)
    member_t = bundle.member_thresholds if bundle.member_thresholds is not None else [bundle.thresholds] * len(probs)
    per = [evaluate_predictions(ds.labels, p, t, ds.group_names) for p, t in zip(probs, member_t)]
    f1s = [m["molecular_f1"] for m in per]
    perf = [m["molecular_perfection"] for m in per]
    present = bundle.decide(mean)
    phases = phase_metrics(ds.labels, present, ds.phases)
    ph = np.asarray(ds.phases)
    determined = determined_report(bundle, ds, present)
    keep, y = determined.pop("keep"), ds.labels.astype(bool)
    ens |= determined
    for name, entry in phases.items():
        rows = ph != "gas" if name == "condensed" else ph == name
        entry["ece"] = expected_calibration_error(mean[rows], ds.labels[rows])
        entry["groups"] = group_metrics(ds.labels[rows], mean[rows], present[rows], ds.group_names)
        entry["determined_f1"] = molecular_f1(y[rows] & keep[rows], present[rows] & keep[rows])
    return {"ensemble": ens, "phases": phases, "probabilities": mean, "members_mean": {
        "molecular_f1": float(np.mean(f1s)), "molecular_f1_sd": float(np.std(f1s)),
        "molecular_perfection": float(np.mean(perf)), "molecular_perfection_sd": float(np.std(perf)),
        "members": len(per)}}


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
