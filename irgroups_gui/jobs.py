"""Work the app runs in worker threads (plain Python: no Qt here)."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np


def load_model(path: str | None = None):
    """(bundle, explainer, patterns) for a model folder, or the bundled default model."""
    from core.nn.bundle import load_bundle
    from core.explain.patterns import load_patterns
    from core.data.resources import model_path

    target = model_path(path)
    bundle = load_bundle(target)
    return bundle, explainer_for(bundle), load_patterns(target)


def explainer_for(bundle):
    """The Explainer of a bundle (stacks the members' dense weights; off the GUI thread)."""
    from core.explain.evidence import Explainer

    return Explainer(bundle)


def library_search(library, spectrum, top: int):
    """The Match (hits, k-NN vote, novelty caution) of one spectrum in a reference library."""
    from core.library.search import search_spectra

    return search_spectra([spectrum], library, top=top)[0]


@contextmanager
def torch_threads(n: int) -> Iterator[None]:
    """Run a block with n torch intra-op threads, then restore the previous count.

    One spectrum is too little work to share across threads: with two threads on a busy
    2-core machine the threads wait for each other (0.8 s measured), with one it takes ms."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def explanation_terms(explainer, model_input, phase: str = "unknown") -> np.ndarray:
    """(members, groups, channels, positions) evidence terms of one spectrum (with the dense head
    of its phase), on one torch thread."""
    with torch_threads(1):
        return explainer.terms(model_input, phase)
