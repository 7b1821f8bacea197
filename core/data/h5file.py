"""Atomic file writing (any file, and HDF5) shared by datasets, libraries and reports."""
from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_path(path: str | Path, suffix: str = ".tmp") -> Iterator[Path]:
    """A temporary path beside `path` to write; on success it replaces `path` in one rename
    (ordinary file permissions), on any error nothing is left behind."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=suffix, dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private; the result is an ordinary file
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def atomic_h5(path: str | Path) -> Iterator:
    """An h5py File to fill, written through `atomic_path`."""
    import h5py

    with atomic_path(path, ".h5.tmp") as tmp, h5py.File(tmp, "w") as f:
        yield f


def read_strings(f, key: str, optional: bool = False) -> list[str]:
    """A stored string list (h5py gives bytes or str); an `optional` one missing from an older
    file is [] (a required one raises KeyError)."""
    if optional and key not in f:
        return []
    return [v.decode() if isinstance(v, bytes) else str(v) for v in f[key][()]]


def write_common(f, grid, group_names, content_hash: str, provenance: dict, fmt: str, version: int) -> None:
    """The attributes every IR Groups HDF5 file carries."""
    import json

    from core.data.groups import GROUPS

    f.create_dataset("wavenumbers", data=grid.x)
    f.attrs["format"] = fmt
    f.attrs["format_version"] = version
    f.attrs["grid"] = json.dumps(grid.to_dict())
    f.attrs["groups"] = json.dumps([{"name": g.name, "smarts": g.smarts} for g in GROUPS if g.name in group_names])
    f.attrs["content_hash"] = content_hash
    f.attrs["provenance"] = json.dumps(provenance)
