"""Labelled datasets: build from spectra + structures, store in HDF5, load and split."""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from core import __version__
from core.data.h5file import atomic_h5, read_strings, write_common
from core.data.groups import GROUP_NAMES, formula_verdict, label_mol, mol_from_identifier
from core.readers.io import csv_rows, expand_paths, iter_zip_spectra, read_spectra
from core.spectra.phase import CONDENSED, PHASES, phase_from_state
from core.spectra.preprocess import DEFAULT_GRID, Grid, InputConfig, measured_mask, model_input, normalise, resample_batch, standardise
from core.spectra.resolution import to_grid_resolution
from core.spectra.spectrum import Spectrum, SpectrumReadError

SPLITS = {"train": 0, "val": 1, "test": 2}
Progress = Callable[[int, int, str], None]


class DatasetError(ValueError):
    """A dataset file or its inputs are unusable; the message names the file."""


class BuildCancelled(Exception):
    """A build was stopped by its caller's `cancelled` check (between two files)."""


@dataclass
class Dataset:
    """Resampled, normalised spectra with their labels and a stored split."""

    spectra: np.ndarray  # (n, grid.n) float32
    labels: np.ndarray  # (n, 17) uint8
    ids: list[str]
    names: list[str]
    identifiers: list[str]
    split: np.ndarray  # (n,) uint8: 0 train, 1 val, 2 test
    grid: Grid = DEFAULT_GRID
    group_names: tuple[str, ...] = GROUP_NAMES
    provenance: dict = field(default_factory=dict)
    phases: list[str] = field(default_factory=list)  # core.spectra.phase class per spectrum
    states: list[str] = field(default_factory=list)  # the sample state as written (##STATE)
    valid: np.ndarray | None = None  # (n, grid.n) bool: inside the measured range, not in a data gap

    def __post_init__(self) -> None:
        if not self.phases:
            self.phases = ["gas" if self.provenance.get("gas_only") else "unknown"] * len(self.ids)
        if not self.states:
            self.states = [""] * len(self.ids)
        if self.valid is None:  # older files: the measured range is where the spectrum is not zero-padded
            nz = self.spectra != 0
            first, last = nz.argmax(axis=1), nz.shape[1] - 1 - nz[:, ::-1].argmax(axis=1)
            cols = np.arange(self.spectra.shape[1])[None, :]
            self.valid = (cols >= first[:, None]) & (cols <= last[:, None]) & nz.any(axis=1, keepdims=True)

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def content_hash(self) -> str:
        h = hashlib.sha256()
        h.update(np.ascontiguousarray(self.spectra, dtype=np.float32).tobytes())
        h.update(np.ascontiguousarray(self.labels, dtype=np.uint8).tobytes())
        h.update("\n".join(self.ids).encode())
        return h.hexdigest()

    def subset(self, which: str) -> "Dataset":
        """The rows of one split ('train', 'val', 'test') or all ('all')."""
        if which == "all":
            return self
        if which not in SPLITS:
            raise DatasetError(f"unknown split {which!r}; use train, val, test or all")
        return self.take(np.flatnonzero(self.split == SPLITS[which]))

    def take(self, idx: np.ndarray) -> "Dataset":
        """The rows at the given indices."""
        return Dataset(self.spectra[idx], self.labels[idx], [self.ids[i] for i in idx],
                       [self.names[i] for i in idx], [self.identifiers[i] for i in idx],
                       self.split[idx], self.grid, self.group_names, self.provenance,
                       [self.phases[i] for i in idx], [self.states[i] for i in idx], self.valid[idx])

    def phase_subset(self, phases: str | tuple[str, ...]) -> "Dataset":
        """The rows whose phase class is one of `phases` ('condensed' = every condensed class)."""
        wanted = set(CONDENSED) if phases == "condensed" else {phases} if isinstance(phases, str) else set(phases)
        return self.take(np.array([i for i, p in enumerate(self.phases) if p in wanted], dtype=int))

    def model_input(self, cfg: InputConfig) -> np.ndarray:
        """The network's input for every row, prepared as at prediction time."""
        return model_input(self.spectra, self.valid, self.states, self.phases, self.grid, cfg)

    def prevalence(self) -> np.ndarray:
        return self.labels.mean(axis=0) if len(self) else np.zeros(len(self.group_names))


def random_split(n: int, seed: int = 0, fractions: tuple[float, float, float] = (0.7, 0.15, 0.15)) -> np.ndarray:
    """A seeded random 70/15/15 assignment (0 train, 1 val, 2 test)."""
    order = np.random.default_rng(seed).permutation(n)
    n_train = int(round(fractions[0] * n))
    n_val = int(round(fractions[1] * n))
    split = np.full(n, 2, dtype=np.uint8)
    split[order[:n_train]] = 0
    split[order[n_train:n_train + n_val]] = 1
    return split


def grouped_split(keys: list[str], strata: list[str], seed: int = 0,
                  fractions: tuple[float, float, float] = (0.7, 0.15, 0.15)) -> np.ndarray:
    """Split by compound, stratified: each stratum is split with `random_split` over its
    spectra, then every spectrum follows its compound's first spectrum, so all spectra of a
    compound (same key) land in one part. With unique keys this equals random_split, so a
    source's split does not change when other sources are merged with it."""
    split = np.zeros(len(keys), dtype=np.uint8)
    for stratum in dict.fromkeys(strata):
        idx = [i for i, s in enumerate(strata) if s == stratum]
        split[idx] = random_split(len(idx), seed, fractions)
    first: dict[str, int] = {}
    for i, k in enumerate(keys):
        split[i] = split[first.setdefault(k, i)]
    return split


@dataclass
class BuildReport:
    """What a dataset build read, skipped (with reasons) and labelled."""

    files: int = 0
    labelled: int = 0
    skipped: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    group_counts: dict[str, int] = field(default_factory=dict)
    phase_counts: dict[str, int] = field(default_factory=dict)
    notes: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # kept, with a remark

    def skip(self, reason: str, name: str, detail: str = "") -> None:
        self.skipped.setdefault(reason, []).append((name, detail))

    def note(self, remark: str, name: str, detail: str = "") -> None:
        self.notes.setdefault(remark, []).append((name, detail))

    def skipped_line(self, limit: int = 3) -> str:
        """'skipped 2: a.jdx (no structure), b.jdx (not infrared)', naming at most `limit` files."""
        items = [(name, reason) for reason, v in self.skipped.items() for name, _ in v]
        if not items:
            return "skipped none"
        named = ", ".join(f"{name} ({reason})" for name, reason in items[:limit])
        return f"skipped {len(items)}: {named}" + (f" and {len(items) - limit} more" if len(items) > limit else "")

    def summary(self) -> str:
        lines = [f"files read: {self.files}", f"labelled spectra: {self.labelled}"]
        sections = [(f"skipped, {r}", v) for r, v in sorted(self.skipped.items(), key=lambda kv: -len(kv[1]))]
        for reason, items in sections + [(f"kept, {r}", v) for r, v in self.notes.items()]:
            lines.append(f"{reason}: {len(items)}")
            for name, detail in items[:5]:
                lines.append(f"    {name}{': ' + detail if detail else ''}")
            if len(items) > 5:
                lines.append(f"    ... and {len(items) - 5} more")
        if self.phase_counts:
            lines.append("per phase: " + ", ".join(f"{k} {v}" for k, v in self.phase_counts.items()))
        if self.labelled:
            lines.append("per-group counts (share):")
            for name, c in self.group_counts.items():
                lines.append(f"    {name:18s} {c:6d}  {c / self.labelled:.3f}")
        return "\n".join(lines)


def iter_sources(spectra: str | Path) -> Iterator[tuple[str, bytes | None]]:
    """(name, bytes or None to read from disk) for a folder, a zip or a single file."""
    p = Path(spectra)
    if not p.exists():
        raise DatasetError(f"{p}: no such file or folder")
    if p.is_dir():
        for f in expand_paths([str(p)]):
            yield f, None
    elif p.suffix.lower() == ".zip":
        yield from iter_zip_spectra(p)
    else:
        yield str(p), None


def load_structures(path: str | Path) -> dict[str, dict[str, str]]:
    """Map file base name -> row, from a CSV with a file column and an inchi or smiles column."""
    try:
        rows = csv_rows(path)
    except OSError as exc:
        raise DatasetError(f"{path}: cannot read ({exc.strerror})") from None
    if not rows:
        raise DatasetError(f"{path}: no rows")
    cols = {c.lower().strip(): c for c in rows[0].keys() if c}
    file_col = cols.get("file") or cols.get("filename")
    id_col = cols.get("inchi") or cols.get("smiles") or cols.get("identifier")
    if not file_col or not id_col:
        raise DatasetError(f"{path}: needs a 'file' column and an 'inchi' or 'smiles' column "
                           f"(has {', '.join(cols)})")
    out = {}
    for r in rows:
        key = Path(r[file_col].strip()).name
        out[key] = {"identifier": r[id_col].strip(), "name": r.get(cols.get("name", ""), "") or "",
                    "cas": r.get(cols.get("cas", ""), "") or "", "state": r.get(cols.get("state", ""), "") or ""}
    return out


@dataclass
class Labelled:
    """One spectrum that passed the builder's checks: the file, its data and its structure."""

    base: str  # file base name (the key into the structures table)
    spectrum: Spectrum
    x: np.ndarray  # wavenumbers, ascending
    a: np.ndarray  # absorbance
    labels: list[int]
    row: dict[str, str]  # the structures-table row: identifier, name, cas, state
    state: str  # ##STATE, else the table's state column
    phase: str  # core.spectra.phase class
    key: str  # compound identity (InChIKey) for the split


def iter_labelled(spectra: str | Path, table: dict[str, dict[str, str]], report: BuildReport,
                  gas_only: bool = True, check_formula: bool = True,
                  progress: Progress | None = None,
                  cancelled: Callable[[], bool] | None = None) -> Iterator[Labelled]:
    """Read every spectrum of a folder/zip/file, match it to its structure, filter and label;
    skipped files are counted in `report` with their reasons. `cancelled` is asked before each
    file: when it says True, BuildCancelled is raised."""
    sources = list(iter_sources(spectra))
    for i, (name, data) in enumerate(sources):
        if cancelled is not None and cancelled():
            raise BuildCancelled(f"cancelled after {i} of {len(sources)} files")
        report.files += 1
        if progress and (i % 100 == 0 or i == len(sources) - 1):
            progress(i + 1, len(sources), name)
        item = _read_one(name, data, table, gas_only, check_formula, report)
        if item is not None:
            yield item


def build_dataset(spectra: str | Path | list, structures: str | Path | list, grid: Grid = DEFAULT_GRID,
                  gas_only: bool = True, check_formula: bool = True, split_seed: int = 0,
                  progress: Progress | None = None) -> tuple[Dataset, BuildReport]:
    """Read every spectrum, match it to its structure, filter, label and resample.

    `spectra` and `structures` may be lists of equal length: several sources (e.g. gas and
    condensed collections) in one dataset. Each spectrum records its phase class (from
    ##STATE, else the CSV's state column); the split is by compound (InChIKey) and
    stratified by (source, phase)."""
    spectra_list = spectra if isinstance(spectra, list) else [spectra]
    structures_list = structures if isinstance(structures, list) else [structures]
    if not spectra_list or len(spectra_list) != len(structures_list):
        raise DatasetError("give one structures CSV for each spectra source")
    report = BuildReport()
    items: list[tuple[int, Labelled]] = []
    for k, (spectra_k, structures_k) in enumerate(zip(spectra_list, structures_list)):
        table = load_structures(structures_k)
        items += [(k, r) for r in iter_labelled(spectra_k, table, report, gas_only, check_formula, progress)]
    if not items:
        raise DatasetError(f"{', '.join(map(str, spectra_list))}: no labelled spectra ({report.files} files read)")
    rows = [r for _, r in items]
    X = normalise(resample_batch([r.x for r in rows], [to_grid_resolution(r.x, r.a, r.spectrum.meta, grid.step)[0]
                                                       for r in rows], grid))
    Y = np.asarray([r.labels for r in rows], dtype=np.uint8)
    phases = [r.phase for r in rows]
    report.labelled = len(rows)
    report.group_counts = {n: int(c) for n, c in zip(GROUP_NAMES, Y.sum(axis=0))}
    report.phase_counts = {p: phases.count(p) for p in PHASES if p in phases}
    provenance = {
        "source": [str(a) for a in spectra_list], "structures": [str(b) for b in structures_list],
        "gas_only": gas_only, "check_formula": check_formula,
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "software": f"irgroups {__version__}", "files_read": report.files,
        "skipped": {k: len(v) for k, v in report.skipped.items()}, "split_seed": split_seed,
        "split": "by compound (InChIKey), stratified by source and phase", "phase_counts": report.phase_counts,
    }
    # strata are (source, phase): a source's split does not depend on what else is merged with it
    split = grouped_split([r.key for r in rows], [f"{k}:{r.phase}" for k, r in items], split_seed)
    ds = Dataset(X, Y, [r.base for r in rows], [r.row["name"] or r.spectrum.title for r in rows],
                 [r.row["identifier"] for r in rows], split, grid, GROUP_NAMES, provenance, phases,
                 [r.state for r in rows], measured_mask([r.x for r in rows], grid))
    return ds, report


def _read_one(name: str, data: bytes | None, table: dict, gas_only: bool, check_formula: bool,
              report: BuildReport) -> Labelled | None:
    """Read, filter and label one file, or record in `report` why it was skipped (None)."""
    base = Path(name).name
    row = table.get(base)
    if row is None:
        report.skip("no structure in the CSV", base)
        return None
    try:
        s = read_spectra(name, data)[0]
    except SpectrumReadError as exc:
        report.skip("unreadable", base, exc.problem)
        return None
    if not s.is_infrared:
        report.skip("not an infrared spectrum", base, s.meta.get("DATATYPE", s.kind))
        return None
    state = s.meta.get("STATE", "") or row.get("state", "")
    if gas_only and state and "gas" not in state.lower():
        report.skip("not gas phase", base, state)
        return None
    mol = mol_from_identifier(row["identifier"])
    if mol is None:
        report.skip("structure not readable by RDKit", base, row["identifier"][:60])
        return None
    if check_formula and s.meta.get("MOLFORM"):
        verdict, detail = formula_verdict(s.meta["MOLFORM"], mol)
        if verdict == "mismatch":
            report.skip("formula mismatch (structure disagrees with ##MOLFORM)", base, detail)
            return None
        if verdict == "unparsed":
            report.note("##MOLFORM not understood, formula check skipped", base, detail)
    try:
        x, a = standardise(s)
    except SpectrumReadError as exc:
        report.skip("unusable units", base, exc.problem)
        return None
    phase = phase_from_state(state) if state else ("gas" if gas_only else "unknown")
    return Labelled(base, s, x, a, label_mol(mol), row, state, phase, compound_key(mol))


def compound_key(mol) -> str:
    """The compound identity used to keep all spectra of one compound in one split part."""
    from rdkit import Chem

    return Chem.MolToInchiKey(mol) or Chem.MolToSmiles(mol)


def save_dataset(ds: Dataset, path: str | Path) -> None:
    """Write atomically: a temporary file in the same folder, then rename."""
    import h5py

    with atomic_h5(path) as f:
        f.create_dataset("spectra", data=ds.spectra, compression="gzip", compression_opts=4)
        f.create_dataset("labels", data=ds.labels)
        f.create_dataset("split", data=ds.split)
        f.create_dataset("valid", data=ds.valid.astype(np.uint8), compression="gzip", compression_opts=4)
        for key, values in (("ids", ds.ids), ("names", ds.names), ("identifiers", ds.identifiers),
                            ("phases", ds.phases), ("states", ds.states)):
            f.create_dataset(key, data=np.array(values, dtype=object), dtype=h5py.string_dtype())
        write_common(f, ds.grid, ds.group_names, ds.content_hash, ds.provenance, "irgroups-dataset", 2)


def load_dataset(path: str | Path) -> Dataset:
    """Read a dataset written by save_dataset, checking its format and content hash."""
    import h5py

    path = Path(path)
    if not path.exists():
        raise DatasetError(f"{path}: no such file")
    try:
        with h5py.File(path, "r") as f:
            if f.attrs.get("format") != "irgroups-dataset":
                raise DatasetError(f"{path}: not an IR Groups dataset")
            groups = tuple(g["name"] for g in json.loads(f.attrs["groups"]))
            ds = Dataset(
                spectra=f["spectra"][()].astype(np.float32), labels=f["labels"][()].astype(np.uint8),
                ids=read_strings(f, "ids"), names=read_strings(f, "names"),
                identifiers=read_strings(f, "identifiers"),
                split=f["split"][()].astype(np.uint8), grid=Grid.from_dict(json.loads(f.attrs["grid"])),
                group_names=groups, provenance=json.loads(f.attrs["provenance"]),
                phases=read_strings(f, "phases", optional=True), states=read_strings(f, "states", optional=True),
                valid=f["valid"][()].astype(bool) if "valid" in f else None)
            stored_hash = f.attrs["content_hash"]
    except DatasetError:
        raise
    except (OSError, KeyError, ValueError) as exc:
        raise DatasetError(f"{path}: unreadable dataset ({exc})") from None
    if ds.content_hash != stored_hash:
        raise DatasetError(f"{path}: content hash mismatch (file modified or corrupt)")
    return ds
