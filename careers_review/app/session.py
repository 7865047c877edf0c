"""State of an open document in one page, and the autosave that keeps it in the store.

No widgets here: views edit a session and listen to it; tests drive a session directly.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, Literal, TypeVar, cast

from ..errors import CareersReviewError
from ..merge import Clash, Path, differences, get, merge, put
from ..model import Review, School
from ..store import Revision, Store
from ..store_revisions import Kind
from ..workspace import hide_paths

__all__ = [
    "FOLLOW_EVERY",
    "TYPING",
    "AutosaveSession",
    "Notice",
    "SaveStatus",
    "follow_in_kernel",
]

#: How often an open page looks for what other pages saved (seconds).
FOLLOW_EVERY = 1.5
#: A field edited here this recently (seconds) is being typed in: another page's change to
#: it does not replace the text under the cursor; it is offered in a notice instead.
TYPING = 5.0

Doc = TypeVar("Doc", School, Review)
_READ_ONLY = "this copy is read-only"
Listener = Callable[[str], None]


@dataclass(frozen=True)
class SaveStatus:
    """What the page says about saving, in words a team reads across the room: "Saving…",
    "Saved 10:42" or "Not saved: <why>"."""

    state: str  # "saved", "pending", "error"
    message: str

    @property
    def ok(self) -> bool:
        return self.state != "error"

    @classmethod
    def saved(cls, at: datetime | None = None, after: str = "") -> SaveStatus:
        """Saved, at `at` (shown as the local hour and minute) when known."""
        when = f" {at.astimezone():%H:%M}" if at is not None else ""
        return cls("saved", f"Saved{when}{after}")

    @classmethod
    def saving(cls) -> SaveStatus:
        return cls("pending", "Saving…")

    @classmethod
    def not_saved(cls, why: str) -> SaveStatus:
        return cls("error", f"Not saved: {why}")


NoticeKind = Literal["kept_here", "taken_there", "removed_elsewhere", "removed_here"]


@dataclass(frozen=True)
class Notice:
    """A value this page and another both changed, and what the page did about it.

    `kept_here`: this page's text stayed and `other` is the other page's; `taken_there`: the
    other page's text came in and `other` is what this page had; `removed_elsewhere`: an item
    edited here was removed elsewhere and is kept; `removed_here`: an item removed here was
    edited elsewhere and is back. Either text can be taken with `AutosaveSession.take`.
    """

    path: Path
    other: Any
    at: datetime
    kind: NoticeKind = "kept_here"

    @property
    def when(self) -> str:
        return f"{self.at.astimezone():%H:%M}"


def _call_later(delay: float, callback: Callable[[], None]) -> None:
    """Run `callback` after `delay` on a timer thread.

    A thread rather than the kernel's event loop: it fires whatever loop is (or is not)
    running, and the store and session serialise their own access.
    """
    timer = threading.Timer(delay, callback)
    timer.daemon = True
    timer.start()


class AutosaveSession(Generic[Doc]):
    """A document being edited: every change reaches the store within `autosave_delay` seconds.

    Saves name the revision the page started from, so the store merges edits made meanwhile
    in another tab or kernel instead of overwriting them; `follow` brings those edits into
    this page as they are saved. Where both changed one value, a `Notice` says so and keeps
    the other text at hand. A failed save keeps the edit in memory, says why in the status,
    and is tried again with the next change.
    """

    kind: Kind

    def __init__(
        self, store: Store, document: Doc, base: int, *, autosave_delay: float, author: str
    ):
        self.store = store
        self.document: Doc = document
        self.base = base
        # What the page read at `base`: the merge base for its next save, whatever the store's
        # copy of that revision became since.
        self._base_document = document.model_dump(mode="json")
        self._shown = self._base_document  # the document as the views last set it
        self._edited: dict[Path, float] = {}  # paths edited here, and when (monotonic)
        self._head: tuple[int, str] | None = None  # the store's newest revision last seen
        self.notices: dict[Path, Notice] = {}
        self.sitting = uuid.uuid4().hex  # this page's saves fold into one revision
        self.autosave_delay = autosave_delay
        self.author = author
        self.read_only = bool(getattr(store, "read_only", False))
        self.status = (
            SaveStatus.not_saved(_READ_ONLY)
            if self.read_only
            else SaveStatus.saved(self._saved_at())
        )
        self._listeners: list[Listener] = []
        self._pending = False
        self._lock = threading.RLock()

    # -- listening ----------------------------------------------------------------------

    def listen(self, listener: Listener) -> None:
        """Call `listener("document")` after an outside change, `listener("status")` on saves,
        `listener("notices")` when a notice comes or goes."""
        self._listeners.append(listener)

    def _notify(self, what: str) -> None:
        for listener in list(self._listeners):
            listener(what)

    # -- saving -------------------------------------------------------------------------

    def changed(self) -> None:
        """Call after every edit of `document`."""
        self._note_edits()
        if self.read_only:
            self._set_status(SaveStatus.not_saved(_READ_ONLY))
            return
        if self.autosave_delay <= 0:
            self.save_now()
            return
        with self._lock:
            if self._pending:
                return
            self._pending = True
        self._set_status(SaveStatus.saving())
        _call_later(self.autosave_delay, self._timer_fired)

    def _note_edits(self) -> None:
        with self._lock:
            now = self.document.model_dump(mode="json")
            moment = time.monotonic()
            for path in differences(self._shown, now):
                self._edited[path] = moment
            self._shown = now

    def _timer_fired(self) -> None:
        with self._lock:
            self._pending = False
        self.save_now()

    def save_now(self) -> SaveStatus:
        if self.read_only:
            return self.status
        with self._lock:
            try:
                result = self.store.save(
                    self.document,
                    base_revision=self.base,
                    base_document=self._base_document,
                    author=self.author,
                    sitting=self.sitting,
                )
            except CareersReviewError as exc:
                status = SaveStatus.not_saved(self._hidden(exc))
                outside = noticed = False
            else:
                outside = result.merged
                self._took(cast(Doc, result.document), result.number, result.data)
                # What this save wrote is the store's newest: following need not read it back.
                self._head = (result.number, result.saved_at.isoformat())
                noticed = self._add_notices(
                    [Notice(c.path, c.theirs, result.saved_at, _kind(c)) for c in result.clashes]
                )
                status = SaveStatus.saved(result.saved_at)
        self._set_status(status)
        if status.ok and outside:
            self._notify("document")
        if noticed:
            self._notify("notices")
        return status

    def sign(self, author: str, *, new_sitting: bool = True) -> None:
        """Store later saves under `author` (the person chosen as "I am…"). What is waiting
        to be saved is saved first, under the one who typed it; a different person starts a
        new sitting, so that two people's edits are never folded into one revision."""
        if author == self.author:
            return
        self.flush()
        with self._lock:
            self.author = author
            if new_sitting:
                self.sitting = uuid.uuid4().hex

    def flush(self) -> SaveStatus:
        """Save now if a save is waiting (tests, and before leaving a page)."""
        if self.read_only:
            return self.status
        return self.save_now() if self._pending or not self.status.ok else self.status

    def _saved_at(self) -> datetime | None:
        """When the store last saved this document (None when it has no copy yet)."""
        kind = getattr(self, "kind", None)
        try:
            head = self.store.head(kind, self.document.id) if kind else None
        except CareersReviewError:
            return None
        return datetime.fromisoformat(head[1]) if head else None

    def _hidden(self, exc: Exception) -> str:
        return hide_paths(str(exc), self.store.data_dir)

    def refuse(self, reason: str) -> None:
        """An edit the page could not take (too long, say): say so; the page keeps the text."""
        self._set_status(SaveStatus.not_saved(reason))

    def _took(self, document: Doc, number: int, saved: dict | None = None) -> None:
        self.document, self.base = document, number
        self._base_document = saved if saved is not None else document.model_dump(mode="json")
        self._shown = document.model_dump(mode="json")

    def _set_status(self, status: SaveStatus) -> None:
        self.status = status
        self._notify("status")

    # -- following other pages -----------------------------------------------------------

    def follow(self) -> bool:
        """Bring in what other pages saved since this one last read or wrote the store.

        This page's unsaved edits, and the field being typed in, are kept; where another page
        changed a value this page also changed, a notice says so. True when anything came in.
        """
        with self._lock:
            head = self.store.head(self.kind, self.document.id)
            if head is None or head == self._head:
                return False
            self._head = head
            number, saved_at = head
            theirs = self._read(number).model_dump(mode="json")
            if number == self.base and theirs == self._base_document:
                return False
            mine = self.document.model_dump(mode="json")
            merged, clashes = merge(self._base_document, mine, theirs)
            at = datetime.fromisoformat(saved_at)
            moment = time.monotonic()
            typing = [p for p, t in self._edited.items() if moment - t < TYPING]
            notices = [Notice(c.path, c.theirs, at, _kind(c)) for c in clashes]
            for path in differences(mine, merged):
                if get(mine, path) is None and path in self._edited:
                    # Removed here, but changed elsewhere since: it is back, with a word.
                    notices.append(Notice(path, None, at, "removed_here"))
                if get(mine, path) is None or get(merged, path) is None:
                    continue  # an item added or removed elsewhere: nothing of ours was lost
                if any(_within(path, t) for t in typing):
                    merged = put(merged, path, get(mine, path))
                    notices.append(Notice(path, get(theirs, path), at, "kept_here"))
                elif any(_within(path, t) for t in self._edited):
                    notices.append(Notice(path, get(mine, path), at, "taken_there"))
            document = self._parse(merged)
            self.document, self.base, self._base_document = document, number, theirs
            self._shown = document.model_dump(mode="json")
            unsaved = self._shown != theirs
            self._add_notices(notices)
        self._notify("document")
        if notices:
            self._notify("notices")
        if unsaved:
            self.changed()
        return True

    def _add_notices(self, found: list[Notice]) -> bool:
        self.notices.update((notice.path, notice) for notice in found)
        return bool(found)

    def take(self, path: Path, value: Any = None) -> None:
        """Answer a notice: put `value` (by default the notice's other text) at `path`."""
        notice = self.notices.pop(tuple(path), None)
        if value is None and notice is not None:
            value = notice.other
        if value is not None:
            with self._lock:
                data = put(self.document.model_dump(mode="json"), tuple(path), value)
                self.document = self._parse(data)
            self.changed()
            self._notify("document")
        self._notify("notices")

    def dismiss(self, path: Path) -> None:
        """Close a notice, keeping what is on screen."""
        if self.notices.pop(tuple(path), None) is not None:
            self._notify("notices")

    def _parse(self, data: dict[str, Any]) -> Doc:
        return type(self.document).model_validate(data)

    # -- history ------------------------------------------------------------------------

    def revisions(self) -> list[Revision]:
        return self.store.revisions(self.kind, self.document.id)

    def restore(self, number: int) -> None:
        """Bring back an earlier revision as the newest; nothing in between is lost."""
        with self._lock:
            result = self.store.restore(self.kind, self.document.id, number, author=self.author)
            self._took(cast(Doc, result.document), result.number, result.data)
            status = SaveStatus.saved(result.saved_at, f" (revision {number} restored)")
        self._set_status(status)
        self._notify("document")

    def reload(self) -> None:
        """Take the store's latest revision (after another tab saved, say)."""
        with self._lock:
            latest = self.revisions()[-1].number
            self._took(self._read(latest), latest)
        self._notify("document")

    def _read(self, number: int) -> Doc:
        raise NotImplementedError


def _kind(clash: Clash) -> NoticeKind:
    return "kept_here" if clash.kind == "both_changed" else clash.kind


def _within(path: Path, edited: Path) -> bool:
    """Whether `path` is `edited` or lies inside it (or holds it)."""
    shorter = min(len(path), len(edited))
    return path[:shorter] == edited[:shorter]


def follow_in_kernel(*sessions: AutosaveSession, every: float = FOLLOW_EVERY):
    """Have these sessions follow the store while the page is open: a periodic callback on
    the kernel's event loop, so that redrawing happens where widget messages are handled.
    None outside a running loop (plain Python, tests), where `follow()` is called directly."""
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return None
    from tornado.ioloop import PeriodicCallback

    def tick() -> None:
        for session in sessions:
            try:
                session.follow()
            except CareersReviewError as exc:
                session.refuse(f"other pages' changes cannot be read ({session._hidden(exc)})")

    callback = PeriodicCallback(tick, every * 1000)
    callback.start()
    return callback


def __getattr__(name: str) -> Any:
    # The two sessions live in review_session.py; older imports name them from here.
    if name in ("ReviewSession", "SchoolSession"):
        from . import review_session

        return getattr(review_session, name)
    raise AttributeError(name)
