"""The strategic careers plan as an Excel workbook and a Word document.

These files are for people: a careers leader who filters and sorts actions in Excel
(`exports_excel`), and governors who read the plan in Word (`exports_word`); both say things in
the same words (`exports_wording`). JSON stays the format for moving a review between stores.
Everything in a plan was typed by someone, so each file keeps it as text exactly as typed.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from .content import Framework
from .errors import InputError
from .exports_excel import DATE_FORMAT, EXCEL_CELL_LIMIT, SHEETS, plan_workbook
from .exports_word import plan_document
from .exports_wording import STATUS_LABELS, link_label
from .files import atomic_write_bytes
from .model import Review, School

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
