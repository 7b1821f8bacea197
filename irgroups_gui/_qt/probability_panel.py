"""All groups as horizontal bars: ensemble mean, spread as an error bar (clipped to [0, 1]), the
decision threshold, present groups emphasised. Clicking a bar selects that group everywhere;
hovering one shows its decision and the model's recorded reliability for that group."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QToolTip

from core.data.groups import GROUP_NAMES
from irgroups_gui._qt import theme
from irgroups_gui._qt.tooltips import keep_tooltips, show_tip
from irgroups_gui.reliability import describe, group_reliability, no_skill
from irgroups_gui.session import Session


def clipped_spread(mean: np.ndarray, std: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(left, right) error-bar lengths so that mean ± spread stays inside [0, 1]."""
    return np.minimum(std, mean), np.minimum(std, 1.0 - mean)


class ProbabilityPanel(pg.PlotWidget):
    def __init__(self, session: Session, parent=None):
        super().__init__(parent=parent)
        self.session = session
        self.sorted = False
        self.order = np.arange(len(GROUP_NAMES))
        self.plot = self.getPlotItem()
        theme.style_plot(self.plot, "probability", None)
        self.plot.setXRange(0, 1, padding=0.02)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        self.plot.invertY(True)
        theme.set_title(self.plot, "functional groups")
        self.plot.getAxis("left").setWidth(150)
        self.bars = pg.BarGraphItem(x0=[], y=[], height=0.7, width=[])
        self._brushes = {True: pg.mkBrush(*theme.PRESENT), False: pg.mkBrush(*theme.ABSENT),
                         None: pg.mkBrush(*theme.UNDETERMINED)}
        self.errors = pg.ErrorBarItem(pen=pg.mkPen((60, 60, 60), width=1))
        self.thresholds = pg.ScatterPlotItem(symbol="|", size=16, pen=pg.mkPen((0, 0, 0), width=2))
        self.highlight = pg.BarGraphItem(x0=[0], y=[0], height=0.9, width=[1.02], brush=pg.mkBrush(255, 220, 120, 90),
                                         pen=pg.mkPen(theme.ACCENT, width=1.5))
        for item in (self.highlight, self.bars, self.errors, self.thresholds):
            self.plot.addItem(item)
        self.scene().sigMouseClicked.connect(self._clicked)
        self.scene().sigMouseMoved.connect(self._hover)
        keep_tooltips(self)  # the bar's tip stays while the pointer rests on it
        session.selection.changed.connect(lambda f: self.redraw() if f & {"entry", "group"} else None)
        session.entry_updated.connect(lambda i: self.redraw() if i == session.selection.entry else None)
        session.model_changed.connect(self.redraw)
        session.entries_cleared.connect(self.redraw)
        self.redraw()

    def set_sorted(self, sorted_: bool) -> None:
        self.sorted = sorted_
        self.redraw()

    def redraw(self) -> None:
        n = len(GROUP_NAMES)
        entry = self.session.current()
        pred = entry.prediction if entry else None
        bundle = self.session.bundle
        has = pred is not None and pred.ok
        mean = pred.mean if has else np.zeros(n)
        std = pred.std if has else np.zeros(n)
        present = pred.present.astype(bool) if has else np.zeros(n, bool)
        self.order = np.argsort(-mean, kind="stable") if (self.sorted and has) else np.arange(n)
        rows = np.empty(n)
        rows[self.order] = np.arange(n)
        unknown = set(pred.undetermined) if has else set()
        brushes = [self._brushes[None if name in unknown else bool(p)] for name, p in zip(GROUP_NAMES, present)]
        self.bars.setOpts(x0=np.zeros(n), y=rows, width=mean, height=0.7, brushes=brushes, pen=None)
        left, right = clipped_spread(mean, std)
        self.errors.setData(x=mean, y=rows, left=left, right=right, beam=0.25)
        self.errors.setVisible(has)
        if bundle is not None:  # the marks in the plots' foreground: black on light plots, light on dark ones
            self.thresholds.setData(x=bundle.thresholds, y=rows, pen=pg.mkPen(pg.getConfigOption("foreground"), width=2))
        unskilled = no_skill(bundle.record, pred.phase) if has and bundle is not None else {}
        ticks = []
        for i, name in enumerate(GROUP_NAMES):
            label = f"{name}  {mean[i]:.2f}" if has else name
            if name in unknown:
                label = f"{name}  ?"
            if name in unskilled:
                label += "  ⚠"
            ticks.append((rows[i], f"▶ {label}" if present[i] and name not in unknown else label))
        self.plot.getAxis("left").setTicks([ticks])
        g = self.session.selection.group
        self.highlight.setOpts(x0=[-0.01], y=[rows[g]], width=[1.02], height=0.9)
        self.highlight.setVisible(entry is not None)
        self.plot.setYRange(-0.6, n - 0.4, padding=0)
        if entry is None:
            theme.set_title(self.plot, "functional groups")
        elif pred is None:
            theme.set_title(self.plot, "classifying…", size="10pt")
        elif not pred.ok:
            theme.set_title(self.plot, "not classified", size="10pt")
        else:
            k = len(pred.present_groups(GROUP_NAMES))
            if unknown:  # short: a title wider than the panel would widen the plot past it
                theme.set_title(self.plot, f"{k} present, {len(unknown)} undetermined", size="9pt")
            else:
                theme.set_title(self.plot, f"{k} group{'' if k == 1 else 's'} present", size="10pt")

    def tooltip(self, group: int) -> str:
        """What the bar of `group` says, with the model's recorded test reliability for it."""
        name = GROUP_NAMES[group]
        bundle = self.session.bundle
        entry = self.session.current()
        pred = entry.prediction if entry else None
        lines = [f"<b>{name}</b>"]
        if pred is not None and pred.ok and bundle is not None:
            verdict = "present" if pred.present[group] else "absent"
            if name in pred.undetermined:
                lines.append(f"<b>undetermined</b>: {pred.undetermined[name]}; the model cannot tell, whatever "
                             "its probability")
                verdict += " (but undetermined)"
            skill = no_skill(bundle.record, pred.phase).get(name)
            if skill:
                lines.append(f"<b>caution</b>: {skill}")
            lines.append(f"probability {pred.mean[group]:.3f} ± {pred.std[group]:.3f} (spread over "
                         f"{len(bundle.members)} members); threshold {bundle.thresholds[group]:.2f} → {verdict}")
        if bundle is not None:
            rel = group_reliability(bundle.record, pred.phase if pred is not None and pred.ok else None)
            lines.append(describe(name, rel))
        return "<br>".join(lines)

    def row_at(self, scene_pos) -> int | None:
        if not self.plot.sceneBoundingRect().contains(scene_pos):
            return None
        y = self.plot.vb.mapSceneToView(scene_pos).y()
        row = int(round(y))
        return int(self.order[row]) if 0 <= row < len(self.order) else None

    def _hover(self, scene_pos) -> None:
        g = self.row_at(scene_pos)
        if g is None:
            QToolTip.hideText()
            return
        text = self.tooltip(g)
        self.setToolTip(text)
        if self.underMouse():
            show_tip(QCursor.pos(), text, self)

    def _clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        g = self.row_at(event.scenePos())
        if g is None:
            # clicks on the axis labels land left of the view box
            vb_pos = self.plot.vb.mapSceneToView(event.scenePos())
            row = int(round(vb_pos.y()))
            g = int(self.order[row]) if 0 <= row < len(self.order) else None
        if g is not None:
            self.session.selection.update(group=g)
