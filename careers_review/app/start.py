"""The start page around the profile editor: static HTML, so it reads the same in Voilà,
JupyterLab and an executed notebook. Every value a user typed goes through `escape`, and the
page is marked so that MathJax leaves a '$' in a school's name alone.
"""

from __future__ import annotations

from datetime import date
from html import escape
from pathlib import Path
from urllib.parse import quote

from ..content import Framework
from ..errors import UnknownSchoolError
from ..model import Review, School
from ..report import PLAIN_TEXT
from ..review_year import current_year
from ..store import Store
from ..summary import profile

__all__ = ["start_page_parts"]

_STYLE = """
<style>
.cr-start { font-family: system-ui, 'Segoe UI', Arial, sans-serif; font-size: 16px;
  color: #1b1b1b; max-width: 1100px; }
.cr-start h1 { font-size: 1.9em; margin: 0.2em 0; }
.cr-start h2 { font-size: 1.35em; margin-top: 1.2em; border-bottom: 2px solid #0b5394; }
.cr-start table { border-collapse: collapse; margin: 0.4em 0; }
.cr-start table th, .cr-start table td { text-align: left !important;
  padding: 0.35em 0.8em; border-bottom: 1px solid #ccc; vertical-align: top; }
.cr-start th { background: #eef3f8; }
.cr-start .cr-notice { background: #fff4ce; border-left: 5px solid #b58100; padding: 0.6em 1em; }
.cr-start a { color: #0b5394; }
</style>
"""


def _link(href: str, text: str) -> str:
    # target=_self: the notebook renderer opens links without a target in a new tab.
    return f"<a href='{escape(href, quote=True)}' target='_self'>{escape(text)}</a>"


def _latest_review_html(
    store: Store, school: School, framework: Framework, today: date | None = None
) -> str:
    """The school's latest review, called by its year: this year's, or the last one while
    this year's has not been started (its levels are that year's, never this year's)."""
    review = store.latest_review(school.id)
    if review is None:
        return "<p>No review has been recorded for this school yet.</p>"
    year = escape(review.academic_year)
    this_year = review.academic_year == current_year(today)
    result = profile(review, framework)
    rows = "".join(
        f"<tr><td>{escape(t.name)}</td><td>{escape(t.level_name)}</td>"
        f"<td>{escape(t.focus.capitalize() if t.focus != 'neither' else '')}</td></tr>"
        for t in result.themes
    )
    said = "This year's review" if this_year else "Last review"
    after = (
        ""
        if this_year
        else f" This year's review ({escape(current_year(today))}) has not been started."
    )
    return (
        f"<p>{said}: {year}, held on {review.review_date:%-d %B %Y}; {result.agreed} of "
        f"{result.total} themes agreed.{after}</p>"
        f"<table class='cr-latest'><tr><th scope='col'>Theme</th>"
        f"<th scope='col'>Level agreed in {year}</th>"
        f"<th scope='col'>Focus</th></tr>{rows}</table>"
    )


def _workbook_links(school: School, framework: Framework, workbooks: Path | None) -> str:
    items = []
    for phase in framework.roadmap.phases:
        links = [
            _link(
                f"{name}.ipynb?school={quote(school.id)}",
                name.split("_", 1)[-1].replace("_", " ").capitalize(),
            )
            for name in phase.workbooks
            if workbooks is not None and (workbooks / f"{name}.ipynb").is_file()
        ]
        shown = ", ".join(links) if links else "<em>coming soon</em>"
        items.append(
            f"<li><strong>Phase {phase.number}: {escape(phase.title)}</strong> — {shown}</li>"
        )
    return f"<ul class='cr-workbooks'>{''.join(items)}</ul>"


def _school_list_html(store: Store, framework: Framework) -> str:
    schools = store.schools()
    if not schools:
        return (
            "<p class='cr-notice'>This data directory holds no schools yet. Import a hub with "
            "<code>careers-review import sample_data</code>, or your own school files.</p>"
        )
    latest: dict[str, Review] = {}
    for found in store.reviews():
        latest[found.school_id] = found
    rows = []
    for school in schools:
        review = latest.get(school.id)
        year = review.academic_year if review else "none yet"
        overall = profile(review, framework).overall_name if review else ""
        kind = school.school_type
        if school.special and "special" not in kind.lower():
            kind += " (special school)"
        rows.append(
            f"<tr><td>{_link(f'?school={quote(school.id)}', school.name)}</td>"
            f"<td>{escape(kind)}</td><td>{escape(school.local_authority)}</td>"
            f"<td>{escape(year)}</td><td>{escape(overall)}</td></tr>"
        )
    return (
        f"<table class='cr-school-list'><tr><th scope='col'>School</th><th scope='col'>Type</th>"
        f"<th scope='col'>Local authority</th><th scope='col'>Latest review</th>"
        f"<th scope='col'>Overall level</th></tr>{''.join(rows)}</table>"
        f"<p>{len(schools)} schools in this hub.</p>"
    )


def _attendees_html(framework: Framework) -> str:
    roles = [r for r in framework.key_roles if r.recommended_attendee]
    items = "".join(
        f"<li><strong>{escape(r.name)}</strong>: {escape(r.summary)}</li>" for r in roles
    )
    return (
        "<p>The review works best with the people who can commit the school to what is agreed:</p>"
        f"<ul class='cr-attendees'>{items}</ul>"
    )


def _session_plan_html(framework: Framework) -> str:
    themes = len(framework.themes)
    steps = [
        "Check the school profile above and who is in the room (5 minutes).",
        f"Take the {themes} themes of the maturity model one at a time: read the levels side by "
        "side, agree the one that fits best, and record the evidence (about 8 minutes each).",
        "Mark each theme as a strength, a priority or neither, then look at the summary chart "
        "against last year's levels (10 minutes).",
        "Turn the priority themes into the first priorities of the strategic careers plan and "
        "agree who takes each forward (10 minutes).",
        "Export the report for governors when the review is complete.",
    ]
    items = "".join(f"<li>{escape(step)}</li>" for step in steps)
    return (
        "<p>Everything is saved as it is typed, so the session can pause and resume at any "
        f"point, on any computer.</p><ol class='cr-session-plan'>{items}</ol>"
    )


def start_page_parts(
    store: Store, framework: Framework, school_id: str = "", workbooks: Path | None = None
) -> tuple[str, School | None, str]:
    """The page around the profile: (HTML above it, the school or None, HTML below it)."""
    top = [_STYLE, f"<div class='cr-start {PLAIN_TEXT}'>"]
    school = None
    if school_id:
        try:
            school = store.school(school_id)
        except UnknownSchoolError:
            top.append(
                f"<p class='cr-notice cr-unknown-school'>There is no school with the id "
                f"<strong>{escape(school_id)}</strong> in this hub. "
                "Choose one from the list below.</p>"
            )
    bottom = [f"<div class='cr-start {PLAIN_TEXT}'>"]
    if school is not None:
        top += [f"<h1 class='cr-school-name'>{escape(school.name)}</h1>", "<h2>School profile</h2>"]
        bottom += [
            "<h2>Internal leadership review</h2>",
            _latest_review_html(store, school, framework),
            "<h2>Who should attend</h2>",
            _attendees_html(framework),
            "<h2>How the session runs</h2>",
            _session_plan_html(framework),
            "<h2>The roadmap</h2>",
            _workbook_links(school, framework, workbooks),
        ]
    else:
        top.append("<p class='cr-lead'>Choose your school to open its profile and workbooks.</p>")
    top.append("</div>")
    bottom += ["<h2>Schools in this hub</h2>", _school_list_html(store, framework), "</div>"]
    return "".join(top), school, "".join(bottom)
