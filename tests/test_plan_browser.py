"""Building a plan in Chromium against `careers-review serve`, then taking it away as Excel."""

from __future__ import annotations

import time

import openpyxl
import pytest

from careers_review import Store
from careers_review.review_year import current_year

from .conftest import open_step

pytestmark = [pytest.mark.slow, pytest.mark.browser]

SCHOOL = "brackenridge-community-school"  # no review this year yet: started, the plan is empty
TITLES = ["Every year group meets employers", "Parents know the routes after 16"]


def _wait_for_plan(data_dir, check, seconds: float = 15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with Store(data_dir) as store:
            plan = store.latest_review(SCHOOL).plan
        if check(plan):
            return plan
        time.sleep(0.2)
    pytest.fail(f"the plan did not reach the store: {plan}")


def test_plan_with_two_priorities_survives_reload_and_downloads_as_excel(
    voila_server, session_data_dir, browser, tmp_path
):
    page = browser.new_page(viewport={"width": 1280, "height": 1000}, accept_downloads=True)
    url = f"{voila_server}/voila/render/03_strategic_plan.ipynb?school={SCHOOL}"
    try:
        page.goto(url)
        page.locator(".cr-save-status").wait_for(timeout=60_000)
        # The page shows last year's plan until the team starts this year's review.
        start = page.locator(".cr-start-year")
        start.click()
        start.wait_for(state="hidden")
        page.get_by_text(
            f"academic year {current_year()}"
        ).wait_for()  # the page is over the new review
        step = open_step(page, "Priorities and objectives")
        add = step.get_by_role("button", name="Add priority")
        add.click()
        priorities = step.locator(".cr-priority.cr-priority-objectives")
        priorities.first.wait_for()
        add.click()
        priorities.nth(1).wait_for()
        for index, title in enumerate(TITLES):
            priorities.nth(index).get_by_label("Priority", exact=True).fill(title)

        # The next steps have a box for each priority, under the title just typed.
        first = open_step(page, "Actions").locator(".cr-priority.cr-priority-actions").first
        first.locator("h3", has_text=TITLES[0]).wait_for()
        first.get_by_role("button", name="Add action").click()
        first.locator(".cr-action").wait_for()
        first.get_by_label("Action", exact=True).fill("Book an employer talk for every tutor group")
        first.get_by_label("Owner", exact=True).fill("Careers Leader")
        first = open_step(page, "Milestones and KPIs").locator(".cr-priority.cr-priority-measures")
        first = first.first
        first.locator("h3", has_text=TITLES[0]).wait_for()
        first.get_by_role("button", name="Add KPI").click()
        first.locator(".cr-kpi").wait_for()
        first.get_by_label("KPI", exact=True).fill("Pupils with an employer encounter")
        first.get_by_label("Baseline", exact=True).fill("58")
        first.get_by_label("Target", exact=True).fill("95")
        _wait_for_plan(
            session_data_dir,
            lambda p: (
                [x.title for x in p.priorities] == TITLES
                and p.priorities[0].kpis
                and p.priorities[0].kpis[0].target == 95
                and p.priorities[0].actions
                and p.priorities[0].actions[0].owner == "Careers Leader"
            ),
        )

        page.reload()
        page.locator(".cr-save-status").wait_for(timeout=60_000)
        priorities = open_step(page, "Priorities and objectives").locator(
            ".cr-priority.cr-priority-objectives"
        )
        priorities.nth(1).wait_for()
        shown = [
            priorities.nth(i).get_by_label("Priority", exact=True).input_value() for i in range(2)
        ]
        assert shown == TITLES
        actions = open_step(page, "Actions").locator(".cr-priority.cr-priority-actions").first
        assert actions.get_by_label("Owner", exact=True).input_value() == "Careers Leader"
        measures = open_step(page, "Milestones and KPIs").locator(
            ".cr-priority.cr-priority-measures"
        )
        assert measures.first.get_by_label("Target", exact=True).input_value() == "95"

        # Removing the first priority acts at once and offers it back; Undo restores it all.
        step = open_step(page, "Priorities and objectives")
        priorities = step.locator(".cr-priority.cr-priority-objectives")
        remove = priorities.first.get_by_role("button", name="Remove this priority")
        background = "el => getComputedStyle(el).backgroundColor"
        assert remove.evaluate(background) == "rgba(0, 0, 0, 0)"  # quiet, unlike Add priority
        assert step.get_by_role("button", name="Add priority").evaluate(background) != (
            "rgba(0, 0, 0, 0)"
        )
        remove.click()
        undo = step.locator(".cr-undo")
        undo.get_by_text(f"Removed the priority “{TITLES[0]}”.").wait_for()
        assert priorities.count() == 1
        undo.get_by_role("button", name="Undo").click()
        undo.wait_for(state="hidden")
        priorities.nth(1).wait_for()
        assert priorities.first.get_by_label("Priority", exact=True).input_value() == TITLES[0]
        _wait_for_plan(
            session_data_dir,
            lambda p: (
                [x.title for x in p.priorities] == TITLES
                and p.priorities[0].kpis[0].target == 95
                and p.priorities[0].actions[0].owner == "Careers Leader"
            ),
        )

        open_step(page, "Downloads").get_by_role("button", name="Excel (.xlsx)").click()
        link = page.locator("a.cr-download")
        link.wait_for(timeout=30_000)
        with page.expect_download() as download:
            link.click()
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
    finally:
        page.close()
    assert saved.name.startswith(f"{SCHOOL}-plan-") and saved.suffix == ".xlsx"
    workbook = openpyxl.load_workbook(saved)
    cells = {
        str(c.value) for ws in workbook.worksheets for row in ws.iter_rows() for c in row if c.value
    }
    assert set(TITLES) <= cells
    assert "Book an employer talk for every tutor group" in cells
    kpis = next(ws for ws in workbook.worksheets if "KPI" in ws.title)
    numbers = [
        c.value
        for row in kpis.iter_rows(min_row=2)
        for c in row
        if isinstance(c.value, float | int)
    ]
    assert 58 in numbers and 95 in numbers
