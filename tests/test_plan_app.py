"""Phase 2 page without a browser: self-assessment, plan editing, validation, exports."""

from __future__ import annotations

import base64
import re
from datetime import date
from io import BytesIO

from careers_review import Store, default_framework
from careers_review.app.plan import PlanApp
from careers_review.app.session import ReviewSession

FW = default_framework()
TODAY = date(2026, 11, 23)


def _app(store: Store, school: str = "brackenridge-community-school") -> PlanApp:
    session = ReviewSession(store, FW, school, today=TODAY, autosave_delay=0)
    return PlanApp(session, today=TODAY)


def _saved(store: Store, review_id: str = "brackenridge-community-school-2026-27"):
    with Store(store.data_dir) as fresh:
        return fresh.review(review_id)


def test_benchmark_self_assessment_scores_and_change(store):
    app = _app(store)
    benchmark = FW.benchmarks[0]
    for criterion in benchmark.criteria[:2]:
        app.gatsby.marks[criterion.id].value = "achieved"
    app.gatsby.marks[benchmark.criteria[2].id].value = "in_progress"
    saved = _saved(store)
    assert saved.gatsby[benchmark.criteria[0].id] == "achieved"
    expected = round(100 * 2 / 3)  # of the three criteria assessed so far, not of all six
    text = app.gatsby.scores[1].value
    assert f"{expected}% achieved" in text and "1 in progress" in text
    assert "points since 2025/26" in text  # the previous review had an assessment
    assert "<img class='cr-chart' src='data:image/png;base64," in app.gatsby.chart.value
    assert f"3 of {len(benchmark.criteria)} criteria assessed" in text


def test_plan_with_priorities_actions_milestones_and_kpis(store):
    app = _app(store)
    plan = app.plan
    plan.vision.value = "Every pupil leaves with a plan they own."
    plan.add_priority.click()
    plan.add_priority.click()
    first, second = plan.priorities
    first.title.value = "Encounters for every year group"
    first.link.value = "benchmark:5"
    first.objectives.value = "Every pupil in years 7 to 11 meets an employer each year\n\n"
    first.add["actions"].click()
    action = first.actions[0]
    action.what.value = "Book employer talks for year 8"
    action.owner.value = "Careers Leader"
    action.due.value = date(2027, 2, 1)
    first.add["milestones"].click()
    first.milestones[0].what.value = "Half of year groups covered"
    first.add["kpis"].click()
    kpi = first.kpis[0]
    kpi.name.value = "Pupils with an employer encounter"
    kpi.unit.value = "%"
    kpi.numbers["baseline"].value = "62"
    kpi.numbers["target"].value = "95"
    second.title.value = "Measure what works"
    plan.outcomes["9"].value = "Explain two routes after year 11\nName a local employer"

    saved = _saved(store).plan
    assert saved.vision == "Every pupil leaves with a plan they own."
    assert [p.title for p in saved.priorities] == [
        "Encounters for every year group",
        "Measure what works",
    ]
    one = saved.priorities[0]
    assert [o.text for o in one.objectives] == [
        "Every pupil in years 7 to 11 meets an employer each year"
    ]
    assert (one.actions[0].what, one.actions[0].owner, one.actions[0].due_date) == (
        "Book employer talks for year 8",
        "Careers Leader",
        date(2027, 2, 1),
    )
    assert one.milestones[0].what == "Half of year groups covered"
    assert (one.kpis[0].baseline, one.kpis[0].target) == (62.0, 95.0)
    assert [o.text for o in saved.learning_outcomes["9"]] == [
        "Explain two routes after year 11",
        "Name a local employer",
    ]

    # Reopening the page shows the same plan.
    again = _app(Store(store.data_dir))
    assert [p.title.value for p in again.plan.priorities] == [p.title for p in saved.priorities]
    assert again.plan.priorities[0].kpis[0].numbers["target"].value == "95"


def test_bad_input_is_explained_next_to_the_field(store):
    app = _app(store)
    app.plan.add_priority.click()
    priority = app.plan.priorities[0]
    priority.add["actions"].click()
    action = priority.actions[0]
    action.what.value = "Survey parents"
    assert "needs an owner" in action.message.value
    action.owner.value = "Head of year 10"
    assert action.message.value == ""
    action.due.value = date(2026, 10, 1)  # before today, on a new action
    assert "in the past" in action.message.value
    assert _saved(store).plan.priorities[0].actions[0].due_date is None
    priority.add["kpis"].click()
    kpi = priority.kpis[0]
    kpi.numbers["target"].value = "90"
    kpi.numbers["target"].value = "ninety"
    assert "target must be a number" in kpi.message.value
    assert _saved(store).plan.priorities[0].kpis[0].target == 90.0


def test_suggest_priorities_from_review_and_weakest_benchmarks(store):
    app = _app(store, "oakfield-academy")
    before = len(app.session.review.plan.priorities)
    app.plan.suggest.click()
    priorities = _saved(store, "oakfield-academy-2026-27").plan.priorities
    links = [p.link for p in priorities[before:]]
    assert any(link.startswith("benchmark:") for link in links)
    assert len(app.plan.priorities) == len(priorities)
    app.plan.suggest.click()
    assert len(_saved(store, "oakfield-academy-2026-27").plan.priorities) == len(priorities)


def test_export_buttons_offer_downloads(store):
    import docx
    import openpyxl

    app = _app(store, "oakfield-academy")
    app.export.excel.click()
    match = re.search(
        r"download='([^']+)' href='data:[^;]+;base64,([^']+)'", app.export.links.value
    )
    assert match and match[1] == "oakfield-academy-plan-2026-27.xlsx"
    workbook = openpyxl.load_workbook(BytesIO(base64.b64decode(match[2])))
    assert len(workbook.sheetnames) >= 5
    app.export.word.click()
    match = re.search(
        r"download='([^']+)' href='data:[^;]+;base64,([^']+)'", app.export.links.value
    )
    document = docx.Document(BytesIO(base64.b64decode(match[2])))
    assert "Oakfield Academy" in "\n".join(p.text for p in document.paragraphs)
