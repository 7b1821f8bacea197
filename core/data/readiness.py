"""Whether a dataset can train a model worth having: enough spectra in each split, enough
examples of each group. Read from the file's labels and split alone (fast, before training)."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from core.data.dataset import SPLITS, DatasetError

MIN_TRAIN = 20  # training spectra below which training is refused
MIN_POSITIVES = 3  # training examples of a group below which it cannot be learnt


def readiness(labels: np.ndarray, split: np.ndarray, group_names: tuple[str, ...]) -> tuple[str | None, list[str]]:
    """(reason to refuse or None, warnings) for training on these labels and split."""
    n_train, n_val, n_test = (int((split == SPLITS[s]).sum()) for s in ("train", "val", "test"))
    if n_train < MIN_TRAIN:
        return f"only {n_train} training spectra (at least {MIN_TRAIN} are needed; the split is 70/15/15)", []
    if n_val == 0:
        return "no validation spectra: early stopping needs some", []
    warnings = []
    pos = labels[split == SPLITS["train"]].sum(axis=0)
    rare = [f"{g} ({int(k)})" for g, k in zip(group_names, pos) if k < MIN_POSITIVES]
    if rare:
        warnings.append(f"too few training examples (under {MIN_POSITIVES}) to learn: {', '.join(rare)}")
    test = labels[split == SPLITS["test"]]
    one_sided = [g for j, g in enumerate(group_names) if len(test) == 0 or test[:, j].min() == test[:, j].max()]
    if one_sided:
        warnings.append(f"{n_test} test spectra: no test figures (n/a) for {len(one_sided)} of {len(group_names)} "
                        "groups, which lack either positive or negative test spectra")
    return None, warnings


def file_readiness(path: str | Path) -> tuple[str | None, list[str]]:
    """`readiness` of a dataset file, reading only its labels, split and group names."""
    import h5py

    try:
        with h5py.File(path, "r") as f:
            groups = tuple(g["name"] for g in json.loads(f.attrs["groups"]))
            return readiness(f["labels"][()], f["split"][()], groups)
    except (OSError, KeyError, ValueError) as exc:
        raise DatasetError(f"{path}: unreadable dataset ({exc})") from None
