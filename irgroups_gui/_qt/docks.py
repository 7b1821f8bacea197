"""The Classify tab as a main window of its own: the display options, model line and linked plots
in the middle, the side parts (file list, probabilities, patterns and similar spectra, results
table) in docks that can be closed, floated, tabbed together and brought back from View >
Panels. The docks' layout and the window's geometry are kept in the settings between runs,
under a layout version: a saved layout of another version is ignored."""
from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QWidget

LAYOUT_VERSION = 1  # bump when the docks change: older saved layouts are then ignored
VERSION_KEY, GEOMETRY_KEY, STATE_KEY = "layout/version", "layout/geometry", "layout/classify_docks"
Area = Qt.DockWidgetArea


class ClassifyArea(QMainWindow):
    """The plots as the central widget, the side parts in `docks` (by name)."""

    def __init__(self, centre: QWidget, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowFlags(Qt.WindowType.Widget)  # a tab's page, not a window
        self.setCentralWidget(centre)
        self.setDockOptions(QMainWindow.DockOption.AnimatedDocks | QMainWindow.DockOption.AllowTabbedDocks
                            | QMainWindow.DockOption.AllowNestedDocks)
        # the side columns run the full height; the results table sits under the plots only
        for corner, area in ((Qt.Corner.TopLeftCorner, Area.LeftDockWidgetArea),
                             (Qt.Corner.BottomLeftCorner, Area.LeftDockWidgetArea),
                             (Qt.Corner.TopRightCorner, Area.RightDockWidgetArea),
                             (Qt.Corner.BottomRightCorner, Area.RightDockWidgetArea)):
            self.setCorner(corner, area)
        self.docks: dict[str, QDockWidget] = {}
        self.sizes: list[tuple[list[str], list[int], Qt.Orientation]] = []  # (docks, sizes) of the default layout
        self._default: QByteArray | None = None  # the default layout, for View > Panels > Reset layout
        self._restored = False

    def add_dock(self, name: str, title: str, widget: QWidget, area: Area) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"{name}_dock")  # what saveState/restoreState know it by
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        self.docks[name] = dock
        return dock

    def panels_menu(self, menu: QMenu, shortcuts: dict[str, str]) -> list[QAction]:
        """Fill View > Panels: a check per dock (shortcuts by dock name), then Reset layout."""
        acts = []
        for name, dock in self.docks.items():
            act = dock.toggleViewAction()
            if name in shortcuts:
                act.setShortcut(QKeySequence(shortcuts[name]))
            menu.addAction(act)
            acts.append(act)
        menu.addSeparator()
        reset = menu.addAction("Reset layout", self.reset_layout)
        return acts + [reset]

    def reset_layout(self) -> None:
        """Every dock back where it was built, shown and docked."""
        for dock in self.docks.values():
            dock.setFloating(False)
            dock.show()
        if self._default:
            self.restoreState(self._default, LAYOUT_VERSION)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt API)
        """Shown the first time: the docks get their default sizes (dock sizes given before
        the layout exists are lost), unless a saved layout was restored."""
        super().showEvent(event)
        if self._default is None:
            self._default = QByteArray()  # asked once
            QTimer.singleShot(0, self._default_sizes)

    def _default_sizes(self) -> None:
        if not self._restored:
            for names, sizes, orientation in self.sizes:
                self.resizeDocks([self.docks[n] for n in names], sizes, orientation)
        self._default = self.saveState(LAYOUT_VERSION)

    def restore(self, window: QMainWindow, settings: QSettings) -> bool:
        """The saved geometry of `window` and layout of the docks, if saved by this layout
        version; returns whether they were."""
        if int(settings.value(VERSION_KEY, 0) or 0) != LAYOUT_VERSION:
            return False
        geometry, state = settings.value(GEOMETRY_KEY), settings.value(STATE_KEY)
        if isinstance(geometry, QByteArray):
            window.restoreGeometry(geometry)
        self._restored = isinstance(state, QByteArray) and self.restoreState(state, LAYOUT_VERSION)
        return self._restored

    def save(self, window: QMainWindow, settings: QSettings) -> None:
        settings.setValue(VERSION_KEY, LAYOUT_VERSION)
        settings.setValue(GEOMETRY_KEY, window.saveGeometry())
        settings.setValue(STATE_KEY, self.saveState(LAYOUT_VERSION))
        settings.sync()
