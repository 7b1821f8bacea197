"""How the spectrum view draws its curves, beyond the data: every curve normalised to a maximum
of 1, overlays stacked by a step, a colour chosen per spectrum, and Savitzky-Golay smoothing of
the displayed spectrum. Display only: nothing here reaches the model, which reads the spectrum
unsmoothed (with the Processing menu's lab-artifact corrections)."""
from __future__ import annotations

import numpy as np

from irgroups_gui.events import Signal

RGB = tuple[int, int, int]
DEFAULT_WINDOW = 11  # points of the spectrum's own axis
DEFAULT_ORDER = 3


class DisplayStyle:
    """The one owner of these display options; `changed` emits after any of them changes."""

    def __init__(self) -> None:
        self.normalise = False
        self.stack = 0.0  # offset between overlaid curves, a fraction of the tallest curve's maximum
        self.smoothing = False
        self.window = DEFAULT_WINDOW
        self.order = DEFAULT_ORDER
        self.colours: dict[str, RGB] = {}  # by entry path
        self.changed = Signal()

    def update(self, **values) -> None:
        """Set some of normalise, stack, smoothing, window, order; emits once if any changed."""
        unknown = set(values) - {"normalise", "stack", "smoothing", "window", "order"}
        if unknown:
            raise AttributeError(f"unknown display options {sorted(unknown)}")
        window, order = int(values.get("window", self.window)), int(values.get("order", self.order))
        if window < 3 or window % 2 == 0 or not 0 <= order < window:
            raise ValueError(f"smoothing window {window} must be odd and >= 3, the order below it")
        diff = {k for k, v in values.items() if getattr(self, k) != v}
        for k in diff:
            setattr(self, k, values[k])
        if diff:
            self.changed.emit()

    def set_colour(self, key: str, rgb: RGB | None) -> None:
        """A spectrum's own colour (None: back to its default)."""
        if rgb is None:
            if self.colours.pop(key, None) is not None:
                self.changed.emit()
        elif self.colours.get(key) != tuple(rgb):
            self.colours[key] = tuple(rgb)
            self.changed.emit()

    def colour(self, key: str, default: RGB) -> RGB:
        return self.colours.get(key, default)

    def smooth(self, y: np.ndarray) -> np.ndarray:
        """The curve smoothed (Savitzky-Golay, `window` points, polynomial `order`) when smoothing
        is on and the curve is long enough; else unchanged."""
        if not self.smoothing or y.size < self.window:
            return y
        from scipy.signal import savgol_filter

        return savgol_filter(y, self.window, self.order)

    def arrange(self, curves: list[tuple[int, np.ndarray, np.ndarray]]) -> list[np.ndarray]:
        """The y of each (position in the overlay k, x, y) curve as drawn: divided by its maximum
        when normalising, then raised by k x stack x the tallest curve's maximum."""
        ys = [np.asarray(y, dtype=float) for _, _, y in curves]
        if self.normalise:
            ys = [y / y.max() if y.size and y.max() > 0 else y for y in ys]
        if not self.stack or not ys:
            return ys
        top = max((float(np.abs(y).max()) for y in ys if y.size), default=1.0) or 1.0
        return [y + k * self.stack * top for (k, _, _), y in zip(curves, ys)]
