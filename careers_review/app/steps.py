"""A workbook page as a journey: the roadmap bar, the school, then one step per notebook cell.

The notebook is the workbook: its first call makes a `Workbook` (which shows the roadmap, the
school or a picker, and the list of the page's steps), and each later cell asks it for one
`Step`, a box that displays itself with a one-line summary and opens to its widgets. A step
is built when it is first opened, and a step that is done starts closed, so a long page reads
as a short list. Opened without a school, the page shows a picker and every step waits for the
choice, then fills in place.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

import ipywidgets as w

from ..roadmap import (
    evidence_found,
    href,
    next_part,
    part,
    part_states,
    roadmap_html,
    steps_html,
)
from ..sections import PLAIN_TEXT
from .common import page_style

__all__ = ["Step", "Workbook", "workbook_style"]


def workbook_style() -> str:
    """The pages' style sheets (package files, from the one loader in `common`)."""
    return page_style()


class Step(w.VBox):
    """One step of a page: a header that opens or closes it, and a body made on first open.

    `summary` says in a line where the step stands (shown open or closed); `done` decides
    whether it starts closed; `frame` gives the figures it shows as a DataFrame.
    """

    def __init__(
        self,
        key: str,
        title: str,
        build: Callable[[], w.Widget],
        *,
        summary: Callable[[], str] = lambda: "",
        done: Callable[[], bool] = lambda: False,
        frame: Callable[[], Any] | None = None,
    ) -> None:
        self.key, self.title = key, title
        self.opened = self.built = False
        self._build, self._summary, self._done, self._frame = build, summary, done, frame
        self.toggle = w.Button(
            description=title,
            tooltip=f"Open or close: {title}",
            layout=w.Layout(width="auto"),
        )
        self.toggle.add_class("cr-step-toggle")
        self.toggle.on_click(lambda _: self.collapse() if self.opened else self.expand())
        self.summary = w.HTML()
        self.summary.add_class("cr-step-line")
        head = w.HBox([self.toggle, self.summary])
        head.add_class("cr-step-head")
        self.body = w.VBox()
        self.body.add_class("cr-step-body")
        self.body.layout.display = "none"
        anchor = w.HTML(f"<a id='cr-step-{escape(key, quote=True)}' class='cr-step-anchor'></a>")
        super().__init__([anchor, head, self.body])
        self.add_class("cr-step")
        self.add_class(f"cr-step-{key}")

    def expand(self) -> None:
        if not self.built:
            self.body.children = [self._build()]
            self.built = True
        self.body.layout.display = "flex"
        self.opened = True
        self.add_class("cr-step-open")

    def collapse(self) -> None:
        self.body.layout.display = "none"
        self.opened = False
        self.remove_class("cr-step-open")

    def start(self) -> None:
        """Show the step as the page opens: closed when done, open otherwise."""
        self.layout.display = "flex"
        self.refresh()
        if self._done():
            self.collapse()
        else:
            self.expand()

    def refresh(self) -> None:
        self.summary.value = escape(self._summary())

    @property
    def frame(self) -> Any:
        """The figures this step shows, as a pandas DataFrame (None when it shows none)."""
        return self._frame() if self._frame is not None else None


class Workbook:
    """The page a workbook's first cell makes: it opens the school, then makes its steps.

    Subclasses name their part of the roadmap (`part_key`) and build their app in `make`.
    """

    part_key = ""

    def __init__(self, school_id: str, data_dir: str = "", framework: str = "") -> None:
        self.app: Any = None
        self._evidence: tuple[int, int] | None = None
        self.steps: list[Step] = []
        self.school_id = ""
        self.roadmap = w.HTML()
        self.step_list = w.HTML()
        self.top = w.VBox()
        self.widget = w.VBox([w.HTML(workbook_style()), self.roadmap, self.top, self.step_list])
        self.widget.add_class("cr-app")
        self.widget.add_class("cr-workbook")
        self._next = w.HTML()
        self._next.add_class("cr-next-box")
        self._next.layout.display = "none"
        self.mount(school_id, data_dir, framework)

    # -- opening the school -------------------------------------------------------------

    def mount(self, school_id: str, data_dir: str, framework: str) -> None:
        """Open the school into the page, or show a picker that opens it."""
        from . import mount_school

        mount_school(self.top, school_id, data_dir, framework, self._made, self._header)

    def make(self, workspace: Any, school_id: str) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def header(self) -> list[w.Widget]:
        """What sits under the roadmap once the school is open: its name and save status."""
        app = self.app
        session = app.session
        title = (
            f"<div class='{PLAIN_TEXT}'><h1 class='cr-school-name'>"
            f"{escape(session.school.name)}</h1></div>"
            f"<p class='cr-muted'>{escape(part(self.part_key).title)} · academic year "
            f"{escape(session.review.academic_year)}</p>"
        )
        return [w.HTML(title), app.status.widget, app.notices.widget]

    def _made(self, workspace: Any, school_id: str) -> Any:
        self.app = self.make(workspace, school_id)
        self.school_id = school_id
        self.workspace = workspace
        return self.app

    def _header(self, app: Any) -> list[w.Widget]:
        for session in getattr(app, "sessions", (app.session,)):
            session.listen(self._on_session)
        self.refresh_roadmap()
        for step in self.steps:
            step.start()
        self._show_next()
        return self.header()

    def _on_session(self, what: str) -> None:
        if what == "document" or (what == "status" and self.app.session.status.state == "saved"):
            self.refresh_roadmap()
            for step in self.steps:
                step.refresh()

    def refresh_roadmap(self) -> None:
        session = self.app.session
        if self._evidence is None:  # the folder is read once a page, not at every save
            self._evidence = evidence_found(session.store.data_dir, self.school_id)
        states = part_states(
            session.store,
            session.framework,
            session.school,
            academic_year=session.review.academic_year,
            review=session.review,
            evidence=self._evidence,
        )
        self.roadmap.value = roadmap_html(states, self.part_key, self.school_id)

    # -- the steps the cells ask for -----------------------------------------------------

    def step(self, key: str, title: str, build: Callable[[], w.Widget], **options: Any) -> Step:
        """A step of this page, listed at the top; shown once the school is open."""
        made = Step(key, title, build, **options)  # summary, done, frame: as Step takes them
        self.steps = [s for s in self.steps if s.key != key] + [made]
        self.step_list.value = steps_html([(s.key, s.title) for s in self.steps])
        if self.app is not None:
            made.start()
        else:
            made.layout.display = "none"
        return made

    def next_part(self) -> w.HTML:
        """The way on: a link to the next part of the roadmap, for the same school."""
        self._show_next()
        return self._next

    def _show_next(self) -> None:
        after = next_part(self.part_key)
        if after is None or self.app is None:
            return
        self._next.value = (
            f"<p class='cr-next'><a href='{escape(href(after, self.school_id), quote=True)}' "
            f"target='_self'>Next: {escape(after.title)} \u2192</a></p>"
        )
        self._next.layout.display = "flex"

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)
