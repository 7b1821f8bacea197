"""Spectrum readers, one module per format, chosen by content signature first and file
extension second. Every reader returns a list of Spectrum (multi-spectrum files give several)
and raises only SpectrumReadError; the registry turns any other failure of a parser on a
corrupt or truncated file into a one-line SpectrumReadError naming the file and the format.

Reader modules are imported when first needed, so an optional dependency of one format never
slows or breaks the others.
"""
from __future__ import annotations

import importlib
import re
import struct
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.spectra.units import canonical_x, canonical_y
from core.spectra.spectrum import Spectrum, SpectrumReadError

MAX_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True)
class Format:
    """A file format: its display name, the module that parses it, how to recognise it."""

    name: str
    module: str  # module with parse(data: bytes, src: str) -> list[Spectrum]
    suffixes: tuple[str, ...]
    sniff: Callable[[bytes], bool]

    def parse(self, data: bytes, src: str) -> list[Spectrum]:
        return importlib.import_module(self.module).parse(data, src)


def _magic(*prefixes: bytes) -> Callable[[bytes], bool]:
    return lambda data: data.startswith(prefixes)


def _spc_sniff(data: bytes) -> bool:
    """GRAMS SPC: version byte 0x4B (new LSB), 0x4C (new MSB) or 0x4D (old) and a 512-byte header."""
    return len(data) >= 256 and data[1:2] in (b"\x4b", b"\x4c", b"\x4d") and not _is_text(data)


def _is_text(data: bytes) -> bool:
    return b"\x00" not in data[:4096]


def _jcamp_sniff(data: bytes) -> bool:
    return importlib.import_module("core.readers.jcamp").sniff(data)


def _opus_numeric(name: str) -> bool:
    return re.fullmatch(r"\.\d+", Path(name).suffix) is not None


# signature order matters: the strongest signatures first
FORMATS: tuple[Format, ...] = (
    Format("Bruker OPUS", "core.readers.opus", (".0",), _magic(b"\x0a\x0a\xfe\xfe")),
    Format("Thermo OMNIC", "core.readers.omnic", (".spa", ".spg"), _magic(b"Spectral Data File", b"Spectral Exam File")),
    Format("PerkinElmer SP", "core.readers.perkinelmer", (".sp",), _magic(b"PEPE")),
    Format("GRAMS SPC", "core.readers.spc", (".spc",), _spc_sniff),
    Format("JCAMP-DX", "core.readers.jcamp", (".jdx", ".dx", ".jcamp", ".jcm"), _jcamp_sniff),
    Format("text", "core.readers.text", (".csv", ".txt", ".tsv", ".dat", ".xy", ".dpt", ".prn", ".asc"),
           _is_text),
)

# formats we recognise but do not read: (signature, name, why)
REFUSED: tuple[tuple[bytes, str, str], ...] = (
    (b"WDF1", "Renishaw WDF", "Raman maps and spectra are not infrared"),
    (b"\x89HDF", "HDF5", "not a single spectrum file (an IR Groups dataset or an instrument map?)"),
    (b"PK\x03\x04", "zip archive", "give the folder or the archive to `dataset build`, or unpack it"),
    (b"%PDF", "PDF", "a report, not spectrum data"),
    (b"\x89PNG", "PNG image", "a picture of a spectrum, not its data"),
    (b"\xff\xd8\xff", "JPEG image", "a picture of a spectrum, not its data"),
)

SPECTRUM_SUFFIXES = frozenset(s for f in FORMATS for s in f.suffixes)


def is_spectrum_name(name: str | Path) -> bool:
    """True for file names a reader claims (OPUS files have any numeric extension)."""
    suffix = Path(name).suffix.lower()
    return suffix in SPECTRUM_SUFFIXES or _opus_numeric(str(name))


def detect(data: bytes, name: str = "") -> Format | None:
    """The format of `data`: by content signature, else by the extension of `name`."""
    for fmt in FORMATS[:-1]:  # text is the fallback, not a signature
        if fmt.sniff(data):
            return fmt
    suffix = Path(name).suffix.lower()
    by_name = next((f for f in FORMATS if suffix in f.suffixes), None)
    if by_name is None and _opus_numeric(name):
        by_name = FORMATS[0]
    if _is_text(data):
        return FORMATS[-1]  # text without a ##LABEL= line is a table, whatever its name
    return by_name if by_name is not None and by_name.name != "JCAMP-DX" else None


def _refused(data: bytes) -> tuple[str, str] | None:
    return next(((n, why) for sig, n, why in REFUSED if data.startswith(sig)), None)


def parse_bytes(data: bytes, src: str) -> list[Spectrum]:
    """All spectra in a file's bytes, with canonical units and `format` set."""
    if len(data) > MAX_BYTES:
        raise SpectrumReadError(src, f"file too large ({len(data) // 1_048_576} MB)")
    if not data.strip():
        raise SpectrumReadError(src, "empty file")
    refused = _refused(data)
    if refused:
        raise SpectrumReadError(src, f"{refused[0]} file: {refused[1]}")
    fmt = detect(data, src)
    if fmt is None:
        raise SpectrumReadError(src, "binary file of an unknown format (not OPUS, OMNIC, GRAMS SPC, "
                                     "PerkinElmer SP or JCAMP-DX)")
    try:
        with np.errstate(all="ignore"):  # corrupt floats are judged by core.spectra.validity, not warned about
            spectra = fmt.parse(data, src)
    except SpectrumReadError as exc:
        if exc.problem.startswith(fmt.name) or fmt.name in ("text", "JCAMP-DX"):
            raise
        raise SpectrumReadError(src, f"{fmt.name}: {exc.problem}") from None
    except ImportError as exc:
        raise SpectrumReadError(src, f"{fmt.name}: reader unavailable ({exc})") from None
    except (ValueError, struct.error, IndexError, KeyError, OverflowError, MemoryError, TypeError,
            UnicodeDecodeError, ZeroDivisionError) as exc:
        detail = str(exc).splitlines()[0][:80] if str(exc) else type(exc).__name__
        raise SpectrumReadError(src, f"{fmt.name}: corrupt or truncated file ({detail})") from None
    if not spectra:
        raise SpectrumReadError(src, f"{fmt.name}: no spectrum in the file")
    for s in spectra:
        s.format = s.format or fmt.name
        s.x_units = canonical_x(s.x_units)
        s.y_units = canonical_y(s.y_units)
    return spectra


def file_dialog_filter() -> str:
    """A Qt file-dialog filter: all spectra, then one entry per format, then all files."""
    def globs(f: Format) -> str:
        pats = [f"*{s}" for s in f.suffixes] + (["*.[0-9]*"] if f.name == "Bruker OPUS" else [])
        return " ".join(dict.fromkeys(pats))
    every = " ".join(globs(f) for f in FORMATS)
    return ";;".join([f"Spectra ({every})"] + [f"{f.name} ({globs(f)})" for f in FORMATS] + ["All files (*)"])
