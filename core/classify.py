"""From files to group probabilities, with the checks that say when not to trust the model."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from core.bundle import ModelBundle
from core.io import read_spectra
from core.phase import normalise_phase, phase_from_state
from core.preprocess import coverage, normalise, resample_batch, standardise, y_unit_caution
from core.spectrum import Spectrum, SpectrumReadError

MIN_COVERAGE = 0.6


@dataclass
class Prediction:
    """The outcome for one file: probabilities or an error, plus any cautions."""

    source: str
    name: str = ""
    mean: np.ndarray | None = None
    std: np.ndarray | None = None
    present: np.ndarray | None = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)
    spectrum: Spectrum | None = None
    model_input: np.ndarray | None = None
    index: int = 0  # position of the spectrum within its file (multi-spectrum files)
    phase: str = ""  # phase class used for the prediction (gas, liquid, kbr, mull, solution, atr, unknown)
    phase_source: str = ""  # "file", "user" or "inferred"
    in_domain: bool | None = None  # False: the spectrum is unlike what the model was trained on
    novelty: float | None = None  # the novelty score behind in_domain

    @property
    def ok(self) -> bool:
        return self.error is None


def refusal(s: Spectrum) -> str | None:
    """Why the model must not read this spectrum at all (before any conversion), or None."""
    if not s.is_infrared:
        return f"not an infrared spectrum ({s.kind}); the model only reads IR"
    if s.meta.get("PEAKTABLE"):
        return "a peak table, not a continuous spectrum"
    return None


def check_spectrum(s: Spectrum, x: np.ndarray, bundle: ModelBundle) -> tuple[str | None, list[str]]:
    """(refusal reason or None, cautions) for a standardised infrared spectrum."""
    cov = coverage(x, bundle.grid)
    if cov < MIN_COVERAGE:
        return (f"range {x[0]:.0f}-{x[-1]:.0f} cm-1 covers only {cov:.0%} of the model's "
                f"{bundle.grid.start:.0f}-{bundle.grid.stop:.0f} cm-1"), []
    cautions = list(s.warnings) + [c for c in (y_unit_caution(s.y_units),) if c]
    if cov < 0.9:
        cautions.append(f"covers {cov:.0%} of the model's range; missing regions read as zero")
    state = s.meta.get("STATE", "")
    if state and "gas" not in state.lower():
        cautions.append(f"sample state '{state[:30]}'; the model was trained on gas-phase spectra")
    return None, cautions


def resolve_phase(s: Spectrum, phase: str = "auto") -> tuple[str, str]:
    """(phase class, source): the user's choice, else the file's ##STATE, else unknown."""
    if phase != "auto":
        return normalise_phase(phase), "user"
    state = s.meta.get("STATE", "")
    return (phase_from_state(state), "file") if state else ("unknown", "")


def classify_spectra(spectra: list[Spectrum], bundle: ModelBundle, phase: str = "auto") -> list[Prediction]:
    """Predictions for already-read spectra (one batch through the ensemble). `phase` is
    'auto' (from each file) or one of core.phase.PHASES for all of them."""
    preds, xs, ys, ok = [], [], [], []
    for s in spectra:
        p = Prediction(source=s.source, name=s.name, spectrum=s)
        p.phase, p.phase_source = resolve_phase(s, phase)
        p.error = refusal(s)
        if p.error is None:
            try:
                x, a = standardise(s)
                p.error, p.warnings = check_spectrum(s, x, bundle)
            except SpectrumReadError as exc:
                p.error = exc.problem
        if p.error is None:
            xs.append(x)
            ys.append(a)
            ok.append(p)
        preds.append(p)
    if ok:
        batch = normalise(resample_batch(xs, ys, bundle.grid))
        mean, std = bundle.predict(batch)
        present = bundle.decide(mean)
        for i, p in enumerate(ok):
            p.mean, p.std, p.present, p.model_input = mean[i], std[i], present[i], batch[i]
        novelty = getattr(bundle, "novelty", None)
        if novelty is not None:
            for p, score, inside in zip(ok, *novelty.score(bundle, batch)):
                p.novelty, p.in_domain = float(score), bool(inside)
                if not inside:
                    p.warnings.insert(0, out_of_domain_caution(p.novelty))
    return preds


def out_of_domain_caution(novelty: float) -> str:
    """The caution shown for a spectrum the novelty model flags (in domain means novelty <= 1)."""
    return f"outside what the model was trained on (novelty {novelty:.1f})"


def classify_in_chunks(paths: list[str], bundle: ModelBundle, chunk: int = 256,
                       phase: str = "auto") -> Iterator[tuple[int, list[Prediction]]]:
    """(start index, predictions) for successive chunks of files: bounded memory, progress."""
    for start in range(0, len(paths), chunk):
        yield start, classify_files(paths[start:start + chunk], bundle, phase)


def classify_files(paths: list[str | Path], bundle: ModelBundle, phase: str = "auto") -> list[Prediction]:
    """One Prediction per file (its first spectrum); unreadable files give error entries."""
    spectra, order = [], []
    for path in paths:
        try:
            spectra.append(read_spectra(path)[0])
            order.append(None)
        except SpectrumReadError as exc:
            order.append(Prediction(source=str(path), name=Path(path).name, error=exc.problem))
    done = iter(classify_spectra(spectra, bundle, phase))
    return [o if o is not None else next(done) for o in order]
