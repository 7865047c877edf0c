"""Evidence uploaded on the impact page: checked at once, kept beside the earlier files under
a new name, and its section drawn again; a wrong file is refused in one line and nothing is
kept. Then the same in Chromium on the served page, with a 30 MB destinations file and one
above the limit."""

from __future__ import annotations

import csv
import re
from datetime import UTC, datetime
from html import unescape
from pathlib import Path

import pytest
from voila.app import Voila

from careers_review.app import impact_evaluation
from careers_review.app.voila_server import TEMPLATE
from careers_review.errors import InputError
from careers_review.evidence.destinations import england_la_names, load_la_names
from careers_review.evidence.gather import EvidenceFiles, discover_evidence
from careers_review.evidence.uploads import UPLOAD_LIMIT, save_upload
from careers_review.serve import WEBSOCKET_LIMIT, ServeOptions, voila_argv
from careers_review.workspace import EVIDENCE_FOLDER, READ_ONLY_ENV

from .conftest import SAMPLE, need_shared, open_step

EVIDENCE = SAMPLE / "evidence"
LEARNER = EVIDENCE / "learner_survey_2026-27.csv"
EARLIER = EVIDENCE / "learner_survey_2025-26.csv"
KS5 = EVIDENCE / "ks5_destinations_sample.csv"
SCHOOL = "oakfield-academy"
#: Words of the notebook's parameters and of the server's folders, never on a served page.
NOT_ON_THE_PAGE = (
    "destinations_file",
    "encounters_file",
    "previous_learner_survey",
    "set learner_survey",
    "parameter",
    "sample_data",
    "README",
    "&lt;school id&gt;",
    "<school id>",
    "local authority 891",
    "workbook (03)",
)


def _upload(name: str, content: bytes) -> tuple[dict, ...]:
    """What the front end sets as a FileUpload's value when a file is chosen."""
    return (
        {
            "name": name,
            "type": "text/csv",
            "size": len(content),
            "content": memoryview(content),
            "last_modified": datetime(2026, 12, 2, 10, 42, tzinfo=UTC),
        },
    )


def _bad_survey() -> bytes:
    """The sample survey with 'Y9x' as the year group of its fourth row (the header is 1)."""
    lines = LEARNER.read_text(encoding="utf-8").splitlines()
    fields = lines[3].split(",")
    fields[1] = "Y9x"
    return "\n".join([*lines[:3], ",".join(fields), *lines[4:]]).encode("utf-8")


def _page(data_dir: Path, school: str = SCHOOL):
    """The served workbook 04 as its cells build it: the page and its reading steps."""
    page = impact_evaluation(school, str(data_dir))
    steps = {
        "destinations": page.destinations(),
        "learner": page.learner_survey(),
        "collect": page.collect(),
        "act": page.act(),
    }
    return page, steps


def _text(page, steps) -> str:
    """What the page shows: every step's summary and body, the upload buttons' lines."""
    parts = [page.roadmap.value, page.step_list.value]
    for step in steps.values():
        parts.append(step.summary.value)
        step.expand()
        stack = list(step.body.children)
        while stack:
            widget = stack.pop()
            stack.extend(getattr(widget, "children", ()))
            parts.append(str(getattr(widget, "value", "") if hasattr(widget, "value") else ""))
            parts.append(str(getattr(widget, "description", "")))
    return unescape("\n".join(p for p in parts if isinstance(p, str)))


def test_a_good_survey_is_kept_under_a_new_name_and_its_section_drawn_again(data_dir):
    page, steps = _page(data_dir)
    learner = steps["learner"]
    learner.expand()  # no survey yet: the step starts closed, and its button is inside it
    assert "No file yet: its upload button is in this step" in learner.summary.value
    shown = learner.body.children[0].children[0]
    assert "No learner survey yet" in shown.value
    button = page.app.uploads["learner"].button
    assert button.accept == ".csv,text/csv" and "Upload a learner survey" in button.description

    button.value = _upload("learner_survey.csv", LEARNER.read_bytes())

    folder = data_dir / EVIDENCE_FOLDER / SCHOOL
    kept = sorted(folder.iterdir())
    assert len(kept) == 1 and kept[0].read_bytes() == LEARNER.read_bytes()
    assert re.fullmatch(r"learner_survey_2026-27_\d{4}-\d\d-\d\d_\d{4}\.csv", kept[0].name)
    message = unescape(page.app.uploads["learner"].message.value)
    assert "Kept learner_survey.csv (267 learners, 2026/27)" in message
    assert "the learner survey below now shows it" in message
    assert "I have talked to someone from a business or employer" in unescape(shown.value)
    assert "8 statements answered" in learner.summary.value
    assert "1 of 5 evidence files read" in steps["collect"].summary.value
    assert "1 of 5 evidence files" in unescape(page.roadmap.value)
    assert button.value == ()  # the same file may be chosen again

    # An earlier year's survey is kept beside it and becomes the one the change is against.
    button.value = _upload("survey last year.csv", EARLIER.read_bytes())
    assert len(list(folder.iterdir())) == 2 and kept[0].read_bytes() == LEARNER.read_bytes()
    message = unescape(page.app.uploads["learner"].message.value)
    assert "Kept survey last year.csv (264 learners, 2025/26)" in message
    assert "the earlier survey the change is measured against" in message
    assert "Change (points)" in shown.value and "(fall)" in shown.value

    # A step opened only now is drawn from the new evidence too.
    assert "Learners agreeing" not in page.app.section("parent").to_html()
    assert page.app.section("learner").frame.shape[0] == 8


def test_a_wrong_file_is_refused_in_one_line_and_nothing_is_kept(data_dir):
    page, steps = _page(data_dir)
    steps["learner"].expand()
    shown = steps["learner"].body.children[0].children[0]
    before = shown.value
    upload = page.app.uploads["learner"]

    upload.button.value = _upload("learner_survey.csv", _bad_survey())

    line = unescape(upload.message.value)
    assert "Not kept: learner_survey.csv: row 4: year_group: 'Y9x' is not a year group" in line
    assert "role='alert'" in upload.message.value and line.count("\n") == 0
    assert str(data_dir) not in line and "upload.csv" not in line
    folder = data_dir / EVIDENCE_FOLDER / SCHOOL
    assert list(folder.iterdir()) == []  # not the file, not the folder it was checked in
    assert shown.value == before

    # A destinations file that is not one, and a name with a folder in it.
    page.app.uploads["destinations"].button.value = _upload("results.csv", b"a,b\n1,2\n")
    assert (
        "results.csv: not a DfE destinations file" in page.app.uploads["destinations"].message.value
    )
    ok, line = page.app.take("learner", "../../learner_survey.csv", LEARNER.read_bytes())
    assert not ok and "not a plain file name" in line
    assert list(folder.iterdir()) == []


def test_uploads_never_overwrite_and_the_newest_is_shown(tmp_path):
    folder = tmp_path / "evidence"
    moment = datetime(2026, 12, 2, 10, 42)
    first = save_upload(folder, "learner", "a.csv", LEARNER.read_bytes(), now=moment)
    second = save_upload(folder, "learner", "b.csv", LEARNER.read_bytes(), now=moment)
    assert first.path.name == "learner_survey_2026-27_2026-12-02_1042.csv"
    assert second.path.name == "learner_survey_2026-27_2026-12-02_1042-2.csv"
    assert first.path.read_bytes() == LEARNER.read_bytes()
    # A file put there by hand, older uploads and an earlier year: the newest wins by year,
    # then by upload time.
    (folder / "learner_survey_2026-27.csv").write_bytes(LEARNER.read_bytes())
    (folder / "learner_survey_2025-26.csv").write_bytes(EARLIER.read_bytes())
    found = discover_evidence(folder, EvidenceFiles())
    assert Path(found.learner_survey) == second.path
    assert Path(found.previous_learner_survey).name == "learner_survey_2025-26.csv"
    upload = save_upload(folder, "destinations", "ks5.csv", KS5.read_bytes(), now=moment)
    (folder / "ks5_destinations_sample.csv").write_bytes(KS5.read_bytes())
    assert Path(discover_evidence(folder, EvidenceFiles()).destinations) == upload.path
    with pytest.raises(InputError, match=r"^big.csv: 40 MB is larger than the 40 MB"):
        save_upload(folder, "destinations", "big.csv", b"x" * (UPLOAD_LIMIT + 1))
    assert len(list(folder.iterdir())) == 6  # nothing of the refused one


def test_the_page_speaks_to_the_team(data_dir):
    page, steps = _page(data_dir)
    text = _text(page, steps)
    for words in NOT_ON_THE_PAGE:
        assert words not in text, words
    assert str(data_dir) not in text
    assert text.count("Upload it with the button below") == 2  # destinations and learners
    assert "CSV files up to 40 MB" in text

    # The 16-18 sample names its LA only by code: the page names it.
    page.app.take("destinations", "ks5.csv", KS5.read_bytes())
    text = _text(page, steps)
    assert "Nottinghamshire: 90%" in text and "891" not in text
    assert england_la_names()["891"] == "Nottinghamshire" and len(england_la_names()) >= 151
    for words in NOT_ON_THE_PAGE:
        assert words not in text, words


def test_the_package_names_every_local_authority_of_the_dfe_files():
    names = england_la_names()
    meta = load_la_names(need_shared("data/dfe/la_and_region_codes_meta.csv"))
    assert {code: names[code] for code in meta} == meta
    with need_shared("data/dfe/england_ks4-pupdest.csv").open(encoding="utf-8-sig") as handle:
        codes = {row["LEA"] for row in csv.DictReader(handle) if row["LEA"].strip()}
    assert codes <= set(names), sorted(codes - set(names))


def test_a_read_only_page_takes_no_file(data_dir, monkeypatch):
    monkeypatch.setenv(READ_ONLY_ENV, "1")
    page, _ = _page(data_dir)
    upload = page.app.uploads["learner"]
    assert upload.button.disabled and "read-only" in upload.note.value
    assert page.app.take("learner", "learner_survey.csv", LEARNER.read_bytes())[0] is False
    assert not (data_dir / EVIDENCE_FOLDER).exists()


@pytest.mark.filterwarnings("ignore:--tornado_settings=:DeprecationWarning")
def test_the_server_takes_a_message_as_large_as_the_largest_upload(tmp_path):
    argv = voila_argv(tmp_path, ServeOptions())
    setting = next(a for a in argv if a.startswith("--Voila.tornado_settings="))
    voila = Voila()
    voila.parse_command_line([setting])
    assert voila.tornado_settings["websocket_max_message_size"] == WEBSOCKET_LIMIT
    assert WEBSOCKET_LIMIT >= UPLOAD_LIMIT + 1024 * 1024
    # The page's script stops a file above the same limit before it is sent.
    script = (TEMPLATE / "careers.js").read_text(encoding="utf-8")
    assert f"var LIMIT = {UPLOAD_LIMIT // (1024 * 1024)} * 1024 * 1024;" in script
    assert "eval(" not in script and "innerHTML" not in script


# ------------------------------------------------------------------------------------------
# In Chromium, on the served page

BROWSER_SCHOOL = "riverside-meadows-school"  # no other browser test opens its impact page
BROWSER_URN = "990107"


def big_destinations(path: Path, size: int = 30 * 1024 * 1024) -> Path:
    """A 16-18 destinations file of `size` bytes with the school in it: the sample's rows, the
    school's, and made-up schools with a long notes column (extra columns are ignored)."""
    lines = KS5.read_text(encoding="utf-8-sig").splitlines()
    header, rows = lines[0], lines[1:]
    model = next(row for row in rows if row.split(",")[3] == "990101").split(",")
    school = [*model[:3], BROWSER_URN, "Riverside Meadows School", *model[5:]]
    out = [header + ",notes", ",".join(school) + ","]
    out += [row + "," for row in rows if not row.startswith("1,")]
    pad, number = "x" * 100_000, 0
    while sum(len(line) + 1 for line in out) < size:
        made_up = [*model[:3], str(970000 + number), f"School {number}", *model[5:]]
        out.append(",".join(made_up) + "," + pad)
        number += 1
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def _choose(page, button, path: Path) -> None:
    with page.expect_file_chooser() as chooser:
        button.click()
    chooser.value.set_files(str(path))


@pytest.mark.slow
@pytest.mark.browser
def test_uploads_on_the_served_page(voila_server, browser, tmp_path, session_data_dir):
    good = tmp_path / "learner_survey.csv"
    good.write_bytes(LEARNER.read_bytes())
    bad = tmp_path / "learners_wrong.csv"
    bad.write_bytes(_bad_survey())
    big = big_destinations(tmp_path / "destinations_england.csv")
    too_big = tmp_path / "too_big.csv"
    with too_big.open("wb") as handle:
        handle.truncate(UPLOAD_LIMIT + 1024 * 1024)
    folder = session_data_dir / EVIDENCE_FOLDER / BROWSER_SCHOOL

    page = browser.new_page(viewport={"width": 1280, "height": 720})
    try:
        page.goto(f"{voila_server}/voila/render/04_impact_evaluation.ipynb?school={BROWSER_SCHOOL}")
        learner = open_step(page, "Learner survey", timeout=90_000)
        message = learner.locator(".cr-upload-message")
        button = learner.locator(".cr-upload-learner")
        assert "No learner survey yet" in learner.inner_text()
        assert button.inner_text().strip() == "Upload a learner survey"  # no file count

        _choose(page, button, good)
        message.get_by_text("Kept learner_survey.csv").wait_for(timeout=60_000)
        learner.get_by_text("I have talked to someone from a business").first.wait_for()
        assert "8 statements answered" in learner.locator(".cr-step-line").inner_text()
        assert button.inner_text().strip() == "Upload a learner survey"

        _choose(page, button, bad)
        refused = message.get_by_text("learners_wrong.csv: row 4: year_group: 'Y9x'")
        refused.wait_for(timeout=60_000)
        assert len(list(folder.glob("learner_survey_*.csv"))) == 1

        destinations = open_step(page, "Destinations")
        upload = destinations.locator(".cr-upload-destinations")
        _choose(page, upload, too_big)
        warning = destinations.locator(".cr-upload-too-big")
        warning.get_by_text("larger than the 40 MB an upload takes").wait_for(timeout=10_000)
        message = destinations.locator(".cr-upload-box-destinations .cr-upload-message")
        assert message.inner_text().strip() == ""

        _choose(page, upload, big)
        kept = message.get_by_text("Kept destinations_england")
        kept.wait_for(timeout=120_000)
        assert not warning.is_visible()
        text = destinations.inner_text()
        assert "Riverside Meadows School (URN 990107)" in text and "Nottinghamshire" in text
        [saved] = folder.glob("destinations_*.csv")
        assert saved.stat().st_size == big.stat().st_size
        body = page.locator("body").inner_text()
        for words in NOT_ON_THE_PAGE:
            assert words not in body, words
    finally:
        page.close()
