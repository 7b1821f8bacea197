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


def test_a_scheduled_prediction_tells_each_view_in_its_own_call_unless_stale():
    """set_prediction(..., schedule) hands one call per listener to the scheduler; a call run
    after the entry got another prediction, or the list was cleared, tells nobody."""
    from core.predict.classify import Prediction

    s = Session()
    s.add_paths(["a.jdx"])
    heard, scheduled = [], []
    s.entry_updated.connect(lambda i: heard.append(("first", i)))
    s.entry_updated.connect(lambda i: heard.append(("second", i)))
    s.set_prediction(0, Prediction(source="a.jdx", name="a"), scheduled.extend)
    assert len(scheduled) == 2 and heard == []  # nothing at once
    scheduled.pop(0)()
    assert heard == [("first", 0)]
    scheduled.pop(0)()
    assert heard == [("first", 0), ("second", 0)]
    s.set_prediction(0, Prediction(source="a.jdx", name="a"), scheduled.extend)
    s.set_prediction(0, Prediction(source="a.jdx", name="a again"))  # a newer one, told at once
    for call in scheduled:
        call()  # the older one's calls are stale
    assert heard[2:] == [("first", 0), ("second", 0)]
    scheduled.clear()
    s.set_prediction(0, Prediction(source="a.jdx", name="a"), scheduled.extend)
    s.clear()
    for call in scheduled:
        call()
    assert len(heard) == 4
