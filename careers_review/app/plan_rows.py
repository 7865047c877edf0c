"""The plan's priorities as widgets: a box per priority, and a row per action, milestone, KPI.

Rows only edit: each change goes to the session as one edit of one item (`planning` decides
what may be stored), and rows are redrawn from the session's plan by id, so a row being typed
in stays where it is when another page's change arrives. A value that cannot be stored (a KPI
target that is not a number, a due date in the past on a new action) is explained next to its
field and the last good value is kept. Sentences sit in text areas: a single-line box would
drop the line breaks of a longer note.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from html import escape
from typing import TYPE_CHECKING, Any

import ipywidgets as w

from ..model import KPI, Action, Milestone, Priority
from ..planning import action_problems, due_date_problem, lines, parse_number
from .common import NoticesView, field_error, text_area
from .undo import remove_button

if TYPE_CHECKING:
    from .plan import PlanEditor

__all__ = ["STATUS_CHOICES", "ActionRow", "KPIRow", "MilestoneRow", "PriorityEditor"]

STATUS_CHOICES = [
    ("Not started", "not_started"),
    ("In progress", "in_progress"),
    ("Done", "done"),
    ("Dropped", "dropped"),
]
_SMALL = {"description_width": "90px"}
_BOX = {"border": "2px solid #0072B2", "padding": "10px", "margin": "8px 0"}


class _Row:
    """One editable line of a priority's list, with its own messages."""

    kind = ""
    thing = ""  # the item in words, for its remove button
    widget: w.Widget
    first: w.Widget  # the field the keyboard goes to when the item is put back

    def __init__(self, priority: PriorityEditor, item_id: str) -> None:
        self.priority, self.id = priority, item_id
        self.editor = priority.editor
        self.remove = remove_button(f"this {self.thing}")
        self.remove.on_click(lambda _: priority.remove_item(self.kind, self.id))
        self.message = w.HTML()

    def edit(self, widget: w.Widget, field: str, convert: Callable[[Any], Any] = lambda v: v):
        """Each change of `widget` becomes an edit of this item's `field`."""
        session = self.editor.session

        def apply(value: Any) -> None:
            session.edit_plan_item(self.priority.id, self.kind, self.id, **{field: convert(value)})
            self.checked()

        self.editor.on_edit(widget, apply)

    def show(self, item: Any) -> None:  # pragma: no cover - every row has its own
        raise NotImplementedError

    def checked(self) -> None:
        """Show what is wrong with the item as saved (nothing by default)."""


class ActionRow(_Row):
    kind, thing = "actions", "action"

    def __init__(self, priority: PriorityEditor, action: Action, new: bool) -> None:
        super().__init__(priority, action.id)
        self.new, self.saved_due = new, action.due_date
        self.due_problem = ""
        self.what = self.first = text_area(action.what, "Action", placeholder="What will be done")
        self.owner = w.Text(
            action.owner,
            description="Owner",
            continuous_update=True,
            style=_SMALL,
            layout=w.Layout(width="300px"),
        )
        self.due = w.DatePicker(value=action.due_date, description="Due", style=_SMALL)
        self.status = w.Dropdown(
            options=STATUS_CHOICES, value=action.status, description="Status", style=_SMALL
        )
        self.link = w.Dropdown(
            options=self.editor.links,
            value=action.link,
            description="Linked to",
            style=_SMALL,
            layout=w.Layout(width="520px"),
        )
        self.measure = text_area(
            action.success_measure, "Success measure", style={"description_width": "120px"}
        )
        for widget, field in (
            (self.what, "what"),
            (self.owner, "owner"),
            (self.status, "status"),
            (self.link, "link"),
            (self.measure, "success_measure"),
        ):
            self.edit(widget, field)
        self.editor.on_edit(self.due, self._due)
        self.widget = w.VBox(
            [
                w.HBox([self.what, self.owner]),
                w.HBox([self.due, self.status, self.remove]),
                w.HBox([self.link]),
                w.HBox([self.measure]),
                self.message,
            ],
            layout=w.Layout(border="1px solid #ddd", padding="6px", margin="4px 0"),
        )
        self.widget.add_class("cr-action")

    def _due(self, value: date | None) -> None:
        self.due_problem = due_date_problem(
            value, self.editor.today, saved=self.saved_due, new=self.new
        )
        if not self.due_problem:
            self.saved_due = value
            self.editor.session.edit_plan_item(self.priority.id, self.kind, self.id, due_date=value)
        self.checked()

    def checked(self) -> None:
        action = self.priority.item(self.kind, self.id)
        problems = [self.due_problem] if self.due_problem else []
        if action is not None:
            problems += action_problems(action)
        self.message.value = field_error(" ".join(problems))

    def show(self, action: Action) -> None:
        self.what.value, self.owner.value = action.what, action.owner
        self.due.value = self.saved_due = action.due_date
        self.status.value, self.link.value = action.status, action.link
        self.measure.value = action.success_measure
        self.due_problem = ""
        self.checked()


class MilestoneRow(_Row):
    kind, thing = "milestones", "milestone"

    def __init__(self, priority: PriorityEditor, milestone: Milestone) -> None:
        super().__init__(priority, milestone.id)
        self.what = self.first = text_area(milestone.what, "Milestone")
        self.due = w.DatePicker(value=milestone.due_date, description="By", style=_SMALL)
        self.done = w.Checkbox(value=milestone.done, description="Reached", indent=False)
        for widget, field in ((self.what, "what"), (self.due, "due_date"), (self.done, "done")):
            self.edit(widget, field)
        self.widget = w.HBox([self.what, self.due, self.done, self.remove])

    def show(self, milestone: Milestone) -> None:
        self.what.value, self.due.value = milestone.what, milestone.due_date
        self.done.value = milestone.done


class KPIRow(_Row):
    kind, thing = "kpis", "KPI"
    FIELDS = ("baseline", "target", "current")

    def __init__(self, priority: PriorityEditor, kpi: KPI) -> None:
        super().__init__(priority, kpi.id)
        self.bad: set[str] = set()
        self.name = self.first = w.Text(
            kpi.name,
            description="KPI",
            continuous_update=True,
            style=_SMALL,
            layout=w.Layout(width="420px"),
        )
        self.unit = w.Text(
            kpi.unit,
            description="Unit",
            placeholder="%",
            continuous_update=True,
            style={"description_width": "40px"},
            layout=w.Layout(width="140px"),
        )
        self.numbers = {
            name: w.Text(
                "" if getattr(kpi, name) is None else f"{getattr(kpi, name):g}",
                description=name.capitalize(),
                continuous_update=True,
                style={"description_width": "60px"},
                layout=w.Layout(width="150px"),
            )
            for name in self.FIELDS
        }
        self.edit(self.name, "name")
        self.edit(self.unit, "unit")
        for name, box in self.numbers.items():
            self.editor.on_edit(box, partial(self._number, name))
        self.widget = w.VBox(
            [
                w.HBox([self.name, self.unit, self.remove]),
                w.HBox(list(self.numbers.values())),
                self.message,
            ]
        )
        self.widget.add_class("cr-kpi")

    def _number(self, name: str, text: str) -> None:
        try:
            value = parse_number(text)
        except ValueError:
            self.bad.add(name)
        else:
            self.bad.discard(name)
            self.editor.session.edit_plan_item(
                self.priority.id, self.kind, self.id, **{name: value}
            )
        self.checked()

    def checked(self) -> None:
        bad = [name for name in self.FIELDS if name in self.bad]
        self.message.value = field_error(
            f"The {' and '.join(bad)} must be a number; not saved until it is." if bad else ""
        )

    def show(self, kpi: KPI) -> None:
        self.name.value, self.unit.value = kpi.name, kpi.unit
        for name, box in self.numbers.items():
            value = getattr(kpi, name)
            try:
                same = parse_number(box.value) == value  # "95." being typed stays as typed
            except ValueError:
                same = False  # not a number: the stored value is shown instead
            if not same:
                box.value = "" if value is None else f"{value:g}"
                self.bad.discard(name)
        self.checked()


_ROWS: dict[str, Callable[..., _Row]] = {
    "actions": lambda p, item: ActionRow(p, item, item.id in p.editor.new_actions),
    "milestones": MilestoneRow,
    "kpis": KPIRow,
}


class PriorityEditor:
    """One priority: its title, source and objectives, then its actions, milestones, KPIs."""

    def __init__(self, editor: PlanEditor, priority: Priority) -> None:
        self.editor, self.id = editor, priority.id
        session = editor.session
        self.title = w.Text(
            priority.title,
            description="Priority",
            continuous_update=True,
            style=_SMALL,
            layout=w.Layout(width="620px"),
        )
        self.link = w.Dropdown(
            options=editor.links,
            value=priority.link,
            description="From",
            style=_SMALL,
            layout=w.Layout(width="620px"),
        )
        self.objectives = w.Textarea(
            "\n".join(o.text for o in priority.objectives),
            description="Objectives",
            placeholder="One measurable, pupil-centred objective a line",
            continuous_update=True,
            style=_SMALL,
            layout=w.Layout(width="95%", height="80px"),
        )
        editor.on_edit(self.title, lambda v: session.edit_priority(self.id, title=v))
        editor.on_edit(self.link, lambda v: session.edit_priority(self.id, link=v))
        editor.on_edit(self.objectives, lambda v: session.set_objectives(self.id, lines(v)))
        self.rows: dict[str, list[_Row]] = {
            kind: [_ROWS[kind](self, item) for item in getattr(priority, kind)] for kind in _ROWS
        }
        self.lists = {kind: w.VBox() for kind in _ROWS}
        # Where the offer to undo a removal from each list shows (the page has one offer).
        self.undo_slots = {kind: w.VBox() for kind in _ROWS}
        self.add = {
            "actions": w.Button(description="Add action"),
            "milestones": w.Button(description="Add milestone"),
            "kpis": w.Button(description="Add KPI"),
        }
        for kind, button in self.add.items():
            button.on_click(lambda _, k=kind: self.add_item(k))
        self.remove = remove_button("this priority", "Remove this priority")
        self.remove.layout.align_self = "flex-start"  # as wide as its words, not the box
        self.remove.on_click(lambda _: editor.remove_priority(self))
        self.notices = NoticesView(
            session, lambda path: path[:3] == ("plan", "priorities", self.id)
        )
        for kind in _ROWS:
            self._show(kind)
        self.name = w.HTML()
        self.title.observe(lambda _: self._name(), names="value")
        self._name()
        self.parts = self._parts()
        self.widget = w.VBox(
            [
                self.title,
                self.link,
                self.objectives,
                *self._measures("actions", "Actions"),
                *self._measures("milestones", "Milestones"),
                *self._measures("kpis", "Key performance indicators"),
                self.remove,
                self.notices.widget,
            ],
            layout=w.Layout(**_BOX),
        )
        self.widget.add_class("cr-priority")

    @property
    def actions(self) -> list[_Row]:
        return self.rows["actions"]

    @property
    def milestones(self) -> list[_Row]:
        return self.rows["milestones"]

    @property
    def kpis(self) -> list[_Row]:
        return self.rows["kpis"]

    def _measures(self, kind: str, heading: str) -> list[w.Widget]:
        return [
            w.HTML(f"<h4>{escape(heading)}</h4>"),
            self.lists[kind],
            self.undo_slots[kind],
            self.add[kind],
        ]

    def _parts(self) -> dict[str, w.VBox]:
        """The priority a part at a time, for a page that shows the plan in steps."""
        parts = {
            "objectives": w.VBox(
                [self.title, self.link, self.objectives, self.remove, self.notices.widget]
            ),
            "actions": w.VBox(
                [
                    self.name,
                    self.lists["actions"],
                    self.undo_slots["actions"],
                    self.add["actions"],
                ]
            ),
            "measures": w.VBox(
                [
                    self.name,
                    *self._measures("milestones", "Milestones"),
                    *self._measures("kpis", "Key performance indicators"),
                ]
            ),
        }
        for name, part in parts.items():
            part.layout = w.Layout(**_BOX)
            part.add_class("cr-priority")
            part.add_class(f"cr-priority-{name}")
        return parts

    def _name(self) -> None:
        self.name.value = f"<h3>{escape(self.title.value or 'A priority without a title')}</h3>"

    def _show(self, kind: str) -> None:
        self.lists[kind].children = [row.widget for row in self.rows[kind]]

    def item(self, kind: str, item_id: str) -> Any:
        """An item of this priority as the session holds it."""
        for priority in self.editor.session.review.plan.priorities:
            if priority.id == self.id:
                return next((i for i in getattr(priority, kind) if i.id == item_id), None)
        return None

    def add_item(self, kind: str) -> None:
        item_id = self.editor.session.add_plan_item(self.id, kind)
        if kind == "actions":
            self.editor.new_actions.add(item_id)
        self.editor.refresh()

    def remove_item(self, kind: str, item_id: str) -> None:
        """Remove at once, and offer it back for a few seconds."""
        removed = self.editor.session.remove_plan_item(self.id, kind, item_id)
        self.editor.refresh()
        self.editor.offer_undo(removed, self.undo_slots[kind])

    def row(self, kind: str, item_id: str) -> _Row | None:
        return next((row for row in self.rows[kind] if row.id == item_id), None)

    def show(self, priority: Priority) -> None:
        """Redraw from the session, keeping each row (and the box being typed in) in place."""
        self.title.value, self.link.value = priority.title, priority.link
        if lines(self.objectives.value) != [o.text for o in priority.objectives]:
            self.objectives.value = "\n".join(o.text for o in priority.objectives)
        for kind, make in _ROWS.items():
            rows = {row.id: row for row in self.rows[kind]}
            shown = []
            for item in getattr(priority, kind):
                row = rows.get(item.id)
                if row is None:
                    row = make(self, item)
                else:
                    row.show(item)
                shown.append(row)
            if [r.id for r in shown] != [r.id for r in self.rows[kind]]:
                self.rows[kind] = shown
                self._show(kind)
