"""The app's plain-Python state: one selection object that views listen to, and the session."""
import pytest

from irgroups_gui.selection import Selection
from irgroups_gui.session import Session


def test_selection_emits_once_with_the_changed_fields():
    sel = Selection()
    seen = []
    sel.changed.connect(seen.append)
    sel.update(group=6, channel=2, position=10)
    sel.update(group=6)  # no change, no event
    sel.hover_cell(2, 11)
    assert seen == [{"group", "channel", "position"}, {"position"}]
    with pytest.raises(AttributeError):
        sel.update(colour="red")


def test_session_entries_dedupe_and_clear():
    s = Session()
    added = []
    s.entries_added.connect(lambda first, n: added.append((first, n)))
    assert s.add_paths(["a.jdx", "b.jdx", "a.jdx"]) == [0, 1]
    assert s.add_paths(["b.jdx", "c.jdx"]) == [2]
    assert added == [(0, 2), (2, 1)]
    assert [e.status for e in s.entries] == ["pending"] * 3
    s.selection.update(entry=2, overlay=(0, 2), channel=1, position=3)
    s.clear()
    assert s.entries == [] and s.selection.entry is None and s.selection.overlay == ()
    assert s.selection.channel is None and s.current() is None
