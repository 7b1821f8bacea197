"""Lab artifacts: atmospheric compensation on water and CO2 as other instruments record them, the
ATR correction, `irgroups correct`, and the record of corrections in the outputs."""
from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from core.artifacts.atmosphere import compensate
from core.artifacts.atr import ATRSettings, correct_atr, penetration_depth
from core.artifacts.processing import Processing, apply
from core.artifacts.references import derive_reference, shipped_references
from core.artifacts.simulate import add_gas, add_noise, atr_distort, degrade
from core.readers.io import read_spectrum
from core.readers.jcamp import write_jcamp
from core.spectra.preprocess import standardise
from core.spectra.validity import model_view

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "resources" / "samples"
GAS_ZIP = ROOT.parent / "shared" / "data" / "nist_gas_ir" / "spectra.zip"
CONDENSED = SAMPLES / "100-83-4_condensed.jdx"  # 3-hydroxybenzaldehyde, KBr, 2 cm-1 points
WATER, CO2 = shipped_references()
WATER_REGIONS = ((1330.0, 2100.0), (3410.0, 3850.0))


def clean_spectrum(path: Path = CONDENSED) -> tuple[np.ndarray, np.ndarray]:
    x, a = standardise(model_view(read_spectrum(path)))
    return x, a / a.max()


def in_regions(x, regions):
    m = np.zeros(x.size, dtype=bool)
    for lo, hi in regions:
        m |= (x >= lo) & (x <= hi)
    return m


# other instruments: the reference broadened, its lines moved by a fraction of a point, other point spacings
OTHER_INSTRUMENTS = [(0.0, 0.0, None), (2.0, 0.7, 1.93), (1.0, -1.3, 4.0), (3.0, 0.4, 0.96), (0.5, 1.8, 2.0)]


@pytest.mark.parametrize("sigma,shift,step", OTHER_INSTRUMENTS)
def test_water_as_another_instrument_records_it_is_removed(sigma, shift, step):
    x, a = clean_spectrum()
    dirty = add_gas(x, a, degrade(WATER, sigma, shift, step), 0.15)
    corrected, fits = compensate(x, dirty)
    water = fits[0]
    m = in_regions(x, WATER_REGIONS)
    before, after = np.abs(dirty - a)[m].max(), np.abs(corrected - a)[m].max()
    assert water.applied
    assert before > 0.14 and after < 0.035, (before, after)  # 15 % of the maximum down to below 3.5 %
    assert 0.08 < water.relative < 0.25  # the amount reported is about what was added


@pytest.mark.parametrize("sigma,shift,step", OTHER_INSTRUMENTS[:3])
def test_co2_as_another_instrument_records_it_is_removed(sigma, shift, step):
    x, a = clean_spectrum()
    dirty = add_gas(x, a, degrade(CO2, sigma, shift, step), 0.15)
    corrected, fits = compensate(x, dirty)
    m = in_regions(x, ((2190.0, 2480.0),))
    assert fits[1].applied
    assert np.abs(corrected - a)[m].max() < 0.03


def test_a_spectrum_without_water_is_left_as_it_is():
    for path in (CONDENSED, SAMPLES / "71-23-8.jdx", SAMPLES / "75-05-8.jdx"):
        x, a = clean_spectrum(path)
        corrected, fits = compensate(x, a)
        assert not fits[0].applied, path.name
        assert np.array_equal(corrected, a) or not any(f.applied for f in fits)


def test_noise_alone_is_not_taken_for_gas():
    x, a = clean_spectrum()
    rng = np.random.default_rng(0)
    for _ in range(5):
        _, fits = compensate(x, add_noise(a, 0.01, rng))
        assert not any(f.applied for f in fits)


def test_compensation_never_adds_bands():
    """A negative amount (the fit would add lines) is bounded at zero: nothing is subtracted."""
    x, a = clean_spectrum()
    inverted = add_gas(x, a, WATER, 0.15) - 2 * 0.15 * WATER.on(x) / WATER.on(x).max()
    corrected, fits = compensate(x, inverted)
    assert fits[0].amount >= 0
    assert not fits[0].applied and np.array_equal(corrected, inverted)


def test_atr_correction_inverts_the_penetration_depth_weighting():
    x, a = clean_spectrum()
    for crystal, angle, n in (("diamond", 45, 1.5), ("ge", 45, 1.5), ("znse", 60, 1.4)):
        s = ATRSettings(crystal, angle, n)
        atr = atr_distort(x, a, s)
        assert atr[x < 800].max() / atr[x > 2800].max() > a[x < 800].max() / a[x > 2800].max() * 3
        np.testing.assert_allclose(correct_atr(x, atr, s), a, rtol=1e-12, atol=1e-12)


def test_penetration_depth_follows_the_formula():
    # diamond, 45 degrees, n = 1.5 at 1000 cm-1: 10 um / (2 pi 2.4 sqrt(0.5 - 0.390625)) = 2.005 um
    assert penetration_depth(np.array([1000.0]))[0] == pytest.approx(2.005, abs=0.001)
    assert penetration_depth(np.array([1000.0]), ATRSettings("ge"))[0] < 1.0
    with pytest.raises(ValueError, match="total reflection"):
        ATRSettings("diamond", 30.0, 1.5).check()
    with pytest.raises(ValueError, match="unknown ATR crystal"):
        ATRSettings("sapphire").n_crystal
    with pytest.raises(ValueError, match="use auto, off, diamond, znse, ge"):
        Processing(atr="sapphire")


def test_atr_is_corrected_only_when_declared_and_never_twice():
    x, a = clean_spectrum()
    only_atr = Processing(baseline="off")
    assert apply(x, a, "kbr", {}, only_atr).corrections == []
    done = apply(x, a, "atr", {}, only_atr)
    assert [c["correction"] for c in done.corrections] == ["atr"]
    again = apply(x, done.absorbance, "atr", {"$IRGROUPSCORRECTIONS": done.corrections[0]["text"]}, only_atr)
    assert again.corrections == [] and "not corrected again" in again.cautions[0]
    assert [c["correction"] for c in apply(x, a, "kbr", {}, Processing(atr="ge", baseline="off")).corrections] == ["atr"]
    assert [c["correction"] for c in apply(x, a, "atr", {}, Processing(baseline="on")).corrections] == ["atr", "baseline"]


def test_a_scattering_baseline_is_removed_and_a_clean_spectrum_barely_touched():
    from core.artifacts.simulate import add_scattering

    x, a = clean_spectrum(SAMPLES / "71-23-8.jdx")
    assert apply(x, a, "gas", {}).corrections == []  # auto: a flat baseline is left alone
    clean = apply(x, a, "gas", {}, Processing(baseline="on")).absorbance
    assert np.abs(clean - a).max() < 0.03  # and, removed anyway, stays (almost) as it is
    for power in (1.0, 2.0, 3.0):
        sloped = add_scattering(x, a, 0.3, power)
        fixed = apply(x, sloped, "kbr", {}).absorbance
        assert np.abs(sloped - a).max() > 0.29 and np.abs(fixed - a).max() < 0.06, power
    assert apply(x, a, "gas", {}, Processing(baseline="off")).corrections == []


def test_compensation_off_names_the_water_instead_of_removing_it():
    x, a = clean_spectrum()
    dirty = add_gas(x, a, WATER, 0.15)
    done = apply(x, dirty, "kbr", {}, Processing(atmosphere="off", baseline="off"))
    assert np.array_equal(done.absorbance, dirty) and done.corrections == []
    assert done.gases_left and "water vapour lines 1400-1900 and 3500-3900 cm-1" in done.gases_left[0]


@pytest.mark.skipif(not GAS_ZIP.exists(), reason="NIST gas-phase data not found (../shared/data)")
def test_the_shipped_references_are_derived_from_the_nist_spectra():
    import zipfile

    with zipfile.ZipFile(GAS_ZIP) as z:
        for ref, cas in ((WATER, "7732-18-5"), (CO2, "124-38-9")):
            from core.readers.io import read_spectra

            s = read_spectra(f"{cas}.jdx", z.read(f"spectra/{cas}.jdx"))[0]
            derived = derive_reference(s, cas)
            np.testing.assert_allclose(derived.y, ref.y, atol=1e-6)
            np.testing.assert_allclose(derived.x, ref.x)


def water_laden_file(tmp_path: Path) -> Path:
    """The KBr sample with 15 % water vapour as another instrument records it, as absorbance."""
    s = read_spectrum(CONDENSED)
    x, a = standardise(model_view(s))
    dirty = add_gas(x, a, degrade(WATER, 1.5, 0.6, 1.93), 0.15)
    path = tmp_path / "wet_kbr.jdx"
    path.write_text(write_jcamp(replace(s, x=x, y=dirty, x_units="1/CM", y_units="ABSORBANCE")))
    return path


def irgroups(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "core.cli", *map(str, args)], capture_output=True, text=True, cwd=ROOT)


def test_predict_reports_each_correction_and_the_undetermined_groups(tmp_path):
    wet = water_laden_file(tmp_path)
    out = json.loads(irgroups("predict", wet, SAMPLES / "75-05-8.jdx", "--format", "json").stdout)
    corrections = out[0]["corrections"]
    assert [c["gas"] for c in corrections if c["correction"] == "atmosphere"] == ["water"]
    assert corrections[0]["coefficient"] > 0 and "water vapour subtracted" in corrections[0]["text"]
    assert not any("outside what the model" in w for w in out[0]["warnings"])  # not novel for its water
    assert out[1]["corrections"] == [] and out[1]["undetermined"] == {}
    off = json.loads(irgroups("predict", wet, "--format", "json", "--atmosphere", "off").stdout)[0]
    assert not any(c["correction"] == "atmosphere" for c in off["corrections"])
    assert any("water vapour lines 1400-1900 and 3500-3900 cm-1" in w for w in off["warnings"])
    assert "alcohols" in off["undetermined"] and "atmospheric compensation is off" in off["undetermined"]["alcohols"]
    table = irgroups("predict", wet, "-v").stdout
    assert "corrected: water vapour subtracted" in table
    csv_text = irgroups("predict", wet, "--format", "csv", "--atmosphere", "off").stdout
    header, row = csv_text.splitlines()[:2]
    assert header.endswith("corrections,undetermined") and "alcohols: key band" in row


def test_correct_writes_files_that_read_back_corrected(tmp_path):
    wet = water_laden_file(tmp_path)
    out = tmp_path / "out"
    r = irgroups("correct", wet, SAMPLES / "75-05-8.jdx", tmp_path / "missing.jdx", "--out", out)
    assert r.returncode == 1 and "missing.jdx" in r.stderr  # the batch goes on past a bad file
    assert "water vapour subtracted" in r.stdout
    back = read_spectrum(out / "wet_kbr.jdx")
    assert back.y_units.upper().startswith("ABSORBANCE") and "water vapour subtracted" in back.meta["$IRGROUPSCORRECTIONS"]
    x, a = standardise(model_view(read_spectrum(CONDENSED)))
    xb, ab = standardise(back)
    m = in_regions(xb, WATER_REGIONS)
    assert np.abs(ab - np.interp(xb, x, a))[m].max() < 0.035 * a.max()
    _, fits = compensate(xb, ab)  # what was compensated is not found again
    assert not fits[0].applied
    assert (out / "75-05-8.jdx").exists()


def test_a_spectrum_corrected_for_atr_is_not_corrected_again(tmp_path):
    s = read_spectrum(CONDENSED)
    x, a = standardise(model_view(s))
    atr = tmp_path / "atr.jdx"
    meta = dict(s.meta) | {"STATE": "ATR (diamond)"}
    atr.write_text(write_jcamp(replace(s, x=x, y=atr_distort(x, a), x_units="1/CM", y_units="ABSORBANCE", meta=meta)))
    out = tmp_path / "out"
    assert "ATR correction (diamond" in irgroups("correct", atr, "--out", out).stdout
    again = irgroups("correct", out / "atr.jdx", "--out", tmp_path / "again").stdout
    assert "ATR correction" not in again.split("\n")[0] and "not corrected again" in again


def test_mull_spectra_leave_alkane_and_methyl_undetermined():
    from core.data.groups import GROUP_NAMES
    from core.predict.undetermined import Context, undetermined

    x = np.linspace(400, 4000, 850)
    spectrum, valid = np.random.default_rng(0).random(850), np.ones(850, dtype=bool)
    mull = undetermined(Context(x, spectrum, valid, "SOLID (NUJOL MULL)", "mull"), GROUP_NAMES)
    assert set(mull) == {"alkane", "methyl"} and "Nujol" in mull["alkane"]
    assert undetermined(Context(x, spectrum, valid, "SOLID (SPLIT MULL)", "mull"), GROUP_NAMES) == {}
    short = undetermined(Context(x, spectrum, x < 2000, "", "liquid"), GROUP_NAMES)
    assert {"alkane", "methyl", "nitriles", "alcohols", "amines"} <= set(short) and "not measured" in short["nitriles"]
    flat = spectrum.copy()
    flat[(x > 2150) & (x < 2300)] = 1.0  # an opaque solvent window
    assert "solvent absorbs everything" in undetermined(Context(x, flat, valid, "", "solution"), GROUP_NAMES)["nitriles"]
    assert "nitriles" not in undetermined(Context(x, flat, valid, "", "kbr"), GROUP_NAMES)  # a saturated band: seen
    plateau = spectrum.copy()
    plateau[(x > 2150) & (x < 2300)] = 0.01  # a baseline plateau of a digitised spectrum: no absorption
    assert "nitriles" not in undetermined(Context(x, plateau, valid, "", "solution"), GROUP_NAMES)
