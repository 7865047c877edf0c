"""Workbook 04 as a page of steps: plan, collect, review each kind of evidence, act.

The reading steps are the pure sections of `impact_sections`, shown as HTML and each with its
figures in `.frame`; each kind of evidence has its upload button under its section, and an
upload draws the sections and the step summaries again. The last step adds the actions the
evidence calls for to the plan. A reading step with nothing to show (its file was not given)
starts closed.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from ..impact_sections import IMPACT_STYLE, EvidenceFiles
from ..sections import Section
from .steps import Step
from .workbooks import ReviewWorkbook, count

__all__ = ["FILE_ORDER", "ImpactEvaluation"]

#: The evidence files a workbook gives, in the order of its parameters.
FILE_ORDER = (
    "destinations",
    "learner_survey",
    "previous_learner_survey",
    "parent_survey",
    "encounters",
)


class ImpactEvaluation(ReviewWorkbook):
    """04: what the plan said it would measure, the evidence collected, what it shows, and
    the actions it calls for."""

    part_key = "impact"

    def __init__(
        self,
        school_id: str = "",
        data_dir: str = "",
        framework: str = "",
        academic_year: str = "",
        files: list[str] | tuple[str, ...] = (),
        urn: str = "",
    ) -> None:
        given = dict(zip(FILE_ORDER, [str(f or "") for f in files], strict=False))
        self.files = EvidenceFiles(urn=urn, **given)
        super().__init__(school_id, data_dir, framework, academic_year)

    def make_app(self, session: Any, workspace: Any) -> Any:
        from .impact import ImpactApp

        # Inline: the sections are shown by the steps, not as one long page.
        app = ImpactApp(session, self.files, inline=True)
        app.redrawn.append(self._redrawn)
        return app

    def _redrawn(self) -> None:
        """After an upload: the roadmap's count of evidence files and every step's summary
        line from the new evidence."""
        self._evidence = None  # the folder has one more file: count it again
        self.refresh_roadmap()
        for step in self.steps:
            step.refresh()

    def header(self) -> list[w.Widget]:
        return [w.HTML(IMPACT_STYLE), *super().header()]

    def _reading(self, key: str, title: str, summary: Any) -> Step:
        """A reading step: one section, static, with its figures as the step's frame."""

        def section() -> Section:
            return self.app.section(key)

        def frame() -> Any:
            return section().frame

        def line() -> str:
            found = frame()
            if found is not None and len(found):
                return summary(found)
            if key in self.app.uploads:
                return "No file yet: its upload button is in this step"
            return "Nothing to show yet"

        return self.step(
            key,
            title,
            lambda: self.app.section_view(key),
            summary=line,
            done=lambda: frame() is None or not len(frame()),
            frame=frame,
        )

    def plan(self) -> Step:
        return self._reading(
            "plan", "What the plan measures", lambda f: count(len(f), "KPI") + " to measure"
        )

    def collect(self) -> Step:
        def line(found: Any) -> str:
            read = int((found["State"] == "read").sum())
            return f"{read} of {len(found)} evidence files read"

        return self._reading("collect", "The evidence collected", line)

    def destinations(self) -> Step:
        return self._reading(
            "destinations",
            "Destinations",
            lambda f: count(len(f), "destination measure"),
        )

    def learner_survey(self) -> Step:
        return self._reading(
            "learner", "Learner survey", lambda f: count(len(f), "statement") + " answered"
        )

    def parent_survey(self) -> Step:
        return self._reading(
            "parent", "Parent survey", lambda f: count(len(f), "statement") + " answered"
        )

    def encounters(self) -> Step:
        return self._reading(
            "encounters", "Encounters", lambda f: count(len(f), "year group") + " logged"
        )

    def kpis(self) -> Step:
        return self._reading("kpis", "Progress on each KPI", lambda f: count(len(f), "KPI"))

    def act(self) -> Step:
        def line() -> str:
            proposals = len(self.app.act.rows)
            return count(proposals, "proposed action") if proposals else "No actions proposed"

        return self.step("act", "Act on the evidence", lambda: self.app.act_box, summary=line)
