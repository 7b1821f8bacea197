"""The recorded label audit (resources/label_audit.csv, written by tests/benchmarks/label_audit.py):
training spectra whose labels the spectrum itself contradicts, left out of training with the
reason on record."""
from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from core.data.dataset import SPLITS, Dataset
from core.data.resources import resource_path

AUDIT_FILE = "label_audit.csv"


def audit_exclusions(path: str | Path | None = None) -> dict[str, str]:
    """Spectrum id -> reason, for every row of the audit whose action is 'exclude'."""
    path = Path(path) if path else resource_path(AUDIT_FILE)
    if not path.exists():
        return {}
    with open(path, newline="") as f:
        return {r["id"]: r["reason"] for r in csv.DictReader(f) if r.get("action") == "exclude"}


def without_excluded(ds: Dataset, exclusions: dict[str, str]) -> tuple[Dataset, int]:
    """The dataset without the excluded spectra of its training split (validation and test
    stay as they are), and how many were left out."""
    drop = np.array([i in exclusions for i in ds.ids]) & (ds.split == SPLITS["train"])
    return (ds.take(np.flatnonzero(~drop)), int(drop.sum())) if drop.any() else (ds, 0)
