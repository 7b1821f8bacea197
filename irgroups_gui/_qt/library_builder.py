"""File > Build library from folder: a reference library from the user's own spectra, without the
command line. Pick the folder (its structures CSV is found in it, else asked for), then where to
save; the Similar spectra panel builds it in a worker, with the status bar's progress and
Cancel, and searches it once built."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from irgroups_gui._qt.worker import Worker
from irgroups_gui.library_inputs import default_library_path, structures_in


class LibraryBuilder:
    def __init__(self, window):
        self.window = window

    def dialog(self) -> None:
        w = self.window
        folder = QFileDialog.getExistingDirectory(w, "Build library from folder: the folder of spectra")
        if not folder:
            return
        structures = structures_in(folder) or QFileDialog.getOpenFileName(
            w, "Structures CSV (file, inchi or smiles columns)", folder, "CSV (*.csv *.tsv)")[0]
        if not structures:
            return
        out, _ = QFileDialog.getSaveFileName(w, "Save library as", default_library_path(folder), "HDF5 (*.h5)")
        if out:
            self.build(folder, structures, out if Path(out).suffix else f"{out}.h5")

    def build(self, folder: str, structures: str, out: str) -> Worker | None:
        """Build the library of `folder` (structures from the CSV `structures`) into `out` and use
        it for Similar spectra; None while another File-menu job runs."""
        w = self.window
        stop = w.task.begin(f"Building a library from {folder}…")
        if stop is None:
            return None

        def watch(worker: Worker) -> None:
            w.task.watch(worker)
            worker.returned.connect(lambda res: (
                w.status(f"Library {out}: {len(res[0])} reference spectra, now used for Similar spectra", 8000),
                w.side_tabs.setCurrentWidget(w.similar)))
            worker.errored.connect(lambda msg: w.status(
                "Library build cancelled: nothing was written." if stop.is_set() else f"Could not build the library: {msg}",
                8000))

        return w.similar.build_library([folder], [structures], out, stop=stop, watch=watch)
