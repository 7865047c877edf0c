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
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pandas as pd

from ..errors import InputError
from ._csv import Table, read_table

__all__ = [
    "CODES",
    "LA_NAMES_FILE",
    "SPLIT_LABELS",
    "DestinationFigures",
    "DestinationsFile",
    "EarlierYear",
    "GroupFigures",
    "Measure",
    "SchoolDestinations",
    "load_destinations",
    "load_la_names",
]

Kind = Literal["ks4", "ks5", "ees"]
Level = Literal["school", "local_authority", "england"]

#: The DfE's file of local authority codes and names, looked for beside a destinations file.
LA_NAMES_FILE = "la_and_region_codes_meta.csv"

#: Codes the DfE writes instead of a number, and what each means in plain words.
CODES: dict[str, str] = {
    "SUPP": "suppressed (too few pupils to publish)",
    "NA": "not available",
    "NE": "not published",
    "SP": "below 0.5%",
    "x": "not available",
    "": "blank in the file",
    "c": "suppressed (too few pupils to publish)",
    "low": "below 0.5%",
    "z": "not applicable",
    "u": "low reliability, not published",
    ":": "not available",
}
_CODE_LOOKUP = {code.casefold(): code for code in CODES}
#: Codes that mean "more than zero but under 0.5%" rather than "withheld".
SMALL_CODES = frozenset({"SP", "low"})

#: The parts of the destination split, in the order a table shows them.
SPLIT_LABELS: dict[str, str] = {
    "education": "Education (any)",
    "further_education": "Further education college",
    "school_sixth_form": "School sixth form",
    "sixth_form_college": "Sixth-form college",
    "other_education": "Other education",
    "higher_education": "Higher education",
    "apprenticeship": "Apprenticeship",
    "employment": "Employment",
    "not_sustained": "Not sustained",
    "unknown": "Activity not captured (unknown)",
}

_KIND_NAMES = {
    "ks4": "Key Stage 4 pupil destinations",
    "ks5": "16-18 (Key Stage 5) student destinations",
    "ees": "Explore Education Statistics destinations (long format)",
}


@dataclass(frozen=True)
class Measure:
    """One published figure: a number, or no number and the code the file gave instead."""

    value: float | None
    code: str | None = None
    unit: str = ""

    @property
    def suppressed(self) -> bool:
        """No number was published (withheld, too small to show, or not available)."""
        return self.value is None

    @property
    def small(self) -> bool:
        """Published as 'below 0.5%' (SP, low): more than none, too few to show."""
        return self.code in SMALL_CODES

    @property
    def label(self) -> str:
        """The figure as a person should read it: '94%', '161' or what the code means."""
        if self.value is not None:
            value = self.value
            number = str(int(value)) if float(value).is_integer() else str(value)
            return f"{number}{self.unit}"
        if self.code is None:
            return "not in this file"
        meaning = CODES.get(self.code, "not published")
        return meaning if self.code == "" else f"{meaning} [{self.code}]"

    def __str__(self) -> str:
        return self.label


#: Used where the file does not carry a measure at all (not the same as suppressed).
NOT_IN_FILE = Measure(None, None)


@dataclass(frozen=True)
class GroupFigures:
    """Cohort and sustained-destination rate for one group of pupils."""

    cohort: Measure
    sustained: Measure


@dataclass(frozen=True)
class DestinationFigures:
    """The destination measures for one school, one local authority or England."""

    level: Level
    code: str
    name: str
    cohort: Measure
    sustained: Measure
    #: Percentages of the cohort, keyed as SPLIT_LABELS; only parts the file carries.
    split: Mapping[str, Measure]
    #: Numbers of pupils for 'sustained' and the split, where the file carries them.
    counts: Mapping[str, Measure]
    disadvantaged: GroupFigures | None = None
    non_disadvantaged: GroupFigures | None = None

    @property
    def disadvantaged_gap(self) -> float | None:
        """Non-disadvantaged minus disadvantaged sustained rate, in percentage points."""
        return _gap(self.disadvantaged, self.non_disadvantaged)


def _gap(dis: GroupFigures | None, nondis: GroupFigures | None) -> float | None:
    if dis is None or nondis is None:
        return None
    if dis.sustained.value is None or nondis.sustained.value is None:
        return None
    return nondis.sustained.value - dis.sustained.value


@dataclass(frozen=True)
class EarlierYear:
    """An earlier year's headline figures, as far as the file carries them.

    `label` is the year the DfE names: the academic year of an Explore Education Statistics
    row, or the year a wide file's column suffix names (`COHORT_18` gives '2018').
    """

    label: str
    cohort: Measure
    sustained: Measure
    disadvantaged: GroupFigures | None = None
    non_disadvantaged: GroupFigures | None = None

    @property
    def disadvantaged_gap(self) -> float | None:
        return _gap(self.disadvantaged, self.non_disadvantaged)


@dataclass(frozen=True)
class SchoolDestinations:
    """One school's destinations beside its local authority and England."""

    kind: Kind
    year: str
    urn: str
    name: str
    la_code: str
    la_name: str
    school: DestinationFigures
    local_authority: DestinationFigures | None
    england: DestinationFigures | None
    earlier_years: tuple[EarlierYear, ...] = ()

    @property
    def cohort(self) -> Measure:
        return self.school.cohort

    @property
    def sustained(self) -> Measure:
        return self.school.sustained

    @property
    def split(self) -> Mapping[str, Measure]:
        return self.school.split

    @property
    def disadvantaged_gap(self) -> float | None:
        return self.school.disadvantaged_gap

    def to_frame(self) -> pd.DataFrame:
        """A table to show: one row per measure, the school, its LA and England as text.

        Cells are the published figures as words ('94%', 'suppressed ... [SUPP]'), so nothing
        unpublished can be mistaken for a number; a column with no row in the file is blank.
        """
        places = [self.school, self.local_authority, self.england]
        columns = [
            self.name or self.urn,
            self.local_authority.name if self.local_authority else f"{self.la_name} (no LA row)",
            "England",
        ]
        rows: dict[str, list[str]] = {}

        def add(label: str, pick: Callable[[DestinationFigures], Measure | None]) -> None:
            rows[label] = [str(pick(place) or NOT_IN_FILE) if place else "" for place in places]

        add("Pupils in cohort", lambda f: f.cohort)
        add("Sustained destination", lambda f: f.sustained)
        for key, label in SPLIT_LABELS.items():
            if key in self.school.split:
                add(label, lambda f, key=key: f.split.get(key))
        add("Disadvantaged: sustained", lambda f: f.disadvantaged and f.disadvantaged.sustained)
        add(
            "Not disadvantaged: sustained",
            lambda f: f.non_disadvantaged and f.non_disadvantaged.sustained,
        )
        rows["Disadvantage gap (points)"] = [
            "" if not place else _points(place.disadvantaged_gap) for place in places
        ]
        return pd.DataFrame.from_dict(rows, orient="index", columns=columns)


def _points(gap: float | None) -> str:
    return "not published" if gap is None else Measure(gap).label


#: Where each value of a wide row belongs: (year label, pupil group, measure key or '').
_Layout = tuple[tuple[str, str, str], ...]


class _Entity:
    """One school, local authority or England, with its measures by year, group and key.

    A wide file's row is kept as the flat tuple of its parsed cells and sorted into years and
    groups only when someone asks for that school, which keeps loading a whole file quick.
    """

    def __init__(
        self,
        level: Level,
        code: str,
        name: str,
        la_code: str,
        years: dict[str, dict[str, dict[str, Measure]]] | None = None,
        flat: tuple[Measure, ...] = (),
        layout: _Layout = (),
    ) -> None:
        self.level, self.code, self.name, self.la_code = level, code, name, la_code
        self._years, self._flat, self._layout = years, flat, layout

    def renamed(self, name: str) -> _Entity:
        return _Entity(
            self.level, self.code, name, self.la_code, self._years, self._flat, self._layout
        )

    @property
    def years(self) -> dict[str, dict[str, dict[str, Measure]]]:
        """year label -> group ('all', 'dis', 'nondis') -> key -> Measure"""
        if self._years is None:
            self._years = {}
            for (year, group, key), measure in zip(self._layout, self._flat, strict=True):
                if key:
                    self._years.setdefault(year, {}).setdefault(group, {})[key] = measure
        return self._years


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
    _schools: Mapping[str, _Entity]
    _las: Mapping[str, _Entity]
    _england: _Entity | None

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
            school=_figures(entity, self.year),
            local_authority=_figures(la, self.year) if la else None,
            england=_figures(self._england, self.year) if self._england else None,
            earlier_years=_earlier(entity, self.year),
        )

    def local_authority(self, code: str) -> DestinationFigures | None:
        entity = self._las.get(str(code).strip())
        return _figures(entity, self.year) if entity else None

    @property
    def england(self) -> DestinationFigures | None:
        return _figures(self._england, self.year) if self._england else None

    def to_frame(self) -> pd.DataFrame:
        """One row per school; unpublished values are NaN (missing), never zero."""
        records = []
        for urn, entity in self._schools.items():
            figures = _figures(entity, self.year)
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


def _figures(entity: _Entity, year: str) -> DestinationFigures:
    groups = entity.years.get(year, {})
    every = groups.get("all", {})
    split = {key: every[key] for key in SPLIT_LABELS if key in every}
    counts = {key: every[f"{key}_n"] for key in ("sustained", *SPLIT_LABELS) if f"{key}_n" in every}

    def group(name: str) -> GroupFigures | None:
        found = groups.get(name)
        if not found or ("cohort" not in found and "sustained" not in found):
            return None
        return GroupFigures(found.get("cohort", NOT_IN_FILE), found.get("sustained", NOT_IN_FILE))

    return DestinationFigures(
        level=entity.level,
        code=entity.code,
        name=entity.name,
        cohort=every.get("cohort", NOT_IN_FILE),
        sustained=every.get("sustained", NOT_IN_FILE),
        split=split,
        counts=counts,
        disadvantaged=group("dis"),
        non_disadvantaged=group("nondis"),
    )


def _earlier(entity: _Entity, current: str) -> tuple[EarlierYear, ...]:
    found = []
    for label in sorted(entity.years):
        if label == current:
            continue
        figures = _figures(entity, label)
        found.append(
            EarlierYear(
                label,
                figures.cohort,
                figures.sustained,
                figures.disadvantaged,
                figures.non_disadvantaged,
            )
        )
    return tuple(found)


# ---------------------------------------------------------------------------------------------
# Cell values


class _BadValue(ValueError):
    pass


def _code(text: str) -> str | None:
    return _CODE_LOOKUP.get(text.casefold())


def _parse_count(text: str) -> Measure:
    value = text.strip()
    code = _code(value)
    if code is not None:
        return Measure(None, code)
    if _whole_number(value):
        if len(value) > _MAX_DIGITS:
            raise _BadValue(f"{_short(text)} is too large for a number of pupils")
        return Measure(int(value))
    raise _BadValue(
        f"{_short(text)} is not a number of pupils or a DfE code ({_CODE_HINT})"
        if not _whole_number(value.lstrip("-"))
        else f"{_short(text)} is negative; a number of pupils cannot be"
    )


#: A count with more digits than this is not a number of pupils (England's cohort has six).
_MAX_DIGITS = 9


def _whole_number(text: str) -> bool:
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


class _Cells:
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


# ---------------------------------------------------------------------------------------------
# Shapes


#: Wide files: measure key -> column stem (percentages add PER, counts use the stem).
_KS4_STEMS = {
    "sustained": "OVERALL_DEST",
    "education": "EDUCATION",
    "further_education": "FE",
    "school_sixth_form": "SCH_6TH",
    "sixth_form_college": "SIXTH_COL",
    "other_education": "OTHER_EDU",
    "apprenticeship": "APPREN",
    "employment": "EMPLOYMENT",
    "not_sustained": "NOT_SUSTAINED",
    "unknown": "UNKNOWN",
}
_KS5_STEMS = {
    "sustained": "TOT_OVERALL",
    "education": "TOT_EDUCATION",
    "further_education": "TOT_FE",
    "higher_education": "TOT_HE",
    "other_education": "TOT_OTHER_EDU",
    "apprenticeship": "TOT_APPREN",
    "employment": "TOT_EMPLOYMENT",
    "not_sustained": "TOT_NOT_SUSTAINED",
    "unknown": "TOT_NOT_CAPTURED",
}
_WIDE = {
    "ks4": (_KS4_STEMS, "COHORT"),
    "ks5": (_KS5_STEMS, "TOT_COHORT"),
}
_WIDE_OPTIONAL = {"ks4": {"other_education"}, "ks5": {"other_education"}}

_EES_FIELDS = {
    "sustained": "overall",
    "education": "education",
    "further_education": "fe",
    "school_sixth_form": "ssf",
    "sixth_form_college": "sfc",
    "other_education": "other_edu",
    "higher_education": "he",
    "apprenticeship": "appren",
    "employment": "all_work",
    "not_sustained": "all_notsust",
    "unknown": "all_unknown",
}
_EES_FIELDS_NEEDED = ("overall", "education", "appren", "all_work", "all_notsust", "all_unknown")


_COHORT_COLUMN = {"ks4": "COHORT", "ks5": "TOT_COHORT", "ees": "cohort"}


def _required(kind: Kind) -> tuple[str, ...]:
    if kind == "ees":
        return (
            "time_period",
            "school_urn",
            "breakdown",
            "data_type",
            "cohort",
            *_EES_FIELDS_NEEDED,
        )
    stems, cohort = _WIDE[kind]
    percents = [f"{stem}PER" for key, stem in stems.items() if key not in _WIDE_OPTIONAL[kind]]
    return ("RECTYPE", "LEA", "URN", cohort, *percents)


#: Any value column of a wide file, current or earlier year, any pupil group or block.
_WIDE_VALUE = re.compile(
    r"^(?:TOT_|L3_|L2_|LALLOTH_)?"
    r"(?:COHORT|OVERALL_DEST|OVERALL|APPREN|EMPLOYMENT|EDUCATION|FE|HE|SCH_6TH|SIXTH_COL|"
    r"OTHER_EDU|NOT_SUSTAINED|UNKNOWN|NOT_CAPTURED)(PER)?(?:_DIS|_NONDIS)?(?:_\d{2})?$"
)
_EARLIER_SUFFIX = re.compile(r"_(\d{2})$")
_GROUP_SUFFIX = {"all": "", "dis": "_DIS", "nondis": "_NONDIS"}


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


def load_destinations(
    path: str | os.PathLike[str], la_names: str | os.PathLike[str] | None = None
) -> DestinationsFile:
    """Read a DfE destinations file of any of the three shapes, checking every row.

    LA names come from `la_names` if given, else from `la_and_region_codes_meta.csv` beside the
    file when it is there, else from the file itself (EES carries them), else the LA code.
    """
    table = read_table(path, what="destinations file")
    kind = _detect(table)
    cells = _Cells(table)
    if kind == "ees":
        year, schools, las, england, names = _read_ees(table, cells)
    else:
        year, schools, las, england = _read_wide(table, cells, kind)
        names = {}
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


def _wide_columns(table: Table, kind: Kind) -> list[tuple[int, str, str, str, str, bool]]:
    """For every value column: position, name, year label, group, measure key, is-percentage."""
    stems, cohort = _WIDE[kind]
    by_stem = {stem: key for key, stem in stems.items()} | {cohort: "cohort"}
    found = []
    for position, name in enumerate(table.header):
        match = _WIDE_VALUE.match(name)
        if not match:
            continue
        percent = match[1] is not None
        rest = name
        year = ""
        suffix = _EARLIER_SUFFIX.search(rest)
        if suffix:
            year, rest = f"20{suffix[1]}", rest[: suffix.start()]
        group = "all"
        for candidate, tail in (("nondis", "_NONDIS"), ("dis", "_DIS")):
            if rest.endswith(tail):
                group, rest = candidate, rest[: -len(tail)]
                break
        if percent:
            rest = rest.removesuffix("PER")
        key = by_stem.get(rest)
        if key is None:
            key = ""  # validated, not shown (another block, such as L3_)
        elif key != "cohort" and not percent:
            key = f"{key}_n"
        elif key == "cohort" and percent:
            key = ""
        found.append((position, name, year, group, key, percent))
    return found


def _read_wide(
    table: Table, cells: _Cells, kind: Kind
) -> tuple[str, dict[str, _Entity], dict[str, _Entity], _Entity | None]:
    columns = _wide_columns(table, kind)
    layout: _Layout = tuple((year, group, key) for _, _, year, group, key, _ in columns)
    plan = [
        (position, cells.percents if percent else cells.counts, percent, column)
        for position, column, _, _, _, percent in columns
    ]
    parse = cells.parse
    at = {name: table.position(name) for name in ("RECTYPE", "LEA", "URN")}
    name_at = table.position("SCHNAME") if "SCHNAME" in table.columns else None
    schools: dict[str, _Entity] = {}
    seen_rows: dict[str, int] = {}
    las: dict[str, _Entity] = {}
    england: _Entity | None = None
    for row, values in table.rows:
        # The memo answers almost every cell; parse() checks and remembers the rest.
        flat = tuple(
            memo.get(values[position]) or parse(values[position], percent, row, column)
            for position, memo, percent, column in plan
        )
        rectype = values[at["RECTYPE"]].strip()
        lea = values[at["LEA"]].strip()
        if rectype == "NAT":
            england = _Entity("england", "E92000001", "England", "", None, flat, layout)
        elif rectype == "LA":
            if not lea.isdigit():
                raise table.error(
                    row, "LEA", f"{values[at['LEA']]!r} is not a local authority code"
                )
            las[lea] = _Entity("local_authority", lea, lea, lea, None, flat, layout)
        elif rectype.isdigit():
            urn = values[at["URN"]].strip()
            if not urn.isdigit():
                raise table.error(row, "URN", f"{values[at['URN']]!r} is not a school URN")
            if urn in seen_rows:
                raise table.error(row, "URN", f"{urn} is also on row {seen_rows[urn]}")
            seen_rows[urn] = row
            name = values[name_at].strip() if name_at is not None else ""
            schools[urn] = _Entity("school", urn, name, lea, None, flat, layout)
        else:
            raise table.error(
                row,
                "RECTYPE",
                f"{values[at['RECTYPE']]!r} is not a record type (a number for a school, "
                "LA or NAT)",
            )
    if not schools:
        raise InputError(
            f"{table.source}: no school rows (RECTYPE 1 or 2, with a URN) in this file, "
            "only local authority or England rows"
        )
    return "", schools, las, england


def _academic_year(time_period: str) -> str | None:
    value = time_period.strip()
    if len(value) == 6 and _whole_number(value) and (int(value[:4]) + 1) % 100 == int(value[4:]):
        return f"{value[:4]}/{value[4:]}"
    if len(value) == 4 and _whole_number(value):
        return value
    return None


_EES_GROUPS = {
    "total": "all",
    "all pupils": "all",
    "all students": "all",
    "disadvantaged": "dis",
    "disadvantaged all other": "nondis",
    "not disadvantaged": "nondis",
    "non-disadvantaged": "nondis",
    "non disadvantaged": "nondis",
    "all other pupils": "nondis",
    "all other students": "nondis",
}
_EES_LEVELS = {
    "school": "school",
    "institution": "school",
    "provider": "school",
    "local authority": "local_authority",
    "national": "england",
}
#: Where an area has a row per institution group, the widest one is the comparison.
_EES_PREFERRED_GROUPS = (
    "total",
    "state-funded mainstream and special schools",
    "state-funded mainstream and special",
    "state-funded mainstream schools & colleges",
    "state-funded mainstream schools",
)


def _read_ees(
    table: Table, cells: _Cells
) -> tuple[str, dict[str, _Entity], dict[str, _Entity], _Entity | None, dict[str, str]]:
    header = table.columns

    def at(name: str) -> int | None:
        return table.position(name) if name in header else None

    period_at, urn_at = at("time_period"), at("school_urn")
    breakdown_at, type_at = at("breakdown"), at("data_type")
    level_at, name_at = at("geographic_level"), at("school_name")
    old_la_at, new_la_at, la_name_at = at("old_la_code"), at("new_la_code"), at("la_name")
    group_at, level_group_at = at("institution_group"), at("cohort_level_group")
    fields = [
        (key, name, table.position(name)) for key, name in _EES_FIELDS.items() if name in header
    ]
    cohort_at = table.position("cohort")
    entities: dict[tuple[str, str], _Entity] = {}
    ranks: dict[tuple, int] = {}
    school_rows: dict[tuple, int] = {}
    periods: set[str] = set()
    names: dict[str, str] = {}
    for row, values in table.rows:
        period_text = values[period_at]
        year = _academic_year(period_text)
        if year is None:
            raise table.error(
                row, "time_period", f"{period_text!r} is not a time period (such as 202324)"
            )
        data_type = values[type_at].strip().casefold()
        if data_type == "percentage":
            percent = True
        elif data_type.startswith("number"):
            percent = False
        else:
            raise table.error(
                row,
                "data_type",
                f"{values[type_at]!r} is not a data type (Percentage or Number of pupils)",
            )
        cohort = cells.count(values[cohort_at], row, "cohort")
        measures = {}
        for key, name, position in fields:
            text = values[position]
            measures[key] = (
                cells.percent(text, row, name) if percent else cells.count(text, row, name)
            )
        urn = values[urn_at].strip()
        if level_at is not None:
            level = _EES_LEVELS.get(values[level_at].strip().casefold())
        else:
            level = "school" if urn else None
        group = _EES_GROUPS.get(values[breakdown_at].strip().casefold())
        if level is None or group is None:
            continue
        if level_group_at is not None and values[level_group_at].strip().casefold() not in (
            "total",
            "all",
            "",
        ):
            continue
        la_code = ""
        for position in (old_la_at, new_la_at):
            if position is not None and values[position].strip():
                la_code = values[position].strip()
                break
        if la_code and la_name_at is not None and values[la_name_at].strip():
            names[la_code] = values[la_name_at].strip()
        if level == "school":
            if not urn.isdigit():
                raise table.error(row, "school_urn", f"{values[urn_at]!r} is not a school URN")
            code, name = urn, values[name_at].strip() if name_at is not None else ""
        elif level == "local_authority":
            if not la_code:
                raise table.error(row, "old_la_code", "a local authority row needs its LA code")
            code = la_code
            name = values[la_name_at].strip() if la_name_at is not None else ""
            name = name or la_code
        else:
            code, name = "E92000001", "England"
        slot = (level, code, year, group, percent)
        if level == "school":
            if slot in school_rows:
                raise table.error(
                    row,
                    "school_urn",
                    f"{urn} has a second {values[type_at].strip()} row for "
                    f"{values[breakdown_at].strip()} in {year} (the first is row "
                    f"{school_rows[slot]})",
                )
            school_rows[slot] = row
            rank = 0
        else:
            institution = values[group_at].strip().casefold() if group_at is not None else ""
            rank = (
                _EES_PREFERRED_GROUPS.index(institution)
                if institution in _EES_PREFERRED_GROUPS
                else len(_EES_PREFERRED_GROUPS)
            )
            if slot in ranks and ranks[slot] <= rank:
                continue
        ranks[slot] = rank
        periods.add(year)
        entity = entities.get((level, code))
        if entity is None:
            entity = entities[(level, code)] = _Entity(level, code, name, la_code)
        target = entity.years.setdefault(year, {}).setdefault(group, {})
        if percent:
            target.update(measures)
            target.setdefault("cohort", cohort)
        else:
            target.update({f"{key}_n": measure for key, measure in measures.items()})
            target["cohort"] = cohort
    if not any(level == "school" for level, _ in entities):
        raise InputError(f"{table.source}: no school rows (geographic_level School) in this file")
    current = max(periods)
    schools = {code: e for (level, code), e in entities.items() if level == "school"}
    las = {code: e for (level, code), e in entities.items() if level == "local_authority"}
    england = entities.get(("england", "E92000001"))
    return current, schools, las, england, names
