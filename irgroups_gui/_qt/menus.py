"""The main window's menus (File, Edit, View, Help) as tables of (text, shortcut, slot): one place
that says what each menu holds and which keys reach it."""
from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QAbstractButton, QMainWindow, QMenu

from irgroups_gui._qt import help as help_pages

Key = QKeySequence.StandardKey | str | None


def _add(menu: QMenu, window: QMainWindow, text: str, key: Key, slot: Callable) -> QAction:
    act = QAction(text, window)
    if key:
        act.setShortcut(QKeySequence(key))
    act.triggered.connect(lambda checked=False: slot())
    menu.addAction(act)
    return act


def _mirror(menu: QMenu, window: QMainWindow, text: str, key: str | None, box: QAbstractButton) -> QAction:
    """A checkable action kept in step with a check box of the Classify tab."""
    act = QAction(text, window, checkable=True)
    act.setChecked(box.isChecked())
    if key:
        act.setShortcut(QKeySequence(key))
    act.toggled.connect(box.setChecked)
    box.toggled.connect(act.setChecked)
    menu.addAction(act)
    return act


def _choice(menu: QMenu, window: QMainWindow, title: str, items: list[tuple[str, str | None]],
            combo) -> list[QAction]:
    """An exclusive submenu mirroring a combo box."""
    sub = menu.addMenu(title)
    group = QActionGroup(window)
    acts = []
    for i, (text, key) in enumerate(items):
        act = QAction(text, window, checkable=True)
        if key:
            act.setShortcut(QKeySequence(key))
        act.setChecked(combo.currentIndex() == i)
        act.triggered.connect(lambda checked=False, i=i: combo.setCurrentIndex(i))
        group.addAction(act)
        sub.addAction(act)
        acts.append(act)
    combo.currentIndexChanged.connect(lambda i: acts[i].setChecked(True))
    return acts


def build_menus(w) -> list[QAction]:
    """Fill the menu bar of MainWindow `w`; returns every action (for the shortcuts page)."""
    bar = w.menuBar()
    f = bar.addMenu("&File")
    acts = [_add(f, w, text, key, slot) for text, key, slot in (
        ("Open spectra…", QKeySequence.StandardKey.Open, w.loader.open_files),
        ("Open folder…", "Ctrl+Shift+F", w.loader.open_folder),
        ("Open samples", None, w.loader.open_samples))]
    w.recent_menu = f.addMenu("Recent files")
    f.addSeparator()
    acts += [_add(f, w, text, key, slot) for text, key, slot in (
        ("Open session…", "Ctrl+Shift+O", w.sessions.open_dialog),
        ("Save session…", QKeySequence.StandardKey.Save, w.sessions.save_dialog))]
    f.addSeparator()
    acts += [_add(f, w, text, key, slot) for text, key, slot in (
        ("Export predictions as CSV…", "Ctrl+Shift+E", lambda: w.exports.predictions_dialog("csv")),
        ("Export predictions as JSON…", None, lambda: w.exports.predictions_dialog("json")),
        ("Export figure as PNG…", "Ctrl+E", lambda: w.exports.figure_dialog("png")),
        ("Export figure as SVG…", None, lambda: w.exports.figure_dialog("svg")),
        ("Save report for this spectrum…", "Ctrl+R", w.exports.report_dialog),
        ("Print report…", "Ctrl+P", w.exports.print_dialog), ("Print preview…", None, w.exports.print_preview),
        ("Save batch report (HTML)…", None, lambda: w.batch_report.dialog("html")),
        ("Save batch report (PDF)…", None, lambda: w.batch_report.dialog("pdf")))]
    f.addSeparator()
    acts.append(_add(f, w, "Build library from folder…", None, w.library_builder.dialog))
    f.addSeparator()
    acts += [_add(f, w, text, key, slot) for text, key, slot in (
        ("Load model…", "Ctrl+M", w.open_model), ("Use the default model", None, w.use_default_model),
        ("Clear list…", None, w.loader.confirm_clear))]
    f.addSeparator()
    acts.append(_add(f, w, "Quit", QKeySequence.StandardKey.Quit, w.close))

    e = bar.addMenu("&Edit")  # the window's undo history (undo.py) owns its actions
    e.addActions([w.undo.undo_action, w.undo.redo_action])
    acts += [w.undo.undo_action, w.undo.redo_action]

    v = bar.addMenu("&View")
    acts += [_add(v, w, "Next file", "Ctrl+Down", lambda: w.files.step(1)),
             _add(v, w, "Previous file", "Ctrl+Up", lambda: w.files.step(-1))]
    v.addSeparator()
    acts += _choice(v, w, "Spectrum", [("original + model input", "Ctrl+1"), ("original (file's units)", "Ctrl+2"),
                               ("model input", "Ctrl+3")], w.view_bar.form_box)
    acts += _choice(v, w, "Y units (original)", [("as in the file", None), ("absorbance", None),
                                         ("transmittance %", None)], w.view_bar.y_box)
    acts += [_mirror(v, w, text, key, box) for text, key, box in (
        ("Wavelength in µm", "Ctrl+U", w.view_bar.micro_box), ("High wavenumber left", "Ctrl+I", w.view_bar.invert_box),
        ("Textbook bands", "Ctrl+B", w.view_bar.bands_box), ("Peak labels", "Ctrl+K", w.view_bar.peaks_box),
        ("Sort groups by probability", None, w.view_bar.sort_box))]
    acts.append(_add(v, w, "Reset zoom", "Ctrl+0", w.plots.reset_zoom))
    acts += w.classify.panels_menu(v.addMenu("Panels"), {"results": "Ctrl+T"})  # show closed docks again

    h = bar.addMenu("&Help")
    acts += [_add(h, w, "How to read the heatmaps", "F1",
                  lambda: help_pages.show_html(w, "How to read the heatmaps", help_pages.HEATMAPS_HTML)),
             _add(h, w, "Keyboard shortcuts", None,
                  lambda: help_pages.show_html(w, "Keyboard shortcuts", help_pages.shortcuts_html(w.actions_list))),
             _add(h, w, "About IR Groups", None,
                  lambda: help_pages.show_html(w, "About IR Groups", help_pages.about_html()))]
    return acts


def plot_menu(w) -> QMenu:
    """The spectrum plot's right-click menu (instead of pyqtgraph's), built once: copy, export,
    the View menu's Reset zoom, peak labels."""
    menu = QMenu(w)
    for text, slot in (("Copy figure", w.exports.copy_figure), ("Export figure as PNG…", lambda: w.exports.figure_dialog("png")),
                       ("Export figure as SVG…", lambda: w.exports.figure_dialog("svg"))):
        _add(menu, w, text, None, slot)
    menu.addSeparator()
    menu.addAction(next(a for a in w.actions_list if a.text() == "Reset zoom"))
    _mirror(menu, w, "Peak labels", None, w.view_bar.peaks_box)
    return menu
