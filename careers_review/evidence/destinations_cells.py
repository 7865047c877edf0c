"""A cell of a DfE destinations file read as a `Measure`: a number, or the code given instead.

No cell refuses a file. A cell holding anything that is not a figure (a code this version does
not know, such as `SN`, or a value out of range) becomes a figure that was not published, and
`Cells.notes()` gives one line per file saying which values were taken so and where. A row that
cannot be placed (a school row without a URN) is left out, and said so, without stopping the
rows of any other level. The memo keeps reading a whole national file quick, since the same few
hundred strings fill most of its cells.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ._csv import Table
from .destinations_figures import CODES, Measure

__all__ = ["Cells", "short", "whole_number"]

_CODE_LOOKUP = {code.casefold(): code for code in CODES}
#: A count with more digits than this is not a number of pupils (England's cohort has six).
_MAX_DIGITS = 9
#: An unknown value is kept as its code up to this many characters.
_CODE_LENGTH = 12
#: How many places a note names for each unknown value before it says "and N more".
_PLACES_SHOWN = 3


def whole_number(text: str) -> bool:
    """Digits 0 to 9 only: str.isdigit() also passes '²' and other digits int() refuses."""
    return text.isascii() and text.isdigit()


def short(text: str, limit: int = 40) -> str:
    """A value quoted for a note: its repr, cut to `limit` characters."""
    shown = repr(text)
    return shown if len(shown) <= limit else shown[: limit - 4] + "...'"


def _code(text: str) -> str | None:
    return _CODE_LOOKUP.get(text.casefold())


def _unknown_code(value: str) -> str:
    """The code shown for a value that is not a figure: printable, and short."""
    shown = "".join(ch if ch.isprintable() else "?" for ch in value)
    return shown if len(shown) <= _CODE_LENGTH else shown[: _CODE_LENGTH - 1] + "…"


def _parse_count(value: str) -> Measure | None:
    code = _code(value)
    if code is not None:
        return Measure(None, code)
    if whole_number(value) and len(value) <= _MAX_DIGITS:
        return Measure(int(value))
    return None


def _parse_percent(value: str) -> Measure | None:
    code = _code(value)
    if code is not None:
        return Measure(None, code, "%")
    number = value[:-1].strip() if value.endswith("%") else value
    if not number.isascii() or number.lower() in ("nan", "inf", "-inf", "+inf", "infinity"):
        return None
    try:
        parsed = float(number)
    except ValueError:
        return None
    if not 0 <= parsed <= 100:
        return None
    return Measure(int(parsed) if parsed.is_integer() else parsed, None, "%")


@dataclass
class _Unknown:
    """Where one unknown value was found: how often, and the first few places."""

    count: int = 0
    places: list[tuple[int, str]] = field(default_factory=list)


class Cells:
    """Parses cells with a memo, and remembers what it could not read as a figure."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.counts: dict[str, Measure] = {}
        self.percents: dict[str, Measure] = {}
        self.unknown: dict[str, _Unknown] = {}
        self.skipped: list[tuple[int, str, str]] = []

    def parse(self, text: str, percent: bool, row: int, column: str) -> Measure:
        memo = self.percents if percent else self.counts
        found = memo.get(text)
        if found is not None:
            return found
        value = text.strip()
        parsed = _parse_percent(value) if percent else _parse_count(value)
        if parsed is not None:
            memo[text] = parsed
            return parsed
        # Not memoised: every place it appears is counted for the note.
        code = _unknown_code(value)
        seen = self.unknown.setdefault(code, _Unknown())
        seen.count += 1
        if len(seen.places) < _PLACES_SHOWN:
            seen.places.append((row, column))
        return Measure(None, code, "%" if percent else "")

    def count(self, text: str, row: int, column: str) -> Measure:
        return self.parse(text, False, row, column)

    def percent(self, text: str, row: int, column: str) -> Measure:
        return self.parse(text, True, row, column)

    def skip(self, row: int, column: str, problem: str) -> None:
        """Leave a row out, and say why in the file's notes."""
        self.skipped.append((row, column, problem))

    def notes(self) -> tuple[str, ...]:
        """At most two lines for the file: the values shown as not published, and the rows
        left out, each with the first places they were found."""
        source = self.table.source
        lines = []
        if self.unknown:
            cells = sum(u.count for u in self.unknown.values())
            parts = []
            for code, seen in sorted(self.unknown.items(), key=lambda kv: -kv[1].count):
                where = ", ".join(f"row {row} {column}" for row, column in seen.places)
                more = seen.count - len(seen.places)
                where += f" and {more} more" if more else ""
                parts.append(f"{code!r} ({seen.count}: {where})")
            lines.append(
                f"{source}: {cells} value{'s' if cells != 1 else ''} this version cannot read "
                f"as a figure, shown as not published: {'; '.join(parts)}"
            )
        if self.skipped:
            shown = "; ".join(
                f"row {row}: {column}: {problem}"
                for row, column, problem in self.skipped[:_PLACES_SHOWN]
            )
            more = len(self.skipped) - _PLACES_SHOWN
            lines.append(
                f"{source}: {len(self.skipped)} row{'s' if len(self.skipped) != 1 else ''} "
                f"left out: {shown}{f' and {more} more' if more > 0 else ''}"
            )
        return tuple(lines)
