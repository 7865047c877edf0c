"""The governor report's sections: one pure function per part of the report, each taking the
loaded `GovernorReport` and returning a `Section` that displays itself.

The report workbook calls them one cell each, so a careers leader can drop, reorder or add a
part and the exported HTML and PDF follow. Every value a user typed goes through `escape`, so a
note holding markup is shown as text. Each section that shows figures carries them as a
DataFrame in `.frame`. Nothing here imports ipywidgets, and matplotlib only loads when a chart
is drawn.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from .content import Framework
from .errors import InputError
from .model import Review, School
from .report_plan import governor_questions, priority_benchmarks, strategic_plan
from .sections import Chart, Section, empty, frame_of, table, text
from .store import Store
from .summary import (
    Profile,
    benchmark_scores,
    change_since,
    criteria_assessed,
    levels,
    profile,
    provider_access,
)

__all__ = [
    "SECTIONS",
    "GovernorReport",
    "benchmarks",
    "cover",
    "governor_questions",
    "governor_report",
    "load_governor_report",
    "maturity_profile",
    "participants",
    "priority_benchmarks",
    "report_sections",
    "statutory_duties",
    "strategic_plan",
    "strengths_and_priorities",
]

_DUTY = {"met": "Met", "not_met": "Not met", "not_sure": "Not sure", "": "Not yet checked"}
_MOVED = {"up": "Up", "down": "Down", "same": "Same", "new": "New"}


@dataclass(frozen=True)
class GovernorReport:
    """What the report is made from: the school, the review, the one before it (None for a
    first review), the framework, and the review's profile that several sections share."""

    school: School
    review: Review
    previous: Review | None
    framework: Framework
    profile: Profile
    #: Whether the team's own notes on each theme are printed: off unless the team asks.
    include_notes: bool = False

    @property
    def previous_label(self) -> str:
        """How the charts name the earlier review."""
        return f"Review {self.previous.academic_year}" if self.previous else "Last review"


def load_governor_report(
    store: Store,
    framework: Framework,
    school_id: str,
    review_id: str = "",
    *,
    include_notes: bool = False,
) -> GovernorReport:
    """The report of a school's review (its latest when no review is named); the team's notes
    on the themes are in it only with `include_notes`."""
    school = store.school(school_id)
    review = store.review(review_id) if review_id else store.latest_review(school_id)
    if review is None:
        raise InputError(f"school {school_id}: no review has been recorded yet")
    if review.school_id != school.id:
        raise InputError(f"review {review.id}: belongs to {review.school_id}, not {school_id}")
    previous = store.previous_review(review)
    return GovernorReport(
        school, review, previous, framework, profile(review, framework), include_notes
    )


def governor_report(
    school_id: str,
    data_dir: str = "",
    framework: str = "",
    review_id: str = "",
    include_notes: bool = False,
) -> GovernorReport:
    """Load the report for a workbook: the data directory is opened read-only (so a backup or a
    read-only mount will do) and closed again before anything is shown."""
    from .workspace import open_workspace

    workspace = open_workspace(data_dir or None, framework or None, create=False, read_only=True)
    try:
        return load_governor_report(
            workspace.store, workspace.framework, school_id, review_id, include_notes=include_notes
        )
    finally:
        workspace.close()


def cover(report: GovernorReport) -> Section:
    """The school, the review's date and its overall level: the report's first page."""
    school, review, result = report.school, report.review, report.profile
    html = (
        f"<h1 class='cr-report-school'>{escape(school.name)}</h1>"
        f"<p class='cr-report-subtitle'>Careers leadership review for governors</p>"
        f"<p class='cr-report-date'>Academic year {escape(review.academic_year)} · review held on "
        f"{review.review_date:%-d %B %Y}</p>"
        + table(
            (),
            [
                ["URN", escape(school.urn) or "—"],
                ["Careers Leader", text(school.careers_leader.name) or "—"],
                ["Link governor", text(school.link_governor) or "—"],
                ["Overall level", escape(result.overall_name)],
                ["Themes agreed", f"{result.agreed} of {result.total}"],
            ],
            "cr-cover",
            row_headers=True,
        )
    )
    return Section("cover", "", html)


def participants(report: GovernorReport) -> Section:
    """Who took part in the review, with the role each holds."""
    roles = {r.id: r.name for r in report.framework.key_roles}
    people = report.review.participants
    frame = frame_of([[p.name, roles.get(p.role, p.role)] for p in people], ["name", "role"])
    if people:
        rows = [[text(p.name), escape(roles.get(p.role, p.role)) or "—"] for p in people]
        html = table(["Name", "Role"], rows, "cr-participants")
    else:
        html = empty("The participants were not recorded.")
    return Section("participants", "Who took part", html, frame=frame)


def maturity_profile(report: GovernorReport) -> Section:
    """The agreed level of each theme, beside the last review's, as a table and a chart."""
    from .charts import maturity_profile_alt, maturity_profile_png  # matplotlib: when drawn

    review, previous, framework = report.review, report.previous, report.framework
    result = report.profile
    before = levels(previous, framework) if previous else {}
    moved = {c.theme_id: c.direction for c in change_since(review, previous, framework)}
    frame = frame_of(
        [
            [t.name, t.level, t.level_name, before.get(t.theme_id), moved[t.theme_id]]
            for t in result.themes
        ],
        ["theme", "level", "level name", "previous level", "change"],
        [t.theme_id for t in result.themes],
        "theme_id",
    )
    rows = [
        [
            escape(t.name),
            "Not assessed yet" if t.level is None else escape(t.level_name),
            _MOVED.get(moved[t.theme_id], "—"),
        ]
        for t in result.themes
    ]
    charts: tuple[Chart, ...] = ()
    if result.agreed:
        now, labels = (
            levels(review, framework),
            {
                "previous_label": report.previous_label,
                "current_label": f"Review {review.academic_year}",
            },
        )
        png = maturity_profile_png(
            framework,
            now,
            before or None,
            title=f"Maturity profile {review.academic_year}",
            **labels,
        )
        charts = (Chart(png, maturity_profile_alt(framework, now, before or None, **labels)),)
    intro = (
        f"<p>Compared with the review of {escape(previous.academic_year)}.</p>"
        if previous
        else "<p>This is the school's first recorded review: there is nothing to compare with.</p>"
    )
    html = intro + table(
        ["Theme", "Agreed level", "Since last review"], rows, "cr-levels", first="48%"
    )
    if not result.agreed:
        html = empty("No theme has an agreed level yet.") + html
    return Section("profile", "Maturity profile", html, charts, frame)


def strengths_and_priorities(report: GovernorReport) -> Section:
    """The themes the team marked as strengths and as priorities, with their evidence."""
    review, result = report.review, report.profile

    def theme_list(found, message: str) -> str:
        if not found:
            return empty(message)
        items = []
        for theme in found:
            rating = review.rating(theme.theme_id)
            notes = ""
            if report.include_notes and rating.notes:
                notes = f"<p class='cr-notes'><strong>Team notes.</strong> {text(rating.notes)}</p>"
            evidence = text(rating.evidence) or "<em>No evidence recorded.</em>"
            items.append(
                f"<h3>{escape(theme.name)} ({escape(theme.level_name)})</h3>"
                f"<p>{evidence}</p>{notes}"
            )
        return "".join(items)

    marked = [*result.strengths, *result.priorities]
    frame = frame_of(
        [[t.name, t.focus, t.level] for t in marked],
        ["theme", "focus", "level"],
        [t.theme_id for t in marked],
        "theme_id",
    )
    html = "<h3 class='cr-sub'>Strengths</h3>" + theme_list(
        result.strengths, "No theme was marked as a strength."
    )
    html += "<h3 class='cr-sub'>Priorities</h3>" + theme_list(
        result.priorities, "No theme was marked as a priority."
    )
    return Section("focus", "Strengths and priorities", html, frame=frame)


def statutory_duties(report: GovernorReport) -> Section:
    """Each statutory duty as met, not met, not sure or not yet checked, and the provider
    access encounters of each key phase against the minimum."""
    review, framework = report.review, report.framework
    found = review.foundations
    checks = [(duty, found.duties.get(duty.id)) for duty in framework.statutory.duties]
    frame = frame_of(
        [[d.title, _DUTY[c.status if c else ""], c.note if c else ""] for d, c in checks],
        ["duty", "status", "evidence"],
        [d.id for d, _ in checks],
        "duty_id",
    )
    rows = [
        [escape(d.title), escape(_DUTY[c.status if c else ""]), text(c.note) if c else ""]
        for d, c in checks
    ]
    html = table(["Duty", "Status", "Evidence"], rows, "cr-statutory")
    access = provider_access(review, framework, report.school)
    access_rows = [
        [escape(p.name), str(p.count), str(p.minimum), "Met" if p.met else "Below the minimum"]
        for p in access
    ]
    html += "<h3 class='cr-sub'>Provider access encounters this year</h3>" + table(
        ["Key phase", "Encounters", "Minimum", "Against the minimum"], access_rows, "cr-access"
    )
    if not found.duties:
        html = empty("The statutory checklist has not been completed for this review.") + html
    return Section("statutory", "Statutory duties", html, frame=frame)


def benchmarks(report: GovernorReport) -> Section:
    """The share of each Gatsby Benchmark's criteria achieved, and the change since last time."""
    from .charts import benchmark_scores_alt, benchmark_scores_png  # matplotlib: when drawn

    review, previous = report.review, report.previous
    scores = benchmark_scores(review, report.framework, previous)
    frame = frame_of(
        [[s.name, s.assessed, s.total, s.percent, s.previous_percent, s.change] for s in scores],
        [
            "name",
            "criteria assessed",
            "criteria",
            "percent achieved",
            "previous percent",
            "change",
        ],
        [s.number for s in scores],
        "benchmark",
    )
    rows = [
        [
            f"{s.number}. {escape(s.name)}",
            f"{s.assessed} of {s.total}",
            escape(s.percent_text),
            "—" if s.change is None else f"{s.change:+.0f}",
        ]
        for s in scores
    ]
    intro = f"<p class='cr-assessed'>{escape(criteria_assessed(scores))}.</p>"
    if previous is not None:
        intro += (
            "<p class='cr-muted'>% achieved is of the criteria assessed this year; the change "
            "is measured on the criteria assessed both this year and in "
            f"{escape(previous.academic_year)}.</p>"
        )
    html = intro + table(
        ["Benchmark", "Criteria assessed", "Achieved", "Change (points)"],
        rows,
        "cr-benchmarks",
        first="48%",
    )
    charts: tuple[Chart, ...] = ()
    if any(review.gatsby.values()):
        png = benchmark_scores_png(
            scores,
            title="Gatsby Benchmarks: % of the criteria assessed that are achieved",
            previous_label=report.previous_label,
        )
        alt = benchmark_scores_alt(scores, previous_label=report.previous_label if previous else "")
        charts = (Chart(png, alt),)
    else:
        html = empty("The Gatsby Benchmark self-assessment has not been completed.") + html
    return Section("benchmarks", "Gatsby Benchmarks", html, charts, frame)


#: The report's sections in their usual order, as the report workbook shows them.
SECTIONS: Sequence[Callable[[GovernorReport], Section]] = (
    cover,
    participants,
    maturity_profile,
    strengths_and_priorities,
    statutory_duties,
    benchmarks,
    strategic_plan,
    governor_questions,
)


def report_sections(
    store: Store,
    framework: Framework,
    school_id: str,
    review_id: str = "",
    *,
    include_notes: bool = False,
) -> list[Section]:
    """The whole report of a school's review (its latest when no review is named), in order."""
    report = load_governor_report(
        store, framework, school_id, review_id, include_notes=include_notes
    )
    return [part(report) for part in SECTIONS]
