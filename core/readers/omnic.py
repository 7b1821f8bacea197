"""Thermo OMNIC .spa (one spectrum) and .spg (a group: one Spectrum each).

Layout (reverse-engineered by the OMNIC community; see spectrochempy's read_omnic and
orange-spectroscopy's SPAReader, read for the facts only): the file name at byte 30 (256
bytes), the number of directory entries at 294 (uint16), directory entries of 16 bytes from
byte 304: key (uint8), offset (uint32 at +2), size (uint32 at +6). Key 2 is a spectrum
header (npoints uint32 at +4, x-unit code at +8, y-unit code at +12, first and last x as
float32 at +16/+20), key 3 its float32 intensities, key 107 (groups) the spectrum's title.
The k-th key 2 goes with the k-th key 3.
"""
from __future__ import annotations

import struct

import numpy as np

from core.spectra import units as U
from core.spectra.spectrum import Spectrum, SpectrumReadError

FORMAT = "Thermo OMNIC"
_X_CODES = {1: U.WAVENUMBER, 2: U.POINTS, 3: U.NANOMETERS, 4: U.MICROMETERS, 32: "RAMAN SHIFT"}
# 12 is log(1/R) in spectrochempy's code but Kubelka-Munk in its docstring; its code (and
# 20 = Kubelka-Munk) is what OMNIC files we could check agree with, so the code is followed.
_Y_CODES = {17: U.ABSORBANCE, 16: U.TRANSMITTANCE, 11: U.REFLECTANCE, 12: U.LOG_1_R, 15: U.SINGLE_BEAM,
            20: U.KUBELKA_MUNK, 21: U.REFLECTANCE, 22: U.INTERFEROGRAM, 26: "PHOTOACOUSTIC",
            31: "RAMAN INTENSITY"}
_PERCENT = {16, 11}
_DIR, _ENTRY = 304, 16


def _text(data: bytes, pos: int, size: int = 256) -> str:
    raw = data[pos:pos + size].split(b"\x00", 1)[0]
    return raw.decode("latin-1").strip()


def _directory(data: bytes, src: str) -> list[tuple[int, int, int]]:
    (count,) = struct.unpack_from("<H", data, 294)
    if count == 0 or _DIR + _ENTRY * count > len(data):
        raise SpectrumReadError(src, f"{FORMAT}: directory of {count} entries does not fit the file (truncated?)")
    entries = []
    for i in range(count):
        key = data[_DIR + _ENTRY * i]
        offset, size = struct.unpack_from("<II", data, _DIR + _ENTRY * i + 2)
        entries.append((key, offset, size))
    return entries


def _block(data: bytes, offset: int, size: int, src: str, what: str) -> bytes:
    if offset + size > len(data) or size <= 0:
        raise SpectrumReadError(src, f"{FORMAT}: {what} lies beyond the end of the file (truncated?)")
    return data[offset:offset + size]


def parse(data: bytes, src: str) -> list[Spectrum]:
    """Every spectrum of a .spa or .spg file, with units from the header codes."""
    if data.startswith(b"Spectral Exte File"):
        raise SpectrumReadError(src, f"{FORMAT} series (.srs) files are not read; export the spectra as .spa")
    if len(data) < _DIR + _ENTRY:
        raise SpectrumReadError(src, f"{FORMAT}: file too short for a header (truncated)")
    entries = _directory(data, src)
    headers = [(o, s) for k, o, s in entries if k == 2]
    values = [(o, s) for k, o, s in entries if k == 3]
    titles = [o for k, o, _ in entries if k == 107]
    if not headers or len(values) < len(headers):
        raise SpectrumReadError(src, f"{FORMAT}: no spectrum data block (header or intensities missing)")
    group_title = _text(data, 30)
    out = []
    for i, ((h_off, h_size), (v_off, v_size)) in enumerate(zip(headers, values)):
        head = _block(data, h_off, max(h_size, 24), src, "a spectrum header")
        n, x_code, y_code = struct.unpack_from("<III", head, 4)
        first, last = struct.unpack_from("<ff", head, 16)
        raw = _block(data, v_off, v_size, src, "the intensities")
        if n < 2 or v_size != 4 * n:
            raise SpectrumReadError(src, f"{FORMAT}: header says {n} points, data block holds {v_size // 4}")
        if not (np.isfinite(first) and np.isfinite(last)):
            raise SpectrumReadError(src, f"{FORMAT}: x range is not a number (corrupt header)")
        y = np.frombuffer(raw, dtype="<f4").astype(float)
        x = np.linspace(first, last, n)
        title = _text(data, titles[i]) if i < len(titles) else group_title
        meta = {"OMNIC X CODE": str(x_code), "OMNIC Y CODE": str(y_code)}
        if y_code in _PERCENT:
            meta["YPERCENT"] = "yes"
        x_units = _X_CODES.get(x_code, f"OMNIC X CODE {x_code}")
        y_units = _Y_CODES.get(y_code, f"OMNIC Y CODE {y_code}")
        kind = "raman" if "RAMAN" in x_units or "RAMAN" in y_units else "infrared"
        out.append(Spectrum(x=x, y=y, x_units=x_units, y_units=y_units, title=title, meta=meta,
                            source=src, kind=kind))
    return out
