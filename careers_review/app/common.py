"""Pieces every page shares: the style sheet, the save status, and the guard against echoes."""

from __future__ import annotations

import base64
from collections.abc import Callable
from contextlib import contextmanager
from html import escape
from importlib.resources import files
from typing import Any, Generic, TypeVar

import ipywidgets as w
from pydantic import ValidationError

from ..merge import Path, get
from ..model import MAX_TEXT
from .session import AutosaveSession, Notice

__all__ = [
    "STYLE",
    "STYLE_SHEETS",
    "WIDE_LABEL",
    "NoticesView",
    "SaveStatusView",
    "View",
    "download_link",
    "field_error",
    "field_label",
    "lock_editing",
    "overlong",
    "page_css",
    "page_style",
    "section",
    "text_area",
    "too_long",
]

#: The package's style sheets, in the order they apply: the projector theme, the journey
#: around each page, and how a page prints (when that sheet is there).
STYLE_SHEETS = ("theme.css", "workbook.css", "print.css")


def page_css() -> str:
    """Every style sheet a served page uses, as one text: the one loader for widget pages (in
    Voilà and JupyterLab) and for the Voilà template's head (pages without widgets)."""
    folder = files(__package__)
    sheets = [folder.joinpath(name) for name in STYLE_SHEETS]
    return "\n".join(s.read_text(encoding="utf-8") for s in sheets if s.is_file())


def page_style() -> str:
    """The style sheets as a `<style>` element, for an HTML widget to carry into a page."""
    return f"<style>{page_css()}</style>"


STYLE = page_style()

WIDE_LABEL = {"description_width": "130px"}


def section(title: str, intro: str = "") -> w.HTML:
    return w.HTML(f"<h2>{escape(title)}</h2>" + (f"<p>{escape(intro)}</p>" if intro else ""))


def field_error(text: str) -> str:
    return f"<span class='cr-field-error'>{escape(text)}</span>" if text else ""


def text_area(value: str, description: str, width: str = "520px", **extra: Any) -> w.Textarea:
    return w.Textarea(
        value,
        description=description,
        continuous_update=True,
        rows=2,
        style=extra.pop("style", {"description_width": "90px"}),
        layout=w.Layout(width=width),
        **extra,
    )


def download_link(filename: str, data: bytes, mime: str, label: str) -> str:
    """A link that downloads `data`: Voilà refuses file links, but data: URLs work everywhere."""
    encoded = base64.b64encode(data).decode("ascii")
    return (
        f"<a class='cr-download' download='{escape(filename, quote=True)}' "
        f"href='data:{mime};base64,{encoded}'>{escape(label)}</a>"
    )


S = TypeVar("S", bound=AutosaveSession)


class View(Generic[S]):
    """Shared plumbing: a guard so redrawing from the session does not echo back as an edit."""

    def __init__(self, session: S) -> None:
        self.session: S = session
        self._syncing = False

    @contextmanager
    def syncing(self):
        self._syncing, previous = True, self._syncing
        try:
            yield
        finally:
            self._syncing = previous

    def on_edit(self, widget: w.Widget, apply: Callable[[Any], object]) -> None:
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


class SaveStatusView(View[AutosaveSession]):
    def __init__(self, session: AutosaveSession) -> None:
        super().__init__(session)
        self.widget = w.HTML()
        self.widget.add_class("cr-save-status")
        self.refresh()

    def refresh(self) -> None:
        status = self.session.status
        self.widget.value = escape(status.message)
        for state, name in (("error", "cr-save-error"), ("pending", "cr-save-pending")):
            (self.widget.add_class if status.state == state else self.widget.remove_class)(name)


_WORDS = {
    "ratings": "",
    "plan": "",
    "foundations": "",
    "priorities": "priority",
    "actions": "action",
    "milestones": "milestone",
    "kpis": "KPI",
    "objectives": "objective",
    "learning_outcomes": "learning outcomes",
    "participants": "participant",
    "what": "",
    "text": "",
    "success_measure": "success measure",
    "careers_leader": "Careers Leader",
}


def field_label(session: AutosaveSession, path: Path) -> str:
    """A field's name as the page shows it: 'Leaders' vision: evidence', 'Priority
    "Encounters for all": action "Book…": owner'."""
    document = session.document.model_dump(mode="json")
    themes = {}
    framework = getattr(session, "framework", None)
    if framework is not None:
        themes = {t.id: t.name for t in framework.themes}
    words: list[str] = []
    for depth, step in enumerate(path):
        item = get(document, path[: depth + 1])
        if step in themes and depth == 1 and path[0] == "ratings":
            words.append(themes[step])
        elif isinstance(item, dict) and item.get("id") == step:
            name = next((item[k] for k in ("title", "name", "what", "text") if item.get(k)), "")
            if name and words:
                words[-1] += f" “{_short(name)}”"
        elif depth and path[depth - 1] == "learning_outcomes":
            words.append(f"Year {step}" if step.isdigit() else step)
        else:
            word = _WORDS.get(step, step.replace("_", " "))
            if word:
                words.append(word)
    text = ": ".join(w for w in words if w) or "a field"
    return text[:1].upper() + text[1:]


def _short(text: str, limit: int = 40) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


#: For each kind of notice: what happened, how the other text is introduced, and the button
#: that takes it.
_NOTICE_WORDS = {
    "kept_here": (
        ": also changed in another tab at {when}.",
        "The other text:",
        "Use the other text",
    ),
    "taken_there": (
        ": also changed in another tab at {when}; that text is now shown.",
        "What this page had:",
        "Put back this page's text",
    ),
    "removed_elsewhere": (
        " was removed in another tab at {when}, but it had been changed here, so it is kept "
        "with those changes.",
        "",
        "",
    ),
    "removed_here": (
        " was removed here, but another tab changed it at {when}, so it is back with those "
        "changes.",
        "",
        "",
    ),
}


class NoticesView:
    """Values another page changed too: each says where, when, and the other text, with a
    button to take that text and one to keep what is here. A view shows the notices of its
    own fields (`claims`), next to them; the page's own view shows the rest."""

    def __init__(
        self, session: AutosaveSession, claims: Callable[[Path], bool] = lambda path: True
    ) -> None:
        self.session = session
        self.claims = claims
        self.widget = w.VBox()
        self.widget.add_class("cr-notices")
        self.refresh()

    def refresh(self) -> None:
        self.widget.children = [
            self._item(n) for n in self.session.notices.values() if self.claims(n.path)
        ]

    def _item(self, notice: Notice) -> w.Widget:
        label = escape(field_label(self.session, notice.path))
        other = "" if notice.other is None else escape(str(notice.other))
        said, shown_as, take = _NOTICE_WORDS[notice.kind]
        text = f"<strong>{label}</strong>{said.format(when=notice.when)}"
        if other and shown_as:
            text += f" {shown_as}<blockquote>{other}</blockquote>"
        else:
            take = ""
        buttons = []
        if take:
            use = w.Button(description=take, layout=w.Layout(width="auto"))
            use.on_click(lambda _, p=notice.path: self.session.take(p))
            buttons.append(use)
        keep = w.Button(
            description="Keep what is here" if take else "OK", layout=w.Layout(width="auto")
        )
        keep.on_click(lambda _, p=notice.path: self.session.dismiss(p))
        buttons.append(keep)
        box = w.VBox([w.HTML(text), w.HBox(buttons)])
        box.add_class("cr-notice-item")
        return box


#: Widgets a read-only page keeps usable: they show or download, they do not edit.
_READING = (w.Image, w.HTML, w.Label, w.IntProgress)


def lock_editing(root: w.Widget, keep: tuple[w.Widget, ...] = ()) -> None:
    """Disable every input and button under `root` except `keep` (navigation, downloads):
    a read-only store takes no changes, and the page should not pretend it does."""
    stack = [root]
    while stack:
        widget = stack.pop()
        stack.extend(getattr(widget, "children", ()))
        if widget in keep or isinstance(widget, _READING):
            continue
        if hasattr(widget, "disabled"):
            widget.disabled = True
