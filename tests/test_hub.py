"""The hub summary over the sample hub: figures checked against the review files themselves,
a six-theme five-level model, hostile names, PNG charts and a Papermill run with a batch record."""

from __future__ import annotations

import json
from datetime import date
from html import escape
from pathlib import Path
from statistics import median_low

import papermill
import pytest

from careers_review import InputError, Store, default_framework, load_framework
from careers_review import hub_sections as sections
from careers_review.hub import (
    hub_benchmarks,
    hub_levels,
    load_hub,
    not_reviewed,
    parse_school_ids,
    priority_themes,
    read_batch,
    show_hub_summary,
    statutory_gaps,
    theme_spread,
)
from careers_review.hub_charts import levels_heatmap_png, theme_spread_png
from careers_review.hub_sections import hub_sections, hub_summary, summarise
from careers_review.sections import Section

from . import factories
from .conftest import SAMPLE, WORKBOOKS

TODAY = date(2026, 11, 23)  # autumn term of 2026/27
PNG = b"\x89PNG\r\n\x1a\n"
SIX = SAMPLE / "frameworks" / "six_themes.yaml"
HOSTILE = "<script>alert('x')</script> & \"Sons\" $a$ Academy"


def _latest_sample_reviews() -> dict[str, dict]:
    """Each sample school's latest review, read straight from the JSON files."""
    latest: dict[str, dict] = {}
    for path in sorted((SAMPLE / "reviews").glob("*.json")):
        review = json.loads(path.read_text(encoding="utf-8"))
        held = latest.get(review["school_id"])
        if held is None or review["academic_year"] > held["academic_year"]:
            latest[review["school_id"]] = review
    return latest


def _hub(data_dir: Path, framework=None, school_ids: str = "", today: date = TODAY):
    with Store(data_dir) as store:
        return load_hub(store, framework or default_framework(), school_ids, today)


def _html(sections) -> str:
    return "".join(section.html for section in sections)


def test_levels_are_each_schools_latest_review(data_dir):
    expected = _latest_sample_reviews()
    frame = hub_levels(_hub(data_dir))
    themes = [t.id for t in default_framework().themes]
    assert list(frame.columns) == themes
    assert sorted(frame.index) == sorted(expected)
    for school in ("oakfield-academy", "brackenridge-community-school"):
        ratings = expected[school]["ratings"]
        assert frame.loc[school].tolist() == [ratings[t]["level"] for t in themes]
    assert frame.loc["oakfield-academy", "leaders_vision"] == 4  # its 2026/27 review, not 2025/26


def test_spread_counts_every_school_and_takes_the_lower_median(data_dir):
    expected = _latest_sample_reviews()
    spread = {s.theme_id: s for s in theme_spread(_hub(data_dir))}
    for theme in default_framework().themes:
        found = [r["ratings"][theme.id]["level"] for r in expected.values()]
        result = spread[theme.id]
        assert result.counts == {n: found.count(n) for n in range(1, 5)}
        assert result.not_agreed == 0 and result.agreed == len(expected)
        assert result.median == median_low(found)


def test_schools_with_no_review_this_year(data_dir):
    missing = not_reviewed(_hub(data_dir))
    assert [(m.school_id, m.latest_year) for m in missing] == [
        ("brackenridge-community-school", "2025/26"),
        ("hollybank-academy", "2025/26"),
    ]
    hub = _hub(data_dir)
    hollybank = next(s for s in hub.schools if s.id == "hollybank-academy")
    assert hub.label(hollybank, 6) == "Holly… (2025/26)"  # a chart shortens the name, not the year
    next_year = not_reviewed(_hub(data_dir, today=date(2027, 9, 1)))
    assert len(next_year) == len(_latest_sample_reviews())


def test_priority_themes_counted_and_sorted(data_dir):
    expected = _latest_sample_reviews()
    counts = priority_themes(_hub(data_dir))
    for count in counts:
        marked = {
            s for s, r in expected.items() if r["ratings"][count.theme_id]["focus"] == "priority"
        }
        assert set(count.school_ids) == marked and count.count == len(marked)
    assert [c.count for c in counts] == sorted((c.count for c in counts), reverse=True)
    assert counts[0].theme_id == "monitoring_impact" and counts[0].count == 7


def test_benchmark_percent_across_schools(data_dir):
    framework = default_framework()
    review = _latest_sample_reviews()["greyfriars-lane-academy"]
    frame = hub_benchmarks(_hub(data_dir))
    assert list(frame.columns) == [b.number for b in framework.benchmarks]
    for benchmark in framework.benchmarks:
        marks = [review["gatsby"].get(c.id, "") for c in benchmark.criteria]
        percent = 100 * marks.count("achieved") / len(marks)
        assert frame.loc["greyfriars-lane-academy", benchmark.number] == pytest.approx(percent)


def test_statutory_gaps_by_school(data_dir):
    framework = default_framework()
    titles = {d.id: d.title for d in framework.statutory.duties}
    expected = _latest_sample_reviews()
    gaps = {g.school_id: g for g in statutory_gaps(_hub(data_dir))}
    for school, review in expected.items():
        duties = review["foundations"]["duties"]
        for status in ("not_met", "not_sure"):
            want = [
                titles[d.id]
                for d in framework.statutory.duties
                if duties.get(d.id, {}).get("status") == status
            ]
            assert list(getattr(gaps[school], status)) == want, school
    assert gaps["millbrook-valley-academy"].not_met == ("Provider access duty",)
    assert not gaps["ashcombe-girls-school"].has_gaps
    # Sixth-form encounters are chased only where there is a sixth form.
    assert [p.key_phase_id for p in gaps["st-peters-catholic-high-school"].below_minimum] == [
        "y12_13"
    ]
    assert [p.key_phase_id for p in gaps["greyfriars-lane-academy"].below_minimum] == ["y10_11"]


def test_chosen_schools_and_unknown_ids_are_a_problem_not_a_crash(data_dir):
    assert parse_school_ids(" oakfield-academy, ,ghost,oakfield-academy") == [
        "oakfield-academy",
        "ghost",
    ]
    hub = _hub(data_dir, school_ids="oakfield-academy,ghost-school")
    assert [s.id for s in hub.schools] == ["oakfield-academy"]
    assert hub.problems == ("ghost-school: not a school in this data directory",)
    html = _html(hub_sections(hub))
    assert "ghost-school: not a school" in html and "1 school</p>" in html


def test_six_theme_five_level_framework(tmp_path, data_dir):
    framework = load_framework(SIX)
    with Store(tmp_path / "six") as store:
        for school_id, name in (("six-one", "Sixfold Academy"), ("six-two", "Fivefold School")):
            store.save(factories.school(school_id, name=name))
        first = factories.review(
            "six-one",
            year="2026/27",
            levels={"vision": 5, "planning": 4, "curriculum": 1, "encounters": 3, "guidance": 2},
        )
        first.ratings["curriculum"].focus = "priority"
        second = factories.review("six-two", year="2026/27", levels={"vision": 5, "impact": 1})
        second.ratings["curriculum"] = first.ratings["curriculum"]
        store.save_many([first, second])
        hub = load_hub(store, framework, "", TODAY)
    frame = hub_levels(hub)
    assert frame.shape == (2, 6) and list(frame.columns) == [t.id for t in framework.themes]
    assert frame.loc["six-one"].isna().tolist() == [False] * 5 + [True]
    spread = {s.theme_id: s for s in theme_spread(hub)}
    assert spread["vision"].counts == {1: 0, 2: 0, 3: 0, 4: 0, 5: 2}
    assert spread["vision"].median == 5 and spread["impact"].not_agreed == 1
    assert priority_themes(hub)[0].theme_id == "curriculum" and priority_themes(hub)[0].count == 2
    sections = hub_sections(hub)
    html = _html(sections)
    assert "5 Leading" in html and "Vision and culture" in html and "Impact" in html
    assert not not_reviewed(hub) and "Every school has a review for 2026/27" in html
    charts = [c for s in sections for c in s.charts]
    assert len(charts) == 2 and all(c.png.startswith(PNG) for c in charts)
    # Reviews made with another model are named as problems, and their levels left out.
    mismatched = _hub(data_dir, framework)
    assert len(mismatched.problems) == 10 and "unknown theme" in mismatched.problems[0]
    assert hub_levels(mismatched).isna().all().all()


def test_hostile_school_names_are_escaped(tmp_path):
    with Store(tmp_path / "data") as store:
        store.save(factories.school("hostile", name=HOSTILE))
        review = factories.review("hostile", year="2025/26", levels={"leaders_vision": 2})
        review.ratings["leaders_vision"].focus = "priority"
        review.gatsby = {default_framework().benchmarks[0].criteria[0].id: "achieved"}
        store.save(review)
        hub = load_hub(store, default_framework(), "", TODAY)
    sections = hub_sections(hub)
    html = _html(sections)
    assert "<script>" not in html and "$a$" in html
    assert html.count(escape(HOSTILE)) >= 4  # not reviewed, priorities, benchmarks, statutory
    assert all(chart.png.startswith(PNG) for s in sections for chart in s.charts)


def test_charts_are_png_and_long_hubs_get_several_heatmaps(data_dir, monkeypatch):
    hub = _hub(data_dir)
    framework = default_framework()
    heatmap = levels_heatmap_png(framework, hub_levels(hub), title="Levels")
    spread = theme_spread_png(framework, theme_spread(hub))
    assert heatmap.startswith(PNG) and spread.startswith(PNG) and len(heatmap) > 10_000
    monkeypatch.setattr("careers_review.hub_sections.HEATMAP_ROWS", 4)
    levels = next(s for s in hub_sections(hub) if s.key == "levels")
    assert len(levels.charts) == 3  # 10 schools, 4 to a page
    assert levels.charts[1].alt.startswith(
        "Grid of the agreed level, 1 to 4, for schools 5 to 8 of"
    )
    assert levels.to_html().count("<img class='cr-chart'") == 3


def test_empty_hub_says_so_plainly(tmp_path):
    with Store(tmp_path / "empty") as store:
        hub = load_hub(store, default_framework(), "", TODAY)
    sections = hub_sections(hub)
    assert not any(s.charts for s in sections)
    assert all("cr-empty" in s.html for s in sections[1:])
    assert "0 schools" in sections[0].html


def _batch(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    record = {
        "started": "2026-11-23T08:00:00+00:00",
        "updated": "2026-11-23T08:01:00+00:00",
        "schools": [
            {"school_id": "oakfield-academy", "name": "Oakfield Academy", "status": "done"},
            {
                "school_id": "holmewold-academy",
                "name": "Holmewold Academy",
                "status": "failed",
                "failed_workbook": "05_governor_report",
                "cell": 2,
                "error": "InputError: <b>broken</b> review",
            },
        ],
    }
    (folder / "batch.json").write_text(json.dumps(record), encoding="utf-8")
    return folder


def test_show_hub_summary_displays_static_sections(data_dir, tmp_path, monkeypatch):
    shown: list = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj))
    show_hub_summary(str(data_dir), batch_dir=str(_batch(tmp_path / "batch")), today=TODAY)
    assert all(isinstance(o, Section) for o in shown)
    html = [o._repr_html_() for o in shown]
    assert html[0].startswith("<div class='cr-report mathjax_ignore tex2jax_ignore cr-part-cover'>")
    assert "<h1 class='cr-report-school'>Hub summary" in html[0]
    assert "class='cr-report-date'>Academic year 2026/27 · 23 November 2026 · 10 schools" in html[0]
    keys = ["levels", "spread", "not-reviewed", "priorities", "benchmarks", "statutory", "failures"]
    assert [h.split("cr-section-", 1)[1].split("'")[0] for h in html[1:]] == keys
    assert all("'><h2 class='cr-section " in h for h in html[1:])
    assert "&lt;b&gt;broken&lt;/b&gt;" in html[-1] and "<b>broken" not in html[-1]
    images = [c for o in shown for c in o.charts]
    assert len(images) == 2 and all(i.png.startswith(PNG) for i in images)
    assert "".join(html).count("src='data:image/png;base64,") == 2


def test_each_hub_section_holds_its_figures(data_dir, tmp_path):
    expected = _latest_sample_reviews()
    summary = hub_summary(str(data_dir), batch_dir=str(_batch(tmp_path / "batch")), today=TODAY)
    titles = {
        sections.cover: "",
        sections.levels: "Theme levels by school",
        sections.spread: "The hub's spread per theme",
        sections.not_reviewed: "Schools with no review in 2026/27",
        sections.priorities: "Most common priority themes",
        sections.benchmarks: "Gatsby Benchmarks across schools",
        sections.statutory: "Statutory gaps by school",
        sections.failures: "Batch failures",
    }
    assert list(titles) == list(sections.SECTIONS)
    built = {part: part(summary) for part in sections.SECTIONS}
    assert {part: s.title for part, s in built.items()} == titles
    assert [s.key for s in built.values()] == [s.key for s in hub_sections(summary.hub, "x")]
    levels = built[sections.levels].frame
    ratings = expected["oakfield-academy"]["ratings"]
    assert levels.loc["oakfield-academy"].to_dict() == {t: r["level"] for t, r in ratings.items()}
    spread = built[sections.spread].frame
    vision = [r["ratings"]["leaders_vision"]["level"] for r in expected.values()]
    assert spread.loc["leaders_vision", "1 Emerging"] == vision.count(1)
    assert spread.loc["leaders_vision", "median"] == median_low(vision)
    missing = built[sections.not_reviewed].frame
    assert missing["latest review"].to_dict() == {
        "brackenridge-community-school": "2025/26",
        "hollybank-academy": "2025/26",
    }
    assert built[sections.priorities].frame.loc["monitoring_impact", "schools"] == 7
    assert built[sections.benchmarks].frame.equals(hub_benchmarks(summary.hub))
    statutory = built[sections.statutory].frame
    assert statutory.loc["millbrook-valley-academy", "not met"] == 1
    assert statutory.loc["ashcombe-girls-school"].iloc[1:].sum() == 0
    failed = built[sections.failures].frame
    assert failed.loc["holmewold-academy"].tolist() == [
        "Holmewold Academy",
        "05_governor_report",
        2,
        "InputError: <b>broken</b> review",
    ]
    alone = sections.failures(summarise(summary.hub))
    assert alone.title == "Batch failures" and "not made by a batch run" in alone.html


def test_batch_record_read_and_bad_one_reported(tmp_path, data_dir):
    record = read_batch(_batch(tmp_path / "ok"))
    assert record.statuses == {"done": 1, "failed": 1}
    assert [(f.school_id, f.workbook, f.cell) for f in record.failures] == [
        ("holmewold-academy", "05_governor_report", 2)
    ]
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "batch.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match=r"batch\.json: line 1: not valid JSON"):
        read_batch(broken)
    failures = hub_sections(_hub(data_dir), broken)[-1]
    assert failures.key == "failures" and "could not be read" in failures.html
    assert "not found" in hub_sections(_hub(data_dir), tmp_path / "nowhere")[-1].html


@pytest.mark.slow
def test_workbook_runs_with_papermill_and_shows_the_failure(data_dir, tmp_path):
    out = tmp_path / "hub_summary.ipynb"
    papermill.execute_notebook(
        str(WORKBOOKS / "hub_summary.ipynb"),
        str(out),
        parameters={
            "school_id": "hub_summary",
            "data_dir": str(data_dir),
            "batch_dir": str(_batch(tmp_path / "batch")),
            "school_ids": "oakfield-academy,holmewold-academy,hollybank-academy",
        },
        cwd=str(WORKBOOKS),
        progress_bar=False,
        kernel_name="python3",
    )
    notebook = json.loads(out.read_text(encoding="utf-8"))
    outputs = [o for cell in notebook["cells"] for o in cell.get("outputs", [])]
    text = "".join("".join(o.get("data", {}).get("text/html", "")) for o in outputs)
    assert not any(o.get("output_type") == "error" for o in outputs)
    assert "Hub summary" in text and "3 schools" in text
    assert "Holmewold Academy" in text and "05_governor_report" in text
    assert "&lt;b&gt;broken&lt;/b&gt; review" in text
    assert text.count("<img class='cr-chart' src='data:image/png;base64,") == 2
    assert not any("image/png" in o.get("data", {}) for o in outputs)  # inside each section
