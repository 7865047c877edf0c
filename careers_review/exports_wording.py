"""The words a plan file is written in: what Excel and Word both say, so the two read alike.

Links become names ('Theme: Leaders' vision'), statuses and dates read as a person writes them,
and year groups come in school order, whichever file a governor or careers leader opens.
"""

from __future__ import annotations

import re
from datetime import date

from .content import Framework
from .model import Outcome, Priority, Review

__all__ = [
    "NOT_XML",
    "NO_PRIORITIES",
    "STATUS_LABELS",
    "counts",
    "link_label",
    "long_date",
    "plain_number",
    "priority_name",
    "year_groups",
    "year_label",
]

STATUS_LABELS = {
    "not_started": "Not started",
    "in_progress": "In progress",
    "done": "Done",
    "dropped": "Dropped",
}
NO_PRIORITIES = "No priorities yet"

_MONTHS = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)
#: Characters XML 1.0 cannot carry: C0 controls except tab, LF and CR; lone surrogates; two
#: non-characters.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def link_label(link: str, framework: Framework) -> str:
    """A plan link in words ('Theme: Leaders' vision'), so nobody has to decode an id."""
    kind, _, ref = link.partition(":")
    if kind == "theme":
        try:
            return f"Theme: {framework.maturity_model.theme(ref).name}"
        except KeyError:
            return f"Theme: {ref.replace('_', ' ').capitalize()}"
    if kind == "benchmark":
        try:
            return f"Benchmark {ref}: {framework.benchmark(int(ref)).name}"
        except KeyError:
            return f"Benchmark {ref}"
    return ""


def long_date(day: date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def priority_name(priority: Priority, number: int) -> str:
    return priority.title if priority.title.strip() else f"Priority {number} (untitled)"


def year_groups(outcomes: dict[str, list[Outcome]]) -> list[tuple[str, list[str]]]:
    """Year groups in school order (7, 8, ... 13), then any named groups as entered."""
    keys = list(outcomes)
    ordered = sorted(keys, key=lambda k: (0, int(k), 0) if k.isdigit() else (1, 0, keys.index(k)))
    return [(key, [outcome.text for outcome in outcomes[key]]) for key in ordered]


def year_label(key: str) -> str:
    return f"Year {int(key)}" if key.isdigit() else key


def plain_number(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def counts(review: Review) -> str:
    priorities = review.plan.priorities
    if not priorities:
        return f"{NO_PRIORITIES}: add them to the strategic careers plan, then export again."
    parts = [
        (len(priorities), "priority", "priorities"),
        (sum(len(p.actions) for p in priorities), "action", "actions"),
        (sum(len(p.milestones) for p in priorities), "milestone", "milestones"),
        (sum(len(p.kpis) for p in priorities), "KPI", "KPIs"),
    ]
    return ", ".join(f"{n} {one if n == 1 else many}" for n, one, many in parts)
