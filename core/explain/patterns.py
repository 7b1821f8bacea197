"""Step 1 of the two-step explanation (Rieger et al. 2023): what each latent channel detects.

Every latent position sees one receptive field (a window of the input); for each channel the
input windows that activate it most across a dataset show the pattern it responds to. The
top windows are stored with a model (`patterns.safetensors`), so the app can show them without
the training data, for every ensemble member.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from core.nn.model import IRCNN, receptive_field
from core.spectra.preprocess import Grid


@dataclass(frozen=True)
class ReceptiveFields:
    """For each latent position: the input index range [start, stop) and its wavenumbers."""

    start: np.ndarray
    stop: np.ndarray
    wn_lo: np.ndarray
    wn_hi: np.ndarray

    @property
    def centre(self) -> np.ndarray:
        return (self.wn_lo + self.wn_hi) / 2

    def positions_seeing(self, wavenumber: float) -> np.ndarray:
        """Latent positions whose window contains a wavenumber."""
        return np.flatnonzero((self.wn_lo <= wavenumber) & (self.wn_hi >= wavenumber))


def receptive_fields(model: IRCNN, grid: Grid) -> ReceptiveFields:
    """Windows derived from the model's layers (kernel, stride, pooling, padding)."""
    size, jump, offset = receptive_field(model.encoder)
    start = offset + jump * np.arange(model.n_positions)
    stop = start + size
    s, e = np.clip(start, 0, grid.n - 1), np.clip(stop - 1, 0, grid.n - 1)
    x = grid.x
    return ReceptiveFields(start, stop, x[s], x[e])


def latent(model: IRCNN, x: np.ndarray, batch: int = 2048) -> np.ndarray:
    """Latent matrices (n, channels, positions) for model-input spectra (n, L)."""
    model.eval()
    xt = torch.as_tensor(np.asarray(x, dtype=np.float32))
    with torch.inference_mode():
        return torch.cat([model.features(xt[i:i + batch]) for i in range(0, len(xt), batch)]).numpy()


@dataclass
class ChannelPatterns:
    """The top-k windows of one channel: activation, spectrum index, position, window data."""

    channel: int
    activation: np.ndarray  # (k,)
    spectrum: np.ndarray  # (k,) row index into the dataset
    position: np.ndarray  # (k,)
    windows: np.ndarray  # (k, window) input values
    wn_lo: np.ndarray  # (k,)
    wn_hi: np.ndarray  # (k,)


def top_patterns(model: IRCNN, x: np.ndarray, grid: Grid, k: int = 100) -> list[ChannelPatterns]:
    """Per channel, the k strongest activations over all spectra and positions (paper Fig. 3).
    The windows are taken from the spectrum channel of the input."""
    z = latent(model, x)
    spectra = x[:, 0] if x.ndim == 3 else x
    n, c, p = z.shape
    rf = receptive_fields(model, grid)
    size = int(rf.stop[0] - rf.start[0])
    k = min(k, n * p)
    out = []
    for ch in range(c):
        flat = z[:, ch, :].ravel()
        idx = np.argpartition(-flat, k - 1)[:k]
        idx = idx[np.argsort(-flat[idx])]
        spec, pos = np.divmod(idx, p)
        cols = np.clip(rf.start[pos][:, None] + np.arange(size)[None, :], 0, grid.n - 1)
        out.append(ChannelPatterns(ch, flat[idx], spec, pos, spectra[spec[:, None], cols],
                                   rf.wn_lo[pos], rf.wn_hi[pos]))
    return out


# ---------------------------------------------------------------- stored with a model
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
