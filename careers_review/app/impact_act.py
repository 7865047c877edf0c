"""The impact page's last step: the actions the evidence suggests, each with a tick and the
plan priority it would go under, added to the strategic careers plan through the session.

An action already in the plan is shown as such and never added twice; actions with no fitting
priority go under one new priority named for the impact evaluation.
"""

from __future__ import annotations

import hashlib
from html import escape

import ipywidgets as w

from ..impact_review import problem
from ..model import Action, Plan, Priority
from ..sections import PLAIN_TEXT, paragraph
from .common import View, section
from .review_session import ReviewSession

__all__ = ["NEW_PRIORITY", "NEW_PRIORITY_TITLE", "ActView", "ProposalRow"]

#: Dropdown value for "put the action under a new priority" (not a valid priority id).
NEW_PRIORITY = "+new"
NEW_PRIORITY_TITLE = "Impact evaluation"


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
