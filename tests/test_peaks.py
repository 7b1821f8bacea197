"""Peak picking and the correlation chart (core.spectra.peaks, core.data.correlation) and
`irgroups peaks`: positions, widths and assignments of known bands, the CSV, bad files."""
import csv
import io

import numpy as np
import pytest

from conftest import jcamp
from core.cli.main import main
from core.data.correlation import CHART, PEAK_CSV_COLUMNS, VIBRATIONS, assignments, spectrum_peaks, write_peaks_csv
from core.data.groups import GROUP_NAMES, GROUPS
from core.spectra.peaks import pick_peaks, strongest
from core.spectra.spectrum import Spectrum

# (centre, sigma, height) of the synthetic bands; FWHM = 2 sqrt(2 ln 2) sigma
BANDS = ((2250, 8, 0.6), (1715, 12, 1.0), (2960, 15, 0.5))
FWHM = 2 * np.sqrt(2 * np.log(2))


def _absorbance(wn: np.ndarray) -> np.ndarray:
    return 0.02 + sum(h * np.exp(-0.5 * ((wn - c) / s) ** 2) for c, s, h in BANDS)


def _nearest(wavenumber: float) -> int:
    return min((c for c, _, _ in BANDS), key=lambda c: abs(c - wavenumber))


def _jdx(path, wn):
    y = (1000 * _absorbance(wn)).astype(int)
    path.write_text(jcamp("\n".join(f"{x:g} {v}" for x, v in zip(wn, y)), wn.size, wn[0], wn[-1]))
    return path


def test_known_bands_are_found_with_their_widths_and_assignments():
    wn = np.arange(500, 4001, 3.7)  # no band centre falls on a sample
    table = spectrum_peaks(Spectrum(wn, _absorbance(wn)))
    assert len(table) == 3 and [p.peak.wavenumber for p in table] == sorted((p.peak.wavenumber for p in table),
                                                                            reverse=True)  # high wavenumber first
    for (centre, sigma, height), p in zip(sorted(BANDS, reverse=True), table):
        assert abs(p.peak.wavenumber - centre) <= 4
        assert p.peak.width == pytest.approx(FWHM * sigma, rel=0.1)
        assert p.peak.intensity == pytest.approx(height / _absorbance(wn).max(), abs=0.03)
    by_centre = {_nearest(p.peak.wavenumber): p.assignments for p in table}
    assert by_centre[2250][0] == "C≡N stretch (nitriles)"
    assert any("C=O stretch" in a and "ketones" in a for a in by_centre[1715])
    assert any("methyl" in a for a in by_centre[2960]) and not any("nitriles" in a for a in by_centre[2960])


def test_transmittance_dips_and_missing_points():
    wn = np.arange(500, 4001, 4.0)
    t = 100 * 10 ** -_absorbance(wn)
    dips = pick_peaks(wn, t, minima=True)
    assert len(dips) == 3 and all(abs(p.wavenumber - _nearest(p.wavenumber)) <= 4 for p in dips)
    assert {_nearest(p.wavenumber) for p in dips} == {c for c, _, _ in BANDS}
    y = _absorbance(wn)
    y[10:20] = np.nan  # a gap in the data: indices still point into the curve as given
    peaks = pick_peaks(wn, y)
    assert all(abs(wn[p.index] - p.wavenumber) < 4 for p in peaks)
    assert [p.prominence for p in strongest(peaks)] == sorted((p.prominence for p in peaks), reverse=True)
    assert pick_peaks(wn[:2], y[:2]) == []


def test_the_chart_names_every_textbook_band_of_every_group():
    assert set(VIBRATIONS) == set(GROUP_NAMES)
    assert len(CHART) == sum(len(g.bands) for g in GROUPS)
    assert {b.group for b in CHART} == set(GROUP_NAMES)
    assert assignments(2500) == ()  # nothing in the chart there
    assert assignments(1725)[0] == "C=O stretch (ketones)"  # the band it sits most centrally in first


def test_csv_has_the_columns_and_one_row_per_peak():
    wn = np.arange(500, 4001, 4.0)
    out = io.StringIO()
    assert write_peaks_csv(out, [("a.jdx", spectrum_peaks(Spectrum(wn, _absorbance(wn))))]) == 3
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert tuple(rows[0]) == PEAK_CSV_COLUMNS and {r["file"] for r in rows} == {"a.jdx"}


def test_cli_writes_a_csv_and_a_bad_file_gives_one_line(tmp_path, capsys):
    good = _jdx(tmp_path / "good.jdx", np.arange(500, 4001, 4.0))
    other = _jdx(tmp_path / "other.jdx", np.arange(600, 3801, 2.0))
    bad = tmp_path / "bad.jdx"
    bad.write_text("##TITLE=x\n##XYDATA=(X++(Y..Y))\n100 1 2\n")
    out = tmp_path / "peaks.csv"
    assert main(["peaks", str(good), str(bad), str(other), "--csv", str(out)]) == 1
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert sum(str(bad) in line for line in err) == 1 and any(f"{bad}: error:" in line for line in err)
    with open(out, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert list(rows[0]) == list(PEAK_CSV_COLUMNS)
    assert {r["file"] for r in rows} == {str(good), str(other)}  # the files after the bad one came out too
    nitrile = [r for r in rows if abs(float(r["wavenumber_cm1"]) - 2250) <= 4]
    assert len(nitrile) == 2 and all("nitriles" in r["assignments"] for r in nitrile)
    assert all(float(r["width_cm1"]) > 0 and 0 < float(r["intensity"]) <= 1 for r in rows)


def test_cli_table_and_csv_on_stdout(tmp_path, capsys):
    good = _jdx(tmp_path / "good.jdx", np.arange(500, 4001, 4.0))
    assert main(["peaks", str(good)]) == 0
    text = capsys.readouterr().out
    assert text.splitlines()[0] == str(good) and "C≡N stretch (nitriles)" in text
    assert main(["peaks", str(good), "--csv", "-", "--prominence", "0.9"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 1 and abs(float(rows[0]["wavenumber_cm1"]) - 1715) <= 4  # only the strongest band
    with pytest.raises(SystemExit):
        main(["peaks", str(good), "--prominence", "2"])
