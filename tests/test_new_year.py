"""A new year starts on purpose: opening a page creates nothing in the store, every page shows
the school's latest review (whatever its year) and says which year it is, and the team starts
this year's review with one button, once, with nothing agreed and last year's levels kept as
last year's. Headless: the pages are the objects the workbooks make, their buttons clicked."""

from __future__ import annotations

from html import escape

import papermill
import pytest

from careers_review import Store, default_framework
from careers_review.app import (
    impact_evaluation,
    internal_review,
    leadership_foundations,
    start_here,
    strategic_plan,
)
from careers_review.app.review_session import ReviewSession
from careers_review.model import review_id_for
from careers_review.review_year import current_year, start_review, year_to_open

from . import factories
from .conftest import WORKBOOKS

FW = default_framework()
SCHOOL = "brackenridge-community-school"  # the sample's latest review of it is of 2025/26
LAST = "2025/26"
LAST_LEVELS = {  # the levels agreed in its 2025/26 review
    "leaders_vision": 2,
    "strategic_planning": 2,
    "intended_impact": 1,
    "distributed_leadership": 2,
    "monitoring_impact": 2,
}
NEW_SCHOOL = "no-review-school"
#: What each page's notebook asks it for after making it: every step is built and shown.
PAGES = {
    "start": (start_here, ("profile", "session_plan", "journey", "schools")),
    "foundations": (leadership_foundations, ("role", "key_roles", "duties")),
    "review": (
        internal_review,
        ("participants", "themes", "summary", "priorities", "report", "history"),
    ),
    "plan": (
        strategic_plan,
        ("gatsby", "vision", "priorities", "actions", "measures", "outcomes", "downloads"),
    ),
    "impact": (
        impact_evaluation,
        ("plan", "collect", "destinations", "learner_survey", "parent_survey", "encounters"),
    ),
}


def _count(data_dir) -> int:
    with Store(data_dir) as store:
        return store.revision_count()


def _open(name: str, school: str, data_dir):
    """A page as its workbook makes it: the page, then each of its steps, opened."""
    make, steps = PAGES[name]
    page = make(school, str(data_dir))
    for step in steps:
        made = getattr(page, step)()
        if not made.built:
            made.toggle.click()
    page.next_part()
    return page


def _reviews(data_dir, school: str) -> list[str]:
    with Store(data_dir) as store:
        return [r.academic_year for r in store.reviews(school)]


def _with_new_school(data_dir) -> None:
    with Store(data_dir) as store:
        store.save(factories.school(NEW_SCHOOL, name="Newfield School"), author="test")


@pytest.mark.parametrize("name", list(PAGES))
def test_opening_a_page_creates_nothing_and_shows_last_years_review(data_dir, name):
    current = current_year()
    assert current > LAST, "the test needs a school whose latest review is an earlier year's"
    before = _count(data_dir)
    page = _open(name, SCHOOL, data_dir)
    assert _count(data_dir) == before
    assert _reviews(data_dir, SCHOOL) == ["2024/25", LAST]
    bar = page.year_bar
    assert bar.widget.layout.display != "none"
    assert bar.button.description == f"Start the {current} review"
    assert bar.button.layout.display != "none" and not bar.button.disabled
    if name == "start":
        # Last year's levels, as last year's: never shown as agreed this year.
        assert f"Last review {LAST}</strong>:" in bar.text.value
        for theme in FW.themes:
            assert f"{escape(theme.name)} {LAST_LEVELS[theme.id]} (" in bar.text.value
        assert "5 of 5 themes agreed." in bar.text.value
        assert f"This year's review ({current}) has not been started" in bar.text.value
        journey = page.steps[[s.key for s in page.steps].index("roadmap")].body.children[0]
        assert f"Last review: {LAST}" in journey.value
        assert f"Level agreed in {LAST}" in journey.value
        assert f"not started for {current}" in page.roadmap.value
    else:
        assert page.review.academic_year == LAST and not page.session.draft
        assert f"This page shows the {LAST} review" in bar.text.value
        assert f"saved to the {LAST} record" in bar.text.value
        # The bar on the page speaks of the review on screen, last year's.
        assert "5 of 5 themes agreed" in page.roadmap.value


def test_the_start_button_starts_this_years_review_once_with_nothing_agreed(data_dir):
    current = current_year()
    start = _open("start", SCHOOL, data_dir)
    before = _count(data_dir)
    start.year_bar.button.click()
    start.year_bar.button.click()  # pressed twice: still one review
    assert start.year_bar.start() is not None  # and once more, from code
    assert _count(data_dir) == before + 1
    assert _reviews(data_dir, SCHOOL) == ["2024/25", LAST, current]
    with Store(data_dir) as store:
        started = store.review(review_id_for(SCHOOL, current))
        assert started.ratings == {} and started.plan.priorities == []
        assert store.previous_review(started).academic_year == LAST
    # The start page now shows the new review, with last year's levels as last year's.
    text = start.year_bar.text.value
    assert f"This year's review, {current}</strong>" in text
    assert "0 of 5 themes agreed so far" in text
    assert f"Last review {LAST}</strong>" in text
    assert start.year_bar.button.layout.display == "none"
    journey = start._html_parts["roadmap"][0].value
    assert f"This year's review: {current}" in journey and "0 of 5 themes agreed" in journey
    assert "0 of 5 themes agreed" in start.roadmap.value

    # The review page opens this year's review, nothing agreed, last year's levels beside it.
    page = _open("review", SCHOOL, data_dir)
    assert page.review.academic_year == current
    levels = page.themes().frame
    assert levels["level"].isna().all()
    assert dict(zip(levels["theme"], levels["last_year"], strict=True)) == {
        t.name: LAST_LEVELS[t.id] for t in FW.themes
    }
    assert page.year_bar.widget.layout.display == "none"
    assert _count(data_dir) == before + 1


def test_a_review_page_edits_last_years_record_then_starts_the_new_year_in_place(data_dir):
    current = current_year()
    page = _open("review", SCHOOL, data_dir)
    other = _open("foundations", SCHOOL, data_dir)  # another tab, still on last year's
    # Last year's review is the school's record: an edit there is kept, in that year.
    page.app.panels[0].notes.value = "Looked at again in the new term"
    page.session.flush()
    with Store(data_dir) as store:
        kept = store.review(review_id_for(SCHOOL, LAST)).rating(FW.themes[0].id).notes
        assert kept == "Looked at again in the new term"
        assert store.latest_review(SCHOOL).academic_year == LAST
    before = _count(data_dir)
    page.year_bar.button.click()
    assert _count(data_dir) == before + 1
    # The page now shows the new review, every step built again over it.
    assert page.review.academic_year == current and page.app.session.review.ratings == {}
    themes = page.steps[[s.key for s in page.steps].index("themes")]
    assert themes.built and themes.body.children
    assert page.app.panels[0].notes.value == ""
    assert page.year_bar.widget.layout.display == "none"
    # The other tab's button finds the review started: pressing it writes nothing more.
    other.year_bar.button.click()
    assert other.review.academic_year == current
    assert _count(data_dir) == before + 1
    assert _reviews(data_dir, SCHOOL) == ["2024/25", LAST, current]


def test_a_school_with_no_review_starts_with_its_first_edit_or_the_button(data_dir):
    current = current_year()
    _with_new_school(data_dir)
    before = _count(data_dir)
    pages = {name: _open(name, NEW_SCHOOL, data_dir) for name in PAGES}
    assert _count(data_dir) == before and _reviews(data_dir, NEW_SCHOOL) == []
    start = pages["start"]
    assert "No review has been recorded for this school yet" in start.year_bar.text.value
    assert start.year_bar.button.description == f"Start the {current} review"
    review = pages["review"]
    assert review.session.draft and review.review.academic_year == current
    assert "saved as soon as you record something" in review.year_bar.text.value
    assert review.year_bar.button.layout.display == "none"
    # The first thing typed starts the review; nothing typed is lost.
    review.app.panels[1].evidence.value = "Our first look at this"
    review.session.flush()
    assert _reviews(data_dir, NEW_SCHOOL) == [current]
    assert not review.session.draft
    assert review.year_bar.widget.layout.display == "none"
    # Another page, opened on the draft before, saves its own edit into the same review.
    plan = pages["plan"]
    plan.session.edit_plan(vision="Every learner leaves with a plan")
    plan.session.flush()
    with Store(data_dir) as store:
        saved = store.review(review_id_for(NEW_SCHOOL, current))
    assert saved.rating(FW.themes[1].id).evidence == "Our first look at this"
    assert saved.plan.vision == "Every learner leaves with a plan"
    # The start page's button finds it started and writes nothing.
    count = _count(data_dir)
    start.year_bar.button.click()
    assert _count(data_dir) == count
    assert f"This year's review, {current}</strong>" in start.year_bar.text.value


def test_the_start_page_button_starts_a_first_review(data_dir):
    current = current_year()
    _with_new_school(data_dir)
    start = _open("start", NEW_SCHOOL, data_dir)
    before = _count(data_dir)
    start.year_bar.button.click()
    assert _count(data_dir) == before + 1 and _reviews(data_dir, NEW_SCHOOL) == [current]
    assert "0 of 5 themes agreed so far" in start.year_bar.text.value
    assert "Last review" not in start.year_bar.text.value


def test_starting_merges_with_a_review_another_tab_started_and_edited(store):
    current = current_year()
    store.save(factories.school(NEW_SCHOOL), author="test")
    tab = ReviewSession(store, FW, NEW_SCHOOL, academic_year=current, autosave_delay=0)
    tab.set_rating(FW.themes[0].id, level=3)
    count = store.revision_count()
    started = start_review(store, FW, NEW_SCHOOL)  # pressed in a tab that had not seen it
    assert started.rating(FW.themes[0].id).level == 3
    assert store.revision_count() == count


def test_which_year_a_page_opens(store):
    current = current_year()
    assert year_to_open(store, SCHOOL) == LAST
    assert year_to_open(store, SCHOOL, "2024/25") == "2024/25"
    assert year_to_open(store, "oakfield-academy") == "2026/27"
    store.save(factories.school(NEW_SCHOOL), author="test")
    assert year_to_open(store, NEW_SCHOOL) == current


def test_a_read_only_store_offers_no_start(data_dir):
    from careers_review.app.new_year import NewYearBar

    with Store(data_dir, read_only=True) as reading:
        bar = NewYearBar(reading, FW, SCHOOL, place="start")
        assert bar.button.disabled
        assert "read-only" in bar.text.value
        assert bar.start() is None
    assert _reviews(data_dir, SCHOOL) == ["2024/25", LAST]


@pytest.mark.slow
def test_papermill_runs_of_the_review_pages_create_nothing(data_dir, tmp_path):
    before = _count(data_dir)
    for name in ("01_leadership_foundations", "02_internal_review"):
        papermill.execute_notebook(
            str(WORKBOOKS / f"{name}.ipynb"),
            str(tmp_path / f"{name}.ipynb"),
            parameters={"school_id": SCHOOL, "data_dir": str(data_dir)},
            progress_bar=False,
            kernel_name="python3",
        )
        text = (tmp_path / f"{name}.ipynb").read_text(encoding="utf-8")
        assert f"This page shows the {LAST} review" in text
    assert _count(data_dir) == before
    assert _reviews(data_dir, SCHOOL) == ["2024/25", LAST]
