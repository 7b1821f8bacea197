"""A bottom axis whose positions are wavenumbers (cm-1) and whose labels read cm-1 or µm, so
linked plots keep one coordinate system whichever unit is shown."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg

from irgroups_gui.units import micrometres

_NICE = sorted({round(m * 10.0 ** e, 3) for e in (-1, 0, 1, 2) for m in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8, 9)})
LABELS = {False: "wavenumber / cm-1", True: "wavelength / µm"}


class WavenumberAxis(pg.AxisItem):
    def __init__(self, show_label: bool = True, **kwargs):
        super().__init__("bottom", **kwargs)
        self.micro = False
        self.show_label = show_label
        self.enableAutoSIPrefix(False)
        if show_label:
            self.setLabel(LABELS[False])

    def set_micrometres(self, micro: bool) -> None:
        self.micro = micro
        if self.show_label:
            self.setLabel(LABELS[micro])
        self.picture = None
        self.update()

    def tickValues(self, minVal, maxVal, size):  # noqa: N802,N803 (pyqtgraph API)
        if not self.micro or max(minVal, maxVal) <= 0:
            return super().tickValues(minVal, maxVal, size)
        lo, hi = max(min(minVal, maxVal), 1.0), max(minVal, maxVal)  # an inverted axis passes (max, min)
        gap = (hi - lo) / 9  # at least this many cm-1 between labelled ticks
        kept: list[float] = []
        for um in _NICE:
            wn = 1e4 / um
            if lo <= wn <= hi and (not kept or abs(kept[-1] - wn) >= gap):
                kept.append(wn)
        return [(None, kept)]

    def tickStrings(self, values, scale, spacing):  # noqa: N802 (pyqtgraph API)
        if not self.micro:
            return super().tickStrings(values, scale, spacing)
        return [f"{micrometres(v):g}" for v in np.round(values, 6)]
