"""Canonical unit names: every spelling a header may use maps to one string on Spectrum."""
from __future__ import annotations

import re

ABSORBANCE = "ABSORBANCE"
TRANSMITTANCE = "TRANSMITTANCE"
REFLECTANCE = "REFLECTANCE"
KUBELKA_MUNK = "KUBELKA-MUNK"
LOG_1_R = "LOG(1/R)"
SINGLE_BEAM = "SINGLE BEAM"
INTERFEROGRAM = "INTERFEROGRAM"
ARBITRARY = "ARBITRARY UNITS"
COUNTS = "COUNTS"

WAVENUMBER = "1/CM"
MICROMETERS = "MICROMETERS"
NANOMETERS = "NANOMETERS"
POINTS = "POINTS"  # data-point index (interferograms, unknown abscissa)

# keys are spellings with spaces, dots, dashes, underscores and brackets removed, upper case
_Y = {
    ABSORBANCE: "ABSORBANCE ABS A AU ABSORBANCEAU ABSORBANCEUNITS ABSORPTION OPTICALDENSITY OD",
    TRANSMITTANCE: "TRANSMITTANCE TRANSMISSION T %T PERCENTTRANSMITTANCE %TRANSMITTANCE TRANS %TRANS "
                   "TRANSMITTANCE% TRANSMITTANCEPERCENT",
    REFLECTANCE: "REFLECTANCE R %R REFL PERCENTREFLECTANCE %REFLECTANCE REFLECTANCE%",
    KUBELKA_MUNK: "KUBELKAMUNK KM KMUNITS",
    LOG_1_R: "LOG1/R LOG1R LOGR-1 LOG(1/R)",
    SINGLE_BEAM: "SINGLEBEAM SINGLECHANNEL SC SCSM SCRF BACKGROUND EMISSION",
    INTERFEROGRAM: "INTERFEROGRAM IGRAM IFG IGSM IGRF",
    ARBITRARY: "ARBITRARYUNITS ARBITRARY ARBUNITS INTENSITY",
    COUNTS: "COUNTS",
}
_X = {
    WAVENUMBER: "1/CM CM-1 CM^-1 CM**-1 WAVENUMBER WAVENUMBERS WAVENUMBERCM-1 WAVENUMBERS1/CM "
                "WAVENUMBER1/CM WAVENUMBERSCM-1 CM1 RECIPROCALCM WAVENUMBERCM1 WAVENUMBERSCM1 "
                "WAVENUMBERS/CM-1 WAVENUMBER/CM-1 WAVENUMBERS/CM1 WAVENUMBER/CM1",
    MICROMETERS: "MICROMETERS MICROMETRES MICRONS MICRON UM µM ΜM WAVELENGTHUM WAVELENGTHµM",
    NANOMETERS: "NANOMETERS NANOMETRES NM WAVELENGTHNM",
    POINTS: "POINTS POINT DATAPOINTS INDEX",
}
_Y_MAP = {k: v for v, keys in _Y.items() for k in keys.split()}
_X_MAP = {k: v for v, keys in _X.items() for k in keys.split()}


def _key(text: str) -> str:
    return re.sub(r"[\s._\-\[\]()]", "", text).upper().replace("PERCENT", "%") if text else ""


def _lookup(text: str, table: dict[str, str]) -> str | None:
    k = _key(text)
    if k in table:
        return table[k]
    alt = _key(text.replace("-", " - "))  # keep "CM-1" style spellings
    return table.get(re.sub(r"\s", "", text).upper(), table.get(alt))


def canonical_y(text: str) -> str:
    """Canonical y-unit name, or the input upper-cased when not recognised."""
    return _lookup(text, _Y_MAP) or _lookup(text.replace("%", "% "), _Y_MAP) or text.strip().upper()


def canonical_x(text: str) -> str:
    """Canonical x-unit name, or the input upper-cased when not recognised."""
    return _lookup(text, _X_MAP) or text.strip().upper()


def is_percent(text: str) -> bool:
    """True when a unit spelling says percent (%T, %R, PERCENT TRANSMITTANCE)."""
    return "%" in text or "PERCENT" in text.upper()
