"""Phase heads: the second stage of the phase-aware recipe.

After the ensemble has been trained on every phase with one dense head, each member's encoder is
frozen and its dense layer is copied into one head per phase group (gas, condensed). Each head is
then fine-tuned on its own phase group's training spectra (the recipe's weighted BCE with that
group's positive shares, Adam, weight decay, early stopping on that group's validation loss).
The classifier stays linear on the unchanged latent matrix, so evidence still sums exactly to
the logit; a spectrum's phase only selects which weight map it is read with.

Measured on the combined NIST gas + condensed split (10 members, paper loss weights, held-out compounds): gas
molecular F1 / perfection 0.897 / 0.602 -> 0.908 / 0.641, condensed 0.774 / 0.308 -> 0.779 / 0.305.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
import torch

from core.nn.model import IRCNN
from core.spectra.phase import PHASE_GROUPS, phase_group
from core.nn.training import class_weights, weighted_bce


@dataclass(frozen=True)
class HeadConfig:
    """Fine-tuning of the phase heads on frozen latents."""

    learning_rate: float = 3e-4
    weight_decay: float = 1e-3
    batch_size: int = 64
    patience: int = 10
    max_epochs: int = 200
    class_weight_power: float = 1.0  # as TrainConfig.class_weight_power


def can_fit_heads(train_phases: list[str], val_phases: list[str]) -> bool:
    """Phase heads need training and validation spectra of every phase group."""
    return all({phase_group(p) for p in phases} == set(PHASE_GROUPS) for phases in (train_phases, val_phases))


def fit_phase_heads(models: list[IRCNN], seeds: list[int], train: tuple[np.ndarray, np.ndarray, list[str]],
                    val: tuple[np.ndarray, np.ndarray, list[str]], config: HeadConfig = HeadConfig(),
                    progress: Callable[[int, int], None] | None = None,
                    stopping: Callable[[], bool] = lambda: False) -> list[IRCNN]:
    """Members with one dense head per phase group, fitted on frozen encoders.

    `train` and `val` are (model input, labels, phases). Each head of member i draws its batch
    order from a generator seeded with seeds[i]. `progress(done, total)` is called after each (member, head);
    when `stopping()` turns true the members fitted so far are returned with heads and the rest
    keep their shared head copied into every phase group (so the model stays usable)."""
    (xt, yt, pt), (xv, yv, pv) = train, val
    group_t = np.array([phase_group(p) for p in pt])
    group_v = np.array([phase_group(p) for p in pv])
    total, done = len(models) * len(PHASE_GROUPS), 0
    out = []
    for model, seed in zip(models, seeds):
        cfg = replace(model.cfg, heads=PHASE_GROUPS)
        headed = IRCNN(cfg)
        state = model.state_dict()
        state["dense.weight"] = state["dense.weight"].repeat(len(PHASE_GROUPS), 1)
        state["dense.bias"] = state["dense.bias"].repeat(len(PHASE_GROUPS))
        headed.load_state_dict(state)
        headed.eval()
        if stopping():
            out.append(headed)
            continue
        zt, zv = _latents(model, xt), _latents(model, xv)
        g = cfg.n_groups
        for h, name in enumerate(PHASE_GROUPS):
            gen = torch.Generator().manual_seed(seed)
            rows_t, rows_v = np.flatnonzero(group_t == name), np.flatnonzero(group_v == name)
            w, b = _fit_head(model.dense.weight.detach(), model.dense.bias.detach(),
                             (zt[rows_t], torch.from_numpy(yt[rows_t].astype(np.float32))),
                             (zv[rows_v], torch.from_numpy(yv[rows_v].astype(np.float32))),
                             class_weights(yt[rows_t], config.class_weight_power), gen, config)
            with torch.no_grad():
                headed.dense.weight[h * g:(h + 1) * g] = w
                headed.dense.bias[h * g:(h + 1) * g] = b
            done += 1
            if progress:
                progress(done, total)
        out.append(headed)
    return out


def _latents(model: IRCNN, x: np.ndarray, batch: int = 1024) -> torch.Tensor:
    """(n, channels * positions) latent matrices, flattened, in eval mode."""
    model.eval()
    xt = torch.as_tensor(x, dtype=torch.float32)
    with torch.inference_mode():
        return torch.cat([model.features(xt[i:i + batch]).flatten(1) for i in range(0, len(xt), batch)])


def _fit_head(w0: torch.Tensor, b0: torch.Tensor, train: tuple[torch.Tensor, torch.Tensor],
              val: tuple[torch.Tensor, torch.Tensor], weights: tuple[torch.Tensor, torch.Tensor],
              gen: torch.Generator, cfg: HeadConfig) -> tuple[torch.Tensor, torch.Tensor]:
    """One head (groups x features weights, biases) from (w0, b0), early-stopped on validation loss."""
    (zt, yt), (zv, yv) = train, val
    w_pos, w_neg = weights
    w, b = w0.clone().requires_grad_(True), b0.clone().requires_grad_(True)
    opt = torch.optim.Adam([w, b], lr=cfg.learning_rate, weight_decay=cfg.weight_decay)

    def val_loss() -> float:
        with torch.no_grad():
            return float(weighted_bce(zv @ w.T + b, yv, w_pos, w_neg))

    best, best_w, best_b, since, epoch = val_loss(), w0.clone(), b0.clone(), 0, 0
    while since < cfg.patience and epoch < cfg.max_epochs:
        epoch += 1
        order = torch.randperm(len(zt), generator=gen)
        for s in range(0, len(zt), cfg.batch_size):
            i = order[s:s + cfg.batch_size]
            loss = weighted_bce(zt[i] @ w.T + b, yt[i], w_pos, w_neg)
            opt.zero_grad()
            loss.backward()
            opt.step()
        current = val_loss()
        if current < best - 1e-6:
            best, best_w, best_b, since = current, w.detach().clone(), b.detach().clone(), 0
        else:
            since += 1
    return best_w, best_b
