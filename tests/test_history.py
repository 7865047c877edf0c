"""A usable history: what changed between two versions, in words; who made each sitting
("I am…" on the page); sittings listed with when, who and what; a preview before restoring.

Pure tests of `describe_changes`, then headless pages over a copy of the sample hub (set
widget values, click buttons, read the store).
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest

from careers_review import Store, default_framework
from careers_review.app import internal_review, leadership_foundations
from careers_review.app.history import group_sittings
from careers_review.app.person import SOMEONE, who
from careers_review.app.review import ReviewApp
from careers_review.app.session import ReviewSession
from careers_review.changes import NOTHING_CHANGED, describe_changes, summarise
from careers_review.model import KPI, Action, Participant, Priority, Review, ThemeRating
from careers_review.store import DB_NAME

FW = default_framework()
SCHOOL = "oakfield-academy"
REVIEW = "oakfield-academy-2026-27"
YEAR = "2026/27"
VISION, PLANNING = FW.themes[0], FW.themes[1]


def _sample(store: Store) -> Review:
    return store.review(REVIEW)


def _with_rating(review: Review, theme_id: str, **fields: object) -> Review:
    ratings = dict(review.ratings)
    ratings[theme_id] = ThemeRating.model_validate(
        {**review.rating(theme_id).model_dump(), **fields}
    )
    return review.model_copy(update={"ratings": ratings})


# -- what changed, in words --------------------------------------------------------------


def test_a_level_changed_and_evidence_edited_are_said_under_the_themes_name(store):
    before = _with_rating(_sample(store), PLANNING.id, level=2)
    after = _with_rating(before, PLANNING.id, level=3, evidence="A new plan, agreed in July")
    after = _with_rating(after, VISION.id, evidence=before.rating(VISION.id).evidence + " More.")
    assert describe_changes(before, after, FW) == [
        f"{VISION.name}: evidence edited",
        f"{PLANNING.name}: level 2 → 3, evidence edited",
    ]
    cleared = _with_rating(after, PLANNING.id, level=None, evidence="", focus="priority")
    assert describe_changes(after, cleared, FW) == [
        f"{PLANNING.name}: level 3 → not agreed, evidence cleared, now a priority"
    ]


def test_nothing_changed_says_so(store):
    review = _sample(store)
    assert describe_changes(review, review.model_copy(deep=True), FW) == []
    assert summarise([]) == NOTHING_CHANGED
    assert describe_changes(None, review, FW) == [
        "review started",
        f"{len(review.participants)} people taking part",
        f"5 of {len(FW.themes)} themes agreed",
        f"{len(review.plan.priorities)} plan priorities",
    ]


def test_participants_added_removed_and_edited_are_named(store):
    before = _sample(store)
    people = list(before.participants)
    first, second = people[0], people[1]
    after = before.model_copy(
        update={
            "participants": [
                first.model_copy(update={"name": first.name + " Jr"}),
                *people[2:],
                Participant(name="Jane Smith", role="careers_leader"),
            ]
        }
    )
    assert describe_changes(before, after, FW) == [
        "participant added: Jane Smith",
        f"participant removed: {second.name}",
        f"participant edited: {first.name} Jr",
    ]


def test_plan_priorities_actions_and_kpis_added_removed_and_edited(store):
    before = _sample(store)
    first, second = before.plan.priorities[:2]
    kept_kpis = first.kpis[1:]
    changed = first.model_copy(
        update={
            "actions": [
                first.actions[0].model_copy(update={"owner": "Someone else"}),
                *first.actions[1:],
                Action(what="Book two employer talks"),
                Action(what="Visit the college"),
            ],
            "kpis": kept_kpis,
        }
    )
    new = Priority(title="Parents and carers", kpis=[KPI(name="Parents at the evening")])
    plan = before.plan.model_copy(
        update={"priorities": [changed, new], "vision": before.plan.vision + " And more."}
    )
    said = describe_changes(before, before.model_copy(update={"plan": plan}), FW)
    title = f"“{first.title[:39]}…”" if len(first.title) > 40 else f"“{first.title}”"
    assert said[0] == "plan vision edited"
    assert "priority added: “Parents and carers”" in said
    assert any(s.startswith("priority removed: “") and second.title[:20] in s for s in said)
    assert f"2 actions added to {title}" in said
    assert f"action edited in {title}" in said
    assert len(first.kpis) - len(kept_kpis) == 1 and f"KPI removed from {title}" in said


def test_gatsby_foundations_and_the_school_profile_are_said_too(store):
    before = _sample(store)
    criteria = [c.id for b in FW.benchmarks for c in b.criteria]
    gatsby = {c: "" for c in criteria}
    cleared = before.model_copy(update={"gatsby": gatsby})
    assessed = cleared.model_copy(
        update={"gatsby": {**gatsby, criteria[0]: "achieved", criteria[1]: "in_progress"}}
    )
    assert describe_changes(cleared, assessed, FW) == ["Gatsby criteria: 2 assessed"]
    role = FW.key_roles[0]
    held = before.model_copy(
        update={
            "foundations": before.foundations.model_copy(
                update={"role_holders": {**before.foundations.role_holders, role.id: "A. N. Other"}}
            )
        }
    )
    assert describe_changes(before, held, FW) == [f"key roles: {role.name}"]
    school = store.school(SCHOOL)
    renamed = school.model_copy(update={"headteacher": "Dr New Head"})
    assert describe_changes(school, renamed, FW) == ["profile: headteacher edited"]


def test_authors_saved_before_anyone_was_chosen_read_as_someone_on_this_device():
    assert who("app") == who("") == who("restored revision 4") == SOMEONE
    assert who("Jane Smith (Careers Leader)") == "Jane Smith (Careers Leader)"


# -- the pages: who, when and what, and a preview before restoring -------------------------


def _history_rows(view) -> list[list[str]]:
    """The history table's rows as the page shows them: when, who, what changed."""
    html = view.list.value
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = []
    for row in body.split("<tr>")[1:]:
        cells = [unescape(cell.split("</td>")[0]) for cell in row.split("<td>")[1:]]
        rows.append(cells)
    return rows


def test_two_people_chosen_with_i_am_show_as_two_sittings_with_their_names(data_dir):
    page = internal_review(SCHOOL, str(data_dir), academic_year=YEAR)
    app, chooser = page.app, page.person
    assert chooser.widget in page.top.children  # in the header, on every editing page
    labels = dict((value, label) for label, value in chooser.dropdown.options)
    assert chooser.dropdown.options[0] == (SOMEONE, "") and chooser.dropdown.value == ""
    review = app.session.review
    leader = next(p for p in review.participants if p.role == "careers_leader")
    head = next(p for p in review.participants if p.role == "headteacher")
    assert labels[leader.id] == f"{leader.name} (Careers Leader)"
    before = len(app.session.revisions())

    chooser.choose(leader.id)
    planning = app.panels[1]
    was = planning.level.value
    planning.level.value = 2 if was != 2 else 3
    planning.evidence.value = "Evidence the Careers Leader typed"
    app.session.flush()
    chooser.choose(head.id)  # a new person: a new sitting, even within the store's pause
    app.panels[0].notes.value = "The headteacher's note"
    app.session.flush()

    revisions = app.session.revisions()
    assert len(revisions) == before + 2
    assert [r.author for r in revisions[-2:]] == [labels[leader.id], labels[head.id]]
    assert revisions[-1].sitting != revisions[-2].sitting
    rows = _history_rows(app.history)
    assert rows[0][1:] == [labels[head.id], f"{VISION.name}: notes edited"]
    assert rows[1][1:] == [
        labels[leader.id],
        f"{PLANNING.name}: level {was} → {planning.level.value}, evidence edited",
    ]
    today = revisions[-1].saved_at.astimezone()
    assert rows[0][0].startswith(f"{today:%A} {today.day} {today:%B %Y}, ")
    assert app.history.choice.options[0][0].endswith(f" · {labels[head.id]}")


def test_no_choice_is_someone_on_this_device_and_the_choice_follows_the_participants(data_dir):
    page = internal_review(SCHOOL, str(data_dir), academic_year=YEAR)
    app, chooser = page.app, page.person
    app.panels[2].notes.value = "Typed before anyone said who they are"
    app.session.flush()
    assert _history_rows(app.history)[0][1] == SOMEONE

    opening = app.opening
    opening.add.click()
    opening.people[-1].name.value = "Jane Smith"
    opening.people[-1].role.value = "careers_leader"
    app.session.flush()  # the choices follow what is saved (within the autosave delay)
    added = opening.people[-1].id
    assert ("Jane Smith (Careers Leader)", added) in chooser.dropdown.options
    chooser.choose(added)
    sitting = app.session.sitting
    opening.people[-1].name.value = "Jane Smith-Jones"  # renamed: still her, same sitting
    app.session.flush()
    assert chooser.dropdown.value == added and app.session.sitting == sitting
    assert app.session.author == "Jane Smith-Jones (Careers Leader)"
    opening.people[-1].remove.click()  # removed: nobody in particular again
    app.session.flush()
    assert chooser.dropdown.value == "" and app.session.author == "app"
    # Her sitting's revision keeps the name she had when it began; what follows is nobody's.
    assert app.session.revisions()[-1].author == "Jane Smith (Careers Leader)"
    app.panels[2].notes.value = "Typed after she left"
    app.session.flush()
    assert _history_rows(app.history)[0][1] == SOMEONE


def test_the_foundations_page_signs_both_the_review_and_the_school(data_dir):
    page = leadership_foundations(SCHOOL, str(data_dir), academic_year=YEAR)
    person = page.person.dropdown.options[1]
    page.person.choose(person[1])
    assert [s.author for s in page.app.sessions] == [person[0], person[0]]


class Clock:
    """The store's clock, moved on by the test."""

    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 10, 2, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def wait(self, minutes: float) -> None:
        self.now += timedelta(minutes=minutes)


def _clocked_app(data_dir, clock: Clock) -> ReviewApp:
    store = Store(data_dir, clock=clock, sitting_pause=timedelta(minutes=2))
    return ReviewApp(ReviewSession(store, FW, SCHOOL, academic_year=YEAR, autosave_delay=0))


def test_a_long_sitting_is_one_line_from_its_first_save_to_its_last(data_dir):
    clock = Clock()
    start = clock.now.astimezone()
    app = _clocked_app(data_dir, clock)
    panel = app.panels[3]
    for minute in range(40):  # a minute apart: folded, until the sitting is 15 minutes old
        panel.evidence.value = f"Evidence, draft {minute}"
        clock.wait(1)
    revisions = app.session.revisions()
    assert len({r.number for r in revisions if r.sitting == app.session.sitting}) >= 2
    assert [len(g) for g in group_sittings(revisions)][-1] >= 2
    first = app.history.sittings[0]
    end = (clock.now - timedelta(minutes=1)).astimezone()
    assert first.when == f"{start:%A} {start.day} {start:%B %Y}, {start:%H:%M}–{end:%H:%M}"
    if start.utcoffset() == timedelta(0):
        assert first.when == "Tuesday 1 December 2026, 10:02–10:41"
    assert first.what == f"{FW.themes[3].name}: evidence edited"
    assert len(app.history.sittings) == 2  # the import, and this sitting


def test_choosing_a_version_previews_it_and_only_the_button_restores_it(data_dir):
    page = internal_review(SCHOOL, str(data_dir), academic_year=YEAR)
    app, history = page.app, page.app.history
    planning = app.panels[1]
    was = planning.level.value
    planning.level.value = 1
    app.session.flush()
    count = len(app.session.revisions())
    assert history.restore.disabled and "Choose a version" in history.preview.value

    imported = history.sittings[-1]
    history.choice.value = imported.number
    shown = unescape(history.preview.value)
    assert len(app.session.revisions()) == count  # looking restores nothing
    assert planning.level.value == 1
    level = FW.maturity_model.level
    assert (
        f"<tr class='cr-history-differs'><th scope='row'>{PLANNING.name}</th>"
        f"<td>{was} {level(was).name}</td><td>1 {level(1).name}</td></tr>"
    ) in shown
    assert f"<li>{PLANNING.name}: level 1 → {was}</li>" in shown
    assert not history.restore.disabled

    history.restore.click()
    assert planning.level.value == was  # the levels are back on screen and in the store
    with Store(data_dir) as fresh:
        assert fresh.review(REVIEW).rating(PLANNING.id).level == was
        assert len(fresh.revisions("review", REVIEW)) == count + 1  # added, nothing lost
    assert "is back" in history.done.value
    assert _history_rows(history)[0][2] == f"{PLANNING.name}: level 1 → {was}"
    history.choice.value = history.sittings[0].number
    assert "restoring it would change nothing" in history.preview.value
    assert history.restore.disabled


def test_revisions_saved_before_sittings_were_kept_still_read(data_dir):
    with sqlite3.connect(data_dir / DB_NAME) as db:
        kind, key, number, school_id, saved_at, data = db.execute(
            "SELECT kind, key, number, school_id, saved_at, data FROM revisions"
            " WHERE kind = 'review' AND key = ? ORDER BY number DESC LIMIT 1",
            (REVIEW,),
        ).fetchone()
        db.execute(
            "INSERT INTO revisions (kind, key, number, school_id, saved_at, author, data)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (kind, key, number + 1, school_id, saved_at, "", data),
        )
    with Store(data_dir) as store:
        old = store.revisions("review", REVIEW)[-1]
        assert (old.sitting, old.began_at, old.began) == ("", None, old.saved_at)
        app = ReviewApp(ReviewSession(store, FW, SCHOOL, academic_year=YEAR, autosave_delay=0))
        line = app.history.sittings[0]
        assert (line.who, line.what) == (SOMEONE, NOTHING_CHANGED)


@pytest.mark.parametrize("limit", [2])
def test_a_long_list_of_changes_is_cut_short_with_how_many_more(limit):
    assert summarise(["a", "b", "c", "d"], limit) == "a; b; and 2 more"
