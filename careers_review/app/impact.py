"""Phase 3 as a page: impact evaluation in four steps, plan, collect, review and act.

The evidence (DfE destinations, learner and parent surveys, the encounters log) is read once
when the page opens and shown as static HTML and PNG, so it stays in a Papermill run and in an
exported report, not only in a live kernel. Only the last step has widgets: the actions the
evidence suggests, which the team can add to the strategic careers plan through the session.

A file that is missing or wrong spoils only its own section: the section says what to give or
what is wrong (file, row, column), and the rest of the page works as before.
"""

from __future__ import annotations

import hashlib
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from html import escape
from pathlib import Path

import ipywidgets as w
from matplotlib.figure import Figure

from ..charts import CURRENT_COLOUR, png_bytes, previous_markers
from ..content import Framework
from ..errors import InputError
from ..evidence import (
    FALLING_BY,
    LOW_POSITIVE,
    DestinationsFile,
    EncounterCoverage,
    EncountersLog,
    ItemChange,
    SchoolDestinations,
    SurveyResults,
    change_since,
    load_destinations,
    load_encounters,
    load_survey,
    propose_actions,
    school_year_groups,
)
from ..evidence.encounters import ENCOUNTER_TYPES, TYPE_LABELS
from ..model import KPI, Action, Plan, Priority, School
from ..report import PLAIN_TEXT
from ..workspace import EVIDENCE_FOLDER, hide_paths
from .common import STYLE, NoticesView, SaveStatusView, View, lock_editing, section
from .session import ReviewSession

__all__ = [
    "NEW_PRIORITY",
    "NEW_PRIORITY_TITLE",
    "README_HINT",
    "ActView",
    "Evidence",
    "EvidenceFiles",
    "ImpactApp",
    "Part",
    "ProposalRow",
    "gather_evidence",
    "impact_app",
    "kpi_progress",
    "kpi_progress_png",
    "survey_png",
]

#: Dropdown value for "put the action under a new priority" (not a valid priority id).
NEW_PRIORITY = "+new"
NEW_PRIORITY_TITLE = "Impact evaluation"
#: Where a careers leader finds the column list of every file this page reads.
README_HINT = "the CSV shapes in sample_data/evidence/README.md"
_SAMPLES = "../sample_data/evidence/"
_TRACK = "#DDDDDD"

IMPACT_STYLE = """
<style>
.cr-impact table { border-collapse: collapse; margin: 0.4em 0 0.8em; font-size: 14px; }
div.cr-impact table.cr-t th, div.cr-impact table.cr-t td { border: 1px solid #ccc;
  padding: 3px 7px; text-align: left; vertical-align: top; }
div.cr-impact table.cr-t td.cr-num { text-align: right; }
.cr-impact .cr-low, .cr-impact .cr-short { font-weight: 700; color: #8a1c00; }
.cr-impact .cr-suppressed { font-style: italic; color: #555; }
.cr-impact .cr-input-error, .cr-impact .cr-not-found { color: #b00020; font-weight: 600; }
.cr-impact .cr-missing { color: #444; background: #f4f4f4; padding: 0.4em 0.6em; }
.cr-proposed-action { border: 1px solid #ddd; padding: 6px; margin: 4px 0; }
</style>
"""


# ---------------------------------------------------------------------------------------------
# What the page reads


@dataclass(frozen=True)
class EvidenceFiles:
    """The data files a school brings; an empty path means "not provided"."""

    destinations: str = ""
    urn: str = ""
    learner_survey: str = ""
    previous_learner_survey: str = ""
    parent_survey: str = ""
    encounters: str = ""


WHERE = f"Put it in the data directory's {EVIDENCE_FOLDER}/<school id>/ folder"
_PATTERNS = {
    "destinations": ("*destinations*.csv", "*pupdest*.csv", "*studest*.csv"),
    "learner_survey": ("learner_survey_*.csv",),
    "parent_survey": ("parent_survey_*.csv",),
    "encounters": ("encounters_*.csv",),
}


def discover_evidence(folder: Path, files: EvidenceFiles) -> EvidenceFiles:
    """Fill the files not given from a school's evidence folder (DATA_DIR/evidence/<school>/):
    the newest file of each kind by name, and the one before it as the earlier survey."""
    if not folder.is_dir():
        return files
    found = {
        kind: sorted({p for pattern in patterns for p in folder.glob(pattern)})
        for kind, patterns in _PATTERNS.items()
    }
    chosen = {}
    for kind, paths in found.items():
        if paths and not getattr(files, kind):
            chosen[kind] = str(paths[-1])
    surveys = found["learner_survey"]
    if len(surveys) > 1 and not files.previous_learner_survey and not files.learner_survey:
        chosen["previous_learner_survey"] = str(surveys[-2])
    return replace(files, **chosen)


@dataclass(frozen=True)
class Loaded:
    """One file as the Collect step reports it: given or not, read or why not."""

    label: str
    parameter: str
    given: str
    kind: str = ""
    academic_year: str = ""
    rows: str = ""
    error: str = ""
    notes: tuple[str, ...] = ()

    @property
    def state(self) -> str:
        if not self.given:
            return "not provided"
        return "could not be read" if self.error else "read"


@dataclass
class Evidence:
    """Everything the evidence files gave, with a plain message wherever one failed."""

    files: EvidenceFiles
    academic_year: str
    learner: SurveyResults | None = None
    previous: SurveyResults | None = None
    parent: SurveyResults | None = None
    changes: list[ItemChange] | None = None
    change_error: str = ""
    log: EncountersLog | None = None
    coverage: EncounterCoverage | None = None
    coverage_note: str = ""
    destinations_file: DestinationsFile | None = None
    destinations: SchoolDestinations | None = None
    destinations_note: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    proposals: list[Action] = field(default_factory=list)
    proposals_error: str = ""
    data_dir: Path | None = None  # named on the page by what it is, never by its path

    def shown(self, text: str) -> str:
        return hide_paths(text, self.data_dir) if self.data_dir else text

    @property
    def any_given(self) -> bool:
        f = self.files
        given = (f.destinations, f.learner_survey, f.previous_learner_survey, f.parent_survey)
        return any(text.strip() for text in (*given, f.encounters))


def _resolve(given: str) -> Path:
    """Relative paths are taken from the current directory (the notebook's folder in Voilà)."""
    path = Path(given).expanduser()
    return path if path.is_absolute() else Path.cwd() / path


def gather_evidence(
    files: EvidenceFiles,
    school: School,
    framework: Framework,
    academic_year: str,
    data_dir: Path | None = None,
) -> Evidence:
    """Read every file given; an `InputError` is kept as that file's message, never raised."""
    found = Evidence(files, academic_year, data_dir=data_dir)

    def attempt(key: str, given: str, read: Callable[[Path], object]) -> object | None:
        if not given.strip():
            return None
        try:
            return read(_resolve(given.strip()))
        except InputError as exc:
            found.errors[key] = found.shown(str(exc))
            return None

    found.learner = attempt("learner", files.learner_survey, lambda p: load_survey(p, "learner"))
    found.previous = attempt(
        "previous", files.previous_learner_survey, lambda p: load_survey(p, "learner")
    )
    found.parent = attempt("parent", files.parent_survey, lambda p: load_survey(p, "parent"))
    if found.learner is not None and found.previous is not None:
        try:
            found.changes = change_since(found.learner, found.previous)
        except InputError as exc:
            found.change_error = found.shown(str(exc))
    found.log = attempt("encounters", files.encounters, load_encounters)
    if found.log is not None:
        _cover(found, school, framework)
    found.destinations_file = attempt("destinations", files.destinations, load_destinations)
    if found.destinations_file is not None:
        _find_school(found, school)
    surveys = [s for s in (found.learner, found.parent) if s is not None]
    if found.previous is not None and found.changes is not None:
        surveys.append(found.previous)
    try:
        found.proposals = propose_actions(
            encounters=found.coverage,
            surveys=surveys,
            destinations=found.destinations,
            framework=framework,
        )
    except InputError as exc:
        found.proposals_error = found.shown(str(exc))
    return found


def _cover(found: Evidence, school: School, framework: Framework) -> None:
    log = found.log
    assert log is not None
    try:
        groups: tuple[int, ...] | None = school_year_groups(school.age_range)
    except InputError:
        groups = None
    years = log.academic_years
    year = found.academic_year if found.academic_year in years else years[-1]
    if year != found.academic_year:
        found.coverage_note = (
            f"The log has no activities in {found.academic_year}, so it is shown for {year}, "
            "the latest year it covers."
        )
    found.coverage = log.coverage(year, year_groups=groups, framework=framework)


def _find_school(found: Evidence, school: School) -> None:
    data = found.destinations_file
    assert data is not None
    urn = found.files.urn.strip() or school.urn
    if not urn:
        found.destinations_note = (
            "The school's profile has no URN and none was given: set the urn parameter to the "
            "school's six-digit unique reference number."
        )
        return
    if urn not in set(data.urns()):
        found.destinations_note = (
            f"URN {urn} is not in this destinations file ({data.path.name}, "
            f"{len(data):,} schools). Give the URN the DfE publishes the school's figures under "
            "with the urn parameter, or a file that includes the school."
        )
        return
    found.destinations = data.school(urn)


# ---------------------------------------------------------------------------------------------
# Static output


@dataclass(frozen=True)
class Part:
    """One piece of static output: HTML, or a PNG chart with its text alternative."""

    html: str = ""
    png: bytes = b""
    alt: str = ""


def _percent(value: float | None) -> str:
    return "no answers" if value is None else f"{value:.1f}%"


def _points(value: float | None) -> str:
    if value is None:
        return "not compared"
    return f"{value:+.1f}".replace("-", "\u2212")


def _amount(value: float | None, unit: str) -> str:
    if value is None:
        return "not set"
    number = f"{value:g}"
    if unit.strip() == "%":
        return f"{number}%"
    return f"{number} {unit.strip()}".strip()


def _cell(text: str, css: str = "", *, raw: bool = False) -> str:
    content = text if raw else escape(text)
    return f"<td class='{css}'>{content}</td>" if css else f"<td>{content}</td>"


def _table(header: Iterable[str], rows: Iterable[Iterable[str]], css: str) -> str:
    """`rows` hold ready-made cells (from `_cell`); the header is plain text."""
    head = "".join(f"<th>{escape(name)}</th>" for name in header)
    body = "".join(f"<tr>{''.join(row)}</tr>" for row in rows)
    classes = f"cr-t {css}".strip()
    return f"<table class='{classes}'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _h(level: int, text: str, css: str = "") -> str:
    attribute = f" class='{css}'" if css else ""
    return f"<h{level}{attribute}>{escape(text)}</h{level}>"


def _p(text: str, css: str = "") -> str:
    attribute = f" class='{css}'" if css else ""
    return f"<p{attribute}>{escape(text)}</p>"


def _problem(message: str) -> str:
    return _p(message, "cr-input-error")


def _missing(text: str) -> str:
    return f"<div class='cr-missing'>{text}</div>"


def _wrap(css: str, *chunks: str) -> str:
    return f"<div class='cr-impact {PLAIN_TEXT} {css}'>{''.join(chunks)}</div>"


def _unavailable(
    evidence: Evidence, given: str, key: str, css: str, title: str, what_to_give: str
) -> list[Part] | None:
    """The section's only part when its file was not given, or could not be read."""
    if not given.strip():
        return [Part(_wrap(css, title, _missing(escape(what_to_give))))]
    if key in evidence.errors:
        return [Part(_wrap(css, title, _problem(evidence.errors[key])))]
    return None


def _kpis(plan: Plan) -> list[tuple[Priority, KPI]]:
    return [(priority, kpi) for priority in plan.priorities for kpi in priority.kpis]


def _header_part(session: ReviewSession) -> Part:
    return Part(
        STYLE
        + IMPACT_STYLE
        + f"<div class='cr-impact {PLAIN_TEXT} cr-impact-header'>"
        + f"<h1 class='cr-school-name'>{escape(session.school.name)}</h1>"
        + _p(f"Impact evaluation, academic year {session.review.academic_year}", "cr-muted")
        + _p(
            "Four steps: what the plan said it would measure, the evidence collected, what "
            "the evidence shows, and what to do about it."
        )
        + "</div>"
    )


def _plan_part(session: ReviewSession) -> Part:
    year = session.review.academic_year
    pairs = _kpis(session.review.plan)
    intro = _p(
        "Before looking at any data, recall what the strategic careers plan for "
        f"{year} set out to change: its key performance indicators, each with a starting "
        "point and a target."
    )
    if not pairs:
        body = _missing(
            escape(
                f"The plan for {year} has no key performance indicators yet. Add them in the "
                "strategic careers plan workbook (03), each with a baseline and a target, so "
                "this evaluation has something to measure against."
            )
        )
    else:
        rows = [
            [
                _cell(priority.title or priority.id),
                _cell(kpi.name or "(no name)"),
                _cell(_amount(kpi.baseline, kpi.unit), "cr-num"),
                _cell(_amount(kpi.target, kpi.unit), "cr-num"),
            ]
            for priority, kpi in pairs
        ]
        body = _table(["Priority", "Key performance indicator", "Baseline", "Target"], rows, "")
    return Part(
        _wrap("cr-impact-plan", _h(2, "1. Plan: what we said we would measure"), intro, body)
    )


def _collected(evidence: Evidence) -> list[Loaded]:
    files, errors = evidence.files, evidence.errors
    found: list[Loaded] = []

    def survey(
        key: str, label: str, parameter: str, given: str, result: SurveyResults | None
    ) -> None:
        who = "learners" if key != "parent" else "replies"
        found.append(
            Loaded(
                label,
                parameter,
                given.strip(),
                kind="Learner survey" if key != "parent" else "Parent and carer survey",
                academic_year=result.academic_year if result else "",
                rows=f"{result.respondents:,} {who}" if result else "",
                error=errors.get(key, ""),
                notes=result.notes if result else (),
            )
        )

    survey("learner", "Learner survey", "learner_survey", files.learner_survey, evidence.learner)
    survey(
        "previous",
        "Earlier learner survey",
        "previous_learner_survey",
        files.previous_learner_survey,
        evidence.previous,
    )
    survey(
        "parent", "Parent and carer survey", "parent_survey", files.parent_survey, evidence.parent
    )
    log = evidence.log
    found.append(
        Loaded(
            "Encounters log",
            "encounters_file",
            files.encounters.strip(),
            kind="Encounters log",
            academic_year=", ".join(log.academic_years) if log else "",
            rows=f"{len(log.activities):,} activities" if log else "",
            error=errors.get("encounters", ""),
            notes=log.notes if log else (),
        )
    )
    data = evidence.destinations_file
    found.append(
        Loaded(
            "Destinations",
            "destinations_file",
            files.destinations.strip(),
            kind=data.kind_name if data else "",
            academic_year=(data.year or "not named in the file") if data else "",
            rows=f"{len(data):,} schools" if data else "",
            error=errors.get("destinations", ""),
            notes=data.notes if data else (),
        )
    )
    return found


def _collect_part(evidence: Evidence) -> Part:
    loaded = _collected(evidence)
    rows = []
    for item in loaded:
        css = {"read": "cr-read", "not provided": "cr-not-provided"}.get(
            item.state, "cr-input-error"
        )
        rows.append(
            [
                _cell(item.label),
                _cell(evidence.shown(item.given) or f"none ({item.parameter} is empty)"),
                _cell(item.kind or "\u2013"),
                _cell(item.academic_year or "\u2013"),
                _cell(item.rows or "\u2013", "cr-num"),
                _cell(item.state, css),
            ]
        )
    notes = [note for item in loaded for note in item.notes]
    given = sum(1 for item in loaded if item.given)
    intro = _p(
        f"{given} of {len(loaded)} evidence files given. Each file's columns are described in "
        f"{README_HINT}; the sample files sit in {_SAMPLES}."
    )
    return Part(
        _wrap(
            "cr-impact-collect",
            _h(2, "2. Collect: the evidence given"),
            intro,
            _table(
                ["Evidence", "File", "Kind", "Academic year", "Rows", "State"],
                rows,
                "cr-collect-table",
            ),
            "".join(_p(note, "cr-muted") for note in notes),
        )
    )


# -- destinations ------------------------------------------------------------------------------


def _destinations_parts(evidence: Evidence) -> list[Part]:
    title = _h(3, "Destinations of leavers")
    files = evidence.files
    stop = _unavailable(
        evidence,
        files.destinations,
        "destinations",
        "cr-impact-destinations",
        title,
        f"No destinations file given. {WHERE}, or set destinations_file to a DfE "
        "destination measures CSV: the Key Stage 4 file "
        "(england_ks4-pupdest.csv), the 16-18 (Key Stage 5) file or an "
        "Explore Education Statistics download, and urn to the school's "
        "URN if the profile's is not the one the DfE uses. The columns "
        f"each shape needs are in {README_HINT}; "
        f"{_SAMPLES}ks5_destinations_sample.csv is a small example.",
    )
    if stop:
        return stop
    if evidence.destinations is None:
        return [
            Part(
                _wrap(
                    "cr-impact-destinations",
                    title,
                    _p(evidence.destinations_note, "cr-not-found"),
                )
            )
        ]
    dest = evidence.destinations
    frame = dest.to_frame()
    kind = evidence.destinations_file.kind_name if evidence.destinations_file else dest.kind
    year = f" for {dest.year}" if dest.year else ""
    la = dest.local_authority
    summary = (
        f"{dest.name or 'The school'} (URN {dest.urn}), {kind}{year}. Sustained destination: "
        f"{dest.sustained.label}"
        + (
            f"; {_area(la.name)}: {la.sustained.label}"
            if la
            else f"; the file has no row for {_area(dest.la_name)}"
        )
        + (f"; England: {dest.england.sustained.label}." if dest.england else ".")
    )
    gap = dest.disadvantaged_gap
    if gap is None:
        gap_text = (
            "The disadvantage gap cannot be worked out: at least one of the two rates is not "
            "published for this school."
        )
    else:
        dis = dest.school.disadvantaged
        other = dest.school.non_disadvantaged
        assert dis is not None and other is not None
        gap_text = (
            f"Disadvantaged pupils: {dis.sustained.label} in a sustained destination, against "
            f"{other.sustained.label} for other pupils, a gap of {gap:g} percentage points"
        )
        comparisons = [
            f"{_area(place.name)}: {place.disadvantaged_gap:g}"
            for place in (la, dest.england)
            if place is not None and place.disadvantaged_gap is not None
        ]
        gap_text += f" ({'; '.join(comparisons)})." if comparisons else "."
    rows = []
    for label, values in frame.iterrows():
        cells = [f"<th>{escape(str(label))}</th>"]
        for value in values:
            text = str(value)
            suppressed = bool(text) and not text[0].isdigit() and not text.startswith("-")
            cells.append(_cell(text, "cr-suppressed" if suppressed else "cr-num"))
        rows.append(cells)
    table = _table(
        ["Measure", *[_area(str(c)) for c in frame.columns]], rows, "cr-destinations-table"
    )
    earlier = ""
    if dest.earlier_years:
        earlier_rows = [
            [
                _cell(year.label),
                _cell(year.cohort.label, "cr-num"),
                _cell(year.sustained.label, "cr-num"),
                _cell(
                    "not published"
                    if year.disadvantaged_gap is None
                    else f"{year.disadvantaged_gap:g}",
                    "cr-num",
                ),
            ]
            for year in dest.earlier_years
        ]
        earlier = _h(4, "Earlier years in the file") + _table(
            ["Year", "Pupils in cohort", "Sustained destination", "Disadvantage gap (points)"],
            earlier_rows,
            "cr-earlier-years",
        )
    note = _p(
        "A figure the DfE did not publish is shown as such (suppressed, not available), never "
        "as zero.",
        "cr-muted",
    )
    return [
        Part(
            _wrap(
                "cr-impact-destinations",
                title,
                _p(summary),
                _p(gap_text),
                table,
                earlier,
                note,
            )
        )
    ]


def _area(name: str) -> str:
    """A local authority named only by its code (no names file to hand) reads as such."""
    return f"local authority {name}" if name.isdigit() else name


# -- surveys -----------------------------------------------------------------------------------


def _survey_table(survey: SurveyResults, changes: list[ItemChange] | None, previous: str) -> str:
    header = [
        "Statement",
        *[f"Year {group}" for group in survey.year_groups],
        "All",
    ]
    if changes is not None:
        header += [previous, "Change (points)"]
    by_item = {change.item: change for change in changes or []}
    rows = []
    for item in survey.items:
        cells = [_cell(item)]
        for group in (*survey.year_groups, None):
            value = survey.percent_positive(item, group)
            low = value is not None and value < LOW_POSITIVE
            cells.append(_cell(_percent(value), "cr-num cr-low" if low else "cr-num"))
        if changes is not None:
            change = by_item.get(item)
            before = change.previous if change else None
            delta = change.change if change else None
            falling = delta is not None and delta <= -FALLING_BY
            cells.append(_cell(_percent(before) if before is not None else "not asked", "cr-num"))
            cells.append(
                _cell(
                    _points(delta) + (" (fall)" if falling else ""),
                    "cr-num cr-low" if falling else "cr-num",
                )
            )
        rows.append(cells)
    return _table(header, rows, f"cr-survey-table cr-survey-{survey.kind}")


def _learner_parts(evidence: Evidence) -> list[Part]:
    files = evidence.files
    title = _h(3, "Learner career-readiness survey")
    css = "cr-impact-survey cr-impact-learner"
    stop = _unavailable(
        evidence,
        files.learner_survey,
        "learner",
        css,
        title,
        f"No learner survey given. {WHERE}, or set learner_survey to a CSV with one row "
        "per learner: learner_id, year_group, academic_year, then one "
        "column per statement, each answer from Strongly disagree to "
        "Strongly agree (or 1 to 5). Set previous_learner_survey to an "
        "earlier year's file with the same statements to see the change. "
        f"See {README_HINT}; for example "
        f"{_SAMPLES}learner_survey_2026-27.csv.",
    )
    if stop:
        return stop
    survey = evidence.learner
    assert survey is not None
    extra = ""
    if "previous" in evidence.errors:
        extra = _problem(evidence.errors["previous"])
    elif evidence.change_error:
        extra = _problem(evidence.change_error)
    elif not files.previous_learner_survey.strip():
        extra = _p(
            "No earlier survey given (previous_learner_survey), so there is no change to show.",
            "cr-muted",
        )
    previous = evidence.previous if evidence.changes is not None else None
    label = f"{previous.academic_year}" if previous else ""
    parts = [
        Part(
            _wrap(
                css,
                title,
                _p(_survey_lead(survey)),
                extra,
                _survey_table(survey, evidence.changes, label),
                _p(_survey_key(evidence.changes is not None), "cr-muted"),
            )
        ),
        Part(
            png=survey_png(
                survey,
                evidence.changes,
                title=f"Learners agreeing, {survey.academic_year}",
                previous_label=label,
            ),
            alt="% of learners agreeing with each statement",
        ),
    ]
    return parts


def _survey_lead(survey: SurveyResults) -> str:
    who = "learners" if survey.kind == "learner" else "parents and carers"
    groups = survey.year_groups
    span = f"Year {groups[0]}" if len(groups) == 1 else f"Years {groups[0]} to {groups[-1]}"
    return (
        f"{survey.respondents:,} {who} answered in {survey.academic_year} ({span}). Each figure "
        "is the share of those who answered the statement who agree or strongly agree."
    )


def _survey_key(compared: bool) -> str:
    text = f"Figures below {LOW_POSITIVE:g}% are in bold."
    if compared:
        text += f" A fall of {FALLING_BY:g} points or more is marked (fall)."
    return text


def _parent_parts(evidence: Evidence) -> list[Part]:
    files = evidence.files
    title = _h(3, "Parent and carer questionnaire")
    css = "cr-impact-survey cr-impact-parent"
    stop = _unavailable(
        evidence,
        files.parent_survey,
        "parent",
        css,
        title,
        f"No parent and carer questionnaire given. {WHERE}, or set parent_survey to a CSV "
        "shaped like the learner survey with respondent_id in place of "
        "learner_id (year_group is the child's). See "
        f"{README_HINT}; for example {_SAMPLES}parent_survey_2026-27.csv.",
    )
    if stop:
        return stop
    survey = evidence.parent
    assert survey is not None
    return [
        Part(
            _wrap(
                css,
                title,
                _p(_survey_lead(survey)),
                _survey_table(survey, None, ""),
                _p(_survey_key(False), "cr-muted"),
            )
        ),
        Part(
            png=survey_png(
                survey, None, title=f"Parents and carers agreeing, {survey.academic_year}"
            ),
            alt="% of parents and carers agreeing with each statement",
        ),
    ]


# -- encounters --------------------------------------------------------------------------------


def _encounter_parts(evidence: Evidence, framework: Framework) -> list[Part]:
    files = evidence.files
    title = _h(3, "Encounters log")
    css = "cr-impact-encounters"
    stop = _unavailable(
        evidence,
        files.encounters,
        "encounters",
        css,
        title,
        f"No encounters log given. {WHERE}, or set encounters_file to a CSV with one row "
        "per activity: date, year_groups, type, provider, pupils, "
        "description (type is employer_encounter, workplace_experience, "
        "fe_he_encounter, provider_access or personal_guidance). See "
        f"{README_HINT}; for example {_SAMPLES}encounters_2026-27.csv.",
    )
    if stop:
        return stop
    coverage = evidence.coverage
    assert coverage is not None
    names = {b.number: b.name for b in framework.benchmarks}
    header = ["Year group"] + [
        f"{TYPE_LABELS[key]} (Benchmark {number})" for key, number in ENCOUNTER_TYPES.items()
    ]
    rows = []
    for group in coverage.year_groups:
        cells = [_cell(f"Year {group}")]
        for key in ENCOUNTER_TYPES:
            count = coverage.by_type[group][key]
            cells.append(_cell(str(count), "cr-num cr-short" if count == 0 else "cr-num"))
        rows.append(cells)
    coverage_table = _table(header, rows, "cr-encounters-table")
    benchmark_header = ["Year group"] + [
        f"Benchmark {number}: {names.get(number, '')}".rstrip(": ")
        for number in sorted(set(ENCOUNTER_TYPES.values()))
    ]
    benchmark_rows = [
        [_cell(f"Year {group}")]
        + [
            _cell(str(count), "cr-num cr-short" if count == 0 else "cr-num")
            for _, count in sorted(coverage.by_benchmark[group].items())
        ]
        for group in coverage.year_groups
    ]
    phase_rows = []
    for phase in coverage.provider_access:
        duty = (
            "every pupil must attend"
            if phase.requirement == "must_attend"
            else "must be offered to every pupil"
        )
        state = "met" if phase.met else f"short by {phase.short_by}"
        phase_rows.append(
            [
                _cell(phase.name),
                _cell(str(phase.count), "cr-num"),
                _cell(str(phase.minimum), "cr-num"),
                _cell(duty),
                _cell(state, "cr-met" if phase.met else "cr-short"),
            ]
        )
    phases = _table(
        ["Key phase", "Provider encounters logged", "Minimum", "Duty", "State"],
        phase_rows,
        "cr-provider-access-table",
    )
    gaps = (
        "<ul class='cr-encounter-gaps'>"
        + "".join(f"<li>{escape(gap.message)}</li>" for gap in coverage.gaps)
        + "</ul>"
        if coverage.gaps
        else _p(
            "No gaps: every key phase has its provider encounters and every year group "
            "has met an employer."
        )
    )
    last = coverage.last_date
    until = f", logged up to {last.day} {last:%B %Y}" if last else ""
    return [
        Part(
            _wrap(
                css,
                title,
                _p(
                    f"Activities in {coverage.academic_year}{until}, counted for every year "
                    "group they included. A zero is in bold."
                ),
                _p(evidence.coverage_note, "cr-muted") if evidence.coverage_note else "",
                coverage_table,
                _h(4, "By Gatsby Benchmark"),
                _table(benchmark_header, benchmark_rows, "cr-benchmark-coverage"),
                _h(4, "Provider access duty, per key phase"),
                phases,
                _p(
                    "The minimum is for the whole key phase, which spans two school years, so "
                    "a shortfall part-way through a year is a prompt to plan rather than a "
                    "breach.",
                    "cr-muted",
                ),
                _h(4, "Gaps"),
                gaps,
            )
        )
    ]


# -- KPI progress ------------------------------------------------------------------------------


def kpi_progress(kpi: KPI) -> float | None:
    """How far from baseline to target the current value has come, as a % (None if unknown).

    Works for KPIs that should fall as well as rise: baseline 12 and target 3 with current 6
    is 67%. Below 0 means it moved away from the target; above 100, past it.
    """
    if kpi.baseline is None or kpi.target is None or kpi.current is None:
        return None
    if kpi.target == kpi.baseline:
        return None
    return 100.0 * (kpi.current - kpi.baseline) / (kpi.target - kpi.baseline)


def _progress_text(kpi: KPI) -> str:
    progress = kpi_progress(kpi)
    if progress is not None:
        return f"{progress:.0f}%"
    if kpi.current is None:
        return "not measured yet"
    if kpi.baseline is None or kpi.target is None:
        return "needs a baseline and a target"
    return "target equals baseline"


def _kpi_parts(session: ReviewSession) -> list[Part]:
    pairs = _kpis(session.review.plan)
    title = _h(3, "Progress on the plan's key performance indicators")
    css = "cr-impact-kpis"
    if not pairs:
        return [
            Part(
                _wrap(
                    css,
                    title,
                    _missing(
                        escape(
                            "No key performance indicators in the plan, so there is no progress "
                            "to show. Add them in the strategic careers plan workbook (03)."
                        )
                    ),
                )
            )
        ]
    rows = [
        [
            _cell(priority.title or priority.id),
            _cell(kpi.name or "(no name)"),
            _cell(_amount(kpi.baseline, kpi.unit), "cr-num"),
            _cell(_amount(kpi.target, kpi.unit), "cr-num"),
            _cell(_amount(kpi.current, kpi.unit), "cr-num"),
            _cell(_progress_text(kpi), "cr-num cr-kpi-progress"),
        ]
        for priority, kpi in pairs
    ]
    measured = sum(1 for _, kpi in pairs if kpi.current is not None)
    lead = (
        "Progress is how far the current value has moved from the baseline towards the "
        "target (100% is the target reached)."
    )
    if measured < len(pairs):
        lead += (
            f" {len(pairs) - measured} of {len(pairs)} have no current value yet: enter it in "
            "the strategic careers plan workbook (03) once the evidence above gives it."
        )
    return [
        Part(
            _wrap(
                css,
                title,
                _p(lead),
                _table(
                    ["Priority", "KPI", "Baseline", "Target", "Current", "Progress"],
                    rows,
                    "cr-kpi-table",
                ),
            )
        ),
        Part(
            png=kpi_progress_png([kpi for _, kpi in pairs], title="Progress towards each target"),
            alt="Progress towards each KPI's target",
        ),
    ]


# -- charts ------------------------------------------------------------------------------------


def _plain(text: str) -> str:
    """Text from a file drawn as it is: a '$' would otherwise start matplotlib's maths."""
    return text.replace("$", r"\$")


def _label(text: str, width: int = 46) -> str:
    lines = textwrap.wrap(text, width) or [""]
    if len(lines) > 3:
        lines = [*lines[:2], lines[2][: width - 1] + "\u2026"]
    return _plain("\n".join(lines))


def survey_png(
    survey: SurveyResults,
    changes: list[ItemChange] | None = None,
    *,
    title: str = "",
    previous_label: str = "",
) -> bytes:
    """% agreeing per statement as bars, the earlier survey's % as diamonds, 60% marked."""
    items = list(survey.items)
    rows = list(range(len(items)))[::-1]
    fig = Figure(figsize=(11, 1.4 + 0.62 * len(items)), dpi=100)
    ax = fig.subplots()
    values = [survey.percent_positive(item) for item in items]
    ax.barh(
        rows,
        [value or 0 for value in values],
        height=0.55,
        color=CURRENT_COLOUR,
        label=_plain(survey.academic_year),
        zorder=2,
    )
    for row, value in zip(rows, values, strict=True):
        # Inside the bar's start, clear of the earlier survey's diamond at the bar's end.
        if value is None or value < 8:
            text = "no answers" if value is None else f"{value:.0f}%"
            ax.text((value or 0) + 1.2, row, text, va="center", fontsize=11)
        else:
            ax.text(
                1.2,
                row,
                f"{value:.0f}%",
                va="center",
                fontsize=11,
                color="white",
                fontweight="bold",
                zorder=4,
            )
    if changes:
        before = [
            (change.previous, row)
            for change, row in zip(changes, rows, strict=True)
            if change.previous is not None
        ]
        previous_markers(ax, before, _plain(previous_label or "Earlier survey"), size=90)
    ax.axvline(LOW_POSITIVE, color="black", linestyle="--", linewidth=1.2, alpha=0.7, zorder=2.5)
    ax.set_yticks(rows, [_label(item) for item in items], fontsize=10)
    ax.set_xlim(0, 100)
    ax.set_ylim(-0.7, len(items) - 0.3)
    ax.set_xlabel(f"% agree or strongly agree (dashed line: {LOW_POSITIVE:g}%)", fontsize=11)
    ax.grid(axis="x", color="#EEEEEE", zorder=0)
    ax.spines[["top", "right"]].set_visible(False)
    if title:
        ax.set_title(_plain(title), fontsize=14, loc="left")
    ax.legend(loc="upper center", bbox_to_anchor=(0.4, -0.1), ncol=2, fontsize=11, frameon=False)
    return png_bytes(fig)


def kpi_progress_png(kpis: list[KPI], *, title: str = "") -> bytes:
    """Progress from baseline to target per KPI as bars on a 0-100% track."""
    rows = list(range(len(kpis)))[::-1]
    fig = Figure(figsize=(11, 1.3 + 0.6 * max(len(kpis), 1)), dpi=100)
    ax = fig.subplots()
    ax.barh(rows, [100] * len(kpis), height=0.55, color=_TRACK, zorder=1)
    progress = [kpi_progress(kpi) for kpi in kpis]
    ax.barh(
        rows,
        [min(max(value or 0, 0), 100) for value in progress],
        height=0.55,
        color=CURRENT_COLOUR,
        zorder=2,
    )
    for row, kpi, value in zip(rows, kpis, progress, strict=True):
        text = _progress_text(kpi)
        if value is not None and value >= 100:
            text += " (target reached)"
        ax.text(
            2,
            row,
            text,
            va="center",
            fontsize=11,
            color="black",
            zorder=3,
            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 1.5},
        )
    ax.set_yticks(rows, [_label(kpi.name or "(no name)", 40) for kpi in kpis], fontsize=10)
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of the way from baseline to target", fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    if title:
        ax.set_title(_plain(title), fontsize=14, loc="left")
    return png_bytes(fig)


# ---------------------------------------------------------------------------------------------
# Act: the widgets


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()


_FROM_EVIDENCE = "from-evidence"


def _key(action: Action) -> tuple[str, str]:
    """Two actions are the same proposal when their wording and link match."""
    return _normal(action.what), action.link


def _in_plan(plan: Plan) -> set[tuple[str, str]]:
    return {_key(action) for priority in plan.priorities for action in priority.actions}


class ProposalRow:
    """One proposed action: its text, "Add to the plan", and the priority it would go under."""

    def __init__(self, action: Action, link_name: str) -> None:
        self.action = action
        measure = (
            f"<br><span class='cr-muted'>Success measure: {escape(action.success_measure)}</span>"
            if action.success_measure
            else ""
        )
        link = f"<br><span class='cr-muted'>{escape(link_name)}</span>" if link_name else ""
        self.text = w.HTML(f"<strong>{escape(action.what)}</strong>{measure}{link}")
        self.choose = w.Checkbox(value=False, description="Add to the plan", indent=False)
        self.priority = w.Dropdown(
            description="Priority",
            style={"description_width": "70px"},
            layout=w.Layout(width="520px"),
        )
        self.state = w.HTML()
        self.widget = w.VBox([self.text, w.HBox([self.choose, self.priority, self.state])])
        self.widget.add_class("cr-proposed-action")

    def show(self, options: list[tuple[str, str]], default: str, in_plan: bool) -> None:
        kept = self.priority.value
        values = [value for _, value in options]
        self.priority.options = options
        self.priority.value = kept if kept in values else default
        self.choose.disabled = in_plan
        self.priority.disabled = in_plan
        if in_plan:
            self.choose.value = False
        self.state.value = "<span class='cr-in-plan'>Already in the plan</span>" if in_plan else ""


class ActView(View):
    """The proposed actions, each to tick and place under a priority, and the button that adds
    the ticked ones to the plan (each proposal once, however often it is pressed)."""

    def __init__(
        self, session: ReviewSession, proposals: list[Action], error: str = "", *, given: bool
    ) -> None:
        super().__init__(session)
        names = {
            f"benchmark:{b.number}": f"Benchmark {b.number}: {b.name}"
            for b in session.framework.benchmarks
        }
        names |= {f"theme:{t.id}": f"Theme: {t.name}" for t in session.framework.themes}
        self.rows = [ProposalRow(action, names.get(action.link, "")) for action in proposals]
        self.add = w.Button(
            description="Add the chosen actions to the plan",
            icon="plus",
            button_style="primary",
            layout=w.Layout(width="auto"),
        )
        self.add.add_class("cr-add-actions")
        self.add.on_click(lambda _: self.add_chosen())
        self.add.disabled = not self.rows
        self.message = w.HTML()
        self.message.add_class("cr-act-message")
        if error:
            lead = w.HTML(_wrap("", _problem(error)))
        elif not self.rows:
            lead = w.HTML(
                _p(
                    "The evidence given shows no gaps that call for a new action."
                    if given
                    else "Give evidence files above to get actions proposed from the gaps "
                    "they show."
                )
            )
        else:
            lead = w.HTML(
                _p(
                    f"{len(self.rows)} action{'s' if len(self.rows) != 1 else ''} proposed from "
                    "the gaps above. Tick the ones the team agrees, choose the priority each "
                    "belongs under, then add them. Give each an owner and a date in the "
                    "strategic careers plan workbook (03)."
                )
            )
        self.footer = w.HBox([self.add])
        self.widget = w.VBox(
            [
                section("4. Act: add what the evidence asks for to the plan"),
                lead,
                *[row.widget for row in self.rows],
                self.footer,
                self.message,
            ]
        )
        self.widget.add_class("cr-impact-act")
        self.refresh()

    def _existing_new_priority(self, plan: Plan) -> Priority | None:
        for priority in plan.priorities:
            if _normal(priority.title) == _normal(NEW_PRIORITY_TITLE):
                return priority
        return None

    def _options(self, plan: Plan) -> list[tuple[str, str]]:
        options = [
            (priority.title or f"Priority {priority.id}", priority.id)
            for priority in plan.priorities
        ]
        if self._existing_new_priority(plan) is None:
            options.append((f"A new priority: {NEW_PRIORITY_TITLE}", NEW_PRIORITY))
        return options

    def refresh(self) -> None:
        """Redraw from the plan: its priorities in each dropdown, and what it already holds."""
        plan = self.session.review.plan
        options = self._options(plan)
        held = _in_plan(plan)
        fallback = self._existing_new_priority(plan)
        with self.syncing():
            for row in self.rows:
                same_link = [
                    p.id for p in plan.priorities if row.action.link and p.link == row.action.link
                ]
                default = (
                    same_link[0]
                    if same_link
                    else (fallback.id if fallback is not None else NEW_PRIORITY)
                )
                row.show(options, default, _key(row.action) in held)

    def add_chosen(self) -> int:
        """Add the ticked actions under their priorities; returns how many were added."""
        chosen = [row for row in self.rows if row.choose.value]
        if not chosen:
            self.message.value = _p("Nothing added: tick at least one action first.")
            return 0
        plan = self.session.review.plan
        priorities = [priority.model_copy(deep=True) for priority in plan.priorities]
        held = _in_plan(plan)
        added: list[str] = []
        for row in chosen:
            key = _key(row.action)
            if key in held:
                continue
            target = self._target(priorities, row.priority.value)
            held.add(key)
            # The id comes from the proposal: two tabs adding the same one add one action.
            digest = hashlib.sha256(repr(key).encode("utf-8")).hexdigest()[:8]
            action = row.action.model_copy(update={"id": f"evidence-{digest}"})
            target.actions = [*target.actions, action]
            added.append(target.title or target.id)
        if added:
            self.session.set_plan(plan.model_copy(update={"priorities": priorities}))
            places = ", ".join(sorted(set(added)))
            self.message.value = _p(
                f"Added {len(added)} action{'s' if len(added) != 1 else ''} to the plan "
                f"(under {places})."
            )
        else:
            self.message.value = _p("Nothing added: the chosen actions are already in the plan.")
        self.refresh()
        return len(added)

    def _target(self, priorities: list[Priority], chosen: str | None) -> Priority:
        for priority in priorities:
            if priority.id == chosen:
                return priority
        for priority in priorities:
            if _normal(priority.title) == _normal(NEW_PRIORITY_TITLE) or (
                priority.id == _FROM_EVIDENCE
            ):
                return priority
        # One fixed id: two tabs that each start it start the same priority.
        created = Priority(id=_FROM_EVIDENCE, title=NEW_PRIORITY_TITLE)
        priorities.append(created)
        return created


# ---------------------------------------------------------------------------------------------
# The page


class ImpactApp:
    """The phase 3 page: the evidence as static parts, then the Act widgets, wired to a session.

    `inline=True` is for a page opened with its school: `show()` puts the parts in the cell's
    output (so Papermill keeps them and reports export them) and `widget` stays empty. Opened
    from the school picker, the parts become widgets in `widget`, because output produced by a
    click has no cell to go to.
    """

    def __init__(
        self, session: ReviewSession, files: EvidenceFiles, *, inline: bool = False
    ) -> None:
        self.session = session
        self.evidence = gather_evidence(
            files,
            session.school,
            session.framework,
            session.review.academic_year,
            data_dir=session.store.data_dir,
        )
        evidence = self.evidence
        self.parts: list[Part] = [
            _header_part(session),
            _plan_part(session),
            _collect_part(evidence),
            Part(
                _wrap(
                    "cr-impact-review",
                    _h(2, "3. Review: what the evidence shows"),
                    _p(
                        "Each kind of evidence in turn, against the local authority and "
                        "England where the data allows, and against last year where it was "
                        "given."
                    ),
                )
            ),
            *_destinations_parts(evidence),
            *_learner_parts(evidence),
            *_parent_parts(evidence),
            *_encounter_parts(evidence, session.framework),
            *_kpi_parts(session),
        ]
        self.status = SaveStatusView(session)
        self.act = ActView(
            session,
            evidence.proposals,
            evidence.proposals_error,
            given=evidence.any_given,
        )
        self.notices = NoticesView(session)
        self.act.footer.children = [
            *self.act.footer.children,
            self.status.widget,
            self.notices.widget,
        ]
        if session.read_only:
            lock_editing(self.act.widget)
        self.act.widget.add_class("cr-app")
        self.inline = inline
        if inline:
            self.widget = w.VBox()
        else:
            self.widget = w.VBox([*[_part_widget(part) for part in self.parts], self.act.widget])
            self.widget.add_class("cr-app")
        self.widget.add_class("cr-impact-app")
        session.listen(self._on_session)

    def html(self) -> str:
        """All the static HTML of the page, in order (what a report or a test reads)."""
        return "\n".join(part.html for part in self.parts if part.html)

    def show(self) -> None:
        """Display the parts as static output, then the Act widgets."""
        from IPython.display import HTML, Image, display

        for part in self.parts:
            if part.png:
                display(Image(data=part.png, format="png", metadata={"alt": part.alt}))
            else:
                display(HTML(part.html))
        display(self.act.widget)

    def _on_session(self, what: str) -> None:
        if what == "notices":
            self.notices.refresh()
            return
        self.status.refresh()
        if what == "document":
            self.act.refresh()


def _part_widget(part: Part) -> w.Widget:
    if part.png:
        image = w.Image(value=part.png, format="png", layout=w.Layout(max_width="1000px"))
        image.add_class("cr-impact-chart")
        return image
    return w.HTML(part.html)


def impact_app(
    school_id: str = "",
    data_dir: str = "",
    framework: str = "",
    academic_year: str = "",
    destinations_file: str = "",
    urn: str = "",
    learner_survey: str = "",
    previous_learner_survey: str = "",
    parent_survey: str = "",
    encounters_file: str = "",
    autosave_delay: float = 0.4,
) -> w.VBox:
    """The impact evaluation page (phase 3) for one school and year, from the files given.

    Empty file arguments mean "not provided"; relative paths are taken from the current
    directory. Without a school (or with an unknown one) a picker is shown first.
    """
    from . import review_page

    files = EvidenceFiles(
        destinations=destinations_file,
        urn=urn,
        learner_survey=learner_survey,
        previous_learner_survey=previous_learner_survey,
        parent_survey=parent_survey,
        encounters=encounters_file,
    )
    # Only the first build runs inside the cell; later ones come from the picker's button.
    first = {"inline": bool(school_id)}

    def make(session: ReviewSession, workspace) -> ImpactApp:
        # Inline only for the school named in the cell (an unknown one goes through the picker).
        inline = first["inline"] and session.school.id == school_id
        first["inline"] = False
        folder = workspace.data_dir / EVIDENCE_FOLDER / session.school.id
        app = ImpactApp(session, discover_evidence(folder, files), inline=inline)
        if inline:
            app.show()
        return app

    return review_page(school_id, data_dir, framework, academic_year, autosave_delay, make)
