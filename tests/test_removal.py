"""Safe removal without a browser: a removal acts at once and is offered back for 10 s.

Pages are the real plan and review apps over a copy of the sample hub; each check of what
was saved reads the SQLite file through a fresh connection, as another page would.
"""

from __future__ import annotations

import time
from datetime import date

import ipywidgets as w
import pytest

from careers_review import Store, default_framework
from careers_review.app.plan import PlanApp
from careers_review.app.review import ReviewApp
from careers_review.app.review_session import Removed
from careers_review.app.session import ReviewSession
from careers_review.app.undo import UNDO_SECONDS, UndoBar, describe
from careers_review.model import Participant, Priority, Review

FW = default_framework()
TODAY = date(2026, 11, 23)
SCHOOL = "oakfield-academy"  # its 2026/27 plan has two priorities with actions, milestones, KPIs
REVIEW_ID = "oakfield-academy-2026-27"
NAMES = {"actions": "what", "milestones": "what", "kpis": "name"}


class Timers:
    """Stands in for the 10 s timer: the test says when time is up."""

    def __init__(self) -> None:
        self.waiting: list[tuple[float, object]] = []

    def __call__(self, delay: float, callback) -> None:
        self.waiting.append((delay, callback))

    def run(self, index: int = -1) -> None:
        self.waiting[index][1]()


def _session(store: Store) -> ReviewSession:
    return ReviewSession(Store(store.data_dir), FW, SCHOOL, today=TODAY, autosave_delay=0)


def _plan_app(store: Store) -> tuple[PlanApp, Timers]:
    app = PlanApp(_session(store), today=TODAY)
    timers = Timers()
    app.plan.undo.call_later = timers
    return app, timers


def _review_app(store: Store) -> tuple[ReviewApp, Timers]:
    app = ReviewApp(_session(store))
    timers = Timers()
    app.opening.undo.call_later = timers
    return app, timers


def _stored(store: Store) -> Review:
    with Store(store.data_dir) as fresh:  # another connection, as another page reads it
        return fresh.review(REVIEW_ID)


def _shown(bar: UndoBar) -> bool:
    return bar.widget.layout.display != "none"


def _buttons(root: w.Widget) -> list[w.Button]:
    found, stack = [], [root]
    while stack:
        widget = stack.pop()
        stack.extend(getattr(widget, "children", ()))
        if isinstance(widget, w.Button):
            found.append(widget)
    return found


def test_remove_buttons_are_quiet_and_say_what_they_remove(store):
    plan, _ = _plan_app(store)
    review, _ = _review_app(store)
    priority = plan.plan.priorities[0]
    removes = [priority.remove] + [
        row.remove for kind in NAMES for p in plan.plan.priorities for row in p.rows[kind]
    ]
    people = [row.remove for row in review.opening.people]
    plan_items = sum(
        len(getattr(p, k)) for p in store.review(REVIEW_ID).plan.priorities for k in NAMES
    )
    assert len(removes) == 1 + plan_items and plan_items > 6 and len(people) == 7
    for button in removes + people:
        assert "cr-remove" in button._dom_classes
        assert button.button_style == ""  # quiet: no warning or danger colour
        assert button.tooltip.startswith("Remove this ")
    assert priority.remove.description == "Remove this priority"
    assert priority.actions[0].remove.tooltip == "Remove this action"
    assert priority.milestones[0].remove.tooltip == "Remove this milestone"
    assert priority.kpis[0].remove.tooltip == "Remove this KPI"
    assert people[0].tooltip == "Remove this participant"
    for app in (plan, review):  # nothing on either page is coloured to stand out as removal
        loud = [
            b.description for b in _buttons(app.widget) if b.button_style in ("warning", "danger")
        ]
        assert loud == []


def test_a_removed_priority_comes_back_where_it_was_with_all_it_held(store):
    app, timers = _plan_app(store)
    editor = app.plan
    first = editor.session.review.plan.priorities[0]
    assert first.id == "p1" and first.actions and first.kpis and first.milestones

    editor.priorities[0].remove.click()
    assert [p.id for p in editor.priorities] == ["p2"]
    assert [p.id for p in _stored(store).plan.priorities] == ["p2"]
    bar = editor.undo
    assert _shown(bar) and bar.offered
    assert bar.message == f"Removed the priority “{first.title}”."
    assert "role='status'" in bar.text.value and bar.button.description == "Undo"
    assert editor.undo_slot.children == (bar.widget,)  # where the priorities were listed
    assert "cr-undo" in bar.widget._dom_classes
    assert timers.waiting[-1][0] == UNDO_SECONDS == 10

    bar.button.click()
    assert [p.id for p in editor.priorities] == ["p1", "p2"]
    assert not _shown(bar) and not bar.offered
    saved = _stored(store).plan.priorities
    assert [p.id for p in saved] == ["p1", "p2"]
    assert saved[0] == first  # every field, action, milestone and KPI, and the same ids
    assert editor.priorities[0].title.value == first.title
    assert [r.id for r in editor.priorities[0].actions] == [a.id for a in first.actions]
    timers.run()  # the timer of an offer already taken up changes nothing
    assert [p.id for p in _stored(store).plan.priorities] == ["p1", "p2"]


@pytest.mark.parametrize(("kind", "index"), [("actions", 1), ("milestones", 0), ("kpis", 1)])
def test_a_removed_item_comes_back_at_its_place(store, kind, index):
    app, _ = _plan_app(store)
    priority = app.plan.priorities[0]
    items = list(getattr(app.plan.session.review.plan.priorities[0], kind))
    item = items[index]

    priority.rows[kind][index].remove.click()
    assert [r.id for r in priority.rows[kind]] == [i.id for i in items if i.id != item.id]
    assert item.id not in [i.id for i in getattr(_stored(store).plan.priorities[0], kind)]
    bar = app.plan.undo
    assert f"“{getattr(item, NAMES[kind])[:40]}" in bar.message and bar.offered
    assert priority.undo_slots[kind].children == (bar.widget,)  # under the list it left

    bar.button.click()
    assert [r.id for r in priority.rows[kind]] == [i.id for i in items]
    assert getattr(_stored(store).plan.priorities[0], kind) == items  # fields, ids, order
    assert not _shown(bar)


def test_a_removed_participant_comes_back_at_their_place(store):
    app, _ = _review_app(store)
    opening = app.opening
    people = list(opening.session.review.participants)
    person = people[2]

    opening.people[2].remove.click()
    assert [row.id for row in opening.people] == [p.id for p in people if p.id != person.id]
    assert person.id not in [p.id for p in _stored(store).participants]
    assert opening.undo.message == f"Removed {person.name} from who is taking part."
    assert opening.undo.widget in opening.widget.children

    opening.undo.button.click()
    assert [row.id for row in opening.people] == [p.id for p in people]
    assert opening.people[2].name.value == person.name
    assert _stored(store).participants == people
    assert not _shown(opening.undo)


def test_after_ten_seconds_the_offer_goes_and_the_removal_stands(store):
    app, timers = _plan_app(store)
    priority = app.plan.priorities[0]
    action = priority.actions[0].id
    priority.actions[0].remove.click()
    kpi = priority.kpis[0].id
    priority.kpis[0].remove.click()  # a second removal replaces the offer ...
    bar = app.plan.undo
    assert "KPI" in bar.message and priority.undo_slots["kpis"].children == (bar.widget,)
    assert priority.undo_slots["actions"].children == ()
    timers.run(0)  # ... and the first offer's time running out does not end the second
    assert bar.offered and _shown(bar)
    timers.run(1)
    assert not bar.offered and not _shown(bar)
    saved = _stored(store).plan.priorities[0]
    assert action not in [a.id for a in saved.actions] and kpi not in [k.id for k in saved.kpis]
    bar.undo()  # too late: nothing happens
    assert kpi not in [k.id for k in _stored(store).plan.priorities[0].kpis]

    review = ReviewApp(_session(store))  # the review page's bar, timed for real, goes by itself
    bar = review.opening.undo
    bar.seconds = 0.05
    review.opening.people[0].remove.click()
    deadline = time.monotonic() + 5
    while bar.offered and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not bar.offered and not _shown(bar)
    assert len(_stored(store).participants) == 6


def test_undo_keeps_what_another_page_changed_meanwhile(store):
    app, _ = _plan_app(store)
    other = _session(store)  # a second page, open on the same review
    priority = app.plan.priorities[0]
    action = app.plan.session.review.plan.priorities[0].actions[0]
    priority.actions[0].remove.click()
    # The other page had the action open and gives it an owner: its save keeps the action.
    other.edit_plan_item("p1", "actions", action.id, owner="Typed on the other page")
    assert app.plan.session.follow()
    assert priority.actions[0].id == action.id  # back already, with the other page's text
    app.plan.undo.button.click()  # Undo then adds no second copy and loses nothing
    saved = [a for a in _stored(store).plan.priorities[0].actions if a.id == action.id]
    assert [a.owner for a in saved] == ["Typed on the other page"]
    assert saved[0].what == action.what


def test_undo_says_why_when_the_priority_has_gone_elsewhere(store):
    app, _ = _plan_app(store)
    other = _session(store)
    app.plan.priorities[1].milestones[0].remove.click()
    other.follow()  # the other page sees the removal, then removes the whole priority
    other.remove_priority("p2")
    app.plan.session.follow()
    assert [p.id for p in app.plan.priorities] == ["p1"]
    assert app.plan.undo.undo() == "its priority has been removed on another page since"
    assert app.plan.undo.message.startswith("Not put back: its priority has been removed")
    assert app.plan.undo.button.layout.display == "none"  # nothing left to undo
    assert [p.id for p in _stored(store).plan.priorities] == ["p1"]


def test_what_the_offer_says():
    unnamed = Removed("priorities", Priority(), 0, None)
    assert describe(unnamed) == "Removed a priority without a title."
    long = Removed("priorities", Priority(title="Parents know the routes " * 10), 0, None)
    assert len(describe(long)) < 100 and describe(long).endswith("…”.")
    nobody = Removed("participants", Participant(), 1, "x")
    assert describe(nobody) == "Removed a participant without a name from who is taking part."
