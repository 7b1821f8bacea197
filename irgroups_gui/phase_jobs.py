"""Reclassify one entry with a chosen phase (runs in a worker thread; plain Python)."""
from __future__ import annotations


def reclassify(path: str, spectrum, bundle, phase: str, processing=None):
    """The Prediction for one spectrum (re-read from `path` when not given) with phase
    'auto' or one of core.spectra.phase.PHASES, and the given corrections (default: the
    defaults)."""
    from core.artifacts.processing import Processing
    from core.predict.classify import classify_spectra
    from core.readers.io import read_spectra
    from core.spectra.spectrum import SpectrumReadError

    if spectrum is None:
        try:
            spectrum = read_spectra(path)[0]
        except SpectrumReadError as exc:
            from core.predict.classify import Prediction

            return Prediction(source=path, error=exc.problem)
    return classify_spectra([spectrum], bundle, phase=phase, processing=processing or Processing())[0]
