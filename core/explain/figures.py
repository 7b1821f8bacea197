"""Static explanation figures (matplotlib, Agg: no display, no Qt) for `irgroups explain`."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from core.nn.bundle import ModelBundle
from core.explain.evidence import Evidence
from core.explain.patterns import ChannelPatterns, ReceptiveFields, receptive_fields
from core.explain.weights import ensemble_consistency, presence_absence, weight_map
from core.data.groups import GROUPS

CMAP = "viridis"  # the same sequential map as the app's heatmaps
DIVERGING = "RdBu_r"


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.size": 9, "axes.titlesize": 10, "figure.dpi": 110})
    return plt


def _save(fig, out: Path, stem: str, formats: tuple[str, ...]) -> list[Path]:
    paths = []
    for fmt in formats:
        p = out / f"{stem}.{fmt}"
        fig.savefig(p, bbox_inches="tight")
        paths.append(p)
    fig.clf()
    import matplotlib.pyplot as plt

    plt.close(fig)
    return paths


def _shade_bands(ax, group_name: str) -> None:
    g = next((g for g in GROUPS if g.name == group_name), None)
    for lo, hi in (g.bands if g else ()):
        ax.axvspan(lo, hi, color="orange", alpha=0.18, lw=0)


def _edges(rf: ReceptiveFields) -> np.ndarray:
    c = rf.centre
    mid = (c[1:] + c[:-1]) / 2
    return np.concatenate([[c[0] - (mid[0] - c[0])], mid, [c[-1] + (c[-1] - mid[-1])]])


def patterns_figure(patterns: list[ChannelPatterns], step: float, out: Path,
                    formats=("png", "svg")) -> list[Path]:
    """Step 1: the top windows of each channel, overlaid, and where in the spectrum they sit."""
    plt = _plt()
    n = len(patterns)
    fig, axes = plt.subplots(2, n, figsize=(2.0 * n, 4.2), gridspec_kw={"height_ratios": [3, 1]})
    for p, ax, hx in zip(patterns, axes[0], axes[1]):
        offs = np.arange(p.windows.shape[1]) * step
        ax.plot(offs, p.windows.T, color="tab:blue", alpha=0.08, lw=0.8)
        ax.plot(offs, np.median(p.windows, axis=0), color="k", lw=1.5)
        ax.set_title(f"channel {p.channel}")
        ax.set_xlabel("Δ cm-1 in window")
        hx.hist((p.wn_lo + p.wn_hi) / 2, bins=np.linspace(500, 4000, 36), color="tab:gray")
        hx.invert_xaxis()
        hx.set_xlabel("cm-1")
        hx.set_yticks([])
    axes[0][0].set_ylabel("normalised absorbance")
    fig.suptitle(f"Step 1: the {len(patterns[0].activation)} most activating windows per latent channel")
    fig.tight_layout()
    return _save(fig, out, "patterns", formats)


def group_weights_figure(bundle: ModelBundle, group: int, out: Path, formats=("png", "svg"), head: int = 0,
                         head_label: str = "") -> list[Path]:
    """Step 2 for one group (of one head, in a model with phase heads): positive weights (first
    member) as channels x wavenumber, and the ensemble's max-over-channels curve, mean ± sd
    across seeds, with textbook bands."""
    plt = _plt()
    name = bundle.group_names[group]
    rf = receptive_fields(bundle.members[0], bundle.grid)
    w = weight_map(bundle.members[0], group, positive_only=True, head=head)
    mean, sd = ensemble_consistency(bundle, head)
    fig, (a1, a2) = plt.subplots(2, 1, figsize=(8, 4.6), sharex=True, layout="constrained",
                                 gridspec_kw={"height_ratios": [1.1, 1]})
    mesh = a1.pcolormesh(_edges(rf), np.arange(w.shape[0] + 1) - 0.5, w, cmap=CMAP, shading="flat")
    fig.colorbar(mesh, ax=[a1, a2], label="weight (> 0), top panel", pad=0.01, shrink=0.6, anchor=(0, 1))
    a1.set_ylabel("channel")
    which = f", {head_label} head" if head_label else ""
    a1.set_title(f"{name}{which}: where each pattern counts (member 1 of {len(bundle.members)})")
    c = rf.centre
    a2.fill_between(c, mean[group] - sd[group], mean[group] + sd[group], color="tab:blue", alpha=0.25,
                    label="± sd across seeds")
    a2.plot(c, mean[group], color="tab:blue", lw=1.2, label=f"mean of {len(bundle.members)} seeds")
    _shade_bands(a2, name)
    a2.set_ylabel("max weight over channels\n(normalised)")
    a2.set_xlabel("wavenumber / cm-1")
    a2.legend(loc="upper left", fontsize=7, frameon=False)
    a2.set_xlim(bundle.grid.stop, bundle.grid.start)
    suffix = f"_{head_label}" if head_label else ""
    return _save(fig, out, f"weights_{name.replace(' ', '_')}{suffix}", formats)


def alignment_figure(rows: list[dict], out: Path, formats=("png", "svg")) -> list[Path]:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(8, 3.6))
    idx = np.arange(len(rows))
    ax.bar(idx - 0.27, [r["weight_share_in_bands"] for r in rows], 0.27, label="positive weight in bands")
    if "evidence_share_in_bands" in rows[0]:
        ax.bar(idx, [r["evidence_share_in_bands"] for r in rows], 0.27, label="evidence in bands (test)")
    ax.bar(idx + 0.27, [r["chance_share"] for r in rows], 0.27, color="lightgray", label="share of axis (chance)")
    ax.set_xticks(idx, [r["group"] for r in rows], rotation=45, ha="right")
    ax.set_ylabel("share")
    ax.legend(frameon=False, fontsize=8)
    ax.set_title("How much of each group's weight and evidence falls in its textbook bands")
    fig.tight_layout()
    return _save(fig, out, "alignment", formats)


def presence_figure(x: np.ndarray, y: np.ndarray, bundle: ModelBundle, group: int, region: tuple[float, float],
                    out: Path, formats=("png", "svg")) -> list[Path]:
    """Spectra with and without a group over a region, with medians (paper Fig. 7)."""
    plt = _plt()
    name = bundle.group_names[group]
    pa = presence_absence(x, y, bundle.grid, group, region)
    fig, axes = plt.subplots(1, 2, figsize=(8, 3), sharey=True)
    for ax, key, med, title in ((axes[0], "with", "median_with", "with"), (axes[1], "without", "median_without", "without")):
        rows = pa[key][:200]
        if len(rows):
            ax.plot(pa["wavenumber"], rows.T, color="tab:gray", alpha=0.08, lw=0.7)
        if pa[med] is not None:
            ax.plot(pa["wavenumber"], pa[med], color="tab:red", lw=1.8, label="median")
        ax.set_title(f"{title} {name} (n = {len(pa[key])})")
        ax.set_xlim(region[1], region[0])
        ax.set_xlabel("wavenumber / cm-1")
    axes[0].set_ylabel("normalised absorbance")
    axes[0].legend(frameon=False)
    fig.tight_layout()
    return _save(fig, out, f"presence_{name.replace(' ', '_')}", formats)


def spectrum_evidence_figure(x: np.ndarray, bundle: ModelBundle, ev: Evidence, group: int, prob: float,
                             title: str, out: Path, formats=("png", "svg")) -> list[Path]:
    """One spectrum: model input, evidence per window, and the channel x position terms."""
    plt = _plt()
    name = bundle.group_names[group]
    rf = receptive_fields(bundle.members[0], bundle.grid)
    fig, (a1, a2, a3) = plt.subplots(3, 1, figsize=(8, 6), sharex=True, layout="constrained",
                                     gridspec_kw={"height_ratios": [1.3, 1, 1]})
    a1.plot(bundle.grid.x, x, color="k", lw=1)
    _shade_bands(a1, name)
    a1.set_ylabel("normalised absorbance")
    a1.set_title(f"{title}: {name} p = {prob:.2f}, logit {ev.logit:.2f} = evidence {ev.terms.sum():.2f} "
                 f"+ bias {ev.bias:.2f}")
    pw = ev.per_window
    a2.bar(rf.centre, pw, width=np.diff(_edges(rf)), color=np.where(pw >= 0, "tab:red", "tab:blue"))
    a2.set_ylabel("evidence per window")
    lim = max(np.abs(ev.terms).max(), 1e-9)
    mesh = a3.pcolormesh(_edges(rf), np.arange(ev.terms.shape[0] + 1) - 0.5, ev.terms, cmap=DIVERGING,
                         vmin=-lim, vmax=lim, shading="flat")
    a3.set_ylabel("channel")
    a3.set_xlabel("wavenumber / cm-1")
    a3.set_xlim(bundle.grid.stop, bundle.grid.start)
    fig.colorbar(mesh, ax=[a1, a2, a3], label="activation × weight", pad=0.01, shrink=0.5)
    return _save(fig, out, f"evidence_{name.replace(' ', '_')}", formats)


def reliability_figure(curves: dict[str, dict[str, tuple]], out: Path, formats=("png", "svg"),
                       stem: str = "reliability") -> list[Path]:
    """Reliability diagrams, one panel per phase: observed frequency against predicted
    probability, before and after calibration, with the ECE of each in the legend.
    `curves[phase][label] = (confidence, frequency, count, ece)`."""
    plt = _plt()
    fig, axes = plt.subplots(1, len(curves), figsize=(4.2 * len(curves), 4.0), squeeze=False)
    for ax, (phase, by_label) in zip(axes[0], curves.items()):
        ax.plot([0, 1], [0, 1], color="0.6", lw=1, ls="--", label="perfect")
        for (label, (conf, freq, count, ece)), style in zip(by_label.items(), ("o-", "s-")):
            ok = count > 0
            ax.plot(conf[ok], freq[ok], style, ms=4, label=f"{label} (ECE {ece:.3f})")
        ax.set(title=f"{phase} (n = {int(next(iter(by_label.values()))[2].sum())} group decisions)",
               xlabel="predicted probability", ylabel="observed frequency", xlim=(0, 1), ylim=(0, 1))
        ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    return _save(fig, out, stem, formats)


def phase_evidence_figure(curves: dict[str, dict[str, tuple[np.ndarray, int]]], centres: np.ndarray, grid,
                          out: Path, formats=("png", "svg")) -> list[Path]:
    """Mean evidence per window for spectra that have each group, gas against condensed
    (`curves[group][phase] = (evidence per window, n spectra)`), with the group's bands shaded."""
    plt = _plt()
    fig, axes = plt.subplots(len(curves), 1, figsize=(8, 2.6 * len(curves)), sharex=True, squeeze=False,
                             layout="constrained")
    for ax, (group, by_phase) in zip(axes[:, 0], curves.items()):
        _shade_bands(ax, group)
        for (phase, (ev, n)), colour in zip(by_phase.items(), ("tab:blue", "tab:orange")):
            ax.plot(centres, ev, color=colour, lw=1.2, label=f"{phase} (n = {n})")
        ax.axhline(0, color="0.5", lw=0.6)
        ax.set_ylabel("mean evidence")
        ax.set_title(f"{group}: where the evidence comes from, gas vs condensed phase")
        ax.legend(loc="upper left", fontsize=8)
    axes[-1, 0].set_xlabel("wavenumber / cm-1")
    axes[-1, 0].set_xlim(grid.stop, grid.start)
    return _save(fig, out, "phase_evidence_alcohols_acids", formats)
