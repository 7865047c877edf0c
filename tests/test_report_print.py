"""Printing the governor report: the browser's print of the served page holds all of it, and
the exported PDF flows its sections onto few, well-filled A4 pages. The team's notes stay out
unless asked for."""

from __future__ import annotations

import unicodedata
from io import BytesIO

import pytest
from pypdf import PdfReader

from careers_review import Store

from .conftest import run_cli

pytestmark = [pytest.mark.slow]

SCHOOL = "oakfield-academy"
#: The sample review with the longest report (most plan items and priority benchmarks).
LONGEST = "brackenridge-community-school-2025-26"
REPORT_HEADINGS = (
    "Who took part",
    "Maturity profile",
    "Strengths and priorities",
    "Statutory duties",
    "Gatsby Benchmarks",
    "Strategic careers plan",
    "Questions for governors",
)
HUB_HEADINGS = ("Theme levels by school", "Gatsby Benchmarks across schools")
MM = 72 / 25.4
#: The report template's @page margins (top, bottom), where the running header and footer sit.
MARGINS = (20 * MM, 16 * MM)


def _text(pdf: bytes) -> str:
    """The PDF's words, ligatures (Chromium prints "fi" as one glyph) read as letters."""
    text = " ".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages)
    return " ".join(unicodedata.normalize("NFKC", text).split())


def page_fill(page) -> float:
    """How far down the page's body its lowest text or image reaches, 0 to 1: read from the
    positions pypdf reports for each piece of text and each drawn image."""
    height = float(page.mediabox.height)
    top, bottom = height - MARGINS[0], MARGINS[1]
    lowest = [top]

    def on_text(text, cm, tm, _font, _size) -> None:
        y = tm[5] * cm[3] + cm[5]
        if text.strip() and bottom < y < top:
            lowest.append(y)

    def on_operator(operator, _args, cm, _tm) -> None:
        if operator == b"Do":  # an image, drawn from its lower edge at cm's y
            lowest.append(max(cm[5], bottom))

    page.extract_text(visitor_text=on_text, visitor_operand_before=on_operator)
    return (top - min(lowest)) / (top - bottom)


def _team_notes(data_dir, review_id: str) -> list[str]:
    """The notes the team wrote on themes the report lists (strengths and priorities)."""
    with Store(data_dir) as store:
        review = store.review(review_id)
    found = [r.notes for r in review.ratings.values() if r.notes and r.focus != "neither"]
    assert found, f"{review_id}: the sample has no notes on a strength or priority"
    return found


@pytest.mark.browser
def test_served_report_prints_whole_with_print_button_and_notes_box(
    voila_server, browser, session_data_dir
):
    notes = _team_notes(session_data_dir, f"{SCHOOL}-2026-27")
    page = browser.new_page(viewport={"width": 1280, "height": 720})
    # The printer is the world outside: record the call instead of opening a dialogue.
    page.add_init_script("window.print = () => { window.__printed = (window.__printed || 0) + 1; }")
    page.goto(f"{voila_server}/voila/render/05_governor_report.ipynb?school={SCHOOL}")
    page.locator(".cr-part-questions").wait_for(timeout=90_000)
    button = page.get_by_role("button", name="Print the report")
    button.click()
    assert page.evaluate("window.__printed") == 1
    printed = page.pdf(format="A4")
    text = _text(printed)
    assert len(PdfReader(BytesIO(printed)).pages) >= 3  # not one sheet cut off at the fold
    for heading in REPORT_HEADINGS:
        assert heading in text, heading
    assert "Oakfield Academy" in text and "Print the report" not in text
    assert "criteria assessed" in text
    assert not any(" ".join(n.split())[:40] in text for n in notes)  # the notes stay out
    page.get_by_role("checkbox", name="Include the team's notes on each theme").check()
    page.locator(".cr-notes").first.wait_for(timeout=30_000)
    assert " ".join(notes[0].split())[:40] in " ".join(page.inner_text(".cr-part-focus").split())
    page.close()

    hub = browser.new_page(viewport={"width": 1280, "height": 720})
    hub.goto(f"{voila_server}/voila/render/hub_summary.ipynb")
    hub.locator(".cr-part-statutory").wait_for(timeout=90_000)
    text = _text(hub.pdf(format="A4"))
    for heading in HUB_HEADINGS:
        assert heading in text, heading
    assert "Statutory gaps by school" in text and "Batch failures" in text  # the very end
    hub.close()


def test_exported_report_flows_onto_at_most_six_full_pages(data_dir, tmp_path):
    notes = _team_notes(data_dir, LONGEST)
    out = tmp_path / "report.pdf"
    result = run_cli("export", LONGEST, "--to", str(out), "--data-dir", str(data_dir))
    assert result.returncode == 0, result.stderr
    reader = PdfReader(out)
    fills = [page_fill(page) for page in reader.pages]
    assert len(fills) <= 6, fills
    assert all(fill >= 1 / 3 for fill in fills[:-1]), fills
    text = _text(out.read_bytes())
    for heading in REPORT_HEADINGS:
        assert heading in text, heading
    assert not any(" ".join(n.split())[:40] in text for n in notes)

    with_notes = tmp_path / "report.html"
    result = run_cli(
        "export", LONGEST, "--to", str(with_notes), "--data-dir", str(data_dir), "--include-notes"
    )
    assert result.returncode == 0, result.stderr
    html = with_notes.read_text(encoding="utf-8")
    assert "Team notes." in html and "application/vnd.jupyter.widget-view" not in html
