"""The in-memory spectrum record shared by the readers, the preprocessing and the app."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


class SpectrumReadError(ValueError):
    """A file could not be read as a spectrum; the message names the file and the problem."""

    def __init__(self, source: str, problem: str):
        self.source = source
        self.problem = problem
        super().__init__(f"{source}: {problem}")


@dataclass
class Spectrum:
    """One spectrum as decoded from a file, in the file's own units.

    `kind` is "infrared", "nmr", "mass", "uv" or "unknown" (from the JCAMP data type or
    the x units); only infrared spectra should be classified.
    """

    x: np.ndarray
    y: np.ndarray
    x_units: str = "1/CM"
    y_units: str = "ABSORBANCE"
    title: str = ""
    meta: dict[str, str] = field(default_factory=dict)
    source: str = ""
    kind: str = "infrared"
    warnings: list[str] = field(default_factory=list)
    format: str = ""  # the file format's display name (core.readers.registry.FORMATS), set by the reader

    @property
    def is_infrared(self) -> bool:
        return self.kind == "infrared"

    @property
    def name(self) -> str:
        """A display name: the title, else the file name."""
        return self.title or self.source.rsplit("/", 1)[-1]
