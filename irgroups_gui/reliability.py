"""Per-group reliability from the model's training record: test precision, recall and F1,
per phase when the record has them (`test_metrics.by_phase.<phase>.groups`)."""
from __future__ import annotations

import math

KEYS = ("precision", "recall", "f1", "support")


def group_reliability(record: dict, phase: str | None = None) -> tuple[str, dict[str, dict]] | None:
    """(where the figures come from, {group: {precision, recall, f1, support}}), or None when
    the model's record has no per-group test metrics."""
    tm = (record or {}).get("test_metrics") or {}
    by_phase = tm.get("by_phase") or {}
    if phase and (by_phase.get(phase) or {}).get("groups"):
        src, label = by_phase[phase], f"test split, {phase} spectra"
    else:
        src, label = tm.get("ensemble") or {}, "test split"
    groups = src.get("groups")
    if not groups:
        return None
    n = src.get("n")
    return (f"{label} (n = {n})" if n else label), {g: {k: v.get(k) for k in KEYS} for g, v in groups.items()}


def describe(group: str, reliability: tuple[str, dict[str, dict]] | None) -> str:
    """One line such as 'precision 0.72, recall 0.78, F1 0.75 (test split, n = 1031)'."""
    if reliability is None or group not in reliability[1]:
        return "reliability: not recorded with this model"
    where, groups = reliability
    g = groups[group]
    fig = ", ".join(f"{k if k != 'f1' else 'F1'} {g[k]:.2f}" for k in ("precision", "recall", "f1")
                    if isinstance(g.get(k), (int, float)) and not math.isnan(g[k]))
    support = f", {g['support']} with the group" if g.get("support") is not None else ""
    return f"{fig} ({where}{support})"


def no_skill(record: dict, phase: str | None) -> dict[str, str]:
    """{group: why} for the groups where the model showed no skill on held-out spectra of this
    phase: none of them had the group (skill unknown) or its test F1 there was 0. Empty when the
    record has no per-phase figures for the phase."""
    by_phase = ((record or {}).get("test_metrics") or {}).get("by_phase") or {}
    src = by_phase.get(phase or "") or {}
    out = {}
    for group, g in (src.get("groups") or {}).items():
        f1, support = g.get("f1"), g.get("support")
        if support == 0:
            out[group] = f"no held-out {phase} spectrum had this group: the model's skill here is unknown"
        elif f1 is None or (isinstance(f1, float) and math.isnan(f1)) or f1 == 0:
            out[group] = f"held-out F1 for {phase} spectra is 0 ({support} with the group): no skill shown"
    return out
