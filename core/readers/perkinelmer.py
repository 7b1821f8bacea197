"""PerkinElmer .sp (Spectrum / Spotlight single spectra).

Layout (facts from the specio-derived reader in orange-spectroscopy and from inspecting files):
"PEPE" + a 40-byte description, then nested blocks of uint16 id + int32 size + content. A
content that starts with a uint16 whose high byte is 0x75 is a typed member (0x7523 text:
uint16 length + bytes; 0x751D two float64; 0x752B uint32; 0x7516 uint32 byte count + float64
array); anything else holds child blocks. Members used: 35698 first/last x, 35701 number of
points, 35703 x units, 35704 y units, 35707 data kind, 35708 the float64 ordinates.
"""
from __future__ import annotations

import struct

import numpy as np

from core.spectra.units import canonical_x, canonical_y
from core.spectra.spectrum import Spectrum, SpectrumReadError

FORMAT = "PerkinElmer SP"
X_RANGE, N_POINTS, X_UNITS, Y_UNITS, KIND, DATA, MODE = 35698, 35701, 35703, 35704, 35707, 35708, 35846
MAX_DEPTH = 16


def _members(data: bytes, pos: int, end: int, depth: int, out: dict[int, tuple[int, bytes]]) -> None:
    """Collect leaf members as id -> (depth, content); the shallowest occurrence wins."""
    if depth > MAX_DEPTH:
        raise ValueError("blocks nested too deeply")
    while pos + 6 <= end:
        block_id, size = struct.unpack_from("<Hi", data, pos)
        content = pos + 6
        if size < 0 or content + size > end:
            raise ValueError(f"block {block_id} overruns its parent")
        if size >= 2 and data[content + 1] == 0x75:
            if block_id not in out or out[block_id][0] > depth:
                out[block_id] = (depth, data[content:content + size])
        else:
            _members(data, content, content + size, depth + 1, out)
        pos = content + size


def _text(member: bytes) -> str:
    (n,) = struct.unpack_from("<H", member, 2)
    return member[4:4 + n].decode("latin-1").strip()


def parse(data: bytes, src: str) -> list[Spectrum]:
    """The single spectrum of a .sp file."""
    if len(data) < 50:
        raise SpectrumReadError(src, f"{FORMAT}: file too short (truncated)")
    found: dict[int, tuple[int, bytes]] = {}
    pos = 44
    while pos + 6 <= len(data):  # the top-level members live in the outermost block
        block_id, size = struct.unpack_from("<Hi", data, pos)
        if size < 0 or pos + 6 + size > len(data):
            raise SpectrumReadError(src, f"{FORMAT}: block {block_id} runs past the end of the file (truncated?)")
        _members(data, pos + 6, pos + 6 + size, 0, found)
        pos += 6 + size
    top = {k: v for k, (_, v) in found.items()}
    missing = [m for m in (X_RANGE, N_POINTS, DATA) if m not in top]
    if missing:
        raise SpectrumReadError(src, f"{FORMAT}: no spectrum data (missing members {missing}); "
                                     "image files (.fsm) are not read")
    first, last = struct.unpack_from("<dd", top[X_RANGE], 2)
    (n,) = struct.unpack_from("<I", top[N_POINTS], 2)
    (nbytes,) = struct.unpack_from("<I", top[DATA], 2)
    if n < 2 or nbytes != 8 * n or 6 + nbytes > len(top[DATA]):
        raise SpectrumReadError(src, f"{FORMAT}: {n} points announced, data block holds {nbytes // 8}")
    y = np.frombuffer(top[DATA], "<f8", n, 6).astype(float)
    x = np.linspace(first, last, n)
    x_units = canonical_x(_text(top[X_UNITS])) if X_UNITS in top else "1/CM"
    y_units = canonical_y(_text(top[Y_UNITS])) if Y_UNITS in top else "ARBITRARY UNITS"
    meta = {"PE DATA KIND": _text(top[KIND]) if KIND in top else ""}
    if MODE in top:
        meta["PE MODE"] = _text(top[MODE])
    if Y_UNITS in top and "%" in _text(top[Y_UNITS]):
        meta["YPERCENT"] = "yes"
    warnings = []
    if "%R" in meta.get("PE MODE", "") and y_units != "REFLECTANCE":
        warnings.append(f"the instrument mode says {meta['PE MODE']!r} but the ordinate is {y_units.lower()}")
    title = data[4:44].split(b"\x00", 1)[0].decode("latin-1").strip()
    return [Spectrum(x=x, y=y, x_units=x_units, y_units=y_units, title=title, meta=meta, source=src, warnings=warnings)]
