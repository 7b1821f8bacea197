"""ATR correction: attenuated total reflection sees the sample to a depth that grows with the
wavelength, so band intensities grow toward low wavenumber. The basic correction (as OMNIC's)
rescales by the penetration depth

    dp = lambda / (2 pi n_c sqrt(sin^2(theta) - (n_s / n_c)^2))

relative to its value at 1000 cm-1, which leaves a transmission-like spectrum. The dispersion
shifts of strong bands (an "advanced" correction's work) are left to the network, which is
trained on them (`core.artifacts.simulate`).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CRYSTALS = {"diamond": 2.4, "znse": 2.4, "ge": 4.0}
DEFAULT_CRYSTAL = "diamond"
DEFAULT_ANGLE = 45.0
DEFAULT_SAMPLE_INDEX = 1.5
REFERENCE_WAVENUMBER = 1000.0


@dataclass(frozen=True)
class ATRSettings:
    """The accessory: crystal (or its refractive index), angle of incidence, sample index."""

    crystal: str = DEFAULT_CRYSTAL
    angle: float = DEFAULT_ANGLE
    sample_index: float = DEFAULT_SAMPLE_INDEX
    crystal_index: float | None = None  # overrides the crystal's preset

    @property
    def n_crystal(self) -> float:
        if self.crystal_index is not None:
            return self.crystal_index
        try:
            return CRYSTALS[self.crystal.lower()]
        except KeyError:
            raise ValueError(f"unknown ATR crystal {self.crystal!r}; use {', '.join(CRYSTALS)}") from None

    def check(self) -> None:
        """ValueError when total reflection does not happen with these indices and angle."""
        s = np.sin(np.radians(self.angle))
        if not 0 < self.angle < 90 or s <= self.sample_index / self.n_crystal:
            raise ValueError(f"no total reflection: sample index {self.sample_index} over crystal index "
                             f"{self.n_crystal} needs an angle above "
                             f"{np.degrees(np.arcsin(min(1.0, self.sample_index / self.n_crystal))):.0f} degrees")


def penetration_depth(wavenumber: np.ndarray, settings: ATRSettings = ATRSettings()) -> np.ndarray:
    """Penetration depth in micrometres at each wavenumber (cm-1)."""
    settings.check()
    n_c, n_s = settings.n_crystal, settings.sample_index
    s = np.sin(np.radians(settings.angle))
    lam = 1e4 / np.asarray(wavenumber, dtype=np.float64)
    return lam / (2 * np.pi * n_c * np.sqrt(s ** 2 - (n_s / n_c) ** 2))


def relative_depth(wavenumber: np.ndarray, settings: ATRSettings = ATRSettings()) -> np.ndarray:
    """dp(wavenumber) / dp(1000 cm-1): the factor ATR puts on the absorbance."""
    return penetration_depth(wavenumber, settings) / penetration_depth(np.array([REFERENCE_WAVENUMBER]), settings)[0]


def correct_atr(x: np.ndarray, a: np.ndarray, settings: ATRSettings = ATRSettings()) -> np.ndarray:
    """The basic ATR correction of absorbance a at wavenumbers x."""
    return np.asarray(a, dtype=np.float64) / relative_depth(x, settings)


def describe(settings: ATRSettings) -> str:
    return (f"ATR correction ({settings.crystal}, n = {settings.n_crystal:g}, {settings.angle:g} degrees, "
            f"sample n = {settings.sample_index:g})")
