"""The long Explore Education Statistics format: one row per school or area, year, pupil
group and data type (percentage or number of pupils).

Where an area has a row per institution group, the widest group is kept as the comparison.
"""

from __future__ import annotations

from collections.abc import Mapping

from ._csv import Table
from .destinations_cells import Cells, short, whole_number
from .destinations_figures import Entity, Level

__all__ = ["EES_FIELDS", "EES_FIELDS_NEEDED", "PROGRESSION_FIELDS", "read_ees", "read_progression"]

EES_FIELDS = {
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
EES_FIELDS_NEEDED = ("overall", "education", "appren", "all_work", "all_notsust", "all_unknown")
#: The 16-18 progression to higher education or training measure, as EES publishes it
#: (`l4_tidy_*` files): the share who progressed, to a degree, a higher technical course or a
#: higher apprenticeship.
PROGRESSION_FIELDS = {
    "sustained": "all_progressed",
    "higher_education": "all_degree",
    "higher_technical": "all_htech",
    "apprenticeship": "all_appren",
}


def _academic_year(time_period: str) -> str | None:
    value = time_period.strip()
    if len(value) == 6 and whole_number(value) and (int(value[:4]) + 1) % 100 == int(value[4:]):
        return f"{value[:4]}/{value[4:]}"
    if len(value) == 4 and whole_number(value):
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
_EES_LEVELS: dict[str, Level] = {
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
    "state-funded mainstream & special schools",
    "state-funded mainstream and special",
    "state-funded mainstream schools & colleges",
    "state-funded mainstream schools",
)


def read_ees(
    table: Table,
    cells: Cells,
    fields: Mapping[str, str] = EES_FIELDS,
    cohort_column: str = "cohort",
) -> tuple[str, dict[str, Entity], dict[str, Entity], Entity | None, dict[str, str]]:
    """`fields` maps measure keys to the file's columns: the destinations files' by default,
    the 16-18 progression files' (`PROGRESSION_FIELDS`) otherwise."""
    header = table.columns

    def at(name: str) -> int | None:
        return table.position(name) if name in header else None

    # Columns every long-format file has (see `destinations._required`), then optional ones.
    # An LA- or national-level file has no school_urn column: its rows place by level.
    period_at, urn_at = table.position("time_period"), at("school_urn")
    breakdown_at, type_at = table.position("breakdown"), table.position("data_type")
    level_at, name_at = at("geographic_level"), at("school_name")
    old_la_at, new_la_at, la_name_at = at("old_la_code"), at("new_la_code"), at("la_name")
    group_at, level_group_at = at("institution_group"), at("cohort_level_group")
    columns = [(key, name, table.position(name)) for key, name in fields.items() if name in header]
    cohort_at = table.position(cohort_column)
    entities: dict[tuple[str, str], Entity] = {}
    ranks: dict[tuple, int] = {}
    school_rows: dict[tuple, int] = {}
    periods: set[str] = set()
    names: dict[str, str] = {}
    for row, values in table.rows:
        period_text = values[period_at]
        year = _academic_year(period_text)
        if year is None:
            cells.skip(row, "time_period", f"{short(period_text)} is not a time period (202324)")
            continue
        data_type = values[type_at].strip().casefold()
        if data_type == "percentage":
            percent = True
        elif data_type.startswith("number"):
            percent = False
        else:
            cells.skip(
                row,
                "data_type",
                f"{short(values[type_at])} is not a data type (Percentage or Number of pupils)",
            )
            continue
        cohort = cells.count(values[cohort_at], row, cohort_column)
        measures = {}
        for key, name, position in columns:
            text = values[position]
            measures[key] = (
                cells.percent(text, row, name) if percent else cells.count(text, row, name)
            )
        urn = values[urn_at].strip() if urn_at is not None else ""
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
        for la_at in (old_la_at, new_la_at):
            if la_at is not None and values[la_at].strip():
                la_code = values[la_at].strip()
                break
        if la_code and la_name_at is not None and values[la_name_at].strip():
            names[la_code] = values[la_name_at].strip()
        if level == "school":
            if not urn.isdigit():
                cells.skip(row, "school_urn", f"{short(urn)} is not a school URN")
                continue
            code, name = urn, values[name_at].strip() if name_at is not None else ""
        elif level == "local_authority":
            if not la_code:
                cells.skip(row, "old_la_code", "a local authority row needs its LA code")
                continue
            code = la_code
            name = values[la_name_at].strip() if la_name_at is not None else ""
            name = name or la_code
        else:
            code, name = "E92000001", "England"
        slot = (level, code, year, group, percent)
        if level == "school":
            if slot in school_rows:
                cells.skip(
                    row,
                    "school_urn",
                    f"{urn} has a second {values[type_at].strip()} row for "
                    f"{values[breakdown_at].strip()} in {year} (row {school_rows[slot]} is used)",
                )
                continue
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
            entity = entities[(level, code)] = Entity(level, code, name, la_code)
        target = entity.years.setdefault(year, {}).setdefault(group, {})
        if percent:
            target.update(measures)
            target.setdefault("cohort", cohort)
        else:
            target.update({f"{key}_n": measure for key, measure in measures.items()})
            target["cohort"] = cohort
    current = max(periods, default="")
    schools = {code: e for (level, code), e in entities.items() if level == "school"}
    las = {code: e for (level, code), e in entities.items() if level == "local_authority"}
    england = entities.get(("england", "E92000001"))
    return current, schools, las, england, names


def read_progression(
    table: Table, cells: Cells
) -> tuple[str, dict[str, Entity], dict[str, Entity], Entity | None, dict[str, str]]:
    return read_ees(table, cells, PROGRESSION_FIELDS, "all_cohort")
