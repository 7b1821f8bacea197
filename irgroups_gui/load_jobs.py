"""Reading and classifying files for the window, in a worker thread (plain Python: no Qt here).

A file holding several spectra (a multi-subfile GRAMS SPC, an OMNIC .spg) is one entry: only
the chosen spectrum is classified, and the entry learns how many the file holds."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core.artifacts.processing import Processing
from core.predict.classify import Prediction, classify_spectra
from core.readers.io import read_spectra
from core.spectra.spectrum import Spectrum, SpectrumReadError


@dataclass
class Loaded:
    """One file read and classified: the prediction for its chosen spectrum and how many
    spectra the file holds (0 when it could not be read)."""

    path: str
    prediction: Prediction
    subfiles: int


@dataclass(frozen=True)
class Item:
    """A file to classify: which of its spectra (from 0) and with which phase ('auto' or a class)."""

    path: str
    subfile: int = 0
    phase: str = "auto"


def _read(item: Item) -> tuple[Spectrum, int, int]:
    """(spectrum, its index, number in the file); the index is clamped to the file's count."""
    spectra = read_spectra(item.path)
    k = min(max(item.subfile, 0), len(spectra) - 1)
    return spectra[k], k, len(spectra)


def _named(p: Prediction, path: str, k: int, n: int) -> Prediction:
    p.index = k
    if n > 1:  # `file #k`, k from 1, as the command line names the spectra of such a file
        p.name = f"{Path(path).name} #{k + 1}"
    return p


def classify_items(items: list[Item], bundle, processing: Processing) -> list[Loaded]:
    """One Loaded per item, in order: its chosen spectrum classified (one batch per phase), or
    the one-line reason it could not be read."""
    out: list[Loaded | None] = [None] * len(items)
    read: dict[str, list[tuple[int, Spectrum, int, int]]] = {}  # phase -> (position, spectrum, k, n)
    for i, item in enumerate(items):
        try:
            s, k, n = _read(item)
        except SpectrumReadError as exc:
            out[i] = Loaded(item.path, Prediction(source=item.path, name=Path(item.path).name, error=exc.problem), 0)
            continue
        read.setdefault(item.phase, []).append((i, s, k, n))
    for phase, group in read.items():
        preds = classify_spectra([s for _, s, _, _ in group], bundle, phase, processing)
        for (i, _, k, n), p in zip(group, preds):
            out[i] = Loaded(items[i].path, _named(p, items[i].path, k, n), n)
    return out


def classify_one(item: Item, bundle, processing: Processing, spectrum: Spectrum | None = None,
                 subfiles: int = 1) -> Loaded:
    """One file's chosen spectrum classified: re-read from the file, unless `spectrum` is that
    spectrum already read (a phase chosen in the results table) from a file of `subfiles`."""
    if spectrum is None:
        return classify_items([item], bundle, processing)[0]
    p = classify_spectra([spectrum], bundle, item.phase, processing)[0]
    return Loaded(item.path, _named(p, item.path, item.subfile, subfiles), subfiles)
