"""The governor report: sections built from the store as escaped HTML and PNG charts, shown by
the report workbook and turned into HTML and PDF files with nbconvert and WeasyPrint.

Every value a user typed goes through `escape`, so a note holding markup is shown as text.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from html import escape
from pathlib import Path

from .content import Framework
from .errors import CareersReviewError, InputError
from .files import atomic_write_bytes
from .model import Review, School
from .resources import find_templates, find_workbooks
from .store import Store
from .summary import benchmark_scores, change_since, levels, profile, provider_access

__all__ = [
    "PLAIN_TEXT",
    "REPORT_TEMPLATE",
    "REPORT_WORKBOOK",
    "Section",
    "export_report",
    "html_to_pdf",
    "render_report",
    "report_sections",
]

REPORT_WORKBOOK = "05_governor_report.ipynb"
REPORT_TEMPLATE = "careers_report"
#: Classes that keep MathJax (JupyterLab and Voilà use version 3, the classic notebook 2) out
#: of HTML shown in a notebook or an app: a note saying "$5 or $6" is text, not a formula.
PLAIN_TEXT = "mathjax_ignore tex2jax_ignore"

_DUTY = {"met": "Met", "not_met": "Not met", "not_sure": "Not sure", "": "Not yet checked"}
_STATUS = {
    "not_started": "Not started",
    "in_progress": "In progress",
    "done": "Done",
    "dropped": "Dropped",
}


@dataclass(frozen=True)
class Section:
    """One part of the report: a heading, its HTML, and a chart where there is one."""

    key: str
    title: str
    html: str
    chart: bytes | None = None


def _text(value: str) -> str:
    """User text as HTML: escaped, line breaks kept."""
    return escape(value).replace("\n", "<br>")


def _table(headers: list[str], rows: list[list[str]], css: str = "") -> str:
    head = "".join(f"<th scope='col'>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return (
        f"<table class='cr-table {css}'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def _none(message: str) -> str:
    return f"<p class='cr-empty'>{escape(message)}</p>"


def _link_name(link: str, framework: Framework) -> str:
    kind, _, ref = link.partition(":")
    try:
        if kind == "theme":
            return f"Theme: {framework.maturity_model.theme(ref).name}"
        if kind == "benchmark":
            benchmark = framework.benchmark(int(ref))
            return f"Benchmark {benchmark.number}: {benchmark.name}"
    except (KeyError, ValueError):
        pass
    return link


def _priority_benchmarks(review: Review, framework: Framework) -> list[int]:
    """Benchmarks the plan names, then those the priority themes touch; else the weakest two."""
    chosen: list[int] = []
    for priority in review.plan.priorities:
        kind, _, ref = priority.link.partition(":")
        if kind == "benchmark" and ref.isdigit():
            chosen.append(int(ref))
    for result in profile(review, framework).priorities:
        chosen += framework.maturity_model.theme(result.theme_id).benchmarks
    if not chosen:
        scores = [s for s in benchmark_scores(review, framework) if s.total]
        chosen = [s.number for s in sorted(scores, key=lambda s: (s.percent, s.number))[:2]]
    return list(dict.fromkeys(chosen))


def report_sections(
    store: Store, framework: Framework, school_id: str, review_id: str = ""
) -> list[Section]:
    """The report for a school's review (its latest when no review is named)."""
    from .charts import benchmark_scores_png, maturity_profile_png  # matplotlib: only when drawn

    school: School = store.school(school_id)
    review = store.review(review_id) if review_id else store.latest_review(school_id)
    if review is None:
        raise InputError(f"school {school_id}: no review has been recorded yet")
    if review.school_id != school.id:
        raise InputError(f"review {review.id}: belongs to {review.school_id}, not {school_id}")
    previous = store.previous_review(review)
    result = profile(review, framework)
    roles = {r.id: r.name for r in framework.key_roles}
    sections: list[Section] = []

    leader = school.careers_leader
    cover = (
        f"<h1 class='cr-report-school'>{escape(school.name)}</h1>"
        f"<p class='cr-report-subtitle'>Careers leadership review for governors</p>"
        f"<p class='cr-report-date'>Academic year {escape(review.academic_year)} · review held on "
        f"{review.review_date:%-d %B %Y}</p>"
        + _table(
            ["", ""],
            [
                ["URN", escape(school.urn) or "—"],
                ["Careers Leader", _text(leader.name) or "—"],
                ["Link governor", _text(school.link_governor) or "—"],
                ["Overall level", escape(result.overall_name)],
                ["Themes agreed", f"{result.agreed} of {result.total}"],
            ],
            "cr-cover",
        )
    )
    sections.append(Section("cover", "", cover))

    if review.participants:
        rows = [
            [_text(p.name), escape(roles.get(p.role, p.role)) or "—"] for p in review.participants
        ]
        html = _table(["Name", "Role"], rows, "cr-participants")
    else:
        html = _none("The participants were not recorded.")
    sections.append(Section("participants", "Who took part", html))

    previous_levels = levels(previous, framework) if previous else None
    changes = {c.theme_id: c for c in change_since(review, previous, framework)}
    rows = []
    for theme in result.themes:
        change = changes[theme.theme_id]
        moved = {"up": "Up", "down": "Down", "same": "Same", "new": "New"}.get(
            change.direction, "—"
        )
        rows.append([escape(theme.name), escape(theme.level_name), moved])
    chart = None
    if result.agreed:
        chart = maturity_profile_png(
            framework,
            levels(review, framework),
            previous_levels,
            title=f"Maturity profile {review.academic_year}",
            previous_label=f"Review {previous.academic_year}" if previous else "Last review",
            current_label=f"Review {review.academic_year}",
        )
    intro = (
        f"<p>Compared with the review of {escape(previous.academic_year)}.</p>"
        if previous
        else "<p>This is the school's first recorded review: there is nothing to compare with.</p>"
    )
    html = intro + _table(["Theme", "Agreed level", "Since last review"], rows, "cr-levels")
    if not result.agreed:
        html = _none("No theme has an agreed level yet.") + html
    sections.append(Section("profile", "Maturity profile", html, chart))

    def theme_list(found, empty: str) -> str:
        if not found:
            return _none(empty)
        items = []
        for theme in found:
            rating = review.rating(theme.theme_id)
            notes = f"<p class='cr-notes'>{_text(rating.notes)}</p>" if rating.notes else ""
            evidence = _text(rating.evidence) or "<em>No evidence recorded.</em>"
            items.append(
                f"<h3>{escape(theme.name)} ({escape(theme.level_name)})</h3>"
                f"<p>{evidence}</p>{notes}"
            )
        return "".join(items)

    html = "<h3 class='cr-sub'>Strengths</h3>" + theme_list(
        result.strengths, "No theme was marked as a strength."
    )
    html += "<h3 class='cr-sub'>Priorities</h3>" + theme_list(
        result.priorities, "No theme was marked as a priority."
    )
    sections.append(Section("focus", "Strengths and priorities", html))

    found = review.foundations
    rows = []
    for duty in framework.statutory.duties:
        check = found.duties.get(duty.id)
        status = check.status if check else ""
        rows.append([escape(duty.title), escape(_DUTY[status]), _text(check.note) if check else ""])
    html = _table(["Duty", "Status", "Evidence"], rows, "cr-statutory")
    access = provider_access(review, framework, school)
    access_rows = [
        [escape(p.name), str(p.count), str(p.minimum), "Met" if p.met else "Below the minimum"]
        for p in access
    ]
    html += "<h3 class='cr-sub'>Provider access encounters this year</h3>" + _table(
        ["Key phase", "Encounters", "Minimum", ""], access_rows, "cr-access"
    )
    if not found.duties:
        html = _none("The statutory checklist has not been completed for this review.") + html
    sections.append(Section("statutory", "Statutory duties", html))

    scores = benchmark_scores(review, framework, previous)
    assessed = any(review.gatsby.values())
    rows = [
        [
            f"{s.number}. {escape(s.name)}",
            f"{s.percent:.0f}%",
            "—" if s.change is None else f"{s.change:+.0f}",
        ]
        for s in scores
    ]
    html = _table(["Benchmark", "Criteria achieved", "Change (points)"], rows, "cr-benchmarks")
    chart = None
    if assessed:
        chart = benchmark_scores_png(
            scores,
            title="Gatsby Benchmarks: % of criteria achieved",
            previous_label=f"Review {previous.academic_year}" if previous else "Last review",
        )
    else:
        html = _none("The Gatsby Benchmark self-assessment has not been completed.") + html
    sections.append(Section("benchmarks", "Gatsby Benchmarks", html, chart))

    plan = review.plan
    parts = []
    if plan.vision:
        parts.append(f"<p class='cr-vision'><strong>Vision.</strong> {_text(plan.vision)}</p>")
    for priority in plan.priorities:
        parts.append(f"<h3>{_text(priority.title) or 'Untitled priority'}</h3>")
        if priority.link:
            parts.append(f"<p class='cr-muted'>{escape(_link_name(priority.link, framework))}</p>")
        if priority.objectives:
            parts.append(
                "<ul>" + "".join(f"<li>{_text(o.text)}</li>" for o in priority.objectives) + "</ul>"
            )
        if priority.kpis:
            parts.append(
                _table(
                    ["KPI", "Baseline", "Target", "Now"],
                    [
                        [
                            _text(k.name),
                            *(
                                "—" if v is None else f"{v:g}{escape(k.unit)}"
                                for v in (k.baseline, k.target, k.current)
                            ),
                        ]
                        for k in priority.kpis
                    ],
                    "cr-kpis",
                )
            )
        if priority.actions:
            parts.append(
                _table(
                    ["Action", "Owner", "Due", "Status"],
                    [
                        [
                            _text(a.what),
                            _text(a.owner) or "—",
                            f"{a.due_date:%-d %b %Y}" if a.due_date else "—",
                            escape(_STATUS[a.status]),
                        ]
                        for a in priority.actions
                    ],
                    "cr-actions",
                )
            )
    if not plan.priorities:
        parts.append(_none("The strategic careers plan has no priorities yet."))
    sections.append(Section("plan", "Strategic careers plan", "".join(parts)))

    numbers = _priority_benchmarks(review, framework)
    parts = []
    for number in numbers:
        benchmark = framework.benchmark(number)
        questions = "".join(f"<li>{escape(q)}</li>" for q in benchmark.governor_questions)
        parts.append(f"<h3>Benchmark {number}: {escape(benchmark.name)}</h3><ul>{questions}</ul>")
    html = (
        "<p>Questions a governor can ask leaders about the benchmarks this review puts first.</p>"
        + "".join(parts)
        if parts
        else _none("There are no priority benchmarks to ask about.")
    )
    sections.append(Section("questions", "Questions for governors", html))
    return sections


def show_governor_report(
    school_id: str, data_dir: str = "", framework: str = "", review_id: str = ""
) -> None:
    """Display the report in a notebook: static HTML and PNG only, so it exports as it shows."""
    from IPython.display import HTML, Image, display

    from .workspace import open_workspace

    # A report only reads: it works on a read-only mount or a backup, and never writes there.
    workspace = open_workspace(data_dir or None, framework or None, create=False, read_only=True)
    try:
        sections = report_sections(workspace.store, workspace.framework, school_id, review_id)
    finally:
        workspace.close()
    for section in sections:
        heading = f"<h2 class='cr-section cr-section-{section.key}'>{escape(section.title)}</h2>"
        display(
            HTML(
                f"<div class='cr-report {PLAIN_TEXT}'>"
                f"{heading if section.title else ''}{section.html}</div>"
            )
        )
        if section.chart:
            display(Image(data=section.chart, format="png"))


def render_report(
    data_dir: str | os.PathLike[str],
    review_id: str,
    *,
    framework: str | os.PathLike[str] | None = None,
    pdf: bool = False,
    revision: int | None = None,
) -> bytes:
    """Run the report workbook with Papermill and convert it: HTML, or PDF through WeasyPrint.
    With `revision`, the report is of that revision of the review."""
    import nbformat
    import papermill
    from nbconvert import HTMLExporter

    from .workspace import open_workspace

    workspace = open_workspace(data_dir, framework, create=False, read_only=True)
    try:
        review = workspace.store.review(review_id, revision)
        snapshot = _snapshot(workspace.store, review) if revision is not None else []
    finally:
        workspace.close()
    workbooks = find_workbooks()
    with tempfile.TemporaryDirectory(prefix="careers-report-") as tmp:
        executed = Path(tmp) / "report.ipynb"
        report_data, report_framework = workspace.data_dir, framework
        if snapshot:
            report_data, report_framework = _write_snapshot(
                Path(tmp) / "data", snapshot, workspace.data_dir, framework
            )
        try:
            papermill.execute_notebook(
                str(workbooks / REPORT_WORKBOOK),
                str(executed),
                parameters={
                    "school_id": review.school_id,
                    "review_id": review.id,
                    "data_dir": str(report_data),
                    "framework": str(report_framework or ""),
                },
                cwd=str(workbooks),
                progress_bar=False,
                kernel_name="python3",
            )
        except papermill.PapermillExecutionError as exc:
            raise CareersReviewError(
                f"review {review_id}: the report could not be built ({exc.ename}: {exc.evalue})"
            ) from None
        notebook = nbformat.read(executed, as_version=4)
    exporter = HTMLExporter(
        extra_template_basedirs=[str(find_templates())],
        template_name=REPORT_TEMPLATE,
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_markdown=True,
    )
    html, _ = exporter.from_notebook_node(
        notebook, resources={"metadata": {"name": f"{review.school_id} {review.academic_year}"}}
    )
    return html_to_pdf(html) if pdf else html.encode("utf-8")


def _snapshot(store: Store, review: Review) -> list[School | Review]:
    """What the report workbook reads for an earlier revision of a review: the school, its
    other reviews as they are now (for the change since the last one), and that revision."""
    others = [r for r in store.reviews(review.school_id, skip_damaged=True) if r.id != review.id]
    return [store.school(review.school_id), *others, review]


def _write_snapshot(
    folder: Path,
    documents: list[School | Review],
    data_dir: Path,
    framework: str | os.PathLike[str] | None,
) -> tuple[Path, str]:
    """A private store holding `documents` in a temporary folder, and the framework file the
    data directory's kernels would have used (the copy has no framework.yaml of its own)."""
    from .content import DATA_DIR_FRAMEWORK
    from .workspace import FRAMEWORK_ENV

    with Store(folder) as copy:
        copy.save_many(documents, author="report of an earlier revision")
    chosen = str(framework or os.environ.get(FRAMEWORK_ENV) or "")
    if not chosen and (data_dir / DATA_DIR_FRAMEWORK).is_file():
        chosen = str(data_dir / DATA_DIR_FRAMEWORK)
    return folder, chosen


def html_to_pdf(html: str) -> bytes:
    """Print the report's HTML to an A4 PDF with WeasyPrint: offline, no browser needed."""
    try:
        from weasyprint import HTML
    except OSError as exc:  # WeasyPrint is installed but the system's Pango library is not
        raise CareersReviewError(
            "PDF export needs the Pango library: on Debian or Ubuntu run "
            f"'apt-get install libpango-1.0-0 libpangoft2-1.0-0' ({exc})".splitlines()[0]
        ) from None
    return HTML(string=html, base_url=str(find_templates())).write_pdf()


def export_report(
    data_dir: str | os.PathLike[str],
    review_id: str,
    destination: str | os.PathLike[str],
    *,
    framework: str | os.PathLike[str] | None = None,
    revision: int | None = None,
) -> Path:
    """Write the report as .html or .pdf, whole or not at all."""
    destination = Path(destination)
    pdf = destination.suffix.lower() == ".pdf"
    return atomic_write_bytes(
        destination,
        render_report(data_dir, review_id, framework=framework, pdf=pdf, revision=revision),
    )
