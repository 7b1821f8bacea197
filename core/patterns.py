"""Step-1 patterns stored with a model (`patterns.safetensors`), so the app can show each
channel's most activating windows without the training data, for every ensemble member."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from core.explain import ChannelPatterns, top_patterns

PATTERNS = "patterns.safetensors"
_ARRAYS = ("windows", "activation", "wn_lo", "wn_hi")


@dataclass
class PatternSet:
    """Top windows for each channel of the first member: arrays (channels, k[, window]).
    `others` holds the same for members 2, 3, ... (empty for files from older versions)."""

    windows: np.ndarray
    activation: np.ndarray
    wn_lo: np.ndarray
    wn_hi: np.ndarray
    ids: list[list[str]]
    others: list["PatternSet"] = field(default_factory=list)

    @classmethod
    def from_channels(cls, pats: list[ChannelPatterns], ids: list[str]) -> "PatternSet":
        return cls(np.stack([p.windows for p in pats]).astype(np.float32),
                   np.stack([p.activation for p in pats]).astype(np.float32),
                   np.stack([p.wn_lo for p in pats]).astype(np.float32),
                   np.stack([p.wn_hi for p in pats]).astype(np.float32),
                   [[ids[i] for i in p.spectrum] for p in pats])

    @property
    def n_members(self) -> int:
        return 1 + len(self.others)

    def member(self, m: int) -> "PatternSet | None":
        """The patterns of member m (0-based), or None when they were not stored."""
        return self if m == 0 else (self.others[m - 1] if 0 < m <= len(self.others) else None)


def compute_patterns(bundle, x: np.ndarray, ids: list[str], k: int = 100) -> PatternSet:
    """Every member's channel patterns on spectra x."""
    sets = [PatternSet.from_channels(top_patterns(m, x, bundle.grid, k), ids) for m in bundle.members]
    sets[0].others = sets[1:]
    return sets[0]


def save_patterns(ps: PatternSet, model_dir: str | Path) -> None:
    from safetensors.numpy import save_file

    tensors, ids = {}, []
    for m in range(ps.n_members):
        one = ps.member(m)
        suffix = "" if m == 0 else f".{m}"
        tensors |= {f"{k}{suffix}": getattr(one, k) for k in _ARRAYS}
        ids.append(one.ids)
    save_file(tensors, str(Path(model_dir) / PATTERNS), metadata={"ids": json.dumps(ids[0]),
                                                                   "member_ids": json.dumps(ids[1:])})


def load_patterns(model_dir: str | Path) -> PatternSet | None:
    """The stored patterns, or None when the model has none or they are unusable."""
    from safetensors import SafetensorError, safe_open

    path = Path(model_dir) / PATTERNS
    if not path.is_file():
        return None
    try:
        with safe_open(str(path), framework="numpy") as f:
            keys = set(f.keys())
            meta = f.metadata() or {}
            ids = [json.loads(meta.get("ids", "[]"))] + json.loads(meta.get("member_ids", "[]"))
            sets = []
            for m, member_ids in enumerate(ids):
                suffix = "" if m == 0 else f".{m}"
                if not all(f"{k}{suffix}" in keys for k in _ARRAYS):
                    break
                arrays = {k: f.get_tensor(f"{k}{suffix}") for k in _ARRAYS}
                c, k = arrays["activation"].shape
                if arrays["windows"].shape[:2] != (c, k) or len(member_ids) != c:
                    return None
                sets.append(PatternSet(**arrays, ids=member_ids))
    except (SafetensorError, OSError, ValueError, KeyError):
        return None
    if not sets:
        return None
    sets[0].others = sets[1:]
    return sets[0]
