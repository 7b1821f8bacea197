"""The 17 functional groups: SMARTS, textbook bands, and labelling with RDKit.

SMARTS follow the Daylight SMARTS examples (https://www.daylight.com/dayhtml_doc/theory/
theory.smarts.html and the "SMARTS examples" page), as adapted for IR functional-group
classification by Fine et al., Chem. Sci. 11, 4618 (2020) and Rieger et al., Digital
Discovery 2, 1957 (2023). Band ranges (cm-1) are textbook group frequencies (Silverstein,
Webster & Kiemle, "Spectrometric Identification of Organic Compounds", 7th ed., ch. 2;
Socrates, "Infrared and Raman Characteristic Group Frequencies", 3rd ed.), widened a
little for gas-phase spectra where carbonyl and O-H stretches sit higher than in liquids.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Group:
    name: str
    smarts: str
    bands: tuple[tuple[float, float], ...]
    description: str = ""


GROUPS: tuple[Group, ...] = (
    Group("alkane", "[CX4;!H0;!H3]", ((2840, 3000), (1440, 1480)), "sp3 C-H other than CH3"),
    Group("methyl", "[CH3]", ((2860, 2980), (1365, 1390), (1430, 1470)), "CH3"),
    Group("alkene", "[CX3]=[CX3]", ((3000, 3100), (1600, 1680), (880, 1000)), "C=C"),
    Group("alkyne", "[CX2]#[CX2]", ((3260, 3340), (2100, 2260), (600, 700)), "C#C"),
    Group("alcohols", "[#6;!$([#6]=[O,S,N])][OX2H]", ((3580, 3700), (1000, 1260)), "C-OH, not acid"),
    Group("amines", "[NX3;!$(N[#6]=[O,S,N]);!$(N~[!#6;!#1])]", ((3300, 3500), (1580, 1650), (1020, 1250)),
          "N bonded to C/H only, not amide"),
    Group("nitriles", "[NX1]#[CX2]", ((2210, 2270),), "C#N"),
    Group("aromatics", "a", ((3000, 3100), (1450, 1620), (690, 900)), "aromatic ring atom"),
    Group("alkyl halides", "[CX4][F,Cl,Br,I]", ((1000, 1400), (550, 850)), "sp3 C-halogen"),
    Group("esters", "[#6][CX3](=O)[OX2H0][#6]", ((1735, 1790), (1000, 1300)), "C(=O)OC"),
    Group("ketones", "[#6][CX3](=O)[#6]", ((1700, 1750),), "C-C(=O)-C"),
    Group("aldehydes", "[CX3H1](=O)[#6]", ((1715, 1760), (2690, 2850)), "C-CH=O"),
    Group("carboxylic acids", "[CX3](=O)[OX2H1]", ((3550, 3600), (1750, 1800), (1100, 1300)), "C(=O)OH"),
    Group("ether", "[OD2;!$(O[#6]=[O,S,N])]([#6])[#6]", ((1050, 1150),), "C-O-C, not ester"),
    Group("acyl halides", "[CX3](=[OX1])[F,Cl,Br,I]", ((1770, 1830),), "C(=O)X"),
    Group("amides", "[NX3][CX3](=[OX1])", ((1650, 1730), (3400, 3550)), "N-C=O"),
    Group("nitro", "[$([NX3](=O)=O),$([NX3+](=O)[O-])][!#8]", ((1500, 1600), (1300, 1390)), "NO2"),
)
GROUP_NAMES: tuple[str, ...] = tuple(g.name for g in GROUPS)


def group_index(name: str) -> int:
    """Index of a group by name (case-insensitive; 'nitrile' finds 'nitriles')."""
    key = name.strip().lower()
    for i, n in enumerate(GROUP_NAMES):
        if key in (n, n.rstrip("s"), n.replace(" ", "_"), n.replace(" ", "-")):
            return i
    raise KeyError(f"unknown group {name!r}; known: {', '.join(GROUP_NAMES)}")


@lru_cache(maxsize=None)
def _patterns(smarts: tuple[str, ...]):
    from rdkit import Chem

    pats = [Chem.MolFromSmarts(s) for s in smarts]
    for s, p in zip(smarts, pats):
        if p is None:
            raise ValueError(f"invalid SMARTS {s!r}")
    return pats


def mol_from_identifier(identifier: str):
    """An RDKit molecule from an InChI or SMILES string, or None if it does not parse."""
    from rdkit import Chem, RDLogger

    RDLogger.DisableLog("rdApp.*")
    ident = identifier.strip()
    if not ident:
        return None
    mol = Chem.MolFromInchi(ident) if ident.startswith("InChI=") else Chem.MolFromSmiles(ident)
    return mol


def label_mol(mol, smarts: tuple[str, ...] = tuple(g.smarts for g in GROUPS)) -> list[int]:
    """0/1 per group for an RDKit molecule."""
    return [int(mol.HasSubstructMatch(p)) for p in _patterns(smarts)]


def label_identifier(identifier: str) -> list[int] | None:
    """Labels from an InChI or SMILES; None when RDKit cannot read it."""
    mol = mol_from_identifier(identifier)
    return None if mol is None else label_mol(mol)


_ELEMENT = re.compile(r"([A-Z][a-z]?)(\d*)")


def parse_formula(formula: str) -> Counter:
    """Element counts from a formula such as 'C6H4ClNO2', 'C 6 H 4 Cl N O 2' or 'C2D6O'
    (deuterium and tritium count as hydrogen; dotted parts like '2H2O' are added)."""
    total: Counter = Counter()
    for part in re.split(r"[.·]", formula):
        part = part.strip()
        m = re.match(r"^(\d+)\s*(?=[A-Z])", part)
        mult = int(m.group(1)) if m else 1
        part = part[m.end():] if m else part
        compact = re.sub(r"\s+(?=\d)", "", part)  # 'C 6 H 4' -> 'C6 H4'
        compact = re.sub(r"\s+", "", compact)
        # typos seen in databases: 'CL'/'BR' in capitals, a lowercase symbol after a count
        compact = re.sub(r"CL|BR", lambda mm: mm.group()[0] + mm.group()[1].lower(), compact)
        compact = re.sub(r"(?<=\d)([a-z])", lambda mm: mm.group(1).upper(), compact)
        for el, n in _ELEMENT.findall(compact):
            el = "H" if el in ("D", "T") else el
            total[el] += mult * (int(n) if n else 1)
    return total


def mol_formula(mol) -> Counter:
    """Element counts of an RDKit molecule, implicit hydrogens included."""
    from rdkit import Chem

    counts: Counter = Counter()
    for atom in Chem.AddHs(mol).GetAtoms():
        counts[atom.GetSymbol()] += 1
    return counts
