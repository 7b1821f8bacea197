"""Step 2 of the two-step explanation: where in the spectrum each pattern matters.

The dense weights of each group, as channels x positions mapped back to wavenumber; since
channels are not aligned between ensemble members (seeds), comparisons across seeds use the
channel-free maximum over channels at each position (the paper's Fig. 6). Also the checks of
the weights against textbook bands and the presence/absence medians of the paper's Fig. 7.
"""
from __future__ import annotations

import numpy as np

from core.data.groups import GROUPS
from core.explain.patterns import latent, receptive_fields
from core.nn.bundle import ModelBundle
from core.nn.model import IRCNN
from core.spectra.preprocess import Grid


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
