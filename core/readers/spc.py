"""Galactic/Thermo GRAMS .spc: single and multi-subfile, evenly spaced x (first/last), one
shared x array (TXVALS) or one x array per subfile (TXYXYS); new (0x4B) and old (0x4D)
headers; y as float32 or scaled int32/int16. One Spectrum per subfile.

Written from the format description in Thermo Galactic's SPC.H / "SPC file format" note
(header field offsets, flag bits, unit codes); values cross-checked against spc-io and the
text exports shipped with rohanisaac/spc.
"""
from __future__ import annotations

import struct

import numpy as np

from core.spectra import units as U
from core.spectra.spectrum import Spectrum, SpectrumReadError

FORMAT = "GRAMS SPC"
TSPREC, TMULTI, TXYXYS, TXVALS = 0x01, 0x04, 0x40, 0x80
_X_UNITS = {0: "ARBITRARY", 1: U.WAVENUMBER, 2: U.MICROMETERS, 3: U.NANOMETERS, 4: "SECONDS", 5: "MINUTES",
            6: "HZ", 9: "M/Z", 10: "PPM", 13: "RAMAN SHIFT", 14: "EV", 22: U.POINTS, 255: U.POINTS}
_Y_UNITS = {0: U.ARBITRARY, 1: U.INTERFEROGRAM, 2: U.ABSORBANCE, 3: U.KUBELKA_MUNK, 4: U.COUNTS, 5: "VOLTS",
            10: U.LOG_1_R, 11: "PERCENT", 12: "INTENSITY", 13: "RELATIVE INTENSITY", 128: U.TRANSMITTANCE,
            129: U.REFLECTANCE, 130: U.SINGLE_BEAM, 131: "EMISSION"}
# experiment type -> Spectrum.kind (0 "general" is decided from the x units)
_KINDS = {1: "chromatogram", 2: "chromatogram", 3: "chromatogram", 4: "infrared", 5: "infrared", 7: "uv",
          8: "x-ray", 9: "mass", 10: "nmr", 11: "raman", 12: "fluorescence", 13: "atomic", 14: "chromatogram"}


def _text(raw: bytes) -> str:
    return raw.split(b"\x00", 1)[0].decode("latin-1").strip()


def _y(raw: bytes, n: int, exp: int, prec16: bool, old: bool) -> np.ndarray:
    if exp == -128:
        return np.frombuffer(raw, "<f4", n).astype(float)
    if prec16:
        return np.frombuffer(raw, "<i2", n).astype(float) * 2.0 ** (exp - 16)
    if old:  # old format stores each int32 as two 16-bit words, high word first
        w = np.frombuffer(raw, "<u2", 2 * n).reshape(n, 2).astype(np.int64)
        v = ((w[:, 0] << 16) | w[:, 1]).astype(np.uint32).view(np.int32)
        return v.astype(float) * 2.0 ** (exp - 32)
    return np.frombuffer(raw, "<i4", n).astype(float) * 2.0 ** (exp - 32)


def _need(data: bytes, end: int, src: str, what: str) -> None:
    if end > len(data):
        raise SpectrumReadError(src, f"{FORMAT}: {what} lies beyond the end of the file (truncated?)")


def _header(data: bytes, src: str) -> dict:
    flags, version = data[0], data[1]
    if version == 0x4B:
        _need(data, 512, src, "the header")
        exper, exp = data[2], struct.unpack_from("<b", data, 3)[0]
        npts, first, last, nsub = struct.unpack_from("<IddI", data, 4)
        xtype, ytype = data[28], data[29]
        return dict(flags=flags, old=False, exper=exper, exp=exp, npts=npts, first=first, last=last,
                    nsub=max(nsub, 1), xtype=xtype, ytype=ytype, comment=_text(data[88:218]), start=512)
    if version == 0x4D:
        _need(data, 256, src, "the header")
        exp = struct.unpack_from("<h", data, 2)[0]
        npts, first, last = struct.unpack_from("<fff", data, 4)
        # old files have no subfile count: it follows from the file size
        return dict(flags=flags, old=True, exper=0, exp=exp, npts=int(npts), first=first, last=last, nsub=0,
                    xtype=data[16], ytype=data[17], comment=_text(data[64:194]), start=224)
    raise SpectrumReadError(src, f"{FORMAT}: unknown version byte 0x{version:02x}")


def _kind(h: dict, x_units: str) -> str:
    if h["exper"] in _KINDS:
        return _KINDS[h["exper"]]
    if x_units == "RAMAN SHIFT":
        return "raman"
    return "infrared" if x_units in (U.WAVENUMBER, U.MICROMETERS, U.NANOMETERS) else "unknown"


def parse(data: bytes, src: str) -> list[Spectrum]:
    """One Spectrum per subfile."""
    h = _header(data, src)
    flags, n = h["flags"], h["npts"]
    xyxy = bool(flags & TXYXYS)
    pos = h["start"]
    if not xyxy and not 1 < n <= len(data) // 2:
        raise SpectrumReadError(src, f"{FORMAT}: header says {n} points (corrupt header)")
    shared_x = None
    if flags & TXVALS and not xyxy:
        _need(data, pos + 4 * n, src, "the x values")
        shared_x = np.frombuffer(data, "<f4", n, pos).astype(float)
        pos += 4 * n
    elif not xyxy:
        shared_x = np.linspace(h["first"], h["last"], n)
    x_units = _X_UNITS.get(h["xtype"], f"SPC X CODE {h['xtype']}")
    y_units = _Y_UNITS.get(h["ytype"], f"SPC Y CODE {h['ytype']}")
    kind = _kind(h, x_units)
    multi = bool(flags & TMULTI)
    limit = h["nsub"] if not h["old"] else (1 if not multi else 1 << 20)
    out = []
    width = 2 if flags & TSPREC else 4
    while len(out) < limit and pos + 32 <= len(data):
        sub_exp = struct.unpack_from("<b", data, pos + 1)[0]
        sub_n = struct.unpack_from("<I", data, pos + 16)[0]
        pos += 32
        if xyxy:
            if not 1 < sub_n <= len(data):
                raise SpectrumReadError(src, f"{FORMAT}: subfile {len(out) + 1} says {sub_n} points (corrupt)")
            _need(data, pos + 4 * sub_n, src, f"subfile {len(out) + 1}")
            x = np.frombuffer(data, "<f4", sub_n, pos).astype(float)
            pos += 4 * sub_n
        else:
            x, sub_n = shared_x, n
        exp = sub_exp if multi else h["exp"]  # multifiles scale each subfile by its own exponent
        if h["old"] and h["exp"] == -128:
            exp = -128
        width_y = 4 if exp == -128 else width
        _need(data, pos + width_y * sub_n, src, f"subfile {len(out) + 1}")
        y = _y(data[pos:pos + width_y * sub_n], sub_n, exp, width_y == 2, h["old"])
        pos += width_y * sub_n
        title = h["comment"] if len(out) == 0 or not multi else f"{h['comment']} #{len(out) + 1}"
        out.append(Spectrum(x=x.copy(), y=y, x_units=x_units, y_units=y_units, title=title,
                            meta={"SPC X CODE": str(h["xtype"]), "SPC Y CODE": str(h["ytype"]),
                                  "SPC EXPERIMENT": str(h["exper"])}, source=src, kind=kind))
        if h["old"] and not multi:
            break
    if not out:
        raise SpectrumReadError(src, f"{FORMAT}: no subfile data (truncated?)")
    if not h["old"] and len(out) < h["nsub"]:
        raise SpectrumReadError(src, f"{FORMAT}: header says {h['nsub']} subfiles, {len(out)} found (truncated?)")
    return out
