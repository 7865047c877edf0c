"""The framework content: what ships, and how a broken or foreign file is treated."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml

from careers_review import FrameworkError, default_framework, load_framework

from .conftest import SAMPLE

SIX_THEMES = SAMPLE / "frameworks" / "six_themes.yaml"


def test_builtin_maturity_model_has_five_conditions_and_four_levels():
    fw = default_framework()
    assert [t.id for t in fw.themes] == [
        "leaders_vision",
        "strategic_planning",
        "intended_impact",
        "distributed_leadership",
        "monitoring_impact",
    ]
    assert [lv.name for lv in fw.levels] == ["Emerging", "Developing", "Established", "Embedded"]
    for theme in fw.themes:
        assert sorted(theme.descriptors) == [1, 2, 3, 4]
        assert len(set(theme.descriptors.values())) == 4, f"{theme.id} repeats a descriptor"
        assert len(theme.guiding_questions) >= 3
        assert theme.benchmarks and set(theme.benchmarks) <= set(range(1, 9))


def test_builtin_benchmarks_are_the_eight_gatsby_benchmarks():
    fw = default_framework()
    names = [b.name for b in fw.benchmarks]
    assert [b.number for b in fw.benchmarks] == list(range(1, 9))
    assert names[0] == "A stable careers programme"
    assert names[7] == "Personal guidance"
    assert "Encounters with employers and employees" in names
    for benchmark in fw.benchmarks:
        assert benchmark.summary and benchmark.governor_questions and benchmark.criteria


def test_builtin_roadmap_statutory_roles_and_structures():
    fw = default_framework()
    assert [p.number for p in fw.roadmap.phases] == [1, 2, 3]
    assert all(p.steps for p in fw.roadmap.phases)
    assert "02_internal_review" in fw.roadmap.phases[0].workbooks
    access = fw.statutory.provider_access
    assert access.minimum_total == 6
    phases = {p.id: (p.years, p.minimum, p.requirement) for p in access.key_phases}
    assert phases == {
        "y8_9": ([8, 9], 2, "must_attend"),
        "y10_11": ([10, 11], 2, "must_attend"),
        "y12_13": ([12, 13], 2, "must_offer"),
    }
    duties = {d.id for d in fw.statutory.duties}
    assert {
        "named_careers_leader",
        "provider_access",
        "provider_access_policy",
        "website_information",
        "independent_guidance",
        "link_governor",
    } <= duties
    assert {i.id for i in fw.statutory.website_items} == {
        "careers_leader_contact",
        "programme_summary",
        "impact_measurement",
        "next_review_date",
    }
    roles = {r.id for r in fw.key_roles}
    assert {"headteacher", "careers_leader", "link_governor", "senco"} <= roles
    assert any(r.recommended_attendee for r in fw.key_roles)
    assert {s.id for s in fw.leadership_structures} == {
        "senior_leader",
        "middle_leader",
        "multi_school",
    }
    assert all(s.strengths and s.limitations for s in fw.leadership_structures)
    assert len(fw.careers_leader_responsibilities) == 8


def test_hub_file_with_six_themes_and_five_levels_replaces_only_the_model():
    fw = load_framework(SIX_THEMES)
    assert len(fw.themes) == 6 and len(fw.levels) == 5
    assert fw.id == "example_hub_six_themes"
    # Sections the hub file does not give come from the built-in framework.
    assert fw.benchmarks == default_framework().benchmarks


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "hub.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def _model(*themes: dict, levels: list[int] = (1, 2)) -> str:
    model = {
        "id": "m",
        "name": "M",
        "levels": [{"number": n, "name": f"L{n}"} for n in levels],
        "themes": list(themes),
    }
    return yaml.safe_dump({"maturity_model": model})


def _theme(theme_id: str = "t1", levels: tuple[int, ...] = (1, 2), **extra) -> dict:
    return {
        "id": theme_id,
        "name": theme_id.upper(),
        "descriptors": {n: f"d{n}" for n in levels},
        **extra,
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("maturity_model: [\n", "line"),
        ("colour: blue\n", "unknown key 'colour'"),
        ("- just\n- a list\n", "expected a mapping"),
        ("id: a\nid: b\n", "duplicate key 'id'"),
        (_model(_theme(), _theme()), "maturity_model.themes: duplicate theme id 't1'"),
        (_model(_theme(levels=(1,))), "themes[0] (t1).descriptors: no descriptor for level 2"),
        (_model(_theme(colour="red")), "maturity_model.themes[0].colour: unknown key"),
        (_model(_theme(benchmarks=[9])), "no benchmark numbered 9"),
        (_model(_theme(), levels=[1, 3]), "levels must be numbered 1 to 2"),
        ("maturity_model:\n  id: m\n  name: M\n", "maturity_model.levels: required key is missing"),
    ],
    ids=[
        "bad-yaml",
        "unknown-top-key",
        "not-a-mapping",
        "duplicate-yaml-key",
        "duplicate-theme",
        "missing-level",
        "unknown-theme-key",
        "unknown-benchmark",
        "levels-out-of-order",
        "missing-section-key",
    ],
)
def test_bad_framework_file_names_file_and_key(tmp_path, text, expected):
    path = _write(tmp_path, text)
    with pytest.raises(FrameworkError) as caught:
        load_framework(path)
    message = str(caught.value)
    assert message.startswith(str(path)), message
    assert expected in message
    assert "\n" not in message


def test_missing_framework_file_is_named(tmp_path):
    with pytest.raises(FrameworkError, match="framework file not found"):
        load_framework(tmp_path / "nope.yaml")


def test_data_directory_framework_file_is_used(tmp_path):
    from careers_review.workspace import framework_in_use

    (tmp_path / "framework.yaml").write_bytes(SIX_THEMES.read_bytes())
    assert len(framework_in_use(tmp_path).themes) == 6
    assert len(framework_in_use(tmp_path / "elsewhere").themes) == 5
