"""The journey in Voilà, in Chromium: every page carries the roadmap with its own part marked,
a list of its steps that jumps to each, and a way on to the next part for the same school;
a page with its steps closed is about three screens at 1280x720."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.browser]

SCHOOL = "holmewold-academy"  # no other browser test edits it: its states are the sample's
PARTS = [
    ("00_start_here", "Start"),
    ("01_leadership_foundations", "Leadership foundations"),
    ("02_internal_review", "Internal review"),
    ("03_strategic_plan", "Strategic plan"),
    ("04_impact_evaluation", "Impact evaluation"),
    ("05_governor_report", "Governor report"),
]
SCREEN = (1280, 720)
#: The page's height: Voilà scrolls an inner panel, so the tallest scrolling box counts.
HEIGHT = """() => Math.max(document.documentElement.scrollHeight,
  ...Array.from(document.querySelectorAll('*')).map(e => e.scrollHeight))"""


def _open(browser, url: str):
    page = browser.new_page(viewport={"width": SCREEN[0], "height": SCREEN[1]})
    page.goto(url)
    page.locator(".cr-roadmap").first.wait_for(timeout=60_000)
    return page


def test_each_page_marks_its_part_and_leads_to_the_next_for_the_same_school(voila_server, browser):
    page = _open(browser, f"{voila_server}/voila/render/{PARTS[0][0]}.ipynb?school={SCHOOL}")
    try:
        for index, (name, title) in enumerate(PARTS):
            assert f"/{name}.ipynb" in page.url
            roadmap = page.locator(".cr-roadmap").first
            current = roadmap.locator(".cr-current")
            assert current.count() == 1, f"{name}: one part is marked current"
            assert title in current.inner_text(), f"{name}: {current.inner_text()!r}"
            assert current.get_attribute("aria-current") == "page"
            assert roadmap.locator("li").count() == len(PARTS)
            links = roadmap.locator("a")
            for link in range(links.count()):
                query = parse_qs(urlparse(links.nth(link).get_attribute("href")).query)
                assert query["school"] == [SCHOOL], f"{name}: a roadmap link loses the school"
            following = page.locator(".cr-next a")
            following.wait_for(timeout=60_000)
            href = following.get_attribute("href")
            after = PARTS[index + 1][0] if index + 1 < len(PARTS) else PARTS[0][0]
            assert href.startswith(f"{after}.ipynb?"), f"{name}: next is {href}"
            assert parse_qs(urlparse(href).query)["school"] == [SCHOOL]
            following.click()
            page.wait_for_url(f"**/{after}.ipynb?school={SCHOOL}", timeout=60_000)
            page.locator(".cr-roadmap").first.wait_for(timeout=60_000)
    finally:
        page.close()


def test_start_page_shows_where_the_school_is_on_every_part(voila_server, browser):
    page = _open(browser, f"{voila_server}/voila/render/00_start_here.ipynb?school={SCHOOL}")
    try:
        states = {}
        parts = page.locator(".cr-roadmap li")
        for index in range(parts.count()):
            title = parts.nth(index).locator(".cr-roadmap-title").inner_text()
            states[title] = parts.nth(index).locator(".cr-roadmap-state").inner_text()
        assert list(states) == [title for _, title in PARTS]
        # The sample's review of this year: every theme agreed, two plan priorities, every
        # duty met, no evidence files in the data directory.
        assert states["Internal review"] == "5 of 5 themes agreed"
        assert states["Strategic plan"] == "2 priorities"
        assert states["Leadership foundations"].endswith("duties met")
        assert states["Impact evaluation"] == "0 of 5 evidence files"
        assert states["Start"].startswith("Careers Leader: ")
        assert "cr-done" in (parts.nth(2).get_attribute("class") or "")
    finally:
        page.close()


def test_step_list_jumps_to_a_step_and_closed_steps_keep_pages_short(voila_server, browser):
    for name, _ in PARTS[:5]:
        page = _open(browser, f"{voila_server}/voila/render/{name}.ipynb?school={SCHOOL}")
        try:
            page.locator(".cr-next a").wait_for(timeout=60_000)
            steps = page.locator(".cr-step")
            listed = page.locator(".cr-step-list a")
            assert listed.count() == steps.count() >= 3, name
            last = listed.nth(listed.count() - 1)
            target = last.get_attribute("href")
            anchor = page.locator(target)
            anchor.wait_for(state="attached", timeout=30_000)  # the page is drawn
            in_view = (
                "(id) => { const r = document.querySelector(id).getBoundingClientRect();"
                " return r.top > -2 && r.top < window.innerHeight; }"  # sub-pixel scrolling
            )
            assert not page.evaluate(in_view, target), f"{name}: the last step starts in view"
            for attempt in range(3):  # widgets still drawing can move the page under a click
                last.click()
                try:
                    page.wait_for_function(in_view, arg=target, timeout=5_000)
                    break
                except Exception as exc:
                    if attempt == 2:
                        raise AssertionError(f"{name}: {target} not brought into view") from exc
            assert anchor.is_visible() or anchor.count() == 1
            opened = page.locator(".cr-step-open > .cr-step-head .cr-step-toggle")
            for _ in range(steps.count()):
                if opened.count() == 0:
                    break
                opened.first.click()
                page.wait_for_timeout(150)
            page.wait_for_function(
                "() => document.querySelectorAll('.cr-step-open').length === 0", timeout=10_000
            )
            height = page.evaluate(HEIGHT)
            assert height <= 3 * SCREEN[1], f"{name}: {height} px with every step closed"
        finally:
            page.close()
