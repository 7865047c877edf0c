"""A team on several tabs of the served app, in Chromium: nothing typed in one tab is lost in
another, a clash is said in both, open tabs follow each other, and numbers save as typed."""

from __future__ import annotations

import time
from datetime import date

import pytest

from careers_review import Store, default_framework

from .conftest import open_step

pytestmark = [pytest.mark.slow, pytest.mark.browser]

FW = default_framework()
PLAN_SCHOOL = "dame-cecile-harwood-academy"
REVIEW_SCHOOL = "millbrook-valley-academy"
FOUNDATIONS_SCHOOL = "greyfriars-lane-academy"
VIEWPORT = {"width": 1280, "height": 1000}
#: Open tabs look for each other's saves every 1.5 s: well inside this.
FOLLOW_SECONDS = 5


def _open(browser, server: str, notebook: str, school: str):
    page = browser.new_page(viewport=VIEWPORT)
    page.goto(f"{server}/voila/render/{notebook}?school={school}")
    page.locator(".cr-save-status").first.wait_for(timeout=60_000)
    return page


def _latest(data_dir, school: str):
    with Store(data_dir) as store:
        return store.latest_review(school)


def _wait_for(check, what: str, seconds: float = 15):
    deadline = time.monotonic() + seconds
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            pytest.fail(f"{what} within {seconds} s")
        time.sleep(0.2)


def _actions(page):
    """The first priority's box in the Actions step, the step opened."""
    return open_step(page, "Actions").locator(".cr-priority.cr-priority-actions").first


def _theme_panel(page, theme):
    """The theme's panel, opened in the themes step (closed once every theme is agreed)."""
    open_step(page, "The themes").get_by_role("button", name=f"{theme.name}: ").click()
    panel = page.locator(f".cr-theme-{theme.id}")
    panel.wait_for(state="visible", timeout=30_000)
    return panel


def _saved(page) -> None:
    _wait_for(
        lambda: page.locator(".cr-save-status").first.inner_text().startswith("Saved"),
        "the page did not say Saved",
    )


def test_two_tabs_add_different_actions_and_both_are_kept_and_shown(
    voila_server, session_data_dir, browser
):
    one = _open(browser, voila_server, "03_strategic_plan.ipynb", PLAN_SCHOOL)
    two = _open(browser, voila_server, "03_strategic_plan.ipynb", PLAN_SCHOOL)
    try:
        before = len(_latest(session_data_dir, PLAN_SCHOOL).plan.priorities[0].actions)
        # Both people open the Actions step (closed: every priority has actions), then each
        # adds an action in turn, whether or not their tab shows the other's yet.
        steps = {page: _actions(page) for page in (one, two)}
        for page, what in ((one, "Action added in tab one"), (two, "Action added in tab two")):
            first = steps[page]
            rows = first.locator(".cr-action")
            had = rows.count()
            first.get_by_role("button", name="Add action").click()

            def added(r=rows, n=had):  # the tab's new row: empty, at the end
                count = r.count()
                last = r.nth(count - 1).get_by_label("Action", exact=True)
                return count >= max(n, before) + 1 and last.input_value() == ""

            _wait_for(added, "no new action row")
            row = rows.nth(rows.count() - 1)
            row.get_by_label("Action", exact=True).fill(what)
            row.get_by_label("Owner", exact=True).fill("Careers Leader")

            def stored(w=what):  # before the other adds: it is never shown there still empty
                actions = _latest(session_data_dir, PLAN_SCHOOL).plan.priorities[0].actions
                return w in [a.what for a in actions]

            _wait_for(stored, "the new action was not saved")
        boxes = steps[one].get_by_label("Action", exact=True)
        texts = [boxes.nth(i).input_value() for i in range(boxes.count())]
        row = steps[one].locator(".cr-action").nth(texts.index("Action added in tab one"))
        row.locator("input[type=date]").fill("2027-03-15")  # a date saves as it is set, too
        _saved(one), _saved(two)

        def both_stored():
            actions = _latest(session_data_dir, PLAN_SCHOOL).plan.priorities[0].actions
            dated = {a.what: a.due_date for a in actions}
            return {"Action added in tab one", "Action added in tab two"} <= set(dated) and (
                dated["Action added in tab one"] == date(2027, 3, 15)
            )

        _wait_for(both_stored, "both actions were not in the store")
        # Each tab shows the other's action without a reload.
        for page in (one, two):

            def shown(p=page):
                boxes = _actions(p).get_by_label("Action", exact=True)
                texts = {boxes.nth(i).input_value() for i in range(boxes.count())}
                return {"Action added in tab one", "Action added in tab two"} <= texts

            _wait_for(shown, "a tab did not show the other tab's action", FOLLOW_SECONDS + 5)
        assert len(_latest(session_data_dir, PLAN_SCHOOL).plan.priorities[0].actions) == (
            before + 2
        )
    finally:
        one.close()
        two.close()


def test_the_same_evidence_typed_in_two_tabs_gives_a_notice_in_both(
    voila_server, session_data_dir, browser
):
    theme = FW.themes[1]
    pages = [_open(browser, voila_server, "02_internal_review.ipynb", REVIEW_SCHOOL) for _ in "ab"]
    third = _open(browser, voila_server, "02_internal_review.ipynb", REVIEW_SCHOOL)
    try:
        texts = ["Evidence from the head's laptop", "Evidence from the careers leader's laptop"]
        for page, text in zip(pages, texts, strict=True):
            _theme_panel(page, theme).get_by_label("Evidence").fill(text)
            _saved(page)
        for page in pages:
            notice = page.locator(".cr-notice-item")
            notice.first.wait_for(timeout=(FOLLOW_SECONDS + 10) * 1000)
            said = notice.first.inner_text()
            assert "also changed in another tab at" in said
            assert any(text in said for text in texts)
        # Both texts are in the history.
        with Store(session_data_dir) as store:
            key = _latest(session_data_dir, REVIEW_SCHOOL).id
            history = {
                store.review(key, r.number).rating(theme.id).evidence
                for r in store.revisions("review", key)
            }
        assert set(texts) <= history

        # The third tab, never touched, shows a change made in another within 5 s.
        panel = _theme_panel(third, theme)
        started = time.monotonic()
        pages[0].locator(f".cr-theme-{theme.id}").get_by_label("Notes").fill("Seen in tab three")
        _wait_for(
            lambda: panel.get_by_label("Notes").input_value() == "Seen in tab three",
            "the third tab did not follow",
            FOLLOW_SECONDS + 2,
        )
        assert time.monotonic() - started < FOLLOW_SECONDS + 1
    finally:
        for page in (*pages, third):
            page.close()


def test_an_encounter_count_is_saved_as_it_is_typed(voila_server, session_data_dir, browser):
    page = _open(browser, voila_server, "01_leadership_foundations.ipynb", FOUNDATIONS_SCHOOL)
    try:
        phase = next(k for k in FW.statutory.provider_access.key_phases if k.id == "y10_11")
        box = open_step(page, "Statutory duties").get_by_label(phase.name, exact=True)
        box.click()
        box.press("Control+a")
        box.press_sequentially("4")  # and stay in the box: no Tab, no Enter
        typed = time.monotonic()
        _wait_for(
            lambda: (
                _latest(session_data_dir, FOUNDATIONS_SCHOOL).foundations.encounters.get("y10_11")
                == 4
            ),
            "the count typed was not saved",
            3,
        )
        assert time.monotonic() - typed <= 1.0  # saved within a second of the last key
        assert box.evaluate("element => element === document.activeElement")
        page.reload()
        page.locator(".cr-save-status").first.wait_for(timeout=60_000)
        box = open_step(page, "Statutory duties").get_by_label(phase.name, exact=True)
        assert box.input_value() == "4"
    finally:
        page.close()
