"""Read spectra from files, bytes or zip members: JCAMP-DX and two-column text/CSV."""
from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from core.jcamp import MAX_BYTES, parse_jcamp
from core.spectrum import Spectrum, SpectrumReadError

__all__ = ["Spectrum", "SpectrumReadError", "read_spectra", "read_spectrum", "iter_zip_spectra",
           "expand_paths", "SPECTRUM_SUFFIXES"]

SPECTRUM_SUFFIXES = {".jdx", ".dx", ".jcamp", ".jcm", ".csv", ".txt", ".tsv", ".dat", ".xy"}
_NUMBER = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"


def _decode(data: bytes, src: str) -> str:
    if len(data) > MAX_BYTES:
        raise SpectrumReadError(src, f"file too large ({len(data) // 1_048_576} MB)")
    if b"\x00" in data[:4096]:
        raise SpectrumReadError(src, "binary file, not a spectrum")
    for enc in ("utf-8-sig", "latin-1"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise SpectrumReadError(src, "cannot decode text")  # pragma: no cover - latin-1 always decodes


def _guess_units(header: str, x: np.ndarray, y: np.ndarray) -> tuple[str, str, list[str]]:
    h = header.lower()
    notes: list[str] = []
    if "nm" in re.findall(r"[a-z]+", h) or "nanomet" in h:
        x_units = "NANOMETERS"
    elif "µm" in h or "um" in re.findall(r"[a-z]+", h) or "micro" in h or x.max() < 50:
        x_units = "MICROMETERS"
    else:
        x_units = "1/CM"
    if "absorb" in h:
        y_units = "ABSORBANCE"
    elif "transm" in h or "%t" in h:
        y_units = "TRANSMITTANCE"
    else:
        # absorbance spectra sit on a baseline near zero; transmittance near its top
        y_units = "TRANSMITTANCE" if np.median(y) > 0.5 * y.max() > 0 else "ABSORBANCE"
        notes.append(f"y units not given; guessed {y_units.lower()} from the baseline")
    return x_units, y_units, notes


def parse_text_table(text: str, src: str) -> Spectrum:
    """Two-column numeric text: comma, semicolon, tab or space separated, optional header lines."""
    lines = text.splitlines()
    pattern = re.compile(rf"^\s*({_NUMBER})\s*[,;\t ]\s*({_NUMBER})\s*(?:[,;\t ].*)?$")
    header, rows = [], []
    for line in lines:
        m = pattern.match(line)
        if m:
            rows.append((float(m.group(1)), float(m.group(2))))
        elif not rows and line.strip():
            header.append(line)
        elif line.strip() and not line.lstrip().startswith("#"):
            raise SpectrumReadError(src, f"unreadable line {len(header) + len(rows) + 1}: {line.strip()[:40]!r}")
    if len(rows) < 10:
        raise SpectrumReadError(src, "not a spectrum (fewer than 10 numeric x,y rows)")
    table = np.asarray(rows)
    x, y = table[:, 0], table[:, 1]
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise SpectrumReadError(src, "data contain NaN or infinite values")
    x_units, y_units, notes = _guess_units(" ".join(header), x, y)
    return Spectrum(x=x, y=y, x_units=x_units, y_units=y_units, title=Path(src).stem,
                    meta={"HEADER": "\n".join(header)}, source=src, kind="infrared", warnings=notes)


def parse_bytes(data: bytes, src: str) -> list[Spectrum]:
    """Parse file contents; the format is recognised from the content, not the name."""
    text = _decode(data, src)
    if not text.strip():
        raise SpectrumReadError(src, "empty file")
    if re.search(r"^\s*##", text[:65536], re.MULTILINE):
        return parse_jcamp(text, src)
    return [parse_text_table(text, src)]


def read_spectra(path: str | Path, data: bytes | None = None) -> list[Spectrum]:
    """All spectra in a file (or in `data`, named `path` for messages)."""
    src = str(path)
    if data is None:
        p = Path(path)
        if not p.exists():
            raise SpectrumReadError(src, "no such file")
        if p.is_dir():
            raise SpectrumReadError(src, "is a folder, not a file")
        if p.stat().st_size > MAX_BYTES:
            raise SpectrumReadError(src, f"file too large ({p.stat().st_size // 1_048_576} MB)")
        try:
            data = p.read_bytes()
        except OSError as exc:
            raise SpectrumReadError(src, f"cannot read ({exc.strerror})") from None
    try:
        return parse_bytes(data, src)
    except SpectrumReadError:
        raise
    except (ValueError, OverflowError, MemoryError, IndexError) as exc:
        raise SpectrumReadError(src, f"malformed data ({exc})") from None


def read_spectrum(path: str | Path, data: bytes | None = None) -> Spectrum:
    """The first spectrum in a file."""
    return read_spectra(path, data)[0]


def expand_paths(paths: list[str]) -> list[str]:
    """Files as given, and the spectrum files inside any folders (recursively, sorted)."""
    out = []
    for p in paths:
        pp = Path(p)
        if pp.is_dir():
            out += [str(f) for f in sorted(pp.rglob("*")) if f.is_file() and f.suffix.lower() in SPECTRUM_SUFFIXES]
        else:
            out.append(str(pp))
    return out


def iter_zip_spectra(zip_path: str | Path) -> Iterator[tuple[str, bytes]]:
    """(member name, bytes) for every spectrum-like member of a zip archive."""
    with zipfile.ZipFile(zip_path) as zf:
        for info in zf.infolist():
            if not info.is_dir() and Path(info.filename).suffix.lower() in SPECTRUM_SUFFIXES:
                yield info.filename, zf.read(info)


def csv_rows(path: str | Path) -> list[dict[str, str]]:
    """Rows of a CSV/TSV file as dicts (delimiter sniffed)."""
    text = Path(path).read_text(encoding="utf-8-sig", errors="replace")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return list(csv.DictReader(io.StringIO(text), dialect=dialect))
