"""The store: every save kept, earlier states restorable, concurrent writers safe."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading

import pytest

from careers_review import Store, StoreError, ThemeRating, UnknownSchoolError
from careers_review.store import DB_NAME

from . import factories


@pytest.fixture
def empty(tmp_path):
    with Store(tmp_path / "data") as store:
        store.save(factories.school())
        yield store


def test_every_save_appends_a_revision_and_latest_wins(empty):
    review = factories.review(levels={"leaders_vision": 1})
    first = empty.save(review)
    review.ratings["leaders_vision"] = ThemeRating(level=2, evidence="Plan published")
    second = empty.save(review)
    assert (first.number, second.number) == (1, 2)
    assert empty.review(review.id).rating("leaders_vision").level == 2
    assert empty.review(review.id, revision=1).rating("leaders_vision").level == 1
    assert [r.number for r in empty.revisions("review", review.id)] == [1, 2]


def test_saving_an_unchanged_document_adds_nothing(empty):
    review = factories.review(levels={"leaders_vision": 1})
    empty.save(review)
    again = empty.save(review)
    assert again.number == 1 and not again.changed


def test_restore_appends_the_old_state_as_newest(empty):
    review = factories.review(levels={"leaders_vision": 1})
    empty.save(review)
    review.ratings["leaders_vision"] = ThemeRating(level=4)
    empty.save(review)
    restored = empty.restore("review", review.id, 1)
    assert restored.number == 3
    assert empty.review(review.id).rating("leaders_vision").level == 1
    assert len(empty.revisions("review", review.id)) == 3  # nothing overwritten


def test_revisions_cannot_be_rewritten_even_with_sql(empty):
    empty.save(factories.review())
    db = sqlite3.connect(empty.path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("UPDATE revisions SET data = '{}'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        db.execute("DELETE FROM revisions")
    db.close()


def test_two_tabs_editing_different_themes_both_kept(empty):
    """Tab A and tab B open revision 1; each changes one theme; neither change is lost."""
    base = empty.save(factories.review(levels={"leaders_vision": 1, "strategic_planning": 1}))
    tab_a = empty.review(base.document.id)
    tab_b = empty.review(base.document.id)
    tab_a.ratings["leaders_vision"] = ThemeRating(level=3, evidence="from tab A")
    tab_b.ratings["strategic_planning"] = ThemeRating(level=2, evidence="from tab B")
    empty.save(tab_a, base_revision=base.number)
    result = empty.save(tab_b, base_revision=base.number)
    assert result.merged
    latest = empty.review(base.document.id)
    assert latest.rating("leaders_vision").evidence == "from tab A"
    assert latest.rating("strategic_planning").evidence == "from tab B"


def test_review_for_unknown_school_is_refused(empty):
    with pytest.raises(UnknownSchoolError, match="unknown school id 'nowhere'"):
        empty.save(factories.review(school_id="nowhere"))
    assert empty.revision_count() == 1


def test_previous_review_is_the_latest_earlier_year(empty):
    empty.save(factories.review(year="2023/24"))
    empty.save(factories.review(year="2024/25"))
    current = factories.review(year="2025/26")
    empty.save(current)
    assert empty.previous_review(current).academic_year == "2024/25"
    assert empty.latest_review("test-school").academic_year == "2025/26"


def _writer(data_dir: str, worker: int, count: int) -> None:
    with Store(data_dir) as store:
        review = store.review("test-school-2025-26")
        for n in range(count):
            review.ratings["leaders_vision"] = ThemeRating(level=1 + n % 4, notes=f"w{worker}-{n}")
            store.save(review, author=f"writer {worker}")


def test_two_processes_writing_200_revisions_each_lose_none(tmp_path):
    data = tmp_path / "data"
    with Store(data) as store:
        store.save(factories.school())
        store.save(factories.review())
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_writer, args=(str(data), w, 200)) for w in (1, 2)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(120)
        assert process.exitcode == 0
    with Store(data) as store:
        revisions = store.revisions("review", "test-school-2025-26")
        assert len(revisions) == 401  # the first save plus 2 x 200
        assert [r.number for r in revisions] == list(range(1, 402))
        notes = {
            store.review("test-school-2025-26", r.number).rating("leaders_vision").notes
            for r in revisions[1:]
        }
        assert notes == {f"w{w}-{n}" for w in (1, 2) for n in range(200)}


def test_threads_sharing_one_store_are_serialised(empty):
    empty.save(factories.review())

    def work(tag: str) -> None:
        review = empty.review("test-school-2025-26")
        for n in range(25):
            review.ratings["leaders_vision"] = ThemeRating(notes=f"{tag}{n}")
            empty.save(review)

    threads = [threading.Thread(target=work, args=(t,)) for t in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(empty.revisions("review", "test-school-2025-26")) == 51


def test_corrupt_store_file_is_named(tmp_path):
    (tmp_path / DB_NAME).write_bytes(b"this is a spreadsheet, honest" * 200)
    with pytest.raises(StoreError) as caught:
        Store(tmp_path)
    assert str(tmp_path / DB_NAME) in str(caught.value)
    assert "damaged or is not a careers-review store" in str(caught.value)


def test_locked_store_says_so(tmp_path):
    with Store(tmp_path) as store:
        store.save(factories.school())
    holder = sqlite3.connect(tmp_path / DB_NAME, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with (
            Store(tmp_path, timeout=0.2) as store,
            pytest.raises(StoreError, match="locked by another program"),
        ):
            store.save(factories.school(name="Renamed"))
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_missing_store_not_created_when_reading(tmp_path):
    with pytest.raises(StoreError, match="no store here yet"):
        Store(tmp_path / "nothing", create=False)
    assert not (tmp_path / "nothing").exists()
