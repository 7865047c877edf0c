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

from .content import Framework
from .evidence.actions import LOW_POSITIVE
from .evidence.gather import kpi_progress, progress_text

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "CURRENT_COLOUR",
    "PREVIOUS_COLOUR",
    "benchmark_scores_alt",
    "benchmark_scores_png",
    "figure",
    "kpi_progress_png",
    "maturity_profile_alt",
    "maturity_profile_png",
    "plain_text",
    "png_bytes",
    "previous_markers",
    "survey_png",
]

# Okabe-Ito palette: distinguishable with the common colour-vision deficiencies.
CURRENT_COLOUR = "#0072B2"
PREVIOUS_COLOUR = "#E69F00"
_UNAGREED = "#BBBBBB"
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


def figure(width: float, height: float, dpi: int) -> Figure:
    """A bare figure. matplotlib loads on the first chart drawn, so a page that shows none
    opens without it."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=dpi)


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
        import matplotlib

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
    fig = figure(11, height, dpi=110)
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
    fig = figure(11, 1.2 + 0.6 * len(scores), dpi=110)
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
    fig = figure(11, 1.4 + 0.62 * len(items), dpi=100)
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
    fig = figure(11, 1.3 + 0.6 * max(len(kpis), 1), dpi=100)
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
