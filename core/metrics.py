"""Classification metrics: per group and per molecule (Fine et al., Chem. Sci. 2020)."""
from __future__ import annotations

import numpy as np
from sklearn.metrics import accuracy_score, precision_recall_fscore_support, roc_auc_score


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
    """Per group: accuracy, precision, recall, F1, ROC AUC, support and prevalence (scikit-learn)."""
    out = {}
    for j, name in enumerate(names):
        t, p = y_true[:, j], y_pred[:, j]
        prec, rec, f1, _ = precision_recall_fscore_support(t, p, average="binary", zero_division=0)
        auc = roc_auc_score(t, prob[:, j]) if 0 < t.sum() < len(t) else float("nan")
        out[name] = {"accuracy": float(accuracy_score(t, p)), "precision": float(prec), "recall": float(rec),
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
