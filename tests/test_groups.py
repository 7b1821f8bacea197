"""SMARTS patterns on textbook molecules; formula parsing used by the MOLFORM cross-check."""
import pytest

from core.data.groups import GROUP_NAMES, GROUPS, group_index, label_identifier, parse_formula

CASES = {
    "CCO": {"alkane", "methyl", "alcohols"},  # ethanol: no ether
    "COC": {"methyl", "ether"},
    "CC(=O)OC": {"methyl", "esters"},  # methyl acetate: not ether, not ketone
    "CC(C)=O": {"methyl", "ketones"},
    "CC=O": {"methyl", "aldehydes"},
    "CC(=O)O": {"methyl", "carboxylic acids"},  # not an alcohol
    "CC#N": {"methyl", "nitriles"},
    "C#CC": {"methyl", "alkyne"},
    "C=CC": {"methyl", "alkene"},
    "c1ccccc1": {"aromatics"},
    "Nc1ccccc1": {"aromatics", "amines"},
    "CC(N)=O": {"methyl", "amides"},  # acetamide: not an amine
    "CC(=O)Cl": {"methyl", "acyl halides"},
    "CCCl": {"alkane", "methyl", "alkyl halides"},
    "C[N+](=O)[O-]": {"methyl", "nitro"},  # not an amine
    "C": {"alkane"},
    "Oc1ccccc1": {"aromatics", "alcohols"},
}


@pytest.mark.parametrize("smiles", CASES)
def test_textbook_molecules(smiles):
    labels = label_identifier(smiles)
    assert {n for n, v in zip(GROUP_NAMES, labels) if v} == CASES[smiles]


def test_inchi_and_bad_identifiers():
    assert label_identifier("InChI=1S/C2H6O/c1-2-3/h3H,2H2,1H3") == label_identifier("CCO")
    assert label_identifier("not a molecule") is None


def test_seventeen_groups_with_bands():
    assert len(GROUPS) == 17 and all(g.bands for g in GROUPS)
    assert group_index("nitrile") == group_index("Nitriles") == 6


@pytest.mark.parametrize("text, expected", [
    ("C 6 H 4 Cl N O 2", {"C": 6, "H": 4, "Cl": 1, "N": 1, "O": 2}),
    ("C2D6O", {"C": 2, "H": 6, "O": 1}),
    ("C 4h 6 N 2 O", {"C": 4, "H": 6, "N": 2, "O": 1}),
    ("C O", {"C": 1, "O": 1}),
    ("C2H6O.H2O", {"C": 2, "H": 8, "O": 2}),
    ("C8 H18 CL2", {"C": 8, "H": 18, "Cl": 2}),
])
def test_parse_formula(text, expected):
    assert dict(parse_formula(text)) == expected
