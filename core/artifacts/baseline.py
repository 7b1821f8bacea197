"""Baseline removal for scattering and sloping baselines (KBr pellets, powders), with
pybaselines (the field's library): the modified polynomial fit (Lieber & Mahadevan-Jansen, Appl.
Spectrosc. 2003) of order 2 over the whole spectrum, which settles under the bands; by default
(`sloped`) removed only where it rises toward high wavenumber as a scattering baseline does, since
under a broad O-H band of a clean spectrum it bends and eats part of the band. Chosen by measurement
on held-out condensed spectra (tests/benchmarks/bench_artifacts.py; docs/artifacts.md)."""
from __future__ import annotations

import numpy as np

POLY_ORDER = 2
MIN_RISE = 0.2  # `auto`: removed only where the baseline rises toward high wavenumber by this x the maximum


def sloped(b: np.ndarray, peak: float) -> bool:
    """A fitted baseline that rises toward high wavenumber (scattering), not one bent under a
    broad band (O-H, N-H)."""
    return peak > 0 and b[-1] - b.min() >= MIN_RISE * peak and int(np.argmin(b)) < b.size // 2


def baseline(x: np.ndarray, a: np.ndarray) -> np.ndarray:
    """The fitted baseline of absorbance a on ascending wavenumbers x."""
    from pybaselines import Baseline

    return Baseline(x_data=x).modpoly(np.asarray(a, dtype=np.float64), poly_order=POLY_ORDER)[0]


def remove_baseline(x: np.ndarray, a: np.ndarray, only_sloped: bool = False) -> tuple[np.ndarray, dict | None]:
    """(a minus its baseline, the record of the correction); with `only_sloped`, a is returned
    as it is (record None) unless its baseline rises toward high wavenumber."""
    b = baseline(x, a)
    peak = float(np.max(a)) if a.size else 0.0
    if only_sloped and not sloped(b, peak):
        return a, None
    span = float(b.max() - b.min()) / peak if peak > 0 else 0.0
    return a - b, {"correction": "baseline", "method": f"modified polynomial, order {POLY_ORDER} (pybaselines)",
                   "baseline_span": round(span, 4), "short": "baseline",
                   "text": f"baseline removed (polynomial, order {POLY_ORDER}; its span was {span:.0%} of the maximum)"}
