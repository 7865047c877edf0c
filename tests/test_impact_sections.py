"""The impact evaluation's reading steps as pure sections: each returns one section whose
frame holds the figures its HTML shows, says plainly when its file is missing or unreadable,
and loads without ipywidgets."""

from __future__ import annotations

import math
import re
import subprocess
import sys
from datetime import date
from html import escape, unescape
from pathlib import Path

import pandas as pd
import pytest

from careers_review import Store, default_framework
from careers_review.app.session import ReviewSession
from careers_review.evidence import load_encounters, load_survey
from careers_review.impact_sections import (
    COLLECT_COLUMNS,
    DESTINATION_COLUMNS,
    KPI_COLUMNS,
    PLAN_COLUMNS,
    Evidence,
    EvidenceFiles,
    collect_section,
    destinations_section,
    encounters_section,
    evidence_for,
    gather_evidence,
    header_section,
    impact_sections,
    kpi_section,
    learner_survey_section,
    parent_survey_section,
    plan_section,
    review_section,
)
from careers_review.sections import Section
from careers_review.workspace import EVIDENCE_FOLDER

from .conftest import ROOT, SAMPLE

FW = default_framework()
TODAY = date(2026, 11, 23)
YEAR = "2026/27"
EVIDENCE = SAMPLE / "evidence"
LEARNER = EVIDENCE / "learner_survey_2026-27.csv"
EARLIER = EVIDENCE / "learner_survey_2025-26.csv"
PARENT = EVIDENCE / "parent_survey_2026-27.csv"
ENCOUNTERS = EVIDENCE / "encounters_2026-27.csv"
KS5 = EVIDENCE / "ks5_destinations_sample.csv"
EES = EVIDENCE / "ees_destinations_sample.csv"
SAMPLES = EvidenceFiles(
    destinations=str(KS5),
    learner_survey=str(LEARNER),
    previous_learner_survey=str(EARLIER),
    parent_survey=str(PARENT),
    encounters=str(ENCOUNTERS),
)
SCHOOL = "oakfield-academy"


def _evidence(store: Store, files: EvidenceFiles) -> Evidence:
    return gather_evidence(files, store.school(SCHOOL), FW, YEAR, data_dir=store.data_dir)


def _session(store: Store) -> ReviewSession:
    return ReviewSession(store, FW, SCHOOL, today=TODAY, autosave_delay=0)


def _cells(html: str, first: str, head: str = "td") -> list[str]:
    """The other cells of the table row whose first cell (a td, or a th) is `first`."""
    match = re.search(rf"<tr><{head}[^>]*>{re.escape(escape(first))}</{head}>(.*?)</tr>", html)
    assert match, first
    return [unescape(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", match[1])]


def _after(html: str, text: str) -> list[str]:
    """The cells after the cell holding `text`, to the end of its row."""
    match = re.search(rf"<td[^>]*>{re.escape(escape(text))}</td>(.*?)</tr>", html)
    assert match, text
    return [unescape(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", match[1])]


def _percent(value: float) -> str:
    return f"{value:.1f}%"


def _is_empty(section: Section, columns: list[str]) -> None:
    assert isinstance(section.frame, pd.DataFrame) and section.frame.empty
    assert list(section.frame.columns) == columns


def test_plan_section_lists_each_kpi_with_its_baseline_and_target(store):
    review = store.review("oakfield-academy-2026-27")
    section = plan_section(review, FW)
    assert section.title == "1. Plan: what we said we would measure"
    frame = section.frame
    assert list(frame.columns) == PLAN_COLUMNS
    kpis = [k for p in review.plan.priorities for k in p.kpis]
    assert list(frame["KPI"]) == [k.name for k in kpis] and len(kpis) == 3
    for row in frame.itertuples(index=False):
        unit = "%" if row.Unit == "%" else f" {row.Unit}".rstrip()
        assert _after(section.html, row.KPI) == [f"{row.Baseline:g}{unit}", f"{row.Target:g}{unit}"]

    empty = plan_section(
        review.model_copy(update={"plan": review.plan.model_copy(update={"priorities": []})})
    )
    assert "has no key performance indicators yet" in empty.html
    _is_empty(empty, PLAN_COLUMNS)


def test_collect_section_says_which_files_were_read(store, tmp_path: Path):
    section = collect_section(_evidence(store, SAMPLES))
    assert section.title == "2. Collect: the evidence given"
    frame = section.frame
    assert list(frame.columns) == COLLECT_COLUMNS
    assert list(frame["State"]) == ["read"] * 5
    assert "5 of 5 evidence files given" in section.html
    for row in frame.itertuples(index=False):
        assert _cells(section.html, row.Evidence) == [
            row.File,
            row.Kind,
            row[COLLECT_COLUMNS.index("Academic year")],
            row.Rows,
            row.State,
        ]
    assert frame.set_index("Evidence").loc["Learner survey", "Rows"] == "267 learners"

    missing = tmp_path / "nowhere.csv"
    section = collect_section(_evidence(store, EvidenceFiles(learner_survey=str(missing))))
    states = section.frame.set_index("Parameter")["State"]
    assert states["learner_survey"] == "could not be read"
    assert (states.drop("learner_survey") == "not provided").all()
    problem = section.frame.set_index("Parameter").loc["learner_survey", "Problem"]
    assert problem == f"{missing}: file not found"


def test_destinations_frame_holds_the_figures_the_table_shows(store):
    section = destinations_section(_evidence(store, SAMPLES))
    assert section.title == "Destinations of leavers" and section.level == 3
    assert "<h3 class='cr-section cr-section-destinations'>" in section.to_html()
    frame = section.frame
    assert list(frame.columns) == DESTINATION_COLUMNS and frame.index.name == "Measure"
    assert list(frame.loc["Sustained destination"]) == [84, 90, 92]
    for measure, values in frame.iterrows():
        cells = _cells(section.html, str(measure), "th")
        unit = "" if measure in ("Pupils in cohort", "Disadvantage gap (points)") else "%"
        assert cells == [f"{v:g}{unit}" for v in values], measure
    assert frame.dtypes.map(pd.api.types.is_float_dtype).all()


def test_destinations_with_earlier_years_and_unpublished_figures(store):
    section = destinations_section(_evidence(store, EvidenceFiles(destinations=str(EES))))
    frame = section.frame
    assert list(frame.columns) == [*DESTINATION_COLUMNS, "School 2022/23"]
    # "not applicable [z]" on the page: missing in the frame, never zero.
    assert "not applicable [z]" in _cells(section.html, "Higher education", "th")[0]
    assert math.isnan(frame.loc["Higher education", "School"])
    # time_period 202223 is the destination year: pupils who left KS4 in 2021/22.
    earlier = _cells(section.html, "left KS4 in 2021/22, destination in 2022/23")
    column = frame["School 2022/23"]
    assert earlier == [
        f"{column['Pupils in cohort']:g}",
        f"{column['Sustained destination']:g}%",
        f"{column['Disadvantage gap (points)']:g}",
    ]
    assert (
        column.drop(["Pupils in cohort", "Sustained destination", "Disadvantage gap (points)"])
        .isna()
        .all()
    )


def test_learner_survey_frame_matches_its_table_and_chart(store):
    section = learner_survey_section(_evidence(store, SAMPLES))
    assert section.title == "Learner career-readiness survey"
    learner, earlier = load_survey(LEARNER), load_survey(EARLIER)
    frame = section.frame
    groups = [f"Year {g}" for g in learner.year_groups]
    assert list(frame.columns) == [*groups, "All", "2025/26", "Change (points)"]
    assert list(frame.index) == list(learner.items) and frame.index.name == "Statement"
    for item, row in frame.iterrows():
        cells = _cells(section.html, str(item))
        assert cells[: len(groups) + 2] == [_percent(v) for v in row.iloc[: len(groups) + 2]]
        assert cells[-1].startswith(f"{row['Change (points)']:+.1f}".replace("-", "\u2212"))
    item = "I have talked to someone from a business or employer about their job this year"
    assert frame.loc[item, "All"] == pytest.approx(learner.percent_positive(item))
    assert frame.loc[item, "Change (points)"] == pytest.approx(
        learner.percent_positive(item) - earlier.percent_positive(item)
    )
    (chart,) = section.charts
    assert chart.png[:8] == b"\x89PNG\r\n\x1a\n"
    assert chart.alt.startswith("Bar chart of the percentage of learners who agree")
    assert "2025/26 marked as diamonds" in chart.alt
    assert "<img class='cr-chart'" in section.to_html() and escape(chart.alt) in section.to_html()


def test_parent_survey_frame_matches_its_table(store):
    section = parent_survey_section(_evidence(store, SAMPLES))
    assert section.title == "Parent and carer questionnaire"
    parent = load_survey(PARENT, "parent")
    frame = section.frame
    assert list(frame.columns) == [*[f"Year {g}" for g in parent.year_groups], "All"]
    for item, row in frame.iterrows():
        assert _cells(section.html, str(item)) == [_percent(v) for v in row]
    assert len(section.charts) == 1 and "parents and carers" in section.charts[0].alt


def test_encounters_frame_counts_what_the_tables_show(store):
    section = encounters_section(_evidence(store, SAMPLES), FW)
    assert section.title == "Encounters log"
    frame = section.frame
    coverage = load_encounters(ENCOUNTERS).coverage(YEAR, framework=FW)
    assert list(frame.index) == [f"Year {g}" for g in coverage.year_groups]
    types, benchmarks = frame.columns[:5], frame.columns[5:]
    assert types[0] == "Employer encounter (Benchmark 5)"
    assert list(benchmarks) == [
        f"Benchmark {b.number}: {b.name}" for b in FW.benchmarks if b.number in (5, 6, 7, 8)
    ]
    tables = section.html.split("cr-benchmark-coverage")
    for label, row in frame.iterrows():
        assert _cells(tables[0], str(label)) == [str(n) for n in row[types]]
        assert _cells(tables[1], str(label)) == [str(n) for n in row[benchmarks]]
    assert frame.loc["Year 13", "Employer encounter (Benchmark 5)"] == 0
    assert "Year 13: no employer encounter logged in 2026/27." in section.html


def test_kpi_section_works_out_progress(store):
    review = store.review("oakfield-academy-2026-27")
    plan = review.plan.model_copy(deep=True)
    plan.priorities[0].kpis[0].current = 88  # baseline 81, target 95: half way
    section = kpi_section(review.model_copy(update={"plan": plan}))
    assert section.title == "Progress on the plan's key performance indicators"
    frame = section.frame
    assert list(frame.columns) == KPI_COLUMNS
    first = frame.iloc[0]
    assert (first.Baseline, first.Target, first.Current) == (81, 95, 88)
    assert first["Progress (%)"] == pytest.approx(50)
    assert frame["Progress (%)"].iloc[1:].isna().all()
    assert _after(section.html, first.KPI) == ["81%", "95%", "88%", "50%"]
    assert section.html.count("not measured yet") == 2
    (chart,) = section.charts
    assert "from its baseline towards its target" in chart.alt

    none = kpi_section(
        review.model_copy(update={"plan": plan.model_copy(update={"priorities": []})})
    )
    assert "No key performance indicators in the plan" in none.html and not none.charts
    _is_empty(none, KPI_COLUMNS)


def test_a_file_not_given_or_unreadable_gives_its_message_and_an_empty_frame(store, tmp_path):
    evidence = _evidence(store, EvidenceFiles())
    given = {
        "destinations": ("No destinations file yet", DESTINATION_COLUMNS),
        "learner": ("No learner survey yet", ["All"]),
        "parent": ("No parent and carer questionnaire yet", ["All"]),
    }
    steps = {
        "destinations": destinations_section,
        "learner": learner_survey_section,
        "parent": parent_survey_section,
    }
    for key, (message, columns) in given.items():
        section = steps[key](evidence)
        assert message in section.html and "cr-missing" in section.html, key
        assert not section.charts
        _is_empty(section, columns)
    encounters = encounters_section(evidence, FW)
    assert "No encounters log yet" in encounters.html
    _is_empty(encounters, list(encounters_section(_evidence(store, SAMPLES), FW).frame.columns))

    broken = tmp_path / "parents.csv"
    broken.write_text("not,a\nsurvey", encoding="utf-8")
    missing = tmp_path / "nowhere.csv"
    bad = _evidence(
        store,
        EvidenceFiles(
            learner_survey=str(missing), parent_survey=str(broken), encounters=str(missing)
        ),
    )
    assert escape(f"{missing}: file not found") in learner_survey_section(bad).html
    parent = parent_survey_section(bad)
    assert "cr-input-error" in parent.html and escape(str(broken)) in parent.html
    _is_empty(parent, ["All"])
    _is_empty(encounters_section(bad, FW), list(encounters.frame.columns))

    # A destinations file without the school: the page says so, and the frame is empty.
    other = _evidence(store, EvidenceFiles(destinations=str(KS5), urn="123456"))
    section = destinations_section(other)
    assert "URN 123456 is not in this destinations file" in section.html
    _is_empty(section, DESTINATION_COLUMNS)


def test_the_whole_page_in_order_from_a_session(store):
    session = _session(store)
    folder = store.data_dir / EVIDENCE_FOLDER / SCHOOL
    folder.mkdir(parents=True)
    (folder / LEARNER.name).write_bytes(LEARNER.read_bytes())
    evidence = evidence_for(session, EvidenceFiles(parent_survey=str(PARENT)))
    assert Path(evidence.files.learner_survey).name == LEARNER.name  # found in the folder
    sections = impact_sections(session, evidence)
    steps = "header plan collect review destinations learner parent encounters kpis"
    assert [s.key for s in sections] == steps.split()
    assert sections[0] == header_section(session.school, YEAR)
    assert "Oakfield Academy" in sections[0].html and sections[0].title == ""
    assert sections[3] == review_section()
    assert sections[3].title == "3. Review: what the evidence shows"
    assert sections[5].frame is not None and not sections[5].frame.empty
    assert "<td>learner_survey_2026-27.csv</td>" in sections[2].html  # by name, not folder
    assert all(isinstance(s, Section) and s._repr_html_() == s.to_html() for s in sections)


def test_page_sections_are_the_ones_the_app_shows(store):
    from careers_review.app.impact import ImpactApp

    session = _session(store)
    app = ImpactApp(session, SAMPLES)
    mine = impact_sections(session, _evidence(store, SAMPLES))
    assert [s.key for s in app.sections] == [s.key for s in mine]
    assert [s.to_html() for s in app.sections[1:]] == [s.to_html() for s in mine[1:]]
    assert app.sections[0].html.endswith(mine[0].html)  # the page's own styles first
    assert app.section("learner").frame.equals(mine[5].frame)


def test_the_sections_load_without_widgets():
    code = (
        "import sys, careers_review.impact_sections\n"
        "print(sorted(m for m in ('ipywidgets', 'IPython') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert done.stdout.strip() == "[]"
