"""Pieces every page shares: the style sheet, the save status, and the guard against echoes."""

from __future__ import annotations

import base64
from collections.abc import Callable
from contextlib import contextmanager
from html import escape

import ipywidgets as w
from pydantic import ValidationError

from ..model import MAX_TEXT
from .session import AutosaveSession

__all__ = [
    "STYLE",
    "WIDE_LABEL",
    "SaveStatusView",
    "View",
    "download_link",
    "overlong",
    "section",
    "too_long",
]

STYLE = """
<style>
.cr-app { font-size: 16px; max-width: 1200px; }
.cr-app h1 { font-size: 1.9em; margin: 0.2em 0; }
.cr-app h2 { font-size: 1.35em; margin: 0.8em 0 0.3em; }
.cr-app .cr-muted { color: #555; }
.cr-level-card { border: 2px solid #ccc; border-radius: 6px; padding: 0.4em 0.6em;
  background: #fafafa; line-height: 1.35; }
.cr-level-card.cr-level-selected { border-color: #0072B2; background: #e8f2fa; }
.cr-level-card strong { display: block; margin-bottom: 0.25em; }
.cr-save-status { font-weight: 600; color: #1d6b2c; }
.cr-save-status.cr-save-error { color: #b00020; }
.cr-app .widget-label, .cr-app label { font-size: 15px; }
.cr-app textarea { font-size: 15px; }
.cr-theme-header { justify-content: flex-start; font-size: 17px; font-weight: 600; }
.cr-theme-header:focus { outline: 3px solid #E69F00; }
</style>
"""

WIDE_LABEL = {"description_width": "130px"}


def section(title: str, intro: str = "") -> w.HTML:
    return w.HTML(f"<h2>{escape(title)}</h2>" + (f"<p>{escape(intro)}</p>" if intro else ""))


def download_link(filename: str, data: bytes, mime: str, label: str) -> str:
    """A link that downloads `data`: Voilà refuses file links, but data: URLs work everywhere."""
    encoded = base64.b64encode(data).decode("ascii")
    return (
        f"<a class='cr-download' download='{escape(filename, quote=True)}' "
        f"href='data:{mime};base64,{encoded}'>{escape(label)}</a>"
    )


class View:
    """Shared plumbing: a guard so redrawing from the session does not echo back as an edit."""

    def __init__(self, session: AutosaveSession) -> None:
        self.session = session
        self._syncing = False

    @contextmanager
    def syncing(self):
        self._syncing, previous = True, self._syncing
        try:
            yield
        finally:
            self._syncing = previous

    def on_edit(self, widget: w.Widget, apply: Callable[[object], None]) -> None:
        """Pass each edit of `widget` to `apply`; one too long for the store is refused with
        a message, and stays on screen so that it can be shortened."""

        def handler(change: dict) -> None:
            if self._syncing:
                return
            new = change["new"]
            if isinstance(new, str) and len(new) > MAX_TEXT:
                self.session.refuse(too_long(len(new)))
                return
            try:
                apply(new)
            except ValidationError as exc:
                length = overlong(exc)
                if not length:
                    raise
                self.session.refuse(too_long(length))

        widget.observe(handler, names="value")


def overlong(exc: ValidationError) -> int:
    """The length of the longest text over MAX_TEXT that `exc` refused, else 0."""
    return max(
        (
            len(e["input"])
            for e in exc.errors()
            if e["type"] == "string_too_long" and len(e["input"]) > MAX_TEXT
        ),
        default=0,
    )


def too_long(length: int) -> str:
    return (
        f"a box holds at most {MAX_TEXT:,} characters and this text has {length:,}. "
        "Shorten it and it is saved; until then it stays on screen."
    )


class SaveStatusView(View):
    def __init__(self, session: AutosaveSession) -> None:
        super().__init__(session)
        self.widget = w.HTML()
        self.widget.add_class("cr-save-status")
        self.refresh()

    def refresh(self) -> None:
        status = self.session.status
        self.widget.value = escape(status.message)
        if status.ok:
            self.widget.remove_class("cr-save-error")
        else:
            self.widget.add_class("cr-save-error")
