"""Work the app runs in worker threads (plain Python: no Qt here)."""
from __future__ import annotations

from collections.abc import Callable


def load_model(path: str | None = None):
    """(bundle, explainer, patterns) for a model folder, or the bundled default model."""
    from core.bundle import load_bundle
    from core.explain import Explainer
    from core.patterns import load_patterns
    from core.resources import model_path

    target = model_path(path)
    bundle = load_bundle(target)
    return bundle, Explainer(bundle), load_patterns(target)


def classify_paths(paths: list[str], bundle, chunk: int, progress: Callable[[tuple[int, list]], None]) -> int:
    """Classify files in chunks, reporting (start index, predictions) after each chunk."""
    from core.classify import classify_in_chunks

    for done in classify_in_chunks(paths, bundle, chunk):
        progress(done)
    return len(paths)
