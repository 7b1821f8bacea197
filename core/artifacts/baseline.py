"""Baseline removal for scattering and sloping baselines (KBr pellets, powders), with
pybaselines (the field's library): asymmetrically reweighted penalised least squares (arPLS,
Baek et al., Analyst 2015), whose smoothness is set per cm-1 so that it does not depend on the
point spacing."""
from __future__ import annotations

import numpy as np

LAM_PER_CM = 1e5  # arPLS smoothness for a 4 cm-1 axis; scaled by (4 cm-1 / spacing)^4 for others


def baseline(x: np.ndarray, a: np.ndarray) -> np.ndarray:
    """The fitted baseline of absorbance a on ascending wavenumbers x."""
    from pybaselines import Baseline

    spacing = float(np.median(np.diff(x))) if x.size > 1 else 4.0
    lam = LAM_PER_CM * (4.0 / max(spacing, 1e-6)) ** 4
    return Baseline(x_data=x).arpls(np.asarray(a, dtype=np.float64), lam=lam)[0]


def remove_baseline(x: np.ndarray, a: np.ndarray) -> tuple[np.ndarray, dict]:
    """(a minus its baseline, the record of the correction)."""
    b = baseline(x, a)
    peak = float(np.max(a)) if a.size else 1.0
    span = float(b.max() - b.min()) / peak if peak > 0 else 0.0
    return a - b, {"correction": "baseline", "method": "arPLS (pybaselines)", "baseline_span": round(span, 4),
                   "text": f"baseline removed (arPLS; its span was {span:.0%} of the spectrum's maximum)"}
