"""A way back from a removal: "Removed the priority “…”. [Undo]" for a few seconds.

Removing acts at once (asking first would slow every tidy-up of the plan), so each removal is
offered back instead. The bar only offers: what is put back, and where, is the session's
business (`ReviewSession.put_back`), so that it saves and merges like any other edit. One bar
serves a page: a second removal replaces the first one's offer, which then stands.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from html import escape

import ipywidgets as w

from .review_session import Removed
from .session import _call_later

__all__ = ["UNDO_SECONDS", "UndoBar", "describe", "remove_button"]

#: How long a removal can be undone (seconds).
UNDO_SECONDS = 10.0

#: Each list's item in words, its field that names it, and its words when that is empty.
_THINGS = {
    "priorities": ("the priority", "title", "a priority without a title"),
    "actions": ("the action", "what", "an action not described yet"),
    "milestones": ("the milestone", "what", "a milestone not described yet"),
    "kpis": ("the KPI", "name", "a KPI without a name"),
    "participants": ("", "name", "a participant without a name"),
}
_LONGEST = 70


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _LONGEST else text[: _LONGEST - 1].rstrip() + "…"


def describe(removed: Removed) -> str:
    """What was removed, as the bar says it: 'Removed the priority “Parents know the
    routes”.', 'Removed Ms Okoro from who is taking part.'"""
    words, field, unnamed = _THINGS[removed.kind]
    name = _short(str(getattr(removed.item, field, "") or ""))
    if removed.kind == "participants":
        thing = f"{name} from who is taking part" if name else f"{unnamed} from who is taking part"
    else:
        thing = f"{words} “{name}”" if name else unnamed
    return f"Removed {thing}."


def remove_button(what: str, description: str = "Remove") -> w.Button:
    """A quiet remove button (never the brightest thing on the page) that says what it
    removes: `what` is "this priority", "this action"."""
    button = w.Button(
        description=description, tooltip=f"Remove {what}", layout=w.Layout(width="auto")
    )
    button.add_class("cr-remove")
    return button


class UndoBar:
    """The offer to undo the latest removal, shown in `slot` (a box near where the removed
    thing was) until Undo is pressed or `seconds` pass."""

    def __init__(
        self,
        seconds: float = UNDO_SECONDS,
        call_later: Callable[[float, Callable[[], None]], None] = _call_later,
    ) -> None:
        self.seconds = seconds
        self.call_later = call_later
        self.text = w.HTML()
        self.text.add_class("cr-undo-text")
        self.button = w.Button(
            description="Undo", layout=w.Layout(width="auto", margin="0 0 0 0.8em")
        )
        self.button.add_class("cr-undo-button")
        self.button.on_click(lambda _: self.undo())
        self.widget = w.HBox(
            [self.text, self.button], layout=w.Layout(display="none", align_items="center")
        )
        self.widget.add_class("cr-undo")
        self._undo: Callable[[], str] | None = None
        self._message = ""
        self._slot: w.Box | None = None
        self._offers = 0  # which offer a timer belongs to: a later one is not cut short
        self._lock = threading.Lock()

    @property
    def offered(self) -> bool:
        """Whether Undo can be pressed now."""
        return self._undo is not None

    @property
    def message(self) -> str:
        """What the bar says (or last said)."""
        return self._message

    def offer(self, removed: Removed, undo: Callable[[], str], slot: w.Box | None = None) -> None:
        """Offer `undo` (which puts `removed` back and says why not when it cannot) for
        `seconds`, replacing any earlier offer."""
        with self._lock:
            self._offers += 1
            offer = self._offers
            self._undo = undo
        self._show(describe(removed), undo=True)
        self.button.tooltip = f"Put back what was removed: {describe(removed)}"
        if slot is not None and slot is not self._slot:
            if self._slot is not None:
                self._slot.children = ()
            slot.children = (self.widget,)
            self._slot = slot
        self.button.focus()  # the remove button pressed is gone: the keyboard stays near
        self.call_later(self.seconds, lambda: self.expire(offer))

    def expire(self, offer: int | None = None) -> None:
        """Time is up for `offer` (by default the one shown now): the removal stands."""
        with self._lock:
            if offer is not None and offer != self._offers:
                return
            self._undo = None
        self.widget.layout.display = "none"

    def undo(self) -> str:
        """Undo pressed: put the removed thing back. Returns why it could not be ("" when
        it is back)."""
        with self._lock:
            undo, self._undo = self._undo, None
            self._offers += 1
            offer = self._offers
        if undo is None:
            return ""
        problem = undo()
        if not problem:
            self.widget.layout.display = "none"
            return ""
        self._show(f"Not put back: {problem}.", undo=False)
        self.call_later(self.seconds, lambda: self.expire(offer))
        return problem

    def _show(self, message: str, *, undo: bool) -> None:
        self._message = message
        self.text.value = f"<span role='status'>{escape(message)}</span>"
        self.button.layout.display = "flex" if undo else "none"
        self.widget.layout.display = "flex"
