"""The newest Explore Education Statistics layout: one row per place, year, pupil group and
destination, with the figure in `pupil_count` and `pupil_percent`.

A destination is named by `destination_group` and `destination_description` ("Headline
destinations", "Sustained education destination"); a row whose description is a total of its
group is known by the group. Descriptions this version does not know (finer splits such as
apprenticeship levels) are left out without a note: they are not figures the pages show.
Only rows for all pupils and the disadvantaged / not disadvantaged groups are read; a row of
another characteristic (sex, ethnicity, ...) is left out. Where an area has a row per type of
institution, the widest is kept as the comparison, as in the older layout.

Unlike the older layout, `time_period` here is the year the pupils left, not the year their
destination was counted: the 2023/24 release (destinations in 2023/24 of pupils who left in
2022/23) has time periods up to 2022/23.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ._csv import Table
from .destinations_cells import Cells, short
from .destinations_ees import _academic_year
from .destinations_figures import Entity, Level, Measure
from .destinations_years import after

__all__ = ["LONG_FIELDS_NEEDED", "LONG_FIGURES", "LONG_KEYS", "read_ees_long"]

#: Columns that tell this layout from the others (a tuple is "any one of these").
LONG_FIELDS_NEEDED: tuple[str | tuple[str, ...], ...] = (
    "time_period",
    "geographic_level",
    ("destination_description", "destination_group"),
    "breakdown_topic",
    "breakdown",
    "pupil_count",
    "pupil_percent",
)
#: The figure columns of this layout.
LONG_FIGURES = ("pupil_percent", "pupil_count")


@lru_cache(maxsize=4096)
def _norm(text: str) -> str:
    """A label compared loosely: case, '&', hyphens and punctuation do not count (kept, as
    a file repeats the same few labels in every row)."""
    value = text.strip().casefold().replace("&", " and ")
    return " ".join(re.sub(r"[^0-9a-z]+", " ", value).split())


#: How each measure is named in `destination_description` (or in `destination_group` for a
#: row that is its group's total), compared as `_norm` writes them.
LONG_KEYS: dict[str, tuple[str, ...]] = {
    "cohort": (
        "cohort",
        "total cohort",
        "number of pupils completing key stage 4",
        "pupils completing key stage 4",
        "number of students completing 16 18 study",
    ),
    "sustained": (
        "sustained education employment and apprenticeships",
        "sustained education apprenticeship or employment",
        "sustained education apprenticeship or employment destination",
        "sustained education employment or apprenticeship",
        "overall",
        "overall destination",
        "overall destinations",
        "sustained destination",
    ),
    "education": (
        "sustained education destination",
        "sustained education",
        "education",
        "education destination",
        "education destinations",
    ),
    "further_education": (
        "further education",
        "further education college",
        "further education college or other fe provider",
        "fe",
        "fe college",
    ),
    "school_sixth_form": (
        "school sixth form",
        "school sixth form state funded",
        "state funded school sixth form",
        "ssf",
    ),
    "sixth_form_college": ("sixth form college", "sixth form colleges", "sfc"),
    "other_education": (
        "other education",
        "other education destination",
        "other education destinations",
        "other edu",
    ),
    "higher_education": ("higher education", "he"),
    "apprenticeship": (
        "sustained apprenticeship destination",
        "sustained apprenticeships",
        "apprenticeship",
        "apprenticeships",
        "apprenticeship destination",
        "apprenticeship destinations",
        "appren",
    ),
    "employment": (
        "sustained employment destination",
        "sustained employment",
        "employment",
        "employment destination",
        "employment destinations",
        "all work",
    ),
    "not_sustained": (
        "not recorded as a sustained destination",
        "not sustained",
        "not sustained destination",
        "destination not sustained",
        "all notsust",
    ),
    "unknown": (
        "activity not captured",
        "unknown",
        "destination unknown",
        "activity not captured unknown",
        "all unknown",
    ),
}
_KEY_OF = {label: key for key, labels in LONG_KEYS.items() for label in labels}
#: A description that stands for its group's total: the group names the measure.
_GROUP_TOTAL = frozenset({"", "total", "all", "overall total"})

_TOTAL = frozenset({"", "total", "all", "all pupils", "all students"})
_GROUPS = {
    **dict.fromkeys(_TOTAL, "all"),
    "disadvantaged": "dis",
    "disadvantaged all other": "nondis",
    "not disadvantaged": "nondis",
    "non disadvantaged": "nondis",
    "all other pupils": "nondis",
    "all other students": "nondis",
}
#: Breakdown topics whose breakdown is read (others, such as sex or ethnicity, are not).
_DISADVANTAGE_TOPICS = frozenset(
    {*_TOTAL, "disadvantage", "disadvantage status", "disadvantaged", "disadvantaged status"}
)
#: Characteristic columns a row must have at Total to count for all pupils (or one group).
_CHARACTERISTICS = (
    "sex",
    "gender",
    "ethnicity_major",
    "ethnicity_minor",
    "sen_status",
    "sen_provision",
    "sen_primary_need",
    "fsm_status",
    "first_language",
    "cohort_level_group",
    "characteristic",
)
_LEVELS: dict[str, Level] = {
    "school": "school",
    "institution": "school",
    "provider": "school",
    "local authority": "local_authority",
    "national": "england",
}
#: Where an area has a row per institution group, the widest one is the comparison.
_PREFERRED_GROUPS = (
    "total",
    "state funded mainstream and special schools",
    "state funded mainstream schools and colleges",
    "state funded mainstream schools",
)

Read = tuple[str, dict[str, Entity], dict[str, Entity], Entity | None, dict[str, str]]


def _key(group: str, description: str) -> str | None:
    described = _norm(description)
    if described in _GROUP_TOTAL:
        return _KEY_OF.get(_norm(group))
    return _KEY_OF.get(described)


def read_ees_long(table: Table, cells: Cells) -> Read:
    """Schools, LAs and England from a long EES file (see the module's docstring)."""
    header = table.columns

    def at(name: str) -> int | None:
        return table.position(name) if name in header else None

    period_at = table.position("time_period")
    level_at, urn_at, name_at = at("geographic_level"), at("school_urn"), at("school_name")
    old_la_at, new_la_at, la_name_at = at("old_la_code"), at("new_la_code"), at("la_name")
    topic_at, breakdown_at = at("breakdown_topic"), at("breakdown")
    dest_group_at, description_at = at("destination_group"), at("destination_description")
    count_at, percent_at = at("pupil_count"), at("pupil_percent")
    cohort_at = next((at(n) for n in ("cohort_count", "cohort") if n in header), None)
    disadvantage_at = at("disadvantage_status")
    characteristic_at = [table.position(n) for n in _CHARACTERISTICS if n in header]
    inst_group_at = next(
        (at(n) for n in ("establishment_type_group", "institution_group") if n in header), None
    )
    inst_type_at = next(
        (at(n) for n in ("establishment_type", "institution_type") if n in header), None
    )
    method_at = at("level_methodology")

    entities: dict[tuple[str, str], Entity] = {}
    #: (level, code, year, group) -> rank of the rows -> measures; the best rank is kept.
    found: dict[tuple[str, str, str, str], dict[tuple[int, int, int], dict[str, Measure]]] = {}
    school_rows: dict[tuple[str, str, str, str], int] = {}
    names: dict[str, str] = {}
    for row, values in table.rows:
        key = _key(
            values[dest_group_at] if dest_group_at is not None else "",
            values[description_at] if description_at is not None else "",
        )
        if key is None:
            continue
        group = _group(values, topic_at, breakdown_at, disadvantage_at, characteristic_at)
        if group is None:
            continue
        urn = values[urn_at].strip() if urn_at is not None else ""
        if level_at is not None:
            level = _LEVELS.get(_norm(values[level_at]))
        else:
            level = "school" if urn else None
        if level is None:
            continue
        # In this layout `time_period` is the year pupils left: the release for destinations in
        # 2023/24 ends at 202223. Figures are keyed by destination year, as in every layout.
        left = _academic_year(values[period_at])
        year = (after(left) or left) if left is not None else None
        if year is None:
            cells.skip(
                row, "time_period", f"{short(values[period_at])} is not a time period (202324)"
            )
            continue
        la_code = next(
            (
                values[i].strip()
                for i in (old_la_at, new_la_at)
                if i is not None and values[i].strip()
            ),
            "",
        )
        la_name = values[la_name_at].strip() if la_name_at is not None else ""
        if la_code and la_name:
            names[la_code] = la_name
        rank = (0, 0, 0)
        if level == "school":
            if not (urn.isascii() and urn.isdigit()):
                cells.skip(row, "school_urn", f"{short(urn)} is not a school URN")
                continue
            code, name = urn, values[name_at].strip() if name_at is not None else ""
            place = (code, year, group, key)
            if place in school_rows:
                cells.skip(
                    row,
                    "school_urn",
                    f"{urn} has a second row for {key.replace('_', ' ')} ({group} pupils) in "
                    f"{year} (row {school_rows[place]} is used)",
                )
                continue
            school_rows[place] = row
        else:
            if level == "local_authority":
                if not la_code:
                    cells.skip(row, "old_la_code", "a local authority row needs its LA code")
                    continue
                code, name = la_code, la_name or la_code
            else:
                code, name = "E92000001", "England"
            rank = _rank(values, inst_group_at, inst_type_at, method_at)
        entity = entities.get((level, code))
        if entity is None:
            entity = entities[(level, code)] = Entity(level, code, name, la_code)
        measures = found.setdefault((level, code, year, group), {}).setdefault(rank, {})
        if key == "cohort":
            if count_at is not None:
                measures["cohort"] = cells.count(values[count_at], row, "pupil_count")
        else:
            if key in measures:
                continue  # a second row for the same area and rank: the first is kept
            if percent_at is not None:
                measures[key] = cells.percent(values[percent_at], row, "pupil_percent")
            if count_at is not None:
                measures[f"{key}_n"] = cells.count(values[count_at], row, "pupil_count")
        if cohort_at is not None and "cohort" not in measures:
            measures["cohort"] = cells.count(values[cohort_at], row, table.header[cohort_at])
    periods: set[str] = set()
    for (where, code, year, group), by_rank in found.items():
        best = by_rank[min(by_rank)]
        entities[(where, code)].years.setdefault(year, {})[group] = best
        periods.add(year)
    current = max(periods, default="")
    schools = {code: e for (where, code), e in entities.items() if where == "school"}
    las = {code: e for (where, code), e in entities.items() if where == "local_authority"}
    england = entities.get(("england", "E92000001"))
    return current, schools, las, england, names


def _group(
    values: tuple[str, ...],
    topic_at: int | None,
    breakdown_at: int | None,
    disadvantage_at: int | None,
    characteristic_at: list[int],
) -> str | None:
    """'all', 'dis' or 'nondis' for a row about one of those groups; None for any other."""
    if any(_norm(values[i]) not in _TOTAL for i in characteristic_at):
        return None
    topic = _norm(values[topic_at]) if topic_at is not None else ""
    if topic not in _DISADVANTAGE_TOPICS:
        return None
    by_breakdown = _GROUPS.get(_norm(values[breakdown_at])) if breakdown_at is not None else "all"
    if by_breakdown is None:
        return None
    if disadvantage_at is None:
        return by_breakdown
    by_column = _GROUPS.get(_norm(values[disadvantage_at]))
    if by_column is None:
        return None
    if by_column == "all" or by_column == by_breakdown:
        return by_breakdown
    return by_column if by_breakdown == "all" else None


def _rank(
    values: tuple[str, ...], group_at: int | None, type_at: int | None, method_at: int | None
) -> tuple[int, int, int]:
    """Lower is wider: the total of all institution groups first, then its widest parts."""
    group = _norm(values[group_at]) if group_at is not None else "total"
    group_rank = (
        _PREFERRED_GROUPS.index(group) if group in _PREFERRED_GROUPS else len(_PREFERRED_GROUPS)
    )
    type_rank = 0 if type_at is None or _norm(values[type_at]) in _TOTAL else 1
    method = _norm(values[method_at]) if method_at is not None else ""
    method_rank = 0 if method in ("", "provider location") else 1
    return group_rank, type_rank, method_rank
