"""Which pupils a destinations figure is about, in words: when they left and when they were
counted.

The DfE counts a destination in the academic year after pupils leave: the figures for the
destination year 2021/22 are about pupils who finished Key Stage 4 (or 16-18 study) in
2020/21. Explore Education Statistics names the destination year in the `time_period` of its
older layouts (202122) and the leaving year in that of its newest, long, layout.
A performance-tables file names no year: its download's metadata file does (see
`destinations_meta`), and without it the page says the year is not known.
"""

from __future__ import annotations

__all__ = [
    "UNKNOWN_YEAR",
    "academic_year",
    "after",
    "before",
    "leavers_label",
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


def leavers_label(stage: str, destination_year: str) -> str:
    """'left KS4 in 2020/21, destination in 2021/22', or what is known of it."""
    left = before(destination_year)
    if destination_year.startswith("_"):  # an earlier year's suffix the file does not explain
        return f"an earlier year's leavers (columns ending {destination_year}); {UNKNOWN_YEAR}"
    if not left:
        return f"pupils who left {stage}; {UNKNOWN_YEAR}"
    return f"left {stage} in {left}, destination in {destination_year}"
