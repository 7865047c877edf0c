"""How many 16-17 year olds in a local authority are not in education, employment or
training (NEET), or have an activity the authority does not know: context for destinations.

Reads the "NEET by characteristics" file of the Explore Education Statistics publication
"Participation in education, training and NEET age 16 to 17 by local authority"
(`ud_neet_characteristics.csv`), in both the column names it had until 2025 (`Age`,
`avgcohort`, `NEETprop`, `Notknownprop`, `NEETNKprop`) and those it has since (`age`,
`avg_cohort_count`, `neet_percent`, `nk_percent`, `neet_nk_percent`).

Only the rows for both ages together (`16-17`, or `16 to 17`) and all young people
(characteristic `Total`) are read; the single-age rows and the breakdowns by sex, ethnic group
or SEND are left aside, as the figures are shown for the whole age group. `time_period` is a
calendar year (`time_identifier` "Calendar year"): the DfE's end-of-year estimate, the average of
December, January and February, so `2024` is December 2023 to February 2024, which the page
calls 2023/24, the academic year those months fall in.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ._csv import Table, read_table
from .destinations_cells import Cells, short, whole_number
from .destinations_figures import NOT_IN_FILE, Measure
from .destinations_years import academic_year

__all__ = ["NEET_COLUMNS", "NeetFigures", "NeetFile", "authorities", "is_neet_file", "load_neet"]

WHAT = "NEET file"
ENGLAND_CODE = "E92000001"

#: Each thing read -> the names it has had, newest first.
NEET_COLUMNS: dict[str, tuple[str, ...]] = {
    "age": ("age", "Age"),
    "cohort": ("avg_cohort_count", "avgcohort"),
    "neet": ("neet_percent", "NEETprop"),
    "not_known": ("nk_percent", "Notknownprop"),
    "neet_or_not_known": ("neet_nk_percent", "NEETNKprop"),
    "grouping": ("characteristic_grouping", "Characteristic_grouping"),
    "characteristic": ("characteristic", "Characteristic"),
}
#: Columns every version of the file has.
_PLACES = ("time_period", "geographic_level", "old_la_code")
#: Things a file must carry (the rest are read when there).
_NEEDED = ("age", "cohort", "neet", "not_known")
_BOTH_AGES = frozenset({"16-17", "16to17", "16and17"})
_LEVELS = {"local authority": "local_authority", "national": "england"}


@dataclass(frozen=True)
class NeetFigures:
    """One local authority's (or England's) 16-17 year olds: the share NEET and not known."""

    year: str
    la_code: str
    la_name: str
    #: 16-17 year olds the authority knows of (the average over December to February).
    cohort: Measure
    #: Percentage of the cohort not in education, employment or training.
    neet: Measure
    #: Percentage of the cohort whose activity the authority does not know.
    not_known: Measure
    #: Percentage NEET or not known, as published (NOT_IN_FILE where the file lacks it).
    neet_or_not_known: Measure = NOT_IN_FILE
    #: The new (ONS) code of the authority, where the file gives it.
    new_la_code: str = ""

    @property
    def year_label(self) -> str:
        """'2023/24 (average of December 2023 to February 2024)'."""
        start = self.year.split("/", 1)[0]
        if not whole_number(start):
            return self.year
        return f"{self.year} (average of December {start} to February {int(start) + 1})"


@dataclass(frozen=True)
class NeetFile:
    """A NEET file read whole: ask it for one authority with `for_la(code)`."""

    path: Path
    #: The newest year in the file, as '2023/24' ('' when no row could be read).
    year: str
    notes: tuple[str, ...]
    england: NeetFigures | None
    _las: dict[str, dict[str, NeetFigures]] = field(repr=False)
    _new_codes: dict[str, str] = field(repr=False)

    def for_la(self, code: str) -> NeetFigures | None:
        """The authority's figures for the file's newest year (else its own newest), by its
        DfE code ('891') or its new code ('E10000024'); None when the file has no row for it."""
        key = str(code).strip()
        years = self._las.get(self._new_codes.get(key, key))
        if not years:
            return None
        return years.get(self.year) or years[max(years)]

    def la_codes(self) -> list[str]:
        return sorted(self._las)


def _year(time_period: str) -> str | None:
    """'2024' -> '2023/24' (the December-to-February average); '202324' -> '2023/24'."""
    value = time_period.strip()
    if len(value) == 4 and whole_number(value):
        return academic_year(int(value) - 1)
    if len(value) == 6 and whole_number(value) and (int(value[:4]) + 1) % 100 == int(value[4:]):
        return academic_year(int(value[:4]))
    return None


def _names(table: Table) -> dict[str, str]:
    """The name each thing has in this file, in the version of the file with most of the
    names present; a thing the file lacks gets that version's name, for the message."""
    columns = table.columns
    version = max(
        range(2), key=lambda i: sum(names[i] in columns for names in NEET_COLUMNS.values())
    )
    found: dict[str, str] = {}
    for thing, names in NEET_COLUMNS.items():
        present = [name for name in names if name in columns]
        found[thing] = names[version] if names[version] in columns or not present else present[0]
    return found


def load_neet(path: str | os.PathLike[str]) -> NeetFile:
    """Read a NEET file; an InputError names the columns it lacks. A cell that is not a
    figure is shown as not published, and a row that cannot be placed is left out and said."""
    table = read_table(path, what=WHAT)
    names = _names(table)
    table.require((*_PLACES, *(names[thing] for thing in _NEEDED)), WHAT)
    cells = Cells(table)

    def at(thing: str) -> int | None:
        return table.position(names[thing]) if names[thing] in table.columns else None

    period_at, level_at = table.position("time_period"), table.position("geographic_level")
    old_at = table.position("old_la_code")
    new_at = table.position("new_la_code") if "new_la_code" in table.columns else None
    name_at = table.position("la_name") if "la_name" in table.columns else None
    age_at, grouping_at, characteristic_at = at("age"), at("grouping"), at("characteristic")
    # Required above, so they are there.
    cohort_at, neet_at, nk_at = (table.position(names[t]) for t in ("cohort", "neet", "not_known"))
    either_at = at("neet_or_not_known")
    las: dict[str, dict[str, NeetFigures]] = {}
    england: dict[str, NeetFigures] = {}
    new_codes: dict[str, str] = {}
    seen: dict[tuple[str, str], int] = {}
    both_ages = 0
    for row, values in table.rows:
        level = _LEVELS.get(values[level_at].strip().casefold())
        if level is None:
            continue  # regional rows: not a comparison the page shows
        if age_at is not None:
            age = "".join(values[age_at].split()).casefold()
            if age not in _BOTH_AGES:
                continue
        both_ages += 1
        if grouping_at is not None and values[grouping_at].strip().casefold() != "total":
            continue
        if characteristic_at is not None and values[characteristic_at].strip().casefold() not in (
            "total",
            "",
        ):
            continue
        year = _year(values[period_at])
        if year is None:
            cells.skip(
                row, "time_period", f"{short(values[period_at])} is not a time period (2024)"
            )
            continue
        code, name, new_code = ENGLAND_CODE, "England", ENGLAND_CODE
        if level == "local_authority":
            code = values[old_at].strip()
            if not whole_number(code):
                cells.skip(
                    row, "old_la_code", f"{short(values[old_at])} is not a local authority code"
                )
                continue
            new_code = values[new_at].strip() if new_at is not None else ""
            name = values[name_at].strip() if name_at is not None else ""
        if (code, year) in seen:
            cells.skip(
                row,
                "old_la_code",
                f"{code} has a second row for {year} (row {seen[code, year]} is used)",
            )
            continue
        seen[code, year] = row

        either = (
            NOT_IN_FILE
            if either_at is None
            else cells.percent(values[either_at], row, names["neet_or_not_known"])
        )
        figures = NeetFigures(
            year=year,
            la_code=code,
            la_name=name or code,
            cohort=cells.count(values[cohort_at], row, names["cohort"]),
            neet=cells.percent(values[neet_at], row, names["neet"]),
            not_known=cells.percent(values[nk_at], row, names["not_known"]),
            neet_or_not_known=either,
            new_la_code=new_code,
        )
        if level == "england":
            england[year] = figures
        else:
            las.setdefault(code, {})[year] = figures
            if new_code:
                new_codes[new_code] = code
    years = {year for by_year in (*las.values(), england) for year in by_year}
    newest_year = max(years, default="")
    notes = list(table.notes)
    if not years:
        ages = "" if both_ages else " (it has no rows for ages 16-17 together)"
        notes.append(
            f"{table.source}: no local authority or England rows for all 16-17 year olds"
            f"{ages}, so no NEET figures are shown"
        )
    notes += cells.notes()
    return NeetFile(
        path=Path(path),
        year=newest_year,
        notes=tuple(notes),
        england=england.get(newest_year) or (england[max(england)] if england else None),
        _las=las,
        _new_codes=new_codes,
    )


def is_neet_file(path: str | os.PathLike[str]) -> bool:
    """Whether a file's header is the NEET file's (to tell it from a destinations file given
    in the same list); False for a file that cannot be opened (its loader says why)."""
    try:
        with open(path, "rb") as handle:
            first = handle.readline(64 * 1024).decode("utf-8-sig", "replace")
    except OSError:
        return False
    header = {cell.strip().strip('"') for cell in first.split(",")}
    return any(name in header for name in NEET_COLUMNS["neet"])


def authorities(count: int) -> str:
    """'1 local authority', '152 local authorities'."""
    return f"{count:,} local authorit{'y' if count == 1 else 'ies'}"
