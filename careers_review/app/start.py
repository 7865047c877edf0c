"""The start page: the chosen school's profile and the hub's schools, as static HTML.

Static HTML (not widgets) so the same page shows in Voilà, JupyterLab and an executed notebook.
Every value a user typed goes through `escape`.
"""

from __future__ import annotations

from html import escape
from pathlib import Path
from urllib.parse import quote

from ..content import Framework
from ..errors import UnknownSchoolError
from ..model import School
from ..store import Store
from ..summary import profile

__all__ = ["start_page_html"]

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


def _row(label: str, value: str) -> str:
    shown = escape(value) if value else "<em>not recorded</em>"
    return f"<tr><th scope='row'>{escape(label)}</th><td>{shown}</td></tr>"


def _link(href: str, text: str) -> str:
    # target=_self: the notebook renderer opens links without a target in a new tab.
    return f"<a href='{escape(href, quote=True)}' target='_self'>{escape(text)}</a>"


def _profile_html(school: School, framework: Framework) -> str:
    structures = {s.id: s.name for s in framework.leadership_structures}
    leader = school.careers_leader
    contact = " · ".join(part for part in (leader.email, leader.phone) if part)
    rows = [
        ("URN", school.urn),
        ("Type", school.school_type),
        ("Special school", "Yes" if school.special else "No"),
        ("Age range", school.age_range),
        ("Sixth form", "Yes" if school.sixth_form else "No"),
        ("Local authority", school.local_authority),
        ("Pupils on roll", "" if school.pupils is None else f"{school.pupils:,}"),
        ("Headteacher", school.headteacher),
        ("Careers Leader", leader.name + (f" ({contact})" if contact else "")),
        ("Senior leader for careers", school.slt_link),
        ("Link governor", school.link_governor),
        (
            "Leadership structure",
            structures.get(school.leadership_structure, school.leadership_structure),
        ),
        ("Website", school.website),
    ]
    body = "".join(_row(label, value) for label, value in rows)
    return f"<table class='cr-profile'>{body}</table>"


def _latest_review_html(store: Store, school: School, framework: Framework) -> str:
    review = store.latest_review(school.id)
    if review is None:
        return "<p>No review has been recorded for this school yet.</p>"
    result = profile(review, framework)
    rows = "".join(
        f"<tr><td>{escape(t.name)}</td><td>{escape(t.level_name)}</td>"
        f"<td>{escape(t.focus.capitalize() if t.focus != 'neither' else '')}</td></tr>"
        for t in result.themes
    )
    return (
        f"<p>Latest review: {escape(review.academic_year)}, held on "
        f"{review.review_date:%-d %B %Y}; {result.agreed} of {result.total} themes agreed.</p>"
        f"<table class='cr-latest'><tr><th scope='col'>Theme</th><th scope='col'>Agreed level</th>"
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
    latest = {}
    for review in store.reviews():
        latest[review.school_id] = review
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


def start_page_html(
    store: Store, framework: Framework, school_id: str = "", workbooks: Path | None = None
) -> str:
    """The whole start page: a school's profile when one is chosen, then the hub's schools."""
    parts = [_STYLE, "<div class='cr-start'>"]
    school = None
    if school_id:
        try:
            school = store.school(school_id)
        except UnknownSchoolError:
            parts.append(
                f"<p class='cr-notice cr-unknown-school'>There is no school with the id "
                f"<strong>{escape(school_id)}</strong> in this hub. "
                "Choose one from the list below.</p>"
            )
    if school is not None:
        parts += [
            f"<h1 class='cr-school-name'>{escape(school.name)}</h1>",
            "<h2>School profile</h2>",
            _profile_html(school, framework),
            "<h2>Internal leadership review</h2>",
            _latest_review_html(store, school, framework),
            "<h2>The roadmap</h2>",
            _workbook_links(school, framework, workbooks),
        ]
    else:
        parts.append("<p class='cr-lead'>Choose your school to open its profile and workbooks.</p>")
    parts += ["<h2>Schools in this hub</h2>", _school_list_html(store, framework), "</div>"]
    return "".join(parts)
