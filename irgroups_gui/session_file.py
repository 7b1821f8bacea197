"""Save and reopen a session: the files, the model, the per-file phases and the selection (JSON)."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

FORMAT = "irgroups-session"


@dataclass
class SessionState:
    files: list[str]
    model: str | None = None  # model folder; None: the default model
    phases: dict[str, str] = field(default_factory=dict)  # file -> phase chosen by the user
    selection: dict = field(default_factory=dict)  # entry, overlay, group, member
    view: dict = field(default_factory=dict)  # form, y unit, micrometres, ...


def save_session(path: str | Path, state: SessionState) -> None:
    doc = {"format": FORMAT, "version": 1, "files": state.files, "model": state.model, "phases": state.phases,
           "selection": state.selection, "view": state.view}
    Path(path).write_text(json.dumps(doc, indent=1))


def load_session(path: str | Path) -> SessionState:
    """The saved state; ValueError with a one-line reason when the file is not a session."""
    try:
        doc = json.loads(Path(path).read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: cannot read a session ({exc})") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ValueError(f"{path}: not an IR Groups session file")
    return SessionState([str(f) for f in doc.get("files", [])], doc.get("model"), dict(doc.get("phases", {})),
                        dict(doc.get("selection", {})), dict(doc.get("view", {})))
