"""Summary functions: what the team sees at the end of the review."""

from __future__ import annotations

from careers_review import (
    ThemeRating,
    change_since,
    default_framework,
    levels,
    load_framework,
    priorities,
    profile,
    strengths,
)

from . import factories
from .conftest import SAMPLE

FW = default_framework()


def _rated() -> object:
    review = factories.review(
        levels={
            "leaders_vision": 4,
            "strategic_planning": 2,
            "intended_impact": 1,
            "distributed_leadership": 3,
            "monitoring_impact": None,
        }
    )
    review.ratings["leaders_vision"] = ThemeRating(
        level=4, focus="strength", evidence="Vision agreed"
    )
    review.ratings["strategic_planning"] = ThemeRating(level=2, focus="priority")
    review.ratings["intended_impact"] = ThemeRating(level=1, focus="priority")
    return review


def test_levels_follow_framework_order_with_gaps():
    assert levels(_rated(), FW) == {
        "leaders_vision": 4,
        "strategic_planning": 2,
        "intended_impact": 1,
        "distributed_leadership": 3,
        "monitoring_impact": None,
    }


def test_profile_headlines():
    result = profile(_rated(), FW)
    assert (result.agreed, result.total, result.complete) == (4, 5, False)
    assert result.overall_level == 2 and result.overall_name == "Developing"
    assert result.level_counts == {1: 1, 2: 1, 3: 1, 4: 1}
    assert [t.level_name for t in result.themes][-1] == "Not agreed"


def test_strengths_and_priorities_lowest_level_first():
    review = _rated()
    assert [t.theme_id for t in strengths(review, FW)] == ["leaders_vision"]
    assert [t.theme_id for t in priorities(review, FW)] == ["intended_impact", "strategic_planning"]


def test_change_since_previous_review():
    before = factories.review(
        year="2024/25", levels={"leaders_vision": 3, "strategic_planning": 2, "intended_impact": 2}
    )
    changes = {c.theme_id: c for c in change_since(_rated(), before, FW)}
    assert changes["leaders_vision"].delta == 1 and changes["leaders_vision"].direction == "up"
    assert changes["strategic_planning"].direction == "same"
    assert changes["intended_impact"].direction == "down"
    assert changes["distributed_leadership"].direction == "new"
    assert changes["monitoring_impact"].direction == "not compared"
    assert all(c.before is None for c in change_since(_rated(), None, FW))


def test_summary_works_on_six_theme_five_level_model():
    fw = load_framework(SAMPLE / "frameworks" / "six_themes.yaml")
    review = factories.review(
        levels={
            "vision": 5,
            "planning": 5,
            "curriculum": 1,
            "encounters": 3,
            "guidance": 2,
            "impact": 4,
        }
    )
    result = profile(review, fw)
    assert result.total == 6 and result.complete
    assert result.overall_name == "Developing"  # median_low of 1,2,3,4,5,5 is 3
    assert result.level_counts == {1: 1, 2: 1, 3: 1, 4: 1, 5: 2}


def test_provider_access_only_counts_key_phases_the_school_teaches():
    from careers_review import School
    from careers_review.summary import provider_access

    review = factories.review()
    review.foundations.encounters = {"y8_9": 2, "y10_11": 1}
    all_phases = [p.key_phase_id for p in provider_access(review, FW)]
    assert all_phases == ["y8_9", "y10_11", "y12_13"]
    eleven_to_sixteen = School(id="s", name="S", age_range="11-16")
    counted = provider_access(review, FW, eleven_to_sixteen)
    assert [(p.key_phase_id, p.met) for p in counted] == [("y8_9", True), ("y10_11", False)]
    sixth_form = School(id="t", name="T", age_range="", sixth_form=True)
    assert len(provider_access(review, FW, sixth_form)) == 3
