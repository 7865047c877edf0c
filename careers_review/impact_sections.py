"""The impact evaluation's reading steps: one pure function per step, each taking the review
or the gathered evidence and returning one `Section` that displays itself.

The impact workbook calls them one cell each; a careers leader can work with each step's
figures as a pandas DataFrame in its `.frame` (empty, with its columns, when the step's file
was not given or could not be read). `impact_sections` gives the whole page in order. The
fourth step, Act, adds actions to the plan and so has widgets: it is in
`careers_review.app.impact`. Nothing here imports ipywidgets.

    evidence = evidence_for(session, EvidenceFiles(learner_survey="learners.csv"))
    learner_survey_section(evidence).frame
"""

from __future__ import annotations

from html import escape
from pathlib import PurePath
from typing import TYPE_CHECKING

import pandas as pd

from .charts import kpi_progress_png
from .content import Framework
from .evidence.encounters import ENCOUNTER_TYPES, TYPE_LABELS
from .evidence.gather import (
    UPLOAD_HINT,
    Evidence,
    EvidenceFiles,
    discover_evidence,
    gather_evidence,
    kpi_progress,
    progress_text,
)
from .evidence.listing import collected
from .impact_review import (
    DESTINATION_COLUMNS,
    destinations_section,
    grid,
    impact_css,
    learner_survey_section,
    missing,
    no_rows,
    num,
    number,
    parent_survey_section,
    unavailable,
)
from .model import KPI, Plan, Priority, Review, School
from .sections import Chart, Section, cell, heading, paragraph
from .workspace import EVIDENCE_FOLDER

if TYPE_CHECKING:
    from .app.review_session import ReviewSession

__all__ = [
    "COLLECT_COLUMNS",
    "DESTINATION_COLUMNS",
    "IMPACT_STYLE",
    "KPI_COLUMNS",
    "PLAN_COLUMNS",
    "Evidence",
    "EvidenceFiles",
    "collect_section",
    "destinations_section",
    "discover_evidence",
    "encounters_section",
    "evidence_for",
    "gather_evidence",
    "header_section",
    "impact_sections",
    "kpi_progress",
    "kpi_section",
    "learner_survey_section",
    "parent_survey_section",
    "plan_section",
    "review_section",
]

IMPACT_STYLE = """
<style>
.cr-impact table { border-collapse: collapse; margin: 0.4em 0 0.8em; font-size: 16px; }
div.cr-impact table.cr-t th, div.cr-impact table.cr-t td { border: 1px solid #ccc;
  padding: 3px 7px; text-align: left; vertical-align: top; }
div.cr-impact table.cr-t td.cr-num { text-align: right; }
.cr-impact .cr-low, .cr-impact .cr-short { font-weight: 700; color: #8a1c00; }
.cr-impact .cr-suppressed { font-style: italic; color: #555; }
.cr-impact .cr-input-error, .cr-impact .cr-not-found { color: #b00020; font-weight: 600; }
.cr-impact .cr-missing { color: #444; background: #f4f4f4; padding: 0.4em 0.6em; }
.cr-impact img.cr-chart { display: block; max-width: min(100%, 1000px); margin: 0.4em 0; }
.cr-proposed-action { border: 1px solid #ddd; padding: 6px; margin: 4px 0; }
</style>
"""
PLAN_COLUMNS = ["Priority", "KPI", "Unit", "Baseline", "Target"]
KPI_COLUMNS = [*PLAN_COLUMNS, "Current", "Progress (%)"]
_COLLECT_HEADERS = ["Evidence", "File", "Kind", "Academic year", "Rows", "State"]
COLLECT_COLUMNS = [*_COLLECT_HEADERS, "Parameter", "Problem"]


def evidence_for(session: ReviewSession, files: EvidenceFiles | None = None) -> Evidence:
    """Read a school's evidence for its open review: the files given, and any left empty
    taken from the data directory's evidence/<school id>/ folder."""
    data_dir = session.store.data_dir
    folder = data_dir / EVIDENCE_FOLDER / session.school.id
    found = discover_evidence(folder, files or EvidenceFiles())
    return gather_evidence(
        found, session.school, session.framework, session.review.academic_year, data_dir
    )


def impact_sections(session: ReviewSession, evidence: Evidence) -> list[Section]:
    """Every reading step of the page in order (the Act step's widgets come after them)."""
    review, framework = session.review, session.framework
    return [
        header_section(session.school, review.academic_year),
        plan_section(review, framework),
        collect_section(evidence),
        review_section(),
        destinations_section(evidence),
        learner_survey_section(evidence),
        parent_survey_section(evidence),
        encounters_section(evidence, framework),
        kpi_section(review),
    ]


def header_section(school: School, academic_year: str) -> Section:
    """The page's heading: the school, the year and the four steps; it carries the styles the
    sections after it use."""
    html = (
        IMPACT_STYLE
        + f"<h1 class='cr-school-name'>{escape(school.name)}</h1>"
        + paragraph(f"Impact evaluation, academic year {academic_year}", "cr-muted")
        + paragraph(
            "Four steps: what the plan said it would measure, the evidence collected, what "
            "the evidence shows, and what to do about it."
        )
    )
    return Section("header", "", html, css=impact_css("header"))


def _kpis(plan: Plan) -> list[tuple[Priority, KPI]]:
    return [(priority, kpi) for priority in plan.priorities for kpi in priority.kpis]


def _amount(value: float | None, unit: str) -> str:
    if value is None:
        return "not set"
    if unit.strip() == "%":
        return f"{value:g}%"
    return f"{value:g} {unit.strip()}".strip()


def plan_section(review: Review, framework: Framework | None = None) -> Section:
    """Step 1: what the plan said it would measure, before any data.

    Frame: one row per KPI with its Priority, KPI (name), Unit, Baseline and Target (NaN where
    not set). The framework is not needed; it is taken so every step is called alike.
    """
    year = review.academic_year
    pairs = _kpis(review.plan)
    html = paragraph(
        "Before looking at any data, recall what the strategic careers plan for "
        f"{year} set out to change: its key performance indicators, each with a starting "
        "point and a target."
    )
    if not pairs:
        html += missing(
            f"The plan for {year} has no key performance indicators yet. Add them on the "
            "strategic plan page, each with a baseline and a target, so this evaluation has "
            "something to measure against."
        )
    else:
        rows = [
            [
                cell(p.title or p.id),
                cell(k.name or "(no name)"),
                num(_amount(k.baseline, k.unit)),
                num(_amount(k.target, k.unit)),
            ]
            for p, k in pairs
        ]
        html += grid(["Priority", "Key performance indicator", "Baseline", "Target"], rows)
    frame = pd.DataFrame(
        [[p.title or p.id, k.name, k.unit, number(k.baseline), number(k.target)] for p, k in pairs],
        columns=PLAN_COLUMNS,
    )
    title = "1. Plan: what we said we would measure"
    return Section("plan", title, html, frame=frame, css=impact_css("plan"))


def collect_section(evidence: Evidence) -> Section:
    """Step 2: each evidence file, given or not, read or why not.

    Frame: one row per file with Evidence, File (its name, without its folder), Kind, Academic year,
    Rows, State ("read", "not provided" or "could not be read"), Parameter (the workbook
    parameter that gives it) and Problem (why it could not be read).
    """
    loaded = collected(evidence)
    states = {"read": "cr-read", "not provided": "cr-not-provided"}
    table_rows, frame_rows = [], []
    for item in loaded:
        shown = PurePath(item.given).name if item.given else ""  # named, never by folder
        figures = [item.kind, item.academic_year, item.rows]
        table_rows.append(
            [
                cell(item.label),
                cell(shown or "none yet"),
                *[cell(text or "\u2013") for text in figures[:2]],
                num(item.rows or "\u2013"),
                cell(item.state, states.get(item.state, "cr-input-error")),
            ]
        )
        frame_rows.append([item.label, shown, *figures, item.state, item.parameter, item.error])
    given = sum(1 for item in loaded if item.given)
    html = (
        paragraph(
            f"{given} of {len(loaded)} evidence files given. Each kind of evidence below has "
            "its own upload button: a file is checked as soon as it is chosen, and every "
            "earlier file is kept."
        )
        + grid(_COLLECT_HEADERS, table_rows, "cr-collect-table")
        + "".join(
            paragraph(evidence.shown(note), "cr-muted") for item in loaded for note in item.notes
        )
    )
    frame = pd.DataFrame(frame_rows, columns=COLLECT_COLUMNS)
    title = "2. Collect: the evidence given"
    return Section("collect", title, html, frame=frame, css=impact_css("collect"))


def review_section() -> Section:
    """Step 3's opening: what the sections after it compare."""
    html = paragraph(
        "Each kind of evidence in turn, against the local authority and England where the "
        "data allows, and against last year where it was given."
    )
    return Section("review", "3. Review: what the evidence shows", html, css=impact_css("review"))


# -- encounters --------------------------------------------------------------------------------


def _encounter_columns(framework: Framework) -> tuple[list[str], list[str]]:
    """One column per type of activity, then one per Gatsby Benchmark they count for."""
    names = {b.number: b.name for b in framework.benchmarks}
    types = [f"{TYPE_LABELS[key]} (Benchmark {n})" for key, n in ENCOUNTER_TYPES.items()]
    benchmarks = [
        f"Benchmark {n}: {names.get(n, '')}".rstrip(": ")
        for n in sorted(set(ENCOUNTER_TYPES.values()))
    ]
    return types, benchmarks


def _count(value: int) -> str:
    return num(str(value), "cr-short" if value == 0 else "")


def encounters_section(evidence: Evidence, framework: Framework) -> Section:
    """The encounters log: activities per year group by type and by Gatsby Benchmark, the
    provider access duty per key phase, and the gaps.

    Frame: one row per year group (index "Year group", "Year 7"...), the number of activities
    of each type ("Employer encounter (Benchmark 5)"...) then per benchmark ("Benchmark 5:
    ..."), as the page's first two tables show them.
    """
    types, benchmarks = _encounter_columns(framework)
    key, title, css = "encounters", "Encounters log", impact_css("encounters")
    stop = unavailable(
        evidence,
        evidence.files.encounters,
        "encounters",
        f"No encounters log yet. {UPLOAD_HINT}: a CSV file with one row per activity and the "
        "columns date, year_groups, type, provider, pupils and description (the type is an "
        "employer encounter, workplace experience, an FE/HE encounter, provider access or "
        "personal guidance).",
    )
    if stop:
        frame = no_rows([*types, *benchmarks], "Year group")
        return Section(key, title, stop, frame=frame, css=css, level=3)
    coverage = evidence.coverage
    assert coverage is not None
    labels = [f"Year {group}" for group in coverage.year_groups]
    by_type = [[coverage.by_type[g][k] for k in ENCOUNTER_TYPES] for g in coverage.year_groups]
    by_benchmark = [
        [n for _, n in sorted(coverage.by_benchmark[g].items())] for g in coverage.year_groups
    ]
    phases = []
    for phase in coverage.provider_access:
        duty = (
            "every pupil must attend"
            if phase.requirement == "must_attend"
            else "must be offered to every pupil"
        )
        state = (
            cell("met", "cr-met") if phase.met else cell(f"short by {phase.short_by}", "cr-short")
        )
        phases.append(
            [cell(phase.name), num(str(phase.count)), num(str(phase.minimum)), cell(duty), state]
        )
    gaps = (
        "<ul class='cr-encounter-gaps'>"
        + "".join(f"<li>{escape(gap.message)}</li>" for gap in coverage.gaps)
        + "</ul>"
        if coverage.gaps
        else paragraph(
            "No gaps: every key phase has its provider encounters and every year group "
            "has met an employer."
        )
    )

    def counts(headers: list[str], values: list[list[int]], css: str) -> str:
        rows = [[cell(label), *map(_count, row)] for label, row in zip(labels, values, strict=True)]
        return grid(["Year group", *headers], rows, css)

    last = coverage.last_date
    until = f", logged up to {last.day} {last:%B %Y}" if last else ""
    html = (
        paragraph(
            f"Activities in {coverage.academic_year}{until}, counted for every year group "
            "they included. A zero is in bold."
        )
        + (paragraph(evidence.coverage_note, "cr-muted") if evidence.coverage_note else "")
        + counts(types, by_type, "cr-encounters-table")
        + heading(4, "By Gatsby Benchmark")
        + counts(benchmarks, by_benchmark, "cr-benchmark-coverage")
        + heading(4, "Provider access duty, per key phase")
        + grid(
            ["Key phase", "Provider encounters logged", "Minimum", "Duty", "State"],
            phases,
            "cr-provider-access-table",
        )
        + paragraph(
            "The minimum is for the whole key phase, which spans two school years, so a "
            "shortfall part-way through a year is a prompt to plan rather than a breach.",
            "cr-muted",
        )
        + heading(4, "Gaps")
        + gaps
    )
    frame = pd.DataFrame(
        [[*a, *b] for a, b in zip(by_type, by_benchmark, strict=True)],
        index=pd.Index(labels, name="Year group"),
        columns=[*types, *benchmarks],
    )
    return Section(key, title, html, frame=frame, css=css, level=3)


# -- KPI progress ------------------------------------------------------------------------------


def kpi_section(review: Review) -> Section:
    """Progress on each of the plan's KPIs, from its baseline towards its target.

    Frame: one row per KPI with Priority, KPI, Unit, Baseline, Target, Current and
    "Progress (%)", how far Current has come from Baseline to Target (NaN where unknown).
    """
    pairs = _kpis(review.plan)
    key, title = "kpis", "Progress on the plan's key performance indicators"
    css = impact_css("kpis")
    frame = pd.DataFrame(
        [
            [p.title or p.id, k.name, k.unit]
            + [number(v) for v in (k.baseline, k.target, k.current, kpi_progress(k))]
            for p, k in pairs
        ],
        columns=KPI_COLUMNS,
    )
    if not pairs:
        html = missing(
            "No key performance indicators in the plan, so there is no progress to show. Add "
            "them on the strategic plan page."
        )
        return Section(key, title, html, frame=frame, css=css, level=3)
    rows = [
        [cell(p.title or p.id), cell(k.name or "(no name)")]
        + [num(_amount(value, k.unit)) for value in (k.baseline, k.target, k.current)]
        + [num(progress_text(k), "cr-kpi-progress")]
        for p, k in pairs
    ]
    measured = sum(1 for _, kpi in pairs if kpi.current is not None)
    lead = (
        "Progress is how far the current value has moved from the baseline towards the "
        "target (100% is the target reached)."
    )
    if measured < len(pairs):
        lead += (
            f" {len(pairs) - measured} of {len(pairs)} have no current value yet: enter it on "
            "the strategic plan page once the evidence above gives it."
        )
    html = paragraph(lead) + grid(
        ["Priority", "KPI", "Baseline", "Target", "Current", "Progress"], rows, "cr-kpi-table"
    )
    png = kpi_progress_png([k for _, k in pairs], title="Progress towards each target")
    alt = (
        "Bar chart of how far each key performance indicator has come from its baseline "
        "towards its target, from 0% to 100% (the target reached)."
    )
    return Section(key, title, html, (Chart(png, alt),), frame, css, level=3)
