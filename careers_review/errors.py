"""One small tree of errors, so callers (the CLI, the apps) catch one type and show its message."""

from __future__ import annotations

import re
from typing import Any

__all__ = [
    "CareersReviewError",
    "FrameworkError",
    "InputError",
    "NotFoundError",
    "StoreError",
    "UnknownReviewError",
    "UnknownSchoolError",
    "WorkbookError",
    "field_path",
    "quoted",
]


class CareersReviewError(Exception):
    """Base of every error the product raises on purpose; its message is meant for a person."""


class InputError(CareersReviewError):
    """A file or value a user gave is not acceptable; the message names the file and field."""


class FrameworkError(InputError):
    """A framework YAML file does not describe a valid framework."""


class NotFoundError(CareersReviewError):
    """Something asked for by id is not in the store."""


class UnknownSchoolError(NotFoundError, InputError):
    def __init__(self, school_id: str, known: list[str] | None = None) -> None:
        hint = (
            f" (known: {', '.join(known[:12])}{', ...' if len(known) > 12 else ''})"
            if known
            else ""
        )
        super().__init__(f"unknown school id {school_id!r}{hint}")
        self.school_id = school_id


class UnknownReviewError(NotFoundError, InputError):
    def __init__(self, review_id: str) -> None:
        super().__init__(f"unknown review {review_id!r}")
        self.review_id = review_id


class StoreError(CareersReviewError):
    """The store file cannot be opened or written (corrupt, locked, read-only)."""


class WorkbookError(CareersReviewError):
    """A workbook stopped at a cell that raised. It names the workbook, the cell and the error,
    so a batch can record which school failed where and a report can say why it was not built."""

    def __init__(
        self,
        workbook: str,
        ename: str,
        evalue: str,
        *,
        cell: int | None = None,
        cell_index: int | None = None,
    ) -> None:
        where = f"cell [{cell}]" if cell is not None else "a cell"
        first = evalue.splitlines()[0] if evalue.strip() else ""
        super().__init__(f"{workbook}: {where} raised {ename}" + (f": {first}" if first else ""))
        self.workbook = workbook
        #: The failing cell's execution count, as the notebook shows it in brackets.
        self.cell = cell
        #: Where the failing cell is in the notebook, counted from 0.
        self.cell_index = cell_index
        self.ename = ename
        self.evalue = evalue


_PLAIN_KEY = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def quoted(value: Any, limit: int = 60) -> str:
    """A user's value for a one-line message: quoted, escaped and cut short."""
    try:
        text = repr(value)
    except ValueError:  # an integer of more digits than Python will write out
        text = "a number with too many digits"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def field_path(loc: tuple) -> str:
    """A field's place as `plan.priorities[0].title`. A key of the user's own that is not a
    plain word is quoted, so a key holding a line break cannot spill a message over lines."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _PLAIN_KEY.match(str(part)):
            out += f".{part}" if out else str(part)
        else:
            out += f"[{quoted(part)}]"
    return out
