"""What the review page gives back: the summary at a glance, every saved version, and the
report for governors to download."""

from __future__ import annotations

from html import escape

import ipywidgets as w

from ..charts import maturity_profile_alt, maturity_profile_png
from ..sections import Chart
from ..workspace import hide_paths
from .common import View, download_link
from .review_session import ReviewSession

__all__ = ["HistoryView", "ReportView", "SummaryView"]


class SummaryView(View[ReviewSession]):
    """The agreed profile at a glance, with last year's levels, strengths and priorities."""

    def __init__(self, session: ReviewSession) -> None:
        super().__init__(session)
        # An image in HTML rather than an Image widget: it carries its text alternative.
        self.chart = w.HTML(layout=w.Layout(width="100%", max_width="1000px"))
        self.chart.add_class("cr-summary-chart")
        self.lists = w.HTML()
        self.seed = w.Button(
            description="Start the plan with these priorities",
            layout=w.Layout(width="auto"),
        )
        self.seed_result = w.HTML()
        self.seed.on_click(lambda _: self._seed())
        self.widget = w.VBox([self.chart, self.lists])
        self.seed_box = w.HBox([self.seed, self.seed_result])
        self.widget.add_class("cr-summary")
        self._drawn: tuple | None = None
        self.refresh()

    def _seed(self) -> None:
        added = self.session.seed_plan_priorities()
        self.seed_result.value = (
            f"<span>{added} priority theme(s) added to the strategic plan.</span>"
            if added
            else "<span>The plan already starts from these priorities.</span>"
        )

    def refresh(self) -> None:
        session = self.session
        result = session.profile()
        levels = tuple(t.level for t in result.themes)
        previous = session.previous_levels()
        if self._drawn != levels:
            self._drawn = levels
            label = (
                f"Review {session.previous.academic_year}" if session.previous else "Last review"
            )
            now = {t.theme_id: t.level for t in result.themes}
            labels = {
                "previous_label": label,
                "current_label": f"Review {session.review.academic_year}",
            }
            png = maturity_profile_png(
                session.framework,
                now,
                previous,
                title=f"{session.school.name}: {session.review.academic_year}",
                **labels,
            )
            alt = maturity_profile_alt(session.framework, now, previous, **labels)
            self.chart.value = Chart(png, alt).html()

        def items(found) -> str:
            if not found:
                return "<li><em>none chosen yet</em></li>"
            return "".join(f"<li>{escape(t.name)} ({escape(t.level_name)})</li>" for t in found)

        planned = [p.title for p in session.review.plan.priorities]
        self.lists.value = (
            f"<p>{result.agreed} of {result.total} themes agreed; overall "
            f"<strong>{escape(result.overall_name)}</strong>.</p>"
            f"<h3>Strengths</h3><ul class='cr-strengths'>{items(result.strengths)}</ul>"
            f"<h3>Priorities</h3><ul class='cr-priorities'>{items(result.priorities)}</ul>"
            + (
                f"<p class='cr-muted'>Plan priorities so far: {escape('; '.join(planned))}</p>"
                if planned
                else ""
            )
        )
        self.seed.disabled = not result.priorities


class HistoryView(View[ReviewSession]):
    """Every saved revision, and a way back to any of them."""

    def __init__(self, session: ReviewSession) -> None:
        super().__init__(session)
        self.choice = w.Dropdown(description="Revision", layout=w.Layout(width="460px"))
        self.restore = w.Button(description="Restore this revision", layout=w.Layout(width="auto"))
        self.restore.on_click(lambda _: self._restore())
        self.widget = w.VBox(
            [
                w.HTML(
                    "<p>Every save is kept. Restoring adds the chosen revision as the newest; "
                    "nothing in between is lost.</p>"
                ),
                w.HBox([self.choice, self.restore]),
            ]
        )
        self.refresh()

    def _restore(self) -> None:
        if self.choice.value:
            self.session.restore(self.choice.value)

    def refresh(self) -> None:
        revisions = self.session.revisions()
        options = [
            (
                f"{r.number} · {r.saved_at.astimezone():%d %b %Y %H:%M:%S}"
                f" · {r.author or 'unknown'}",
                r.number,
            )
            for r in reversed(revisions)
        ]
        with self.syncing():
            self.choice.options = options
            self.choice.value = options[0][1] if options else None


class ReportView:
    """The governor report as PDF and HTML downloads, built from what is saved."""

    def __init__(self, session: ReviewSession) -> None:
        self.session = session
        self.button = w.Button(description="Export report", button_style="primary")
        self.button.on_click(lambda _: self.export())
        self.include_notes = w.Checkbox(
            value=False,
            description="Include the team's notes on each theme",
            indent=False,
            layout=w.Layout(width="auto"),
        )
        self.links = w.HTML()
        self.widget = w.VBox(
            [
                w.HTML(
                    "<p>A summary for governors as a PDF to print or send, and as a web page. "
                    "It takes a few seconds. The team's own notes on each theme are left out "
                    "unless you tick the box.</p>"
                ),
                w.HBox([self.button, self.include_notes]),
                self.links,
            ]
        )
        self.widget.add_class("cr-report-export")

    def export(self) -> None:
        from ..errors import CareersReviewError
        from ..report import html_to_pdf, render_report

        session = self.session
        session.flush()
        self.button.disabled = True
        self.links.value = "<p class='cr-muted'>Preparing the report…</p>"
        try:
            html = render_report(
                session.store.data_dir,
                session.review.id,
                include_notes=self.include_notes.value,
            )
            pdf = html_to_pdf(html.decode("utf-8"))
        except CareersReviewError as exc:
            self.links.value = (
                "<p class='cr-field-error'>The report could not be made: "
                f"{escape(hide_paths(str(exc), session.store.data_dir))}</p>"
            )
            return
        finally:
            self.button.disabled = False
        name = f"{session.school.id}-report-{session.review.academic_year.replace('/', '-')}"
        self.links.value = (
            download_link(f"{name}.pdf", pdf, "application/pdf", f"Download {name}.pdf")
            + " &nbsp; "
            + download_link(f"{name}.html", html, "text/html", f"Download {name}.html")
        )
