"""Ensemble members split into groups, one stacked network and one Adam per group, so that
each of the machine's cores trains its own group in its own thread (torch ops release the
interpreter lock; each runs on one torch thread). Members are independent, so how they are
grouped changes nothing but speed: a member's weights, batch-norm statistics and Adam moments
move with it when the groups are formed again after members stop."""
from __future__ import annotations

from dataclasses import dataclass

import torch

from core.nn.model import IRCNN, ModelConfig
from core.nn.stacked import StackedIRCNN


@dataclass
class MemberGroup:
    """Members trained together in one stacked network."""

    net: StackedIRCNN
    opt: torch.optim.Adam
    slots: list[int]  # member index of each slot in the network


@dataclass
class _MemberPart:
    """One member taken out of its group: weights and statistics in IRCNN layout, and its slice
    of every Adam moment (None before the first step)."""

    slot: int
    state: dict[str, torch.Tensor]
    moments: list[dict[str, torch.Tensor]] | None


def group_count(threads: int, members: int) -> int:
    """How many groups `members` members form on `threads` threads."""
    return max(1, min(threads, members))


def initial_groups(models: list[IRCNN], n_groups: int, lr: float) -> list[MemberGroup]:
    """Freshly initialised members (slot i = models[i]) dealt into `n_groups` groups."""
    parts = [_MemberPart(i, m.state_dict(), None) for i, m in enumerate(models)]
    return _form(parts, n_groups, models[0].cfg, lr)


def regroup(groups: list[MemberGroup], keep: set[int], n_groups: int) -> list[MemberGroup]:
    """The members whose slot is in `keep`, with their state and Adam moments, dealt into
    `n_groups` new groups (in slot order)."""
    parts = [p for g in groups for p in _parts(g) if p.slot in keep]
    if not parts:
        return []
    return _form(sorted(parts, key=lambda p: p.slot), n_groups, groups[0].net.cfg,
                 groups[0].opt.defaults["lr"])


def _parts(group: MemberGroup) -> list[_MemberPart]:
    params = list(group.net.parameters())
    started = all(group.opt.state.get(p) for p in params)
    n = group.net.members
    return [_MemberPart(slot, group.net.member_state(j),
                        [{k: (v.view(n, -1)[j].clone() if v.dim() else v.clone())
                          for k, v in group.opt.state[p].items()} for p in params] if started else None)
            for j, slot in enumerate(group.slots)]


def _form(parts: list[_MemberPart], n_groups: int, cfg: ModelConfig, lr: float) -> list[MemberGroup]:
    n_groups = min(n_groups, len(parts))
    return [_stack(parts[k::n_groups], cfg, lr) for k in range(n_groups)]


def _stack(parts: list[_MemberPart], cfg: ModelConfig, lr: float) -> MemberGroup:
    models = []
    for p in parts:
        model = IRCNN(cfg)
        model.load_state_dict(p.state)
        models.append(model)
    net = StackedIRCNN.from_members(models).train()
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    if parts[0].moments is not None:
        for k, param in enumerate(net.parameters()):
            opt.state[param] = {key: (torch.stack([p.moments[k][key] for p in parts]).reshape(param.shape)
                                      if value.dim() else value.clone())
                                for key, value in parts[0].moments[k].items()}
    return MemberGroup(net, opt, [p.slot for p in parts])
