"""One way to find bundled files (default model, samples) in an editable install, a wheel
and a PyInstaller bundle: the `resources` package, located through importlib.resources."""
from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def resource_path(*parts: str) -> Path:
    """Path of a file or folder under resources/."""
    return Path(str(files("resources").joinpath(*parts)))


def default_model_path() -> Path:
    return resource_path("models", "default")


def model_path(path: str | Path | None) -> Path:
    """The given model folder, or the bundled default model when none is given."""
    return Path(path) if path else default_model_path()


def sample_files() -> list[Path]:
    """The bundled sample spectra (NIST SRD 69, cited in resources/samples/README.md)."""
    folder = resource_path("samples")
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in {".jdx", ".csv"})
