"""The plan as Excel and Word: real files from the real command, read back with the same
libraries a school's tools use, including text written to break spreadsheets."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from docx import Document

from careers_review import (
    KPI,
    Action,
    Framework,
    Milestone,
    Plan,
    Priority,
    Review,
    School,
    Store,
    default_framework,
    export_review,
    import_paths,
    parse_document,
)
from careers_review.exports import EXCEL_CELL_LIMIT, SHEETS, link_label
from careers_review.model import MAX_TEXT

from . import factories
from .conftest import SAMPLE, run_cli

SAMPLE_ID = "oakfield-academy-2026-27"
HOSTILE = [
    '=HYPERLINK("http://x")',
    "+1",
    "-2",
    "@SUM(A1)",
    "  =1+1",
    "\t-3 with a tab first",
    "<script>alert('x')</script>",
    "Careers fair 🎓 with 👩🏽‍🔧 and ünïcödé",
    "#N/A",
    "first line\nsecond line\r\nthird line",
    "  spaces either side  ",
    "Quotes ' \" & < > survive",
]
# As long as a text field may be (20,000 characters), most of them emoji that Excel counts
# twice, so that it is still longer than one Excel cell; starting like a formula.
LONG = ("=" + "".join(f"Line {i}: {'🎓' * 20}\n" for i in range(1000)))[:MAX_TEXT]
FORMULA_START = re.compile(r"^\s*[=+\-@]")


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _sample() -> Review:
    path = SAMPLE / "reviews" / f"{SAMPLE_ID}.json"
    return parse_document(json.loads(path.read_text(encoding="utf-8")), str(path))


def _docx_text(path: Path) -> str:
    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    parts += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def _export(data_dir: Path, review_id: str, path: Path) -> Path:
    result = run_cli("export", review_id, "--to", str(path), "--data-dir", str(data_dir))
    assert result.returncode == 0, result.stderr
    assert f"Wrote {path}" in result.stdout
    return path


def _save(data_dir: Path, school: School, review: Review) -> None:
    with Store(data_dir) as store:
        store.save(school)
        store.save(review)


@pytest.fixture(scope="module")
def sample_exports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sample review exported once to each format, through the command."""
    folder = tmp_path_factory.mktemp("exports")
    data = folder / "data"
    with Store(data) as store:
        import_paths(store, [SAMPLE], default_framework())
    return {
        suffix: _export(data, SAMPLE_ID, folder / f"plan{suffix}") for suffix in (".xlsx", ".docx")
    }


def _hostile_plan() -> Plan:
    long_action = Action(id="long", what=LONG, owner="Careers leader", status="done")
    return Plan(
        vision=HOSTILE[0],
        intent=LONG,
        priorities=[
            Priority(
                id=f"p{index}",
                title=text,
                link="benchmark:7" if index % 2 else "theme:leaders_vision",
                objectives=[text, f"Objective {index}"],
                actions=[
                    Action(
                        id=f"p{index}-a1",
                        what=text,
                        owner=text,
                        success_measure=text,
                        due_date=date(2027, 1, 1 + index),
                        status="in_progress",
                        link="benchmark:5",
                    )
                ],
                milestones=[Milestone(what=text, due_date=date(2027, 2, 1), done=True)],
                kpis=[KPI(name=text, unit=text, baseline=1.5, target=2, current=None)],
            )
            for index, text in enumerate(HOSTILE)
        ]
        + [
            Priority(
                id="long",
                title="A priority with a very long action",
                actions=[long_action, Action(id="after", what="The action after it")],
            )
        ],
        learning_outcomes={"7": list(HOSTILE), "Sixth form": [LONG]},
    )


@pytest.fixture
def hostile(data_dir: Path, tmp_path: Path) -> dict[str, Path]:
    school = factories.school("hostile-school", name='=HYPERLINK("x") <b>School</b> 🎓')
    review = factories.review("hostile-school", year="2026/27", plan=_hostile_plan())
    _save(data_dir, school, review)
    return {
        suffix: _export(data_dir, review.id, tmp_path / f"hostile{suffix}")
        for suffix in (".xlsx", ".docx")
    }


# --- Excel ------------------------------------------------------------------------------------


def test_workbook_has_a_filterable_table_per_part_of_the_plan(sample_exports):
    book = openpyxl.load_workbook(sample_exports[".xlsx"])
    assert tuple(book.sheetnames) == SHEETS
    for ws in book:
        assert ws.freeze_panes == "A2", ws.title
        assert ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}{ws.max_row}"
        assert all(cell.font.b for cell in ws[1]), ws.title
        for letter, dimension in ws.column_dimensions.items():
            assert 8 <= dimension.width <= 100, (ws.title, letter)
    long_text = book["Objectives"]["B2"]
    assert long_text.alignment.wrap_text and book["Objectives"].column_dimensions["B"].width >= 50


def test_workbook_holds_the_sample_plan_with_real_dates_and_numbers(sample_exports):
    review = _sample()
    school = parse_document(
        json.loads((SAMPLE / "schools" / f"{review.school_id}.json").read_text(encoding="utf-8"))
    )
    book = openpyxl.load_workbook(sample_exports[".xlsx"])
    overview = {row[0]: row[1] for row in book["Overview"].iter_rows(min_row=2, values_only=True)}
    assert overview["School"] == school.name and overview["URN"] == school.urn
    assert overview["Academic year"] == "2026/27"
    assert overview["Review date"] == datetime.combine(review.review_date, datetime.min.time())
    assert overview["Vision"] == review.plan.vision and overview["Intent"] == review.plan.intent

    framework = default_framework()
    priorities = list(book["Priorities"].iter_rows(min_row=2, values_only=True))
    numbered = [(n, p.title) for n, p in enumerate(review.plan.priorities, start=1)]
    assert numbered == [row[:2] for row in priorities]
    links = {row[2] for row in priorities}
    assert "Benchmark 7: Encounters with further and higher education" in links
    theme = framework.maturity_model.theme(review.plan.priorities[0].link.split(":")[1])
    assert f"Theme: {theme.name}" in links

    actions = book["Actions"]
    rows = {row[1].value: row for row in actions.iter_rows(min_row=2)}
    expected = [a for p in review.plan.priorities for a in p.actions]
    assert len(rows) == len(expected) == actions.max_row - 1
    for action in expected:
        row = rows[action.what]
        due = row[4]
        assert isinstance(due.value, datetime) and due.value.date() == action.due_date
        assert due.is_date and due.number_format.upper() == "DD/MM/YYYY"
        assert row[3].value == action.owner and row[6].value == action.success_measure
        assert row[5].value in {"Not started", "In progress", "Done", "Dropped"}
    assert "In progress" in {row[5].value for row in rows.values()}

    milestones = list(book["Milestones"].iter_rows(min_row=2))
    assert len(milestones) == sum(len(p.milestones) for p in review.plan.priorities)
    assert all(isinstance(row[2].value, datetime) for row in milestones)
    assert {row[3].value for row in milestones} <= {"Yes", "No"}

    kpis = list(book["KPIs"].iter_rows(min_row=2, values_only=True))
    expected_kpis = [k for p in review.plan.priorities for k in p.kpis]
    assert [(row[1], row[3], row[4]) for row in kpis] == [
        (k.name, k.baseline, k.target) for k in expected_kpis
    ]
    assert all(isinstance(row[3], int | float) and isinstance(row[4], int | float) for row in kpis)

    outcomes = list(book["Learning outcomes"].iter_rows(min_row=2, values_only=True))
    assert len(outcomes) == sum(len(v) for v in review.plan.learning_outcomes.values())
    assert outcomes[0][0] == 7 and book["Learning outcomes"]["A2"].number_format == '"Year "0'


def test_hostile_text_is_stored_as_text_and_reads_back_exactly(hostile):
    book = openpyxl.load_workbook(hostile[".xlsx"])
    seen: set[str] = set()
    for ws in book:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} became a formula"
                if isinstance(cell.value, str):
                    assert cell.data_type == "s"
                    seen.add(cell.value)
                    if FORMULA_START.match(cell.value):
                        assert cell.quotePrefix, f"{ws.title}!{cell.coordinate}"
    assert set(HOSTILE) <= seen
    overview = {r[0].value: r[1] for r in book["Overview"].iter_rows(min_row=2)}
    assert overview["School"].value == '=HYPERLINK("x") <b>School</b> 🎓'
    assert overview["Vision"].value == HOSTILE[0] and overview["Vision"].quotePrefix
    for ws_name, column in [("Actions", 4), ("Milestones", 2), ("KPIs", 3), ("Objectives", 2)]:
        values = [row[column - 1] for row in book[ws_name].iter_rows(min_row=2, values_only=True)]
        assert set(HOSTILE) <= set(values), ws_name


def test_text_longer_than_a_cell_continues_in_rows_below(hostile):
    book = openpyxl.load_workbook(hostile[".xlsx"])
    rows = [row for row in book["Actions"].iter_rows(min_row=2) if row[0].value.startswith("A ")]
    parts = [row for row in rows if row[1].comment]
    assert len(LONG) == MAX_TEXT and _utf16(LONG) > EXCEL_CELL_LIMIT
    assert len(parts) == 2
    assert "".join(row[1].value for row in parts) == LONG
    for number, row in enumerate(parts, start=1):
        assert _utf16(row[1].value) <= EXCEL_CELL_LIMIT and row[1].data_type == "s"
        assert f"Part {number} of 2" in row[1].comment.text
        assert row[0].value == "A priority with a very long action"  # filters keep parts together
    first, *rest = parts
    assert first[3].value == "Careers leader" and first[5].value == "Done"
    assert all(cell.value is None for row in rest for cell in row[2:])
    assert first[1].quotePrefix  # it starts with '='
    assert rows[len(parts)][1].value == "The action after it" and not rows[len(parts)][1].comment

    overview = [r for r in book["Overview"].iter_rows(min_row=2) if r[0].value == "Intent"]
    assert len(overview) == 2 and "".join(r[1].value for r in overview) == LONG
    outcomes = [r[1].value for r in book["Learning outcomes"].iter_rows(min_row=2)]
    assert "".join(v for v in outcomes if v not in HOSTILE) == LONG


def test_control_characters_and_lookalike_escapes_follow_the_excel_rule(data_dir, tmp_path):
    typed = "Ref_x0041_ then a bell\x07 and a form feed\x0c, tab\tkept"
    typo = Milestone(what="Date typed wrongly", due_date=date(1026, 10, 14))
    plan = Plan(vision=typed, priorities=[Priority(id="p1", title=typed, milestones=[typo])])
    _save(data_dir, factories.school(), factories.review(plan=plan))
    book = openpyxl.load_workbook(
        _export(data_dir, "test-school-2025-26", tmp_path / "escapes.xlsx")
    )
    stored = book["Priorities"]["B2"].value
    # ECMA-376 ST_Xstring: Excel decodes _xHHHH_, so both must be escaped to show as typed.
    assert stored == "Ref_x005F_x0041_ then a bell_x0007_ and a form feed_x000C_, tab\tkept"
    decoded = re.sub(r"_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m[1], 16)), stored)
    assert decoded == typed
    # A date before Excel's calendar stays visible as text instead of showing as ####.
    assert book["Milestones"]["C2"].value == "14/10/1026"
    word = _docx_text(_export(data_dir, "test-school-2025-26", tmp_path / "escapes.docx"))
    assert "Ref_x0041_ then a bell\ufffd and a form feed\ufffd, tab\tkept" in word


# --- Word -------------------------------------------------------------------------------------


def test_document_reads_as_a_plan_for_governors(sample_exports):
    review = _sample()
    doc = Document(str(sample_exports[".docx"]))
    assert doc.paragraphs[0].style.name == "Title"
    assert doc.paragraphs[0].text == "Oakfield Academy"
    text = _docx_text(sample_exports[".docx"])
    assert "Strategic careers plan 2026/27" in text and "7 October 2026" in text
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert {"Vision", "Intent", "Priorities", "Careers learning outcomes"} <= set(headings)
    for number, priority in enumerate(review.plan.priorities, start=1):
        assert f"Priority {number}: {priority.title}" in headings
        for objective in priority.objectives:
            assert objective.text in text
        for action in priority.actions:
            assert action.what in text and action.success_measure in text
        for kpi in priority.kpis:
            assert kpi.name in text
        for milestone in priority.milestones:
            assert milestone.what in text
    for outcomes in review.plan.learning_outcomes.values():
        assert all(outcome.text in text for outcome in outcomes)
    assert "Year 7" in text and "In progress" in text and "18 December 2026" in text
    assert "Benchmark 7: Encounters with further and higher education" in text
    bullets = [p for p in doc.paragraphs if p.style.name == "List Bullet"]
    assert len(bullets) == sum(len(p.objectives) for p in review.plan.priorities)
    # Nothing a governor would have to decode: no ids, no stored codes.
    codes = ["in_progress", "not_started", "theme:", "benchmark:"]
    codes += [a.id for p in review.plan.priorities for a in p.actions]
    codes += [theme.id for theme in default_framework().themes]
    for code in codes:
        assert code not in text, code


def test_hostile_text_is_intact_in_word(hostile):
    text = _docx_text(hostile[".docx"])
    for typed in HOSTILE:
        assert typed.replace("\r\n", "\n") in text.replace("\r\n", "\n"), typed
    assert LONG in text
    doc = Document(str(hostile[".docx"]))
    assert doc.paragraphs[0].text == '=HYPERLINK("x") <b>School</b> 🎓'


# --- both -------------------------------------------------------------------------------------


def test_empty_plan_exports_saying_there_are_no_priorities(data_dir, tmp_path):
    review = factories.review(year="2026/27")
    _save(data_dir, factories.school(name="Empty Plan School"), review)
    book = openpyxl.load_workbook(_export(data_dir, review.id, tmp_path / "empty.xlsx"))
    assert tuple(book.sheetnames) == SHEETS
    overview = {row[0]: row[1] for row in book["Overview"].iter_rows(values_only=True)}
    assert overview["Priorities"].startswith("No priorities yet")
    for title in SHEETS[1:]:
        assert book[title].max_row == 1 and book[title].freeze_panes == "A2"
    text = _docx_text(_export(data_dir, review.id, tmp_path / "empty.docx"))
    assert "Empty Plan School" in text and "No priorities yet" in text
    assert "Strategic careers plan 2026/27" in text


def test_unsupported_suffix_is_refused_naming_the_file(session_data_dir, tmp_path):
    target = tmp_path / "plan.csv"
    result = run_cli("export", SAMPLE_ID, "--to", str(target), "--data-dir", str(session_data_dir))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert f"{target}: cannot export to .csv" in result.stderr
    assert ".json, .xlsx, .docx" in result.stderr
    assert not target.exists()


def test_failed_export_leaves_no_file_and_keeps_the_old_one(data_dir, tmp_path):
    old = tmp_path / "plan.xlsx"
    old.write_bytes(b"last term's plan")
    result = run_cli("export", "nowhere-2026-27", "--to", str(old), "--data-dir", str(data_dir))
    assert result.returncode == 2 and "unknown review 'nowhere-2026-27'" in result.stderr
    assert old.read_bytes() == b"last term's plan"
    blocked = tmp_path / "a-file" / "plan.docx"
    blocked.parent.write_text("not a folder", encoding="utf-8")
    result = run_cli("export", SAMPLE_ID, "--to", str(blocked), "--data-dir", str(data_dir))
    assert result.returncode == 2 and "cannot write here" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "data", "plan.xlsx"]


def test_export_replaces_an_old_file_whole(data_dir, tmp_path):
    target = tmp_path / "out" / "plan.xlsx"
    target.parent.mkdir()
    target.write_bytes(b"old")
    _export(data_dir, SAMPLE_ID, target)
    assert openpyxl.load_workbook(target).sheetnames[0] == "Overview"
    assert [p.name for p in target.parent.iterdir()] == ["plan.xlsx"]  # no temporary left


def test_framework_given_names_the_links(store, tmp_path):
    data = default_framework().model_dump()
    data["maturity_model"]["themes"][-1]["name"] = "Impact, as our hub calls it"
    hub = Framework.model_validate(data)
    review = store.review(SAMPLE_ID)
    linked = {p.link for p in review.plan.priorities}
    assert f"theme:{data['maturity_model']['themes'][-1]['id']}" in linked
    path = export_review(store, SAMPLE_ID, tmp_path / "hub.xlsx", framework=hub)
    links = [r[2] for r in openpyxl.load_workbook(path)["Priorities"].iter_rows(values_only=True)]
    assert "Theme: Impact, as our hub calls it" in links
    path = export_review(store, SAMPLE_ID, tmp_path / "hub.docx", framework=hub)
    assert "Theme: Impact, as our hub calls it" in _docx_text(path)


def test_links_outside_the_framework_still_read_as_words():
    framework = default_framework()
    assert link_label("theme:careers_fairs", framework) == "Theme: Careers fairs"
    assert link_label("benchmark:12", framework) == "Benchmark 12"
    assert link_label("benchmark:1", framework) == f"Benchmark 1: {framework.benchmark(1).name}"
    assert link_label("", framework) == ""
