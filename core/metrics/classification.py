"""Classification metrics: per group and per molecule (Fine et al., Chem. Sci. 2020)."""
from __future__ import annotations

import numpy as np


def accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Share of samples whose prediction equals the label (nan for no samples)."""
    t, p = np.asarray(y_true).ravel(), np.asarray(y_pred).ravel()
    return float((t == p).mean()) if len(t) else float("nan")


def precision_recall_f1(y_true: np.ndarray, y_pred: np.ndarray) -> tuple[float, float, float]:
    """Precision, recall and F1 of the positive class (1) of binary labels and predictions; a
    ratio with a zero denominator is 0 (scikit-learn's `average="binary", zero_division=0`)."""
    t, p = np.asarray(y_true).ravel().astype(bool), np.asarray(y_pred).ravel().astype(bool)
    tp, n_pred, n_true = int((t & p).sum()), int(p.sum()), int(t.sum())
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_true if n_true else 0.0
    f1 = 2 * tp / (n_pred + n_true) if n_pred + n_true else 0.0
    return precision, recall, f1


def average_ranks(a: np.ndarray) -> np.ndarray:
    """1-based ranks of a 1-D array, tied values sharing the mean of their ranks."""
    a = np.asarray(a).ravel()
    order = np.argsort(a, kind="mergesort")
    s = a[order]
    first = np.r_[True, s[1:] != s[:-1]]  # where each run of equal values starts
    bounds = np.flatnonzero(np.r_[first, True])
    mean_rank = (bounds[:-1] + bounds[1:] + 1) / 2.0  # mean of the 1-based ranks start+1 .. end
    ranks = np.empty(len(a))
    ranks[order] = mean_rank[np.cumsum(first) - 1]
    return ranks


def roc_auc(y_true: np.ndarray, score: np.ndarray) -> float:
    """Area under the ROC curve of binary labels against scores: the Mann-Whitney U statistic
    over (positives x negatives), a tie between a positive and a negative counting one half
    (equals scikit-learn's `roc_auc_score`). Needs both classes."""
    t = np.asarray(y_true).ravel().astype(bool)
    s = np.asarray(score, dtype=np.float64).ravel()
    if len(t) != len(s):
        raise ValueError(f"{len(t)} labels but {len(s)} scores")
    if not np.all(np.isfinite(s)):
        raise ValueError("scores contain NaN or infinity")
    n_pos = int(t.sum())
    n_neg = len(t) - n_pos
    if n_pos == 0 or n_neg == 0:
        raise ValueError("ROC AUC needs both positive and negative samples")
    u = average_ranks(s)[t].sum() - n_pos * (n_pos + 1) / 2.0
    return float(u / (n_pos * n_neg))


def molecular_f1(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Mean over molecules of the F1 score between the true and predicted sets of groups.

    For molecule i with true set T and predicted set P: F1_i = 2|T∩P| / (|T| + |P|); a
    molecule with no true and no predicted group scores 1 (Fine et al. 2020).
    """
    t = y_true.astype(bool)
    p = y_pred.astype(bool)
    tp = (t & p).sum(axis=1)
    denom = t.sum(axis=1) + p.sum(axis=1)
    f1 = np.where(denom == 0, 1.0, 2 * tp / np.maximum(denom, 1))
    return float(f1.mean()) if len(f1) else float("nan")


def molecular_perfection(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Share of molecules whose 17 predictions are all right (the 'perfection rate')."""
    return float((y_true.astype(bool) == y_pred.astype(bool)).all(axis=1).mean()) if len(y_true) else float("nan")


def group_metrics(y_true: np.ndarray, prob: np.ndarray, y_pred: np.ndarray, names: tuple[str, ...]) -> dict:
    """Per group: accuracy, precision, recall, F1, ROC AUC, support and prevalence."""
    out = {}
    for j, name in enumerate(names):
        t, p = y_true[:, j], y_pred[:, j]
        prec, rec, f1 = precision_recall_f1(t, p)
        auc = roc_auc(t, prob[:, j]) if 0 < t.sum() < len(t) else float("nan")
        out[name] = {"accuracy": accuracy(t, p), "precision": float(prec), "recall": float(rec),
                     "f1": float(f1), "auc": float(auc), "support": int(t.sum()),
                     "proportion": float(t.mean()) if len(t) else float("nan")}
    return out


def evaluate_predictions(y_true: np.ndarray, prob: np.ndarray, thresholds: np.ndarray,
                         names: tuple[str, ...]) -> dict:
    """Every metric for probabilities against labels, at the given per-group thresholds."""
    y_pred = (prob >= thresholds[None, :]).astype(np.uint8)
    return {"n": int(len(y_true)), "molecular_f1": molecular_f1(y_true, y_pred),
            "molecular_perfection": molecular_perfection(y_true, y_pred),
            "groups": group_metrics(y_true, prob, y_pred, names)}


def tune_thresholds(y_true: np.ndarray, prob: np.ndarray, grid: np.ndarray | None = None) -> np.ndarray:
    """Per-group threshold maximising that group's F1 on (validation) data; 0.5 when a group
    has no positives."""
    grid = np.linspace(0.05, 0.95, 91) if grid is None else grid
    out = np.full(y_true.shape[1], 0.5)
    for j in range(y_true.shape[1]):
        t = y_true[:, j].astype(bool)
        if not t.any():
            continue
        pred = prob[:, j][None, :] >= grid[:, None]
        tp = (pred & t).sum(axis=1)
        f1 = 2 * tp / np.maximum(pred.sum(axis=1) + t.sum(), 1)
        out[j] = grid[int(np.argmax(f1))]
    return out


def phase_metrics(y_true: np.ndarray, y_pred: np.ndarray, phases: list[str]) -> dict:
    """Molecular F1, perfection and n per phase class, plus 'condensed' (every non-gas class)."""
    ph = np.asarray(phases)
    out = {}
    for name in list(dict.fromkeys(phases)) + (["condensed"] if any(p != "gas" for p in phases) else []):
        m = ph != "gas" if name == "condensed" else ph == name
        out[name] = {"molecular_f1": molecular_f1(y_true[m], y_pred[m]),
                     "molecular_perfection": molecular_perfection(y_true[m], y_pred[m]), "n": int(m.sum())}
    return out
