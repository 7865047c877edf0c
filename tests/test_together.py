"""A team editing one review in several tabs: per-item merges, notices, following, typing.

Each page is a real `ReviewSession` on its own `Store` connection to one SQLite file, as two
kernels of the served app are.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from careers_review import Store, default_framework
from careers_review.app import session as session_module
from careers_review.app.common import field_label
from careers_review.app.session import ReviewSession
from careers_review.errors import InputError
from careers_review.merge import merge
from careers_review.model import (
    KPI,
    Action,
    Milestone,
    Objective,
    Outcome,
    Participant,
    Plan,
    Priority,
    Review,
    parse_document,
    texts_to_items,
)

FW = default_framework()
SCHOOL = "oakfield-academy"
YEAR = "2026/27"
THEME = FW.themes[0].id


def _page(store: Store, **options) -> ReviewSession:
    return ReviewSession(
        Store(store.data_dir), FW, SCHOOL, academic_year=YEAR, autosave_delay=0, **options
    )


def _stored(store: Store) -> Review:
    with Store(store.data_dir) as fresh:
        return fresh.review(f"{SCHOOL}-{YEAR.replace('/', '-')}")


def _edit_priority(page: ReviewSession, index: int, **changes) -> None:
    plan = page.review.plan
    priorities = list(plan.priorities)
    priorities[index] = priorities[index].model_copy(update=changes)
    page.set_plan(plan.model_copy(update={"priorities": priorities}))


def test_two_pages_from_one_revision_keep_each_others_new_items(store):
    one, two = _page(store), _page(store)
    assert one.base == two.base
    first = one.review.plan.priorities[0]

    one.set_participants([*one.review.participants, Participant(name="Ann Adeyemi")])
    two.set_participants([*two.review.participants, Participant(name="Ben Barlow")])
    _edit_priority(one, 0, actions=[*first.actions, Action(what="Action from tab one")])
    _edit_priority(two, 0, actions=[*first.actions, Action(what="Action from tab two")])
    _edit_priority(one, 0, objectives=[*first.objectives, Objective(text="Objective one")])
    _edit_priority(two, 0, milestones=[*first.milestones, Milestone(what="Milestone two")])
    _edit_priority(one, 0, kpis=[*first.kpis, KPI(name="KPI one")])
    outcomes = dict(two.review.plan.learning_outcomes)
    outcomes["8"] = [*outcomes.get("8", []), Outcome(text="Outcome two")]
    two.set_plan(two.review.plan.model_copy(update={"learning_outcomes": outcomes}))

    saved = _stored(store)
    names = [p.name for p in saved.participants]
    assert "Ann Adeyemi" in names and "Ben Barlow" in names
    kept = saved.plan.priorities[0]
    whats = [a.what for a in kept.actions]
    assert whats[: len(first.actions)] == [a.what for a in first.actions]
    assert {"Action from tab one", "Action from tab two"} <= set(whats)
    assert "Objective one" in [o.text for o in kept.objectives]
    assert "Milestone two" in [m.what for m in kept.milestones]
    assert "KPI one" in [k.name for k in kept.kpis]
    assert "Outcome two" in [o.text for o in saved.plan.learning_outcomes["8"]]
    assert len({a.id for a in kept.actions}) == len(kept.actions)


def test_edits_moves_and_removals_of_different_items_all_survive(store):
    one, two = _page(store), _page(store)
    people = list(one.review.participants)
    assert len(people) >= 4
    # Tab one moves the last person to the top and renames the second; tab two removes the
    # third and gives the fourth a role.
    renamed = people[1].model_copy(update={"name": "Renamed in tab one"})
    one.set_participants([people[-1], people[0], renamed, *people[2:-1]])
    role = next(r.id for r in FW.key_roles if r.id != people[3].role)
    given = people[3].model_copy(update={"role": role})
    two.set_participants([people[0], people[1], given, *people[4:]])

    saved = _stored(store).participants
    ids = [p.id for p in saved]
    assert ids[0] == people[-1].id  # the move
    assert people[2].id not in ids  # the removal
    assert next(p for p in saved if p.id == people[1].id).name == "Renamed in tab one"
    assert next(p for p in saved if p.id == people[3].id).role == role
    assert len(saved) == len(people) - 1


def test_an_item_removed_in_one_tab_and_edited_in_the_other_is_kept_and_flagged(store):
    one, two = _page(store), _page(store)
    action = one.review.plan.priorities[0].actions[0]
    rest = one.review.plan.priorities[0].actions[1:]
    _edit_priority(one, 0, actions=rest)  # removed in tab one
    edited = action.model_copy(update={"owner": "Edited in tab two"})
    _edit_priority(two, 0, actions=[edited, *rest])

    kept = _stored(store).plan.priorities[0].actions
    assert kept[0].id == action.id and kept[0].owner == "Edited in tab two"
    flagged = [n for n in two.notices.values() if n.kind == "removed_elsewhere"]
    assert flagged and flagged[0].path[-1] == action.id
    one.follow()
    back = [n for n in one.notices.values() if n.kind == "removed_here"]
    assert back and back[0].path[-1] == action.id
    assert one.review.plan.priorities[0].actions[0].owner == "Edited in tab two"


def test_the_same_text_changed_in_two_tabs_is_never_lost_silently(store, monkeypatch):
    monkeypatch.setattr(session_module, "TYPING", 0.0)  # nobody is typing any more
    one, two = _page(store), _page(store)
    one.set_rating(THEME, evidence="Evidence typed in tab one")
    two.set_rating(THEME, evidence="Evidence typed in tab two")
    path = ("ratings", THEME, "evidence")

    # The later save kept its text, and its page shows the other one with a way to take it.
    assert two.notices[path].kind == "kept_here"
    assert two.notices[path].other == "Evidence typed in tab one"
    # The earlier page, following, now shows the later text and keeps its own at hand.
    assert one.follow()
    assert one.review.rating(THEME).evidence == "Evidence typed in tab two"
    assert one.notices[path].kind == "taken_there"
    assert one.notices[path].other == "Evidence typed in tab one"
    assert field_label(one, path) == f"{FW.themes[0].name}: evidence"

    with Store(store.data_dir) as fresh:
        key = one.review.id
        texts = {
            fresh.review(key, r.number).rating(THEME).evidence
            for r in fresh.revisions("review", key)
        }
    assert {"Evidence typed in tab one", "Evidence typed in tab two"} <= texts

    one.take(path)  # "Put back this page's text"
    assert path not in one.notices
    assert _stored(store).rating(THEME).evidence == "Evidence typed in tab one"


def test_an_open_page_follows_another_without_a_reload(store):
    one, two, three = _page(store), _page(store), _page(store)
    one.set_rating(THEME, notes="Seen by every open tab")
    _edit_priority(two, 0, title="Retitled in tab two")
    assert three.follow()
    assert three.review.rating(THEME).notes == "Seen by every open tab"
    assert three.review.plan.priorities[0].title == "Retitled in tab two"
    assert not three.follow()  # nothing new: nothing redrawn
    assert not three.notices


def test_the_field_being_typed_in_is_not_replaced_by_another_tabs_text(store):
    one, two = _page(store), _page(store)
    two.set_rating(THEME, notes="Typed in tab two, still typing")
    one.set_rating(THEME, notes="Saved by tab one", evidence="Evidence from tab one")
    assert two.follow()
    # The box under the cursor keeps what is typed; the rest of tab one's save comes in.
    assert two.review.rating(THEME).notes == "Typed in tab two, still typing"
    assert two.review.rating(THEME).evidence == "Evidence from tab one"
    notice = two.notices[("ratings", THEME, "notes")]
    assert (notice.kind, notice.other) == ("kept_here", "Saved by tab one")


def test_a_page_with_unsaved_edits_follows_and_then_saves_them(store):
    one = _page(store)
    two = ReviewSession(Store(store.data_dir), FW, SCHOOL, academic_year=YEAR, autosave_delay=30)
    two.set_rating(THEME, focus="priority")  # waits for its timer
    one.set_rating(THEME, notes="From tab one")
    assert two.follow()
    assert two.review.rating(THEME).focus == "priority"
    assert two.review.rating(THEME).notes == "From tab one"
    assert two.flush().ok
    saved = _stored(store).rating(THEME)
    assert (saved.focus, saved.notes) == ("priority", "From tab one")


def test_documents_saved_before_items_had_ids_read_the_same_ids_every_time():
    old = {
        "schema_version": 1,
        "kind": "review",
        "id": "x-2025-26",
        "school_id": "x",
        "academic_year": "2025/26",
        "review_date": "2025-11-01",
        "participants": [{"name": "A", "role": ""}, {"name": "B", "role": ""}],
        "plan": {
            "priorities": [
                {
                    "id": "p1",
                    "objectives": ["First", "Second"],
                    "milestones": [{"what": "M"}],
                    "kpis": [{"name": "K"}],
                }
            ],
            "learning_outcomes": {"7": ["Seven"], "Sixth form": ["Later"]},
        },
    }
    text = json.dumps(old)
    first = parse_document(json.loads(text))
    again = parse_document(json.loads(text))
    assert first == again
    assert [p.id for p in first.participants] == ["person1", "person2"]
    assert [o.text for o in first.plan.priorities[0].objectives] == ["First", "Second"]
    assert first.plan.learning_outcomes["7"][0].id == again.plan.learning_outcomes["7"][0].id


def test_new_items_get_ids_no_other_page_can_also_give():
    assert len({Action().id for _ in range(200)}) == 200
    assert len({Priority().id for _ in range(200)}) == 200


def test_lines_typed_in_a_box_keep_the_ids_of_the_lines_they_were():
    items = texts_to_items([], ["One", "Two", "Three"], Objective)
    again = texts_to_items(items, ["One", "Two, edited", "Three", "Four"], Objective)
    assert [i.id for i in again[:3]] == [i.id for i in items]
    assert again[1].text == "Two, edited"
    assert again[3].id not in {i.id for i in items}
    fewer = texts_to_items(again, ["One", "Three"], Objective)
    assert [i.id for i in fewer] == [items[0].id, items[2].id]


def test_merge_orders_by_the_side_that_moved_and_keeps_additions_in_place():
    base = [{"id": i} for i in "abc"]
    moved = [{"id": i} for i in "cab"]
    added = [{"id": i} for i in "abxc"]
    merged, clashes = merge(base, moved, added)
    assert [i["id"] for i in merged] == ["c", "a", "b", "x"] and not clashes
    merged, _ = merge(base, added, moved)
    assert [i["id"] for i in merged] == ["c", "a", "b", "x"]


@pytest.mark.parametrize("level", [True, "2", 2.0])
def test_a_level_that_is_not_a_whole_number_is_refused_not_stored(level):
    data = json.loads(
        Review(
            id="x-2025-26", school_id="x", academic_year="2025/26", review_date=date(2025, 11, 1)
        ).model_dump_json()
    )
    data["ratings"] = {THEME: {"level": level}}
    with pytest.raises(InputError, match=rf"ratings\.{THEME}\.level"):
        parse_document(data, "review.json")


def test_every_list_a_plan_holds_carries_ids():
    plan = Plan(
        priorities=[Priority(objectives=["o"], milestones=[Milestone()], kpis=[KPI()])],
        learning_outcomes={"9": ["x"]},
    )
    dumped = plan.model_dump(mode="json")
    priority = dumped["priorities"][0]
    for items in (priority["objectives"], priority["milestones"], priority["kpis"]):
        assert items[0]["id"]
    assert dumped["learning_outcomes"]["9"][0]["id"]


def _buttons(widget) -> list:
    import ipywidgets as w

    found, stack = [], [widget]
    while stack:
        item = stack.pop()
        stack.extend(getattr(item, "children", ()))
        if isinstance(item, w.Button):
            found.append(item)
    return found


def test_a_notice_sits_by_its_field_and_its_button_takes_the_other_text(store, monkeypatch):
    from careers_review.app.review import ReviewApp

    monkeypatch.setattr(session_module, "TYPING", 0.0)
    one, two = ReviewApp(_page(store)), ReviewApp(_page(store))
    panel_one, panel_two = one.panels[0], two.panels[0]
    panel_one.evidence.value = "Typed on the projector laptop"
    panel_two.evidence.value = "Typed on the careers leader's laptop"
    one.session.follow()

    for app, panel in ((one, panel_one), (two, panel_two)):
        assert len(panel.notices.widget.children) == 1  # in the theme's own panel
        assert not app.notices.widget.children  # not repeated at the top
    assert panel_one.evidence.value == "Typed on the careers leader's laptop"
    said = panel_two.notices.widget.children[0].children[0].value
    assert "also changed in another tab at" in said and "projector laptop" in said

    take = next(b for b in _buttons(panel_two.notices.widget) if b.description.startswith("Use"))
    take.click()
    assert panel_two.evidence.value == "Typed on the projector laptop"
    assert not panel_two.notices.widget.children
    assert _stored(store).rating(THEME).evidence == "Typed on the projector laptop"


def test_the_plan_page_keeps_the_row_being_typed_in_when_another_tab_adds_one(store):
    from careers_review.app.plan import PlanApp

    one, two = PlanApp(_page(store)), PlanApp(_page(store))
    row = two.plan.priorities[0].actions[0]
    two.plan.priorities[0].add["actions"].click()
    two.plan.priorities[0].actions[-1].what.value = "Added in tab two"
    one.plan.priorities[0].add["actions"].click()
    one.plan.priorities[0].actions[-1].what.value = "Added in tab one"
    assert two.session.follow()
    editor = two.plan.priorities[0]
    assert editor.actions[0] is row  # the same widgets: nothing under the cursor replaced
    assert {"Added in tab one", "Added in tab two"} <= {a.what.value for a in editor.actions}


def test_a_read_only_store_opens_every_page_with_editing_switched_off(store):
    import ipywidgets as w

    from careers_review.app.foundations import FoundationsApp
    from careers_review.app.plan import PlanApp
    from careers_review.app.profile import ProfileEditor
    from careers_review.app.review import ReviewApp
    from careers_review.app.session import SchoolSession

    before = _stored(store)
    reading = Store(store.data_dir, read_only=True)
    count = reading.revision_count()
    # This year's review of a school that has none yet is shown, and not created.
    apps = [
        ReviewApp(ReviewSession(reading, FW, SCHOOL, academic_year=YEAR)),
        PlanApp(ReviewSession(reading, FW, SCHOOL, academic_year=YEAR)),
        FoundationsApp(
            ReviewSession(reading, FW, "brackenridge-community-school"),
            SchoolSession(reading, "brackenridge-community-school"),
        ),
        ProfileEditor(SchoolSession(reading, SCHOOL), FW),
    ]
    for app in apps:
        session = getattr(app, "session", None)
        status = app.status if isinstance(app.status, w.HTML) else app.status.widget
        assert status.value == "Not saved: this copy is read-only"
        inputs = [
            x
            for x in _all(app.widget)
            if isinstance(x, w.Text | w.Textarea | w.Dropdown | w.ToggleButtons | w.Checkbox)
        ]
        assert inputs and all(x.disabled for x in inputs)
        if isinstance(session, ReviewSession):
            session.review.plan = session.review.plan.model_copy(update={"vision": "Changed"})
            session.changed()
            assert session.status.message == "Not saved: this copy is read-only"
    # The theme headers still open and close: reading the review is the point.
    review_app = apps[0]
    assert not review_app.headers[0].disabled
    review_app.headers[0].click()
    assert review_app.panels[0].widget.layout.display == "flex"
    assert reading.revision_count() == count
    assert _stored(store) == before


def _all(widget) -> list:
    found, stack = [], [widget]
    while stack:
        item = stack.pop()
        found.append(item)
        stack.extend(getattr(item, "children", ()))
    return found
