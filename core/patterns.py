"""Step-1 patterns stored with a model (`patterns.safetensors`), so the app can show each
channel's most activating windows without the training data."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.explain import ChannelPatterns, top_patterns

PATTERNS = "patterns.safetensors"


@dataclass
class PatternSet:
    """Top windows for each channel of the first member: arrays (channels, k[, window])."""

    windows: np.ndarray
    activation: np.ndarray
    wn_lo: np.ndarray
    wn_hi: np.ndarray
    ids: list[list[str]]

    @classmethod
    def from_channels(cls, pats: list[ChannelPatterns], ids: list[str]) -> "PatternSet":
        return cls(np.stack([p.windows for p in pats]).astype(np.float32),
                   np.stack([p.activation for p in pats]).astype(np.float32),
                   np.stack([p.wn_lo for p in pats]).astype(np.float32),
                   np.stack([p.wn_hi for p in pats]).astype(np.float32),
                   [[ids[i] for i in p.spectrum] for p in pats])


def compute_patterns(bundle, x: np.ndarray, ids: list[str], k: int = 100) -> PatternSet:
    return PatternSet.from_channels(top_patterns(bundle.members[0], x, bundle.grid, k), ids)


def save_patterns(ps: PatternSet, model_dir: str | Path) -> None:
    from safetensors.numpy import save_file

    save_file({"windows": ps.windows, "activation": ps.activation, "wn_lo": ps.wn_lo, "wn_hi": ps.wn_hi},
              str(Path(model_dir) / PATTERNS), metadata={"ids": json.dumps(ps.ids)})


def load_patterns(model_dir: str | Path) -> PatternSet | None:
    """The stored patterns, or None when the model has none or they are unusable."""
    from safetensors import SafetensorError, safe_open

    path = Path(model_dir) / PATTERNS
    if not path.is_file():
        return None
    try:
        with safe_open(str(path), framework="numpy") as f:
            arrays = {k: f.get_tensor(k) for k in ("windows", "activation", "wn_lo", "wn_hi")}
            ids = json.loads((f.metadata() or {}).get("ids", "[]"))
    except (SafetensorError, OSError, ValueError, KeyError):
        return None
    c, k = arrays["activation"].shape
    if arrays["windows"].shape[:2] != (c, k) or len(ids) != c:
        return None
    return PatternSet(arrays["windows"], arrays["activation"], arrays["wn_lo"], arrays["wn_hi"], ids)
