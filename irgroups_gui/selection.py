"""The one owner of what the user is looking at; every linked view listens to it."""
from __future__ import annotations

from irgroups_gui.events import Signal

FIELDS = ("entry", "overlay", "group", "channel", "position", "region", "member", "library_hit")


class Selection:
    """Current spectrum entry (index) and other entries overlaid with it, group (index), the
    hovered latent cell (channel, position) of ensemble member `member`, and a clicked
    wavenumber region (lo, hi), and the reference-library entry overlaid on the spectrum
    (`library_hit`, an index into the open library, or None). `changed` emits the set of fields that changed."""

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
