"""Gas training spectra made to look like neat liquids, as extra training rows (a condensed-accuracy
lever of `levers.py`).

What the phase does to a spectrum, by group, imitated on the normalised absorbance:
- alcohols: the sharp free O-H band (3550-3720 cm-1) becomes a broad hydrogen-bonded one,
  centred 3250-3400 cm-1 (sigma 60-120 cm-1), 1-3 times as high;
- carboxylic acids: the free O-H band goes and a very broad dimer band (centre 2950-3100, sigma
  150-250 cm-1) comes under the C-H stretch;
- amines and amides: N-H stretches move 30-100 cm-1 down;
- carbonyls (ketones, esters, aldehydes, acyl halides): C=O moves 10-30 cm-1 down; amides
  30-60, carboxylic acids (monomer to dimer) 50-80;
- and every band is broadened a little (the rotational envelope of a gas band is gone).
Each copy is labelled as its gas spectrum and enters the training split only, as a liquid (so it
trains the condensed head too) or as a gas spectrum (the encoder and the gas head only)."""
from __future__ import annotations

import numpy as np
from scipy.ndimage import gaussian_filter1d

from core.data.dataset import Dataset

CARBONYLS = ("ketones", "esters", "aldehydes", "carboxylic acids", "acyl halides", "amides")


def _gauss(x: np.ndarray, centre: float, sigma: float) -> np.ndarray:
    return np.exp(-0.5 * ((x - centre) / sigma) ** 2)


def _without(x: np.ndarray, s: np.ndarray, lo: float, hi: float) -> float:
    """Cut the band in [lo, hi] down to the straight line between its edges; its height above it."""
    m = (x >= lo) & (x <= hi)
    if not m.any():
        return 0.0
    i, j = np.flatnonzero(m)[[0, -1]]
    line = np.interp(x[m], [x[i], x[j]], [s[i], s[j]])
    height = float((s[m] - line).max())
    s[m] = np.minimum(s[m], line)
    return max(height, 0.0)


def _moved_down(x: np.ndarray, s: np.ndarray, lo: float, hi: float, by: float, taper: float = 40.0) -> np.ndarray:
    """Bands in [lo, hi] moved `by` cm-1 toward low wavenumber, tapered to nothing over `taper` cm-1 outside."""
    w = np.clip(np.minimum(x - (lo - taper), (hi + taper) - x) / taper, 0.0, 1.0)
    return np.interp(x + by * w, x, s)


def condensed_like(x: np.ndarray, s: np.ndarray, present: set[str], rng: np.random.Generator) -> np.ndarray:
    """One gas spectrum (normalised, on wavenumbers x ascending) as a neat liquid might show it."""
    s = s.astype(np.float64).copy()
    if "carboxylic acids" in present:
        _without(x, s, 3500, 3620)
        s += rng.uniform(0.2, 0.5) * s.max() * _gauss(x, rng.uniform(2950, 3100), rng.uniform(150, 250))
    elif "alcohols" in present:
        height = _without(x, s, 3550, 3720)
        s += rng.uniform(1, 3) * height * _gauss(x, rng.uniform(3250, 3400), rng.uniform(60, 120))
    if present & {"amines", "amides"}:
        s = _moved_down(x, s, 3250, 3550, rng.uniform(30, 100))
    if present & set(CARBONYLS):
        by = (50, 80) if "carboxylic acids" in present else (30, 60) if "amides" in present else (10, 30)
        s = _moved_down(x, s, 1630, 1870, rng.uniform(*by))
    s = gaussian_filter1d(s, rng.uniform(0.3, 1.5))
    s = np.clip(s, 0.0, None)
    return (s / max(float(s.max()), 1e-12)).astype(np.float32)


def with_condensed_like(ds: Dataset, share: float, phase: str = "liquid", seed: int = 0) -> Dataset:
    """The dataset and, for a random `share` of its gas training spectra, a liquid-like copy
    (training split, as `phase`, id suffixed '#liquid-like')."""
    rng = np.random.default_rng(seed)
    rows = np.flatnonzero((ds.split == 0) & (np.array(ds.phases) == "gas"))
    rows = rng.choice(rows, round(len(rows) * share), replace=False)
    names = ds.group_names
    spectra = np.stack([condensed_like(ds.grid.x, ds.spectra[i] * ds.valid[i],
                                       {n for n, y in zip(names, ds.labels[i]) if y}, rng) for i in rows])
    add = ds.take(rows)
    return Dataset(np.concatenate([ds.spectra, spectra * add.valid]), np.concatenate([ds.labels, add.labels]),
                   ds.ids + [f"{i}#liquid-like" for i in add.ids], ds.names + add.names,
                   ds.identifiers + add.identifiers, np.concatenate([ds.split, add.split]), ds.grid, names,
                   ds.provenance, ds.phases + [phase] * len(rows), ds.states + [""] * len(rows),
                   np.concatenate([ds.valid, add.valid]))
