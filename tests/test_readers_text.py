"""Text dialects (decimal commas, semicolons, tabs, CRLF, headers, trailing comments, units
from headers) and the per-spectrum validity decision (core.spectra.validity)."""
from __future__ import annotations

import numpy as np
import pytest

from core.readers.io import read_spectra, read_spectrum
from core.spectra.units import canonical_x, canonical_y
from core.spectra.spectrum import Spectrum, SpectrumReadError
from core.spectra.validity import CAUTION, CLASSIFY, REFUSE, assess

ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]
TOLUENE = ROOT / "resources" / "samples" / "108-88-3.jdx"


def _table(x, y, sep=";", decimal=",", header="Wavenumber (cm-1);%T", newline="\r\n", trailer=""):
    def fmt(v):
        return f"{v:.6f}".replace(".", decimal)
    rows = [f"{fmt(a)}{sep}{fmt(b)}" for a, b in zip(x, y)]
    return (header + newline if header else "") + newline.join(rows) + newline + trailer


def _percent_t(s: Spectrum) -> np.ndarray:
    return 100.0 * 10.0 ** (-s.y)


@pytest.mark.parametrize("y_header,expected", [
    ("%T", "TRANSMITTANCE"), ("Transmittance [%]", "TRANSMITTANCE"), ("T", "TRANSMITTANCE"),
    ("A", "ABSORBANCE"), ("Abs", "ABSORBANCE"), ("Absorbance (a.u.)", "ABSORBANCE"), ("R", "REFLECTANCE"),
    ("%R", "REFLECTANCE"), ("KM", "KUBELKA-MUNK"), ("Kubelka-Munk", "KUBELKA-MUNK")])
def test_y_units_from_header_spellings(y_header, expected):
    x = np.linspace(4000, 500, 50)
    text = _table(x, np.linspace(10, 90, 50), header=f"Wavenumber (cm-1);{y_header}")
    assert read_spectrum("t.csv", text.encode()).y_units == expected


@pytest.mark.parametrize("x_header,expected,values", [
    ("Wavenumber (cm-1)", "1/CM", (4000, 500)), ("1/cm", "1/CM", (4000, 500)), ("cm-1", "1/CM", (4000, 500)),
    ("Wavelength (µm)", "MICROMETERS", (2.5, 20)), ("um", "MICROMETERS", (2.5, 20)),
    ("Wavelength [nm]", "NANOMETERS", (2500, 20000))])
def test_x_units_from_header_spellings(x_header, expected, values):
    x = np.linspace(*values, 50)
    s = read_spectrum("t.csv", _table(x, np.linspace(10, 90, 50), header=f"{x_header};%T").encode())
    assert s.x_units == expected
    assert s.x[0] == pytest.approx(values[0])


@pytest.mark.parametrize("sep,decimal", [(";", ","), ("\t", ","), (" ", ","), (",", "."), (";", "."),
                                         ("\t", "."), (" ", ".")])
def test_dialects_read_the_same_numbers(sep, decimal):
    x = np.linspace(4000, 400, 40)
    y = np.linspace(0.1, 0.9, 40) ** 2
    s = read_spectrum("t.csv", _table(x, y, sep=sep, decimal=decimal, header="").encode())
    np.testing.assert_allclose(s.x, x, atol=1e-6)
    np.testing.assert_allclose(s.y, y, atol=1e-6)


def test_decimal_comma_is_not_a_column_separator():
    text = "".join(f"{4000 - i},00;{90 - i / 10:.3f}\n".replace(".", ",") for i in range(20))
    s = read_spectrum("t.csv", text.encode())
    assert s.x[0] == 4000.0 and s.y[1] == pytest.approx(89.9)
    assert len(read_spectra("t.csv", text.encode())) == 1


def test_header_trailer_and_several_y_columns():
    x = np.linspace(4000, 500, 30)
    body = "\n".join(f"{a:.2f},{0.1 + i / 100:.4f},{0.5:.4f}" for i, a in enumerate(x))
    text = f"# exported by something\nx (1/cm),sample A,blank\n{body}\n# end of data\nTotal: 30 points\n"
    spectra = read_spectra("multi.csv", text.encode())
    assert [s.title for s in spectra] == ["sample A", "blank"]
    assert spectra[0].x_units == "1/CM" and spectra[0].y[1] == pytest.approx(0.11)


def test_ragged_and_broken_tables_name_the_problem():
    good = "".join(f"{4000 - i},{i / 10}\n" for i in range(20))
    with pytest.raises(SpectrumReadError, match="t.csv: text: row 11"):
        read_spectrum("t.csv", (good[:good.index("3990")] + "3990,1,2\n" + good[good.index("3989"):]).encode())
    with pytest.raises(SpectrumReadError, match="fewer than 10"):
        read_spectrum("t.csv", b"a,b\n1,2\n")


def test_point_index_x_is_refused_as_interferogram_like():
    text = "".join(f"{i}\t{np.sin(i) * 1e-3:.6f}\n" for i in range(200))
    s = read_spectrum("ifg.dpt", text.encode())
    assert s.x_units == "POINTS"
    assert assess(s).decision == REFUSE and "point index" in assess(s).reason


def _spectrum(y, x=None, units="ABSORBANCE"):
    x = np.linspace(4000, 500, len(y)) if x is None else x
    return Spectrum(x=np.asarray(x, float), y=np.asarray(y, float), y_units=units, source="s.csv")


@pytest.mark.parametrize("y,units,word", [
    (np.zeros(100), "ABSORBANCE", "all values are zero"),
    (np.full(100, 0.42), "ABSORBANCE", "constant"),
    (np.full(100, 87.0), "TRANSMITTANCE", "constant"),
    (0.5 + 1e-5 * np.sin(np.arange(100)), "ABSORBANCE", "flat"),
    (np.where(np.arange(100) < 70, np.nan, 0.3 + np.arange(100) / 100), "ABSORBANCE", "mostly missing"),
    (np.linspace(0, 1, 100), "SINGLE BEAM", "single-beam"),
    (np.linspace(0, 1, 100), "INTERFEROGRAM", "interferogram"),
    (np.linspace(0.1, 0.9, 100), "REFLECTANCE", "reflectance"),
])
def test_garbage_and_unreadable_kinds_are_refused(y, units, word):
    d = assess(_spectrum(y, units=units))
    assert d.decision == REFUSE
    assert word in d.reason


def test_no_mid_ir_and_raw_transforms_are_refused():
    d = assess(_spectrum(np.linspace(0.1, 0.9, 100), x=np.linspace(12000, 4000, 100)))
    assert d.decision == REFUSE and "near-infrared only (4000-12000 cm-1)" in d.reason
    uv = _spectrum(np.linspace(0.1, 0.9, 100), x=np.linspace(200, 700, 100))
    uv.x_units = "NANOMETERS"
    assert "UV/visible only" in assess(uv).reason
    raw = _spectrum(np.linspace(0.1, 0.9, 100), x=np.linspace(0, 7900, 100), units="ARBITRARY UNITS")
    assert "single-beam" in assess(raw).reason


def test_kubelka_munk_and_clipping_are_cautions():
    km = assess(_spectrum(np.linspace(0.1, 0.9, 100), units="KUBELKA-MUNK"))
    assert km.decision == CAUTION and "Kubelka-Munk" in km.cautions[0]
    y = np.exp(-0.5 * ((np.linspace(4000, 500, 351) - 2900) / 60) ** 2) * 8
    y = np.minimum(y, 6.0)  # pinned at the detector limit around 2900 cm-1
    d = assess(_spectrum(y))
    assert d.decision == CAUTION
    assert "clipped at 6.00" in d.cautions[0] and "29" in d.cautions[0]
    assert assess(_spectrum(y / 8)).decision == CLASSIFY


def test_canonical_unit_names():
    assert canonical_y("% Transmittance") == "TRANSMITTANCE"
    assert canonical_y("Single Beam") == "SINGLE BEAM"
    assert canonical_x("Wavenumbers [1/cm]") == "1/CM"
    assert canonical_y("something else") == "SOMETHING ELSE"


def test_decimal_comma_percent_t_csv_gives_the_jcamp_probabilities(tmp_path):
    """Done-when of issue 10: a real NIST spectrum (toluene, gas) written as a European CSV
    (semicolons, decimal commas, %T, CRLF, a header and a trailing comment) is classified
    like its JCAMP original, within 0.03 for every group."""
    from core.nn.bundle import load_bundle
    from core.predict.classify import classify_files
    from core.data.resources import default_model_path

    if not (default_model_path() / "model.json").exists():
        pytest.skip("default model not bundled")
    bundle = load_bundle(default_model_path())
    s = read_spectrum(TOLUENE)
    csv = tmp_path / "toluene_percentT.csv"
    csv.write_bytes(_table(s.x, _percent_t(s), trailer="# exported 2026-11-26\r\n").encode("latin-1"))
    back = read_spectrum(csv)
    assert back.y_units == "TRANSMITTANCE" and back.meta["DIALECT"].startswith("semicolon")
    ref, got = classify_files([TOLUENE, csv], bundle)
    assert ref.ok and got.ok, got.error
    assert np.max(np.abs(ref.mean - got.mean)) < 0.03
    assert list(ref.present) == list(got.present)


def test_stray_letters_in_free_header_text_are_not_units():
    rows = "".join(f"{4000 - 10 * i},{0.8 if i % 9 == 0 else 0.02}\n" for i in range(40))
    s = read_spectrum("t.csv", ("Sample R from batch A\nOperator: T. Smith\n" + rows).encode())
    assert s.y_units == "ABSORBANCE" and "guessed" in s.warnings[-1]
    s = read_spectrum("t.csv", ("Sample R\nY units: %T\n" + rows).encode())
    assert s.y_units == "TRANSMITTANCE"


def test_negative_absorbance_is_refused_or_cautioned():
    x = np.linspace(4000, 500, 351)
    band = np.exp(-0.5 * ((x - 1700) / 30) ** 2)
    assert "difference, derivative or factor" in assess(_spectrum(band - 0.5 * np.roll(band, 40), x=x)).reason
    d = assess(_spectrum(band - 0.1 * np.roll(band, 80), x=x))
    assert d.decision == CAUTION and "negative absorbance down to" in d.cautions[0]
    assert assess(_spectrum(band - 0.01, x=x)).decision == CLASSIFY


@pytest.mark.parametrize("sep,decimal", [(",", "."), (";", ","), (",", ","), ("\t", ".")])
def test_quoted_fields(sep, decimal):
    x = np.linspace(4000, 400, 40)
    rows = "".join(f'"{a:.2f}"{sep}"{b:.3f}"\n'.replace(".", decimal) for a, b in zip(x, np.linspace(10, 90, 40)))
    s = read_spectrum("q.csv", (f'"Wavenumber (cm-1)"{sep}"%T"\n' + rows).encode("utf-16"))
    assert (s.x_units, s.y_units) == ("1/CM", "TRANSMITTANCE")
    np.testing.assert_allclose(s.x, x, atol=0.006)
