"""Saving and reopening a working session (files, model, phases, selection, view) from the
window's File menu; the file format itself is `irgroups_gui.session_file`."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from irgroups_gui.session_file import SessionState, load_session, save_session


class SessionFiles:
    def __init__(self, window):
        self.window = window

    def state(self) -> SessionState:
        w = self.window
        sel = w.session.selection
        return SessionState([e.path for e in w.session.entries], w.model_path, dict(w.loader.phase_choice),
                            {"entry": sel.entry, "overlay": list(sel.overlay), "group": sel.group,
                             "member": sel.member}, w.view_bar.state())

    def save(self, path: str) -> None:
        try:
            save_session(path, self.state())
            self.window.status(f"Saved session to {path}", 6000)
        except OSError as exc:
            self.window.status(f"Could not write {path}: {exc.strerror or exc}")

    def open(self, path: str) -> bool:
        """Replace the list with a saved session's files, model, phases and selection."""
        w = self.window
        try:
            state = load_session(path)
        except ValueError as exc:
            w.status(str(exc))
            return False
        w.session.clear()
        w.loader.phase_choice = dict(state.phases)
        w.loader.restore = state.selection
        w.view_bar.restore(state.view)
        missing = [f for f in state.files if not Path(f).exists()]
        if state.model != w.model_path:
            w.load_model(state.model)
        w.session.add_paths([f for f in state.files if f not in missing])
        w.loader.queue_all()
        w.status(f"Opened session {path}" + (f"; {len(missing)} files no longer exist" if missing else ""), 8000)
        return True

    def save_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self.window, "Save session", "session.irgroups.json", "Session (*.json)")
        if path:
            self.save(path)

    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self.window, "Open session", "", "Session (*.json)")
        if path:
            self.open(path)
