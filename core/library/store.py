"""Reference libraries: known spectra with their structures, for similarity search.

A library file is HDF5 (no pickle): the spectra in model-input form (resampled onto the
grid, normalised), the 17 group labels, and per entry the name, CAS number, source file,
structure (SMILES or InChI) and phase class. It is written atomically (temporary file, then
rename), carries a format version and a content hash, and loading checks both.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from core import __version__
from core.data.h5file import atomic_h5, read_strings, write_common
from core.data.dataset import BuildReport, Dataset, iter_labelled, load_dataset, load_structures
from core.data.groups import GROUP_NAMES
from core.spectra.preprocess import DEFAULT_GRID, Grid, normalise, resample_batch
from core.spectra.resolution import to_grid_resolution

FORMAT = "irgroups-library"
FORMAT_VERSION = 1
_TEXT_FIELDS = ("names", "cas", "files", "identifiers", "phases")
_CAS = re.compile(r"^\d{2,7}-\d{2}-\d$")
Progress = Callable[[int, int, str], None]


class LibraryError(ValueError):
    """A library file or its inputs are unusable; the message names the file."""


@dataclass
class Library:
    """Reference spectra (model-input form) with labels, structures and provenance."""

    spectra: np.ndarray  # (n, grid.n) float32
    labels: np.ndarray  # (n, groups) uint8
    names: list[str]
    cas: list[str]
    files: list[str]
    identifiers: list[str]  # SMILES or InChI
    phases: list[str]  # core.spectra.phase.PHASES
    grid: Grid = DEFAULT_GRID
    group_names: tuple[str, ...] = GROUP_NAMES
    provenance: dict = field(default_factory=dict)
    path: str = ""

    def __len__(self) -> int:
        return len(self.files)

    @property
    def content_hash(self) -> str:
        h = hashlib.sha256()
        h.update(np.ascontiguousarray(self.spectra, dtype=np.float32).tobytes())
        h.update(np.ascontiguousarray(self.labels, dtype=np.uint8).tobytes())
        for key in _TEXT_FIELDS:
            h.update("\n".join(getattr(self, key)).encode())
        return h.hexdigest()

    @cached_property
    def features(self) -> np.ndarray:
        """Search features of every entry (computed once, see core.search.features)."""
        from core.library.features import features

        return features(self.spectra)

    def select(self, idx: np.ndarray) -> "Library":
        """A library of the given rows (same grid and provenance)."""
        idx = np.asarray(idx)
        return Library(self.spectra[idx], self.labels[idx], *([getattr(self, k)[i] for i in idx] for k in _TEXT_FIELDS),
                       grid=self.grid, group_names=self.group_names, provenance=dict(self.provenance))

    def phase_counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for p in self.phases:
            out[p] = out.get(p, 0) + 1
        return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def _cas_of(row_cas: str, base: str) -> str:
    """The CAS number from the structures table, else from a NIST-style file name (50-00-0.jdx)."""
    stem = Path(base).stem
    return row_cas.strip() or (stem if _CAS.match(stem) else "")


def library_from_dataset(ds: Dataset, source: str = "") -> Library:
    """A library from a dataset .h5, with the dataset's phase per spectrum."""
    return Library(ds.spectra.astype(np.float32), ds.labels.astype(np.uint8), list(ds.names),
                   [_cas_of("", i) for i in ds.ids], list(ds.ids), list(ds.identifiers), list(ds.phases),
                   ds.grid, tuple(ds.group_names), {"sources": [source or str(ds.provenance.get("source", ""))]})


def merge_libraries(parts: Sequence[Library]) -> Library:
    """One library from several on the same grid and groups."""
    first = parts[0]
    for p in parts[1:]:
        if p.grid != first.grid or p.group_names != first.group_names:
            raise LibraryError("cannot merge libraries with different grids or groups")
    return Library(np.concatenate([p.spectra for p in parts]), np.concatenate([p.labels for p in parts]),
                   *([v for p in parts for v in getattr(p, k)] for k in _TEXT_FIELDS),
                   grid=first.grid, group_names=first.group_names,
                   provenance={"sources": [s for p in parts for s in p.provenance.get("sources", [])]})


def _is_dataset(path: str | Path) -> bool:
    return Path(path).suffix.lower() in {".h5", ".hdf5"}


def build_library(sources: Sequence[str | Path], structures: Sequence[str | Path] = (), grid: Grid = DEFAULT_GRID,
                  check_formula: bool = True, progress: Progress | None = None,
                  cancelled: Callable[[], bool] | None = None) -> tuple[Library, BuildReport]:
    """A library from spectra folders/zips/files matched to structures CSVs (all tables merged;
    gas and condensed phases together, each entry's phase from its ##STATE), or from dataset .h5
    files. The report says what was read and skipped, as for a dataset build. `cancelled` is
    asked before each file (core.data.dataset.BuildCancelled when it says True)."""
    if not sources:
        raise LibraryError("no spectra sources given")
    table: dict[str, dict[str, str]] = {}
    for csv_path in structures:
        table.update(load_structures(csv_path))
    spectra_sources = [s for s in sources if not _is_dataset(s)]
    if spectra_sources and not table:
        raise LibraryError("spectra folders/zips need --structures CSV (file and inchi/smiles columns)")
    report = BuildReport()
    parts: list[Library] = []
    for src in sources:
        if _is_dataset(src):
            ds = load_dataset(src)
            report.files += len(ds)
            parts.append(library_from_dataset(ds, str(src)))
            continue
        xs, ys, labels, names, cas, files, idents, phases = [], [], [], [], [], [], [], []
        for r in iter_labelled(src, table, report, gas_only=False, check_formula=check_formula, progress=progress,
                               cancelled=cancelled):
            xs.append(r.x)
            ys.append(to_grid_resolution(r.x, r.a, r.spectrum.meta, grid.step)[0])
            labels.append(r.labels)
            names.append(r.row["name"] or r.spectrum.title)
            cas.append(_cas_of(r.row["cas"], r.base))
            files.append(r.base)
            idents.append(r.row["identifier"])
            phases.append(r.phase)
        if files:
            parts.append(Library(normalise(resample_batch(xs, ys, grid)), np.asarray(labels, dtype=np.uint8), names,
                                 cas, files, idents, phases, grid, GROUP_NAMES, {"sources": [str(src)]}))
    if not parts:
        raise LibraryError(f"{', '.join(map(str, sources))}: no labelled spectra ({report.files} files read)")
    lib = merge_libraries(parts) if len(parts) > 1 else parts[0]
    report.labelled = len(lib)
    report.group_counts = {n: int(c) for n, c in zip(lib.group_names, lib.labels.sum(axis=0))}
    lib.provenance |= {"structures": [str(s) for s in structures], "check_formula": check_formula,
                       "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
                       "software": f"irgroups {__version__}", "files_read": report.files,
                       "skipped": {k: len(v) for k, v in report.skipped.items()}}
    return lib, report


def save_library(lib: Library, path: str | Path) -> None:
    """Write atomically: a temporary file in the same folder, then rename."""
    import h5py

    with atomic_h5(path) as f:
        f.create_dataset("spectra", data=lib.spectra.astype(np.float32), compression="gzip",
                         compression_opts=4, shuffle=True)
        f.create_dataset("labels", data=lib.labels.astype(np.uint8))
        for key in _TEXT_FIELDS:
            f.create_dataset(key, data=np.array(getattr(lib, key), dtype=object), dtype=h5py.string_dtype())
        write_common(f, lib.grid, lib.group_names, lib.content_hash, lib.provenance, FORMAT, FORMAT_VERSION)

def load_library(path: str | Path) -> Library:
    """Read a library written by save_library, checking format, version and content hash."""
    import h5py

    path = Path(path)
    if not path.is_file():
        raise LibraryError(f"{path}: no such file")
    try:
        with h5py.File(path, "r") as f:
            if f.attrs.get("format") != FORMAT:
                raise LibraryError(f"{path}: not an IR Groups reference library")
            version = int(f.attrs.get("format_version", -1))
            if version != FORMAT_VERSION:
                raise LibraryError(f"{path}: unsupported library format version {version} "
                                   f"(this program reads {FORMAT_VERSION})")
            lib = Library(f["spectra"][()].astype(np.float32), f["labels"][()].astype(np.uint8),
                          *(read_strings(f, k) for k in _TEXT_FIELDS),
                          grid=Grid.from_dict(json.loads(f.attrs["grid"])),
                          group_names=tuple(g["name"] for g in json.loads(f.attrs["groups"])),
                          provenance=json.loads(f.attrs["provenance"]), path=str(path))
            stored_hash = f.attrs["content_hash"]
    except LibraryError:
        raise
    except (OSError, KeyError, ValueError, TypeError) as exc:
        raise LibraryError(f"{path}: unreadable library ({exc})") from None
    if lib.content_hash != stored_hash:
        raise LibraryError(f"{path}: content hash mismatch (file modified or corrupt)")
    return lib

