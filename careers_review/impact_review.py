"""The impact evaluation's comparisons: leavers' destinations beside the local authority and
England, and the learner and parent surveys beside the earlier survey, one `Section` each.

Also the small HTML pieces every impact section shares. Nothing here imports ipywidgets; the
page in `careers_review.app.impact` and the impact workbook show these sections as they are.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

import pandas as pd

from .charts import survey_png
from .evidence import FALLING_BY, LOW_POSITIVE, ItemChange, SchoolDestinations, SurveyResults
from .evidence.gather import UPLOAD_HINT, Evidence
from .sections import Chart, Section, cell, heading, paragraph, table

__all__ = [
    "DESTINATION_COLUMNS",
    "destinations_section",
    "learner_survey_section",
    "parent_survey_section",
]

#: The destinations frame's first columns; earlier years in the file follow as "School <year>".
DESTINATION_COLUMNS = ["School", "Local authority", "England"]


def impact_css(name: str) -> str:
    """The classes of one impact section's block (the page's styles and tests rely on them)."""
    return f"cr-impact cr-impact-{name}"


def grid(headers: Sequence[str], rows: Iterable[Sequence[str]], css: str = "") -> str:
    """A bordered table of ready-made cells (from `cell`)."""
    return table(headers, rows, f"cr-t {css}".strip(), cells=True)


def num(text: str, css: str = "") -> str:
    """A right-aligned cell for a figure."""
    return cell(text, f"cr-num {css}".strip())


def problem(message: str) -> str:
    return paragraph(message, "cr-input-error")


def missing(message: str) -> str:
    return f"<div class='cr-missing'>{escape(message)}</div>"


def number(value: float | None) -> float:
    """A figure for a frame: a missing one is NaN, never zero."""
    return float("nan") if value is None else float(value)


def no_rows(columns: Sequence[str], index: str = "") -> pd.DataFrame:
    frame = pd.DataFrame(columns=list(columns))
    frame.index.name = index or None
    return frame


def unavailable(evidence: Evidence, given: str, key: str, what_to_give: str) -> str | None:
    """What the section says when its file was not given, or could not be read; None when it
    was read."""
    if not given.strip():
        return missing(what_to_give)
    return problem(evidence.errors[key]) if key in evidence.errors else None


def _step(step: tuple[str, str, str], html: str, frame: pd.DataFrame, charts=()) -> Section:
    key, title, css = step
    return Section(key, title, html, tuple(charts), frame, css, level=3)


# -- destinations ------------------------------------------------------------------------------

_DESTINATIONS = ("destinations", "Destinations of leavers", impact_css("destinations"))


def _area(name: str) -> str:
    """A local authority named only by its code (no names file to hand) reads as such."""
    return f"local authority {name}" if name.isdigit() else name


def destinations_section(evidence: Evidence) -> Section:
    """The school's leavers' destinations beside its local authority's and England's.

    Frame: one row per measure (index "Measure"), the figures as numbers in the columns
    School, Local authority and England, then "School <year>" for each earlier year shown;
    a figure the DfE did not publish is NaN.
    """
    stop = unavailable(
        evidence,
        evidence.files.destinations,
        "destinations",
        f"No destinations file yet. {UPLOAD_HINT}: the DfE's destination measures as "
        "published, either the Key Stage 4 file, the 16-18 (Key Stage 5) file or a download "
        "from Explore Education Statistics. The school is found in it by the URN in its "
        "profile.",
    )
    dest = evidence.destinations
    if stop or dest is None:
        html = stop or paragraph(evidence.destinations_note, "cr-not-found")
        return _step(_DESTINATIONS, html, no_rows(DESTINATION_COLUMNS, "Measure"))
    shown = dest.to_frame()
    data = evidence.destinations_file
    kind = data.kind_name if data else dest.kind
    year = f" ({dest.year_label})"
    la = dest.local_authority
    summary = (
        f"{dest.name or 'The school'} (URN {dest.urn}), {kind}{year}. {dest.headline}: "
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
        dis, other = dest.school.disadvantaged, dest.school.non_disadvantaged
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
    for label, values in shown.iterrows():
        cells = [f"<th>{escape(str(label))}</th>"]
        for value in map(str, values):
            suppressed = bool(value) and not value[0].isdigit() and not value.startswith("-")
            cells.append(cell(value, "cr-suppressed" if suppressed else "cr-num"))
        rows.append(cells)
    headers = ["Measure", *[_area(str(c)) for c in shown.columns]]
    html = paragraph(summary) + paragraph(gap_text) + grid(headers, rows, "cr-destinations-table")
    # The same figures as numbers: what the DfE did not publish becomes NaN, never zero.
    frame = shown.apply(lambda column: pd.to_numeric(column.str.rstrip("%"), errors="coerce"))
    frame = frame.astype("float64")
    frame.columns = DESTINATION_COLUMNS
    frame.index.name = "Measure"
    if dest.earlier_years:
        earlier = []
        for past in dest.earlier_years:
            gap_then = past.disadvantaged_gap
            shown_gap = "not published" if gap_then is None else f"{gap_then:g}"
            earlier.append(
                [
                    cell(dest.earlier_label(past)),
                    num(past.cohort.label),
                    num(past.sustained.label),
                    num(shown_gap),
                ]
            )
            frame[f"School {past.label}"] = pd.Series(
                {
                    "Pupils in cohort": past.cohort.value,
                    dest.headline: past.sustained.value,
                    "Disadvantage gap (points)": gap_then,
                },
                dtype="float64",
            )
        html += heading(4, "Earlier years in the file") + grid(
            ["Pupils", "Pupils in cohort", dest.headline, "Disadvantage gap (points)"],
            earlier,
            "cr-earlier-years",
        )
    html += _neet(evidence, dest, frame)
    html += paragraph(
        "A figure the DfE did not publish is shown as such (suppressed, not available), never "
        "as zero.",
        "cr-muted",
    )
    return _step(_DESTINATIONS, html, frame)


def _neet(evidence: Evidence, dest: SchoolDestinations, frame: pd.DataFrame) -> str:
    """The school's LA's 16-17 year olds NEET or not known, beside England: context for the
    destinations. Adds the two shares to `frame` as rows (the school's cell is empty)."""
    neet = evidence.neet
    if neet is None:
        return ""
    la, england = neet.for_la(dest.la_code), neet.england
    if la is None:
        return paragraph(
            f"The NEET file has no row for {_area(dest.la_name)} (code {dest.la_code}).",
            "cr-not-found",
        )
    text = (
        f"Young people aged 16-17 in {_area(la.la_name or dest.la_name)}, {la.year_label}: "
        f"{la.neet.label} not in education, employment or training, and {la.not_known.label} "
        "whose activity the local authority does not know"
    )
    if england is not None:
        text += f" (England: {england.neet.label} and {england.not_known.label})"
    for label, pick in (
        ("NEET, age 16-17", lambda f: f.neet.value),
        ("Activity not known, age 16-17", lambda f: f.not_known.value),
    ):
        values = {"Local authority": pick(la), "England": pick(england) if england else None}
        frame.loc[label] = pd.Series(values, dtype="float64")
    return heading(4, "Not in education, employment or training") + paragraph(text + ".")


# -- surveys -----------------------------------------------------------------------------------

_LEARNER = ("learner", "Learner career-readiness survey", impact_css("survey cr-impact-learner"))
_PARENT = ("parent", "Parent and carer questionnaire", impact_css("survey cr-impact-parent"))
_CHANGE = "Change (points)"


def _percent(value: float | None) -> str:
    return "no answers" if value is None else f"{value:.1f}%"


def _points(value: float | None) -> str:
    return "not compared" if value is None else f"{value:+.1f}".replace("-", "\u2212")


def _survey(
    survey: SurveyResults, changes: list[ItemChange] | None, previous: str
) -> tuple[str, pd.DataFrame]:
    """The survey's table and the same figures as a frame: one row per statement."""
    frame = survey.to_frame()
    frame.index.name = "Statement"
    header = ["Statement", *frame.columns]
    by_item = {change.item: change for change in changes or []}
    if changes is not None:
        header += [previous, _CHANGE]
        frame[previous] = [number(getattr(by_item.get(i), "previous", None)) for i in frame.index]
        frame[_CHANGE] = [number(getattr(by_item.get(i), "change", None)) for i in frame.index]
    rows = []
    for item in survey.items:
        cells = [cell(item)]
        for group in (*survey.year_groups, None):
            value = survey.percent_positive(item, group)
            low = value is not None and value < LOW_POSITIVE
            cells.append(num(_percent(value), "cr-low" if low else ""))
        if changes is not None:
            change = by_item.get(item)
            before = change.previous if change else None
            delta = change.change if change else None
            falling = delta is not None and delta <= -FALLING_BY
            cells.append(num(_percent(before) if before is not None else "not asked"))
            marked = _points(delta) + (" (fall)" if falling else "")
            cells.append(num(marked, "cr-low" if falling else ""))
        rows.append(cells)
    html = grid(header, rows, f"cr-survey-table cr-survey-{survey.kind}")
    return html, frame


def _survey_text(survey: SurveyResults, compared: bool) -> tuple[str, str]:
    """The lead above the survey's table and the key below it."""
    who = "learners" if survey.kind == "learner" else "parents and carers"
    groups = survey.year_groups
    span = f"Year {groups[0]}" if len(groups) == 1 else f"Years {groups[0]} to {groups[-1]}"
    lead = (
        f"{survey.respondents:,} {who} answered in {survey.academic_year} ({span}). Each figure "
        "is the share of those who answered the statement who agree or strongly agree."
    )
    key = f"Figures below {LOW_POSITIVE:g}% are in bold."
    if compared:
        key += f" A fall of {FALLING_BY:g} points or more is marked (fall)."
    return paragraph(lead), paragraph(key, "cr-muted")


def _survey_chart(survey: SurveyResults, changes, previous: str, who: str, title: str) -> Chart:
    png = survey_png(survey, changes, title=title, previous_label=previous)
    alt = (
        f"Bar chart of the percentage of {who} who agree or strongly agree with each statement "
        f"in {survey.academic_year}"
        + (f", with {previous} marked as diamonds" if previous else "")
        + f"; a dashed line marks {LOW_POSITIVE:g}%."
    )
    return Chart(png, alt)


def learner_survey_section(evidence: Evidence) -> Section:
    """The learner survey: % agreeing per statement and year group, and the change since the
    earlier survey where one was given and compared.

    Frame: one row per statement (index "Statement"), a column per year group ("Year 9"...)
    and "All" with the % agreeing, then, where compared, the earlier survey's % (the column
    named by its year) and "Change (points)".
    """
    files = evidence.files
    stop = unavailable(
        evidence,
        files.learner_survey,
        "learner",
        f"No learner survey yet. {UPLOAD_HINT}: a CSV file with one row per learner and the "
        "columns learner_id, year_group and academic_year, then one column per statement, "
        "each answer from Strongly disagree to Strongly agree (or 1 to 5). Upload an earlier "
        "year's survey with the same statements too, to see the change.",
    )
    if stop:
        return _step(_LEARNER, stop, no_rows(["All"], "Statement"))
    survey = evidence.learner
    assert survey is not None
    extra = ""
    if "previous" in evidence.errors:
        extra = problem(evidence.errors["previous"])
    elif evidence.change_error:
        extra = problem(evidence.change_error)
    elif not files.previous_learner_survey.strip():
        extra = paragraph(
            "No survey from an earlier year yet, so there is no change to show: upload one "
            "with the button below to compare.",
            "cr-muted",
        )
    changes = evidence.changes
    before = evidence.previous
    previous = before.academic_year if before is not None and changes is not None else ""
    body, frame = _survey(survey, changes, previous)
    lead, key = _survey_text(survey, changes is not None)
    title = f"Learners agreeing, {survey.academic_year}"
    chart = _survey_chart(survey, changes, previous, "learners", title)
    return _step(_LEARNER, lead + extra + body + key, frame, [chart])


def parent_survey_section(evidence: Evidence) -> Section:
    """The parent and carer questionnaire: % agreeing per statement and year group.

    Frame: one row per statement (index "Statement"), a column per year group and "All".
    """
    stop = unavailable(
        evidence,
        evidence.files.parent_survey,
        "parent",
        f"No parent and carer questionnaire yet. {UPLOAD_HINT}: a CSV file shaped like the "
        "learner survey, with respondent_id in place of learner_id (year_group is the "
        "child's).",
    )
    if stop:
        return _step(_PARENT, stop, no_rows(["All"], "Statement"))
    survey = evidence.parent
    assert survey is not None
    body, frame = _survey(survey, None, "")
    lead, key = _survey_text(survey, False)
    title = f"Parents and carers agreeing, {survey.academic_year}"
    chart = _survey_chart(survey, None, "", "parents and carers", title)
    return _step(_PARENT, lead + body + key, frame, [chart])
