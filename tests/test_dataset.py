"""Dataset build, HDF5 round trip, split, provenance and tamper detection."""
import zipfile

import h5py
import numpy as np
import pytest

from conftest import GAS_CSV, GAS_ZIP, jcamp, need_shared
from core.data.dataset import DatasetError, build_dataset, load_dataset, random_split, save_dataset


def _make_inputs(tmp_path):
    spectra = tmp_path / "spectra.zip"
    wn = np.arange(500, 4001, 4)
    y = " ".join(str(int(v)) for v in 1000 * np.exp(-0.5 * ((wn - 2900) / 30) ** 2) + 5)
    lines = "\n".join(f"{x} {v}" for x, v in zip(wn, y.split()))
    with zipfile.ZipFile(spectra, "w") as zf:
        for i, (state, molform) in enumerate([("gas", "C 2 H 6 O"), ("gas", "C2H6O"), ("liquid", "C2H6O"),
                                              ("gas", "C 3 H 8"), ("gas", "C2H6O"), ("gas", "C2H6O")]):
            text = jcamp(lines, wn.size, 500, 4000, extra=f"##STATE={state}\n##MOLFORM={molform}\n")
            zf.writestr(f"spectra/s{i}.jdx", text)
        zf.writestr("spectra/broken.jdx", "##TITLE=x\n##XYDATA=(X++(Y..Y))\n1 2 3\n")
    csv = tmp_path / "structures.csv"
    ethanol = '"InChI=1S/C2H6O/c1-2-3/h3H,2H2,1H3"'  # quoted: InChIs contain commas
    csv.write_text("file,cas,inchi,name\n" + "\n".join(
        f"s{i}.jdx,0,{ethanol if i != 4 else 'garbage'},ethanol"
        for i in range(5)) + "\nbroken.jdx,0,InChI=1S/CH4/h1H4,methane\n")
    return spectra, csv


def test_build_reports_every_skip_and_round_trips(tmp_path):
    spectra, csv = _make_inputs(tmp_path)
    ds, report = build_dataset(spectra, csv)
    assert report.files == 7 and report.labelled == 2
    reasons = {k: [n for n, _ in v] for k, v in report.skipped.items()}
    assert reasons["not gas phase"] == ["s2.jdx"]
    assert reasons["formula mismatch (structure disagrees with ##MOLFORM)"] == ["s3.jdx"]
    assert reasons["structure not readable by RDKit"] == ["s4.jdx"]
    assert reasons["no structure in the CSV"] == ["s5.jdx"]
    assert reasons["unreadable"] == ["broken.jdx"]
    assert report.group_counts["alcohols"] == 2 and report.group_counts["ether"] == 0
    out = tmp_path / "d.h5"
    save_dataset(ds, out)
    back = load_dataset(out)
    np.testing.assert_array_equal(back.spectra, ds.spectra)
    assert back.ids == ds.ids and back.content_hash == ds.content_hash
    assert back.provenance["skipped"]["not gas phase"] == 1
    assert not list(tmp_path.glob("*.tmp"))  # atomic write leaves nothing behind


def test_keep_all_states(tmp_path):
    spectra, csv = _make_inputs(tmp_path)
    ds, _ = build_dataset(spectra, csv, gas_only=False)
    assert len(ds) == 3


def test_tampered_or_foreign_file_is_refused(tmp_path, small_dataset):
    out = tmp_path / "d.h5"
    save_dataset(small_dataset, out)
    with h5py.File(out, "a") as f:
        f["labels"][0, 0] = 1 - f["labels"][0, 0]
    with pytest.raises(DatasetError, match="hash mismatch"):
        load_dataset(out)
    other = tmp_path / "other.h5"
    with h5py.File(other, "w") as f:
        f["x"] = [1]
    with pytest.raises(DatasetError, match="not an IR Groups dataset"):
        load_dataset(other)


def test_split_is_seeded_70_15_15():
    a, b = random_split(1000, 3), random_split(1000, 3)
    np.testing.assert_array_equal(a, b)
    assert np.bincount(a).tolist() == [700, 150, 150]
    assert not np.array_equal(a, random_split(1000, 4))


def test_nist_gas_build():
    need_shared()
    ds, report = build_dataset(GAS_ZIP, GAS_CSV)
    assert 6850 <= len(ds) <= 6890
    assert len(report.skipped["no structure in the CSV"]) == 446
    assert 20 <= len(report.skipped["formula mismatch (structure disagrees with ##MOLFORM)"]) <= 35
    prev = dict(zip(ds.group_names, ds.prevalence()))
    assert 0.55 < prev["aromatics"] < 0.6 and 0.6 < prev["methyl"] < 0.7 and prev["acyl halides"] < 0.02


def test_grouped_split_keeps_compounds_together_and_sources_stable():
    from core.data.dataset import grouped_split

    keys = [f"k{i}" for i in range(200)]
    np.testing.assert_array_equal(grouped_split(keys, ["gas"] * 200, 5), random_split(200, 5))
    # a second stratum merged in does not change the first one's split
    merged = grouped_split(keys + [f"c{i}" for i in range(60)], ["gas"] * 200 + ["kbr"] * 60, 5)
    np.testing.assert_array_equal(merged[:200], random_split(200, 5))
    assert np.bincount(merged[200:], minlength=3).tolist() == [42, 9, 9]
    dup = grouped_split(["a", "b", "a", "c", "a"] * 20, ["x"] * 100, 1)
    assert len({dup[i] for i in range(0, 100, 5)} | {dup[i] for i in range(2, 100, 5)}) == 1


def test_multi_source_build_records_phases(tmp_path):
    from core.data.dataset import build_dataset

    spectra, csv = _make_inputs(tmp_path)
    cond = tmp_path / "cond"
    cond.mkdir()
    wn = np.arange(500, 4001, 4)
    lines = "\n".join(f"{x} {int(50 + 40 * np.exp(-0.5 * ((x - 1700) / 20) ** 2))}" for x in wn)
    for name, state in (("m.jdx", "SOLID (NUJOL MULL)"), ("k.jdx", "SOLID (KBr PELLET)"), ("u.jdx", "")):
        (cond / name).write_text(jcamp(lines, wn.size, 500, 4000, extra=f"##STATE={state}\n" if state else ""))
    ccsv = tmp_path / "cond.csv"
    ccsv.write_text("file,cas,smiles,name,state\nm.jdx,1,CC(C)=O,acetone,\nk.jdx,2,CCO,ethanol,\n"
                    "u.jdx,3,CC#N,acetonitrile,LIQUID (NEAT)\n")
    ds, report = build_dataset([spectra, cond], [csv, ccsv], gas_only=False)
    phases = dict(zip(ds.ids, ds.phases))
    assert phases["m.jdx"] == "mull" and phases["k.jdx"] == "kbr" and phases["u.jdx"] == "liquid"
    assert phases["s0.jdx"] == "gas" and phases["s2.jdx"] == "liquid"
    assert report.phase_counts["gas"] == 2 and report.phase_counts["mull"] == 1
    assert "per phase: gas 2" in report.summary()
    save_dataset(ds, tmp_path / "m.h5")
    back = load_dataset(tmp_path / "m.h5")
    assert back.phases == ds.phases
    assert back.phase_subset("condensed").ids == [i for i, p in zip(ds.ids, ds.phases) if p != "gas"]
    # ethanol appears in both sources: both spectra sit in the same split part
    eth = [sp for sp, ident in zip(ds.split, ds.identifiers) if ident in ("CCO",) or "C2H6O" in ident]
    assert len(set(eth)) == 1
    with pytest.raises(DatasetError, match="one structures CSV"):
        build_dataset([spectra, cond], [csv], gas_only=False)


@pytest.mark.parametrize("state,phase", [
    ("gas", "gas"), ("GAS (50 mmHg, N2 ADDED)", "gas"), ("VAPOR AT 30 mmHg PRESSURE", "gas"),
    ("LIQUID (NEAT)", "liquid"), ("SOLID (MELT)", "liquid"), ("SOLID (KBr PELLET)", "kbr"),
    ("SOLID (1 mg / 650 mg KBr DISC)", "kbr"), ("SOLID (MINERAL OIL MULL)", "mull"),
    ("SOLID (SPLIT MULL), FLUOROLUBE FOR 3800-1330 CM^-^1, NUJOL FOR 1330-400 CM^-^1", "mull"),
    ("SOLUTION (10% CCl4 FOR 5000-1330, 10% CS2 FOR 1330-625 CM^-^1)", "solution"),
    ("SOLUTION (7% IN CHCl3)", "solution"), ("ATR (diamond)", "atr"), ("", "unknown"), ("SOLID", "unknown")])
def test_phase_from_state(state, phase):
    from core.spectra.phase import phase_from_state

    assert phase_from_state(state) == phase


def test_label_audit_leaves_out_only_the_excluded_training_spectra(small_dataset, tmp_path):
    from core.data.dataset import SPLITS
    from core.data.label_audit import audit_exclusions, without_excluded

    train_id = small_dataset.ids[int(np.flatnonzero(small_dataset.split == SPLITS["train"])[0])]
    test_id = small_dataset.ids[int(np.flatnonzero(small_dataset.split == SPLITS["test"])[0])]
    audit = tmp_path / "audit.csv"
    audit.write_text("id,group,action,reason\n"
                     f"{train_id},ketones,exclude,no band at 1630-1870 cm-1\n"
                     f"{test_id},ketones,exclude,no band\n"
                     f"{small_dataset.ids[1]},alkene,keep,band check cannot decide\n")
    exclusions = audit_exclusions(audit)
    assert exclusions[train_id] == "no band at 1630-1870 cm-1" and small_dataset.ids[1] not in exclusions
    kept, n = without_excluded(small_dataset, exclusions)
    assert n == 1 and train_id not in kept.ids and test_id in kept.ids  # held-out splits are never touched
    assert len(kept) == len(small_dataset) - 1


def test_the_shipped_label_audit_names_a_reason_for_every_exclusion():
    from core.data.label_audit import audit_exclusions

    exclusions = audit_exclusions()
    assert exclusions and all(reason.strip() for reason in exclusions.values())
