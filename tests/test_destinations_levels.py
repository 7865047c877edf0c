"""Explore Education Statistics publishes a school's destinations, its local authority's and
England's as separate files: given together, the school is shown beside both. Also: which
pupils each figure is about (the years), and the numbered record types some years use."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from careers_review.errors import InputError
from careers_review.evidence import load_destinations

from .conftest import need_shared

#: The header of the real institution-level file (../shared/data/dfe/ees_ks4_institution_*).
SCHOOL_HEADER = [
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
    "local_authority_selection_status",
    "school_laestab",
    "school_urn",
    "school_name",
    "admission_policy",
    "entry_gender",
    "institution_group",
    "institution_type",
    "breakdown_topic",
    "breakdown",
    "data_type",
    "version",
    "cohort",
    "overall",
    "education",
    "fe",
    "ssf",
    "sfc",
    "other_edu",
    "appren",
    "all_work",
    "all_notsust",
    "all_unknown",
]
#: An LA-level file: the same columns without the school's.
LA_HEADER = [c for c in SCHOOL_HEADER if not c.startswith(("school_", "admission", "entry_"))]
LA_HEADER.remove("local_authority_selection_status")
#: The header of the real national-level file (../shared/data/dfe/ees_ks4_national_202122.csv).
NATIONAL_HEADER = [
    "time_period",
    "time_identifier",
    "geographic_level",
    "country_code",
    "country_name",
    "institution_group",
    "institution_type",
    "breakdown_topic",
    "breakdown",
    "data_type",
    "version",
    "inst_count",
    "cohort",
    "overall",
    "education",
    "fe",
    "ssf",
    "sfc",
    "other_edu",
    "ind",
    "appru",
    "special",
    "spi",
    "edu_combo",
    "he",
    "appren",
    "appl3",
    "appl2",
    "all_work",
    "all_notsust",
    "notsust",
    "notsust_beneet",
    "only_beneet",
    "all_unknown",
    "unknown_id",
    "unknown",
]
FIGURES = ["overall", "education", "fe", "ssf", "sfc", "other_edu", "appren", "all_work"]


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, restval="", lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def _rows(level: str, overall: str, **fixed: str) -> list[dict[str, str]]:
    """A percentage and a number-of-pupils row for 2021/22, all pupils."""
    base = {
        "time_period": "202122",
        "time_identifier": "Academic year",
        "geographic_level": level,
        "country_code": "E92000001",
        "country_name": "England",
        "breakdown_topic": "Total",
        "breakdown": "Total",
        "version": "Final",
        **fixed,
    }
    percent = {**base, "data_type": "Percentage", "cohort": "200", "overall": overall}
    percent |= {c: "10" for c in FIGURES[1:]} | {"all_notsust": "5", "all_unknown": "c"}
    count = {**base, "data_type": "Number of pupils", "cohort": "200", "overall": "180"}
    count |= {c: "20" for c in FIGURES[1:]} | {"all_notsust": "10", "all_unknown": "c"}
    return [percent, count]


@pytest.fixture
def three_files(tmp_path: Path) -> tuple[Path, Path, Path]:
    area = {"old_la_code": "891", "new_la_code": "E10000024", "la_name": "Nottinghamshire"}
    school = _write(
        tmp_path / "ks4_school.csv",
        SCHOOL_HEADER,
        _rows(
            "School",
            "90",
            **area,
            school_urn="990101",
            school_name="Oakfield Academy",
            institution_group="State-funded mainstream schools",
        ),
    )
    la = _write(
        tmp_path / "ks4_la.csv",
        LA_HEADER,
        _rows("Local authority", "93", **area, institution_group="Total")
        + _rows(
            "Local authority",
            "95",
            old_la_code="202",
            new_la_code="E09000007",
            la_name="Camden",
            institution_group="Total",
        ),
    )
    england = _write(
        tmp_path / "ks4_england.csv",
        NATIONAL_HEADER,
        _rows("National", "94", institution_group="Total", institution_type="Total")
        + _rows(
            "National",
            "80",
            institution_group="Special schools",
            institution_type="Total",
        ),
    )
    return school, la, england


def test_a_school_file_with_its_la_and_england_files_shows_all_three(three_files):
    school, la, england = three_files
    alone = load_destinations(school).school("990101")
    assert alone.local_authority is None and alone.england is None
    data = load_destinations(school, comparisons=[la, england])
    assert data.comparisons == (la, england)
    oakfield = data.school("990101")
    assert oakfield.sustained.value == 90
    assert oakfield.local_authority is not None and oakfield.england is not None
    assert (oakfield.local_authority.name, oakfield.local_authority.sustained.value) == (
        "Nottinghamshire",
        93,
    )
    assert oakfield.england.sustained.value == 94  # all schools, not the special schools row
    frame = oakfield.to_frame()
    assert list(frame.columns) == ["Oakfield Academy", "Nottinghamshire", "England"]
    assert frame.loc["Sustained destination"].tolist() == ["90%", "93%", "94%"]
    assert frame.loc["Activity not captured (unknown)"].tolist()[0].endswith("[c]")
    assert oakfield.year_label == "left KS4 in 2020/21, destination in 2021/22"


def test_an_la_or_england_file_alone_says_to_give_it_beside_a_school_file(three_files):
    _, la, england = three_files
    for path in (la, england):
        with pytest.raises(InputError, match="give it as the comparison beside a school-level"):
            load_destinations(path)


def test_a_comparison_of_another_year_is_not_used_and_said_so(three_files, tmp_path):
    school, la, _ = three_files
    text = la.read_text(encoding="utf-8").replace("202122", "202021")
    older = tmp_path / "ks4_la_2020.csv"
    older.write_text(text, encoding="utf-8")
    data = load_destinations(school, comparisons=[older])
    assert data.school("990101").local_authority is None
    assert any("it has no figures for 2021/22" in note and "2020/21" in note for note in data.notes)


def test_the_real_school_and_national_files_together():
    """The real excerpt's newest year is 2022/23 and the real national file's 2021/22: the
    national file is not used for 2022/23, and the page is told why."""
    school = need_shared("data/dfe/ees_ks4_institution_excerpt.csv")
    national = need_shared("data/dfe/ees_ks4_national_202122.csv")
    data = load_destinations(school, comparisons=[national])
    assert data.year == "2022/23" and len(data) == 19
    assert any("no figures for 2022/23" in note for note in data.notes)
    cedars = data.school("138652")
    assert cedars.year_label == "left KS4 in 2021/22, destination in 2022/23"
    assert cedars.england is None
    assert "2020/21" in [earlier.label for earlier in cedars.earlier_years]


def test_a_performance_tables_file_without_earlier_years_does_not_guess_its_year(tmp_path):
    header = ["RECTYPE", "LEA", "URN", "SCHNAME", "COHORT", "OVERALL_DESTPER"]
    path = _write(
        tmp_path / "ks4.csv",
        header,
        [{"RECTYPE": "1", "LEA": "891", "URN": "990101", "COHORT": "50", "OVERALL_DESTPER": "9%"}],
    )
    data = load_destinations(path)
    assert data.year == ""
    assert (
        data.school("990101").year_label == "pupils who left KS4; the file does not say which year"
    )


META_HEADER = ["Variable", "Label", "Type", "Description"]


def _meta(folder: Path, name: str, labels: dict[str, str]) -> Path:
    """A metadata file as the DfE ships one with each performance-tables download."""
    rows = [
        {"Variable": column, "Label": label, "Type": "Integer", "Description": ""}
        for column, label in labels.items()
    ]
    return _write(folder / name, META_HEADER, rows)


def test_suffixes_are_never_read_as_years_without_the_metadata(tmp_path):
    header = ["RECTYPE", "LEA", "URN", "COHORT", "OVERALL_DESTPER", "COHORT_19", "COHORT_21"]
    row = {"RECTYPE": "1", "LEA": "891", "URN": "990101", "COHORT": "50"}
    path = _write(tmp_path / "england_ks4-pupdest.csv", header, [row | {"OVERALL_DESTPER": "9%"}])
    data = load_destinations(path)
    assert data.year == ""
    assert [e.label for e in data.school("990101").earlier_years] == ["_19", "_21"]
    _meta(
        tmp_path,
        "ks4-pupdest_meta.csv",
        {
            "RECTYPE": "Record type",
            "COHORT": "Number of pupils completing key stage 4 in 2022/23",
            "COHORT_21": "Number of pupils completing key stage 4 in 2020/21",
            "OVERALL_DESTPER_21": "Sustained (2020/21 leavers)",
        },
    )
    data = load_destinations(path)
    school = data.school("990101")
    assert data.year == "2023/24" and school.year_label == (
        "left KS4 in 2022/23, destination in 2023/24"
    )
    # A suffix the metadata names becomes its year; one it does not name stays unknown.
    labels = {school.earlier_label(e) for e in school.earlier_years}
    assert labels == {
        "an earlier year's leavers (columns ending _19); the file does not say which year",
        "left KS4 in 2020/21, destination in 2021/22",
    }


def test_the_real_ks4_file_with_its_metadata_agrees_with_the_real_national_file(tmp_path):
    """The metadata of the real file's download names 2016/17 leavers for COHORT, 2015/16 for
    `_18` and 2014/15 for `_17`; the EES national file has the same cohorts in those years."""
    real = need_shared("data/dfe/england_ks4-pupdest.csv")
    with need_shared("data/dfe/ees_ks4_national_202122.csv").open(encoding="utf-8-sig") as f:
        cohorts = {
            row["time_period"]: int(row["cohort"])
            for row in csv.DictReader(f)
            if row["institution_group"] == "State-funded mainstream & special schools"
            and row["institution_type"] == "Total"
            and row["breakdown"] == "Total"
            and row["data_type"] == "Number of pupils"
        }
    copy = tmp_path / real.name
    copy.write_bytes(real.read_bytes())
    labels = {"COHORT": "Number of pupils completing key stage 4 in 2016/17"}
    labels |= {
        f"COHORT_{s}": f"Number of pupils completing key stage 4 in {y}"
        for s, y in (("18", "2015/16"), ("17", "2014/15"))
    }
    _meta(tmp_path, "ks4-pupdest_meta.csv", labels)
    data = load_destinations(copy)
    assert data.year == "2017/18" and not any("metadata" in note for note in data.notes)
    england = data.england
    assert england is not None
    # England's state-funded mainstream and special schools, as the performance tables count.
    assert england.cohort.value == cohorts["201718"] == 528139
    ucl = data.school("137181")
    earlier = {e.label: e for e in data.school("100049").earlier_years}
    assert sorted(earlier) == ["2015/16", "2016/17"]
    assert earlier["2016/17"].cohort.value == 207  # the school's `_18` columns
    assert ucl.earlier_label(ucl.earlier_years[0]) == "left KS4 in 2014/15, destination in 2015/16"


def test_numbered_area_record_types_are_la_and_england(tmp_path):
    """Some years' 16-18 files number their area rows: 4 an LA, 5 England (all schools and
    colleges) and 7 England's state-funded ones, which is the comparison kept."""
    header = ["RECTYPE", "LEA", "URN", "SCHNAME", "TOT_COHORT", "TOT_OVERALLPER"]
    rows = [
        {"RECTYPE": "1", "LEA": "891", "URN": "990101", "TOT_COHORT": "80", "TOT_OVERALLPER": "85"},
        {"RECTYPE": "4", "LEA": "891", "URN": "", "TOT_COHORT": "9000", "TOT_OVERALLPER": "88"},
        {"RECTYPE": "5", "LEA": "", "URN": "", "TOT_COHORT": "99000", "TOT_OVERALLPER": "80"},
        {"RECTYPE": "7", "LEA": "", "URN": "", "TOT_COHORT": "90000", "TOT_OVERALLPER": "82"},
    ]
    data = load_destinations(_write(tmp_path / "ks5.csv", header, rows))
    school = data.school("990101")
    assert data.kind == "ks5" and len(data) == 1
    assert not [note for note in data.notes if "left out" in note or "cannot read" in note]
    assert school.local_authority is not None and school.local_authority.sustained.value == 88
    assert school.england is not None and school.england.sustained.value == 82
    assert school.year_label.startswith("pupils who left 16-18 study")


@pytest.mark.parametrize(
    ("code", "label"),
    [
        ("c", "suppressed (too few pupils to publish) [c]"),
        ("z", "not applicable [z]"),
        ("x", "not available [x]"),
        ("low", "below 0.5% [low]"),
        ("~", "below 0.5% [~]"),
        ("u", "low reliability, not published [u]"),
        ("", "blank in the file"),
        ("SN", "not published [SN]"),
    ],
)
def test_every_ees_code_is_kept_and_shown_in_words(three_files, tmp_path, code, label):
    school, _, _ = three_files
    text = school.read_text(encoding="utf-8").splitlines()
    header = text[0].split(",")
    row = text[1].split(",")
    row[header.index("overall")] = code
    path = tmp_path / "coded.csv"
    path.write_text("\r\n".join([text[0], ",".join(row), *text[2:]]), encoding="utf-8")
    data = load_destinations(path)
    sustained = data.school("990101").sustained
    assert sustained.value is None and sustained.label == label
    unknown = [note for note in data.notes if "cannot read as a figure" in note]
    assert bool(unknown) == (code == "SN")


# ------------------------------------------------------------------------------------------
# A file of millions of rows, read for one school


def test_a_long_file_is_streamed_for_one_school_with_its_areas(tmp_path):
    from .test_destinations_long import FULL, OTHER, SUSTAINED, row, text

    path = tmp_path / "long.csv"
    path.write_text(text([*FULL, row(OTHER, SUSTAINED, "99", "99")]), "utf-8", newline="")
    whole = load_destinations(path)
    assert whole.kind == "ees_long" and sorted(whole.urns()) == ["122334", "137181"]
    one = load_destinations(path, urn="137181", stream=True)
    assert one.filtered and one.urns() == ["137181"]
    school, every = one.school("137181"), whole.school("137181")
    assert school == every  # the same figures, LA and England as the whole file gives
    assert school.sustained.value == 94.4
    assert school.local_authority is not None and school.england is not None
    # In the long layout time_period (202223) is the year pupils left.
    assert school.year_label == "left KS4 in 2022/23, destination in 2023/24"
    with pytest.raises(InputError, match="no row for URN 123456; check the URN in the school"):
        load_destinations(path, urn="123456", stream=True)


# ------------------------------------------------------------------------------------------
# On the impact page


def _neet_file(tmp_path: Path) -> Path:
    from .test_neet import NEW, new_rows, write

    return write(tmp_path / "neet.csv", NEW, new_rows())


def test_the_impact_page_shows_the_school_beside_its_la_england_and_neet(
    store, three_files, tmp_path
):
    from careers_review.app.impact import EvidenceFiles, ImpactApp
    from careers_review.app.session import ReviewSession

    school, la, england = three_files
    neet = _neet_file(tmp_path)
    given = EvidenceFiles(destinations=";".join(map(str, (school, la, england, neet))))
    session = ReviewSession(store, store_framework(), "oakfield-academy", autosave_delay=0)
    app = ImpactApp(session, given)
    section = app.section("destinations")
    assert "left KS4 in 2020/21, destination in 2021/22" in section.html
    assert list(section.frame.loc["Sustained destination"]) == [90, 93, 94]
    assert "Young people aged 16-17 in Nottinghamshire, 2023/24" in section.html
    assert list(section.frame.loc["NEET, age 16-17"])[1:] == [3.3, 3.1]
    collect = app.section("collect").frame
    listed = collect.set_index("Evidence")
    assert listed.loc["LA or England destinations", "Rows"].tolist() == ["used", "used"]
    assert listed.loc["NEET and not known", "State"] == "read"
    assert listed.loc["NEET and not known", "Rows"] == "1 local authority"


def store_framework():
    from careers_review import default_framework

    return default_framework()


def test_la_england_and_neet_files_uploaded_on_the_page_are_checked_kept_and_used(
    store, three_files, tmp_path
):
    from careers_review.app.impact import EvidenceFiles, ImpactApp
    from careers_review.app.session import ReviewSession

    school, la, england = three_files
    session = ReviewSession(store, store_framework(), "oakfield-academy", autosave_delay=0)
    app = ImpactApp(session, EvidenceFiles())
    # A school-level file is not a comparison: refused, nothing kept.
    kept, line = app.take("comparison", "ks4_school.csv", school.read_bytes())
    assert not kept and "no local authority or England rows" in line
    assert "upload it as the destinations file" in line
    for kind, path in (("destinations", school), ("comparison", la), ("comparison", england)):
        kept, line = app.take(kind, path.name, path.read_bytes())
        assert kept, line
    kept, line = app.take("neet", "neet.csv", _neet_file(tmp_path).read_bytes())
    assert kept and "NEET and not known, 1 local authority, 2023/24" in line, line
    section = app.section("destinations")
    assert list(section.frame.loc["Sustained destination"]) == [90, 93, 94]
    assert "Young people aged 16-17 in Nottinghamshire" in section.html
    kept_names = sorted(p.name.split("_20")[0] for p in app.folder.iterdir() if p.is_file())
    assert kept_names == [
        "destinations",
        "destinations_comparison",
        "destinations_comparison",
        "neet",
    ]


def test_an_ees_file_with_the_level_of_study_is_about_16_to_18_leavers(three_files, tmp_path):
    school, _, _ = three_files
    lines = school.read_text(encoding="utf-8").splitlines()
    lines = [lines[0] + ",cohort_level_group"] + [line + ",Total" for line in lines[1:]]
    path = tmp_path / "ks5_ees.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    label = load_destinations(path).school("990101").year_label
    assert label == "left 16-18 study in 2020/21, destination in 2021/22"


def test_a_urn_column_of_text_says_no_school_row_could_be_read(tmp_path):
    header = ["RECTYPE", "LEA", "URN", "COHORT", "OVERALL_DESTPER"]
    rows = [
        {"RECTYPE": "1", "LEA": "891", "URN": name, "COHORT": "5", "OVERALL_DESTPER": "90%"}
        for name in ("Oakfield Academy", "Riverside")
    ]
    rows.append({"RECTYPE": "LA", "LEA": "891", "URN": "", "COHORT": "9", "OVERALL_DESTPER": "9"})
    path = _write(tmp_path / "ks4.csv", header, rows)
    with pytest.raises(InputError) as caught:
        load_destinations(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: no school row could be read (2 rows left out: row 2: URN:")
    assert "'Oakfield Academy' is not a school URN" in message


FIGURE_TEXT = st.one_of(
    st.sampled_from(["SUPP", "NA", "NE", "SP", "SN", "x", "c", "z", "low", "~", "u", "", "—"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=8),
    st.integers(-5, 10**10).map(str),
    st.floats(-10, 200).map(lambda f: f"{f:g}%"),
    st.sampled_from(["nan", "inf", "NaN%", "1e2", "50.5%", " 7 "]),
)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cohort=FIGURE_TEXT,
    overall=FIGURE_TEXT,
    shape=st.sampled_from(["ks4", "ees"]),
)
def test_any_text_in_a_figure_cell_never_refuses_and_is_a_number_only_if_it_is_one(
    tmp_path, cohort, overall, shape
):
    if shape == "ks4":
        header = ["RECTYPE", "LEA", "URN", "COHORT", "OVERALL_DESTPER", "APPRENPER"]
        row = {"RECTYPE": "1", "LEA": "891", "URN": "990101", "COHORT": cohort}
        rows = [row | {"OVERALL_DESTPER": overall, "APPRENPER": "3%"}]
    else:
        header = SCHOOL_HEADER
        rows = _rows("School", overall, school_urn="990101", old_la_code="891")
        rows = [r | {"cohort": cohort} for r in rows]
    path = _write(tmp_path / f"{shape}.csv", header, rows)
    school = load_destinations(path).school("990101")
    for text, measure, percent in (
        (cohort, school.cohort, False),
        (overall, school.sustained, True),
    ):
        value = text.strip()
        number = value.removesuffix("%") if percent else value
        if measure.value is None:
            assert measure.code is not None or text == ""
            continue
        # A number came out: the cell held that number, in range.
        assert float(number) == measure.value
        assert (0 <= measure.value <= 100) if percent else (measure.value >= 0 and number.isdigit())


def test_a_2024_25_download_numbered_areas_and_its_metadata(tmp_path):
    """The 2024-25 KS4 file: the same columns up to UNKNOWNPER_NONDIS, earlier years `_22` and
    `_21`, areas as RECTYPE 4, 5 and 7, and the years in its metadata file."""
    from .test_evidence_destinations import STEMS, ks4_row

    header = ["RECTYPE", "LEA", "ESTAB", "URN", "ICLOSE", "SCHNAME", "NFTYPE"]
    for group in ("", "_DIS", "_NONDIS"):
        header += [f"COHORT{group}"] + [f"{s}{group}" for s in STEMS]
        header += [f"{s}PER{group}" for s in STEMS]
    for year in ("_22", "_21"):
        for group in ("", "_DIS", "_NONDIS"):
            header += [f"COHORT{group}{year}", f"OVERALL_DESTPER{group}{year}"]
    school = {c: v for c, v in ks4_row(COHORT_22="120", OVERALL_DESTPER_22="91%").items()}
    la = school | {"RECTYPE": "4", "URN": "", "ESTAB": "", "SCHNAME": "", "COHORT": "9000"}
    every = la | {"RECTYPE": "5", "LEA": "", "COHORT": "600000", "OVERALL_DESTPER": "93%"}
    state = every | {"RECTYPE": "7", "COHORT": "560000", "OVERALL_DESTPER": "94%"}
    path = tmp_path / "england_ks4-pupdest.csv"
    rows = [{c: row.get(c, "NA") for c in header} for row in (school, la, every, state)]
    _write(path, header, rows)
    labels = {"COHORT": "Number of pupils completing key stage 4 in 2022/23"}
    # The 2024-25 metadata: a suffix is the end of the leavers' year (`_22` left in 2021/22).
    labels |= {
        f"COHORT_{s}": f"Number of pupils completing key stage 4 in 20{int(s) - 1}/{s}"
        for s in ("22", "21")
    }
    _meta(tmp_path, "ks4-pupdest_meta.csv", labels)
    data = load_destinations(path)
    oakfield = data.school("990101")
    assert oakfield.year_label == "left KS4 in 2022/23, destination in 2023/24"
    assert oakfield.local_authority is not None and oakfield.local_authority.cohort.value == 9000
    assert oakfield.england is not None and oakfield.england.cohort.value == 560000  # RECTYPE 7
    earlier = {oakfield.earlier_label(e): e for e in oakfield.earlier_years}
    latest = earlier["left KS4 in 2021/22, destination in 2022/23"]
    assert (latest.cohort.value, latest.sustained.value) == (120, 91)
    assert "left KS4 in 2020/21, destination in 2021/22" in earlier


def test_metadata_naming_one_year_twice_leaves_the_years_unknown(tmp_path):
    header = ["RECTYPE", "LEA", "URN", "COHORT", "OVERALL_DESTPER", "COHORT_21"]
    row = {"RECTYPE": "1", "LEA": "891", "URN": "990101", "COHORT": "50", "COHORT_21": "40"}
    path = _write(tmp_path / "england_ks4-pupdest.csv", header, [row | {"OVERALL_DESTPER": "9%"}])
    same = "Number of pupils completing key stage 4 in 2022/23"
    _meta(tmp_path, "ks4-pupdest_meta.csv", {"COHORT": same, "COHORT_21": same})
    data = load_destinations(path)
    assert data.year == "" and data.school("990101").cohort.value == 50
    assert any(
        "(the file's own, columns ending _21): the years are left unknown" in note
        for note in data.notes
    )


#: The EES progression file at institution level (`l4_tidy_*_ins_*`), as its columns are
#: published (the school and area columns as in the destinations files).
PROGRESSION_HEADER = [
    *SCHOOL_HEADER[: SCHOOL_HEADER.index("breakdown_topic")],
    "breakdown_topic",
    "breakdown",
    "data_type",
    "version",
    "all_cohort",
    "all_progressed",
    "all_degree",
    "all_htech",
    "all_top3rd",
    "all_appren",
    "acag_cohort",
    "acag_progressed",
    "tlev_cohort",
    "tlev_progressed",
]


def test_the_ees_progression_measure_is_read_and_named_as_progression(tmp_path):
    base = {
        "time_period": "202223",
        "time_identifier": "Academic year",
        "geographic_level": "School",
        "old_la_code": "891",
        "la_name": "Nottinghamshire",
        "school_urn": "990101",
        "school_name": "Oakfield Academy",
        "version": "Final",
    }
    rows = [
        base
        | {"breakdown_topic": "Total", "breakdown": "Total", "data_type": "Percentage"}
        | {"all_cohort": "140", "all_progressed": "61", "all_degree": "48", "all_htech": "~"}
        | {"all_appren": "c", "acag_cohort": "100", "acag_progressed": "70"},
        base
        | {"breakdown_topic": "Disadvantage status", "breakdown": "Disadvantaged"}
        | {"data_type": "Percentage", "all_cohort": "30", "all_progressed": "45"},
    ]
    path = _write(tmp_path / "l4_tidy_2023_all_ins.csv", PROGRESSION_HEADER, rows)
    data = load_destinations(path)
    assert data.kind == "ees_progression" and data.stage == "16-18 study"
    school = data.school("990101")
    assert school.headline == "Progressed to higher education or training"
    assert (school.cohort.value, school.sustained.value) == (140, 61)
    assert school.split["higher_education"].value == 48
    assert school.split["higher_technical"].label == "below 0.5% [~]"
    assert school.split["apprenticeship"].code == "c"
    assert school.school.disadvantaged is not None
    assert school.school.disadvantaged.sustained.value == 45
    assert school.year_label == "left 16-18 study in 2021/22, destination in 2022/23"
    frame = school.to_frame()
    assert frame.loc["Progressed to higher education or training"].iloc[0] == "61%"
    assert "Higher technical (level 4 or 5)" in frame.index
