"""Units conversion, resampling onto the model grid and normalisation (vectorised)."""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from core.spectra.spectrum import Spectrum, SpectrumReadError

_ABSORBANCE = ("ABSORBANCE", "A", "AU", "A.U.", "ABS", "ABS.", "ABSORBANCE (A.U.)", "ABSORBANCE (AU)",
               "ABSORBANCE UNITS", "ARBITRARY UNITS", "LOG(1/T)", "LOG (1/T)", "LOG 1/T", "-LOG(T)",
               "-LOG10(T)", "LOG10(1/T)", "OPTICAL DENSITY", "OD")
_REFLECTANCE_ABSORBANCE = ("LOG(1/R)", "LOG (1/R)", "LOG 1/R", "-LOG(R)", "LOG10(1/R)")
_TRANSMITTANCE = ("TRANSMITTANCE", "T", "TRANSMISSION", "%T", "T%", "% TRANSMITTANCE", "%TRANSMITTANCE",
                  "PERCENT TRANSMITTANCE", "TRANSMITTANCE (%)", "TRANSMITTANCE [%]", "% TRANSMISSION",
                  "PERCENT TRANSMISSION", "TRANSMISSION (%)", "TRANSMISSION [%]")


def _unit_key(units: str) -> str:
    """Units compared case- and space-insensitively ('( micromol/mol )-1 m-1' == '(MICROMOL/MOL)-1M-1')."""
    return re.sub(r"\s+", "", units.upper()).replace("Μ", "U").replace("µ", "U")


# y-unit kind by normalised spelling; families of spellings by pattern (absorptivities on any scale)
Y_UNITS: dict[str, str] = ({_unit_key(u): "absorbance" for u in _ABSORBANCE}
                           | {_unit_key(u): "reflectance" for u in _REFLECTANCE_ABSORBANCE}
                           | {_unit_key(u): "transmittance" for u in _TRANSMITTANCE})
Y_UNIT_PATTERNS: tuple[tuple[re.Pattern, str], ...] = (
    # NIST Quant-IR: base-10 absorbance per (micromol/mol) per metre
    (re.compile(r"^\(?(MICROMOL/MOL|UMOL/MOL|PPM|PPMV)\)?(-1|\^-1)\*?M(-1|\^-1)(\(BASE10\))?$"), "absorptivity"),
    # molar absorptivity (L mol-1 cm-1) and absorption cross-sections (cm2/molecule)
    (re.compile(r"^(L/\(?MOL\*?CM\)?|L\*?MOL(-1|\^-1)\*?CM(-1|\^-1)|M(-1|\^-1)\*?CM(-1|\^-1))$"), "absorptivity"),
    (re.compile(r"^CM(2|\^2)/MOLEC(ULE)?$"), "absorptivity"),
    (re.compile(r"TRANSMI(TTANCE|SSION)"), "transmittance"),  # any other transmittance spelling
)
Y_UNIT_CAUTIONS: dict[str, str] = {
    "reflectance": "reflectance spectrum (log 1/R) read as absorbance; the model was trained on "
                   "transmission spectra, so band intensities may differ",
}
ACCEPTED_Y_UNITS = "absorbance (A, AU, ABS, LOG(1/T)), absorptivity, LOG(1/R), transmittance or %T"


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


@dataclass(frozen=True)
class InputConfig:
    """How resampled, normalised spectra become the network's input; stored in model.json
    so training and prediction do exactly the same.

    mask: add a second input channel, 1 where the sample was measured and the medium is
    transparent, 0 where the spectrum says nothing (outside the measured range, gaps,
    mulling-agent bands); the spectrum channel is zero there.
    power: intensities raised to this power after normalisation (0.5: the square root of
    absorbance, which lifts weak bands toward the strong ones)."""

    mask: bool = False
    power: float = 1.0

    @property
    def in_channels(self) -> int:
        return 2 if self.mask else 1

    def to_dict(self) -> dict:
        return {"mask": self.mask} | ({"power": self.power} if self.power != 1.0 else {})

    @classmethod
    def from_dict(cls, d: dict | None) -> "InputConfig":
        d = d or {}
        if d.get("baseline", "none") != "none":  # a baseline correction was measured and not adopted
            raise ValueError(f"unknown baseline {d.get('baseline')!r}")
        power = float(d.get("power", 1.0))
        if not 0.0 < power <= 1.0:
            raise ValueError(f"input power must be in (0, 1], got {power}")
        return cls(bool(d.get("mask", False)), power)


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


def y_unit_kind(units: str) -> str | None:
    """'absorbance', 'absorptivity', 'reflectance' (log 1/R), 'transmittance', or None if unknown."""
    key = _unit_key(units)
    if key in Y_UNITS:
        return Y_UNITS[key]
    return next((kind for pattern, kind in Y_UNIT_PATTERNS if pattern.search(key)), None)


def y_unit_caution(units: str) -> str | None:
    """A caution to show with spectra in these y units (e.g. reflectance), or None."""
    return Y_UNIT_CAUTIONS.get(y_unit_kind(units) or "")


def _from_transmittance(y: np.ndarray, units: str) -> np.ndarray:
    u = units.upper()
    t = y / 100.0 if ("%" in u or "PERCENT" in u or np.nanmax(y) > 1.5) else y
    return -np.log10(np.clip(t, 1e-4, None))


_TO_ABSORBANCE = {
    "absorbance": lambda y, units: y,
    "absorptivity": lambda y, units: y,  # absorbance per concentration and path: same shape, other scale
    "reflectance": lambda y, units: y,
    "transmittance": _from_transmittance,
}


def to_absorbance(y: np.ndarray, units: str, src: str = "") -> np.ndarray:
    """Absorbance (on any scale) from absorbance-like units (absorbance, absorptivity, log 1/T,
    log 1/R) or transmittance (fraction or percent). Unknown units raise SpectrumReadError."""
    kind = y_unit_kind(units)
    if kind is None:
        raise SpectrumReadError(src, f"unknown y units {units!r} (accepted: {ACCEPTED_Y_UNITS})")
    return _TO_ABSORBANCE[kind](np.asarray(y, dtype=float), units)


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
    """Resampled, normalised spectra (n, grid.n) for a list of spectra: units, resample, normalise."""
    pairs = [standardise(s) for s in spectra]
    return normalise(resample_batch([p[0] for p in pairs], [p[1] for p in pairs], grid))


def model_input(spectra: np.ndarray, valid: np.ndarray, states: list[str], phases: list[str],
                grid: Grid, cfg: InputConfig) -> np.ndarray:
    """The network's input from normalised grid spectra (n, L) and their measured masks:
    (n, L) for one channel, (n, 2, L) with the mask channel."""
    from core.spectra.phase import medium_keep

    if not cfg.mask:
        return np.ascontiguousarray(_powered(spectra, cfg.power), dtype=np.float32)
    keep = valid.copy()
    rows: dict[tuple[str, str], list[int]] = {}  # the spectra of each (state, phase): one mask each
    for i, pair in enumerate(zip(states, phases)):
        rows.setdefault(pair, []).append(i)
    for (state, phase), idx in rows.items():
        keep[idx] &= medium_keep(grid.x, state, phase) > 0
    x = _powered(normalise(np.where(keep, spectra, 0.0)), cfg.power)
    return np.stack([x, keep.astype(np.float32)], axis=1)


def _powered(x: np.ndarray, power: float) -> np.ndarray:
    """Intensities (normalised to 1) raised to `power`; negative noise is kept at zero."""
    return x if power == 1.0 else np.clip(x, 0.0, None) ** power


def measured_mask(xs: list[np.ndarray], grid: Grid = DEFAULT_GRID, max_gap: float = 3.0) -> np.ndarray:
    """(n, grid.n) bool: grid points inside each spectrum's measured range and not inside a
    gap of more than `max_gap` grid steps between its data points (there the resampled value
    is an interpolation across missing data, not a measurement)."""
    gx = grid.x
    out = np.zeros((len(xs), grid.n), dtype=bool)
    for i, x in enumerate(xs):
        if len(x) < 2:
            continue
        inside = (gx >= x[0]) & (gx <= x[-1])
        gaps = np.flatnonzero(np.diff(x) > max_gap * grid.step)
        for g in gaps:
            inside &= ~((gx > x[g]) & (gx < x[g + 1]))
        out[i] = inside
    return out
