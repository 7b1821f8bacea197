"""High-resolution spectra are smoothed to the grid's resolution before resampling; spectra at
the training data's resolutions are left exactly as they are."""
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import core.spectra.resolution as resolution_module
from core.spectra.preprocess import DEFAULT_GRID, normalise, resample_batch, standardise
from core.spectra.resolution import resolution, stated_resolution, to_grid_resolution

ACETONE = Path(__file__).resolve().parents[1] / "resources" / "samples" / "67-64-1.jdx"


@pytest.mark.parametrize("text,value", [("0.4820", 0.482), ("2", 2.0), ("2 CM^-^1", 2.0),
                                        ("1 CM^-^1 AT 4000", 1.0), (".5 cm-1", 0.5), ("", None), ("n/a", None),
                                        ("0", None)])
def test_stated_resolution_reads_the_number(text, value):
    assert stated_resolution({"RESOLUTION": text} if text else {}) == value


def test_resolution_is_the_stated_one_but_never_finer_than_the_points_carry():
    x = np.arange(500.0, 4000.0, 0.25)
    assert resolution(x, {}) == pytest.approx(0.5)
    assert resolution(x, {"RESOLUTION": "4"}) == 4.0
    coarse = np.arange(500.0, 4000.0, 2.0)
    assert resolution(coarse, {"RESOLUTION": "0.5"}) == pytest.approx(4.0)
    assert to_grid_resolution(coarse, np.ones(coarse.size), {"RESOLUTION": "0.5"}, DEFAULT_GRID.step)[1] is None


@pytest.mark.parametrize("spacing,meta", [(1.93, {}), (4.0, {}), (0.96, {"RESOLUTION": "2"}),
                                          (0.94, {"RESOLUTION": "1 CM^-^1"})])
def test_spectra_at_training_resolutions_are_untouched(spacing, meta):
    x = np.arange(500.0, 4000.0, spacing)
    a = np.random.default_rng(0).random(x.size)
    out, fwhm = to_grid_resolution(x, a, meta, DEFAULT_GRID.step)
    assert fwhm is None and out is a


def fine_lines(x: np.ndarray, envelope: np.ndarray) -> np.ndarray:
    """The envelope broken into rotational lines 0.7 cm-1 apart whose local mean is the envelope."""
    return envelope * (1 + np.cos(2 * np.pi * x / 0.7)) ** 4 / 4.375


def test_rotational_lines_are_smoothed_back_to_their_envelope():
    step = DEFAULT_GRID.step
    x = np.arange(500.0, 4000.0, 0.12)
    envelope = np.exp(-0.5 * ((x - 1720) / 12) ** 2) + 0.6 * np.exp(-0.5 * ((x - 2950) / 25) ** 2)
    a = fine_lines(x, envelope)
    smoothed, fwhm = to_grid_resolution(x, a, {"RESOLUTION": "0.24"}, step)
    assert fwhm == pytest.approx(np.sqrt((2 * step) ** 2 - 0.24 ** 2))
    target = normalise(resample_batch([x], [envelope], DEFAULT_GRID))[0]
    aliased = normalise(resample_batch([x], [a], DEFAULT_GRID))[0]
    matched = normalise(resample_batch([x], [smoothed], DEFAULT_GRID))[0]
    assert np.abs(aliased - target).max() > 0.3  # point sampling lands on lines or between them
    assert np.abs(matched - target).max() < 0.1  # smoothing recovers the band envelopes (slightly broadened)


def test_a_high_resolution_copy_classifies_like_the_original_and_says_it_was_smoothed(monkeypatch):
    from core.nn.bundle import load_bundle
    from core.predict.classify import classify_spectra
    from core.readers.io import read_spectra
    from core.data.resources import model_path

    bundle = load_bundle(model_path(None))
    original = read_spectra(ACETONE)[0]
    x0, a0 = standardise(original)
    x = np.arange(x0[0], x0[-1], 0.12)
    fine = replace(original, x=x, y=fine_lines(x, np.interp(x, x0, a0)), x_units="1/CM", y_units="ABSORBANCE",
                   meta=original.meta | {"RESOLUTION": "0.24"})
    base, high = classify_spectra([original, fine], bundle)
    assert high.ok, high.error
    assert any("smoothed to the model's resolution" in w for w in high.warnings)
    assert not any("smoothed" in w for w in base.warnings)
    np.testing.assert_array_equal(high.present, base.present)
    smoothed_gap = np.abs(high.model_input - base.model_input).max()
    monkeypatch.setattr(resolution_module, "FINEST_KEPT", 0.0)  # the same copy without smoothing
    (aliased,) = classify_spectra([fine], bundle)
    assert smoothed_gap < 0.1 < np.abs(aliased.model_input - base.model_input).max()


def test_an_uneven_axis_is_smoothed_like_the_same_spectrum_on_an_even_one():
    """A high-resolution spectrum on a micrometre axis (uneven in cm-1) gets the same smoothing."""
    x = np.arange(600.0, 4000.0, 0.1)
    envelope = np.exp(-0.5 * ((x - 1720) / 12) ** 2) + 0.6 * np.exp(-0.5 * ((x - 2950) / 25) ** 2)
    a = fine_lines(x, envelope)
    wavelength = np.linspace(1e4 / 4000.0, 1e4 / 600.0, 60_000)  # 0.03-1.4 cm-1 apart in wavenumber
    xu = np.sort(1e4 / wavelength)
    au = np.interp(xu, x, a)
    meta = {"RESOLUTION": "0.2"}
    even, _ = to_grid_resolution(x, a, meta, DEFAULT_GRID.step)
    uneven, fwhm = to_grid_resolution(xu, au, meta, DEFAULT_GRID.step)
    assert fwhm is not None
    grid_even = normalise(resample_batch([x], [even], DEFAULT_GRID))[0]
    grid_uneven = normalise(resample_batch([xu], [uneven], DEFAULT_GRID))[0]
    assert np.abs(grid_even - grid_uneven).max() < 0.05


def test_a_degenerate_axis_is_left_alone():
    x = np.full(10, 1000.0)
    a = np.arange(10.0)
    out, fwhm = to_grid_resolution(x, a, {}, DEFAULT_GRID.step)
    assert fwhm is None and out is a
