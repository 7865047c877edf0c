"""The encounters log: coverage by year group and benchmark, the provider access duty, actions."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from careers_review.content import default_framework
from careers_review.content.schema import KeyPhase
from careers_review.errors import InputError
from careers_review.evidence import (
    load_encounters,
    parse_year_groups,
    propose_actions,
    school_year_groups,
)
from careers_review.model import Review, check_review

from .conftest import SAMPLE

HEADER = "date,year_groups,type,provider,pupils,description\n"
LOG = (
    HEADER
    + "2026-08-31,10,employer_encounter,Old Year Ltd,30,Last day of 2025/26\n"
    + "2026-09-01,8;9,Provider access,Trentside College,390,First day of 2026/27\n"
    + "15/10/2026,10-11,provider_access,Midshires Training,400,\n"
    + "2026-11-02,7,Employer encounter,Greenline,200,Talk\n"
    + '2026-11-09,Year 8,employer_encounter,"Smith, Jones & Co",,"Visit, with lunch"\n'
    + "2026-12-01,12,Work experience,Various,80,Work experience week\n"
    + "2027-01-10,12;13,FE/HE encounter,Sherwood Vale University,150,Fair\n"
    + "2027-02-01,11,personal_guidance,Adviser,45,Interviews\n"
)
# 2026/27: provider access reaches Years 8-9 once and Years 10-11 once, Years 12-13 never.
# Employer encounters in 2026/27: Years 7 and 8 only.


def write(tmp_path: Path, text: str, name: str = "encounters.csv", **kw) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=kw.get("encoding", "utf-8"))
    return path


def test_rows_are_read_with_academic_years_from_dates(tmp_path):
    log = load_encounters(write(tmp_path, LOG))
    assert len(log.activities) == 8
    first, second, third = log.activities[:3]
    assert (first.date, first.academic_year) == (date(2026, 8, 31), "2025/26")
    assert (second.academic_year, second.year_groups, second.type) == (
        "2026/27",
        (8, 9),
        "provider_access",
    )
    assert (third.date, third.year_groups) == (date(2026, 10, 15), (10, 11))
    assert log.activities[3].row == 5
    assert log.activities[4].provider == "Smith, Jones & Co" and log.activities[4].pupils is None
    assert log.activities[5].type == "workplace_experience" and log.activities[5].benchmark == 6
    assert log.academic_years == ("2025/26", "2026/27")


def test_coverage_by_year_group_type_and_benchmark(tmp_path):
    coverage = load_encounters(write(tmp_path, LOG)).coverage()
    assert coverage.academic_year == "2026/27"
    assert coverage.year_groups == (7, 8, 9, 10, 11, 12, 13)
    assert coverage.by_type[8] == {
        "employer_encounter": 1,
        "workplace_experience": 0,
        "fe_he_encounter": 0,
        "provider_access": 1,
        "personal_guidance": 0,
    }
    assert coverage.by_type[10]["employer_encounter"] == 0  # the August one is last year's
    assert coverage.by_benchmark[12] == {5: 0, 6: 1, 7: 1, 8: 0}
    assert coverage.by_benchmark[11] == {5: 0, 6: 0, 7: 1, 8: 1}
    assert coverage.last_date == date(2027, 2, 1)
    frame = coverage.to_frame()
    assert frame.loc["Year 13", "FE/HE encounter"] == 1
    assert frame.loc["Year 7", "Employer encounter"] == 1
    last_year = load_encounters(write(tmp_path, LOG)).coverage("2025/26")
    assert last_year.by_type[10]["employer_encounter"] == 1


def test_provider_access_per_key_phase_from_the_framework(tmp_path):
    coverage = load_encounters(write(tmp_path, LOG)).coverage()
    phases = {p.key_phase_id: p for p in coverage.provider_access}
    expected = default_framework().statutory.provider_access.key_phases
    assert list(phases) == [k.id for k in expected]
    for phase in expected:
        assert phases[phase.id].minimum == phase.minimum
        assert phases[phase.id].years == tuple(phase.years)
    counts = {k: (p.count, p.met, p.short_by) for k, p in phases.items()}
    assert counts == {"y8_9": (1, False, 1), "y10_11": (1, False, 1), "y12_13": (0, False, 2)}
    assert phases["y8_9"].by_year_group == {8: 1, 9: 1}


def test_key_phases_and_minimums_come_from_the_framework_not_the_code(tmp_path):
    framework = default_framework()
    access = framework.statutory.provider_access.model_copy(
        update={
            "key_phases": [
                KeyPhase(
                    id="y7_8", name="Years 7-8", years=[7, 8], minimum=1, requirement="must_attend"
                ),
                KeyPhase(
                    id="y9_11",
                    name="Years 9-11",
                    years=[9, 10, 11],
                    minimum=3,
                    requirement="must_attend",
                ),
            ]
        }
    )
    custom = framework.model_copy(
        update={"statutory": framework.statutory.model_copy(update={"provider_access": access})}
    )
    coverage = load_encounters(write(tmp_path, LOG)).coverage(framework=custom)
    found = [(p.key_phase_id, p.count, p.met) for p in coverage.provider_access]
    assert found == [("y7_8", 1, True), ("y9_11", 2, False)]
    [gap] = [g for g in coverage.gaps if g.kind == "provider_access"]
    assert gap.message.startswith("Years 9-11: 2 provider encounters logged in 2026/27")
    assert "at least 3" in gap.message


def test_gaps_flag_phases_below_minimum_and_years_without_employers(tmp_path):
    coverage = load_encounters(write(tmp_path, LOG)).coverage()
    assert [(g.kind, g.year_groups) for g in coverage.gaps] == [
        ("provider_access", (8, 9)),
        ("provider_access", (10, 11)),
        ("provider_access", (12, 13)),
        ("no_employer_encounter", (9,)),
        ("no_employer_encounter", (10,)),
        ("no_employer_encounter", (11,)),
        ("no_employer_encounter", (12,)),
        ("no_employer_encounter", (13,)),
    ]
    assert coverage.gaps[3].message == "Year 9: no employer encounter logged in 2026/27."
    assert {g.benchmark for g in coverage.gaps} == {5, 7}


def test_an_11_16_school_is_not_asked_for_sixth_form_encounters(tmp_path):
    years = school_year_groups("11-16")
    assert years == (7, 8, 9, 10, 11)
    coverage = load_encounters(write(tmp_path, LOG)).coverage(year_groups=years)
    assert [p.key_phase_id for p in coverage.provider_access] == ["y8_9", "y10_11"]
    assert all(12 not in g.year_groups for g in coverage.gaps)
    assert school_year_groups("11-18") == tuple(range(7, 14))
    assert school_year_groups("11-19") == tuple(range(7, 14))
    with pytest.raises(InputError, match="age range 'eleven' is not like 11-18"):
        school_year_groups("eleven")


@pytest.mark.parametrize(
    ("text", "groups"),
    [
        ("12", (12,)),
        ("8;9", (8, 9)),
        ("10-11", (10, 11)),
        ("7; 10-11", (7, 10, 11)),
        ("Year 10", (10,)),
        ("Y12-Y13", (12, 13)),
        ("Years 8 and 9", (8, 9)),
        ("10 to 11", (10, 11)),
    ],
)
def test_year_group_forms(text, groups):
    assert parse_year_groups(text) == groups


def test_sample_log_for_a_year_in_progress():
    log = load_encounters(SAMPLE / "evidence" / "encounters_2026-27.csv")
    assert log.academic_years == ("2026/27",) and len(log.activities) == 19
    coverage = log.coverage(year_groups=school_year_groups("11-18"))
    counts = {p.key_phase_id: p.count for p in coverage.provider_access}
    assert counts == {"y8_9": 2, "y10_11": 1, "y12_13": 1}
    assert [g.year_groups for g in coverage.gaps if g.kind == "no_employer_encounter"] == [(13,)]
    assert [g.key_phase.key_phase_id for g in coverage.gaps if g.key_phase] == ["y10_11", "y12_13"]
    assert coverage.by_type[7] == {
        "employer_encounter": 1,
        "workplace_experience": 0,
        "fe_he_encounter": 1,
        "provider_access": 0,
        "personal_guidance": 0,
    }
    assert coverage.last_date == date(2027, 3, 4)


# ------------------------------------------------------------------------------------------
# Bad input


def test_the_issue_example_message(tmp_path):
    text = HEADER + "".join(f"2026-10-0{n},9,employer_encounter,X,10,\n" for n in range(1, 6))
    text += "31/02/2026,9,employer_encounter,X,10,\n"
    path = write(tmp_path, text)
    with pytest.raises(InputError) as caught:
        load_encounters(path)
    assert str(caught.value) == (
        f"{path}: row 7: date: '31/02/2026' is not a date (use YYYY-MM-DD or DD/MM/YYYY)"
    )


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("2026-13-01,9,employer_encounter,X,1,", "date: '2026-13-01' is not a date"),
        ("next week,9,employer_encounter,X,1,", "date: 'next week' is not a date"),
        ("2026-10-01,14,employer_encounter,X,1,", "year_groups: '14' is not a list of year"),
        ("2026-10-01,9-8,employer_encounter,X,1,", "year_groups: '9-8' is not a list of year"),
        ("2026-10-01,all,employer_encounter,X,1,", "year_groups: 'all' is not a list of year"),
        ("2026-10-01,,employer_encounter,X,1,", "year_groups: is empty"),
        ("2026-10-01,9,careers fair,X,1,", "type: 'careers fair' is not a type of activity"),
        ("2026-10-01,9,employer_encounter,X,twenty,", "pupils: 'twenty' is not a number"),
        ("2026-10-01,9,employer_encounter,X,-4,", "pupils: '-4' is not a number"),
        ("2026-10-01,9,employer_encounter,X,1,desc,extra", "has 7 values but the header has 6"),
    ],
)
def test_bad_rows_name_file_row_and_column(tmp_path, row, problem):
    path = write(tmp_path, HEADER + "2026-10-01,9,employer_encounter,X,1,ok\n" + row + "\n")
    with pytest.raises(InputError) as caught:
        load_encounters(path)
    assert str(caught.value).startswith(f"{path}: row 3: {problem}")


def test_unknown_type_lists_the_allowed_types(tmp_path):
    path = write(tmp_path, HEADER + "2026-10-01,9,assembly,X,1,\n")
    with pytest.raises(InputError) as caught:
        load_encounters(path)
    for name in (
        "employer_encounter",
        "workplace_experience",
        "fe_he_encounter",
        "provider_access",
        "personal_guidance",
    ):
        assert name in str(caught.value)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "the file is empty"),
        ("\n\n", "the file is empty"),
        (HEADER, "no rows after the header"),
        (HEADER + ",,,,,\n", "no rows after the header"),
        (
            "date,type,provider\n2026-10-01,provider_access,X\n",
            "missing columns year_groups, pupils, description",
        ),
    ],
)
def test_empty_header_only_and_missing_columns(tmp_path, text, problem):
    path = write(tmp_path, text)
    with pytest.raises(InputError, match=problem) as caught:
        load_encounters(path)
    assert str(caught.value).startswith(str(path))


def test_latin1_log_is_decoded_correctly_with_a_note(tmp_path):
    text = HEADER + "2026-10-01,9,employer_encounter,Zoë's Bakery,30,Crème brûlée demo\n"
    log = load_encounters(write(tmp_path, text, encoding="latin-1"))
    assert log.activities[0].provider == "Zoë's Bakery"
    assert log.activities[0].description == "Crème brûlée demo"
    assert log.encoding == "cp1252"
    assert "read as Windows-1252" in log.notes[0] and "line 2" in log.notes[0]
    same = load_encounters(write(tmp_path, text, "utf8.csv"))
    assert same.encoding == "utf-8" and same.activities == log.activities


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (HEADER.encode() + b"2026-10-01,9,employer_encounter,\x81\x8d,1,\n", "is not UTF-8"),
        ("\ufeff".encode("utf-16-le") + HEADER.encode("utf-16-le"), "UTF-16"),
        (b"PK\x03\x04\x14\x00", "spreadsheet workbook"),
    ],
)
def test_files_that_cannot_be_decoded(tmp_path, content, problem):
    path = tmp_path / "encounters.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=problem):
        load_encounters(path)


def test_a_folder_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="is a folder"):
        load_encounters(tmp_path)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=st.text(max_size=200))
def test_any_text_gives_a_log_or_an_input_error(tmp_path, body):
    path = tmp_path / "fuzz.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    try:
        load_encounters(path)
    except InputError as exc:
        assert str(exc).startswith(str(path)) and "\n" not in str(exc)


# ------------------------------------------------------------------------------------------
# Proposed actions


def test_actions_for_provider_access_and_employer_gaps(tmp_path):
    log = load_encounters(SAMPLE / "evidence" / "encounters_2026-27.csv")
    actions = propose_actions(encounters=log.coverage())
    assert [(a.id, a.link) for a in actions] == [
        ("e1", "benchmark:7"),
        ("e2", "benchmark:7"),
        ("e3", "benchmark:5"),
    ]
    assert actions[0].what.startswith(
        "Arrange 1 more provider encounter for every pupil in Years 10-11 before the end of 2026/27"
    )
    assert "attending is their choice" in actions[1].what  # Years 12-13: the school must offer
    assert "Year 13" in actions[2].what
    assert actions[0].success_measure == (
        "The encounters log shows at least 2 provider encounters for Years 10-11 in 2026/27."
    )
    assert all(a.owner == "" and a.status == "not_started" and a.due_date is None for a in actions)


def test_several_year_groups_without_employers_make_one_action(tmp_path):
    coverage = load_encounters(write(tmp_path, LOG)).coverage()
    actions = propose_actions(encounters=coverage)
    employer = [a for a in actions if a.link == "benchmark:5"]
    assert len(employer) == 1
    assert "Years 9, 10, 11, 12 and 13" in employer[0].what


def test_actions_fit_a_review_plan_and_are_numbered_across_sources():
    evidence = SAMPLE / "evidence"
    from careers_review.evidence import load_destinations, load_survey

    actions = propose_actions(
        encounters=load_encounters(evidence / "encounters_2026-27.csv").coverage(),
        surveys=[
            load_survey(evidence / "learner_survey_2025-26.csv"),
            load_survey(evidence / "learner_survey_2026-27.csv"),
        ],
        destinations=load_destinations(evidence / "ks5_destinations_sample.csv").school(990101),
    )
    assert [a.id for a in actions] == [f"e{n}" for n in range(1, len(actions) + 1)]
    links = [a.link for a in actions]
    assert links[:3] == ["benchmark:7", "benchmark:7", "benchmark:5"]
    assert links[-2:] == ["benchmark:3", "benchmark:3"]
    review = Review.model_validate(
        {
            "id": "oakfield-academy-2026-27",
            "school_id": "oakfield-academy",
            "academic_year": "2026/27",
            "review_date": "2027-03-10",
            "plan": {"priorities": [{"id": "p1", "actions": [a.model_dump() for a in actions]}]},
        }
    )
    check_review(review, default_framework())


def test_no_evidence_no_actions_and_links_only_to_known_benchmarks(tmp_path):
    assert propose_actions() == []
    framework = default_framework()
    only_five = framework.model_copy(
        update={"benchmarks": [b for b in framework.benchmarks if b.number == 5]}
    )
    coverage = load_encounters(write(tmp_path, LOG)).coverage()
    links = {a.link for a in propose_actions(encounters=coverage, framework=only_five)}
    assert links == {"", "benchmark:5"}
