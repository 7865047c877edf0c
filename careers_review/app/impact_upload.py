"""The upload button of one kind of evidence on the impact page, and what it says.

The button only hands the chosen file to the page (`take`); the page checks and keeps it
(`careers_review.evidence.uploads`) and redraws its sections. What the button says comes
back as one line: what was kept, or what is wrong with the file (row and column).
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

import ipywidgets as w

from ..evidence.uploads import UPLOAD_KINDS, UPLOAD_LIMIT_TEXT

__all__ = ["EvidenceUpload", "Outcome"]

#: What the page answers for a file: (kept, the line to show).
Outcome = tuple[bool, str]


class EvidenceUpload:
    """ "Upload a learner survey" and the line under it; disabled where nothing is saved."""

    def __init__(
        self, kind: str, take: Callable[[str, str, bytes], Outcome], *, read_only: bool = False
    ) -> None:
        self.kind = kind
        self.take = take
        label = UPLOAD_KINDS[kind].label
        self.button = w.FileUpload(
            accept=".csv,text/csv",
            multiple=False,
            description=f"Upload a {label}",
            tooltip=f"Choose the {label} (a CSV file) to check and keep",
            layout=w.Layout(width="auto"),
            disabled=read_only,
        )
        self.button.add_class("cr-upload")
        self.button.add_class(f"cr-upload-{kind}")
        note = (
            "This page is read-only: uploads are turned off."
            if read_only
            else f"CSV files up to {UPLOAD_LIMIT_TEXT}. It is checked at once; earlier files "
            "are kept."
        )
        self.note = w.HTML(f"<span class='cr-muted'>{escape(note)}</span>")
        self.message = w.HTML()
        self.message.add_class("cr-upload-message")
        self.button.observe(self._chosen, "value")
        self.widget = w.VBox([w.HBox([self.button, self.note]), self.message])
        self.widget.add_class("cr-upload-box")
        self.widget.add_class(f"cr-upload-box-{kind}")

    def _chosen(self, change: dict) -> None:
        files = change["new"]
        if not files:
            return
        upload = files[0]
        kept, line = self.take(self.kind, str(upload.get("name", "")), bytes(upload["content"]))
        self.say(kept, line)
        # Let the same file be chosen again, and free the kernel of its bytes.
        self.button.value = ()

    def say(self, kept: bool, line: str) -> None:
        """One line under the button: what was kept, or "Not kept:" and why."""
        css = "cr-upload-ok" if kept else "cr-input-error"
        role = "status" if kept else "alert"
        text = line if kept else f"Not kept: {line}"
        self.message.value = f"<p class='{css}' role='{role}'>{escape(text)}</p>"
