"""Phase 2 as a page: the Gatsby Benchmark self-assessment and the strategic careers plan.

The plan editor rebuilds a `Plan` from what is on screen after every edit and hands it to
the session. A value that cannot be stored (a KPI target that is not a number, a due date in
the past on a new action) is explained next to its field and the last good value is kept.
Sentences (an action, its success measure, a milestone) sit in text areas: a single-line box
would drop the line breaks of a longer note, and the first keystroke would save it without them.
"""

from __future__ import annotations

from datetime import date
from html import escape

import ipywidgets as w

from ..charts import benchmark_scores_png
from ..model import KPI, Action, Milestone, Objective, Outcome, Plan, Priority, texts_to_items
from ..summary import benchmark_scores
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
from .session import ReviewSession

__all__ = ["GatsbyView", "PlanApp", "PlanEditor"]

CRITERION_CHOICES = [
    ("Achieved", "achieved"),
    ("In progress", "in_progress"),
    ("Not started", "not_started"),
]
STATUS_CHOICES = [
    ("Not started", "not_started"),
    ("In progress", "in_progress"),
    ("Done", "done"),
    ("Dropped", "dropped"),
]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_SMALL = {"description_width": "90px"}


def _error(text: str) -> str:
    return (
        f"<span class='cr-field-error' style='color:#b00020'>{escape(text)}</span>" if text else ""
    )


def link_options(session: ReviewSession) -> list[tuple[str, str]]:
    fw = session.framework
    return (
        [("Not linked", "")]
        + [(f"Theme: {t.name}", f"theme:{t.id}") for t in fw.themes]
        + [(f"Benchmark {b.number}: {b.name}", f"benchmark:{b.number}") for b in fw.benchmarks]
    )


class GatsbyView(View):
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
                self.on_edit(toggle, lambda v, c=criterion.id: v and session.set_criterion(c, v))
                self.marks[criterion.id] = toggle
                rows.append(
                    w.HBox([w.HTML(escape(criterion.text), layout=w.Layout(width="520px")), toggle])
                )
            self.scores[benchmark.number] = w.HTML()
            rows.append(self.scores[benchmark.number])
            blocks.append(w.VBox(rows))
        self.chart = w.Image(format="png", layout=w.Layout(width="100%", max_width="1000px"))
        self.chart.add_class("cr-benchmark-chart")
        self._drawn: tuple | None = None
        self.widget = w.VBox(
            [
                section(
                    "Gatsby Benchmark self-assessment",
                    "Mark each criterion; the % achieved per benchmark updates as you go.",
                ),
                *blocks,
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
        for score in scores:
            change = ""
            if score.change is not None:
                change = (
                    f"; {score.change:+.0f} points since {escape(session.previous.academic_year)}"
                )
            self.scores[score.number].value = (
                f"<p class='cr-benchmark-score'><strong>{score.percent:.0f}% achieved</strong> "
                f"({score.achieved} of {score.total} criteria, "
                f"{score.in_progress} in progress{change})</p>"
            )
        drawn = tuple(s.percent for s in scores)
        if drawn != self._drawn:
            self._drawn = drawn
            label = (
                f"Review {session.previous.academic_year}" if session.previous else "Last review"
            )
            self.chart.value = benchmark_scores_png(
                scores, title=f"{session.school.name}: Gatsby Benchmarks", previous_label=label
            )


class _Row:
    """One editable line of a list (an action, a milestone, a KPI) with its own messages."""

    def __init__(self, editor: PlanEditor, item_id: str) -> None:
        self.editor, self.id = editor, item_id
        self.remove = w.Button(description="Remove", icon="trash", layout=w.Layout(width="100px"))
        self.message = w.HTML()

    def watch(self, *widgets: w.Widget) -> None:
        for widget in widgets:
            self.editor.on_edit(widget, lambda _: self.editor.changed())


class ActionRow(_Row):
    def __init__(self, editor: PlanEditor, action: Action, new: bool) -> None:
        super().__init__(editor, action.id)
        self.new, self.stored_due = new, action.due_date
        self.what = w.Textarea(
            action.what,
            description="Action",
            placeholder="What will be done",
            continuous_update=True,
            rows=2,
            style=_SMALL,
            layout=w.Layout(width="520px"),
        )
        self.owner = w.Text(
            action.owner,
            description="Owner",
            continuous_update=True,
            style=_SMALL,
            layout=w.Layout(width="300px"),
        )
        self.due = w.DatePicker(value=action.due_date, description="Due", style=_SMALL)
        self.status = w.Dropdown(
            options=STATUS_CHOICES, value=action.status, description="Status", style=_SMALL
        )
        self.link = w.Dropdown(
            options=editor.links,
            value=action.link,
            description="Linked to",
            style=_SMALL,
            layout=w.Layout(width="520px"),
        )
        self.measure = w.Textarea(
            action.success_measure,
            description="Success measure",
            continuous_update=True,
            rows=2,
            style={"description_width": "120px"},
            layout=w.Layout(width="520px"),
        )
        self.watch(self.what, self.owner, self.due, self.status, self.link, self.measure)
        self.widget = w.VBox(
            [
                w.HBox([self.what, self.owner]),
                w.HBox([self.due, self.status, self.remove]),
                w.HBox([self.link]),
                w.HBox([self.measure]),
                self.message,
            ],
            layout=w.Layout(border="1px solid #ddd", padding="6px", margin="4px 0"),
        )
        self.widget.add_class("cr-action")

    def show(self, action: Action) -> None:
        self.what.value, self.owner.value = action.what, action.owner
        self.due.value = self.stored_due = action.due_date
        self.status.value, self.link.value = action.status, action.link
        self.measure.value = action.success_measure

    def to_model(self) -> Action:
        problems = []
        due = self.due.value
        if self.new and due is not None and due < self.editor.today and due != self.stored_due:
            problems.append("The due date is in the past: choose a date from today on.")
            due = self.stored_due
        self.stored_due = due
        if self.what.value.strip() and not self.owner.value.strip():
            problems.append("Every action needs an owner.")
        self.message.value = _error(" ".join(problems))
        return Action(
            id=self.id,
            what=self.what.value,
            owner=self.owner.value,
            due_date=due,
            status=self.status.value,
            link=self.link.value,
            success_measure=self.measure.value,
        )


class MilestoneRow(_Row):
    def __init__(self, editor: PlanEditor, milestone: Milestone) -> None:
        super().__init__(editor, milestone.id)
        self.what = w.Textarea(
            milestone.what,
            description="Milestone",
            continuous_update=True,
            rows=2,
            style=_SMALL,
            layout=w.Layout(width="520px"),
        )
        self.due = w.DatePicker(value=milestone.due_date, description="By", style=_SMALL)
        self.done = w.Checkbox(value=milestone.done, description="Reached", indent=False)
        self.watch(self.what, self.due, self.done)
        self.widget = w.HBox([self.what, self.due, self.done, self.remove])

    def show(self, milestone: Milestone) -> None:
        self.what.value, self.due.value = milestone.what, milestone.due_date
        self.done.value = milestone.done

    def to_model(self) -> Milestone:
        return Milestone(
            id=self.id, what=self.what.value, due_date=self.due.value, done=self.done.value
        )


class KPIRow(_Row):
    FIELDS = ("baseline", "target", "current")

    def __init__(self, editor: PlanEditor, kpi: KPI) -> None:
        super().__init__(editor, kpi.id)
        self.kept = {name: getattr(kpi, name) for name in self.FIELDS}
        self.name = w.Text(
            kpi.name,
            description="KPI",
            continuous_update=True,
            style=_SMALL,
            layout=w.Layout(width="420px"),
        )
        self.unit = w.Text(
            kpi.unit,
            description="Unit",
            placeholder="%",
            continuous_update=True,
            style={"description_width": "40px"},
            layout=w.Layout(width="140px"),
        )
        self.numbers = {
            name: w.Text(
                "" if value is None else f"{value:g}",
                description=name.capitalize(),
                continuous_update=True,
                style={"description_width": "60px"},
                layout=w.Layout(width="150px"),
            )
            for name, value in self.kept.items()
        }
        self.watch(self.name, self.unit, *self.numbers.values())
        self.widget = w.VBox(
            [
                w.HBox([self.name, self.unit, self.remove]),
                w.HBox(list(self.numbers.values())),
                self.message,
            ]
        )
        self.widget.add_class("cr-kpi")

    def to_model(self) -> KPI:
        bad = []
        for name, box in self.numbers.items():
            try:
                self.kept[name] = _number(box.value)
            except ValueError:
                bad.append(name)
        self.message.value = _error(
            f"The {' and '.join(bad)} must be a number; not saved until it is." if bad else ""
        )
        return KPI(id=self.id, name=self.name.value, unit=self.unit.value, **self.kept)

    def show(self, kpi: KPI) -> None:
        self.name.value, self.unit.value = kpi.name, kpi.unit
        for name, box in self.numbers.items():
            value = getattr(kpi, name)
            self.kept[name] = value
            if _number(box.value) != value:  # "95.0" being typed stays as typed
                box.value = "" if value is None else f"{value:g}"


def _number(text: str) -> float | None:
    """A number as typed in a KPI box: '1,200', '95%' and '' (none) are understood."""
    text = text.replace(",", "").replace("%", "").strip()
    return float(text) if text else None


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class PriorityEditor:
    def __init__(self, editor: PlanEditor, priority: Priority, new_actions: set[str]) -> None:
        self.editor, self.id = editor, priority.id
        self.objective_items = list(priority.objectives)
        self.title = w.Text(
            priority.title,
            description="Priority",
            continuous_update=True,
            style=_SMALL,
            layout=w.Layout(width="620px"),
        )
        self.link = w.Dropdown(
            options=editor.links,
            value=priority.link,
            description="From",
            style=_SMALL,
            layout=w.Layout(width="620px"),
        )
        self.objectives = w.Textarea(
            "\n".join(o.text for o in priority.objectives),
            description="Objectives",
            placeholder="One measurable, pupil-centred objective a line",
            continuous_update=True,
            style=_SMALL,
            layout=w.Layout(width="95%", height="80px"),
        )
        for widget in (self.title, self.link, self.objectives):
            editor.on_edit(widget, lambda _: editor.changed())
        self.actions = [
            self._track("actions", ActionRow(editor, a, a.id in new_actions))
            for a in priority.actions
        ]
        self.milestones = [
            self._track("milestones", MilestoneRow(editor, m)) for m in priority.milestones
        ]
        self.kpis = [self._track("kpis", KPIRow(editor, k)) for k in priority.kpis]
        self.lists = {"actions": w.VBox(), "milestones": w.VBox(), "kpis": w.VBox()}
        add = {
            "actions": w.Button(description="Add action", icon="plus"),
            "milestones": w.Button(description="Add milestone", icon="plus"),
            "kpis": w.Button(description="Add KPI", icon="plus"),
        }
        add["actions"].on_click(lambda _: self._add("actions"))
        add["milestones"].on_click(lambda _: self._add("milestones"))
        add["kpis"].on_click(lambda _: self._add("kpis"))
        self.add = add
        self.remove = w.Button(
            description="Remove this priority",
            icon="trash",
            button_style="warning",
            layout=w.Layout(width="auto"),
        )
        self.remove.on_click(lambda _: editor.remove_priority(self))
        self.notices = NoticesView(
            editor.session, lambda path: path[:3] == ("plan", "priorities", self.id)
        )
        for name in self.lists:
            self._show(name)
        self.widget = w.VBox(
            [
                self.title,
                self.link,
                self.objectives,
                w.HTML("<h4>Actions</h4>"),
                self.lists["actions"],
                add["actions"],
                w.HTML("<h4>Milestones</h4>"),
                self.lists["milestones"],
                add["milestones"],
                w.HTML("<h4>Key performance indicators</h4>"),
                self.lists["kpis"],
                add["kpis"],
                self.remove,
                self.notices.widget,
            ],
            layout=w.Layout(border="2px solid #0072B2", padding="10px", margin="8px 0"),
        )
        self.widget.add_class("cr-priority")

    def _rows(self, name: str) -> list[_Row]:
        return getattr(self, name)

    def _track(self, name: str, row: _Row) -> _Row:
        row.remove.on_click(lambda _: self._remove(name, row))
        return row

    def _show(self, name: str) -> None:
        self.lists[name].children = [row.widget for row in self._rows(name)]

    def _add(self, name: str) -> None:
        if name == "actions":
            row = ActionRow(self.editor, Action(), new=True)
            self.editor.new_actions.add(row.id)
        elif name == "milestones":
            row = MilestoneRow(self.editor, Milestone())
        else:
            row = KPIRow(self.editor, KPI())
        self._rows(name).append(self._track(name, row))
        self._show(name)
        self.editor.changed()

    def _remove(self, name: str, row: _Row) -> None:
        self._rows(name).remove(row)
        self._show(name)
        self.editor.changed()

    def show(self, priority: Priority) -> None:
        """Redraw from the session, keeping each row (and the box being typed in) in place."""
        self.title.value, self.link.value = priority.title, priority.link
        self.objective_items = list(priority.objectives)
        if _lines(self.objectives.value) != [o.text for o in priority.objectives]:
            self.objectives.value = "\n".join(o.text for o in priority.objectives)
        makers = {
            "actions": lambda a: ActionRow(self.editor, a, a.id in self.editor.new_actions),
            "milestones": lambda m: MilestoneRow(self.editor, m),
            "kpis": lambda k: KPIRow(self.editor, k),
        }
        for name, make in makers.items():
            rows = {row.id: row for row in self._rows(name)}
            shown = []
            for item in getattr(priority, name):
                row = rows.get(item.id)
                if row is None:
                    row = self._track(name, make(item))
                else:
                    row.show(item)
                shown.append(row)
            if [r.id for r in shown] != [r.id for r in self._rows(name)]:
                setattr(self, name, shown)
                self._show(name)

    def to_model(self) -> Priority:
        objectives = texts_to_items(self.objective_items, _lines(self.objectives.value), Objective)
        self.objective_items = objectives
        return Priority(
            id=self.id,
            title=self.title.value,
            link=self.link.value,
            objectives=objectives,
            actions=[r.to_model() for r in self.actions],
            milestones=[r.to_model() for r in self.milestones],
            kpis=[r.to_model() for r in self.kpis],
        )


class PlanEditor(View):
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
        for widget in (self.vision, self.intent):
            self.on_edit(widget, lambda _: self.changed())
        self.suggest = w.Button(
            description="Suggest priorities from the review",
            icon="lightbulb-o",
            layout=w.Layout(width="auto"),
        )
        self.suggest.on_click(lambda _: self._suggest())
        self.suggested = w.HTML()
        self.add_priority = w.Button(description="Add priority", icon="plus")
        self.add_priority.on_click(lambda _: self._add_priority())
        self.priority_box = w.VBox()
        self.priorities: list[PriorityEditor] = []
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
        for widget in self.outcomes.values():
            self.on_edit(widget, lambda _: self.changed())
        self.widget = w.VBox(
            [
                section("Strategic careers plan"),
                self.vision,
                self.intent,
                w.HTML("<h3>Strategic priorities</h3>"),
                w.HBox([self.suggest, self.suggested]),
                self.priority_box,
                self.add_priority,
                w.HTML("<h3>Careers learning outcomes by year group</h3>"),
                *self.outcomes.values(),
            ]
        )
        self.refresh()

    # -- editing --------------------------------------------------------------------------

    def collect(self) -> Plan:
        known = self.session.review.plan.learning_outcomes
        outcomes = {
            year: texts_to_items(known.get(year, []), _lines(box.value), Outcome)
            for year, box in self.outcomes.items()
        }
        # Year groups not shown here (a school without a sixth form) keep what they had.
        kept = {
            y: v for y, v in self.session.review.plan.learning_outcomes.items() if y not in outcomes
        }
        return Plan(
            vision=self.vision.value,
            intent=self.intent.value,
            priorities=[p.to_model() for p in self.priorities],
            learning_outcomes={**kept, **{y: v for y, v in outcomes.items() if v}},
        )

    def changed(self) -> None:
        if not self._syncing:
            self.session.set_plan(self.collect())

    def _add_priority(self, title: str = "", link: str = "") -> None:
        self.priorities.append(
            PriorityEditor(self, Priority(title=title, link=link), self.new_actions)
        )
        self.priority_box.children = [p.widget for p in self.priorities]
        self.changed()

    def remove_priority(self, editor: PriorityEditor) -> None:
        self.priorities.remove(editor)
        self.priority_box.children = [p.widget for p in self.priorities]
        self.changed()

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
                if _lines(box.value) != texts:
                    box.value = "\n".join(texts)
            editors = {p.id: p for p in self.priorities}
            shown = []
            for priority in plan.priorities:
                editor = editors.get(priority.id)
                if editor is None:
                    editor = PriorityEditor(self, priority, self.new_actions)
                else:
                    editor.show(priority)
                shown.append(editor)
            if [p.id for p in shown] != [p.id for p in self.priorities]:
                self.priorities = shown
                self.priority_box.children = [p.widget for p in self.priorities]


class ExportView:
    """The plan as Excel and Word files to download, built from what is saved."""

    def __init__(self, session: ReviewSession) -> None:
        self.session = session
        self.excel = w.Button(description="Excel (.xlsx)", icon="table")
        self.word = w.Button(description="Word (.docx)", icon="file-text")
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
