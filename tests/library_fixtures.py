"""Generated reference spectra for the library tests: two folders of JCAMP-DX files with their
structures CSVs (`sources`) and the library built from them (`library`)."""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from conftest import jcamp

SMILES = ["CCO", "CC(=O)OCC", "c1ccccc1", "CC#N", "CC(=O)O", "CCN", "C=CCC", "CC(C)=O", "CCCl", "O=[N+]([O-])c1ccccc1",
          "CC=O", "C#CC", "CCOCC", "CC(N)=O", "CC(=O)Cl", "Cc1ccccc1"]
STATES = ["gas", "SOLID (KBr PELLET)", "SOLUTION (10% CCl4)", "LIQUID (NEAT)"]


def _bands(k: int) -> list[tuple[float, float]]:
    rng = np.random.default_rng(k)
    return [(float(c), float(h)) for c, h in zip(rng.uniform(600, 3800, 6), rng.uniform(0.2, 1.0, 6))]


def _absorbance(wn: np.ndarray, k: int, shift: float = 0.0) -> np.ndarray:
    return sum(h * np.exp(-0.5 * ((wn - c - shift) / 12.0) ** 2) for c, h in _bands(k)) + 0.01


def _write(path: Path, k: int, state: str, shift: float = 0.0, noise: float = 0.0) -> Path:
    wn = np.arange(450, 4001, 4.0)
    a = _absorbance(wn, k, shift) + np.random.default_rng(100 + k).normal(0, noise, wn.size)
    y = np.round(a * 10000).astype(int)
    path.write_text(jcamp("\n".join(f"{x:.0f} {v}" for x, v in zip(wn, y)), wn.size, 450, 4000,
                          extra=f"##STATE={state}\n", yfactor=1e-4))
    return path


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    """Two folders of generated spectra, each with its own structures CSV (SMILES, one with CAS)."""
    root = tmp_path_factory.mktemp("lib")
    out = []
    for part, ks in (("a", range(0, 8)), ("b", range(8, 16))):
        folder = root / part
        folder.mkdir()
        rows = []
        for k in ks:
            name = f"{100 + k}-00-{k % 10}.jdx"
            _write(folder / name, k, STATES[k % len(STATES)])
            rows.append({"file": name, "smiles": SMILES[k], "name": f"compound {k}", "cas": "" if part == "a" else f"9-{k}-0"})
        (folder / "junk.jdx").write_text("##TITLE=x\n##XYDATA=(X++(Y..Y))\n100 1 2\n")
        rows.append({"file": "junk.jdx", "smiles": "C", "name": "junk", "cas": ""})
        with open(root / f"{part}.csv", "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(rows[0]))
            w.writeheader()
            w.writerows(rows)
        out.append((folder, root / f"{part}.csv"))
    return out


@pytest.fixture(scope="module")
def library(sources):
    from core.library.store import build_library

    lib, report = build_library([s for s, _ in sources], [c for _, c in sources], check_formula=False)
    return lib, report
