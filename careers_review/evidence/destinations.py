"""DfE destination measures for one school, beside its local authority and England.

Reads every shape the Department for Education publishes them in (see `destinations_shapes`):
the performance tables' Key Stage 4 pupil destinations, 16-18 student destinations and 16-18
progression files (one wide row per school, plus LA and England rows), and the Explore
Education Statistics files, with one row per data type or, the newest, one row per
destination. EES publishes LA and England figures as files of their own: given as
`comparisons`, they are set beside the school's. The shape is worked out from the header.

A value the DfE did not publish stays unpublished here: it becomes a `Measure` with no number
and the code the file used (`SUPP`, `NA`, `SP`, `c`, ...), so a suppressed figure is shown as
suppressed and never turns into a zero in a table, a chart or a sum. A value that is not a
figure at all is treated the same way and named in the file's notes: no value refuses a file.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError
from ._csv import read_table
from .destinations_cells import Cells
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
from .destinations_meta import destination_years
from .destinations_shapes import Shape, detect, stage_of
from .destinations_wide import WIDE
from .destinations_years import leavers_label

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CODES",
    "ENGLAND_LA_NAMES",
    "LA_NAMES_FILE",
    "SPLIT_LABELS",
    "ComparisonFile",
    "DestinationFigures",
    "DestinationsFile",
    "EarlierYear",
    "GroupFigures",
    "Measure",
    "SchoolDestinations",
    "england_la_names",
    "load_comparison",
    "load_destinations",
    "load_la_names",
]

#: The DfE's file of local authority codes and names, looked for beside a destinations file.
LA_NAMES_FILE = "la_and_region_codes_meta.csv"
#: Every English local authority's DfE code and name (public reference data shipped with the
#: package), so a page says "Nottinghamshire" even when a file gives only "891".
ENGLAND_LA_NAMES = Path(__file__).resolve().parent / "la_names.csv"


@dataclass(frozen=True)
class DestinationsFile:
    """A destinations file read whole and checked: ask it for one school with `school(urn)`.

    `year` is the destination year of the figures: the newest of an Explore Education
    Statistics file, or what a performance-tables download's metadata names; '' when neither
    says (the pages then say the year is not known).
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
    kind_name: str = ""
    stage: str = "KS4"
    #: The files the LA and England figures came from, where not this one.
    comparisons: tuple[Path, ...] = ()
    #: True when only the rows for one URN (and any LA and England rows) were read.
    filtered: bool = False

    @property
    def year_label(self) -> str:
        """'left KS4 in 2020/21, destination in 2021/22', or that the file does not say."""
        return leavers_label(self.stage, self.year)

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
            raise InputError(
                f"{self.path}: the file has no row for URN {key}; check the URN in the "
                "school's profile on the start page"
            )
        la = self._las.get(entity.la_code)
        return SchoolDestinations(
            kind=self.kind,
            year=self.year,
            stage=self.stage,
            urn=key,
            name=entity.name,
            la_code=entity.la_code,
            la_name=self.la_name(entity.la_code),
            school=figures_of(entity, self.year),
            local_authority=self._figures(la),
            england=self._figures(self._england),
            earlier_years=earlier_years(entity, self.year),
        )

    def _figures(self, area: Entity | None) -> DestinationFigures | None:
        """An area's figures for this file's year; None when it has none for that year (a
        comparison file of another year)."""
        if area is None or self.year not in area.years:
            return None
        return figures_of(area, self.year)

    def local_authority(self, code: str) -> DestinationFigures | None:
        return self._figures(self._las.get(str(code).strip()))

    @property
    def england(self) -> DestinationFigures | None:
        return self._figures(self._england)

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
    path: str | os.PathLike[str],
    la_names: str | os.PathLike[str] | None = None,
    *,
    comparisons: Sequence[str | os.PathLike[str]] = (),
    urn: str | None = None,
    stream: bool | None = None,
) -> DestinationsFile:
    """Read a DfE destinations file of any shape this version knows, with the local
    authority and England figures from `comparisons` where the file has none (Explore
    Education Statistics publishes them as files of their own).

    With `urn`, a large file (or any, with `stream=True`) is read as a stream keeping only
    that school's rows and the LA and England rows, so a file of millions of rows answers one
    school in seconds and little memory. LA names come from `la_names` if given, else from
    `la_and_region_codes_meta.csv` beside the file when it is there, else from the file itself
    (EES carries them), else from the package's list of English local authorities.
    """
    main = _read(path, urn, stream)
    if main.filtered and urn and urn.strip() not in main.schools:
        raise InputError(
            f"{path}: the file has no row for URN {urn.strip()}; check the URN in the "
            "school's profile on the start page"
        )
    if not main.schools:
        left_out = [note for note in main.notes if " left out: " in note]
        if left_out:
            detail = left_out[0].split(": ", 1)[1]
            raise InputError(f"{path}: no school row could be read ({detail})")
        if main.las or main.england:
            raise InputError(
                f"{path}: no school rows in this file, only local authority or England rows: "
                "give it as the comparison beside a school-level file"
            )
        raise InputError(f"{path}: no school rows in this file")
    las, england, names = dict(main.las), main.england, dict(main.names)
    notes = list(main.notes)
    used: list[Path] = []
    for other in comparisons:
        try:
            extra = _read(other, None, False)
        except InputError as exc:  # a comparison that cannot be read leaves the school's
            notes.append(f"not used as the comparison: {exc}")
            continue
        notes += extra.notes
        names = {**extra.names, **names}
        added = False
        for code, entity in extra.las.items():
            if code not in las:
                las[code], added = entity, True
        if england is None and extra.england is not None:
            england, added = extra.england, True
        areas = [*extra.las.values(), *([extra.england] if extra.england else [])]
        if main.year and areas and not any(main.year in area.years for area in areas):
            covered = sorted({year for area in areas for year in area.years})
            notes.append(
                f"{other}: it has no figures for {main.year}, the year of the school's "
                f"(it covers {covered[0]}"
                + (f" to {covered[-1]}" if len(covered) > 1 else "")
                + "): it is not used as the comparison"
            )
        if added:
            used.append(Path(other))
    names = {**england_la_names(), **names}
    names_path = Path(la_names) if la_names is not None else Path(path).parent / LA_NAMES_FILE
    if la_names is not None or names_path.is_file():
        names.update(load_la_names(names_path))
    las = {code: e.renamed(names.get(code, e.name)) for code, e in las.items()}
    return DestinationsFile(
        path=Path(path),
        kind=main.shape.kind,
        year=main.year,
        encoding=main.encoding,
        notes=tuple(notes),
        la_names=names,
        _schools=main.schools,
        _las=las,
        _england=england,
        kind_name=main.shape.name,
        stage=main.stage,
        comparisons=tuple(used),
        filtered=main.filtered,
    )


#: Above this size a file asked for one school is streamed rather than read whole.
STREAM_ABOVE = 32 * 1024 * 1024


@dataclass(frozen=True)
class _Parsed:
    shape: Shape
    stage: str
    year: str
    schools: dict[str, Entity]
    las: dict[str, Entity]
    england: Entity | None
    names: dict[str, str]
    encoding: str
    notes: tuple[str, ...]
    filtered: bool


def _read(path: str | os.PathLike[str], urn: str | None, stream: bool | None) -> _Parsed:
    if stream is None:
        try:
            stream = urn is not None and Path(path).stat().st_size > STREAM_ABOVE
        except OSError:
            stream = False  # read_table says what is wrong with the path
    filtered = bool(stream and urn) and not _is_wide(path)
    if filtered:
        from ._stream import read_table_filtered

        table = read_table_filtered(
            path, what="destinations file", keep=(str(urn).strip(), *_AREA_LEVELS)
        )
    else:
        table = read_table(path, what="destinations file")
    shape, lacking = detect(table)
    cells = Cells(table)
    year, schools, las, england, names = shape.read(table, cells)
    undated: tuple[str, ...] = ()
    if shape.kind in WIDE:
        years, undated = destination_years(path, WIDE[shape.kind][1])
        if years:  # the metadata names them: from here the figures are keyed by year
            year = years.get("", "")
            schools = {code: e.with_years(years) for code, e in schools.items()}
            las = {code: e.with_years(years) for code, e in las.items()}
            england = england.with_years(years) if england else None
    return _Parsed(
        shape,
        stage_of(shape, table.columns),
        year,
        schools,
        las,
        england,
        names,
        table.encoding,
        (*table.notes, *lacking, *cells.notes(), *undated),
        filtered,
    )


#: Rows kept besides a school's when streaming: those of the areas it is compared with.
_AREA_LEVELS = ("Local authority", "National")


def _is_wide(path: str | os.PathLike[str]) -> bool:
    """A performance-tables file (one row per school, a few thousand rows) is read whole: its
    LA and England rows are marked by a record type, not a level to keep while streaming."""
    try:
        with open(path, "rb") as handle:
            first = handle.readline(64 * 1024)
    except OSError:
        return False
    return b"RECTYPE" in first


@dataclass(frozen=True)
class ComparisonFile:
    """An LA- or England-level destinations file, checked on its own: what it holds."""

    path: Path
    kind_name: str
    year: str
    local_authorities: int
    england: bool
    notes: tuple[str, ...]


def load_comparison(path: str | os.PathLike[str]) -> ComparisonFile:
    """Read a file to be the comparison beside a school's: it must have LA or England rows."""
    read = _read(path, None, False)
    if not read.las and read.england is None:
        raise InputError(
            f"{path}: no local authority or England rows in this file, so it cannot be the "
            "comparison for a school's destinations"
            + (": upload it as the destinations file" if read.schools else "")
        )
    return ComparisonFile(
        Path(path), read.shape.name, read.year, len(read.las), read.england is not None, read.notes
    )
