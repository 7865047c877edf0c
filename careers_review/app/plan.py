"""Phase 2 as a page: the Gatsby Benchmark self-assessment and the strategic careers plan.

The plan editor only edits: every change is one edit of the session's plan (the rules are
in `planning`), and the editor redraws from the session's plan, priority by priority.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from html import escape

import ipywidgets as w

from ..charts import benchmark_scores_alt, benchmark_scores_png
from ..planning import lines
from ..sections import Chart
from ..summary import benchmark_scores, criteria_assessed
from .common import (
    STYLE,
    WIDE_LABEL,
    NoticesView,
    SaveStatusView,
    View,
    download_link,
    lock_editing,
    section,
)
from .plan_rows import PriorityEditor
from .review_session import Removed, ReviewSession
from .undo import UndoBar

__all__ = ["GatsbyView", "PlanApp", "PlanEditor"]

CRITERION_CHOICES = [
    ("Achieved", "achieved"),
    ("In progress", "in_progress"),
    ("Not started", "not_started"),
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _if_chosen(setter: Callable[[str, str], None], key: str, value: str | None) -> None:
    if value:  # a toggle cleared by a redraw is not an edit
        setter(key, value)


def _outcomes(session: ReviewSession, year: str, text: str) -> None:
    session.set_outcomes(year, lines(text))


def link_options(session: ReviewSession) -> list[tuple[str, str]]:
    fw = session.framework
    return (
        [("Not linked", "")]
        + [(f"Theme: {t.name}", f"theme:{t.id}") for t in fw.themes]
        + [(f"Benchmark {b.number}: {b.name}", f"benchmark:{b.number}") for b in fw.benchmarks]
    )


class GatsbyView(View[ReviewSession]):
    """Each benchmark's criteria marked achieved / in progress / not started, and % achieved."""

    def __init__(self, session: ReviewSession) -> None:
        super().__init__(session)
        self.marks: dict[str, w.ToggleButtons] = {}
        self.scores: dict[int, w.HTML] = {}
        blocks = []
        for benchmark in session.framework.benchmarks:
            rows = [
                w.HTML(
                    f"<h3>{benchmark.number}. {escape(benchmark.name)}</h3>"
                    f"<p class='cr-muted'>{escape(benchmark.summary)}</p>"
                )
            ]
            for criterion in benchmark.criteria:
                toggle = w.ToggleButtons(
                    options=CRITERION_CHOICES, value=None, style={"button_width": "110px"}
                )
                self.on_edit(toggle, partial(_if_chosen, session.set_criterion, criterion.id))
                self.marks[criterion.id] = toggle
                rows.append(
                    w.HBox([w.HTML(escape(criterion.text), layout=w.Layout(width="520px")), toggle])
                )
            self.scores[benchmark.number] = w.HTML()
            rows.append(self.scores[benchmark.number])
            blocks.append(w.VBox(rows))
        # An image in HTML rather than an Image widget: it carries its text alternative.
        self.chart = w.HTML(layout=w.Layout(width="100%", max_width="1000px"))
        self.chart.add_class("cr-benchmark-chart")
        self.assessed = w.HTML()
        self.assessed.add_class("cr-assessed")
        self._drawn: tuple | None = None
        self.widget = w.VBox(
            [
                section(
                    "Gatsby Benchmark self-assessment",
                    "Mark each criterion; the % achieved per benchmark updates as you go.",
                ),
                *blocks,
                self.assessed,
                self.chart,
            ]
        )
        self.refresh()

    def refresh(self) -> None:
        with self.syncing():
            for criterion_id, toggle in self.marks.items():
                toggle.value = self.session.review.gatsby.get(criterion_id) or None
        self.refresh_scores()

    def refresh_scores(self) -> None:
        session = self.session
        scores = benchmark_scores(session.review, session.framework, session.previous)
        since = escape(session.previous.academic_year) if session.previous else ""
        for score in scores:
            if score.percent is None:
                self.scores[score.number].value = (
                    "<p class='cr-benchmark-score'><strong>Not assessed</strong> "
                    f"(0 of {score.total} criteria assessed yet)</p>"
                )
                continue
            change = ""
            if score.change is not None and since:
                change = f"; {score.change:+.0f} points since {since}"
                if score.compared < score.total:
                    change += f" on the {score.compared} criteria assessed in both years"
            self.scores[score.number].value = (
                f"<p class='cr-benchmark-score'><strong>{score.percent:.0f}% achieved</strong> "
                f"({score.achieved} achieved, {score.in_progress} in progress; "
                f"{score.assessed_text}{change})</p>"
            )
        self.assessed.value = f"<p><strong>{escape(criteria_assessed(scores))}</strong></p>"
        drawn = tuple((s.percent, s.previous_percent) for s in scores)
        if drawn != self._drawn:
            self._drawn = drawn
            label = f"Review {since}" if session.previous else "Last review"
            png = benchmark_scores_png(
                scores, title=f"{session.school.name}: Gatsby Benchmarks", previous_label=label
            )
            alt = benchmark_scores_alt(scores, previous_label=label if session.previous else "")
            self.chart.value = Chart(png, alt).html()


class PlanEditor(View[ReviewSession]):
    """Vision, priorities (with objectives, actions, milestones, KPIs) and learning outcomes."""

    def __init__(self, session: ReviewSession, today: date | None = None) -> None:
        super().__init__(session)
        self.today = today or date.today()
        self.links = link_options(session)
        self.new_actions: set[str] = set()
        self.vision = w.Textarea(
            description="Vision",
            continuous_update=True,
            style=WIDE_LABEL,
            placeholder="Where careers education at this school is heading",
            layout=w.Layout(width="95%", height="70px"),
        )
        self.intent = w.Textarea(
            description="Intent",
            continuous_update=True,
            style=WIDE_LABEL,
            placeholder="What every pupil should gain, and how leaders will know",
            layout=w.Layout(width="95%", height="70px"),
        )
        self.on_edit(self.vision, lambda v: session.edit_plan(vision=v))
        self.on_edit(self.intent, lambda v: session.edit_plan(intent=v))
        self.suggest = w.Button(
            description="Suggest priorities from the review",
            layout=w.Layout(width="auto"),
        )
        self.suggest.on_click(lambda _: self._suggest())
        self.suggested = w.HTML()
        self.add_priority = w.Button(description="Add priority")
        self.add_priority.on_click(lambda _: self._add_priority())
        self.priority_box = w.VBox()
        self.priorities: list[PriorityEditor] = []
        # One offer to undo the latest removal, shown next to where it was removed from.
        self.undo = UndoBar()
        self.undo_slot = w.VBox()
        years = range(7, 14) if session.school.sixth_form else range(7, 12)
        self.outcomes = {
            str(year): w.Textarea(
                description=f"Year {year}",
                continuous_update=True,
                style=WIDE_LABEL,
                placeholder="One careers learning outcome a line",
                layout=w.Layout(width="95%", height="55px"),
            )
            for year in years
        }
        for year, widget in self.outcomes.items():
            self.on_edit(widget, partial(_outcomes, session, year))
        self.widget = w.VBox(
            [
                section("Strategic careers plan"),
                self.vision,
                self.intent,
                w.HTML("<h3>Strategic priorities</h3>"),
                w.HBox([self.suggest, self.suggested]),
                self.priority_box,
                self.undo_slot,
                self.add_priority,
                w.HTML("<h3>Careers learning outcomes by year group</h3>"),
                *self.outcomes.values(),
            ]
        )
        self.part_lists = {name: w.VBox() for name in ("objectives", "actions", "measures")}
        self.part_boxes = {
            "objectives": w.VBox(
                [
                    w.HBox([self.suggest, self.suggested]),
                    self.part_lists["objectives"],
                    self.undo_slot,
                    self.add_priority,
                ]
            ),
            "actions": self.part_lists["actions"],
            "measures": self.part_lists["measures"],
            "outcomes": w.VBox(
                [
                    w.HTML(
                        "<p>One careers learning outcome a line, for each year group the "
                        "school teaches.</p>"
                    ),
                    *self.outcomes.values(),
                ]
            ),
        }
        self.refresh()
        self._lay_out()

    def part(self, name: str) -> w.VBox:
        """One part of the plan for every priority: "objectives", "actions", "measures"
        (milestones and KPIs), or "outcomes" (by year group), for a page in steps."""
        return self.part_boxes[name]

    def _lay_out(self) -> None:
        self.priority_box.children = [p.widget for p in self.priorities]
        for name in ("actions", "measures"):
            self.part_lists[name].children = [p.parts[name] for p in self.priorities] or [
                w.HTML("<p class='cr-muted'>Add a priority first, in the step before.</p>")
            ]
        self.part_lists["objectives"].children = [p.parts["objectives"] for p in self.priorities]

    # -- editing --------------------------------------------------------------------------

    def _add_priority(self) -> None:
        self.session.add_priority()
        self.refresh()

    def remove_priority(self, editor: PriorityEditor) -> None:
        """Remove at once, and offer it back for a few seconds."""
        removed = self.session.remove_priority(editor.id)
        self.refresh()
        self.offer_undo(removed, self.undo_slot)

    def offer_undo(self, removed: Removed, slot: w.Box) -> None:
        self.undo.offer(removed, lambda: self._put_back(removed), slot)

    def _put_back(self, removed: Removed) -> str:
        problem = self.session.put_back(removed)
        self.refresh()
        priority_id = removed.priority_id or removed.item.id
        back = next((p for p in self.priorities if p.id == priority_id), None)
        if not problem and back is not None:
            row = back.row(removed.kind, removed.item.id) if removed.priority_id else None
            (row.first if row is not None else back.title).focus()
        return problem

    def _suggest(self) -> None:
        added = self.session.seed_plan_priorities(include_benchmarks=True)
        self.refresh()
        self.suggested.value = (
            f"<span>{added} priorit{'y' if added == 1 else 'ies'} added from the review's priority "
            "themes and the weakest benchmarks.</span>"
            if added
            else "<span>The plan already covers the review's priorities.</span>"
        )

    # -- drawing --------------------------------------------------------------------------

    def refresh(self) -> None:
        plan = self.session.review.plan
        with self.syncing():
            self.vision.value = plan.vision
            self.intent.value = plan.intent
            for year, box in self.outcomes.items():
                texts = [o.text for o in plan.learning_outcomes.get(year, [])]
                if lines(box.value) != texts:
                    box.value = "\n".join(texts)
            editors = {p.id: p for p in self.priorities}
            shown = []
            for priority in plan.priorities:
                editor = editors.get(priority.id)
                if editor is None:
                    editor = PriorityEditor(self, priority)
                else:
                    editor.show(priority)
                shown.append(editor)
            if [p.id for p in shown] != [p.id for p in self.priorities]:
                self.priorities = shown
                self._lay_out()


class ExportView:
    """The plan as Excel and Word files to download, built from what is saved."""

    def __init__(self, session: ReviewSession) -> None:
        self.session = session
        self.excel = w.Button(description="Excel (.xlsx)")
        self.word = w.Button(description="Word (.docx)")
        self.links = w.HTML()
        self.excel.on_click(lambda _: self._prepare("xlsx"))
        self.word.on_click(lambda _: self._prepare("docx"))
        self.widget = w.VBox(
            [
                section("Take the plan away", "Prepare a file, then download it."),
                w.HBox([self.excel, self.word]),
                self.links,
            ]
        )
        self.widget.add_class("cr-plan-export")

    def _prepare(self, kind: str) -> None:
        from ..exports import plan_document, plan_workbook

        session = self.session
        session.flush()
        make, mime = (plan_workbook, XLSX) if kind == "xlsx" else (plan_document, DOCX)
        data = make(session.review, session.school, session.framework)
        name = f"{session.school.id}-plan-{session.review.academic_year.replace('/', '-')}.{kind}"
        self.links.value = download_link(name, data, mime, f"Download {name}")


class PlanApp:
    """The phase 2 page: self-assessment, the plan editor and the exports, wired together."""

    def __init__(self, session: ReviewSession, today: date | None = None) -> None:
        self.session = session
        self.status = SaveStatusView(session)
        self.gatsby = GatsbyView(session)
        self.plan = PlanEditor(session, today)
        # Each priority shows its own notices; this one shows the rest.
        self.notices = NoticesView(
            session, lambda path: not any(p.notices.claims(path) for p in self.plan.priorities)
        )
        self.export = ExportView(session)
        header = w.HTML(
            STYLE
            + f"<h1 class='cr-school-name'>{escape(session.school.name)}</h1>"
            + f"<p class='cr-muted'>Academic year {escape(session.review.academic_year)}</p>"
        )
        self.widget = w.VBox(
            [
                header,
                self.status.widget,
                self.notices.widget,
                self.gatsby.widget,
                self.plan.widget,
                self.export.widget,
            ]
        )
        self.widget.add_class("cr-app")
        if session.read_only:
            lock_editing(self.widget, keep=(self.export.excel, self.export.word))
        session.listen(self._on_session)

    def _on_session(self, what: str) -> None:
        if what == "notices":
            for view in (self.notices, *(p.notices for p in self.plan.priorities)):
                view.refresh()
            return
        self.status.refresh()
        if what == "document":
            self.gatsby.refresh()
            self.plan.refresh()
        else:
            self.gatsby.refresh_scores()
