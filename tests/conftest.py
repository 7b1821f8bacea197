"""Shared fixtures: paths to the NIST data (tests skip when ../shared is absent), a small
synthetic dataset, and a small trained model."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
GAS_ZIP = SHARED / "nist_gas_ir" / "spectra.zip"
GAS_CSV = SHARED / "nist_gas_ir" / "structures.csv"
COND_ZIP = SHARED / "nist_condensed_ir" / "spectra.zip"


def need_shared():
    if not GAS_ZIP.exists():
        pytest.skip(f"NIST data not found at {SHARED} (../shared is absent)")


def jcamp(data_lines: str, npoints: int, firstx: float, lastx: float, extra: str = "",
          form: str = "(X++(Y..Y))", yfactor: float = 1.0) -> str:
    """A minimal JCAMP-DX IR file around the given data lines."""
    return (f"##TITLE=test\n##JCAMP-DX=4.24\n##DATA TYPE=INFRARED SPECTRUM\n##XUNITS=1/CM\n"
            f"##YUNITS=ABSORBANCE\n##XFACTOR=1.0\n##YFACTOR={yfactor}\n##FIRSTX={firstx}\n"
            f"##LASTX={lastx}\n##NPOINTS={npoints}\n{extra}##XYDATA={form}\n{data_lines}\n##END=\n")


def synthetic_dataset(n: int = 400, seed: int = 0):
    """Spectra with Gaussian bands at each group's textbook positions: learnable in seconds."""
    from core.data.dataset import Dataset, random_split
    from core.data.groups import GROUP_NAMES, GROUPS
    from core.spectra.preprocess import DEFAULT_GRID, normalise

    rng = np.random.default_rng(seed)
    x = DEFAULT_GRID.x
    labels = (rng.random((n, len(GROUPS))) < 0.3).astype(np.uint8)
    spectra = rng.random((n, x.size)).astype(np.float32) * 0.02
    for j, g in enumerate(GROUPS):
        centre = np.mean(g.bands[0])
        band = np.exp(-0.5 * ((x - centre) / 12.0) ** 2)
        spectra += labels[:, j:j + 1] * band[None, :].astype(np.float32)
    spectra = normalise(spectra + 0.01)
    ids = [f"s{i}.jdx" for i in range(n)]
    return Dataset(spectra, labels, ids, ids, ["C"] * n, random_split(n, seed), DEFAULT_GRID,
                   GROUP_NAMES, {"source": "synthetic", "split_seed": seed})


@pytest.fixture(scope="session")
def small_dataset():
    return synthetic_dataset()


@pytest.fixture(scope="session")
def small_bundle(small_dataset):
    from core.nn.bundle import make_bundle
    from core.nn.training import TrainConfig, train_ensemble

    results = train_ensemble(small_dataset, [0, 1], TrainConfig(max_epochs=8, patience=3, batch_size=16))
    return make_bundle(results, small_dataset, {"recipe": "test"})
