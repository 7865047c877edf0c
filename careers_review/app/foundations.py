"""Phase 1 as a page: the Careers Leader's role, the key roles, and the statutory checklist.

Each view edits the review's `foundations` through the session and redraws its flags
(risks, gaps, provider access below the minimum) from the saved state.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from html import escape

import ipywidgets as w
from pydantic import ValidationError

from ..summary import leadership_risks, provider_access, role_gaps
from .common import STYLE, WIDE_LABEL, NoticesView, SaveStatusView, View, lock_editing, section
from .review_session import ReviewSession, SchoolSession

__all__ = ["FoundationsApp"]

_ROW = w.Layout(width="98%")
_NOTE = w.Layout(width="420px")
_FIELD = {"description_width": "200px"}
_FIELD_LAYOUT = w.Layout(width="520px")
RESPONSIBILITY_CHOICES = [("In place", "in_place"), ("Partly", "partly"), ("Not yet", "not_yet")]
DUTY_CHOICES = [("Met", "met"), ("Not met", "not_met"), ("Not sure", "not_sure")]
TRAINED_CHOICES = [
    ("Not recorded", ""),
    ("Yes, trained", "yes"),
    ("In training", "in_training"),
    ("Not trained", "no"),
]


def _field(setter: Callable[..., None], key: str, field: str, value: object) -> None:
    """An edit of one field of one checklist line."""
    setter(key, **{field: value})


def _if_chosen(setter: Callable[..., None], key: str, field: str, value: object) -> None:
    """A toggle's choice; a toggle cleared by a redraw is not an edit."""
    if value:
        setter(key, **{field: value})


def _count(session: ReviewSession, key: str, value: object) -> None:
    session.set_encounters(key, int(value or 0))  # type: ignore[call-overload]


def _flags(items: list[str], none: str, css: str) -> str:
    if not items:
        return f"<p class='{css}'>{escape(none)}</p>"
    rows = "".join(f"<li>{escape(item)}</li>" for item in items)
    return f"<ul class='{css} cr-flags' style='color:#8a1c00'>{rows}</ul>"


def _toggle(options: list[tuple[str, str]], value: str, label: str) -> w.ToggleButtons:
    """ToggleButtons that can show 'nothing chosen yet' (value '')."""
    toggle = w.ToggleButtons(options=options, value=None, description=label, style=WIDE_LABEL)
    toggle.value = value or None
    return toggle


def _typed_number(text: str) -> float | None:
    """Hours or a budget as typed: '1,200', '£800' and '' (none) are understood."""
    cleaned = text.replace(",", "").replace("£", "").strip()
    return float(cleaned) if cleaned else None


def _shows(box: w.Text, value: float | None) -> bool:
    try:
        return _typed_number(box.value) == value
    except ValueError:
        return False


class RoleView(View[ReviewSession]):
    """The eight responsibilities, the leadership structure, and the conditions the role needs."""

    def __init__(self, session: ReviewSession, school: SchoolSession) -> None:
        super().__init__(session)
        self.school = school
        fw = session.framework
        self.checks: dict[str, tuple[w.ToggleButtons, w.Textarea]] = {}
        rows = []
        for item in fw.careers_leader_responsibilities:
            toggle = _toggle(RESPONSIBILITY_CHOICES, "", "Where we are")
            note = w.Textarea(description="Note", continuous_update=True, rows=2, layout=_NOTE)
            self.on_edit(toggle, partial(_if_chosen, session.set_responsibility, item.id, "status"))
            self.on_edit(note, partial(_field, session.set_responsibility, item.id, "note"))
            self.checks[item.id] = (toggle, note)
            rows.append(
                w.VBox(
                    [
                        w.HTML(f"<strong>{escape(item.title)}</strong><br>{escape(item.summary)}"),
                        w.HBox([toggle, note]),
                    ],
                    layout=w.Layout(margin="0 0 10px 0"),
                )
            )
        structures = [("Not recorded", "")] + [(s.name, s.id) for s in fw.leadership_structures]
        current = school.document.leadership_structure
        self.structure = w.Dropdown(
            options=structures,
            value=current if current in {v for _, v in structures} else "",
            description="Structure",
            style=_FIELD,
            layout=w.Layout(width="620px"),
        )
        self.on_edit(self.structure, self._structure_changed)
        self.structure_text = w.HTML()
        self.line_manager = w.Text(
            description="Senior line manager",
            continuous_update=True,
            style=WIDE_LABEL,
            layout=_NOTE,
        )
        self.hours = w.Text(
            description="Protected hours a week",
            continuous_update=True,
            style=WIDE_LABEL,
            layout=_NOTE,
        )
        self.budget = w.Text(
            description="Annual budget (£)",
            continuous_update=True,
            style=_FIELD,
            layout=_FIELD_LAYOUT,
        )
        self.trained = w.Dropdown(options=TRAINED_CHOICES, description="Trained", style=_FIELD)
        self.errors = {name: w.HTML() for name in ("hours", "budget")}
        self.on_edit(self.line_manager, lambda v: session.set_foundations(senior_line_manager=v))
        self.on_edit(self.hours, lambda v: self._number("hours", "protected_hours", v))
        self.on_edit(self.budget, lambda v: self._number("budget", "budget", v))
        self.on_edit(self.trained, lambda v: session.set_foundations(trained=v))
        self.risks = w.HTML()
        self.widget = w.VBox(
            [
                section(
                    "The Careers Leader's responsibilities",
                    "For each responsibility, agree whether it is in place, partly in place or "
                    "not yet, and note what would close the gap.",
                ),
                *rows,
                section("How careers leadership is structured"),
                self.structure,
                self.structure_text,
                self.line_manager,
                w.HBox([self.hours, self.errors["hours"]]),
                w.HBox([self.budget, self.errors["budget"]]),
                self.trained,
                self.risks,
            ]
        )
        self.refresh()

    def _structure_changed(self, value: str) -> None:
        self.school.set(leadership_structure=value)
        self.refresh_flags()

    def _number(self, key: str, field: str, text: str) -> None:
        try:
            value = _typed_number(text)
            self.session.set_foundations(**{field: value})
        except (ValueError, ValidationError):
            self.errors[key].value = (
                "<span class='cr-field-error' style='color:#b00020'>Enter a number "
                "(or leave it empty); not saved until it is.</span>"
            )
            return
        self.errors[key].value = ""

    def refresh(self) -> None:
        found = self.session.review.foundations
        with self.syncing():
            for item_id, (toggle, note) in self.checks.items():
                check = found.responsibilities.get(item_id)
                toggle.value = (check.status if check else "") or None
                note.value = check.note if check else ""
            self.line_manager.value = found.senior_line_manager
            for box, value in ((self.hours, found.protected_hours), (self.budget, found.budget)):
                if not _shows(box, value):  # "12." being typed stays as typed
                    box.value = "" if value is None else f"{value:g}"
            self.trained.value = found.trained
            current = self.school.document.leadership_structure
            if current in {value for _, value in self.structure.options}:
                self.structure.value = current
        self.refresh_flags()

    def refresh_flags(self) -> None:
        chosen = self.structure.value
        for structure in self.session.framework.leadership_structures:
            if structure.id == chosen:
                good = "".join(f"<li>{escape(s)}</li>" for s in structure.strengths)
                bad = "".join(f"<li>{escape(s)}</li>" for s in structure.limitations)
                self.structure_text.value = (
                    f"<p>{escape(structure.summary)}</p><div style='display:flex;gap:2em'>"
                    f"<div><strong>Strengths</strong><ul>{good}</ul></div>"
                    f"<div><strong>Limitations</strong><ul>{bad}</ul></div></div>"
                )
                break
        else:
            self.structure_text.value = "<p>Choose the structure the school uses.</p>"
        risks = leadership_risks(self.session.review, chosen)
        self.risks.value = "<strong>Risks</strong>" + _flags(
            risks, "No risks flagged in how the role is set up.", "cr-risks"
        )


class KeyRolesView(View[ReviewSession]):
    def __init__(self, session: ReviewSession) -> None:
        super().__init__(session)
        self.holders: dict[str, w.Text] = {}
        rows = []
        for role in session.framework.key_roles:
            text = w.Text(
                description=role.name,
                placeholder="Name, or leave empty if nobody holds it",
                continuous_update=True,
                style={"description_width": "320px"},
                layout=w.Layout(width="720px"),
                tooltip=role.summary,
            )
            self.on_edit(text, partial(session.set_role_holder, role.id))
            self.holders[role.id] = text
            rows.append(text)
        self.gaps = w.HTML()
        self.widget = w.VBox(
            [section("Key roles", "Who holds each role this year."), *rows, self.gaps]
        )
        self.refresh()

    def refresh(self) -> None:
        held = self.session.review.foundations.role_holders
        with self.syncing():
            for role_id, text in self.holders.items():
                text.value = held.get(role_id, "")
        self.refresh_gaps()

    def refresh_gaps(self) -> None:
        gaps = role_gaps(self.session.review, self.session.framework)
        self.gaps.value = "<strong>Roles nobody holds</strong>" + _flags(
            gaps, "Every key role has someone named.", "cr-role-gaps"
        )


class StatutoryView(View[ReviewSession]):
    def __init__(self, session: ReviewSession) -> None:
        super().__init__(session)
        statutory = session.framework.statutory
        self.checks: dict[str, tuple[w.ToggleButtons, w.Textarea]] = {}
        rows = []
        for duty in statutory.duties:
            toggle = _toggle(DUTY_CHOICES, "", "This duty is")
            evidence = w.Textarea(
                description="Evidence",
                placeholder=duty.evidence_prompt,
                continuous_update=True,
                layout=w.Layout(width="95%", height="60px"),
                style=WIDE_LABEL,
            )
            self.on_edit(toggle, partial(_if_chosen, session.set_duty, duty.id, "status"))
            self.on_edit(evidence, partial(_field, session.set_duty, duty.id, "note"))
            self.checks[duty.id] = (toggle, evidence)
            rows.append(
                w.VBox(
                    [
                        w.HTML(f"<strong>{escape(duty.title)}</strong><br>{escape(duty.detail)}"),
                        toggle,
                        evidence,
                    ],
                    layout=w.Layout(margin="0 0 12px 0"),
                )
            )
        self.counts: dict[str, w.BoundedIntText] = {}
        count_rows = []
        taught = set(session.school.year_groups)
        for phase in statutory.provider_access.key_phases:
            if not taught & set(phase.years):
                continue  # e.g. the sixth-form phase at an 11-16 school
            count = w.BoundedIntText(
                min=0,
                max=99,
                continuous_update=True,  # saved as typed, like every other box
                description=phase.name,
                style=WIDE_LABEL,
                layout=w.Layout(width="260px"),
            )
            self.on_edit(count, partial(_count, session, phase.id))
            self.counts[phase.id] = count
            count_rows.append(count)
        self.access = w.HTML()
        self.widget = w.VBox(
            [
                section(
                    "Statutory checklist", "Agree for each duty whether it is met, with evidence."
                ),
                *rows,
                section(
                    "Provider access encounters this year",
                    statutory.provider_access.summary
                    or "Encounters with providers of technical education and apprenticeships.",
                ),
                *count_rows,
                self.access,
            ]
        )
        self.refresh()

    def refresh(self) -> None:
        found = self.session.review.foundations
        with self.syncing():
            for duty_id, (toggle, evidence) in self.checks.items():
                check = found.duties.get(duty_id)
                toggle.value = (check.status if check else "") or None
                evidence.value = check.note if check else ""
            for key_phase_id, count in self.counts.items():
                count.value = found.encounters.get(key_phase_id, 0)
        self.refresh_access()

    def refresh_access(self) -> None:
        rows = []
        session = self.session
        for phase in provider_access(session.review, session.framework, session.school):
            need = "pupils must attend" if phase.requirement == "must_attend" else "must be offered"
            mark = "met" if phase.met else f"below the minimum of {phase.minimum}"
            colour = "#1d6b2c" if phase.met else "#8a1c00"
            rows.append(
                f"<li style='color:{colour}'>{escape(phase.name)}: {phase.count} of "
                f"{phase.minimum} ({need}): {mark}</li>"
            )
        self.access.value = f"<ul class='cr-provider-access'>{''.join(rows)}</ul>"


class FoundationsApp:
    """The phase 1 page, and the wiring between its views and the two sessions."""

    def __init__(self, session: ReviewSession, school: SchoolSession) -> None:
        self.session = session
        self.sessions = (session, school)
        self.status = SaveStatusView(session)
        self.notices = NoticesView(session)
        self.role = RoleView(session, school)
        self.roles = KeyRolesView(session)
        self.statutory = StatutoryView(session)
        header = w.HTML(
            STYLE
            + f"<h1 class='cr-school-name'>{escape(session.school.name)}</h1>"
            + f"<p class='cr-muted'>Academic year {escape(session.review.academic_year)}</p>"
        )
        parts = [self.role.widget, self.roles.widget, self.statutory.widget]
        self.widget = w.VBox([header, self.status.widget, self.notices.widget, *parts], layout=_ROW)
        self.widget.add_class("cr-app")
        if session.read_only:
            lock_editing(self.widget)
        session.listen(self._on_session)
        school.listen(self._on_school)

    def _on_school(self, what: str) -> None:
        if what == "document":
            self.role.refresh()

    def _on_session(self, what: str) -> None:
        """Every edit or save redraws the flags; an outside change redraws everything."""
        if what == "notices":
            self.notices.refresh()
            return
        self.status.refresh()
        if what == "document":
            for view in (self.role, self.roles, self.statutory):
                view.refresh()
        self.role.refresh_flags()
        self.roles.refresh_gaps()
        self.statutory.refresh_access()
