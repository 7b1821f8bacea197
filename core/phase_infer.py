"""Infer gas vs condensed phase from the spectrum itself, for files that do not say.

Gas-phase bands are narrow, with rotational P/R branches and free (sharp, ~3650 cm-1) O-H;
condensed-phase bands are broader and H-bonded. A logistic regression on the coarse spectrum
and on its local roughness (mean |first difference| in 40-point blocks) separates the two;
its weights live in model.json (plain numbers, no pickle).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

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
        return 1.0 / (1.0 + np.exp(-(f @ self.coef + self.intercept)))

    def to_dict(self) -> dict:
        return {"kind": "logistic-gas-vs-condensed", "block": BLOCK, "mean": self.mean.tolist(),
                "scale": self.scale.tolist(), "coef": self.coef.tolist(), "intercept": self.intercept}

    @classmethod
    def from_dict(cls, d: dict) -> "PhaseInference":
        if d.get("block") != BLOCK:
            raise ValueError("phase inference was fitted with other features")
        return cls(np.asarray(d["mean"]), np.asarray(d["scale"]), np.asarray(d["coef"]), float(d["intercept"]))


def fit_phase_inference(x: np.ndarray, valid: np.ndarray, phases: list[str], c: float = 0.1) -> PhaseInference:
    """Fit on training spectra whose phase is known (unknown ones are left out)."""
    from sklearn.linear_model import LogisticRegression

    keep = np.array([p != "unknown" for p in phases])
    f = phase_features(x[keep], valid[keep])
    y = np.array([p == "gas" for p, k in zip(phases, keep) if k], dtype=int)
    mean, scale = f.mean(axis=0), f.std(axis=0) + 1e-6
    lr = LogisticRegression(C=c, max_iter=2000).fit((f - mean) / scale, y)
    return PhaseInference(mean, scale, lr.coef_[0], float(lr.intercept_[0]))
