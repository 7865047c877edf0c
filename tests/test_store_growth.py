"""Typing cannot fill the store: a page's quick saves fold into one revision, a text field
holds at most 20,000 characters, and the data directory is private."""

from __future__ import annotations

import json
import os
import random
import sqlite3
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from careers_review import InputError, Store, default_framework, parse_document
from careers_review.app.review import ReviewApp
from careers_review.app.session import ReviewSession
from careers_review.model import MAX_TEXT
from careers_review.store import DB_NAME, SITTING_PAUSE, SITTING_SPAN
from careers_review.workspace import hide_paths

from . import factories

FW = default_framework()
SCHOOL = "oakfield-academy"
REVIEW = "oakfield-academy-2026-27"
THEME = FW.themes[0].id
WORDS = [
    "careers",
    "leader",
    "governors",
    "employers",
    "encounters",
    "destinations",
    "pupils",
    "plan",
    "evidence",
    "benchmark",
    "survey",
    "parents",
    "apprenticeships",
    "college",
    "university",
    "guidance",
    "adviser",
    "meeting",
    "year",
    "eleven",
    "twelve",
    "thirteen",
    "budget",
    "hours",
    "senior",
    "team",
    "strategy",
    "impact",
    "review",
]


class Clock:
    """The store's clock, moved on by the test: typing for an hour takes no time here."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def wait(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def _store_bytes(data_dir: Path) -> int:
    return sum(p.stat().st_size for p in data_dir.glob(DB_NAME + "*"))


def _evidence_text(words: int) -> str:
    chooser = random.Random(11)
    sentences, sentence = [], []
    for n in range(words):
        sentence.append(chooser.choice(WORDS))
        if len(sentence) == 12 or n == words - 1:
            sentences.append(" ".join(sentence).capitalize() + ".")
            sentence = []
    return " ".join(sentences)


def _session(data_dir: Path, clock: Clock, **options) -> ReviewSession:
    store = Store(data_dir, clock=clock)
    return ReviewSession(store, FW, SCHOOL, academic_year="2026/27", autosave_delay=0, **options)


@pytest.mark.slow
def test_typing_two_thousand_words_a_key_at_a_time_grows_the_store_by_ten_times_at_most(
    data_dir,
):
    text = _evidence_text(2000)
    assert len(text.split()) == 2000
    clock = Clock()
    session = _session(data_dir, clock)
    before_revisions = len(session.revisions())
    session.store.close()
    before = _store_bytes(data_dir)

    session = _session(data_dir, clock)
    for end in range(1, len(text) + 1):  # one save a keystroke: the worst a page can do
        session.set_rating(THEME, evidence=text[:end])
        assert session.status.ok, session.status.message
        clock.wait(0.3)
    session.store.close()
    growth = _store_bytes(data_dir) - before
    assert growth <= 10 * len(text.encode("utf-8")), (growth, len(text))

    with Store(data_dir) as store:
        assert store.review(REVIEW).rating(THEME).evidence == text  # nothing lost
        revisions = store.revisions("review", REVIEW)[before_revisions:]
    # About an hour of typing: a restore point each quarter of an hour, and no more.
    minutes = len(text) * 0.3 / 60
    assert len(revisions) == pytest.approx(minutes / (SITTING_SPAN.seconds / 60), abs=1)


def test_a_pause_another_page_or_a_restore_starts_a_new_revision(data_dir):
    clock = Clock()
    mine = _session(data_dir, clock)
    other = _session(data_dir, clock)
    start = len(mine.revisions())
    mine.set_rating(THEME, notes="first words")
    mine.set_rating(THEME, notes="first words and more")
    assert len(mine.revisions()) == start + 1  # folded
    clock.wait(SITTING_PAUSE.seconds + 1)
    mine.set_rating(THEME, notes="after a pause")
    assert len(mine.revisions()) == start + 2
    other.set_rating(THEME, evidence="from the other tab")
    mine.set_rating(THEME, notes="after the other tab")
    assert len(mine.revisions()) == start + 4
    with Store(data_dir) as store:
        texts = [
            store.review(REVIEW, r.number).rating(THEME) for r in store.revisions("review", REVIEW)
        ]
    assert any(t.notes == "first words and more" for t in texts)
    assert any(t.evidence == "from the other tab" and t.notes == "after a pause" for t in texts)
    latest = texts[-1]
    assert (latest.notes, latest.evidence) == ("after the other tab", "from the other tab")
    mine.restore(start + 1)
    mine.set_rating(THEME, notes="after the restore")
    assert len(mine.revisions()) == start + 6  # the restore is a revision of its own, kept


def test_a_page_that_read_a_folded_revision_still_merges_right(data_dir):
    """Tab B opens while tab A's revision is still open; A goes on typing, then B saves:
    A's later words are kept, not taken back to what B first saw."""
    clock = Clock()
    tab_a = _session(data_dir, clock)
    tab_a.set_rating(THEME, evidence="A starts")
    tab_b = _session(data_dir, clock)
    tab_a.set_rating(THEME, evidence="A starts and goes on")
    tab_b.set_rating(FW.themes[1].id, notes="B's note")
    with Store(data_dir) as store:
        latest = store.review(REVIEW)
    assert latest.rating(THEME).evidence == "A starts and goes on"
    assert latest.rating(FW.themes[1].id).notes == "B's note"


def test_only_an_open_sittings_newest_revision_can_change_even_with_sql(data_dir):
    clock = Clock()
    session = _session(data_dir, clock)
    session.set_rating(THEME, notes="one")
    clock.wait(SITTING_PAUSE.seconds + 1)
    session.set_rating(THEME, notes="two")
    session.store.close()
    db = sqlite3.connect(data_dir / DB_NAME)
    numbers = [n for (n,) in db.execute("SELECT number FROM revisions WHERE key = ?", (REVIEW,))]
    for number, sitting in ((numbers[-2], session.sitting), (numbers[0], "")):
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            db.execute(
                "UPDATE revisions SET data = '{}' WHERE key = ? AND number = ? AND sitting = ?",
                (REVIEW, number, sitting),
            ).fetchall()
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute(
            "UPDATE revisions SET sitting = 'someone else' WHERE key = ? AND number = ?",
            (REVIEW, numbers[-1]),
        )
    db.close()


def test_a_paste_of_thirty_thousand_characters_is_refused_and_stays_on_screen(store):
    app = ReviewApp(ReviewSession(store, FW, SCHOOL, academic_year="2026/27", autosave_delay=0))
    panel = app.panels[0]
    panel.evidence.value = "What we agreed."
    assert app.status.widget.value.startswith("Saved")
    pasted = "x" * 30_000
    panel.evidence.value = pasted
    assert "at most 20,000 characters" in app.status.widget.value
    assert "30,000" in app.status.widget.value
    assert "cr-save-error" in app.status.widget._dom_classes
    assert panel.evidence.value == pasted  # the text is not taken away
    with Store(store.data_dir) as fresh:
        assert fresh.review(REVIEW).rating(THEME).evidence == "What we agreed."
    panel.evidence.value = pasted[:MAX_TEXT]
    assert app.status.widget.value.startswith("Saved")
    with Store(store.data_dir) as fresh:
        assert fresh.review(REVIEW).rating(THEME).evidence == pasted[:MAX_TEXT]


def test_an_imported_field_over_the_limit_is_refused_by_name():
    review = json.loads(factories.review().model_dump_json())
    review["ratings"] = {THEME: {"notes": "y" * (MAX_TEXT + 1)}}
    with pytest.raises(InputError, match=rf"x.json: ratings.{THEME}.notes: .*20000"):
        parse_document(review, "x.json")


def test_data_directory_is_private_and_exports_are_not(tmp_path):
    folder = tmp_path / "new" / "data"
    old = os.umask(0o022)
    try:
        with Store(folder) as store:
            store.save(factories.school())
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        for path in folder.glob(DB_NAME + "*"):
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
        from careers_review.files import atomic_write_text

        exported = atomic_write_text(tmp_path / "review.json", "{}")
        assert stat.S_IMODE(exported.stat().st_mode) == 0o644
    finally:
        os.umask(old)


def test_server_paths_are_named_by_what_they_are(tmp_path):
    data = tmp_path / "data"
    text = (
        f"{data}/evidence/oakfield-academy/learner_survey_2026-27.csv: row 3: answer: 'x'; "
        f"{data}/{DB_NAME}: the store is locked; {data}/framework.yaml"
    )
    shown = hide_paths(text, data)
    assert str(tmp_path) not in shown
    assert shown == (
        "your evidence folder/learner_survey_2026-27.csv: row 3: answer: 'x'; "
        "the store: the store is locked; the data directory/framework.yaml"
    )


FORMAT_1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE revisions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, key TEXT NOT NULL,
    number INTEGER NOT NULL, school_id TEXT NOT NULL, saved_at TEXT NOT NULL,
    author TEXT NOT NULL DEFAULT '', data TEXT NOT NULL, UNIQUE (kind, key, number));
CREATE TRIGGER revisions_no_update BEFORE UPDATE ON revisions
BEGIN SELECT RAISE(ABORT, 'revisions are append-only'); END;
CREATE TRIGGER revisions_no_delete BEFORE DELETE ON revisions
BEGIN SELECT RAISE(ABORT, 'revisions are append-only'); END;
INSERT INTO meta VALUES ('format', '1');
"""


def test_a_store_from_the_first_version_opens_and_keeps_its_history(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    school = factories.school()
    db = sqlite3.connect(folder / DB_NAME)
    db.executescript(FORMAT_1)
    db.execute(
        "INSERT INTO revisions (kind, key, number, school_id, saved_at, author, data)"
        " VALUES ('school', ?, 1, ?, '2025-01-01T10:00:00+00:00', 'import', ?)",
        (school.id, school.id, school.model_dump_json()),
    )
    db.commit()
    db.close()
    clock = Clock()
    with Store(folder, clock=clock) as store:
        assert store.school(school.id) == school
        renamed = school.model_copy(update={"name": "Renamed School"})
        store.save(renamed, base_revision=1, sitting="page")
        clock.wait(1)
        store.save(
            renamed.model_copy(update={"name": "Renamed Again"}), base_revision=2, sitting="page"
        )
        assert [r.number for r in store.revisions("school", school.id)] == [1, 2]  # folded
        assert store.school(school.id, 1) == school
    db = sqlite3.connect(folder / DB_NAME)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("UPDATE revisions SET data = '{}' WHERE number = 1")
    assert db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone() == ("2",)
    db.close()


class EditDuringSave(Store):
    """A store whose write lands while the page goes on typing: the edit made on the page's
    thread in the middle of a save (as a timer thread saves and a person types)."""

    edit = None

    def _save_one(self, *args, **kwargs):
        if self.edit:
            self.edit()
            self.edit = None
        return super()._save_one(*args, **kwargs)


def test_an_edit_made_while_a_save_is_written_is_saved_next(data_dir):
    store = EditDuringSave(data_dir)
    session = ReviewSession(store, FW, SCHOOL, academic_year="2026/27", autosave_delay=0)
    other = FW.themes[1].id

    def typed_meanwhile():
        session.review.ratings = {
            **session.review.ratings,
            other: session.review.rating(other).model_copy(update={"notes": "typed meanwhile"}),
        }

    store.edit = typed_meanwhile
    session.set_rating(THEME, notes="first")
    session.set_rating(THEME, evidence="then this")  # the next save carries both
    with Store(data_dir) as fresh:
        latest = fresh.review(REVIEW)
    assert latest.rating(other).notes == "typed meanwhile"
    assert (latest.rating(THEME).notes, latest.rating(THEME).evidence) == ("first", "then this")
    store.close()
