"""The hub summary's charts as PNG bytes: every school's level per theme, and how the
schools spread over the levels of each theme.

Drawn on a bare `Figure`, as the school charts in `charts` are; the colours follow the levels
(viridis, dark for the lowest) and a theme with no agreed level is grey and hatched, so each
chart reads in greyscale and with the common colour-vision deficiencies.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

from matplotlib import colormaps
from matplotlib.colors import BoundaryNorm, ListedColormap, to_hex, to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import MaxNLocator

from .charts import plain_text, png_bytes
from .content import Framework
from .sections import shorten

if TYPE_CHECKING:
    import pandas as pd

    from .hub import ThemeSpread

__all__ = ["NOT_AGREED_COLOUR", "level_colours", "levels_heatmap_png", "theme_spread_png"]

#: Hub cells and bar segments with no agreed level: a light grey, also hatched for greyscale.
NOT_AGREED_COLOUR = "#D9D9D9"
_HUB_WIDTH = 9.5  # inches: printed across A4 the 12-point labels stay at about 9 points


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
