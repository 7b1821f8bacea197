"""What File > Build library from folder needs besides the folder: the structures table found in
it (a CSV/TSV whose header has a file column and an inchi or smiles column) and the library's
default file name. Plain Python."""
from __future__ import annotations

import re
from pathlib import Path

_FILE_COLUMNS = {"file", "filename"}
_ID_COLUMNS = {"inchi", "smiles", "identifier"}


def _header(path: Path) -> set[str]:
    try:
        with open(path, encoding="utf-8-sig", errors="replace") as f:
            line = f.readline()
    except OSError:
        return set()
    return {c.strip().strip('"').lower() for c in re.split(r"[,;\t]", line)}


def structures_in(folder: str | Path) -> str | None:
    """The first structures table (by name) in `folder`, or None: only the header line is read."""
    for path in sorted(Path(folder).glob("*")):
        if path.suffix.lower() in (".csv", ".tsv") and path.is_file():
            cols = _header(path)
            if cols & _FILE_COLUMNS and cols & _ID_COLUMNS:
                return str(path)
    return None


def default_library_path(folder: str | Path) -> str:
    """Beside the folder, named for it: spectra/ -> spectra_library.h5."""
    folder = Path(folder)
    return str(folder.parent / f"{folder.name}_library.h5")
