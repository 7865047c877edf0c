"""The strategic careers plan as an Excel workbook and a Word document.

These files are for people: a careers leader who filters and sorts actions in Excel, and governors
who read the plan in Word. JSON stays the format for moving a review between stores.

Everything in a plan was typed by someone, so it is treated as text and nothing else:

- In Excel every piece of text is stored as a string, never as a formula or an error value; text
  that starts with ``=``, ``+``, ``-`` or ``@`` (after any spaces) also gets Excel's quote prefix,
  so editing the cell later cannot turn it into a formula either.
- Excel holds at most 32,767 characters in a cell. Longer text is not cut: it continues in the
  same column of the rows below, each part with a note saying "part 2 of 3", and joining the
  parts gives back exactly what was typed. Continuation rows repeat the first column (the
  priority, or the item) so that filtering keeps the parts together.
- Characters that an Office file cannot hold as they are (control characters other than tab and
  line breaks) are written with Excel's own ``_xHHHH_`` escape, and text that merely looks like
  such an escape has its underscore escaped, so Excel shows exactly what was typed. Word has no
  escape for them; there they become the replacement character (U+FFFD), and a Windows line
  break (CR LF) becomes one line break rather than two.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm
from docx.table import _Cell
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .content import Framework
from .errors import InputError
from .files import atomic_write_bytes
from .model import Action, Outcome, Priority, Review, School

__all__ = [
    "DATE_FORMAT",
    "EXCEL_CELL_LIMIT",
    "PLAN_FORMATS",
    "SHEETS",
    "STATUS_LABELS",
    "link_label",
    "plan_document",
    "plan_workbook",
    "write_plan",
]

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
STATUS_LABELS = {
    "not_started": "Not started",
    "in_progress": "In progress",
    "done": "Done",
    "dropped": "Dropped",
}
NO_PRIORITIES = "No priorities yet"

_MONTHS = (
    *("January", "February", "March", "April", "May", "June"),
    *("July", "August", "September", "October", "November", "December"),
)
# Characters XML 1.0 cannot carry: C0 controls except tab, LF and CR; lone surrogates; two
# non-characters.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_LOOKS_ESCAPED = re.compile(r"_(?=x[0-9A-Fa-f]{4}_)")
_FORMULA_START = re.compile(r"^\s*[=+\-@]")
#: Excel's calendar starts in 1900 and gets its first two months wrong; earlier dates are typos.
_FIRST_EXCEL_DATE = date(1900, 3, 1)
_CONTINUED = "Excel holds at most 32,767 characters in a cell, so this text"


# --- shared wording ---------------------------------------------------------------------------


def link_label(link: str, framework: Framework) -> str:
    """A plan link in words ('Theme: Leaders' vision'), so nobody has to decode an id."""
    kind, _, ref = link.partition(":")
    if kind == "theme":
        try:
            return f"Theme: {framework.maturity_model.theme(ref).name}"
        except KeyError:
            return f"Theme: {ref.replace('_', ' ').capitalize()}"
    if kind == "benchmark":
        try:
            return f"Benchmark {ref}: {framework.benchmark(int(ref)).name}"
        except KeyError:
            return f"Benchmark {ref}"
    return ""


def _long_date(day: date) -> str:
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _priority_name(priority: Priority, number: int) -> str:
    return priority.title if priority.title.strip() else f"Priority {number} (untitled)"


def _year_groups(outcomes: dict[str, list[Outcome]]) -> list[tuple[str, list[str]]]:
    """Year groups in school order (7, 8, ... 13), then any named groups as entered."""
    keys = list(outcomes)
    ordered = sorted(keys, key=lambda k: (0, int(k), 0) if k.isdigit() else (1, 0, keys.index(k)))
    return [(key, [outcome.text for outcome in outcomes[key]]) for key in ordered]


def _year_label(key: str) -> str:
    return f"Year {int(key)}" if key.isdigit() else key


def _number(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _counts(review: Review) -> str:
    priorities = review.plan.priorities
    if not priorities:
        return f"{NO_PRIORITIES}: add them to the strategic careers plan, then export again."
    parts = [
        (len(priorities), "priority", "priorities"),
        (sum(len(p.actions) for p in priorities), "action", "actions"),
        (sum(len(p.milestones) for p in priorities), "milestone", "milestones"),
        (sum(len(p.kpis) for p in priorities), "KPI", "KPIs"),
    ]
    return ", ".join(f"{n} {one if n == 1 else many}" for n, one, many in parts)


# --- Excel ------------------------------------------------------------------------------------


def _excel_escape(text: str) -> str:
    """ECMA-376 ST_Xstring: escape look-alike escapes first, then characters XML cannot hold."""
    text = _LOOKS_ESCAPED.sub("_x005F_", text)
    return _NOT_XML.sub(
        lambda m: "\ufffd" if "\ud800" <= m[0] <= "\udfff" else f"_x{ord(m[0]):04X}_", text
    )


def _cost(text: str, index: int) -> int:
    """How much of a cell's budget one character uses, once escaped and counted as Excel does."""
    char = text[index]
    if char > "\uffff":
        return 2
    if _NOT_XML.match(char):
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
    named = [(_priority_name(p, n), p) for n, p in enumerate(plan.priorities, start=1)]
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
            ["Priorities", _counts(review)],
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
                for key, texts in _year_groups(plan.learning_outcomes)
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


# --- Word -------------------------------------------------------------------------------------


def _word(text: str) -> str:
    """Word breaks a line once per CR and once per LF; one typed line break should stay one."""
    return _NOT_XML.sub("\ufffd", text.replace("\r\n", "\n").replace("\r", "\n"))


def _set_cell(cell: _Cell, value: str | list[str], *, bold: bool = False) -> None:
    """Fill a table cell: one paragraph for a string, a bullet per item for a list."""
    if isinstance(value, str):
        cell.paragraphs[0].add_run(_word(value)).bold = bold
        return
    first = True
    for item in value:
        paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
        paragraph.style = "List Bullet"
        paragraph.add_run(_word(item))
        first = False


#: What a Word table cell shows: text, bullets, or text with a quieter second line.
_WordCell = str | list[str] | tuple[str, str]


def _table(doc: DocxDocument, headers: Sequence[str], rows: Sequence[Sequence[_WordCell]]) -> None:
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    header = table.rows[0]
    repeat = OxmlElement("w:tblHeader")  # repeat the header row on each printed page
    repeat.set(qn("w:val"), "true")
    header._tr.get_or_add_trPr().append(repeat)
    for cell, text in zip(header.cells, headers, strict=True):
        _set_cell(cell, text, bold=True)
    for values in rows:
        for cell, value in zip(table.add_row().cells, values, strict=True):
            if isinstance(value, tuple):
                _set_cell(cell, value[0])
                cell.add_paragraph().add_run(_word(value[1])).italic = True
            else:
                _set_cell(cell, value)
    doc.add_paragraph()


def _text_or(doc: DocxDocument, text: str, missing: str) -> None:
    if text.strip():
        doc.add_paragraph(_word(text))
    else:
        doc.add_paragraph().add_run(missing).italic = True


def _with_unit(value: float | None, unit: str, missing: str) -> str:
    if value is None:
        return missing
    if unit in {"%", ""}:
        return f"{_number(value)}{unit}"
    return f"{_number(value)} {unit}"


def _due(day: date | None) -> str:
    return _long_date(day) if day else "No date set"


def _priority_section(
    doc: DocxDocument, number: int, priority: Priority, framework: Framework
) -> None:
    title = (
        f"Priority {number}: {priority.title}" if priority.title.strip() else f"Priority {number}"
    )
    doc.add_heading(_word(title), 2)
    if priority.link:
        linked = doc.add_paragraph()
        linked.add_run("Linked to: ").bold = True
        linked.add_run(link_label(priority.link, framework))
    doc.add_heading("Objectives", 3)
    if priority.objectives:
        for objective in priority.objectives:
            doc.add_paragraph(_word(objective.text), style="List Bullet")
    else:
        doc.add_paragraph().add_run("No objectives written yet.").italic = True
    doc.add_heading("Actions", 3)
    if priority.actions:
        rows: list[list[_WordCell]] = []
        for action in priority.actions:
            what: _WordCell = action.what
            if action.link and action.link != priority.link:
                what = (action.what, f"Linked to {link_label(action.link, framework)}")
            rows.append(
                [
                    what,
                    action.owner or "Not yet assigned",
                    _due(action.due_date),
                    STATUS_LABELS.get(action.status, action.status),
                    action.success_measure,
                ]
            )
        _table(doc, ["Action", "Owner", "Due", "Status", "Success measure"], rows)
    else:
        doc.add_paragraph().add_run("No actions agreed yet.").italic = True
    if priority.milestones:
        doc.add_heading("Milestones", 3)
        _table(
            doc,
            ["Milestone", "Due", "Reached"],
            [[m.what, _due(m.due_date), "Yes" if m.done else "No"] for m in priority.milestones],
        )
    if priority.kpis:
        doc.add_heading("Key performance indicators", 3)
        _table(
            doc,
            ["Indicator", "Starting point", "Target", "Latest"],
            [
                [
                    k.name,
                    _with_unit(k.baseline, k.unit, "Not recorded"),
                    _with_unit(k.target, k.unit, "Not set"),
                    _with_unit(k.current, k.unit, "Not yet measured"),
                ]
                for k in priority.kpis
            ],
        )


def plan_document(review: Review, school: School, framework: Framework) -> bytes:
    """The plan as a .docx a governor can read: words, not ids or codes."""
    plan = review.plan
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)  # A4
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    heading = f"Strategic careers plan {review.academic_year}"
    doc.add_heading(_word(school.name), 0)
    doc.add_paragraph(heading, style="Subtitle")
    facts = [f"Follows the leadership review held on {_long_date(review.review_date)}."]
    if school.urn:
        facts.append(f"URN {school.urn}.")
    if school.careers_leader.name:
        facts.append(f"Careers leader: {school.careers_leader.name}.")
    if school.link_governor:
        facts.append(f"Link governor: {school.link_governor}.")
    doc.add_paragraph(_word(" ".join(facts)))
    section.footer.paragraphs[0].text = _word(f"{school.name}: {heading.lower()}")

    doc.add_heading("Vision", 1)
    _text_or(doc, plan.vision, "The vision has not been written yet.")
    doc.add_heading("Intent", 1)
    _text_or(doc, plan.intent, "The intent has not been written yet.")

    doc.add_heading("Priorities", 1)
    if plan.priorities:
        doc.add_paragraph(f"The plan has {_counts(review)}.")
        for number, priority in enumerate(plan.priorities, start=1):
            _priority_section(doc, number, priority, framework)
    else:
        doc.add_paragraph().add_run(
            f"{NO_PRIORITIES}. Once the review has agreed them and they are in the strategic "
            "careers plan, export this document again."
        ).italic = True

    doc.add_heading("Careers learning outcomes", 1)
    groups = _year_groups(plan.learning_outcomes)
    if groups:
        _table(
            doc,
            ["Year group", "By the end of the year, students"],
            [[_year_label(key), list(texts)] for key, texts in groups],
        )
    else:
        doc.add_paragraph().add_run("No learning outcomes have been written yet.").italic = True

    props = doc.core_properties
    props.title = _word(f"{school.name}: {heading.lower()}")
    props.subject = heading
    props.author = props.last_modified_by = "Careers review"
    props.comments = ""
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# --- files ------------------------------------------------------------------------------------

#: Plan formats by file extension.
PLAN_FORMATS: dict[str, Callable[[Review, School, Framework], bytes]] = {
    ".xlsx": plan_workbook,
    ".docx": plan_document,
}


def write_plan(
    destination: str | os.PathLike[str], review: Review, school: School, framework: Framework
) -> Path:
    """Build the whole file in memory first, then rename it into place: never half a file."""
    path = Path(destination)
    make = PLAN_FORMATS.get(path.suffix.lower())
    if make is None:
        raise InputError(
            f"{path}: the plan can be written as {', '.join(PLAN_FORMATS)}, "
            f"not {path.suffix or 'a file with no extension'}"
        )
    return atomic_write_bytes(path, make(review, school, framework))
