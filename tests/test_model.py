"""Documents: JSON that round-trips exactly, and clear refusals of what does not fit."""

from __future__ import annotations

import json
from datetime import date

import pytest

from careers_review import (
    Action,
    InputError,
    Plan,
    Priority,
    Review,
    academic_year_for,
    check_review,
    default_framework,
    dump_json,
    parse_document,
)
from careers_review.model import KPI, Milestone, Participant

from . import factories
from .conftest import SAMPLE


def _full_review() -> Review:
    return factories.review(
        levels={"leaders_vision": 3, "monitoring_impact": 1},
        participants=[Participant(name="Zoë O'Brien", role="headteacher")],
        plan=Plan(
            vision="Every pupil leaves with a plan — and the confidence to change it.",
            priorities=[
                Priority(
                    id="p1",
                    title="Measure impact",
                    link="theme:monitoring_impact",
                    objectives=["90% of year 11 can name two routes after 16"],
                    actions=[
                        Action(
                            id="a1",
                            what="Run the survey",
                            owner="Careers Leader",
                            due_date=date(2026, 3, 1),
                            link="benchmark:3",
                        )
                    ],
                    milestones=[Milestone(what="Survey live", due_date=date(2026, 2, 1))],
                    kpis=[KPI(name="NEET", unit="%", baseline=4.5, target=2.0)],
                )
            ],
            learning_outcomes={"7": ["Name three jobs linked to a favourite subject"]},
        ),
    )


def test_review_json_round_trip_is_exact():
    original = _full_review()
    text = dump_json(original)
    again = parse_document(json.loads(text), "review.json")
    assert again == original
    assert dump_json(again) == text
    assert json.loads(text)["schema_version"] == 1
    assert "Zoë O'Brien" in text  # kept readable, not \\u-escaped


def test_every_sample_file_is_canonical():
    files = sorted(SAMPLE.rglob("*.json"))
    assert len(files) >= 30
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert dump_json(parse_document(json.loads(text), str(path))) == text, path


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"schema_version": 99}, "schema_version: this version reads 1, got 99"),
        ({"kind": "letter"}, "kind: expected 'school' or 'review'"),
        ({"academic_year": "2025/27"}, "academic_year: must look like 2025/26"),
        ({"review_date": "31/10/2025"}, "review_date:"),
        ({"colour": "red"}, "colour: unknown field"),
        ({"id": "../escape"}, "id: use 1 to 64 letters, digits, '-' or '_'"),
        ({"ratings": {"leaders_vision": {"level": 0}}}, "ratings.leaders_vision.level:"),
    ],
)
def test_bad_review_document_names_file_and_field(change, expected):
    data = json.loads(dump_json(factories.review()))
    data.update(change)
    with pytest.raises(InputError) as caught:
        parse_document(data, "reviews/x.json")
    assert str(caught.value).startswith("reviews/x.json: ")
    assert expected in str(caught.value)


def test_review_checked_against_framework():
    fw = default_framework()
    check_review(factories.review(levels={"leaders_vision": 4}), fw)
    with pytest.raises(InputError, match=r"x.json: ratings.vision_quest: unknown theme"):
        check_review(factories.review(levels={"vision_quest": 2}), fw, "x.json")
    with pytest.raises(InputError, match=r"ratings.leaders_vision.level: 5 is out of range 1 to 4"):
        check_review(factories.review(levels={"leaders_vision": 5}), fw, "x.json")
    bad_role = factories.review(participants=[Participant(name="A", role="wizard")])
    with pytest.raises(InputError, match=r"participants\[0\].role: unknown role 'wizard'"):
        check_review(bad_role, fw)


def test_academic_year_starts_in_september():
    assert academic_year_for(date(2026, 8, 31)) == "2025/26"
    assert academic_year_for(date(2026, 9, 1)) == "2026/27"
    assert academic_year_for(date(1999, 12, 1)) == "1999/00"
