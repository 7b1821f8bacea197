"""Finer SMARTS inside the weak groups, used only as auxiliary training targets.

Training on them (`TrainConfig.aux_targets`) makes the encoder learn the distinctions inside a
group (C-Cl from C-Br, aryl from alkyl ketones, conjugated from isolated C=C ...); the
auxiliary outputs are dropped after training, so the shipped model keeps its 17 linear group
heads and every explanation of them.
"""
from __future__ import annotations

import numpy as np

from core.data.groups import label_mol, mol_from_identifier

# name -> SMARTS
FINE_GROUPS: dict[str, str] = {
    "C-F": "[CX4]F",
    "C-Cl": "[CX4]Cl",
    "C-Br": "[CX4]Br",
    "C-I": "[CX4]I",
    "aryl ketone": "c[CX3](=O)[#6]",
    "alkyl ketone": "[CX4][CX3](=O)[CX4]",
    "conjugated C=C": "[CX3]=[CX3]-[$([CX3]=[#6,#8,#7]),$(c),$([CX2]#*)]",
    "terminal C=C": "[CH2]=[CX3]",
    "aryl ether": "c[OX2;!$(O[#6]=[O,S,N])][#6]",
    "dialkyl ether": "[CX4][OX2][CX4]",
    "primary alcohol": "[CH2X4][OX2H]",
    "secondary alcohol": "[CH1X4][OX2H]",
    "tertiary alcohol": "[CH0X4][OX2H]",
    "phenol": "c[OX2H]",
    "aryl nitrile": "c[CX2]#[NX1]",
    "alkyl nitrile": "[CX4][CX2]#[NX1]",
    "primary amine": "[NX3H2;!$(N[#6]=[O,S,N])][#6]",
    "secondary amine": "[NX3H1;!$(N[#6]=[O,S,N])]([#6])[#6]",
    "carbonyl": "[CX3]=[OX1]",
    "conjugated carbonyl": "[CX3](=[OX1])-[$([CX3]=[CX3]),$(c)]",
}
FINE_NAMES: tuple[str, ...] = tuple(FINE_GROUPS)


def fine_labels(identifiers: list[str]) -> np.ndarray:
    """(n, len(FINE_GROUPS)) 0/1 labels; all zero for an identifier RDKit cannot read."""
    smarts = tuple(FINE_GROUPS.values())
    out = np.zeros((len(identifiers), len(smarts)), dtype=np.uint8)
    cache: dict[str, list[int]] = {}
    for i, ident in enumerate(identifiers):
        if ident not in cache:
            mol = mol_from_identifier(ident)
            cache[ident] = [0] * len(smarts) if mol is None else label_mol(mol, smarts)
        out[i] = cache[ident]
    return out
