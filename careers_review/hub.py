"""The hub summary: every school's latest review side by side, for a Careers Hub analyst.

The figures are pure functions over a `Hub` snapshot (each school's latest review and the
framework in use), so they can be tested without a kernel and reused in JupyterLab with pandas.
`show_hub_summary` lays them out as static HTML and PNG charts, the same way as the governor
report, so the batch's nbconvert template prints them on A4 without any widget.

Nothing here assumes a number of themes, levels, benchmarks, duties or key phases: all of them
come from the framework.
"""

from __future__ import annotations

import json
import os
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape
from pathlib import Path
from statistics import median_low

import pandas as pd
from matplotlib import colormaps
from matplotlib.colors import BoundaryNorm, ListedColormap, to_hex, to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from .batch import BATCH_FILE
from .charts import plain_text, png_bytes
from .content import Framework
from .errors import InputError
from .model import Review, School, academic_year_for, check_review
from .report import PLAIN_TEXT
from .store import Store
from .summary import PhaseCount, benchmark_scores, provider_access

__all__ = [
    "HEATMAP_ROWS",
    "NOT_AGREED_COLOUR",
    "BatchFailure",
    "BatchRecord",
    "Hub",
    "HubSection",
    "NotReviewed",
    "StatutoryGaps",
    "ThemeCount",
    "ThemeSpread",
    "hub_benchmarks",
    "hub_levels",
    "hub_sections",
    "level_colours",
    "levels_heatmap_png",
    "load_hub",
    "not_reviewed",
    "parse_school_ids",
    "priority_themes",
    "read_batch",
    "show_hub_summary",
    "statutory_gaps",
    "theme_spread",
    "theme_spread_png",
]

#: Schools per heatmap image: more would not fit on one A4 page, so longer hubs get several.
HEATMAP_ROWS = 25
#: Cells and bar segments with no agreed level: a light grey, also hatched for greyscale prints.
NOT_AGREED_COLOUR = "#D9D9D9"

_CHART_LABEL = 34  # characters of a school name shown on a chart; tables show it whole
_CHART_WIDTH = 9.5  # inches: printed across A4 the 12-point labels stay at about 9 points
_DUTY_GAPS = ("not_met", "not_sure", "")  # "" is a duty nobody has checked yet


# -- the snapshot ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Hub:
    """The schools in scope, each one's latest review, and what could not be included."""

    framework: Framework
    today: date
    academic_year: str
    schools: tuple[School, ...]
    reviews: Mapping[str, Review]
    problems: tuple[str, ...] = ()

    def review(self, school_id: str) -> Review | None:
        return self.reviews.get(school_id)

    @property
    def reviewed(self) -> tuple[School, ...]:
        """Schools with at least one review, whatever its year."""
        return tuple(s for s in self.schools if s.id in self.reviews)

    def label(self, school: School, width: int = 0) -> str:
        """A school's name, with the year of its latest review when that is not this year;
        with a width, the name (never the year) is shortened to fit a chart."""
        review = self.reviews.get(school.id)
        name = _short(school.name, width) if width else school.name
        if review is None:
            return f"{name} (no review)"
        if review.academic_year != self.academic_year:
            return f"{name} ({review.academic_year})"
        return name


def parse_school_ids(school_ids: str | Iterable[str] = "") -> list[str]:
    """Ids from the batch's comma-separated parameter (or a list), blanks and repeats dropped."""
    parts = school_ids.split(",") if isinstance(school_ids, str) else list(school_ids)
    return list(dict.fromkeys(p.strip() for p in parts if p and p.strip()))


def load_hub(
    store: Store,
    framework: Framework,
    school_ids: str | Iterable[str] = "",
    today: date | None = None,
) -> Hub:
    """Read the schools (all of them when no ids are given) and their latest reviews.

    An id the store does not know, or a review the framework cannot read, becomes a line in
    `problems` rather than an error: one bad row must not cost the hub its whole summary.
    """
    today = today or date.today()
    everyone = store.schools()
    wanted = parse_school_ids(school_ids)
    problems: list[str] = []
    if wanted:
        known = {s.id for s in everyone}
        problems += [f"{i}: not a school in this data directory" for i in wanted if i not in known]
        chosen = set(wanted)
        schools = [s for s in everyone if s.id in chosen]
    else:
        schools = everyone
    reviews: dict[str, Review] = {}
    for school in schools:
        review = store.latest_review(school.id)
        if review is None:
            continue
        try:
            check_review(review, framework, f"review {review.id}")
        except InputError as exc:
            problems.append(f"{exc} (what this framework cannot read is left out)")
        reviews[school.id] = review
    return Hub(
        framework=framework,
        today=today,
        academic_year=academic_year_for(today),
        schools=tuple(schools),
        reviews=reviews,
        problems=tuple(problems),
    )


# -- the figures ----------------------------------------------------------------------------


def _level(review: Review | None, theme_id: str, top: int) -> float:
    level = review.rating(theme_id).level if review else None
    return float(level) if level is not None and 1 <= level <= top else float("nan")


def hub_levels(hub: Hub) -> pd.DataFrame:
    """Schools (rows, by id) by themes (columns, by id): the agreed level, NaN where there is
    none, so the heatmap and any pandas analysis see the same numbers."""
    themes = [t.id for t in hub.framework.themes]
    top = len(hub.framework.levels)
    rows = [[_level(hub.review(s.id), t, top) for t in themes] for s in hub.schools]
    frame = pd.DataFrame(rows, index=[s.id for s in hub.schools], columns=themes, dtype=float)
    frame.index.name, frame.columns.name = "school_id", "theme_id"
    return frame


@dataclass(frozen=True)
class ThemeSpread:
    """How many schools sit at each level of one theme."""

    theme_id: str
    name: str
    counts: dict[int, int]
    not_agreed: int
    median: int | None

    @property
    def agreed(self) -> int:
        return sum(self.counts.values())


def theme_spread(hub: Hub) -> list[ThemeSpread]:
    """Per theme: schools at each level, schools without a level, and the median level.

    The median is the lower middle value (as for a review's overall level), so it is always a
    real level with a name. Every school in scope is counted, so each bar adds up to the hub.
    """
    frame = hub_levels(hub)
    numbers = [level.number for level in hub.framework.levels]
    spread = []
    for theme in hub.framework.themes:
        agreed = [int(v) for v in frame[theme.id].dropna()]
        spread.append(
            ThemeSpread(
                theme.id,
                theme.name,
                {n: agreed.count(n) for n in numbers},
                len(frame) - len(agreed),
                median_low(agreed) if agreed else None,
            )
        )
    return spread


@dataclass(frozen=True)
class NotReviewed:
    school_id: str
    name: str
    latest_year: str  # "never" when the school has no review at all


def not_reviewed(hub: Hub) -> list[NotReviewed]:
    """Schools whose latest review is not from this academic year, for the hub to follow up."""
    found = []
    for school in hub.schools:
        review = hub.review(school.id)
        if review is None or review.academic_year != hub.academic_year:
            found.append(
                NotReviewed(school.id, school.name, review.academic_year if review else "never")
            )
    return found


@dataclass(frozen=True)
class ThemeCount:
    theme_id: str
    name: str
    count: int
    school_ids: tuple[str, ...]


def priority_themes(hub: Hub) -> list[ThemeCount]:
    """Each theme with the schools that marked it a priority, most often chosen first: where
    hub-wide training or network meetings would reach most schools."""
    counts = []
    for theme in hub.framework.themes:
        ids = tuple(
            s.id for s in hub.reviewed if hub.reviews[s.id].rating(theme.id).focus == "priority"
        )
        counts.append(ThemeCount(theme.id, theme.name, len(ids), ids))
    order = {t.id: i for i, t in enumerate(hub.framework.themes)}
    return sorted(counts, key=lambda c: (-c.count, order[c.theme_id]))


def hub_benchmarks(hub: Hub) -> pd.DataFrame:
    """Schools (rows, by id) by benchmark number: % of criteria achieved. NaN where a school
    marked none of a benchmark's criteria, so 'not assessed' is never read as 0%."""
    numbers = [b.number for b in hub.framework.benchmarks]
    rows = []
    for school in hub.schools:
        review = hub.review(school.id)
        if review is None:
            rows.append([float("nan")] * len(numbers))
            continue
        row = []
        for benchmark, score in zip(
            hub.framework.benchmarks, benchmark_scores(review, hub.framework), strict=True
        ):
            assessed = any(review.gatsby.get(c.id) for c in benchmark.criteria)
            row.append(score.percent if assessed and score.total else float("nan"))
        rows.append(row)
    frame = pd.DataFrame(rows, index=[s.id for s in hub.schools], columns=numbers, dtype=float)
    frame.index.name, frame.columns.name = "school_id", "benchmark"
    return frame


@dataclass(frozen=True)
class StatutoryGaps:
    """What one school's latest review leaves open on the statutory checklist."""

    school_id: str
    name: str
    academic_year: str
    not_met: tuple[str, ...]
    not_sure: tuple[str, ...]
    unchecked: tuple[str, ...]
    below_minimum: tuple[PhaseCount, ...]

    @property
    def has_gaps(self) -> bool:
        return bool(self.not_met or self.not_sure or self.unchecked or self.below_minimum)


def statutory_gaps(hub: Hub) -> list[StatutoryGaps]:
    """Per reviewed school: duties not met, not sure or not yet checked, and the provider access
    key phases below the minimum. Key phases a school does not teach (the sixth-form phase
    at an 11-16 school) are left out, so the hub does not chase duties that do not apply."""
    framework = hub.framework
    found = []
    for school in hub.reviewed:
        review = hub.reviews[school.id]
        by_status: dict[str, list[str]] = {status: [] for status in _DUTY_GAPS}
        for duty in framework.statutory.duties:
            check = review.foundations.duties.get(duty.id)
            status = check.status if check else ""
            if status in by_status:
                by_status[status].append(duty.title)
        below = tuple(p for p in provider_access(review, framework, school) if not p.met)
        found.append(
            StatutoryGaps(
                school.id,
                school.name,
                review.academic_year,
                tuple(by_status["not_met"]),
                tuple(by_status["not_sure"]),
                tuple(by_status[""]),
                below,
            )
        )
    return found


@dataclass(frozen=True)
class BatchFailure:
    school_id: str
    name: str
    workbook: str
    cell: int | None
    error: str


@dataclass(frozen=True)
class BatchRecord:
    """What the batch's `batch.json` says: when it ran, how many schools ended how, and which
    failed."""

    path: Path
    started: str
    updated: str
    statuses: dict[str, int]
    failures: tuple[BatchFailure, ...]


def read_batch(batch_dir: str | os.PathLike[str]) -> BatchRecord:
    """Read DIR/batch.json, or raise InputError naming the file and what is wrong with it."""
    path = Path(batch_dir) / BATCH_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"{path}: not found (is this a batch output folder?)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read ({exc})") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: line {exc.lineno}: not valid JSON ({exc.msg})") from None
    schools = data.get("schools") if isinstance(data, dict) else None
    if not isinstance(schools, list) or not all(isinstance(s, dict) for s in schools):
        raise InputError(f"{path}: schools: expected a list of school results")
    statuses: dict[str, int] = {}
    failures = []
    for entry in schools:
        status = str(entry.get("status", ""))
        # Skipped on --resume: done by an earlier run from the same inputs, so a resumed round
        # reads as the straight run it ends as.
        status = "done" if status == "skipped" else status
        statuses[status] = statuses.get(status, 0) + 1
        if status == "failed":
            cell = entry.get("cell")
            failures.append(
                BatchFailure(
                    str(entry.get("school_id", "")),
                    str(entry.get("name", "")),
                    str(entry.get("failed_workbook", "")),
                    cell if isinstance(cell, int) else None,
                    str(entry.get("error", "")),
                )
            )
    return BatchRecord(
        path, str(data.get("started", "")), str(data.get("updated", "")), statuses, tuple(failures)
    )


# -- the charts -----------------------------------------------------------------------------


def level_colours(count: int) -> list[str]:
    """One colour per level from viridis, dark for the lowest level to light for the highest:
    distinguishable with the common colour-vision deficiencies and still ordered in greyscale."""
    cmap = colormaps["viridis"]
    if count == 1:
        return [to_hex(cmap(0.5))]
    return [to_hex(cmap(i / (count - 1))) for i in range(count)]


def _ink(colour: str) -> str:
    """Black or white text, whichever reads better on the colour."""
    r, g, b = to_rgb(colour)
    return "black" if 0.299 * r + 0.587 * g + 0.114 * b > 0.5 else "white"


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _legend_shape(levels: int) -> tuple[int, int]:
    """Columns and rows of the legend: one row up to five swatches, else two rows."""
    handles = levels + 1
    columns = handles if handles <= 5 else -(-handles // 2)
    return columns, -(-handles // columns)


def _level_legend(fig: Figure, framework: Framework) -> None:
    """Level colours and the hatched 'not agreed' swatch, in one row (two for long scales)."""
    colours = level_colours(len(framework.levels))
    handles = [
        Patch(facecolor=c, edgecolor="black", label=f"{lv.number} {lv.name}")
        for lv, c in zip(framework.levels, colours, strict=True)
    ]
    handles.append(
        Patch(facecolor=NOT_AGREED_COLOUR, edgecolor="black", hatch="//", label="Not agreed")
    )
    fig.legend(
        handles=handles,
        loc="lower center",
        ncol=_legend_shape(len(framework.levels))[0],
        fontsize=12,
        frameon=False,
        borderaxespad=0.3,
    )


@plain_text
def levels_heatmap_png(
    framework: Framework,
    levels: pd.DataFrame,
    labels: Sequence[str] | None = None,
    *,
    title: str = "",
) -> bytes:
    """Agreed level per school (down) and theme (across), the level written in each cell and
    one colour per level; cells with no level are grey and hatched."""
    themes = framework.themes
    top = len(framework.levels)
    frame = levels.reindex(columns=[t.id for t in themes])
    names = list(labels) if labels is not None else [str(i) for i in frame.index]
    rows, cols = frame.shape
    values = frame.to_numpy(dtype=float)
    shown = values.copy()
    shown[(shown != shown) | (shown < 1) | (shown > top)] = 0  # NaN and out of range: grey
    wrapped = [textwrap.fill(t.name, 16) for t in themes]
    header = 0.22 * max(s.count("\n") + 1 for s in wrapped)
    legend = 0.3 * _legend_shape(top)[1] + 0.25
    fig = Figure(figsize=(_CHART_WIDTH, 1.0 + header + legend + 0.36 * max(rows, 1)), dpi=110)
    ax = fig.subplots()
    cmap = ListedColormap([NOT_AGREED_COLOUR, *level_colours(top)])
    norm = BoundaryNorm([n - 0.5 for n in range(top + 2)], cmap.N)
    ax.imshow(shown, cmap=cmap, norm=norm, aspect="auto", interpolation="nearest")
    for r in range(rows):
        for c in range(cols):
            level = int(shown[r, c])
            if level:
                colour = cmap(level)
                ax.text(
                    c,
                    r,
                    str(level),
                    ha="center",
                    va="center",
                    fontsize=13,
                    fontweight="bold",
                    color=_ink(to_hex(colour)),
                )
            else:
                ax.add_patch(
                    Rectangle(
                        (c - 0.5, r - 0.5),
                        1,
                        1,
                        fill=False,
                        hatch="//",
                        edgecolor="#888888",
                        linewidth=0,
                    )
                )
    ax.set_xticks(range(cols), wrapped, fontsize=11)
    ax.set_yticks(range(rows), [_short(n, 48) for n in names], fontsize=12, parse_math=False)
    ax.xaxis.tick_top()
    ax.tick_params(length=0)
    ax.set_xticks([c - 0.5 for c in range(1, cols)], minor=True)
    ax.set_yticks([r - 0.5 for r in range(1, rows)], minor=True)
    ax.grid(which="minor", color="white", linewidth=2)
    ax.tick_params(which="minor", length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    if title:
        fig.suptitle(title, fontsize=15, x=0.02, ha="left")
    _level_legend(fig, framework)
    fig.tight_layout(rect=(0, legend / fig.get_figheight(), 1, 1))
    return png_bytes(fig, tight=False)


@plain_text
def theme_spread_png(
    framework: Framework, spread: Sequence[ThemeSpread], *, title: str = ""
) -> bytes:
    """Stacked bars: per theme, how many schools sit at each level (and how many have none)."""
    colours = level_colours(len(framework.levels))
    rows = list(range(len(spread)))[::-1]
    total = max((s.agreed + s.not_agreed for s in spread), default=0) or 1
    legend = 0.3 * _legend_shape(len(framework.levels))[1] + 0.25
    fig = Figure(figsize=(_CHART_WIDTH, 1.2 + legend + 0.7 * max(len(spread), 1)), dpi=110)
    ax = fig.subplots()
    left = [0] * len(spread)
    segments = [(lv.number, colours[i], "") for i, lv in enumerate(framework.levels)]
    segments.append((None, NOT_AGREED_COLOUR, "//"))
    for number, colour, hatch in segments:
        widths = [s.counts.get(number, 0) if number else s.not_agreed for s in spread]
        ax.barh(
            rows,
            widths,
            left=left,
            height=0.6,
            color=colour,
            hatch=hatch,
            edgecolor="#777777" if hatch else "black",
            linewidth=0.6,
            zorder=2,
        )
        for row, start, width in zip(rows, left, widths, strict=True):
            if width and width / total >= 0.03:
                ax.text(
                    start + width / 2,
                    row,
                    str(width),
                    ha="center",
                    va="center",
                    fontsize=12,
                    color=_ink(colour),
                    zorder=3,
                    # A plain patch behind the number keeps it readable over the hatching.
                    bbox={"facecolor": colour, "edgecolor": "none", "pad": 1.5} if hatch else None,
                )
        left = [a + b for a, b in zip(left, widths, strict=True)]
    ax.set_yticks(rows, [textwrap.fill(s.name, 28) for s in spread], fontsize=12)
    ax.set_xlim(0, total)
    ax.set_xlabel("Number of schools", fontsize=12)
    ax.tick_params(axis="x", labelsize=12)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.grid(axis="x", color="#DDDDDD", zorder=0)
    ax.spines[["top", "right"]].set_visible(False)
    if title:
        ax.set_title(title, fontsize=15, loc="left")
    _level_legend(fig, framework)
    fig.tight_layout(rect=(0, legend / fig.get_figheight(), 1, 1))
    return png_bytes(fig, tight=False)


# -- the sections ---------------------------------------------------------------------------


@dataclass(frozen=True)
class HubSection:
    """One part of the summary: a heading, its HTML, and its charts (a long hub has several
    heatmap pages)."""

    key: str
    title: str
    html: str
    charts: tuple[bytes, ...] = ()


def _table(headers: list[str], rows: list[list[str]], css: str = "", first: str = "") -> str:
    """An HTML table; `first` widens the first column (as a CSS width) so that school and theme
    names are not squeezed by a row of short figures. Marked `PLAIN_TEXT`, so that in
    JupyterLab a '$' in a school's name stays text."""
    cols = f"<colgroup><col style='width: {first}'></colgroup>" if first else ""
    head = "".join(f"<th scope='col'>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return (
        f"<table class='cr-table {PLAIN_TEXT} {css}'>{cols}<thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


def _none(message: str) -> str:
    return f"<p class='cr-empty {PLAIN_TEXT}'>{escape(message)}</p>"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _cover(hub: Hub, batch: BatchRecord | None) -> HubSection:
    count = len(hub.schools)
    current = count - len(not_reviewed(hub))
    html = (
        "<h1 class='cr-report-school'>Hub summary</h1>"
        "<p class='cr-report-subtitle'>Careers leadership across the hub's schools</p>"
        f"<p class='cr-report-date'>Academic year {escape(hub.academic_year)} · "
        f"{hub.today.day} {hub.today:%B %Y} · {_plural(count, 'school')}</p>"
    )
    rows = [
        ["Schools in this summary", str(count)],
        [f"Reviewed in {escape(hub.academic_year)}", f"{current} of {count}"],
        ["Maturity model", escape(hub.framework.maturity_model.name)],
    ]
    if batch is not None:
        done = ", ".join(f"{n} {escape(s)}" for s, n in sorted(batch.statuses.items()))
        rows.append(["Batch", done or "no schools recorded"])
    html += _table(["", ""], rows, "cr-cover")
    if hub.problems:
        items = "".join(f"<li>{escape(p)}</li>" for p in hub.problems)
        html += (
            "<h3 class='cr-sub'>Problems</h3><p>Some of what was asked for could not be "
            f"included:</p><ul class='cr-problems {PLAIN_TEXT}'>{items}</ul>"
        )
    return HubSection("cover", "", html)


def _levels_section(hub: Hub) -> HubSection:
    frame = hub_levels(hub)
    if not len(frame):
        return HubSection("levels", "Theme levels by school", _none("There are no schools."))
    labels = [hub.label(s, _CHART_LABEL) for s in hub.schools]
    charts = []
    for start in range(0, len(frame), HEATMAP_ROWS):
        part = frame.iloc[start : start + HEATMAP_ROWS]
        title = "Agreed level by school and theme"
        if len(frame) > HEATMAP_ROWS:
            last = min(start + HEATMAP_ROWS, len(frame))
            title += f" (schools {start + 1} to {last} of {len(frame)})"
        charts.append(
            levels_heatmap_png(
                hub.framework, part, labels[start : start + HEATMAP_ROWS], title=title
            )
        )
    levels = ", ".join(f"{lv.number} {escape(lv.name)}" for lv in hub.framework.levels)
    html = (
        f"<p>Each school's latest review. Levels run {levels}. A year after a school's name "
        "means its latest review is from an earlier year; grey, hatched cells have no agreed "
        "level.</p>"
    )
    if frame.isna().all().all():
        html = _none("No school has an agreed level for any theme yet.") + html
    return HubSection("levels", "Theme levels by school", html, tuple(charts))


def _spread_section(hub: Hub) -> HubSection:
    spread = theme_spread(hub)
    framework = hub.framework
    if not hub.schools or not any(s.agreed for s in spread):
        message = "No school has an agreed level for any theme yet, so there is no spread to show."
        return HubSection("spread", "The hub's spread per theme", _none(message))
    rows = [
        [
            escape(s.name),
            *(str(s.counts[lv.number]) for lv in framework.levels),
            str(s.not_agreed),
            escape(f"{s.median} {framework.maturity_model.level(s.median).name}")
            if s.median
            else "—",
        ]
        for s in spread
    ]
    headers = ["Theme", *(f"{lv.number} {lv.name}" for lv in framework.levels)]
    html = "<p>How many schools sit at each level of each theme, and the median level.</p>"
    html += _table([*headers, "Not agreed", "Median"], rows, "cr-spread", "26%")
    chart = theme_spread_png(framework, spread, title="Schools at each level, per theme")
    return HubSection("spread", "The hub's spread per theme", html, (chart,))


def _not_reviewed_section(hub: Hub) -> HubSection:
    title = f"Schools with no review in {hub.academic_year}"
    missing = not_reviewed(hub)
    if not hub.schools:
        return HubSection("not-reviewed", title, _none("There are no schools."))
    if not missing:
        html = f"<p>Every school has a review for {escape(hub.academic_year)}.</p>"
        return HubSection("not-reviewed", title, html)
    rows = [
        [
            escape(m.name),
            escape(m.school_id),
            "Never reviewed" if m.latest_year == "never" else escape(m.latest_year),
        ]
        for m in missing
    ]
    html = (
        f"<p>{_plural(len(missing), 'school')} of {len(hub.schools)} "
        f"{'has' if len(missing) == 1 else 'have'} not recorded a review this year.</p>"
    )
    html += _table(["School", "Id", "Latest review"], rows, "cr-not-reviewed")
    return HubSection("not-reviewed", title, html)


def _priorities_section(hub: Hub) -> HubSection:
    title = "Most common priority themes"
    reviewed = hub.reviewed
    counts = priority_themes(hub)
    if not reviewed or not any(c.count for c in counts):
        return HubSection("priorities", title, _none("No school has marked a theme a priority."))
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
    html += _table(["Theme", "Schools", "Which"], rows, "cr-priorities")
    return HubSection("priorities", title, html)


def _benchmarks_section(hub: Hub) -> HubSection:
    title = "Gatsby Benchmarks across schools"
    frame = hub_benchmarks(hub)
    if frame.isna().all().all():
        message = "No school has completed the Gatsby Benchmark self-assessment."
        return HubSection("benchmarks", title, _none(message))

    def cell(value: float) -> str:
        return "—" if value != value else f"{value:.0f}%"

    rows = [[escape(hub.label(s)), *(cell(v) for v in frame.loc[s.id])] for s in hub.schools]
    medians = frame.median(skipna=True)
    rows.append(["<strong>Median</strong>", *(f"<strong>{cell(v)}</strong>" for v in medians)])
    numbers = [str(b.number) for b in hub.framework.benchmarks]
    key = "".join(f"<li>{b.number}. {escape(b.name)}</li>" for b in hub.framework.benchmarks)
    html = (
        "<p>% of each benchmark's criteria achieved in each school's latest review; — where "
        "none of its criteria were assessed.</p>"
        + _table(["School", *numbers], rows, "cr-hub-benchmarks", "32%")
        + f"<ul class='cr-benchmark-key'>{key}</ul>"
    )
    return HubSection("benchmarks", title, html)


def _statutory_section(hub: Hub) -> HubSection:
    title = "Statutory gaps by school"
    if not hub.reviewed:
        return HubSection("statutory", title, _none("No school has a review to check."))
    gaps = statutory_gaps(hub)
    open_ = [g for g in gaps if g.has_gaps]
    labels = {s.id: hub.label(s) for s in hub.schools}

    def listed(items: Sequence[str]) -> str:
        return "<br>".join(escape(i) for i in items) or "—"

    html = (
        "<p>Duties each school's latest review records as not met, not sure or not yet "
        "checked, and key phases below the provider access minimum.</p>"
    )
    if open_:
        rows = [
            [
                escape(labels[g.school_id]),
                listed(g.not_met),
                listed(g.not_sure),
                listed(g.unchecked),
                listed([f"{p.name}: {p.count} of {p.minimum}" for p in g.below_minimum]),
            ]
            for g in open_
        ]
        headers = ["School", "Not met", "Not sure", "Not yet checked", "Provider access"]
        html += _table(headers, rows, "cr-hub-statutory")
    else:
        html += _none("No school has a statutory gap recorded.")
    clear = [g.name for g in gaps if not g.has_gaps]
    if clear:
        html += f"<p class='{PLAIN_TEXT}'>Nothing outstanding: {escape(', '.join(clear))}.</p>"
    never = [s.name for s in hub.schools if s.id not in hub.reviews]
    if never:
        html += (
            f"<p class='cr-muted {PLAIN_TEXT}'>Not checked, no review: "
            f"{escape(', '.join(never))}.</p>"
        )
    return HubSection("statutory", title, html)


def _failures_section(batch: BatchRecord | None, problem: str) -> HubSection:
    title = "Batch failures"
    if problem:
        return HubSection(
            "failures", title, _none(f"The batch record could not be read: {problem}")
        )
    assert batch is not None
    if not batch.failures:
        total = sum(batch.statuses.values())
        html = f"<p>Every school's workbooks ran without an error ({_plural(total, 'school')}).</p>"
        return HubSection("failures", title, html)
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
        f"<p>{_plural(len(batch.failures), 'school')} failed in this batch; the failed notebook "
        "is kept in each school's folder to show where it stopped.</p>"
        + _table(["School", "Id", "Workbook", "Cell", "Error"], rows, "cr-failures")
    )
    return HubSection("failures", title, html)


def hub_sections(hub: Hub, batch_dir: str | os.PathLike[str] = "") -> list[HubSection]:
    """The summary in order, ready to display or to test: the failures section only when a
    batch folder is given."""
    batch, problem = None, ""
    if batch_dir:
        try:
            batch = read_batch(batch_dir)
        except InputError as exc:
            problem = str(exc)
    sections = [
        _cover(hub, batch),
        _levels_section(hub),
        _spread_section(hub),
        _not_reviewed_section(hub),
        _priorities_section(hub),
        _benchmarks_section(hub),
        _statutory_section(hub),
    ]
    if batch_dir:
        sections.append(_failures_section(batch, problem))
    return sections


def show_hub_summary(
    data_dir: str = "",
    framework: str = "",
    batch_dir: str = "",
    school_ids: str = "",
    today: date | None = None,
) -> None:
    """Display the summary in a notebook: static HTML and PNG only, so nbconvert exports it as
    it shows and the governor report's A4 template prints it."""
    from IPython.display import HTML, Image, display

    from .workspace import open_workspace

    # The summary only reads: it works on a read-only mount or a backup, and never writes there.
    workspace = open_workspace(data_dir or None, framework or None, create=False, read_only=True)
    try:
        hub = load_hub(workspace.store, workspace.framework, school_ids, today)
    finally:
        workspace.close()
    for section in hub_sections(hub, batch_dir):
        heading = (
            f"<h2 class='cr-section cr-section-{section.key}'>{escape(section.title)}</h2>"
            if section.title
            else ""
        )
        display(HTML(f"<div class='cr-report'>{heading}{section.html}</div>"))
        for chart in section.charts:
            display(Image(data=chart, format="png"))
