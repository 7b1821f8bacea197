"""File menu: the batch summary report (HTML and PDF, a row and a thumbnail per file, written in a
worker, Cancel writes nothing), Print and Print preview of a spectrum's report (Ctrl+P), and
Build library from folder (the library is then searched; Cancel stops the build and writes
nothing)."""
from __future__ import annotations

import base64
import csv
import html.parser
import re
import threading
import time

import pytest
from PySide6.QtGui import QImage, QKeySequence
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QDialog

from gui_fixtures import _drop, _spectrum_files, model_dir, window  # noqa: F401 (fixtures)
from library_fixtures import SMILES, STATES, _write

PNG = b"\x89PNG\r\n\x1a\n"


class _Rows(html.parser.HTMLParser):
    """The report table's body rows: each a list of cell texts and the <img> sources in it."""

    def __init__(self):
        super().__init__()
        self.rows: list[dict] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append({"cells": [], "imgs": []})
        elif tag == "td" and self.rows:
            self._cell = []
        elif tag == "img" and self.rows:
            self.rows[-1]["imgs"].append(dict(attrs)["src"])

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self.rows[-1]["cells"].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data + " ")


def _loaded(qtbot, window, tmp_path):
    good, broken, _ = _spectrum_files(tmp_path)
    _drop(window, [*good, broken])
    qtbot.waitUntil(lambda: len(window.session.entries) == 4
                    and all(e.prediction is not None for e in window.session.entries), timeout=30000)
    qtbot.waitUntil(lambda: not window.loader.classifying, timeout=10000)
    return good, broken


def _pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))


def _finish(qtbot, window):
    qtbot.waitUntil(lambda: not window.task.busy, timeout=30000)


def test_batch_html_has_a_row_with_groups_and_a_png_thumbnail_per_file(qtbot, window, tmp_path):
    good, broken = _loaded(qtbot, window, tmp_path)
    out = tmp_path / "out" / "batch.html"
    out.parent.mkdir()
    assert window.batch_report.write(str(out), "html") is not None
    assert window.task.bar.isVisible() and window.task.cancel_button.isVisible()
    _finish(qtbot, window)
    assert not window.task.bar.isVisible() and window.task.bar.maximum() == 4
    assert "Saved the batch report of 4 spectra" in window.statusBar().currentMessage()
    assert [p.name for p in out.parent.iterdir()] == ["batch.html"]  # no temporary file left
    text = out.read_text(encoding="utf-8")
    parser = _Rows()
    parser.feed(text)
    body = [r for r in parser.rows if r["cells"]]
    assert len(body) == 4
    names = window.session.bundle.group_names
    for row, entry in zip(body, window.session.entries):
        cells = " | ".join(row["cells"])
        assert entry.path.rsplit("/", 1)[-1] in cells
        if entry.status != "ok":
            assert "could not be read" in cells and row["imgs"] == []
            continue
        p = entry.prediction
        assert row["cells"][3].startswith(p.phase)
        for g in p.present_groups(names):
            assert f"{g} {p.mean[names.index(g)]:.2f}" in row["cells"][4]
        assert row["cells"][6].startswith(("in domain", "novel", "not checked"))
        assert len(row["imgs"]) == 1 and row["imgs"][0].startswith("data:image/png;base64,")
        png = base64.b64decode(row["imgs"][0].split(",", 1)[1])
        image = QImage.fromData(png, "PNG")
        assert png[:8] == PNG and not image.isNull() and (image.width(), image.height()) == (240, 90)
    assert "IR Groups batch report: 4 spectra" in text and "could not be read: 1" in text


def test_batch_pdf_has_pages(qtbot, window, tmp_path):
    _loaded(qtbot, window, tmp_path)
    out = tmp_path / "batch.pdf"
    window.batch_report.write(str(out), "pdf")
    _finish(qtbot, window)
    pdf = out.read_bytes()
    assert pdf.startswith(b"%PDF") and _pages(pdf) >= 1 and b"%%EOF" in pdf[-32:]
    assert len(pdf) > 20000  # the four thumbnails are in it
    assert not list(tmp_path.glob("*.tmp"))


def test_cancelled_batch_report_writes_nothing(qtbot, window, tmp_path, monkeypatch):
    import irgroups_gui._qt.batch_export as batch_export

    _loaded(qtbot, window, tmp_path)
    drawn, started = [], threading.Event()
    slow = batch_export.thumbnail_png

    def thumbnail(*args):
        started.set()
        time.sleep(0.2)
        drawn.append(1)
        return slow(*args)

    monkeypatch.setattr(batch_export, "thumbnail_png", thumbnail)
    out = tmp_path / "cancelled.html"
    window.batch_report.write(str(out), "html")
    assert started.wait(10)
    window.task.cancel_button.click()
    _finish(qtbot, window)
    assert not out.exists() and not list(tmp_path.glob("*.tmp")) and len(drawn) < 3
    assert "cancelled: nothing was written" in window.statusBar().currentMessage()
    assert window.batch_report.write(str(out), "html") is not None  # the task is free again
    _finish(qtbot, window)
    assert out.exists()


def test_print_and_preview_print_the_spectrum_report(qtbot, window, tmp_path, monkeypatch):
    import irgroups_gui._qt.exports as exports
    from PySide6.QtPrintSupport import QPrintPreviewDialog, QPrintPreviewWidget

    _loaded(qtbot, window, tmp_path)
    window.files.setCurrentRow(0)
    printed = tmp_path / "printed.pdf"

    class PdfPrinter(QPrinter):  # what the print dialog would have chosen: a PDF file
        def __init__(self, mode):
            super().__init__(mode)
            self.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            self.setOutputFileName(str(printed))

    monkeypatch.setattr(exports, "QPrinter", PdfPrinter)
    monkeypatch.setattr(exports.QPrintDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    print_action = next(a for a in window.actions_list if a.text() == "Print report…")
    print_action.trigger()
    pdf = printed.read_bytes()
    assert pdf.startswith(b"%PDF") and _pages(pdf) >= 1 and len(pdf) > 20000  # the figure
    assert "Printed the report" in window.statusBar().currentMessage()

    previews = []

    def preview(dialog):
        dialog.show()
        widget = dialog.findChild(QPrintPreviewWidget)
        qtbot.waitUntil(lambda: widget.pageCount() > 0, timeout=10000)
        previews.append(widget.pageCount())
        dialog.close()
        return 0

    monkeypatch.setattr(QPrintPreviewDialog, "exec", preview)
    next(a for a in window.actions_list if a.text() == "Print preview…").trigger()
    assert previews and previews[0] == _pages(pdf)

    window.session.selection.update(entry=3)  # the unreadable file: nothing to print
    printed.unlink()
    print_action.trigger()
    assert not printed.exists() and "Select a classified spectrum" in window.statusBar().currentMessage()


def test_ctrl_p_prints_and_no_other_action_has_it(window):
    from PySide6.QtGui import QAction

    ctrl_p = QKeySequence("Ctrl+P")
    holders = {a.text() for a in window.findChildren(QAction) + window.actions_list if a.shortcut() == ctrl_p}
    assert holders == {"Print report…"}
    peaks = [a for a in window.actions_list if a.text() == "Peak labels"]
    assert peaks and all(a.shortcut() == QKeySequence("Ctrl+K") for a in peaks)


# ---------------------------------------------------------------- Build library from folder
@pytest.fixture
def spectra_folder(tmp_path):
    """A folder of 10 spectra (one unreadable) with its structures CSV inside."""
    folder = tmp_path / "my spectra"
    folder.mkdir()
    rows = []
    for k in range(9):
        name = f"ref{k}.jdx"
        _write(folder / name, k, STATES[k % len(STATES)])
        rows.append({"file": name, "smiles": SMILES[k], "name": f"compound {k}"})
    (folder / "junk.jdx").write_text("##TITLE=x\n##XYDATA=(X++(Y..Y))\n100 1 2\n")
    with open(folder / "structures.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return folder


def test_structures_are_found_in_the_folder(spectra_folder, tmp_path):
    from irgroups_gui.library_inputs import default_library_path, structures_in

    assert structures_in(spectra_folder) == str(spectra_folder / "structures.csv")
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.csv").write_text("a,b\n1,2\n")
    assert structures_in(other) is None
    assert default_library_path(spectra_folder) == str(tmp_path / "my spectra_library.h5")


def test_build_library_from_folder_via_the_menu_then_search(qtbot, window, spectra_folder, tmp_path, monkeypatch):
    import irgroups_gui._qt.library_builder as builder
    from core.library.store import load_library

    out = tmp_path / "mine"
    monkeypatch.setattr(builder.QFileDialog, "getExistingDirectory", lambda *a, **k: str(spectra_folder))
    monkeypatch.setattr(builder.QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    next(a for a in window.actions_list if a.text() == "Build library from folder…").trigger()
    assert window.task.busy and window.task.cancel_button.isVisible()
    qtbot.waitUntil(lambda: window.similar.library is not None, timeout=30000)
    _finish(qtbot, window)
    lib = load_library(tmp_path / "mine.h5")
    # 11 files: the 9 spectra, the unreadable one and the CSV (read as a spectrum file: skipped)
    assert len(lib) == 9 and len(window.similar.library) == 9 and window.task.bar.maximum() == 11
    assert window.settings.value("library/last") == str(tmp_path / "mine.h5")
    assert "now used for Similar spectra" in window.statusBar().currentMessage()
    assert window.side_tabs.currentWidget() is window.similar

    window.loader.add_paths([str(spectra_folder / "ref4.jdx")])
    qtbot.waitUntil(lambda: bool(window.session.entries) and window.session.entries[0].status == "ok", timeout=30000)
    window.files.setCurrentRow(0)
    qtbot.waitUntil(lambda: window.similar.match is not None, timeout=20000)
    assert window.similar.match.ok and window.similar.match.hits[0].file == "ref4.jdx"
    assert window.similar.hits.count() > 0


def test_cancel_stops_the_library_build_and_writes_nothing(qtbot, window, spectra_folder, tmp_path, monkeypatch):
    import core.data.dataset as dataset

    reads, started = [], threading.Event()
    read_one = dataset._read_one

    def slow_read(*args):
        started.set()
        time.sleep(0.2)
        reads.append(args[0])
        return read_one(*args)

    monkeypatch.setattr(dataset, "_read_one", slow_read)
    out = tmp_path / "cancelled.h5"
    window.library_builder.build(str(spectra_folder), str(spectra_folder / "structures.csv"), str(out))
    assert started.wait(10)
    window.task.cancel()
    _finish(qtbot, window)
    assert len(reads) < 5  # stopped before the next file, not at the end
    assert not out.exists() and not list(tmp_path.glob("*.tmp")) and window.similar.library is None
    assert "cancelled: nothing was written" in window.statusBar().currentMessage()
    assert "cancelled" in window.similar.info.text()
