"""The served governor report's own controls: a Print button, and whether the team's notes
go into the report.

The report's sections stay plain `Section`s. A part that depends on the choice is shown through
`ReportPage.show`, which displays as a live widget on the served page and as the section's
static HTML everywhere else (the exported report strips the widget view, see `report.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import ipywidgets as w

from ..report_sections import GovernorReport
from ..sections import Section

__all__ = ["PRINT_BUTTON", "LivePart", "ReportPage", "report_page"]

#: A real button that prints the page in the browser. It runs nothing in the kernel: the
#: browser's own print, with print.css laying the page out for paper.
PRINT_BUTTON = (
    "<button type='button' class='jupyter-button widget-button mod-primary cr-print' "
    "onclick='window.print()'>Print the report</button>"
)


class LivePart:
    """One section on the served page: redrawn when the choices change; its static HTML is
    what Papermill stores beside the widget, and what the exported report keeps."""

    def __init__(self, page: ReportPage, part: Callable[[GovernorReport], Section]) -> None:
        self.part = part
        self.section = part(page.report)
        self.widget = w.HTML(self.section.to_html())
        self.widget.add_class("cr-live-part")

    def redraw(self, report: GovernorReport) -> None:
        self.section = self.part(report)
        self.widget.value = self.section.to_html()

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle = dict(self.widget._repr_mimebundle_(**kwargs) or {})
        bundle["text/html"] = self.section.to_html()
        return bundle


class ReportPage:
    """The controls above the report on the served page."""

    def __init__(self, report: GovernorReport) -> None:
        self.report = report
        self.notes = w.Checkbox(
            value=report.include_notes,
            description="Include the team's notes on each theme",
            indent=False,
            layout=w.Layout(width="auto"),
        )
        self.notes.add_class("cr-include-notes")
        self.notes.observe(self._include_notes, "value")
        self.parts: list[LivePart] = []
        self.widget = w.VBox(
            [
                w.HTML(
                    "<p>The team's own notes on each theme stay out of the report unless you "
                    "tick the box. Print gives the whole report, without this bar or the "
                    "roadmap.</p>"
                ),
                w.HBox([w.HTML(PRINT_BUTTON), self.notes]),
            ]
        )
        self.widget.add_class("cr-report-controls")

    def show(self, part: Callable[[GovernorReport], Section]) -> LivePart:
        """A section that follows the page's choices."""
        live = LivePart(self, part)
        self.parts.append(live)
        return live

    def _include_notes(self, change: dict[str, Any]) -> None:
        self.report = replace(self.report, include_notes=bool(change["new"]))
        for live in self.parts:
            live.redraw(self.report)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any] | None:
        return self.widget._repr_mimebundle_(**kwargs)


def report_page(report: GovernorReport) -> ReportPage:
    """The served report's controls, for the report workbook's page-only cell."""
    return ReportPage(report)
