"""The hub summary's sections: one pure function per part of the summary, each taking the
loaded `HubSummary` and returning a `Section` that displays itself.

The hub summary workbook calls them one cell each, so a hub analyst can drop, reorder or add a
part and the exported summary follows. Each section that shows figures carries them as a
DataFrame in `.frame`, ready for pandas. Nothing here imports ipywidgets, and matplotlib only
loads when a chart is drawn.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

import pandas as pd

from . import hub as figures
from .errors import InputError
from .hub import BatchRecord, Hub
from .sections import PLAIN_TEXT, Chart, Section, empty, plural, table

__all__ = [
    "HEATMAP_ROWS",
    "SECTIONS",
    "HubSummary",
    "benchmarks",
    "cover",
    "failures",
    "hub_sections",
    "hub_summary",
    "levels",
    "not_reviewed",
    "priorities",
    "spread",
    "statutory",
    "summarise",
]

#: Schools per heatmap image: more would not fit on one A4 page, so longer hubs get several.
HEATMAP_ROWS = 25
_CHART_LABEL = 34  # characters of a school name shown on a chart; tables show it whole


@dataclass(frozen=True)
class HubSummary:
    """What the summary is made from: the hub's snapshot and, when a batch made it, the batch
    record (or why that record could not be read)."""

    hub: Hub
    batch_dir: str = ""
    batch: BatchRecord | None = None
    problem: str = ""


def summarise(hub: Hub, batch_dir: str | os.PathLike[str] = "") -> HubSummary:
    """The summary of a loaded hub, reading DIR/batch.json when a batch folder is given; a
    record that cannot be read becomes the failures section's message, not an error."""
    batch, problem = None, ""
    if batch_dir:
        try:
            batch = figures.read_batch(batch_dir)
        except InputError as exc:
            problem = str(exc)
    return HubSummary(hub, str(batch_dir or ""), batch, problem)


def hub_summary(
    data_dir: str = "",
    framework: str = "",
    batch_dir: str = "",
    school_ids: str = "",
    today: date | None = None,
) -> HubSummary:
    """Load the summary for a workbook: the data directory is opened read-only (so a backup or
    a read-only mount will do) and closed again before anything is shown."""
    from .workspace import open_workspace

    workspace = open_workspace(data_dir or None, framework or None, create=False, read_only=True)
    try:
        hub = figures.load_hub(workspace.store, workspace.framework, school_ids, today)
    finally:
        workspace.close()
    return summarise(hub, batch_dir)


def cover(summary: HubSummary) -> Section:
    hub, batch = summary.hub, summary.batch
    count = len(hub.schools)
    current = count - len(figures.not_reviewed(hub))
    html = (
        "<h1 class='cr-report-school'>Hub summary</h1>"
        "<p class='cr-report-subtitle'>Careers leadership across the hub's schools</p>"
        f"<p class='cr-report-date'>Academic year {escape(hub.academic_year)} · "
        f"{hub.today.day} {hub.today:%B %Y} · {plural(count, 'school')}</p>"
    )
    rows = [
        ["Schools in this summary", str(count)],
        [f"Reviewed in {escape(hub.academic_year)}", f"{current} of {count}"],
        ["Maturity model", escape(hub.framework.maturity_model.name)],
    ]
    if batch is not None:
        done = ", ".join(f"{n} {escape(s)}" for s, n in sorted(batch.statuses.items()))
        rows.append(["Batch", done or "no schools recorded"])
    html += table((), rows, "cr-cover", row_headers=True)
    if hub.problems:
        items = "".join(f"<li>{escape(p)}</li>" for p in hub.problems)
        html += (
            "<h3 class='cr-sub'>Problems</h3><p>Some of what was asked for could not be "
            f"included:</p><ul class='cr-problems {PLAIN_TEXT}'>{items}</ul>"
        )
    return Section("cover", "", html)


def _heatmap_alt(hub: Hub, start: int, stop: int) -> str:
    themes = len(hub.framework.themes)
    which = f"schools {start + 1} to {stop} of {len(hub.schools)}"
    if stop - start == len(hub.schools):
        which = plural(len(hub.schools), "school")
    return (
        f"Grid of the agreed level, 1 to {len(hub.framework.levels)}, for {which} (one row "
        f"each) in each of the {themes} themes (one column each); grey hatched cells have no "
        "agreed level. The same figures are in the table of this section's data."
    )


def levels(summary: HubSummary) -> Section:
    from .hub_charts import levels_heatmap_png  # matplotlib: only when drawn

    hub = summary.hub
    title = "Theme levels by school"
    frame = figures.hub_levels(hub)
    if not len(frame):
        return Section("levels", title, empty("There are no schools."), frame=frame)
    labels = [hub.label(s, _CHART_LABEL) for s in hub.schools]
    charts = []
    for start in range(0, len(frame), HEATMAP_ROWS):
        stop = min(start + HEATMAP_ROWS, len(frame))
        heading = "Agreed level by school and theme"
        if len(frame) > HEATMAP_ROWS:
            heading += f" (schools {start + 1} to {stop} of {len(frame)})"
        png = levels_heatmap_png(
            hub.framework, frame.iloc[start:stop], labels[start:stop], title=heading
        )
        charts.append(Chart(png, _heatmap_alt(hub, start, stop)))
    named = ", ".join(f"{lv.number} {escape(lv.name)}" for lv in hub.framework.levels)
    html = (
        f"<p>Each school's latest review. Levels run {named}. A year after a school's name "
        "means its latest review is from an earlier year; grey, hatched cells have no agreed "
        "level.</p>"
    )
    if frame.isna().all().all():
        html = empty("No school has an agreed level for any theme yet.") + html
    return Section("levels", title, html, tuple(charts), frame)


def spread(summary: HubSummary) -> Section:
    from .hub_charts import theme_spread_png  # matplotlib: only when drawn

    hub = summary.hub
    framework = hub.framework
    title = "The hub's spread per theme"
    found = figures.theme_spread(hub)
    columns = [f"{lv.number} {lv.name}" for lv in framework.levels]
    frame = pd.DataFrame(
        [
            [s.name, *(s.counts[lv.number] for lv in framework.levels), s.not_agreed, s.median]
            for s in found
        ],
        index=pd.Index([s.theme_id for s in found], name="theme_id"),
        columns=["theme", *columns, "not agreed", "median"],
    )
    if not hub.schools or not any(s.agreed for s in found):
        message = "No school has an agreed level for any theme yet, so there is no spread to show."
        return Section("spread", title, empty(message), frame=frame)
    rows = [
        [
            escape(s.name),
            *(str(s.counts[lv.number]) for lv in framework.levels),
            str(s.not_agreed),
            escape(f"{s.median} {framework.maturity_model.level(s.median).name}")
            if s.median
            else "—",
        ]
        for s in found
    ]
    html = "<p>How many schools sit at each level of each theme, and the median level.</p>"
    html += table(["Theme", *columns, "Not agreed", "Median"], rows, "cr-spread", first="26%")
    png = theme_spread_png(framework, found, title="Schools at each level, per theme")
    alt = (
        f"Stacked bar chart, one bar for each of the {len(found)} themes, of how many of the "
        f"{plural(len(hub.schools), 'school')} sit at each level, with schools that have no "
        "agreed level in grey hatching at the end of each bar."
    )
    return Section("spread", title, html, (Chart(png, alt),), frame)


def not_reviewed(summary: HubSummary) -> Section:
    hub = summary.hub
    title = f"Schools with no review in {hub.academic_year}"
    missing = figures.not_reviewed(hub)
    frame = pd.DataFrame(
        [[m.name, m.latest_year] for m in missing],
        index=pd.Index([m.school_id for m in missing], name="school_id"),
        columns=["school", "latest review"],
    )
    if not hub.schools:
        return Section("not-reviewed", title, empty("There are no schools."), frame=frame)
    if not missing:
        html = f"<p>Every school has a review for {escape(hub.academic_year)}.</p>"
        return Section("not-reviewed", title, html, frame=frame)
    rows = [
        [
            escape(m.name),
            escape(m.school_id),
            "Never reviewed" if m.latest_year == "never" else escape(m.latest_year),
        ]
        for m in missing
    ]
    html = (
        f"<p>{plural(len(missing), 'school')} of {len(hub.schools)} "
        f"{'has' if len(missing) == 1 else 'have'} not recorded a review this year.</p>"
    )
    html += table(["School", "Id", "Latest review"], rows, "cr-not-reviewed")
    return Section("not-reviewed", title, html, frame=frame)


def priorities(summary: HubSummary) -> Section:
    hub = summary.hub
    title = "Most common priority themes"
    reviewed = hub.reviewed
    counts = figures.priority_themes(hub)
    frame = pd.DataFrame(
        [[c.name, c.count, ", ".join(c.school_ids)] for c in counts],
        index=pd.Index([c.theme_id for c in counts], name="theme_id"),
        columns=["theme", "schools", "school_ids"],
    )
    if not reviewed or not any(c.count for c in counts):
        message = "No school has marked a theme a priority."
        return Section("priorities", title, empty(message), frame=frame)
    names = {s.id: s.name for s in hub.schools}
    rows = [
        [
            escape(c.name),
            f"{c.count} of {len(reviewed)}",
            escape(", ".join(names[i] for i in c.school_ids)) or "—",
        ]
        for c in counts
    ]
    html = "<p>How many schools marked each theme a priority in their latest review.</p>"
    html += table(["Theme", "Schools", "Which"], rows, "cr-priorities")
    return Section("priorities", title, html, frame=frame)


def _percent(value: float) -> str:
    return "—" if value != value else f"{value:.0f}%"


def benchmarks(summary: HubSummary) -> Section:
    hub = summary.hub
    title = "Gatsby Benchmarks across schools"
    frame = figures.hub_benchmarks(hub)
    if frame.isna().all().all():
        message = "No school has completed the Gatsby Benchmark self-assessment."
        return Section("benchmarks", title, empty(message), frame=frame)
    percents: dict[str, list[float]] = {
        school: [float(v) for v in values]
        for school, values in zip(frame.index, frame.to_numpy(dtype=float).tolist(), strict=True)
    }
    criteria = sum(len(b.criteria) for b in hub.framework.benchmarks)
    rows = [
        [
            escape(hub.label(s)),
            *(_percent(v) for v in percents[s.id]),
            escape(_assessed(hub, s.id, criteria)),
        ]
        for s in hub.schools
    ]
    medians = frame.median(skipna=True)
    rows.append(
        ["<strong>Median</strong>", *(f"<strong>{_percent(v)}</strong>" for v in medians), ""]
    )
    numbers = [str(b.number) for b in hub.framework.benchmarks]
    key = "".join(f"<li>{b.number}. {escape(b.name)}</li>" for b in hub.framework.benchmarks)
    html = (
        "<p>% of the criteria assessed that are achieved, per benchmark, in each school's "
        "latest review; — where none of its criteria were assessed. The last column says how "
        "many of the criteria each school has assessed.</p>"
        + table(["School", *numbers, "Criteria assessed"], rows, "cr-hub-benchmarks", first="28%")
        + f"<ul class='cr-benchmark-key'>{key}</ul>"
    )
    return Section("benchmarks", title, html, frame=frame)


def _assessed(hub: Hub, school_id: str, criteria: int) -> str:
    """ "x of y" criteria a school's latest review assessed ("no review" without one)."""
    review = hub.review(school_id)
    if review is None:
        return "no review"
    ids = {c.id for b in hub.framework.benchmarks for c in b.criteria}
    return f"{sum(1 for i in ids if review.gatsby.get(i))} of {criteria}"


def _listed(items: Iterable[str]) -> str:
    return "<br>".join(escape(i) for i in items) or "—"


def statutory(summary: HubSummary) -> Section:
    hub = summary.hub
    title = "Statutory gaps by school"
    gaps = figures.statutory_gaps(hub)
    frame = pd.DataFrame(
        [
            [
                g.name,
                len(g.not_met),
                len(g.not_sure),
                len(g.unchecked),
                len(g.below_minimum),
            ]
            for g in gaps
        ],
        index=pd.Index([g.school_id for g in gaps], name="school_id"),
        columns=["school", "not met", "not sure", "not yet checked", "key phases below minimum"],
    )
    if not hub.reviewed:
        return Section("statutory", title, empty("No school has a review to check."), frame=frame)
    labels = {s.id: hub.label(s) for s in hub.schools}
    html = (
        "<p>Duties each school's latest review records as not met, not sure or not yet "
        "checked, and key phases below the provider access minimum.</p>"
    )
    open_ = [g for g in gaps if g.has_gaps]
    if open_:
        rows = [
            [
                escape(labels[g.school_id]),
                _listed(g.not_met),
                _listed(g.not_sure),
                _listed(g.unchecked),
                _listed(f"{p.name}: {p.count} of {p.minimum}" for p in g.below_minimum),
            ]
            for g in open_
        ]
        headers = ["School", "Not met", "Not sure", "Not yet checked", "Provider access"]
        html += table(headers, rows, "cr-hub-statutory")
    else:
        html += empty("No school has a statutory gap recorded.")
    clear = [g.name for g in gaps if not g.has_gaps]
    if clear:
        html += f"<p class='{PLAIN_TEXT}'>Nothing outstanding: {escape(', '.join(clear))}.</p>"
    never = [s.name for s in hub.schools if s.id not in hub.reviews]
    if never:
        html += (
            f"<p class='cr-muted {PLAIN_TEXT}'>Not checked, no review: "
            f"{escape(', '.join(never))}.</p>"
        )
    return Section("statutory", title, html, frame=frame)


def failures(summary: HubSummary) -> Section:
    title = "Batch failures"
    batch = summary.batch
    if summary.problem:
        message = f"The batch record could not be read: {summary.problem}"
        return Section("failures", title, empty(message))
    if batch is None:
        message = "This summary was not made by a batch run, so there are no failures to list."
        return Section("failures", title, empty(message))
    frame = pd.DataFrame(
        [[f.name, f.workbook, f.cell, f.error] for f in batch.failures],
        index=pd.Index([f.school_id for f in batch.failures], name="school_id"),
        columns=["school", "workbook", "cell", "error"],
    )
    if not batch.failures:
        total = sum(batch.statuses.values())
        html = f"<p>Every school's workbooks ran without an error ({plural(total, 'school')}).</p>"
        return Section("failures", title, html, frame=frame)
    rows = [
        [
            escape(f.name or f.school_id),
            escape(f.school_id),
            escape(f.workbook) or "—",
            "—" if f.cell is None else str(f.cell),
            escape(f.error) or "—",
        ]
        for f in batch.failures
    ]
    html = (
        f"<p>{plural(len(batch.failures), 'school')} failed in this batch; the failed notebook "
        "is kept in each school's folder to show where it stopped.</p>"
        + table(["School", "Id", "Workbook", "Cell", "Error"], rows, "cr-failures")
    )
    return Section("failures", title, html, frame=frame)


#: The summary's sections in their usual order, as the hub summary workbook shows them.
SECTIONS: Sequence[Callable[[HubSummary], Section]] = (
    cover,
    levels,
    spread,
    not_reviewed,
    priorities,
    benchmarks,
    statutory,
    failures,
)


def hub_sections(hub: Hub, batch_dir: str | os.PathLike[str] = "") -> list[Section]:
    """The summary in order, ready to display or to test: the failures section only when a
    batch folder is given."""
    summary = summarise(hub, batch_dir)
    return [part(summary) for part in SECTIONS if batch_dir or part is not failures]
