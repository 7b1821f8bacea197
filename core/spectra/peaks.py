"""Peak picking on one curve: position (refined between samples), height, full width at half
prominence and prominence, with `scipy.signal.find_peaks` and `peak_widths`. Minima (for
transmittance) are picked on the negated curve."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DEFAULT_PROMINENCE = 0.05  # a fraction of the curve's range


@dataclass(frozen=True)
class Peak:
    """One picked peak; `index` is its top sample in the curve as given."""

    index: int
    wavenumber: float  # cm-1, refined by a parabola through the top three samples
    intensity: float  # the curve's value at the top sample
    width: float  # full width at half prominence, cm-1
    prominence: float  # as a fraction of the curve's range


def _vertex(sig: np.ndarray, i: int) -> float:
    """The fractional index of the top of a parabola through samples i-1, i, i+1."""
    if not 0 < i < sig.size - 1:
        return float(i)
    a, b, c = sig[i - 1], sig[i], sig[i + 1]
    denom = a - 2 * b + c
    return float(i) if denom >= 0 else i + 0.5 * (a - c) / denom


def load_picker() -> None:
    """Import what picking needs (scipy.signal: 0.5-2 s of Python). An app calls it in a worker
    while it waits for files: imported on the first pick instead, during a big load, the import held
    the interpreter lock against the window's thread (2.1 s of a 200-file load's 9 s)."""
    import scipy.signal  # noqa: F401


def pick_peaks(x: np.ndarray, y: np.ndarray, prominence: float = DEFAULT_PROMINENCE,
               minima: bool = False) -> list[Peak]:
    """Peaks of the curve (x, y) whose prominence is at least `prominence` x the curve's range,
    at least 1% of the points apart (a band's fine structure gives one peak), in the order of x.
    `minima` picks the dips instead (transmittance)."""
    from scipy.signal import find_peaks, peak_widths

    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    kept = np.flatnonzero(np.isfinite(x) & np.isfinite(y))  # indices into the curve as given
    x, y = x[kept], y[kept]
    if y.size < 3:
        return []
    sig = -y if minima else y
    span = float(np.ptp(sig)) or 1.0
    idx, props = find_peaks(sig, prominence=prominence * span, distance=max(1, y.size // 100))
    if idx.size == 0:
        return []
    _, _, left, right = peak_widths(sig, idx, rel_height=0.5,
                                    prominence_data=(props["prominences"], props["left_bases"], props["right_bases"]))
    samples = np.arange(y.size)

    def at(fractional: float) -> float:
        """x at a fractional sample index."""
        return float(np.interp(fractional, samples, x))

    return [Peak(index=int(kept[i]), wavenumber=at(_vertex(sig, int(i))), intensity=float(y[i]),
                 width=abs(at(r) - at(lft)), prominence=float(p) / span)
            for i, lft, r, p in zip(idx, left, right, props["prominences"])]


def strongest(peaks: list[Peak], n: int | None = None) -> list[Peak]:
    """The peaks by falling prominence, the first `n` of them (all when n is None)."""
    return sorted(peaks, key=lambda p: -p.prominence)[:n]
