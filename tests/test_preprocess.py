"""Units conversion, resampling with zero padding, normalisation, text/CSV reading."""
import numpy as np
import pytest

from core.readers.io import read_spectrum
from core.spectra.preprocess import Grid, normalise, prepare, resample_batch, to_absorbance, to_wavenumber
from core.spectra.spectrum import Spectrum, SpectrumReadError


def test_wavelength_units_convert_to_wavenumber():
    np.testing.assert_allclose(to_wavenumber(np.array([2.5, 10.0]), "MICROMETERS"), [4000, 1000])
    np.testing.assert_allclose(to_wavenumber(np.array([2500.0]), "NANOMETERS"), [4000])
    with pytest.raises(SpectrumReadError, match="unknown x units"):
        to_wavenumber(np.array([1.0]), "PPM", "f.jdx")


def test_transmittance_fraction_and_percent_give_the_same_absorbance():
    t = np.array([1.0, 0.1, 0.01])
    np.testing.assert_allclose(to_absorbance(t, "TRANSMITTANCE"), [0, 1, 2], atol=1e-12)
    np.testing.assert_allclose(to_absorbance(t * 100, "TRANSMITTANCE"), [0, 1, 2], atol=1e-12)
    with pytest.raises(SpectrumReadError, match="unknown y units"):
        to_absorbance(t, "COUNTS")


def test_resample_batch_matches_np_interp_and_zero_pads():
    grid = Grid(500, 4000, 850)
    rng = np.random.default_rng(0)
    xs = [np.linspace(450, 3966, 880), np.linspace(600, 3800, 1790), np.linspace(550, 4000, 900)]
    ys = [rng.random(x.size) for x in xs]
    out = resample_batch(xs, ys, grid)
    for x, y, row in zip(xs, ys, out):
        inside = (grid.x >= x[0]) & (grid.x <= x[-1])
        np.testing.assert_allclose(row[inside], np.interp(grid.x[inside], x, y), rtol=1e-5)
        assert np.all(row[~inside] == 0)
    assert out.dtype == np.float32 and out.shape == (3, 850)


def test_normalise_to_own_maximum():
    out = normalise(np.array([[1.0, 2.0, 4.0], [0.0, 0.0, 0.0]]))
    np.testing.assert_allclose(out, [[0.25, 0.5, 1.0], [0, 0, 0]])


def test_prepare_micrometre_transmittance_equals_wavenumber_absorbance():
    wn = np.linspace(400, 4000, 1000)
    absorb = np.exp(-0.5 * ((wn - 1700) / 20) ** 2)
    a = Spectrum(wn, absorb, "1/CM", "ABSORBANCE")
    b = Spectrum(1e4 / wn[::-1], 10 ** (-absorb[::-1]) * 100, "MICROMETERS", "TRANSMITTANCE")
    np.testing.assert_allclose(prepare([a])[0], prepare([b])[0], atol=1e-3)


def test_csv_and_text_readers(tmp_path):
    wn = np.linspace(4000, 500, 50)
    f = tmp_path / "s.csv"
    f.write_text("wavenumber (cm-1),absorbance\n" + "\n".join(f"{x},{y}" for x, y in zip(wn, wn / 4000)))
    s = read_spectrum(f)
    assert s.x_units == "1/CM" and s.y_units == "ABSORBANCE" and s.y.size == 50
    g = tmp_path / "t.txt"
    g.write_text("\n".join(f"{x}\t{100 - y}" for x, y in zip(1e4 / wn, wn / 400)))
    t = read_spectrum(g)
    assert t.x_units == "MICROMETERS" and t.y_units == "TRANSMITTANCE"
    assert any("guessed" in w for w in t.warnings)


def test_input_power_is_stored_and_applied():
    import numpy as np

    from core.spectra.preprocess import DEFAULT_GRID, InputConfig, model_input

    cfg = InputConfig(mask=False, power=0.5)
    assert InputConfig.from_dict(cfg.to_dict()) == cfg and "power" not in InputConfig().to_dict()
    x = np.array([[0.0, 0.25, 1.0, -0.01]], dtype=np.float32)
    assert np.allclose(model_input(x, np.ones_like(x, bool), [""], ["gas"], DEFAULT_GRID, cfg), [[0, 0.5, 1, 0]])
    try:
        InputConfig.from_dict({"power": 2})
    except ValueError as exc:
        assert "power" in str(exc)
    else:
        raise AssertionError("a power above 1 was accepted")
