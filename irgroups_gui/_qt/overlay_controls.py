"""Overlay controls under the file list: normalise every curve to a maximum of 1, stack the
overlaid spectra (select several files) by a step, and a colour per spectrum from a swatch
button or the list's right-click menu. They change the spectrum view's `DisplayStyle`, which
owns the values; nothing here changes what the model reads."""
from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QCheckBox, QColorDialog, QDoubleSpinBox, QMenu, QToolButton, QWidget

from irgroups_gui._qt import theme
from irgroups_gui._qt.file_list import FileList
from irgroups_gui._qt.flow_layout import FlowLayout
from irgroups_gui.display_style import DisplayStyle


class OverlayControls(QWidget):
    def __init__(self, style: DisplayStyle, files: FileList, parent: QWidget | None = None):
        super().__init__(parent)
        self.style, self.files = style, files
        self.normalise = QCheckBox("normalise")
        self.normalise.setToolTip("Divide every curve by its maximum (max 1), to compare band shapes")
        self.normalise.toggled.connect(lambda on: style.update(normalise=on))
        self.stack = QDoubleSpinBox(minimum=0.0, maximum=5.0, singleStep=0.1, decimals=2)
        self.stack.setPrefix("stack ")
        self.stack.setToolTip("Raise each further selected spectrum by this fraction of the tallest curve's "
                              "maximum (0: drawn over each other)")
        self.stack.valueChanged.connect(lambda v: style.update(stack=v))
        self.colour = QToolButton()
        self.colour.setText("colour…")
        self.colour.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.colour.setToolTip("The colour of the selected spectra (also: right-click the list)")
        self.colour.clicked.connect(lambda: self.choose_colour(self.selected_paths()))
        row = FlowLayout(self)  # wraps in a narrow dock
        row.setContentsMargins(2, 2, 2, 2)
        for w in (self.normalise, self.stack, self.colour):
            row.addWidget(w)
        files.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        files.customContextMenuRequested.connect(self._context_menu)
        files.session.selection.changed.connect(lambda f: self.show_swatch() if "entry" in f else None)
        style.changed.connect(self.show_swatch)
        self.show_swatch()

    def selected_paths(self) -> list[str]:
        """The entries selected in the list (the current one when none is)."""
        entries = self.files.session.entries
        rows = sorted(self.files.row(i) for i in self.files.selectedItems()) or [self.files.currentRow()]
        return [entries[r].path for r in rows if 0 <= r < len(entries)]

    def set_colour(self, paths: list[str], colour: QColor | None) -> None:
        """Give these spectra a colour (None: their default colours again)."""
        for path in paths:
            self.style.set_colour(path, None if colour is None else (colour.red(), colour.green(), colour.blue()))

    def choose_colour(self, paths: list[str]) -> None:
        if not paths:
            return
        chosen = QColorDialog.getColor(QColor(*self.style.colour(paths[0], theme.spectrum_colour(0))), self,
                                       "Colour of the spectrum")
        if chosen.isValid():
            self.set_colour(paths, chosen)

    def _context_menu(self, pos: QPoint) -> None:
        paths = self.selected_paths()
        if not paths:
            return
        menu = QMenu(self.files)
        menu.addAction("Colour…", lambda: self.choose_colour(paths))
        menu.addAction("Default colour", lambda: self.set_colour(paths, None))
        menu.exec(self.files.viewport().mapToGlobal(pos))

    def show_swatch(self) -> None:
        """The button shows the current spectrum's colour."""
        entry = self.files.session.current()
        pixmap = QPixmap(12, 12)
        pixmap.fill(QColor(*self.style.colour(entry.path, theme.spectrum_colour(0))) if entry is not None
                    else QColor(0, 0, 0, 0))
        self.colour.setIcon(QIcon(pixmap))
        self.colour.setEnabled(entry is not None)
