"""Who is editing: the "I am…" choice on every editing page, and how a saved author reads.

A page's saves are stored under the person chosen here (one of the review's participants),
so the history can say who changed what; nobody chosen reads as "someone on this device".
Choosing someone else starts a new sitting, so two people's edits never share a revision.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import ipywidgets as w

from .common import View

if TYPE_CHECKING:
    from ..content import Framework
    from ..model import Review
    from .review_session import ReviewSession
    from .session import AutosaveSession

__all__ = ["SOMEONE", "PersonChooser", "people", "person_label", "who"]

#: How a save by nobody in particular reads (authors stored as "app" or "" too).
SOMEONE = "someone on this device"
_RESTORED = re.compile(r"restored revision \d+")
_SAID = {"import": "an import from a file"}


def who(author: str) -> str:
    """A stored author as the history names them."""
    author = author.strip()
    if author in ("", "app") or _RESTORED.fullmatch(author):
        return SOMEONE
    return _SAID.get(author, author)


def person_label(name: str, role: str, framework: Framework) -> str:
    """ "Jane Smith (Careers Leader)": the name, and the role they hold when one is given."""
    roles = {r.id: r.name for r in framework.key_roles}
    name = " ".join(name.split())
    return f"{name} ({roles[role]})" if role in roles else name


def people(review: Review, framework: Framework) -> list[tuple[str, str]]:
    """The participants one may say one is, as (label, participant id); unnamed ones left out."""
    return [
        (person_label(p.name, p.role, framework), p.id)
        for p in review.participants
        if p.name.strip()
    ]


class PersonChooser(View["ReviewSession"]):
    """The "I am…" dropdown: the review's participants, and "someone on this device".

    The choice signs every session of the page (`sessions`: a page may edit the review and
    the school's profile), and follows the participants as they are added, renamed or removed.
    """

    def __init__(
        self, session: ReviewSession, sessions: Sequence[AutosaveSession] | None = None
    ) -> None:
        super().__init__(session)
        self.sessions = tuple(sessions or (session,))
        self._unsigned = {id(s): s.author for s in self.sessions}  # the page's own default
        self.chosen = ""  # a participant's id, or "" for nobody in particular
        self.dropdown = w.Dropdown(
            description="I am…",
            style={"description_width": "auto"},
            layout=w.Layout(width="auto"),
        )
        self.dropdown.observe(self._changed, names="value")
        self.widget = w.HBox([self.dropdown])
        self.widget.add_class("cr-person")
        self.dropdown.disabled = session.read_only
        session.listen(self._on_session)
        self.refresh()

    @property
    def author(self) -> str:
        """The name the page's saves are stored under now."""
        return self.sessions[0].author

    def choose(self, participant_id: str) -> None:
        """Say who is editing (a participant's id, "" for someone on this device)."""
        self.dropdown.value = participant_id

    def _changed(self, change: dict) -> None:
        if not self._syncing:
            self._sign(change["new"] or "", new_sitting=True)

    def _sign(self, participant_id: str, *, new_sitting: bool) -> None:
        labels = dict((value, label) for label, value in self._options()[1:])
        self.chosen = participant_id if participant_id in labels else ""
        for session in self.sessions:
            author = labels.get(self.chosen) or self._unsigned[id(session)]
            session.sign(author, new_sitting=new_sitting)

    def _options(self) -> list[tuple[str, str]]:
        return [(SOMEONE, ""), *people(self.session.review, self.session.framework)]

    def _on_session(self, what: str) -> None:
        if what in ("document", "status"):
            self.refresh()

    def refresh(self) -> None:
        """Take the participants as they are now: a renamed person stays chosen under their
        new name (in the same sitting); one removed leaves "someone on this device"."""
        options = self._options()
        if list(self.dropdown.options) != options:
            values = {value for _, value in options}
            kept = self.chosen if self.chosen in values else ""
            with self.syncing():
                self.dropdown.options = options
                self.dropdown.value = kept
            self._sign(kept, new_sitting=kept != self.chosen)
