"""The schools CSV a hub batch runs over, read as Excel saves it and checked before anything runs.

Every problem is found in one pass and reported by row, so a hub can fix the whole file at once
rather than one complaint per run.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterable
from pathlib import Path

from .errors import InputError
from .model import SAFE_ID

__all__ = ["SchoolsFileError", "read_schools_csv"]

_ID_COLUMNS = ("school_id", "id")


class SchoolsFileError(InputError):
    """Every problem found in a schools CSV, one per line, so all can be fixed in one go."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _shown(cell: str, *, quote: bool = True, limit: int = 60) -> str:
    """A cell of the user's file for a one-line message: quoted (or bare, when it is plain
    printable text), with line breaks and control characters escaped, and cut short."""
    text = cell if not quote and cell.isprintable() else repr(cell)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _ends_inside_quotes(text: str) -> bool:
    """Whether a record's text stops inside a quoted cell. Python's reader, unlike Excel, says
    nothing then: it reads the rest of the file into that cell. Read strictly, it does say."""
    try:
        for _ in csv.reader(io.StringIO(text, newline=""), strict=True):
            pass
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


def _read_rows(path: Path, text: str) -> list[list[str]]:
    rows: list[list[str]] = []
    first_line: list[int] = []  # the physical line each record starts on
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        # newline="" keeps a line break typed inside a quoted cell (Alt+Enter in Excel) in it.
        consumed = 0
        for row in reader:
            rows.append(row)
            first_line.append(consumed + 1)
            consumed = reader.line_num
    except csv.Error as exc:
        raise InputError(f"{path}: row {len(rows) + 1}: not valid CSV ({exc})") from None
    if rows:
        lines = io.StringIO(text, newline="").readlines()
        last = "".join(lines[first_line[-1] - 1 :])
        if _ends_inside_quotes(last):
            raise InputError(
                f'{path}: row {len(rows)} (line {first_line[-1]}): a quote (") opens a cell '
                "that is never closed, so the rest of the file would be read as that one cell "
                "(add the closing quote)"
            )
    return rows


def read_schools_csv(
    path: str | os.PathLike[str], parameters: Iterable[str] = ()
) -> tuple[list[tuple[int, dict[str, str]]], list[str]]:
    """Rows of a schools CSV (as Excel saves it: BOM, CRLF, quoted commas, accents), checked
    before anything runs. Returns (row number, values) pairs and warnings; raises
    SchoolsFileError listing every problem by row."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows
        text = text.removeprefix("\u00ef\u00bb\u00bf")  # a UTF-8 byte-order mark, read so
    rows = _read_rows(path, text)
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise InputError(f"{path}: empty file (expected a header row with school_id and name)")
    header = [cell.strip() for cell in rows[0]]
    id_column = next((c for c in _ID_COLUMNS if c in header), _ID_COLUMNS[0])
    missing = [c for c in (id_column, "name") if c not in header]
    if missing:
        found = ", ".join(_shown(cell, quote=False) for cell in header)
        raise InputError(f"{path}: row 1: missing column {', '.join(missing)} (found: {found})")
    known = {*_ID_COLUMNS, "name", *parameters}
    warnings = [
        f"{path}: column {column!r} is not a parameter of the chosen workbooks: ignored"
        for column in header
        if column and column not in known
    ]
    problems: list[str] = []
    seen: dict[str, int] = {}
    records = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            problems.append(f"{path}: row {number}: {len(row)} values for {len(header)} columns")
            continue
        values = {h: (row[i].strip() if i < len(row) else "") for i, h in enumerate(header) if h}
        school_id = values.get(id_column, "")
        if not school_id:
            problems.append(f"{path}: row {number}: {id_column}: missing")
        elif not re.fullmatch(SAFE_ID, school_id):
            problems.append(
                f"{path}: row {number}: {id_column}: {_shown(school_id)} cannot be a folder name "
                "(use letters, digits, '-' and '_')"
            )
        elif school_id in seen:
            problems.append(
                f"{path}: row {number}: {id_column}: {school_id!r} is also on row {seen[school_id]}"
            )
        else:
            seen[school_id] = number
        if not values.get("name"):
            problems.append(f"{path}: row {number}: name: missing")
        values["school_id"] = school_id
        records.append((number, values))
    if problems:
        raise SchoolsFileError(problems)
    if not records:
        raise InputError(f"{path}: no schools listed under the header")
    return records, warnings
