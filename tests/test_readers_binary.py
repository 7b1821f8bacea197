"""Vendor formats on real files (tests/data, see its README): values against independent
readers, the classify/caution/refuse decision, and fuzzing (truncated and byte-flipped copies
give a one-line SpectrumReadError, never a traceback)."""
from __future__ import annotations

import io
import json
import struct
from pathlib import Path

import numpy as np
import pytest

from core.readers.io import expand_paths, read_spectra, read_spectrum
from core.readers.registry import detect
from core.spectra.spectrum import SpectrumReadError
from core.spectra.validity import CAUTION, CLASSIFY, REFUSE, assess

DATA = Path(__file__).parent / "data"
FILES = sorted(p for p in DATA.iterdir() if p.name != "README.md")


def test_every_real_file_is_read_or_refused_with_a_reason():
    for f in FILES:
        for s in read_spectra(f):
            d = assess(s)
            assert d.decision in (CLASSIFY, CAUTION, REFUSE)
            assert s.format and s.x.size == s.y.size > 1


# ---------------------------------------------------------------- values
def test_opus_matches_brukeropus():
    s = read_spectrum(DATA / "opus_absorbance.0")
    assert (s.format, s.y_units, s.x_units, s.x.size) == ("Bruker OPUS", "ABSORBANCE", "1/CM", 1866)
    brukeropus = pytest.importorskip("brukeropus")
    for f in ("opus_absorbance.0", "opus_soil.1"):
        ours, ref = read_spectrum(DATA / f), brukeropus.read_opus(str(DATA / f)).a
        np.testing.assert_array_equal(ours.y, ref.y)
        np.testing.assert_allclose(ours.x, ref.x, rtol=1e-12)


def test_opus_with_only_single_channel_data_is_refused():
    data = bytearray((DATA / "opus_absorbance.0").read_bytes())
    start, count = struct.unpack_from("<i", data, 12)[0], struct.unpack_from("<i", data, 20)[0]
    for i in range(count):  # relabel absorbance (kind 4) blocks as single channel (kind 1)
        code = struct.unpack_from("<i", data, start + 12 * i)[0]
        if (code >> 10) & 31 == 4:
            struct.pack_into("<i", data, start + 12 * i, code & ~(127 << 10) | (1 << 10))
    with pytest.raises(SpectrumReadError, match=r"sc\.0: Bruker OPUS: only single channel data"):
        read_spectra("sc.0", bytes(data))


def test_omnic_spa_header_units_and_clipping_caution():
    s = read_spectrum(DATA / "omnic_clipped.spa")
    assert (s.format, s.x.size, s.y_units) == ("Thermo OMNIC", 1738, "ABSORBANCE")  # 1738: orange's test
    assert s.x[0] == pytest.approx(3999.703, abs=1e-3)
    d = assess(s)
    assert d.decision == CAUTION
    assert "clipped at 6.00 (detector limit) over 650-656 cm-1" in d.summary and "negative absorbance" in d.summary


def _spg(spa: bytes, titles: list[str]) -> bytes:
    """An OMNIC group holding the spectrum of `spa` once per title (same block layout as .spg)."""
    entries = {data[0]: struct.unpack_from("<II", spa, 304 + 16 * i + 2)
               for i in range(struct.unpack_from("<H", spa, 294)[0]) for data in [spa[304 + 16 * i:]]}
    (h_off, h_size), (v_off, v_size) = entries[2], entries[3]
    head, values = spa[h_off:h_off + h_size], spa[v_off:v_off + v_size]
    n = 3 * len(titles)
    body, directory, pos = b"", b"", 304 + 16 * n
    for k, title in enumerate(titles):
        scaled = (np.frombuffer(values, "<f4") * (k + 1)).astype("<f4").tobytes()
        for key, blob in ((2, head), (107, title.encode().ljust(256, b"\0")), (3, scaled)):
            directory += struct.pack("<BxII", key, pos + len(body), len(blob)).ljust(16, b"\0")
            body += blob
    header = bytearray(b"Spectral Data File".ljust(304, b"\0"))
    header[30:30 + 5] = b"group"
    struct.pack_into("<H", header, 294, n)
    return bytes(header) + directory + body


def test_omnic_group_gives_one_spectrum_each():
    spg = _spg((DATA / "omnic_clipped.spa").read_bytes(), ["first", "second"])
    spectra = read_spectra("g.spg", spg)
    assert [s.title for s in spectra] == ["first", "second"]
    np.testing.assert_allclose(spectra[1].y, 2 * spectra[0].y, rtol=1e-6)


def test_perkinelmer_values_match_orange():
    s = read_spectrum(DATA / "perkinelmer.sp")
    assert s.y[4] == 100.65028381347656  # orange-spectroscopy's test value
    assert (s.x[0], s.x[-1], s.x_units, s.y_units) == (4000.0, 750.0, "1/CM", "TRANSMITTANCE")


@pytest.mark.parametrize("name,count,x_units,y_units", [
    ("grams_ftir_percentT.spc", 1, "1/CM", "TRANSMITTANCE"), ("grams_even_x.spc", 1, "1/CM", "ABSORBANCE"),
    ("grams_old_multi.spc", 10, "1/CM", "ABSORBANCE"), ("grams_nir_multi.spc", 20, "NANOMETERS", "KUBELKA-MUNK"),
    ("grams_xy.spc", 1, "MINUTES", "ARBITRARY UNITS"), ("grams_xyxy.spc", 512, "M/Z", "ARBITRARY UNITS")])
def test_spc_subfiles_and_unit_codes(name, count, x_units, y_units):
    spectra = read_spectra(DATA / name)
    assert len(spectra) == count
    assert (spectra[0].x_units, spectra[0].y_units) == (x_units, y_units)


def test_spc_old_format_matches_the_reference_export():
    """Values of rohanisaac/spc's text export of m_ordz.spc (old 0x4D format, per-subfile exponents)."""
    spectra = read_spectra(DATA / "grams_old_multi.spc")
    assert spectra[0].x[0] == pytest.approx(698.22973633)
    assert spectra[3].y[:2] == pytest.approx([0.11573312, 0.08147866])
    assert spectra[9].y[:2] == pytest.approx([0.02387755, 0.01973014])


def test_spc_matches_spc_io():
    """spc-io reads the new-format files; it agrees to the last bit (x of xyxy files are float32:
    rohanisaac/spc reads them as scaled integers, which gives m/z values near 17000 for an MS file)."""
    spc_io = pytest.importorskip("spc_io")
    for f in ("grams_ftir_percentT.spc", "grams_even_x.spc", "grams_nir_multi.spc", "grams_xyxy.spc"):
        ref = spc_io.SPC.from_bytes_io(io.BytesIO((DATA / f).read_bytes()))
        ours = read_spectra(DATA / f)
        for o, r in zip(ours, ref):
            np.testing.assert_array_equal(o.y, np.asarray(r.yarray, float))
            np.testing.assert_allclose(o.x, np.asarray(r.xarray, float), rtol=1e-12)


@pytest.mark.parametrize("name,decision,words", [
    ("interferogram.dpt", REFUSE, "data-point index"), ("grams_nir_multi.spc", REFUSE, "near-infrared only"),
    ("grams_ftir_percentT.spc", CLASSIFY, ""), ("opus_absorbance.0", CLASSIFY, ""),
    ("grams_xyxy.spc", REFUSE, "not an infrared spectrum"), ("peach_juice.dpt", CAUTION, "y units not given"),
    ("perkinelmer.sp", CAUTION, "mode says")])
def test_decisions_on_real_files(name, decision, words):
    d = assess(read_spectrum(DATA / name))
    assert d.decision == decision
    assert words in d.summary


# ---------------------------------------------------------------- registry
def test_content_signature_beats_the_extension(tmp_path):
    f = tmp_path / "renamed.txt"
    f.write_bytes((DATA / "omnic_clipped.spa").read_bytes())
    assert read_spectrum(f).format == "Thermo OMNIC"
    assert detect((DATA / "opus_soil.1").read_bytes(), "x.csv").name == "Bruker OPUS"


@pytest.mark.parametrize("data,words", [(b"WDF1" + bytes(600), "Renishaw WDF"), (b"PK\x03\x04" + bytes(60), "zip"),
                                        (bytes(range(256)) * 4, "binary file of an unknown format")])
def test_unknown_and_refused_binaries_name_the_format(data, words):
    with pytest.raises(SpectrumReadError, match=words):
        read_spectra("thing.bin", data)


def test_folders_expand_to_vendor_files(tmp_path):
    for name in ("a.spa", "b.0", "c.1", "d.spc", "e.sp", "f.dpt", "notes.docx"):
        (tmp_path / name).write_bytes(b"x")
    assert [Path(p).name for p in expand_paths([str(tmp_path)])] == ["a.spa", "b.0", "c.1", "d.spc", "e.sp", "f.dpt"]


# ---------------------------------------------------------------- classify, info, convert
def test_multi_spectrum_files_classify_one_entry_each(tmp_path):
    from core.nn.bundle import load_bundle
    from core.predict.classify import classify_files
    from core.data.resources import default_model_path

    if not (default_model_path() / "model.json").exists():
        pytest.skip("default model not bundled")
    spg = tmp_path / "group.spg"
    spg.write_bytes(_spg((DATA / "omnic_clipped.spa").read_bytes(), ["a", "b", "c"]))
    preds = classify_files([spg, DATA / "interferogram.dpt"], load_bundle(default_model_path()))
    assert [(p.name, p.index) for p in preds] == [("group.spg #1", 0), ("group.spg #2", 1), ("group.spg #3", 2),
                                                  ("interferogram", 0)]
    assert all(p.ok for p in preds[:3]) and "clipped" in " ".join(preds[0].warnings)
    assert "data-point index" in preds[3].error


def test_info_json_has_one_record_per_spectrum(capsys):
    from core.cli.main import main

    code = main(["info", str(DATA / "grams_old_multi.spc"), str(DATA / "opus_absorbance.0"), "--format", "json"])
    records = json.loads(capsys.readouterr().out)
    assert code == 0 and len(records) == 11
    assert [r["index"] for r in records[:10]] == list(range(10))
    r = records[10]
    assert (r["format"], r["npoints"], r["y_units"], r["decision"]) == ("Bruker OPUS", 1866, "ABSORBANCE", "classify")
    assert r["x_first"] == pytest.approx(3996.5766, abs=1e-3)


@pytest.mark.parametrize("to", ["jcamp", "csv"])
def test_convert_reads_back_to_the_same_values(tmp_path, to, capsys):
    from core.cli.main import main

    sources = [DATA / "opus_absorbance.0", DATA / "grams_xy.spc", DATA / "perkinelmer.sp"]
    assert main(["convert", *map(str, sources), "--to", to, "--out", str(tmp_path)]) == 0
    for src in sources:
        original = read_spectrum(src)
        back = read_spectrum(tmp_path / (src.stem + (".jdx" if to == "jcamp" else ".csv")))
        assert (back.x_units, back.y_units) == (original.x_units, original.y_units)
        np.testing.assert_allclose(back.x, original.x, rtol=1e-9)
        np.testing.assert_allclose(back.y, original.y, rtol=1e-9, atol=1e-12)
    text = (tmp_path / "opus_absorbance.jdx").read_text() if to == "jcamp" else ""
    assert not text or ("##JCAMP-DX=5.01" in text and max(map(len, text.splitlines())) <= 80)


# ---------------------------------------------------------------- fuzz
def _mutants(data: bytes, rng: np.random.Generator):
    for n in sorted({0, 1, 20, 300, 600, len(data) // 3, len(data) // 2, len(data) - 7, len(data) - 1}):
        if 0 <= n < len(data):
            yield f"truncated at {n}", data[:n]
    for k in range(12):
        buf = bytearray(data)
        where = rng.integers(0, min(len(buf), 2048 if k % 2 else len(buf)), size=1 + k)
        for w in where:
            buf[w] ^= int(rng.integers(1, 256))
        yield f"flipped {list(where)}", bytes(buf)


@pytest.mark.parametrize("path", FILES, ids=[f.name for f in FILES])
def test_fuzz_truncated_and_flipped_copies_never_raise_a_traceback(path):
    rng = np.random.default_rng(sum(path.name.encode()))
    for what, data in _mutants(path.read_bytes(), rng):
        src = f"fuzz/{path.name}"
        try:
            spectra = read_spectra(src, data)
        except SpectrumReadError as exc:
            assert str(exc).startswith(src + ": ") and "\n" not in str(exc), what
            continue
        for s in spectra:  # what was read must still get a decision, not an exception
            assert assess(s).decision in (CLASSIFY, CAUTION, REFUSE), what
