"""NEET and not-known shares of 16-17 year olds by local authority: the "NEET by
characteristics" file of the EES publication, in the column names of both its versions."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from careers_review.errors import InputError
from careers_review.evidence.neet import NeetFile, load_neet

PLACE = [
    "time_period",
    "time_identifier",
    "geographic_level",
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "old_la_code",
    "new_la_code",
    "la_name",
]
#: The data catalogue's column list from 2026 on.
NEW = [
    *PLACE,
    "age",
    "characteristic_grouping",
    "characteristic",
    "avg_cohort_count",
    "avg_neet_nk_count",
    "avg_neet_count",
    "avg_nk_count",
    "neet_nk_percent",
    "neet_percent",
    "nk_percent",
    "annual_change_neet_nk_percent",
]
#: The column list of `ud_neet_characteristics.csv` up to the 2025 release.
OLD = [
    *PLACE,
    "Age",
    "Characteristic_grouping",
    "Characteristic",
    "avgcohort",
    "avgNEETNK",
    "avgNEET",
    "avgNK",
    "NEETNKprop",
    "NEETprop",
    "Notknownprop",
    "annual_change_NEETNK",
]
NOTTS = ("E12000004", "East Midlands", "891", "E10000024", "Nottinghamshire")
CAMDEN = ("E13000001", "Inner London", "202", "E09000007", "Camden")


def place(year: str, level: str, area: tuple[str, ...] | None) -> list[str]:
    where = list(area) if area else ["", "", "", "", ""]
    return [year, "Calendar year", level, "E92000001", "England", *where]


def figures(age: str, grouping: str, characteristic: str, *numbers: str) -> list[str]:
    return [age, grouping, characteristic, *numbers]


def write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def new_rows(both: str = "16 to 17") -> list[list[str]]:
    """England and Nottinghamshire in 2023 and 2024: both ages, single ages and a breakdown."""
    rows = []
    for year, shift in (("2023", "0.2"), ("2024", "0")):
        rows += [
            place(year, "National", None)
            + figures(both, "Total", "Total", "1287580", "69020", "40480", "28540")
            + ["5.4", "3.1", "2.2", shift],
            place(year, "National", None)
            + figures("16", "Total", "Total", "650300", "27860", "15610", "12250")
            + ["4.3", "2.4", "1.9", "0"],
            place(year, "Regional", (*NOTTS[:2], "", "", ""))
            + figures(both, "Total", "Total", "110000", "5500", "3300", "2200")
            + ["5", "3", "2", "0"],
            place(year, "Local authority", NOTTS)
            + figures(both, "Total", "Total", "18420", "1050", "610", "440")
            + ["5.7", "3.3" if year == "2024" else "3.9", "2.4", "-0.1"],
            place(year, "Local authority", NOTTS)
            + figures("17", "Total", "Total", "9100", "620", "380", "240")
            + ["6.8", "4.2", "2.6", "0"],
            place(year, "Local authority", NOTTS)
            + figures(both, "sex", "Female", "9000", "480", "280", "200")
            + ["5.3", "3.1", "2.2", "0"],
        ]
    return rows


def test_an_la_and_england_from_the_current_column_names(tmp_path):
    neet = load_neet(write(tmp_path / "ud_neet_characteristics.csv", NEW, new_rows()))
    assert isinstance(neet, NeetFile)
    assert neet.year == "2023/24"  # time_period 2024: December 2023 to February 2024
    notts = neet.for_la("891")
    assert notts is not None
    assert (notts.year, notts.la_code, notts.la_name) == ("2023/24", "891", "Nottinghamshire")
    assert notts.cohort.value == 18420 and notts.cohort.label == "18420"
    assert notts.neet.value == 3.3 and notts.neet.label == "3.3%"
    assert notts.not_known.value == 2.4
    assert notts.neet_or_not_known.value == 5.7
    assert notts.year_label == "2023/24 (average of December 2023 to February 2024)"
    assert neet.for_la("E10000024") == notts  # its new code finds it too
    assert neet.for_la(" 891 ") == notts
    assert neet.england is not None
    assert (neet.england.la_name, neet.england.cohort.value) == ("England", 1287580)
    assert neet.england.neet.value == 3.1 and neet.england.not_known.value == 2.2
    assert neet.la_codes() == ["891"]  # regional and single-age rows are not read
    assert neet.for_la("202") is None
    assert neet.notes == ()


def test_the_column_names_used_until_2025(tmp_path):
    neet = load_neet(write(tmp_path / "ud_neet_characteristics.csv", OLD, new_rows("16-17")))
    notts = neet.for_la("891")
    assert notts is not None and notts.year == "2023/24"
    assert (notts.cohort.value, notts.neet.value, notts.not_known.value) == (18420, 3.3, 2.4)
    assert notts.neet_or_not_known.value == 5.7
    assert neet.england is not None and neet.england.neet.value == 3.1


def test_codes_never_refuse_the_file_and_unknown_ones_are_not_published(tmp_path):
    rows = [
        place("2024", "Local authority", NOTTS)
        + figures("16 to 17", "Total", "Total", "c", "c", "c", "c", "c", "low", "z", "z"),
        place("2024", "Local authority", CAMDEN)
        + figures("16 to 17", "Total", "Total", "2710", "x", "x", "x", "SN", "SN", "~~", ""),
        place("2024", "National", None)
        + figures("16 to 17", "Total", "Total", "1287580", "", "", "", "5.4", "3.1", "2.2", "0"),
    ]
    neet = load_neet(write(tmp_path / "neet.csv", NEW, rows))
    notts, camden = neet.for_la("891"), neet.for_la("202")
    assert notts is not None and camden is not None
    assert notts.cohort.value is None and notts.cohort.code == "c"
    assert notts.neet.small and notts.neet.value is None
    assert notts.not_known.code == "z"
    assert camden.cohort.value == 2710
    assert camden.neet.value is None and camden.neet.label == "not published [SN]"
    assert camden.neet_or_not_known.label == "not published [SN]"
    assert camden.not_known.label == "not published [~~]"
    assert neet.england is not None and neet.england.neet.value == 3.1
    (note,) = neet.notes
    assert "'SN' (2: row 3 neet_nk_percent, row 3 neet_percent)" in note
    assert "'~~' (1: row 3 nk_percent)" in note


def test_a_row_that_cannot_be_placed_is_left_out_and_said_the_rest_read(tmp_path):
    good = new_rows()
    bad_code = place("2024", "Local authority", (*CAMDEN[:2], "20?", *CAMDEN[3:]))
    bad_code += figures("16 to 17", "Total", "Total", "2710", "150", "90", "60", "5.5", "3.3")
    bad_code += ["2.2", "0"]
    bad_year = place("2023/24?", "Local authority", CAMDEN)
    bad_year += figures("16 to 17", "Total", "Total", "2710", "150", "90", "60", "5.5", "3.3")
    bad_year += ["2.2", "0"]
    neet = load_neet(write(tmp_path / "neet.csv", NEW, [bad_code, bad_year, *good]))
    assert neet.for_la("202") is None
    assert neet.for_la("891") is not None and neet.england is not None
    (note,) = neet.notes
    assert "2 rows left out" in note
    assert "row 2: old_la_code: '20?' is not a local authority code" in note
    assert "row 3: time_period: '2023/24?' is not a time period" in note


def test_a_second_row_for_an_la_and_year_is_left_out(tmp_path):
    rows = new_rows()
    twin = list(rows[9])  # Nottinghamshire, both ages, 2024
    twin[-3] = "9.9"
    neet = load_neet(write(tmp_path / "neet.csv", NEW, [*rows, twin]))
    notts = neet.for_la("891")
    assert notts is not None and notts.neet.value == 3.3  # the first row stays
    assert "891 has a second row for 2023/24 (row 11 is used)" in neet.notes[0]


def test_a_file_with_only_single_ages_has_no_figures_and_says_why(tmp_path):
    rows = [r for r in new_rows() if r[10] in ("16", "17")]
    neet = load_neet(write(tmp_path / "neet.csv", NEW, rows))
    assert neet.year == "" and neet.england is None and neet.for_la("891") is None
    assert "no rows for ages 16-17 together" in neet.notes[0]


def test_a_file_missing_columns_is_refused_naming_them(tmp_path):
    path = write(
        tmp_path / "participation.csv",
        [*PLACE, "age", "cohort_count", "total_in_education_and_training_percent"],
        [[*place("2024", "National", None), "16 to 17", "1287580", "91.1"]],
    )
    with pytest.raises(InputError) as caught:
        load_neet(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: missing columns ")
    for column in ("avg_cohort_count", "neet_percent", "nk_percent"):
        assert column in message
    assert "missing columns age" not in message  # it has the age column


def test_an_older_file_missing_one_column_is_refused_in_its_own_names(tmp_path):
    header = [c for c in OLD if c != "Notknownprop"]
    rows = [r[: OLD.index("Notknownprop")] + r[OLD.index("Notknownprop") + 1 :] for r in new_rows()]
    with pytest.raises(InputError, match=r"missing column Notknownprop \("):
        load_neet(write(tmp_path / "neet.csv", header, rows))
