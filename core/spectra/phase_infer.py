"""Infer gas vs condensed phase from the spectrum itself, for files that do not say.

Gas-phase bands are narrow, with rotational P/R branches and free (sharp, ~3650 cm-1) O-H;
condensed-phase bands are broader and H-bonded. A logistic regression on the coarse spectrum
and on its local roughness (mean |first difference| in 40-point blocks) separates the two;
its weights live in model.json (plain numbers, no pickle).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit

BLOCK = 10  # grid points averaged per spectrum feature


def phase_features(x: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """(n, features) from normalised grid spectra and their measured masks."""
    x = np.where(valid, x, 0.0)
    n, length = x.shape
    m = length // BLOCK * BLOCK
    coarse = x[:, :m].reshape(n, -1, BLOCK).mean(axis=2)
    rough = np.abs(np.diff(x, axis=1))[:, :m - BLOCK].reshape(n, -1, BLOCK).sum(axis=2)
    rough = rough[:, : (rough.shape[1] // 4) * 4].reshape(n, -1, 4).mean(axis=2)
    return np.concatenate([coarse, np.sqrt(rough), valid[:, :m].reshape(n, -1, BLOCK).mean(axis=2)], axis=1)


@dataclass
class PhaseInference:
    """P(gas) = sigmoid(features . coef + intercept) after standardising the features."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float

    def p_gas(self, x: np.ndarray, valid: np.ndarray) -> np.ndarray:
        f = (phase_features(x, valid) - self.mean) / self.scale
        return expit(f @ self.coef + self.intercept)

    def to_dict(self) -> dict:
        return {"kind": "logistic-gas-vs-condensed", "block": BLOCK, "mean": self.mean.tolist(),
                "scale": self.scale.tolist(), "coef": self.coef.tolist(), "intercept": self.intercept}

    @classmethod
    def from_dict(cls, d: dict) -> "PhaseInference":
        if d.get("block") != BLOCK:
            raise ValueError("phase inference was fitted with other features")
        return cls(np.asarray(d["mean"]), np.asarray(d["scale"]), np.asarray(d["coef"]), float(d["intercept"]))


def fit_logistic(f: np.ndarray, y: np.ndarray, c: float = 1.0, max_iter: int = 2000,
                 tol: float = 1e-4) -> tuple[np.ndarray, float]:
    """(coef, intercept) of an L2-penalised two-class logistic regression, y in {0, 1}: minimises
    mean log-loss + ||coef||^2 / (2 c n), the intercept not penalised, by L-BFGS from zero with
    the stopping rule of scikit-learn's LogisticRegression(C=c, solver="lbfgs"), which it replaces."""
    from scipy.optimize import minimize

    f = np.asarray(f, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64).ravel()
    n, d = f.shape
    if n == 0 or len(y) != n:
        raise ValueError("logistic regression needs as many labels as feature rows, at least one")
    if np.all(y == y[0]):
        raise ValueError("logistic regression needs both classes")
    l2 = 1.0 / (c * n)

    def loss_grad(w: np.ndarray) -> tuple[float, np.ndarray]:
        z = f @ w[:d] + w[d]
        loss = np.mean(np.logaddexp(0.0, z) - y * z) + 0.5 * l2 * (w[:d] @ w[:d])
        r = (0.5 * (1.0 + np.tanh(0.5 * z)) - y) / n  # sigmoid(z) - y, without overflow
        return float(loss), np.concatenate([f.T @ r + l2 * w[:d], [r.sum()]])

    res = minimize(loss_grad, np.zeros(d + 1), jac=True, method="L-BFGS-B",
                   options={"maxiter": max_iter, "maxls": 50, "gtol": tol, "ftol": 64 * np.finfo(float).eps})
    if not np.all(np.isfinite(res.x)):
        raise ValueError("logistic regression did not converge")
    return res.x[:d], float(res.x[d])


def fit_phase_inference(x: np.ndarray, valid: np.ndarray, phases: list[str], c: float = 0.1) -> PhaseInference:
    """Fit on training spectra whose phase is known (unknown ones are left out)."""
    keep = np.array([p != "unknown" for p in phases])
    f = phase_features(x[keep], valid[keep])
    y = np.array([p == "gas" for p, k in zip(phases, keep) if k], dtype=int)
    mean, scale = f.mean(axis=0), f.std(axis=0) + 1e-6
    coef, intercept = fit_logistic((f - mean) / scale, y, c=c)
    return PhaseInference(mean, scale, coef, intercept)
