"""JCAMP-DX reader: every ASDF form, DUP counts, DIF y-checks, tables, LINK files, errors."""
import numpy as np
import pytest

from conftest import COND_ZIP, GAS_ZIP, jcamp, need_shared
from core.readers.io import iter_zip_spectra, read_spectra, read_spectrum
from core.spectra.spectrum import SpectrumReadError

# the example of McDonald & Wilks (1988), Table II: the same ten ordinates in each form
EXPECTED = [1, 2, 3, 3, 2, 1, 0, -1, -2, -3]
FORMS = {
    "AFFN": "100 1 2 3 3 2 1 0 -1 -2 -3",
    "PAC": "100+1+2+3+3+2+1+0-1-2-3",
    "SQZ": "100A B C C B A @ a b c",
    "SQZ packed": "100ABCCBA@abc",
    "DIF": "100A J J % j j j j j j",
    "DIF packed": "100AJJ%jjjjjj",
    "DIFDUP": "100AJT%jX",
}


@pytest.mark.parametrize("form", FORMS)
def test_each_asdf_form_decodes_the_reference_example(form):
    s = read_spectrum("t.jdx", jcamp(FORMS[form], 10, 100, 109).encode())
    np.testing.assert_array_equal(s.y, EXPECTED)
    np.testing.assert_allclose(s.x, np.arange(100, 110))


def test_multi_digit_dup_counts():
    # @ then DUP 'S2' = repeat 12 times in all; then DIF J with DUP 'T5' = 25 steps of +1
    s = read_spectrum("t.jdx", jcamp("1@S2JT5", 37, 1, 37).encode())
    assert s.y.size == 37
    np.testing.assert_array_equal(s.y[:12], 0)
    np.testing.assert_array_equal(s.y[12:], np.arange(1, 26))


def test_dif_y_check_is_verified_and_dropped():
    lines = "100@JJJ\n104C%J"  # line 1 ends in DIF at 3; line 2 repeats 3 (C) as y-check
    s = read_spectrum("t.jdx", jcamp(lines, 6, 100, 105).encode())
    np.testing.assert_array_equal(s.y, [0, 1, 2, 3, 3, 4])


def test_dif_y_check_failure_is_an_error():
    with pytest.raises(SpectrumReadError, match="y-check"):
        read_spectrum("bad.jdx", jcamp("100@JJJ\n104D%J", 6, 100, 105).encode())


def test_sqz_line_after_sqz_line_has_no_y_check():
    s = read_spectrum("t.jdx", jcamp("100@AB\n103CD", 5, 100, 104).encode())
    np.testing.assert_array_equal(s.y, [0, 1, 2, 3, 4])


def _encode_difdup(y: np.ndarray, per_line: int = 12) -> str:
    """A DIFDUP encoder (with y-checks) to round-trip arbitrary integer data."""
    def sqz(v):
        s = str(abs(v))
        return ("@ABCDEFGHI" if v >= 0 else "@abcdefghi")[int(s[0])] + s[1:]

    def dif(d):
        s = str(abs(d))
        return ("%JKLMNOPQR" if d >= 0 else "%jklmnopqr")[int(s[0])] + s[1:]

    def dup(n):
        s = str(n)
        return "STUVWXYZs"[int(s[0]) - 1] + s[1:]

    lines, i = [], 0
    while i < len(y):
        chunk = y[i:i + per_line]
        toks, prev_tok, count = [sqz(int(chunk[0]))], None, 0
        for a, b in zip(chunk[:-1], chunk[1:]):
            t = dif(int(b - a))
            if t == prev_tok:
                count += 1
            else:
                if count > 1:
                    toks.append(dup(count))
                toks.append(t)
                prev_tok, count = t, 1
        if count > 1:
            toks.append(dup(count))
        lines.append(f"{i}" + "".join(toks))
        i += per_line - 1  # the last point is repeated as the next line's y-check
        if i >= len(y) - 1:
            break
    return "\n".join(lines)


def test_difdup_round_trip_random_data():
    rng = np.random.default_rng(1)
    y = np.cumsum(rng.integers(-300, 300, 500)) * (rng.random(500) > 0.3)
    y[100:140] = 7  # long runs produce multi-digit DUP counts
    text = _encode_difdup(y.astype(int))
    s = read_spectrum("t.jdx", jcamp(text, len(y), 0, len(y) - 1).encode())
    np.testing.assert_array_equal(s.y, y)


def test_yfactor_xfactor_and_decreasing_x():
    body = "##XFACTOR=2.0\n"
    text = jcamp("50 10 20 30", 3, 100, 96, yfactor=0.5).replace("##XFACTOR=1.0\n", body)
    s = read_spectrum("t.jdx", text.encode())
    np.testing.assert_allclose(s.y, [5, 10, 15])
    np.testing.assert_allclose(s.x, [100, 98, 96])


def test_xypoints_and_peak_table():
    s = read_spectrum("t.jdx", jcamp("1000, 0.5; 1010, 0.7\n1020,0.9", 3, 1000, 1020,
                                     form="(XY..XY)").replace("XYDATA", "XYPOINTS").encode())
    np.testing.assert_allclose(s.y, [0.5, 0.7, 0.9])
    p = read_spectrum("t.jdx", jcamp("1000,0.5,1 1010,0.7,2", 2, 1000, 1010,
                                     form="(XYW..XYW)").replace("XYDATA", "PEAK TABLE").encode())
    np.testing.assert_allclose(p.x, [1000, 1010])
    assert p.meta.get("PEAKTABLE") == "yes"


def test_link_file_with_several_blocks_crlf_comments_and_odd_labels():
    block = jcamp("100 1 2 3 $$ trailing comment", 3, 100, 102)
    block = block.replace("##DATA TYPE=", "##data  type=").replace("##NPOINTS", "##N POINTS")
    text = f"##TITLE=link\n##JCAMP-DX=5.01\n##BLOCKS=2\n{block}{block.replace('test', 'second')}##END=\n"
    spectra = read_spectra("link.jdx", text.replace("\n", "\r\n").encode())
    assert [s.title for s in spectra] == ["test", "second"]
    np.testing.assert_array_equal(spectra[1].y, [1, 2, 3])


def test_non_ir_blocks_are_read_but_flagged():
    text = jcamp("1 1 2 3", 3, 1, 3).replace("INFRARED SPECTRUM", "NMR SPECTRUM").replace("1/CM", "HZ")
    s = read_spectrum("nmr.jdx", text.encode())
    assert s.kind == "nmr" and not s.is_infrared


@pytest.mark.parametrize("text, problem", [
    (jcamp("100 1 2 3", 5, 100, 104), "NPOINTS=5 but 3"),
    (jcamp("100 1 2 3", 3, 100, 102).replace("##END=\n", ""), "truncated"),
    (jcamp("100 1 ? 3", 3, 100, 102), "unreadable data"),
    (jcamp("100 1 nan 3", 3, 100, 102), "NPOINTS=3 but 5"),  # letters decode as ASDF; count catches it
    (jcamp("100 1 1e999 3", 3, 100, 102), "NaN or infinite"),
    (jcamp("100 1 2 3", 3, 100, 102).replace("##XYDATA=(X++(Y..Y))\n100 1 2 3\n", ""), "no spectrum data"),
    (jcamp("100A\x01B", 2, 100, 101), "unexpected character"),
    (jcamp("500 1 2 3", 3, 100, 102), "disagrees with ##FIRSTX"),
    ("just some words\nand more words\n", "fewer than 10"),
])
def test_errors_name_the_file_and_the_problem(text, problem):
    with pytest.raises(SpectrumReadError) as err:
        read_spectrum("broken.jdx", text.encode())
    assert str(err.value).startswith("broken.jdx: ")
    assert problem in str(err.value)


def test_hostile_input_does_not_hang_or_explode():
    garbage = (b"##TITLE=x\n##XYDATA=(X++(Y..Y))\n" + b"9" * 400 + b" " + b"Z" * 2_000_000 + b"\n##END=\n")
    with pytest.raises(SpectrumReadError):
        read_spectrum("huge.jdx", garbage)
    with pytest.raises(SpectrumReadError, match="binary"):
        read_spectrum("bin.jdx", b"\x00\x01\x02" * 1000)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(SpectrumReadError, match="no such file"):
        read_spectrum(tmp_path / "nope.jdx")
    with pytest.raises(SpectrumReadError, match="folder"):
        read_spectrum(tmp_path)


def test_real_nist_gas_and_condensed_files():
    need_shared()
    gas = dict(iter_zip_spectra(GAS_ZIP))
    s = read_spectrum("spectra/100-00-5.jdx", gas["spectra/100-00-5.jdx"])
    assert s.meta["CASREGISTRYNO"] == "100-00-5" and s.meta["STATE"] == "gas"
    assert s.y.size == 880 and s.x[0] == 450 and s.x[-1] == 3966
    assert abs(s.y.max() - 1.26587) < 1e-3  # ##MAXY
    cond = iter_zip_spectra(COND_ZIP)
    name, data = next(cond)
    c = read_spectrum(name, data)
    assert c.y_units == "TRANSMITTANCE" and c.x_units in {"1/CM", "MICROMETERS"}
