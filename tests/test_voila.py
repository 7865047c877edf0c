"""`careers-review serve`: the real Voilà server, read over HTTP and in headless Chromium."""

from __future__ import annotations

import re
import urllib.request
from html import unescape

import pytest

from careers_review import Store

pytestmark = pytest.mark.slow


def _get(url: str) -> tuple[str, str]:
    """The final URL and the page's text, with the kernel's outputs (embedded as JSON
    strings in the page) decoded so they read as a person would see them."""
    with urllib.request.urlopen(url, timeout=60) as response:
        page = response.read().decode("utf-8")
        decoded = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m[1], 16)), page)
        return response.geturl(), unescape(decoded)


def test_root_opens_start_page_listing_the_hub(voila_server, session_data_dir):
    final_url, html = _get(voila_server + "/")
    assert final_url.endswith("/voila/render/00_start_here.ipynb")
    with Store(session_data_dir) as store:
        schools = store.schools()
    assert len(schools) >= 8
    for school in schools:
        assert school.name in html, school.name
    # Served as an app: no code shown, no traceback.
    assert "show_start_page" not in html
    assert "Traceback" not in html


def test_school_query_opens_that_school(voila_server, session_data_dir):
    with Store(session_data_dir) as store:
        school = store.schools()[-1]
    final_url, html = _get(f"{voila_server}/?school={school.id}")
    assert final_url.endswith(f"00_start_here.ipynb?school={school.id}")
    assert f"<h1 class='cr-school-name'>{school.name}</h1>" in html
    assert school.careers_leader.name in html


@pytest.mark.browser
def test_start_page_in_chromium_lists_schools_and_opens_one(
    voila_server, session_data_dir, browser
):
    with Store(session_data_dir) as store:
        school = store.schools()[1]
    page = browser.new_page()
    try:
        page.goto(voila_server + "/", wait_until="domcontentloaded")
        table = page.locator("table.cr-school-list")
        table.wait_for(timeout=60_000)
        assert table.locator("tr").count() >= 9  # header and one row a school
        table.get_by_role("link", name=school.name).click()
        heading = page.locator("h1.cr-school-name")
        heading.wait_for(timeout=60_000)
        assert heading.inner_text() == school.name
        assert f"school={school.id}" in page.url
    finally:
        page.close()
