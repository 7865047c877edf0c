"""The internal leadership review as an ipywidgets app.

Views only edit the `ReviewSession` and redraw from it; the session saves. `ReviewApp` wires
the views together. Stable CSS classes (`cr-theme-<id>`, `cr-save-status`, `cr-summary`) are
hooks for tests and for a hub's own theme.
"""

from __future__ import annotations

from datetime import date
from html import escape

import ipywidgets as w

from ..content import Theme
from ..model import Participant
from .common import (
    STYLE,
    WIDE_LABEL,
    NoticesView,
    SaveStatusView,
    View,
    lock_editing,
)
from .review_outputs import HistoryView, ReportView, SummaryView
from .review_session import Removed, ReviewSession
from .undo import UndoBar, remove_button

__all__ = ["ReviewApp"]


_NOT_AGREED = 0
_TEXT_LAYOUT = w.Layout(width="95%", height="90px")


class OpeningView(View[ReviewSession]):
    """Review date, who is in the room, and which recommended roles are missing."""

    def __init__(self, session: ReviewSession) -> None:
        super().__init__(session)
        review = session.review
        self.date = w.DatePicker(
            description="Review date", value=review.review_date, style=WIDE_LABEL
        )
        self.on_edit(self.date, self._date)
        self.roles = [("Choose a role", "")] + [(r.name, r.id) for r in session.framework.key_roles]
        self.rows = w.VBox()
        self.people: list[ParticipantRow] = []
        self.add = w.Button(description="Add participant")
        self.add.on_click(lambda _: self._add())
        self.missing = w.HTML()
        self.undo = UndoBar()
        self.widget = w.VBox(
            [
                w.HTML(f"<p>Academic year <strong>{escape(review.academic_year)}</strong></p>"),
                self.date,
                w.HTML("<h2>Who is taking part</h2>"),
                self.rows,
                self.undo.widget,
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
        """Remove at once, and offer the person back for a few seconds."""
        removed = self.session.remove_participant(row.id)
        self.refresh()
        self.undo.offer(removed, lambda: self._put_back(removed))

    def _put_back(self, removed: Removed) -> str:
        problem = self.session.put_back(removed)
        self.refresh()
        row = next((row for row in self.people if row.id == removed.item.id), None)
        if row is not None:
            row.name.focus()
        return problem

    def _show_missing(self) -> None:
        missing = self.session.missing_attendees()
        if missing:
            names = ", ".join(escape(r.name) for r in missing)
            self.missing.value = (
                f"<p class='cr-missing'>Recommended but not yet listed: {names}</p>"
            )
        else:
            self.missing.value = "<p class='cr-missing'>Everyone recommended is here.</p>"

    def _date(self, value: date | None) -> None:
        if value:
            self.session.set_review_date(value)

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
        self.remove = remove_button("this participant")
        self.widget = w.HBox([self.name, self.role, self.remove])
        view.on_edit(self.name, lambda _: view._changed())
        view.on_edit(self.role, lambda _: view._changed())

    def show(self, participant: Participant) -> None:
        self.name.value = participant.name
        self.role.value = participant.role if participant.role in self._roles else ""

    def to_model(self) -> Participant:
        return Participant(id=self.id, name=self.name.value, role=self.role.value or "")


class ThemePanel(View[ReviewSession]):
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
        # Each card is a button laid over its text: a click (or Enter) on it agrees that level.
        self.cards: list[w.Box] = []
        self.choose: list[w.Button] = []
        for level in model.levels:
            text = w.HTML(
                f"<strong>{level.number} {escape(level.name)}</strong>"
                f"{escape(theme.descriptors[level.number])}"
            )
            choose = w.Button(
                description=f"Agree level {level.number} {level.name}",
                tooltip=f"Agree level {level.number} {level.name} for {theme.name}",
            )
            choose.add_class("cr-level-choose")
            choose.on_click(lambda _, number=level.number: self.choose_level(number))
            card = w.Box([text, choose])
            card.add_class("cr-level-card")
            self.cards.append(card)
            self.choose.append(choose)
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

    def choose_level(self, number: int) -> None:
        """A card clicked: the same edit as choosing its level in the list."""
        self.level.value = number

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
            header = w.Button(layout=w.Layout(width="100%", min_height="44px"))
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
                self.summary.seed_box,
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
            (header.add_class if shown else header.remove_class)("cr-open")

    def _refresh_progress(self) -> None:
        result = self.session.profile()
        self.progress.value = result.agreed
        self.progress_text.value = f"<span>{result.agreed} of {result.total} themes agreed</span>"
        for index, panel in enumerate(self.panels):
            self.headers[index].description = panel.title
            self.headers[index].tooltip = f"Open or close {panel.theme.name}"
            panel.refresh_cards()
