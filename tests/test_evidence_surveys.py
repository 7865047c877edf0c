"""Learner and parent surveys: % positive by statement and year group, and change since."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from careers_review.errors import InputError
from careers_review.evidence import change_since, load_survey, propose_actions

from .conftest import SAMPLE

EVIDENCE = SAMPLE / "evidence"

CURRENT = """\
learner_id,year_group,academic_year,Item A,Item B,Item C
a1,9,2026/27,Agree,Strongly disagree,Agree
a2,Year 9,2026/27,Strongly agree,,Agree
a3,Y9,2026-27,Disagree,4,Agree
a4,10,2026/27,Neither,5,
a5,10,2026/27,agree,1,
a6,10,2026/2027,,Neither agree nor disagree,
"""
# Item A: Year 9 2 of 3, Year 10 1 of 2 (one blank), all 3 of 5.
# Item B: Year 9 1 of 2 (one blank), Year 10 1 of 3, all 2 of 5.
# Item C: Year 9 3 of 3, Year 10 nobody answered.

PREVIOUS = """\
learner_id,year_group,academic_year,item a,Item  B
b1,9,2025/26,Agree,Agree
b2,9,2025/26,Disagree,Agree
b3,10,2025/26,Agree,Strongly agree
b4,10,2025/26,3,2
b5,11,2025/26,Strongly agree,5
"""
# Item A 3 of 5 = 60%; Item B 4 of 5 = 80%.


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding=encoding)
    return path


def test_percent_positive_by_item_and_year_group(tmp_path):
    survey = load_survey(write(tmp_path / "learners.csv", CURRENT))
    assert (survey.kind, survey.academic_year, survey.respondents) == ("learner", "2026/27", 6)
    assert survey.items == ("Item A", "Item B", "Item C")
    assert survey.year_groups == (9, 10)
    assert survey.percent_positive("Item A", 9) == pytest.approx(200 / 3)
    assert survey.percent_positive("Item A", 10) == 50
    assert survey.percent_positive("Item A") == 60
    assert survey.percent_positive("Item B", 9) == 50
    assert survey.percent_positive("Item B", 10) == pytest.approx(100 / 3)
    assert survey.percent_positive("Item B") == 40
    assert survey.percent_positive("Item C", 9) == 100
    assert survey.percent_positive("Item C", 10) is None  # nobody answered: not 0%
    score = survey.score("item   b")  # wording matched ignoring case and spacing
    assert (score.item, score.positive, score.answered) == ("Item B", 2, 5)


def test_to_frame_has_year_groups_and_all(tmp_path):
    frame = load_survey(write(tmp_path / "learners.csv", CURRENT)).to_frame()
    assert list(frame.columns) == ["Year 9", "Year 10", "All"]
    assert frame.loc["Item A", "All"] == 60
    assert math.isnan(frame.loc["Item C", "Year 10"])


def test_change_since_matches_statements_by_wording(tmp_path):
    current = load_survey(write(tmp_path / "now.csv", CURRENT))
    previous = load_survey(write(tmp_path / "before.csv", PREVIOUS))
    changes = {c.item: c for c in change_since(current, previous)}
    assert list(changes) == ["Item A", "Item B", "Item C"]
    assert (changes["Item A"].current, changes["Item A"].previous) == (60, 60)
    assert changes["Item A"].change == 0
    assert changes["Item B"].change == pytest.approx(40 - 80)
    assert changes["Item C"].previous is None and changes["Item C"].change is None


def test_change_since_refuses_mixed_kinds_and_wrong_order(tmp_path):
    current = load_survey(write(tmp_path / "now.csv", CURRENT))
    previous = load_survey(write(tmp_path / "before.csv", PREVIOUS))
    parents = load_survey(
        write(tmp_path / "p.csv", "respondent_id,year_group,academic_year,Q\np1,8,2025/26,4\n"),
        kind="parent",
    )
    with pytest.raises(InputError, match="compare surveys of the same kind"):
        change_since(current, parents)
    with pytest.raises(InputError, match="2026/27 is not earlier than 2025/26"):
        change_since(previous, current)


def test_parent_survey_and_kind_hint(tmp_path):
    text = "respondent_id,year_group,academic_year,Q1\np1,7,2026/27,5\np2,7,2026/27,2\n"
    path = write(tmp_path / "parents.csv", text)
    survey = load_survey(path, kind="parent")
    assert survey.kind == "parent" and survey.percent_positive("Q1") == 50
    with pytest.raises(InputError, match=r"parents.csv: missing column learner_id .*kind='parent'"):
        load_survey(path)
    with pytest.raises(InputError, match="survey kind must be 'learner' or 'parent'"):
        load_survey(path, kind="staff")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("a9,9,2026/27,Yes,Agree,Agree", "row 3: Item A: 'Yes' is not an answer on the agreement"),
        ("a9,9,2026/27,Agree,6,Agree", "row 3: Item B: '6' is not an answer on the agreement"),
        ("a9,14,2026/27,Agree,Agree,Agree", "row 3: year_group: '14' is not a year group"),
        ("a9,Year nine,2026/27,Agree,,", "row 3: year_group: 'Year nine' is not a year group"),
        ("a9,9,2026,Agree,,", "row 3: academic_year: '2026' is not an academic year"),
        ("a9,9,2026/28,Agree,,", "row 3: academic_year: '2026/28' is not an academic year"),
        ("a9,9,2025/26,Agree,,", "row 3: academic_year: 2025/26 differs from 2026/27 on row 2"),
        ("a1,9,2026/27,Agree,,", "row 3: learner_id: 'a1' is also on row 2"),
        (",9,2026/27,Agree,,", "row 3: learner_id: is empty"),
        ("a9,9,2026/27,Agree", "row 3: has 4 values but the header has 6 columns"),
    ],
)
def test_bad_rows_name_file_row_and_column(tmp_path, row, problem):
    text = "\n".join([*CURRENT.splitlines()[:2], row]) + "\n"
    path = write(tmp_path / "survey.csv", text)
    with pytest.raises(InputError) as caught:
        load_survey(path)
    assert str(caught.value).startswith(f"{path}: {problem}")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "the file is empty"),
        ("learner_id,year_group,academic_year,Q1\n", "no rows after the header"),
        ("learner_id,year_group,academic_year\nx,9,2026/27\n", "no statement columns"),
        ("id,year,Q1\nx,9,Agree\n", "missing columns learner_id, year_group, academic_year"),
        ("learner_id;year_group;academic_year;Q\nx;9;2026/27;Agree\n", "separated by semicolons"),
        ("learner_id,year_group,academic_year,Q,Q\nx,9,2026/27,Agree,Agree\n", "appears twice"),
        ("learner_id,year_group,academic_year,,Q\nx,9,2026/27,Agree,Agree\n", "has no heading"),
    ],
)
def test_bad_files_are_input_errors(tmp_path, text, problem):
    path = write(tmp_path / "survey.csv", text)
    with pytest.raises(InputError, match=problem) as caught:
        load_survey(path)
    assert str(caught.value).startswith(str(path))


def test_latin1_survey_is_decoded_with_a_note(tmp_path):
    statement = "Je connais mes options après la 3e"
    text = f"learner_id,year_group,academic_year,{statement}\nx,9,2026/27,Agree\n"
    survey = load_survey(write(tmp_path / "survey.csv", text, encoding="latin-1"))
    assert survey.items == (statement,)
    assert survey.encoding == "cp1252" and "not UTF-8" in survey.notes[0]


def test_utf8_with_bom_is_plain_utf8(tmp_path):
    survey = load_survey(write(tmp_path / "s.csv", CURRENT, encoding="utf-8-sig"))
    assert survey.encoding == "utf-8" and survey.notes == ()
    assert survey.items[0] == "Item A"


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=st.binary(max_size=300))
def test_any_bytes_give_results_or_an_input_error(tmp_path, body):
    path = tmp_path / "fuzz.csv"
    path.write_bytes(b"learner_id,year_group,academic_year,Q\n" + body)
    try:
        load_survey(path)
    except InputError as exc:
        assert str(exc).startswith(str(path)) and "\n" not in str(exc)


# ------------------------------------------------------------------------------------------
# The shipped samples


def _independent_percent(path: Path, item: str) -> float:
    with path.open(encoding="utf-8", newline="") as handle:
        answers = [row[item] for row in csv.DictReader(handle) if row[item]]
    positive = [a for a in answers if a in ("Agree", "Strongly agree", "4", "5")]
    return 100 * len(positive) / len(answers)


def test_sample_surveys_load_and_agree_with_a_plain_count():
    before = load_survey(EVIDENCE / "learner_survey_2025-26.csv")
    now = load_survey(EVIDENCE / "learner_survey_2026-27.csv")
    parents = load_survey(EVIDENCE / "parent_survey_2026-27.csv", kind="parent")
    assert (before.respondents, now.respondents, parents.respondents) == (264, 267, 154)
    assert now.year_groups == tuple(range(7, 14))
    for survey in (before, now, parents):
        for item in survey.items:
            assert survey.percent_positive(item) == pytest.approx(
                _independent_percent(survey.path, item)
            )
    changes = {c.item: c.change for c in change_since(now, before)}
    assert (
        changes["I have talked to someone from a business or employer about their job this year"]
        < -5
    )


def test_survey_actions_for_low_and_falling_statements(tmp_path):
    current = load_survey(write(tmp_path / "now.csv", CURRENT))
    previous = load_survey(write(tmp_path / "before.csv", PREVIOUS))
    actions = propose_actions(surveys=[current, previous])
    # Item A: 60%, level: nothing. Item B: 40%, down 40 points. Item C: 100%, new.
    assert [a.id for a in actions] == ["e1"]
    [action] = actions
    assert action.link == "benchmark:1"
    assert action.what.startswith("Only 40% of learners agreed that \u201cItem B\u201d in 2026/27")
    assert "down from 80% in 2025/26" in action.what
    assert action.success_measure == "At least 80% of learners agree in the next survey."
    # A lower bar for 'low' leaves only the fall.
    [fall] = propose_actions(surveys=[current, previous], low_positive=30)
    assert fall.what.startswith("Agreement among learners that \u201cItem B\u201d fell to 40%")


def test_survey_actions_pair_the_latest_two_years_of_each_kind():
    before = load_survey(EVIDENCE / "learner_survey_2025-26.csv")
    now = load_survey(EVIDENCE / "learner_survey_2026-27.csv")
    parents = load_survey(EVIDENCE / "parent_survey_2026-27.csv", kind="parent")
    actions = propose_actions(surveys=[now, parents, before])
    learners = [a for a in actions if "of learners" in a.what or "among learners" in a.what]
    carers = [a for a in actions if "parents and carers" in a.what]
    low_parent_items = [i for i in parents.items if parents.percent_positive(i) < 60]
    assert len(carers) == len(low_parent_items) > 0
    assert any("down from" in a.what for a in learners)
    with pytest.raises(InputError, match="a second learner survey for 2026/27"):
        propose_actions(surveys=[now, now])
