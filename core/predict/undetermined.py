"""Groups the model cannot judge in a spectrum, with the reason: their key band (the first of the
group's textbook bands, core.data.groups) is not seen, because the spectrum does not reach it,
the medium covers it (a Nujol mull's C-H bands, Fluorolube below 1360 cm-1), a solution's spectrum
is flat at the top there (a window where the solvent absorbs everything), or water-vapour lines
lie over it and were not compensated. The probabilities stay as they are; the answer for such a group is "undetermined".

Each cause is one entry of HIDERS: a function of the spectrum's context that returns the grid
points it hides and the reason to show."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from core.data.groups import GROUPS
from core.spectra.phase import medium_bands

SEEN_SHARE = 0.5  # a key band with less than half its grid points seen is hidden
FLAT_POINTS = 5  # grid points (about 20 cm-1) of a constant spectrum make a flat run ...
OPAQUE_LEVEL = 0.5  # ... at this share of the maximum or more, in a solution: the solvent absorbs all
# (flat runs low down are baseline plateaus of digitised spectra, i.e. no absorption: on the
# condensed test split 4,200 of them, against none high up in a solution)
WATER_OVER = (3300.0, 3900.0)  # the O-H/N-H stretch region that water-vapour lines cover


@dataclass
class Context:
    """What the hiders look at: the grid's wavenumbers, the normalised spectrum on it, the
    measured mask, the file's state and phase, and the gases left in (compensation off)."""

    x: np.ndarray
    spectrum: np.ndarray
    valid: np.ndarray
    state: str = ""
    phase: str = "unknown"
    gases_left: list[str] = field(default_factory=list)


def _between(x: np.ndarray, lo: float, hi: float) -> np.ndarray:
    return (x >= lo) & (x <= hi)


def _unmeasured(c: Context) -> list[tuple[np.ndarray, str]]:
    seen = c.x[c.valid]
    where = f"{seen.min():.0f}-{seen.max():.0f} cm-1" if seen.size else "nothing"
    return [(~c.valid, f"not measured (the spectrum covers {where})")]


def _medium(c: Context) -> list[tuple[np.ndarray, str]]:
    bands = medium_bands(c.state, c.phase)
    if not bands:
        return []
    agent = "Fluorolube" if bands[0][0] < 500 else "Nujol"
    where = ", ".join(f"{lo:.0f}-{hi:.0f}" for lo, hi in bands)
    mask = np.zeros(c.x.size, dtype=bool)
    for lo, hi in bands:
        mask |= _between(c.x, lo, hi)
    return [(mask, f"covered by the {agent} mull's own bands ({where} cm-1)")]


def _flat(c: Context) -> list[tuple[np.ndarray, str]]:
    if c.phase != "solution":  # elsewhere a flat top is a saturated band of the sample: it is seen
        return []
    still = np.zeros(c.x.size, dtype=bool)
    still[1:] = np.abs(np.diff(c.spectrum)) < 1e-7
    still &= c.valid
    runs = np.zeros(c.x.size, dtype=bool)
    start = None
    for i, s in enumerate(np.append(still, False)):
        if s and start is None:
            start = i - 1 if i else 0
        elif not s and start is not None:
            if i - start >= FLAT_POINTS and c.spectrum[start:i].mean() >= OPAQUE_LEVEL * c.spectrum.max():
                runs[start:i] = True
            start = None
    return [(runs, "flat at the top (a window where the solvent absorbs everything)")] if runs.any() else []


def _water(c: Context) -> list[tuple[np.ndarray, str]]:
    left = [g for g in c.gases_left if g.startswith("water")]
    if not left:
        return []
    return [(_between(c.x, *WATER_OVER), f"under {left[0]} (atmospheric compensation is off)")]


HIDERS: tuple[Callable[[Context], list[tuple[np.ndarray, str]]], ...] = (_unmeasured, _medium, _flat, _water)


def undetermined(c: Context, group_names: tuple[str, ...]) -> dict[str, str]:
    """{group: reason} for the groups whose key band is hidden in this spectrum."""
    hidden = [h for hider in HIDERS for h in hider(c)]
    if not hidden:
        return {}
    bands = {g.name: g.bands[0] for g in GROUPS}
    out = {}
    for name in group_names:
        if name not in bands:
            continue
        band = _between(c.x, *bands[name])
        n = int(band.sum())
        if n == 0:
            continue
        covered = np.zeros(c.x.size, dtype=bool)
        for mask, _ in hidden:
            covered |= mask
        if (band & ~covered).sum() >= SEEN_SHARE * n:
            continue
        mask, reason = max(hidden, key=lambda h: int((h[0] & band).sum()))
        lo, hi = bands[name]
        out[name] = f"key band {lo:.0f}-{hi:.0f} cm-1 {reason}"
    return out


def undetermined_batch(x: np.ndarray, spectra: np.ndarray, valid: np.ndarray, states: list[str], phases: list[str],
                       group_names: tuple[str, ...]) -> list[dict[str, str]]:
    """`undetermined` for each row of a batch of grid spectra (datasets: no gases left in)."""
    return [undetermined(Context(x, s, v, st, ph), group_names) for s, v, st, ph in zip(spectra, valid, states, phases)]


def determined_mask(found: list[dict[str, str]], group_names: tuple[str, ...]) -> np.ndarray:
    """(n, groups) bool: True where a group is determined."""
    out = np.ones((len(found), len(group_names)), dtype=bool)
    index = {n: j for j, n in enumerate(group_names)}
    for i, f in enumerate(found):
        for name in f:
            out[i, index[name]] = False
    return out
