"""The Processing menu: the lab-artifact corrections applied before classification, each a
toggle that is undone by switching it off (or by Edit > Undo). The session owns the settings
(`Session.processing`); the menu only shows them and changes them through `apply` (the window's
undo history), and every change reclassifies the list in a worker. Below
them, Savitzky-Golay smoothing, which is display only: the spectrum view's `DisplayStyle` owns
it, and the model keeps reading the unsmoothed (corrected) spectrum."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from core.artifacts.atr import CRYSTALS
from core.artifacts.processing import Processing
from irgroups_gui._qt.smoothing_dialog import SmoothingDialog
from irgroups_gui.display_style import DisplayStyle

CRYSTAL_NAMES = {"diamond": "Diamond (n 2.4)", "znse": "ZnSe (n 2.4)", "ge": "Germanium (n 4.0)"}
# (text, shortcut, is it on, the settings with it switched on/off)
TOGGLES = (
    ("Atmospheric compensation (water vapour, CO2)", "Ctrl+Shift+A", lambda p: p.atmosphere == "auto",
     lambda p, on: replace(p, atmosphere="auto" if on else "off")),
    ("ATR correction (spectra measured by ATR)", None, lambda p: p.atr != "off",
     lambda p, on: replace(p, atr="auto" if on else "off")),
    ("Remove sloping baselines (where one rises like scattering)", None, lambda p: p.baseline != "off",
     lambda p, on: replace(p, baseline="auto" if on else "off")),
)


def build_processing_menu(w: QMainWindow, session, style: DisplayStyle,
                          apply: Callable[[Processing, str], None]) -> tuple[QMenu, list[QAction]]:
    """The menu and its actions (for the shortcuts page); the actions follow the session's
    settings (and the display style's smoothing) when they change elsewhere, undo included.
    `apply(processing, text)` switches to other settings (`text` names the change)."""
    menu = QMenu("&Processing", w)
    menu.setToolTipsVisible(True)
    acts: list[QAction] = []
    for text, key, is_on, change in TOGGLES:
        act = QAction(text, w, checkable=True, checked=is_on(session.processing))
        if key:
            act.setShortcut(QKeySequence(key))
        act.toggled.connect(lambda on, change=change, name=text.split(" (")[0]: apply(
            change(session.processing, on), f"{name} {'on' if on else 'off'}"))
        session.processing_changed.connect(lambda act=act, is_on=is_on: act.setChecked(is_on(session.processing)))
        menu.addAction(act)
        acts.append(act)
    crystals = menu.addMenu("ATR crystal")
    group = QActionGroup(w)
    for key in CRYSTALS:
        act = QAction(CRYSTAL_NAMES[key], w, checkable=True, checked=session.processing.crystal == key)
        act.triggered.connect(lambda checked=False, key=key: apply(
            replace(session.processing, crystal=key), f"ATR crystal {CRYSTAL_NAMES[key]}"))
        session.processing_changed.connect(lambda act=act, key=key: act.setChecked(session.processing.crystal == key))
        group.addAction(act)
        crystals.addAction(act)
        acts.append(act)
    menu.addSection("Display only")
    return menu, acts + _smoothing(menu, w, style)


def _smoothing(menu: QMenu, w: QMainWindow, style: DisplayStyle) -> list[QAction]:
    """Smoothing on/off and its window and order (a dialog)."""
    smooth = QAction("Smooth the displayed spectrum (Savitzky-Golay; the model reads it unsmoothed)", w,
                     checkable=True, checked=style.smoothing)
    smooth.setToolTip("Display only: the spectra's curves are smoothed on screen and in exported figures; the "
                      "classification, its evidence and the exported predictions use the unsmoothed spectrum")
    smooth.toggled.connect(lambda on: style.update(smoothing=on))
    style.changed.connect(lambda: smooth.setChecked(style.smoothing))
    settings = QAction("Smoothing window and order…", w)
    settings.triggered.connect(lambda checked=False: SmoothingDialog(style, w).exec())
    menu.addAction(smooth)
    menu.addAction(settings)
    return [smooth, settings]
