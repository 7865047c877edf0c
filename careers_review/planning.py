"""The strategic careers plan: its items, and the rules for editing it.

The plan pages edit the plan through these functions (each returns a new plan), so that what
a page allows, such as a due date in the past or a KPI that is not a number, is decided here
once and tested without a browser.
"""

from __future__ import annotations

from datetime import date
from difflib import SequenceMatcher
from typing import Any

from pydantic import Field, model_validator

from .documents import SAFE_KEY, ActionStatus, Document, Link, fill_ids, item_id, with_ids

__all__ = [
    "KPI",
    "NO_OWNER",
    "PAST_DUE",
    "PLAN_ITEMS",
    "Action",
    "Milestone",
    "Objective",
    "Outcome",
    "Plan",
    "Priority",
    "action_problems",
    "add_item",
    "add_priority",
    "due_date_problem",
    "edit_item",
    "edit_plan",
    "edit_priority",
    "lines",
    "parse_number",
    "put_back",
    "remove_item",
    "remove_priority",
    "restore_item",
    "restore_priority",
    "set_objectives",
    "set_outcomes",
    "texts_to_items",
]


class Objective(Document):
    id: str = item_id("objective")
    text: str = ""


class Outcome(Document):
    """One careers learning outcome for a year group."""

    id: str = item_id("outcome")
    text: str = ""


def texts_to_items(items: list[Any], texts: list[str], make: type) -> list[Any]:
    """Lines typed in one box (objectives, learning outcomes) as items: a line kept, or
    edited where it stood, keeps its item's id, so that a merge with another page sees an
    edit rather than one item removed and another added."""
    old = [item.text for item in items]
    result: list[Any] = []
    matcher = SequenceMatcher(a=old, b=texts, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            result += items[i1:i2]
        elif tag in ("replace", "insert"):
            reused = items[i1:i2] if tag == "replace" else []
            for offset, text in enumerate(texts[j1:j2]):
                if offset < len(reused):
                    result.append(reused[offset].model_copy(update={"text": text}))
                else:
                    result.append(make(text=text))
    return result


class Action(Document):
    id: str = item_id("action")
    what: str = ""
    link: Link = ""
    owner: str = ""
    due_date: date | None = None
    status: ActionStatus = "not_started"
    success_measure: str = ""


class Milestone(Document):
    id: str = item_id("milestone")
    what: str = ""
    due_date: date | None = None
    done: bool = False


class KPI(Document):
    id: str = item_id("kpi")
    name: str = ""
    unit: str = ""
    baseline: float | None = None
    target: float | None = None
    current: float | None = None


class Priority(Document):
    id: str = item_id("priority")
    title: str = ""
    link: Link = ""
    objectives: list[Objective] = Field(default_factory=list)
    actions: list[Action] = Field(default_factory=list)
    milestones: list[Milestone] = Field(default_factory=list)
    kpis: list[KPI] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _ids(cls, data: Any) -> Any:
        return fill_ids(data, {"objectives": "o", "milestones": "m", "kpis": "k"})


class Plan(Document):
    """The strategic careers plan: where the school wants to be and how it will get there."""

    vision: str = ""
    intent: str = ""
    priorities: list[Priority] = Field(default_factory=list)
    learning_outcomes: dict[str, list[Outcome]] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _ids(cls, data: Any) -> Any:
        outcomes = data.get("learning_outcomes") if isinstance(data, dict) else None
        if isinstance(outcomes, dict):
            data = {
                **data,
                "learning_outcomes": {
                    year: with_ids(items, f"y{year}-" if SAFE_KEY.match(year) else "y")
                    for year, items in outcomes.items()
                },
            }
        return data


# -- the rules of editing a plan ---------------------------------------------------------

#: The lists each priority holds, and the type of their items.
PLAN_ITEMS: dict[str, type[Action] | type[Milestone] | type[KPI]] = {
    "actions": Action,
    "milestones": Milestone,
    "kpis": KPI,
}
PAST_DUE = "The due date is in the past: choose a date from today on."
NO_OWNER = "Every action needs an owner."


def lines(text: str) -> list[str]:
    """The lines of a box that holds one item a line, blank ones dropped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def parse_number(text: str) -> float | None:
    """A number as typed in a KPI box: '1,200', '95%' and '' (none) are understood;
    anything else raises ValueError."""
    text = text.replace(",", "").replace("%", "").strip()
    return float(text) if text else None


def due_date_problem(due: date | None, today: date, *, saved: date | None, new: bool) -> str:
    """Why a due date cannot be taken: a new action may not be due in the past (an action
    carried over from an earlier plan keeps the date it had)."""
    if new and due is not None and due < today and due != saved:
        return PAST_DUE
    return ""


def action_problems(action: Action) -> list[str]:
    """What a careers leader should fix in an action that is saved anyway."""
    return [NO_OWNER] if action.what.strip() and not action.owner.strip() else []


def _priorities(plan: Plan, priority_id: str, change: Any) -> Plan:
    found = [p for p in plan.priorities if p.id == priority_id]
    if not found:
        raise KeyError(f"the plan has no priority {priority_id!r}")
    updated = [change(p) if p.id == priority_id else p for p in plan.priorities]
    return plan.model_copy(update={"priorities": [p for p in updated if p is not None]})


def edit_plan(plan: Plan, **fields: Any) -> Plan:
    """The vision or the intent changed."""
    return Plan.model_validate({**plan.model_dump(), **fields})


def add_priority(plan: Plan, title: str = "", link: str = "") -> tuple[Plan, str]:
    priority = Priority(title=title, link=link)
    return plan.model_copy(update={"priorities": [*plan.priorities, priority]}), priority.id


def remove_priority(plan: Plan, priority_id: str) -> Plan:
    return _priorities(plan, priority_id, lambda _: None)


def edit_priority(plan: Plan, priority_id: str, **fields: Any) -> Plan:
    """A priority's title or link changed."""
    return _priorities(
        plan, priority_id, lambda p: Priority.model_validate({**p.model_dump(), **fields})
    )


def set_objectives(plan: Plan, priority_id: str, texts: list[str]) -> Plan:
    """The objectives box, one a line; lines kept or edited keep their ids."""
    return _priorities(
        plan,
        priority_id,
        lambda p: p.model_copy(
            update={"objectives": texts_to_items(p.objectives, texts, Objective)}
        ),
    )


def add_item(plan: Plan, priority_id: str, kind: str) -> tuple[Plan, str]:
    """A new, empty action, milestone or KPI at the end of a priority's list."""
    item = PLAN_ITEMS[kind]()
    plan = _priorities(
        plan, priority_id, lambda p: p.model_copy(update={kind: [*getattr(p, kind), item]})
    )
    return plan, item.id


def edit_item(plan: Plan, priority_id: str, kind: str, item_id: str, **fields: Any) -> Plan:
    make = PLAN_ITEMS[kind]

    def change(priority: Priority) -> Priority:
        items = getattr(priority, kind)
        if not any(i.id == item_id for i in items):
            raise KeyError(f"priority {priority_id!r} has no item {item_id!r} in {kind}")
        edited = [
            make.model_validate({**i.model_dump(), **fields}) if i.id == item_id else i
            for i in items
        ]
        return priority.model_copy(update={kind: edited})

    return _priorities(plan, priority_id, change)


def remove_item(plan: Plan, priority_id: str, kind: str, item_id: str) -> Plan:
    return _priorities(
        plan,
        priority_id,
        lambda p: p.model_copy(update={kind: [i for i in getattr(p, kind) if i.id != item_id]}),
    )


def put_back(items: list[Any], item: Any, index: int, after: str | None) -> list[Any]:
    """`items` with a removed `item` back where it was: after the item it followed (`after`,
    None when it was first), else at its old `index`. An item with its id already there
    (kept by another page that changed it meanwhile) stays as it is: that is the newer text."""
    if any(i.id == item.id for i in items):
        return list(items)
    ids = [i.id for i in items]
    if after is None:
        at = 0
    elif after in ids:
        at = ids.index(after) + 1
    else:
        at = min(index, len(items))
    return [*items[:at], item, *items[at:]]


def restore_priority(plan: Plan, priority: Priority, index: int, after: str | None) -> Plan:
    """A removed priority back, with everything it held and its id."""
    return plan.model_copy(update={"priorities": put_back(plan.priorities, priority, index, after)})


def restore_item(
    plan: Plan, priority_id: str, kind: str, item: Any, index: int, after: str | None
) -> Plan:
    """A removed action, milestone or KPI back in its priority (KeyError when the priority
    itself is gone)."""
    return _priorities(
        plan,
        priority_id,
        lambda p: p.model_copy(update={kind: put_back(getattr(p, kind), item, index, after)}),
    )


def set_outcomes(plan: Plan, year: str, texts: list[str]) -> Plan:
    """One year group's learning outcomes, one a line; a year left empty is dropped."""
    outcomes = dict(plan.learning_outcomes)
    items = texts_to_items(outcomes.get(year, []), texts, Outcome)
    if items:
        outcomes[year] = items
    else:
        outcomes.pop(year, None)
    return plan.model_copy(update={"learning_outcomes": outcomes})
