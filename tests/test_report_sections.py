"""The governor report section by section: each function's figures checked against the review
files themselves, and the report workbook edited cell by cell as a careers leader would."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from html import escape
from io import BytesIO
from pathlib import Path

import nbformat
import pytest
from pypdf import PdfReader

from careers_review import InputError, Store, default_framework
from careers_review import report_sections as sections
from careers_review.cli import main
from careers_review.report import export_report
from careers_review.resources import find_workbooks
from careers_review.sections import Section

from . import factories
from .conftest import ROOT, SAMPLE

FW = default_framework()
PNG = b"\x89PNG\r\n\x1a\n"
TITLES = {
    sections.cover: "",
    sections.participants: "Who took part",
    sections.maturity_profile: "Maturity profile",
    sections.strengths_and_priorities: "Strengths and priorities",
    sections.statutory_duties: "Statutory duties",
    sections.benchmarks: "Gatsby Benchmarks",
    sections.strategic_plan: "Strategic careers plan",
    sections.governor_questions: "Questions for governors",
}


def _sample(review_id: str) -> dict:
    return json.loads((SAMPLE / "reviews" / f"{review_id}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def report(session_data_dir: Path) -> sections.GovernorReport:
    return sections.governor_report("oakfield-academy", str(session_data_dir))


def test_sections_come_in_order_with_their_titles(report, session_data_dir):
    assert list(sections.SECTIONS) == list(TITLES)
    for part, title in TITLES.items():
        section = part(report)
        assert isinstance(section, Section) and section.title == title, part.__name__
        assert section._repr_html_() == section.to_html()
        if title:
            assert f"'>{title}</h2>" in section.to_html()
    with Store(session_data_dir) as store:
        built = sections.report_sections(store, FW, "oakfield-academy")
    assert [s.title for s in built] == list(TITLES.values())
    assert built == [part(report) for part in sections.SECTIONS]


def test_report_is_of_the_latest_review_and_the_one_before(report):
    assert report.review.id == "oakfield-academy-2026-27"
    assert report.previous is not None and report.previous.id == "oakfield-academy-2025-26"
    html = sections.cover(report).html
    assert "<h1 class='cr-report-school'>Oakfield Academy</h1>" in html
    assert "Academic year 2026/27" in html and f"{report.profile.agreed} of 5" in html


def test_participants_frame_is_who_took_part(report):
    names = {r.id: r.name for r in FW.key_roles}
    people = _sample(report.review.id)["participants"]
    expected = [[p["name"], names.get(p["role"], p["role"])] for p in people]
    section = sections.participants(report)
    assert section.frame.values.tolist() == expected
    assert all(name in section.html for name, _ in expected)


def test_maturity_profile_frame_and_chart(report):
    now, before = _sample("oakfield-academy-2026-27"), _sample("oakfield-academy-2025-26")
    section = sections.maturity_profile(report)
    frame = section.frame
    assert list(frame.index) == [t.id for t in FW.themes]
    for theme in FW.themes:
        level, previous = now["ratings"][theme.id]["level"], before["ratings"][theme.id]["level"]
        assert frame.loc[theme.id, "level"] == level
        assert frame.loc[theme.id, "previous level"] == previous
        assert frame.loc[theme.id, "level name"] == FW.maturity_model.level(level).name
        moved = "up" if level > previous else "down" if level < previous else "same"
        assert frame.loc[theme.id, "change"] == moved
    (chart,) = section.charts
    assert chart.png.startswith(PNG)
    assert chart.alt == (
        "Maturity level per theme, Review 2026/27: Leaders' vision 4 of 4; Strategic planning 3 "
        "of 4; Intended impact and learning journeys 3 of 4; Distributed leadership 3 of 4; "
        "Monitoring success and impact 2 of 4. Review 2025/26: Leaders' vision 3 of 4; "
        "Strategic planning 3 of 4; Intended impact and learning journeys 2 of 4; Distributed "
        "leadership 3 of 4; Monitoring success and impact 2 of 4."
    )
    assert section.to_html().count("<img class='cr-chart'") == 1
    assert "alt='Maturity level per theme, Review 2026/27: Leaders&#x27; vision 4 of 4" in (
        section.to_html()
    )


def test_strengths_and_priorities_frame_is_the_marked_themes(report):
    ratings = _sample(report.review.id)["ratings"]
    frame = sections.strengths_and_priorities(report).frame
    marked = {t: r["focus"] for t, r in ratings.items() if r["focus"] in ("strength", "priority")}
    assert frame["focus"].to_dict() == marked


def test_statutory_frame_is_the_duty_checklist(report):
    duties = _sample(report.review.id)["foundations"]["duties"]
    words = {"met": "Met", "not_met": "Not met", "not_sure": "Not sure"}
    frame = sections.statutory_duties(report).frame
    assert list(frame.index) == [d.id for d in FW.statutory.duties]
    for duty in FW.statutory.duties:
        want = words[duties[duty.id]["status"]] if duty.id in duties else "Not yet checked"
        assert frame.loc[duty.id, "status"] == want, duty.id


def test_benchmark_frame_is_the_share_of_criteria_achieved(report):
    now, before = _sample("oakfield-academy-2026-27"), _sample("oakfield-academy-2025-26")
    section = sections.benchmarks(report)
    for benchmark in FW.benchmarks:
        ids = [c.id for c in benchmark.criteria]
        percent = 100 * [now["gatsby"].get(i) for i in ids].count("achieved") / len(ids)
        earlier = 100 * [before["gatsby"].get(i) for i in ids].count("achieved") / len(ids)
        row = section.frame.loc[benchmark.number]
        assert row["percent achieved"] == pytest.approx(percent)
        assert row["previous percent"] == pytest.approx(earlier)
        assert row["change"] == pytest.approx(percent - earlier)
    (chart,) = section.charts
    assert chart.png.startswith(PNG) and "(43 of 43 criteria assessed)" in chart.alt
    assert "8 Personal guidance 100%" in chart.alt and "Review 2025/26: 1 83%;" in chart.alt


def test_plan_frame_holds_every_kpi(report):
    plan = _sample(report.review.id)["plan"]
    expected = [
        [p["title"], k["name"], k.get("baseline"), k.get("target"), k.get("current")]
        for p in plan["priorities"]
        for k in p.get("kpis", [])
    ]
    frame = sections.strategic_plan(report).frame
    assert expected and frame[["priority", "kpi", "baseline", "target", "now"]].values.tolist() == (
        expected
    )


def test_questions_are_those_of_the_priority_benchmarks(report):
    section = sections.governor_questions(report)
    numbers = sections.priority_benchmarks(report)
    assert numbers and section.frame is None
    for number in numbers:
        benchmark = FW.benchmark(number)
        assert f"Benchmark {number}: {benchmark.name}" in section.html
        assert all(escape(q) in section.html for q in benchmark.governor_questions)


def test_a_first_review_with_nothing_in_it(tmp_path):
    with Store(tmp_path / "data") as store:
        store.save(factories.school("first-school", name="First School"))
        store.save(factories.review("first-school", year="2026/27"))
        report = sections.load_governor_report(store, FW, "first-school")
    assert report.previous is None
    built = [part(report) for part in sections.SECTIONS]
    assert not any(s.charts for s in built)
    assert "first recorded review" in sections.maturity_profile(report).html
    assert sections.maturity_profile(report).frame["previous level"].isna().all()
    assert sections.participants(report).frame.empty
    assert sections.strategic_plan(report).frame.empty
    assert "The Gatsby Benchmark self-assessment has not been completed." in built[5].html


def test_a_review_of_another_school_or_none_is_refused(tmp_path):
    with Store(tmp_path / "data") as store:
        store.save(factories.school("reviewed", name="Reviewed School"))
        store.save(factories.review("reviewed", year="2026/27"))
        store.save(factories.school("not-yet", name="Not Yet Reviewed"))
        with pytest.raises(InputError, match="belongs to reviewed, not not-yet"):
            sections.load_governor_report(store, FW, "not-yet", "reviewed-2026-27")
        with pytest.raises(InputError, match="no review has been recorded yet"):
            sections.load_governor_report(store, FW, "not-yet")


def test_sections_are_built_without_widgets(session_data_dir):
    """A batch kernel or a worker builds every section without loading ipywidgets."""
    code = f"""
import sys
from careers_review import hub_sections, report_sections
report = report_sections.governor_report("oakfield-academy", {str(session_data_dir)!r})
summary = hub_sections.hub_summary({str(session_data_dir)!r})
parts = [p(report) for p in report_sections.SECTIONS]
parts += [p(summary) for p in hub_sections.SECTIONS]
assert sum(len(p.charts) for p in parts) == 4, parts
print(sorted(m for m in ("ipywidgets", "IPython", "matplotlib") if m in sys.modules))
"""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["['matplotlib']"]  # drawn, and nothing from Jupyter


def _pdf_text(path: Path) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(path.read_bytes())).pages)
    return " ".join(text.split())


def _without(notebook: nbformat.NotebookNode, heading: str) -> nbformat.NotebookNode:
    """The notebook less one section's guidance cell and the code cell after it."""
    at = next(
        i
        for i, cell in enumerate(notebook.cells)
        if cell.cell_type == "markdown" and cell.source.startswith(f"## {heading}\n")
    )
    assert notebook.cells[at + 1].cell_type == "code"
    del notebook.cells[at : at + 2]
    return notebook


@pytest.mark.slow
def test_removing_a_cell_from_the_workbook_removes_that_section(data_dir, tmp_path):
    """A data directory's own copy of the report workbook decides what the report holds."""
    shutil.copytree(find_workbooks(), data_dir / "workbooks")
    own = data_dir / "workbooks" / "05_governor_report.ipynb"
    whole = tmp_path / "whole.pdf"
    args = ["export", "oakfield-academy-2026-27", "--to", str(whole), "--data-dir", str(data_dir)]
    assert main(args) == 0
    text = _pdf_text(whole)
    assert "Questions for governors" in text and "Maturity profile" in text

    notebook = _without(nbformat.read(own, as_version=4), "Questions for governors")
    note = "A word from the Careers Leader"
    added = nbformat.v4.new_code_cell(
        "from careers_review.sections import Section\n\n"
        f"Section('note', {note!r}, '<p>Thank you to every tutor who came.</p>')"
    )
    notebook.cells.append(added)
    nbformat.write(notebook, own)
    fewer = export_report(data_dir, "oakfield-academy-2026-27", tmp_path / "fewer.pdf")
    text = _pdf_text(fewer)
    assert "Questions for governors" not in text
    assert "Maturity profile" in text and "Strategic careers plan" in text
    assert f"{note} Thank you to every tutor who came." in text  # the cell added at the end
    assert text.index("Strategic careers plan") < text.index(note)
