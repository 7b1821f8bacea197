"""Calibration (Platt per group with phase offsets), ECE, and gas/condensed phase inference."""
import numpy as np

from core.nn.calibration import Calibration, expected_calibration_error, fit_calibration, reliability_curve


def _overconfident(n=4000, seed=0):
    rng = np.random.default_rng(seed)
    phases = ["gas" if i % 2 else "kbr" for i in range(n)]
    seen = rng.normal(0, 2, size=(n, 3))
    true_logit = seen.copy()
    true_logit[0::2, 1] -= 1.5  # group 1 is rarer in the condensed phase than the model thinks
    y = (rng.random((n, 3)) < 1 / (1 + np.exp(-true_logit))).astype(np.uint8)
    return 3.0 * seen + 1.0, y, phases  # the model's logits: too sharp, shifted, phase-blind


def test_calibration_fixes_an_overconfident_model():
    z, y, phases = _overconfident()
    raw = 1 / (1 + np.exp(-z))
    cal = fit_calibration(z[:2000], y[:2000], phases[:2000])
    p = cal.proba(z[2000:], phases[2000:])
    before, after = expected_calibration_error(raw[2000:], y[2000:]), expected_calibration_error(p, y[2000:])
    assert before > 0.05 and after < 0.03
    np.testing.assert_allclose(cal.a, 1 / 3, atol=0.05)
    # the condensed offset of group 1 is lower than its gas offset
    assert cal.c[1, 1] < cal.c[1, 0] - 0.8


def test_calibration_round_trips_and_is_affine():
    z, y, phases = _overconfident(600)
    cal = fit_calibration(z, y, phases)
    back = Calibration.from_dict(cal.to_dict(), 3)
    np.testing.assert_allclose(back.logits(z, phases), cal.logits(z, phases))
    a, b = cal.scale_bias(phases)
    np.testing.assert_allclose(cal.logits(z, phases), z * a + b)
    np.testing.assert_allclose(Calibration.identity(3).logits(z, phases), z)


def test_ece_and_reliability_curve_on_known_cases():
    y = np.array([[1], [0], [1], [0]])
    assert expected_calibration_error(np.array([[1.0], [0.0], [1.0], [0.0]]), y) == 0
    assert abs(expected_calibration_error(np.full((4, 1), 0.9), y) - 0.4) < 1e-9
    conf, freq, count = reliability_curve(np.array([0.05, 0.05, 0.95, 0.95]), np.array([0, 1, 1, 1]), bins=10)
    assert count[0] == 2 and count[9] == 2 and freq[0] == 0.5 and freq[9] == 1.0


def test_phase_inference_separates_narrow_from_broad_bands():
    from core.spectra.phase_infer import PhaseInference, fit_phase_inference

    rng = np.random.default_rng(0)
    x = np.linspace(500, 4000, 850)
    rows, phases = [], []
    for i in range(300):
        gas = i % 2 == 0
        width = 4.0 if gas else 25.0
        centres = rng.uniform(600, 3800, 6)
        s = sum(np.exp(-0.5 * ((x - c) / width) ** 2) for c in centres)
        if gas:  # rotational fine structure
            s = s * (1 + 0.5 * np.cos(x / 2.0))
        rows.append(s / s.max())
        phases.append("gas" if gas else "liquid")
    spectra, valid = np.array(rows, dtype=np.float32), np.ones((300, 850), bool)
    model = fit_phase_inference(spectra[:200], valid[:200], phases[:200])
    p = model.p_gas(spectra[200:], valid[200:])
    assert (((p > 0.5) == np.array([q == "gas" for q in phases[200:]])).mean()) > 0.95
    back = PhaseInference.from_dict(model.to_dict())
    np.testing.assert_allclose(back.p_gas(spectra[200:], valid[200:]), p)
