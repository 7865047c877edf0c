"""The strategic careers plan as an Excel workbook, for a careers leader to filter and sort.

Everything in a plan was typed by someone, so it is treated as text and nothing else:

- Every piece of text is stored as a string, never as a formula or an error value; text that
  starts with ``=``, ``+``, ``-`` or ``@`` (after any spaces) also gets Excel's quote prefix,
  so editing the cell later cannot turn it into a formula either.
- Excel holds at most 32,767 characters in a cell. Longer text is not cut: it continues in the
  same column of the rows below, each part with a note saying "part 2 of 3", and joining the
  parts gives back exactly what was typed. Continuation rows repeat the first column (the
  priority, or the item) so that filtering keeps the parts together.
- Characters that an Office file cannot hold as they are (control characters other than tab and
  line breaks) are written with Excel's own ``_xHHHH_`` escape, and text that merely looks like
  such an escape has its underscore escaped, so Excel shows exactly what was typed.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .content import Framework
from .exports_wording import (
    NOT_XML,
    STATUS_LABELS,
    counts,
    link_label,
    priority_name,
    year_groups,
)
from .model import Action, Priority, Review, School

__all__ = ["DATE_FORMAT", "EXCEL_CELL_LIMIT", "SHEETS", "plan_workbook"]

#: The most characters (UTF-16 code units, as Excel counts them) one Excel cell can hold.
EXCEL_CELL_LIMIT = 32_767
#: British day-first dates; stored as real dates so they sort and filter as dates.
DATE_FORMAT = "DD/MM/YYYY"
#: Sheets of the plan workbook, in order.
SHEETS = (
    "Overview",
    "Priorities",
    "Objectives",
    "Actions",
    "Milestones",
    "KPIs",
    "Learning outcomes",
)

_LOOKS_ESCAPED = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")
_FORMULA_START = re.compile(r"^\s*[=+\-@]")
#: Excel's calendar starts in 1900 and gets its first two months wrong; earlier dates are typos.
_FIRST_EXCEL_DATE = date(1900, 3, 1)
_CONTINUED = "Excel holds at most 32,767 characters in a cell, so this text"


def _excel_escape(text: str) -> str:
    """ECMA-376 ST_Xstring: escape look-alike escapes first, then characters XML cannot hold."""
    text = _LOOKS_ESCAPED.sub("_x005F_", text)
    return NOT_XML.sub(
        lambda m: "\ufffd" if "\ud800" <= m[0] <= "\udfff" else f"_x{ord(m[0]):04X}_", text
    )


def _cost(text: str, index: int) -> int:
    """How much of a cell's budget one character uses, once escaped and counted as Excel does."""
    char = text[index]
    if char > "\uffff":
        return 2
    if NOT_XML.match(char):
        return 7
    if char == "_" and _LOOKS_ESCAPED.match(text, index):
        return 7
    return 1


def _excel_pieces(text: str, limit: int = EXCEL_CELL_LIMIT) -> list[str]:
    """Split text into escaped parts that each fit one cell, preferring to break after a space."""
    if len(text) * 7 <= limit:  # even if every character needed escaping, it would fit
        return [_excel_escape(text)]
    pieces: list[str] = []
    start = used = 0
    costs = [_cost(text, i) for i in range(len(text))]
    for index, cost in enumerate(costs):
        if used + cost > limit:
            window = max(start + 1, index - 2000)
            spaces = [text.rfind(ch, window, index) for ch in " \n\t"]
            cut = max(spaces) + 1 if max(spaces) >= window else index
            pieces.append(text[start:cut])
            start, used = cut, sum(costs[cut:index])
        used += cost
    pieces.append(text[start:])
    return [_excel_escape(piece) for piece in pieces]


@dataclass(frozen=True)
class _Column:
    header: str
    widest: int = 60
    number_format: str | None = None


_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="D9E2F3")
_HEADER_ALIGN = Alignment(wrap_text=True, vertical="center")
_BODY_ALIGN = Alignment(wrap_text=True, vertical="top")


def _put(cell: Cell, value: object, number_format: str | None) -> None:
    """Write one value; text is forced to stay text whatever it starts with."""
    if isinstance(value, date) and value < _FIRST_EXCEL_DATE:
        value = f"{value.day:02d}/{value.month:02d}/{value.year:04d}"  # a typo Excel can't show
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would make '=...' a formula and '#N/A' an error
        if _FORMULA_START.match(value):
            cell.quotePrefix = True
    elif isinstance(value, date):
        cell.number_format = DATE_FORMAT
    if number_format and not isinstance(value, str):
        cell.number_format = number_format
    cell.alignment = _BODY_ALIGN


def _shown_width(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, date):
        return len(DATE_FORMAT)
    if isinstance(value, str):
        return max((len(line) for line in value[:2000].splitlines()), default=0)
    return len(str(value))


def _write_table(
    ws: Worksheet, columns: Sequence[_Column], records: Sequence[Sequence[object]]
) -> None:
    """One table per sheet: bold frozen header, filter over every row, readable widths."""
    widths = [len(column.header) + 4 for column in columns]
    for index, column in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=index, value=column.header)
        cell.data_type = "s"
        cell.font, cell.fill, cell.alignment = _HEADER_FONT, _HEADER_FILL, _HEADER_ALIGN
    row = 2
    for record in records:
        parts = [
            _excel_pieces(value) if isinstance(value, str) else [value]
            for value in (None if value == "" else value for value in record)
        ]
        height = max(len(p) for p in parts)
        for offset in range(height):
            for index, (column, pieces) in enumerate(zip(columns, parts, strict=True), start=1):
                if offset < len(pieces):
                    value = pieces[offset]
                elif index == 1:
                    value = pieces[0]  # keep the group's name on continuation rows
                else:
                    continue
                cell = ws.cell(row=row + offset, column=index)
                _put(cell, value, column.number_format)
                if len(pieces) > 1:
                    cell.comment = _continuation_note(offset, len(pieces))
                widths[index - 1] = max(widths[index - 1], _shown_width(value) + 2)
        row += height
    last = get_column_letter(len(columns))
    ws.auto_filter.ref = f"A1:{last}{row - 1}"
    ws.freeze_panes = "A2"
    for index, (column, width) in enumerate(zip(columns, widths, strict=True), start=1):
        ws.column_dimensions[get_column_letter(index)].width = min(width, column.widest)
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _continuation_note(offset: int, total: int) -> Comment:
    where = "continues in the row below" if offset < total - 1 else "started in the rows above"
    note = Comment(f"Part {offset + 1} of {total}. {_CONTINUED} {where}.", "Careers review")
    note.width, note.height = 240, 90
    return note


def _action_rows(priority: Priority, name: str, framework: Framework) -> list[list[object]]:
    def row(action: Action) -> list[object]:
        return [
            name,
            action.what,
            link_label(action.link, framework),
            action.owner,
            action.due_date,
            STATUS_LABELS.get(action.status, action.status),
            action.success_measure,
        ]

    return [row(action) for action in priority.actions]


def plan_workbook(review: Review, school: School, framework: Framework) -> bytes:
    """The plan as an .xlsx: one filterable table per part of the plan, dates as real dates."""
    plan = review.plan
    named = [(priority_name(p, n), p) for n, p in enumerate(plan.priorities, start=1)]
    book = Workbook()
    overview = book.active
    overview.title = SHEETS[0]
    _write_table(
        overview,
        [_Column("Item", 24), _Column("Detail", 90)],
        [
            ["School", school.name],
            ["URN", school.urn],
            ["Academic year", review.academic_year],
            ["Review date", review.review_date],
            ["Careers leader", school.careers_leader.name],
            ["Link governor", school.link_governor],
            ["Vision", plan.vision],
            ["Intent", plan.intent],
            ["Priorities", counts(review)],
        ],
    )
    tables: list[tuple[list[_Column], list[list[object]]]] = [
        (
            [_Column("Number", 10), _Column("Priority", 60), _Column("Linked to", 50)],
            [[n, name, link_label(p.link, framework)] for n, (name, p) in enumerate(named, 1)],
        ),
        (
            [_Column("Priority", 40), _Column("Objective", 90)],
            [[name, objective.text] for name, p in named for objective in p.objectives],
        ),
        (
            [
                _Column("Priority", 40),
                _Column("Action", 60),
                _Column("Linked to", 40),
                _Column("Owner", 24),
                _Column("Due date", 14),
                _Column("Status", 14),
                _Column("Success measure", 50),
            ],
            [row for name, p in named for row in _action_rows(p, name, framework)],
        ),
        (
            [
                _Column("Priority", 40),
                _Column("Milestone", 60),
                _Column("Due date", 14),
                _Column("Done", 8),
            ],
            [
                [name, m.what, m.due_date, "Yes" if m.done else "No"]
                for name, p in named
                for m in p.milestones
            ],
        ),
        (
            [
                _Column("Priority", 40),
                _Column("KPI", 60),
                _Column("Unit", 20),
                _Column("Baseline", 12),
                _Column("Target", 12),
                _Column("Current", 12),
            ],
            [
                [name, k.name, k.unit, k.baseline, k.target, k.current]
                for name, p in named
                for k in p.kpis
            ],
        ),
        (
            [_Column("Year group", 14, '"Year "0'), _Column("Learning outcome", 100)],
            [
                [int(key) if key.isdigit() else key, text]
                for key, texts in year_groups(plan.learning_outcomes)
                for text in texts
            ],
        ),
    ]
    for title, (columns, records) in zip(SHEETS[1:], tables, strict=True):
        _write_table(book.create_sheet(title), columns, records)
    book.properties.title = _excel_escape(
        f"{school.name}: strategic careers plan {review.academic_year}"
    )
    book.properties.subject = f"Strategic careers plan {review.academic_year}"
    book.properties.creator = "Careers review"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
