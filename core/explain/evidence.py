"""Exact per-spectrum evidence: the classifier is linear on the latent matrix z
(channels x positions), so logit_g = b_g + sum_{c,p} W_g[c,p] z[c,p] exactly, and `Explainer`
returns those terms (activation x weight) for every member, group and window.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from core.explain.patterns import receptive_fields
from core.nn.bundle import ModelBundle


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
