"""DfE destination measures for one school, beside its local authority and England.

Reads the three shapes the Department for Education publishes the same measures in: the Key
Stage 4 pupil destinations file (one wide row per school, `RECTYPE` 1 or 2, plus `LA` and `NAT`
rows), the 16-18 (Key Stage 5) student destinations file (`TOT_`, `L3_`, `L2_` blocks, with
`NOT_CAPTURED` for unknown activity) and the long Explore Education Statistics format (one row
per school, year, pupil group and data type). The shape is worked out from the header.

A value the DfE did not publish stays unpublished here: it becomes a `Measure` with no number
and the code the file used (`SUPP`, `NA`, `SP`, `c`, ...), so a suppressed figure is shown as
suppressed and never turns into a zero in a table, a chart or a sum.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError
from ._csv import Table, read_table
from .destinations_cells import Cells
from .destinations_ees import EES_FIELDS_NEEDED, read_ees
from .destinations_figures import (
    CODES,
    SPLIT_LABELS,
    DestinationFigures,
    EarlierYear,
    Entity,
    GroupFigures,
    Kind,
    Measure,
    SchoolDestinations,
    earlier_years,
    figures_of,
)
from .destinations_wide import WIDE, WIDE_OPTIONAL, read_wide

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CODES",
    "ENGLAND_LA_NAMES",
    "LA_NAMES_FILE",
    "SPLIT_LABELS",
    "DestinationFigures",
    "DestinationsFile",
    "EarlierYear",
    "GroupFigures",
    "Measure",
    "SchoolDestinations",
    "england_la_names",
    "load_destinations",
    "load_la_names",
]

#: The DfE's file of local authority codes and names, looked for beside a destinations file.
LA_NAMES_FILE = "la_and_region_codes_meta.csv"
#: Every English local authority's DfE code and name (public reference data shipped with the
#: package), so a page says "Nottinghamshire" even when a file gives only "891".
ENGLAND_LA_NAMES = Path(__file__).resolve().parent / "la_names.csv"

_KIND_NAMES: dict[Kind, str] = {
    "ks4": "Key Stage 4 pupil destinations",
    "ks5": "16-18 (Key Stage 5) student destinations",
    "ees": "Explore Education Statistics destinations (long format)",
}


@dataclass(frozen=True)
class DestinationsFile:
    """A destinations file read whole and checked: ask it for one school with `school(urn)`.

    `year` is the academic year the figures are for when the file says so (the latest
    `time_period` of the long format); the wide KS4 and KS5 files do not name it, so it is ''.
    """

    path: Path
    kind: Kind
    year: str
    encoding: str
    notes: tuple[str, ...]
    la_names: Mapping[str, str]
    _schools: Mapping[str, Entity]
    _las: Mapping[str, Entity]
    _england: Entity | None

    @property
    def kind_name(self) -> str:
        return _KIND_NAMES[self.kind]

    def __len__(self) -> int:
        return len(self._schools)

    def urns(self) -> list[str]:
        return list(self._schools)

    def la_name(self, code: str) -> str:
        return self.la_names.get(code, code)

    def school(self, urn: str | int) -> SchoolDestinations:
        """One school's figures with its LA's and England's; InputError for an unknown URN."""
        key = str(urn).strip()
        entity = self._schools.get(key)
        if entity is None:
            raise InputError(f"{self.path}: no school with URN {key} in this file")
        la = self._las.get(entity.la_code)
        return SchoolDestinations(
            kind=self.kind,
            year=self.year,
            urn=key,
            name=entity.name,
            la_code=entity.la_code,
            la_name=self.la_name(entity.la_code),
            school=figures_of(entity, self.year),
            local_authority=figures_of(la, self.year) if la else None,
            england=figures_of(self._england, self.year) if self._england else None,
            earlier_years=earlier_years(entity, self.year),
        )

    def local_authority(self, code: str) -> DestinationFigures | None:
        entity = self._las.get(str(code).strip())
        return figures_of(entity, self.year) if entity else None

    @property
    def england(self) -> DestinationFigures | None:
        return figures_of(self._england, self.year) if self._england else None

    def to_frame(self) -> pd.DataFrame:
        """One row per school; unpublished values are NaN (missing), never zero."""
        import pandas as pd  # loaded when the figures are asked for

        records = []
        for urn, entity in self._schools.items():
            figures = figures_of(entity, self.year)
            record: dict[str, object] = {
                "urn": urn,
                "name": entity.name,
                "la_code": entity.la_code,
                "la_name": self.la_name(entity.la_code),
                "cohort": figures.cohort.value,
                "sustained": figures.sustained.value,
            }
            for key in SPLIT_LABELS:
                if key in figures.split:
                    record[key] = figures.split[key].value
            for group in ("disadvantaged", "non_disadvantaged"):
                found = getattr(figures, group)
                record[f"sustained_{group}"] = found.sustained.value if found else None
            record["disadvantaged_gap"] = figures.disadvantaged_gap
            records.append(record)
        frame = pd.DataFrame.from_records(records).set_index("urn")
        numeric = [c for c in frame.columns if c not in ("name", "la_code", "la_name")]
        frame[numeric] = frame[numeric].astype("float64")
        return frame


_COHORT_COLUMN = {"ks4": "COHORT", "ks5": "TOT_COHORT", "ees": "cohort"}


def _required(kind: Kind) -> tuple[str, ...]:
    if kind == "ees":
        return (
            "time_period",
            "school_urn",
            "breakdown",
            "data_type",
            "cohort",
            *EES_FIELDS_NEEDED,
        )
    stems, cohort = WIDE[kind]
    percents = [f"{stem}PER" for key, stem in stems.items() if key not in WIDE_OPTIONAL[kind]]
    return ("RECTYPE", "LEA", "URN", cohort, *percents)


def _detect(table: Table) -> Kind:
    columns = table.columns
    kinds: tuple[Kind, ...] = ("ks4", "ks5", "ees")
    for kind in kinds:
        if all(column in columns for column in _required(kind)):
            return kind
    # A file with a shape's cohort column is that shape with columns missing: name them.
    for kind in kinds:
        if _COHORT_COLUMN[kind] in columns:
            table.require(_required(kind), _KIND_NAMES[kind])
    expected = "; ".join(f"{_KIND_NAMES[k]}: {', '.join(_required(k))}" for k in _KIND_NAMES)
    raise InputError(
        f"{table.source}: not a DfE destinations file this version can read; "
        f"expected the columns of one of these. {expected}"
    )


def load_la_names(path: str | os.PathLike[str]) -> dict[str, str]:
    """Local authority code to name, from the DfE's `la_and_region_codes_meta.csv`."""
    table = read_table(path, what="local authority names file")
    table.require(("LEA", "LA Name"), "local authority names file")
    code_at, name_at = table.position("LEA"), table.position("LA Name")
    names: dict[str, str] = {}
    for row, values in table.rows:
        code = values[code_at].strip()
        if not code.isdigit():
            raise table.error(row, "LEA", f"{values[code_at]!r} is not a local authority code")
        names[code] = values[name_at].strip() or code
    return names


@cache
def england_la_names() -> Mapping[str, str]:
    """The package's list of English local authorities: DfE code to name."""
    table = read_table(ENGLAND_LA_NAMES, what="local authority names file")
    code_at, name_at = table.position("code"), table.position("name")
    return {values[code_at].strip(): values[name_at].strip() for _, values in table.rows}


def load_destinations(
    path: str | os.PathLike[str], la_names: str | os.PathLike[str] | None = None
) -> DestinationsFile:
    """Read a DfE destinations file of any of the three shapes, checking every row.

    LA names come from `la_names` if given, else from `la_and_region_codes_meta.csv` beside the
    file when it is there, else from the file itself (EES carries them), else from the
    package's list of English local authorities; only a code in none of them stays a code.
    """
    table = read_table(path, what="destinations file")
    kind = _detect(table)
    cells = Cells(table)
    if kind == "ees":
        year, schools, las, england, names = read_ees(table, cells)
    else:
        year, schools, las, england = read_wide(table, cells, kind)
        names = {}
    names = {**england_la_names(), **names}
    names_path = Path(la_names) if la_names is not None else Path(path).parent / LA_NAMES_FILE
    if la_names is not None or names_path.is_file():
        names.update(load_la_names(names_path))
    las = {code: e.renamed(names.get(code, e.name)) for code, e in las.items()}
    return DestinationsFile(
        path=Path(path),
        kind=kind,
        year=year,
        encoding=table.encoding,
        notes=table.notes,
        la_names=names,
        _schools=schools,
        _las=las,
        _england=england,
    )
