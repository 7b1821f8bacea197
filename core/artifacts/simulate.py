"""Lab artifacts put on clean spectra, for tests, the artifact benchmark and training: water
vapour and CO2 from degraded references (another resolution, a line position off by a fraction
of a point), a scattering baseline, noise, and ATR (penetration-depth weighting with the
dispersion shift of strong bands)."""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from core.artifacts.atr import ATRSettings, relative_depth
from core.artifacts.references import Reference


def degrade(ref: Reference, sigma: float = 0.0, shift: float = 0.0, step: float | None = None) -> Reference:
    """The reference as another instrument might record it: broadened by a Gaussian of `sigma`
    cm-1, shifted by `shift` cm-1, and sampled every `step` cm-1 (default: its own axis)."""
    from scipy.interpolate import CubicSpline
    from scipy.ndimage import gaussian_filter1d

    own = float(ref.x[1] - ref.x[0])
    y = gaussian_filter1d(ref.y, sigma / own, mode="constant") if sigma > 0 else ref.y
    step = step or own
    x = np.arange(ref.x[0], ref.x[-1] + 1e-9, step)
    xs = np.clip(x - shift, ref.x[0], ref.x[-1])
    return replace(ref, x=x, y=np.clip(CubicSpline(ref.x, y)(xs), 0.0, None))


def add_gas(x: np.ndarray, a: np.ndarray, ref: Reference, level: float) -> np.ndarray:
    """a plus the gas with its strongest line at `level` x the spectrum's maximum."""
    g = ref.on(x)
    return a + level * float(np.max(a)) * g / max(float(np.max(g)), 1e-12)


def add_scattering(x: np.ndarray, a: np.ndarray, level: float, power: float = 2.0) -> np.ndarray:
    """a plus a baseline rising toward high wavenumber (scattering), reaching `level` x the
    spectrum's maximum at the top of the axis."""
    return a + level * float(np.max(a)) * (x / float(np.max(x))) ** power


def add_noise(a: np.ndarray, level: float, rng: np.random.Generator) -> np.ndarray:
    """White noise of standard deviation `level` x the spectrum's maximum."""
    return a + rng.normal(0.0, level * float(np.max(a)), a.shape)


def atr_distort(x: np.ndarray, a: np.ndarray, settings: ATRSettings = ATRSettings(), shift: float = 0.0) -> np.ndarray:
    """An ATR spectrum of transmission absorbance a: weighted by the relative penetration depth,
    and (shift > 0) strong bands moved toward low wavenumber by up to `shift` cm-1 in proportion
    to their height, which also makes them asymmetric."""
    a = np.asarray(a, dtype=np.float64)
    if shift:
        h = np.clip(a / max(float(np.max(a)), 1e-12), 0.0, 1.0)
        a = np.interp(x + shift * h, x, a)  # the value seen at x is the transmission value at x + dx
    return a * relative_depth(x, settings)


BANK_SIGMAS = (0.0, 1.5, 3.0)  # cm-1: the degraded references of the training bank
BANK_SHIFTS = (-1.5, 0.0, 1.5)  # cm-1


def grid_bank(x: np.ndarray, refs: tuple[Reference, ...] | None = None) -> dict[str, np.ndarray]:
    """The artifacts' shapes on a grid for training-time augmentation (arrays, no torch):
    `water` and `co2` (K, L), degraded versions of each reference with their maximum at 1 over
    the grid; `rise` (L,) x / max(x), the shape of a scattering baseline before its power; `atr`
    (L,) the ATR factor dp(x) / dp(1000 cm-1) over its maximum."""
    from core.artifacts.references import shipped_references

    refs = shipped_references() if refs is None else refs
    out = {}
    for ref in refs:
        rows = [degrade(ref, sigma, shift).on(x) for sigma in BANK_SIGMAS for shift in BANK_SHIFTS]
        out[ref.key] = np.stack([r / max(float(r.max()), 1e-12) for r in rows]).astype(np.float32)
    out["rise"] = (x / float(np.max(x))).astype(np.float32)
    w = relative_depth(x)
    out["atr"] = (w / w.max()).astype(np.float32)
    return out
