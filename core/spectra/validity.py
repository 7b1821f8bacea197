"""What the model can read, decided per spectrum before classification: classify, caution
(classify, with the reason shown) or refuse (with the reason).

The model was trained on mid-IR absorbance spectra (gas phase, 500-4000 cm-1), so:
- absorbance, and transmittance (converted with A = -log10 T) -> classify;
- Kubelka-Munk and log(1/R) -> caution: both are proportional to the absorption coefficient
  for diffuse reflectance, so band positions match absorbance; relative intensities and
  baselines differ;
- reflectance (R, %R) -> refuse: raw reflectance has inverted, and for specular reflection
  derivative-shaped, bands; the file does not say which, so convert it to Kubelka-Munk or
  log(1/R) in the instrument software first;
- single beam, background, interferogram, a point-index x axis, near-IR only, flat,
  constant, all-zero or mostly missing data -> refuse;
- large negative absorbance (deeper than a quarter of the maximum: difference, derivative
  or factor spectra) -> refuse; deeper than 5% -> caution;
- absorbance pinned at its maximum over several points (detector limit) -> caution naming
  the region.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from core.spectra.preprocess import to_absorbance, to_wavenumber, y_unit_kind
from core.spectra import units as U
from core.spectra.spectrum import Spectrum, SpectrumReadError

CLASSIFY, CAUTION, REFUSE = "classify", "caution", "refuse"
FLAT_ABSORBANCE = 1e-3  # peak-to-peak absorbance below this is a flat line
MOSTLY_MISSING = 0.5  # refuse when more than this fraction of the points is NaN
NIR_START = 3800.0  # a spectrum starting above this wavenumber has no mid-IR
UV_START = 12500.0  # ... and above this (800 nm) it is not infrared at all
RAW_FT_START = 50.0  # a spectrum in arbitrary units starting below this is a raw single-beam transform
NEGATIVE_REFUSE = 0.25  # refuse when the deepest negative absorbance exceeds this share of the maximum
NEGATIVE_CAUTION = 0.05  # ... caution above this (NIST spectra: at most 0.04, 1000 gas + 1000 condensed)
CLIP_MIN = 1.5  # an absorbance plateau at or above this is a detector limit
CLIP_RUN = 3  # ... when the maximum is held for at least this many points

_REFUSED_Y = {
    U.SINGLE_BEAM: "a single-beam (sample or background) spectrum, not ratioed to a background: "
                   "export absorbance or transmittance",
    U.INTERFEROGRAM: "an interferogram: Fourier-transform it and ratio to a background first",
    U.REFLECTANCE: "reflectance: band shape depends on the optics (specular bands are derivative-"
                   "shaped); convert to Kubelka-Munk or log(1/R) in the instrument software",
    U.COUNTS: "detector counts (a single-beam or Raman spectrum?), not absorbance",
}
_CAUTION_Y = {
    U.KUBELKA_MUNK: "Kubelka-Munk units read as absorbance (band positions match; intensities differ)",
    U.LOG_1_R: "log(1/R) read as absorbance (band positions match; intensities differ)",
    U.ARBITRARY: "y units are arbitrary; read as absorbance",
}
READABLE_Y = {U.ABSORBANCE, U.TRANSMITTANCE} | set(_CAUTION_Y)


@dataclass
class Decision:
    """The verdict on one spectrum: `decision` is classify, caution or refuse."""

    decision: str
    reason: str = ""  # why refused ("" otherwise)
    cautions: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        """The reason or the cautions as one line."""
        return self.reason or "; ".join(self.cautions)


def model_view(s: Spectrum) -> Spectrum:
    """The spectrum as the model reads it: finite points only, absorbance-like units as absorbance."""
    keep = np.isfinite(s.x) & np.isfinite(s.y)
    y_units = U.ABSORBANCE if s.y_units in _CAUTION_Y else s.y_units
    if keep.all() and y_units == s.y_units:
        return s
    return replace(s, x=s.x[keep], y=s.y[keep], y_units=y_units)


def _kind(s: Spectrum) -> str | None:
    if not s.is_infrared:
        return f"not an infrared spectrum ({s.kind}); the model only reads IR"
    if s.meta.get("PEAKTABLE"):
        return "a peak table, not a continuous spectrum"
    return None


def _units(s: Spectrum) -> str | None:
    if s.x_units == U.POINTS:
        return "x is a data-point index, not wavenumbers (an interferogram or a raw export)"
    if s.y_units in _REFUSED_Y:
        return _REFUSED_Y[s.y_units]
    if s.y_units not in READABLE_Y and y_unit_kind(s.y_units) is None:
        return f"y units {s.y_units!r} are not absorbance or transmittance"
    return None


def _values(s: Spectrum) -> str | None:
    y = np.asarray(s.y, dtype=float)
    finite = np.isfinite(y) & np.isfinite(np.asarray(s.x, dtype=float))
    if y.size == 0 or finite.mean() < 1 - MOSTLY_MISSING:
        return f"mostly missing values ({np.count_nonzero(~finite)} of {y.size} points are NaN)"
    v = y[finite]
    if np.all(v == 0):
        return "all values are zero"
    if np.ptp(v) == 0:
        return f"constant: every value is {v[0]:g}"
    return None


def _range(s: Spectrum) -> str | None:
    x = to_wavenumber(np.asarray(s.x)[np.isfinite(s.x)], s.x_units, s.source)
    lo, hi = float(x.min()), float(x.max())
    if lo >= NIR_START:
        region = "UV/visible" if lo >= UV_START else "near-infrared" if hi <= UV_START else "near-infrared/visible"
        return f"{region} only ({lo:.0f}-{hi:.0f} cm-1); the model reads the mid-IR, 500-4000 cm-1"
    if s.y_units == U.ARBITRARY and lo < RAW_FT_START:
        return (f"arbitrary units on an axis from {lo:.0f} cm-1: the raw output of a Fourier transform "
                "(a single-beam spectrum?), not absorbance")
    return None


def _absorbance(s: Spectrum) -> tuple[np.ndarray, np.ndarray]:
    v = model_view(s)
    x = to_wavenumber(v.x, v.x_units, s.source)
    a = to_absorbance(v.y, v.y_units, s.source)
    order = np.argsort(x, kind="stable")
    return x[order], a[order]


def _flat(s: Spectrum) -> str | None:
    _, a = _absorbance(s)
    span = float(np.ptp(a))
    absolute = y_unit_kind(s.y_units) != "absorptivity"  # absorptivities have their own scale
    if (absolute and span < FLAT_ABSORBANCE) or span <= FLAT_ABSORBANCE * float(np.max(np.abs(a))):
        return f"flat: absorbance varies by only {span:.2g} over the spectrum"
    return None


def _negative_share(s: Spectrum) -> tuple[float, float]:
    _, a = _absorbance(s)
    top = max(float(a.max()), 1e-12)
    return max(0.0, -float(a.min())) / top, float(a.min())


def _negative(s: Spectrum) -> str | None:
    share, low = _negative_share(s)
    if share > NEGATIVE_REFUSE:
        depth = "deeper than the highest band" if share >= 1 else f"{share:.0%} of the maximum"
        return (f"large negative absorbance (down to {low:.3g}, {depth}): a difference, "
                "derivative or factor spectrum, or a wrong background; the model reads plain absorbance")
    return None


def _negative_caution(s: Spectrum) -> str | None:
    share, low = _negative_share(s)
    if share > NEGATIVE_CAUTION:
        return f"negative absorbance down to {low:.3g} ({share:.0%} of the maximum): check the background"
    return None


def _clipped(s: Spectrum) -> str | None:
    x, a = _absorbance(s)
    top = float(a.max())
    if top < CLIP_MIN:
        return None
    pinned = np.concatenate([[False], a >= top - 1e-6 * top, [False]])
    edges = np.flatnonzero(np.diff(pinned.astype(np.int8)))
    runs = [(lo, hi) for lo, hi in zip(edges[::2], edges[1::2]) if hi - lo >= CLIP_RUN]
    if not runs:
        return None
    where = ", ".join(f"{x[lo]:.0f}-{x[hi - 1]:.0f}" for lo, hi in runs[:3]) + (" ..." if len(runs) > 3 else "")
    return (f"absorbance clipped at {top:.2f} (detector limit) over {where} cm-1: "
            "those bands are truncated")


def _missing(s: Spectrum) -> str | None:
    bad = np.count_nonzero(~(np.isfinite(s.x) & np.isfinite(s.y)))
    return f"{bad} missing (NaN) points skipped" if bad else None


def _unit_caution(s: Spectrum) -> str | None:
    return _CAUTION_Y.get(s.y_units)


REFUSAL_CHECKS: tuple[Callable[[Spectrum], str | None], ...] = (_kind, _units, _values, _range, _flat, _negative)
CAUTION_CHECKS: tuple[Callable[[Spectrum], str | None], ...] = (_unit_caution, _missing, _negative_caution, _clipped)


def assess(s: Spectrum) -> Decision:
    """Classify, caution or refuse, with the reason (checks run in order; the first refusal wins)."""
    for check in REFUSAL_CHECKS:
        try:
            reason = check(s)
        except SpectrumReadError as exc:
            reason = exc.problem
        if reason:
            return Decision(REFUSE, reason)
    cautions = list(s.warnings) + [c for c in (check(s) for check in CAUTION_CHECKS) if c]
    return Decision(CAUTION if cautions else CLASSIFY, "", cautions)
