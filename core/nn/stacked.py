"""The ensemble as one network: M copies of the CNN side by side in every layer.

Convolutions are grouped (groups = members), batch norm runs over members x channels, and the
dense layer is a batched einsum, so one forward/backward pass serves all members while each
member only ever sees its own weights, its own batch statistics and its own input. Channels
are member-major: member m's channel c is channel m * C + c. The parameter names are those
of `IRCNN`, with every tensor holding the members' tensors stacked along the first axis, so a
member's state is a slice (`member_state`) and members load in by stacking (`from_members`).
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import torch
from torch import nn

from core.nn.channels_last import encode_channels_last
from core.nn.model import IRCNN, ModelConfig, as_channels, build_encoder, latent_length, select_head


class StackedDense(nn.Module):
    """M independent linear layers: weight (M, groups, features), bias (M, groups)."""

    def __init__(self, members: int, features: int, groups: int):
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(members, groups, features))
        self.bias = nn.Parameter(torch.zeros(members, groups))

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        """(n, M, features) -> (M, n, groups)."""
        return torch.einsum("nmf,mgf->mng", z, self.weight) + self.bias[:, None, :]


class StackedIRCNN(nn.Module):
    """`members` IRCNNs in one module. Input either shared by all members, (n, L) or
    (n, C, L), or one batch per member, (M, n, L) or (M, n, C, L) (`per_member=True`)."""

    def __init__(self, cfg: ModelConfig, members: int):
        super().__init__()
        self.cfg, self.members = cfg, members
        self.encoder = build_encoder(cfg, members)
        self.n_channels = cfg.channels[-1]
        self.n_positions = latent_length(self.encoder, cfg.input_length)
        self.dense = StackedDense(members, self.n_channels * self.n_positions, cfg.n_groups * cfg.n_heads)
        self._shapes = {k: v.shape for k, v in IRCNN(cfg).state_dict().items()}

    # ---------------------------------------------------------------- members in and out
    @classmethod
    def from_members(cls, models: list[IRCNN]) -> "StackedIRCNN":
        """Stack trained members (weights and batch-norm statistics) into one network."""
        if not models:
            raise ValueError("no members to stack")
        cfg = models[0].cfg
        if any(m.cfg != cfg for m in models):
            raise ValueError("members differ in architecture")
        net = cls(cfg, len(models))
        states = [m.state_dict() for m in models]
        target = net.state_dict()
        net.load_state_dict({k: (torch.stack([s[k] for s in states]).reshape(t.shape) if t.dim()
                                 else max(s[k] for s in states)) for k, t in target.items()})
        net.train(models[0].training)
        return net

    def member_state(self, i: int) -> dict[str, torch.Tensor]:
        """Member i's state dict in IRCNN layout (cloned tensors)."""
        return {k: (v.reshape(self.members, *self._shapes[k])[i] if v.dim() else v).clone()
                for k, v in self.state_dict().items()}

    def member(self, i: int) -> IRCNN:
        """Member i as a stand-alone IRCNN (in eval mode)."""
        model = IRCNN(self.cfg)
        model.load_state_dict(self.member_state(i))
        return model.eval()

    # ---------------------------------------------------------------- forward
    def _encode(self, x: torch.Tensor, per_member: bool) -> torch.Tensor:
        """Encoder output (n, M * channels, positions)."""
        if not per_member:
            # a shared input needs no copies: the first grouped conv is an ordinary conv with
            # members x channels outputs reading the same input channels
            conv = self.encoder[0]
            z = nn.functional.conv1d(as_channels(x, self.cfg.in_channels), conv.weight, conv.bias)
            return encode_channels_last(self.encoder[1:], z)
        m, n = x.shape[:2]
        if m != self.members:
            raise ValueError(f"expected a batch for each of {self.members} members, got {m}")
        x = as_channels(x.reshape(m * n, *x.shape[2:]), self.cfg.in_channels)
        return encode_channels_last(self.encoder, x.reshape(m, n, *x.shape[1:]).transpose(0, 1).reshape(n, -1, x.shape[-1]))

    def features(self, x: torch.Tensor, per_member: bool = False) -> torch.Tensor:
        """Latent matrices (M, n, channels, positions)."""
        return self._latent(self._encode(x, per_member))

    def _latent(self, z: torch.Tensor) -> torch.Tensor:
        """Encoder output (n, M * channels, positions) as latent matrices (M, n, channels, positions)."""
        return z.reshape(len(z), self.members, self.n_channels, self.n_positions).transpose(0, 1)

    def forward(self, x: torch.Tensor, per_member: bool = False,
                head: torch.Tensor | np.ndarray | None = None, dropout: float = 0.0) -> torch.Tensor:
        """Logits (M, n, groups); `head` (n,) picks each spectrum's head in a model with phase heads.
        `dropout` (training only): each latent entry is zeroed with this probability before the
        dense layer (and the rest scaled up), so no group leans on a few positions."""
        z = self._encode(x, per_member)
        if dropout and self.training:
            z = nn.functional.dropout(z, dropout)
        return self._classify(z, head)

    def logits_and_features(self, x: torch.Tensor, head: torch.Tensor | np.ndarray | None = None
                            ) -> tuple[torch.Tensor, torch.Tensor]:
        """Logits (M, n, groups) and latent matrices (M, n, channels, positions) of shared
        input, from one pass of the encoder."""
        z = self._encode(x, False)
        return self._classify(z, head), self._latent(z)

    def _classify(self, z: torch.Tensor, head: torch.Tensor | np.ndarray | None) -> torch.Tensor:
        logits = self.dense(z.reshape(len(z), self.members, self.n_channels * self.n_positions))
        return select_head(logits, head, self.cfg.n_heads, self.cfg.n_groups)


def stacked_logits(net: StackedIRCNN, x: np.ndarray | torch.Tensor, batch: int = 256,
                   head: np.ndarray | None = None,
                   on_latent: Callable[[torch.Tensor], None] | None = None) -> torch.Tensor:
    """(M, n, groups) logits of every member for shared input, in chunks, in eval mode;
    `on_latent` receives each chunk's latent matrices (M, chunk, channels, positions) from the
    same pass (e.g. to reduce them to novelty features without a second pass)."""
    net.eval()
    xt = torch.as_tensor(x, dtype=net.dense.weight.dtype)
    out = []
    with torch.inference_mode():
        for i in range(0, max(len(xt), 1), batch):
            h = None if head is None else head[i:i + batch]
            if on_latent is None:
                out.append(net(xt[i:i + batch], head=h))
                continue
            logits, latent = net.logits_and_features(xt[i:i + batch], h)
            on_latent(latent)
            out.append(logits)
    return torch.cat(out, dim=1)
