"""Delimited text: comma, semicolon, tab or space columns; decimal points or decimal commas;
header lines (units from column names) and trailing comment lines; one spectrum per y column.

Dialect rules: a semicolon or tab in the data lines is the column separator (a comma inside a
field is then a decimal comma); commas with whitespace between fields ("4000,00 90,000") are
decimal commas; otherwise commas separate columns.
"""
from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np

from core.spectra.units import ABSORBANCE, MICROMETERS, NANOMETERS, POINTS, TRANSMITTANCE, WAVENUMBER, canonical_x, canonical_y, is_percent
from core.spectra.spectrum import Spectrum, SpectrumReadError

QUOTED = "quoted:"  # prefix of a separator for "quoted","fields" (read with the csv module)
MIN_ROWS = 10
_NUM = re.compile(r"^[+-]?(?:\d+[.,]?\d*|[.,]\d+)(?:[eE][+-]?\d+)?$|^[+-]?(?:nan|inf)$", re.IGNORECASE)
_KNOWN_Y = {ABSORBANCE, TRANSMITTANCE, "REFLECTANCE", "KUBELKA-MUNK", "LOG(1/R)", "SINGLE BEAM",
            "INTERFEROGRAM", "ARBITRARY UNITS", "COUNTS"}
_DECLARED = re.compile(r"^\W*([xy])[ _]?units\s*[=:]\s*(.+?)\s*$", re.IGNORECASE | re.MULTILINE)
_SEP_NAMES = {None: "whitespace", r"\s*;\s*": "semicolon", r"\s*\t\s*": "tab", QUOTED + ";": "semicolon",
              QUOTED + "\t": "tab", QUOTED + ",": "comma"}
_KNOWN_X = {WAVENUMBER, MICROMETERS, NANOMETERS, POINTS}


def decode_text(data: bytes, src: str) -> str:
    """Text from bytes: UTF-16 with a BOM, UTF-8 (with or without BOM), else Latin-1."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise SpectrumReadError(src, "text: bad UTF-16") from None
    if b"\x00" in data[:4096]:
        raise SpectrumReadError(src, "binary file of an unknown format, not a spectrum")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _dialect(lines: list[str]) -> tuple[str | None, str]:
    """(column separator regex or None for whitespace, decimal mark) from sample data lines."""
    sample = [l for l in lines if l.strip().lstrip('"')[:1] in set("0123456789+-.,")][:200]
    if any('"' in l for l in sample):  # quoted fields: the separator is what is left outside the quotes
        outside = "".join(re.sub(r'"[^"]*"', "", l) for l in sample)
        sep = next((c for c in ";\t," if c in outside), None)
        inside = "".join("".join(re.findall(r'"([^"]*)"', l)) for l in sample)
        return (None if sep is None else QUOTED + sep), ("," if "," in inside else ".")
    if any(";" in l for l in sample):
        return r"\s*;\s*", "," if any("," in l for l in sample) else "."
    if any("\t" in l for l in sample):
        return r"\s*\t\s*", "," if any("," in l for l in sample) else "."
    if any("," in l for l in sample):
        spaced = all(len(l.split()) >= 2 and all(t.count(",") <= 1 for t in l.split()) for l in sample)
        return (None, ",") if spaced else (r"\s*,\s*", ".")
    return None, "."


def _fields(line: str, sep: str | None) -> list[str]:
    if sep is not None and sep.startswith(QUOTED):
        return next(csv.reader([line.strip()], delimiter=sep[-1]))
    parts = line.split() if sep is None else re.split(sep, line.strip())
    if parts and parts[-1] == "" and len(parts) > 1:
        parts = parts[:-1]  # trailing separator
    return parts


def _numbers(fields: list[str], decimal: str) -> list[float] | None:
    if len(fields) < 2:
        return None
    out = []
    for f in fields:
        f = f.strip().strip('"')
        if f == "":
            out.append(np.nan)
            continue
        if decimal == ",":
            f = f.replace(",", ".")
        if not _NUM.match(f):
            return None
        out.append(float(f))
    return out


def _unit_from_name(name: str, canon, known: set[str], min_len: int = 1) -> str | None:
    """A unit named in a column header: the whole name, the bracketed part, or one word
    (words shorter than `min_len` count only with a % sign: free header text has stray As and Ts)."""
    candidates = ([name] + re.findall(r"[(\[{]([^)\]}]*)[)\]}]", name)
                  + re.split(r"[\s,()\[\]:=]+", name) + re.split(r"[\s/,()\[\]:=]+", name))
    for c in candidates:
        c = c.strip()
        if c and (len(c) >= min_len or "%" in c) and canon(c) in known:
            return canon(c)
    return None


def _guess_x(x: np.ndarray) -> tuple[str, str | None]:
    finite = x[np.isfinite(x)]
    if finite.size > 2 and finite[0] in (0.0, 1.0) and np.allclose(np.diff(finite), 1.0):
        return POINTS, "x is a data-point index 0, 1, 2, ... (no wavenumbers)"
    if finite.size and np.nanmax(np.abs(finite)) < 50:
        return MICROMETERS, "x units not given; read as micrometres (values below 50)"
    return WAVENUMBER, None


def _guess_y(y: np.ndarray) -> tuple[str, str]:
    f = y[np.isfinite(y)]
    top = float(f.max()) if f.size else 0.0
    unit = TRANSMITTANCE if top > 0 and np.median(f) > 0.5 * top else ABSORBANCE
    return unit, f"y units not given; guessed {unit.lower()} from the baseline"


def parse(data: bytes, src: str) -> list[Spectrum]:
    """Every y column of a delimited numeric table as a spectrum (x = first column)."""
    text = decode_text(data, src)
    if not text.strip():
        raise SpectrumReadError(src, "empty file")
    lines = text.splitlines()
    sep, decimal = _dialect(lines)
    header: list[str] = []
    rows: list[list[float]] = []
    end = None
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        values = _numbers(_fields(line, sep), decimal)
        if values is not None and end is None:
            rows.append(values)
        elif not rows:
            header.append(line)
        elif end is None:
            end = i
        elif values is not None and not line.lstrip().startswith(("#", "%", "//")):
            raise SpectrumReadError(src, f"text: unreadable line {end + 1}: {lines[end].strip()[:40]!r}")
    if len(rows) < MIN_ROWS:
        raise SpectrumReadError(src, f"not a spectrum (fewer than {MIN_ROWS} numeric x,y rows)")
    width = max(set(map(len, rows)), key=[len(r) for r in rows].count)
    bad = next((k for k, r in enumerate(rows) if len(r) != width), None)
    if bad is not None:
        raise SpectrumReadError(src, f"text: row {bad + 1} of the table has {len(rows[bad])} columns, not {width}")
    table = np.asarray(rows, dtype=float)
    x = table[:, 0]
    if not np.all(np.isfinite(x)):
        raise SpectrumReadError(src, "text: missing or non-numeric x values")
    names = _fields(header[-1], sep) if header else []
    if len(names) != width:
        names = []
    head_text = "\n".join(header)
    notes: list[str] = []
    declared = {k.lower(): v.strip() for k, v in _DECLARED.findall(head_text)}
    x_units = canonical_x(declared["x"]) if "x" in declared else None
    x_units = x_units or (_unit_from_name(names[0], canonical_x, _KNOWN_X) if names else None)
    x_units = x_units or _unit_from_name(head_text, canonical_x, _KNOWN_X, min_len=3)
    if x_units is None:
        x_units, note = _guess_x(x)
        notes += [note] if note else []
    out = []
    stem = Path(src).name
    for j in range(1, width):
        y = table[:, j]
        name = names[j].strip().strip('"') if names else ""
        y_units = canonical_y(declared["y"]) if "y" in declared and width == 2 else None
        y_units = y_units or (_unit_from_name(name, canonical_y, _KNOWN_Y) if name else None)
        if y_units is None and width == 2:
            y_units = _unit_from_name(head_text, canonical_y, _KNOWN_Y, min_len=3)
        ynotes = []
        if y_units is None and x_units == POINTS:
            y_units = "ARBITRARY UNITS"  # a point-index axis says nothing of the ordinate
        elif y_units is None:
            y_units, note = _guess_y(y)
            ynotes.append(note)
        meta = {"HEADER": head_text, "DIALECT": f"{_SEP_NAMES.get(sep, 'comma')}-separated, decimal {decimal!r}"}
        if is_percent(name or head_text) and y_units == TRANSMITTANCE:
            meta["YPERCENT"] = "yes"
        title = name if width > 2 and name else Path(stem).stem
        out.append(Spectrum(x=x.copy(), y=y.copy(), x_units=x_units, y_units=y_units, title=title, meta=meta,
                            source=src, kind="infrared", warnings=notes + ynotes))
    return out


def write_csv(s: Spectrum) -> str:
    """Two-column CSV (x, y) in the spectrum's own units and order, units in the header,
    values to 10 significant digits; reads back through parse()."""
    keep = np.isfinite(s.x) & np.isfinite(s.y)
    rows = [f"{a:.10g},{b:.10g}" for a, b in zip(np.asarray(s.x)[keep], np.asarray(s.y)[keep])]
    return f"# x_units={s.x_units}\n# y_units={s.y_units}\nx,y\n" + "\n".join(rows) + "\n"
