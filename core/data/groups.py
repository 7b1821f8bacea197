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


class FormulaError(ValueError):
    """A formula string that cannot be read as element counts."""


_SYMBOLS = frozenset("""H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge
    As Se Br Kr Rb Sr Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd Pm Sm Eu Gd Tb Dy Ho
    Er Tm Yb Lu Hf Ta W Re Os Ir Pt Au Hg Tl Pb Bi Po At Rn Fr Ra Ac Th Pa U Np Pu Am Cm Bk Cf Es Fm Md No
    Lr Rf Db Sg Bh Hs Mt Ds Rg Cn Nh Fl Mc Lv Ts Og D T""".split())
_HYDROGEN_ISOTOPES = {"D": "H", "T": "H"}
_TOKEN = re.compile(r"(?P<el>[A-Z][a-z]?)|(?P<num>\d+)|(?P<open>[(\[{])|(?P<close>[)\]}])|(?P<skip>[\s:=#~^+\-])")
_LOCANTS = re.compile(r"^\s*(?:\d+'*|[a-z]+)(?:,(?:\d+'*|[a-z]+))*-\s*(?=[(\[{A-Z])")  # '1,2-', 'o-', 'cis-'
_PARTS = re.compile(r"[.·•*]")  # hydrates and salts: 'C2H6O.H2O', 'C18H23NO*HCl'


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise FormulaError(f"unexpected {text[pos]!r} in formula {text!r}")
        if m.lastgroup != "skip":
            out.append((m.lastgroup, m.group()))
        elif not out or out[-1][0] != "gap":
            out.append(("gap", " "))  # spaces and bond marks (':', '=', '-') separate atoms
        pos = m.end()
    return out


@lru_cache(maxsize=None)
def _standard_mass(symbol: str) -> float:
    from rdkit import Chem

    return Chem.GetPeriodicTable().GetAtomicWeight(symbol)


def _is_isotope(tokens: list[tuple[str, str]], i: int, awaiting_count: bool) -> bool:
    """A number standing before a symbol it touches ('13C', '[13C]', 'C H3 13C H3'), where no
    count is awaited, and close to that element's mass is a mass number, not a count."""
    touches_symbol = i + 1 < len(tokens) and tokens[i + 1][0] == "el"
    stands_alone = i == 0 or tokens[i - 1][0] in ("gap", "open")
    if awaiting_count or not touches_symbol or not stands_alone:
        return False
    symbol = _HYDROGEN_ISOTOPES.get(tokens[i + 1][1], tokens[i + 1][1])
    return symbol in _SYMBOLS and abs(int(tokens[i][1]) - _standard_mass(symbol)) <= 4


def _parse_part(text: str) -> Counter:
    """Element counts of one part: groups in brackets with multipliers, spaced or attached
    counts ('C 6 H 4', 'C6 H4'), bond marks, isotope mass numbers ('13C', '[13C]')."""
    tokens = _tokens(text)
    stack: list[Counter] = [Counter()]
    last: list | None = None  # [symbol or bracketed Counter, count or None]

    def flush() -> None:
        nonlocal last
        if last is not None:
            item, count = last
            for el, n in (item.items() if isinstance(item, Counter) else ((item, 1),)):
                stack[-1][el] += n * (count or 1)
        last = None

    for i, (kind, tok) in enumerate(tokens):
        if kind == "el":
            if tok not in _SYMBOLS:
                raise FormulaError(f"unknown element {tok!r} in formula {text!r}")
            flush()
            last = [_HYDROGEN_ISOTOPES.get(tok, tok), None]
        elif kind == "num" and not _is_isotope(tokens, i, last is not None and last[1] is None):
            if last is None or last[1] is not None:
                raise FormulaError(f"stray number {tok} in formula {text!r}")
            last[1] = int(tok)
        elif kind == "open":
            flush()
            stack.append(Counter())
        elif kind == "close":
            flush()
            if len(stack) == 1:
                raise FormulaError(f"unbalanced brackets in formula {text!r}")
            last = [stack.pop(), None]
    flush()
    if len(stack) != 1:
        raise FormulaError(f"unbalanced brackets in formula {text!r}")
    return stack[0]


def parse_formula(formula: str) -> Counter:
    """Element counts from a molecular or condensed structural formula: 'C6H4ClNO2',
    'C 6 H 4 Cl N O 2', 'C2D6O' (deuterium and tritium count as hydrogen), '1,2-( C H3)2 C6 H4',
    '( C H3)3 C O C2 H5', 'C H2: C H C N', 'C H3 C H( O H) C H3', '[13C]H4', hydrates and salts
    ('C2H6O.H2O', 'C18H23NO*HCl'). Raises FormulaError when it cannot be read."""
    text = _LOCANTS.sub("", formula.strip())
    # typos seen in databases: 'CL'/'BR' in capitals, a lowercase symbol after a count
    text = re.sub(r"CL|BR", lambda m: m.group()[0] + m.group()[1].lower(), text)
    text = re.sub(r"(?<=\d)\s?([a-z])", lambda m: " " + m.group(1).upper(), text)
    total: Counter = Counter()
    for k, part in enumerate(_PARTS.split(text)):
        m = re.match(r"^\s*(\d+)\s*(?=[A-Z(\[{])", part) if k else None  # '2H2O' after a dot
        mult = int(m.group(1)) if m else 1
        for el, n in _parse_part(part[m.end():] if m else part).items():
            total[el] += mult * n
    if not total:
        raise FormulaError(f"no elements in formula {formula!r}")
    return total


def formula_verdict(formula: str, mol) -> tuple[str, str]:
    """('ok' | 'mismatch' | 'unparsed', detail) for a file's formula against a structure."""
    try:
        want = parse_formula(formula)
    except FormulaError as exc:
        return "unparsed", str(exc)
    got = mol_formula(mol)
    if want == got:
        return "ok", ""
    return "mismatch", f"{formula} vs {''.join(f'{k}{v}' for k, v in sorted(got.items()))}"


def mol_formula(mol) -> Counter:
    """Element counts of an RDKit molecule, implicit hydrogens included."""
    from rdkit import Chem

    counts: Counter = Counter()
    for atom in Chem.AddHs(mol).GetAtoms():
        counts[atom.GetSymbol()] += 1
    return counts
