"""The shapes of DfE destinations file this version reads, and how a file's shape is found.

A shape is known by its columns: those it needs to place a row (a school's URN, a local
authority's code, a year) and the figure columns it usually carries. A file is read as the
shape it has most columns of, as long as it has every column that places a row and at least
one figure; a figure column it lacks is said in a note and shown as "not in this file". Only a
file with no shape's placing columns is refused, and the message names the nearest shape and
what it lacks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..errors import InputError
from ._csv import Table
from .destinations_cells import Cells
from .destinations_ees import EES_FIELDS_NEEDED, PROGRESSION_FIELDS, read_ees
from .destinations_ees import read_progression as read_ees_progression
from .destinations_figures import Entity, Kind
from .destinations_long import LONG_FIGURES, read_ees_long
from .destinations_progression import (
    PROGRESSION_FIELDS_NEEDED,
    PROGRESSION_PLACES,
    read_progression,
)
from .destinations_wide import WIDE, WIDE_OPTIONAL, read_wide

__all__ = ["SHAPES", "Read", "Shape", "detect", "stage_of"]

#: What a reader gives: newest destination year, schools, LAs, England, LA names in the file.
Read = tuple[str, dict[str, Entity], dict[str, Entity], Entity | None, dict[str, str]]


@dataclass(frozen=True)
class Shape:
    """One published layout: its name on the page, the columns that place a row (every one
    needed; a tuple inside is "any one of these"), its figure columns, and its reader."""

    kind: Kind
    name: str
    stage: str
    places: tuple[str | tuple[str, ...], ...]
    figures: tuple[str, ...]
    read: Callable[[Table, Cells], Read]

    def missing_places(self, columns: frozenset[str]) -> list[str]:
        missing = []
        for need in self.places:
            options = (need,) if isinstance(need, str) else need
            if not any(option in columns for option in options):
                missing.append(" or ".join(options))
        return missing

    def score(self, columns: frozenset[str]) -> int:
        placed = len(self.places) - len(self.missing_places(columns))
        return placed + sum(column in columns for column in self.figures)

    def summary(self) -> str:
        first = [n if isinstance(n, str) else " or ".join(n) for n in self.places]
        return f"{self.name} ({', '.join([*first, *self.figures[:2]])}, ...)"


def _wide(kind: Kind) -> tuple[tuple[str, ...], tuple[str, ...]]:
    stems, cohort = WIDE[kind]
    figures = tuple(f"{stem}PER" for key, stem in stems.items() if key not in WIDE_OPTIONAL[kind])
    return ("RECTYPE", "LEA", "URN", cohort), figures


def _read_wide(kind: Kind) -> Callable[[Table, Cells], Read]:
    def read(table: Table, cells: Cells) -> Read:
        return (*read_wide(table, cells, kind), {})

    return read


SHAPES: tuple[Shape, ...] = (
    Shape("ks4", "Key Stage 4 pupil destinations", "KS4", *_wide("ks4"), _read_wide("ks4")),
    Shape(
        "ks5",
        "16-18 (Key Stage 5) student destinations",
        "16-18 study",
        *_wide("ks5"),
        _read_wide("ks5"),
    ),
    Shape(
        "ks5_progression",
        "16-18 progression to higher education or training",
        "16-18 study",
        PROGRESSION_PLACES,
        PROGRESSION_FIELDS_NEEDED,
        read_progression,
    ),
    Shape(
        "ees",
        "Explore Education Statistics destinations",
        "KS4",
        ("time_period", "breakdown", "data_type", "cohort", ("school_urn", "geographic_level")),
        EES_FIELDS_NEEDED,
        read_ees,
    ),
    Shape(
        "ees_progression",
        "Explore Education Statistics 16-18 progression to higher education or training",
        "16-18 study",
        ("time_period", "breakdown", "data_type", "all_cohort", ("school_urn", "geographic_level")),
        tuple(PROGRESSION_FIELDS.values())[:2],
        read_ees_progression,
    ),
    Shape(
        "ees_long",
        "Explore Education Statistics destinations (long layout)",
        "KS4",
        (
            "time_period",
            "geographic_level",
            ("destination_description", "destination_group"),
            "breakdown",
        ),
        LONG_FIGURES,
        read_ees_long,
    ),
)


def detect(table: Table, shapes: tuple[Shape, ...] = SHAPES) -> tuple[Shape, tuple[str, ...]]:
    """The file's shape, and a note naming the figure columns it lacks (if any); an
    InputError naming the nearest shape when no shape can place its rows."""
    columns = table.columns
    ranked = sorted(shapes, key=lambda shape: -shape.score(columns))
    for shape in ranked:
        if shape.missing_places(columns) or not any(f in columns for f in shape.figures):
            continue
        lacking = [f for f in shape.figures if f not in columns]
        notes = (
            (
                f"{table.source}: this {shape.name} file has no column"
                f"{'s' if len(lacking) > 1 else ''} {', '.join(lacking)}: those figures are "
                "shown as not in this file",
            )
            if lacking
            else ()
        )
        return shape, notes
    nearest = ranked[0]
    missing = nearest.missing_places(columns)
    if not any(f in columns for f in nearest.figures):
        missing.append(f"at least one figure column such as {', '.join(nearest.figures[:3])}")
    known = "; ".join(shape.summary() for shape in shapes)
    if nearest.score(columns) == 0:
        raise InputError(
            f"{table.source}: not a DfE destinations file this version can read: it has none "
            f"of the columns of the shapes it reads. The shapes are: {known}"
        )
    raise InputError(
        f"{table.source}: not a DfE destinations file this version can read: the nearest "
        f"shape is {nearest.name}, and the file lacks {'; '.join(missing)}. The shapes are: "
        f"{known}"
    )


#: Columns only the 16-18 files of Explore Education Statistics have (the level of study).
_SIXTEEN_TO_EIGHTEEN = frozenset({"cohort_level_group", "cohort_level"})


def stage_of(shape: Shape, columns: frozenset[str]) -> str:
    """Who left: 'KS4' or '16-18 study'. EES uses one layout for both, and only the 16-18
    files carry the level of study."""
    if shape.kind in ("ees", "ees_long") and columns & _SIXTEEN_TO_EIGHTEEN:
        return "16-18 study"
    return shape.stage
