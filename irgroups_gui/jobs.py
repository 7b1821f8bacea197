"""Work the app runs in worker threads (plain Python: no Qt here)."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path


def load_model(path: str | None = None):
    """(bundle, explainer, patterns) for a model folder, or the bundled default model."""
    from core.bundle import load_bundle
    from core.explain import Explainer
    from core.patterns import load_patterns
    from core.resources import default_model_path

    target = Path(path) if path else default_model_path()
    bundle = load_bundle(target)
    return bundle, Explainer(bundle), load_patterns(target)


def classify_paths(paths: list[str], bundle, chunk: int, progress: Callable[[tuple[int, list]], None]) -> int:
    """Classify files in chunks, reporting (start index, predictions) after each chunk."""
    from core.classify import classify_files

    for start in range(0, len(paths), chunk):
        progress((start, classify_files(paths[start:start + chunk], bundle)))
    return len(paths)
