"""Phase 3 as a page: impact evaluation in four steps, plan, collect, review and act.

The evidence (DfE destinations, learner and parent surveys, the encounters log) is read when
the page opens and shown as static sections (`careers_review.impact_sections`), so it stays in
a Papermill run and in an exported report, not only in a live kernel. Each kind of evidence
has an upload button: a file chosen there is checked by the same loader, kept beside the
earlier ones in the school's evidence folder, and the sections are drawn again from the
newest files. The last step has the actions the evidence suggests, which the team can add to
the strategic careers plan through the session.

A file that is missing or wrong spoils only its own section: the section says what to give or
what is wrong (file, row, column), and the rest of the page works as before.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import replace
from html import escape
from pathlib import Path
from typing import Any

import ipywidgets as w

from ..charts import kpi_progress_png, survey_png
from ..errors import InputError
from ..evidence.gather import (
    Evidence,
    EvidenceFiles,
    discover_evidence,
    gather_evidence,
    kpi_progress,
)
from ..evidence.uploads import UPLOAD_KINDS, save_upload
from ..impact_review import problem
from ..impact_sections import impact_sections
from ..model import Action, Plan, Priority
from ..sections import PLAIN_TEXT, Section, paragraph
from ..workspace import EVIDENCE_FOLDER, hide_paths
from .common import STYLE, NoticesView, SaveStatusView, View, lock_editing, section
from .impact_upload import EvidenceUpload, Outcome
from .review_session import ReviewSession

__all__ = [
    "EVIDENCE_FOLDER",
    "NEW_PRIORITY",
    "NEW_PRIORITY_TITLE",
    "UPLOADS",
    "ActView",
    "Evidence",
    "EvidenceFiles",
    "ImpactApp",
    "ProposalRow",
    "discover_evidence",
    "gather_evidence",
    "impact_app",
    "kpi_progress",
    "kpi_progress_png",
    "survey_png",
]

#: Dropdown value for "put the action under a new priority" (not a valid priority id).
NEW_PRIORITY = "+new"
NEW_PRIORITY_TITLE = "Impact evaluation"
#: The sections with an upload button, and the kind of file each takes.
UPLOADS = {
    "destinations": "destinations",
    "learner": "learner",
    "parent": "parent",
    "encounters": "encounters",
}
#: The files each kind of upload stands for (given on the page, they give way to an upload).
_GIVEN = {
    "destinations": ("destinations",),
    "learner": ("learner_survey", "previous_learner_survey"),
    "parent": ("parent_survey",),
    "encounters": ("encounters",),
}


# ---------------------------------------------------------------------------------------------
# Act: the widgets


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()


_FROM_EVIDENCE = "from-evidence"


def _key(action: Action) -> tuple[str, str]:
    """Two actions are the same proposal when their wording and link match."""
    return _normal(action.what), action.link


def _in_plan(plan: Plan) -> set[tuple[str, str]]:
    return {_key(action) for priority in plan.priorities for action in priority.actions}


class ProposalRow:
    """One proposed action: its text, "Add to the plan", and the priority it would go under."""

    def __init__(self, action: Action, link_name: str) -> None:
        self.action = action
        measure = (
            f"<br><span class='cr-muted'>Success measure: {escape(action.success_measure)}</span>"
            if action.success_measure
            else ""
        )
        link = f"<br><span class='cr-muted'>{escape(link_name)}</span>" if link_name else ""
        self.text = w.HTML(f"<strong>{escape(action.what)}</strong>{measure}{link}")
        self.choose = w.Checkbox(value=False, description="Add to the plan", indent=False)
        self.priority = w.Dropdown(
            description="Priority",
            style={"description_width": "70px"},
            layout=w.Layout(width="520px"),
        )
        self.state = w.HTML()
        self.widget = w.VBox([self.text, w.HBox([self.choose, self.priority, self.state])])
        self.widget.add_class("cr-proposed-action")

    def show(self, options: list[tuple[str, str]], default: str, in_plan: bool) -> None:
        kept = self.priority.value
        values = [value for _, value in options]
        self.priority.options = options
        self.priority.value = kept if kept in values else default
        self.choose.disabled = in_plan
        self.priority.disabled = in_plan
        if in_plan:
            self.choose.value = False
        self.state.value = "<span class='cr-in-plan'>Already in the plan</span>" if in_plan else ""


class ActView(View[ReviewSession]):
    """The proposed actions, each to tick and place under a priority, and the button that adds
    the ticked ones to the plan (each proposal once, however often it is pressed)."""

    def __init__(
        self, session: ReviewSession, proposals: list[Action], error: str = "", *, given: bool
    ) -> None:
        super().__init__(session)
        names = {
            f"benchmark:{b.number}": f"Benchmark {b.number}: {b.name}"
            for b in session.framework.benchmarks
        }
        names |= {f"theme:{t.id}": f"Theme: {t.name}" for t in session.framework.themes}
        self.rows = [ProposalRow(action, names.get(action.link, "")) for action in proposals]
        self.add = w.Button(
            description="Add the chosen actions to the plan",
            button_style="primary",
            layout=w.Layout(width="auto"),
        )
        self.add.add_class("cr-add-actions")
        self.add.on_click(lambda _: self.add_chosen())
        self.add.disabled = not self.rows
        self.message = w.HTML()
        self.message.add_class("cr-act-message")
        if error:
            lead = w.HTML(f"<div class='cr-impact {PLAIN_TEXT}'>{problem(error)}</div>")
        elif not self.rows:
            lead = w.HTML(
                paragraph(
                    "The evidence given shows no gaps that call for a new action."
                    if given
                    else "Upload the evidence in the steps above to get actions proposed from "
                    "the gaps it shows."
                )
            )
        else:
            lead = w.HTML(
                paragraph(
                    f"{len(self.rows)} action{'s' if len(self.rows) != 1 else ''} proposed from "
                    "the gaps above. Tick the ones the team agrees, choose the priority each "
                    "belongs under, then add them. Give each an owner and a date on the "
                    "strategic plan page."
                )
            )
        self.footer = w.HBox([self.add])
        self.widget = w.VBox(
            [
                section("4. Act: add what the evidence asks for to the plan"),
                lead,
                *[row.widget for row in self.rows],
                self.footer,
                self.message,
            ]
        )
        self.widget.add_class("cr-impact-act")
        self.refresh()

    def _existing_new_priority(self, plan: Plan) -> Priority | None:
        for priority in plan.priorities:
            if _normal(priority.title) == _normal(NEW_PRIORITY_TITLE):
                return priority
        return None

    def _options(self, plan: Plan) -> list[tuple[str, str]]:
        options = [
            (priority.title or f"Priority {priority.id}", priority.id)
            for priority in plan.priorities
        ]
        if self._existing_new_priority(plan) is None:
            options.append((f"A new priority: {NEW_PRIORITY_TITLE}", NEW_PRIORITY))
        return options

    def refresh(self) -> None:
        """Redraw from the plan: its priorities in each dropdown, and what it already holds."""
        plan = self.session.review.plan
        options = self._options(plan)
        held = _in_plan(plan)
        fallback = self._existing_new_priority(plan)
        with self.syncing():
            for row in self.rows:
                same_link = [
                    p.id for p in plan.priorities if row.action.link and p.link == row.action.link
                ]
                default = (
                    same_link[0]
                    if same_link
                    else (fallback.id if fallback is not None else NEW_PRIORITY)
                )
                row.show(options, default, _key(row.action) in held)

    def add_chosen(self) -> int:
        """Add the ticked actions under their priorities; returns how many were added."""
        chosen = [row for row in self.rows if row.choose.value]
        if not chosen:
            self.message.value = paragraph("Nothing added: tick at least one action first.")
            return 0
        plan = self.session.review.plan
        priorities = [priority.model_copy(deep=True) for priority in plan.priorities]
        held = _in_plan(plan)
        added: list[str] = []
        for row in chosen:
            key = _key(row.action)
            if key in held:
                continue
            target = self._target(priorities, row.priority.value)
            held.add(key)
            # The id comes from the proposal: two tabs adding the same one add one action.
            digest = hashlib.sha256(repr(key).encode("utf-8")).hexdigest()[:8]
            action = row.action.model_copy(update={"id": f"evidence-{digest}"})
            target.actions = [*target.actions, action]
            added.append(target.title or target.id)
        if added:
            self.session.set_plan(plan.model_copy(update={"priorities": priorities}))
            places = ", ".join(sorted(set(added)))
            self.message.value = paragraph(
                f"Added {len(added)} action{'s' if len(added) != 1 else ''} to the plan "
                f"(under {places})."
            )
        else:
            self.message.value = paragraph(
                "Nothing added: the chosen actions are already in the plan."
            )
        self.refresh()
        return len(added)

    def _target(self, priorities: list[Priority], chosen: str | None) -> Priority:
        for priority in priorities:
            if priority.id == chosen:
                return priority
        for priority in priorities:
            if _normal(priority.title) == _normal(NEW_PRIORITY_TITLE) or (
                priority.id == _FROM_EVIDENCE
            ):
                return priority
        # One fixed id: two tabs that each start it start the same priority.
        created = Priority(id=_FROM_EVIDENCE, title=NEW_PRIORITY_TITLE)
        priorities.append(created)
        return created


# ---------------------------------------------------------------------------------------------
# The page


class ImpactApp:
    """The phase 3 page: the reading steps as static sections, each kind of evidence with its
    upload button, then the Act widgets, wired to a session.

    `files` are the files given (a notebook's parameters); the others are the newest in the
    school's evidence folder, where uploads are kept. `inline=True` is for a page opened with
    its school: `show()` puts the sections in the cell's output (so Papermill keeps them and
    reports export them) and `widget` stays empty. Opened from the school picker, the
    sections become widgets in `widget`, because output produced by a click has no cell to go
    to.
    """

    def __init__(
        self, session: ReviewSession, files: EvidenceFiles, *, inline: bool = False
    ) -> None:
        self.session = session
        self.given = files
        self.folder: Path = session.store.data_dir / EVIDENCE_FOLDER / session.school.id
        self.status = SaveStatusView(session)
        self.notices = NoticesView(session)
        self.uploads = {
            key: EvidenceUpload(kind, self.take, read_only=session.read_only)
            for key, kind in UPLOADS.items()
        }
        #: Called after an upload has redrawn the sections (a workbook refreshes its steps).
        self.redrawn: list[Callable[[], None]] = []
        self._shown: dict[str, list[w.HTML]] = {}
        self._handles: dict[str, Any] = {}
        self._read()
        self.act_box = w.VBox([self.act.widget])
        self.inline = inline
        if inline:
            self.widget = w.VBox()
        else:
            self.widget = w.VBox(
                [*[self.section_view(part.key) for part in self.sections], self.act_box]
            )
            self.widget.add_class("cr-app")
        self.widget.add_class("cr-impact-app")
        session.listen(self._on_session)

    def _read(self) -> None:
        """Read the evidence and make the sections and the Act step from it."""
        session = self.session
        self.evidence = gather_evidence(
            discover_evidence(self.folder, self.given),
            session.school,
            session.framework,
            session.review.academic_year,
            data_dir=session.store.data_dir,
        )
        evidence = self.evidence
        # Header, plan, collect, review, destinations, learner, parent, encounters, KPIs.
        sections = impact_sections(session, evidence)
        header = sections[0]
        self.sections: list[Section] = [replace(header, html=STYLE + header.html), *sections[1:]]
        self.act = ActView(
            session,
            evidence.proposals,
            evidence.proposals_error,
            given=evidence.any_given,
        )
        self.act.footer.children = [
            *self.act.footer.children,
            self.status.widget,
            self.notices.widget,
        ]
        if session.read_only:
            lock_editing(self.act.widget)
        self.act.widget.add_class("cr-app")

    def section(self, key: str) -> Section:
        """One step's section by its key: header, plan, collect, review, destinations,
        learner, parent, encounters or kpis."""
        return next(part for part in self.sections if part.key == key)

    def section_view(self, key: str) -> w.Widget:
        """A section as a widget that is drawn again after an upload, with its upload button
        below it when it has one."""
        shown = w.HTML(self.section(key).to_html())
        self._shown.setdefault(key, []).append(shown)
        upload = self.uploads.get(key)
        return w.VBox([shown, upload.widget]) if upload else shown

    def html(self) -> str:
        """All the static HTML of the page, in order (what a report or a test reads)."""
        return "\n".join(part.to_html() for part in self.sections)

    def show(self) -> None:
        """Display the sections as static output, each upload button below its section,
        then the Act widgets; an upload updates the static output in place."""
        from IPython.display import HTML, display

        for part in self.sections:
            self._handles[part.key] = display(HTML(part.to_html()), display_id=True)
            if part.key in self.uploads:
                display(self.uploads[part.key].widget)
        display(self.act_box)

    def take(self, kind: str, name: str, content: bytes) -> Outcome:
        """An uploaded file: checked, kept in the evidence folder and shown, or refused with
        one line that says why (nothing is kept then)."""
        if self.session.read_only:
            return False, "This page is read-only: the file was not kept."
        try:
            saved = save_upload(self.folder, kind, name, content)
        except InputError as exc:
            return False, hide_paths(str(exc), self.session.store.data_dir)
        # The upload wins over a file given on the page for the same kind.
        self.given = replace(self.given, **dict.fromkeys(_GIVEN[kind], ""))
        self.redraw()
        files = self.evidence.files
        label = UPLOAD_KINDS[kind].label
        if saved.path == Path(files.previous_learner_survey or "-"):
            where = "it is the earlier survey the change is measured against"
        elif str(saved.path) in (getattr(files, field) for field in _GIVEN[kind]):
            where = f"the {label} below now shows it"
        else:
            where = f"the page still shows the newer {label} kept before it"
        return True, f"Kept {name} ({saved.summary}): {where}."

    def redraw(self) -> None:
        """Read the evidence again and draw every section and the Act step from it."""
        self._read()
        for part in self.sections:
            for shown in self._shown.get(part.key, []):
                shown.value = part.to_html()
            handle = self._handles.get(part.key)
            if handle is not None:
                from IPython.display import HTML

                handle.update(HTML(part.to_html()))
        self.act_box.children = [self.act.widget]
        for listener in self.redrawn:
            listener()

    def _on_session(self, what: str) -> None:
        if what == "notices":
            self.notices.refresh()
            return
        self.status.refresh()
        if what == "document":
            self.act.refresh()


def impact_app(
    school_id: str = "",
    data_dir: str = "",
    framework: str = "",
    academic_year: str = "",
    destinations_file: str = "",
    urn: str = "",
    learner_survey: str = "",
    previous_learner_survey: str = "",
    parent_survey: str = "",
    encounters_file: str = "",
    autosave_delay: float = 0.4,
) -> w.VBox:
    """The impact evaluation page (phase 3) for one school and year, from the files given.

    Empty file arguments mean "not provided"; relative paths are taken from the current
    directory. Without a school (or with an unknown one) a picker is shown first.
    """
    from . import review_page

    files = EvidenceFiles(
        destinations=destinations_file,
        urn=urn,
        learner_survey=learner_survey,
        previous_learner_survey=previous_learner_survey,
        parent_survey=parent_survey,
        encounters=encounters_file,
    )
    # Only the first build runs inside the cell; later ones come from the picker's button.
    first = {"inline": bool(school_id)}

    def make(session: ReviewSession, workspace) -> ImpactApp:
        # Inline only for the school named in the cell (an unknown one goes through the picker).
        inline = first["inline"] and session.school.id == school_id
        first["inline"] = False
        app = ImpactApp(session, files, inline=inline)
        if inline:
            app.show()
        return app

    return review_page(school_id, data_dir, framework, academic_year, autosave_delay, make)
