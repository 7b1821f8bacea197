"""The paper's 1-D CNN, built from a small config, with its receptive fields derived from the layers.

Rieger, Wilson & Flores, Digital Discovery 2023: Conv(1,4,3)-ReLU-BN-Conv(4,4,3)-ReLU-BN-
MaxPool(2)-Conv(4,8,3)-ReLU-BN-Conv(8,8,3)-ReLU-MaxPool(2)-BN(no affine)-Flatten-Dense.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, replace

import numpy as np
import torch
from torch import nn

from core.spectra.phase import PHASE_GROUPS, phase_group


@dataclass(frozen=True)
class ModelConfig:
    """Architecture: conv channels, kernel size, which conv blocks end in a 2x max-pool."""

    input_length: int = 850
    channels: tuple[int, ...] = (4, 4, 8, 8)
    kernel: int = 3
    pool_after: tuple[bool, ...] = (False, True, False, True)
    n_groups: int = 17
    in_channels: int = 1
    heads: tuple[str, ...] = ()  # phase groups with their own dense head; () = one head for all
    dilation: tuple[int, ...] = ()  # each conv block's dilation; () = 1 everywhere (the paper's)

    @property
    def n_heads(self) -> int:
        return max(1, len(self.heads))

    def head_of(self, phase: str) -> int:
        """The dense head that serves a phase class (0 when the model has one head)."""
        return self.heads.index(phase_group(phase)) if self.heads else 0

    def head_index(self, phases: list[str] | None, n: int) -> np.ndarray | None:
        """Head of each of n spectra (None for a one-head model); no phases = unknown."""
        if not self.heads:
            return None
        return np.array([self.head_of(p) for p in (phases if phases is not None else ["unknown"] * n)], dtype=np.int64)

    def dilation_of(self, block: int) -> int:
        return self.dilation[block] if self.dilation else 1

    def to_dict(self) -> dict:
        d = asdict(self)
        if not self.dilation:  # model files of undilated networks stay as they were
            d.pop("dilation")
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "ModelConfig":
        heads = tuple(str(h) for h in d.get("heads", ()))
        if any(h not in PHASE_GROUPS for h in heads) or len(set(heads)) != len(heads):
            raise ValueError(f"heads must be distinct phase groups of {PHASE_GROUPS}, got {list(heads)}")
        return cls(int(d["input_length"]), tuple(int(c) for c in d["channels"]), int(d["kernel"]),
                   tuple(bool(p) for p in d["pool_after"]), int(d["n_groups"]), int(d.get("in_channels", 1)),
                   heads, tuple(int(v) for v in d.get("dilation", ())))


def build_encoder(cfg: ModelConfig, members: int = 1) -> nn.Sequential:
    """The conv stack; with `members` > 1, every layer holds that many independent copies
    side by side (grouped convolutions, per-member batch-norm channels, member-major)."""
    if len(cfg.pool_after) != len(cfg.channels):
        raise ValueError("pool_after needs one flag per conv block")
    if cfg.dilation and len(cfg.dilation) != len(cfg.channels):
        raise ValueError("dilation needs one value per conv block")
    layers: list[nn.Module] = []
    in_ch = cfg.in_channels
    for i, (ch, pool) in enumerate(zip(cfg.channels, cfg.pool_after)):
        layers += [nn.Conv1d(members * in_ch, members * ch, cfg.kernel, groups=members, dilation=cfg.dilation_of(i)),
                   nn.ReLU()]
        if i < len(cfg.channels) - 1:
            layers.append(nn.BatchNorm1d(members * ch))
        if pool:
            layers.append(nn.MaxPool1d(2))
        in_ch = ch
    layers.append(nn.BatchNorm1d(members * in_ch, affine=False))
    return nn.Sequential(*layers)


def as_channels(x: torch.Tensor, in_channels: int) -> torch.Tensor:
    """(n, L) or (n, C, L) input -> (n, C, L), checking C."""
    if x.dim() == 2:
        x = x.unsqueeze(1)
    if x.dim() != 3 or x.shape[1] != in_channels:
        raise ValueError(f"expected input (n, L) or (n, {in_channels}, L), got {tuple(x.shape)}")
    return x


def select_head(logits: torch.Tensor, head: torch.Tensor | np.ndarray | None, n_heads: int,
                n_groups: int) -> torch.Tensor:
    """(..., n, heads * groups) logits of every head -> (..., n, groups) of each spectrum's head."""
    if n_heads == 1:
        return logits
    if head is None:
        raise ValueError("this model has a dense head per phase group: give each spectrum's head")
    h = torch.as_tensor(head, dtype=torch.long)
    per_head = logits.reshape(*logits.shape[:-1], n_heads, n_groups)
    idx = h.view(*([1] * (per_head.dim() - 3)), -1, 1, 1).expand(*per_head.shape[:-2], 1, n_groups)
    return per_head.gather(-2, idx).squeeze(-2)


class IRCNN(nn.Module):
    """CNN whose dense layer is linear on the latent matrix `features(x)` (channels x positions).
    With phase heads (`cfg.heads`) the dense layer holds one weight map per phase group, stacked
    along its outputs (head h's groups are outputs h * groups ... (h + 1) * groups - 1), and
    each spectrum is scored by its own phase group's head."""

    def __init__(self, cfg: ModelConfig = ModelConfig()):
        super().__init__()
        self.cfg = cfg
        self.encoder = build_encoder(cfg)
        self.n_channels = cfg.channels[-1]
        self.n_positions = latent_length(self.encoder, cfg.input_length)
        self.dense = nn.Linear(self.n_channels * self.n_positions, cfg.n_groups * cfg.n_heads)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """(n, L) or (n, in_channels, L) spectra -> (n, channels, positions) latent matrix."""
        return self.encoder(as_channels(x, self.cfg.in_channels))

    def forward(self, x: torch.Tensor, head: torch.Tensor | np.ndarray | None = None) -> torch.Tensor:
        """Logits (n, groups); `head` (n,) picks each spectrum's head in a model with phase heads."""
        return select_head(self.dense(self.features(x).flatten(1)), head, self.cfg.n_heads, self.cfg.n_groups)

    def dense_weights(self, head: int = 0) -> np.ndarray:
        """One head's dense weights as (groups, channels, positions)."""
        g = self.cfg.n_groups
        w = self.dense.weight.detach().cpu().numpy()[head * g:(head + 1) * g]
        return w.reshape(g, self.n_channels, self.n_positions)

    def first_groups(self, n: int) -> "IRCNN":
        """A one-head copy scoring only the first n groups (auxiliary training targets dropped)."""
        if self.cfg.heads:
            raise ValueError("only a one-head network has auxiliary outputs to drop")
        model = IRCNN(replace(self.cfg, n_groups=n))
        state = self.state_dict()
        state["dense.weight"], state["dense.bias"] = state["dense.weight"][:n], state["dense.bias"][:n]
        model.load_state_dict(state)
        return model.train(self.training)

    def dense_bias(self, head: int = 0) -> np.ndarray:
        """One head's dense biases (groups,)."""
        g = self.cfg.n_groups
        return self.dense.bias.detach().cpu().numpy()[head * g:(head + 1) * g]


def _spatial_layers(encoder: nn.Sequential) -> list[tuple[int, int, int]]:
    """(kernel, stride, padding) of every layer that changes the length."""
    out = []
    for m in encoder:
        if isinstance(m, (nn.Conv1d, nn.MaxPool1d, nn.AvgPool1d)):
            k, s, p = (v if isinstance(v, int) else v[0] for v in (m.kernel_size, m.stride, m.padding))
            d = m.dilation if isinstance(m, nn.MaxPool1d) else m.dilation[0]
            out.append((d * (k - 1) + 1, s, p))
    return out


def latent_length(encoder: nn.Sequential, input_length: int) -> int:
    """Number of latent positions for an input length."""
    n = input_length
    for k, s, p in _spatial_layers(encoder):
        n = (n + 2 * p - k) // s + 1
    if n <= 0:
        raise ValueError(f"input length {input_length} is too short for this network")
    return n


def receptive_field(encoder: nn.Sequential) -> tuple[int, int, int]:
    """(size, jump, start offset) of one latent position's input window: position j sees
    input indices start + j * jump ... start + j * jump + size - 1."""
    size, jump, start = 1, 1, 0
    for k, s, p in _spatial_layers(encoder):
        size += (k - 1) * jump
        start -= p * jump
        jump *= s
    return size, jump, start


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
