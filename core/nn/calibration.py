"""Calibrated probabilities: per-group Platt scaling of the ensemble's mean logit, with an
offset per phase group, fitted on validation data.

    p(group g | spectrum) = sigmoid(a_g * mean_logit_g + b_g + c_{g, phase group})

The map is affine in the logit, so the evidence terms scaled by a_g still sum exactly to
the calibrated logit (the phase offset joins the bias). "Present" means p >= 0.5.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit
from scipy.optimize import minimize

from core.spectra.phase import CONDENSED, PHASE_GROUPS, phase_group


@dataclass
class Calibration:
    """Per-group scale `a`, bias `b` and per-phase-group offsets `c` (groups x PHASE_GROUPS)."""

    a: np.ndarray
    b: np.ndarray
    c: np.ndarray

    def scale_bias(self, phases: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(scale (groups,), bias (n, groups)) mapping mean logits to calibrated logits."""
        cols = np.array([PHASE_GROUPS.index(phase_group(p)) for p in phases], dtype=int)
        return self.a, self.b[None, :] + self.c[:, cols].T

    def logits(self, mean_logit: np.ndarray, phases: list[str]) -> np.ndarray:
        a, b = self.scale_bias(phases)
        return mean_logit * a[None, :] + b

    def proba(self, mean_logit: np.ndarray, phases: list[str]) -> np.ndarray:
        return expit(self.logits(mean_logit, phases))

    def to_dict(self) -> dict:
        return {"kind": "platt-per-group-with-phase-offsets", "phase_groups": list(PHASE_GROUPS),
                "a": self.a.tolist(), "b": self.b.tolist(), "c": self.c.tolist()}

    @classmethod
    def from_dict(cls, d: dict, n_groups: int) -> "Calibration":
        a, b, c = (np.asarray(d[k], dtype=float) for k in ("a", "b", "c"))
        if a.shape != (n_groups,) or b.shape != (n_groups,) or c.shape != (n_groups, len(PHASE_GROUPS)) \
                or not all(np.all(np.isfinite(v)) for v in (a, b, c)):
            raise ValueError("calibration arrays have the wrong shape or non-finite values")
        return cls(a, b, c)

    @classmethod
    def identity(cls, n_groups: int) -> "Calibration":
        return cls(np.ones(n_groups), np.zeros(n_groups), np.zeros((n_groups, len(PHASE_GROUPS))))


def fit_calibration(mean_logit: np.ndarray, labels: np.ndarray, phases: list[str],
                    per_phase: bool = True, l2: float = 1.0) -> Calibration:
    """Fit a, b (and the phase offsets c, shrunk toward 0 by an L2 penalty `l2`) per group by
    maximum likelihood on validation data."""
    n, g = mean_logit.shape
    cols = np.array([PHASE_GROUPS.index(phase_group(p)) for p in phases], dtype=int)
    onehot = np.eye(len(PHASE_GROUPS))[cols]
    a, b, c = np.ones(g), np.zeros(g), np.zeros((g, len(PHASE_GROUPS)))
    for j in range(g):
        z, y = mean_logit[:, j], labels[:, j].astype(float)

        def nll(theta: np.ndarray) -> tuple[float, np.ndarray]:
            s = theta[0] * z + theta[1] + (onehot @ theta[2:] if per_phase else 0.0)
            p = expit(s)
            loss = np.sum(np.logaddexp(0.0, s) - y * s) + 0.5 * l2 * np.sum(theta[2:] ** 2)
            r = p - y
            grad = np.concatenate([[r @ z, r.sum()], onehot.T @ r + l2 * theta[2:] if per_phase
                                   else np.zeros(len(PHASE_GROUPS))])
            return loss, grad

        theta0 = np.concatenate([[1.0, 0.0], np.zeros(len(PHASE_GROUPS))])
        theta = minimize(nll, theta0, jac=True, method="L-BFGS-B").x
        a[j], b[j], c[j] = theta[0], theta[1], theta[2:] if per_phase else 0.0
    return Calibration(a, b, c)


def expected_calibration_error(prob: np.ndarray, labels: np.ndarray, bins: int = 15) -> float:
    """ECE over every (spectrum, group) probability: the bin-weighted mean |accuracy - confidence|
    with equal-width bins of the predicted probability."""
    p, y = prob.ravel(), labels.ravel().astype(float)
    if p.size == 0:
        return float("nan")
    idx = np.minimum((p * bins).astype(int), bins - 1)
    count = np.bincount(idx, minlength=bins)
    conf = np.bincount(idx, weights=p, minlength=bins)
    acc = np.bincount(idx, weights=y, minlength=bins)
    nz = count > 0
    return float(np.sum(np.abs(acc[nz] - conf[nz])) / p.size)


def reliability_curve(prob: np.ndarray, labels: np.ndarray, bins: int = 10) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(mean predicted probability, observed frequency, count) per bin, for a reliability diagram."""
    p, y = prob.ravel(), labels.ravel().astype(float)
    idx = np.minimum((p * bins).astype(int), bins - 1)
    count = np.bincount(idx, minlength=bins)
    safe = np.maximum(count, 1)
    return (np.bincount(idx, weights=p, minlength=bins) / safe, np.bincount(idx, weights=y, minlength=bins) / safe,
            count)


__all__ = ["Calibration", "fit_calibration", "expected_calibration_error", "reliability_curve", "phase_group",
           "PHASE_GROUPS", "CONDENSED"]
