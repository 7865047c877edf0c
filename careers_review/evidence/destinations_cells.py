"""A cell of a DfE destinations file read as a `Measure`: a number, or the code given instead.

Each bad value is refused with the file, row and column; the memo keeps reading a whole national
file quick, since the same few hundred strings fill most of its cells.
"""

from __future__ import annotations

from ._csv import Table
from .destinations_figures import CODES, Measure

__all__ = ["Cells", "whole_number"]

_CODE_LOOKUP = {code.casefold(): code for code in CODES}


class _BadValue(ValueError):
    pass


def _code(text: str) -> str | None:
    return _CODE_LOOKUP.get(text.casefold())


def _parse_count(text: str) -> Measure:
    value = text.strip()
    code = _code(value)
    if code is not None:
        return Measure(None, code)
    if whole_number(value):
        if len(value) > _MAX_DIGITS:
            raise _BadValue(f"{_short(text)} is too large for a number of pupils")
        return Measure(int(value))
    raise _BadValue(
        f"{_short(text)} is not a number of pupils or a DfE code ({_CODE_HINT})"
        if not whole_number(value.lstrip("-"))
        else f"{_short(text)} is negative; a number of pupils cannot be"
    )


#: A count with more digits than this is not a number of pupils (England's cohort has six).
_MAX_DIGITS = 9


def whole_number(text: str) -> bool:
    """Digits 0 to 9 only: str.isdigit() also passes '²' and other digits int() refuses."""
    return text.isascii() and text.isdigit()


def _short(text: str, limit: int = 60) -> str:
    shown = repr(text)
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


def _parse_percent(text: str) -> Measure:
    value = text.strip()
    code = _code(value)
    if code is not None:
        return Measure(None, code, "%")
    number = value[:-1].strip() if value.endswith("%") else value
    try:
        parsed = float(number)
    except ValueError:
        raise _BadValue(
            f"{_short(text)} is not a percentage or a DfE code ({_CODE_HINT})"
        ) from None
    if not 0 <= parsed <= 100:
        raise _BadValue(f"{_short(text)} is not a percentage between 0 and 100")
    return Measure(int(parsed) if parsed.is_integer() else parsed, None, "%")


_CODE_HINT = "SUPP, NA, NE, SP, x, c, z, low or empty"


class Cells:
    """Parses cells with a memo: the same few hundred strings fill most of a DfE file."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.counts: dict[str, Measure] = {}
        self.percents: dict[str, Measure] = {}

    def parse(self, text: str, percent: bool, row: int, column: str) -> Measure:
        memo = self.percents if percent else self.counts
        found = memo.get(text)
        if found is None:
            try:
                found = memo[text] = _parse_percent(text) if percent else _parse_count(text)
            except _BadValue as exc:
                raise self.table.error(row, column, str(exc)) from None
        return found

    def count(self, text: str, row: int, column: str) -> Measure:
        return self.parse(text, False, row, column)

    def percent(self, text: str, row: int, column: str) -> Measure:
        return self.parse(text, True, row, column)
