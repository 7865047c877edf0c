"""Workbook 03 as a page of steps: the self-assessment, the plan a part at a time, the files."""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from ..summary import benchmark_scores
from .common import section
from .steps import Step
from .workbooks import ReviewWorkbook, count, frame

__all__ = ["StrategicPlan"]


class StrategicPlan(ReviewWorkbook):
    """03: the self-assessment, then the plan a part at a time, then the downloads."""

    part_key = "plan"

    def make_app(self, session: Any, workspace: Any) -> Any:
        from .plan import PlanApp

        return PlanApp(session)

    @property
    def plan(self) -> Any:
        return self.review.plan

    def gatsby(self) -> Step:
        def scores() -> Any:
            found = benchmark_scores(self.review, self.session.framework, self.session.previous)
            rows = [
                {
                    "benchmark": s.number,
                    "name": s.name,
                    "achieved": s.achieved,
                    "in_progress": s.in_progress,
                    "criteria": s.total,
                    "percent": None if s.percent is None else round(s.percent, 1),
                    "last_year_percent": s.previous_percent,
                }
                for s in found
            ]
            columns = ["benchmark", "name", "achieved", "in_progress", "criteria", "percent"]
            return frame(rows, [*columns, "last_year_percent"])

        def summary() -> str:
            marked = sum(1 for value in self.review.gatsby.values() if value)
            total = sum(len(b.criteria) for b in self.session.framework.benchmarks)
            return f"{marked} of {total} criteria marked"

        def done() -> bool:
            total = sum(len(b.criteria) for b in self.session.framework.benchmarks)
            return sum(1 for value in self.review.gatsby.values() if value) == total

        return self.step(
            "gatsby",
            "Gatsby Benchmark self-assessment",
            lambda: self.app.gatsby.widget,
            summary=summary,
            done=done,
            frame=scores,
        )

    def vision(self) -> Step:
        def build() -> w.Widget:
            plan = self.app.plan
            return w.VBox([section("Vision and intent"), plan.vision, plan.intent])

        return self.step(
            "vision",
            "Vision and intent",
            build,
            summary=lambda: "Written" if self.plan.vision.strip() else "Not written yet",
            done=lambda: bool(self.plan.vision.strip() and self.plan.intent.strip()),
        )

    def priorities(self) -> Step:
        return self.step(
            "priorities",
            "Priorities and objectives",
            lambda: self.app.plan.part("objectives"),
            summary=lambda: count(len(self.plan.priorities), "priority", "priorities"),
            done=lambda: (
                bool(self.plan.priorities) and all(p.objectives for p in self.plan.priorities)
            ),
        )

    def actions(self) -> Step:
        def rows() -> Any:
            found = [
                {
                    "priority": p.title,
                    "action": a.what,
                    "owner": a.owner,
                    "due": a.due_date,
                    "status": a.status,
                }
                for p in self.plan.priorities
                for a in p.actions
            ]
            return frame(found, ["priority", "action", "owner", "due", "status"])

        return self.step(
            "actions",
            "Actions",
            lambda: self.app.plan.part("actions"),
            summary=lambda: count(sum(len(p.actions) for p in self.plan.priorities), "action"),
            done=lambda: (
                bool(self.plan.priorities) and all(p.actions for p in self.plan.priorities)
            ),
            frame=rows,
        )

    def measures(self) -> Step:
        def rows() -> Any:
            found = [
                {
                    "priority": p.title,
                    "kpi": k.name,
                    "unit": k.unit,
                    "baseline": k.baseline,
                    "target": k.target,
                    "current": k.current,
                }
                for p in self.plan.priorities
                for k in p.kpis
            ]
            return frame(found, ["priority", "kpi", "unit", "baseline", "target", "current"])

        def summary() -> str:
            milestones = sum(len(p.milestones) for p in self.plan.priorities)
            kpis = sum(len(p.kpis) for p in self.plan.priorities)
            return f"{count(milestones, 'milestone')}, {count(kpis, 'KPI')}"

        return self.step(
            "measures",
            "Milestones and KPIs",
            lambda: self.app.plan.part("measures"),
            summary=summary,
            done=lambda: bool(self.plan.priorities) and all(p.kpis for p in self.plan.priorities),
            frame=rows,
        )

    def outcomes(self) -> Step:
        def rows() -> Any:
            found = [
                {"year": year, "outcome": item.text}
                for year, items in self.plan.learning_outcomes.items()
                for item in items
            ]
            return frame(found, ["year", "outcome"])

        def summary() -> str:
            years = [y for y, items in self.plan.learning_outcomes.items() if items]
            return f"Outcomes for {len(years)} of {len(self.app.plan.outcomes)} year groups"

        return self.step(
            "outcomes",
            "Learning outcomes by year",
            lambda: self.app.plan.part("outcomes"),
            summary=summary,
            done=lambda: all(self.plan.learning_outcomes.get(y) for y in self.app.plan.outcomes),
            frame=rows,
        )

    def downloads(self) -> Step:
        return self.step(
            "downloads",
            "Downloads",
            lambda: self.app.export.widget,
            summary=lambda: "The plan as Excel and Word files",
        )
