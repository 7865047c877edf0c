"""Which pupils a destinations figure is about, in words: when they left and when they were
counted.

The DfE counts a destination in the academic year after pupils leave: the figures for the
destination year 2021/22 are about pupils who finished Key Stage 4 (or 16-18 study) in
2020/21. Explore Education Statistics names the destination year in `time_period` (202122).
The performance-tables files name earlier years by a two-digit suffix that is the end of the
destination year: `COHORT_21` is the cohort counted in 2020/21, who left in 2019/20. Their own
(unsuffixed) year is not in the file; it follows the newest suffix only when the earlier years
run on without a gap, and is otherwise left unknown.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import pairwise

__all__ = [
    "UNKNOWN_YEAR",
    "academic_year",
    "after",
    "before",
    "destination_year_of_suffix",
    "leavers_label",
    "year_after_suffixes",
]

#: What a page says where the file does not say which year its figures are for.
UNKNOWN_YEAR = "the file does not say which year"


def academic_year(start: int) -> str:
    """2021 -> '2021/22'."""
    return f"{start}/{(start + 1) % 100:02d}"


def _start(year: str) -> int | None:
    head = year.split("/", 1)[0]
    return int(head) if len(head) == 4 and head.isdigit() else None


def before(year: str) -> str:
    """The academic year before '2021/22': '2020/21' ('' if `year` is not one)."""
    start = _start(year)
    return academic_year(start - 1) if start is not None and "/" in year else ""


def after(year: str) -> str:
    start = _start(year)
    return academic_year(start + 1) if start is not None and "/" in year else ""


def destination_year_of_suffix(suffix: str) -> str:
    """A performance-tables suffix as the destination year it ends: '21' -> '2020/21'."""
    end = 2000 + int(suffix)
    return academic_year(end - 1)


def year_after_suffixes(suffixes: Iterable[str]) -> str:
    """The destination year of a file's own columns, from its earlier-year suffixes: the year
    after the newest, when they run on without a gap ('17', '18' -> '2018/19'); else ''."""
    ends = sorted({int(s) for s in suffixes})
    if not ends or any(b - a != 1 for a, b in pairwise(ends)):
        return ""
    return academic_year(2000 + ends[-1])


def leavers_label(stage: str, destination_year: str) -> str:
    """'left KS4 in 2020/21, destination in 2021/22', or what is known of it."""
    left = before(destination_year)
    if not left:
        return f"pupils who left {stage}; {UNKNOWN_YEAR}"
    return f"left {stage} in {left}, destination in {destination_year}"
