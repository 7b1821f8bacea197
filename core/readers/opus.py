"""Bruker OPUS binary files (.0, .1, ... any numeric extension).

Layout (Bruker's format as documented by the MIT-licensed brukeropus package; facts only):
magic 0a 0a fe fe, directory offset int32 at 12, block count int32 at 20. Each directory
entry is three int32: a packed block type, the size in 32-bit words and the byte offset.
The block type packs six codes: complex part (bits 0-1), channel (2-3: 1 sample, 2
reference), parameter kind (4-9: 0 data, 1 data status, ...), data kind (10-16, modulo 32:
1 single channel, 2 interferogram, 4 absorbance, 5 transmittance, 6 Kubelka-Munk, 12
reflectance, ...), derivative (17-18) and block form (19-21: 2 series, 4 compact).
A data block is paired with the data-status parameter block of the same type, which gives
NPT, FXV, LXV, CSF (y scale), DPF (1 float32, 2 int32) and DXU (x units). Parameter blocks
are entries of a 3-letter key + NUL, int16 type (0 int32, 1 float64, else text), int16
size in 16-bit words, the value; they end with END.
"""
from __future__ import annotations

import struct

import numpy as np

from core.spectra import units as U
from core.spectra.spectrum import Spectrum, SpectrumReadError

FORMAT = "Bruker OPUS"
# data kind -> (canonical y units, preference: lower is chosen first)
_KINDS = {4: (U.ABSORBANCE, 0), 19: (U.ABSORBANCE, 1), 16: (U.ABSORBANCE, 2), 5: (U.TRANSMITTANCE, 3),
          18: (U.TRANSMITTANCE, 4), 6: (U.KUBELKA_MUNK, 5), 15: (U.LOG_1_R, 6), 12: (U.REFLECTANCE, 7),
          1: (U.SINGLE_BEAM, 20), 2: (U.INTERFEROGRAM, 21), 11: ("EMISSION", 22), 10: ("RAMAN INTENSITY", 23),
          3: ("PHASE", 24), 14: ("POWER", 25), 17: ("PHOTOACOUSTIC", 26), 7: ("TRACE", 27)}
_KIND_NAMES = {1: "single channel", 2: "interferogram", 3: "phase", 7: "trace", 14: "power"}
_X_UNITS = {"WN": U.WAVENUMBER, "MI": U.MICROMETERS, "PNT": U.POINTS, "NM": U.NANOMETERS}


def _block_type(code: int) -> tuple[int, int, int, int, int, int]:
    return (code & 3, (code >> 2) & 3, (code >> 4) & 63, (code >> 10) & 127, (code >> 17) & 3, (code >> 19) & 7)


def _directory(data: bytes, src: str) -> list[tuple[tuple, int, int]]:
    start, count = struct.unpack_from("<i", data, 12)[0], struct.unpack_from("<i", data, 20)[0]
    if start <= 0 or count <= 0 or start + 12 * count > len(data):
        raise SpectrumReadError(src, f"{FORMAT}: directory does not fit the file (truncated?)")
    blocks = []
    for i in range(count):
        code, words, offset = struct.unpack_from("<3i", data, start + 12 * i)
        if offset <= 0:
            break
        if words < 0 or offset + 4 * words > len(data):
            raise SpectrumReadError(src, f"{FORMAT}: block {i} lies beyond the end of the file (truncated?)")
        blocks.append((_block_type(code), 4 * words, offset))
    return blocks


def parameters(raw: bytes) -> dict[str, object]:
    """The key -> value entries of a parameter block (keys upper case)."""
    out: dict[str, object] = {}
    pos = 0
    while pos + 8 <= len(raw):
        key = raw[pos:pos + 3].decode("latin-1")
        if key == "END":
            break
        kind, words = struct.unpack_from("<hh", raw, pos + 4)
        size = 2 * words
        if size < 0 or pos + 8 + size > len(raw):
            raise ValueError(f"parameter {key!r} overruns its block")
        if kind == 0:
            value: object = struct.unpack_from("<i", raw, pos + 8)[0]
        elif kind == 1:
            value = struct.unpack_from("<d", raw, pos + 8)[0]
        else:
            value = raw[pos + 8:pos + 8 + size].split(b"\x00", 1)[0].decode("latin-1")
        out[key] = value
        pos += 8 + size
    return out


def _same_type(a: tuple, b: tuple) -> bool:
    return a[:2] == b[:2] and a[3:] == b[3:]


def _is_data(t: tuple) -> bool:
    return t[2] == 0 and t[3] not in (0, 13) and t[5] not in (2, 5)


def _values(data: bytes, block: tuple[tuple, int, int], status: dict) -> np.ndarray:
    t, size, offset = block
    npt = int(status["NPT"])
    dtype = "<i4" if status.get("DPF", 1) == 2 else "<f4"
    if npt < 2 or 4 * npt > size:
        raise ValueError(f"NPT={npt} does not fit a block of {size} bytes")
    raw = data[offset:offset + size]
    raw = raw[size - 4 * npt:] if t[5] == 4 else raw[:4 * npt]  # compact blocks end with the data
    return np.frombuffer(raw, dtype=dtype).astype(float) * float(status.get("CSF", 1.0) or 1.0)


def _pairs(data: bytes, blocks: list) -> list[tuple[tuple, dict]]:
    """(data block, its data-status parameters) for every 1-D real data block, last stored first."""
    statuses = [(t, parameters(data[o:o + s])) for t, s, o in blocks if t[2] == 1]
    out = []
    for block in sorted((b for b in blocks if _is_data(b[0])), key=lambda b: -b[2]):
        found = [p for t, p in statuses if _same_type(block[0], t) and "NPT" in p and 4 * int(p["NPT"]) <= block[1]]
        if found:
            out.append((block, found[0]))
    return out


def parse(data: bytes, src: str) -> list[Spectrum]:
    """The best spectrum of an OPUS file: absorbance if present, else transmittance, then
    Kubelka-Munk/reflectance; a file with only single-channel or interferogram data is refused."""
    if len(data) < 24:
        raise SpectrumReadError(src, f"{FORMAT}: file too short for a header (truncated)")
    blocks = _directory(data, src)
    if any(t[2] == 0 and t[5] == 2 for t, _, _ in blocks) and not any(_is_data(t) for t, _, _ in blocks):
        raise SpectrumReadError(src, f"{FORMAT}: a data series (3-D file) is not read; export single spectra")
    pairs = [(b, p) for b, p in _pairs(data, blocks) if b[0][0] in (0, 1, 3) and b[0][4] == 0]
    if not pairs:
        raise SpectrumReadError(src, f"{FORMAT}: no spectrum data block with its data-status block")
    kinds = {b[0][3] % 32 for b, _ in pairs}
    usable = [(b, p) for b, p in pairs if _KINDS.get(b[0][3] % 32, ("", 99))[1] < 20]
    if not usable:
        names = ", ".join(sorted(_KIND_NAMES.get(k, f"kind {k}") for k in kinds))
        raise SpectrumReadError(src, f"{FORMAT}: only {names} data (no absorbance, transmittance or "
                                     "reflectance block); compute the spectrum in OPUS first")
    block, status = min(usable, key=lambda bp: _KINDS[bp[0][0][3] % 32][1])
    kind = block[0][3] % 32
    y = _values(data, block, status)
    x = np.linspace(float(status["FXV"]), float(status["LXV"]), y.size)
    params = {}
    for t, s, o in blocks:
        if t[2] > 1 and t[1] != 2:
            try:
                params.update(parameters(data[o:o + s]))
            except (ValueError, struct.error, UnicodeDecodeError):
                continue
    meta = {"OPUS BLOCK": f"{_KINDS[kind][0].lower()} (data kind {kind})",
            "OPUS BLOCKS": ", ".join(sorted({_KINDS.get(k, (f'kind {k}',))[0].lower() for k in kinds}))}
    if kind == 16:
        meta["NOTE"] = "ATR-corrected absorbance"
    title = str(params.get("SNM", "") or "")
    x_units = _X_UNITS.get(str(status.get("DXU", "WN")), str(status.get("DXU", "WN")))
    return [Spectrum(x=x, y=y, x_units=x_units, y_units=_KINDS[kind][0], title=title, meta=meta, source=src,
                     kind="raman" if kind == 10 else "infrared")]
