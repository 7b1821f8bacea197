"""From files to group probabilities, with the checks that say when not to trust the model."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from core.artifacts.processing import Processing, apply as apply_processing
from core.nn.bundle import ModelBundle
from core.predict.undetermined import Context, undetermined
from core.readers.io import read_spectra
from core.spectra.phase import normalise_phase, phase_from_state
from core.spectra.preprocess import coverage, measured_mask, normalise, resample_batch, standardise, y_unit_caution
from core.spectra.resolution import resolution, smoothing_note, to_grid_resolution
from core.spectra.spectrum import Spectrum, SpectrumReadError
from core.spectra.validity import REFUSE, assess, model_view

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
    model_input: np.ndarray | None = None  # the network's input: (L,), or (2, L) with a mask channel
    index: int = 0  # position of the spectrum within its file (multi-spectrum files)
    phase: str = ""  # phase class used for the prediction (gas, liquid, kbr, mull, solution, atr, unknown)
    phase_source: str = ""  # "file", "user" or "inferred"
    in_domain: bool | None = None  # False: the spectrum is unlike what the model was trained on
    novelty: float | None = None  # the novelty score behind in_domain
    corrections: list[dict] = field(default_factory=list)  # what was corrected (core.artifacts.processing)
    undetermined: dict[str, str] = field(default_factory=dict)  # group -> why the model cannot tell
    gases_left: list[str] = field(default_factory=list)  # atmospheric lines found but not compensated

    @property
    def ok(self) -> bool:
        return self.error is None

    def present_groups(self, names) -> list[str]:
        """The groups the answer names as present: decided present and not undetermined."""
        if self.present is None:
            return []
        return [n for n, f in zip(names, self.present) if f and n not in self.undetermined]

    @property
    def input_spectrum(self) -> np.ndarray | None:
        """The spectrum channel of the network's input (L,), for display."""
        if self.model_input is None:
            return None
        return self.model_input[0] if self.model_input.ndim == 2 else self.model_input


def refusal(s: Spectrum) -> str | None:
    """Why the model must not read this spectrum at all (core.spectra.validity), or None."""
    d = assess(s)
    return d.reason if d.decision == REFUSE else None


def check_spectrum(s: Spectrum, x: np.ndarray, bundle: ModelBundle) -> tuple[str | None, list[str]]:
    """(refusal reason or None, cautions) for a standardised infrared spectrum."""
    cov = coverage(x, bundle.grid)
    if cov < MIN_COVERAGE:
        return (f"range {x[0]:.0f}-{x[-1]:.0f} cm-1 covers only {cov:.0%} of the model's "
                f"{bundle.grid.start:.0f}-{bundle.grid.stop:.0f} cm-1"), []
    cautions = assess(s).cautions + [c for c in (y_unit_caution(s.y_units),) if c]
    if cov < 0.9:
        missing = "are masked" if bundle.input_config.mask else "read as zero"
        cautions.append(f"covers {cov:.0%} of the model's range; missing regions {missing}")
    return None, cautions


def phase_caution(phase: str, source: str, bundle: ModelBundle, p_gas: float | None = None,
                  atr_corrected: bool = False) -> str | None:
    """What to say about the phase: an inference from the spectrum, or a phase the model was
    not trained on (an ATR spectrum that was ATR-corrected reads like a transmission one)."""
    if source == "inferred":
        what = "gas" if phase == "gas" else "condensed (liquid, solid or solution)"
        return (f"phase not given; inferred {what} from the spectrum (P(gas) = {p_gas:.2f}); "
                "choose the phase if you know it")
    trained = bundle.record.get("phases") or ["gas"]
    if phase not in ("unknown", *trained) and not (phase == "atr" and atr_corrected):
        extra = " (ATR band intensities rise toward low wavenumber)" if phase == "atr" else ""
        return f"{phase} spectra were not in the training data{extra}; trained on: {', '.join(trained)}"
    return None


def resolve_phase(s: Spectrum, phase: str = "auto") -> tuple[str, str]:
    """(phase class, source): the user's choice, else the file's ##STATE, else unknown."""
    if phase != "auto":
        return normalise_phase(phase), "user"
    state = s.meta.get("STATE", "")
    return (phase_from_state(state), "file") if state else ("unknown", "")


def classify_spectra(spectra: list[Spectrum], bundle: ModelBundle, phase: str = "auto",
                     processing: Processing = Processing()) -> list[Prediction]:
    """Predictions for already-read spectra (one batch through the ensemble). `phase` is
    'auto' (from each file; inferred gas/condensed from the spectrum when the file is silent
    and the model can) or one of core.spectra.phase.PHASES for all of them; `processing` says
    which lab-artifact corrections to apply."""
    preds, xs, ys, ok = [], [], [], []
    for s in spectra:
        p = Prediction(source=s.source, name=s.name, spectrum=s)
        p.phase, p.phase_source = resolve_phase(s, phase)
        p.error = refusal(s)
        if p.error is None:
            try:
                x, a = standardise(model_view(s))
                p.error, p.warnings = check_spectrum(s, x, bundle)
                a, fwhm = to_grid_resolution(x, a, s.meta, bundle.grid.step) if p.error is None else (a, None)
                if fwhm is not None:
                    p.warnings.append(smoothing_note(resolution(x, s.meta), fwhm))
                if p.error is None:
                    done = apply_processing(x, a, p.phase, s.meta, processing)
                    a, p.corrections, p.gases_left = done.absorbance, done.corrections, done.gases_left
                    p.warnings += done.cautions
            except SpectrumReadError as exc:
                p.error = exc.problem
        if p.error is None:
            xs.append(x)
            ys.append(a)
            ok.append(p)
        preds.append(p)
    if not ok:
        return preds
    batch = normalise(resample_batch(xs, ys, bundle.grid))
    valid = measured_mask(xs, bundle.grid)
    p_gas = bundle.phase_inference.p_gas(batch, valid) if bundle.phase_inference else None
    for i, p in enumerate(ok):
        if p.phase == "unknown" and p_gas is not None and p.phase_source != "user":
            p.phase, p.phase_source = ("gas" if p_gas[i] >= 0.5 else "unknown"), "inferred"
        note = phase_caution(p.phase, p.phase_source, bundle, None if p_gas is None else float(p_gas[i]),
                             any(c["correction"] == "atr" for c in p.corrections))
        if note:
            p.warnings.append(note)
    states = [p.spectrum.meta.get("STATE", "") for p in ok]
    phases = [p.phase for p in ok]
    x_in = bundle.network_input(batch, valid, states, phases)
    views = []  # the novelty model's views of the latent matrices, from the same network pass
    novelty = bundle.novelty
    mean, std = bundle.predict(x_in, phases, on_latent=(lambda z: views.append(novelty.chunk_views(z.numpy())))
                               if novelty is not None else None)
    present = bundle.decide(mean)
    gx = bundle.grid.x
    for i, p in enumerate(ok):
        p.mean, p.std, p.present, p.model_input = mean[i], std[i], present[i], x_in[i]
        p.undetermined = undetermined(Context(gx, batch[i], valid[i], states[i], p.phase, p.gases_left),
                                      bundle.group_names)
    if novelty is not None:
        for p, score, inside in zip(ok, *novelty.score_views(views)):
            p.novelty, p.in_domain = float(score), bool(inside)
            if not inside:
                p.warnings.insert(0, out_of_domain_caution(p.novelty, p.gases_left))
    return preds


def out_of_domain_caution(novelty: float, causes: list[str] = ()) -> str:
    """The caution shown for a spectrum the novelty model flags (in domain means novelty <= 1),
    naming what makes it so when that is known (atmospheric lines left in)."""
    why = f": {'; '.join(causes)} not compensated" if causes else ""
    return f"outside what the model was trained on (novelty {novelty:.1f}){why}"


def classify_in_chunks(paths: list[str], bundle: ModelBundle, chunk: int = 256, phase: str = "auto",
                       processing: Processing = Processing()) -> Iterator[tuple[int, list[Prediction]]]:
    """(start index, predictions) for successive chunks of files: bounded memory, progress."""
    for start in range(0, len(paths), chunk):
        yield start, classify_files(paths[start:start + chunk], bundle, phase, processing)


def classify_files(paths: list[str | Path], bundle: ModelBundle, phase: str = "auto",
                   processing: Processing = Processing()) -> list[Prediction]:
    """One Prediction per spectrum: a multi-spectrum file gives one per spectrum (`index` set,
    name `file #n`, n from 1); an unreadable file gives one error entry."""
    spectra, order = [], []
    for path in paths:
        try:
            found = read_spectra(path)
        except SpectrumReadError as exc:
            order.append(Prediction(source=str(path), name=Path(path).name, error=exc.problem))
            continue
        spectra += found
        order += [(i, len(found)) for i in range(len(found))]
    done = iter(classify_spectra(spectra, bundle, phase, processing))
    out = []
    for o in order:
        if isinstance(o, Prediction):
            out.append(o)
            continue
        p = next(done)
        p.index = o[0]
        if o[1] > 1:
            p.name = f"{Path(p.source).name} #{o[0] + 1}"
        out.append(p)
    return out
