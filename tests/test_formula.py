"""Formula cross-check: condensed structural notations are read; what cannot be read skips the
check with a note instead of counting as a mismatch."""
import re
import shutil
from pathlib import Path

import pytest

from core.data.groups import FormulaError, formula_verdict, mol_from_identifier, parse_formula

SAMPLES = Path(__file__).resolve().parents[1] / "resources" / "samples"


@pytest.mark.parametrize("text, expected", [
    # NIST Quant-IR condensed structural formulas
    ("1,2-( C H3)2 C6 H4", {"C": 8, "H": 10}),
    ("( C H3)3 C O C2 H5", {"C": 6, "H": 14, "O": 1}),
    ("( C H3)3 C O C H3", {"C": 5, "H": 12, "O": 1}),
    ("C H2: C H C H: C H2", {"C": 4, "H": 6}),
    ("C H3 C H( O H) C H3", {"C": 3, "H": 8, "O": 1}),
    ("C H3 C O2 C H: C H2", {"C": 4, "H": 6, "O": 2}),
    ("C H3 C Cl3", {"C": 2, "H": 3, "Cl": 3}),
    ("C6 H5 C2 H5", {"C": 8, "H": 10}),
    # other notations: bonds, nested brackets, locants, isotopes, deuterium, salts
    ("o-C6H4(CH3)2", {"C": 8, "H": 10}),
    ("C H3-C H2-O H", {"C": 2, "H": 6, "O": 1}),
    ("((CH3)2CH)2O", {"C": 6, "H": 14, "O": 1}),
    ("[13C]H4", {"C": 1, "H": 4}),
    ("C H3 13C H3", {"C": 2, "H": 6}),
    ("C6 D6", {"C": 6, "H": 6}),
    ("C 2H 6", {"C": 2, "H": 6}),
    ("C 18 H 23 N O* H Cl", {"C": 18, "H": 24, "N": 1, "O": 1, "Cl": 1}),
    ("CuSO4.5H2O", {"Cu": 1, "S": 1, "O": 9, "H": 10}),
])
def test_condensed_formulas(text, expected):
    assert dict(parse_formula(text)) == expected


@pytest.mark.parametrize("text, problem", [
    ("C H3)", "unbalanced"), ("((C H3)2", "unbalanced"), ("C Xx2", "unknown element"),
    ("3 4", "stray number"), ("", "no elements"), ("C H3 ? O", "unexpected"),
])
def test_unreadable_formulas_raise(text, problem):
    with pytest.raises(FormulaError, match=problem):
        parse_formula(text)


def test_verdicts():
    xylene = mol_from_identifier("Cc1ccccc1C")
    assert formula_verdict("1,2-( C H3)2 C6 H4", xylene) == ("ok", "")
    assert formula_verdict("C7 H8", xylene)[0] == "mismatch"
    verdict, detail = formula_verdict("C8 H10 (mixture?)", xylene)
    assert verdict == "unparsed" and "mixture" in detail


def _with_molform(src: Path, dst: Path, molform: str) -> None:
    dst.write_text(re.sub(r"##MOLFORM=.*", lambda m: f"##MOLFORM={molform}", src.read_text(encoding="latin-1")),
                   encoding="latin-1")


def test_build_reads_condensed_formulas_and_notes_unreadable_ones(tmp_path):
    from core.data.dataset import build_dataset

    folder = tmp_path / "spectra"
    folder.mkdir()
    _with_molform(SAMPLES / "67-64-1.jdx", folder / "acetone.jdx", "C H3 C O C H3")
    _with_molform(SAMPLES / "108-88-3.jdx", folder / "toluene.jdx", "C6 H5 C H3")
    _with_molform(SAMPLES / "141-78-6.jdx", folder / "ethyl_acetate.jdx", "C H3 C O2 C2 H5 ?? impure")
    _with_molform(SAMPLES / "71-23-8.jdx", folder / "propanol.jdx", "C4 H10 O")  # wrong: a real mismatch
    shutil.copy(SAMPLES / "75-05-8.jdx", folder / "acetonitrile.jdx")
    (tmp_path / "s.csv").write_text(
        "file,smiles,name\nacetone.jdx,CC(C)=O,acetone\ntoluene.jdx,Cc1ccccc1,toluene\n"
        "ethyl_acetate.jdx,CCOC(C)=O,ethyl acetate\npropanol.jdx,CCCO,1-propanol\n"
        "acetonitrile.jdx,CC#N,acetonitrile\n")
    ds, report = build_dataset(folder, tmp_path / "s.csv")
    assert sorted(ds.ids) == ["acetone.jdx", "acetonitrile.jdx", "ethyl_acetate.jdx", "toluene.jdx"]
    mismatch = report.skipped["formula mismatch (structure disagrees with ##MOLFORM)"]
    assert [n for n, _ in mismatch] == ["propanol.jdx"]
    (remark, items), = report.notes.items()
    assert "check skipped" in remark and items[0][0] == "ethyl_acetate.jdx"
    assert "kept, ##MOLFORM not understood, formula check skipped: 1" in report.summary()
