"""The Processing menu: the lab-artifact corrections applied before classification, each a
toggle that is undone by switching it off. The session owns the settings (`Session.processing`);
the menu only shows and changes them, and every change reclassifies the list in a worker."""
from __future__ import annotations

from dataclasses import replace

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from core.artifacts.atr import CRYSTALS

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


def build_processing_menu(w: QMainWindow, session) -> tuple[QMenu, list[QAction]]:
    """The menu and its actions (for the shortcuts page); the actions follow the session's
    settings when they change elsewhere."""
    menu = QMenu("&Processing", w)
    acts: list[QAction] = []
    for text, key, is_on, change in TOGGLES:
        act = QAction(text, w, checkable=True, checked=is_on(session.processing))
        if key:
            act.setShortcut(QKeySequence(key))
        act.toggled.connect(lambda on, change=change: session.set_processing(change(session.processing, on)))
        session.processing_changed.connect(lambda act=act, is_on=is_on: act.setChecked(is_on(session.processing)))
        menu.addAction(act)
        acts.append(act)
    crystals = menu.addMenu("ATR crystal")
    group = QActionGroup(w)
    for key in CRYSTALS:
        act = QAction(CRYSTAL_NAMES[key], w, checkable=True, checked=session.processing.crystal == key)
        act.triggered.connect(lambda checked=False, key=key: session.set_processing(
            replace(session.processing, crystal=key)))
        group.addAction(act)
        crystals.addAction(act)
        acts.append(act)
    return menu, acts
