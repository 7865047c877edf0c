"""Phase 3 page without a browser: the evidence sections, actions added to the plan once,
bad files kept to their own section, and the workbook under Papermill."""

from __future__ import annotations

import csv
import json
import re
import shutil
from datetime import date
from html import escape, unescape
from pathlib import Path

import papermill
import pytest

from careers_review import KPI, Store, default_framework
from careers_review.app.impact import (
    EVIDENCE_FOLDER,
    NEW_PRIORITY,
    NEW_PRIORITY_TITLE,
    EvidenceFiles,
    ImpactApp,
    impact_app,
    kpi_progress,
    kpi_progress_png,
)
from careers_review.app.session import ReviewSession
from careers_review.evidence import load_encounters, load_survey

from .conftest import SAMPLE, WORKBOOKS, need_shared

FW = default_framework()
TODAY = date(2026, 11, 23)
EVIDENCE = SAMPLE / "evidence"
LEARNER = EVIDENCE / "learner_survey_2026-27.csv"
EARLIER = EVIDENCE / "learner_survey_2025-26.csv"
PARENT = EVIDENCE / "parent_survey_2026-27.csv"
ENCOUNTERS = EVIDENCE / "encounters_2026-27.csv"
KS5 = EVIDENCE / "ks5_destinations_sample.csv"
SAMPLES = EvidenceFiles(
    destinations=str(KS5),
    learner_survey=str(LEARNER),
    previous_learner_survey=str(EARLIER),
    parent_survey=str(PARENT),
    encounters=str(ENCOUNTERS),
)
REVIEW_ID = "oakfield-academy-2026-27"


def _app(store: Store, files: EvidenceFiles, school: str = "oakfield-academy") -> ImpactApp:
    session = ReviewSession(store, FW, school, today=TODAY, autosave_delay=0)
    return ImpactApp(session, files)


def _saved_plan(store: Store, review_id: str = REVIEW_ID):
    with Store(store.data_dir) as fresh:
        return fresh.review(review_id).plan


def _row(html: str, label: str) -> list[str]:
    """The cells after the row heading `label` in the page's first table row with it."""
    match = re.search(rf"<tr><th>{re.escape(escape(label))}</th>(.*?)</tr>", html)
    assert match, label
    return [unescape(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", match[1])]


def _cells(html: str, first: str) -> list[str]:
    """The cells of the table row whose first cell is `first`."""
    match = re.search(rf"<tr><td[^>]*>{re.escape(escape(first))}</td>(.*?)</tr>", html)
    assert match, first
    return [unescape(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", match[1])]


def test_sample_evidence_fills_plan_collect_and_review(store):
    app = _app(store, SAMPLES)
    html = app.html()
    learner, earlier = load_survey(LEARNER), load_survey(EARLIER)
    parent, log = load_survey(PARENT, "parent"), load_encounters(ENCOUNTERS)

    # Plan: the KPIs the stored plan set out.
    plan = store.review(REVIEW_ID).plan
    for kpi in (k for p in plan.priorities for k in p.kpis):
        assert escape(kpi.name) in html

    # Collect: each file's kind, year and size.
    assert _cells(html, "Learner survey")[2:] == ["2026/27", "267 learners", "read"]
    assert _cells(html, "Earlier learner survey")[2:] == ["2025/26", "264 learners", "read"]
    assert _cells(html, "Parent and carer survey")[3:] == ["154 replies", "read"]
    assert _cells(html, "Encounters log")[3:] == [f"{len(log.activities)} activities", "read"]

    # Learner survey: % positive per year group, overall, and change since 2025/26.
    statement = "I have talked to someone from a business or employer about their job this year"
    cells = _cells(html, statement)
    groups = [learner.percent_positive(statement, g) for g in learner.year_groups]
    assert cells[: len(groups)] == [f"{v:.1f}%" for v in groups]
    now, before = learner.percent_positive(statement), earlier.percent_positive(statement)
    assert cells[len(groups) :] == [
        f"{now:.1f}%",
        f"{before:.1f}%",
        f"{now - before:+.1f} (fall)".replace("-", "\u2212"),
    ]
    # Parent survey: overall % positive.
    item = parent.items[0]
    assert _cells(html, item)[-1] == f"{parent.percent_positive(item):.1f}%"

    # Encounters: coverage by year group and the provider access duty per key phase.
    assert "cr-impact-encounters" in html
    assert _cells(html, "Years 10-11")[:2] == ["1", "2"] and "short by 1" in _cells(
        html, "Years 10-11"
    )
    assert _cells(html, "Years 8-9")[-1] == "met"
    assert "Year 13: no employer encounter logged in 2026/27." in html

    # Destinations from the 16-18 sample, which has Oakfield's made-up URN.
    assert _row(html, "Sustained destination") == ["84%", "90%", "92%"]

    # KPI progress: none measured yet in the sample plan, each said so, plus a chart.
    assert html.count("not measured yet") == 3
    charts = [chart for part in app.sections for chart in part.charts]
    assert len(charts) == 3 and all(c.png[:8] == b"\x89PNG\r\n\x1a\n" for c in charts)
    assert html.count("<img class='cr-chart'") == 3

    # Opened from the picker, the same sections are HTML widgets (each kind of evidence with
    # its upload button under it), with the actions last.
    views = app.widget.children[:-1]
    shown = [getattr(view, "value", None) or view.children[0].value for view in views]
    assert shown == [part.to_html() for part in app.sections]
    uploads = [
        button for view in views if not hasattr(view, "value") for button in view.children[1:]
    ]
    assert uploads == [upload.widget for upload in app.uploads.values()]
    # Under the destinations: the school's file, the LA and England files, and the NEET file.
    destinations = next(
        view
        for view in views
        if not hasattr(view, "value") and "cr-impact-destinations" in view.children[0].value
    )
    assert [box.children[0].children[0].description for box in destinations.children[1:]] == [
        "Upload a destinations file",
        "Upload a local authority or England destinations file",
        "Upload a NEET and not known file",
    ]
    assert app.widget.children[-1].children == (app.act.widget,)
    assert len(app.act.rows) >= 5


def test_destinations_from_the_real_ks4_file_match_the_file(store):
    path = need_shared("data/dfe/england_ks4-pupdest.csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    las = {r["LEA"]: r for r in rows if r["RECTYPE"] == "LA"}
    england = next(r for r in rows if r["RECTYPE"] == "NAT")
    school = next(
        r
        for r in rows
        if r["RECTYPE"] == "1"
        and r["LEA"] in las
        and r["OVERALL_DESTPER"].endswith("%")
        and r["OVERALL_DESTPER_DIS"] == "SUPP"
        and r["OVERALL_DESTPER_17"].endswith("%")
    )
    la = las[school["LEA"]]
    html = _app(store, EvidenceFiles(destinations=str(path), urn=school["URN"])).html()
    assert f"(URN {school['URN']})" in html
    assert _row(html, "Pupils in cohort") == [school["COHORT"], la["COHORT"], england["COHORT"]]
    for label, column in [
        ("Sustained destination", "OVERALL_DESTPER"),
        ("Apprenticeship", "APPRENPER"),
        ("Not sustained", "NOT_SUSTAINEDPER"),
        ("Activity not captured (unknown)", "UNKNOWNPER"),
        ("Not disadvantaged: sustained", "OVERALL_DESTPER_NONDIS"),
    ]:
        expected = [place[column] for place in (school, la, england)]
        shown = _row(html, label)
        for value, cell in zip(expected, shown, strict=True):
            assert cell == value if value.endswith("%") else f"[{value}]" in cell, label
    suppressed = _row(html, "Disadvantaged: sustained")[0]
    assert suppressed.startswith("suppressed") and "[SUPP]" in suppressed
    assert _row(html, "Disadvantage gap (points)")[0] == "not published"
    # No metadata file beside it: which years these are is said to be unknown.
    earlier = _cells(
        html, "an earlier year's leavers (columns ending _17); the file does not say which year"
    )
    assert earlier[1] == school["OVERALL_DESTPER_17"]
    assert "pupils who left KS4; the file does not say which year" in html

    # Oakfield's own (made-up) URN is not in the real file: said plainly, nothing else breaks.
    html = _app(store, EvidenceFiles(destinations=str(path), learner_survey=str(LEARNER))).html()
    assert "URN 990101 is not in this destinations file" in html
    assert "cr-impact-learner" in html


def test_chosen_actions_go_into_the_stored_plan_once(store):
    app = _app(store, SAMPLES)
    rows = app.act.rows
    provider = next(r for r in rows if r.action.link == "benchmark:7")
    survey = next(r for r in rows if r.action.link == "benchmark:1")
    assert provider.priority.value == "p2"  # the plan's priority on the same benchmark
    provider.choose.value = True
    survey.choose.value = True
    survey.priority.value = NEW_PRIORITY
    assert app.act.add_chosen() == 2

    plan = _saved_plan(store)
    by_id = {p.id: p for p in plan.priorities}
    added = by_id["p2"].actions[-1]
    assert (added.what, added.link) == (provider.action.what, provider.action.link)
    new = [p for p in plan.priorities if p.title == NEW_PRIORITY_TITLE]
    assert len(new) == 1 and [a.what for a in new[0].actions] == [survey.action.what]
    ids = [a.id for p in plan.priorities for a in p.actions]
    assert len(ids) == len(set(ids)) and added.id not in {"e1", "e2"}
    assert re.fullmatch(r"Saved \d\d:\d\d", app.status.widget.value)
    assert provider.choose.disabled and "Already in the plan" in provider.state.value

    # Pressing again, even with the boxes ticked behind the page's back, adds nothing.
    provider.choose.value = survey.choose.value = True
    app.act.add.click()
    assert _saved_plan(store) == plan
    assert "already in the plan" in app.act.message.value

    # A fresh page knows what the plan holds, and offers the new priority as it now is.
    again = _app(Store(store.data_dir), SAMPLES)
    same = [r for r in again.act.rows if r.action.what in {added.what, survey.action.what}]
    assert len(same) == 2 and all(r.choose.disabled for r in same)
    assert NEW_PRIORITY not in [value for _, value in same[0].priority.options]
    for row in same:
        row.choose.value = True
    assert again.act.add_chosen() == 0
    assert _saved_plan(store) == plan


def test_a_bad_file_shows_its_message_and_the_page_still_works(store, tmp_path: Path):
    encounters = tmp_path / "encounters.csv"
    lines = ENCOUNTERS.read_text(encoding="utf-8").splitlines()
    fields = lines[2].split(",")
    fields[4] = "lots"  # pupils: text in a number column
    encounters.write_text("\n".join([*lines[:2], ",".join(fields), *lines[3:]]), "utf-8")
    destinations = tmp_path / "ks5.csv"
    text = KS5.read_text(encoding="utf-8-sig")
    destinations.write_text(text.replace(",0,144,121,", ",0,about 140,121,", 1), "utf-8")
    survey = tmp_path / "learners.csv"
    hostile = '<script>alert("x")</script> I know my options, $\\frac{$ and all'
    with survey.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(
            [
                ["learner_id", "year_group", "academic_year", hostile],
                ["L1", "9", "2026/27", "Agree"],
                ["L2", "10", "2026/27", "4"],
            ]
        )
    app = _app(
        store,
        EvidenceFiles(
            destinations=str(destinations),
            learner_survey=str(survey),
            parent_survey=str(PARENT),
            encounters=str(encounters),
        ),
    )
    html = app.html()
    assert escape(f"{encounters}: row 3: pupils: 'lots' is not a number of pupils") in html
    # A value that is not a figure never refuses the file: it is not published, and named.
    assert (
        escape(
            f"{destinations}: 1 value this version cannot read as a figure, shown as not "
            "published: 'about 140' (1: row 2 TOT_COHORT)"
        )
        in html
    )
    assert _cells(html, "Destinations")[-1] == "read"
    assert _cells(html, "Encounters log")[-1] == "could not be read"
    assert "<script>" not in html and escape(hostile) in html
    assert "cr-impact-parent" in html and "cr-impact-kpis" in html
    # The files that were read still propose actions, and adding them works.
    assert app.act.rows and not app.act.add.disabled
    app.act.rows[0].choose.value = True
    assert app.act.add_chosen() == 1


def test_files_not_given_say_what_to_give(store, tmp_path: Path):
    app = _app(store, EvidenceFiles())
    html = app.html()
    # Each says to upload it, and what it should hold; none names a parameter or a path.
    assert html.count("Upload it with the button below") == 4
    for parameter in ("destinations_file", "learner_survey", "parent_survey", "encounters_file"):
        assert parameter not in html
    assert "sample_data" not in html and "&lt;school id&gt;" not in html
    assert html.count("not provided") == 5
    assert app.act.rows == [] and app.act.add.disabled

    missing = tmp_path / "nowhere.csv"
    html = _app(store, EvidenceFiles(learner_survey=str(missing))).html()
    assert escape(f"{missing}: file not found") in html


def test_kpi_progress_towards_targets(store):
    assert kpi_progress(KPI(baseline=12, target=3, current=6)) == pytest.approx(66.67, abs=0.01)
    assert kpi_progress(KPI(baseline=81, target=95, current=None)) is None
    assert kpi_progress(KPI(baseline=5, target=5, current=7)) is None
    session = ReviewSession(store, FW, "oakfield-academy", today=TODAY, autosave_delay=0)
    plan = session.review.plan.model_copy(deep=True)
    plan.priorities[0].kpis[0].current = 88  # baseline 81, target 95: half way
    session.set_plan(plan)
    html = ImpactApp(session, EvidenceFiles()).html()
    name = plan.priorities[0].kpis[0].name
    assert _cells(html, plan.priorities[0].title)[0] == name
    kpi_row = re.search(
        rf"{re.escape(escape(name))}</td>(.*?)</tr>", html.split("cr-impact-kpis")[1]
    )
    assert kpi_row and re.findall(r"<td[^>]*>(.*?)</td>", kpi_row[1]) == [
        "81%",
        "95%",
        "88%",
        "50%",
    ]
    png = kpi_progress_png([KPI(name="Reached", baseline=0, target=10, current=12)])
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_entry_function_opens_the_school_or_a_picker(data_dir):
    page = impact_app("oakfield-academy", str(data_dir), encounters_file=str(ENCOUNTERS))
    assert isinstance(page.app, ImpactApp) and page.app.inline
    assert page.app.evidence.coverage is not None

    page = impact_app("no-such-school", str(data_dir), learner_survey=str(LEARNER))
    picker = page.children[0]
    assert "cr-school-picker" in picker._dom_classes
    choice, open_button = picker.children[1].children
    choice.value = "oakfield-academy"
    open_button.click()
    app = page.app
    assert isinstance(app, ImpactApp) and not app.inline
    assert page.children == (app.widget,)
    views = [getattr(c, "value", "") or c.children[0].value for c in app.widget.children[:-1]]
    assert any("cr-impact-learner" in view for view in views)


def test_files_kept_in_the_data_directory_are_found_without_parameters(data_dir):
    """What the served app relies on: DATA_DIR/evidence/<school>/ holds the school's files."""
    folder = data_dir / EVIDENCE_FOLDER / "oakfield-academy"
    folder.mkdir(parents=True)
    for name in (
        "learner_survey_2025-26.csv",
        "learner_survey_2026-27.csv",
        "encounters_2026-27.csv",
    ):
        shutil.copy(ENCOUNTERS.parent / name, folder / name)
    app = impact_app("oakfield-academy", str(data_dir)).app
    files = app.evidence.files
    assert Path(files.learner_survey).name == "learner_survey_2026-27.csv"
    assert Path(files.previous_learner_survey).name == "learner_survey_2025-26.csv"
    assert Path(files.encounters).name == "encounters_2026-27.csv"
    assert files.parent_survey == "" and files.destinations == ""
    assert app.evidence.changes and app.evidence.coverage is not None
    given = impact_app("oakfield-academy", str(data_dir), learner_survey=str(LEARNER)).app
    assert given.evidence.files.learner_survey == str(LEARNER)  # a parameter wins
    assert given.evidence.files.previous_learner_survey == ""


def _outputs(path: Path) -> tuple[str, int]:
    """The HTML an executed workbook shows: its outputs and its widgets' HTML (the page is
    steps, each a widget), and how many charts it holds."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    widgets = notebook["metadata"].get("widgets", {})
    state = widgets.get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    html = [
        str(m["state"].get("value", "")) for m in state.values() if m["model_name"] == "HTMLModel"
    ]
    for cell in notebook["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            for text in (data.get("text/html", ""), output.get("text", "")):
                html.append("".join(text) if isinstance(text, list) else text)
    text = "\n".join(html)
    return text, text.count("<img class='cr-chart' src='data:image/png;base64,")


@pytest.mark.slow
def test_workbook_runs_headless_with_the_sample_files(data_dir, tmp_path: Path):
    out = tmp_path / "impact.ipynb"
    papermill.execute_notebook(
        str(WORKBOOKS / "04_impact_evaluation.ipynb"),
        str(out),
        parameters={
            "school_id": "oakfield-academy",
            "data_dir": str(data_dir),
            "academic_year": "2026/27",
            "destinations_file": str(KS5.resolve()),
            "learner_survey": str(LEARNER.resolve()),
            "previous_learner_survey": str(EARLIER.resolve()),
            "parent_survey": str(PARENT.resolve()),
            "encounters_file": str(ENCOUNTERS.resolve()),
        },
        cwd=str(WORKBOOKS),
        progress_bar=False,
        kernel_name="python3",
    )
    html, images = _outputs(out)
    assert "Traceback" not in html
    for css in ("cr-impact-learner", "cr-impact-parent", "cr-impact-encounters", "cr-impact-kpis"):
        assert css in html, css
    assert "Oakfield Academy" in html and "short by 1" in html
    assert images == 3


@pytest.mark.slow
def test_workbook_with_default_parameters_shows_the_picker(session_data_dir, tmp_path, monkeypatch):
    """What nbval runs: the defaults, in the workbooks folder, with the hub in the environment."""
    monkeypatch.setenv("CAREERS_REVIEW_DATA", str(session_data_dir))
    out = tmp_path / "impact.ipynb"
    papermill.execute_notebook(
        str(WORKBOOKS / "04_impact_evaluation.ipynb"),
        str(out),
        cwd=str(WORKBOOKS),
        progress_bar=False,
        kernel_name="python3",
    )
    notebook = json.loads(out.read_text(encoding="utf-8"))
    state = notebook["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    assert any("cr-school-picker" in m["state"].get("_dom_classes", []) for m in state.values())
    assert "Traceback" not in _outputs(out)[0]


def test_the_page_calls_the_evidence_folder_by_name_not_by_path(data_dir):
    """A served page never shows where the server keeps files, even in an error."""
    folder = data_dir / EVIDENCE_FOLDER / "oakfield-academy"
    folder.mkdir(parents=True)
    shutil.copy(ENCOUNTERS.parent / "learner_survey_2026-27.csv", folder)
    (folder / "parent_survey_2026-27.csv").write_text("not,a\nsurvey", encoding="utf-8")
    app = impact_app("oakfield-academy", str(data_dir)).app
    assert "parent" in app.evidence.errors
    page = " ".join(unescape(part.to_html()) for part in app.sections)
    assert "<td>learner_survey_2026-27.csv</td>" in page  # the Collect step: its name
    assert "your evidence folder/parent_survey_2026-27.csv" in page
    assert str(data_dir) not in page and str(data_dir.parent) not in page
