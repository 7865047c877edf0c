"""The newest Explore Education Statistics long destinations layout, and reading one school's
lines from a large file without reading the whole of it."""

from __future__ import annotations

import csv
import importlib.util
import io
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from careers_review.errors import InputError
from careers_review.evidence._csv import Table, read_table
from careers_review.evidence._stream import read_table_filtered
from careers_review.evidence.destinations_cells import Cells
from careers_review.evidence.destinations_figures import Measure, figures_of
from careers_review.evidence.destinations_long import read_ees_long

from .conftest import need_shared

ROOT = Path(__file__).resolve().parent.parent

#: The published columns of the "Key stage 4 leavers destinations" file, in their order.
HEADER = [
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
    "pcon_code",
    "pcon_name",
    "lad_code",
    "lad_name",
    "local_authority_selection_status",
    "school_laestab",
    "school_urn",
    "school_name",
    "admission_policy",
    "entry_gender",
    "establishment_type_group",
    "establishment_type",
    "sex",
    "ethnicity_major",
    "ethnicity_minor",
    "disadvantage_status",
    "breakdown_topic",
    "breakdown",
    "version",
    "institution_count",
    "cohort_count",
    "destination_group",
    "destination_description",
    "pupil_count",
    "pupil_percent",
]
SUSTAINED = ("Overall destination", "Sustained education, employment & apprenticeships")
EDUCATION = ("Headline destinations", "Sustained education destination")
APPRENTICESHIP = ("Headline destinations", "Sustained apprenticeship destination")
NOT_SUSTAINED = ("Headline destinations", "Not recorded as a sustained destination")
FE = ("Education destinations", "Further education")
SIXTH_FORM = ("Education destinations", "School sixth form")
LEVEL_2 = ("Apprenticeship destinations", "Intermediate apprenticeships (level 2)")
DIS = {"breakdown_topic": "Disadvantage status", "breakdown": "Disadvantaged"}
DIS |= {"disadvantage_status": "Disadvantaged"}
NONDIS = {"breakdown_topic": "Disadvantage status", "breakdown": "Not disadvantaged"}
NONDIS |= {"disadvantage_status": "Not disadvantaged"}

SCHOOL = {
    "geographic_level": "School",
    "region_code": "E12000004",
    "region_name": "East Midlands",
    "old_la_code": "891",
    "new_la_code": "E10000024",
    "la_name": "Nottinghamshire",
    "local_authority_selection_status": "Not applicable",
    "school_laestab": "8914321",
    "school_urn": "137181",
    "school_name": "Sherwood Academy",
    "admission_policy": "Non-selective",
    "entry_gender": "Mixed",
    "establishment_type_group": "State-funded mainstream schools",
    "establishment_type": "Academy converter",
}
OTHER = SCHOOL | {"school_urn": "122334", "school_laestab": "8914000", "school_name": "Other"}
LA = {k: v for k, v in SCHOOL.items() if k in ("region_code", "region_name", "old_la_code")}
LA |= {"geographic_level": "Local authority", "new_la_code": "E10000024"}
LA |= {"la_name": "Nottinghamshire", "establishment_type_group": "Total"}
ENGLAND = {"geographic_level": "National", "establishment_type_group": "Total"}


def row(where: dict, destination: tuple[str, str], count: str, percent: str, **more: str):
    values = dict.fromkeys(HEADER, "")
    values |= {
        "time_period": "202223",
        "time_identifier": "Academic year",
        "country_code": "E92000001",
        "country_name": "England",
        "establishment_type": "Total",
        "sex": "Total",
        "ethnicity_major": "Total",
        "ethnicity_minor": "Total",
        "disadvantage_status": "Total",
        "breakdown_topic": "Total",
        "breakdown": "Total",
        "version": "Revised",
        "institution_count": "z",
        "cohort_count": "180",
    }
    values |= where
    values |= {"destination_group": destination[0], "destination_description": destination[1]}
    values |= {"pupil_count": count, "pupil_percent": percent}
    return values | more


def text(rows: list[dict], header: list[str] = HEADER) -> str:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, header, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def read(tmp_path: Path, rows: list[dict], name: str = "long.csv"):
    path = tmp_path / name
    path.write_text(text(rows), encoding="utf-8", newline="")
    table = read_table(path, what="destinations file")
    cells = Cells(table)
    return (*read_ees_long(table, cells), cells)


FULL = [
    row(SCHOOL, SUSTAINED, "170", "94.4"),
    row(SCHOOL, EDUCATION, "160", "88.9"),
    row(SCHOOL, APPRENTICESHIP, "6", "3.3"),
    row(SCHOOL, NOT_SUSTAINED, "8", "4.4"),
    row(SCHOOL, FE, "70", "38.9"),
    row(SCHOOL, SIXTH_FORM, "75", "41.7"),
    row(SCHOOL, LEVEL_2, "4", "2.2"),
    row(SCHOOL | DIS, SUSTAINED, "40", "87", cohort_count="46"),
    row(SCHOOL | NONDIS, SUSTAINED, "130", "96.3", cohort_count="134"),
    row(
        SCHOOL | {"breakdown_topic": "Sex", "breakdown": "Male", "sex": "Male"}, SUSTAINED, "1", "1"
    ),
    row(SCHOOL | {"ethnicity_major": "White"}, SUSTAINED, "2", "2"),
    row(SCHOOL, SUSTAINED, "150", "93.8", time_period="202122", cohort_count="160"),
    row(SCHOOL | DIS, SUSTAINED, "30", "85.7", time_period="202122", cohort_count="35"),
    row(LA | {"establishment_type_group": "State-funded mainstream schools"}, SUSTAINED, "1", "1"),
    row(LA, SUSTAINED, "8100", "93.1", cohort_count="8700"),
    row(LA | {"establishment_type": "Academy converter"}, SUSTAINED, "2", "2"),
    row(LA | DIS, SUSTAINED, "1500", "86.2", cohort_count="1740"),
    row(
        ENGLAND | {"establishment_type_group": "State-funded mainstream schools"},
        SUSTAINED,
        "3",
        "3",
    ),
    row(ENGLAND, SUSTAINED, "570000", "94", cohort_count="606000"),
    row(ENGLAND | {"geographic_level": "Regional"}, SUSTAINED, "4", "4"),
]


def test_a_school_its_la_and_england_for_two_years_and_the_disadvantaged_groups(tmp_path):
    year, schools, las, england, names, cells = read(tmp_path, FULL)
    # time_period 202223 is the year pupils left: destinations in 2023/24.
    assert year == "2023/24"
    assert list(schools) == ["137181"] and list(las) == ["891"] and england is not None
    assert names == {"891": "Nottinghamshire"}
    school = schools["137181"]
    assert (school.name, school.la_code, school.level) == ("Sherwood Academy", "891", "school")
    now = school.years["2023/24"]
    assert now["all"]["cohort"] == Measure(180)
    assert now["all"]["sustained"] == Measure(94.4, None, "%")
    assert now["all"]["sustained_n"] == Measure(170)
    assert now["all"]["education"] == Measure(88.9, None, "%")
    assert now["all"]["apprenticeship_n"] == Measure(6)
    assert now["all"]["not_sustained"] == Measure(4.4, None, "%")
    assert now["all"]["further_education"] == Measure(38.9, None, "%")
    assert now["all"]["school_sixth_form_n"] == Measure(75)
    assert now["dis"] == {"sustained": Measure(87, None, "%"), "sustained_n": Measure(40)} | {
        "cohort": Measure(46)
    }
    assert now["nondis"]["sustained"] == Measure(96.3, None, "%")
    # Level 2 apprenticeships, sex and ethnicity rows are not among the figures shown.
    assert set(now) == {"all", "dis", "nondis"}
    assert "unknown" not in now["all"]
    before = school.years["2022/23"]
    assert before["all"]["sustained"] == Measure(93.8, None, "%")
    assert before["all"]["cohort"] == Measure(160)
    assert before["dis"]["cohort"] == Measure(35)
    # The widest institution group of an area is its comparison, not a part of it.
    la = figures_of(las["891"], year)
    assert (la.name, la.cohort, la.sustained) == (
        "Nottinghamshire",
        Measure(8700),
        Measure(93.1, None, "%"),
    )
    assert la.disadvantaged is not None and la.disadvantaged.sustained == Measure(86.2, None, "%")
    assert figures_of(england, year).sustained == Measure(94, None, "%")
    assert figures_of(england, year).cohort == Measure(606000)
    assert cells.notes() == ()


def test_every_code_of_the_file_stays_unpublished_and_an_unknown_one_is_noted(tmp_path):
    codes = ["c", "z", "x", "low", "~", "u", "", "SN"]
    destinations = [SUSTAINED, EDUCATION, APPRENTICESHIP, NOT_SUSTAINED, FE, SIXTH_FORM]
    destinations += [("Headline destinations", "Activity not captured")]
    destinations += [("Headline destinations", "Sustained employment destination")]
    rows = [row(SCHOOL, d, code, code) for d, code in zip(destinations, codes, strict=True)]
    rows += [
        row(LA, SUSTAINED, "SN", "101", cohort_count="SN"),
        row(ENGLAND, SUSTAINED, "-4", "94"),
    ]
    year, schools, las, england, _, cells = read(tmp_path, rows)
    measures = schools["137181"].years[year]["all"]
    for key, code in zip(
        [
            *("sustained", "education", "apprenticeship", "not_sustained", "further_education"),
            *("school_sixth_form", "unknown", "employment"),
        ],
        codes,
        strict=True,
    ):
        assert measures[key] == Measure(None, code, "%"), key
        assert measures[f"{key}_n"] == Measure(None, code), key
    la = las["891"].years[year]["all"]
    assert la["cohort"] == Measure(None, "SN") and la["sustained"] == Measure(None, "101", "%")
    assert england is not None
    assert england.years[year]["all"]["sustained_n"] == Measure(None, "-4")
    (note,) = cells.notes()
    assert "'SN'" in note and "row 10 pupil_count" in note and "'101'" in note and "'-4'" in note


def test_rows_that_cannot_be_placed_are_left_out_and_said_while_the_rest_is_read(tmp_path):
    rows = [
        row(SCHOOL, SUSTAINED, "170", "94.4"),
        row(SCHOOL, SUSTAINED, "171", "95", cohort_count="181"),  # a second row
        row(OTHER | {"school_urn": "12A"}, SUSTAINED, "5", "50"),
        row(OTHER, SUSTAINED, "5", "50", time_period="2023/24 provisional"),
        row(LA | {"old_la_code": "", "new_la_code": ""}, SUSTAINED, "5", "50"),
        row(ENGLAND, SUSTAINED, "570000", "94"),
        row(SCHOOL, ("Headline destinations", "Something new"), "1", "1"),
    ]
    year, schools, las, england, _, cells = read(tmp_path, rows)
    assert list(schools) == ["137181"] and las == {} and england is not None
    assert schools["137181"].years[year]["all"]["sustained_n"] == Measure(170)
    (note,) = cells.notes()
    assert note.startswith(f"{tmp_path / 'long.csv'}: 4 rows left out: row 3: school_urn:")
    assert "row 4: school_urn: '12A' is not a school URN" in note
    assert "row 5: time_period: '2023/24 provisional' is not a time period" in note
    assert "and 1 more" in note


def test_a_school_only_in_an_earlier_year_keeps_that_year(tmp_path):
    rows = [
        row(SCHOOL, SUSTAINED, "170", "94.4"),
        row(OTHER, SUSTAINED, "50", "90.9", time_period="202021", cohort_count="55"),
    ]
    year, schools, *_ = read(tmp_path, rows)
    # time_period 202223 is the year pupils left: destinations in 2023/24.
    assert year == "2023/24"
    assert set(schools["122334"].years) == {"2021/22"}
    assert schools["122334"].years["2021/22"]["all"]["sustained"] == Measure(90.9, None, "%")


def test_a_group_total_row_is_known_by_its_group(tmp_path):
    rows = [
        row(SCHOOL, ("Cohort", "Total"), "180", "100", cohort_count=""),
        row(SCHOOL, ("Overall", "Total"), "170", "94.4", cohort_count=""),
        row(SCHOOL, ("Apprenticeships", "Total"), "6", "3.3", cohort_count=""),
        row(SCHOOL, ("Education", "sixth-form college"), "20", "11.1", cohort_count=""),
    ]
    year, schools, *_ = read(tmp_path, rows)
    measures = schools["137181"].years[year]["all"]
    assert measures["cohort"] == Measure(180)
    assert measures["sustained"] == Measure(94.4, None, "%")
    assert measures["apprenticeship_n"] == Measure(6)
    assert measures["sixth_form_college"] == Measure(11.1, None, "%")


# The filtered reader ---------------------------------------------------------------------


def _several_schools() -> list[dict]:
    rows = []
    for number in range(30):
        where = SCHOOL if number == 17 else OTHER | {"school_urn": str(140000 + number)}
        rows += [row(where, SUSTAINED, str(100 + number), "90"), row(where, FE, "40", "30")]
        if number % 10 == 0:
            rows.append(row(LA, SUSTAINED, "8100", "93.1"))
    renamed = OTHER | {"school_name": "Formerly 137181, renamed"}  # not a URN cell
    return [*rows, row(renamed, SUSTAINED, "5", "50"), row(ENGLAND, SUSTAINED, "570000", "94")]


def test_the_filtered_reader_keeps_exactly_one_schools_lines_with_their_row_numbers(tmp_path):
    path = tmp_path / "big.csv"
    path.write_text(text(_several_schools()), encoding="utf-8", newline="")
    whole = read_table(path, what="destinations file")
    table = read_table_filtered(path, what="destinations file", keep=["137181"])
    assert table.header == whole.header and table.encoding == "utf-8" and table.notes == ()
    expected = [(n, v) for n, v in whole.rows if v[HEADER.index("school_urn")] == "137181"]
    assert list(table.rows) == expected and [n for n, _ in table.rows] == [38, 39]
    # The value in a longer cell ("School number 137181") or inside a number is not a match.
    areas = read_table_filtered(path, what="destinations file", keep=[" National ", "9"])
    assert [n for n, _ in areas.rows] == [len(whole.rows) + 1]
    year, schools, _, england, _ = read_ees_long(table, Cells(table))
    assert list(schools) == ["137181"] and england is None
    assert schools["137181"].years[year]["all"]["sustained_n"] == Measure(117)


def test_the_filtered_reader_with_tiny_blocks_finds_lines_across_block_ends(tmp_path, monkeypatch):
    import careers_review.evidence._stream as stream

    path = tmp_path / "big.csv"
    path.write_text(text(_several_schools()), encoding="utf-8", newline="")
    expected = read_table_filtered(path, what="destinations file", keep=["137181", "National"])
    monkeypatch.setattr(stream, "BLOCK", 7)
    assert (
        read_table_filtered(path, what="destinations file", keep=["137181", "National"]) == expected
    )
    assert len(expected.rows) == 3


def test_the_filtered_reader_reads_a_byte_order_mark_and_windows_1252(tmp_path):
    path = tmp_path / "bom.csv"
    rows = [row(OTHER, SUSTAINED, "1", "1"), row(SCHOOL, SUSTAINED, "170", "94.4")]
    path.write_bytes(b"\xef\xbb\xbf" + text(rows).encode())
    table = read_table_filtered(path, what="destinations file", keep=["137181"])
    assert table.header[0] == "time_period" and [n for n, _ in table.rows] == [3]

    name = "Ysgol Gymraeg Caerdydd \u2013 Sant"
    rows = [row(OTHER | {"school_name": "Caf\u00e9 School"}, SUSTAINED, "1", "1")]
    rows += [row(SCHOOL | {"school_name": name}, SUSTAINED, "170", "94.4")]
    path.write_bytes(text(rows).encode("cp1252"))
    table = read_table_filtered(path, what="destinations file", keep=["137181"])
    assert table.encoding == "cp1252" and table.rows[0][1][HEADER.index("school_name")] == name
    (note,) = table.notes
    assert note.startswith(f"{path}: not UTF-8 (first at line 3), so it was read as Windows-1252")
    other = read_table_filtered(path, what="destinations file", keep=["122334"])
    assert other.encoding == "cp1252" and "(first at line 2)" in other.notes[0]
    # A line that is not kept is not decoded: without one, the file reads as UTF-8.
    only_ascii = read_table_filtered(path, what="destinations file", keep=["nothing"])
    assert only_ascii.encoding == "utf-8" and only_ascii.rows == ()


def test_a_quoted_comma_is_one_value_and_a_quoted_line_end_reads_the_whole_file(tmp_path):
    path = tmp_path / "quoted.csv"
    rows = [row(SCHOOL | {"school_name": 'Sherwood, "The" Academy'}, SUSTAINED, "170", "94.4")]
    path.write_text(text(rows), encoding="utf-8", newline="")
    (kept,) = read_table_filtered(path, what="destinations file", keep=["137181"]).rows
    assert kept[1][HEADER.index("school_name")] == 'Sherwood, "The" Academy'
    assert kept[1][HEADER.index("destination_description")] == SUSTAINED[1]

    rows = [row(OTHER | {"school_name": "Two\nlines"}, SUSTAINED, "1", "1"), *rows]
    path.write_text(text(rows), encoding="utf-8", newline="")
    table = read_table_filtered(path, what="destinations file", keep=["137181"])
    # Row numbers count records, as read_table does, not physical lines.
    assert [n for n, _ in table.rows] == [3]
    assert table.rows == tuple(
        r for r in read_table(path, what="d").rows if r[1][HEADER.index("school_urn")] == "137181"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty (a destinations file starts with a header row)"),
        (b" \r\n\r\n", "the file is empty"),
        (",".join(HEADER).encode() + b"\r\n", "no rows after the header"),
        (",".join(HEADER).encode(), "no rows after the header"),
        (b"\r\n" + ",".join(HEADER).encode() + b"\r\n1\r\n", "row 1: the header row is blank"),
        (b"a,b,a\r\n137181,2,3\r\n", "row 1: column 'a' appears twice (columns 1 and 3)"),
        (b"a,,c\r\n137181,2,3\r\n", "row 1: column 2 has no heading"),
        (b"a,b\r\n1,2\r\n137181,2,3\r\n", "row 3: has 3 values but the header has 2 columns"),
        (b"\xff\xfea\x00,\x00b\x00", "the file is UTF-16 text"),
        (b"PK\x03\x04rest", "this is a spreadsheet workbook (.xlsx)"),
    ],
)
def test_the_filtered_reader_refuses_what_read_table_refuses(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        read_table_filtered(path, what="destinations file", keep=["137181"])
    assert str(caught.value).startswith(f"{path}: ") and message in str(caught.value)


def test_no_matching_row_is_an_empty_table_and_a_missing_file_is_said(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text(text([row(OTHER, SUSTAINED, "1", "1")]), encoding="utf-8", newline="")
    table = read_table_filtered(path, what="destinations file", keep=["137181"])
    assert table.rows == () and table.header == tuple(HEADER)
    assert read_ees_long(table, Cells(table))[1] == {}
    with pytest.raises(InputError, match="file not found"):
        read_table_filtered(tmp_path / "none.csv", what="destinations file", keep=["1"])
    with pytest.raises(InputError, match="this is a folder"):
        read_table_filtered(tmp_path, what="destinations file", keep=["1"])


# Any text in any figure cell -------------------------------------------------------------


def _is_count(value: str) -> bool:
    return value.isascii() and value.isdigit() and len(value) <= 9


def _as_percent(value: str) -> float | None:
    number = value.removesuffix("%").strip()
    try:
        parsed = float(number) if number.isascii() else None
    except ValueError:
        return None
    if parsed is None or parsed != parsed or not 0 <= parsed <= 100:
        return None
    return parsed


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    count=st.text(max_size=12),
    percent=st.one_of(st.text(max_size=12), st.sampled_from(["1e2", "nan", "inf", "101", "-0"])),
    cohort=st.text(max_size=12),
)
def test_any_text_in_a_figure_cell_never_refuses_and_is_a_number_only_when_it_is_one(
    count, percent, cohort
):
    rows = [row(SCHOOL, SUSTAINED, count, percent, cohort_count=cohort)]
    rows.append(row(LA, SUSTAINED, count, percent, cohort_count=cohort))
    header = tuple(HEADER)
    table = Table(
        "t.csv", header, tuple((n, tuple(r.values())) for n, r in enumerate(rows, 2)), "utf-8"
    )
    cells = Cells(table)
    year, schools, las, _, _ = read_ees_long(table, cells)
    cells.notes()
    for entity in (schools["137181"], las["891"]):
        measures = entity.years[year]["all"]
        for key, source, is_percent in (
            ("sustained_n", count, False),
            ("cohort", cohort, False),
            ("sustained", percent, True),
        ):
            measure = measures[key]
            value = source.strip()
            if measure.value is None:
                assert measure.code is not None
            elif is_percent:
                assert _as_percent(value) == measure.value
            else:
                assert _is_count(value) and int(value) == measure.value


# The benchmark's file, small ---------------------------------------------------------------


def _benchmark():
    spec = importlib.util.spec_from_file_location(
        "destinations_load", ROOT / "benchmarks" / "destinations_load.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("destinations_load", module)
    spec.loader.exec_module(module)
    return module


def test_the_benchmark_file_answers_one_school_with_the_figures_it_was_written_with(tmp_path):
    bench = _benchmark()
    path = tmp_path / "long.csv"
    written = bench.write_long_file(path, 20_000)
    assert 19_000 < written <= 20_000 and bench.long_las(20_000) == 9
    keep = (bench.LONG_URN, "LA", "NAT", "Local authority", "National")
    table = read_table_filtered(path, what="destinations file", keep=keep)
    areas = (bench.long_las(20_000) + 2) * bench.SCHOOL_ROWS
    assert len(table.rows) == bench.SCHOOL_ROWS + areas
    year, schools, las, england, names = read_ees_long(table, Cells(table))
    assert year == "2023/24" and list(schools) == [bench.LONG_URN]
    school = schools[bench.LONG_URN]
    number = (written - areas) // bench.SCHOOL_ROWS // 2
    for period, label in enumerate(("2021/22", "2022/23", "2023/24")):
        for group, breakdown in (("all", 0), ("dis", 1), ("nondis", 2)):
            cohort = bench.long_cohort(number, period, breakdown)
            count, percent = bench.long_figure(cohort, 940)
            measures = school.years[label][group]
            assert measures["cohort"] == Measure(cohort)
            assert measures["sustained_n"].label == count
            assert measures["sustained"].label in (f"{percent}%", f"{percent.removesuffix('.0')}%")
    assert school.la_code in las and england is not None
    assert figures_of(england, year).cohort == Measure(bench.long_cohort(0, 2, 0) * 5000)
    assert names[school.la_code] == f"Authority {school.la_code}"
    whole = read_table(path, what="destinations file")
    kept = {n for n, _ in table.rows}
    assert [r for r in whole.rows if r[0] in kept] == list(table.rows)


def test_only_the_whole_cohort_level_group_counts(tmp_path):
    header = [*HEADER[:-4], "cohort_level_group", *HEADER[-4:]]
    rows = [
        row(SCHOOL, SUSTAINED, "170", "94.4") | {"cohort_level_group": "Total"},
        row(SCHOOL, SUSTAINED, "20", "80") | {"cohort_level_group": "Level 2"},
    ]
    path = tmp_path / "levels.csv"
    path.write_text(text(rows, header), encoding="utf-8", newline="")
    table = read_table(path, what="destinations file")
    cells = Cells(table)
    year, schools, *_ = read_ees_long(table, cells)
    assert schools["137181"].years[year]["all"]["sustained_n"] == Measure(170)
    assert cells.notes() == ()


@pytest.mark.parametrize(
    ("name", "keep"),
    [
        ("england_ks4-pupdest.csv", ("137181", "LA", "NAT")),
        ("ees_ks4_institution_excerpt.csv", ("138652", "National")),
        ("ees_ks4_national_202122.csv", ("National",)),
    ],
)
def test_the_filtered_reader_gives_the_rows_read_table_gives_on_the_real_files(name, keep):
    path = need_shared(f"data/dfe/{name}")
    whole = read_table(path, what="destinations file")
    table = read_table_filtered(path, what="destinations file", keep=keep)
    expected = tuple(r for r in whole.rows if any(cell.strip() in keep for cell in r[1]))
    assert expected and table.rows == expected
    assert (table.header, table.encoding, table.notes) == (whole.header, whole.encoding, ())
