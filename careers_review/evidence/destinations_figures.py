"""What a destinations file says for one place: published figures, and how they are held.

A value the DfE did not publish stays unpublished here: it becomes a `Measure` with no number
and the code the file used (`SUPP`, `NA`, `SP`, `c`, ...), so a suppressed figure is shown as
suppressed and never turns into a zero in a table, a chart or a sum.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from .destinations_years import leavers_label

if TYPE_CHECKING:
    import pandas as pd


__all__ = [
    "CODES",
    "HEADLINES",
    "NOT_IN_FILE",
    "SMALL_CODES",
    "SPLIT_LABELS",
    "DestinationFigures",
    "EarlierYear",
    "Entity",
    "GroupFigures",
    "Kind",
    "Layout",
    "Level",
    "Measure",
    "SchoolDestinations",
    "earlier_years",
    "figures_of",
]

Kind = Literal["ks4", "ks5", "ks5_progression", "ees", "ees_progression", "ees_long"]
Level = Literal["school", "local_authority", "england"]

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
    "~": "below 0.5%",
    "z": "not applicable",
    "u": "low reliability, not published",
    ":": "not available",
}
#: The headline of the measures that are not "sustained destination".
HEADLINES: dict[str, str] = {
    "ks5_progression": "Progressed to higher education or training",
    "ees_progression": "Progressed to higher education or training",
}
#: Codes that mean "more than zero but under 0.5%" rather than "withheld".
SMALL_CODES = frozenset({"SP", "low", "~"})

#: The parts of the destination split, in the order a table shows them.
SPLIT_LABELS: dict[str, str] = {
    "education": "Education (any)",
    "further_education": "Further education college",
    "school_sixth_form": "School sixth form",
    "sixth_form_college": "Sixth-form college",
    "other_education": "Other education",
    "higher_education": "Higher education",
    "higher_technical": "Higher technical (level 4 or 5)",
    "apprenticeship": "Apprenticeship",
    "employment": "Employment",
    "not_sustained": "Not sustained",
    "unknown": "Activity not captured (unknown)",
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

    `label` is the destination year: the `time_period` of an Explore Education Statistics
    row, or what the metadata of a performance-tables download gives for a column suffix; the
    suffix itself (`_18`) where no metadata says which year it is.
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
    #: Who the figures are about: pupils who left "KS4" or "16-18 study".
    stage: str = "KS4"

    @property
    def year_label(self) -> str:
        """'left KS4 in 2020/21, destination in 2021/22', or that the file does not say."""
        return leavers_label(self.stage, self.year)

    @property
    def headline(self) -> str:
        """What the headline figure measures: a sustained destination, or (the progression
        measure) progression to higher education or training."""
        return HEADLINES.get(self.kind, "Sustained destination")

    def earlier_label(self, earlier: EarlierYear) -> str:
        return leavers_label(self.stage, earlier.label)

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
        import pandas as pd  # loaded when the figures are asked for

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
        add(self.headline, lambda f: f.sustained)
        for key, label in SPLIT_LABELS.items():
            if key in self.school.split:
                add(label, _split_part(key))
        add(
            "Disadvantaged: sustained",
            lambda f: f.disadvantaged.sustained if f.disadvantaged else None,
        )
        add(
            "Not disadvantaged: sustained",
            lambda f: f.non_disadvantaged.sustained if f.non_disadvantaged else None,
        )
        rows["Disadvantage gap (points)"] = [
            "" if not place else _points(place.disadvantaged_gap) for place in places
        ]
        return pd.DataFrame.from_dict(rows, orient="index", columns=columns)


def _split_part(key: str) -> Callable[[DestinationFigures], Measure | None]:
    """Picks one part of the destination split from a place's figures."""
    return lambda figures: figures.split.get(key)


def _points(gap: float | None) -> str:
    return "not published" if gap is None else Measure(gap).label


#: Where each value of a wide row belongs: (year label, pupil group, measure key or '').
Layout = tuple[tuple[str, str, str], ...]


class Entity:
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
        layout: Layout = (),
    ) -> None:
        self.level, self.code, self.name, self.la_code = level, code, name, la_code
        self._years, self._flat, self._layout = years, flat, layout

    def with_years(self, years: Mapping[str, str]) -> Entity:
        """The same figures with their year keys replaced (a performance-tables file's '' and
        '_18' by the destination years its metadata gives)."""
        layout = tuple((years.get(year, year), group, key) for year, group, key in self._layout)
        known = (
            {years.get(year, year): groups for year, groups in self._years.items()}
            if self._years is not None
            else None
        )
        return Entity(self.level, self.code, self.name, self.la_code, known, self._flat, layout)

    def renamed(self, name: str) -> Entity:
        return Entity(
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


def figures_of(entity: Entity, year: str) -> DestinationFigures:
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


def earlier_years(entity: Entity, current: str) -> tuple[EarlierYear, ...]:
    found = []
    for label in sorted(entity.years):
        if label == current:
            continue
        figures = figures_of(entity, label)
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
