"""Workbook 00 as a page of steps: the profile, the session, the roadmap, the hub's schools."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Any

import ipywidgets as w

from ..sections import PLAIN_TEXT
from .steps import Step, Workbook, workbook_style

__all__ = ["StartHere"]


@dataclass
class _StartApp:
    """What the start page holds once its school is open."""

    session: Any
    workspace: Any
    editor: Any
    follower: Any

    @property
    def widget(self) -> w.Widget:
        return self.editor.widget


class StartHere(Workbook):
    """00: the school's profile, who should come and how the session runs, the whole roadmap
    for the school, and the hub's schools. Without a school it lists the hub's schools."""

    part_key = "start"

    def __init__(self, school_id: str = "", data_dir: str = "", framework: str = "") -> None:
        self.listing = ""
        self._html_parts: dict[str, tuple[w.HTML, Any]] = {}  # built static steps, to redraw
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
        self.listing = top + bottom
        self.top.children = [w.HTML(self.listing)]

    def make(self, workspace: Any, school_id: str) -> Any:
        from .profile import ProfileEditor
        from .review_session import SchoolSession
        from .session import follow_in_kernel

        session = SchoolSession(workspace.store, workspace.store.school(school_id).id)
        editor = ProfileEditor(session, workspace.framework)
        return _StartApp(session, workspace, editor, follow_in_kernel(session))

    def header(self) -> list[w.Widget]:
        from .common import SaveStatusView
        from .new_year import NewYearBar

        school = self.app.session.document
        self.status = SaveStatusView(self.app.session)
        self.app.session.listen(lambda what: self.status.refresh())
        # Marked plain text, so that a '$' in the name is never typeset as maths.
        self.heading = (
            f"<div class='{PLAIN_TEXT}'><h1 class='cr-school-name'>{escape(school.name)}</h1></div>"
        )
        # This year's review starts here, on purpose; opening a page never starts one.
        self.year_bar = NewYearBar(
            self.app.workspace.store,
            self.app.workspace.framework,
            school.id,
            place="start",
            on_start=lambda _: self._year_started(),
        )
        return [self.status.widget, self.year_bar.widget]

    def _year_started(self) -> None:
        """Redraw what reads the reviews: the roadmap and the school's latest review."""
        self.refresh_roadmap()
        for widget, html in self._html_parts.values():
            widget.value = html()

    def _ipython_display_(self) -> None:
        """The front door reads as plain HTML wherever it is opened (the server's page, an
        executed notebook): the hub's schools, or the school's roadmap and name; only what is
        edited (the profile, and the steps that open) is widgets."""
        from IPython.display import HTML, display

        if self.listing or self.app is None:
            display(HTML(self.listing or ""))
            if self.app is None and not self.listing:
                display(self.widget)
            return
        display(HTML(workbook_style() + self.roadmap.value + self.heading))
        display(w.VBox([*self.top.children, self.step_list]))

    def refresh_roadmap(self) -> None:
        from ..roadmap import part_states, roadmap_html

        session = self.app.session
        states = part_states(session.store, self.app.workspace.framework, session.document)
        self.roadmap.value = roadmap_html(states, self.part_key, self.school_id)

    def _html_step(self, key: str, title: str, html: Any) -> Step:
        def build() -> w.HTML:
            made = w.HTML(html())
            self._html_parts[key] = (made, html)
            return made

        return self.step(key, title, build)

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
