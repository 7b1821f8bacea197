"""Labelled datasets: build from spectra + structures, store in HDF5, load and split."""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from core import __version__
from core.groups import GROUPS, GROUP_NAMES, formula_verdict, label_mol, mol_from_identifier
from core.io import csv_rows, expand_paths, iter_zip_spectra, read_spectra
from core.preprocess import DEFAULT_GRID, Grid, normalise, resample_batch, standardise
from core.spectrum import SpectrumReadError

SPLITS = {"train": 0, "val": 1, "test": 2}
Progress = Callable[[int, int, str], None]


class DatasetError(ValueError):
    """A dataset file or its inputs are unusable; the message names the file."""


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
        idx = np.flatnonzero(self.split == SPLITS[which])
        return Dataset(self.spectra[idx], self.labels[idx], [self.ids[i] for i in idx],
                       [self.names[i] for i in idx], [self.identifiers[i] for i in idx],
                       self.split[idx], self.grid, self.group_names, self.provenance)

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


@dataclass
class BuildReport:
    """What a dataset build read, skipped (with reasons) and labelled."""

    files: int = 0
    labelled: int = 0
    skipped: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    group_counts: dict[str, int] = field(default_factory=dict)
    notes: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # kept, with a remark

    def skip(self, reason: str, name: str, detail: str = "") -> None:
        self.skipped.setdefault(reason, []).append((name, detail))

    def note(self, remark: str, name: str, detail: str = "") -> None:
        self.notes.setdefault(remark, []).append((name, detail))

    def summary(self) -> str:
        lines = [f"files read: {self.files}", f"labelled spectra: {self.labelled}"]
        sections = [(f"skipped, {r}", v) for r, v in sorted(self.skipped.items(), key=lambda kv: -len(kv[1]))]
        for reason, items in sections + [(f"kept, {r}", v) for r, v in self.notes.items()]:
            lines.append(f"{reason}: {len(items)}")
            for name, detail in items[:5]:
                lines.append(f"    {name}{': ' + detail if detail else ''}")
            if len(items) > 5:
                lines.append(f"    ... and {len(items) - 5} more")
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
                    "cas": r.get(cols.get("cas", ""), "") or ""}
    return out


def build_dataset(spectra: str | Path, structures: str | Path, grid: Grid = DEFAULT_GRID,
                  gas_only: bool = True, check_formula: bool = True, split_seed: int = 0,
                  progress: Progress | None = None) -> tuple[Dataset, BuildReport]:
    """Read every spectrum, match it to its structure, filter, label and resample."""
    table = load_structures(structures)
    sources = list(iter_sources(spectra))
    report = BuildReport()
    xs, ys, labels, ids, names, idents = [], [], [], [], [], []
    for i, (name, data) in enumerate(sources):
        report.files += 1
        if progress and (i % 100 == 0 or i == len(sources) - 1):
            progress(i + 1, len(sources), name)
        base = Path(name).name
        row = table.get(base)
        if row is None:
            report.skip("no structure in the CSV", base)
            continue
        try:
            s = read_spectra(name, data)[0]
        except SpectrumReadError as exc:
            report.skip("unreadable", base, exc.problem)
            continue
        if not s.is_infrared:
            report.skip("not an infrared spectrum", base, s.meta.get("DATATYPE", s.kind))
            continue
        state = s.meta.get("STATE", "")
        if gas_only and state and "gas" not in state.lower():
            report.skip("not gas phase", base, state)
            continue
        mol = mol_from_identifier(row["identifier"])
        if mol is None:
            report.skip("structure not readable by RDKit", base, row["identifier"][:60])
            continue
        if check_formula and s.meta.get("MOLFORM"):
            verdict, detail = formula_verdict(s.meta["MOLFORM"], mol)
            if verdict == "mismatch":
                report.skip("formula mismatch (structure disagrees with ##MOLFORM)", base, detail)
                continue
            if verdict == "unparsed":
                report.note("##MOLFORM not understood, formula check skipped", base, detail)
        try:
            x, a = standardise(s)
        except SpectrumReadError as exc:
            report.skip("unusable units", base, exc.problem)
            continue
        xs.append(x)
        ys.append(a)
        labels.append(label_mol(mol))
        ids.append(base)
        names.append(row["name"] or s.title)
        idents.append(row["identifier"])
    if not ids:
        raise DatasetError(f"{spectra}: no labelled spectra ({report.files} files read)")
    X = normalise(resample_batch(xs, ys, grid))
    Y = np.asarray(labels, dtype=np.uint8)
    report.labelled = len(ids)
    report.group_counts = {n: int(c) for n, c in zip(GROUP_NAMES, Y.sum(axis=0))}
    provenance = {
        "source": str(spectra), "structures": str(structures), "gas_only": gas_only,
        "check_formula": check_formula, "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "software": f"irgroups {__version__}", "files_read": report.files,
        "skipped": {k: len(v) for k, v in report.skipped.items()}, "split_seed": split_seed,
    }
    ds = Dataset(X, Y, ids, names, idents, random_split(len(ids), split_seed), grid, GROUP_NAMES, provenance)
    return ds, report


def save_dataset(ds: Dataset, path: str | Path) -> None:
    """Write atomically: a temporary file in the same folder, then rename."""
    import h5py

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=".h5.tmp", dir=path.parent)
    os.close(fd)
    try:
        with h5py.File(tmp, "w") as f:
            f.create_dataset("spectra", data=ds.spectra, compression="gzip", compression_opts=4)
            f.create_dataset("labels", data=ds.labels)
            f.create_dataset("split", data=ds.split)
            f.create_dataset("wavenumbers", data=ds.grid.x)
            str_dt = h5py.string_dtype()
            for key, values in (("ids", ds.ids), ("names", ds.names), ("identifiers", ds.identifiers)):
                f.create_dataset(key, data=np.array(values, dtype=object), dtype=str_dt)
            f.attrs["format"] = "irgroups-dataset"
            f.attrs["format_version"] = 1
            f.attrs["grid"] = json.dumps(ds.grid.to_dict())
            f.attrs["groups"] = json.dumps([{"name": g.name, "smarts": g.smarts} for g in GROUPS
                                            if g.name in ds.group_names])
            f.attrs["content_hash"] = ds.content_hash
            f.attrs["provenance"] = json.dumps(ds.provenance)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
                ids=[s.decode() if isinstance(s, bytes) else s for s in f["ids"][()]],
                names=[s.decode() if isinstance(s, bytes) else s for s in f["names"][()]],
                identifiers=[s.decode() if isinstance(s, bytes) else s for s in f["identifiers"][()]],
                split=f["split"][()].astype(np.uint8), grid=Grid.from_dict(json.loads(f.attrs["grid"])),
                group_names=groups, provenance=json.loads(f.attrs["provenance"]))
            stored_hash = f.attrs["content_hash"]
    except DatasetError:
        raise
    except (OSError, KeyError, ValueError) as exc:
        raise DatasetError(f"{path}: unreadable dataset ({exc})") from None
    if ds.content_hash != stored_hash:
        raise DatasetError(f"{path}: content hash mismatch (file modified or corrupt)")
    return ds
