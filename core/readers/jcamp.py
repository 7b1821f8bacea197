"""JCAMP-DX 4.24 / 5.x reader: AFFN and every ASDF form (SQZ, DIF, DUP, PAC), XYPOINTS,
PEAK TABLE, LINK files with several blocks; and the JCAMP-DX 5.01 writer.

Reference: McDonald & Wilks, "JCAMP-DX: A Standard Form for Exchange of Infrared
Spectra in Computer Readable Form", Appl. Spectrosc. 42, 151 (1988), and the JCAMP-DX
5.01 specification (Pure Appl. Chem. 2006). Decoding follows the standard's rules:
the abscissa of a line is only a check value (x is rebuilt from FIRSTX/LASTX/NPOINTS),
a line that ends in DIF form repeats its last ordinate as the first ordinate of the
next line (the "y-check"), which is verified and dropped.
"""
from __future__ import annotations

import re

import numpy as np

from core.readers.text import decode_text
from core.spectra.spectrum import Spectrum, SpectrumReadError

_SQZ = {c: (i, 1) for i, c in enumerate("@ABCDEFGHI")} | {c: (i + 1, -1) for i, c in enumerate("abcdefghi")}
_DIF = {"%": (0, 1)} | {c: (i + 1, 1) for i, c in enumerate("JKLMNOPQR")} | {
    c: (i + 1, -1) for i, c in enumerate("jklmnopqr")}
_DUP = {c: (i + 1, 1) for i, c in enumerate("STUVWXYZs")}
_ASDF_CHARS = re.compile(r"[@A-DF-Ia-df-i%J-Rj-rS-Zs]")
_AFFN = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_LABEL = re.compile(r"^\s*##([^=]*)=(.*)$")
MAX_BYTES = 64 * 1024 * 1024


def normalise_label(label: str) -> str:
    """JCAMP label comparison ignores case, spaces, dashes, slashes and underscores."""
    return re.sub(r"[\s\-/_]", "", label).upper()


def _strip_comment(line: str) -> str:
    i = line.find("$$")
    return line if i < 0 else line[:i]


def _tokens(line: str, src: str, lineno: int) -> list[tuple[str, float]]:
    """Split one compressed data line into (kind, value) tokens: kind is abs, dif or dup."""
    out: list[tuple[str, float]] = []
    kind = None
    sign = 1
    digits = ""

    def flush():
        if kind is None:
            return
        if kind != "abs" and digits == "" and kind == "dup":
            raise SpectrumReadError(src, f"line {lineno}: empty DUP count")
        text = digits or "0"
        try:
            value = float(text)
        except ValueError:
            raise SpectrumReadError(src, f"line {lineno}: bad number {text!r}") from None
        out.append((kind, sign * value))

    for ch in line:
        if ch.isdigit() or ch == ".":
            if kind is None:
                kind, sign, digits = "abs", 1, ""
            digits += ch
            continue
        if ch in " \t,;":
            flush()
            kind, digits = None, ""
            continue
        flush()
        if ch in "+-":
            kind, sign, digits = "abs", (1 if ch == "+" else -1), ""
        elif ch in _SQZ:
            d, sign = _SQZ[ch]
            kind, digits = "abs", str(d)
        elif ch in _DIF:
            d, sign = _DIF[ch]
            kind, digits = "dif", str(d)
        elif ch in _DUP:
            d, sign = _DUP[ch]
            kind, digits = "dup", str(d)
        else:
            raise SpectrumReadError(src, f"line {lineno}: unexpected character {ch!r} in data")
    flush()
    return out


def _decode_asdf(lines: list[tuple[int, str]], src: str) -> tuple[list[float], list[float], list[int]]:
    """Decode (X++(Y..Y)) lines in any ASDF mix. Returns line x values, y values and the
    number of ordinates contributed by each line."""
    xs: list[float] = []
    ys: list[float] = []
    counts: list[int] = []
    pending_check = False
    for lineno, line in lines:
        toks = _tokens(line, src, lineno)
        if not toks:
            continue
        if toks[0][0] != "abs":
            raise SpectrumReadError(src, f"line {lineno}: line does not start with an abscissa")
        xs.append(toks[0][1])
        line_y: list[float] = []
        last_kind = None
        last_delta = 0.0
        check_value = None
        for i, (kind, value) in enumerate(toks[1:]):
            if kind == "abs":
                if i == 0 and pending_check:
                    check_value = value
                line_y.append(value)
                last_kind = "abs"
            elif kind == "dif":
                prev = line_y[-1] if line_y else (ys[-1] if ys and i == 0 and not pending_check else None)
                if prev is None:
                    raise SpectrumReadError(src, f"line {lineno}: DIF value with no preceding ordinate")
                line_y.append(prev + value)
                last_kind, last_delta = "dif", value
            else:  # dup
                if last_kind is None:
                    raise SpectrumReadError(src, f"line {lineno}: DUP count with nothing to repeat")
                for _ in range(int(value) - 1):
                    line_y.append(line_y[-1] + last_delta if last_kind == "dif" else line_y[-1])
        if pending_check and check_value is not None and ys:
            if abs(check_value - ys[-1]) > 1e-6 * max(1.0, abs(ys[-1])):
                raise SpectrumReadError(
                    src, f"line {lineno}: DIF y-check failed ({check_value:g} != {ys[-1]:g}); data corrupt")
            line_y = line_y[1:]
        pending_check = last_kind == "dif"
        ys.extend(line_y)
        counts.append(len(line_y))
    return xs, ys, counts


def _decode_affn(lines: list[tuple[int, str]], src: str) -> tuple[list[float], list[float], list[int]]:
    """Fast path for plain decimal (AFFN) (X++(Y..Y)) lines."""
    xs: list[float] = []
    ys: list[float] = []
    counts: list[int] = []
    for lineno, line in lines:
        nums = _AFFN.findall(line)
        if not nums:
            continue
        if len(_AFFN.sub("", line).strip(" \t,;")) > 0:
            raise SpectrumReadError(src, f"line {lineno}: unreadable data {line.strip()[:40]!r}")
        values = [float(v) for v in nums]
        xs.append(values[0])
        ys.extend(values[1:])
        counts.append(len(values) - 1)
    return xs, ys, counts


def _pairs(lines: list[tuple[int, str]], src: str, width: int) -> np.ndarray:
    """(XY..XY) or (XYW..XYW) tables: numbers separated by commas, semicolons, spaces."""
    text = " ".join(_strip_comment(l) for _, l in lines)
    if len(_AFFN.sub("", text).strip(" \t,;()\r\n?")) > 0:
        raise SpectrumReadError(src, "unreadable values in point table")
    values = np.array([float(v) for v in _AFFN.findall(text)], dtype=float)
    if values.size == 0 or values.size % width:
        raise SpectrumReadError(src, f"point table has {values.size} numbers, not a multiple of {width}")
    return values.reshape(-1, width)


def _float(meta: dict[str, str], key: str, src: str) -> float | None:
    if key not in meta or meta[key].strip() == "":
        return None
    m = _AFFN.search(meta[key])
    if not m:
        raise SpectrumReadError(src, f"##{key}= is not a number: {meta[key]!r}")
    return float(m.group())


def _kind(meta: dict[str, str], x_units: str) -> str:
    dtype = meta.get("DATATYPE", "").upper()
    if "INFRARED" in dtype or re.search(r"\bIR\b", dtype):
        return "infrared"
    if "NMR" in dtype or x_units in {"HZ", "PPM"}:
        return "nmr"
    if "MASS" in dtype or x_units == "M/Z":
        return "mass"
    if "UV" in dtype or "VIS" in dtype:
        return "uv"
    if not dtype and x_units in {"1/CM", "MICROMETERS", "NANOMETERS"}:
        return "infrared"
    return "unknown"


def _build(meta: dict[str, str], data_label: str, data_form: str, lines: list[tuple[int, str]],
           src: str) -> Spectrum:
    xfactor = _float(meta, "XFACTOR", src) or 1.0
    yfactor = _float(meta, "YFACTOR", src) or 1.0
    x_units = re.sub(r"\s+", "", meta.get("XUNITS", "1/CM")).upper() or "1/CM"
    y_units = meta.get("YUNITS", "ABSORBANCE").strip().upper() or "ABSORBANCE"
    warnings: list[str] = []
    form = re.sub(r"\s", "", data_form).upper()
    if data_label == "XYDATA" and "X++(Y..Y)" in form:
        body = [(n, _strip_comment(l)) for n, l in lines]
        compressed = any(_ASDF_CHARS.search(l) for _, l in body)
        line_x, ys, counts = (_decode_asdf if compressed else _decode_affn)(body, src)
        if not ys:
            raise SpectrumReadError(src, "no data points")
        y = np.asarray(ys, dtype=float) * yfactor
        firstx, lastx = _float(meta, "FIRSTX", src), _float(meta, "LASTX", src)
        npoints = _float(meta, "NPOINTS", src)
        if npoints is not None and int(npoints) != y.size:
            raise SpectrumReadError(src, f"##NPOINTS={int(npoints)} but {y.size} points decoded (truncated or corrupt)")
        if firstx is not None and lastx is not None:
            x = np.linspace(firstx, lastx, y.size) if y.size > 1 else np.array([firstx])
            step = abs(lastx - firstx) / max(y.size - 1, 1)
            if abs(line_x[0] * xfactor - firstx) > max(step, 1e-9 * abs(firstx)) * 1.01:
                raise SpectrumReadError(
                    src, f"first abscissa {line_x[0] * xfactor:g} disagrees with ##FIRSTX={firstx:g}")
        else:
            deltax = _float(meta, "DELTAX", src)
            if deltax is None:
                raise SpectrumReadError(src, "##FIRSTX/##LASTX and ##DELTAX are all missing")
            x = np.concatenate([x0 * xfactor + deltax * np.arange(c) for x0, c in zip(line_x, counts)])
            warnings.append("x rebuilt from line abscissae and ##DELTAX (no ##FIRSTX/##LASTX)")
    elif data_label in {"XYPOINTS", "PEAKTABLE", "XYDATA"}:
        width = 3 if "XYW" in form else 2
        if "XY" not in form:
            raise SpectrumReadError(src, f"unsupported data form ##{data_label}={data_form}")
        table = _pairs(lines, src, width)
        x, y = table[:, 0] * xfactor, table[:, 1] * yfactor
        npoints = _float(meta, "NPOINTS", src)
        if npoints is not None and int(npoints) != y.size:
            raise SpectrumReadError(src, f"##NPOINTS={int(npoints)} but {y.size} points read")
        if data_label == "PEAKTABLE":
            meta["PEAKTABLE"] = "yes"
            warnings.append("peak table, not a continuous spectrum")
    else:
        raise SpectrumReadError(src, f"unsupported data label ##{data_label}")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise SpectrumReadError(src, "data contain NaN or infinite values")
    return Spectrum(x=x, y=y, x_units=x_units, y_units=y_units, title=meta.get("TITLE", "").strip(),
                    meta=meta, source=src, kind=_kind(meta, x_units), warnings=warnings)


def parse_jcamp(text: str, src: str) -> list[Spectrum]:
    """All data blocks of a JCAMP-DX text (LINK files give several)."""
    if len(text) > MAX_BYTES:
        raise SpectrumReadError(src, f"file too large ({len(text) // 1_048_576} MB)")
    spectra: list[Spectrum] = []
    meta: dict[str, str] = {}
    data_label = data_form = None
    lines: list[tuple[int, str]] = []
    seen_label = False
    last_key = None
    for lineno, raw in enumerate(text.splitlines(), start=1):
        m = _LABEL.match(raw)
        if m:
            seen_label = True
            key = normalise_label(m.group(1))
            value = _strip_comment(m.group(2)).strip()
            if data_label is not None and key != "END":
                # a new label closes the data table (e.g. ##PEAK ASSIGNMENTS after ##XYDATA)
                spectra.append(_build(meta, data_label, data_form, lines, src))
                data_label, lines = None, []
                meta = dict(meta)
            if key == "TITLE":
                meta = {"TITLE": value}
            elif key == "END":
                if data_label is not None:
                    spectra.append(_build(meta, data_label, data_form, lines, src))
                data_label, lines, meta = None, [], {}
            elif key in {"XYDATA", "XYPOINTS", "PEAKTABLE"}:
                data_label, data_form, lines = key, value, []
            else:
                meta[key] = value
            last_key = key
        elif data_label is not None:
            lines.append((lineno, raw))
        elif last_key and last_key in meta and raw.strip() and not raw.lstrip().startswith("$$"):
            meta[last_key] = (meta[last_key] + "\n" + raw.strip()).strip()
    if data_label is not None:
        raise SpectrumReadError(src, "truncated: data block has no ##END=")
    if not seen_label:
        raise SpectrumReadError(src, "not a JCAMP-DX file (no ##LABEL= lines)")
    if not spectra:
        raise SpectrumReadError(src, "no spectrum data block (##XYDATA, ##XYPOINTS or ##PEAK TABLE)")
    return spectra


# ---------------------------------------------------------------- the registry's entry points
def sniff(data: bytes) -> bool:
    """A text file with a ##LABEL= line near its start."""
    head = data[:65536]
    return b"\x00" not in head[:4096] and re.search(rb"^\s*##[^=\r\n]*=", head, re.MULTILINE) is not None


def parse(data: bytes, src: str) -> list[Spectrum]:
    """All data blocks of a JCAMP-DX file (LINK files give several)."""
    return parse_jcamp(decode_text(data, src), src)


# ---------------------------------------------------------------- writer
CORRECTIONS_LABEL = "$IRGROUPSCORRECTIONS"  # what `irgroups correct` did to a spectrum (read back as meta)
_KEEP_LABELS = ("STATE", "CASREGISTRYNO", "MOLFORM", "ORIGIN", "OWNER", "SAMPLINGPROCEDURE")
_LABEL_NAMES = {"CASREGISTRYNO": "CAS REGISTRY NO", "SAMPLINGPROCEDURE": "SAMPLING PROCEDURE",
                CORRECTIONS_LABEL: "$IRGROUPS CORRECTIONS"}
LINE_WIDTH = 80


def _evenly_spaced(x: np.ndarray) -> bool:
    if x.size < 3:
        return False
    d = np.diff(x)
    return bool(np.all(np.abs(d - d[0]) <= 1e-6 * max(abs(d[0]), 1e-12)) and d[0] != 0)


def _g(v: float) -> str:
    return f"{v:.10g}"


def _xydata_lines(x: np.ndarray, y: np.ndarray) -> list[str]:
    """(X++(Y..Y)) AFFN lines no wider than LINE_WIDTH; each starts with its first point's x."""
    lines, i = [], 0
    while i < y.size:
        line = _g(x[i])
        j = i
        while j < y.size and len(line) + 1 + len(_g(y[j])) <= LINE_WIDTH:
            line += " " + _g(y[j])
            j += 1
        lines.append(line)
        i = j
    return lines


def write_jcamp(s: Spectrum) -> str:
    """JCAMP-DX 5.01 text for one spectrum: (X++(Y..Y)) AFFN when x is evenly spaced, else
    (XY..XY) points; values to 10 significant digits, in the spectrum's own units and order."""
    keep = np.isfinite(s.x) & np.isfinite(s.y)
    x, y = np.asarray(s.x, float)[keep], np.asarray(s.y, float)[keep]
    if x.size == 0:
        raise SpectrumReadError(s.source, "nothing to write (no finite points)")
    title = (s.title or s.name or "spectrum").replace("\n", " ")[:70]
    head = [f"##TITLE={title}", "##JCAMP-DX=5.01", "##DATA TYPE=INFRARED SPECTRUM",
            f"##ORIGIN={s.meta.get('ORIGIN', 'unknown').splitlines()[0][:70] or 'unknown'}",
            f"##OWNER={s.meta.get('OWNER', 'unknown').splitlines()[0][:70] or 'unknown'}"]
    head += [f"##{_LABEL_NAMES.get(k, k)}={s.meta[k].splitlines()[0][:70]}" for k in _KEEP_LABELS[:4]
             if k in s.meta and k not in ("ORIGIN", "OWNER")]
    if CORRECTIONS_LABEL in s.meta:
        head.append(f"##{_LABEL_NAMES[CORRECTIONS_LABEL]}={' '.join(s.meta[CORRECTIONS_LABEL].split())}")
    head += [f"##$SOURCE FILE={s.source.rsplit('/', 1)[-1][:70]}", f"##$SOURCE FORMAT={s.format or 'unknown'}",
             f"##XUNITS={s.x_units}", f"##YUNITS={s.y_units}", "##XFACTOR=1", "##YFACTOR=1",
             f"##FIRSTX={_g(x[0])}", f"##LASTX={_g(x[-1])}", f"##MINY={_g(y.min())}", f"##MAXY={_g(y.max())}",
             f"##NPOINTS={x.size}", f"##FIRSTY={_g(y[0])}"]
    if _evenly_spaced(x):
        head.append(f"##DELTAX={_g((x[-1] - x[0]) / (x.size - 1))}")
        body = ["##XYDATA=(X++(Y..Y))"] + _xydata_lines(x, y)
    else:
        body = ["##XYPOINTS=(XY..XY)"] + [f"{_g(a)}, {_g(b)}" for a, b in zip(x, y)]
    return "\n".join(head + body + ["##END="]) + "\n"
