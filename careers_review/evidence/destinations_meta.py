"""Which pupils each column of a performance-tables file is about, from the DfE's metadata.

A performance-tables download comes with a metadata file beside each data file
(`ks4-pupdest_meta.csv` for `england_ks4-pupdest.csv`), whose labels name the leavers' year:
"Number of pupils completing key stage 4 in 2022/23", "(2021/22 leavers)". The data file itself
names no year, and what its earlier-year suffixes stand for has changed between downloads
(`_21` has meant pupils who left in 2020/21 in one and others in older ones), so the years are
taken from the metadata when it is there and are otherwise left unknown, never guessed.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..errors import InputError
from ._csv import read_table
from .destinations_years import after

__all__ = ["META_SUFFIX", "destination_years", "find_meta", "leaving_years"]

META_SUFFIX = "_meta.csv"
_YEAR = re.compile(r"(?<!\d)(\d{4})\s*/\s*(\d{2})(?!\d)")


def find_meta(path: str | os.PathLike[str]) -> Path | None:
    """The metadata file of the same download beside `path`, if there is one."""
    data = Path(path)
    stem = data.stem
    for name in (stem, stem.removeprefix("england_")):
        candidate = data.with_name(f"{name}{META_SUFFIX}")
        if candidate.is_file():
            return candidate
    return None


def leaving_years(meta: str | os.PathLike[str], cohort: str) -> dict[str, str]:
    """The leavers' academic year of the file's own columns ('') and of each earlier-year
    suffix ('_21'), read from the labels of `cohort` and `cohort_21`, ... in the metadata."""
    table = read_table(meta, what="metadata file")
    named = re.compile(rf"^{re.escape(cohort)}(_\d{{2}})?$")
    found: dict[str, str] = {}
    for _, values in table.rows:
        cells = [value.strip() for value in values]
        column = next((cell for cell in cells if named.match(cell)), None)
        if column is None:
            continue
        text = " ".join(cell for cell in cells if cell != column)
        year = _YEAR.search(text)
        if year is None or (int(year[1]) + 1) % 100 != int(year[2]):
            continue
        key = column[len(cohort) :]
        found.setdefault(key, f"{year[1]}/{year[2]}")
    if not found:
        raise InputError(
            f"{meta}: no label in this metadata file names the year of {cohort} (such as "
            "'completing key stage 4 in 2022/23')"
        )
    return found


def destination_years(
    path: str | os.PathLike[str], cohort: str
) -> tuple[dict[str, str], tuple[str, ...]]:
    """A performance-tables file's year keys ('' and '_18') as destination years, from the
    metadata file of its download; or none, and a note saying how to give them."""
    meta = find_meta(path)
    if meta is None:
        name = Path(path).stem.removeprefix("england_") + META_SUFFIX
        return {}, (
            f"{path}: the file does not say which year its figures are for; put the metadata "
            f"file of the same download ({name}) beside it to have the years named",
        )
    try:
        leaving = leaving_years(meta, cohort)
    except InputError as exc:
        return {}, (str(exc),)
    if len(set(leaving.values())) < len(leaving):
        return {}, (
            f"{meta}: names the same year for more than one set of columns ("
            + ", ".join(f"columns ending {k}" if k else "the file's own" for k in sorted(leaving))
            + "): the years are left unknown",
        )
    return {key: after(year) for key, year in leaving.items()}, ()
