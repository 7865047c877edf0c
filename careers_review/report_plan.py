"""The governor report's sections about what the school will do: the strategic careers plan,
and the questions governors can ask about the benchmarks it puts first.

Pure functions of the loaded `GovernorReport`, as the other sections in `report_sections`.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from .content import Framework
from .sections import Section, empty, frame_of, table, text
from .summary import benchmark_scores

if TYPE_CHECKING:
    from .report_sections import GovernorReport

__all__ = ["governor_questions", "priority_benchmarks", "strategic_plan"]

_STATUS = {
    "not_started": "Not started",
    "in_progress": "In progress",
    "done": "Done",
    "dropped": "Dropped",
}


def _link_name(link: str, framework: Framework) -> str:
    kind, _, ref = link.partition(":")
    try:
        if kind == "theme":
            return f"Theme: {framework.maturity_model.theme(ref).name}"
        if kind == "benchmark":
            benchmark = framework.benchmark(int(ref))
            return f"Benchmark {benchmark.number}: {benchmark.name}"
    except (KeyError, ValueError):
        pass
    return link


def _value(value: float | None, unit: str) -> str:
    return "—" if value is None else f"{value:g}{escape(unit)}"


def strategic_plan(report: GovernorReport) -> Section:
    """The plan's vision and each priority with its objectives, KPIs and actions."""
    plan = report.review.plan
    frame = frame_of(
        [
            [p.title, k.name, k.baseline, k.target, k.current, k.unit]
            for p in plan.priorities
            for k in p.kpis
        ],
        ["priority", "kpi", "baseline", "target", "now", "unit"],
    )
    parts = []
    if plan.vision:
        parts.append(f"<p class='cr-vision'><strong>Vision.</strong> {text(plan.vision)}</p>")
    for priority in plan.priorities:
        parts.append(f"<h3>{text(priority.title) or 'Untitled priority'}</h3>")
        if priority.link:
            link = _link_name(priority.link, report.framework)
            parts.append(f"<p class='cr-muted'>{escape(link)}</p>")
        if priority.objectives:
            items = "".join(f"<li>{text(o.text)}</li>" for o in priority.objectives)
            parts.append(f"<ul>{items}</ul>")
        if priority.kpis:
            rows = [
                [text(k.name), *(_value(v, k.unit) for v in (k.baseline, k.target, k.current))]
                for k in priority.kpis
            ]
            parts.append(table(["KPI", "Baseline", "Target", "Now"], rows, "cr-kpis", first="52%"))
        if priority.actions:
            rows = [
                [
                    text(a.what),
                    text(a.owner) or "—",
                    f"{a.due_date:%-d %b %Y}" if a.due_date else "—",
                    escape(_STATUS[a.status]),
                ]
                for a in priority.actions
            ]
            parts.append(
                table(["Action", "Owner", "Due", "Status"], rows, "cr-actions", first="50%")
            )
    if not plan.priorities:
        parts.append(empty("The strategic careers plan has no priorities yet."))
    return Section("plan", "Strategic careers plan", "".join(parts), frame=frame)


def priority_benchmarks(report: GovernorReport) -> list[int]:
    """Benchmarks the plan names, then those the priority themes touch; else the weakest two."""
    review, framework = report.review, report.framework
    chosen: list[int] = []
    for priority in review.plan.priorities:
        kind, _, ref = priority.link.partition(":")
        if kind == "benchmark" and ref.isdigit():
            chosen.append(int(ref))
    for result in report.profile.priorities:
        chosen += framework.maturity_model.theme(result.theme_id).benchmarks
    if not chosen:
        scores = [s for s in benchmark_scores(review, framework) if s.total]
        chosen = [s.number for s in sorted(scores, key=lambda s: (s.percent or 0.0, s.number))[:2]]
    return list(dict.fromkeys(chosen))


def governor_questions(report: GovernorReport) -> Section:
    """Questions governors can ask about the benchmarks this review puts first."""
    parts = []
    for number in priority_benchmarks(report):
        benchmark = report.framework.benchmark(number)
        questions = "".join(f"<li>{escape(q)}</li>" for q in benchmark.governor_questions)
        parts.append(f"<h3>Benchmark {number}: {escape(benchmark.name)}</h3><ul>{questions}</ul>")
    html = (
        "<p>Questions a governor can ask leaders about the benchmarks this review puts first.</p>"
        + "".join(parts)
        if parts
        else empty("There are no priority benchmarks to ask about.")
    )
    return Section("questions", "Questions for governors", html)
