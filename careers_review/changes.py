"""What changed between two saved versions of a document, in a few short phrases.

The history shows these beside each sitting ("Strategic planning: level 2 → 3, evidence
edited"), and a preview says what restoring a version would change. Pure: two documents and
the framework in, a list of phrases out, so it is tested without a store or a page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .model import Participant, Review, School, ThemeRating
from .planning import Plan, Priority

if TYPE_CHECKING:
    from .content import Framework

__all__ = ["NOTHING_CHANGED", "describe_changes", "summarise"]

#: What a version that changed nothing (a save of the same content) is said to have done.
NOTHING_CHANGED = "nothing changed"

_FOCUS = {"strength": "now a strength", "priority": "now a priority"}
_GATSBY = {"achieved": "achieved", "in_progress": "in progress", "not_started": "not started"}
_TRAINED = {"yes": "trained", "in_training": "in training", "no": "not trained"}
#: School profile fields as the start page names them.
_SCHOOL_FIELDS = {
    "name": "school name",
    "urn": "URN",
    "school_type": "type",
    "age_range": "age range",
    "sixth_form": "sixth form",
    "special": "special school",
    "local_authority": "local authority",
    "headteacher": "headteacher",
    "link_governor": "link governor",
    "slt_link": "senior leader for careers",
    "leadership_structure": "leadership structure",
    "pupils": "number of pupils",
    "website": "website",
}
_CONTACT = {
    "name": "Careers Leader",
    "email": "Careers Leader email",
    "phone": "Careers Leader phone",
}


def describe_changes(
    before: Review | School | None, after: Review | School, framework: Framework
) -> list[str]:
    """Short phrases for what `after` changed from `before`, in the order the pages show
    those things; an empty list when nothing changed. With no `before` (a first version)
    they say what it holds: "review started; 7 people taking part; 5 of 5 themes agreed"."""
    if isinstance(after, School):
        return _school(before if isinstance(before, School) else None, after)
    earlier = before if isinstance(before, Review) else None
    if earlier is None:
        return _started(after, framework)
    said: list[str] = []
    if earlier.review_date != after.review_date:
        said.append(f"review date {_day(after.review_date)}")
    said += _participants(earlier.participants, after.participants, framework)
    said += _themes(earlier, after, framework)
    said += _foundations(earlier, after, framework)
    said += _gatsby(earlier.gatsby, after.gatsby)
    said += _plan(earlier.plan, after.plan)
    return said


def _started(review: Review, framework: Framework) -> list[str]:
    """A first version, said by what it holds rather than field by field."""
    agreed = sum(1 for t in framework.themes if review.rating(t.id).level is not None)
    people = len(review.participants)
    priorities = len(review.plan.priorities)
    held = [
        f"{people} {'person' if people == 1 else 'people'} taking part" if people else "",
        f"{agreed} of {len(framework.themes)} themes agreed" if agreed else "",
        f"{priorities} plan {'priority' if priorities == 1 else 'priorities'}"
        if priorities
        else "",
    ]
    return ["review started", *(h for h in held if h)]


def summarise(changes: Sequence[str], limit: int = 5) -> str:
    """The phrases as one line, the first `limit` of them and how many more."""
    if not changes:
        return NOTHING_CHANGED
    shown = "; ".join(changes[:limit])
    rest = len(changes) - limit
    return f"{shown}; and {rest} more" if rest > 0 else shown


# -- the parts of a review ---------------------------------------------------------------


def _day(value: Any) -> str:
    return f"{value.day} {value:%B %Y}"


def _text(what: str, old: str, new: str) -> str | None:
    if old == new:
        return None
    if not old.strip():
        return f"{what} written"
    if not new.strip():
        return f"{what} cleared"
    return f"{what} edited"


def _names(items: Iterable[str]) -> str:
    return ", ".join(items)


def _person(participant: Participant) -> str:
    return participant.name.strip() or "someone unnamed"


def _participants(
    old: list[Participant], new: list[Participant], framework: Framework
) -> list[str]:
    was = {p.id: p for p in old}
    now = {p.id: p for p in new}
    added = [_person(p) for p in new if p.id not in was]
    removed = [_person(p) for p in old if p.id not in now]
    edited = [_person(p) for p in new if p.id in was and was[p.id] != p]
    said = []
    if added:
        said.append(f"{_plural(len(added), 'participant')} added: {_names(added)}")
    if removed:
        said.append(f"{_plural(len(removed), 'participant')} removed: {_names(removed)}")
    if edited:
        said.append(f"{_plural(len(edited), 'participant')} edited: {_names(edited)}")
    return said


def _plural(count: int, word: str) -> str:
    """'action' for one, '3 actions' for more ('priorities', not 'prioritys')."""
    if count == 1:
        return word
    return f"{count} {word[:-1] + 'ies' if word.endswith('y') else word + 's'}"


def _themes(old: Review, new: Review, framework: Framework) -> list[str]:
    names = {t.id: t.name for t in framework.themes}
    order = [t.id for t in framework.themes]
    order += sorted((set(old.ratings) | set(new.ratings)) - set(order))
    said = []
    for theme_id in order:
        parts = _rating(old.rating(theme_id), new.rating(theme_id))
        if parts:
            said.append(f"{names.get(theme_id, theme_id)}: {', '.join(parts)}")
    return said


def _rating(old: ThemeRating, new: ThemeRating) -> list[str]:
    parts = []
    if old.level != new.level:
        if old.level is None:
            parts.append(f"level {new.level} agreed")
        elif new.level is None:
            parts.append(f"level {old.level} → not agreed")
        else:
            parts.append(f"level {old.level} → {new.level}")
    for what in ("evidence", "notes"):
        said = _text(what, getattr(old, what), getattr(new, what))
        if said:
            parts.append(said)
    if old.focus != new.focus:
        parts.append(_FOCUS.get(new.focus, f"no longer a {old.focus}"))
    return parts


def _foundations(old: Review, new: Review, framework: Framework) -> list[str]:
    was, now = old.foundations, new.foundations
    said = []
    responsibilities = _changed_keys(was.responsibilities, now.responsibilities)
    if responsibilities:
        count = len(responsibilities)
        said.append(f"Careers Leader role: {_plural(count, 'responsibility')} updated")
    roles = {r.id: r.name for r in framework.key_roles}
    held = _changed_keys(was.role_holders, now.role_holders)
    if held:
        said.append(f"key roles: {_names(roles.get(r, r) for r in held)}")
    manager = _text("senior line manager", was.senior_line_manager, now.senior_line_manager)
    if manager:
        said.append(manager)
    if was.protected_hours != now.protected_hours:
        said.append(
            f"protected hours {_number(was.protected_hours)} → {_number(now.protected_hours)}"
        )
    if was.budget != now.budget:
        said.append(f"budget {_number(was.budget)} → {_number(now.budget)}")
    if was.trained != now.trained:
        said.append(f"Careers Leader {_TRAINED.get(now.trained, 'training not said')}")
    duties = {d.id: d.title for d in framework.statutory.duties}
    changed = _changed_keys(was.duties, now.duties)
    if changed:
        said.append(
            f"statutory duties: {_names(duties.get(d, d) for d in changed[:2])}"
            + (f" and {len(changed) - 2} more" if len(changed) > 2 else "")
        )
    if was.encounters != now.encounters:
        said.append("provider encounters counted")
    return said


def _number(value: float | None) -> str:
    return "none" if value is None else f"{value:g}"


def _changed_keys(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    return [key for key in {**old, **new} if old.get(key) != new.get(key)]


def _gatsby(old: Mapping[str, str], new: Mapping[str, str]) -> list[str]:
    changed = _changed_keys(old, new)
    assessed = sum(1 for c in changed if not old.get(c) and new.get(c))
    cleared = sum(1 for c in changed if old.get(c) and not new.get(c))
    moved = len(changed) - assessed - cleared
    parts = []
    if assessed:
        parts.append(f"{assessed} assessed")
    if moved:
        parts.append(f"{moved} changed")
    if cleared:
        parts.append(f"{cleared} no longer assessed")
    if not parts:
        return []
    if len(changed) == 1:
        only = changed[0]
        return [f"Gatsby criterion {only}: {_GATSBY.get(new.get(only, ''), 'not assessed')}"]
    return [f"Gatsby criteria: {', '.join(parts)}"]


# -- the plan ----------------------------------------------------------------------------

_ITEM_WORDS = {"actions": "action", "milestones": "milestone", "kpis": "KPI"}


def _title(priority: Priority) -> str:
    title = " ".join(priority.title.split())
    if not title:
        return "an untitled priority"
    return f"“{title if len(title) <= 40 else title[:39] + '…'}”"


def _plan(old: Plan, new: Plan) -> list[str]:
    said = [
        s
        for s in (
            _text("plan vision", old.vision, new.vision),
            _text("plan intent", old.intent, new.intent),
        )
        if s
    ]
    was = {p.id: p for p in old.priorities}
    now = {p.id: p for p in new.priorities}
    added = [_title(p) for p in new.priorities if p.id not in was]
    removed = [_title(p) for p in old.priorities if p.id not in now]
    if added:
        said.append(f"{_plural(len(added), 'priority')} added: {_names(added)}")
    if removed:
        said.append(f"{_plural(len(removed), 'priority')} removed: {_names(removed)}")
    for priority in new.priorities:
        earlier = was.get(priority.id)
        if earlier is not None and earlier != priority:
            said += _priority(earlier, priority)
    years = sorted(
        _changed_keys(old.learning_outcomes, new.learning_outcomes),
        key=lambda y: (not y.isdigit(), y.zfill(3)),
    )
    if years:
        said.append(
            "learning outcomes: " + _names(f"Year {y}" if y.isdigit() else y for y in years)
        )
    return said


def _priority(old: Priority, new: Priority) -> list[str]:
    where = _title(new)
    said = []
    if old.title != new.title:
        said.append(f"priority {_title(old)} renamed {where}")
    if old.link != new.link:
        said.append(f"priority {where}: now linked to {new.link or 'nothing'}")
    if old.objectives != new.objectives:
        said.append(f"priority {where}: objectives edited")
    for kind, word in _ITEM_WORDS.items():
        said += _items(getattr(old, kind), getattr(new, kind), word, where)
    return said


def _items(old: list[Any], new: list[Any], word: str, where: str) -> list[str]:
    was = {i.id: i for i in old}
    now = {i.id for i in new}
    counts: list[tuple[int, Callable[[str], str]]] = [
        (sum(1 for i in new if i.id not in was), lambda w: f"{w} added to {where}"),
        (sum(1 for i in old if i.id not in now), lambda w: f"{w} removed from {where}"),
        (
            sum(1 for i in new if i.id in was and was[i.id] != i),
            lambda w: f"{w} edited in {where}",
        ),
    ]
    return [say(_plural(count, word)) for count, say in counts if count]


# -- a school's profile ------------------------------------------------------------------


def _school(before: School | None, after: School) -> list[str]:
    if before is None:
        return ["profile started"]
    changed = [
        label
        for field, label in _SCHOOL_FIELDS.items()
        if getattr(before, field) != getattr(after, field)
    ]
    changed += [
        label
        for field, label in _CONTACT.items()
        if getattr(before.careers_leader, field) != getattr(after.careers_leader, field)
    ]
    return [f"profile: {_names(changed)} edited"] if changed else []
