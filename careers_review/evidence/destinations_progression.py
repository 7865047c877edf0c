"""The 16-18 progression measure file of the performance tables: how many level 3 students
went on to higher education or training at level 4 or above.

The DfE publishes it as `england_ks5-studest-he.csv` (metadata `ks5-studest-he_meta.csv`): one
wide row per school or college, plus local authority and national rows. The measure follows
students for two years after 16-18 study, so it answers a different question from the 16-18
destinations file, and its figures sit beside it rather than in place of it.

Which column becomes which key (every figure is a percentage of `ALL_COHORT`, as the DfE's
metadata says, unless the file also carries a `...PER` twin, in which case the plain column is
a number of students, `<key>_n`, and the twin the percentage):

- `ALL_COHORT` -> "cohort": level 3 students at the end of 16-18 study (a count);
- `ALL_PROGRESSED` -> "sustained": sustained a level 4 or higher destination (the headline);
- `ALL_HE` -> "higher_education": a degree-level course;
- `ALL_APPREN` -> "apprenticeship": a level 4 or higher apprenticeship;
- `ALL_HTECH` -> "higher_technical": a level 4 or 5 course;
- `ALL_TOP3RD` -> "top_third", `ALL_RUSSELL` -> "russell_group", `ALL_OXBRIDGE` -> "oxbridge"
  (the kinds of university; older files only).

`DIS_*` is the same block for disadvantaged students (group "dis"; the published file has no
`DIS_COHORT`, so that group has no cohort), and a `NONDIS_*` block would be group "nondis". The
file has no "not sustained" or "activity not known" column and no further-education column:
those parts are not in this measure. The `ACADAGEN_`, `TLEV_` and `OTHER_` blocks (by kind of
qualification) and the progression score, band and confidence limits are not read.

`RECTYPE` is 1 for a school or college and 3 for a sixth-form centre or consortium (both
placed by `URN`), 4 for a local authority (placed by `LEA`), 5 for England's schools and
colleges of every kind and 7 for England's state-funded ones, which is the comparison kept
when both are there; the words `LA` and `NAT` of the other performance-tables files are read
too. The file does not say which year it is for, so the year is ''.
"""

from __future__ import annotations

import re

from ._csv import Table
from .destinations_cells import Cells, short, whole_number
from .destinations_figures import Entity, Measure

__all__ = [
    "PROGRESSION_FIELDS",
    "PROGRESSION_FIELDS_NEEDED",
    "PROGRESSION_PLACES",
    "read_progression",
]

#: Measure key -> column stem, after the group prefix (`ALL_`, `DIS_`, `NONDIS_`).
PROGRESSION_FIELDS = {
    "cohort": "COHORT",
    "sustained": "PROGRESSED",
    "higher_education": "HE",
    "apprenticeship": "APPREN",
    "higher_technical": "HTECH",
    "top_third": "TOP3RD",
    "russell_group": "RUSSELL",
    "oxbridge": "OXBRIDGE",
}
#: The columns that place a row of this shape (`ALL_COHORT` tells it from the other files).
PROGRESSION_PLACES = ("RECTYPE", "LEA", "URN", "ALL_COHORT")
#: The figure columns every published year of this file has carried.
PROGRESSION_FIELDS_NEEDED = ("ALL_PROGRESSED", "ALL_HE", "ALL_APPREN")

_GROUPS = {"ALL": "all", "DIS": "dis", "NONDIS": "nondis"}
_KEYS = {stem: key for key, stem in PROGRESSION_FIELDS.items()}
_VALUE = re.compile(r"^(ALL|DIS|NONDIS)_(" + "|".join(PROGRESSION_FIELDS.values()) + r")(PER)?$")
_SCHOOL_TYPES = frozenset({"1", "2", "3"})
_LA_TYPES = frozenset({"4", "LA"})
#: National rows, the preferred one first: state-funded schools and colleges (7).
_NATIONAL_TYPES = ("7", "NAT", "5")
ENGLAND_CODE = "E92000001"

#: One value column: position, heading, pupil group, measure key, is-percentage.
_Column = tuple[int, str, str, str, bool]


def _columns(table: Table) -> list[_Column]:
    header = table.columns
    found = []
    for position, name in enumerate(table.header):
        match = _VALUE.match(name)
        if not match:
            continue
        prefix, stem, per = match.groups()
        key = _KEYS[stem]
        if per:
            percent = key != "cohort"
        elif key == "cohort":
            percent = False
        else:
            # A plain column is the percentage, unless a PER twin holds that.
            percent = f"{name}PER" not in header
        if key == "cohort" and percent:
            continue  # the cohort as a share of itself says nothing
        if not percent and key != "cohort":
            key = f"{key}_n"
        found.append((position, name, _GROUPS[prefix], key, percent))
    return found


def _groups(
    values: tuple[str, ...], row: int, columns: list[_Column], cells: Cells
) -> dict[str, dict[str, Measure]]:
    groups: dict[str, dict[str, Measure]] = {}
    for position, name, group, key, percent in columns:
        text = values[position]
        measure = cells.percent(text, row, name) if percent else cells.count(text, row, name)
        groups.setdefault(group, {})[key] = measure
    return groups


def read_progression(
    table: Table, cells: Cells
) -> tuple[str, dict[str, Entity], dict[str, Entity], Entity | None, dict[str, str]]:
    """Schools, local authorities and England from a progression file; no row stops another."""
    year = ""
    columns = _columns(table)
    at = {name: table.position(name) for name in ("RECTYPE", "LEA", "URN")}
    name_at = table.position("SCHNAME") if "SCHNAME" in table.columns else None
    schools: dict[str, Entity] = {}
    school_rows: dict[str, int] = {}
    las: dict[str, Entity] = {}
    la_rows: dict[str, int] = {}
    names: dict[str, str] = {}
    national: dict[str, Entity] = {}
    for row, values in table.rows:
        rectype = values[at["RECTYPE"]].strip().upper()
        lea = values[at["LEA"]].strip()
        name = values[name_at].strip() if name_at is not None else ""
        if rectype in _NATIONAL_TYPES:
            if rectype not in national:
                groups = _groups(values, row, columns, cells)
                national[rectype] = Entity("england", ENGLAND_CODE, "England", "", {year: groups})
            continue
        if rectype not in _SCHOOL_TYPES and rectype not in _LA_TYPES:
            cells.skip(
                row,
                "RECTYPE",
                f"{short(values[at['RECTYPE']])} is not a record type (1 or 3 for a school or "
                "college, 4 or LA for a local authority, 5, 7 or NAT for England)",
            )
            continue
        if not whole_number(lea):
            cells.skip(row, "LEA", f"{short(values[at['LEA']])} is not a local authority code")
            continue
        if rectype in _LA_TYPES:
            if lea in la_rows:
                cells.skip(row, "LEA", f"{lea} is also on row {la_rows[lea]}, which is used")
                continue
            la_rows[lea] = row
            if name:
                names[lea] = name
            groups = _groups(values, row, columns, cells)
            las[lea] = Entity("local_authority", lea, name or lea, lea, {year: groups})
            continue
        urn = values[at["URN"]].strip()
        if not whole_number(urn):
            cells.skip(row, "URN", f"{short(values[at['URN']])} is not a school URN")
        elif urn in school_rows:
            cells.skip(row, "URN", f"{urn} is also on row {school_rows[urn]}, which is used")
        else:
            school_rows[urn] = row
            groups = _groups(values, row, columns, cells)
            schools[urn] = Entity("school", urn, name, lea, {year: groups})
    england = next((national[kind] for kind in _NATIONAL_TYPES if kind in national), None)
    return year, schools, las, england, names
