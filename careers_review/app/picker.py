"""Choosing a school when the page was opened without one (or with an unknown one)."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

import ipywidgets as w

from ..store import Store

__all__ = ["SchoolPicker"]


class SchoolPicker:
    def __init__(self, store: Store, on_open: Callable[[str], None], message: str = "") -> None:
        schools = store.schools()
        self.choice = w.Dropdown(
            options=[(s.name, s.id) for s in schools],
            description="School",
            layout=w.Layout(width="520px"),
        )
        self.open = w.Button(description="Open", button_style="primary")
        self.open.disabled = not schools
        self.open.on_click(lambda _: on_open(self.choice.value) if self.choice.value else None)
        notice = f"<p class='cr-notice cr-unknown-school'>{escape(message)}</p>" if message else ""
        empty = (
            "<p class='cr-notice'>This data directory holds no schools yet: import a hub with "
            "<code>careers-review import</code>.</p>"
            if not schools
            else ""
        )
        self.widget = w.VBox(
            [
                w.HTML(f"{notice}<h2>Choose your school</h2>{empty}"),
                w.HBox([self.choice, self.open]),
            ]
        )
        self.widget.add_class("cr-school-picker")
