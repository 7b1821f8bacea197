"""Would a temperature per medium bring every medium's calibration error to 0.02 or below?

    python tests/benchmarks/medium_temperature.py all.h5 [--model MODEL_DIR] [--halves 200] [--floor 1000]

For each phase class, one temperature T multiplies the model's calibrated logits of that class's
spectra; T is fitted by maximum likelihood on the validation spectra of the class, and the ECE
of the test spectra is printed before and after. A temperature keeps the sign of every logit, so
no decision (p >= 0.5) changes: only the shown probabilities do.

`--halves K` asks the validation split alone: K times, T is fitted on a random half of a class's
validation spectra and the ECE of the other half printed without and with it (the mean), and
how often T lowered it. `--floor K` prints each class's ECE on both splits beside the ECE a
perfectly calibrated model with the same probabilities would show (labels drawn from them, K
times; median and 95th percentile): how much of a measured ECE is the sampling noise of a split
that size."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import expit

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from core.artifacts.processing import Processing  # noqa: E402
from core.data.dataset import load_dataset  # noqa: E402
from core.data.resources import model_path  # noqa: E402
from core.evaluation.evaluate import corrected_dataset  # noqa: E402
from core.nn.bundle import load_bundle  # noqa: E402
from core.nn.calibration import expected_calibration_error  # noqa: E402


def calibrated_logits(bundle, ds) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(calibrated logits, labels, phase classes) of a split, with the default corrections."""
    ds = corrected_dataset(ds, Processing())
    mean = bundle.member_logits(ds.model_input(bundle.input_config), ds.phases).mean(axis=0)
    return bundle.calibration.logits(mean, ds.phases), ds.labels.astype(float), np.array(ds.phases)


def temperature(z: np.ndarray, y: np.ndarray) -> float:
    """The T in (0.2, 5) that maximises the likelihood of labels y under sigmoid(T z)."""
    return float(minimize_scalar(lambda t: np.sum(np.logaddexp(0.0, t * z) - y * t * z),
                                 bounds=(0.2, 5.0), method="bounded").x)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dataset")
    ap.add_argument("--model", help="the model (default: the bundled one)")
    ap.add_argument("--halves", type=int, default=0, help="cross-check on validation halves, K times")
    ap.add_argument("--floor", type=int, default=0, help="the ECE of a calibrated model, K draws of labels")
    args = ap.parse_args()
    bundle = load_bundle(model_path(args.model))
    ds = load_dataset(args.dataset)
    zv, yv, pv = calibrated_logits(bundle, ds.subset("val"))
    if args.halves:
        halves(zv, yv, pv, args.halves)
        return
    zt, yt, pt = calibrated_logits(bundle, ds.subset("test"))
    if args.floor:
        floor({"validation": (zv, yv, pv), "test": (zt, yt, pt)}, args.floor)
        return
    print("| phase | validation n | T | test n | test ECE | with T |")
    print("|---|---|---|---|---|---|")
    for phase in dict.fromkeys(pt):
        v, t = pv == phase, pt == phase
        if not v.any():
            continue
        temp = temperature(zv[v], yv[v])
        print(f"| {phase} | {v.sum()} | {temp:.3f} | {t.sum()} | {expected_calibration_error(expit(zt[t]), yt[t]):.4f} | "
              f"{expected_calibration_error(expit(temp * zt[t]), yt[t]):.4f} |")


def halves(z: np.ndarray, y: np.ndarray, phases: np.ndarray, k: int, seed: int = 0) -> None:
    """Per phase class: T fitted on one random half of the validation spectra, ECE of the other."""
    rng = np.random.default_rng(seed)
    print("| phase | validation n | T (mean ± sd) | ECE of the other half | with T | T lowers it |")
    print("|---|---|---|---|---|---|")
    for phase in dict.fromkeys(phases):
        rows = np.flatnonzero(phases == phase)
        temps, before, after = [], [], []
        for _ in range(k):
            order = rng.permutation(rows)
            fit, held = order[:len(order) // 2], order[len(order) // 2:]
            temps.append(temperature(z[fit], y[fit]))
            before.append(expected_calibration_error(expit(z[held]), y[held]))
            after.append(expected_calibration_error(expit(temps[-1] * z[held]), y[held]))
        lower = np.mean(np.array(after) < np.array(before))
        print(f"| {phase} | {len(rows)} | {np.mean(temps):.3f} ± {np.std(temps):.3f} | {np.mean(before):.4f} | "
              f"{np.mean(after):.4f} | {lower:.0%} |")


def floor(splits: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]], k: int, seed: int = 0) -> None:
    """Per split and phase class: the measured ECE, and that of labels drawn from the probabilities."""
    rng = np.random.default_rng(seed)
    print("| split | phase | n | ECE | a calibrated model's ECE: median | 95th percentile |")
    print("|---|---|---|---|---|---|")
    for split, (z, y, phases) in splits.items():
        for phase in dict.fromkeys(phases):
            p = expit(z[phases == phase])
            drawn = [expected_calibration_error(p, rng.random(p.shape) < p) for _ in range(k)]
            print(f"| {split} | {phase} | {len(p)} | {expected_calibration_error(p, y[phases == phase]):.4f} | "
                  f"{np.median(drawn):.4f} | {np.percentile(drawn, 95):.4f} |")


if __name__ == "__main__":
    main()
