"""Training-time augmentation: random shifts, an intensity power, a baseline tilt and noise,
and (with an artifact bank) the lab artifacts: water vapour and CO2 lines, scattering baselines,
ATR weighting with band shifts, and noise of varying level; (with `MullMasking`) spectra
seen as Nujol mulls, their mulling-agent bands masked; and (with `Mixing`) two-compound
mixtures, their labels joined.

Each member draws from its own generator, in a fixed order, so members stay independent and a
run is reproducible; the arithmetic runs once for all members' batches, in place on the
freshly gathered batch."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

ARTIFACT_P = 0.2  # the chance of each artifact in a training spectrum (ATR: half that)
GAS_LEVEL, SCATTER_LEVEL, ATR_SHIFT = 0.25, 0.4, 1.0  # the largest gas line, baseline (x max), shift (points)
NOISE = (0.002, 0.01)  # noise standard deviation, x max, with an artifact bank (else 0.005)


@dataclass
class ArtifactBank:
    """Artifact shapes on the training grid (core.artifacts.simulate.grid_bank, as tensors)."""

    water: torch.Tensor  # (K, L)
    co2: torch.Tensor  # (K, L)
    rise: torch.Tensor  # (L,)
    atr: torch.Tensor  # (L,)

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> "ArtifactBank":
        return cls(*(torch.as_tensor(arrays[k]) for k in ("water", "co2", "rise", "atr")))


@dataclass(frozen=True)
class MullMasking:
    """A share `p` of the training spectra seen as Nujol mulls: the mask channel zeroed where
    the mulling agent absorbs (`keep` (L,): 0 there, 1 elsewhere), as the input of a real mull is."""

    keep: torch.Tensor
    p: float


@dataclass
class Draws:
    """The random draws for a batch of n spectra of length L (all members' rows end to end)."""

    shifts: torch.Tensor  # (n,) grid points, in [-max_shift, max_shift]
    powers: torch.Tensor | None  # (n, 1) intensity exponents, None without the power augmentation
    tilts: torch.Tensor  # (n, 1) in [0, 1): baseline slope
    noise: torch.Tensor  # (n, L) standard normal
    artifacts: torch.Tensor | None = None  # (n, 10) uniform: 4 chances, 4 levels, baseline power, noise level
    picks: torch.Tensor | None = None  # (n, 2) which water and which CO2 version
    mull: torch.Tensor | None = None  # (n, 1) uniform: seen as a mull below MullMasking.p


def draw_members(n: int, length: int, gens: list[torch.Generator], max_shift: int, gamma: float,
                 bank: ArtifactBank | None = None, mull: MullMasking | None = None) -> Draws:
    """Each generator's draws for its member's n spectra (shift, power, tilt, noise, then the
    artifacts' and the mull's in that order), concatenated member after member."""
    per = [_draw(n, length, gen, max_shift, gamma, bank, mull) for gen in gens]
    cat = lambda k: torch.cat([d[k] for d in per]) if k in per[0] else None  # noqa: E731
    return Draws(cat("shifts"), cat("power"), cat("tilt"), cat("noise"), cat("artifacts"), cat("picks"), cat("mull"))


def _draw(n: int, length: int, gen: torch.Generator, max_shift: int, gamma: float,
          bank: ArtifactBank | None = None, mull: MullMasking | None = None) -> dict[str, torch.Tensor]:
    """One batch's random draws, in a fixed order from one generator."""
    d = {"shifts": torch.randint(-max_shift, max_shift + 1, (n,), generator=gen)}
    if gamma > 0:
        d["power"] = torch.exp((torch.rand(n, 1, generator=gen) - 0.5) * 2 * gamma)
    d["tilt"] = torch.rand(n, 1, generator=gen)
    d["noise"] = torch.randn((n, length), generator=gen)
    if bank is not None:
        d["artifacts"] = torch.rand(n, 10, generator=gen)
        d["picks"] = torch.stack([torch.randint(0, len(bank.water), (n,), generator=gen),
                                  torch.randint(0, len(bank.co2), (n,), generator=gen)], dim=1)
    if mull is not None:  # drawn last, so the other draws stay as they were without it
        d["mull"] = torch.rand(n, 1, generator=gen)
    return d


def augment_batch(x: torch.Tensor, gen: torch.Generator, max_shift: int = 2, gamma: float = 0.0) -> torch.Tensor:
    """Random shifts (up to `max_shift` grid points), optional intensity power
    exp(U(-gamma, gamma)), noise and a baseline tilt, renormalised. For (n, C, L) input all
    channels shift together; only channel 0 (the spectrum) gets the rest, and is zeroed where
    a mask channel (channel 1) is zero."""
    return augment_members(x[None], [gen], max_shift, gamma)[0]


def augment_members(x: torch.Tensor, gens: list[torch.Generator], max_shift: int = 2,
                    gamma: float = 0.0) -> torch.Tensor:
    """`augment_batch` of each member's batch x[i] (x: (M, n, L) or (M, n, C, L)) with its own
    generator gens[i]: the random draws are each member's own, the arithmetic runs once for all."""
    m, n = x.shape[0], x.shape[1]
    rows = ShiftedRows(x.reshape(m * n, *x.shape[2:]), max_shift)
    return rows.augmented(torch.arange(m * n).view(m, n), gens, gamma)


class ShiftedRows:
    """Training spectra (N, L) or (N, C, L) from which a batch of rows comes out already
    shifted, in one indexing step: the spectra padded at both ends by repeating their edge
    values, viewed as every window of length L: point j of a row shifted by s is the spectrum's
    point clamp(j - s)."""

    def __init__(self, x: torch.Tensor, max_shift: int, bank: ArtifactBank | None = None,
                 mull: MullMasking | None = None):
        if mull is not None and (x.dim() != 3 or x.shape[1] < 2):
            raise ValueError("seeing spectra as mulls needs the mask channel")
        self.max_shift = max_shift
        self.bank, self.mull = bank, mull
        self.length = x.shape[-1]
        padded = nn.functional.pad(x if x.dim() == 3 else x[:, None], (max_shift, max_shift), mode="replicate")
        self._windows = padded.unfold(-1, self.length, 1)  # (N, C, 2 max_shift + 1, L), a view
        self._channels = x.dim() == 3

    def augmented(self, idx: torch.Tensor, gens: list[torch.Generator], gamma: float) -> torch.Tensor:
        """The augmented batches of rows idx (M, n), member i's drawn from gens[i]:
        (M, n, L) or (M, n, C, L)."""
        m, n = idx.shape
        draws = draw_members(n, self.length, gens, self.max_shift, gamma, self.bank, self.mull)
        flat = self._windows[idx.reshape(-1), :, self.max_shift - draws.shifts]  # (M n, C, L)
        flat = _apply(flat if self._channels else flat[:, 0], draws, self.bank, self.mull)
        return flat.reshape(m, n, *flat.shape[1:])


def _lab_artifacts(s: torch.Tensor, d: Draws, bank: ArtifactBank) -> None:
    """ATR weighting with band shifts, water and CO2 lines and a scattering baseline, each in a
    share of the spectra at a random level, in place on spectra s (n, L) of maximum 1."""
    u = d.artifacts
    on = lambda k, p=ARTIFACT_P: (u[:, k:k + 1] < p).to(s.dtype)  # noqa: E731
    atr = on(3, ARTIFACT_P / 2)
    if atr.any():  # strong bands move toward low wavenumber (up to ATR_SHIFT points) and grow there
        j = torch.arange(s.shape[1], dtype=s.dtype)
        pos = (j[None, :] + ATR_SHIFT * u[:, 7:8] * s.clamp(0, 1)).clamp_(0, s.shape[1] - 1)
        lo = pos.floor().long().clamp_(max=s.shape[1] - 2)
        f = pos - lo
        moved = torch.gather(s, 1, lo) * (1 - f) + torch.gather(s, 1, lo + 1) * f
        s.copy_(torch.where(atr > 0, moved * bank.atr[None, :], s))
    s.add_(on(0) * GAS_LEVEL * u[:, 4:5] * bank.water[d.picks[:, 0]])
    s.add_(on(1) * GAS_LEVEL * u[:, 5:6] * bank.co2[d.picks[:, 1]])
    s.add_(on(2) * SCATTER_LEVEL * u[:, 6:7] * bank.rise[None, :] ** (1 + 2 * u[:, 8:9]))


def _apply(flat: torch.Tensor, d: Draws, bank: ArtifactBank | None = None,
           mull: MullMasking | None = None) -> torch.Tensor:
    """Power, tilt, noise (with a bank, the lab artifacts too) and renormalisation of channel 0
    (the spectrum), then the mask (channel 1, when there is one; with `mull`, the mulling
    agent's bands masked in a share of the spectra), in place on the batch `flat` ((n, L) or
    (n, C, L))."""
    s = flat[:, 0] if flat.dim() == 3 else flat
    if d.powers is not None:  # stronger or weaker relative band intensities: another path length or concentration
        s.clamp_min_(0).pow_(d.powers)
    if bank is not None:
        _lab_artifacts(s, d, bank)
    s.add_((d.tilts - 0.5) * 0.04 * torch.linspace(-0.5, 0.5, s.shape[1])[None, :])
    if bank is not None:
        s.add_(d.noise.mul_(NOISE[0] + (NOISE[1] - NOISE[0]) * d.artifacts[:, 9:10]))
    else:
        s.add_(d.noise.mul_(0.005))
    s.div_(s.amax(dim=1, keepdim=True).clamp_min(1e-6))
    if flat.dim() == 3 and flat.shape[1] > 1:
        if mull is not None:
            flat[:, 1].mul_(torch.where(d.mull < mull.p, mull.keep[None, :], 1.0))
        s.mul_(flat[:, 1])
        s.div_(s.amax(dim=1, keepdim=True).clamp_min(1e-6))
    return flat


@dataclass(frozen=True)
class Mixing:
    """A share `p` of the training spectra replaced by a mixture with another spectrum of the
    batch: absorbances (the input to the power 1/`power`) added in proportions lam : 1 - lam,
    lam in `span`, measured where both are, renormalised; the labels are both compounds' groups."""

    p: float
    power: float = 1.0
    span: tuple[float, float] = (0.35, 0.65)


def mix_members(x: torch.Tensor, y: torch.Tensor, gens: list[torch.Generator],
                mixing: Mixing) -> tuple[torch.Tensor, torch.Tensor]:
    """Member i's batch x[i] ((M, n, L) or (M, n, C, L), mask in channel 1) and targets y[i]
    (M, n, G) with a share of its rows mixed with another of its rows (partner, proportion and
    choice drawn from gens[i], after the other augmentation draws)."""
    m, n = x.shape[:2]
    draws = [(torch.randperm(n, generator=g), torch.rand(n, 1, generator=g), torch.rand(n, 1, generator=g))
             for g in gens]
    partner = torch.stack([d[0] for d in draws])  # (M, n)
    lo, hi = mixing.span
    lam = torch.stack([lo + (hi - lo) * d[1] for d in draws])  # (M, n, 1)
    on = torch.stack([d[2] < mixing.p for d in draws])  # (M, n, 1)
    flat = x.dim() == 3  # no channel axis: (M, n, L)
    x4 = x[:, :, None] if flat else x
    other_x = torch.gather(x4, 1, partner.view(m, n, 1, 1).expand_as(x4))
    other_y = torch.gather(y, 1, partner.view(m, n, 1).expand_as(y))
    absorbance = lambda t: t[:, :, 0].clamp_min(0) ** (1 / mixing.power)  # noqa: E731
    mixed = lam * absorbance(x4) + (1 - lam) * absorbance(other_x)
    out = x4.clone()
    if x4.shape[2] > 1:  # the mask: measured where both spectra are
        keep = torch.minimum(x4[:, :, 1], other_x[:, :, 1])
        out[:, :, 1] = torch.where(on, keep, x4[:, :, 1])
        mixed = mixed * keep
    mixed = (mixed / mixed.amax(dim=-1, keepdim=True).clamp_min(1e-6)) ** mixing.power
    out[:, :, 0] = torch.where(on, mixed, x4[:, :, 0])
    out = out[:, :, 0] if flat else out
    return out, torch.where(on, torch.maximum(y, other_y), y)
