"""The two-step explanation of Rieger et al. 2023, and exact per-spectrum evidence.

Step 1 (patterns): the input windows that activate each latent channel most.
Step 2 (weights): the dense weights per group, as channels x positions mapped to wavenumber.
Because the classifier is linear on the latent matrix z (channels x positions),
logit_g = b_g + sum_{c,p} W_g[c,p] z[c,p] exactly: `evidence` returns those terms.
Channels are not aligned between ensemble members (seeds), so comparisons across seeds
use the channel-free maximum over channels at each position (the paper's Fig. 6).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from core.bundle import ModelBundle
from core.groups import GROUPS
from core.model import IRCNN, receptive_field
from core.preprocess import Grid


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


# ---------------------------------------------------------------- step 1: patterns
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


# ---------------------------------------------------------------- step 2: weights
def weight_map(model: IRCNN, group: int, positive_only: bool = False, head: int = 0) -> np.ndarray:
    """Dense weights of one group (of one head) as (channels, positions); optionally only the positive part."""
    w = model.dense_weights(head)[group]
    return np.clip(w, 0, None) if positive_only else w


def max_over_channels(model: IRCNN, head: int = 0) -> np.ndarray:
    """(groups, positions): the largest weight over channels at each position (paper Fig. 6)."""
    return model.dense_weights(head).max(axis=1)


def ensemble_consistency(bundle: ModelBundle, head: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation across members of the max-over-channels positive weight
    curves, each normalised to its own maximum per group: (groups, positions) twice."""
    curves = []
    for m in bundle.members:
        c = np.clip(max_over_channels(m, head), 0, None)
        curves.append(c / np.maximum(c.max(axis=1, keepdims=True), 1e-12))
    stack = np.stack(curves)
    return stack.mean(axis=0), stack.std(axis=0)


def head_names(bundle: ModelBundle) -> list[tuple[int, str]]:
    """(head index, label) of every dense head: [(0, "")] for a one-head model, else one per
    phase group, e.g. [(0, "gas"), (1, "condensed")]."""
    heads = bundle.config.heads
    return list(enumerate(heads)) if heads else [(0, "")]


# ---------------------------------------------------------------- evidence
@dataclass
class Evidence:
    """Exact decomposition of one spectrum's logit for one group (mean over members)."""

    terms: np.ndarray  # (channels, positions) activation x weight
    bias: float
    logit: float  # mean member logit = terms.sum() + bias

    @property
    def per_window(self) -> np.ndarray:
        """Evidence per latent position (receptive-field window), summed over channels."""
        return self.terms.sum(axis=0)


class Explainer:
    """Evidence for a bundle, with the members' dense weights cached as numpy arrays. In a
    model with phase heads, a spectrum's evidence uses the weights of its phase group's head."""

    def __init__(self, bundle: ModelBundle):
        self.bundle = bundle
        net = bundle.stacked
        cfg = bundle.config
        self._weights = net.dense.weight.detach().numpy().reshape(
            net.members, cfg.n_heads, cfg.n_groups, net.n_channels, net.n_positions)  # (M, H, G, C, P)
        self._biases = net.dense.bias.detach().numpy().reshape(net.members, cfg.n_heads, cfg.n_groups)
        self.fields = receptive_fields(bundle.members[0], bundle.grid)

    def weights(self, phase: str = "unknown") -> np.ndarray:
        """(members, groups, channels, positions) dense weights of the head serving `phase`."""
        return self._weights[:, self.bundle.config.head_of(phase)]

    def biases(self, phase: str = "unknown") -> np.ndarray:
        """(members, groups) dense biases of the head serving `phase`."""
        return self._biases[:, self.bundle.config.head_of(phase)]

    def latents(self, x: np.ndarray) -> np.ndarray:
        """(members, channels, positions) latent matrices of one model-input spectrum, all
        members in one pass."""
        xt = torch.as_tensor(np.asarray(x, dtype=np.float32))[None]
        with torch.inference_mode():
            return self.bundle.stacked.features(xt)[:, 0].numpy()

    def terms(self, x: np.ndarray, phase: str = "unknown") -> np.ndarray:
        """(members, groups, channels, positions) activation x weight. For member m and group
        g, terms[m, g].sum() + biases(phase)[m, g] is that member's logit exactly."""
        return self.weights(phase) * self.latents(x)[:, None, :, :]

    def evidence(self, x: np.ndarray, group: int, terms: np.ndarray | None = None,
                 phase: str = "unknown") -> Evidence:
        """Evidence for one group averaged over members; sums with the bias to the logit whose
        sigmoid is the shown probability. `terms` must be those of the same phase. With a
        calibration (affine in the logit) the terms are scaled by the group's factor and the
        phase's offset joins the bias."""
        t = (self.terms(x, phase) if terms is None else terms)[:, group].mean(axis=0)
        b = float(self.biases(phase)[:, group].mean())
        cal = self.bundle.calibration
        if cal is not None:
            a, offset = cal.scale_bias([phase])
            t, b = t * a[group], float(a[group] * b + offset[0, group])
        return Evidence(t, b, float(t.sum() + b))


# ---------------------------------------------------------------- alignment with textbook bands
def band_mask(centres: np.ndarray, bands) -> np.ndarray:
    mask = np.zeros(centres.shape, dtype=bool)
    for lo, hi in bands:
        mask |= (centres >= lo) & (centres <= hi)
    return mask


def alignment_table(bundle: ModelBundle, x_test: np.ndarray | None = None,
                    y_test: np.ndarray | None = None, head: int = 0) -> list[dict]:
    """Per group: the share of positive weight mass (max over channels, ensemble mean) inside
    the textbook bands, the share of positions there (what chance would give), the wavenumber
    of the peak weight, and, with test data, the share of positive evidence inside the bands
    on the test spectra that have the group."""
    rf = receptive_fields(bundle.members[0], bundle.grid)
    centres = rf.centre
    mean_curve, _ = ensemble_consistency(bundle, head)
    ev_curves = None
    if x_test is not None and y_test is not None:
        ev_curves = _positive_evidence_by_group(bundle, x_test, y_test, head)
    rows = []
    by_name = {g.name: g for g in GROUPS}
    for j, name in enumerate(bundle.group_names):
        g = by_name.get(name)
        mask = band_mask(centres, g.bands) if g else np.zeros_like(centres, dtype=bool)
        curve = mean_curve[j]
        row = {"group": name, "bands": [list(b) for b in g.bands] if g else [],
               "weight_share_in_bands": float(curve[mask].sum() / max(curve.sum(), 1e-12)),
               "chance_share": float(mask.mean()),
               "peak_wavenumber": float(centres[int(np.argmax(curve))])}
        if ev_curves is not None:
            e = ev_curves[j]
            row["evidence_share_in_bands"] = float(e[mask].sum() / e.sum()) if e.sum() > 0 else float("nan")
        rows.append(row)
    return rows


def _positive_evidence_by_group(bundle: ModelBundle, x: np.ndarray, y: np.ndarray, head: int = 0) -> np.ndarray:
    """(groups, positions): positive evidence per window (summed over channels), summed over
    members and over the spectra that carry each group."""
    total = np.zeros((len(bundle.group_names), bundle.members[0].n_positions))
    for m in bundle.members:
        per_window = np.einsum("ncp,gcp->ngp", latent(m, x), m.dense_weights(head))  # (n, G, P)
        total += np.einsum("ngp,ng->gp", np.clip(per_window, 0, None), y.astype(np.float64))
    return total


# ---------------------------------------------------------------- presence / absence
def presence_absence(x: np.ndarray, y: np.ndarray, grid: Grid, group: int,
                     region: tuple[float, float]) -> dict:
    """Spectra with and without a group over a wavenumber region, with their medians (Fig. 7)."""
    cols = (grid.x >= region[0]) & (grid.x <= region[1])
    has = y[:, group].astype(bool)
    return {"wavenumber": grid.x[cols], "with": x[has][:, cols], "without": x[~has][:, cols],
            "median_with": np.median(x[has][:, cols], axis=0) if has.any() else None,
            "median_without": np.median(x[~has][:, cols], axis=0) if (~has).any() else None}
