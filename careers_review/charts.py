"""Charts as PNG bytes: the same picture goes to the app, the notebook and the report.

Drawn on a bare `Figure` (no pyplot), so nothing depends on the kernel's backend and a chart
drawn in a widget callback never leaks into the notebook's output.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from io import BytesIO
from typing import ParamSpec

import matplotlib
from matplotlib.figure import Figure

from .content import Framework

__all__ = [
    "CURRENT_COLOUR",
    "PREVIOUS_COLOUR",
    "benchmark_scores_png",
    "maturity_profile_png",
    "plain_text",
    "png_bytes",
    "previous_markers",
]

# Okabe-Ito palette: distinguishable with the common colour-vision deficiencies.
CURRENT_COLOUR = "#0072B2"
PREVIOUS_COLOUR = "#E69F00"
_UNAGREED = "#BBBBBB"
P = ParamSpec("P")


def previous_markers(ax, points: list[tuple[float, float]], label: str, size: float = 120) -> None:
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
    """% of criteria achieved per Gatsby Benchmark, with last review's % as diamonds."""
    fig = Figure(figsize=(11, 1.2 + 0.6 * len(scores)), dpi=110)
    ax = fig.subplots()
    rows = list(range(len(scores)))[::-1]
    ax.barh(
        rows,
        [s.percent for s in scores],
        height=0.55,
        color=CURRENT_COLOUR,
        label="Achieved now",
        zorder=2,
    )
    for row, score in zip(rows, scores, strict=True):
        ax.text(
            min(score.percent, 88) + 1.5, row, f"{score.percent:.0f}%", va="center", fontsize=12
        )
    before = [
        (s.previous_percent, row)
        for s, row in zip(scores, rows, strict=True)
        if s.previous_percent is not None
    ]
    previous_markers(ax, before, previous_label, size=110)
    ax.set_yticks(rows, [f"{s.number} {s.name}" for s in scores], fontsize=12)
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of criteria achieved", fontsize=12)
    ax.grid(axis="x", color="#DDDDDD", zorder=0)
    ax.spines[["top", "right"]].set_visible(False)
    if title:
        ax.set_title(title, fontsize=15, loc="left")
    ax.legend(loc="upper center", bbox_to_anchor=(0.4, -0.15), ncol=2, fontsize=12, frameon=False)
    return png_bytes(fig)
