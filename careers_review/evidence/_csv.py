"""Reading the CSV files schools bring, with one policy for encodings, headers and bad rows.

Every loader in this package reads through here, so a careers leader gets the same kind of
message whatever the file: the file, the spreadsheet row (the header is row 1) and the column,
on one line, as an `InputError`. Nothing else escapes for bad input.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..errors import InputError

__all__ = [
    "DATE_HINT",
    "Table",
    "bad_cell",
    "parse_academic_year",
    "parse_date",
    "parse_year_group",
    "read_table",
]

#: How a date may be written, quoted in every date error.
DATE_HINT = "use YYYY-MM-DD or DD/MM/YYYY"
#: The encoding Excel uses for a plain "CSV (Comma delimited)" file on a UK Windows PC.
FALLBACK_ENCODING = "cp1252"

_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ACADEMIC_YEAR = re.compile(r"^(\d{4})\s*[/-]\s*(\d{2}|\d{4})$")
_YEAR_GROUP = re.compile(r"^(?:y|yr|year)?\s*(\d{1,2})$", re.IGNORECASE)


@dataclass(frozen=True)
class Table:
    """A CSV file read whole: its header, its non-blank rows and how it was decoded."""

    source: str
    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    encoding: str
    notes: tuple[str, ...] = ()

    @property
    def columns(self) -> frozenset[str]:
        return frozenset(self.header)

    def position(self, column: str) -> int:
        return self.header.index(column)

    def require(self, columns: Sequence[str], what: str) -> None:
        """Refuse a file that lacks any of `columns`, naming every missing one."""
        missing = [column for column in columns if column not in self.columns]
        if missing:
            plural = "s" if len(missing) > 1 else ""
            raise InputError(
                f"{self.source}: missing column{plural} {', '.join(missing)} "
                f"(the {what} columns are: {', '.join(columns)}){_separator_hint(self.header)}"
            )

    def error(self, row: int, column: str, problem: str) -> InputError:
        return bad_cell(self.source, row, column, problem)


def bad_cell(source: str, row: int, column: str, problem: str) -> InputError:
    """The one message shape for a bad value: `file: row N: column: problem`."""
    return InputError(f"{source}: row {row}: {_heading(column)}: {problem}")


def _heading(column: str, limit: int = 80) -> str:
    """A column heading for a one-line message: as it is when it is plain printable text,
    otherwise quoted with its line breaks and control characters escaped; long ones cut."""
    shown = column if column.isprintable() else repr(column)
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


def _separator_hint(header: Sequence[str]) -> str:
    if len(header) == 1:
        for mark, name in ((";", "semicolons"), ("\t", "tabs")):
            if mark in header[0]:
                return f"; the columns seem to be separated by {name}: save it as comma-separated"
    return ""


def _decode(raw: bytes, source: str) -> tuple[str, str, tuple[str, ...]]:
    """UTF-8 (with or without a byte-order mark) first; then Windows-1252, and say so."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError(
            f"{source}: the file is UTF-16 text (Excel's 'Unicode Text'); "
            "save it as 'CSV UTF-8 (Comma delimited)' and try again"
        )
    if raw.startswith(b"PK\x03\x04"):
        raise InputError(
            f"{source}: this is a spreadsheet workbook (.xlsx), not a CSV file; "
            "save it as 'CSV UTF-8 (Comma delimited)' and try again"
        )
    try:
        return raw.decode("utf-8-sig"), "utf-8", ()
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        first_bad = raw[exc.start]
    try:
        text = raw.decode(FALLBACK_ENCODING)
    except UnicodeDecodeError:
        raise InputError(
            f"{source}: line {line}: byte 0x{first_bad:02x} is not UTF-8 and the file is not "
            "Windows-1252 (Latin-1) either; save it as 'CSV UTF-8 (Comma delimited)'"
        ) from None
    note = (
        f"{source}: not UTF-8 (first at line {line}), so it was read as Windows-1252 "
        "(Latin-1), the encoding Excel uses for a plain 'CSV' file; check accented names, "
        "or save it as 'CSV UTF-8' to be sure"
    )
    # A UTF-8 byte-order mark read as Windows-1252.
    text = text.removeprefix("\u00ef\u00bb\u00bf")
    return text, FALLBACK_ENCODING, (note,)


def read_table(path: str | os.PathLike[str], *, what: str) -> Table:
    """Read a whole CSV file, or raise an InputError that says what is wrong with it.

    Blank lines (every cell empty) are skipped; a row with more or fewer cells than the header
    is refused, because the values would otherwise land under the wrong columns.
    """
    source = os.fspath(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(f"{source}: file not found") from None
    except IsADirectoryError:
        raise InputError(f"{source}: this is a folder, not a {what} CSV file") from None
    except (OSError, ValueError) as exc:
        raise InputError(
            f"{source}: cannot read ({getattr(exc, 'strerror', None) or exc})"
        ) from None
    text, encoding, notes = _decode(raw, source)
    if not text.strip():
        raise InputError(f"{source}: the file is empty (a {what} starts with a header row)")
    reader = csv.reader(io.StringIO(text, newline=""))
    records: list[list[str]] = []
    last_line = 0  # the physical line the last record starts on, counted from 0
    try:
        while True:
            before = reader.line_num
            try:
                records.append(next(reader))
            except StopIteration:
                break
            last_line = before
    except csv.Error as exc:
        raise InputError(f"{source}: row {len(records) + 1}: not valid CSV ({exc})") from None
    if records and _ends_in_quotes(text, last_line):
        # The open value is the last one of the last record: name its column when known.
        position, names = len(records[-1]), records[0] if len(records) > 1 else []
        where = f"{_heading(names[position - 1].strip())}: " if 0 < position <= len(names) else ""
        raise InputError(
            f"{source}: row {len(records)}: {where}a quoted value is never closed (the row "
            f"starts at line {last_line + 1}, and the rest of the file was read into it): add "
            'the closing " or remove the opening one'
        )
    header: tuple[str, ...] | None = None
    rows: list[tuple[int, tuple[str, ...]]] = []
    for number, record in enumerate(records, start=1):
        if header is None:
            if not any(cell.strip() for cell in record):
                raise InputError(f"{source}: row {number}: the header row is blank")
            header = tuple(cell.strip() for cell in record)
            _check_header(source, header)
            continue
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            raise InputError(
                f"{source}: row {number}: has {len(record)} values but the header has "
                f"{len(header)} columns (check for a stray comma or a missing quote)"
            )
        rows.append((number, tuple(record)))
    assert header is not None  # the text is not blank, so the reader gave a first record
    if not rows:
        raise InputError(f"{source}: no rows after the header (nothing to read in this {what})")
    return Table(source, header, tuple(rows), encoding, notes)


def _ends_in_quotes(text: str, last_line: int) -> bool:
    """Whether the file ends inside a quoted value. Python's csv reader, lenient by default,
    then quietly takes the rest of the file as that one value. Test: read the last record
    again with a closing quote and a line end added; inside quotes they only close the value
    (the same record comes back), anywhere else they change what is read."""
    if '"' not in text:
        return False
    buffer = io.StringIO(text, newline="")
    for _ in itertools.islice(buffer, last_line):
        pass  # past the lines before the last record
    tail = buffer.read()
    plain = list(csv.reader(io.StringIO(tail, newline="")))
    closed = list(csv.reader(io.StringIO(tail + '"\n', newline="")))
    return bool(plain) and plain == closed


def _check_header(source: str, header: tuple[str, ...]) -> None:
    seen: dict[str, int] = {}
    for position, name in enumerate(header, start=1):
        if not name:
            raise InputError(f"{source}: row 1: column {position} has no heading")
        if name in seen:
            raise InputError(
                f"{source}: row 1: column {name!r} appears twice (columns {seen[name]} "
                f"and {position})"
            )
        seen[name] = position


def parse_date(text: str) -> date:
    """A date written as YYYY-MM-DD or DD/MM/YYYY (the two forms English schools use)."""
    value = text.strip()
    match = _ISO_DATE.match(value)
    if match:
        year, month, day = (int(part) for part in match.groups())
    else:
        match = _UK_DATE.match(value)
        if not match:
            raise ValueError(f"{text!r} is not a date ({DATE_HINT})")
        day, month, year = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"{text!r} is not a date ({DATE_HINT})") from None


def parse_academic_year(text: str) -> str:
    """'2025/26', '2025-26' or '2025/2026', as the canonical '2025/26'."""
    match = _ACADEMIC_YEAR.match(text.strip())
    if match:
        start, end = int(match[1]), int(match[2])
        if (len(match[2]) == 2 and (start + 1) % 100 == end) or end == start + 1:
            return f"{start}/{(start + 1) % 100:02d}"
    raise ValueError(f"{text!r} is not an academic year (write it like 2025/26)")


def parse_year_group(text: str, allowed: Iterable[int] = range(7, 14)) -> int:
    """'9', 'Y9', 'Yr 9' or 'Year 9' as 9, within the secondary years 7 to 13."""
    match = _YEAR_GROUP.match(text.strip())
    allowed = tuple(allowed)
    if not match or int(match[1]) not in allowed:
        raise ValueError(
            f"{text!r} is not a year group (use a number from {allowed[0]} to {allowed[-1]})"
        )
    return int(match[1])
