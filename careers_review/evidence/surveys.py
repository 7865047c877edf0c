"""Learner career-readiness surveys and parent and carer questionnaires, as % positive.

Both are one row per respondent: an id, the year group (the child's, for parents and carers),
the academic year, then one column per statement answered on a five-point agreement scale.
What a team wants from them is simple and comparable from year to year: the share of valid
answers that agree or strongly agree, per statement and per year group. Blank answers are left
out of the count rather than counted against the school.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ..errors import InputError
from ._csv import parse_academic_year, parse_year_group, read_table

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ID_COLUMNS",
    "SCALE",
    "ItemChange",
    "ItemScore",
    "SurveyResults",
    "change_since",
    "load_survey",
]

SurveyKind = Literal["learner", "parent"]

#: The agreement scale, from 1 to 5; 4 and 5 are the positive answers.
SCALE = ("Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree")
POSITIVE = frozenset({4, 5})

#: The columns before the statements, per kind of survey.
ID_COLUMNS: dict[str, tuple[str, str, str]] = {
    "learner": ("learner_id", "year_group", "academic_year"),
    "parent": ("respondent_id", "year_group", "academic_year"),
}
_WHAT = {"learner": "learner survey", "parent": "parent and carer survey"}

_ANSWERS: dict[str, int] = {
    **{text.casefold(): number for number, text in enumerate(SCALE, start=1)},
    **{str(number): number for number in range(1, 6)},
    "neither": 3,
    "neither agree or disagree": 3,
}
_ANSWER_HINT = "use Strongly disagree, Disagree, Neither, Agree, Strongly agree or 1 to 5"


def _answer(text: str) -> int | None:
    """The scale point of an answer, None for a blank; ValueError for anything else."""
    value = " ".join(text.split()).casefold()
    if not value:
        return None
    found = _ANSWERS.get(value)
    if found is None:
        raise ValueError(f"{text!r} is not an answer on the agreement scale ({_ANSWER_HINT})")
    return found


@dataclass(frozen=True)
class ItemScore:
    """How many valid answers a statement got, and how many were positive."""

    item: str
    positive: int
    answered: int

    @property
    def percent(self) -> float | None:
        """% positive (agree or strongly agree) over valid answers; None if nobody answered."""
        return 100 * self.positive / self.answered if self.answered else None


@dataclass(frozen=True)
class SurveyResults:
    """One survey file, checked and counted."""

    path: Path
    kind: SurveyKind
    academic_year: str
    items: tuple[str, ...]
    year_groups: tuple[int, ...]
    respondents: int
    encoding: str
    notes: tuple[str, ...]
    #: (item, year group) -> (positive answers, valid answers)
    _counts: Mapping[tuple[str, int], tuple[int, int]]

    def _item(self, item: str) -> str:
        if item in self.items:
            return item
        wanted = _key(item)
        for known in self.items:
            if _key(known) == wanted:
                return known
        raise InputError(f"{self.path}: no statement {item!r} in this survey")

    def score(self, item: str, year_group: int | None = None) -> ItemScore:
        """Counts for one statement, for one year group or (by default) everyone."""
        name = self._item(item)
        groups = self.year_groups if year_group is None else (year_group,)
        positive = answered = 0
        for group in groups:
            found = self._counts.get((name, group), (0, 0))
            positive += found[0]
            answered += found[1]
        return ItemScore(name, positive, answered)

    def percent_positive(self, item: str, year_group: int | None = None) -> float | None:
        return self.score(item, year_group).percent

    def to_frame(self) -> pd.DataFrame:
        """% positive: one row per statement, one column per year group and 'All'."""
        import pandas as pd  # loaded when the figures are asked for

        columns = [f"Year {group}" for group in self.year_groups] + ["All"]
        data = {
            item: [self.percent_positive(item, group) for group in self.year_groups]
            + [self.percent_positive(item)]
            for item in self.items
        }
        frame = pd.DataFrame.from_dict(data, orient="index", columns=columns, dtype="float64")
        frame.index.name = "statement"
        return frame


def _key(item: str) -> str:
    return re.sub(r"\s+", " ", item).strip().casefold()


def load_survey(path: str | os.PathLike[str], kind: SurveyKind = "learner") -> SurveyResults:
    """Read a learner (`kind="learner"`) or parent and carer (`kind="parent"`) survey CSV."""
    if kind not in ID_COLUMNS:
        raise InputError(f"{path}: survey kind must be 'learner' or 'parent', not {kind!r}")
    what = _WHAT[kind]
    table = read_table(path, what=what)
    id_column, year_column, academic_column = ID_COLUMNS[kind]
    other = "parent" if kind == "learner" else "learner"
    if id_column not in table.columns and ID_COLUMNS[other][0] in table.columns:
        raise InputError(
            f"{table.source}: missing column {id_column} (this looks like a {_WHAT[other]}: "
            f"load it with kind={other!r})"
        )
    table.require(ID_COLUMNS[kind], what)
    items = tuple(name for name in table.header if name not in ID_COLUMNS[kind])
    if not items:
        raise InputError(
            f"{table.source}: no statement columns after {', '.join(ID_COLUMNS[kind])} "
            "(add one column per survey statement)"
        )
    id_at, year_at, academic_at = (table.position(c) for c in ID_COLUMNS[kind])
    item_at = [(item, table.position(item)) for item in items]
    counts: dict[tuple[str, int], list[int]] = {}
    seen: dict[str, int] = {}
    groups: set[int] = set()
    academic_year: str | None = None
    first_row = 0
    for row, values in table.rows:
        respondent = values[id_at].strip()
        if not respondent:
            raise table.error(row, id_column, "is empty (every response needs an id)")
        if respondent in seen:
            raise table.error(row, id_column, f"{respondent!r} is also on row {seen[respondent]}")
        seen[respondent] = row
        try:
            group = parse_year_group(values[year_at])
        except ValueError as exc:
            raise table.error(row, year_column, str(exc)) from None
        groups.add(group)
        try:
            year = parse_academic_year(values[academic_at])
        except ValueError as exc:
            raise table.error(row, academic_column, str(exc)) from None
        if academic_year is None:
            academic_year, first_row = year, row
        elif year != academic_year:
            raise table.error(
                row,
                academic_column,
                f"{year} differs from {academic_year} on row {first_row} "
                "(keep one academic year per survey file)",
            )
        for item, position in item_at:
            try:
                answer = _answer(values[position])
            except ValueError as exc:
                raise table.error(row, item, str(exc)) from None
            if answer is None:
                continue
            tally = counts.setdefault((item, group), [0, 0])
            tally[1] += 1
            if answer in POSITIVE:
                tally[0] += 1
    assert academic_year is not None  # read_table refuses a file with no rows
    return SurveyResults(
        path=Path(path),
        kind=kind,
        academic_year=academic_year,
        items=items,
        year_groups=tuple(sorted(groups)),
        respondents=len(seen),
        encoding=table.encoding,
        notes=table.notes,
        _counts={key: (tally[0], tally[1]) for key, tally in counts.items()},
    )


@dataclass(frozen=True)
class ItemChange:
    """One statement's % positive now and in the earlier survey."""

    item: str
    current: float | None
    previous: float | None

    @property
    def change(self) -> float | None:
        """Percentage points since the earlier survey; None if either is missing."""
        if self.current is None or self.previous is None:
            return None
        return self.current - self.previous


def change_since(current: SurveyResults, previous: SurveyResults) -> list[ItemChange]:
    """% positive per statement now against an earlier survey of the same kind.

    Statements are matched on their wording (ignoring case and spacing); one asked only now
    has no earlier figure.
    """
    if current.kind != previous.kind:
        raise InputError(
            f"{previous.path}: is a {_WHAT[previous.kind]}, and {current.path} is a "
            f"{_WHAT[current.kind]}; compare surveys of the same kind"
        )
    if previous.academic_year >= current.academic_year:
        raise InputError(
            f"{previous.path}: its academic year {previous.academic_year} is not earlier than "
            f"{current.academic_year} ({current.path})"
        )
    earlier = {_key(item): item for item in previous.items}
    changes = []
    for item in current.items:
        match = earlier.get(_key(item))
        changes.append(
            ItemChange(
                item,
                current.percent_positive(item),
                previous.percent_positive(match) if match else None,
            )
        )
    return changes
