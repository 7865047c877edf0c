"""The governor report: real Papermill, nbconvert and WeasyPrint, checked as a reader would."""

from __future__ import annotations

import re
from datetime import date
from io import BytesIO

import pytest
from pypdf import PdfReader

from careers_review import Store, ThemeRating, default_framework
from careers_review.cli import main
from careers_review.model import Participant
from careers_review.report import render_report

from . import factories

pytestmark = pytest.mark.slow

FW = default_framework()
HOSTILE = {
    "leaders_vision": "<script>alert('governors')</script> ends here",
    "strategic_planning": '<img src=x onerror=alert(1)> and {{ 7*7 }} and =HYPERLINK("x")',
}


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    """The sample hub plus a review full of hostile text and a review with nothing in it."""
    from careers_review import import_paths

    from .conftest import SAMPLE

    folder = tmp_path_factory.mktemp("report") / "data"
    with Store(folder) as store:
        import_paths(store, [SAMPLE], FW)
        store.save(factories.school("hostile-school", name="Hostile <b>School</b> & Co"))
        review = factories.review("hostile-school", year="2026/27", review_date=date(2026, 10, 1))
        review.ratings = {
            theme_id: ThemeRating(level=2, evidence=text, notes=text, focus="priority")
            for theme_id, text in HOSTILE.items()
        }
        review.participants = [Participant(name="<svg onload=alert(1)>", role="headteacher")]
        store.save(review)
        store.save(factories.school("empty-school", name="Empty Fields Academy"))
        store.save(factories.review("empty-school", year="2026/27"))
    return folder


def _text(pdf: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    return " ".join(text.split())  # table cells wrap over lines


def test_html_report_is_offline_and_shows_the_review(hub, tmp_path):
    out = tmp_path / "report.html"
    assert (
        main(["export", "oakfield-academy-2026-27", "--to", str(out), "--data-dir", str(hub)]) == 0
    )
    html = out.read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    remote = re.findall(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", html, re.IGNORECASE)
    assert remote == []
    assert "@import" not in html
    assert "Oakfield Academy" in html
    for theme in FW.themes:
        assert theme.name in html, theme.name
    charts = re.findall(r"<img[^>]+src=[\"']data:image/png;base64,", html)
    assert len(charts) == 2  # the maturity profile and the benchmarks
    assert "governor_report(" not in html and "sections." not in html  # no code in the report
    assert "## Cover" not in html and "How long it takes" not in html  # nor the guidance
    # The page's roadmap and its way back to the start are for the page, not the report.
    assert "cr-roadmap" not in html and "cr-next" not in html and "Back to the start" not in html


def test_pdf_holds_school_name_every_theme_and_the_charts(hub):
    pdf = render_report(hub, "oakfield-academy-2026-27", pdf=True)
    assert pdf.startswith(b"%PDF")
    text = _text(pdf)
    assert "Oakfield Academy" in text
    for theme in FW.themes:
        assert theme.name in text, theme.name
    reader = PdfReader(BytesIO(pdf))
    assert sum(len(page.images) for page in reader.pages) >= 2
    assert all(float(page.mediabox.width) == pytest.approx(595.28, abs=1) for page in reader.pages)


def test_hostile_notes_are_inert_in_html_and_pdf(hub):
    html = render_report(hub, "hostile-school-2026-27").decode("utf-8")
    assert "<script" not in html.lower()
    assert "<img src=x" not in html and "<svg" not in html.lower()
    assert "&lt;script&gt;alert('governors')&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "and {{ 7*7 }} and =HYPERLINK" in html  # template syntax shown, never evaluated
    assert "Hostile &lt;b&gt;School&lt;/b&gt; &amp; Co" in html
    pdf = render_report(hub, "hostile-school-2026-27", pdf=True)
    assert b"/JavaScript" not in pdf and b"/JS " not in pdf
    text = _text(pdf)
    assert "<script>alert('governors')</script>" in text
    assert "<img src=x onerror=alert(1)>" in text
    assert "Hostile <b>School</b> & Co" in text


def test_review_with_empty_sections_still_reads_well(hub):
    html = render_report(hub, "empty-school-2026-27").decode("utf-8")
    for message in (
        "The participants were not recorded.",
        "No theme has an agreed level yet.",
        "No theme was marked as a strength.",
        "The statutory checklist has not been completed for this review.",
        "The Gatsby Benchmark self-assessment has not been completed.",
        "The strategic careers plan has no priorities yet.",
    ):
        assert message in html, message
    text = _text(render_report(hub, "empty-school-2026-27", pdf=True))
    assert "Empty Fields Academy" in text and "Questions for governors" in text


def test_report_for_unknown_review_fails_cleanly(hub, tmp_path, capsys):
    out = tmp_path / "x.pdf"
    assert main(["export", "nobody-2026-27", "--to", str(out), "--data-dir", str(hub)]) == 2
    assert "unknown review 'nobody-2026-27'" in capsys.readouterr().err
    assert not out.exists()
