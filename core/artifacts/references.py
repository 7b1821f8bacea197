"""Reference spectra of what the air in a spectrometer adds: water vapour and carbon dioxide.

Shipped in `resources/atmosphere/` as derived data of the NIST/EPA gas-phase spectra of H2O
(CAS 7732-18-5) and CO2 (CAS 124-38-9), NIST SRD 69: absorbance on the file's 4 cm-1 axis with
the slowly varying background removed (a rolling minimum, smoothed), so that only the lines
remain. `derive_reference` is the derivation; `tests/test_artifacts.py` checks the shipped files
against it when the NIST data is at hand.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from core.data.resources import resource_path
from core.spectra.preprocess import standardise
from core.spectra.spectrum import Spectrum

FOLDER = ("atmosphere",)
CITATION = ("NIST/EPA Gas-Phase Infrared Database, NIST Chemistry WebBook, NIST Standard Reference "
            "Database Number 69 (P.J. Linstrom and W.G. Mallard, eds.)")
BACKGROUND_WINDOW = 60.0  # cm-1: wider than any line, narrower than the band envelopes' baseline


@dataclass(frozen=True, eq=False)  # compared (and cached) by identity
class Reference:
    """A gas's lines (absorbance, background removed) on an ascending wavenumber axis, the regions
    its amount is fitted in, and the regions a caution names."""

    name: str  # "water vapour", "CO2"
    key: str  # "water", "co2"
    x: np.ndarray
    y: np.ndarray
    fit_regions: tuple[tuple[float, float], ...]
    line_regions: tuple[tuple[float, float], ...]  # where its lines are strong (said in cautions)
    cas: str = ""

    def on(self, x: np.ndarray) -> np.ndarray:
        """The reference at wavenumbers x (zero outside its range)."""
        return np.interp(x, self.x, self.y, left=0.0, right=0.0)

    def to_dict(self) -> dict:
        step = float(self.x[1] - self.x[0])
        return {"name": self.name, "key": self.key, "cas": self.cas, "source": CITATION,
                "derivation": f"absorbance minus its rolling minimum over {BACKGROUND_WINDOW:.0f} cm-1 (smoothed)",
                "x_start": float(self.x[0]), "x_step": step, "fit_regions": [list(r) for r in self.fit_regions],
                "line_regions": [list(r) for r in self.line_regions],
                "absorbance": [round(float(v), 6) for v in self.y]}

    @classmethod
    def from_dict(cls, d: dict) -> "Reference":
        y = np.asarray(d["absorbance"], dtype=np.float64)
        x = d["x_start"] + d["x_step"] * np.arange(y.size)
        return cls(d["name"], d["key"], x, y, tuple(map(tuple, d["fit_regions"])),
                   tuple(map(tuple, d["line_regions"])), d.get("cas", ""))


# Fit regions: orange-spectroscopy's defaults (Perez-Guaita et al., Appl. Spectrosc. 2013).
KNOWN = {
    "7732-18-5": ("water vapour", "water", ((1330.0, 2100.0), (3410.0, 3850.0)), ((1400.0, 1900.0), (3500.0, 3900.0))),
    "124-38-9": ("CO2", "co2", ((2190.0, 2480.0),), ((2280.0, 2390.0), (650.0, 690.0))),
}


def derive_reference(s: Spectrum, cas: str) -> Reference:
    """The lines of a gas-phase spectrum: absorbance minus a smoothed rolling minimum."""
    from scipy.ndimage import minimum_filter1d, uniform_filter1d

    name, key, fit, lines = KNOWN[cas]
    x, a = standardise(s)
    step = float(np.median(np.diff(x)))
    width = max(3, int(round(BACKGROUND_WINDOW / step)) | 1)
    background = uniform_filter1d(minimum_filter1d(a, width, mode="nearest"), width, mode="nearest")
    y = np.clip(a - np.minimum(background, a), 0.0, None)
    return Reference(name, key, x, y / y.max(), fit, lines, cas)


def write_references(spectra: dict[str, Spectrum], folder: str | Path) -> list[Path]:
    """Write derived references (CAS -> spectrum) as JSON files into `folder`."""
    out = []
    for cas, s in spectra.items():
        ref = derive_reference(s, cas)
        path = Path(folder) / f"{ref.key}.json"
        path.write_text(json.dumps(ref.to_dict()) + "\n")
        out.append(path)
    return out


@lru_cache(maxsize=1)
def shipped_references() -> tuple[Reference, ...]:
    """The bundled water-vapour and CO2 references."""
    folder = resource_path(*FOLDER)
    return tuple(Reference.from_dict(json.loads((folder / f"{key}.json").read_text())) for key in ("water", "co2"))
