"""Search features: what a reference spectrum and a query are compared by.

Similarity (chosen by measurement, tests/benchmarks/bench_search.py): the Pearson correlation
of first-derivative spectra, computed on the square root of the model-input spectrum after a
light Gaussian smoothing (sigma = 1 grid point), adjacent derivative points averaged in pairs.
The derivative removes offsets and turns a baseline tilt into a constant that centring removes;
the smoothing absorbs a few cm-1 of shift and a change of resolution; the square root keeps one
strong band from outweighing the rest.
"""
from __future__ import annotations

import numpy as np

SMOOTH_SIGMA = 1.0  # grid points
BIN = 2  # derivative points averaged into one feature
_FLAT = 1e-6


def _smooth(batch: np.ndarray, sigma: float = SMOOTH_SIGMA) -> np.ndarray:
    """Gaussian smoothing along each row (edges padded with the edge value)."""
    half = int(np.ceil(3 * sigma))
    k = np.exp(-0.5 * (np.arange(-half, half + 1) / sigma) ** 2)
    k /= k.sum()
    padded = np.pad(batch, ((0, 0), (half, half)), mode="edge")
    n = batch.shape[1]
    return sum(w * padded[:, j:j + n] for j, w in enumerate(k))


def raw_features(batch: np.ndarray) -> np.ndarray:
    """Centred first derivative of the smoothed square-root spectrum, adjacent points averaged in
    pairs (half the length, same retrieval), before scaling to unit length."""
    d = np.diff(_smooth(np.sqrt(np.clip(np.asarray(batch, dtype=np.float32), 0.0, None))), axis=1)
    n = d.shape[1] // BIN * BIN
    d = d[:, :n].reshape(len(d), -1, BIN).mean(axis=2)
    return (d - d.mean(axis=1, keepdims=True)).astype(np.float32)


def features(batch: np.ndarray) -> np.ndarray:
    """Unit-length search features (n, (grid.n - 1) // BIN) for model-input spectra; flat rows stay zero,
    so the dot product of two rows is their similarity score."""
    d = raw_features(batch)
    norm = np.linalg.norm(d, axis=1, keepdims=True)
    return np.where(norm > _FLAT, d / np.maximum(norm, _FLAT), 0.0).astype(np.float32)
