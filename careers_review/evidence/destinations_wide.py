"""The wide DfE files: Key Stage 4 pupil and 16-18 (Key Stage 5) student destinations.

One wide row per school (`RECTYPE` 1 or 2), plus `LA` and `NAT` rows; the 16-18 file has `TOT_`,
`L3_` and `L2_` blocks, with `NOT_CAPTURED` for unknown activity, and earlier years' figures
carry a two-digit suffix (`COHORT_18`) whose year only the download's metadata file gives.
"""

from __future__ import annotations

import re

from ._csv import Table
from .destinations_cells import Cells, short
from .destinations_figures import Entity, Kind, Layout

__all__ = ["WIDE", "WIDE_OPTIONAL", "read_wide"]

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
WIDE = {
    "ks4": (_KS4_STEMS, "COHORT"),
    "ks5": (_KS5_STEMS, "TOT_COHORT"),
}
WIDE_OPTIONAL = {"ks4": {"other_education"}, "ks5": {"other_education"}}

#: Any value column of a wide file, current or earlier year, any pupil group or block.
_WIDE_VALUE = re.compile(
    r"^(?:TOT_|L3_|L2_|LALLOTH_)?"
    r"(?:COHORT|OVERALL_DEST|OVERALL|APPREN|EMPLOYMENT|EDUCATION|FE|HE|SCH_6TH|SIXTH_COL|"
    r"OTHER_EDU|NOT_SUSTAINED|UNKNOWN|NOT_CAPTURED)(PER)?(?:_DIS|_NONDIS)?(?:_\d{2})?$"
)
_EARLIER_SUFFIX = re.compile(r"_(\d{2})$")


def _wide_columns(table: Table, kind: Kind) -> list[tuple[int, str, str, str, str, bool]]:
    """For every value column: position, name, year key, group, measure key, is-percentage.

    The year key is '' for the file's own columns and `_18` for a column with that suffix: what
    year a suffix stands for has changed between downloads, so it is left to the DfE's
    metadata file (see `destinations_meta`) and never guessed."""
    stems, cohort = WIDE[kind]
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
            year, rest = f"_{suffix[1]}", rest[: suffix.start()]
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


#: Numbered record types some years use for areas, on rows without a URN.
_AREA_RECTYPES = {"4": "LA", "5": "NAT", "7": "NAT_STATE"}


def read_wide(
    table: Table, cells: Cells, kind: Kind
) -> tuple[str, dict[str, Entity], dict[str, Entity], Entity | None]:
    columns = _wide_columns(table, kind)
    layout: Layout = tuple((year, group, key) for _, _, year, group, key, _ in columns)
    plan = [
        (position, cells.percents if percent else cells.counts, percent, column)
        for position, column, _, _, _, percent in columns
    ]
    parse = cells.parse
    at = {name: table.position(name) for name in ("RECTYPE", "LEA", "URN")}
    name_at = table.position("SCHNAME") if "SCHNAME" in table.columns else None
    schools: dict[str, Entity] = {}
    seen_rows: dict[str, int] = {}
    las: dict[str, Entity] = {}
    england: Entity | None = None
    for row, values in table.rows:
        # The memo answers almost every cell; parse() checks and remembers the rest.
        flat = tuple(
            memo.get(values[position]) or parse(values[position], percent, row, column)
            for position, memo, percent, column in plan
        )
        rectype = values[at["RECTYPE"]].strip().upper()
        lea = values[at["LEA"]].strip()
        urn = values[at["URN"]].strip()
        if rectype in _AREA_RECTYPES and not urn:
            rectype = _AREA_RECTYPES[rectype]
        if rectype in ("NAT", "NAT_STATE"):
            # England's state-funded schools (7) are the comparison where both are given.
            if england is None or rectype == "NAT_STATE":
                england = Entity("england", "E92000001", "England", "", None, flat, layout)
        elif rectype == "LA":
            if not lea.isdigit():
                cells.skip(row, "LEA", f"{short(lea)} is not a local authority code")
                continue
            las[lea] = Entity("local_authority", lea, lea, lea, None, flat, layout)
        elif rectype.isdigit():
            if not urn.isdigit():
                cells.skip(row, "URN", f"{short(urn)} is not a school URN")
            elif urn in seen_rows:
                cells.skip(row, "URN", f"{urn} is also on row {seen_rows[urn]}, which is used")
            else:
                seen_rows[urn] = row
                name = values[name_at].strip() if name_at is not None else ""
                schools[urn] = Entity("school", urn, name, lea, None, flat, layout)
        else:
            cells.skip(
                row,
                "RECTYPE",
                f"{short(rectype)} is not a record type (a number for a school, LA or NAT)",
            )
    return "", schools, las, england
