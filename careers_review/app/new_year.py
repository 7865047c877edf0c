"""The word on every review page about which year it shows, and the one button that starts
this year's review.

Opening a page never starts a review (see `review_year`): a page shows the latest review,
and says so plainly when that is an earlier year's. The team starts the new year here, on
purpose; the new review starts with nothing agreed and last year's levels stay last year's.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from html import escape
from typing import Any, Literal

import ipywidgets as w

from ..content import Framework
from ..errors import CareersReviewError
from ..model import Review, review_id_for
from ..review_year import YearState, start_review, year_state
from ..sections import PLAIN_TEXT
from ..store import Store
from ..summary import profile
from ..workspace import hide_paths

__all__ = ["NewYearBar", "last_review_line"]

Place = Literal["page", "start"]


def last_review_line(review: Review, framework: Framework, label: str = "Last review") -> str:
    """'Last review 2025/26: Leaders' vision 3 (Embedding), …; 4 of 5 themes agreed' as HTML."""
    result = profile(review, framework)
    levels = "; ".join(
        f"{escape(t.name)} {t.level} ({escape(t.level_name)})"
        if t.level is not None
        else f"{escape(t.name)} not agreed"
        for t in result.themes
    )
    return (
        f"<strong>{escape(label)} {escape(review.academic_year)}</strong>: {levels}. "
        f"{result.agreed} of {result.total} themes agreed."
    )


class NewYearBar:
    """Which year's review is on screen and, until this year's is started, the button that
    starts it. On the start page (`place="start"`) it also gives last year's levels as last
    year's. `on_start(review)` is called with the review once started."""

    def __init__(
        self,
        store: Store,
        framework: Framework,
        school_id: str,
        *,
        place: Place = "page",
        shown: str = "",
        draft: bool = False,
        on_start: Callable[[Review], Any] | None = None,
        today: date | None = None,
    ) -> None:
        self.store, self.framework, self.school_id = store, framework, school_id
        self.place, self.shown, self.draft = place, shown, draft
        self.on_start, self.today = on_start, today
        self.text = w.HTML()
        self.text.add_class("cr-new-year-text")
        self.button = w.Button(button_style="primary", layout=w.Layout(width="auto"))
        self.button.add_class("cr-start-year")
        self.button.on_click(lambda _: self.start())
        self.widget = w.VBox([self.text, self.button])
        self.widget.add_class("cr-new-year")
        self.refresh()

    @property
    def state(self) -> YearState:
        return self._state

    def refresh(self, shown: str | None = None, draft: bool | None = None) -> None:
        """Redraw from the store (after a start here, or the year on screen changing)."""
        if shown is not None:
            self.shown = shown
        if draft is not None:
            self.draft = draft
        self._state = state = year_state(self.store, self.school_id, self.shown, self.today)
        self.button.description = f"Start the {state.current} review"
        self.button.tooltip = (
            f"Begin this school's {state.current} review, with no levels agreed yet"
        )
        read_only = bool(getattr(self.store, "read_only", False))
        self.button.disabled = read_only
        self.button.layout.display = "flex" if state.can_start and self._offer() else "none"
        lines = self._lines(state)
        if read_only and state.can_start and self._offer():
            lines.append(
                "This copy of the review data is read-only: no review can be started here."
            )
        self.text.value = f"<div class='{PLAIN_TEXT}'>" + "".join(lines) + "</div>"
        shows = bool(lines) or self.button.layout.display != "none"
        self.widget.layout.display = "flex" if shows else "none"

    def _offer(self) -> bool:
        """Whether to show the button: always on the start page; on an editing page only over
        an earlier year's review (a first review ever starts with its first edit there)."""
        return self.place == "start" or (self._state.earlier and not self.draft)

    def _lines(self, state: YearState) -> list[str]:
        year, current = escape(state.shown), escape(state.current)
        if self.place == "start":
            return self._start_page_lines(state)
        if self.draft:
            return [
                f"<p>No review has been recorded for this school yet. This page holds the "
                f"{year} review: it is saved as soon as you record something in it.</p>"
            ]
        if not state.earlier:
            return []
        said = (
            f"<p><strong>This page shows the {year} review</strong>, the latest this school "
            f"has. What you change here is saved to the {year} record.</p>"
        )
        if state.started:
            return [said + f"<p>This year's review, {current}, has already been started.</p>"]
        return [
            said + f"<p>When the team is ready for this year, start the {current} review: it "
            f"starts with no levels agreed, and the {year} levels are shown beside it as last "
            "year's.</p>"
        ]

    def _start_page_lines(self, state: YearState) -> list[str]:
        current = escape(state.current)
        latest = state.latest
        if latest is None:
            return [
                "<p>No review has been recorded for this school yet. Start its first review "
                f"for {current} when the team is ready.</p>"
            ]
        if state.started:
            review = self.store.review(review_id_for(self.school_id, state.current))
            result = profile(review, self.framework)
            lines = [
                f"<p><strong>This year's review, {current}</strong>, started on "
                f"{review.review_date:%-d %B %Y}: {result.agreed} of {result.total} "
                "themes agreed so far.</p>"
            ]
            before = self.store.previous_review(review)
            if before is not None:
                lines.append(f"<p>{last_review_line(before, self.framework)}</p>")
            return lines
        return [
            f"<p>{last_review_line(latest, self.framework)}</p>",
            f"<p>This year's review ({current}) has not been started. Starting it leaves the "
            f"{escape(latest.academic_year)} review as it is: the new one starts with no "
            "levels agreed.</p>",
        ]

    def start(self) -> Review | None:
        """Start this year's review (once: pressed again, nothing more is written)."""
        if getattr(self.store, "read_only", False):
            self.refresh()
            return None
        try:
            review = start_review(self.store, self.framework, self.school_id, today=self.today)
        except CareersReviewError as exc:
            why = escape(hide_paths(str(exc), self.store.data_dir))
            self.text.value += f"<p class='cr-field-error'>Not started: {why}</p>"
            return None
        self.refresh(shown=review.academic_year, draft=False)
        if self.on_start is not None:
            self.on_start(review)
        return review
