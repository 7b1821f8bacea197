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
from scipy.ndimage import gaussian_filter1d

FINEST_KEPT = 1.0  # cm-1: spectra at this resolution or coarser are not smoothed
BAND_STEPS = 2.0  # smoothed band widths (FWHM) in grid steps
_FWHM_PER_SIGMA = 2.0 * np.sqrt(2.0 * np.log(2.0))
_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


def stated_resolution(meta: dict[str, str]) -> float | None:
    """The resolution in cm-1 a file states (JCAMP ##RESOLUTION, e.g. '0.4820', '2 CM^-^1',
    '1 CM^-^1 AT 4000'), or None."""
    m = _NUMBER.search(meta.get("RESOLUTION", ""))
    value = float(m.group(0)) if m else 0.0
    return value if value > 0 else None


def resolution(x: np.ndarray, meta: dict[str, str]) -> float:
    """The spectrum's resolution in cm-1: as stated, else twice its median point spacing."""
    stated = stated_resolution(meta)
    if stated is not None:
        return stated
    return 2.0 * float(np.median(np.diff(x))) if len(x) > 1 else float("inf")


def to_grid_resolution(x: np.ndarray, a: np.ndarray, meta: dict[str, str], step: float
                       ) -> tuple[np.ndarray, float | None]:
    """(absorbance, Gaussian FWHM applied in cm-1 or None) for ascending x: spectra finer than
    `FINEST_KEPT` smoothed so their band widths reach two grid steps, all others unchanged."""
    res = resolution(x, meta)
    band = BAND_STEPS * step
    if res >= min(FINEST_KEPT, band) or len(x) < 3:
        return a, None
    fwhm = float(np.sqrt(band ** 2 - res ** 2))
    sigma_points = fwhm / _FWHM_PER_SIGMA / float(np.median(np.diff(x)))
    return gaussian_filter1d(np.asarray(a, dtype=float), sigma_points, mode="nearest"), fwhm


def smoothing_note(res: float, fwhm: float) -> str:
    """The caution shown with a spectrum that was smoothed to the grid's resolution."""
    return (f"high-resolution spectrum ({res:.2g} cm-1) smoothed to the model's resolution "
            f"(Gaussian, {fwhm:.1f} cm-1) before classification")
