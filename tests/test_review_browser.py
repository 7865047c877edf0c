"""The review as a leadership team uses it: Voilà served on localhost, driven in Chromium."""

from __future__ import annotations

import time

import pytest

from careers_review import Store, default_framework
from careers_review.app.person import person_label

from .conftest import open_step, step_toggle, wait_until_open

pytestmark = [pytest.mark.slow, pytest.mark.browser]

FW = default_framework()
SCHOOL = "hollybank-academy"  # no review yet this academic year: the app starts one
URL = "/voila/render/02_internal_review.ipynb?school=" + SCHOOL


def store_review(data_dir, school):
    with Store(data_dir) as store:
        return store.latest_review(school)


def _open_theme(page, theme):
    """Open the themes step (closed once every theme is agreed), then the theme's panel."""
    open_step(page, "The themes").get_by_role("button", name=f"{theme.name}: ").click()
    panel = page.locator(f".cr-theme-{theme.id}")
    panel.wait_for(state="visible", timeout=30_000)
    return panel


def _wait_for_store(data_dir, check, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while True:
        with Store(data_dir) as store:
            reviews = store.reviews(SCHOOL)
            if reviews and check(reviews[-1]):
                return
        if time.monotonic() > deadline:
            pytest.fail("the change did not reach the store")
        time.sleep(0.2)


def test_review_survives_reload_and_a_second_tab(voila_server, session_data_dir, browser):
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    other = browser.new_page(viewport={"width": 1280, "height": 1000})
    try:
        page.goto(voila_server + URL)
        page.locator(".cr-save-status").wait_for(timeout=60_000)
        for index, theme in enumerate(FW.themes):
            level = FW.levels[index % len(FW.levels)]
            panel = _open_theme(page, theme)
            panel.get_by_label(f"{level.number} {level.name}", exact=True).check()
            panel.get_by_label("Evidence").fill(f"Evidence agreed for {theme.name}")
        _wait_for_store(
            session_data_dir,
            lambda r: all(
                r.rating(t.id).evidence == f"Evidence agreed for {t.name}" for t in FW.themes
            ),
        )
        page.locator(".cr-save-status", has_text="Saved").wait_for(timeout=10_000)

        page.reload()
        page.locator(".cr-save-status").wait_for(timeout=60_000)
        for index, theme in enumerate(FW.themes):
            level = FW.levels[index % len(FW.levels)]
            panel = _open_theme(page, theme)
            assert panel.get_by_label(f"{level.number} {level.name}", exact=True).is_checked()
            assert (
                panel.get_by_label("Evidence").input_value() == f"Evidence agreed for {theme.name}"
            )

        # A second tab changes one theme; the first tab, reloaded, has both its own and that change.
        changed = FW.themes[1]
        other.goto(voila_server + URL)
        other.locator(".cr-save-status").wait_for(timeout=60_000)
        _open_theme(other, changed).get_by_label("Notes").fill("Added from the second tab")
        _wait_for_store(
            session_data_dir, lambda r: r.rating(changed.id).notes == "Added from the second tab"
        )

        page.reload()
        page.locator(".cr-save-status").wait_for(timeout=60_000)
        panel = _open_theme(page, changed)
        assert panel.get_by_label("Notes").input_value() == "Added from the second tab"
        assert panel.get_by_label("Evidence").input_value() == f"Evidence agreed for {changed.name}"
        assert open_step(page, "The summary").locator(".cr-summary img").count() == 1
    finally:
        page.close()
        other.close()


def test_theme_is_chosen_with_the_keyboard_alone(voila_server, session_data_dir, browser):
    school = "dame-cecile-harwood-academy"
    theme = FW.themes[-1]
    with Store(session_data_dir) as store:
        before = store.latest_review(school).rating(theme.id)
    target = FW.levels[0] if before.level != 1 else FW.levels[1]
    person = next(p for p in store_review(session_data_dir, school).participants if p.name)
    me = person_label(person.name, person.role, FW)
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    try:
        page.goto(f"{voila_server}/voila/render/02_internal_review.ipynb?school={school}")
        page.locator(".cr-save-status").wait_for(timeout=60_000)
        page.get_by_label("I am…").select_option(label=me)
        # The themes step is closed when every theme is agreed: its header opens it.
        toggle = step_toggle(page, "The themes")
        step = page.locator(".cr-step").filter(has=toggle)
        step.wait_for(timeout=30_000)
        if "cr-step-open" not in (step.get_attribute("class") or "").split():
            toggle.focus()
            page.keyboard.press("Enter")
        wait_until_open(step)
        header = step.get_by_role("button", name=f"{theme.name}: ")
        header.focus()
        page.keyboard.press("Enter")
        panel = page.locator(f".cr-theme-{theme.id}")
        panel.wait_for(state="visible", timeout=30_000)
        panel.get_by_label(f"{target.number} {target.name}", exact=True).focus()
        page.keyboard.press("Space")
        for _ in range(len(FW.levels) + 2):  # Tab past the other level choices to the evidence box
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.tagName") == "TEXTAREA":
                break
        page.keyboard.type("Typed without a mouse. ")
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            with Store(session_data_dir) as store:
                rating = store.latest_review(school).rating(theme.id)
            if rating.level == target.number and "Typed without a mouse." in rating.evidence:
                break
            time.sleep(0.2)
        else:
            pytest.fail(f"keyboard edits did not reach the store: {rating}")
        assert before.evidence in rating.evidence  # added to, not replaced
        # The history names who made the change and says what it was.
        latest = open_step(page, "Earlier versions").locator(".cr-history-table tr", has_text=me)
        latest.first.wait_for(timeout=15_000)
        assert f"{theme.name}: level {before.level} → {target.number}" in latest.first.inner_text()
        assert "evidence edited" in latest.first.inner_text()
    finally:
        page.close()


def test_export_report_downloads_a_pdf(voila_server, browser, tmp_path):
    from io import BytesIO

    from pypdf import PdfReader

    school = "riverside-meadows-school"
    page = browser.new_page(viewport={"width": 1280, "height": 1000}, accept_downloads=True)
    try:
        page.goto(f"{voila_server}/voila/render/02_internal_review.ipynb?school={school}")
        page.locator(".cr-save-status").wait_for(timeout=60_000)
        step = open_step(page, "The report for governors")
        step.get_by_role("button", name="Export report").click()
        link = page.locator(".cr-report-export a.cr-download").first
        link.wait_for(timeout=90_000)
        with page.expect_download() as download:
            link.click()
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
    finally:
        page.close()
    assert saved.suffix == ".pdf"
    text = " ".join(p.extract_text() for p in PdfReader(BytesIO(saved.read_bytes())).pages)
    assert "Riverside Meadows School" in " ".join(text.split())
