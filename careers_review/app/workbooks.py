"""The pages the workbooks 01 to 03 are made of: one object per workbook, one step per cell.

Each step is a method that returns a `Step`: what the team edits lives in the app's views
(tested there); these methods only say which views make the step, how it is summed up in a
line, when it is done, and which figures it shows as a DataFrame.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from ..sections import frame_of as frame
from ..summary import role_gaps
from .common import section
from .steps import Step, Workbook

__all__ = ["InternalReview", "LeadershipFoundations", "ReviewWorkbook", "count", "frame"]


class ReviewWorkbook(Workbook):
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

    def header(self) -> list[w.Widget]:
        """The school and save status with "I am…" (who is editing, for the history), then
        which year's review this is and, over an earlier year's, the button that starts
        this year's."""
        from .new_year import NewYearBar
        from .person import PersonChooser

        session = self.app.session
        self.person = PersonChooser(session, getattr(self.app, "sessions", (session,)))
        self.year_bar = NewYearBar(
            session.store,
            session.framework,
            self.school_id,
            shown=session.review.academic_year,
            draft=session.draft,
            on_start=self.open_year,
        )
        self._draft = session.draft
        session.listen(self._saved_draft)
        title, status, *rest = super().header()
        return [title, status, self.person.widget, *rest, self.year_bar.widget]

    def _saved_draft(self, what: str) -> None:
        """A first review's first edit saved it: the bar stops calling it unsaved."""
        if self._draft and what == "status" and not self.app.session.draft:
            self._draft = False
            self.year_bar.refresh(draft=False)

    def open_year(self, review: Any) -> None:
        """Show `review` (just started) in place of the one on screen: what was typed there is
        saved first, and every step is built again over the new review."""
        old = self.app
        for session in getattr(old, "sessions", (old.session,)):
            session.flush()
        follower = getattr(old, "follower", None)
        if follower is not None:
            follower.stop()
        self.academic_year = review.academic_year
        self.top.app = self._made(self.workspace, self.school_id)
        for step in self.steps:
            step.built = False
            step.body.children = []
        self.top.children = self._header(self.top.app)

    def make_app(self, session: Any, workspace: Any) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    @property
    def session(self) -> Any:
        return self.app.session

    @property
    def review(self) -> Any:
        return self.app.session.review


class LeadershipFoundations(ReviewWorkbook):
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

        def holders() -> Any:
            held = self.review.foundations.role_holders
            rows = [
                {"role": r.name, "holder": held.get(r.id, "")}
                for r in self.session.framework.key_roles
            ]
            return frame(rows, ["role", "holder"])

        return self.step(
            "key-roles",
            "Key roles",
            lambda: self.app.roles.widget,
            summary=summary,
            done=lambda: not role_gaps(self.review, self.session.framework),
            frame=holders,
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
            frame=lambda: frame(rows(), ["duty", "status", "note"]),
        )


class InternalReview(ReviewWorkbook):
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
        return frame(rows, ["theme", "level", "level_name", "focus", "last_year"])

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
            return self.app.summary.widget

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
                    view.seed_box,
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
            summary=lambda: count(len(self.session.revisions()), "saved version"),
            done=lambda: True,
        )


def count(count: int, word: str, words: str = "") -> str:
    return f"{count} {word if count == 1 else (words or word + 's')}"
