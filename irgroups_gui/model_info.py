"""How the app names the loaded model (file, name and version) in the Model tab, the Classify
tab, exports and reports."""
from __future__ import annotations

from pathlib import Path


def is_default(bundle) -> bool:
    from core.data.resources import default_model_path

    return bool(bundle.path) and Path(bundle.path).resolve() == default_model_path().resolve()


def model_identity(bundle) -> dict:
    """{'name', 'version', 'path', 'members'}: name is the folder (or 'default', or 'trained in
    this session (not saved)'); version is the software and training date from the record."""
    r = bundle.record or {}
    if not bundle.path:
        name = "trained in this session (not saved)"
    elif is_default(bundle):
        name = "default"
    else:
        name = Path(bundle.path).name
    version = " ".join(str(v) for v in (r.get("software"), r.get("date")) if v) or "unknown"
    return {"name": name, "version": version, "path": str(bundle.path or ""), "members": len(bundle.members)}


def model_line(bundle) -> str:
    """A short line for the Classify tab: 'model: default (10 members, irgroups 0.1.0 2026-…)'."""
    if bundle is None:
        return "model: loading…"
    m = model_identity(bundle)
    return f"model: {m['name']} ({m['members']} members, {m['version']})"
