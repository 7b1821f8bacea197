"""The gas-vs-condensed logistic regression without scikit-learn: core.spectra.phase_infer.fit_logistic
against solutions worked out by hand and against scikit-learn's LogisticRegression (dev extra),
and the bundled model's stored phase inference (plain numbers) read back unchanged."""
import json

import numpy as np
import pytest

from core.spectra.phase_infer import PhaseInference, fit_logistic, fit_phase_inference, phase_features
from core.data.resources import default_model_path, sample_files


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def test_without_information_the_intercept_is_the_log_odds():
    # all-zero features: the penalty keeps the weights at 0 and the intercept (unpenalised)
    # is the log odds of the labels, log(3 / 1)
    coef, intercept = fit_logistic(np.zeros((4, 2)), np.array([1, 1, 1, 0]), c=0.1, tol=1e-10)
    np.testing.assert_array_equal(coef, 0.0)
    assert abs(intercept - np.log(3)) < 1e-8


@pytest.mark.parametrize("c", [0.1, 1.0, 10.0])
def test_two_mirrored_points_solve_the_stationarity_equation(c):
    # x = +1 labelled 1, x = -1 labelled 0: the intercept is 0 by symmetry and the gradient of
    # mean log-loss + w^2 / (2 c n), n = 2, vanishes where w = 2 c sigmoid(-w)
    coef, intercept = fit_logistic(np.array([[1.0], [-1.0]]), np.array([1, 0]), c=c, tol=1e-12)
    w = coef[0]
    assert abs(intercept) < 1e-8
    assert abs(w - 2 * c * _sigmoid(-w)) < 1e-8
    if c == 1.0:
        assert abs(w - 0.6748) < 1e-4  # w = 2 / (1 + e^w), by bisection on paper


def test_refuses_one_class():
    with pytest.raises(ValueError, match="both classes"):
        fit_logistic(np.ones((3, 2)), np.array([1, 1, 1]))


def _phase_spectra(n=300, seed=0):
    rng = np.random.default_rng(seed)
    x = np.linspace(500, 4000, 850)
    rows, phases = [], []
    for i in range(n):
        gas = i % 2 == 0
        width = 4.0 if gas else 25.0
        s = sum(np.exp(-0.5 * ((x - c) / width) ** 2) for c in rng.uniform(600, 3800, 6))
        if gas:  # rotational fine structure
            s = s * (1 + 0.5 * np.cos(x / 2.0))
        rows.append(s / s.max())
        phases.append("gas" if gas else "liquid")
    return np.array(rows, dtype=np.float32), np.ones((n, 850), bool), phases


def test_agrees_with_scikit_learn_on_random_data():
    linear_model = pytest.importorskip("sklearn.linear_model")
    rng = np.random.default_rng(5)
    for k in range(12):
        n, d = int(rng.integers(30, 400)), int(rng.integers(1, 60))
        f = rng.normal(size=(n, d)) * rng.uniform(0.1, 3.0, d)
        y = (f @ rng.normal(size=d) + rng.normal(size=n) * 2 > rng.normal()).astype(int)
        if k % 3 == 0:
            f = f.astype(np.float32)
        for c in (0.1, 1.0, 10.0):
            ref = linear_model.LogisticRegression(C=c, max_iter=2000).fit(f, y)
            coef, intercept = fit_logistic(f, y, c=c)
            np.testing.assert_allclose(_sigmoid(f.astype(float) @ coef + intercept), ref.predict_proba(f)[:, 1],
                                       rtol=0, atol=1e-3)


def test_fit_phase_inference_matches_the_former_scikit_learn_fit():
    linear_model = pytest.importorskip("sklearn.linear_model")
    spectra, valid, phases = _phase_spectra()
    phases[5] = "unknown"  # left out of the fit
    model = fit_phase_inference(spectra[:200], valid[:200], phases[:200])
    # what fit_phase_inference did with scikit-learn
    keep = np.array([p != "unknown" for p in phases[:200]])
    f = phase_features(spectra[:200][keep], valid[:200][keep])
    y = np.array([p == "gas" for p in np.array(phases[:200])[keep]], dtype=int)
    mean, scale = f.mean(axis=0), f.std(axis=0) + 1e-6
    lr = linear_model.LogisticRegression(C=0.1, max_iter=2000).fit((f - mean) / scale, y)
    before = PhaseInference(mean, scale, lr.coef_[0], float(lr.intercept_[0]))
    np.testing.assert_array_equal(model.mean, before.mean)
    np.testing.assert_array_equal(model.scale, before.scale)
    np.testing.assert_allclose(model.p_gas(spectra[200:], valid[200:]), before.p_gas(spectra[200:], valid[200:]),
                               rtol=0, atol=1e-3)


def test_bundled_model_phase_inference_is_plain_numbers_read_back_unchanged():
    from core.nn.bundle import load_bundle
    from core.readers.io import read_spectra
    from core.spectra.preprocess import measured_mask, normalise, resample_batch, standardise
    from core.spectra.validity import model_view

    stored = json.loads((default_model_path() / "model.json").read_text())["phase_inference"]
    assert stored["kind"] == "logistic-gas-vs-condensed"
    assert all(isinstance(v, float) for k in ("mean", "scale", "coef") for v in stored[k])
    bundle = load_bundle(default_model_path())
    pi = bundle.phase_inference
    assert json.loads(json.dumps(pi.to_dict())) == stored  # nothing fitted or converted on load
    xs, ys = zip(*(standardise(model_view(read_spectra(p)[0])) for p in sample_files()))
    batch, valid = normalise(resample_batch(list(xs), list(ys), bundle.grid)), measured_mask(list(xs), bundle.grid)
    f = (phase_features(batch, valid) - np.array(stored["mean"])) / np.array(stored["scale"])
    by_hand = _sigmoid(f @ np.array(stored["coef"]) + stored["intercept"])
    np.testing.assert_array_equal(pi.p_gas(batch, valid), by_hand)
    assert len(by_hand) == len(sample_files()) and np.ptp(by_hand) > 0.5  # the samples are told apart
