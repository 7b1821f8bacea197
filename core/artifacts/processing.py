"""The corrections applied to a spectrum before classification, as the user set them, and the
record of what was done: atmospheric compensation (`auto`: fitted, subtracted where found;
`off`), ATR correction (`auto`: for spectra that declare ATR; `off`; or a crystal, which applies
it to every spectrum) and baseline removal (`auto`: a polynomial under the bands, removed where it
rises toward high wavenumber like a scattering baseline; `on`: always; `off`).

Every correction works on absorbance over the spectrum's own ascending wavenumber axis, before
resampling, so `irgroups correct` writes the spectrum on its own points."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from core.artifacts.atmosphere import compensate
from core.artifacts.atr import CRYSTALS, DEFAULT_CRYSTAL, ATRSettings, correct_atr, describe

ATMOSPHERE_CHOICES = ("auto", "off")
ATR_CHOICES = ("auto", "off", *CRYSTALS)
BASELINE_CHOICES = ("auto", "on", "off")


@dataclass(frozen=True)
class Processing:
    """What to correct. The defaults are what `classify`, `evaluate` and the app apply."""

    atmosphere: str = "auto"
    atr: str = "auto"  # auto (spectra that declare ATR), off, or a crystal name (every spectrum)
    crystal: str = DEFAULT_CRYSTAL  # the crystal of `auto`
    angle: float = 45.0
    sample_index: float = 1.5
    baseline: str = "auto"

    def __post_init__(self):
        for name, value, choices in (("atmosphere", self.atmosphere, ATMOSPHERE_CHOICES),
                                     ("atr", self.atr, ATR_CHOICES), ("baseline", self.baseline, BASELINE_CHOICES)):
            if value not in choices:
                raise ValueError(f"--{name} {value!r}: use {', '.join(choices)}")
        self.atr_settings().check()

    def atr_settings(self) -> ATRSettings:
        """The accessory: the crystal `atr` names, else `crystal`."""
        return ATRSettings(self.atr if self.atr in CRYSTALS else self.crystal, self.angle, self.sample_index)


@dataclass
class Outcome:
    """A corrected spectrum: the absorbance, each correction done (a dict with `correction`,
    `text`, a `short` label and its coefficients), cautions, and gases found but left in
    (compensation off)."""

    absorbance: np.ndarray
    corrections: list[dict] = field(default_factory=list)
    cautions: list[str] = field(default_factory=list)
    gases_left: list[str] = field(default_factory=list)  # e.g. "water vapour lines 1400-1900 ... cm-1"


def declares_atr(phase: str) -> bool:
    """The spectrum says it was measured by ATR (its phase, from ##STATE or the user's choice)."""
    return phase == "atr"


CORRECTED_KEY = "$IRGROUPSCORRECTIONS"  # the label `irgroups correct` writes (core.readers.jcamp)


def already_atr_corrected(meta: dict) -> bool:
    """The instrument software has applied an ATR correction already (OPUS data kind 16), or
    `irgroups correct` has (its file says so)."""
    return "ATR-corrected" in str(meta.get("NOTE", "")) or "ATR correction" in str(meta.get(CORRECTED_KEY, ""))


def _atmosphere(x: np.ndarray, a: np.ndarray, processing: Processing, out: Outcome) -> np.ndarray:
    corrected, fits = compensate(x, a)
    found = [f for f in fits if f.applied]
    if processing.atmosphere == "off":
        out.gases_left += [f.describe() for f in found]
        out.cautions += [f"{f.describe()} in the spectrum (atmospheric compensation is off)" for f in found]
        return a
    for f in found:
        out.corrections.append(f.to_dict() | {"text": f"{f.name} subtracted (coefficient {f.amount:.4g}, "
                                                      f"{f.relative:.0%} of the spectrum's maximum)",
                                              "short": f"{f.name} {f.amount:.3g}"})
    return corrected


def _atr(x: np.ndarray, a: np.ndarray, phase: str, meta: dict, processing: Processing, out: Outcome) -> np.ndarray:
    if processing.atr == "off":
        return a
    if processing.atr == "auto" and not declares_atr(phase):
        return a
    if already_atr_corrected(meta):
        out.cautions.append("the file's data are ATR-corrected already; not corrected again")
        return a
    settings = processing.atr_settings()
    out.corrections.append({"correction": "atr", "crystal": settings.crystal, "crystal_index": settings.n_crystal,
                            "angle": settings.angle, "sample_index": settings.sample_index,
                            "text": describe(settings), "short": f"ATR ({settings.crystal})"})
    return correct_atr(x, a, settings)


def _baseline(x: np.ndarray, a: np.ndarray, processing: Processing, out: Outcome) -> np.ndarray:
    if processing.baseline == "off":
        return a
    from core.artifacts.baseline import remove_baseline

    corrected, info = remove_baseline(x, a, only_sloped=processing.baseline == "auto")
    if info is not None:
        out.corrections.append(info)
    return corrected


def apply(x: np.ndarray, a: np.ndarray, phase: str, meta: dict, processing: Processing = Processing()) -> Outcome:
    """All corrections, in order: the air's gases first (they were added last, in the beam path
    outside the sample), then the ATR rescaling, then the baseline, fitted under the bands of the
    rescaled spectrum (measured: the other way round costs ATR spectra 0.009 molecular F1)."""
    out = Outcome(np.asarray(a, dtype=np.float64))
    a = _atmosphere(x, out.absorbance, processing, out)
    a = _atr(x, a, phase, meta, processing, out)
    out.absorbance = _baseline(x, a, processing, out)
    return out
