"""y units: every absorbance-like unit read as absorbance, every transmittance spelling as
transmittance, anything else refused by name; a NIST Quant-IR-style file is read and labelled."""
import re
from pathlib import Path

import numpy as np
import pytest

from core.spectra.preprocess import to_absorbance, y_unit_caution, y_unit_kind
from core.spectra.spectrum import SpectrumReadError

ROOT = Path(__file__).resolve().parents[1]
ACETONE = ROOT / "resources" / "samples" / "67-64-1.jdx"


@pytest.mark.parametrize("units", [
    "ABSORBANCE", "Absorbance", "A", "AU", "A.U.", "ABS", "ARBITRARY UNITS", "ABSORBANCE (A.U.)",
    "LOG(1/T)", "log (1/T)", "OPTICAL DENSITY"])
def test_absorbance_spellings_pass_through(units):
    y = np.array([0.0, 0.3, 1.2])
    assert y_unit_kind(units) == "absorbance"
    np.testing.assert_array_equal(to_absorbance(y, units), y)
    assert y_unit_caution(units) is None


@pytest.mark.parametrize("units", [
    "(micromol/mol)-1m-1 (base 10)", "(MICROMOL/MOL)-1M-1 (BASE 10)", "(µmol/mol)-1 m-1",
    "(ΜMOL/MOL)-1M-1", "ppm-1 m-1", "L mol-1 cm-1", "L/(mol*cm)", "cm2/molecule"])
def test_absorptivity_units_are_absorbance_on_another_scale(units):
    y = np.array([1e-7, 5e-4, -2e-7])
    assert y_unit_kind(units) == "absorptivity"
    np.testing.assert_array_equal(to_absorbance(y, units), y)


@pytest.mark.parametrize("units", ["LOG(1/R)", "log 1/R", "-LOG(R)"])
def test_log_inverse_reflectance_is_absorbance_with_a_caution(units):
    y = np.array([0.1, 0.5])
    np.testing.assert_array_equal(to_absorbance(y, units), y)
    assert "reflectance" in y_unit_caution(units)


@pytest.mark.parametrize("units,scale", [
    ("TRANSMITTANCE", 1), ("T", 1), ("Transmission", 1), ("%T", 100), ("T%", 100),
    ("% TRANSMITTANCE", 100), ("PERCENT TRANSMITTANCE", 100), ("Transmittance (%)", 100),
    ("% transmission", 100), ("TRANSMITTANCE (ARBITRARY)", 1)])
def test_transmittance_spellings_convert(units, scale):
    t = np.array([1.0, 0.1, 0.01]) * scale
    assert y_unit_kind(units) == "transmittance"
    np.testing.assert_allclose(to_absorbance(t, units), [0, 1, 2], atol=1e-12)


@pytest.mark.parametrize("units", ["COUNTS", "REFLECTANCE", "KUBELKA-MUNK", "SINGLE BEAM", "mV", ""])
def test_unknown_units_refused_naming_them(units):
    with pytest.raises(SpectrumReadError) as err:
        to_absorbance(np.ones(3), units, "f.jdx")
    assert err.value.source == "f.jdx"
    assert f"unknown y units {units!r}" in err.value.problem and "absorptivity" in err.value.problem


def quant_ir_style(src: Path, dst: Path) -> Path:
    """A real NIST gas spectrum with its header rewritten the way NIST Quant-IR files are:
    absorptivity units, a tiny y factor, a condensed structural formula, lower-case cm-1."""
    text = src.read_text(encoding="latin-1")
    factor = float(re.search(r"##YFACTOR=(\S+)", text).group(1)) * 5.8e-4
    text = re.sub(r"##YUNITS=.*", "##YUNITS=(micromol/mol)-1m-1 (base 10)", text)
    text = re.sub(r"##XUNITS=.*", "##XUNITS=cm-1", text)
    text = re.sub(r"##MOLFORM=.*", "##MOLFORM=C H3 C O C H3", text)
    text = re.sub(r"##YFACTOR=.*", f"##YFACTOR={factor:.6E}", text)
    text = re.sub(r"##(MAXY|MINY|FIRSTY)=.*\n", "", text)
    text = text.replace("##$NIST SOURCE=MSDC-IR", "##$NIST SOURCE=QUANT-IR\n##PRESSURE=101.3 kPa")
    dst.write_text(text, encoding="latin-1")
    return dst


def test_quant_ir_style_file_is_read_and_labelled_like_the_original(tmp_path):
    from core.nn.bundle import load_bundle
    from core.predict.classify import classify_files
    from core.data.resources import model_path

    bundle = load_bundle(model_path(None))
    converted = quant_ir_style(ACETONE, tmp_path / "acetone_quant.jdx")
    original, quant = classify_files([ACETONE, converted], bundle)
    assert quant.ok, quant.error
    assert quant.spectrum.y_units == "(MICROMOL/MOL)-1M-1 (BASE 10)" and quant.spectrum.y.max() < 1e-3
    np.testing.assert_allclose(quant.model_input, original.model_input, atol=1e-4)
    present = {n for n, f in zip(bundle.group_names, quant.present) if f}
    assert {"ketones", "methyl"} <= present
    np.testing.assert_array_equal(quant.present, original.present)
