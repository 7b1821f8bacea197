"""The correlation chart: every textbook band of the 17 groups (`groups.GROUPS`, the one owner
of the ranges) named by its vibration, the assignments that fit a wavenumber, and a spectrum's
peak table (peaks of its normalised absorbance with their assignments) as CSV rows."""
from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TextIO

import numpy as np

from core.data.groups import GROUPS
from core.spectra.peaks import DEFAULT_PROMINENCE, Peak, pick_peaks
from core.spectra.spectrum import Spectrum

# one vibration per textbook band of each group, in the order of Group.bands
VIBRATIONS: dict[str, tuple[str, ...]] = {
    "alkane": ("sp3 C-H stretch", "CH2 scissoring"),
    "methyl": ("CH3 C-H stretch", "CH3 symmetric bend", "CH3 asymmetric bend"),
    "alkene": ("=C-H stretch", "C=C stretch", "=C-H out-of-plane bend"),
    "alkyne": ("≡C-H stretch", "C≡C stretch", "≡C-H bend"),
    "alcohols": ("free O-H stretch", "C-O stretch"),
    "amines": ("N-H stretch", "N-H bend", "C-N stretch"),
    "nitriles": ("C≡N stretch",),
    "aromatics": ("aromatic C-H stretch", "ring C=C stretch", "C-H out-of-plane bend"),
    "alkyl halides": ("C-F stretch", "C-Cl / C-Br stretch"),
    "esters": ("C=O stretch", "C-O stretch"),
    "ketones": ("C=O stretch",),
    "aldehydes": ("C=O stretch", "aldehyde C-H stretch, Fermi doublet"),
    "carboxylic acids": ("monomer O-H stretch", "C=O stretch", "C-O stretch"),
    "ether": ("C-O-C stretch",),
    "acyl halides": ("C=O stretch",),
    "amides": ("amide I C=O stretch", "N-H stretch"),
    "nitro": ("NO2 asymmetric stretch", "NO2 symmetric stretch"),
}
PEAK_CSV_COLUMNS = ("file", "wavenumber_cm1", "intensity", "width_cm1", "assignments")


@dataclass(frozen=True)
class ChartBand:
    """One range of the correlation chart."""

    lo: float
    hi: float
    vibration: str
    group: str

    def label(self) -> str:
        return f"{self.vibration} ({self.group})"


CHART: tuple[ChartBand, ...] = tuple(ChartBand(lo, hi, vib, g.name) for g in GROUPS
                                     for (lo, hi), vib in zip(g.bands, VIBRATIONS[g.name], strict=True))


def assignments(wavenumber: float) -> tuple[str, ...]:
    """'vibration (group)' for every chart band that holds the wavenumber, the band it sits most
    centrally in first."""
    fits = [b for b in CHART if b.lo <= wavenumber <= b.hi]
    fits.sort(key=lambda b: abs(wavenumber - (b.lo + b.hi) / 2) / ((b.hi - b.lo) / 2))
    return tuple(b.label() for b in fits)


@dataclass(frozen=True)
class AssignedPeak:
    """A peak of a spectrum's normalised absorbance and the chart's assignments for it."""

    peak: Peak
    assignments: tuple[str, ...]

    def csv_row(self, file: str) -> list[str]:
        p = self.peak
        return [file, f"{p.wavenumber:.1f}", f"{p.intensity:.4f}", f"{p.width:.1f}", "; ".join(self.assignments)]


def spectrum_peaks(spectrum: Spectrum, prominence: float = DEFAULT_PROMINENCE) -> list[AssignedPeak]:
    """The peak table of a spectrum: peaks of its absorbance divided by its maximum (any file
    units; SpectrumReadError for units that cannot be converted), high wavenumber first."""
    from core.spectra.preprocess import standardise

    x, a = standardise(spectrum)
    top = float(np.nanmax(a)) if a.size else 0.0
    peaks = pick_peaks(x, a / top if top > 0 else a, prominence)
    return [AssignedPeak(p, assignments(p.wavenumber)) for p in reversed(peaks)]


def write_peaks_csv(stream: TextIO, tables: Iterable[tuple[str, list[AssignedPeak]]]) -> int:
    """Write (file label, peak table) pairs as CSV with PEAK_CSV_COLUMNS; returns the rows written."""
    w = csv.writer(stream)
    w.writerow(PEAK_CSV_COLUMNS)
    n = 0
    for file, peaks in tables:
        for p in peaks:
            w.writerow(p.csv_row(file))
            n += 1
    return n
