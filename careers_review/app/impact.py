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

from collections.abc import Callable
from dataclasses import replace
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
from ..impact_sections import impact_sections
from ..sections import Section
from ..workspace import EVIDENCE_FOLDER, hide_paths
from .common import STYLE, NoticesView, SaveStatusView, lock_editing
from .impact_act import NEW_PRIORITY, NEW_PRIORITY_TITLE, ActView, ProposalRow
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

#: The sections with upload buttons, and the kinds of file each takes.
UPLOADS = {
    "destinations": ("destinations", "comparison", "neet"),
    "learner": ("learner",),
    "parent": ("parent",),
    "encounters": ("encounters",),
}
#: The files each kind of upload stands for (given on the page, they give way to an upload).
_GIVEN = {
    "destinations": ("destinations",),
    "comparison": ("comparisons",),
    "neet": ("neet",),
    "learner": ("learner_survey", "previous_learner_survey"),
    "parent": ("parent_survey",),
    "encounters": ("encounters",),
}


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
            kind: EvidenceUpload(kind, self.take, read_only=session.read_only)
            for kinds in UPLOADS.values()
            for kind in kinds
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
        buttons = [self.uploads[kind].widget for kind in UPLOADS.get(key, ())]
        return w.VBox([shown, *buttons]) if buttons else shown

    def html(self) -> str:
        """All the static HTML of the page, in order (what a report or a test reads)."""
        return "\n".join(part.to_html() for part in self.sections)

    def show(self) -> None:
        """Display the sections as static output, each upload button below its section,
        then the Act widgets; an upload updates the static output in place."""
        from IPython.display import HTML, display

        for part in self.sections:
            self._handles[part.key] = display(HTML(part.to_html()), display_id=True)
            for kind in UPLOADS.get(part.key, ()):
                display(self.uploads[kind].widget)
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
        elif str(saved.path) in (getattr(files, field) for field in _GIVEN[kind]) or (
            kind == "comparison" and str(saved.path) in files.comparison_paths()
        ):
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
