"""Read spectra from files, bytes or zip members (every format of core.readers.registry), and the
file-finding helpers the CLI, the dataset builder and the app share."""
from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

from core.readers.registry import MAX_BYTES, SPECTRUM_SUFFIXES, is_spectrum_name, parse_bytes
from core.spectra.spectrum import Spectrum, SpectrumReadError

__all__ = ["Spectrum", "SpectrumReadError", "read_spectra", "read_spectrum", "iter_zip_spectra",
           "expand_paths", "SPECTRUM_SUFFIXES", "csv_rows", "parse_bytes"]


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
            out += [str(f) for f in sorted(pp.rglob("*")) if f.is_file() and is_spectrum_name(f.name)]
        else:
            out.append(str(pp))
    return out


def iter_zip_spectra(zip_path: str | Path) -> Iterator[tuple[str, bytes]]:
    """(member name, bytes) for every spectrum-like member of a zip archive."""
    with zipfile.ZipFile(zip_path) as zf:
        for info in zf.infolist():
            if not info.is_dir() and is_spectrum_name(info.filename):
                yield info.filename, zf.read(info)


def csv_rows(path: str | Path) -> list[dict[str, str]]:
    """Rows of a CSV/TSV file as dicts (delimiter sniffed)."""
    text = Path(path).read_text(encoding="utf-8-sig", errors="replace")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return list(csv.DictReader(io.StringIO(text), dialect=dialect))
