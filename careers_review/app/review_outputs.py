"""What the review page gives back: the summary at a glance, every saved version, and the
report for governors to download."""

from __future__ import annotations

from html import escape

import ipywidgets as w

from ..charts import maturity_profile_alt, maturity_profile_png
from ..sections import Chart
from ..workspace import hide_paths
from .common import View, download_link
from .history import History, Preview, Sitting
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
    """Every saved version, grouped by sitting with who and what changed, and a way back to
    any of them: choosing one previews it, and only the button restores it."""

    #: How many sittings the list shows; every one of them can be chosen below it.
    SHOWN = 12

    def __init__(self, session: ReviewSession) -> None:
        super().__init__(session)
        self.model = History(session.store, session.kind, session.review.id, session.framework)
        self.sittings: list[Sitting] = []
        self.list = w.HTML()
        self.list.add_class("cr-history-list")
        self.choice = w.Dropdown(
            description="Look at the version of",
            style={"description_width": "auto"},
            layout=w.Layout(width="auto"),
        )
        self.choice.observe(lambda _: self._picked(), names="value")
        self.preview = w.HTML()
        self.preview.add_class("cr-history-preview")
        self.restore = w.Button(
            description="Restore this revision", layout=w.Layout(width="auto"), disabled=True
        )
        self.restore.on_click(lambda _: self._restore())
        self.done = w.HTML()
        self.widget = w.VBox(
            [
                w.HTML(
                    "<p>Every save is kept, a sitting at a time. Choose a version to see what "
                    "it holds and what restoring it would change; restoring adds it as the "
                    "newest version, so nothing in between is lost.</p>"
                ),
                self.list,
                self.choice,
                self.preview,
                self.restore,
                self.done,
            ]
        )
        self.widget.add_class("cr-history")
        self.refresh()

    def _chosen(self) -> Sitting | None:
        return next((s for s in self.sittings if s.number == self.choice.value), None)

    def _restore(self) -> None:
        sitting = self._chosen()
        if sitting is None:
            return
        self.session.restore(sitting.number)
        self.done.value = (
            f"<p class='cr-history-done'>The version of {escape(sitting.when)} is back, "
            "saved as the newest; the one before it is kept in the list.</p>"
        )

    def refresh(self) -> None:
        self.sittings = self.model.sittings(self.session.revisions())
        shown = self.sittings[: self.SHOWN]
        rows = "".join(
            f"<tr><td>{escape(s.when)}</td><td>{escape(s.who)}</td><td>{escape(s.what)}</td></tr>"
            for s in shown
        )
        more = len(self.sittings) - len(shown)
        self.list.value = (
            "<table class='cr-history-table'><caption>The latest sittings, newest first"
            "</caption><thead><tr><th scope='col'>When</th><th scope='col'>Who</th>"
            f"<th scope='col'>What changed</th></tr></thead><tbody>{rows}</tbody></table>"
            + (f"<p class='cr-muted'>And {more} earlier, to choose below.</p>" if more > 0 else "")
        )
        options = [(s.label, s.number) for s in self.sittings]
        kept = self.choice.value if any(n == self.choice.value for _, n in options) else None
        with self.syncing():
            self.choice.options = options
            self.choice.value = kept
        self._show_preview()

    def _picked(self) -> None:
        """Another version chosen: say what it holds (what was just restored is said no more)."""
        if not self._syncing:
            self.done.value = ""
        self._show_preview()

    def _show_preview(self) -> None:
        sitting = self._chosen()
        if sitting is None:
            self.preview.value = (
                "<p class='cr-muted'>Choose a version to see it before restoring it.</p>"
            )
            self.restore.disabled = True
            return
        found = self.model.preview(sitting, self.session.review)
        self.preview.value = _preview_html(found)
        self.restore.disabled = self.session.read_only or not (found.readable and found.restoring)


def _preview_html(found: Preview) -> str:
    """A version as the preview shows it: when and by whom, its levels beside today's, and
    what restoring it would change."""
    sitting = found.sitting
    head = (
        f"<h3>The version of {escape(sitting.when)}</h3>"
        f"<p>Saved by {escape(sitting.who)}. It changed: {escape(sitting.what)}.</p>"
    )
    if not found.readable:
        return head + "<p class='cr-field-error'>This version cannot be read back.</p>"
    rows = "".join(
        f"<tr class='{'cr-history-differs' if level.differs else 'cr-history-same'}'>"
        f"<th scope='row'>{escape(level.theme)}</th><td>{escape(level.then)}</td>"
        f"<td>{escape(level.now)}</td></tr>"
        for level in found.levels
    )
    levels = (
        "<table class='cr-history-levels'><caption>Agreed levels</caption><thead><tr>"
        "<th scope='col'>Theme</th><th scope='col'>In this version</th>"
        f"<th scope='col'>Now</th></tr></thead><tbody>{rows}</tbody></table>"
        if rows
        else ""
    )
    if found.restoring:
        items = "".join(f"<li>{escape(said)}</li>" for said in found.restoring)
        after = f"<p>Restoring it would change what is saved now:</p><ul>{items}</ul>"
    else:
        after = "<p>It holds the same as what is saved now: restoring it would change nothing.</p>"
    return head + levels + after


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
