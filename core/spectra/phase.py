"""Sample phase / medium classes, parsed from free-text states such as JCAMP `##STATE`.

The classes follow what the medium does to a spectrum, not the physical state alone:
- gas: sharp, free O-H/N-H bands, no matrix bands.
- liquid: neat films and melts; H-bonded bands, no matrix bands.
- kbr: KBr (or other halide) pellets and discs; H-bonded, water and scattering baselines.
- mull: Nujol/mineral oil/Fluorolube (split) mulls; the mulling agent's own bands.
- solution: CCl4, CS2, CHCl3, ... solutions; solvent-blocked regions.
- atr: attenuated total reflection; intensities grow toward low wavenumber.
- unknown: nothing said, or a state that fits none of the above (e.g. plain "SOLID").
"""
from __future__ import annotations

import re

import numpy as np

PHASES = ("gas", "liquid", "kbr", "mull", "solution", "atr", "unknown")
CONDENSED = ("liquid", "kbr", "mull", "solution", "atr")

# order matters: the first class whose pattern matches wins ("SOLID (NUJOL MULL)" is a mull)
_RULES: tuple[tuple[str, str], ...] = (
    ("atr", r"\bATR\b|ATTENUATED"),
    ("mull", r"MULL|NUJOL|FLUOROLUBE|PARAFFIN OIL|MINERAL OIL|HALOCARBON"),
    ("kbr", r"KBR|KCL|CSI|PELLET|DISC|DISK|PRESSING"),
    ("solution", r"SOLUTION|\bIN (CCL4|CS2|CHCL3|CDCL3|C2CL4|CH2CL2)|CCL4|CS2|CHCL3"),
    ("gas", r"\bGAS\b|VAPOU?R"),
    ("liquid", r"LIQUID|NEAT|FILM|MELT|BETWEEN SALTS|CAPILLARY"),
)


PHASE_GROUPS = ("gas", "condensed")


def phase_group(phase: str) -> str:
    """The phase group of a phase class: gas, or condensed (every other class, including an
    unknown phase, since users' files that say nothing are mostly lab spectra). Phase groups
    select the calibration offsets and, in models that have them, the dense head."""
    return "gas" if phase == "gas" else "condensed"


def phase_from_state(state: str | None) -> str:
    """The phase class of a free-text sample state ('' or unrecognised -> 'unknown')."""
    s = (state or "").upper()
    for phase, pattern in _RULES:
        if re.search(pattern, s):
            return phase
    return "unknown"


def normalise_phase(name: str) -> str:
    """A user-given phase name as one of PHASES (or 'auto'); ValueError names the choices."""
    n = name.strip().lower()
    if n == "auto" or n in PHASES:
        return n
    raise ValueError(f"unknown phase {name!r}; use auto, {', '.join(PHASES)}")


# Regions where the medium itself absorbs, so the sample's own absorption is not seen there.
# Nujol / mineral oil is a paraffin oil (C-H stretch, CH2/CH3 bends, CH2 rock); Fluorolube
# (a chlorofluorocarbon oil) absorbs strongly below ~1360 cm-1. A split mull uses each agent
# only where it is transparent, so it hides nothing.
_NUJOL = ((2800.0, 3000.0), (1340.0, 1480.0), (700.0, 740.0))
_FLUOROLUBE = ((400.0, 1360.0),)


def medium_bands(state: str | None, phase: str) -> tuple[tuple[float, float], ...]:
    """Wavenumber ranges (cm-1) that say nothing about the sample in this medium."""
    s = (state or "").upper()
    if phase != "mull" or "SPLIT" in s:
        return ()
    if "FLUOROLUBE" in s or "HALOCARBON" in s:
        return _FLUOROLUBE
    return _NUJOL  # Nujol, mineral/paraffin oil, or a mull of unstated agent (Nujol is the usual one)


def medium_keep(x: np.ndarray, state: str | None, phase: str) -> np.ndarray:
    """(L,) float32 over wavenumbers x: 0 where the medium absorbs (`medium_bands`), 1 elsewhere."""
    keep = np.ones(len(x), dtype=np.float32)
    for lo, hi in medium_bands(state, phase):
        keep[(x >= lo) & (x <= hi)] = 0.0
    return keep
