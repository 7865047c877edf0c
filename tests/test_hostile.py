"""Hostile text everywhere a user can type it: markup, script, template syntax, spreadsheet
formulas, a 100 kB note, right-to-left text and emoji. Inert in the governor report (HTML and
PDF), the plan (Excel and Word), the hub summary and the Voilà app in a real browser; intact
after an export and import."""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from html import unescape
from html.parser import HTMLParser
from io import BytesIO
from itertools import cycle
from pathlib import Path

import pytest

from careers_review import (
    KPI,
    Action,
    Contact,
    Milestone,
    Participant,
    Plan,
    Priority,
    Review,
    School,
    Store,
    ThemeRating,
    academic_year_for,
    default_framework,
    dump_json,
    export_review,
    import_paths,
    review_id_for,
)
from careers_review.model import MAX_TEXT, DutyCheck, Foundations, ResponsibilityCheck

from .conftest import open_every_step

FW = default_framework()

SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=1">'
SVG = '"><svg onload=window.__pwned=1>'
TEMPLATE = "{{ 7*7 }} and {% raw %} and ${7*7} and {{ '{' }}"
HYPERLINK = '=HYPERLINK("http://evil","click")'
PLUS = "+1+1"
MINUS = "-2"
AT = "@SUM(A1)"
RTL = "مدرسة النور \u202eשלום עולם\u202c end"
EMOJI = "Careers fair 🎓 with 👩🏽‍🔧 and 👨‍👩‍👧‍👦 under 🏳️‍🌈"
PUNCT = "Quotes ' \" & &amp; &lt; back\\slash \\n C:\\path $5 and $x^2$ and `tick`"
SHORT = [SCRIPT, IMG, SVG, TEMPLATE, HYPERLINK, PLUS, MINUS, AT, RTL, EMOJI, PUNCT]
FORMULAS = [HYPERLINK, PLUS, MINUS, AT]
MIXED = "\n".join(SHORT)
# Nearly as long as a text field may be, of every kind above, whole lines one after another,
# starting like a formula.
LONG = (
    "=" + "".join(f"Line {i}: {SHORT[i % len(SHORT)]} and more evidence.\n" for i in range(3000))
)[:MAX_TEXT]
LONG = LONG[: LONG.rindex("\n") + 1]
NAME = f"{HYPERLINK} {SVG}{SCRIPT} {{{{ 7*7 }}}} & \\ $5 or $6 👩🏽‍🔧 مدرسة \u202eשלום"
# The served school's name is on every start page, where other tests look for each school's
# name in the page's JSON decoding only \uXXXX escapes: so no double quote, backslash or emoji
# in it. The school's other fields hold those; here single quotes try the app's attributes.
SERVED_NAME = (
    "=HYPERLINK(1) '><svg onload=window.__pwned=1>"
    + SCRIPT
    + " {{ 7*7 }} & $5 or $6 مدرسة \u202eשלום"
)

SCHOOL_ID = "hostile-text-academy"  # its own id: other tests share the session's store
YEAR = academic_year_for(date.today())  # the year the app opens
REVIEW_ID = review_id_for(SCHOOL_ID, YEAR)


def _school(name: str = NAME) -> School:
    return School(
        id=SCHOOL_ID,
        name=name,
        school_type=AT,
        age_range="11-18",
        sixth_form=True,
        local_authority=EMOJI,
        headteacher=IMG,
        careers_leader=Contact(name=SVG, email=PUNCT, phone=PLUS),
        link_governor=TEMPLATE,
        slt_link=RTL,
        website=HYPERLINK,
    )


def _review() -> Review:
    """The hostile review, the same each call (new list items get random ids when built)."""
    return _built_review().model_copy(deep=True)


@cache
def _built_review() -> Review:
    text = cycle(SHORT)
    roles = cycle(role.id for role in FW.key_roles)
    themes = FW.themes
    ratings = {
        theme.id: ThemeRating(
            level=1 + index % len(FW.levels),
            evidence=LONG if index == 0 else next(text),
            notes=MIXED,
            focus="strength" if index % 2 else "priority",
        )
        for index, theme in enumerate(themes)
    }
    foundations = Foundations(
        responsibilities={
            item.id: ResponsibilityCheck(status="partly", note=LONG if index == 0 else next(text))
            for index, item in enumerate(FW.careers_leader_responsibilities)
        },
        role_holders={role.id: next(text) for role in FW.key_roles},
        senior_line_manager=SCRIPT,
        duties={duty.id: DutyCheck(status="not_sure", note=MIXED) for duty in FW.statutory.duties},
    )
    priorities = []
    for number, link in enumerate(["theme:leaders_vision", "benchmark:5", ""], start=1):
        priorities.append(
            Priority(
                id=f"p{number}",
                title=next(text),
                link=link,
                objectives=list(SHORT),
                actions=[
                    Action(
                        id=f"p{number}-a{i}",
                        what=LONG if number == 1 and i == 1 else next(text),
                        owner=next(text),
                        success_measure=LONG if number == 2 and i == 1 else next(text),
                        due_date=date(2027, 3, i),
                        status="in_progress",
                    )
                    for i in range(1, 5)
                ],
                milestones=[Milestone(what=next(text), due_date=date(2027, 6, 1)) for _ in "ab"],
                kpis=[KPI(name=next(text), unit=next(text), baseline=1, target=2) for _ in "ab"],
            )
        )
    # Every short string also starts a title, an owner and a KPI name somewhere.
    priorities.append(
        Priority(
            id="every",
            title=PUNCT,
            objectives=list(SHORT),
            actions=[
                Action(id=f"every-{i}", what=s, owner=s, success_measure=s)
                for i, s in enumerate(SHORT)
            ],
            milestones=[Milestone(what=s) for s in [*SHORT, LONG]],
            kpis=[KPI(name=s, unit=s, current=3) for s in SHORT],
        )
    )
    return Review(
        id=REVIEW_ID,
        school_id=SCHOOL_ID,
        academic_year=YEAR,
        review_date=date.today(),
        framework_id=FW.id,
        participants=[Participant(name=s, role=next(roles)) for s in [*SHORT, NAME]],
        ratings=ratings,
        foundations=foundations,
        gatsby={c.id: "achieved" for c in FW.benchmarks[0].criteria},
        plan=Plan(
            vision=HYPERLINK,
            intent=LONG,
            priorities=priorities,
            learning_outcomes={
                str(year): [*SHORT, LONG] if year == 13 else list(SHORT) for year in range(7, 14)
            },
        ),
    )


def _strings(value: object) -> list[str]:
    """Every string in a JSON-like document."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


_VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "wbr",
}


class _Markup(HTMLParser):
    """What a browser would build from the HTML: its elements and attributes, its text, and
    the text holding a '$' that MathJax (in JupyterLab or Voilà) would not be told to skip."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.parts: list[str] = []
        self.maths: list[str] = []
        self._open: list[tuple[str, list[str]]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in _VOID:
            self._open.append((tag, (dict(attrs).get("class") or "").split()))

    def handle_endtag(self, tag: str) -> None:
        if any(name == tag for name, _ in self._open):  # else a stray end tag: ignored
            while self._open.pop()[0] != tag:
                pass

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        inside = [tag for tag, _ in self._open]
        ignored = any("mathjax_ignore" in classes for _, classes in self._open)
        if "$" in data and not ignored and "style" not in inside:
            self.maths.append(data)

    @property
    def text(self) -> str:
        return "".join(self.parts)


def assert_inert(html: str) -> str:
    """No element or handler came from typed text, and no '$' is left for MathJax to turn
    into a formula; returns the text a reader sees."""
    markup = _Markup(html)
    names = {tag for tag, _ in markup.tags}
    assert not names & {"script", "svg", "iframe", "object", "embed"}, names
    for tag, attrs in markup.tags:
        handlers = [a for a in attrs if a.startswith("on")]
        assert not handlers, (tag, attrs)
        assert attrs.get("src") != "x", (tag, attrs)
        assert not any("__pwned" in (v or "") for v in attrs.values()), (tag, attrs)
    assert markup.maths == []
    return markup.text


_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufe0f]")


def squash(text: str) -> str:
    """Text without whitespace (a PDF wraps long lines wherever it may) and without the
    invisible format characters (zero-width joiner, variation selector, bidi controls) that
    shape how text is drawn but are not drawn themselves."""
    return "".join(_INVISIBLE.sub("", text).split())


def _pdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.generic import NameObject

    reader = PdfReader(BytesIO(pdf))
    pages = []
    for page in reader.pages:
        # A glyph no installed font has (an emoji here) is drawn as .notdef through a CMap
        # stream that pypdf cannot read; the codes are glyph ids all the same, and the
        # ToUnicode map still carries the typed characters.
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            if font.get("/Subtype") == "/Type0" and not isinstance(
                font["/Encoding"].get_object(), str
            ):
                font[NameObject("/Encoding")] = NameObject("/Identity-H")
        pages.append(page.extract_text())
    return "\n".join(pages)


_ACTION_KEYS = {"/JS", "/JavaScript", "/OpenAction", "/AA", "/Launch", "/SubmitForm"}


def _pdf_actions(pdf: bytes) -> tuple[list[str], list[str]]:
    """Scripts and actions anywhere in the PDF's object graph, and the links' addresses."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    actions: list[str] = []
    links: list[str] = []
    seen: set[tuple[int, int]] = set()
    todo: list[object] = [PdfReader(BytesIO(pdf)).trailer]
    while todo:
        item = todo.pop()
        if isinstance(item, IndirectObject):
            if (item.idnum, item.generation) in seen:
                continue
            seen.add((item.idnum, item.generation))
            item = item.get_object()
        if isinstance(item, DictionaryObject):
            actions += [key for key in item if key in _ACTION_KEYS]
            if item.get("/S") in {"/JavaScript", "/Launch"}:
                actions.append(item["/S"])
            if "/URI" in item:
                links.append(str(item["/URI"]))
            todo += [value for key, value in item.items() if key != "/Parent"]
        elif isinstance(item, ArrayObject):
            todo += list(item)
    return actions, links


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile") / "data"
    with Store(folder) as store:
        store.save(_school())
        store.save(_review())
    return folder


@pytest.fixture(scope="module")
def report(hostile_dir: Path) -> dict[str, object]:
    """The governor report built once, as HTML and as the PDF printed from that HTML."""
    from careers_review.report import html_to_pdf, render_report

    html = render_report(hostile_dir, REVIEW_ID).decode("utf-8")
    pdf = html_to_pdf(html)
    return {"html": html, "pdf": pdf, "pdf_text": _pdf_text(pdf)}


# --- round trip -------------------------------------------------------------------------------


def test_json_round_trip_keeps_every_character(hostile_dir, tmp_path):
    with Store(hostile_dir) as store:
        school, review = store.school(SCHOOL_ID), store.review(REVIEW_ID)
        review_file = export_review(store, REVIEW_ID, tmp_path / "review.json")
    assert review == _review() and school == _school()  # the store changed nothing
    school_file = tmp_path / "school.json"
    school_file.write_text(dump_json(school), encoding="utf-8")
    fresh = tmp_path / "fresh"
    import_paths(fresh, [school_file, review_file], FW)
    with Store(fresh) as store:
        back_school, back_review = store.school(SCHOOL_ID), store.review(REVIEW_ID)
    assert back_school == school and back_review == review
    assert dump_json(back_review) == review_file.read_text(encoding="utf-8")
    strings = _strings(back_review.model_dump(mode="json"))
    strings += _strings(back_school.model_dump(mode="json"))
    for typed in [*SHORT, MIXED, NAME]:
        assert typed in strings, typed
    assert strings.count(LONG) == 7 and len(LONG) > MAX_TEXT - 100


# --- governor report --------------------------------------------------------------------------


def test_report_html_shows_hostile_text_as_text(report):
    html = report["html"]
    assert "<script" not in html.lower()
    text = assert_inert(html)
    for typed in [*SHORT, NAME]:
        assert typed in text, typed
    assert "{{ 7*7 }}" in text and "${7*7}" in text  # shown, never evaluated
    assert squash(LONG) in squash(text)
    heading = re.search(r"<h1 class=[\"']cr-report-school[\"']>(.*?)</h1>", html)
    assert heading and unescape(heading[1]) == NAME


def test_report_pdf_holds_hostile_text_and_no_script(report):
    pdf = report["pdf"]
    assert b"/JavaScript" not in pdf
    actions, links = _pdf_actions(pdf)
    assert actions == [] and not [link for link in links if "evil" in link or link == "x"]
    text = squash(report["pdf_text"])
    for typed in [*SHORT, NAME]:
        assert squash(typed) in text, typed
    assert "{{7*7}}" in text and "${7*7}" in text
    # The running head (school, date, page number) on each page breaks a note that runs
    # over many pages: without it the evidence paragraph reads whole. The note in the actions
    # table is drawn cell by cell, page by page, so there its start and end are checked.
    head = re.escape(squash(NAME)) + r"Academicyear\d{4}/\d{2}·reviewheldon\d+\w+\d{4}Page\d+of\d+"
    body = re.sub(head, "", text)
    long = squash(LONG)
    assert body.count(long) >= 1
    assert body.count(long[:200]) == 2 and body.count(long[-200:]) == 2


# --- plan as Excel and Word -------------------------------------------------------------------

_PART = re.compile(r"^Part (\d+) of (\d+)\.")


def _sheet_texts(ws) -> list[str]:
    """Each text a sheet holds, a long one joined again from its parts in the rows below."""
    texts, parts = [], {}
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if not isinstance(cell.value, str):
                continue
            value = re.sub(r"_x([0-9A-F]{4})_", lambda m: chr(int(m[1], 16)), cell.value)
            note = _PART.match(cell.comment.text) if cell.comment else None
            if note is None:
                texts.append(value)
                continue
            parts.setdefault(cell.column, []).append(value)
            if note[1] == note[2]:
                texts.append("".join(parts.pop(cell.column)))
    assert not parts, f"{ws.title}: a long text's last part is missing"
    return texts


def test_excel_plan_keeps_formulas_as_text(hostile_dir):
    import openpyxl

    from careers_review.exports import EXCEL_CELL_LIMIT, plan_workbook

    with Store(hostile_dir) as store:
        review, school = store.review(REVIEW_ID), store.school(SCHOOL_ID)
    book = openpyxl.load_workbook(BytesIO(plan_workbook(review, school, FW)))
    texts = []
    for ws in book:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", f"{ws.title}!{cell.coordinate}"
                    assert len(cell.value.encode("utf-16-le")) // 2 <= EXCEL_CELL_LIMIT
                    if re.match(r"\s*[=+\-@]", cell.value):
                        assert cell.quotePrefix, f"{ws.title}!{cell.coordinate}"
        texts += _sheet_texts(ws)
    overview = {row[0].value: row[1].value for row in book["Overview"].iter_rows(min_row=2)}
    assert overview["School"] == NAME and overview["Vision"] == HYPERLINK
    for typed in [*SHORT, NAME, LONG]:
        assert typed in texts, typed[:40]
    for formula in FORMULAS:
        assert texts.count(formula) >= 5, formula
    assert texts.count(LONG) == 5  # intent, action, success measure, milestone, outcome


def test_word_plan_keeps_text_intact(hostile_dir):
    from docx import Document

    from careers_review.exports import plan_document

    with Store(hostile_dir) as store:
        review, school = store.review(REVIEW_ID), store.school(SCHOOL_ID)
    doc = Document(BytesIO(plan_document(review, school, FW)))
    parts = [p.text for p in doc.paragraphs]
    parts += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    text = "\n".join(parts)
    assert doc.paragraphs[0].text == NAME
    for typed in [*SHORT, NAME, LONG]:
        assert typed in text, typed[:40]
    assert text.count(LONG) == 5  # intent, action, success measure, milestone, outcome
    assert NAME in doc.sections[0].footer.paragraphs[0].text


# --- hub summary ------------------------------------------------------------------------------


def test_hub_summary_escapes_the_school_name(hostile_dir):
    from careers_review.hub import load_hub
    from careers_review.hub_sections import hub_sections

    with Store(hostile_dir) as store:
        hub = load_hub(store, FW)
    sections = hub_sections(hub)
    html = "".join(section.html for section in sections)
    assert "<script" not in html.lower()
    text = assert_inert(html)
    assert text.count(NAME) >= 2  # the priorities and the benchmarks tables
    assert all(chart.png.startswith(b"\x89PNG") for s in sections for chart in s.charts)


# --- the Voilà app in Chromium ----------------------------------------------------------------


@pytest.fixture(scope="module")
def served(session_data_dir: Path, voila_server: str) -> str:
    """The hostile school in the store the running server reads on every page load."""
    with Store(session_data_dir) as store:
        store.save(_school(SERVED_NAME), author="test_hostile")
        store.save(_review(), author="test_hostile")
    return voila_server


def _open(page, url: str) -> None:
    """Open a page once its app is drawn; the heading shows the school's name as typed. Every
    step is then opened, as by a reader going through all of it."""
    page.goto(url)
    page.locator(".cr-save-status").first.wait_for(timeout=60_000)
    heading = page.locator("h1.cr-school-name")
    heading.wait_for(timeout=30_000)
    assert heading.inner_text() == SERVED_NAME
    open_every_step(page)


_PLANTED = "[onload*='__pwned'], [onerror*='__pwned'], img[src='x']"


def _assert_nothing_ran(page) -> None:
    """No payload ran, and none became an element waiting to run."""
    assert page.evaluate("window.__pwned") is None
    assert page.locator(_PLANTED).count() == 0
    scripts = page.evaluate("[...document.scripts].map(s => s.text)")
    assert not [text for text in scripts if "__pwned" in text]


@pytest.mark.slow
@pytest.mark.browser
def test_voila_pages_show_hostile_text_without_running_it(served, session_data_dir, browser):
    dialogs: list[str] = []
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    pages = f"{served}/voila/render/{{}}.ipynb?school={SCHOOL_ID}"
    review = _review()
    try:
        # Start page: the name in the heading and the profile form.
        _open(page, f"{served}/?school={SCHOOL_ID}")
        _assert_nothing_ran(page)
        for label, typed in [
            ("School name", SERVED_NAME),
            ("Headteacher", IMG),
            ("Careers Leader", SVG),
            ("Link governor", TEMPLATE),
            ("Senior leader for careers", RTL),
            ("Local authority", EMOJI),
            ("Careers Leader email", PUNCT),
            ("Website", HYPERLINK),
        ]:
            assert page.get_by_label(label, exact=True).input_value() == typed, label
        schools = page.locator("table.cr-school-list")
        listed = schools.get_by_role("link", name=SERVED_NAME, exact=True)
        assert listed.inner_text() == SERVED_NAME

        # Internal review: who took part, and each theme's evidence and notes.
        _open(page, pages.format("02_internal_review"))
        names = page.get_by_label("Name", exact=True)
        assert [names.nth(i).input_value() for i in range(names.count())] == [
            p.name for p in review.participants
        ]
        for theme in FW.themes:
            page.get_by_role("button", name=f"{theme.name}: ").click()
            panel = page.locator(f".cr-theme-{theme.id}")
            panel.wait_for(state="visible", timeout=30_000)
            rating = review.rating(theme.id)
            assert panel.get_by_label("Evidence").input_value() == rating.evidence
            assert panel.get_by_label("Notes").input_value() == MIXED
        _assert_nothing_ran(page)
        planned = page.locator(".cr-summary p.cr-muted").inner_text()
        assert planned == "Plan priorities so far: " + "; ".join(
            p.title for p in review.plan.priorities
        )

        # Strategic plan: vision, intent, priorities and learning outcomes.
        _open(page, pages.format("03_strategic_plan"))
        plan = review.plan
        assert page.get_by_label("Vision", exact=True).input_value() == HYPERLINK
        assert page.get_by_label("Intent", exact=True).input_value() == LONG
        # Each priority has a box in each step of the plan: its objectives, its actions, and
        # its milestones and KPIs, every one under the priority's title.
        steps = {
            part: page.locator(f".cr-priority.cr-priority-{part}")
            for part in ("objectives", "actions", "measures")
        }
        for boxes in steps.values():
            boxes.nth(len(plan.priorities) - 1).wait_for(timeout=30_000)
            assert boxes.count() == len(plan.priorities)
        for index, priority in enumerate(plan.priorities):
            box = steps["objectives"].nth(index)
            assert box.get_by_label("Priority", exact=True).input_value() == priority.title
            objectives = box.get_by_label("Objectives", exact=True).input_value()
            assert objectives == "\n".join(o.text for o in priority.objectives)
            for part in ("actions", "measures"):
                heading = steps[part].nth(index).locator("h3")
                assert heading.inner_text() == priority.title, (priority.id, part)
            for part, label, typed in [
                ("actions", "Action", [a.what for a in priority.actions]),
                ("actions", "Owner", [a.owner for a in priority.actions]),
                ("actions", "Success measure", [a.success_measure for a in priority.actions]),
                ("measures", "Milestone", [m.what for m in priority.milestones]),
                ("measures", "KPI", [k.name for k in priority.kpis]),
                ("measures", "Unit", [k.unit for k in priority.kpis]),
            ]:
                boxes = steps[part].nth(index).get_by_label(label, exact=True)
                shown = [boxes.nth(i).input_value() for i in range(boxes.count())]
                assert shown == typed, (priority.id, label)
        year13 = page.get_by_label("Year 13", exact=True).input_value()
        assert year13 == "\n".join(o.text for o in plan.learning_outcomes["13"])
        _assert_nothing_ran(page)

        # Leadership foundations: notes, role holders and the statutory evidence.
        _open(page, pages.format("01_leadership_foundations"))
        found = review.foundations
        assert page.get_by_label("Senior line manager").input_value() == SCRIPT
        notes = page.get_by_label("Note", exact=True)
        assert [notes.nth(i).input_value() for i in range(notes.count())] == [
            c.note for c in found.responsibilities.values()
        ]
        for role in FW.key_roles:
            holder = page.get_by_label(role.name, exact=True)
            assert holder.input_value() == found.role_holders[role.id], role.name
        evidence = page.get_by_label("Evidence", exact=True)
        assert evidence.count() == len(FW.statutory.duties)
        assert all(evidence.nth(i).input_value() == MIXED for i in range(evidence.count()))
        _assert_nothing_ran(page)

        # Impact evaluation: the plan's KPIs in its tables, as text.
        _open(page, pages.format("04_impact_evaluation"))
        table = page.locator("table.cr-kpi-table")
        table.wait_for(timeout=60_000)
        cells = table.locator("td").all_inner_texts()
        assert cells[1::6] == [k.name for p in plan.priorities for k in p.kpis]
        _assert_nothing_ran(page)
    finally:
        page.close()
    assert dialogs == []
    with Store(session_data_dir) as store:  # opening the pages changed nothing
        assert store.review(REVIEW_ID) == review and store.school(SCHOOL_ID) == _school(SERVED_NAME)
