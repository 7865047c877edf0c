"""The encounters log: careers activities by year group, against the benchmarks and the law.

A school keeps one row per activity (date, year groups, type, provider, pupils, description).
From it the review needs three things: which year groups have had which kinds of encounter
this academic year, whether each key phase has had the provider encounters the provider access
duty asks for, and which gaps to act on. The key phases and their minimums come from the
framework, so a change in the statutory guidance is a change to a YAML file, not to this code.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..content import Framework, default_framework
from ..model import SECONDARY_YEARS, academic_year_for, school_year_groups
from ._csv import parse_date, read_table

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "COLUMNS",
    "ENCOUNTER_TYPES",
    "TYPE_LABELS",
    "Activity",
    "EncounterCoverage",
    "EncountersLog",
    "Gap",
    "KeyPhaseCoverage",
    "load_encounters",
    "parse_year_groups",
    "school_year_groups",
]

COLUMNS = ("date", "year_groups", "type", "provider", "pupils", "description")
#: Each kind of activity and the Gatsby Benchmark it counts towards.
ENCOUNTER_TYPES: dict[str, int] = {
    "employer_encounter": 5,
    "workplace_experience": 6,
    "fe_he_encounter": 7,
    "provider_access": 7,
    "personal_guidance": 8,
}
TYPE_LABELS: dict[str, str] = {
    "employer_encounter": "Employer encounter",
    "workplace_experience": "Workplace experience",
    "fe_he_encounter": "FE/HE encounter",
    "provider_access": "Provider access encounter",
    "personal_guidance": "Personal guidance",
}
_TYPE_ALIASES = {
    "employer": "employer_encounter",
    "employer_encounters": "employer_encounter",
    "employer_talk": "employer_encounter",
    "workplace": "workplace_experience",
    "work_experience": "workplace_experience",
    "workplace_visit": "workplace_experience",
    "fe_he": "fe_he_encounter",
    "fe_and_he_encounter": "fe_he_encounter",
    "fe_or_he_encounter": "fe_he_encounter",
    "further_or_higher_education_encounter": "fe_he_encounter",
    "further_and_higher_education_encounter": "fe_he_encounter",
    "provider_access_encounter": "provider_access",
    "provider_encounter": "provider_access",
    "guidance": "personal_guidance",
    "guidance_interview": "personal_guidance",
    "careers_guidance": "personal_guidance",
}
#: The secondary year groups a log may name.

_YEAR_PART = re.compile(
    r"^(?:y|yr|year|years)?\s*(\d{1,2})(?:\s*(?:-|–|to)\s*(?:y|yr|year)?\s*(\d{1,2}))?$",
    re.IGNORECASE,
)


def _normal(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.casefold().replace("&", " and ")).strip("_")


_TYPES = {_normal(key): key for key in ENCOUNTER_TYPES} | {
    _normal(label): key for key, label in TYPE_LABELS.items()
}
_TYPES |= {alias: key for alias, key in _TYPE_ALIASES.items()}


def _encounter_type(text: str) -> str:
    found = _TYPES.get(_normal(text))
    if found is None:
        raise ValueError(
            f"{text!r} is not a type of activity (use one of: {', '.join(ENCOUNTER_TYPES)})"
        )
    return found


def parse_year_groups(text: str) -> tuple[int, ...]:
    """'8;9', '10-11', '12' or 'Year 7, Year 8' as sorted year groups (7 to 13)."""
    groups: set[int] = set()
    parts = [part.strip() for part in re.split(r"[;,/&]|\band\b", text) if part.strip()]
    hint = "write them like 8;9 or 10-11 or 12, from 7 to 13"
    if not parts:
        raise ValueError(f"is empty ({hint})")
    for part in parts:
        match = _YEAR_PART.match(part)
        if not match:
            raise ValueError(f"{text!r} is not a list of year groups ({hint})")
        low = int(match[1])
        high = int(match[2]) if match[2] else low
        if low > high or low not in SECONDARY_YEARS or high not in SECONDARY_YEARS:
            raise ValueError(f"{text!r} is not a list of year groups ({hint})")
        groups.update(range(low, high + 1))
    return tuple(sorted(groups))


@dataclass(frozen=True)
class Activity:
    """One row of the log."""

    row: int
    date: date
    academic_year: str
    year_groups: tuple[int, ...]
    type: str
    provider: str
    pupils: int | None
    description: str

    @property
    def benchmark(self) -> int:
        return ENCOUNTER_TYPES[self.type]


@dataclass(frozen=True)
class KeyPhaseCoverage:
    """Provider encounters reaching one key phase in one academic year, against its minimum."""

    key_phase_id: str
    name: str
    years: tuple[int, ...]
    minimum: int
    requirement: str
    #: Provider access activities that included at least one year group of the phase.
    count: int
    #: The same, year group by year group.
    by_year_group: Mapping[int, int]

    @property
    def met(self) -> bool:
        return self.count >= self.minimum

    @property
    def short_by(self) -> int:
        return max(self.minimum - self.count, 0)


GapKind = Literal["provider_access", "no_employer_encounter"]


@dataclass(frozen=True)
class Gap:
    """Something the log shows is missing, in words a headteacher can act on."""

    kind: GapKind
    academic_year: str
    benchmark: int
    year_groups: tuple[int, ...]
    message: str
    key_phase: KeyPhaseCoverage | None = None


@dataclass(frozen=True)
class EncounterCoverage:
    """One academic year of the log, by year group, benchmark and key phase."""

    academic_year: str
    year_groups: tuple[int, ...]
    #: year group -> activity type -> number of activities that included that year group
    by_type: Mapping[int, Mapping[str, int]]
    #: year group -> benchmark number -> number of activities
    by_benchmark: Mapping[int, Mapping[int, int]]
    provider_access: tuple[KeyPhaseCoverage, ...]
    gaps: tuple[Gap, ...]
    last_date: date | None

    def to_frame(self) -> pd.DataFrame:
        """Activities per year group (rows) and type (columns), with zeros where none."""
        import pandas as pd  # loaded when the figures are asked for

        data = {
            f"Year {group}": [self.by_type[group][key] for key in ENCOUNTER_TYPES]
            for group in self.year_groups
        }
        frame = pd.DataFrame.from_dict(data, orient="index", columns=list(TYPE_LABELS.values()))
        frame.index.name = "year group"
        return frame


@dataclass(frozen=True)
class EncountersLog:
    """An encounters log read whole and checked."""

    path: Path
    activities: tuple[Activity, ...]
    encoding: str
    notes: tuple[str, ...]

    @property
    def academic_years(self) -> tuple[str, ...]:
        return tuple(sorted({activity.academic_year for activity in self.activities}))

    def coverage(
        self,
        academic_year: str | None = None,
        *,
        year_groups: Iterable[int] | None = None,
        framework: Framework | None = None,
    ) -> EncounterCoverage:
        """Coverage for one academic year (by default the latest in the log).

        `year_groups` are the school's own (see `school_year_groups`); by default Years 7 to
        13. Key phases with none of the school's year groups are left out, so an 11-16 school
        is not asked for sixth-form encounters.
        """
        framework = framework or default_framework()
        year = academic_year or self.academic_years[-1]
        scope = tuple(sorted(set(year_groups))) if year_groups is not None else SECONDARY_YEARS
        activities = [a for a in self.activities if a.academic_year == year]
        shown = tuple(sorted(set(scope) | {g for a in activities for g in a.year_groups}))
        by_type = {group: dict.fromkeys(ENCOUNTER_TYPES, 0) for group in shown}
        benchmarks = sorted(set(ENCOUNTER_TYPES.values()))
        by_benchmark = {group: dict.fromkeys(benchmarks, 0) for group in shown}
        for activity in activities:
            for group in activity.year_groups:
                by_type[group][activity.type] += 1
                by_benchmark[group][activity.benchmark] += 1
        phases = []
        for phase in framework.statutory.provider_access.key_phases:
            years = tuple(y for y in phase.years if y in scope)
            if not years:
                continue
            reaching = [
                a
                for a in activities
                if a.type == "provider_access" and set(a.year_groups) & set(phase.years)
            ]
            phases.append(
                KeyPhaseCoverage(
                    key_phase_id=phase.id,
                    name=phase.name,
                    years=tuple(phase.years),
                    minimum=phase.minimum,
                    requirement=phase.requirement,
                    count=len(reaching),
                    by_year_group={y: by_type[y]["provider_access"] for y in years},
                )
            )
        gaps = [
            Gap(
                "provider_access",
                year,
                ENCOUNTER_TYPES["provider_access"],
                phase.years,
                f"{phase.name}: {phase.count} provider encounter"
                f"{'' if phase.count == 1 else 's'} logged in {year}; the provider access "
                f"duty asks for at least {phase.minimum} in this key phase.",
                phase,
            )
            for phase in phases
            if not phase.met
        ]
        gaps += [
            Gap(
                "no_employer_encounter",
                year,
                ENCOUNTER_TYPES["employer_encounter"],
                (group,),
                f"Year {group}: no employer encounter logged in {year}.",
            )
            for group in scope
            if by_type[group]["employer_encounter"] == 0
        ]
        return EncounterCoverage(
            academic_year=year,
            year_groups=shown,
            by_type=by_type,
            by_benchmark=by_benchmark,
            provider_access=tuple(phases),
            gaps=tuple(gaps),
            last_date=max((a.date for a in activities), default=None),
        )


def load_encounters(path: str | os.PathLike[str]) -> EncountersLog:
    """Read an encounters log CSV, checking every row."""
    what = "encounters log"
    table = read_table(path, what=what)
    table.require(COLUMNS, what)
    at = {column: table.position(column) for column in COLUMNS}
    activities = []
    for row, values in table.rows:

        def cell(
            column: str,
            parse: Callable[[str], Any],
            row: int = row,
            values: tuple[str, ...] = values,
        ) -> Any:
            try:
                return parse(values[at[column]])
            except ValueError as exc:
                raise table.error(row, column, str(exc)) from None

        day = cell("date", parse_date)
        activities.append(
            Activity(
                row=row,
                date=day,
                academic_year=academic_year_for(day),
                year_groups=cell("year_groups", parse_year_groups),
                type=cell("type", _encounter_type),
                provider=values[at["provider"]].strip(),
                pupils=cell("pupils", _pupils),
                description=values[at["description"]].strip(),
            )
        )
    return EncountersLog(Path(path), tuple(activities), table.encoding, table.notes)


def _pupils(text: str) -> int | None:
    value = text.strip().replace(",", "")
    if not value:
        return None
    # isascii: str.isdigit() also passes '²', which int() refuses.
    if not (value.isascii() and value.isdigit()) or len(value) > 7:
        shown = repr(text) if len(text) <= 40 else repr(text[:37]) + "..."
        raise ValueError(f"{shown} is not a number of pupils (a whole number, or leave it blank)")
    return int(value)
