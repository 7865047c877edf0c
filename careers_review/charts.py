"""Charts as PNG bytes: the same picture goes to the app, the notebook and the report.

Drawn on a bare `Figure` (no pyplot), so nothing depends on the kernel's backend and a chart
drawn in a widget callback never leaks into the notebook's output.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from functools import wraps
from io import BytesIO
from typing import TYPE_CHECKING, ParamSpec

import matplotlib
from matplotlib import colormaps
from matplotlib.colors import BoundaryNorm, ListedColormap, to_hex, to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import MaxNLocator

from .content import Framework
from .evidence.actions import LOW_POSITIVE
from .evidence.gather import kpi_progress, progress_text
from .sections import shorten

if TYPE_CHECKING:
    import pandas as pd

    from .hub import ThemeSpread

__all__ = [
    "CURRENT_COLOUR",
    "NOT_AGREED_COLOUR",
    "PREVIOUS_COLOUR",
    "benchmark_scores_alt",
    "benchmark_scores_png",
    "kpi_progress_png",
    "level_colours",
    "levels_heatmap_png",
    "maturity_profile_alt",
    "maturity_profile_png",
    "plain_text",
    "png_bytes",
    "previous_markers",
    "survey_png",
    "theme_spread_png",
]

# Okabe-Ito palette: distinguishable with the common colour-vision deficiencies.
CURRENT_COLOUR = "#0072B2"
PREVIOUS_COLOUR = "#E69F00"
_UNAGREED = "#BBBBBB"
#: Hub cells and bar segments with no agreed level: a light grey, also hatched for greyscale.
NOT_AGREED_COLOUR = "#D9D9D9"
_HUB_WIDTH = 9.5  # inches: printed across A4 the 12-point labels stay at about 9 points
P = ParamSpec("P")


def previous_markers(
    ax, points: Sequence[tuple[float, float]], label: str, size: float = 120
) -> None:
    """Last time's values as black-edged orange diamonds: one look for 'before' on every chart."""
    if points:
        ax.scatter(
            [x for x, _ in points],
            [y for _, y in points],
            marker="D",
            s=size,
            color=PREVIOUS_COLOUR,
            edgecolor="black",
            linewidth=1.2,
            label=label,
            zorder=3,
        )


def png_bytes(fig: Figure, *, tight: bool = True) -> bytes:
    """The figure as PNG bytes: what the apps show and the reports embed."""
    if tight:
        fig.tight_layout()
    buffer = BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def plain_text(draw: Callable[P, bytes]) -> Callable[P, bytes]:
    """Draw with mathtext off: a '$' in a school or theme name is text, not a formula."""

    @wraps(draw)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> bytes:
        with matplotlib.rc_context({"text.parse_math": False}):
            return draw(*args, **kwargs)

    return wrapper


@plain_text
def maturity_profile_png(
    framework: Framework,
    levels: dict[str, int | None],
    previous: dict[str, int | None] | None = None,
    *,
    title: str = "",
    previous_label: str = "Last review",
    current_label: str = "This review",
) -> bytes:
    """Agreed level per theme as horizontal bars, the previous review's as diamonds."""
    themes = framework.themes
    top = len(framework.levels)
    height = 1.2 + 0.75 * len(themes)
    fig = Figure(figsize=(11, height), dpi=110)
    ax = fig.subplots()
    rows = list(range(len(themes)))[::-1]
    agreed = [levels.get(t.id) for t in themes]
    ax.barh(
        rows,
        [level or 0 for level in agreed],
        height=0.55,
        color=[CURRENT_COLOUR if level else _UNAGREED for level in agreed],
        label=current_label,
        zorder=2,
    )
    for row, level in zip(rows, agreed, strict=True):
        if level is None:
            ax.text(0.08, row, "not agreed yet", va="center", fontsize=12, color="#444444")
    if previous:
        points = [(previous.get(t.id), row) for t, row in zip(themes, rows, strict=True)]
        previous_markers(ax, [(x, y) for x, y in points if x], previous_label, size=140)
    ax.set_yticks(rows, [t.name for t in themes], fontsize=13)
    ax.set_xticks(
        range(1, top + 1), [f"{lv.number} {lv.name}" for lv in framework.levels], fontsize=12
    )
    ax.set_xlim(0, top + 0.3)
    ax.set_ylim(-0.7, len(themes) - 0.3)
    ax.grid(axis="x", color="#DDDDDD", zorder=0)
    ax.spines[["top", "right"]].set_visible(False)
    if title:
        ax.set_title(title, fontsize=15, loc="left")
    ax.legend(loc="upper center", bbox_to_anchor=(0.4, -0.12), ncol=2, fontsize=12, frameon=False)
    return png_bytes(fig)


@plain_text
def benchmark_scores_png(
    scores: list, *, title: str = "", previous_label: str = "Last review"
) -> bytes:
    """% of assessed criteria achieved per Gatsby Benchmark, last review's % as diamonds; a
    benchmark with nothing assessed yet says so instead of showing an empty bar."""
    fig = Figure(figsize=(11, 1.2 + 0.6 * len(scores)), dpi=110)
    ax = fig.subplots()
    rows = list(range(len(scores)))[::-1]
    ax.barh(
        rows,
        [s.percent or 0 for s in scores],
        height=0.55,
        color=CURRENT_COLOUR,
        label="Achieved now",
        zorder=2,
    )
    for row, score in zip(rows, scores, strict=True):
        at = 1.5 if score.percent is None else min(score.percent, 88) + 1.5
        colour = "#444444" if score.percent is None else "black"
        ax.text(at, row, score.percent_text, va="center", fontsize=12, color=colour)
    before = [
        (s.previous_percent, row)
        for s, row in zip(scores, rows, strict=True)
        if s.previous_percent is not None
    ]
    previous_markers(ax, before, previous_label, size=110)
    ax.set_yticks(rows, [f"{s.number} {s.name}" for s in scores], fontsize=12)
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of the criteria assessed that are achieved", fontsize=12)
    ax.grid(axis="x", color="#DDDDDD", zorder=0)
    ax.spines[["top", "right"]].set_visible(False)
    if title:
        ax.set_title(title, fontsize=15, loc="left")
    ax.legend(loc="upper center", bbox_to_anchor=(0.4, -0.15), ncol=2, fontsize=12, frameon=False)
    return png_bytes(fig)


def benchmark_scores_alt(scores: list, *, previous_label: str = "") -> str:
    """What the benchmark chart shows, in words: each benchmark's % (or "not assessed") and,
    with a previous review, its %, for those who cannot see the chart."""
    now = "; ".join(f"{s.number} {s.name} {s.percent_text}" for s in scores)
    assessed = sum(s.assessed for s in scores)
    total = sum(s.total for s in scores)
    text = (
        f"Gatsby Benchmarks, % of the criteria assessed that are achieved "
        f"({assessed} of {total} criteria assessed): {now}."
    )
    earlier = [s for s in scores if s.previous_percent is not None]
    if previous_label and earlier:
        text += f" {previous_label}: " + "; ".join(
            f"{s.number} {s.previous_percent:.0f}%" for s in earlier
        )
        text += "."
    return text


def maturity_profile_alt(
    framework: Framework,
    levels: dict[str, int | None],
    previous: dict[str, int | None] | None = None,
    *,
    current_label: str = "This review",
    previous_label: str = "Last review",
) -> str:
    """What the maturity chart shows, in words: each theme's level of the scale now and, with
    a previous review, then; "not agreed yet" where a theme has no level."""
    top = len(framework.levels)

    def said(found: dict[str, int | None]) -> str:
        return "; ".join(
            f"{t.name} {found[t.id]} of {top}" if found.get(t.id) else f"{t.name} not agreed yet"
            for t in framework.themes
        )

    text = f"Maturity level per theme, {current_label}: {said(levels)}."
    if previous and any(previous.values()):
        text += f" {previous_label}: {said(previous)}."
    return text


# -- the hub summary's charts ------------------------------------------------------------


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
    fig = Figure(figsize=(_HUB_WIDTH, 1.0 + header + legend + 0.36 * max(rows, 1)), dpi=110)
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
    ax.set_yticks(range(rows), [shorten(n, 48) for n in names], fontsize=12, parse_math=False)
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
    fig = Figure(figsize=(_HUB_WIDTH, 1.2 + legend + 0.7 * max(len(spread), 1)), dpi=110)
    ax = fig.subplots()
    left = [0] * len(spread)
    segments: list[tuple[int | None, str, str]] = [
        (lv.number, colours[i], "") for i, lv in enumerate(framework.levels)
    ]
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
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(axis="x", color="#DDDDDD", zorder=0)
    ax.spines[["top", "right"]].set_visible(False)
    if title:
        ax.set_title(title, fontsize=15, loc="left")
    _level_legend(fig, framework)
    fig.tight_layout(rect=(0, legend / fig.get_figheight(), 1, 1))
    return png_bytes(fig, tight=False)


# -- the impact evaluation's charts ------------------------------------------------------


def _bars(ax, values: list, labels: list[str], width: int, xlabel: str, title: str, key="") -> None:
    """Horizontal bars on a 0-100 scale, the first value at the top, `key` in the legend."""
    rows = list(range(len(values)))[::-1]
    shown = [min(max(v or 0, 0), 100) for v in values]
    ax.barh(rows, shown, height=0.55, color=CURRENT_COLOUR, label=key or None, zorder=2)
    wrapped = [textwrap.fill(label, width, max_lines=3, placeholder=" …") for label in labels]
    ax.set_yticks(rows, wrapped, fontsize=10)
    ax.set(xlim=(0, 100), ylim=(-0.7, len(values) - 0.3))
    ax.set_xlabel(xlabel, fontsize=11)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(title, fontsize=14, loc="left")


@plain_text
def survey_png(survey, changes=None, *, title: str = "", previous_label: str = "") -> bytes:
    """A `SurveyResults`' % agreeing per statement, 60% marked, earlier %s as diamonds."""
    items = list(survey.items)
    fig = Figure(figsize=(11, 1.4 + 0.62 * len(items)), dpi=100)
    ax = fig.subplots()
    values = [survey.percent_positive(item) for item in items]
    xlabel = f"% agree or strongly agree (dashed line: {LOW_POSITIVE:g}%)"
    _bars(ax, values, items, 46, xlabel, title, survey.academic_year)
    for row, value in zip(range(len(items) - 1, -1, -1), values, strict=True):
        text = "no answers" if value is None else f"{value:.0f}%"
        inside = (value or 0) >= 8  # at the bar's start, clear of the earlier survey's diamond
        colour, weight = ("white", "bold") if inside else ("black", "normal")
        at = 1.2 if inside else (value or 0) + 1.2
        ax.text(at, row, text, va="center", size=11, color=colour, weight=weight, zorder=4)
    before = [(c.previous, len(items) - 1 - i) for i, c in enumerate(changes or ())]
    points: list[tuple[float, float]] = [(x, y) for x, y in before if x is not None]
    previous_markers(ax, points, previous_label or "Earlier survey", size=90)
    ax.axvline(LOW_POSITIVE, color="black", linestyle="--", linewidth=1.2, alpha=0.7, zorder=2.5)
    ax.grid(axis="x", color="#EEEEEE", zorder=0)
    ax.legend(loc="upper center", bbox_to_anchor=(0.4, -0.1), ncol=2, fontsize=11, frameon=False)
    return png_bytes(fig)


@plain_text
def kpi_progress_png(kpis: list, *, title: str = "") -> bytes:
    """Progress from baseline to target per KPI as bars on a 0-100% track."""
    fig = Figure(figsize=(11, 1.3 + 0.6 * max(len(kpis), 1)), dpi=100)
    ax = fig.subplots()
    ax.barh(range(len(kpis)), [100] * len(kpis), height=0.55, color="#DDDDDD", zorder=1)
    progress = [kpi_progress(kpi) for kpi in kpis]
    labels = [kpi.name or "(no name)" for kpi in kpis]
    _bars(ax, progress, labels, 40, "% of the way from baseline to target", title)
    box = {"facecolor": "white", "edgecolor": "none", "alpha": 0.8, "pad": 1.5}
    for row, kpi, value in zip(range(len(kpis) - 1, -1, -1), kpis, progress, strict=True):
        reached = " (target reached)" if value is not None and value >= 100 else ""
        ax.text(2, row, progress_text(kpi) + reached, va="center", fontsize=11, zorder=3, bbox=box)
    return png_bytes(fig)
