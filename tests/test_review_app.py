"""The review app without a browser: set widget values, click buttons, check the store."""

from __future__ import annotations

import re
import sqlite3
import time
from datetime import date
from html import unescape

import pytest

from careers_review import Store, default_framework
from careers_review.app import review_app
from careers_review.app.review import ReviewApp
from careers_review.app.session import ReviewSession
from careers_review.errors import UnknownReviewError
from careers_review.store import DB_NAME

FW = default_framework()
TODAY = date(2026, 11, 23)
THEMES = [t.id for t in FW.themes]


def _app(store: Store, school_id: str = "oakfield-academy", **options) -> ReviewApp:
    options.setdefault("autosave_delay", 0)
    return ReviewApp(ReviewSession(store, FW, school_id, today=TODAY, **options))


def _stored(store: Store, review_id: str):
    with Store(store.data_dir) as fresh:  # a separate connection, as another process would read
        return fresh.review(review_id)


def test_opens_this_years_review_with_every_theme(store):
    app = _app(store)
    review = store.review("oakfield-academy-2026-27")
    assert [p.theme.id for p in app.panels] == THEMES
    for panel in app.panels:
        rating = review.rating(panel.theme.id)
        assert panel.level.value == rating.level
        assert panel.evidence.value == rating.evidence
        assert f"cr-theme-{panel.theme.id}" in panel.widget._dom_classes
    assert app.progress.value == 5 and "5 of 5 themes agreed" in app.progress_text.value
    assert "cr-save-status" in app.status.widget._dom_classes
    assert "cr-summary" in app.summary.widget._dom_classes


def test_every_edit_reaches_the_store(store):
    app = _app(store, "brackenridge-community-school")  # no review yet this year: a draft
    review_id = "brackenridge-community-school-2026-27"
    with pytest.raises(UnknownReviewError):  # opening it wrote nothing
        _stored(store, review_id)
    assert app.session.review.ratings == {}
    panel = app.panels[0]
    panel.level.value = 3
    assert _stored(store, review_id).rating(panel.theme.id).level == 3  # the first edit saves it
    panel.evidence.value = "Vision statement agreed by governors in July"
    panel.notes.value = "Share with middle leaders"
    panel.focus.value = "strength"
    saved = _stored(store, review_id).rating(panel.theme.id)
    assert (saved.level, saved.evidence, saved.notes, saved.focus) == (
        3,
        "Vision statement agreed by governors in July",
        "Share with middle leaders",
        "strength",
    )
    assert app.status.widget.value.startswith("Saved ")
    assert "1 of 5 themes agreed" in app.progress_text.value
    assert app.headers[0].description == f"{panel.theme.name}: 3 Established"
    assert "cr-level-selected" in panel.cards[2]._dom_classes
    panel.level.value = 0
    assert _stored(store, review_id).rating(panel.theme.id).level is None


def test_participants_editor_and_missing_attendees(store):
    app = _app(store, "brackenridge-community-school")
    opening = app.opening
    assert "Headteacher" in opening.missing.value
    opening.add.click()
    name, role, remove = opening.rows.children[-1].children
    name.value = "Ms Adaeze Okoro"
    role.value = "headteacher"
    participants = _stored(store, "brackenridge-community-school-2026-27").participants
    assert [(p.name, p.role) for p in participants] == [("Ms Adaeze Okoro", "headteacher")]
    assert "Headteacher" not in opening.missing.value
    remove.click()
    assert _stored(store, "brackenridge-community-school-2026-27").participants == []


def test_summary_chart_and_priorities_seed_the_plan(store):
    app = _app(store, "brackenridge-community-school")
    before = app.summary.chart.value
    assert "src='data:image/png;base64," in before and "alt='Maturity level per theme" in before
    for index, panel in enumerate(app.panels):
        panel.level.value = 1 + index % 4
    assert app.summary.chart.value != before
    app.panels[2].focus.value = "priority"
    app.panels[4].focus.value = "priority"
    assert FW.themes[2].name in app.summary.lists.value
    app.summary.seed.click()
    plan = _stored(store, "brackenridge-community-school-2026-27").plan
    assert [p.link for p in plan.priorities] == [f"theme:{THEMES[2]}", f"theme:{THEMES[4]}"]
    app.summary.seed.click()  # nothing added twice
    assert len(_stored(store, "brackenridge-community-school-2026-27").plan.priorities) == 2


def test_restore_an_earlier_revision_from_the_app(store):
    app = _app(store)
    panel = app.panels[1]
    original = panel.evidence.value
    panel.evidence.value = "A typo that wiped the evidence"
    app.history.refresh()
    older = [number for _, number in app.history.choice.options][1]
    app.history.choice.value = older
    app.history.restore.click()
    assert _stored(store, "oakfield-academy-2026-27").rating(panel.theme.id).evidence == original
    assert panel.evidence.value == original  # the screen shows the restored text
    assert len(store.revisions("review", "oakfield-academy-2026-27")) == older + 2


def test_two_tabs_changing_different_themes_keep_both(store):
    tab_a, tab_b = _app(store), _app(store)
    tab_a.panels[0].evidence.value = "Written in tab A"
    tab_b.panels[3].evidence.value = "Written in tab B"
    latest = _stored(store, "oakfield-academy-2026-27")
    assert latest.rating(THEMES[0]).evidence == "Written in tab A"
    assert latest.rating(THEMES[3]).evidence == "Written in tab B"
    assert tab_b.panels[0].evidence.value == "Written in tab A"  # merged in and shown


def test_resume_after_restart_shows_everything(store):
    app = _app(store, "brackenridge-community-school")
    for panel in app.panels:
        panel.level.value = 2
        panel.evidence.value = f"Evidence for {panel.theme.name} ✓"
    with Store(store.data_dir) as reopened:  # a new kernel after a refresh
        again = _app(reopened, "brackenridge-community-school")
        assert [p.level.value for p in again.panels] == [2] * 5
        assert [p.evidence.value for p in again.panels] == [
            f"Evidence for {t.name} ✓" for t in FW.themes
        ]


def test_autosave_lands_within_a_second(store):
    app = _app(store, autosave_delay=0.3)
    app.panels[0].evidence.value = "typed quickly"
    assert app.status.widget.value == "Saving…"
    deadline = time.monotonic() + 1.0
    while time.monotonic() < deadline:
        if _stored(store, "oakfield-academy-2026-27").rating(THEMES[0]).evidence == "typed quickly":
            break
        time.sleep(0.05)
    else:
        pytest.fail("the change was not in the store within a second")


def test_failed_save_says_why_and_keeps_the_text(data_dir):
    with Store(data_dir, timeout=0.1) as store:
        app = _app(store)
        holder = sqlite3.connect(data_dir / DB_NAME, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            app.panels[0].evidence.value = "Said while the store was locked"
            assert app.status.widget.value.startswith("Not saved: ")
            assert "locked by another program" in app.status.widget.value
            assert "cr-save-error" in app.status.widget._dom_classes
            assert app.panels[0].evidence.value == "Said while the store was locked"
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        app.panels[1].notes.value = "next change"
        saved = _stored(store, "oakfield-academy-2026-27")
        assert saved.rating(THEMES[0]).evidence == "Said while the store was locked"
        assert "cr-save-error" not in app.status.widget._dom_classes


def test_unknown_school_shows_the_picker_which_opens_a_school(data_dir):
    page = review_app("no-such-school", str(data_dir), autosave_delay=0)
    picker_box = page.children[0]
    assert "cr-school-picker" in picker_box._dom_classes
    assert "no school with the id 'no-such-school'" in unescape(picker_box.children[0].value)
    dropdown, button = picker_box.children[1].children
    assert len(dropdown.options) == 10
    dropdown.value = "holmewold-academy"
    button.click()
    assert page.app.session.school.id == "holmewold-academy"


def test_profile_editor_saves_fields_and_explains_bad_values(store):
    from careers_review.app.profile import ProfileEditor
    from careers_review.app.session import SchoolSession

    editor = ProfileEditor(SchoolSession(store, "holmewold-academy", autosave_delay=0), FW)
    editor.fields["careers_leader_email"].value = "careers@holmewold.example.org"
    editor.fields["sixth_form"].value = True
    editor.fields["leadership_structure"].value = "senior_leader"
    saved = Store(store.data_dir).school("holmewold-academy")
    assert saved.careers_leader.email == "careers@holmewold.example.org"
    assert saved.sixth_form and saved.leadership_structure == "senior_leader"
    assert editor.status.value.startswith("Saved ")

    editor.fields["pupils"].value = "about four hundred"
    assert "whole number" in editor.errors["pupils"].value
    editor.fields["urn"].value = "12"
    assert "6 or 7 digits" in editor.errors["urn"].value
    reread = Store(store.data_dir).school("holmewold-academy")
    assert reread.urn == saved.urn and reread.pupils == saved.pupils  # bad values never stored
    editor.fields["pupils"].value = "1,020"
    assert editor.errors["pupils"].value == ""
    assert Store(store.data_dir).school("holmewold-academy").pupils == 1020


def test_export_report_button_offers_pdf_and_html(store):
    import base64
    import re
    from io import BytesIO

    from pypdf import PdfReader

    app = _app(store)
    app.panels[0].notes.value = "Noted <b>in</b> the meeting"
    app.report.include_notes.value = True  # the team's notes stay out unless asked for
    app.report.button.click()
    links = dict(
        re.findall(r"download='([^']+)' href='data:[^;]+;base64,([^']+)'", app.report.links.value)
    )
    assert set(links) == {
        "oakfield-academy-report-2026-27.pdf",
        "oakfield-academy-report-2026-27.html",
    }
    pdf = base64.b64decode(links["oakfield-academy-report-2026-27.pdf"])
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    assert "Oakfield Academy" in text and "Noted <b>in</b> the meeting" in text
    html = base64.b64decode(links["oakfield-academy-report-2026-27.html"]).decode("utf-8")
    assert "Noted &lt;b&gt;in&lt;/b&gt; the meeting" in html
    assert not app.report.button.disabled


def test_clicking_a_level_card_agrees_that_level(store):
    app = _app(store)
    panel = app.panels[1]
    target = 1 if panel.level.value != 1 else 2
    panel.choose[target - 1].click()  # the card's button covers it: a click anywhere on it
    assert panel.level.value == target
    selected = [("cr-level-selected" in c._dom_classes) for c in panel.cards]
    assert selected == [number == target for number in range(1, len(panel.cards) + 1)]
    assert _stored(store, "oakfield-academy-2026-27").rating(panel.theme.id).level == target
    name = FW.levels[target - 1].name
    assert panel.choose[target - 1].description == f"Agree level {target} {name}"
    assert all("cr-level-card" in card._dom_classes for card in panel.cards)


def test_save_status_says_saving_saved_at_or_not_saved_and_why(store):
    app = _app(store, autosave_delay=60)  # a save waits, so "Saving…" stays on screen
    classes = app.status.widget._dom_classes
    assert re.fullmatch(r"Saved \d\d:\d\d", app.status.widget.value)  # when it was last saved
    app.panels[0].notes.value = "Raised by the head"
    assert (app.session.status.state, app.status.widget.value) == ("pending", "Saving…")
    assert "cr-save-pending" in app.status.widget._dom_classes
    app.session.flush()
    assert app.session.status.state == "saved"
    assert re.fullmatch(r"Saved \d\d:\d\d", app.status.widget.value)
    assert "cr-save-pending" not in app.status.widget._dom_classes
    app.session.refuse("the text is too long")
    assert app.session.status.state == "error"
    assert app.status.widget.value == "Not saved: the text is too long"
    assert "cr-save-error" in app.status.widget._dom_classes and "cr-save-status" in classes
