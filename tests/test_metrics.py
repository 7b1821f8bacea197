"""core.metrics.classification' own accuracy, precision/recall/F1 and ROC AUC (no scikit-learn at run time):
values worked out by hand, and scikit-learn's on random data when it is installed (dev extra)."""
import numpy as np
import pytest

from core.metrics.classification import accuracy, average_ranks, group_metrics, precision_recall_f1, roc_auc


def test_average_ranks_share_the_mean_rank_among_ties():
    np.testing.assert_array_equal(average_ranks(np.array([3.0, 1.0, 3.0, 2.0])), [3.5, 1.0, 3.5, 2.0])
    np.testing.assert_array_equal(average_ranks(np.array([5, 5, 5])), [2.0, 2.0, 2.0])
    np.testing.assert_array_equal(average_ranks(np.array([0.2, 0.1, 0.4, 0.1, 0.1])), [4.0, 2.0, 5.0, 2.0, 2.0])
    assert average_ranks(np.array([])).shape == (0,)


def test_roc_auc_by_hand():
    # the pairs (positive, negative) ordered right: (0.35, 0.1), (0.8, 0.1), (0.8, 0.4) of 4
    assert roc_auc(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8])) == 0.75
    # a positive tied with a negative counts one half: (1 + 0.5 + 1 + 1) / 4
    assert roc_auc(np.array([0, 1, 0, 1]), np.array([0.5, 0.5, 0.2, 0.9])) == 0.875
    assert roc_auc(np.array([1, 0, 1, 0]), np.array([0.3, 0.3, 0.3, 0.3])) == 0.5
    assert roc_auc(np.array([0, 0, 1]), np.array([0.1, 0.2, 0.9])) == 1.0
    assert roc_auc(np.array([1, 1, 0]), np.array([0.1, 0.2, 0.9])) == 0.0
    assert roc_auc(np.array([0, 1], dtype=np.uint8), np.array([0.25, 0.75], dtype=np.float32)) == 1.0
    with pytest.raises(ValueError, match="both"):
        roc_auc(np.array([1, 1]), np.array([0.1, 0.2]))
    with pytest.raises(ValueError, match="NaN"):
        roc_auc(np.array([0, 1]), np.array([0.1, np.nan]))


def test_precision_recall_f1_by_hand_with_zero_division_as_zero():
    # tp 2, 3 predicted, 3 true
    assert precision_recall_f1(np.array([1, 1, 0, 0, 1]), np.array([1, 0, 1, 0, 1])) == (2 / 3, 2 / 3, 2 / 3)
    # tp 1, 1 predicted, 3 true: F1 = 2 * 1 / (1 + 3)
    assert precision_recall_f1(np.array([1, 1, 1, 0]), np.array([1, 0, 0, 0])) == (1.0, 1 / 3, 0.5)
    assert precision_recall_f1(np.array([1, 1, 0]), np.array([0, 0, 0])) == (0.0, 0.0, 0.0)  # nothing predicted
    assert precision_recall_f1(np.array([0, 0, 0]), np.array([1, 0, 0])) == (0.0, 0.0, 0.0)  # nothing to find
    assert precision_recall_f1(np.array([0, 0]), np.array([0, 0])) == (0.0, 0.0, 0.0)
    assert accuracy(np.array([1, 0, 1, 1]), np.array([1, 1, 1, 0])) == 0.5
    assert np.isnan(accuracy(np.array([]), np.array([])))


def test_group_metrics_by_hand():
    y = np.array([[1, 0], [0, 0], [1, 0], [0, 0]], dtype=np.uint8)
    prob = np.array([[0.9, 0.1], [0.6, 0.2], [0.4, 0.3], [0.1, 0.4]], dtype=np.float32)
    pred = (prob >= 0.5).astype(np.uint8)
    m = group_metrics(y, prob, pred, ("a", "b"))
    assert m["a"] == {"accuracy": 0.5, "precision": 0.5, "recall": 0.5, "f1": 0.5, "auc": 0.75,
                      "support": 2, "proportion": 0.5}
    assert m["b"]["accuracy"] == 1.0 and m["b"]["f1"] == 0.0 and np.isnan(m["b"]["auc"])  # no positives


def _random_cases(rng, n_cases=40):
    for k in range(n_cases):
        n = int(rng.integers(2, 300))
        y = (rng.random(n) < rng.uniform(0.05, 0.95)).astype(np.uint8)
        if k % 4 == 0:  # coarse scores: many ties
            score = np.round(rng.random(n), 1).astype(np.float32)
        else:
            score = rng.random(n).astype(np.float32)
        pred = (score >= rng.uniform(0.2, 0.8)).astype(np.uint8)
        if k % 7 == 0:
            pred[:] = 0  # nothing predicted: precision and F1 fall to zero_division
        yield y, score, pred


def test_metrics_agree_with_scikit_learn_on_random_data():
    metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(12)
    for y, score, pred in _random_cases(rng):
        p, r, f1, _ = metrics.precision_recall_fscore_support(y, pred, average="binary", zero_division=0)
        np.testing.assert_allclose(precision_recall_f1(y, pred), (p, r, f1), rtol=0, atol=1e-6)
        assert abs(accuracy(y, pred) - metrics.accuracy_score(y, pred)) <= 1e-6
        if 0 < y.sum() < len(y):
            assert abs(roc_auc(y, score) - metrics.roc_auc_score(y, score)) <= 1e-6
