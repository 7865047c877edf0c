"""The history a page shows: saved versions grouped by sitting, who made each and what it
changed, and what restoring one would do. No widgets: `HistoryView` draws this.

A sitting is one page session's run of saves (the store folds quick saves into one revision;
a long sitting may span a few). Each is said as "Tuesday 1 December 2026, 10:02–10:41 ·
Jane Smith (Careers Leader) · Strategic planning: level 2 → 3, evidence edited".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..changes import describe_changes, summarise
from ..errors import StoreError
from ..model import Review, School
from ..store_revisions import Revision
from .person import who

if TYPE_CHECKING:
    from ..content import Framework
    from ..store import Store
    from ..store_revisions import Kind

__all__ = [
    "History",
    "LevelShown",
    "Preview",
    "Sitting",
    "group_sittings",
    "span",
]

_UNREADABLE = "this version cannot be read back"


def group_sittings(revisions: Sequence[Revision]) -> list[list[Revision]]:
    """Revisions (oldest first) in runs of one sitting, oldest first: neighbours saved by the
    same page session under the same name. A revision saved outside a page (an import, a
    restore, one from before sittings were kept) is a sitting of its own."""
    groups: list[list[Revision]] = []
    for revision in revisions:
        last = groups[-1][-1] if groups else None
        if (
            last is not None
            and revision.sitting
            and revision.sitting == last.sitting
            and revision.author == last.author
        ):
            groups[-1].append(revision)
        else:
            groups.append([revision])
    return groups


def _day(moment: datetime) -> str:
    return f"{moment:%A} {moment.day} {moment:%B %Y}"


def span(began: datetime, ended: datetime) -> str:
    """When a sitting was, in the page's local time: "Tuesday 1 December 2026, 10:02–10:41"."""
    start, end = began.astimezone(), ended.astimezone()
    if start.date() != end.date():
        return f"{_day(start)}, {start:%H:%M} to {_day(end)}, {end:%H:%M}"
    if f"{start:%H:%M}" == f"{end:%H:%M}":
        return f"{_day(start)}, {start:%H:%M}"
    return f"{_day(start)}, {start:%H:%M}–{end:%H:%M}"


@dataclass(frozen=True)
class Sitting:
    """One sitting as the history lists it; `number` is its newest revision, the one a
    restore brings back."""

    numbers: tuple[int, ...]
    began: datetime
    ended: datetime
    who: str
    changes: tuple[str, ...]

    @property
    def number(self) -> int:
        return self.numbers[-1]

    @property
    def when(self) -> str:
        return span(self.began, self.ended)

    @property
    def what(self) -> str:
        return summarise(self.changes)

    @property
    def line(self) -> str:
        return f"{self.when} · {self.who} · {self.what}"

    @property
    def label(self) -> str:
        """The short form the chooser lists: when, and who."""
        start = self.began.astimezone()
        end = self.ended.astimezone()
        day = f"{start:%a} {start.day} {start:%b %Y}"
        hours = f"{start:%H:%M}" + (f"–{end:%H:%M}" if f"{end:%H:%M}" != f"{start:%H:%M}" else "")
        return f"{day}, {hours} · {self.who}"


@dataclass(frozen=True)
class LevelShown:
    """One theme's agreed level in a previewed version, beside today's."""

    theme: str
    then: str
    now: str

    @property
    def differs(self) -> bool:
        return self.then != self.now


@dataclass(frozen=True)
class Preview:
    """What a version holds and what restoring it would change, compared with now."""

    sitting: Sitting
    levels: tuple[LevelShown, ...]
    restoring: tuple[str, ...]  # what a restore would change, in `describe_changes` words
    readable: bool = True


class History:
    """A document's history as a page shows it, reading each revision once (a sitting's
    open revision is read again when it has moved on)."""

    def __init__(self, store: Store, kind: Kind, key: str, framework: Framework) -> None:
        self.store, self.kind, self.key, self.framework = store, kind, key, framework
        self._read: dict[int, tuple[datetime, Review | School | None]] = {}
        self._said: dict[tuple, tuple[str, ...]] = {}

    def document(self, revision: Revision) -> Review | School | None:
        """One revision's content; None when it cannot be read back."""
        cached = self._read.get(revision.number)
        if cached is not None and cached[0] == revision.saved_at:
            return cached[1]
        found: Review | School | None
        try:
            if self.kind == "review":
                found = self.store.review(self.key, revision.number)
            else:
                found = self.store.school(self.key, revision.number)
        except StoreError:
            found = None
        self._read[revision.number] = (revision.saved_at, found)
        return found

    def sittings(self, revisions: Sequence[Revision] | None = None) -> list[Sitting]:
        """Every sitting, newest first, each with what it changed from the one before."""
        if revisions is None:
            revisions = self.store.revisions(self.kind, self.key)
        by_number = {r.number: r for r in revisions}
        found = []
        for group in group_sittings(revisions):
            before_revision = by_number.get(group[0].number - 1)
            changes = self._changes(before_revision, group[-1])
            found.append(
                Sitting(
                    tuple(r.number for r in group),
                    group[0].began,
                    group[-1].saved_at,
                    who(group[-1].author),
                    changes,
                )
            )
        return found[::-1]

    def _changes(self, before: Revision | None, after: Revision) -> tuple[str, ...]:
        """What `after` changed from `before`, worked out once for each pair of saves."""
        key = (
            (before.number, before.saved_at) if before else None,
            (after.number, after.saved_at),
        )
        if key not in self._said:
            then = self.document(before) if before else None
            now = self.document(after)
            self._said[key] = (
                (_UNREADABLE,)
                if now is None
                else tuple(describe_changes(then, now, self.framework))
            )
        return self._said[key]

    def preview(self, sitting: Sitting, now: Any) -> Preview:
        """What `sitting`'s newest revision holds, and what restoring it would change in
        `now` (the document as the page has it)."""
        revision = next(
            (r for r in self.store.revisions(self.kind, self.key) if r.number == sitting.number),
            None,
        )
        then = self.document(revision) if revision is not None else None
        if then is None:
            return Preview(sitting, (), (), readable=False)
        levels: tuple[LevelShown, ...] = ()
        if isinstance(then, Review) and isinstance(now, Review):
            levels = tuple(
                LevelShown(t.name, self._level(then, t.id), self._level(now, t.id))
                for t in self.framework.themes
            )
        return Preview(sitting, levels, tuple(describe_changes(now, then, self.framework)))

    def _level(self, review: Review, theme_id: str) -> str:
        level = review.rating(theme_id).level
        if level is None:
            return "not agreed"
        try:
            return f"{level} {self.framework.maturity_model.level(level).name}"
        except IndexError:
            return str(level)
