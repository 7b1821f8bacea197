"""Atmospheric compensation: scaled water-vapour and CO2 references fitted and subtracted.

The amount of each gas is the one that leaves its fit regions as smooth as possible (the least
energy of what a Savitzky-Golay smoothing leaves of the corrected spectrum there, fitted robustly
so that the sample's own sharp bands do not steer it; Perez-Guaita et al., Appl. Spectrosc.
2013, as in orange-spectroscopy), not a least-squares fit to the sample, which would eat real
O-H/N-H bands. Water as another instrument records it differs from the shipped reference in
resolution and by a fraction of a point in line position, so each gas is fitted as a small basis:
the reference, the reference broadened minus itself (a change of resolution, either way) and its
derivative (a shift). Only the reference's own coefficient is an amount of gas; it is bounded
below by 0, so compensation never adds bands.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from core.artifacts.references import Reference, shipped_references

BROADEN_SIGMA = 3.0  # cm-1: the broadened basis spectrum (Gaussian sigma)
# the fit must remove at least this share of its regions' roughness (water's many lines stand out
# from the sample at once; CO2's band is smooth at 4 cm-1 and needs a clear fit: measured on
# held-out condensed spectra, clean: water p99 0.03 (0.09 with 1 % noise), CO2 p99 0.41; with 15 %
# of the gas: p50 0.63 / 0.99) ...
MIN_SMOOTHING = {"water": 0.1, "co2": 0.6}
MIN_AMOUNT = 0.004  # ... and the gas's strongest line must reach this share of the spectrum's maximum


@dataclass(frozen=True)
class GasFit:
    """One gas fitted to one spectrum: its amount (the reference's scale, absorbance units of its
    strongest line), the share of the fit regions' roughness it explains, and whether it was
    subtracted (amount and share above the thresholds)."""

    key: str
    name: str
    amount: float
    relative: float  # amount over the spectrum's maximum absorbance
    smoothing: float  # 1 - roughness after / roughness before, in the fit regions
    applied: bool
    line_regions: tuple[tuple[float, float], ...]

    def describe(self) -> str:
        where = " and ".join(f"{lo:.0f}-{hi:.0f}" for lo, hi in self.line_regions)
        return f"{self.name} lines {where} cm-1"

    def to_dict(self) -> dict:
        return {"correction": "atmosphere", "gas": self.key, "coefficient": round(self.amount, 6),
                "relative_to_max": round(self.relative, 4), "roughness_removed": round(self.smoothing, 3),
                "applied": self.applied}


SMOOTH_WINDOW = 24.0  # cm-1: the Savitzky-Golay window whose residual is the roughness judged
HUBER_ROUNDS = 3  # reweighting rounds of the robust fit
SHIFTS = np.arange(-2.0, 2.01, 0.5)  # cm-1: whole shifts tried; the derivative refines between them


@lru_cache(maxsize=8)
def _spline(ref: Reference):
    """A cubic spline through the basis (the reference, broadened minus itself, its derivative
    per point) on the reference's axis. Cubic, not straight lines, between the reference's points:
    on a finer axis than the reference's, straight lines would put all the curvature at the
    reference's points and none between."""
    from scipy.interpolate import CubicSpline
    from scipy.ndimage import gaussian_filter1d

    step = float(ref.x[1] - ref.x[0])
    broad = gaussian_filter1d(ref.y, BROADEN_SIGMA / step, mode="constant")
    return CubicSpline(ref.x, np.stack([ref.y, broad - ref.y, np.gradient(ref.y)], axis=1), axis=0)


def shifted_basis(ref: Reference, x: np.ndarray, shifts: np.ndarray) -> np.ndarray:
    """(len(shifts), 3, len(x)): the basis moved by each shift (cm-1), at wavenumbers x."""
    xs = x[None, :] - np.asarray(shifts, dtype=np.float64)[:, None]
    inside = (xs >= ref.x[0]) & (xs <= ref.x[-1])
    out = np.zeros((*xs.shape, 3))
    out[inside] = _spline(ref)(xs[inside])
    return out.transpose(0, 2, 1)


def _even_axis(x: np.ndarray, ref: Reference) -> np.ndarray:
    """An even axis over the fit regions inside the spectrum's range, at the spectrum's own point
    spacing there (1-4 cm-1): roughness is compared point to point, so the points must be even
    (a micrometre axis runs from 0.3 to 16 cm-1 between points). Spectrum and basis are both
    sampled at the spectrum's points and read on this axis the same way."""
    inside = np.zeros(x.size, dtype=bool)
    for lo, hi in ref.fit_regions:
        inside |= (x >= lo) & (x <= hi)
    spacing = float(np.median(np.diff(x[inside]))) if inside.sum() > 2 else 4.0
    step = min(max(spacing, 1.0), 4.0)
    parts = [np.arange(max(lo, x[0]), min(hi, x[-1]), step) for lo, hi in ref.fit_regions]
    return np.concatenate([p for p in parts if p.size >= 3]) if any(p.size >= 3 for p in parts) else np.zeros(0)


def _segments(xe: np.ndarray) -> list[np.ndarray]:
    """Index runs of the even axis between the gaps that separate its fit regions."""
    if xe.size < 2:
        return []
    step = float(np.median(np.diff(xe)))
    return [r for r in np.split(np.arange(xe.size), np.flatnonzero(np.diff(xe) > 1.5 * step) + 1) if r.size >= 9]


def _highpass(v: np.ndarray, segments: list[np.ndarray], window: int) -> np.ndarray:
    """What a Savitzky-Golay smoothing (quadratic) leaves of v (..., points) in each segment:
    the lines, not the bands."""
    from scipy.signal import savgol_filter

    return np.concatenate([v[..., r] - savgol_filter(v[..., r], min(window, r.size - 1 + r.size % 2), 2, axis=-1,
                                                       mode="nearest")
                           for r in segments], axis=-1)


def _bounded_solve(A: np.ndarray, b: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted least squares for (amount, broadening, shift) with amount >= 0: the normal
    equations, and without the amount where it would come out negative."""
    Aw = A * w[:, None]
    G, h = Aw.T @ A, Aw.T @ b
    try:
        c = np.linalg.solve(G, h)
    except np.linalg.LinAlgError:
        c = np.linalg.lstsq(G, h, rcond=None)[0]
    if c[0] < 0:
        c = np.zeros(3)
        c[1:] = np.linalg.lstsq(G[1:, 1:], h[1:], rcond=None)[0]
    return c


def _robust_fit(A: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Bounded least squares (amount >= 0) with Huber weights, so that the sample's own sharp
    bands, which no amount of gas explains, do not steer the amount."""
    w = np.ones(b.size)
    for _ in range(HUBER_ROUNDS + 1):
        c = _bounded_solve(A, b, w)
        r = np.abs(b - A @ c)
        k = 1.5 * np.median(r) / 0.6745 + 1e-12
        w = np.minimum(1.0, k / np.maximum(r, 1e-12))
    return c


def fit_gas(x: np.ndarray, a: np.ndarray, ref: Reference, valid: np.ndarray | None = None) -> tuple[GasFit, np.ndarray]:
    """(fit, the gas's fitted spectrum at x) for absorbance a on ascending wavenumbers x."""
    peak = float(np.max(a)) if a.size else 0.0
    none = GasFit(ref.key, ref.name, 0.0, 0.0, 0.0, False, ref.line_regions)
    xe = _even_axis(x, ref) if x.size > 2 else np.zeros(0)
    if valid is not None and xe.size:
        xe = xe[np.interp(xe, x, valid.astype(float)) > 0.999]
    segments = _segments(xe)
    if sum(r.size for r in segments) < 20 or peak <= 0:
        return none, np.zeros_like(a)
    window = max(5, int(SMOOTH_WINDOW / float(np.median(np.diff(xe)))) | 1)
    near = (x >= xe[0] - 20) & (x <= xe[-1] + 20)
    xn = x[near]
    # the spectrum and the basis, sampled at the spectrum's own points, read on the even axis alike
    j = np.clip(np.searchsorted(xn, xe), 1, xn.size - 1)
    f = (xe - xn[j - 1]) / (xn[j] - xn[j - 1])
    on_even = lambda v: v[..., j - 1] * (1 - f) + v[..., j] * f  # noqa: E731
    b = _highpass(on_even(np.asarray(a, dtype=np.float64)[near]), segments, window)
    before = float(b @ b)
    if before <= 0:
        return none, np.zeros_like(a)
    basis = _highpass(on_even(shifted_basis(ref, xn, SHIFTS)), segments, window)  # (shifts, 3, points)
    if not np.any(basis[:, 0]):
        return none, np.zeros_like(a)
    # the shift by plain least squares over all of them, then the robust fit at the best one
    ones = np.ones(b.size)
    fits = [(float(np.sum((b - basis[k].T @ c) ** 2)), k) for k in range(len(SHIFTS))
            for c in (_bounded_solve(basis[k].T, b, ones),)]
    k = min(fits)[1]
    c = _robust_fit(basis[k].T, b)
    r = b - basis[k].T @ c
    best = (float(r @ r), SHIFTS[k], c)
    rest, s, c = best
    smoothing = 1.0 - rest / before
    amount = float(c[0])
    relative = amount / peak
    applied = amount > 0 and smoothing >= MIN_SMOOTHING.get(ref.key, 0.15) and relative >= MIN_AMOUNT
    gas = c @ shifted_basis(ref, x, np.array([s]))[0]
    return GasFit(ref.key, ref.name, amount, relative, smoothing, applied, ref.line_regions), gas


def compensate(x: np.ndarray, a: np.ndarray, refs: tuple[Reference, ...] | None = None,
               valid: np.ndarray | None = None) -> tuple[np.ndarray, list[GasFit]]:
    """(corrected absorbance, one fit per gas): each gas whose fit passes the thresholds is
    subtracted; water first, then CO2 on what is left."""
    refs = shipped_references() if refs is None else refs
    out = np.asarray(a, dtype=np.float64).copy()
    fits = []
    for ref in refs:
        fit, gas = fit_gas(x, out, ref, valid)
        if fit.applied:
            out -= gas
        fits.append(fit)
    return out, fits
