"""Training-time augmentation: random shifts, an intensity power, a baseline tilt and noise.

Each member draws from its own generator, in a fixed order, so members stay independent and a
run is reproducible; the arithmetic runs once for all members' batches, in place on the
freshly gathered batch."""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn


@dataclass
class Draws:
    """The random draws for a batch of n spectra of length L (all members' rows end to end)."""

    shifts: torch.Tensor  # (n,) grid points, in [-max_shift, max_shift]
    powers: torch.Tensor | None  # (n, 1) intensity exponents, None without the power augmentation
    tilts: torch.Tensor  # (n, 1) in [0, 1): baseline slope
    noise: torch.Tensor  # (n, L) standard normal


def draw_members(n: int, length: int, gens: list[torch.Generator], max_shift: int, gamma: float) -> Draws:
    """Each generator's draws for its member's n spectra (shift, power, tilt, noise in that
    order), concatenated member after member."""
    per = [_draw(n, length, gen, max_shift, gamma) for gen in gens]
    return Draws(torch.cat([d["shifts"] for d in per]),
                 torch.cat([d["power"] for d in per]) if gamma > 0 else None,
                 torch.cat([d["tilt"] for d in per]), torch.cat([d["noise"] for d in per]))


def _draw(n: int, length: int, gen: torch.Generator, max_shift: int, gamma: float) -> dict[str, torch.Tensor]:
    """One batch's random draws, in a fixed order from one generator."""
    d = {"shifts": torch.randint(-max_shift, max_shift + 1, (n,), generator=gen)}
    if gamma > 0:
        d["power"] = torch.exp((torch.rand(n, 1, generator=gen) - 0.5) * 2 * gamma)
    d["tilt"] = torch.rand(n, 1, generator=gen)
    d["noise"] = torch.randn((n, length), generator=gen)
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

    def __init__(self, x: torch.Tensor, max_shift: int):
        self.max_shift = max_shift
        self.length = x.shape[-1]
        padded = nn.functional.pad(x if x.dim() == 3 else x[:, None], (max_shift, max_shift), mode="replicate")
        self._windows = padded.unfold(-1, self.length, 1)  # (N, C, 2 max_shift + 1, L), a view
        self._channels = x.dim() == 3

    def augmented(self, idx: torch.Tensor, gens: list[torch.Generator], gamma: float) -> torch.Tensor:
        """The augmented batches of rows idx (M, n), member i's drawn from gens[i]:
        (M, n, L) or (M, n, C, L)."""
        m, n = idx.shape
        draws = draw_members(n, self.length, gens, self.max_shift, gamma)
        flat = self._windows[idx.reshape(-1), :, self.max_shift - draws.shifts]  # (M n, C, L)
        flat = _apply(flat if self._channels else flat[:, 0], draws)
        return flat.reshape(m, n, *flat.shape[1:])


def _apply(flat: torch.Tensor, d: Draws) -> torch.Tensor:
    """Power, tilt, noise and renormalisation of channel 0 (the spectrum), then the mask
    (channel 1, when there is one), in place on the batch `flat` ((n, L) or (n, C, L))."""
    s = flat[:, 0] if flat.dim() == 3 else flat
    if d.powers is not None:  # stronger or weaker relative band intensities: another path length or concentration
        s.clamp_min_(0).pow_(d.powers)
    s.add_((d.tilts - 0.5) * 0.04 * torch.linspace(-0.5, 0.5, s.shape[1])[None, :])
    s.add_(d.noise.mul_(0.005))
    s.div_(s.amax(dim=1, keepdim=True).clamp_min(1e-6))
    if flat.dim() == 3 and flat.shape[1] > 1:
        s.mul_(flat[:, 1])
        s.div_(s.amax(dim=1, keepdim=True).clamp_min(1e-6))
    return flat
