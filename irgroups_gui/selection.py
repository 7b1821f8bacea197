"""The one owner of what the user is looking at; every linked view listens to it."""
from __future__ import annotations

from collections.abc import Iterable

from irgroups_gui.events import Signal

FIELDS = ("entry", "overlay", "group", "channel", "position", "region", "member", "library_hit")


class Selection:
    """Current spectrum entry (index) and the selected entries drawn with it (`overlay`: the
    rows selected in the file list and the results table, which both show exactly `selected()`),
    group (index), the hovered latent cell (channel, position) of ensemble member `member`, a
    clicked wavenumber region (lo, hi), and the reference-library entry overlaid on the spectrum
    (`library_hit`, an index into the open library, or None). `changed` emits the set of fields
    that changed."""

    def __init__(self) -> None:
        self.entry: int | None = None
        self.overlay: tuple[int, ...] = ()
        self.member: int = 0
        self.group: int = 0
        self.channel: int | None = None
        self.position: int | None = None
        self.region: tuple[float, float] | None = None
        self.library_hit: int | None = None
        self.changed = Signal()

    def update(self, **values) -> None:
        """Set several fields at once; emits once with the names that really changed."""
        unknown = set(values) - set(FIELDS)
        if unknown:
            raise AttributeError(f"unknown selection fields {sorted(unknown)}")
        diff = {k for k, v in values.items() if getattr(self, k) != v}
        for k in diff:
            setattr(self, k, values[k])
        if diff:
            self.changed.emit(diff)

    def hover_cell(self, channel: int | None, position: int | None) -> None:
        self.update(channel=channel, position=position)

    def select(self, entries: Iterable[int], current: int | None = None) -> None:
        """Select these entries (rows chosen in the file list or the results table); `current`
        is the one shown, the first selected one when it is not among them; none: no current."""
        rows = tuple(sorted(set(entries)))
        if current not in rows:
            current = rows[0] if rows else None
        self.update(entry=current, overlay=rows)

    def selected(self) -> tuple[int, ...]:
        """The selected entries in entry order: the overlay and the current entry."""
        chosen = set(self.overlay) | ({self.entry} if self.entry is not None else set())
        return tuple(sorted(chosen))
