"""The strategic careers plan as a Word document, for governors to read: words, not ids.

Word has no escape for the characters an Office file cannot hold (control characters other
than tab and line breaks): they become the replacement character (U+FFFD), and a Windows line
break (CR LF) becomes one line break rather than two.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm
from docx.table import _Cell

from .content import Framework
from .exports_wording import (
    NO_PRIORITIES,
    NOT_XML,
    STATUS_LABELS,
    counts,
    link_label,
    long_date,
    plain_number,
    year_groups,
    year_label,
)
from .model import Priority, Review, School

__all__ = ["plan_document"]


def _word(text: str) -> str:
    """Word breaks a line once per CR and once per LF; one typed line break should stay one."""
    return NOT_XML.sub("\ufffd", text.replace("\r\n", "\n").replace("\r", "\n"))


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
        return f"{plain_number(value)}{unit}"
    return f"{plain_number(value)} {unit}"


def _due(day: date | None) -> str:
    return long_date(day) if day else "No date set"


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
    facts = [f"Follows the leadership review held on {long_date(review.review_date)}."]
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
        doc.add_paragraph(f"The plan has {counts(review)}.")
        for number, priority in enumerate(plan.priorities, start=1):
            _priority_section(doc, number, priority, framework)
    else:
        doc.add_paragraph().add_run(
            f"{NO_PRIORITIES}. Once the review has agreed them and they are in the strategic "
            "careers plan, export this document again."
        ).italic = True

    doc.add_heading("Careers learning outcomes", 1)
    groups = year_groups(plan.learning_outcomes)
    if groups:
        _table(
            doc,
            ["Year group", "By the end of the year, students"],
            [[year_label(key), list(texts)] for key, texts in groups],
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
