"""Displayable sections: what a report, the hub summary and the impact page are made of.

A section is plain data (a heading, HTML, charts with their text alternatives and, where it
shows figures, the figures as a DataFrame), so a workbook cell can show it, a careers leader
can filter or chart its `.frame`, and nbconvert exports it exactly as it shows. Nothing here
imports ipywidgets: reports are built in kernels and processes that never draw a widget.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "PLAIN_TEXT",
    "Chart",
    "Section",
    "cell",
    "empty",
    "frame_of",
    "heading",
    "paragraph",
    "plural",
    "shorten",
    "table",
    "text",
]

# JupyterLab typesets `$...$` as maths; these classes keep a school's "$" plain text.
PLAIN_TEXT = "mathjax_ignore tex2jax_ignore"


def frame_of(
    rows: Sequence[Sequence[Any]] | Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    index: Sequence[object] | None = None,
    index_name: str = "",
) -> pd.DataFrame:
    """A section's figures as a DataFrame. pandas loads here, when figures are asked for, so a
    page that never shows a table does not wait for it."""
    import pandas as pd

    named = pd.Index(list(index), name=index_name or None) if index is not None else None
    return pd.DataFrame(list(rows), index=named, columns=list(columns))


@dataclass(frozen=True)
class Chart:
    """A PNG chart and the sentence that says what it shows, for those who cannot see it."""

    png: bytes
    alt: str

    def html(self) -> str:
        data = base64.b64encode(self.png).decode("ascii")
        return f"<img class='cr-chart' src='data:image/png;base64,{data}' alt='{escape(self.alt)}'>"


@dataclass(frozen=True)
class Section:
    """One part of a page or report. Displays itself in Jupyter and Voilà as static HTML."""

    key: str
    title: str
    html: str
    charts: tuple[Chart, ...] = ()
    frame: pd.DataFrame | None = field(default=None, compare=False, repr=False)
    css: str = "cr-report"
    #: The heading's level: 3 for a section that sits under another one on its page.
    level: int = 2

    def to_html(self) -> str:
        """The whole section: its heading, body and charts, in one block."""
        h = f"h{self.level}"
        title = (
            f"<{h} class='cr-section cr-section-{escape(self.key)}'>{escape(self.title)}</{h}>"
            if self.title
            else ""
        )
        charts = "".join(chart.html() for chart in self.charts)
        return (
            f"<div class='{self.css} {PLAIN_TEXT} cr-part-{escape(self.key)}'>"
            f"{title}{self.html}{charts}</div>"
        )

    def _repr_html_(self) -> str:
        return self.to_html()

    def __repr__(self) -> str:
        return f"<Section {self.key}: {self.title or 'untitled'}>"


def text(value: str) -> str:
    """User text as HTML: escaped, line breaks kept."""
    return escape(value).replace("\n", "<br>")


def cell(content: str, css: str = "", *, raw: bool = False) -> str:
    """One table cell; `content` is escaped unless `raw` (ready-made HTML)."""
    inner = content if raw else escape(content)
    return f"<td class='{css}'>{inner}</td>" if css else f"<td>{inner}</td>"


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    css: str = "",
    *,
    first: str = "",
    cells: bool = False,
    row_headers: bool = False,
) -> str:
    """An HTML table with a header row. Rows hold HTML (already escaped); with `cells` each
    row item is a ready-made `<td>` from `cell`. `first` widens the first column (a CSS width)
    so that names are not squeezed by a row of short figures. With `row_headers` the first
    item of each row heads its row (a table of label and value needs no empty header row:
    pass no `headers`)."""
    cols = f"<colgroup><col style='width: {first}'></colgroup>" if first else ""
    head = "".join(f"<th scope='col'>{escape(h)}</th>" for h in headers)
    thead = f"<thead><tr>{head}</tr></thead>" if headers else ""

    def row_html(row: Sequence[str]) -> str:
        if cells:
            return "".join(row)
        items = [f"<td>{c}</td>" for c in row]
        if row_headers and row:
            items[0] = f"<th scope='row'>{row[0]}</th>"
        return "".join(items)

    body = "".join(f"<tr>{row_html(row)}</tr>" for row in rows)
    return f"<table class='cr-table {PLAIN_TEXT} {css}'>{cols}{thead}<tbody>{body}</tbody></table>"


def heading(level: int, content: str, css: str = "") -> str:
    attribute = f" class='{css}'" if css else ""
    return f"<h{level}{attribute}>{escape(content)}</h{level}>"


def paragraph(content: str, css: str = "") -> str:
    attribute = f" class='{css}'" if css else ""
    return f"<p{attribute}>{escape(content)}</p>"


def empty(message: str) -> str:
    """What a section says when it has nothing to show."""
    return f"<p class='cr-empty {PLAIN_TEXT}'>{escape(message)}</p>"


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def shorten(value: str, width: int) -> str:
    """`value` cut to `width` characters, an ellipsis marking the cut: for chart labels."""
    return value if len(value) <= width else value[: width - 1].rstrip() + "…"
