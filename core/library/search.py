"""Similarity search in a reference library, a k-nearest-neighbour vote and a novelty caution.

Queries and references are compared by their search features (core.library.features): scores
are correlations in [-1, 1]; 1 is the same shape.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from core.readers.io import read_spectra
from core.library.store import Library
from core.library.features import features
from core.spectra.preprocess import Grid, coverage, normalise, resample_batch, standardise
from core.spectra.resolution import to_grid_resolution
from core.spectra.spectrum import Spectrum, SpectrumReadError

VOTE_K = 10  # neighbours in the group vote
VOTE_TAU = 0.05  # a neighbour scoring 0.05 below the best counts e^-1 as much (k and tau chosen on validation)
NOVELTY_THRESHOLD = 0.42  # best score below this: "unlike any reference spectrum" (5th percentile, held-out)
NOVELTY_CAUTION = "unlike any reference spectrum"
MIN_COVERAGE = 0.6
FEW_QUERIES = 8




@lru_cache(maxsize=1)
def _blas():
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def nearest(lib_features: np.ndarray, query_features: np.ndarray, top: int) -> tuple[np.ndarray, np.ndarray]:
    """(indices, scores), each (queries, top), best first. A few queries run on one BLAS thread:
    a matrix-vector product gains nothing from threads, and on a busy machine they contend."""
    if len(query_features) < FEW_QUERIES:
        with _blas().limit(limits=1, user_api="blas"):
            scores = query_features @ lib_features.T
    else:
        scores = query_features @ lib_features.T
    top = min(top, scores.shape[1])
    part = np.argpartition(-scores, top - 1, axis=1)[:, :top]
    part_scores = np.take_along_axis(scores, part, axis=1)
    order = np.argsort(-part_scores, axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1), np.take_along_axis(part_scores, order, axis=1)


def knn_vote(labels: np.ndarray, scores: np.ndarray, k: int = VOTE_K, tau: float = VOTE_TAU) -> np.ndarray:
    """Similarity-weighted share of the first k neighbours having each group, weights
    exp((score - best score) / tau): labels (queries, neighbours, groups) and scores (queries,
    neighbours), best first -> (queries, groups) in [0, 1]."""
    s = scores[:, :k].astype(np.float64)
    w = np.exp((s - s[:, :1]) / tau)
    return ((labels[:, :k] * w[:, :, None]).sum(axis=1) / w.sum(axis=1, keepdims=True)).astype(np.float32)


@dataclass
class Hit:
    """One library entry found for a query."""

    rank: int
    index: int
    score: float
    name: str
    cas: str
    file: str
    smiles: str  # the stored structure: SMILES or InChI
    phase: str
    groups: list[str]

    def to_dict(self) -> dict:
        return {"rank": self.rank, "score": round(self.score, 4), "name": self.name, "cas": self.cas,
                "file": self.file, "smiles": self.smiles, "phase": self.phase, "groups": self.groups}


@dataclass
class Match:
    """The search outcome for one query spectrum: hits, the neighbours' group vote, novelty."""

    source: str
    name: str = ""
    hits: list[Hit] = field(default_factory=list)
    vote: dict[str, float] = field(default_factory=dict)  # group -> weighted share of the k nearest having it
    error: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def best_score(self) -> float | None:
        return self.hits[0].score if self.hits else None

    @property
    def novel(self) -> bool:
        return self.ok and (self.best_score is None or self.best_score < NOVELTY_THRESHOLD)

    @property
    def vote_groups(self) -> list[str]:
        """Groups with a weighted vote of at least one half among the k nearest references."""
        return [g for g, v in self.vote.items() if v >= 0.5]

    def to_dict(self) -> dict:
        out: dict = {"file": self.source, "name": self.name}
        if not self.ok:
            return out | {"error": self.error}
        return out | {"hits": [h.to_dict() for h in self.hits], "knn_groups": self.vote_groups,
                      "knn_vote": {g: round(v, 3) for g, v in self.vote.items()},
                      "novel": self.novel, "warnings": self.warnings}


def _check(s: Spectrum, grid: Grid) -> tuple[np.ndarray, np.ndarray]:
    """Standardised (x, absorbance at the grid's resolution) of a spectrum fit to compare, else
    SpectrumReadError."""
    if not s.is_infrared:
        raise SpectrumReadError(s.source, f"not an infrared spectrum ({s.kind}); the library holds IR spectra")
    if s.meta.get("PEAKTABLE"):
        raise SpectrumReadError(s.source, "a peak table, not a continuous spectrum")
    x, a = standardise(s)
    cov = coverage(x, grid)
    if cov < MIN_COVERAGE:
        raise SpectrumReadError(s.source, f"range {x[0]:.0f}-{x[-1]:.0f} cm-1 covers only {cov:.0%} of "
                                          f"the library's {grid.start:.0f}-{grid.stop:.0f} cm-1")
    return x, to_grid_resolution(x, a, s.meta, grid.step)[0]


def _hit(lib: Library, rank: int, index: int, score: float) -> Hit:
    return Hit(rank, index, score, lib.names[index], lib.cas[index], lib.files[index], lib.identifiers[index],
               lib.phases[index], [g for g, f in zip(lib.group_names, lib.labels[index]) if f])


def search_model_inputs(batch: np.ndarray, lib: Library, top: int = 5, k: int = VOTE_K) -> list[Match]:
    """Matches for spectra already in model-input form (n, grid.n) on the library's grid."""
    q = features(batch)
    idx, scores = nearest(lib.features, q, max(top, k))
    vote = knn_vote(lib.labels[idx], scores, k)
    out = []
    for i in range(len(q)):
        m = Match(source="")
        if not q[i].any():
            m.error = "flat spectrum: no bands to compare"
        else:
            m.hits = [_hit(lib, r + 1, int(j), float(s)) for r, (j, s) in enumerate(zip(idx[i, :top], scores[i, :top]))]
            m.vote = {g: float(v) for g, v in zip(lib.group_names, vote[i])}
            if m.novel:
                m.warnings.append(f"{NOVELTY_CAUTION} (best score {m.best_score:.2f} < {NOVELTY_THRESHOLD:.2f})")
        out.append(m)
    return out


def search_spectra(spectra: Sequence[Spectrum], lib: Library, top: int = 5, k: int = VOTE_K) -> list[Match]:
    """One Match per spectrum; spectra that cannot be compared get a one-line error."""
    out: list[Match] = []
    xs, ys, ok = [], [], []
    for s in spectra:
        m = Match(source=s.source, name=s.name)
        try:
            x, a = _check(s, lib.grid)
            xs.append(x)
            ys.append(a)
            ok.append(m)
        except SpectrumReadError as exc:
            m.error = exc.problem
        out.append(m)
    if ok:
        found = search_model_inputs(normalise(resample_batch(xs, ys, lib.grid)), lib, top, k)
        for m, f in zip(ok, found):
            m.hits, m.vote, m.error, m.warnings = f.hits, f.vote, f.error, f.warnings
    return out


def search_files(paths: Sequence[str | Path], lib: Library, top: int = 5, k: int = VOTE_K) -> list[Match]:
    """One Match per file (its first spectrum); unreadable files give error entries."""
    spectra, order = [], []
    for path in paths:
        try:
            spectra.append(read_spectra(path)[0])
            order.append(None)
        except SpectrumReadError as exc:
            order.append(Match(source=str(path), name=Path(path).name, error=exc.problem))
    done = iter(search_spectra(spectra, lib, top, k))
    return [o if o is not None else next(done) for o in order]


def disagreements(vote: dict[str, float], present: dict[str, bool]) -> list[tuple[str, bool, bool]]:
    """(group, network says present, neighbours say present) where the two disagree."""
    return [(g, present[g], vote[g] >= 0.5) for g in vote if g in present and present[g] != (vote[g] >= 0.5)]
