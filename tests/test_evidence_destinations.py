"""DfE destination measures: the real KS4 file read whole, and the KS5 and EES shapes."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from careers_review.errors import InputError
from careers_review.evidence import (
    DestinationsFile,
    Measure,
    load_destinations,
    load_la_names,
    propose_actions,
)

from .conftest import SAMPLE, need_shared

KS4 = "data/dfe/england_ks4-pupdest.csv"
LA_META = "data/dfe/la_and_region_codes_meta.csv"
KS5_SAMPLE = SAMPLE / "evidence" / "ks5_destinations_sample.csv"
EES_SAMPLE = SAMPLE / "evidence" / "ees_destinations_sample.csv"

#: The KS4 column stems in the order the DfE publishes them.
STEMS = [
    "OVERALL_DEST",
    "APPREN",
    "EMPLOYMENT",
    "EDUCATION",
    "FE",
    "SCH_6TH",
    "SIXTH_COL",
    "OTHER_EDU",
    "NOT_SUSTAINED",
    "UNKNOWN",
]
SPLIT_COLUMNS = {
    "education": "EDUCATIONPER",
    "further_education": "FEPER",
    "school_sixth_form": "SCH_6THPER",
    "sixth_form_college": "SIXTH_COLPER",
    "other_education": "OTHER_EDUPER",
    "apprenticeship": "APPRENPER",
    "employment": "EMPLOYMENTPER",
    "not_sustained": "NOT_SUSTAINEDPER",
    "unknown": "UNKNOWNPER",
}


def ks4_header() -> list[str]:
    """The KS4 header built from the DfE's naming, so hostile files need no shared data."""
    header = ["RECTYPE", "LEA", "ESTAB", "URN", "ICLOSE", "SCHNAME", "NFTYPE"]
    for group in ("", "_DIS", "_NONDIS"):
        header += [f"COHORT{group}"] + [f"{s}{group}" for s in STEMS]
        header += [f"{s}PER{group}" for s in STEMS]
    for year in ("_18", "_17"):
        for group in ("", "_DIS", "_NONDIS"):
            header += [f"COHORT{group}{year}", f"OVERALL_DESTPER{group}{year}"]
    return header


def ks4_row(**values: str) -> dict[str, str]:
    row = {c: ("50%" if "PER" in c else "10") for c in ks4_header()}
    row.update(RECTYPE="1", LEA="891", ESTAB="4000", URN="990101", ICLOSE="0")
    row.update(SCHNAME="Oakfield Academy", NFTYPE="AC", COHORT="100")
    row.update(values)
    return row


def write_csv(path: Path, header: list[str], rows: list[dict[str, str]], **kw) -> Path:
    with path.open("w", newline="", encoding=kw.get("encoding", "utf-8")) as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture(scope="module")
def ks4() -> DestinationsFile:
    return load_destinations(need_shared(KS4))


@pytest.fixture(scope="module")
def ks4_raw() -> list[dict[str, str]]:
    with need_shared(KS4).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _published(text: str, percent: bool) -> tuple[float | None, str | None]:
    """An independent reading of one cell: the number, or the code left as it is."""
    stripped = text.removesuffix("%") if percent else text
    return (int(stripped), None) if stripped.isdigit() else (None, text)


def _same(measure: Measure, text: str, percent: bool) -> bool:
    return (measure.value, measure.code) == _published(text, percent)


# ------------------------------------------------------------------------------------------
# The real KS4 file


def test_our_ks4_fixture_header_is_the_real_header():
    with need_shared(KS4).open(encoding="utf-8-sig", newline="") as handle:
        assert next(csv.reader(handle)) == ks4_header()


def test_real_ks4_file_is_detected_and_every_school_row_is_parsed(ks4, ks4_raw):
    schools = [r for r in ks4_raw if r["RECTYPE"] in ("1", "2")]
    assert ks4.kind == "ks4"
    assert ks4.encoding == "utf-8"
    assert [note.split(": ", 1)[1][:40] for note in ks4.notes] == [
        "the file does not say which year its fig"
    ]
    assert len(ks4) == len(schools) == 3728
    assert ks4.urns() == [r["URN"] for r in schools]
    for raw in schools:
        school = ks4.school(raw["URN"])
        assert school.name == raw["SCHNAME"] and school.la_code == raw["LEA"]
        assert _same(school.cohort, raw["COHORT"], False), raw["URN"]
        assert _same(school.sustained, raw["OVERALL_DESTPER"], True), raw["URN"]
        for key, column in SPLIT_COLUMNS.items():
            assert _same(school.split[key], raw[column], True), (raw["URN"], column)
        assert _same(school.school.counts["not_sustained"], raw["NOT_SUSTAINED"], False)


def test_real_ks4_la_and_england_rows_are_found(ks4, ks4_raw):
    la_rows = [r for r in ks4_raw if r["RECTYPE"] == "LA"]
    assert len(la_rows) == 148
    for raw in la_rows:
        figures = ks4.local_authority(raw["LEA"])
        assert figures is not None and figures.level == "local_authority"
        assert _same(figures.cohort, raw["COHORT"], False)
        assert _same(figures.sustained, raw["OVERALL_DESTPER"], True)
    england = ks4.england
    assert england is not None and england.name == "England"
    assert (england.cohort.value, england.sustained.value) == (528139, 94)
    assert england.split["further_education"].value == 37
    assert england.disadvantaged_gap == 96 - 88


def test_a_school_beside_its_la_and_england(ks4):
    ucl = ks4.school("137181")  # The UCL Academy, Camden
    assert (ucl.name, ucl.la_code, ucl.la_name) == ("The UCL Academy", "202", "Camden")
    assert ucl.cohort == Measure(161)
    assert ucl.sustained == Measure(94, None, "%")
    assert {key: m.value for key, m in ucl.split.items()} == {
        "education": 93,
        "further_education": 17,
        "school_sixth_form": 74,
        "sixth_form_college": 1,
        "other_education": 1,
        "apprenticeship": 1,
        "employment": 1,
        "not_sustained": 5,
        "unknown": 1,
    }
    assert ucl.school.counts["sustained"].value == 152
    assert ucl.disadvantaged_gap == 96 - 93
    assert ucl.local_authority is not None
    assert (ucl.local_authority.name, ucl.local_authority.cohort.value) == ("Camden", 1513)
    assert ucl.local_authority.sustained.value == 93
    assert ucl.local_authority.split["not_sustained"].value == 6
    assert ucl.england is not None and ucl.england.cohort.value == 528139
    # This school has no earlier years: they are carried, as 'NA'. The file names no year and
    # no metadata file is beside it: the years are said to be unknown, not guessed.
    assert [(y.label, y.cohort.code) for y in ucl.earlier_years] == [("_17", "NA"), ("_18", "NA")]
    assert ks4.year == ucl.year == ""
    assert ucl.year_label == "pupils who left KS4; the file does not say which year"
    assert ucl.earlier_label(ucl.earlier_years[1]) == (
        "an earlier year's leavers (columns ending _18); the file does not say which year"
    )
    assert any(
        "put the metadata file of the same download (ks4-pupdest_meta.csv)" in n for n in ks4.notes
    )
    frame = ucl.to_frame()
    assert list(frame.columns) == ["The UCL Academy", "Camden", "England"]
    assert frame.loc["Sustained destination"].tolist() == ["94%", "93%", "94%"]


def test_earlier_years_and_disadvantaged_gap_from_the_file(ks4):
    haverstock = ks4.school(100049)
    years = {y.label: y for y in haverstock.earlier_years}
    assert sorted(years) == ["_17", "_18"]
    first, second = sorted(years)
    assert (years[first].cohort.value, years[first].sustained.value) == (208, 88)
    assert years[first].disadvantaged_gap == 92 - 87
    assert (years[second].cohort.value, years[second].sustained.value) == (207, 92)
    assert years[second].disadvantaged_gap == 98 - 90
    assert haverstock.disadvantaged_gap == 93 - 89


def test_a_suppressed_value_is_shown_as_suppressed_never_as_zero(ks4):
    small = ks4.school("135175")  # a special school with a cohort of 4
    assert small.cohort.value == 4
    assert small.sustained.value is None and small.sustained.code == "SUPP"
    assert small.sustained.suppressed
    assert "suppressed" in str(small.sustained) and "SUPP" in str(small.sustained)
    assert all(m.code == "SUPP" and m.value is None for m in small.split.values())
    assert small.disadvantaged_gap is None
    frame = small.to_frame()
    assert "SUPP" in frame.loc["Sustained destination"].iloc[0]
    assert "0" not in frame.loc["Sustained destination"].iloc[0]
    table = ks4.to_frame()
    assert math.isnan(table.loc["135175", "sustained"])
    assert table.loc["137181", "sustained"] == 94


def test_a_small_percentage_keeps_its_code_and_its_count(ks4):
    school = ks4.school("141163")  # UNKNOWNPER is 'SP' for 1 pupil in 225
    unknown = school.split["unknown"]
    assert (unknown.value, unknown.code, unknown.small) == (None, "SP", True)
    assert str(unknown) == "below 0.5% [SP]"
    assert school.school.counts["unknown"].value == 1


def test_a_school_whose_la_has_no_row_still_has_its_name_and_england(ks4):
    school = ks4.school("139376")  # Dorset (838): the file has no LA row for it
    assert school.la_name == "Dorset"
    assert school.local_authority is None
    assert school.england is not None
    assert "no LA row" in school.to_frame().columns[1]


def test_unknown_urn_is_an_input_error(ks4):
    with pytest.raises(
        InputError, match=r"england_ks4-pupdest.csv: the file has no row for URN 123456; check"
    ):
        ks4.school(123456)


def test_la_names_file_is_read_and_checked(tmp_path):
    names = load_la_names(need_shared(LA_META))
    assert names["891"] == "Nottinghamshire" and len(names) == 151  # 152 lines with the header
    bad = tmp_path / "meta.csv"
    bad.write_text("LEA,LA Name\nabc,Nowhere\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"meta.csv: row 2: LEA: 'abc' is not a local authority"):
        load_la_names(bad)


# ------------------------------------------------------------------------------------------
# KS5 and Explore Education Statistics shapes (fictional fixtures in sample_data/evidence)


def test_ks5_shape():
    ks5 = load_destinations(KS5_SAMPLE)
    assert ks5.kind == "ks5" and len(ks5) == 3
    oakfield = ks5.school("990101")
    assert (oakfield.cohort.value, oakfield.sustained.value) == (144, 84)
    assert oakfield.split["higher_education"].value == 58
    assert oakfield.split["unknown"].value == 6  # TOT_NOT_CAPTUREDPER
    assert oakfield.school.counts["unknown"].value == 8  # TOT_NOT_CAPTURED
    assert "school_sixth_form" not in oakfield.split  # KS5 does not split education this way
    assert oakfield.disadvantaged_gap == 86 - 77
    assert oakfield.la_name == "Nottinghamshire"  # no names file beside it: the package's list
    assert oakfield.local_authority is not None
    assert oakfield.local_authority.split["not_sustained"].value == 7
    ashcombe = ks5.school(990106)
    assert ashcombe.school.disadvantaged is not None
    assert ashcombe.school.disadvantaged.sustained.code == "SUPP"
    assert ashcombe.disadvantaged_gap is None
    assert ashcombe.local_authority is None and ashcombe.england is not None


def test_ks5_with_la_names_from_the_dfe_file():
    ks5 = load_destinations(KS5_SAMPLE, la_names=need_shared(LA_META))
    school = ks5.school("990101")
    assert school.la_name == "Nottinghamshire"
    assert school.local_authority is not None
    assert school.local_authority.name == "Nottinghamshire"


def test_ees_long_shape():
    ees = load_destinations(EES_SAMPLE)
    assert (ees.kind, ees.year, len(ees)) == ("ees", "2023/24", 2)
    oakfield = ees.school("990101")
    assert oakfield.la_name == "Nottinghamshire"
    assert (oakfield.cohort.value, oakfield.sustained.value) == (236, 94)
    assert oakfield.split["school_sixth_form"].value == 51
    assert oakfield.split["higher_education"].code == "z"
    assert oakfield.school.counts["school_sixth_form"].value == 121
    assert oakfield.disadvantaged_gap == 96 - 88
    # The LA's widest institution group is the comparison, not the mainstream-only row.
    la = oakfield.local_authority
    assert la is not None and la.cohort.value == 8902
    assert la.split["other_education"].code == "low" and la.split["other_education"].small
    assert oakfield.england is not None and oakfield.england.cohort.value == 560120
    [earlier] = oakfield.earlier_years
    assert (earlier.label, earlier.cohort.value, earlier.sustained.value) == ("2022/23", 229, 94)
    assert earlier.disadvantaged_gap == 95 - 89
    millbrook = ees.school(990102)
    assert millbrook.school.disadvantaged is not None
    assert millbrook.school.disadvantaged.sustained.code == "c"
    assert millbrook.disadvantaged_gap is None
    assert millbrook.earlier_years[0].disadvantaged_gap is not None


# ------------------------------------------------------------------------------------------
# Hostile files


def test_a_file_of_no_known_shape_is_refused_naming_the_shapes(tmp_path):
    path = tmp_path / "results.csv"
    path.write_text("name,score\nA,1\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_destinations(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: not a DfE destinations file")
    assert "none of the columns" in message
    for column in ("RECTYPE", "URN", "OVERALL_DESTPER", "TOT_COHORT", "school_urn", "data_type"):
        assert column in message
    assert "\n" not in message


def test_a_file_near_a_shape_is_refused_naming_what_it_lacks(tmp_path):
    path = tmp_path / "ks4.csv"
    path.write_text("URN,SCHNAME,COHORT,OVERALL_DESTPER\n990101,Oakfield,10,50%\n", "utf-8")
    with pytest.raises(InputError) as caught:
        load_destinations(path)
    message = str(caught.value)
    assert "the nearest shape is Key Stage 4 pupil destinations" in message
    assert "lacks RECTYPE; LEA" in message


def test_a_ks4_file_missing_figure_columns_is_read_and_says_so(tmp_path):
    header = [c for c in ks4_header() if c not in ("UNKNOWNPER", "FEPER")]
    path = write_csv(tmp_path / "ks4.csv", header, [{c: ks4_row()[c] for c in header}])
    loaded = load_destinations(path)
    school = loaded.school("990101")
    assert school.sustained.value == 50
    assert "unknown" not in school.split and "further_education" not in school.split
    assert any("has no columns FEPER, UNKNOWNPER" in note for note in loaded.notes)


def test_other_shapes_missing_columns(tmp_path):
    ks5 = tmp_path / "ks5.csv"
    with KS5_SAMPLE.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    header = [c for c in rows[0] if c != "TOT_NOT_CAPTUREDPER"]
    write_csv(ks5, header, [{c: row[c] for c in header} for row in rows])
    loaded = load_destinations(ks5)
    assert loaded.kind == "ks5" and len(loaded) == len(rows) - sum(
        1 for row in rows if not row["RECTYPE"].isdigit()
    )
    assert any("has no column TOT_NOT_CAPTUREDPER" in note for note in loaded.notes)
    ees = tmp_path / "ees.csv"
    ees.write_text("time_period,school_urn,cohort\n202324,990101,10\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"ees.csv: .*nearest shape is Explore Education") as e:
        load_destinations(ees)
    assert "breakdown; data_type" in str(e.value)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=st.text(max_size=300))
def test_any_text_gives_a_file_or_an_input_error(tmp_path, body):
    path = tmp_path / "fuzz.csv"
    path.write_text(",".join(ks4_header()) + "\n" + body, encoding="utf-8")
    try:
        load_destinations(path)
    except InputError as exc:
        assert str(exc).startswith(str(path)) and "\n" not in str(exc)


@pytest.mark.parametrize(
    ("column", "value"),
    [("COHORT", "abc"), ("APPREN_DIS", "-3"), ("OVERALL_DESTPER", "ninety"), ("FEPER", "120%")],
)
def test_a_value_that_is_not_a_figure_is_not_published_and_named(tmp_path, column, value):
    rows = [ks4_row(URN="990102"), ks4_row(**{column: value})]
    path = write_csv(tmp_path / "ks4.csv", ks4_header(), rows)
    loaded = load_destinations(path)
    assert sorted(loaded.urns()) == ["990101", "990102"]
    note = next(n for n in loaded.notes if "cannot read as a figure" in n)
    assert note.startswith(f"{path}: 1 value this version cannot read as a figure")
    assert f"{value!r} (1: row 3 {column})" in note
    school = loaded.school("990101")
    if column == "COHORT":
        assert school.cohort == Measure(None, value)
        assert school.cohort.label == f"not published [{value}]"
    if column == "OVERALL_DESTPER":
        assert school.sustained.value is None and school.sustained.label.startswith("not pub")
    if column == "FEPER":
        assert school.split["further_education"].value is None
    assert loaded.school("990102").cohort.value == 100


def test_an_unknown_code_in_many_rows_never_blocks_the_file(tmp_path):
    """One year's file had SN in 29 LA rows: every school is still read."""
    rows = [ks4_row(URN=f"9901{n:02d}") for n in range(5)]
    rows += [ks4_row(RECTYPE="LA", LEA=str(800 + n), URN="", APPREN_NONDIS="SN") for n in range(29)]
    path = write_csv(tmp_path / "ks4.csv", ks4_header(), rows)
    loaded = load_destinations(path)
    assert len(loaded) == 5
    la = loaded.local_authority("805")
    assert la is not None and la.sustained.value == 50
    note = next(n for n in loaded.notes if "cannot read as a figure" in n)
    assert "29 values" in note and "'SN' (29: row 7 APPREN_NONDIS" in note and "26 more" in note


@pytest.mark.parametrize(
    ("column", "value", "problem"),
    [
        ("URN", "", "'' is not a school URN"),
        ("URN", "Oakfield", "'Oakfield' is not a school URN"),
        ("RECTYPE", "SCH", "'SCH' is not a record type"),
    ],
)
def test_a_row_that_cannot_be_placed_is_left_out_and_named(tmp_path, column, value, problem):
    rows = [ks4_row(URN="990102"), ks4_row(**{column: value})]
    path = write_csv(tmp_path / "ks4.csv", ks4_header(), rows)
    loaded = load_destinations(path)
    assert loaded.urns() == ["990102"]
    assert any(
        n.startswith(f"{path}: 1 row left out: row 3: {column}: {problem}") for n in loaded.notes
    )


def test_ks4_codes_are_all_accepted_and_kept(tmp_path):
    codes = ["SUPP", "NA", "NE", "SP", "x", ""]
    rows = [ks4_row(URN=f"99010{n}", OVERALL_DESTPER=code) for n, code in enumerate(codes)]
    path = write_csv(tmp_path / "ks4.csv", ks4_header(), rows)
    loaded = load_destinations(path)
    assert [loaded.school(f"99010{n}").sustained.code for n in range(len(codes))] == codes
    assert all(loaded.school(u).sustained.value is None for u in loaded.urns())


def test_a_second_row_for_a_urn_is_left_out(tmp_path):
    path = write_csv(
        tmp_path / "ks4.csv", ks4_header(), [ks4_row(), ks4_row(SCHNAME="Someone else")]
    )
    loaded = load_destinations(path)
    assert loaded.school("990101").name == "Oakfield Academy"
    assert any("row 3: URN: 990101 is also on row 2, which is used" in n for n in loaded.notes)


def test_latin1_destinations_file_is_read_with_a_note(tmp_path):
    row = ks4_row(SCHNAME="École Française de Nottingham")
    path = write_csv(tmp_path / "ks4.csv", ks4_header(), [row], encoding="latin-1")
    loaded = load_destinations(path)
    assert loaded.school("990101").name == "École Française de Nottingham"
    assert loaded.encoding == "cp1252" and "Windows-1252" in loaded.notes[0]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "the file is empty"),
        (b"\xef\xbb\xbf\r\n", "the file is empty"),
        (",".join(ks4_header()).encode() + b"\n", "no rows after the header"),
        (b"\xff\xfeR\x00E\x00", "UTF-16"),
        (b"PK\x03\x04rest", "spreadsheet workbook"),
        (b"RECTYPE,URN\n\x81\x8d,1\n", "is not UTF-8"),
    ],
)
def test_empty_header_only_and_undecodable_files(tmp_path, content, problem):
    path = tmp_path / "dest.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=problem) as caught:
        load_destinations(path)
    assert str(caught.value).startswith(str(path))


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        load_destinations(tmp_path / "nope.csv")


def test_bad_ees_rows_are_left_out_or_not_published(tmp_path):
    lines = EES_SAMPLE.read_text(encoding="utf-8").splitlines()
    header, first = lines[0], lines[1].split(",")
    columns = header.split(",")
    period, data_type = columns.index("time_period"), columns.index("data_type")
    overall, urn = columns.index("overall"), columns.index("school_urn")
    for position, value, problem in (
        (period, "23-24", "row 3: time_period: '23-24' is not a time period"),
        (data_type, "Ratio", "row 3: data_type: 'Ratio' is not a data type"),
        (overall, "lots", "'lots' (1: row 3 overall)"),
    ):
        row = list(first)
        row[position] = value
        row[urn] = "990199"
        path = tmp_path / "ees.csv"
        path.write_text(f"{header}\n{lines[1]}\n{','.join(row)}\n", encoding="utf-8")
        loaded = load_destinations(path)
        assert first[urn] in loaded.urns()
        assert any(problem in note for note in loaded.notes), (problem, loaded.notes)
    row = list(first)
    row[period] = "2023"
    path.write_text(f"{header}\n{','.join(row)}\n", encoding="utf-8")
    assert load_destinations(path).year == "2023"


# ------------------------------------------------------------------------------------------
# From destinations to actions


def test_actions_when_not_sustained_and_unknown_are_above_the_la():
    school = load_destinations(KS5_SAMPLE).school("990101")
    actions = propose_actions(destinations=school)
    assert [a.id for a in actions] == ["e1", "e2"]
    assert all(a.link == "benchmark:3" and a.status == "not_started" for a in actions)
    assert actions[0].what.startswith("10% of the school's students leaving 16-18 study")
    assert "at 7%" in actions[0].what and "not sustained" in actions[0].what
    assert actions[1].what.startswith("The destination of 6% of the school's")
    assert all(a.owner == "" and a.success_measure for a in actions)


def test_no_destination_action_when_at_or_below_the_la(ks4):
    assert propose_actions(destinations=ks4.school("137181")) == []  # 5% v 6%, 1% v 1%


def test_destination_actions_fall_back_to_england_without_an_la_row():
    school = load_destinations(KS5_SAMPLE).school("990106")  # 7% and 4% v England 6% and 2%
    actions = propose_actions(destinations=school)
    assert len(actions) == 2
    assert all("England (the file has no figures for Leicestershire)" in a.what for a in actions)


def test_suppressed_destinations_propose_nothing(ks4):
    assert propose_actions(destinations=ks4.school("135175")) == []
