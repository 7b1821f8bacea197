"""Display units of the spectrum view: absorbance or percent transmittance, cm-1 or µm."""
from __future__ import annotations

import numpy as np

Y_UNITS = ("file", "A", "%T")  # "file": whatever the file was recorded in
Y_LABELS = {"A": "absorbance", "%T": "transmittance / %"}


def file_y_unit(y_units: str) -> str:
    """'%T' for transmittance files, else 'A'."""
    return "%T" if "TRANS" in y_units.upper() or y_units.strip().upper() in {"T", "%T"} else "A"


def file_x_is_micrometres(x_units: str) -> bool:
    u = x_units.upper()
    return "MICRO" in u or u.strip() in {"UM", "µM"}


def absorbance_as(a: np.ndarray, unit: str) -> np.ndarray:
    """Absorbance converted to the display unit ('A' or '%T')."""
    return 100.0 * np.power(10.0, -a) if unit == "%T" else a


def micrometres(wavenumber: float) -> float:
    return 1e4 / wavenumber if wavenumber > 0 else float("inf")


def format_x(wavenumber: float, micro: bool) -> str:
    """'2250 cm-1' or '4.44 µm (2250 cm-1)'."""
    return f"{micrometres(wavenumber):.2f} µm ({wavenumber:.0f} cm-1)" if micro else f"{wavenumber:.0f} cm-1"
