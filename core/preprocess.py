"""Units conversion, resampling onto the model grid and normalisation (vectorised)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.spectrum import Spectrum, SpectrumReadError

ABSORBANCE_UNITS = {"ABSORBANCE", "ARBITRARY UNITS", "ABSORBANCE (A.U.)"}
TRANSMITTANCE_UNITS = {"TRANSMITTANCE", "% TRANSMITTANCE", "%T", "PERCENT TRANSMITTANCE"}


@dataclass(frozen=True)
class Grid:
    """The model's input axis: `n` evenly spaced wavenumbers from `start` to `stop` (cm-1)."""

    start: float = 500.0
    stop: float = 4000.0
    n: int = 850

    @property
    def x(self) -> np.ndarray:
        return np.linspace(self.start, self.stop, self.n)

    @property
    def step(self) -> float:
        return (self.stop - self.start) / (self.n - 1)

    def to_dict(self) -> dict:
        return {"start": self.start, "stop": self.stop, "n": self.n}

    @classmethod
    def from_dict(cls, d: dict) -> "Grid":
        return cls(float(d["start"]), float(d["stop"]), int(d["n"]))


DEFAULT_GRID = Grid()


def to_wavenumber(x: np.ndarray, units: str, src: str = "") -> np.ndarray:
    """x in cm-1 from 1/CM, micrometres or nanometres."""
    u = units.upper().replace(" ", "")
    if u in {"1/CM", "CM-1", "CM^-1", "WAVENUMBERS", "WAVENUMBER"}:
        return np.asarray(x, dtype=float)
    if u in {"MICROMETERS", "MICROMETRES", "UM", "µM", "MICRONS"}:
        factor = 1e4
    elif u in {"NANOMETERS", "NANOMETRES", "NM"}:
        factor = 1e7
    else:
        raise SpectrumReadError(src, f"unknown x units {units!r} (need 1/CM, MICROMETERS or NANOMETERS)")
    x = np.asarray(x, dtype=float)
    if np.any(x <= 0):
        raise SpectrumReadError(src, f"non-positive wavelength in {units}")
    return factor / x


def to_absorbance(y: np.ndarray, units: str, src: str = "") -> np.ndarray:
    """Absorbance from absorbance, transmittance as a fraction, or percent transmittance."""
    u = units.upper().strip()
    y = np.asarray(y, dtype=float)
    if u in ABSORBANCE_UNITS:
        return y
    if u in TRANSMITTANCE_UNITS or "TRANSMITTANCE" in u:
        t = y / 100.0 if ("%" in u or "PERCENT" in u or np.nanmax(y) > 1.5) else y
        return -np.log10(np.clip(t, 1e-4, None))
    raise SpectrumReadError(src, f"unknown y units {units!r} (need ABSORBANCE or TRANSMITTANCE)")


def standardise(s: Spectrum) -> tuple[np.ndarray, np.ndarray]:
    """(wavenumber ascending, absorbance) for one spectrum."""
    x = to_wavenumber(s.x, s.x_units, s.source)
    a = to_absorbance(s.y, s.y_units, s.source)
    order = np.argsort(x, kind="stable")
    return x[order], a[order]


def resample_batch(xs: list[np.ndarray], ys: list[np.ndarray], grid: Grid = DEFAULT_GRID) -> np.ndarray:
    """Linear interpolation of many spectra (ascending x, any lengths) onto the grid in one
    numpy call, zero outside each spectrum's measured range. Returns (n, grid.n) float32."""
    n = len(xs)
    if n == 0:
        return np.zeros((0, grid.n), dtype=np.float32)
    gx = grid.x
    lo = np.array([x[0] for x in xs])
    hi = np.array([x[-1] for x in xs])
    # lay the spectra end to end on one long axis so a single np.interp serves them all
    span = max(float(max(hi.max(), gx[-1]) - min(lo.min(), gx[0])), 1.0) * 2.0
    offsets = np.arange(n, dtype=float) * span
    cat_x = np.concatenate([x + o for x, o in zip(xs, offsets)])
    cat_y = np.concatenate(ys)
    query = gx[None, :] + offsets[:, None]
    out = np.interp(query.ravel(), cat_x, cat_y).reshape(n, grid.n)
    out[(gx[None, :] < lo[:, None]) | (gx[None, :] > hi[:, None])] = 0.0
    return out.astype(np.float32)


def normalise(batch: np.ndarray) -> np.ndarray:
    """Each row divided by its own maximum (rows with no positive value stay zero)."""
    m = batch.max(axis=1, keepdims=True)
    return np.where(m > 0, batch / np.where(m > 0, m, 1.0), 0.0).astype(np.float32)


def coverage(x: np.ndarray, grid: Grid = DEFAULT_GRID) -> float:
    """Fraction of the grid's range that the spectrum covers (0..1)."""
    lo, hi = max(x[0], grid.start), min(x[-1], grid.stop)
    return max(0.0, hi - lo) / (grid.stop - grid.start)


def prepare(spectra: list[Spectrum], grid: Grid = DEFAULT_GRID) -> np.ndarray:
    """Model input (n, grid.n) for a list of spectra: units, resample, normalise."""
    pairs = [standardise(s) for s in spectra]
    return normalise(resample_batch([p[0] for p in pairs], [p[1] for p in pairs], grid))
