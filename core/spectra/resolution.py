"""Bringing high-resolution spectra to the resolution of the model's grid before resampling.

The model's grid has a step of about 4 cm-1 and its training spectra were measured at 1-4 cm-1
resolution. A spectrum measured at, say, 0.5 cm-1 (NIST Quant-IR, a gas cell at high
resolution) has rotational lines far narrower than a grid step; sampling it at the grid points
picks arbitrary points of that fine structure (aliasing), and the network sees noise where it
was trained on band envelopes. Such spectra are smoothed first with a Gaussian that brings
their band widths to two grid steps, the narrowest the grid can carry. Spectra at 1 cm-1 or
coarser, every training spectrum among them, are left exactly as they are.
"""
from __future__ import annotations

import re

import numpy as np

FINEST_KEPT = 1.0  # cm-1: spectra at this resolution or coarser are not smoothed
BAND_STEPS = 2.0  # smoothed band widths (FWHM) in grid steps
_FWHM_PER_SIGMA = 2.0 * np.sqrt(2.0 * np.log(2.0))
_MAX_EVEN_POINTS = 400_000  # an uneven axis is smoothed on at most this many even points
_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


def stated_resolution(meta: dict[str, str]) -> float | None:
    """The resolution in cm-1 a file states (JCAMP ##RESOLUTION, e.g. '0.4820', '2 CM^-^1',
    '1 CM^-^1 AT 4000'), or None."""
    m = _NUMBER.search(meta.get("RESOLUTION", ""))
    value = float(m.group(0)) if m else 0.0
    return value if value > 0 else None


def resolution(x: np.ndarray, meta: dict[str, str]) -> float:
    """The spectrum's resolution in cm-1: as stated, but never finer than twice its median point
    spacing (the finest detail its points can carry), which is also the value when none is stated."""
    sampled = 2.0 * float(np.median(np.diff(x))) if len(x) > 1 else float("inf")
    return max(stated_resolution(meta) or 0.0, sampled)


def to_grid_resolution(x: np.ndarray, a: np.ndarray, meta: dict[str, str], step: float
                       ) -> tuple[np.ndarray, float | None]:
    """(absorbance at the points x, Gaussian FWHM applied in cm-1 or None) for ascending x:
    spectra finer than `FINEST_KEPT` smoothed so their band widths reach two grid steps, all
    others unchanged. An unevenly spaced axis (e.g. converted from micrometres) is smoothed on an
    even one at its finest spacing and read back at its own points."""
    res = resolution(x, meta)
    band = BAND_STEPS * step
    if res >= min(FINEST_KEPT, band) or len(x) < 3:
        return a, None
    fwhm = float(np.sqrt(band ** 2 - res ** 2))
    gaps = np.diff(x)
    spacing = float(np.median(gaps))
    if spacing <= 0:  # a degenerate axis: nothing to smooth over
        return a, None
    from scipy.ndimage import gaussian_filter1d  # on use: most spectra never need it (85 ms to import)

    a = np.asarray(a, dtype=float)
    if gaps.max() - gaps.min() <= 0.01 * spacing:  # evenly spaced
        return gaussian_filter1d(a, fwhm / _FWHM_PER_SIGMA / spacing, mode="nearest"), fwhm
    spacing = max(float(gaps[gaps > 0].min()), (x[-1] - x[0]) / _MAX_EVEN_POINTS)
    even = np.arange(x[0], x[-1] + spacing / 2, spacing)
    smoothed = gaussian_filter1d(np.interp(even, x, a), fwhm / _FWHM_PER_SIGMA / spacing, mode="nearest")
    return np.interp(x, even, smoothed), fwhm


def smoothing_note(res: float, fwhm: float) -> str:
    """The caution shown with a spectrum that was smoothed to the grid's resolution."""
    return (f"high-resolution spectrum ({res:.2g} cm-1) smoothed to the model's resolution "
            f"(Gaussian, {fwhm:.1f} cm-1) before classification")
