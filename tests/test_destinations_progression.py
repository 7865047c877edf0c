"""The 16-18 progression measure (progression to higher education or training): the
performance-tables file `england_ks5-studest-he.csv`, in the column lists of its metadata."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from careers_review.evidence._csv import Table, read_table
from careers_review.evidence.destinations_cells import Cells
from careers_review.evidence.destinations_figures import figures_of
from careers_review.evidence.destinations_progression import (
    read_progression,
)
from careers_review.evidence.destinations_shapes import SHAPES, detect

#: The header of `ks5-studest-he_meta.csv` (2024-2025 performance tables), in its order.
HEADER = [
    "RECTYPE",
    "LEA",
    "ESTAB",
    "URN",
    "SCHNAME",
    "NFTYPE",
    "FEEDER",
    "ICLOSE",
    "ALL_COHORT",
    "ALL_PROGRESSED",
    "ALL_APPREN",
    "ALL_HE",
    "ALL_TOP3RD",
    "ALL_HTECH",
    "ACADAGEN_COHORT",
    "ACADAGEN_PROGRESSED",
    "TLEV_COHORT",
    "TLEV_PROGRESSED",
    "OTHER_COHORT",
    "OTHER_PROGRESSED",
    "DIS_PROGRESSED",
    "DIS_APPREN",
    "DIS_HE",
    "DIS_TOP3RD",
    "DIS_HTECH",
]
#: An earlier year's header: progression score, band and limits, Russell Group and Oxbridge.
OLDER_HEADER = [
    *HEADER[:8],
    "ALL_BAND",
    "ALL_SCORE",
    "ALL_UPPER",
    "ALL_LOWER",
    "ALL_COHORT",
    "ALL_PROGRESSED",
    "ALL_APPREN",
    "ALL_HE",
    "ALL_TOP3RD",
    "ALL_RUSSELL",
    "ALL_OXBRIDGE",
    "ALL_HTECH",
    *(
        f"{block}_{part}"
        for block in ("ACADAGEN", "TLEV", "OTHER")
        for part in ("COHORT", "PROGRESSED", "SCORE", "UPPER", "LOWER", "BAND")
    ),
    "DIS_PROGRESSED",
    "DIS_APPREN",
    "DIS_HE",
    "DIS_TOP3RD",
    "DIS_RUSSELL",
    "DIS_OXBRIDGE",
    "DIS_HTECH",
]


def row(
    rectype: str = "1",
    lea: str = "891",
    urn: str = "122771",
    name: str = "Carlton le Willows Academy",
    header: list[str] = HEADER,
    **values: str,
) -> dict[str, str]:
    """One row: a school by default, with plausible figures where not given."""
    base = {
        "RECTYPE": rectype,
        "LEA": lea,
        "ESTAB": "4000" if rectype in ("1", "3") else "",
        "URN": urn,
        "SCHNAME": name,
        "NFTYPE": "ACC" if rectype in ("1", "3") else "",
        "FEEDER": "0",
        "ICLOSE": "0",
        "ALL_COHORT": "212",
        "ALL_PROGRESSED": "62%",
        "ALL_APPREN": "4%",
        "ALL_HE": "55%",
        "ALL_TOP3RD": "18%",
        "ALL_HTECH": "3%",
        "DIS_PROGRESSED": "48%",
        "DIS_APPREN": "5%",
        "DIS_HE": "40%",
        "DIS_TOP3RD": "9%",
        "DIS_HTECH": "3%",
    }
    full = {column: base.get(column, "NA") for column in header}
    full.update(values)
    return full


def write(path: Path, rows: list[dict[str, str]], header: list[str] = HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return path


def read(path: Path):
    table = read_table(path, what="destinations file")
    cells = Cells(table)
    return (*read_progression(table, cells), cells, table)


def real_shape_rows() -> list[dict[str, str]]:
    """Schools, a sixth-form consortium, an LA row and both national rows, as published."""
    return [
        row(),
        row(urn="139876", name="Small Sixth Form", ALL_COHORT="4", **_all("SUPP")),
        row(rectype="3", urn="148030", name="Consortium", ALL_PROGRESSED="SP", DIS_HE="NE"),
        row(rectype="4", urn="", name="", ALL_COHORT="7011", ALL_PROGRESSED="60%"),
        row(rectype="5", lea="", urn="", name="", ALL_COHORT="301220", ALL_PROGRESSED="59%"),
        row(rectype="7", lea="", urn="", name="", ALL_COHORT="285410", ALL_PROGRESSED="61%"),
    ]


def _all(code: str) -> dict[str, str]:
    return {c: code for c in HEADER if c.startswith(("ALL_", "DIS_")) and c != "ALL_COHORT"}


def test_school_la_and_england_rows_of_the_published_shape(tmp_path):
    year, schools, las, england, names, cells, _ = read(
        write(tmp_path / "england_ks5-studest-he.csv", real_shape_rows())
    )
    assert year == ""  # the file does not say which year
    assert set(schools) == {"122771", "139876", "148030"}
    school = figures_of(schools["122771"], year)
    assert school.level == "school" and school.name == "Carlton le Willows Academy"
    assert school.cohort.value == 212 and school.cohort.unit == ""
    assert school.sustained.value == 62 and school.sustained.label == "62%"
    assert school.split["higher_education"].value == 55
    assert school.split["apprenticeship"].value == 4
    # Not parts of this measure: never shown as zero or as a figure.
    assert "not_sustained" not in school.split and "unknown" not in school.split
    assert "further_education" not in school.split
    assert schools["122771"].years[year]["all"]["higher_technical"].value == 3
    assert school.disadvantaged is not None
    assert school.disadvantaged.sustained.value == 48
    assert school.disadvantaged.cohort.label == "not in this file"  # no DIS_COHORT published
    assert school.non_disadvantaged is None and school.disadvantaged_gap is None
    assert schools["122771"].la_code == "891"
    la = figures_of(las["891"], year)
    assert la.level == "local_authority" and la.cohort.value == 7011 and la.sustained.value == 60
    assert england is not None
    national = figures_of(england, year)
    # RECTYPE 7 (state-funded schools and colleges) is the comparison, not 5 (all of them).
    assert national.cohort.value == 285410 and national.sustained.value == 61
    assert names == {}
    assert cells.notes() == ()


def test_codes_are_kept_as_codes_and_never_turn_into_numbers(tmp_path):
    _, schools, _, _, _, cells, _ = read(write(tmp_path / "he.csv", real_shape_rows()))
    small = figures_of(schools["139876"], "")
    assert small.sustained.value is None and small.sustained.code == "SUPP"
    assert small.sustained.label.startswith("suppressed")
    consortium = figures_of(schools["148030"], "")
    assert consortium.sustained.small and consortium.sustained.value is None
    assert consortium.disadvantaged is not None
    assert schools["148030"].years[""]["dis"]["higher_education"].code == "NE"
    assert cells.notes() == ()


@pytest.mark.parametrize("code", ["SUPP", "NA", "NE", "SP", "x", "c", "z", "low", ""])
def test_every_published_code_is_accepted_without_a_note(tmp_path, code):
    _, schools, _, _, _, cells, _ = read(write(tmp_path / "he.csv", [row(ALL_HE=code)]))
    measure = figures_of(schools["122771"], "").split["higher_education"]
    assert measure.value is None and measure.code == code
    assert cells.notes() == ()


@pytest.mark.parametrize("code", ["SN", "u5", "n/a", "-5%", "101%"])
def test_an_unknown_code_never_refuses_the_file_and_is_shown_not_published(tmp_path, code):
    rows = [row(ALL_PROGRESSED=code, DIS_HE=code), *real_shape_rows()[3:]]
    _, schools, las, england, _, cells, _ = read(write(tmp_path / "he.csv", rows))
    measure = figures_of(schools["122771"], "").sustained
    assert measure.value is None
    assert measure.label == f"not published [{code}]"
    assert las and england is not None  # the other levels are read
    (note,) = cells.notes()
    assert repr(code) in note and "row 2 ALL_PROGRESSED" in note and "row 2 DIS_HE" in note


def test_a_row_with_a_bad_urn_or_lea_is_left_out_and_said_the_rest_read(tmp_path):
    rows = [
        row(urn="12A771", name="Typo URN"),
        row(urn="", name="No URN"),
        row(rectype="4", lea="LA?", urn="", name=""),
        row(urn="138000", lea="", name="No LEA"),
        row(urn="140001", name="Fine"),
        row(urn="140001", name="Again"),
        row(rectype="9", urn="150000", name="Odd record type"),
        row(rectype="4", urn="", name=""),
        row(rectype="NAT", lea="", urn="", name=""),
    ]
    _, schools, las, england, _, cells, _ = read(write(tmp_path / "he.csv", rows))
    assert set(schools) == {"140001"} and schools["140001"].name == "Fine"
    assert set(las) == {"891"} and england is not None
    lines = cells.notes()
    assert len(lines) == 1
    assert "6 rows left out" in lines[0]
    assert "row 2: URN: '12A771' is not a school URN" in lines[0]
    assert "row 3: URN: '' is not a school URN" in lines[0]
    assert "row 4: LEA: 'LA?' is not a local authority code" in lines[0]
    assert "and 3 more" in lines[0]


def test_record_types_in_words_as_the_other_performance_tables_write_them(tmp_path):
    rows = [
        row(),
        row(rectype="LA", urn="", name="Nottinghamshire", ALL_PROGRESSED="60%"),
        row(rectype="NAT", lea="", urn="", name="", ALL_PROGRESSED="59%"),
    ]
    _, _, las, england, names, _, _ = read(write(tmp_path / "he.csv", rows))
    assert figures_of(las["891"], "").sustained.value == 60
    assert names == {"891": "Nottinghamshire"}
    assert england is not None and figures_of(england, "").sustained.value == 59


def test_an_earlier_year_shape_with_scores_and_university_groups(tmp_path):
    rows = [
        row(header=OLDER_HEADER, ALL_SCORE="0.12", ALL_BAND="3", ALL_RUSSELL="21%"),
        row(header=OLDER_HEADER, rectype="4", urn="", name="", ALL_OXBRIDGE="1%"),
    ]
    _, schools, las, _, _, cells, _ = read(write(tmp_path / "he.csv", rows, OLDER_HEADER))
    found = schools["122771"].years[""]["all"]
    assert found["russell_group"].value == 21 and found["sustained"].value == 62
    assert "ALL_SCORE" not in str(cells.notes())  # scores are not figures of this page
    assert las["891"].years[""]["all"]["oxbridge"].value == 1
    assert cells.notes() == ()


def test_counts_and_percentages_when_a_file_gives_both(tmp_path):
    header = ["RECTYPE", "LEA", "URN", "ALL_COHORT", "ALL_PROGRESSED", "ALL_PROGRESSEDPER"]
    header += ["ALL_HE", "ALL_HEPER", "DIS_COHORT", "DIS_PROGRESSED", "NONDIS_PROGRESSED"]
    data = ["1", "891", "122771", "200", "124", "62", "110", "55%", "40", "48", "66%"]
    path = tmp_path / "he.csv"
    path.write_text(",".join(header) + "\n" + ",".join(data) + "\n", encoding="utf-8")
    _, schools, _, _, _, cells, _ = read(path)
    figures = figures_of(schools["122771"], "")
    assert figures.counts["sustained"].value == 124 and figures.sustained.value == 62
    assert figures.counts["higher_education"].value == 110
    assert figures.split["higher_education"].value == 55
    assert figures.disadvantaged is not None and figures.disadvantaged.cohort.value == 40
    assert figures.non_disadvantaged is not None
    assert figures.disadvantaged_gap == 66 - 48
    assert cells.notes() == ()


def test_the_shape_is_found_by_its_columns_and_no_other_shape_claims_it(tmp_path):
    table = read_table(write(tmp_path / "he.csv", real_shape_rows()), what="destinations file")
    shape, lacking = detect(table)
    assert shape.kind == "ks5_progression" and lacking == ()
    assert shape.read is read_progression
    others = [other for other in SHAPES if other.kind != "ks5_progression"]
    assert all(other.missing_places(table.columns) for other in others)


_TABLE_HEADER = tuple(HEADER)
_FIGURES = [c for c in HEADER if c.startswith(("ALL_", "DIS_"))]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    column=st.sampled_from(_FIGURES),
    text=st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=8),
)
def test_any_text_in_any_figure_cell_never_refuses_and_is_a_number_only_if_one(column, text):
    values = row(**{column: text})
    table = Table("he.csv", _TABLE_HEADER, ((2, tuple(values[c] for c in HEADER)),), "utf-8")
    cells = Cells(table)
    _, schools, _, _, _ = read_progression(table, cells)
    groups = schools["122771"].years[""]
    found = [m for group in groups.values() for m in group.values()]
    assert all(m.value is None or m.code is None for m in found)
    stripped = text.strip().removesuffix("%").strip()
    measure = groups["all" if column.startswith("ALL_") else "dis"][_key_of(column)]
    if measure.value is not None:
        assert float(stripped) == measure.value


def _key_of(column: str) -> str:
    stem = column.split("_", 1)[1]
    return {
        "COHORT": "cohort",
        "PROGRESSED": "sustained",
        "HE": "higher_education",
        "APPREN": "apprenticeship",
        "HTECH": "higher_technical",
        "TOP3RD": "top_third",
    }[stem]
