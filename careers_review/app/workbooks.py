"""The pages the workbooks 01 to 03 are made of: one object per workbook, one step per cell.

Each step is a method that returns a `Step`: what the team edits lives in the app's views
(tested there); these methods only say which views make the step, how it is summed up in a
line, when it is done, and which figures it shows as a DataFrame.
"""

from __future__ import annotations

from html import escape
from typing import Any

import ipywidgets as w

from ..summary import benchmark_scores, role_gaps
from .common import section
from .steps import Step, Workbook

__all__ = ["InternalReview", "LeadershipFoundations", "StrategicPlan"]


def _frame(rows: list[dict[str, Any]], columns: list[str]) -> Any:
    import pandas as pd

    return pd.DataFrame(rows, columns=columns)


class _ReviewWorkbook(Workbook):
    """A workbook over one school's review for one year."""

    def __init__(
        self,
        school_id: str = "",
        data_dir: str = "",
        framework: str = "",
        academic_year: str = "",
        autosave_delay: float = 0.4,
    ) -> None:
        self.academic_year, self.autosave_delay = academic_year, autosave_delay
        super().__init__(school_id, data_dir, framework)

    def make(self, workspace: Any, school_id: str) -> Any:
        from . import review_builder

        build = review_builder(self.academic_year, self.autosave_delay, self.make_app)
        return build(workspace, school_id)

    def make_app(self, session: Any, workspace: Any) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def session(self) -> Any:
        return self.app.session

    @property
    def review(self) -> Any:
        return self.app.session.review


class LeadershipFoundations(_ReviewWorkbook):
    """01: the Careers Leader's role, who holds the key roles, and the statutory duties."""

    part_key = "foundations"

    def make_app(self, session: Any, workspace: Any) -> Any:
        from .foundations import FoundationsApp
        from .review_session import SchoolSession

        school = SchoolSession(
            workspace.store, session.school.id, autosave_delay=self.autosave_delay
        )
        return FoundationsApp(session, school)

    def role(self) -> Step:
        def summary() -> str:
            leader = self.session.school.careers_leader.name.strip()
            hours = self.review.foundations.protected_hours
            said = f"Careers Leader: {leader}" if leader else "No Careers Leader named yet"
            return said + (f"; {hours:g} protected hours a week" if hours is not None else "")

        def done() -> bool:
            checks = self.review.foundations.responsibilities
            wanted = self.session.framework.careers_leader_responsibilities
            return all(checks.get(item.id) and checks[item.id].status for item in wanted)

        return self.step(
            "role",
            "The Careers Leader role",
            lambda: self.app.role.widget,
            summary=summary,
            done=done,
        )

    def key_roles(self) -> Step:
        def summary() -> str:
            gaps = role_gaps(self.review, self.session.framework)
            total = len(self.session.framework.key_roles)
            return f"{total - len(gaps)} of {total} key roles held"

        def frame() -> Any:
            held = self.review.foundations.role_holders
            rows = [
                {"role": r.name, "holder": held.get(r.id, "")}
                for r in self.session.framework.key_roles
            ]
            return _frame(rows, ["role", "holder"])

        return self.step(
            "key-roles",
            "Key roles",
            lambda: self.app.roles.widget,
            summary=summary,
            done=lambda: not role_gaps(self.review, self.session.framework),
            frame=frame,
        )

    def duties(self) -> Step:
        def rows() -> list[dict[str, Any]]:
            checks = self.review.foundations.duties
            return [
                {
                    "duty": duty.title,
                    "status": checks[duty.id].status if duty.id in checks else "",
                    "note": checks[duty.id].note if duty.id in checks else "",
                }
                for duty in self.session.framework.statutory.duties
            ]

        def summary() -> str:
            found = rows()
            met = sum(1 for row in found if row["status"] == "met")
            return f"{met} of {len(found)} statutory duties met"

        return self.step(
            "duties",
            "Statutory duties",
            lambda: self.app.statutory.widget,
            summary=summary,
            done=lambda: all(row["status"] for row in rows()),
            frame=lambda: _frame(rows(), ["duty", "status", "note"]),
        )


class InternalReview(_ReviewWorkbook):
    """02: who is taking part, the themes, the summary, the priorities and the report."""

    part_key = "review"

    def make_app(self, session: Any, workspace: Any) -> Any:
        from .review import ReviewApp

        return ReviewApp(session)

    def _levels(self) -> Any:
        result = self.session.profile()
        previous = self.session.previous_levels() or {}
        rows = [
            {
                "theme": t.name,
                "level": t.level,
                "level_name": t.level_name,
                "focus": t.focus,
                "last_year": previous.get(t.theme_id),
            }
            for t in result.themes
        ]
        return _frame(rows, ["theme", "level", "level_name", "focus", "last_year"])

    def participants(self) -> Step:
        def summary() -> str:
            people = self.review.participants
            if not people:
                return "Nobody recorded yet"
            return f"{len(people)} taking part: " + ", ".join(p.name for p in people if p.name)

        return self.step(
            "participants",
            "Who is taking part",
            lambda: self.app.opening.widget,
            summary=summary,
            done=lambda: bool(self.review.participants),
        )

    def themes(self) -> Step:
        def build() -> w.Widget:
            app = self.app
            return w.VBox([w.HBox([app.progress, app.progress_text]), app.themes])

        def summary() -> str:
            result = self.session.profile()
            return f"{result.agreed} of {result.total} themes agreed"

        return self.step(
            "themes",
            "The themes",
            build,
            summary=summary,
            done=lambda: self.session.profile().complete,
            frame=self._levels,
        )

    def summary(self) -> Step:
        def build() -> w.Widget:
            view = self.app.summary
            box = w.VBox([view.chart, view.lists])
            box.add_class("cr-summary")
            return box

        def line() -> str:
            return f"Overall: {self.session.profile().overall_name}"

        return self.step("summary", "The summary", build, summary=line, frame=self._levels)

    def priorities(self) -> Step:
        def build() -> w.Widget:
            view = self.app.summary
            return w.VBox(
                [
                    section(
                        "Agreeing priorities",
                        "Mark each theme a strength, a priority or neither in its panel; the "
                        "priority themes then start the strategic careers plan.",
                    ),
                    w.HBox([view.seed, view.seed_result]),
                ]
            )

        def line() -> str:
            chosen = [t.name for t in self.session.profile().priorities]
            planned = len(self.review.plan.priorities)
            said = ", ".join(chosen) if chosen else "No priority themes chosen yet"
            return f"{said}; {planned} in the plan"

        return self.step(
            "priorities",
            "Agreeing priorities",
            build,
            summary=line,
            done=lambda: bool(self.review.plan.priorities),
        )

    def report(self) -> Step:
        return self.step(
            "report",
            "The report for governors",
            lambda: self.app.report.widget,
            summary=lambda: "A PDF and a web page, built from what is saved",
        )

    def history(self) -> Step:
        return self.step(
            "history",
            "Earlier versions",
            lambda: self.app.history.widget,
            summary=lambda: f"{len(self.session.revisions())} saved versions",
            done=lambda: True,
        )


class StrategicPlan(_ReviewWorkbook):
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
                    "percent": round(s.percent, 1),
                    "last_year_percent": s.previous_percent,
                }
                for s in found
            ]
            columns = ["benchmark", "name", "achieved", "in_progress", "criteria", "percent"]
            return _frame(rows, [*columns, "last_year_percent"])

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
            summary=lambda: _count(len(self.plan.priorities), "priority", "priorities"),
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
            return _frame(found, ["priority", "action", "owner", "due", "status"])

        return self.step(
            "actions",
            "Actions",
            lambda: self.app.plan.part("actions"),
            summary=lambda: _count(sum(len(p.actions) for p in self.plan.priorities), "action"),
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
            return _frame(found, ["priority", "kpi", "unit", "baseline", "target", "current"])

        def summary() -> str:
            milestones = sum(len(p.milestones) for p in self.plan.priorities)
            kpis = sum(len(p.kpis) for p in self.plan.priorities)
            return f"{_count(milestones, 'milestone')}, {_count(kpis, 'KPI')}"

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
            return _frame(found, ["year", "outcome"])

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


def _count(count: int, word: str, words: str = "") -> str:
    return f"{count} {word if count == 1 else (words or word + 's')}"


class StartHere(Workbook):
    """00: the school's profile, who should come and how the session runs, the whole roadmap
    for the school, and the hub's schools. Without a school it lists the hub's schools."""

    part_key = "start"

    def __init__(self, school_id: str = "", data_dir: str = "", framework: str = "") -> None:
        self.data_dir, self.framework_path = data_dir, framework
        super().__init__(school_id, data_dir, framework)

    def mount(self, school_id: str, data_dir: str, framework: str) -> None:
        """Without a school (or with one the hub does not hold), the list of the hub's
        schools, each a link that opens its start page."""
        from ..errors import CareersReviewError
        from ..workspace import open_workspace
        from .start import start_page_parts

        try:
            workspace = open_workspace(data_dir or None, framework or None, create=False)
            known = {s.id for s in workspace.store.schools()}
        except CareersReviewError:
            known = set()
        if (school_id and school_id in known) or not known:
            super().mount(school_id, data_dir, framework)
            return
        top, _, bottom = start_page_parts(workspace.store, workspace.framework, school_id)
        self.top.children = [w.HTML(top + bottom)]

    def make(self, workspace: Any, school_id: str) -> Any:
        from .profile import ProfileEditor
        from .review_session import SchoolSession
        from .session import follow_in_kernel

        session = SchoolSession(workspace.store, workspace.store.school(school_id).id)
        app = ProfileEditor(session, workspace.framework)
        app.session, app.workspace = session, workspace
        app.follower = follow_in_kernel(session)
        return app

    def header(self) -> list[w.Widget]:
        from .common import SaveStatusView

        school = self.app.session.document
        self.status = SaveStatusView(self.app.session)
        self.app.session.listen(lambda what: self.status.refresh())
        return [
            w.HTML(f"<h1 class='cr-school-name'>{escape(school.name)}</h1>"),
            self.status.widget,
        ]

    def refresh_roadmap(self) -> None:
        from ..roadmap import part_states, roadmap_html

        session = self.app.session
        states = part_states(session.store, self.app.workspace.framework, session.document)
        self.roadmap.value = roadmap_html(states, self.part_key, self.school_id)

    def _html_step(self, key: str, title: str, html: Any, summary: str = "") -> Step:
        return self.step(key, title, lambda: w.HTML(html()), summary=lambda: summary)

    def profile(self) -> Step:
        return self.step(
            "profile",
            "School profile",
            lambda: self.app.widget,
            summary=lambda: "Check the details before the session",
        )

    def session_plan(self) -> Step:
        from .start import _attendees_html, _session_plan_html

        def html() -> str:
            framework = self.app.workspace.framework
            return (
                "<h3>Who should attend</h3>"
                + _attendees_html(framework)
                + "<h3>How the session runs</h3>"
                + _session_plan_html(framework)
            )

        return self._html_step("session", "Who comes, and how the session runs", html)

    def journey(self) -> Step:
        from .start import _latest_review_html, _workbook_links

        def html() -> str:
            workspace = self.app.workspace
            school = self.app.session.document
            from ..resources import find_workbooks

            return _latest_review_html(workspace.store, school, workspace.framework) + (
                _workbook_links(school, workspace.framework, find_workbooks())
            )

        return self._html_step("roadmap", "The roadmap for this school", html)

    def schools(self) -> Step:
        from .start import _school_list_html

        def html() -> str:
            workspace = self.app.workspace
            return _school_list_html(workspace.store, workspace.framework)

        step = self._html_step("schools", "Schools in this hub", html)
        return step
