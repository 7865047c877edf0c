"""The internal leadership review as an ipywidgets app.

Views only edit the `ReviewSession` and redraw from it; the session saves. `ReviewApp` wires
the views together. Stable CSS classes (`cr-theme-<id>`, `cr-save-status`, `cr-summary`) are
hooks for tests and for a hub's own theme.
"""

from __future__ import annotations

from html import escape

import ipywidgets as w

from ..charts import maturity_profile_png
from ..content import Theme
from ..model import Participant
from ..workspace import hide_paths
from .common import (
    STYLE,
    WIDE_LABEL,
    NoticesView,
    SaveStatusView,
    View,
    download_link,
    lock_editing,
)
from .review_session import ReviewSession

__all__ = ["ReviewApp"]


_NOT_AGREED = 0
_TEXT_LAYOUT = w.Layout(width="95%", height="90px")


class OpeningView(View):
    """Review date, who is in the room, and which recommended roles are missing."""

    def __init__(self, session: ReviewSession) -> None:
        super().__init__(session)
        review = session.review
        self.date = w.DatePicker(
            description="Review date", value=review.review_date, style=WIDE_LABEL
        )
        self.on_edit(self.date, lambda value: value and session.set_review_date(value))
        self.roles = [("Choose a role", "")] + [(r.name, r.id) for r in session.framework.key_roles]
        self.rows = w.VBox()
        self.people: list[ParticipantRow] = []
        self.add = w.Button(description="Add participant", icon="user-plus")
        self.add.on_click(lambda _: self._add())
        self.missing = w.HTML()
        self.widget = w.VBox(
            [
                w.HTML(f"<p>Academic year <strong>{escape(review.academic_year)}</strong></p>"),
                self.date,
                w.HTML("<h2>Who is taking part</h2>"),
                self.rows,
                self.add,
                self.missing,
            ]
        )
        self.refresh()

    def _participants(self) -> list[Participant]:
        return [row.to_model() for row in self.people]

    def _add(self) -> None:
        self.people.append(self._row(Participant()))
        self._show_rows()
        self._changed()

    def _row(self, participant: Participant) -> ParticipantRow:
        row = ParticipantRow(self, participant)
        row.remove.on_click(lambda _: self._remove(row))
        return row

    def _show_rows(self) -> None:
        self.rows.children = [row.widget for row in self.people]

    def _changed(self) -> None:
        self.session.set_participants(self._participants())
        self._show_missing()

    def _remove(self, row: ParticipantRow) -> None:
        self.people.remove(row)
        self._show_rows()
        self._changed()

    def _show_missing(self) -> None:
        missing = self.session.missing_attendees()
        if missing:
            names = ", ".join(escape(r.name) for r in missing)
            self.missing.value = (
                f"<p class='cr-missing'>Recommended but not yet listed: {names}</p>"
            )
        else:
            self.missing.value = "<p class='cr-missing'>Everyone recommended is here.</p>"

    def refresh(self) -> None:
        with self.syncing():
            self.date.value = self.session.review.review_date
            # Rows are matched by id: the one being typed in stays, others come and go.
            rows = {row.id: row for row in self.people}
            self.people = []
            for participant in self.session.review.participants:
                row = rows.get(participant.id) or self._row(participant)
                row.show(participant)
                self.people.append(row)
            if list(self.rows.children) != [row.widget for row in self.people]:
                self._show_rows()
        self._show_missing()


class ParticipantRow:
    """One person in the room: a name, a role, and a way to remove them."""

    def __init__(self, view: OpeningView, participant: Participant) -> None:
        self.id = participant.id
        self.name = w.Text(
            value=participant.name,
            description="Name",
            continuous_update=True,
            placeholder="Full name",
        )
        self.role = w.Dropdown(options=view.roles, description="Role")
        self._roles = {value for _, value in view.roles}
        self.show(participant)
        self.remove = w.Button(description="Remove", icon="trash", layout=w.Layout(width="110px"))
        self.widget = w.HBox([self.name, self.role, self.remove])
        view.on_edit(self.name, lambda _: view._changed())
        view.on_edit(self.role, lambda _: view._changed())

    def show(self, participant: Participant) -> None:
        self.name.value = participant.name
        self.role.value = participant.role if participant.role in self._roles else ""

    def to_model(self) -> Participant:
        return Participant(id=self.id, name=self.name.value, role=self.role.value or "")


class ThemePanel(View):
    """One theme: what good looks like, every level side by side, and what the team agrees."""

    def __init__(self, session: ReviewSession, theme: Theme) -> None:
        super().__init__(session)
        self.theme = theme
        model = session.framework.maturity_model
        questions = "".join(f"<li>{escape(q)}</li>" for q in theme.guiding_questions)
        intro = w.HTML(
            f"<p>{escape(theme.intent)}</p>"
            + (
                f"<p><strong>Questions to discuss</strong></p><ul>{questions}</ul>"
                if questions
                else ""
            )
        )
        self.cards = []
        for level in model.levels:
            card = w.HTML(
                f"<strong>{level.number} {escape(level.name)}</strong>"
                f"{escape(theme.descriptors[level.number])}"
            )
            card.add_class("cr-level-card")
            self.cards.append(card)
        grid = w.GridBox(
            self.cards,
            layout=w.Layout(
                grid_template_columns=f"repeat({len(self.cards)}, 1fr)", grid_gap="8px"
            ),
        )
        options = [("Not agreed yet", _NOT_AGREED)] + [
            (f"{lv.number} {lv.name}", lv.number) for lv in model.levels
        ]
        self.level = w.RadioButtons(options=options, description="Agreed level", style=WIDE_LABEL)
        self.evidence = w.Textarea(
            description="Evidence",
            placeholder="What shows this level: documents, data, what pupils and staff say",
            continuous_update=True,
            layout=_TEXT_LAYOUT,
            style=WIDE_LABEL,
        )
        self.notes = w.Textarea(
            description="Notes",
            placeholder="Points raised, questions to follow up",
            continuous_update=True,
            layout=_TEXT_LAYOUT,
            style=WIDE_LABEL,
        )
        self.focus = w.ToggleButtons(
            options=[("Strength", "strength"), ("Priority", "priority"), ("Neither", "neither")],
            description="This theme is a",
            style=WIDE_LABEL,
        )
        self.on_edit(self.level, lambda v: session.set_rating(theme.id, level=v or None))
        self.on_edit(self.evidence, lambda v: session.set_rating(theme.id, evidence=v))
        self.on_edit(self.notes, lambda v: session.set_rating(theme.id, notes=v))
        self.on_edit(self.focus, lambda v: session.set_rating(theme.id, focus=v))
        self.notices = NoticesView(session, lambda path: path[:2] == ("ratings", theme.id))
        self.widget = w.VBox(
            [intro, grid, self.level, self.evidence, self.notes, self.focus, self.notices.widget]
        )
        self.widget.add_class(f"cr-theme-{theme.id}")
        self.widget.add_class("cr-theme")
        self.refresh()

    @property
    def title(self) -> str:
        rating = self.session.review.rating(self.theme.id)
        if rating.level is None:
            return f"{self.theme.name}: not agreed yet"
        level = self.session.framework.maturity_model.level(rating.level)
        return f"{self.theme.name}: {level.number} {level.name}"

    def refresh(self) -> None:
        rating = self.session.review.rating(self.theme.id)
        with self.syncing():
            self.level.value = rating.level or _NOT_AGREED
            self.evidence.value = rating.evidence
            self.notes.value = rating.notes
            self.focus.value = rating.focus
        self.refresh_cards()

    def refresh_cards(self) -> None:
        """Outline the card of the agreed level."""
        level = self.session.review.rating(self.theme.id).level
        for number, card in enumerate(self.cards, start=1):
            if number == level:
                card.add_class("cr-level-selected")
            else:
                card.remove_class("cr-level-selected")


class SummaryView(View):
    """The agreed profile at a glance, with last year's levels, strengths and priorities."""

    def __init__(self, session: ReviewSession) -> None:
        super().__init__(session)
        self.chart = w.Image(format="png", layout=w.Layout(width="100%", max_width="1000px"))
        self.lists = w.HTML()
        self.seed = w.Button(
            description="Start the plan with these priorities",
            icon="list",
            layout=w.Layout(width="auto"),
        )
        self.seed_result = w.HTML()
        self.seed.on_click(lambda _: self._seed())
        self.widget = w.VBox([self.chart, self.lists, w.HBox([self.seed, self.seed_result])])
        self.widget.add_class("cr-summary")
        self._drawn: tuple | None = None
        self.refresh()

    def _seed(self) -> None:
        added = self.session.seed_plan_priorities()
        self.seed_result.value = (
            f"<span>{added} priority theme(s) added to the strategic plan.</span>"
            if added
            else "<span>The plan already starts from these priorities.</span>"
        )

    def refresh(self) -> None:
        session = self.session
        result = session.profile()
        levels = tuple(t.level for t in result.themes)
        previous = session.previous_levels()
        if self._drawn != levels:
            self._drawn = levels
            label = (
                f"Review {session.previous.academic_year}" if session.previous else "Last review"
            )
            self.chart.value = maturity_profile_png(
                session.framework,
                {t.theme_id: t.level for t in result.themes},
                previous,
                title=f"{session.school.name}: {session.review.academic_year}",
                previous_label=label,
                current_label=f"Review {session.review.academic_year}",
            )

        def items(found) -> str:
            if not found:
                return "<li><em>none chosen yet</em></li>"
            return "".join(f"<li>{escape(t.name)} ({escape(t.level_name)})</li>" for t in found)

        planned = [p.title for p in session.review.plan.priorities]
        self.lists.value = (
            f"<p>{result.agreed} of {result.total} themes agreed; overall "
            f"<strong>{escape(result.overall_name)}</strong>.</p>"
            f"<h3>Strengths</h3><ul class='cr-strengths'>{items(result.strengths)}</ul>"
            f"<h3>Priorities</h3><ul class='cr-priorities'>{items(result.priorities)}</ul>"
            + (
                f"<p class='cr-muted'>Plan priorities so far: {escape('; '.join(planned))}</p>"
                if planned
                else ""
            )
        )
        self.seed.disabled = not result.priorities


class HistoryView(View):
    """Every saved revision, and a way back to any of them."""

    def __init__(self, session: ReviewSession) -> None:
        super().__init__(session)
        self.choice = w.Dropdown(description="Revision", layout=w.Layout(width="460px"))
        self.restore = w.Button(
            description="Restore this revision", icon="undo", layout=w.Layout(width="auto")
        )
        self.restore.on_click(lambda _: self._restore())
        self.widget = w.VBox(
            [
                w.HTML(
                    "<p>Every save is kept. Restoring adds the chosen revision as the newest; "
                    "nothing in between is lost.</p>"
                ),
                w.HBox([self.choice, self.restore]),
            ]
        )
        self.refresh()

    def _restore(self) -> None:
        if self.choice.value:
            self.session.restore(self.choice.value)

    def refresh(self) -> None:
        revisions = self.session.revisions()
        options = [
            (
                f"{r.number} · {r.saved_at.astimezone():%d %b %Y %H:%M:%S}"
                f" · {r.author or 'unknown'}",
                r.number,
            )
            for r in reversed(revisions)
        ]
        with self.syncing():
            self.choice.options = options
            self.choice.value = options[0][1] if options else None


class ReportView:
    """The governor report as PDF and HTML downloads, built from what is saved."""

    def __init__(self, session: ReviewSession) -> None:
        self.session = session
        self.button = w.Button(
            description="Export report", icon="file-pdf-o", button_style="primary"
        )
        self.button.on_click(lambda _: self.export())
        self.links = w.HTML()
        self.widget = w.VBox(
            [
                w.HTML(
                    "<p>A summary for governors as a PDF to print or send, and as a web page. "
                    "It takes a few seconds.</p>"
                ),
                self.button,
                self.links,
            ]
        )
        self.widget.add_class("cr-report-export")

    def export(self) -> None:
        from ..errors import CareersReviewError
        from ..report import html_to_pdf, render_report

        session = self.session
        session.flush()
        self.button.disabled = True
        self.links.value = "<p class='cr-muted'>Preparing the report…</p>"
        try:
            html = render_report(session.store.data_dir, session.review.id)
            pdf = html_to_pdf(html.decode("utf-8"))
        except CareersReviewError as exc:
            self.links.value = (
                "<p class='cr-field-error'>The report could not be made: "
                f"{escape(hide_paths(str(exc), session.store.data_dir))}</p>"
            )
            return
        finally:
            self.button.disabled = False
        name = f"{session.school.id}-report-{session.review.academic_year.replace('/', '-')}"
        self.links.value = (
            download_link(f"{name}.pdf", pdf, "application/pdf", f"Download {name}.pdf")
            + " &nbsp; "
            + download_link(f"{name}.html", html, "text/html", f"Download {name}.html")
        )


class ReviewApp:
    """The whole review page for one session, and the wiring between its views."""

    def __init__(self, session: ReviewSession) -> None:
        self.session = session
        self.status = SaveStatusView(session)
        self.notices = NoticesView(session, lambda path: path[0] != "ratings")
        self.opening = OpeningView(session)
        self.panels = [ThemePanel(session, theme) for theme in session.framework.themes]
        # Buttons as panel headers: unlike Accordion titles they take keyboard focus.
        self.headers = []
        for panel in self.panels:
            header = w.Button(icon="chevron-right", layout=w.Layout(width="100%", height="44px"))
            header.add_class("cr-theme-header")
            header.on_click(lambda _, chosen=panel: self.open_theme(chosen))
            self.headers.append(header)
            panel.widget.layout.display = "none"
        self.themes = w.VBox(
            [
                item
                for pair in zip(self.headers, self.panels, strict=True)
                for item in (pair[0], pair[1].widget)
            ]
        )
        self.progress = w.IntProgress(
            min=0, max=len(self.panels), description="Agreed", style=WIDE_LABEL
        )
        self.progress_text = w.HTML()
        self.summary = SummaryView(session)
        self.history = HistoryView(session)
        self.report = ReportView(session)
        school = session.school
        header = w.HTML(STYLE + f"<h1 class='cr-school-name'>{escape(school.name)}</h1>")
        self.widget = w.VBox(
            [
                header,
                self.status.widget,
                self.notices.widget,
                self.opening.widget,
                w.HTML(
                    "<h2>The themes</h2><p>Open each theme, compare the levels, and agree the one "
                    "that fits best. Everything is saved as you type.</p>"
                ),
                w.HBox([self.progress, self.progress_text]),
                self.themes,
                w.HTML("<h2>Summary</h2>"),
                self.summary.widget,
                w.HTML("<h2>Report for governors</h2>"),
                self.report.widget,
                w.HTML("<h2>Earlier versions</h2>"),
                self.history.widget,
            ]
        )
        self.widget.add_class("cr-app")
        if session.read_only:
            lock_editing(self.widget, keep=(*self.headers, self.report.button))
        session.listen(self._on_session)
        self._refresh_progress()

    def _on_session(self, what: str) -> None:
        if what == "notices":
            for view in (self.notices, *(panel.notices for panel in self.panels)):
                view.refresh()
            return
        if what == "document":
            self.opening.refresh()
            for panel in self.panels:
                panel.refresh()
        self.status.refresh()
        if what == "status" and not self.session.status.ok:
            return
        self._refresh_progress()
        self.summary.refresh()
        if what == "document" or self.session.status.state == "saved":
            self.history.refresh()

    def open_theme(self, panel: ThemePanel) -> None:
        """Show one theme's panel (or close it when it is already open); one open at a time."""
        opening = panel.widget.layout.display == "none"
        for other, header in zip(self.panels, self.headers, strict=True):
            shown = other is panel and opening
            other.widget.layout.display = "flex" if shown else "none"
            header.icon = "chevron-down" if shown else "chevron-right"

    def _refresh_progress(self) -> None:
        result = self.session.profile()
        self.progress.value = result.agreed
        self.progress_text.value = f"<span>{result.agreed} of {result.total} themes agreed</span>"
        for index, panel in enumerate(self.panels):
            self.headers[index].description = panel.title
            self.headers[index].tooltip = f"Open or close {panel.theme.name}"
            panel.refresh_cards()
